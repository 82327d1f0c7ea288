"""Literal placeholders of the source against the target: ``{0}``, ``{name}``, ``%s``, ``%1$d``,
``$VAR``, URLs, e-mail addresses and HTML tags written as text (pofilter's *printf*, *urls*,
*emails* and *xmltags*). Each must come out exactly once per occurrence in the source; order is free (English word
order differs). Patterns: :mod:`termbase.inline.patterns`.
"""
from __future__ import annotations

from collections import Counter
from typing import Iterable, Iterator

from ..aligned import SegmentPair
from ..inline.patterns import find_placeholders
from .base import SOURCE, TARGET, CheckContext, Issue, SegmentCheck

_KINDS = {"tag": "tag", "url": "URL", "email": "e-mail address", "printf": "printf placeholder",
          "brace": "placeholder", "shell": "variable"}


class PlaceholderMismatch(SegmentCheck):
    """A placeholder, URL or e-mail address of the source missing or changed in the target."""

    id = "placeholder-mismatch"
    severity = "error"
    description = ("a placeholder ({0}, {name}, %s, %1$d, $VAR), URL, e-mail address or HTML tag "
                   "written as text in the source missing, changed or added in the target")

    def check_segment(self, pair: SegmentPair, ctx: CheckContext) -> Iterable[Issue]:
        if not pair.source.strip() or not pair.target.strip():
            return
        src = list(find_placeholders(pair.source))
        tgt = list(find_placeholders(pair.target))
        if not src and not tgt:
            return
        for start, end, kind, text in _unpaired(src, tgt):
            yield self.issue(pair, SOURCE, start, end,
                             f"the {_KINDS[kind]} {text} of the source is not in the target",
                             f"copy {text} into the translation unchanged", rule=f"{kind}-missing")
        for start, end, kind, text in _unpaired(tgt, src):
            yield self.issue(pair, TARGET, start, end,
                             f"the {_KINDS[kind]} {text} is not in the source",
                             "check it against the source (a changed or translated placeholder?)",
                             rule=f"{kind}-extra")


def _unpaired(found: list, other: list) -> Iterator[tuple]:
    """The placeholders of ``found`` left once each occurrence of a text in ``other`` has taken
    one occurrence of the same text (in order)."""
    left = Counter(p[3] for p in other)
    for p in found:
        if left[p[3]] > 0:
            left[p[3]] -= 1
        else:
            yield p

"""Inline codes of the source against those of the target (XLIFF tags, Word formatting, links,
footnote references, Markdown markup): Xbench's *Tag Mismatch*, pofilter's *xmltags*.

Codes are compared through :func:`termbase.inline.compare_codes`: a source code missing from the
target or a target code the source lacks is an error, broken nesting (a pair closed across
another, a code opened and never closed) is an error, the same codes in another order is a
warning (word order changes in translation move pairs legitimately; a reviewer confirms it).
Segments from readers without inline markup (plain text, TSV/CSV, mixed documents) and
untranslated segments (an empty target, reported by ``untranslated``) are not checked.
"""
from __future__ import annotations

from typing import Iterable

from ..aligned import SegmentPair
from ..inline import compare_codes
from .base import SOURCE, CheckContext, Issue, SegmentCheck, segment_fingerprint

_RULES = {"missing": ("tag-missing", "error"), "extra": ("tag-extra", "error"),
          "nesting": ("tag-nesting", "error"), "order": ("tag-order", "warning")}
_FIX = {"missing": "put the code back around or next to the words it belongs to",
        "extra": "remove it, or check that the source should have it",
        "nesting": "close the inner pair before the outer one",
        "order": "check that each code still covers the right words"}


class TagMismatch(SegmentCheck):
    """Inline codes missing, extra, reordered or badly nested in the target."""

    id = "tag-mismatch"
    severity = "error"
    description = ("inline codes of the source (XLIFF tags, Word formatting, links, footnote "
                   "references, Markdown markup) missing, extra, reordered or badly nested in the "
                   "target")

    def check_segment(self, pair: SegmentPair, ctx: CheckContext) -> Iterable[Issue]:
        source, target = pair.source_inline, pair.target_inline
        if source is None or target is None or not pair.target.strip() and not target.has_codes:
            return
        if not source.has_codes and not target.has_codes:
            return
        shift = {SOURCE: _lead(source.text, pair.source), "target": _lead(target.text, pair.target)}
        for problem in compare_codes(source, target):
            rule, severity = _RULES[problem.kind]
            side = problem.side
            text = pair.source if side == SOURCE else pair.target
            at = max(0, min(len(text), problem.offset - shift[side]))
            yield Issue(self.id, severity, pair.index, pair.location, side, at, at,
                        problem.code.label(), problem.message, _FIX[problem.kind], rule,
                        segment_fingerprint(pair))


def _lead(inline_text: str, text: str) -> int:
    """How many characters the reader stripped from the start of the text."""
    stripped = len(inline_text) - len(inline_text.lstrip())
    return stripped if inline_text.strip() == text.strip() else 0

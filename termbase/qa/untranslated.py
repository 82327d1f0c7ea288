"""Untranslated text: Chinese left in the English, an empty target, a target equal to its source."""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Iterable

from ..aligned import SegmentPair
from ..normalize import CJK_CLASS, has_cjk
from .base import SOURCE, TARGET, CheckContext, Issue, SegmentCheck


@lru_cache(maxsize=None)
def _cjk_run() -> "re.Pattern[str]":
    """A run of Chinese: ideographs, with the spaces and punctuation between them (compiled
    when first needed, by the process that checks: its character classes take milliseconds)."""
    return re.compile(f"[{CJK_CLASS}](?:[{CJK_CLASS}\\s，。、；：“”《》（）]*[{CJK_CLASS}])?")


class Untranslated(SegmentCheck):
    """Chinese left in the target, a missing target, or a target identical to its source."""

    id = "untranslated"
    severity = "error"
    description = "Chinese left in the English, an empty target, or a target identical to the source"
    rules = {
        "empty-target": ("error", "a source segment without translation"),
        "identical": ("error", "the target is the untranslated source"),
        "chinese-in-target": ("error", "Chinese left in the English"),
        "no-source": ("info", "a target segment without source"),
    }

    def check_segment(self, pair: SegmentPair, ctx: CheckContext) -> Iterable[Issue]:
        if pair.gap:
            return  # an alignment gap: missing-translation / extra-paragraph report it
        src, tgt = pair.source.strip(), pair.target.strip()
        if src and not tgt:
            yield self.issue(pair, SOURCE, 0, len(pair.source),
                             pair.note or "the segment has no translation",
                             "translate the segment (or align the English with it)",
                             rule="empty-target")
            return
        if tgt and not src:
            yield self.issue(pair, TARGET, 0, len(pair.target),
                             pair.note or "the target has no source segment",
                             "check the alignment", rule="no-source", severity="info")
            return
        if not tgt or not has_cjk(tgt):
            # a target without Chinese is not its Chinese source (whitespace is no ideograph) and
            # has no Chinese left in it
            return
        if has_cjk(src) and re.sub(r"\s+", "", src) == re.sub(r"\s+", "", tgt):
            yield self.issue(pair, TARGET, 0, len(pair.target), "the target is the untranslated source",
                             "translate the segment", rule="identical")
            return
        for m in _cjk_run().finditer(pair.target):
            yield self.issue(pair, TARGET, m.start(), m.end(), f"Chinese left in the English: 「{m.group()}」",
                             "translate it (the glossary may have a rendering)", rule="chinese-in-target")

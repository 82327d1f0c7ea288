"""The number check: every number written in one language must be found in the other."""
from __future__ import annotations

from typing import Iterable

from ..aligned import SegmentPair
from .base import SOURCE, TARGET, CheckContext, Issue, SegmentCheck
from .numerals import en_numbers, zh_numbers


def _show(value: float) -> str:
    return f"{value:,.0f}" if value == int(value) else f"{value:,}"


class NumberMismatch(SegmentCheck):
    """Numbers that differ between source and target (Chinese forms normalised)."""

    id = "number-mismatch"
    severity = "error"
    description = ("a number in the source is missing from the target, or the target has a number "
                   "the source does not (500万 = 5 million = 5,000,000; 140余 = over 140)")

    def check_segment(self, pair: SegmentPair, ctx: CheckContext) -> Iterable[Issue]:
        if not pair.source.strip() or not pair.target.strip():
            return
        src, tgt = zh_numbers(pair.source), en_numbers(pair.target)
        src_keys = {n.key for n in src}
        tgt_keys = {n.key for n in tgt}
        reported = set()
        for n in src:
            if n.strong and n.key not in tgt_keys and (SOURCE, n.key) not in reported:
                reported.add((SOURCE, n.key))
                hint = "" if n.text == _show(n.value) else f" (= {_show(n.value)})"
                yield self.issue(pair, SOURCE, n.start, n.end,
                                 f"the source number {n.text}{hint} is not in the target",
                                 f"write {_show(n.value)} in the translation (or check the source)")
        for n in tgt:
            if n.strong and n.key not in src_keys and (TARGET, n.key) not in reported:
                reported.add((TARGET, n.key))
                yield self.issue(pair, TARGET, n.start, n.end,
                                 f"the target number {n.text} is not in the source",
                                 "check the number against the source")

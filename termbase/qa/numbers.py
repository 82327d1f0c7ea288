"""The number check: every number written in one language must be found in the other."""
from __future__ import annotations

from typing import Callable, Dict, Iterable, List

from ..aligned import SegmentPair
from .base import SOURCE, TARGET, CheckContext, Issue, SegmentCheck

_N = None


def _numbers():
    """:mod:`termbase.numbers`, imported when the check first runs rather than when it is
    chosen: its many patterns are then compiled by the process that checks (in a parallel
    check, the process forked for the checks that need no glossary, not before the fork)."""
    global _N
    if _N is None:
        from .. import numbers

        _N = numbers
    return _N


class NumberMismatch(SegmentCheck):
    """Numbers that differ between source and target (see :mod:`termbase.numbers`)."""

    id = "number-mismatch"
    severity = "error"
    description = ("a number in the source is missing from the target, or the target has a number "
                   "the source does not: scales, decimals, percentages and points, multiples, "
                   "numerals and number words, ordinals, dates and years are compared by value "
                   "(1,818億 = 181.8 billion; 0.5个百分点 = 50 basis points; 4月26日 = 26 Apr; "
                   "140余 = over 140; a year the English adds for 本年/去年 is checked against "
                   "the document's year)")

    def prepare(self, ctx: CheckContext) -> None:
        self._votes(ctx)

    @staticmethod
    def _votes(ctx: CheckContext) -> Dict[int, List[int]]:
        """Years the document's relative expressions refer to, by segment index."""
        def build():
            n = _numbers()
            pairs = [p for p in ctx.pairs if p.source.strip() and p.target.strip()]
            votes = n.year_votes([(p.source, p.target) for p in pairs],
                                 zh=lambda text: _remembered(ctx, n.zh_quantities, text),
                                 en=lambda text: _remembered(ctx, n.en_quantities, text))
            return [(pairs[k].index, y) for k, y in votes]
        return ctx.shared("year-votes", build)

    def check_segment(self, pair: SegmentPair, ctx: CheckContext) -> Iterable[Issue]:
        if not pair.source.strip() or not pair.target.strip():
            return
        n = _N or _numbers()
        src = _remembered(ctx, n.zh_quantities, pair.source)
        tgt = _remembered(ctx, n.en_quantities, pair.target)
        missing, extra = n.unmatched(src, tgt)
        if any(q.kind == "year" for q in extra):
            extra = self._implicit_years_removed(pair, extra, ctx)
        if extra and n.ZH_RELATIVE_REFERENCE.search(pair.source):
            # 前項 (the preceding paragraph) written "Paragraph 1": a reference the source
            # makes by position, not by number, so its number cannot be checked
            extra = [q for q in extra if not n.is_reference(pair.target, q)]
        src_label, tgt_label = n.leading_label(src), n.leading_label(tgt)
        if src_label and tgt_label and src_label.value != tgt_label.value:
            yield self.issue(pair, TARGET, tgt_label.start, tgt_label.end,
                             f"the list number {tgt_label.text} differs from the source's "
                             f"{src_label.text}", f"number the item {int(src_label.value)}")
        reported = set()
        for q in missing:
            key = (SOURCE, q.family, q.value)
            if key in reported:
                continue
            reported.add(key)
            shown = n.describe(q)
            hint = "" if q.text == shown else f" (= {shown})"
            yield self.issue(pair, SOURCE, q.start, q.end,
                             f"the source number {q.text}{hint} is not in the target",
                             f"write {shown} in the translation (or check the source)")
        for q in extra:
            key = (TARGET, q.family, q.value)
            if key in reported:
                continue
            reported.add(key)
            yield self.issue(pair, TARGET, q.start, q.end,
                             f"the target number {q.text} is not in the source",
                             "check the number against the source")

    def _implicit_years_removed(self, pair: SegmentPair, extra: list, ctx: CheckContext) -> list:
        """``extra`` without the years the English adds for the source's 本年/去年/上半年…: such a
        year must be the document's year (plus the expression's offset), as the other segments
        establish it; where no other segment votes, a year the document's Chinese writes
        (2019年3月5日 for 今年, 2018 for 过去一年 in the 2019 report) must vouch for it, and
        without any written year it is accepted where the source has a relative expression; a
        year is reported where the source has no relative expression."""
        n = _numbers()
        offsets = set(n.relative_year_offsets(pair.source))
        year = n.document_year(self._votes(ctx), exclude=pair.index)
        written = self._written_years(ctx) if year is None else set()
        kept = []
        for q in extra:
            if q.kind == "year":
                if year is not None and int(q.value) - year in offsets | {0}:
                    continue
                if year is None and offsets and (not written or any(
                        int(q.value) - o in written for o in offsets)):
                    continue  # no other segment votes: a year the Chinese writes somewhere vouches
            kept.append(q)
        return kept

    @staticmethod
    def _written_years(ctx: CheckContext) -> set:
        """The four-digit years the document's Chinese writes (2019年3月5日, 2018年工作回顾)."""
        def build():
            zh_quantities = _numbers().zh_quantities
            return {int(q.value) for p in ctx.pairs for q in _remembered(ctx, zh_quantities, p.source)
                    if q.kind == "year" and len(q.text) == 4 and q.text.isdigit()}
        return ctx.shared("written-years", build)


def _remembered(ctx: CheckContext, quantities: Callable[[str], list], text: str) -> list:
    """``quantities(text)``, computed once per distinct text in ``ctx`` (the year votes and the
    check read the same segments, and documents repeat segments). The lists are shared: read
    them, do not change them."""
    memo = ctx.shared("number-mismatch:" + quantities.__name__, dict)
    found = memo.get(text)
    if found is None:
        found = memo[text] = quantities(text)
    return found

"""Consistency across segments: one source translated differently, one target from several sources."""
from __future__ import annotations

from collections import Counter, defaultdict
from typing import Dict, Iterable, List, Sequence

from ..aligned import SegmentPair
from ..normalize import normalize_zh
from .base import SOURCE, TARGET, Check, CheckContext, Issue

_QUOTE_PAIRS = (("“", '"'), ("”", '"'), ("‘", "'"), ("’", "'"))


def source_key(text: str) -> str:
    """Source compared width-, case-, script- and whitespace-insensitively."""
    # str.split() splits at what r"\s" matches in a str pattern (str.isspace)
    return "".join(normalize_zh(text).split())


def target_key(text: str) -> str:
    """Target compared case-, quote- and whitespace-insensitively."""
    # the quotes replaced where the text has some (cheaper than str.translate), whitespace runs
    # made one space and none at the ends: re.sub(r"\s+", " ", ...).strip() as str.split() does it
    for quote, plain in _QUOTE_PAIRS:
        if quote in text:
            text = text.replace(quote, plain)
    return " ".join(text.split()).casefold()


def _refs(pairs: Sequence[SegmentPair]) -> str:
    shown = ", ".join(p.location or f"#{p.index + 1}" for p in pairs[:3])
    return shown + (f" and {len(pairs) - 3} more" if len(pairs) > 3 else "")


class _Inconsistency(Check):
    severity = "warning"
    group_side = SOURCE  # segments are grouped by this side and compared on the other

    def run(self, pairs: Sequence[SegmentPair], ctx: CheckContext) -> Iterable[Issue]:
        groups: Dict[str, List[SegmentPair]] = defaultdict(list)
        for p in pairs:
            if not p.source.strip() or not p.target.strip():
                continue
            key = source_key(p.source) if self.group_side == SOURCE else target_key(p.target)
            if len(key) >= 2:
                groups[key].append(p)
        for members in groups.values():
            if len(members) < 2:
                continue
            other = (lambda p: target_key(p.target)) if self.group_side == SOURCE else \
                (lambda p: source_key(p.source))
            counts = Counter(other(p) for p in members)
            if len(counts) < 2:
                continue
            majority = counts.most_common(1)[0][0]
            model = next(p for p in members if other(p) == majority)
            for p in members:
                if other(p) == majority:
                    continue
                yield self._report(p, model, [m for m in members if other(m) == majority])

    def _report(self, pair: SegmentPair, model: SegmentPair, same: List[SegmentPair]) -> Issue:
        raise NotImplementedError


class InconsistentTarget(_Inconsistency):
    """The same source segment translated differently."""

    id = "inconsistent-target"
    description = "the same source segment is translated differently elsewhere"
    group_side = SOURCE

    def _report(self, pair, model, same):
        return self.issue(pair, TARGET, 0, len(pair.target),
                          f"the same source is translated differently at {_refs(same)}",
                          f"'{model.target}'")


class InconsistentSource(_Inconsistency):
    """The same target produced from different sources."""

    id = "inconsistent-source"
    description = "the same translation is used for different source segments"
    group_side = TARGET

    def _report(self, pair, model, same):
        return self.issue(pair, SOURCE, 0, len(pair.source),
                          f"the same translation stands for a different source at {_refs(same)}: "
                          f"「{model.source}」", "check that both translations are right")

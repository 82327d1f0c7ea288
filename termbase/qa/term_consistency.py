"""One concept, one rendering: a glossary term given different approved renderings.

A term with several approved renderings (对外开放 → "opening-up" | "opening up") may be written
either way, but a document — or a project, when the files are checked together — should keep to
one. The rendering used most often is taken as the document's choice; each other use is
reported.
"""
from __future__ import annotations

from collections import defaultdict
from typing import Dict, Iterable, List, Optional, Sequence, Tuple

from ..aligned import SegmentPair
from ..en_match import APPROVED
from .base import TARGET, CheckContext, Issue, MappedCheck


def _rendering_of(matches) -> str:
    """The rendering written at one span (several may match it under the tolerant rules)."""
    surface = matches[0].matched.casefold()
    for m in matches:
        if m.rendering.casefold() == surface:
            return m.rendering
    for m in matches:
        if surface.startswith(m.rendering.casefold()):
            return m.rendering
    return matches[0].rendering


class InconsistentTerm(MappedCheck):
    """A glossary term rendered with different approved renderings across segments."""

    id = "inconsistent-term"
    severity = "warning"
    description = ("a glossary term is rendered with different approved renderings across the "
                   "document (or the project)")
    needs_matchers = True

    def prepare(self, ctx: CheckContext) -> None:
        if ctx.glossary is not None:
            ctx.en_matcher()

    def segment_data(self, pair: SegmentPair, ctx: CheckContext) -> Optional[List[tuple]]:
        """``(entry key, rendering, start, end)`` of each approved rendering in the target of a
        term with several, in the source."""
        if ctx.glossary is None or not pair.target.strip() or not pair.source.strip():
            return None
        wanted = {id(t.entry) for t in ctx.zh_terms(pair) if len(t.entry.en) > 1}
        if not wanted:
            return None
        spans: Dict[Tuple[int, int, int], list] = defaultdict(list)
        for m in ctx.en_matches(pair):
            if m.kind == APPROVED and m.entry is not None and id(m.entry) in wanted:
                spans[(id(m.entry), m.start, m.end)].append(m)
        return [(ctx.entry_key(ms[0].entry), _rendering_of(ms), start, end)
                for (_, start, end), ms in spans.items()]

    def reduce(self, pairs: Sequence[SegmentPair], data: Dict[int, object],
               ctx: CheckContext) -> Iterable[Issue]:
        uses: Dict[int, Dict[str, List[Tuple[SegmentPair, int, int]]]] = defaultdict(
            lambda: defaultdict(list))
        for p in pairs:
            for key, rendering, start, end in data.get(p.index, ()):
                uses[key][rendering].append((p, start, end))
        for key, by_rendering in uses.items():
            if len(by_rendering) < 2:
                continue
            entry = ctx.entry_at(key)
            order = {r: k for k, r in enumerate(entry.en)}
            chosen = min(by_rendering, key=lambda r: (-len({p.index for p, _, _ in by_rendering[r]}),
                                                      order.get(r, len(order))))
            where = ", ".join(dict.fromkeys(p.location or f"#{p.index + 1}"
                                            for p, _, _ in by_rendering[chosen][:3]))
            for rendering, occurrences in by_rendering.items():
                if rendering == chosen:
                    continue
                for p, start, end in occurrences:
                    yield self.issue(p, TARGET, start, end,
                                     f"'{p.target[start:end]}' for {entry.term}, rendered "
                                     f"'{chosen}' elsewhere ({where})",
                                     f"use '{chosen}' throughout")

"""One concept, one rendering: a glossary term given different approved renderings.

A term with several approved renderings (对外开放 → "opening-up" | "opening up") may be written
either way, but a document — or a project, when the files are checked together — should keep to
one. The rendering used most often is taken as the document's choice; each other use is
reported.
"""
from __future__ import annotations

from collections import defaultdict
from typing import Dict, Iterable, List, Sequence, Tuple

from ..aligned import SegmentPair
from ..en_match import APPROVED
from .base import TARGET, Check, CheckContext, Issue


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


class InconsistentTerm(Check):
    """A glossary term rendered with different approved renderings across segments."""

    id = "inconsistent-term"
    severity = "warning"
    description = ("a glossary term is rendered with different approved renderings across the "
                   "document (or the project)")
    needs_matchers = True

    def prepare(self, ctx: CheckContext) -> None:
        if ctx.glossary is not None:
            ctx.en_matcher()

    def run(self, pairs: Sequence[SegmentPair], ctx: CheckContext) -> Iterable[Issue]:
        if ctx.glossary is None:
            return
        uses: Dict[int, Dict[str, List[Tuple[SegmentPair, object]]]] = defaultdict(
            lambda: defaultdict(list))
        entries = {}
        for p in pairs:
            if not p.target.strip() or not p.source.strip():
                continue
            terms = ctx.zh_terms(p)
            wanted = {id(t.entry): t.entry for t in terms if len(t.entry.en) > 1}
            if not wanted:
                continue
            spans: Dict[Tuple[int, int, int], list] = defaultdict(list)
            for m in ctx.en_matches(p):
                if m.kind == APPROVED and m.entry is not None and id(m.entry) in wanted:
                    spans[(id(m.entry), m.start, m.end)].append(m)
            for (eid, _, _), ms in spans.items():
                uses[eid][_rendering_of(ms)].append((p, ms[0]))
                entries[eid] = ms[0].entry
        for eid, by_rendering in uses.items():
            if len(by_rendering) < 2:
                continue
            entry = entries[eid]
            order = {r: k for k, r in enumerate(entry.en)}
            chosen = min(by_rendering, key=lambda r: (-len({p.index for p, _ in by_rendering[r]}),
                                                      order.get(r, len(order))))
            where = ", ".join(dict.fromkeys(p.location or f"#{p.index + 1}"
                                            for p, _ in by_rendering[chosen][:3]))
            for rendering, occurrences in by_rendering.items():
                if rendering == chosen:
                    continue
                for p, m in occurrences:
                    yield self.issue(p, TARGET, m.start, m.end,
                                     f"'{m.matched}' for {entry.term}, rendered '{chosen}' "
                                     f"elsewhere ({where})", f"use '{chosen}' throughout")

"""Leverage before MT: glossary, translation memory and the persistent cache, per segment.

:class:`ProjectTranslator` is a :class:`~translate.translator.Translator` that looks every
segment up before the engine sees it, in this order:

1. the segment *is* a glossary term → ``leveraged-glossary`` (the enforcer's ``exact`` method);
2. a TM unit with the same source → ``exact-match`` (identical) or ``leveraged-tm`` (equal after
   normalising spaces, width and Traditional/Simplified); a whole multi-sentence paragraph is
   looked up first;
3. a fuzzy TM unit ≥ threshold, used only with ``apply_fuzzy``, terms repaired → ``fuzzy-match``
   (otherwise the best matches are *offered*: kept with the segment for the report and XLIFF);
4. the cache of earlier MT → ``leveraged-mt``;
5. the engine → ``leveraged-mt`` (skipped with ``mt=False``: the segment is left untranslated,
   and so is its paragraph, for a pre-translation).

Lookups are collected in a :class:`Resolutions`, which a later pass (or a cluster worker) replays
without the memory or the cache: the engine then only sees what is left.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Dict, List, Optional, Sequence

from termbase.glossary import Glossary

from .enforce import EXACT, FAILED, SegmentResult, TermEnforcer
from .segment import segment_paragraph
from .tm import (DEFAULT_THRESHOLD, EXACT_MATCH, FUZZY_MATCH, LEVERAGED_GLOSSARY, LEVERAGED_MT,
                 LEVERAGED_TM, UNTRANSLATED, TranslationMemory)
from .tm.repair import TM, GlossaryRepair
from .translator import ParagraphResult, Progress, Translator

#: a paragraph's origin is the first of these among its segments (the one that needs most care)
ORIGIN_ORDER = (UNTRANSLATED, FUZZY_MATCH, LEVERAGED_MT, LEVERAGED_TM, EXACT_MATCH,
                LEVERAGED_GLOSSARY)


@dataclass
class LeveragedSegment(SegmentResult):
    """A segment result that says where its English came from (``origin``), the TM match used
    (``match``: score, source, target, tm, location) and fuzzy matches offered (``offers``)."""

    origin: str = LEVERAGED_MT
    match: Optional[Dict[str, object]] = None
    offers: List[Dict[str, object]] = field(default_factory=list)


@dataclass
class LeveragedParagraph(ParagraphResult):
    """A paragraph result with the origin of its English (see :data:`ORIGIN_ORDER`)."""

    origin: str = ""


def paragraph_origin(segments: Sequence[SegmentResult]) -> str:
    origins = {getattr(s, "origin", LEVERAGED_MT) for s in segments}
    return next((o for o in ORIGIN_ORDER if o in origins), LEVERAGED_MT)


def _leveraged(result: SegmentResult, origin: str, **extra) -> LeveragedSegment:
    return LeveragedSegment(result.source, result.target, result.method, list(result.terms),
                            list(result.notes), origin=origin, **extra)


@dataclass
class Resolutions:
    """What was found for a document before MT: whole paragraphs, segments, fuzzy offers, and
    the segments nothing was found for (``unresolved``: the engine's work)."""

    paragraphs: Dict[str, LeveragedSegment] = field(default_factory=dict)
    segments: Dict[str, LeveragedSegment] = field(default_factory=dict)
    offers: Dict[str, List[Dict[str, object]]] = field(default_factory=dict)
    unresolved: List[str] = field(default_factory=list)

    def resolved_count(self) -> int:
        return len(self.segments) + len(self.paragraphs)


class Leverage:
    """The lookups of steps 1–4 (see the module doc), each recorded in the :class:`Resolutions`
    given. One object serves a whole project (its glossary repair is built once)."""

    def __init__(self, glossary: Glossary, *, tm: Optional[TranslationMemory] = None,
                 threshold: float = DEFAULT_THRESHOLD, apply_fuzzy: bool = False,
                 cache=None, plan: str = "", max_offers: int = 3):
        self.glossary = glossary
        self.tm = tm if tm is not None and len(tm) else None
        self.threshold = threshold
        self.apply_fuzzy = apply_fuzzy
        self.cache = cache
        self.plan = plan
        self.max_offers = max_offers
        self.repair = GlossaryRepair(glossary) if self.tm is not None else None

    def paragraph(self, text: str, res: Resolutions) -> Optional[LeveragedSegment]:
        """A TM unit for the whole paragraph (recorded), else None."""
        if self.tm is None:
            return None
        core = text.strip()
        hit = self.tm.exact(core)
        if hit is None:
            return None
        seg = self._from_tm(core, hit)
        res.paragraphs[text] = seg
        return seg

    def _from_tm(self, source: str, hit) -> LeveragedSegment:
        terms = self.repair.verify(source, hit.unit.target)
        method = FAILED if any(t.method == FAILED for t in terms) else TM
        return LeveragedSegment(source, hit.unit.target, method, terms, [],
                                origin=EXACT_MATCH if hit.exact else LEVERAGED_TM,
                                match=hit.as_dict())

    def segments(self, sources: Sequence[str], exact, res: Resolutions
                 ) -> Dict[str, LeveragedSegment]:
        """Resolved segments among ``sources`` (recorded); ``exact(source)`` is the glossary's
        whole-segment result or None. Fuzzy offers and the unresolved rest are recorded too."""
        found: Dict[str, LeveragedSegment] = {}
        rest: List[str] = []
        for s in sources:
            glossary_hit = exact(s)
            if glossary_hit is not None:
                found[s] = _leveraged(glossary_hit, LEVERAGED_GLOSSARY)
                continue
            if self.tm is not None:
                hit = self.tm.exact(s)
                if hit is not None:
                    found[s] = self._from_tm(s, hit)
                    continue
                offers = self.tm.fuzzy(s, self.threshold, self.max_offers)
                if offers and self.apply_fuzzy:
                    best = offers[0]
                    text, terms, notes = self.repair.repair(s, best.unit.source, best.unit.target)
                    method = FAILED if any(t.method == FAILED for t in terms) else TM
                    found[s] = LeveragedSegment(s, text, method, terms, notes, origin=FUZZY_MATCH,
                                                match=best.as_dict(),
                                                offers=[o.as_dict() for o in offers[1:]])
                    continue
                if offers:
                    res.offers[s] = [o.as_dict() for o in offers]
            rest.append(s)
        if rest and self.cache is not None:
            for s, r in self.cache.get_many(self.plan, self.glossary.sha256, rest).items():
                found[s] = _leveraged(r, LEVERAGED_MT)
        res.segments.update(found)
        res.unresolved.extend(s for s in rest if s not in found)
        return found


class _LeveragingEnforcer:
    """Wraps the translator's enforcer: resolved segments skip it, the rest go through it (or
    are left untranslated when ``mt`` is off)."""

    def __init__(self, inner: TermEnforcer, owner: "ProjectTranslator"):
        self.inner = inner
        self.owner = owner

    def __getattr__(self, name):
        return getattr(self.inner, name)

    def _exact(self, source: str) -> Optional[SegmentResult]:
        return self.inner._exact(source)

    def translate(self, sources: Sequence[str]) -> List[SegmentResult]:
        owner = self.owner
        if owner.lookup:
            found = owner.leverage.segments(sources, self._exact, owner.resolutions)
        else:
            known = owner.resolutions.segments
            found = {s: known[s] for s in sources if s in known}
        rest = [s for s in sources if s not in found]
        if rest and owner.mt:
            fresh = self.inner.translate(rest)
            owner.fresh.extend(r for r in fresh if r.method != EXACT)
            for s, r in zip(rest, fresh):
                offers = owner.resolutions.offers.get(s, [])
                origin = LEVERAGED_GLOSSARY if r.method == EXACT else LEVERAGED_MT
                found[s] = _leveraged(r, origin, offers=list(offers))
            if owner.on_fresh is not None:
                owner.on_fresh([r for r in fresh if r.method != EXACT])
        elif rest:
            for s in rest:
                found[s] = LeveragedSegment(s, s, "kept", [], [], origin=UNTRANSLATED)
        out = []
        for s in sources:
            r = found[s]
            if not r.offers and s in owner.resolutions.offers and r.origin == LEVERAGED_MT:
                r = LeveragedSegment(r.source, r.target, r.method, r.terms, r.notes,
                                     origin=r.origin, match=r.match,
                                     offers=list(owner.resolutions.offers[s]))
            out.append(r)
        return out


class ProjectTranslator(Translator):
    """A translator that leverages glossary, TM and cache before MT (see the module doc).

    :meth:`begin` starts a document: with ``lookup`` the :class:`Leverage` is asked and what it
    finds recorded in ``resolutions``; without, ``resolutions`` recorded earlier are replayed.
    With ``mt=False`` the engine is never used: paragraphs with an unresolved segment are left
    as they are. ``fresh`` collects what the engine translated (for the cache; ``on_fresh`` is
    called after each batch), ``calls`` the paragraph lists asked for, ``last_results`` the
    results of the last call.
    """

    def __init__(self, engine, glossary: Glossary, *, leverage: Optional[Leverage] = None,
                 mt: bool = True, on_fresh=None, **options):
        super().__init__(engine, glossary, **options)
        self.leverage = leverage
        self.enforcer = _LeveragingEnforcer(self.enforcer, self)
        self.on_fresh = on_fresh
        self.begin(Resolutions(), lookup=leverage is not None, mt=mt)

    def begin(self, resolutions: Resolutions, *, lookup: bool, mt: bool) -> Resolutions:
        """Start a document (see the class doc); returns ``resolutions``."""
        if lookup and self.leverage is None:
            raise ValueError("lookup needs a Leverage")
        self.resolutions = resolutions
        self.lookup = lookup
        self.mt = mt
        self.fresh: List[SegmentResult] = []
        self.calls: List[List[str]] = []
        self.last_results: List[LeveragedParagraph] = []
        return resolutions

    def _paragraph_hit(self, text: str) -> Optional[LeveragedSegment]:
        if sum(p.translate for p in segment_paragraph(text, self.max_chars)) < 2:
            return None  # one sentence: looked up as a segment (the glossary comes first)
        if self.lookup:
            return self.leverage.paragraph(text, self.resolutions)
        return self.resolutions.paragraphs.get(text)

    def translate_paragraphs(self, paragraphs: Sequence[str], *,
                             progress: Optional[Progress] = None) -> List[ParagraphResult]:
        paragraphs = list(paragraphs)
        self.calls.append(paragraphs)
        hits = {i: h for i, h in ((i, self._paragraph_hit(p)) for i, p in enumerate(paragraphs))
                if h is not None}
        rest = [p for i, p in enumerate(paragraphs) if i not in hits]
        done = iter(super().translate_paragraphs(rest, progress=progress))
        out: List[LeveragedParagraph] = []
        for i, p in enumerate(paragraphs):
            if i in hits:
                seg = hits[i]
                lead, trail = p[:len(p) - len(p.lstrip())], p[len(p.rstrip()):]
                out.append(LeveragedParagraph(p, lead + seg.target + trail, [seg], True,
                                              origin=seg.origin))
                continue
            r = next(done)
            origin = paragraph_origin(r.segments) if r.segments else ""
            if origin == UNTRANSLATED:
                out.append(LeveragedParagraph(p, p, list(r.segments), False, origin=origin))
            else:
                out.append(LeveragedParagraph(r.source, r.target, list(r.segments), r.translated,
                                              origin=origin))
        self.last_results = out
        return out


class ReplayTranslator(Translator):
    """Gives back paragraph results computed elsewhere (a cluster worker, an earlier pass), so
    that :func:`~translate.translator.translate_document` renders and reports them."""

    def __init__(self, results: Sequence[ParagraphResult], glossary: Glossary,
                 signature: Dict[str, object]):
        # no engine and no enforcer: nothing is translated here
        self.glossary = glossary
        self._results = list(results)
        self._signature = dict(signature)
        self.max_chars = 0

    def signature(self) -> Dict[str, object]:
        return dict(self._signature)

    def translate_paragraphs(self, paragraphs: Sequence[str], *,
                             progress: Optional[Progress] = None) -> List[ParagraphResult]:
        if [r.source for r in self._results] != list(paragraphs):
            raise RuntimeError("replayed results do not belong to these paragraphs")
        return list(self._results)


__all__ = ["Leverage", "LeveragedParagraph", "LeveragedSegment", "ORIGIN_ORDER",
           "ProjectTranslator", "ReplayTranslator", "Resolutions", "paragraph_origin"]

"""Leverage before MT: glossary, translation memory and the persistent cache, per segment.

:class:`ProjectTranslator` is a :class:`~translate.translator.Translator` that looks every
segment up before the engine sees it, in this order:

1. the segment *is* a glossary term → ``leveraged-glossary`` (the enforcer's ``exact`` method);
2. a TM unit with the same source → ``exact-match`` (identical text, and every inline code of the
   segment placed) or ``leveraged-tm`` (equal after normalising spaces, width and
   Traditional/Simplified, or a code the memory's English did not place); a whole multi-sentence
   paragraph is looked up first;
3. a fuzzy TM unit ≥ threshold, used only with ``apply_fuzzy``, terms repaired → ``fuzzy-match``
   (otherwise the best matches are *offered*: kept with the segment for the report and XLIFF);
4. the cache of earlier MT → ``leveraged-mt``;
5. the engine → ``leveraged-mt`` (skipped with ``mt=False``: the segment is left untranslated,
   and so is its paragraph, for a pre-translation; its glossary terms are listed as ``pending``).

A segment is a string or an :class:`~termbase.inline.InlineText` with codes. Memories match on the
text; a hit gets the segment's own codes (:func:`translate.tm.codes.codes_from_memory`); the cache is
keyed by text and code places (:func:`translate.segment_cache.segment_key`).

Lookups are collected in a :class:`Resolutions` (keyed by what the engine would read, so a segment
with other codes of the same shape replays them), which a later pass (or a cluster worker) replays
without the memory or the cache: the engine then only sees what is left.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Dict, Hashable, List, Optional, Sequence, Union

from termbase.glossary import Glossary
from termbase.inline import Code, InlineText

from .enforce import EXACT, FAILED, SegmentResult, TermOutcome, TermEnforcer
from .segment import segment_paragraph
from .tm import (DEFAULT_THRESHOLD, EXACT_MATCH, FUZZY_MATCH, LEVERAGED_GLOSSARY, LEVERAGED_MT,
                 LEVERAGED_TM, UNTRANSLATED, TMMatch, TranslationMemory)
from .tm.repair import TM, GlossaryRepair
from .translator import ParagraphResult, Progress, Translator

#: a paragraph's origin is the first of these among its segments (the one that needs most care)
ORIGIN_ORDER = (UNTRANSLATED, FUZZY_MATCH, LEVERAGED_MT, LEVERAGED_TM, EXACT_MATCH,
                LEVERAGED_GLOSSARY)
#: term method of a term in a segment left for the translator (engine ``none``)
PENDING = "pending"

Source = Union[str, InlineText]


def source_key(source: Source) -> Hashable:
    """What identifies a segment for the engine: its text, and the places of its codes."""
    if isinstance(source, InlineText):
        return source.key() if source.has_codes else source.text
    return source


def _text(source: Source) -> str:
    return source.text if isinstance(source, InlineText) else source


def _coded(source: Source) -> bool:
    return isinstance(source, InlineText) and source.has_codes


@dataclass
class LeveragedSegment(SegmentResult):
    """A segment result that says where its English came from (``origin``), the TM match used
    (``match``), fuzzy matches offered (``offers``) and, for a memory unit a person reviewed in
    this very document's earlier output, the ``state`` it had there."""

    origin: str = LEVERAGED_MT
    match: Optional[TMMatch] = None
    offers: List[TMMatch] = field(default_factory=list)
    state: str = ""

    def rebind(self, old: Sequence[Code], new: Sequence[Code]) -> "LeveragedSegment":
        bound = super().rebind(old, new)
        if bound is self:
            return self
        return _leveraged(bound, self.origin, match=self.match, offers=list(self.offers),
                          state=self.state)

    def for_source(self, source: Source) -> "LeveragedSegment":
        """This result for ``source``, a segment with the same key (its own codes put in)."""
        if not _coded(source) or self.source_inline is None or self.source_inline is source:
            return self
        bound = self.rebind(self.source_inline.codes, source.codes)  # type: ignore[union-attr]
        bound.source_inline = source  # type: ignore[assignment]
        return bound


@dataclass
class LeveragedParagraph(ParagraphResult):
    """A paragraph result with the origin of its English (see :data:`ORIGIN_ORDER`)."""

    origin: str = ""


def paragraph_origin(segments: Sequence[SegmentResult]) -> str:
    origins = {getattr(s, "origin", LEVERAGED_MT) for s in segments}
    return next((o for o in ORIGIN_ORDER if o in origins), LEVERAGED_MT)


def _leveraged(result: SegmentResult, origin: str, **extra) -> LeveragedSegment:
    return LeveragedSegment(result.source, result.target, result.method, list(result.terms),
                            list(result.notes), result.inline, list(result.codes),
                            result.source_inline, truncated=result.truncated, origin=origin,
                            **extra)


@dataclass
class Resolutions:
    """What was found for a document before MT, by :func:`source_key`: whole paragraphs,
    segments, fuzzy offers, and the segments nothing was found for (``unresolved``: the
    engine's work)."""

    paragraphs: Dict[Hashable, LeveragedSegment] = field(default_factory=dict)
    segments: Dict[Hashable, LeveragedSegment] = field(default_factory=dict)
    offers: Dict[Hashable, List[TMMatch]] = field(default_factory=dict)
    unresolved: Dict[Hashable, Source] = field(default_factory=dict)


class Leverage:
    """The lookups of steps 1–4 (see the module doc), each recorded in the :class:`Resolutions`
    given. One object serves a whole project (its glossary repair is built once); ``document``
    names the output being prepared (a memory unit from that file's earlier version keeps its
    reviewed state)."""

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
        self.document = ""

    def paragraph(self, paragraph: Source, res: Resolutions) -> Optional[LeveragedSegment]:
        """A TM unit for the whole paragraph (recorded), else None."""
        if self.tm is None:
            return None
        hit = self.tm.exact(_text(paragraph).strip())
        if hit is None:
            return None
        seg = self._from_tm(paragraph, hit)
        res.paragraphs[source_key(paragraph)] = seg
        return seg

    def _with_codes(self, source: Source, match: TMMatch, text: str):
        """``(inline or None, code outcomes, every code placed)`` of the memory's ``text`` for
        ``source``."""
        if not _coded(source):
            return None, [], True
        from .tm.codes import codes_from_memory

        unit = match.unit
        return codes_from_memory(source, unit.source_inline, unit.target_inline, text)  # type: ignore[arg-type]

    def _from_tm(self, source: Source, hit: TMMatch) -> LeveragedSegment:
        text = _text(source).strip()
        unit = hit.unit
        terms = self.repair.verify(text, unit.target)
        method = FAILED if any(t.method == FAILED for t in terms) else TM
        inline, codes, placed = self._with_codes(source, hit, unit.target)
        target = inline.text if inline is not None else unit.target
        state = unit.state if unit.document and unit.document == self.document else ""
        return LeveragedSegment(text, target, method, terms, [], inline, codes,
                                source if _coded(source) else None,  # type: ignore[arg-type]
                                origin=EXACT_MATCH if hit.exact and placed else LEVERAGED_TM,
                                match=hit, state=state)

    def _from_fuzzy(self, source: Source, offers: List[TMMatch]) -> LeveragedSegment:
        best = offers[0]
        text = _text(source)
        english, terms, notes = self.repair.repair(text, best.unit.source, best.unit.target)
        method = FAILED if any(t.method == FAILED for t in terms) else TM
        inline, codes, _ = self._with_codes(source, best, english)
        return LeveragedSegment(text, inline.text if inline is not None else english, method,
                                terms, notes, inline, codes,
                                source if _coded(source) else None,  # type: ignore[arg-type]
                                origin=FUZZY_MATCH, match=best, offers=list(offers[1:]))

    def segments(self, sources: Sequence[Source], exact, res: Resolutions) -> None:
        """Look ``sources`` up and record what is found in ``res`` (with fuzzy offers, and the
        unresolved rest); ``exact(source)`` is the glossary's whole-segment result or None."""
        rest: List[Source] = []
        for s in sources:
            key = source_key(s)
            if key in res.segments or key in res.unresolved:
                continue
            glossary_hit = exact(s)
            if glossary_hit is not None:
                res.segments[key] = _leveraged(glossary_hit, LEVERAGED_GLOSSARY)
                continue
            if self.tm is not None:
                text = _text(s)
                hit = self.tm.exact(text)
                if hit is not None:
                    res.segments[key] = self._from_tm(s, hit)
                    continue
                offers = self.tm.fuzzy(text, self.threshold, self.max_offers)
                if offers and self.apply_fuzzy:
                    res.segments[key] = self._from_fuzzy(s, offers)
                    continue
                if offers:
                    res.offers[key] = offers
            rest.append(s)
        if rest and self.cache is not None:
            for s, r in self.cache.get_many(self.plan, self.glossary.sha256, rest).items():
                res.segments[source_key(s)] = _leveraged(r, LEVERAGED_MT)
        for s in rest:
            key = source_key(s)
            if key not in res.segments:
                res.unresolved.setdefault(key, s)


class _LeveragingEnforcer:
    """Wraps the translator's enforcer: resolved segments skip it, the rest go through it (or
    are left untranslated when ``mt`` is off)."""

    def __init__(self, inner: TermEnforcer, owner: "ProjectTranslator"):
        self.inner = inner
        self.owner = owner

    def __getattr__(self, name):
        return getattr(self.inner, name)

    def _pending(self, source: Source) -> LeveragedSegment:
        """A segment left for the translator, with the glossary terms it holds (looked up for a
        pre-translation only: otherwise the engine takes it later)."""
        from termbase.zh_match import matcher_for

        text = _text(source)
        terms = [TermOutcome(m.entry.term, m.matched, m.entry.preferred, PENDING)
                 for m in matcher_for(self.owner.glossary).find(text)] \
            if self.owner.pretranslation else []
        return LeveragedSegment(text, text, "kept", terms, [],
                                source if _coded(source) else None, [],  # type: ignore[arg-type]
                                source if _coded(source) else None,  # type: ignore[arg-type]
                                origin=UNTRANSLATED)

    def translate(self, sources: Sequence[Source]) -> List[SegmentResult]:
        owner = self.owner
        res = owner.resolutions
        if owner.lookup:
            owner.leverage.segments(sources, self.inner.exact_result, res)
        found: Dict[int, LeveragedSegment] = {}
        for i, s in enumerate(sources):
            r = res.segments.get(source_key(s))
            if r is not None:
                found[i] = r.for_source(s)
        rest = [i for i in range(len(sources)) if i not in found]
        if rest and owner.mt:
            fresh = self.inner.translate([sources[i] for i in rest])
            owner.fresh.extend(r for r in fresh if r.method != EXACT)
            for i, r in zip(rest, fresh):
                offers = res.offers.get(source_key(sources[i]), [])
                origin = LEVERAGED_GLOSSARY if r.method == EXACT else LEVERAGED_MT
                found[i] = _leveraged(r, origin, offers=list(offers))
            if owner.on_fresh is not None:
                owner.on_fresh([r for r in fresh if r.method != EXACT])
        elif rest:
            for i in rest:
                found[i] = self._pending(sources[i])
        out: List[SegmentResult] = []
        for i, s in enumerate(sources):
            r = found[i]
            offers = res.offers.get(source_key(s))
            if offers and not r.offers and r.origin in (LEVERAGED_MT, UNTRANSLATED):
                r = _leveraged(r, r.origin, match=r.match, offers=list(offers), state=r.state)
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
                 mt: bool = True, on_fresh=None, pretranslation: bool = False, **options):
        super().__init__(engine, glossary, **options)
        self.leverage = leverage
        #: a pre-translation (engine ``none``): segments left untranslated list their terms
        self.pretranslation = pretranslation
        self.enforcer = _LeveragingEnforcer(self.enforcer, self)
        self.on_fresh = on_fresh
        self.begin(Resolutions(), lookup=leverage is not None, mt=mt)

    def begin(self, resolutions: Resolutions, *, lookup: bool, mt: bool,
              document: str = "") -> Resolutions:
        """Start a document (see the class doc; ``document``: the output it becomes); returns
        ``resolutions``."""
        if lookup and self.leverage is None:
            raise ValueError("lookup needs a Leverage")
        if self.leverage is not None:
            self.leverage.document = document
        self.resolutions = resolutions
        self.lookup = lookup
        self.mt = mt
        self.fresh: List[SegmentResult] = []
        self.calls: List[List[Source]] = []
        self.last_results: List[LeveragedParagraph] = []
        return resolutions

    def _paragraph_hit(self, paragraph: Source) -> Optional[LeveragedSegment]:
        if sum(p.translate for p in segment_paragraph(_text(paragraph), self.max_chars)) < 2:
            return None  # one sentence: looked up as a segment (the glossary comes first)
        if self.lookup:
            return self.leverage.paragraph(paragraph, self.resolutions)
        hit = self.resolutions.paragraphs.get(source_key(paragraph))
        return hit.for_source(paragraph) if hit is not None else None

    def translate_paragraphs(self, paragraphs: Sequence[Source], *,
                             progress: Optional[Progress] = None) -> List[ParagraphResult]:
        paragraphs = list(paragraphs)
        self.calls.append(paragraphs)
        hits = {i: h for i, h in ((i, self._paragraph_hit(p)) for i, p in enumerate(paragraphs))
                if h is not None}
        rest = [p for i, p in enumerate(paragraphs) if i not in hits]
        done = iter(super().translate_paragraphs(rest, progress=progress))
        out: List[LeveragedParagraph] = []
        for i, p in enumerate(paragraphs):
            text = _text(p)
            if i in hits:
                seg = hits[i]
                if seg.inline is not None:
                    out.append(LeveragedParagraph(text, seg.inline.text, [seg], True,
                                                  inline=seg.inline, origin=seg.origin))
                    continue
                lead, trail = text[:len(text) - len(text.lstrip())], text[len(text.rstrip()):]
                out.append(LeveragedParagraph(text, lead + seg.target + trail, [seg], True,
                                              origin=seg.origin))
                continue
            r = next(done)
            origin = paragraph_origin(r.segments) if r.segments else ""
            if origin == UNTRANSLATED:
                out.append(LeveragedParagraph(text, text, list(r.segments), False,
                                              inline=p if _coded(p) else None,  # type: ignore[arg-type]
                                              origin=origin))
            else:
                out.append(LeveragedParagraph(r.source, r.target, list(r.segments), r.translated,
                                              inline=r.inline, notes=list(r.notes), origin=origin))
        self.last_results = out
        return out


class ReplayTranslator(Translator):
    """Gives back paragraph results computed elsewhere (a cluster worker, an earlier pass), so
    that :func:`~translate.translator.translate_document` renders and reports them; their codes
    are those of the paragraphs they are given for (the same document, read again)."""

    def __init__(self, results: Sequence[ParagraphResult], glossary: Glossary,
                 signature: Dict[str, object]):
        # no engine and no enforcer: nothing is translated here
        self.glossary = glossary
        self._results = list(results)
        self._signature = dict(signature)
        self.max_chars = 0

    def signature(self) -> Dict[str, object]:
        return dict(self._signature)

    def translate_paragraphs(self, paragraphs: Sequence[Source], *,
                             progress: Optional[Progress] = None) -> List[ParagraphResult]:
        paragraphs = list(paragraphs)
        if [r.source for r in self._results] != [_text(p) for p in paragraphs]:
            raise RuntimeError("replayed results do not belong to these paragraphs")
        return list(self._results)


__all__ = ["Leverage", "LeveragedParagraph", "LeveragedSegment", "ORIGIN_ORDER", "PENDING",
           "ProjectTranslator", "ReplayTranslator", "Resolutions", "paragraph_origin",
           "source_key"]

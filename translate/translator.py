"""Paragraphs in, English paragraphs out: segmentation, de-duplication, enforcement, reassembly.

A paragraph is a string or an :class:`~termbase.inline.InlineText` (text plus inline codes). It is
split into sentences on its text; each code goes with the sentence it stands in (a code at a
sentence boundary: an opening code with the next sentence, a closing or standalone one with the
sentence before), so every sentence goes to the engine whole, with its codes as placeholders.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Dict, List, Optional, Sequence, Tuple, Union

from termbase.glossary import Glossary
from termbase.inline import InlineText, nesting_problems, restore_codes

from .cache import CachingEngine
from .engines.base import TranslationEngine
from .enforce import KEPT, CodeOutcome, SegmentResult, TermEnforcer
from .segment import DEFAULT_MAX_CHARS, Piece, join_translation, segment_paragraph
from .tm import UNTRANSLATED

#: segments handed to the enforcer at once (progress is reported after each chunk)
CHUNK = 64

Progress = Callable[[int, int], None]


@dataclass
class ParagraphResult:
    """One paragraph: its English and the segments it was made of.

    ``inline`` is the English with the paragraph's inline codes (None for a plain string paragraph
    without codes: ``target`` says it all)."""

    source: str
    target: str
    segments: List[SegmentResult] = field(default_factory=list)
    translated: bool = True
    inline: Optional[InlineText] = None
    notes: List[str] = field(default_factory=list)

    @property
    def target_inline(self) -> InlineText:
        """The English with codes (plain text when the paragraph had none)."""
        return self.inline if self.inline is not None else InlineText.from_text(self.target)

    @property
    def codes(self) -> List[CodeOutcome]:
        return [c for s in self.segments for c in s.codes]


Paragraph = Union[str, InlineText]
_Pieces = List[Tuple[Piece, Optional[InlineText]]]


class Translator:
    """Translate paragraphs with ``engine`` and ``glossary`` enforced; repeats translated once."""

    def __init__(self, engine: TranslationEngine, glossary: Glossary, *,
                 max_chars: int = DEFAULT_MAX_CHARS, use_constraints: bool = True):
        self.engine = engine if isinstance(engine, CachingEngine) else CachingEngine(engine)
        self.glossary = glossary
        self.max_chars = max_chars
        self.enforcer = TermEnforcer(self.engine, glossary, use_constraints=use_constraints)

    def signature(self) -> Dict[str, object]:
        """Engine, model and decoding settings of the wrapped engine."""
        return self.engine.signature()

    def _pieces(self, paragraph: Paragraph) -> _Pieces:
        if isinstance(paragraph, InlineText) and paragraph.has_codes:
            pieces = segment_paragraph(paragraph.text, self.max_chars)
            cuts: List[int] = []
            pos = 0
            for piece in pieces[:-1]:
                pos += len(piece.text)
                cuts.append(pos)
            return list(zip(pieces, paragraph.split(cuts)))
        text = paragraph.text if isinstance(paragraph, InlineText) else paragraph
        return [(piece, None) for piece in segment_paragraph(text, self.max_chars)]

    def translate_paragraphs(self, paragraphs: Sequence[Paragraph], *,
                             progress: Optional[Progress] = None) -> List[ParagraphResult]:
        """The English of each paragraph, in order (same count as the input)."""
        pieces = [self._pieces(p) for p in paragraphs]
        unique: Dict[object, int] = {}
        sources: List[Union[str, InlineText]] = []
        for ps in pieces:
            for piece, inline in ps:
                if not piece.translate:
                    continue
                key = piece.text if inline is None or not inline.has_codes else inline.key()
                if key not in unique:
                    unique[key] = len(sources)
                    sources.append(piece.text if inline is None or not inline.has_codes else inline)
        results: List[SegmentResult] = []
        total = len(sources)
        if progress:
            progress(0, total)
        for start in range(0, total, CHUNK):
            results.extend(self.enforcer.translate(sources[start:start + CHUNK]))
            if progress:
                progress(min(start + CHUNK, total), total)
        out: List[ParagraphResult] = []
        for paragraph, ps in zip(paragraphs, pieces):
            source = paragraph.text if isinstance(paragraph, InlineText) else paragraph
            segs: List[SegmentResult] = []
            for piece, inline in ps:
                if not piece.translate:
                    continue
                if inline is None or not inline.has_codes:
                    segs.append(results[unique[piece.text]])
                    continue
                i = unique[inline.key()]
                first = sources[i]
                segs.append(results[i].rebind(first.codes, inline.codes)
                            if isinstance(first, InlineText) else results[i])
            if not segs:
                out.append(ParagraphResult(source, source, [], translated=False,
                                           inline=paragraph if isinstance(paragraph, InlineText)
                                           and paragraph.has_codes else None))
                continue
            if all(inline is None for _, inline in ps) and not any(s.inline is not None
                                                                   and s.inline.has_codes
                                                                   for s in segs):
                target = join_translation([p for p, _ in ps], [s.target for s in segs])
                out.append(ParagraphResult(source, target, segs))
                continue
            inline_target, notes = _join_inline(ps, segs)
            out.append(ParagraphResult(source, inline_target.text, segs, inline=inline_target,
                                       notes=notes))
        return out

    def translate_text(self, text: str) -> str:
        """Convenience: one paragraph's English."""
        return self.translate_paragraphs([text])[0].target

def _join_inline(ps: _Pieces, segs: List[SegmentResult]) -> Tuple[InlineText, List[str]]:
    """A paragraph rebuilt from its pieces (as :func:`join_translation` does for text), with codes;
    pairs split over two sentences are checked and repaired as a whole."""
    parts: List[object] = []
    it = iter(segs)
    prev_translated = False
    for piece, inline in ps:
        if piece.translate:
            seg = next(it)
            chunk = seg.inline if seg.inline is not None else InlineText.from_text(seg.target)
        else:
            chunk = inline if inline is not None else InlineText.from_text(piece.text)
        text = chunk.text
        before = "".join(p for p in parts if isinstance(p, str))
        if before and text and (piece.translate or prev_translated) \
                and not before[-1].isspace() and not text[0].isspace():
            parts.append(" ")
        parts.extend(chunk.parts)
        prev_translated = piece.translate
    joined = InlineText(parts)
    notes: List[str] = []
    if nesting_problems(joined):
        repaired = restore_codes(joined.indexed_parts(), joined.codes)
        joined = repaired.inline
        notes.append(f"order of {len(repaired.reordered)} inline code(s) repaired across sentences")
    return joined, notes


def translate_document(doc, translator: Translator, *, bilingual: bool = False,
                       progress: Optional[Progress] = None, input_name: str = "",
                       output_name: str = "") -> tuple:
    """Translate a loaded document: ``(output bytes, report dict)``."""
    from termbase.errors import InputError

    from .report import build_report, signature

    if bilingual and not doc.supports_bilingual:
        raise InputError(doc.name, f"--bilingual is not available for {doc.format} files "
                                   f"(they keep source and target side by side already)")
    todo = [i for i, u in enumerate(doc.units) if u.translate]
    translated = translator.translate_paragraphs([doc.units[i].inline for i in todo],
                                                 progress=progress)
    results: List[Optional[ParagraphResult]] = [None] * len(doc.units)
    for i, r in zip(todo, translated):
        # a paragraph a pre-translation left for the translator stays as it is (a format with
        # notes, XLIFF, notes its glossary terms: see translate.leverage)
        if r.translated or getattr(r, "origin", "") == UNTRANSLATED:
            results[i] = r
    sig = signature(translator.signature(), translator.glossary)
    data = doc.render(results, bilingual=bilingual, signature=sig)
    report = build_report(doc, results, sig, input_name=input_name or doc.name,
                          output_name=output_name)
    return data, report


__all__ = ["KEPT", "ParagraphResult", "Translator", "translate_document"]

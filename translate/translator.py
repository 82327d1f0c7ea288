"""Paragraphs in, English paragraphs out: segmentation, de-duplication, enforcement, reassembly."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Dict, List, Optional, Sequence

from termbase.glossary import Glossary

from .cache import CachingEngine
from .engines.base import TranslationEngine
from .enforce import KEPT, SegmentResult, TermEnforcer
from .segment import DEFAULT_MAX_CHARS, join_translation, segment_paragraph

#: segments handed to the enforcer at once (progress is reported after each chunk)
CHUNK = 64

Progress = Callable[[int, int], None]


@dataclass
class ParagraphResult:
    """One paragraph: its English and the segments it was made of."""

    source: str
    target: str
    segments: List[SegmentResult] = field(default_factory=list)
    translated: bool = True


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

    def translate_paragraphs(self, paragraphs: Sequence[str], *,
                             progress: Optional[Progress] = None) -> List[ParagraphResult]:
        """The English of each paragraph, in order (same count as the input)."""
        pieces = [segment_paragraph(p, self.max_chars) for p in paragraphs]
        unique: Dict[str, int] = {}
        for ps in pieces:
            for piece in ps:
                if piece.translate and piece.text not in unique:
                    unique[piece.text] = len(unique)
        sources = list(unique)
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
            segs = [results[unique[p.text]] for p in ps if p.translate]
            if not segs:
                out.append(ParagraphResult(paragraph, paragraph, [], translated=False))
                continue
            target = join_translation(ps, [s.target for s in segs])
            out.append(ParagraphResult(paragraph, target, segs))
        return out

    def translate_text(self, text: str) -> str:
        """Convenience: one paragraph's English."""
        return self.translate_paragraphs([text])[0].target


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
    translated = translator.translate_paragraphs([doc.units[i].text for i in todo], progress=progress)
    results: List[Optional[ParagraphResult]] = [None] * len(doc.units)
    for i, r in zip(todo, translated):
        if r.translated:
            results[i] = r
    sig = signature(translator.signature(), translator.glossary)
    data = doc.render(results, bilingual=bilingual, signature=sig)
    report = build_report(doc, results, sig, input_name=input_name or doc.name,
                          output_name=output_name)
    return data, report


__all__ = ["KEPT", "ParagraphResult", "Translator", "translate_document"]

"""Aligned bilingual input: pairs of (Chinese source, English target) segments.

One reader per kind of input: two files aligned by paragraph (:mod:`.paragraphs`), TSV/CSV with
zh/en columns (:mod:`.delimited`), XLIFF 1.2 (:mod:`.xliff`), TMX 1.4 (:mod:`.tmx`) and a mixed
bilingual document where each Chinese passage is followed by its English, PDF-extracted text
included (:mod:`.mixed`). :func:`read_aligned` picks the reader.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

from ..inline import InlineText


@dataclass(frozen=True)
class SegmentPair:
    """One aligned segment: ``location`` says where it is (e.g. ``file.txt:12`` or a unit id).

    ``note`` carries what the reader noticed about the pairing (e.g. "no English follows this
    Chinese passage" in a mixed document); ``line`` is the 1-based line where the segment starts
    (0 when unknown). Readers of formats with inline markup (XLIFF, .docx, Markdown) also give
    ``source_inline``/``target_inline`` (text plus codes; ``source``/``target`` are their text) and,
    for XLIFF, the target's ``state``. ``gap`` marks a paragraph the alignment of two unequal
    files left without partner: ``missing-translation`` (source only) or ``extra-paragraph``
    (target only; its ``location`` and ``line`` are then in the target file).
    """

    index: int
    source: str
    target: str
    location: str = ""
    note: str = ""
    line: int = 0
    source_inline: Optional[InlineText] = None
    target_inline: Optional[InlineText] = None
    state: str = ""
    gap: str = ""


from .reader import ALIGNED_FORMATS, read_aligned  # noqa: E402  (readers use SegmentPair)

__all__ = ["ALIGNED_FORMATS", "SegmentPair", "read_aligned"]

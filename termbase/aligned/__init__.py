"""Aligned bilingual input: pairs of (Chinese source, English target) segments.

One reader per kind of input (to be filled in by the check issue):
two files aligned by paragraph, TSV/CSV with zh/en columns, XLIFF 1.2, TMX 1.4, and a mixed
bilingual document (each Chinese passage followed by its English, PDF-extracted text included).
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class SegmentPair:
    """One aligned segment: ``location`` says where it is (e.g. ``file.txt:12`` or a unit id)."""

    index: int
    source: str
    target: str
    location: str = ""

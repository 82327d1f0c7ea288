"""Bilingual TSV/CSV: a header row naming a ``zh`` (source) and an ``en`` (target) column.

Accepted header names (:func:`termbase.tabular.column_role`, ``kind="document"``): ``zh``/``en``,
language codes (``zh-CN``, ``en-US``), ``chinese``/``english``, ``source``/``target``,
``src``/``tgt``, ``中文``/``英文``, ``原文``/``译文``, ``源``/``目标`` …. Other columns are ignored; an
``id`` column, when present, becomes part of the location. The delimiter (tab, comma,
semicolon) is sniffed from the first rows by :func:`termbase.tabular.sniff_delimiter`.
"""
from __future__ import annotations

from pathlib import Path
from typing import Callable, Iterable, List, Optional, Tuple, Union

from ..errors import InputError
from ..tabular import column_role, sniff_delimiter
from ..textio import Source, read_text
from . import SegmentPair

PathLike = Union[str, Path]


def _role(cell: str) -> Optional[str]:
    return column_role(cell, "document")


def read_delimited(path: Source, text: Optional[str] = None) -> List[SegmentPair]:
    """Read a bilingual TSV/CSV file into segment pairs (one per data row).

    A quote left open is reported at the line where it opened.
    """
    from ..glossary import csv_rows

    name = str(path)
    if text is None:
        text = read_text(path)
    return pairs_from_rows(csv_rows(text, name, sniff_delimiter(text, name)), name,
                           lambda n: f"{name}:{n}")


def pairs_from_rows(rows: Iterable[Tuple[int, List[str]]], name: str,
                    where: Callable[[int], str]) -> List[SegmentPair]:
    """Segment pairs from (line, cells) rows whose first non-empty row is a header naming the
    zh and en columns; ``where(line)`` says where a row is (``file:12``, ``file.xlsx:Sheet1!3``)."""
    pairs: List[SegmentPair] = []
    cols = None
    for start, row in rows:
        if not any(c.strip() for c in row):
            continue
        if cols is None:
            roles = [_role(c) for c in row]
            if "zh" not in roles or "en" not in roles:
                raise InputError(name, "the header row must name a Chinese column (zh, source, 中文) "
                                       f"and an English column (en, target, 英文); found {row!r}",
                                 line=start)
            cols = (roles.index("zh"), roles.index("en"), roles.index("id") if "id" in roles else None)
            continue
        zi, ei, ii = cols
        if len(row) <= zi:
            raise InputError(name, f"row has {len(row)} column(s); the zh column is column "
                                   f"{zi + 1}: add the missing cells", line=start)
        zh = row[zi].strip() if zi < len(row) else ""
        en = row[ei].strip() if ei < len(row) else ""
        seg_id = row[ii].strip() if ii is not None and ii < len(row) else ""
        loc = where(start) + (f" ({seg_id})" if seg_id else "")
        pairs.append(SegmentPair(len(pairs), zh, en, loc, line=start))
    if cols is None:
        raise InputError(name, "file has no header row; expected e.g. 'zh<TAB>en'", line=1)
    return pairs

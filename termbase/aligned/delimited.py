"""Bilingual TSV/CSV: a header row naming a ``zh`` (source) and an ``en`` (target) column.

Accepted header names: ``zh``/``en``, language codes (``zh-CN``, ``en-US``), ``chinese``/``english``,
``source``/``target``, ``src``/``tgt``, ``中文``/``英文``, ``原文``/``译文``. Other columns are ignored;
an ``id`` column, when present, becomes part of the location.
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import List, Optional, Union

from ..errors import InputError
from ..textio import Source, first_line, read_text
from . import SegmentPair

PathLike = Union[str, Path]

_ZH = {"zh", "chinese", "source", "src", "中文", "原文", "zho", "chi"}
_EN = {"en", "english", "target", "tgt", "英文", "译文", "eng"}
_ID = {"id", "segment", "seg", "key"}
_LANG = re.compile(r"^(zh|en)([-_][a-z0-9]+)*$")


def _role(cell: str) -> Optional[str]:
    c = cell.strip().lower()
    if c in _ZH:
        return "zh"
    if c in _EN:
        return "en"
    if c in _ID:
        return "id"
    m = _LANG.match(c)
    return m.group(1) if m else None


def _delimiter(path: str, first_line: str) -> str:
    low = path.lower()
    if low.endswith((".tsv", ".tab")):
        return "\t"
    if low.endswith(".csv"):
        return "\t" if "\t" in first_line and "," not in first_line else ","
    return "\t" if first_line.count("\t") >= first_line.count(",") else ","


def read_delimited(path: Source, text: Optional[str] = None) -> List[SegmentPair]:
    """Read a bilingual TSV/CSV file into segment pairs (one per data row).

    A quote left open is reported at the line where it opened.
    """
    from ..glossary import csv_rows

    name = str(path)
    if text is None:
        text = read_text(path)
    first = first_line(text.lstrip("\ufeff"))
    pairs: List[SegmentPair] = []
    cols = None
    for start, row in csv_rows(text, name, _delimiter(name, first)):
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
        where = f"{name}:{start}" + (f" ({seg_id})" if seg_id else "")
        pairs.append(SegmentPair(len(pairs), zh, en, where, line=start))
    if cols is None:
        raise InputError(name, "file has no header row; expected e.g. 'zh<TAB>en'", line=1)
    return pairs

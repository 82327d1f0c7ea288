"""Bilingual Excel workbooks: a sheet whose header row names a ``zh`` and an ``en`` column.

The first worksheet with such a header is read (column names as for TSV/CSV, see
:mod:`.delimited`); each later non-empty row is one segment pair, located as
``FILE[SHEET]:ROW``. The workbook is opened through :func:`termbase.interop.xlsx.read_sheets`
(ZIP size bound, XML guard).
"""
from __future__ import annotations

from pathlib import Path
from typing import List, Union

from ..errors import InputError
from ..tabular import header_roles
from . import SegmentPair
from .delimited import pairs_from_rows

PathLike = Union[str, Path]


def read_xlsx(path: PathLike) -> List[SegmentPair]:
    """Segment pairs from the first worksheet whose header names zh and en columns."""
    from ..interop.xlsx import read_sheets

    name = str(path)
    sheets = read_sheets(path)
    for title, rows in sheets:
        if rows and header_roles(rows[0][1], "document") is not None:
            return pairs_from_rows(rows, name, lambda n, t=title: f"{name}[{t}]:{n}")
    title, rows = sheets[0]
    first = rows[0] if rows else (1, [])
    raise InputError(name, f"no worksheet starts with a header naming a Chinese column (zh, "
                           f"source, 中文) and an English column (en, target, 英文); sheet "
                           f"'{title}' starts with {first[1]!r}", line=first[0])

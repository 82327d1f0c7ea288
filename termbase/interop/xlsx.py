"""Excel glossaries (openpyxl): first worksheet, one row per concept, ``|`` between synonyms.

Written with termtrans' columns (``zh,en,forbidden,case_sensitive,note,source``, then the extra
columns in use) and every cell stored as text (a value starting with ``=`` never becomes a
formula); columns are as wide as their content (CJK counted double, at most 60) and the header
row is frozen. Read with the same header
detection as the delimited formats (our columns, aliases, language codes, or no header).
Before openpyxl sees the file, :func:`termbase.ooxml.load_xlsx` inflates every member once with a
byte counter and checks every XML part with :mod:`termbase.xmlsafe` (no DTD, UTF-8/16 only).
"""
from __future__ import annotations

import io
from typing import List, Sequence, Tuple

from ..errors import InputError, OutputError
from ..glossary import Entry, columns_for
from ..ooxml import load_xlsx
from ..textio import read_bytes
from .base import GlossaryFormat, ImportResult, PathLike
from .delimited import rows_to_entries


def display_width(text: str) -> int:
    """Columns a spreadsheet needs for the longest line of ``text`` (CJK and full-width
    characters count two)."""
    import unicodedata

    return max((sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in line)
                for line in str(text).splitlines() or [""]), default=0)


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def read_sheets(path) -> List[Tuple[str, List[Tuple[int, List[str]]]]]:
    """Every worksheet of an .xlsx file (a path, ``-`` or an InputSource) as (title, [(row
    number, cell texts)]), empty rows and trailing empty cells left out. The archive is checked
    first by :func:`termbase.ooxml.load_xlsx` (inflated bytes counted, every XML part through
    the XML guard): damaged or hostile workbooks are one-line errors."""
    name = getattr(path, "name", None) or str(path)
    book = load_xlsx(read_bytes(path), name)
    sheets = []
    try:
        for sheet in book.worksheets:
            rows: List[Tuple[int, List[str]]] = []
            for n, row in enumerate(sheet.iter_rows(values_only=True), 1):
                cells = [_cell_text(v) for v in row]
                while cells and not cells[-1].strip():
                    cells.pop()
                if cells:
                    rows.append((n, cells))
            sheets.append((sheet.title, rows))
    except InputError:
        raise
    except Exception as exc:  # a damaged sheet part surfaces only while reading rows
        message = str(exc).splitlines()[0] if str(exc) else ""
        raise InputError(name, f"cannot read the worksheets ({type(exc).__name__}: "
                               f"{message})") from None
    finally:
        book.close()
    if not sheets:
        raise InputError(name, "the workbook has no worksheet")
    return sheets


class XlsxFormat(GlossaryFormat):
    """Excel workbook (.xlsx)."""

    name = "xlsx"
    extensions = (".xlsx", ".xlsm")
    description = "Excel workbook, termtrans columns (all fields); reads language-code headers"
    binary = True

    def read(self, path: PathLike) -> ImportResult:
        name = str(path)
        _, rows = read_sheets(path)[0]
        width = max((len(c) for _, c in rows), default=0)
        rows = [(n, c + [""] * (width - len(c))) for n, c in rows]
        return rows_to_entries(iter(rows), f"{name}", self.name, quoted_cells=False)

    def dumps(self, entries: Sequence[Entry], path: PathLike = "glossary.xlsx") -> bytes:
        import openpyxl
        from openpyxl.styles import Font

        from openpyxl.utils import get_column_letter

        book = openpyxl.Workbook()
        sheet = book.active
        sheet.title = "glossary"
        columns = columns_for(entries)
        widths = [display_width(c) for c in columns]
        for col, title in enumerate(columns, 1):
            sheet.cell(row=1, column=col, value=title).font = Font(bold=True)
        for r, e in enumerate(entries, 2):
            row = e.to_row()
            for col, key in enumerate(columns, 1):
                widths[col - 1] = max(widths[col - 1], display_width(row[key]))
                try:
                    cell = sheet.cell(row=r, column=col, value=row[key])
                except Exception:
                    raise OutputError(f"{path}: cannot write {row[key][:40]!r} to Excel: it "
                                      "contains a control character; fix the glossary entry"
                                      ) from None
                cell.data_type = "s"
        sheet.freeze_panes = "A2"
        for col, width in enumerate(widths, 1):
            sheet.column_dimensions[get_column_letter(col)].width = min(max(width + 2, 8), 60)
        buf = io.BytesIO()
        book.save(buf)
        return buf.getvalue()


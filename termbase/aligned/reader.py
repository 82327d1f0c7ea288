"""Choosing the reader for aligned bilingual input: by format name, extension or content."""
from __future__ import annotations

from pathlib import Path
from typing import List, Optional, Union

from ..errors import InputError
from ..textio import InputSource, Source, bom_encoding, open_input
from . import SegmentPair

PathLike = Union[str, Path]

#: format names accepted by :func:`read_aligned` (``fmt``) and ``termtrans check --input-format``
ALIGNED_FORMATS = ("auto", "parallel", "tsv", "csv", "xlsx", "xliff", "tmx", "mixed")

_BY_EXTENSION = {".tsv": "tsv", ".tab": "tsv", ".csv": "csv", ".xlf": "xliff", ".xliff": "xliff",
                 ".sdlxliff": "xliff", ".mqxliff": "xliff", ".tmx": "tmx", ".xlsx": "xlsx",
                 ".xlsm": "xlsx"}
#: extensions of files that hold both languages (never paired with another file)
BILINGUAL_EXTENSIONS = frozenset(_BY_EXTENSION)


def _is_workbook(source: InputSource) -> bool:
    """True when the ZIP ``source`` holds an Excel workbook (else it is read as a .docx)."""
    import io
    import zipfile

    try:
        with zipfile.ZipFile(io.BytesIO(source.data())) as archive:
            return "xl/workbook.xml" in archive.namelist()
    except (zipfile.BadZipFile, OSError):
        return False


def _sniff(source: InputSource) -> str:
    """The reader for ``source``: by extension, else by its first bytes (kept for the reader)."""
    ext = source.suffix
    if ext in _BY_EXTENSION:
        return _BY_EXTENSION[ext]
    if ext == ".docx":
        return "docx"
    head = source.head(4096)
    if head.startswith(b"PK\x03\x04"):
        return "xlsx" if _is_workbook(source) else "docx"
    enc, skip = bom_encoding(head)
    if enc is None and len(head) >= 4 and (head[0] == 0 or head[1] == 0):
        enc = "utf-16-be" if head[0] == 0 else "utf-16-le"  # XML in UTF-16 without a BOM
    text = head[skip:].decode(enc or source.encoding or "utf-8", "ignore").lstrip()
    if text.startswith("<"):
        low = text.lower()
        if "<xliff" in low:
            return "xliff"
        if "<tmx" in low:
            return "tmx"
    table = _sniff_table(text)
    return table or "mixed"


def _sniff_table(text: str) -> Optional[str]:
    """``tsv`` or ``csv`` when the first line is a header naming a zh and an en column (a table
    from a pipe or without its extension), else None."""
    from ..tabular import header_roles, sniff_delimiter

    first = text.lstrip("\ufeff").split("\n", 1)[0].rstrip("\r")
    if not first.strip():
        return None
    import csv

    delimiter = sniff_delimiter(text)
    try:
        cells = next(csv.reader([first], delimiter=delimiter))
    except (csv.Error, StopIteration):
        return None
    if header_roles(cells, "document") is None:
        return None
    return "tsv" if delimiter == "\t" else "csv"


def read_aligned(source: Source, target: Optional[Source] = None,
                 fmt: Optional[str] = None, *, glossary=None) -> List[SegmentPair]:
    """Aligned (Chinese, English) segment pairs from one bilingual file or two parallel files.

    With ``target``: SOURCE and TARGET are aligned by paragraph (.txt, .md, .docx). Without it,
    ``fmt`` (or the extension, or the content) picks: ``tsv``/``csv`` (header naming zh and en
    columns), ``xlsx`` (the first sheet with such a header), ``xliff`` (1.2), ``tmx`` (1.4) or
    ``mixed`` (each Chinese passage followed by its English, PDF-extracted text included).
    ``source``/``target`` may be ``-`` (stdin, one of them) or
    :class:`~termbase.textio.InputSource`; a pipe is read once, its format sniffed from the
    buffered bytes. ``glossary`` helps align two files whose paragraph counts differ. Raises
    :class:`~termbase.errors.InputError`.
    """
    src = open_input(source)
    if fmt not in (None, "auto") and fmt not in ALIGNED_FORMATS:
        raise InputError(str(src), f"unknown input format {fmt!r}; use one of "
                                   f"{', '.join(ALIGNED_FORMATS)}")
    if target is not None:
        tgt = open_input(target)
        if src.is_stdin and tgt.is_stdin:
            raise InputError(str(src), "SOURCE and TARGET cannot both be standard input (-)")
        if fmt not in (None, "auto", "parallel"):
            raise InputError(str(src), f"two files are read as parallel paragraphs, not as {fmt}; "
                                       "drop the second file or the format option")
        from .paragraphs import read_parallel

        return read_parallel(src, tgt, glossary=glossary)
    kind = fmt if fmt not in (None, "auto") else _sniff(src)
    if kind == "parallel":
        raise InputError(str(src), "parallel paragraphs need two files: SOURCE and TARGET")
    if kind in ("tsv", "csv"):
        from .delimited import read_delimited

        return read_delimited(src)
    if kind == "xlsx":
        from .xlsx import read_xlsx

        return read_xlsx(src)
    if kind == "xliff":
        from .xliff import read_xliff

        return read_xliff(src)
    if kind == "tmx":
        from .tmx import read_tmx

        return read_tmx(src)
    from .mixed import read_mixed, read_mixed_text

    if kind == "docx":
        from .paragraphs import read_paragraphs

        text = "\n\n".join(p.text for p in read_paragraphs(src))
        return read_mixed_text(text, str(src))
    return read_mixed(src)

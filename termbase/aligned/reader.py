"""Choosing the reader for aligned bilingual input: by format name, extension or content."""
from __future__ import annotations

from pathlib import Path
from typing import List, Optional, Union

from ..errors import InputError
from . import SegmentPair

PathLike = Union[str, Path]

#: format names accepted by :func:`read_aligned` (``fmt``) and ``termtrans check --input-format``
ALIGNED_FORMATS = ("auto", "parallel", "tsv", "csv", "xliff", "tmx", "mixed")

_BY_EXTENSION = {".tsv": "tsv", ".tab": "tsv", ".csv": "csv", ".xlf": "xliff", ".xliff": "xliff",
                 ".sdlxliff": "xliff", ".mqxliff": "xliff", ".tmx": "tmx"}


def _sniff(path: str) -> str:
    ext = Path(path).suffix.lower()
    if ext in _BY_EXTENSION:
        return _BY_EXTENSION[ext]
    if ext == ".docx" or path == "-":
        return "mixed"
    try:
        with open(path, "rb") as fh:
            head = fh.read(4096).lstrip(b"\xef\xbb\xbf").lstrip()
    except FileNotFoundError:
        raise InputError(path, "no such file") from None
    except OSError as exc:
        raise InputError(path, f"cannot read ({exc.strerror})") from None
    if head.startswith(b"<"):
        low = head.lower()
        if b"<xliff" in low:
            return "xliff"
        if b"<tmx" in low:
            return "tmx"
    return "mixed"


def read_aligned(source: PathLike, target: Optional[PathLike] = None,
                 fmt: Optional[str] = None, *, glossary=None) -> List[SegmentPair]:
    """Aligned (Chinese, English) segment pairs from one bilingual file or two parallel files.

    With ``target``: SOURCE and TARGET are aligned by paragraph (.txt, .md, .docx). Without it,
    ``fmt`` (or the extension, or the content) picks: ``tsv``/``csv`` (header naming zh and en
    columns), ``xliff`` (1.2), ``tmx`` (1.4) or ``mixed`` (each Chinese passage followed by its
    English, PDF-extracted text included). ``glossary`` helps align two files whose paragraph
    counts differ. Raises :class:`~termbase.errors.InputError`.
    """
    src = str(source)
    if fmt not in (None, "auto") and fmt not in ALIGNED_FORMATS:
        raise InputError(src, f"unknown input format {fmt!r}; use one of {', '.join(ALIGNED_FORMATS)}")
    if target is not None:
        if fmt not in (None, "auto", "parallel"):
            raise InputError(src, f"two files are read as parallel paragraphs, not as {fmt}; "
                                  "drop the second file or the format option")
        from .paragraphs import read_parallel

        return read_parallel(source, target, glossary=glossary)
    kind = fmt if fmt not in (None, "auto") else _sniff(src)
    if kind == "parallel":
        raise InputError(src, "parallel paragraphs need two files: SOURCE and TARGET")
    if kind in ("tsv", "csv"):
        from .delimited import read_delimited

        return read_delimited(source)
    if kind == "xliff":
        from .xliff import read_xliff

        return read_xliff(source)
    if kind == "tmx":
        from .tmx import read_tmx

        return read_tmx(source)
    from .mixed import read_mixed, read_mixed_text

    if src.lower().endswith(".docx"):
        from .paragraphs import read_paragraphs

        text = "\n\n".join(p.text for p in read_paragraphs(source))
        return read_mixed_text(text, src)
    return read_mixed(source)

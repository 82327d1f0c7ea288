"""Document formats: .txt, .md, .docx and XLIFF (1.2 and 2.x), chosen by extension (or explicitly)."""
from __future__ import annotations

import importlib
from pathlib import Path
from typing import Dict, Optional

from termbase.errors import InputError

from .base import Document, Unit

#: format name → "module:Class" (python-docx and lxml are imported only when needed)
FORMATS: Dict[str, str] = {
    "txt": "translate.documents.text:TextDocument",
    "md": "translate.documents.markdown:MarkdownDocument",
    "docx": "translate.documents.docx:DocxDocument",
    "xliff": "translate.documents.xliff:XliffDocument",
}
EXTENSIONS: Dict[str, str] = {
    ".txt": "txt", ".text": "txt", ".md": "md", ".markdown": "md", ".docx": "docx",
    ".xlf": "xliff", ".xliff": "xliff",
}


def format_for(name: str, fmt: Optional[str] = None) -> str:
    """The format of file ``name`` (``-`` is plain text unless ``fmt`` says otherwise)."""
    if fmt:
        if fmt not in FORMATS:
            raise InputError(name, f"unknown format '{fmt}'; choose one of: {', '.join(FORMATS)}")
        return fmt
    if name == "-":
        return "txt"
    suffix = Path(name).suffix.lower()
    if suffix in EXTENSIONS:
        return EXTENSIONS[suffix]
    if suffix == ".doc":
        raise InputError(name, "old binary .doc is not supported; save it as .docx in Word or LibreOffice")
    known = ", ".join(sorted(EXTENSIONS))
    raise InputError(name, f"unknown file type '{suffix or '(none)'}'; expected one of {known} "
                           f"(or pass --format)")


def sniff_document_format(head: bytes) -> str:
    """The format of a document read from stdin, from its first bytes: ``docx`` (a ZIP),
    ``xliff`` (its root element), else ``txt``."""
    if head.startswith(b"PK\x03\x04"):
        return "docx"
    start = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if start.startswith(b"<") and b"<xliff" in start.lower():
        return "xliff"
    return "txt"


def load_document(data: bytes, name: str, fmt: Optional[str] = None, **options) -> Document:
    """Parse ``data`` (the bytes of file ``name``) as a document of its format.

    ``options`` go to the format's reader; formats ignore those they do not know (XLIFF takes
    ``overwrite``: the target states whose earlier translations MT may replace)."""
    module, _, cls = FORMATS[format_for(name, fmt)].partition(":")
    return getattr(importlib.import_module(module), cls).from_bytes(data, name, **options)


__all__ = ["EXTENSIONS", "FORMATS", "Document", "Unit", "format_for", "load_document",
           "sniff_document_format"]

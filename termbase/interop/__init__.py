"""Glossary interchange: one module per file format, chosen by extension or by name.

>>> from termbase.interop import import_glossary, export_glossary
"""
from __future__ import annotations

import importlib
import sys
from pathlib import Path
from typing import Dict, Optional, Sequence

from ..errors import InputError, OutputError
from ..glossary import Entry
from ..textio import atomic_write_bytes
from .base import GlossaryFormat, ImportResult, PathLike

#: format name → "module:class"
FORMATS: Dict[str, str] = {
    "tbx": "termbase.interop.tbx:TbxFormat",
    "tbx-v2": "termbase.interop.tbx:TbxV2Format",
    "tmx": "termbase.interop.tmx:TmxFormat",
    "xlsx": "termbase.interop.xlsx:XlsxFormat",
    "csv": "termbase.interop.delimited:GlossaryCsvFormat",
    "tsv": "termbase.interop.delimited:GlossaryTsvFormat",
    "deepl": "termbase.interop.delimited:DeepLFormat",
    "amazon": "termbase.interop.delimited:AmazonFormat",
    "omegat": "termbase.interop.delimited:OmegaTFormat",
}
_BY_EXTENSION = {".tbx": "tbx", ".tbxm": "tbx", ".xlsx": "xlsx", ".xlsm": "xlsx", ".csv": "csv",
                 ".tsv": "tsv", ".utf8": "omegat", ".tab": "omegat", ".tmx": "tmx"}


def get_format(name: str) -> GlossaryFormat:
    """The format called ``name`` (see :data:`FORMATS`)."""
    try:
        target = FORMATS[name]
    except KeyError:
        raise InputError(None, f"unknown glossary format '{name}'; choose one of "
                               f"{', '.join(FORMATS)}") from None
    module, cls = target.split(":")
    return getattr(importlib.import_module(module), cls)()


def format_for(path: PathLike, fmt: Optional[str] = None, *, sniff: bool = False
               ) -> GlossaryFormat:
    """The format named ``fmt``, else (reading, ``sniff``) the one the content proves (ZIP →
    xlsx, XML → tbx or tmx by its root element), else the one for the extension of ``path``;
    a delimited file with an unknown extension is read as CSV (delimiter and layout sniffed)."""
    if fmt:
        return get_format(fmt)
    suffix = Path(str(path)).suffix.lower()
    if sniff:
        from ..glossary import sniff_glossary_bytes

        try:
            with open(path, "rb") as fh:
                head = fh.read(4096)
        except OSError:
            head = b""
        kind = sniff_glossary_bytes(head)
        if kind is not None:
            return get_format(kind)
        return get_format(_BY_EXTENSION.get(suffix, "csv"))  # a wrong one says what is wrong
    if suffix in _BY_EXTENSION:
        return get_format(_BY_EXTENSION[suffix])
    raise OutputError(f"{path}: cannot tell the format from the extension '{suffix}'; pass "
                      f"--format ({', '.join(FORMATS)})")


def import_glossary(path: PathLike, fmt: Optional[str] = None) -> ImportResult:
    """Read a glossary file of any supported format into validated entries."""
    if str(path) != "-" and not Path(path).exists():
        raise InputError(path, "no such file")
    if Path(path).is_dir():
        raise InputError(path, "is a directory, expected a glossary file")
    return format_for(path, fmt, sniff=True).read(path)


def export_glossary(entries: Sequence[Entry], path: PathLike, fmt: Optional[str] = None, *,
                    force: bool = False, protect: Sequence[PathLike] = ()) -> GlossaryFormat:
    """Write ``entries`` to ``path`` atomically in the format chosen by ``fmt`` or the extension.

    Refuses to overwrite an existing file unless ``force``, and never writes over a path in
    ``protect`` (the glossary being exported).
    """
    if str(path) == "-":
        if not fmt:
            raise OutputError("-: writing to stdout needs --format")
        f = format_for(path, fmt)
        data = f.dumps(list(entries), path)
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
        return f
    target = Path(path)
    for p in protect:
        if target.exists() and Path(p).exists() and target.resolve() == Path(p).resolve():
            raise OutputError(f"{path}: is the glossary being read; choose another output file")
    if target.exists() and not force:
        raise OutputError(f"{path}: already exists; pass --force to overwrite it")
    if target.is_dir():
        raise OutputError(f"{path}: is a directory")
    f = format_for(path, fmt)
    atomic_write_bytes(target, f.dumps(list(entries), path))
    return f


__all__ = ["FORMATS", "GlossaryFormat", "ImportResult", "export_glossary", "format_for",
           "get_format", "import_glossary"]

"""Glossary interchange: one module per file format, chosen by extension or by name.

>>> from termbase.interop import import_glossary, export_glossary
"""
from __future__ import annotations

import importlib
from pathlib import Path
from typing import Dict, Optional, Sequence, Union

from ..errors import InputError, OutputError
from ..glossary import Entry
from ..outputs import Outputs, PlannedOutput
from ..textio import Source, open_input
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


def format_for(path: Source, fmt: Optional[str] = None, *, sniff: bool = False
               ) -> GlossaryFormat:
    """The format named ``fmt``, else (reading, ``sniff``) the one the content proves (ZIP →
    xlsx, XML → tbx or tmx by its root element), else the one for the extension of ``path``;
    a delimited file with an unknown extension is read as CSV (delimiter and layout sniffed)."""
    if fmt:
        return get_format(fmt)
    suffix = Path(str(path)).suffix.lower()
    if sniff:
        from ..glossary import sniff_glossary_bytes

        # an InputSource keeps what it sniffs: a pipe or stdin is not consumed by this
        kind = sniff_glossary_bytes(_head(path, 4096))
        if kind is not None:
            return get_format(kind)
        return get_format(_BY_EXTENSION.get(suffix, "csv"))  # a wrong one says what is wrong
    if suffix in _BY_EXTENSION:
        return get_format(_BY_EXTENSION[suffix])
    raise OutputError(f"{path}: cannot tell the format from the extension '{suffix}'; pass "
                      f"--format ({', '.join(FORMATS)})")


def _head(path: Source, size: int) -> bytes:
    try:
        return open_input(path).head(size)
    except InputError:
        return b""


def import_glossary(path: Source, fmt: Optional[str] = None) -> ImportResult:
    """Read a glossary file of any supported format into validated entries.

    ``path`` may be ``-`` (stdin) or an :class:`~termbase.textio.InputSource`; pipes and stdin
    are read once, the format sniffed from the buffered bytes.
    """
    source = open_input(path)
    return format_for(source, fmt, sniff=True).read(source)


def output_format(planned: PlannedOutput, fmt: Optional[str] = None) -> GlossaryFormat:
    """The format of an export: ``fmt``, else the extension; stdout and devices (``-``,
    ``/dev/stdout``, a FIFO) without a known extension get termtrans CSV, as printed."""
    if not fmt and planned.kind != "file" and \
            Path(planned.path).suffix.lower() not in _BY_EXTENSION:
        return get_format("csv")
    return format_for(planned.path, fmt)


def plan_export(path: PathLike, fmt: Optional[str] = None, *, force: bool = False,
                protect: Sequence[object] = (), option: str = "FILE") -> PlannedOutput:
    """Check a glossary export target against the output policy before any work
    (:mod:`termbase.outputs`); ``protect``: the inputs (the glossary being exported...)."""
    planned = Outputs(protect, force=force).plan(path, option=option, what="glossary")
    output_format(planned, fmt)  # an unknown extension is an error now, not after the work
    return planned


def export_glossary(entries: Sequence[Entry], path: Union[PathLike, PlannedOutput],
                    fmt: Optional[str] = None, *, force: bool = False,
                    protect: Sequence[object] = ()) -> GlossaryFormat:
    """Write ``entries`` to ``path`` in the format chosen by ``fmt`` or the extension.

    ``path`` is a file name (checked now with :func:`plan_export`: never over a path in
    ``protect``, an existing file only with ``force``, ``-`` is stdout) or an output
    planned before the work. Regular files are written atomically.
    """
    planned = path if isinstance(path, PlannedOutput) else plan_export(
        path, fmt, force=force, protect=protect)
    f = output_format(planned, fmt)
    planned.write_bytes(f.dumps(list(entries), planned.path))
    return f


__all__ = ["FORMATS", "GlossaryFormat", "ImportResult", "export_glossary", "format_for",
           "get_format", "import_glossary", "plan_export"]

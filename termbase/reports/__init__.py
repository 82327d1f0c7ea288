"""Check reports for people and for tools: terminal text, JSON (stable schema), CSV and a
self-contained HTML page. Each writer turns a :class:`~termbase.qa.runner.CheckReport` into text."""
from __future__ import annotations

import codecs
from typing import Callable, Dict, List, Optional

from ..errors import TermtransError

#: format name -> "module:function(report, **options) -> str"
FORMATS: Dict[str, str] = {
    "text": "termbase.reports.text:render_text",
    "json": "termbase.reports.json_report:render_json",
    "csv": "termbase.reports.csv_report:render_csv",
    "html": "termbase.reports.html_report:render_html",
}


#: format name -> "module:function(issue, pair) -> bytes": one issue as the format writes it
#: (UTF-8; text where it cannot be encoded), for formats whose issues are written each on its
#: own (the processes of a parallel check render the issues they find)
ISSUE_RENDERERS: Dict[str, str] = {
    "json": "termbase.reports.json_report:issue_line_utf8",
}

#: format name -> "module:function(pair) -> bytes": one segment as the format lists it among
#: the segments with issues (rendered, like the issues, by the processes of a parallel check)
SEGMENT_RENDERERS: Dict[str, str] = {
    "json": "termbase.reports.json_report:segment_line_utf8",
}

#: format name -> "module:function(report, **options) -> list of bytes": formats that put
#: their UTF-8 text together as bytes, in parts written one after the other (the others' text
#: is encoded)
PART_FORMATS: Dict[str, str] = {
    "json": "termbase.reports.json_report:render_json_parts",
}


def _renderer(table: Dict[str, str], fmt: str) -> Optional[Callable]:
    from importlib import import_module

    if fmt not in table:
        return None
    module, name = table[fmt].split(":")
    return getattr(import_module(module), name)


def issue_renderer(fmt: str) -> Optional[Callable]:
    """The function rendering one issue in ``fmt`` (see :data:`ISSUE_RENDERERS`), or None."""
    return _renderer(ISSUE_RENDERERS, fmt)


def segment_renderer(fmt: str) -> Optional[Callable]:
    """The function rendering one segment in ``fmt`` (see :data:`SEGMENT_RENDERERS`), or None."""
    return _renderer(SEGMENT_RENDERERS, fmt)


def render_report(report, fmt: str = "text", **options) -> str:
    """The report in ``fmt`` (text, json, csv or html)."""
    from importlib import import_module

    try:
        module, name = FORMATS[fmt].split(":")
    except KeyError:
        raise TermtransError(f"unknown report format {fmt!r}; use one of {', '.join(FORMATS)}") from None
    render: Callable[..., str] = getattr(import_module(module), name)
    return render(report, **options)


def render_report_bytes(report, fmt: str = "text", *, bom: bool = False, **options) -> bytes:
    """The report in ``fmt`` as UTF-8 (with a byte-order mark when ``bom``), as written to a
    file (:func:`render_report_parts` joined)."""
    return b"".join(render_report_parts(report, fmt, bom=bom, **options))


def render_report_parts(report, fmt: str = "text", *, bom: bool = False,
                        **options) -> List[bytes]:
    """:func:`render_report_bytes` in parts whose concatenation it is (see
    :data:`PART_FORMATS`; one part for the other formats), for
    :meth:`~termbase.outputs.PlannedOutput.write_bytes`."""
    render = _renderer(PART_FORMATS, fmt)
    if render is not None:
        parts = render(report, **options)
    else:
        parts = [render_report(report, fmt, **options).encode("utf-8")]
    return [codecs.BOM_UTF8, *parts] if bom else parts


__all__ = ["FORMATS", "ISSUE_RENDERERS", "PART_FORMATS", "SEGMENT_RENDERERS",
           "issue_renderer", "render_report", "render_report_bytes", "render_report_parts",
           "segment_renderer"]

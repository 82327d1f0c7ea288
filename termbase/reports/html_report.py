"""The HTML report: one self-contained page (no external files), filterable by check and severity.

Every value from the documents or the glossary is HTML-escaped before it enters the template
(``report.html``, a :class:`string.Template`), so hostile text cannot inject markup.
"""
from __future__ import annotations

from html import escape
from importlib import resources
from string import Template
from typing import List

from .. import __version__
from ..qa.base import SOURCE
from ..qa.registry import describe_checks
from .context import snippet
from .text import summary_line


def _marked(text: str, start: int, end: int) -> str:
    before, span, after = snippet(text, start, end, 90)
    return f"{escape(before)}<mark>{escape(span)}</mark>{escape(after)}"


def _template() -> Template:
    return Template(resources.files("termbase.reports").joinpath("report.html").read_text("utf-8"))


def render_html(report, *, title: str = "termtrans check report", **_options) -> str:
    """The report as a standalone HTML page."""
    pairs = {p.index: p for p in report.pairs}
    descriptions = {d["id"]: d["description"] for d in describe_checks()}
    counts = report.by_check()
    summary_rows = "\n".join(
        f"<tr><td>{escape(c)}</td><td>{n}</td><td>{escape(descriptions.get(c, ''))}</td></tr>"
        for c, n in counts.items())
    check_filters = "\n".join(
        f'<label><input type="checkbox" value="check:{escape(c, quote=True)}" checked> '
        f"{escape(c)} ({n})</label>" for c, n in counts.items() if n)
    sev = report.by_severity()
    severity_filters = "\n".join(
        f'<label><input type="checkbox" value="severity:{s}" checked> {s} ({n})</label>'
        for s, n in sev.items() if n)
    items: List[str] = []
    for i in report.issues:
        pair = pairs.get(i.segment)
        rows = ""
        if pair is not None:
            if i.side == SOURCE:
                zh = _marked(pair.source, i.start, i.end)
                en = escape(snippet(pair.target, 0, 0, 120)[2]) if pair.target else "<i>(empty)</i>"
            else:
                zh = escape(snippet(pair.source, 0, 0, 60)[2]) if pair.source else "<i>(empty)</i>"
                en = _marked(pair.target, i.start, i.end)
            rows = (f'<div class="seg"><b>zh</b>{zh}</div>'
                    f'<div class="seg"><b>en</b>{en}</div>')
        fix = f'<div class="fix">Suggestion: {escape(i.suggestion)}</div>' if i.suggestion else ""
        items.append(
            f'<div class="issue {escape(i.severity)}" data-check="{escape(i.check, quote=True)}" '
            f'data-severity="{escape(i.severity, quote=True)}">'
            f'<div class="head"><span class="sev">{escape(i.severity)}</span> '
            f"{escape(i.check)}{' · ' + escape(i.rule) if i.rule and i.rule != i.check else ''}"
            f" · {escape(i.location)}</div>"
            f'<div class="msg">{escape(i.message)}</div>{rows}{fix}</div>')
    if not items:
        items.append('<p class="empty">No issues found.</p>')
    inputs = ", ".join(escape(str(v)) for v in report.inputs.values() if v and not isinstance(v, list))
    gloss = report.glossary
    meta = (f"Input: {inputs or '—'} · Glossary: {escape(str(gloss.get('path') or '—'))}"
            f" ({gloss.get('entries', 0)} entries) · termtrans {escape(__version__)}")
    return _template().substitute(
        title=escape(title), meta=meta, summary_rows=summary_rows,
        summary_line=escape(summary_line(report)), check_filters=check_filters,
        severity_filters=severity_filters, issues="\n".join(items))

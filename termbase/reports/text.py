"""The terminal report: issues grouped by check, each span shown in its context."""
from __future__ import annotations

from collections import OrderedDict
from typing import Callable, List, Optional

from ..qa.base import SOURCE
from .context import snippet

#: ``style(text, role)`` with role in span, error, warning, info, heading, dim
Style = Callable[[str, str], str]


def plain_style(text: str, role: str) -> str:
    """Styling without colour: the span is marked »like this«."""
    return f"»{text}«" if role == "span" else text


def summary_line(report) -> str:
    """'12 segments, 110 issues (24 errors, 85 warnings, 1 info), 0 ignored'."""
    sev = report.by_severity()
    parts = [f"{sev['error']} error{'s' if sev['error'] != 1 else ''}",
             f"{sev['warning']} warning{'s' if sev['warning'] != 1 else ''}", f"{sev['info']} info"]
    return (f"{len(report.pairs)} segments, {len(report.issues)} issues ({', '.join(parts)}), "
            f"{report.ignored} ignored")


def render_text(report, *, style: Optional[Style] = None, width: int = 60) -> str:
    """The report as terminal text; pass ``style`` (e.g. click.style based) for colour."""
    st = style or plain_style
    groups: "OrderedDict[str, list]" = OrderedDict((c, []) for c in report.checks)
    for issue in report.issues:
        groups.setdefault(issue.check, []).append(issue)
    pairs = {p.index: p for p in report.pairs}
    out: List[str] = []
    for check, issues in groups.items():
        if not issues:
            continue
        out.append(st(f"{check} ({len(issues)})", "heading"))
        for i in issues:
            pair = pairs.get(i.segment)
            out.append(f"  {i.location}  {st(i.severity, i.severity)}  {i.message}")
            if pair is not None:
                text = pair.source if i.side == SOURCE else pair.target
                before, span, after = snippet(text, i.start, i.end, width)
                label = "zh" if i.side == SOURCE else "en"
                out.append(f"      {st(label, 'dim')}: {before}{st(span, 'span')}{after}")
            if i.suggestion:
                out.append(f"      {st('fix', 'dim')}: {i.suggestion}")
        out.append("")
    counts = ", ".join(f"{c} {n}" for c, n in report.by_check().items() if n)
    out.append(st("Summary: ", "heading") + summary_line(report))
    if counts:
        out.append(f"  {counts}")
    return "\n".join(out) + "\n"

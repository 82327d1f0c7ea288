"""The JSON report. Its schema is stable (see docs/check-report-schema.md); ``schema_version``
changes only when a field is renamed or removed."""
from __future__ import annotations

import json
from typing import Dict, List

from .. import __version__
from ..qa.base import SOURCE
from .context import snippet

SCHEMA = "termtrans-check-report"
SCHEMA_VERSION = 1


def report_dict(report) -> Dict[str, object]:
    """The report as plain data (what the JSON holds)."""
    pairs = {p.index: p for p in report.pairs}
    issues: List[Dict[str, object]] = []
    for i in report.issues:
        pair = pairs.get(i.segment)
        text = "" if pair is None else (pair.source if i.side == SOURCE else pair.target)
        before, span, after = snippet(text, i.start, i.end)
        issues.append({
            "check": i.check, "rule": i.rule, "severity": i.severity, "segment": i.segment,
            "location": i.location, "side": i.side, "start": i.start, "end": i.end, "span": i.span,
            "message": i.message, "suggestion": i.suggestion, "fingerprint": i.fingerprint,
            "context": {"before": before, "span": span, "after": after},
        })
    with_issues = sorted({i.segment for i in report.issues})
    segments = [{"segment": k, "location": pairs[k].location, "source": pairs[k].source,
                 "target": pairs[k].target, "note": pairs[k].note}
                for k in with_issues if k in pairs]
    return {
        "schema": SCHEMA, "schema_version": SCHEMA_VERSION,
        "tool": {"name": "termtrans", "version": __version__},
        "inputs": dict(report.inputs), "glossary": dict(report.glossary),
        "checks": list(report.checks), "summary": report.summary(),
        "issues": issues, "segments": segments,
    }


#: lists written one item per line (an issue per line reads well and diffs well)
_ONE_PER_LINE = ("issues", "segments")


def _dumps(value, indent=None) -> str:
    return json.dumps(value, ensure_ascii=False, indent=indent)


def render_json(report, **_options) -> str:
    """The report as JSON (UTF-8 text, Chinese kept as is): indented, with each issue and each
    segment on one line (written by the json module's C encoder: a report of 10,000 issues
    takes a fraction of a second)."""
    data = report_dict(report)
    lines = ["{"]
    last = len(data) - 1
    for k, (key, value) in enumerate(data.items()):
        comma = "," if k < last else ""
        if key in _ONE_PER_LINE and value:
            lines.append(f"  {_dumps(key)}: [")
            end = len(value) - 1
            lines.extend(f"    {_dumps(item)}{',' if j < end else ''}" for j, item in enumerate(value))
            lines.append(f"  ]{comma}")
        else:
            lines.append(f"  {_dumps(key)}: {_dumps(value, 2).replace(chr(10), chr(10) + '  ')}{comma}")
    lines.append("}")
    return "\n".join(lines) + "\n"

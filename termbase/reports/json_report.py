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


def render_json(report, **_options) -> str:
    """The report as indented JSON (UTF-8 text, Chinese kept as is)."""
    return json.dumps(report_dict(report), ensure_ascii=False, indent=2) + "\n"

"""The JSON report. Its schema is stable (see docs/check-report-schema.md); ``schema_version``
changes only when a field is renamed or removed."""
from __future__ import annotations

import json
from json.encoder import encode_basestring
from typing import Dict, List

from .. import __version__
from ..qa.base import SOURCE
from .context import snippet

SCHEMA = "termtrans-check-report"
SCHEMA_VERSION = 1


def _issue_dict(i, pair) -> Dict[str, object]:
    text = "" if pair is None else (pair.source if i.side == SOURCE else pair.target)
    before, span, after = snippet(text, i.start, i.end)
    return {
        "check": i.check, "rule": i.rule, "severity": i.severity, "segment": i.segment,
        "location": i.location, "side": i.side, "start": i.start, "end": i.end, "span": i.span,
        "message": i.message, "suggestion": i.suggestion, "fingerprint": i.fingerprint,
        "context": {"before": before, "span": span, "after": after},
    }


def _segment_dicts(report, pairs) -> List[Dict[str, object]]:
    with_issues = sorted({i.segment for i in report.issues})
    return [{"segment": k, "location": pairs[k].location, "source": pairs[k].source,
             "target": pairs[k].target, "note": pairs[k].note}
            for k in with_issues if k in pairs]


def _head(report, issues, segments) -> Dict[str, object]:
    return {
        "schema": SCHEMA, "schema_version": SCHEMA_VERSION,
        "tool": {"name": "termtrans", "version": __version__},
        "inputs": dict(report.inputs), "glossary": dict(report.glossary),
        "checks": list(report.checks), "summary": report.summary(),
        "issues": issues, "segments": segments,
    }


def report_dict(report) -> Dict[str, object]:
    """The report as plain data (what the JSON holds)."""
    pairs = {p.index: p for p in report.pairs}
    return _head(report, [_issue_dict(i, pairs.get(i.segment)) for i in report.issues],
                 _segment_dicts(report, pairs))


#: lists written one item per line (an issue per line reads well and diffs well)
_ONE_PER_LINE = ("issues", "segments")


_ENCODE = json.JSONEncoder(ensure_ascii=False).encode


def _dumps(value, indent=None) -> str:
    return _ENCODE(value) if indent is None else json.dumps(value, ensure_ascii=False, indent=indent)


#: an issue's JSON line as the encoder writes ``_issue_dict`` (same keys, order and separators),
#: filled with each string already encoded (:func:`issue_line`)
_ISSUE_LINE = ('{"check": %s, "rule": %s, "severity": %s, "segment": %d, "location": %s, '
               '"side": %s, "start": %d, "end": %d, "span": %s, "message": %s, "suggestion": %s, '
               '"fingerprint": %s, "context": {"before": %s, "span": %s, "after": %s}}')


def issue_line(issue, pair) -> str:
    """One issue of the report as its JSON line (``pair``: its segment, for the context).

    The same text as ``json`` writes for ``_issue_dict``, put together from the encoded strings
    (twice as fast for the thousands of issues of a large document); anything but the usual
    field types goes through the encoder."""
    i = issue
    if type(i.segment) is int and type(i.start) is int and type(i.end) is int:
        text = "" if pair is None else (pair.source if i.side == SOURCE else pair.target)
        before, span, after = snippet(text, i.start, i.end)
        e = encode_basestring
        try:
            return _ISSUE_LINE % (e(i.check), e(i.rule), e(i.severity), i.segment, e(i.location),
                                  e(i.side), i.start, i.end, e(i.span), e(i.message),
                                  e(i.suggestion), e(i.fingerprint), e(before), e(span), e(after))
        except TypeError:  # a field that is not a string (None...)
            pass
    return _ENCODE(_issue_dict(issue, pair))


def issue_line_utf8(issue, pair):
    """:func:`issue_line` encoded as UTF-8 (what a parallel check's processes hand back: the
    report is joined and written as bytes); the text itself when it cannot be encoded (the
    writer then fails on it as it would on any unencodable report)."""
    line = issue_line(issue, pair)
    try:
        return line.encode("utf-8")
    except UnicodeEncodeError:
        return line


def render_json(report, **_options) -> str:
    """The report as JSON (UTF-8 text, Chinese kept as is): indented, with each issue and each
    segment on one line (see :func:`render_json_bytes`)."""
    return render_json_bytes(report).decode("utf-8")


def _utf8(line) -> bytes:
    return line if line.__class__ is bytes else line.encode("utf-8")


def render_json_bytes(report, **_options) -> bytes:
    """:func:`render_json`'s text encoded as UTF-8, put together from encoded lines (the lines
    of the issues a parallel check found come from the processes that found them, already
    encoded: joining bytes is several times faster than joining text with Chinese in it)."""
    pairs = {p.index: p for p in report.pairs}
    rendered = getattr(report, "rendered", None) or {}
    issue_lines = [_utf8(rendered.get(id(i)) or issue_line(i, pairs.get(i.segment)))
                   for i in report.issues]
    segments = [_ENCODE(s) for s in _segment_dicts(report, pairs)]
    data = _head(report, issue_lines, segments)
    parts = [b"{"]
    last = len(data) - 1
    for k, (key, value) in enumerate(data.items()):
        comma = "," if k < last else ""
        if key in _ONE_PER_LINE and value:
            parts.append(f"  {_dumps(key)}: [".encode("utf-8"))
            if key == "issues":
                parts.append(b"    " + b",\n    ".join(value))
            else:
                parts.append(("    " + ",\n    ".join(value)).encode("utf-8"))
            parts.append(f"  ]{comma}".encode("utf-8"))
        else:
            parts.append(f"  {_dumps(key)}: {_dumps(value, 2).replace(chr(10), chr(10) + '  ')}"
                         f"{comma}".encode("utf-8"))
    parts.append(b"}\n")
    return b"\n".join(parts)

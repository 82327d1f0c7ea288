"""The JSON report. Its schema is stable (see docs/check-report-schema.md); ``schema_version``
changes only when a field is renamed or removed."""
from __future__ import annotations

import json
from itertools import compress, count, repeat
from json.encoder import encode_basestring
from operator import attrgetter, is_not
from typing import Dict, List

from .. import __version__
from ..qa.base import SOURCE
from .context import snippet

SCHEMA = "termtrans-check-report"
SCHEMA_VERSION = 1

_SEGMENT = attrgetter("segment")


def _issue_dict(i, pair) -> Dict[str, object]:
    text = "" if pair is None else (pair.source if i.side == SOURCE else pair.target)
    before, span, after = snippet(text, i.start, i.end)
    return {
        "check": i.check, "rule": i.rule, "severity": i.severity, "segment": i.segment,
        "location": i.location, "side": i.side, "start": i.start, "end": i.end, "span": i.span,
        "message": i.message, "suggestion": i.suggestion, "fingerprint": i.fingerprint,
        "context": {"before": before, "span": span, "after": after},
    }


def _segment_dict(pair) -> Dict[str, object]:
    return {"segment": pair.index, "location": pair.location, "source": pair.source,
            "target": pair.target, "note": pair.note}


def _with_issues(report, pairs) -> List[int]:
    """The indexes of the segments (of ``pairs``, by index) that have issues, in order."""
    return [k for k in sorted(set(map(_SEGMENT, report.issues))) if k in pairs]


def _segment_dicts(report, pairs) -> List[Dict[str, object]]:
    return [_segment_dict(pairs[k]) for k in _with_issues(report, pairs)]


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


class _EncodedStrings(dict):
    """JSON string literals of the strings issues repeat (check, rule, severity, side, location,
    message, suggestion, fingerprint, span: a few hundred values for thousands of issues), each
    encoded when first met; at most :attr:`MOST` kept."""

    MOST = 50000

    def __missing__(self, text: str) -> str:
        encoded = encode_basestring(text)  # (TypeError for anything but a string)
        if len(self) >= self.MOST:
            self.clear()
        self[text] = encoded
        return encoded


_REPEATED = _EncodedStrings()


def issue_line(issue, pair) -> str:
    """One issue of the report as its JSON line (``pair``: its segment, for the context).

    The same text as ``json`` writes for ``_issue_dict``, put together from the encoded strings
    (twice as fast for the thousands of issues of a large document); anything but the usual
    field types goes through the encoder."""
    i = issue
    if type(i.segment) is int and type(i.start) is int and type(i.end) is int:
        text = "" if pair is None else (pair.source if i.side == SOURCE else pair.target)
        before, span, after = snippet(text, i.start, i.end)
        e, r = encode_basestring, _REPEATED
        try:
            return _ISSUE_LINE % (r[i.check], r[i.rule], r[i.severity], i.segment, r[i.location],
                                  r[i.side], i.start, i.end, r[i.span], r[i.message],
                                  r[i.suggestion], r[i.fingerprint], e(before), e(span), e(after))
        except TypeError:  # a field that is not a string (None...)
            pass
    return _ENCODE(_issue_dict(issue, pair))


def _encoded(line: str):
    """``line`` encoded as UTF-8, or the text itself when it cannot be encoded (the writer
    then fails on it as it would on any unencodable report)."""
    try:
        return line.encode("utf-8")
    except UnicodeEncodeError:
        return line


def issue_line_utf8(issue, pair):
    """:func:`issue_line` encoded as UTF-8 (:func:`_encoded`): what a parallel check's processes
    hand back, the report being joined and written as bytes."""
    return _encoded(issue_line(issue, pair))


def render_json(report, **_options) -> str:
    """The report as JSON (UTF-8 text, Chinese kept as is): indented, with each issue and each
    segment on one line (see :func:`render_json_bytes`)."""
    return render_json_bytes(report).decode("utf-8")


def _utf8(line) -> bytes:
    return line if line.__class__ is bytes else line.encode("utf-8")


def segment_line_utf8(pair):
    """One segment of the report's ``segments`` as its JSON line, encoded as UTF-8
    (:func:`_encoded`)."""
    return _encoded(_ENCODE(_segment_dict(pair)))


def _filled(lines: list, missing) -> list:
    """``lines`` (bytes, or text or None where not rendered) made bytes in place, ``missing(k)``
    making line ``k`` where it is None (which lines are not bytes yet is found in C: in a
    parallel check nearly every line already is)."""
    for k in compress(count(), map(is_not, map(type, lines), repeat(bytes))):
        line = lines[k]
        lines[k] = _utf8(missing(k) if line is None else line)
    return lines


_SEPARATOR = b",\n    "  # between the lines of a list written one item per line


def render_json_bytes(report, **_options) -> bytes:
    """:func:`render_json`'s text encoded as UTF-8 (:func:`render_json_parts` joined)."""
    return b"".join(render_json_parts(report))


def render_json_parts(report, **_options) -> List[bytes]:
    """:func:`render_json`'s text encoded as UTF-8, in parts to be written one after the other
    (a large report is never copied into one piece): the lines of the issues and segments (those
    a parallel check found come from the processes that found them, already encoded: putting
    bytes together is several times faster than text with Chinese in it), the separators between
    them, and the text between the lists glued to their first and last lines."""
    pairs = {p.index: p for p in report.pairs}
    issues = report.issues
    rendered = getattr(report, "rendered", None) or {}
    issue_lines = _filled(list(map(rendered.get, map(id, issues))),
                          lambda k: issue_line(issues[k], pairs.get(issues[k].segment)))
    rendered_segments = getattr(report, "rendered_segments", None) or {}
    with_issues = _with_issues(report, pairs)
    segments = _filled(list(map(rendered_segments.get, with_issues)),
                       lambda k: _ENCODE(_segment_dict(pairs[with_issues[k]])))
    data = _head(report, issue_lines, segments)
    chunks: List[bytes] = []  # joined by _SEPARATOR
    text = "{"  # what comes since the last chunk
    last = len(data) - 1
    for k, (key, value) in enumerate(data.items()):
        comma = "," if k < last else ""
        if key in _ONE_PER_LINE and value:
            text += f"\n  {_dumps(key)}: [\n    "
            if chunks:  # glued to the last line of the list before and the first of this one
                chunks[-1] += text.encode("utf-8") + value[0]
            else:
                chunks.append(text.encode("utf-8") + value[0])
            chunks.extend(value[1:])
            text = f"\n  ]{comma}"
        else:
            text += f"\n  {_dumps(key)}: {_dumps(value, 2).replace(chr(10), chr(10) + '  ')}{comma}"
    text += "\n}\n"
    if not chunks:
        return [text.encode("utf-8")]
    chunks[-1] += text.encode("utf-8")
    parts = [_SEPARATOR] * (2 * len(chunks) - 1)  # chunk, separator, chunk, ...
    parts[::2] = chunks
    return parts

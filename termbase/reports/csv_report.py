"""The CSV report: one row per issue, for spreadsheets (opens in Excel: UTF-8 with BOM on write).

Cells that a spreadsheet would run as a formula (starting with ``= + - @``, tab or CR: the
source and target text, spans and messages quote the documents) get a leading ``'``.
"""
from __future__ import annotations

import csv
import io

from ..tabular import neutralize_row

COLUMNS = ("severity", "check", "rule", "location", "segment", "side", "span", "message",
           "suggestion", "source", "target", "fingerprint")


def render_csv(report, **_options) -> str:
    """The report as CSV text with a header row of :data:`COLUMNS`."""
    pairs = {p.index: p for p in report.pairs}
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(COLUMNS)
    for i in report.issues:
        pair = pairs.get(i.segment)
        w.writerow(neutralize_row([i.severity, i.check, i.rule, i.location, i.segment, i.side,
                                   i.span, i.message, i.suggestion,
                                   pair.source if pair else "", pair.target if pair else "",
                                   i.fingerprint]))
    return buf.getvalue()

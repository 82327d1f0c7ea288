"""Report writers: text, JSON (documented schema), CSV, self-contained HTML."""
from __future__ import annotations

import csv
import io
import json

import pytest

from termbase.aligned import SegmentPair
from termbase.glossary import load_glossary
from termbase.qa import run_checks
from termbase.reports import FORMATS, render_report
from termbase.reports.context import snippet

from pathlib import Path

GLOSSARY = Path(__file__).parent / "data" / "check-glossary.csv"


@pytest.fixture(scope="module")
def report():
    pairs = [SegmentPair(0, "新华社报道。", "Xinhua Agency reported <script>alert(1)</script>.", "d:1"),
             SegmentPair(1, "重庆很美。", "Chongqings view,great.", "d:2"),
             SegmentPair(2, "重庆。", "Chongqing.", "d:3")]
    r = run_checks(pairs, load_glossary(GLOSSARY))
    r.inputs = {"source": "d.tsv", "target": None, "format": "auto"}
    return r


def test_formats_registered():
    assert set(FORMATS) == {"text", "json", "csv", "html"}


def test_text_groups_by_check_with_highlight(report):
    text = render_report(report, "text")
    assert text.index("term-forbidden (1)") < text.index("typography (")
    assert "»Xinhua Agency«" in text and "fix: use 'Xinhua News Agency'" in text
    assert text.rstrip().splitlines()[-2].startswith("Summary: 3 segments")
    styled = render_report(report, "text", style=lambda t, role: f"<{role}>{t}</{role}>")
    assert "<span>Xinhua Agency</span>" in styled and "<error>error</error>" in styled


def test_json_schema(report):
    data = json.loads(render_report(report, "json"))
    assert data["schema"] == "termtrans-check-report" and data["schema_version"] == 1
    assert set(data) == {"schema", "schema_version", "tool", "inputs", "glossary", "checks",
                         "summary", "issues", "segments"}
    assert data["summary"]["segments"] == 3
    assert data["summary"]["issues"] == len(data["issues"])
    assert sum(data["summary"]["by_check"].values()) == len(data["issues"])
    issue = next(i for i in data["issues"] if i["check"] == "term-forbidden")
    assert set(issue) == {"check", "rule", "severity", "segment", "location", "side", "start", "end",
                          "span", "message", "suggestion", "fingerprint", "context"}
    seg = next(s for s in data["segments"] if s["segment"] == issue["segment"])
    assert seg["target"][issue["start"]:issue["end"]] == issue["span"] == "Xinhua Agency"
    assert issue["context"]["span"] == "Xinhua Agency"
    assert 2 not in {s["segment"] for s in data["segments"]}  # only segments with issues


def test_json_layout_one_issue_per_line(report):
    text = render_report(report, "json")
    lines = text.splitlines()
    issue_lines = [ln for ln in lines if ln.startswith('    {"check": ')]
    assert len(issue_lines) == len(report.issues)
    assert [json.loads(ln.rstrip(",")) for ln in issue_lines] == json.loads(text)["issues"]
    assert '  "summary": {' in lines and "重庆" in text  # indented, Chinese kept as is


def test_json_of_a_clean_report_is_valid():
    r = run_checks([SegmentPair(0, "重庆。", "Chongqing.", "d:1")], load_glossary(GLOSSARY))
    data = json.loads(render_report(r, "json"))
    assert data["issues"] == [] and data["segments"] == []


def test_csv(report):
    rows = list(csv.DictReader(io.StringIO(render_report(report, "csv"))))
    assert len(rows) == len(report.issues)
    assert {"severity", "check", "location", "span", "suggestion", "source", "target"} <= set(rows[0])
    assert any(r["span"] == "Chongqings" and r["rule"] == "lost-apostrophe" for r in rows)


def test_html_self_contained_escaped_filterable(report):
    page = render_report(report, "html")
    assert page.startswith("<!DOCTYPE html>") and page.rstrip().endswith("</html>")
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;" in page
    assert 'src="http' not in page and "<link" not in page  # nothing external
    assert 'value="check:term-forbidden"' in page and 'data-check="typography"' in page
    assert "<mark>Xinhua Agency</mark>" in page
    assert page.count('class="issue ') == len(report.issues)


def test_html_without_issues():
    r = run_checks([SegmentPair(0, "重庆。", "Chongqing.", "d:1")], load_glossary(GLOSSARY))
    assert "No issues found." in render_report(r, "html")


def test_snippet_cuts_long_text():
    text = "word " * 50 + "TARGET" + " word" * 50
    before, span, after = snippet(text, 250, 256, 20)
    assert span == "TARGET" and before.startswith("…") and after.endswith("…")
    assert len(before) < 30


@pytest.mark.parametrize("text", [
    "plain words only", "a  b\tc\nd\u3000e\xa0f\u2028g\x85h  ", "重庆市 外事办公室\r\n 对外友好", "",
    "x" * 200 + "   " + "y" * 200, "\x1c\x1d\x1e\x1f spaces \x0b\x0c",
])
def test_snippet_matches_its_definition(text):
    """Cut near the width at a space, '…' where text is left out, every whitespace run one space."""
    import re

    def expected(text, start, end, width):
        from termbase.normalize import CJK

        w = width // 2 if CJK.search(text, max(0, start - 10), end + 10) else width
        b0 = max(0, start - w)
        if b0 > 0 and text.find(" ", b0, start) != -1:
            b0 = text.find(" ", b0, start) + 1
        a1 = min(len(text), end + w)
        if a1 < len(text) and text.rfind(" ", end, a1) != -1:
            a1 = text.rfind(" ", end, a1)
        parts = (("…" if b0 > 0 else "") + text[b0:start], text[start:end],
                 text[end:a1] + ("…" if a1 < len(text) else ""))
        return tuple(re.sub(r"\s+", " ", p) for p in parts)

    for start in range(0, len(text) + 1, 3):
        for end in (start, min(len(text), start + 1), min(len(text), start + 7)):
            for width in (4, 20, 60):
                assert snippet(text, start, end, width) == expected(text, start, end, width)


def test_only_the_space_is_printable_whitespace():
    """snippet() skips collapsing printable text without double spaces: that relies on this."""
    import sys

    assert [c for c in map(chr, range(sys.maxunicode + 1)) if c.isspace() and c.isprintable()] == [" "]


@pytest.mark.parametrize("fields", [
    {},
    {"message": 'quote " backslash \\ tab \t nul \x00 line-sep \u2028 emoji 😀', "span": "重庆"},
    {"location": None},
    {"suggestion": "", "rule": "", "fingerprint": ""},
])
def test_issue_line_is_what_the_json_encoder_writes(fields):
    from dataclasses import replace

    from termbase.qa.base import Issue
    from termbase.reports.json_report import _ENCODE, _issue_dict, issue_line

    pair = SegmentPair(3, "重庆市人民政府外事办公室", 'The "Foreign Affairs"  Office\tof Chongqing', "d:4")
    issue = replace(Issue("term-missing", "error", 3, "d:4", "target", 4, 19, "Foreign Affairs",
                          "a message", "a suggestion", "term-missing", "abc123"), **fields)
    for p in (pair, None):
        line = issue_line(issue, p)
        assert line == _ENCODE(_issue_dict(issue, p))
        assert json.loads(line)["message"] == issue.message


def test_issue_lines_with_repeated_strings_kept_few(monkeypatch):
    """The encoded strings issues repeat are kept (at most MOST of them): lines stay exact."""
    from dataclasses import replace

    from termbase.qa.base import Issue
    from termbase.reports import json_report
    from termbase.reports.json_report import _ENCODE, _issue_dict, issue_line

    monkeypatch.setattr(json_report._EncodedStrings, "MOST", 5)
    monkeypatch.setattr(json_report, "_REPEATED", json_report._EncodedStrings())
    pair = SegmentPair(3, "重庆市人民政府外事办公室", "The Foreign Affairs Office of Chongqing", "d:4")
    base = Issue("term-missing", "error", 3, "d:4", "target", 4, 19, "Foreign Affairs",
                 "a message", "a suggestion", "term-missing", "abc123")
    issues = [replace(base, message=f"message {k % 4}", location=f"d:{k}") for k in range(12)]
    issues += [replace(base, location=7), replace(base, suggestion=None), base, base]
    for issue in issues:
        assert issue_line(issue, pair) == _ENCODE(_issue_dict(issue, pair))
        assert len(json_report._REPEATED) <= 5
    assert json_report._REPEATED, "strings were kept"


def test_summary_counts_follow_the_issues_the_report_holds():
    # the counts are kept between summaries, but never outlive a change of the issues
    from termbase.qa.base import Issue
    from termbase.qa.runner import CheckReport

    a = Issue("term-missing", "error", 0, "x:1", "source", 0, 1, "s", "m")
    b = Issue("typography", "warning", 0, "x:1", "target", 0, 1, "s", "m", rule="missing-space")
    report = CheckReport([], [a, b], ["term-missing", "typography"])
    assert report.summary()["by_check"] == {"term-missing": 1, "typography": 1}
    report.issues.append(a)
    assert report.summary()["by_check"] == {"term-missing": 2, "typography": 1}
    report.issues[0] = b
    assert report.summary()["by_severity"] == {"error": 1, "warning": 2, "info": 0}
    report.issues = [b]
    assert report.summary()["by_rule"] == {"missing-space": 1}
    report.by_check()["typography"] = 5  # a caller's change to what it was given
    assert report.by_check()["typography"] == 1

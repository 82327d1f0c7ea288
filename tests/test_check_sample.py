"""The real yearbook page, read as a mixed bilingual document, checked with the bundled glossary."""
from __future__ import annotations

import pytest

from termbase.aligned import read_aligned
from termbase.glossary import load_glossary
from termbase.qa import run_checks


@pytest.fixture(scope="module")
def report(request):
    from pathlib import Path

    root = Path(__file__).resolve().parent
    pairs = read_aligned(root / "data" / "chongqing-yearbook-page.txt")
    return run_checks(pairs, load_glossary(root.parent / "glossary.csv"))


def test_lost_apostrophes_found(report):
    spans = [i.span for i in report.issues if i.rule == "lost-apostrophe"]
    assert "Chinas" in spans
    assert spans.count("Chongqings") >= 3


def test_foreign_affairs_office_without_office_found(report):
    hits = [i for i in report.issues if i.span == "Foreign Affairs of Chongqing Municipal Government"
            and i.check in ("term-forbidden", "term-variant")]
    assert len(hits) == 2  # in the contest paragraph and in the media paragraph
    assert all("Foreign Affairs Office of Chongqing Municipal Government" in i.suggestion for i in hits)


def test_missing_spaces_found(report):
    spans = {i.span for i in report.issues if i.rule == "missing-space"}
    assert {"China,Chongqing", "Mr.Jess", "expressions.Focusing", "30%compared"} <= spans


def test_correct_numbers_not_flagged(report):
    numbers = [i for i in report.issues if i.check == "number-mismatch"]
    flagged = {i.span for i in numbers}
    assert not flagged & {"500万", "5 million", "30", "30%", "140", "Over 140", "二十", "20th"}
    # the only number the English really leaves out: 各15名优秀选手入围决赛
    assert flagged <= {"15"}


def test_no_false_positives_on_names_and_decimals(report):
    spans = {i.span for i in report.issues if i.check == "typography"}
    assert not any("SAR" in s for s in spans)
    assert "Hong Kong SAR" not in {i.span for i in report.issues}

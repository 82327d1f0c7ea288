"""The number-mismatch check (the numbers model itself: tests/test_numbers.py)."""
from __future__ import annotations

import pytest

from termbase.aligned import SegmentPair
from termbase.qa import run_checks


def check(source, target):
    return run_checks([SegmentPair(0, source, target, "n:1")], None, only=["number-mismatch"]).issues


@pytest.mark.parametrize("source,target", [
    ("浏览量突破500万。", "with over 5 million views."),
    ("浏览量突破500万。", "with 5,000,000 views."),
    ("增长30%。", "increased by 30%compared with last year."),
    ("发布英文信息140余篇。", "Over 140 English posts were published."),
    ("学习党的二十大精神。", "studying the guidelines of the 20th CPC National Congress."),
    ("三大主题。", "With three themes."),
    ("2023年3月", "March 2023"),
    ("二十个国家。", "20 countries."),
])
def test_equal_numbers_are_not_flagged(source, target):
    assert check(source, target) == []


@pytest.mark.parametrize("source,target,side,span", [
    ("浏览量突破500万。", "with over 50 million views.", "source", "500万"),
    ("各15名选手。", "The finalists.", "source", "15"),
    ("增长30%。", "increased by 40%.", "target", "40%"),
    ("二十个国家。", "30 countries.", "target", "30"),
])
def test_different_numbers_are_flagged(source, target, side, span):
    found = check(source, target)
    assert any(i.side == side and i.span == span and i.severity == "error" for i in found)


def check_doc(pairs):
    return run_checks([SegmentPair(i, s, t, f"n:{i + 1}") for i, (s, t) in enumerate(pairs)], None,
                      only=["number-mismatch"]).issues


def test_a_year_the_english_adds_is_checked_against_the_document_year():
    pairs = [("本年物价上涨0.37%。", "prices rose 0.37% for the year 2009."),
             ("去年11月失业率升至4.64%。", "unemployment reached 4.64% in November 2008."),
             ("本年出口下降。", "Exports fell in 2019.")]
    found = check_doc(pairs)
    assert [(i.segment, i.span) for i in found] == [(2, "2019")]


def test_roc_years_and_basis_points_of_a_taiwanese_release():
    found = check_doc([("各調降0.5個百分點，自本（1）月8日起實施，創93年9月以來新高。",
                        "lower by 50 basis points, effective from January 8, highest since September 2004.")])
    assert found == []


def test_a_changed_list_number_is_reported():
    found = check_doc([("（二）出口成長率持續衰退", "3. Exports declined further")])
    assert [i.span for i in found] == ["3."]

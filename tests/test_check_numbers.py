"""Number normalisation (Chinese and English forms) and the number-mismatch check."""
from __future__ import annotations

import pytest

from termbase.aligned import SegmentPair
from termbase.qa import run_checks
from termbase.qa.numerals import en_numbers, parse_zh_numeral, zh_numbers


@pytest.mark.parametrize("numeral,value", [
    ("二十", 20), ("十五", 15), ("一百四十", 140), ("一百零五", 105), ("三千五百万", 35_000_000),
    ("一万二千", 12_000), ("两亿", 200_000_000), ("二〇二三", 2023), ("三", 3),
    ("一五一十", None), ("万一", None), ("百", None),
])
def test_parse_zh_numeral(numeral, value):
    assert parse_zh_numeral(numeral) == value


@pytest.mark.parametrize("text,values", [
    ("浏览量突破500万", [5_000_000]), ("增长30%", [30]), ("140余篇", [140]), ("2023年", [2023]),
    ("党的二十大", [20]), ("1,200万", [12_000_000]), ("5.5亿", [550_000_000]),
    ("百分之三十", [30]), ("3月5日", [3, 5]), ("5G网络和COVID-19", []),
])
def test_zh_numbers(text, values):
    assert [n.value for n in zh_numbers(text) if n.strong] == values


@pytest.mark.parametrize("text,values", [
    ("over 5 million views", [5_000_000]), ("5,000,000 views", [5_000_000]),
    ("increased by 30%compared", [30]), ("Over 140 posts", [140]), ("the 20th CPC", [20]),
    ("5.5 billion", [5_500_000_000]), ("30 per cent", [30]), ("Release.6 issues", [6]),
    ("in 2023.The", [2023]), ("COVID-19 and 5G and G20", []),
])
def test_en_numbers(text, values):
    assert [n.value for n in en_numbers(text) if n.strong] == values


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

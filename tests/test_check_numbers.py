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
    # a reference the source makes by position (前項, 前款) is numbered in the English
    ("違反前項規定者，由主管機關取締。", "Upon a violation of Paragraph 1 of this Article, remedial action shall be taken."),
    ("二、銀行負責人或前款有利害關係者獨資經營之事業。",
     "2.An enterprise solely invested in by an interested party stipulated in Subparagraph 1 of this Article."),
])
def test_equal_numbers_are_not_flagged(source, target):
    assert check(source, target) == []


@pytest.mark.parametrize("source,target,side,span", [
    ("浏览量突破500万。", "with over 50 million views.", "source", "500万"),
    ("各15名选手。", "The finalists.", "source", "15"),
    ("增长30%。", "increased by 40%.", "target", "40%"),
    ("二十个国家。", "30 countries.", "target", "30"),
    # a numbered reference is still checked when the source numbers it too
    ("違反第二項規定者，由主管機關取締。", "Upon a violation of Paragraph 1, remedial action shall be taken.",
     "target", "1"),
    ("第 十一 章 地方制度", "Chapter XII. System of Local Government", "source", "第 十一"),
])
def test_different_numbers_are_flagged(source, target, side, span):
    found = check(source, target)
    assert any(i.side == side and i.span == span and i.severity == "error" for i in found)


@pytest.mark.parametrize("source,target", [
    ("十一　省慈善及公益事項。", "11. Provincial charitable and public welfare works; and"),
    ("二十  有關文化之古籍、古物及古蹟之保存。", "20. Preservation of ancient books and articles."),
    ("一、銀行負責人之配偶、三親等以內之血親。", "1.Spouse, relatives by blood within the third degree."),
])
def test_equal_list_labels_are_not_flagged(source, target):
    assert check(source, target) == []


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


def test_the_past_year_of_a_work_report_is_the_year_before():
    found = check_doc([("——2019年3月5日", "March 5, 2019"),
                       ("一、2018年工作回顾", "I. 2018 in Review"),
                       ("过去一年是全面贯彻党的十九大精神开局之年。", "The year 2018 was the first year for putting the guiding "
                        "principles of the 19th National Congress into effect.")])
    assert found == []


@pytest.mark.parametrize("pairs,found", [
    # no other segment votes for the document's year: a year its Chinese writes vouches for it
    ([("2019年9月", "September 2019"), ("今年是中华人民共和国成立70周年。", "The year 2019 marks the 70th anniversary.")],
     []),
    ([("2019年9月", "September 2019"), ("今年是中华人民共和国成立70周年。", "The year 2049 marks the 70th anniversary.")],
     [(1, "2049")]),
    ([("——2019年3月5日", "March 5, 2019"), ("一、2018年工作回顾", "I. 2018 in Review"),
      ("过去一年是全面贯彻党的十九大精神开局之年。", "The year 2019 was the first year of the 19th Congress.")],
     [(2, "2019")]),
])
def test_an_implicit_year_is_checked_against_the_years_the_chinese_writes(pairs, found):
    assert [(i.segment, i.span) for i in check_doc(pairs)] == found


@pytest.mark.parametrize("source,target,span", [
    ("（二）出口成長率持續衰退", "3. Exports declined further", "3."),
    # a label the database writes with a space (一　外交), and "2.Spouse" with none
    ("一　外交。", "8. Foreign affairs;", "8."),
    ("一、銀行負責人之配偶、三親等以內之血親。", "2.Spouse, relatives by blood within the third degree.", "2."),
    ("二、中国的发展是世界的机遇", "III. China’s Development Is an Opportunity for the World", "III."),
])
def test_a_changed_list_number_is_reported_roman_too(source, target, span):
    assert [i.span for i in check_doc([(source, target)])] == [span]


def test_a_changed_list_number_is_reported():
    found = check_doc([("（二）出口成長率持續衰退", "3. Exports declined further")])
    assert [i.span for i in found] == ["3."]

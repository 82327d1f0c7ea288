"""Chinese term matching: longest match, normalisation, jieba word boundaries."""
from __future__ import annotations

import pytest

from termbase.compiled import compiled_from_glossary
from termbase.glossary import load_glossary, parse_glossary
from termbase.zh_match import ZhMatcher, find_terms, line_col

GLOSSARY_CSV = """zh,en
重庆,Chongqing
重庆日报,Chongqing Daily
日报,daily
党的二十大|二十大,20th CPC National Congress
平台,platform
和平,peace
华龙网,Huanglong Newsnet
TALK IN 重庆,TALK IN Chongqing
一带一路,Belt and Road Initiative
国际友城,sister city
"""


@pytest.fixture(scope="module")
def glossary():
    g, problems = parse_glossary(GLOSSARY_CSV)
    assert problems == []
    return g


@pytest.mark.parametrize("text, expected", [
    ("重庆日报报道", [("重庆日报", "Chongqing Daily")]),                  # nested: longest wins
    ("重庆和重庆日报", [("重庆", "Chongqing"), ("重庆日报", "Chongqing Daily")]),
    ("黨的二十大", [("黨的二十大", "20th CPC National Congress")]),       # Traditional
    ("学习二十大精神", [("二十大", "20th CPC National Congress")]),        # synonym
    ("一帶一路倡議", [("一帶一路", "Belt and Road Initiative")]),
    ("ＴＡＬＫ　ＩＮ　重慶比赛", [("ＴＡＬＫ　ＩＮ　重慶", "TALK IN Chongqing")]),  # full-width
    ("“TALK IN 重庆”外语演讲", [("TALK IN 重庆", "TALK IN Chongqing")]),
    ("我们在和平台上合作", [("和平", "peace")]),                           # 平台 cuts 和平|台上
    ("在平台上发布", [("平台", "platform")]),
    ("联合华龙网主办", [("华龙网", "Huanglong Newsnet")]),
    ("没有术语的句子。", []),
    ("", []),
])
def test_find_terms(glossary, text, expected):
    found = [(m.matched, m.english) for m in find_terms(text, glossary)]
    assert found == expected


def test_spans_are_in_original_text(glossary):
    text = "前言\n黨的二十大和重庆日报"
    ms = find_terms(text, glossary)
    assert [(text[m.start:m.end]) for m in ms] == ["黨的二十大", "重庆日报"]
    assert line_col(text, ms[0].start) == (2, 1)
    assert line_col(text, ms[1].start) == (2, 7)
    assert ms[0].variant == "党的二十大" and ms[0].entry.term == "党的二十大"


def test_no_overlaps_and_in_order(glossary):
    text = "重庆日报日报重庆重庆日报"
    ms = find_terms(text, glossary)
    assert all(a.end <= b.start for a, b in zip(ms, ms[1:]))
    assert [m.matched for m in ms] == ["重庆日报", "日报", "重庆", "重庆日报"]


def test_boundary_check_can_be_turned_off(glossary):
    text = "我们在和平台上合作"
    loose = [m.matched for m in find_terms(text, glossary, boundary_check=False)]
    assert loose == ["和平"]  # longest-leftmost still prefers 和平
    only_platform, _ = parse_glossary("zh,en\n平台,platform\n")
    assert [m.matched for m in find_terms(text, only_platform)] == []
    assert [m.matched for m in find_terms(text, only_platform, boundary_check=False)] == ["平台"]


def test_term_inside_compound_word_is_kept():
    g, _ = parse_glossary("zh,en\n重庆,Chongqing\n")
    # jieba has 重庆市政府 as one word; 重庆 lies inside it, it does not cut through it
    assert [m.matched for m in find_terms("重庆市政府发布", g)] == ["重庆"]


def test_latin_term_respects_word_boundaries():
    g, _ = parse_glossary("zh,en\nCPC,CPC\n")
    assert find_terms("CPCS 和 XCPC", g) == []
    assert [m.matched for m in find_terms("CPC中央", g)] == ["CPC"]


def test_sample_page_official_phrases(bundled_glossary, sample_page):
    g = load_glossary(bundled_glossary)
    text = sample_page.read_text(encoding="utf-8")
    found = {m.entry.term: m.english for m in find_terms(text, g)}
    assert found["华龙网"] == "Huanglong Newsnet"
    assert found["外国使领馆官员话重庆"] == "Chongqing in the Eyes of Foreign Consuls"
    assert found["党的二十大精神"].startswith("guiding principles of the 20th CPC National Congress")
    assert found["重庆日报"] == "Chongqing Daily"
    assert found["国际友城"] == "sister city"
    assert found["港澳同胞"].startswith("compatriots from Hong Kong")
    assert len(found) >= 40


def test_matcher_without_terms():
    assert ZhMatcher([]).find("重庆") == []


def test_glossary_terms_become_words_of_the_segmenter():
    # jieba alone cuts 提升|城市形象: the term is found only because the matcher's segmenter
    # learns the glossary terms around each candidate
    g, _ = parse_glossary("zh,en\n提升城市,improve the city's\n")
    assert [m.matched for m in find_terms("提升城市形象美誉度", g)] == ["提升城市"]
    import jieba

    assert "提升城市" not in jieba.dt.FREQ  # jieba's global tokenizer is untouched


def test_results_do_not_depend_on_the_order_texts_are_seen(glossary):
    texts = ["我们在和平台上合作", "重庆日报报道了华龙网", "在平台上发布和平倡议", "重庆和平台"]
    first, second = ZhMatcher(glossary), ZhMatcher(glossary)
    forward = {t: [(m.start, m.end) for m in first.find(t)] for t in texts}
    backward = {t: [(m.start, m.end) for m in second.find(t)] for t in reversed(texts)}
    assert forward == backward


@pytest.mark.parametrize("text, expected", [
    ("重庆日报渝", [(0, (4, 2)), (2, (2,)), (4, (1,))]),  # overlaps kept, longest first
    ("重庆日", [(0, (2,))]),                                # 重庆日报 runs past the end
    ("渝", [(0, (1,))]),                                    # one-character term
    ("", []),
])
def test_candidates(text, expected):
    g, _ = parse_glossary("zh,en\n重庆,Chongqing\n重庆日报,Chongqing Daily\n日报,daily\n渝,Chongqing\n")
    assert ZhMatcher(g).candidates(text) == expected


@pytest.mark.parametrize("text, expected", [
    ("重庆日报渝重", [(0, (4, 2, 1)), (2, (2,)), (3, (1,)), (4, (1,)), (5, (1,))]),
    ("重", [(0, (1,))]),
    ("报重庆", [(0, (1,)), (1, (2, 1))]),
    ("重重庆报", [(0, (1,)), (1, (2, 1)), (3, (1,))]),
    ("重庆日", [(0, (2, 1))]),
])
def test_candidates_with_one_character_terms_that_begin_longer_ones(text, expected):
    g, _ = parse_glossary("zh,en\n重庆,Chongqing\n重庆日报,Chongqing Daily\n日报,daily\n"
                          "渝,Chongqing\n重,heavy\n报,report\n")
    assert ZhMatcher(g).candidates(text) == expected
    assert compiled_from_glossary(g).zh_matcher().candidates(text) == expected


def test_matcher_cache_keeps_only_the_last_glossaries():
    from termbase import zh_match

    glossaries = [parse_glossary(f"zh,en\n重庆{i},Chongqing {i}\n")[0] for i in range(6)]
    first = zh_match.matcher_for(glossaries[0])
    assert zh_match.matcher_for(glossaries[0]) is first  # cached
    for g in glossaries[1:]:
        zh_match.matcher_for(g)
    assert len(zh_match._MATCHERS) <= zh_match._MAX_MATCHERS
    assert zh_match.matcher_for(glossaries[0]) is not first  # evicted, rebuilt
    assert [m.matched for m in zh_match.matcher_for(glossaries[5]).find("在重庆5")] == ["重庆5"]

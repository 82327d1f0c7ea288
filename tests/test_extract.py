"""Term extraction from aligned bilingual documents."""
from __future__ import annotations

import pytest
from click.testing import CliRunner

from cli import main
from termbase.aligned import SegmentPair, read_aligned
from termbase.extract import (align_segment, en_candidates, extract_candidates, heading_pairs,
                              zh_candidates)
from termbase.glossary import load_glossary, parse_glossary

SMALL = "zh,en\n重庆,Chongqing\n党的二十大,20th CPC National Congress\n"


@pytest.fixture
def small_glossary(tmp_path):
    p = tmp_path / "small.csv"
    p.write_text(SMALL, encoding="utf-8")
    return p


def test_sample_page_top_30_has_the_names_and_titles(sample_page, small_glossary):
    found = extract_candidates(read_aligned(sample_page), load_glossary(small_glossary))
    top = [(c.zh, c.en) for c in found[:30]]
    assert ("华龙网", "Huanglong Newsnet") in top
    assert ("外国使领馆官员话重庆", "Chongqing in the Eyes of Foreign Consuls") in top
    assert ("外国友人讲重庆故事", "Chongqing Stories from Foreign Friends") in top
    assert all(c.aligned >= 1 and c.score > 0 for c in found)
    assert [c.score for c in found] == sorted((c.score for c in found), reverse=True)


def test_sample_page_names_pair_despite_reordering_and_junk_is_gone(sample_page, small_glossary):
    found = extract_candidates(read_aligned(sample_page), load_glossary(small_glossary))
    top = [(c.zh, c.en) for c in found[:30]]
    for pair in [("施雅德", "Jess Seade Kuri"), ("包适", "Huub Buise"), ("荷兰", "Netherlands"),
                 ("重庆外事微信公众号", "Chongqing Foreign Affairs Wechat Public Account"),
                 ("重庆日报", "Chongqing Daily"), ("讲好重庆故事", "Telling Good Stories of Chongqing")]:
        assert pair in top
    zh = {c.zh for c in found}
    assert not zh & {"好重庆故事", "媒市媒矩阵式", "雅德", "二十大", "重庆外事微信公众"}


def test_known_glossary_entries_are_left_out(sample_page, tmp_path):
    g = tmp_path / "g.csv"
    g.write_text(SMALL + "华龙网,Huanglong Newsnet\n外国使领馆官员话重庆,"
                 "Chongqing in the Eyes of Foreign Consuls\n", encoding="utf-8")
    found = extract_candidates(read_aligned(sample_page), load_glossary(g))
    assert not any(c.zh in ("华龙网", "外国使领馆官员话重庆", "重庆") for c in found)
    assert not any(c.en in ("Huanglong Newsnet", "Chongqing") for c in found)


@pytest.mark.parametrize("text,expected", [
    ("The Ministry of Foreign Affairs met Xinhua News Agency.",
     ["Ministry of Foreign Affairs", "Xinhua News Agency"]),
    ("It joined the“Belt and Road Forum”in Beijing.", ["Belt and Road Forum", "Beijing"]),
    ("We met Mr.Jess Seade Kuri,the ambassador.", ["Jess Seade Kuri"]),
    ("Over 140 English posts were published.", ["English"]),
    ("the 20th CPC National Congress opened", ["20th CPC National Congress"]),
])
def test_english_candidates(text, expected):
    assert [s.text for s in en_candidates(text)] == expected


@pytest.mark.parametrize("text,expected,absent", [
    ("栏目《中国故事》编发6期", ["中国故事"], []),
    ("联合华龙网主办外语演讲大赛", ["华龙网", "外语演讲大赛"], ["联合", "主办"]),
    ("专访「一带一路」专家", ["一带一路"], ["的"]),
])
def test_chinese_candidates(text, expected, absent):
    got = [s.text for s in zh_candidates(text)]
    for e in expected:
        assert e in got
    for a in absent:
        assert a not in got


def test_quoted_titles_align_in_order_even_when_counts_differ():
    zh = ("文章提到“甲乙丙”运动,栏目“北京往事回忆录”和“上海人物访谈录”各出版两期,"
          "最后说到“丁戊”。")
    en = ("The article mentioned the campaign; the columns“Memories of Old Beijing”and"
          "“Interviews with Shanghai People”each published two issues, and it ended there.")
    pairs = [(z.text, e.text) for z, e, _ in align_segment(zh, en) if z.quoted]
    assert pairs == [("北京往事回忆录", "Memories of Old Beijing"),
                     ("上海人物访谈录", "Interviews with Shanghai People")]


def test_glossary_anchor_vetoes_a_pair_that_contradicts_it():
    g, _ = parse_glossary("zh,en\n北京,Beijing\n", "g.csv")
    zh = "联合华龙网在北京日报发文"
    en = "It worked with Huanglong Newsnet on Beijing Daily"
    got = {(z.text, e.text) for z, e, _ in align_segment(zh, en, g)}
    assert ("华龙网", "Beijing Daily") not in got
    assert ("北京日报", "Beijing Daily") in got


def test_repeated_segments_count_once():
    p = SegmentPair(0, "联合华龙网主办", "cooperating with Huanglong Newsnet")
    one = extract_candidates([p])
    two = extract_candidates([p, SegmentPair(1, p.source, p.target)])
    assert [(c.zh, c.en, c.aligned) for c in one] == [(c.zh, c.en, c.aligned) for c in two]
    assert ("华龙网", "Huanglong Newsnet", 1) in [(c.zh, c.en, c.aligned) for c in one]


def test_cli_extract_csv_is_ready_for_import_merge(sample_page, small_glossary, tmp_path):
    runner = CliRunner()
    out = tmp_path / "candidates.csv"
    res = runner.invoke(main, ["--glossary", str(small_glossary), "terms", "extract",
                               str(sample_page), "-o", str(out), "--limit", "30"])
    assert res.exit_code == 0, res.output
    rows = out.read_text(encoding="utf-8").splitlines()
    assert rows[0] == "zh,en,forbidden,case_sensitive,note,source"
    assert 10 < len(rows) <= 31 and any(r.startswith("华龙网,Huanglong Newsnet,") for r in rows)
    res = runner.invoke(main, ["--glossary", str(small_glossary), "terms", "import", str(out),
                               "--merge"])
    assert res.exit_code == 0, res.output
    merged = load_glossary(small_glossary)
    assert merged.get("华龙网").en == ("Huanglong Newsnet",)
    assert "candidate: score" in merged.get("华龙网").note
    res = runner.invoke(main, ["--glossary", str(small_glossary), "terms", "extract",
                               str(sample_page), "-o", str(out)])
    assert res.exit_code == 2 and "--force" in res.output
    res = runner.invoke(main, ["--glossary", str(small_glossary), "terms", "extract",
                               str(sample_page)])
    assert res.exit_code == 0 and "华龙网" not in res.stdout  # now known, left out


def test_cli_extract_refuses_bad_input(tmp_path, small_glossary):
    p = tmp_path / "empty.txt"
    p.write_bytes(b"")
    res = CliRunner().invoke(main, ["--glossary", str(small_glossary), "terms", "extract",
                                    str(p)])
    assert res.exit_code == 2 and "Traceback" not in res.output


@pytest.mark.parametrize("text,known,expected,absent", [
    # candidates start and end on jieba word boundaries (讲好 is one word)
    ("对外讲好重庆故事", [], [], ["好重庆故事"]),
    # surname + given name tokens are one name; no fragment of it
    ("专访墨西哥驻华大使施雅德", [], ["施雅德", "墨西哥"], ["雅德"]),
    # an institution suffix (号, 网, 社…) ends a name even as a separate word
    ("重庆外事微信公众号新增关注", [], ["重庆外事微信公众号"], ["外事微信公众号新增"]),
    # a single-character verb (驻) breaks a term
    ("荷兰驻重庆总领事", [], ["荷兰"], ["荷兰驻重庆"]),
    # no fragments of, or spans across, a known glossary term
    ("学习党的二十大精神", [(2, 7)], [], ["二十大", "二十大精神"]),
])
def test_chinese_candidate_boundaries(text, known, expected, absent):
    got = [s.text for s in zh_candidates(text, known)]
    for e in expected:
        assert e in got
    for a in absent:
        assert a not in got


def test_possessive_without_apostrophe_reads_as_the_name():
    got = [s.text for s in en_candidates("It showed Chinas visions, and China agreed.")]
    assert got == ["China", "China"]
    assert [s.text for s in en_candidates("It showed Chinas visions.", {"Texas"})] == ["Chinas"]


@pytest.mark.parametrize("zh,en,expected", [
    ("讲好北京故事 提升城市形象", "Telling Good Stories of Beijing to Improve City Image",
     [("讲好北京故事", "Telling Good Stories of Beijing"), ("提升城市形象", "Improve City Image")]),
    ("全力做好宣传工作", "Fully Carrying out Domestic Promotion Work",
     [("全力做好宣传工作", "Fully Carrying out Domestic Promotion Work")]),
    ("今年全力做好宣传工作。", "This year we did promotion work well.", []),
])
def test_heading_pairs(zh, en, expected):
    assert [(z.text, e.text) for z, e in heading_pairs(zh, en)] == expected


@pytest.mark.parametrize("zh,en,pairs,absent", [
    # institution suffixes pair with English head words even when the order is reversed
    ("新华社、华龙网转发了这段视频", "Huanglong Newsnet, Xinhua Agency reposted the video.",
     [("新华社", "Xinhua Agency"), ("华龙网", "Huanglong Newsnet")],
     [("新华社", "Huanglong Newsnet")]),
    # names keep their order when the two orders cost about the same
    ("专访大使施雅德、总领事包适等", "He met Jess Seade Kuri, then Huub Buise.",
     [("施雅德", "Jess Seade Kuri"), ("包适", "Huub Buise")], []),
    # common words are not rendered as a capitalised name
    ("全网热搜推荐", "Absent Heroes went viral online", [], [("全网", "Absent Heroes")]),
])
def test_pair_cues(zh, en, pairs, absent):
    got = {(z.text, e.text) for z, e, _ in align_segment(zh, en)}
    for p in pairs:
        assert p in got
    for a in absent:
        assert a not in got


def test_glossary_anchors_inside_candidates_beat_position():
    g, _ = parse_glossary("zh,en\n北京,Beijing\n上海,Shanghai\n", "g.csv")
    zh = "北京日报和上海日报都报道了"
    en = "It was reported by Shanghai Daily, then by Beijing Daily"
    got = {(z.text, e.text) for z, e, _ in align_segment(zh, en, g)}
    assert got == {("北京日报", "Beijing Daily"), ("上海日报", "Shanghai Daily")}
    assert {(z.text, e.text) for z, e, _ in align_segment(zh, en)} != got  # position alone


def test_quoted_titles_are_anchors_for_the_names_around_them():
    zh = "新华社报道了“北京往事回忆录”的出版"
    en = "“Memories of Old Beijing”was published, as reported by Xinhua Agency"
    got = {(z.text, e.text) for z, e, _ in align_segment(zh, en)}
    assert ("北京往事回忆录", "Memories of Old Beijing") in got
    # a link across a linked title is refused: names stay on their side of it
    assert ("新华社", "Xinhua Agency") not in got
    got = {(z.text, e.text) for z, e, _ in align_segment("“北京往事回忆录”的出版由新华社报道", en)}
    assert ("新华社", "Xinhua Agency") in got


def test_min_score_drops_weak_pairs(sample_page, small_glossary):
    g = load_glossary(small_glossary)
    loose = extract_candidates(read_aligned(sample_page), g, min_score=0.0)
    strict = extract_candidates(read_aligned(sample_page), g, min_score=1.5)
    assert strict and len(strict) < len(loose)
    assert all(c.score > 1.5 for c in strict)
    res = CliRunner().invoke(main, ["--glossary", str(small_glossary), "terms", "extract",
                                    str(sample_page), "--min-score", "1.5"])
    assert res.exit_code == 0, res.output
    assert len([l for l in res.stdout.splitlines() if "→" in l]) == len(strict)

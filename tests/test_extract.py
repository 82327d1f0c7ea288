"""Term extraction from aligned bilingual documents."""
from __future__ import annotations

import pytest
from click.testing import CliRunner

from cli import main
from termbase.aligned import SegmentPair, read_aligned
from termbase.extract import align_segment, en_candidates, extract_candidates, zh_candidates
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

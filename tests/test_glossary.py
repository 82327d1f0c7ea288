"""Loading, validating and extending glossaries."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from termbase.errors import GlossaryError
from termbase.glossary import (Glossary, add_entry, bundled_glossary_path, load_glossary,
                               parse_glossary, serialize_glossary, validate_glossary)

DATA = Path(__file__).parent / "data" / "glossaries"


def test_bundled_glossary_is_valid_and_large(bundled_glossary):
    assert validate_glossary(bundled_glossary) == []
    g = load_glossary(bundled_glossary)
    assert len(g) >= 80
    assert all(e.source for e in g), "every entry notes its source"


@pytest.mark.parametrize("zh, preferred", [
    ("党的二十大", "20th CPC National Congress"),
    ("二十大", "20th CPC National Congress"),
    ("华龙网", "Huanglong Newsnet"),
    ("重庆日报", "Chongqing Daily"),
    ("外国使领馆官员话重庆", "Chongqing in the Eyes of Foreign Consuls"),
    ("一带一路", "Belt and Road Initiative"),
    ("重庆市人民政府外事办公室", "Foreign Affairs Office of Chongqing Municipal Government"),
    ("國際友城", "sister city"),
])
def test_bundled_glossary_official_renderings(bundled_glossary, zh, preferred):
    entry = load_glossary(bundled_glossary).get(zh)
    assert entry is not None and entry.preferred == preferred


def test_forbidden_renderings_are_carried(bundled_glossary):
    g = load_glossary(bundled_glossary)
    assert "CCP" in g.get("中国共产党").forbidden
    assert "Foreign Affairs of Chongqing Municipal Government" in g.get("重庆市外办").forbidden


def test_bundled_path_found_from_another_directory(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert bundled_glossary_path().is_file()


def test_bundled_path_found_in_installed_data_dir(tmp_path, monkeypatch):
    """After a plain ``pip install .`` the glossary lives in <prefix>/share/termtrans."""
    import termbase.glossary as mod

    share = tmp_path / "share" / "termtrans"
    share.mkdir(parents=True)
    (share / "glossary.csv").write_text("zh,en\n重庆,Chongqing\n", encoding="utf-8")
    fake_pkg = tmp_path / "site-packages" / "termbase" / "glossary.py"
    monkeypatch.setattr(mod, "__file__", str(fake_pkg))
    monkeypatch.setattr(mod.sys, "prefix", str(tmp_path))
    assert bundled_glossary_path() == share / "glossary.csv"


def test_two_column_glossary():
    g = load_glossary(DATA / "two_columns.csv")
    assert len(g) == 1 and g.get("重庆").preferred == "Chongqing"
    assert g.get("重庆").forbidden == () and g.get("重庆").case_sensitive is False


def test_bom_and_crlf():
    g = load_glossary(DATA / "bom_crlf.csv")
    assert [e.term for e in g] == ["重庆", "华龙网"]
    e = g.get("华龙网")
    assert e.note == "news site, Chongqing" and e.forbidden == ("Huanglong News Net",)
    assert e.line == 3


@pytest.mark.parametrize("name, line, message", [
    ("no_header_four_columns.csv", 1, "expected a header naming zh and en columns"),
    ("wrong_columns.csv", 3, "3 columns expected, found 2"),
    ("gbk.csv", 2, "not valid UTF-8"),
    ("empty.csv", None, "file is empty"),
    ("binary.csv", None, "binary"),
    ("nul.csv", 3, "binary file"),
    ("conflict.csv", 4, "conflict: '重庆' is approved as 'Chongqing' on line 2"),
    ("bad_flag.csv", 2, "case_sensitive must be yes or no"),
    ("empty_field.csv", 2, "empty en field"),
])
def test_bad_glossaries_raise_one_line_errors(name, line, message):
    with pytest.raises(GlossaryError) as info:
        load_glossary(DATA / name)
    err = info.value
    assert message in str(err)
    assert "\n" not in str(err)
    assert str(err).startswith(str(DATA / name))
    if line is not None:
        assert err.line == line, str(err)


def test_two_columns_without_header_load_as_a_deepl_list():
    g = load_glossary(DATA / "no_header.csv")
    assert [(e.term, e.en) for e in g] == [("重庆", ("Chongqing",)),
                                           ("华龙网", ("Huanglong Newsnet",))]


def test_missing_glossary(tmp_path):
    with pytest.raises(GlossaryError, match="glossary not found"):
        load_glossary(tmp_path / "nope.csv")


def test_validate_reports_every_problem(tmp_path):
    p = tmp_path / "g.csv"
    p.write_text("zh,en,forbidden,case_sensitive\n"
                 "重庆,Chongqing,,no\n"
                 "重庆,Chongqing,,no\n"          # duplicate (warning)
                 "重慶,Chungking,,no\n"           # conflict via Traditional form
                 "华龙网,,,no\n"                  # empty en
                 "大公报,Ta Kung Pao,Ta Kung Pao,no\n"   # approved and forbidden
                 "联合早报,Lianhe Zaobao,,perhaps\n"     # bad flag
                 "一带一路,Belt and Road||BRI,,no\n",     # empty value
                 encoding="utf-8")
    problems = validate_glossary(p)
    text = [str(x) for x in problems]
    assert f"{p}:3: warning: duplicate of line 2 ('重庆')" in text
    assert any(t.startswith(f"{p}:4: conflict") for t in text)
    assert f"{p}:5: empty en field" in text
    assert f"{p}:6: 'Ta Kung Pao' is both approved and forbidden" in text
    assert any(t.startswith(f"{p}:7: case_sensitive must be yes or no") for t in text)
    assert f"{p}:8: empty value between '|' in en" in text


def test_duplicate_rows_load_keeping_first():
    g = load_glossary(DATA / "duplicate.csv")
    assert len(g) == 1


def test_synonyms_and_preferred():
    g, problems = parse_glossary("zh,en,forbidden\n"
                                 "党的二十大|二十大,20th CPC National Congress|20th National Congress "
                                 "of the Communist Party of China,CCP Congress\n")
    assert problems == []
    e = g.get("二十大")
    assert e.term == "党的二十大" and e.preferred == "20th CPC National Congress"
    assert len(e.en) == 2 and e.forbidden == ("CCP Congress",)


def test_serialize_round_trip(bundled_glossary):
    g = load_glossary(bundled_glossary)
    again, problems = parse_glossary(serialize_glossary(g))
    assert problems == []
    strip = lambda gl: [(e.zh, e.en, e.forbidden, e.case_sensitive, e.note, e.source) for e in gl]
    assert strip(again) == strip(g)


def test_glossary_hash_changes_with_content(tmp_path):
    a = tmp_path / "a.csv"
    a.write_text("zh,en\n重庆,Chongqing\n", encoding="utf-8")
    h1 = load_glossary(a).sha256
    a.write_text("zh,en\n重庆,Chongqing City\n", encoding="utf-8")
    assert load_glossary(a).sha256 != h1 and len(h1) == 64


class TestAddEntry:
    def test_appends_keeping_order_and_layout(self, tmp_path):
        p = tmp_path / "g.csv"
        shutil.copy(DATA / "bom_crlf.csv", p)
        before = p.read_bytes()
        entry = add_entry(p, "重庆日报", "Chongqing Daily", note="daily, official", source="test")
        after = p.read_bytes()
        assert after.startswith(before)
        assert after.endswith('重庆日报,Chongqing Daily,,no,"daily, official",test\r\n'.encode())
        assert after.startswith(b"\xef\xbb\xbf")
        assert entry.line == 4
        assert [e.term for e in load_glossary(p)] == ["重庆", "华龙网", "重庆日报"]

    @pytest.mark.parametrize("zh, en, message", [
        ("重庆", "Chongqing", "already in the glossary"),
        ("重慶", "Chungking", "conflicts with the glossary"),
        ("", "x", "empty Chinese term"),
        ("大公报", "", "empty English rendering"),
    ])
    def test_refuses(self, tmp_path, zh, en, message):
        p = tmp_path / "g.csv"
        shutil.copy(DATA / "bom_crlf.csv", p)
        before = p.read_bytes()
        with pytest.raises(GlossaryError, match=message):
            add_entry(p, zh, en)
        assert p.read_bytes() == before

    def test_refuses_field_the_file_cannot_hold(self, tmp_path):
        p = tmp_path / "g.csv"
        shutil.copy(DATA / "two_columns.csv", p)
        with pytest.raises(GlossaryError, match="no column for note"):
            add_entry(p, "大公报", "Ta Kung Pao", note="Hong Kong daily")
        add_entry(p, "大公报", "Ta Kung Pao")
        assert p.read_text(encoding="utf-8") == "zh,en\n重庆,Chongqing\n大公报,Ta Kung Pao\n"


def test_lookup_substring_both_languages(bundled_glossary):
    g = load_glossary(bundled_glossary)
    assert g.lookup("华龙网")[0].term == "华龙网"
    assert any(e.term == "重庆日报" for e in g.lookup("chongqing daily"))
    assert g.lookup("no such phrase anywhere") == []


def test_empty_glossary_object():
    assert len(Glossary([])) == 0

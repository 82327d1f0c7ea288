"""Files written by the real tools (tests/data/interop, see its README): each imports with its
content intact and exports back; our exports keep the structure those tools read.

Most of these files carry a ``<!DOCTYPE>`` (OmegaT's ``tmx11.dtd``, translate-toolkit's MARTIF
core, TBX-Basic v2): the XML guard accepts a DOCTYPE without entity declarations and never loads
its DTD, so they are read as the tools wrote them.
"""
from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from cli import main
from termbase.glossary import load_glossary
from termbase.interop import export_glossary, import_glossary
from termbase.interop.tbx import (TBX_V2_DOCTYPE, validate_tbx_basic, validate_tbx_basic_v2)
from termbase.xmlsafe import parse_xml

INTEROP = Path(__file__).resolve().parent / "data" / "interop"


def fields(entries):
    return [(e.zh, e.en, e.forbidden, e.case_sensitive, e.note, e.source, e.extras())
            for e in entries]


# ---- each tool's file imports with its content -----------------------------------------
def test_translate_toolkit_csv2tbx(tmp_path):
    result = import_glossary(INTEROP / "ttk-csv2tbx.tbx")
    assert [(e.term, e.preferred) for e in result.entries] == [
        ("华龙网", "Huanglong Newsnet"), ("重庆日报", "Chongqing Daily"),
        ("一带一路", "Belt and Road Initiative"),
        ("外国使领馆官员话重庆", "Chongqing in the Eyes of Foreign Consuls"),
        ("重庆市人民政府外事办公室",
         "Foreign Affairs Office of Chongqing Municipal People's Government")]
    # csv2tbx labels the Chinese side "en" and the English side "xx"
    assert any("no language section is marked zh (codes: en, xx)" in p.message
               for p in result.warnings)


@pytest.mark.parametrize("name", ["ttk-po2tmx.tmx", "omegat-level1.tmx", "omegat-level2.tmx"])
def test_tmx_from_translate_toolkit_and_omegat(tmp_path, name):
    entries = import_glossary(INTEROP / name).entries
    pairs = {e.term: e.en for e in entries}
    assert pairs["外国使领馆官员话重庆"] == ("Chongqing in the Eyes of Foreign Consuls",)
    assert pairs["推进“一带一路”建设。"] == ("Promote the Belt and Road Initiative.",)
    assert pairs["重庆日报报道了华龙网的系列活动。"] == (
        "Chongqing Daily reported on the series of events of Huanglong Newsnet.",)
    assert len(entries) == (4 if name.startswith("ttk") else 3)


def test_omegat_tmx_1_1_uses_lang_not_xml_lang():
    data = (INTEROP / "omegat-level1.tmx").read_bytes()
    assert b'<tmx version="1.1">' in data and b'<tuv lang="zh-CN">' in data
    assert b'<!DOCTYPE tmx SYSTEM "tmx11.dtd">' in data


def test_omegat_glossary_written_by_omegat():
    entries = import_glossary(INTEROP / "omegat-glossary.txt").entries
    assert [(e.zh, e.en, e.note) for e in entries[:2]] == [
        (("华龙网",), ("Huanglong Newsnet",), "official name of the news portal"),
        (("重庆日报",), ("Chongqing Daily",), "newspaper")]
    bri = entries[2]
    assert bri.en == ("Belt and Road Initiative", "BRI")  # two rows of one source
    assert bri.note == "acronym, second mention"


def test_multiterm_style_v2(tmp_path):
    path = INTEROP / "multiterm-style-v2.tbx"
    result = import_glossary(path)
    bri, hl, daily = result.entries
    assert bri.zh == ("一带一路", "一带一路倡议")  # standardizedTerm first, then admittedTerm
    assert bri.en == ("Belt and Road Initiative", "BRI")
    assert bri.forbidden == ("One Belt, One Road",)
    assert bri.subject == "Foreign affairs"
    assert bri.definition.startswith("China's initiative for infrastructure and trade "
                                     "cooperation along the Silk Road")
    assert "\n" not in bri.definition and "  " not in bri.definition
    assert bri.pos == "noun" and bri.source == "Xinhua style guide"
    assert bri.term_type == (("一带一路倡议", "fullForm"), ("BRI", "acronym"))
    assert bri.note == ("Belt and Road Initiative: context: Promote the Belt and Road Initiative.; "
                        "One Belt, One Road: Replaced in official translations since 2015.")
    assert hl.en == ("Huanglong Newsnet", "cqnews") and hl.forbidden == ("Huanglong News Net",)
    assert hl.xref == ("cqnews.net <https://www.cqnews.net/>",)
    assert daily.en == ("Chongqing Daily", "Chongqing Daily News")
    assert daily.forbidden == ("Chongqing Ribao",)
    [warning] = [p for p in result.warnings if "internalTerm" in p.message]
    text = (INTEROP / "multiterm-style-v2.tbx").read_text(encoding="utf-8").splitlines()
    line = next(i for i, t in enumerate(text, 1) if "internalTerm" in t)
    assert warning.line == line
    assert "kept as an admitted term" in warning.message


@pytest.mark.parametrize("name", ["ttk-csv2tbx.tbx", "ttk-po2tmx.tmx", "omegat-level1.tmx",
                                  "omegat-level2.tmx", "multiterm-style-v2.tbx"])
def test_tool_files_with_a_doctype_import_as_they_are(name):
    assert import_glossary(INTEROP / name).entries
    assert len(load_glossary(INTEROP / name)) > 0  # and serve as --glossary


# ---- and export back -------------------------------------------------------------------
_FIXTURES = ["ttk-csv2tbx.tbx", "ttk-po2tmx.tmx", "omegat-level1.tmx", "omegat-glossary.txt",
             "multiterm-style-v2.tbx", "termtrans-glossary.csv"]


@pytest.mark.parametrize("name", _FIXTURES)
@pytest.mark.parametrize("fmt,ext", [("tbx", ".tbx"), ("tbx-v2", ".tbx"), ("tmx", ".tmx"),
                                     ("csv", ".csv"), ("xlsx", ".xlsx")])
def test_each_tool_file_exports_back_and_reimports_the_same(tmp_path, name, fmt, ext):
    entries = import_glossary(INTEROP / name).entries
    out = tmp_path / f"back-{fmt}{ext}"
    export_glossary(entries, out, fmt)
    data = out.read_bytes()
    if fmt == "tbx":
        assert validate_tbx_basic(data, out) == []
    if fmt == "tbx-v2":
        assert data.splitlines()[1].decode() == TBX_V2_DOCTYPE
        assert validate_tbx_basic_v2(data, out) == []
    assert fields(import_glossary(out).entries) == fields(entries)


def test_termtrans_glossary_carries_every_column_and_a_formula_looking_note():
    g = load_glossary(INTEROP / "termtrans-glossary.csv")
    office = g.get("重庆市人民政府外事办公室")
    assert office.note == '=HYPERLINK("http://example.invalid") is not a formula'
    bri = g.get("一带一路")
    assert bri.definition_source == "State Council white paper 2023"
    assert bri.term_type == (("Belt and Road Initiative", "fullForm"), ("BRI", "acronym"))
    assert g.get("华龙网").xref == ("cqnews.net <https://www.cqnews.net/>",)


def test_tbx_v2_export_has_the_layout_translate_toolkit_and_omegat_read(tmp_path):
    out = tmp_path / "g.tbx"
    runner = CliRunner()
    res = runner.invoke(main, ["--glossary", str(INTEROP / "termtrans-glossary.csv"), "terms",
                               "export", str(out), "--format", "tbx-v2"])
    assert res.exit_code == 0, res.output
    data = out.read_bytes()
    head = data.decode("utf-8").splitlines()[:3]
    assert head == ['<?xml version="1.0" encoding="UTF-8"?>', TBX_V2_DOCTYPE,
                    '<martif type="TBX-Basic-V1" xml:lang="en">']
    root = parse_xml(data)
    # translate-toolkit reads <tig> only (not ntig); OmegaT's JAXB model wants the TBX v2 names
    assert root.findall(".//ntig") == [] and len(root.findall(".//tig")) == 17
    assert root.find("martifHeader/encodingDesc/p").text == "TBXBasicXCSV02.xcs"
    first = root.find("text/body/termEntry")
    assert [c.tag for c in first] == ["descrip", "descripGrp", "note", "admin", "xref",
                                      "langSet", "langSet"]
    tig = first.find("langSet[2]/tig[2]")
    assert [(c.tag, c.get("type"), c.text) for c in tig] == [
        ("term", None, "BRI"), ("termNote", "partOfSpeech", "noun"),
        ("termNote", "termType", "acronym"),
        ("termNote", "administrativeStatus", "admittedTerm-admn-sts")]


@pytest.mark.parametrize("old,new,problem", [
    ("<termEntry", "<termEntryX", "body child must be termEntry"),
    ('<termNote type="partOfSpeech">noun', '<termNote type="partOfSpeech">nounish',
     "partOfSpeech 'nounish'"),
    ("</term>\n            <termNote", "</term>\n            <note>x</note><termNote",
     "termNote after auxiliary information"),
])
def test_tbx_v2_validator_catches_broken_structure(tmp_path, old, new, problem):
    out = tmp_path / "g.tbx"
    export_glossary(load_glossary(INTEROP / "termtrans-glossary.csv"), out, "tbx-v2")
    text = out.read_bytes().decode("utf-8")
    assert old in text
    broken = text.replace(old, new, 1)
    if old == "<termEntry":
        broken = broken.replace("</termEntry>", "</termEntryX>", 1)
    found = validate_tbx_basic_v2(broken.encode("utf-8"))
    assert any(problem in p for p in found), found

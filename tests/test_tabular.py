"""One delimiter sniffer and one header reader for glossaries and bilingual documents;
spreadsheet-safe cells in every CSV we write."""
from __future__ import annotations

import csv
import io

import openpyxl
import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from cli import main
from termbase.aligned import read_aligned
from termbase.glossary import Entry, load_glossary, serialize_glossary
from termbase.interop import export_glossary, import_glossary
from termbase.tabular import (column_role, header_roles, neutralize_cell, restore_cell,
                              sniff_delimiter)


@pytest.mark.parametrize("name,text,expected", [
    ("g.csv", "zh,en\n重庆,Chongqing\n", ","),
    ("g.csv", "zh;en;note\n重庆;Chongqing;a, b\n华龙网;Huanglong Newsnet;x\n", ";"),
    ("g.csv", "zh\ten\n重庆\tChongqing, the city\n", "\t"),
    ("g.tsv", "重庆\tChongqing, the city\n华龙网\tHuanglong Newsnet\n", "\t"),
    ("g.txt", "重庆,Chongqing\n华龙网,Huanglong Newsnet\n", ","),
    ("g.tsv", '重庆\t"Chongqing\tMunicipality"\n', "\t"),
    ("-", "# comment, with; every\tdelimiter\nzh;en\n重庆;Chongqing\n", ";"),
    ("g.dat", 'zh,en,note\n重庆,Chongqing,"a; b; c"\n华龙网,Huanglong,"x; y"\n', ","),
    ("g.csv", "onlyonecolumn\n", ","),
])
def test_sniff_delimiter(name, text, expected):
    assert sniff_delimiter(text, name) == expected


@pytest.mark.parametrize("cell,kind,role", [
    ("中文", "glossary", "zh"), ("英文", "glossary", "en"), ("备注", "glossary", "note"),
    ("说明", "glossary", "note"), ("源", "glossary", "zh"), ("目标", "glossary", "en"),
    ("来源", "glossary", "source"), ("禁用译法", "glossary", "forbidden"),
    ("中文（简体）", "glossary", "zh"), ("English (United States)", "glossary", "en"),
    ("zh-Hans-CN", "glossary", "zh"), ("EN_GB", "glossary", "en"), ("Entry_Subject", "glossary",
                                                                      "subject"),
    ("词性", "glossary", "pos"), ("定义", "glossary", "definition"), ("source", "glossary",
                                                                       "source"),
    ("source", "document", "zh"), ("target", "document", "en"), ("原文", "document", "zh"),
    ("译文", "document", "en"), ("编号", "document", "id"), ("fr", "glossary", None),
    ("重庆", "glossary", None),
])
def test_column_role(cell, kind, role):
    assert column_role(cell, kind) == role


@pytest.mark.parametrize("row,roles", [
    (["中文", "英文", "备注"], ["zh", "en", "note"]),
    (["source", "target", "comment"], ["zh", "en", "note"]),
    (["重庆", "Chongqing"], None),
    (["zh", "note"], None),
])
def test_header_roles(row, roles):
    assert header_roles(row, "glossary") == roles


@pytest.mark.parametrize("value,written", [
    ("=1+1", "'=1+1"), ("+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0"), ("-5", "'-5"),
    ("@SUM(A1)", "'@SUM(A1)"), ("\tx", "'\tx"), ("\rx", "'\rx"), ("'=x", "''=x"),
    ("plain", "plain"), ("'s-Hertogenbosch", "'s-Hertogenbosch"), ("a=b", "a=b"), ("", ""),
])
def test_formula_triggers_are_neutralised_and_restored(value, written):
    assert neutralize_cell(value) == written
    assert restore_cell(written) == value


@given(st.text(alphabet=st.sampled_from(list("'=+-@\t\rab ")), max_size=8))
def test_neutralise_restore_is_a_bijection(value):
    out = neutralize_cell(value)
    assert restore_cell(out) == value
    assert not out.lstrip("'") or not out.startswith(("=", "+", "-", "@", "\t", "\r"))


# ---- glossaries: any format, Chinese headers, one sniffer --------------------------------
def test_semicolon_csv_imports_and_serves_as_glossary(tmp_path):
    p = tmp_path / "memoq.csv"
    p.write_text("zh;en;note\n华龙网;Huanglong Newsnet;news, portal\n", encoding="utf-8")
    assert import_glossary(p).entries[0].note == "news, portal"
    assert load_glossary(p).get("华龙网").preferred == "Huanglong Newsnet"
    res = CliRunner().invoke(main, ["--glossary", str(p), "terms", "lookup", "华龙网"])
    assert res.exit_code == 0 and "Huanglong Newsnet" in res.output


def test_excel_glossary_with_chinese_headers_does_not_import_its_header(tmp_path):
    p = tmp_path / "术语表.xlsx"
    book = openpyxl.Workbook()
    book.active.append(["中文", "英文", "备注"])
    book.active.append(["华龙网", "Huanglong Newsnet", "重庆新闻网站"])
    book.save(p)
    entries = import_glossary(p).entries
    assert [(e.term, e.preferred, e.note) for e in entries] == [
        ("华龙网", "Huanglong Newsnet", "重庆新闻网站")]


def _xlsx(path, rows):
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    book.save(path)
    return path


@pytest.mark.parametrize("name,make", [
    ("g.xlsx", lambda p: _xlsx(p, [["zh", "en"], ["华龙网", "Huanglong Newsnet"]])),
    ("g.tbx", lambda p: export_glossary([Entry(("华龙网",), ("Huanglong Newsnet",))], p)),
    ("g.tmx", lambda p: export_glossary([Entry(("华龙网",), ("Huanglong Newsnet",))], p)),
    ("g.utf8", lambda p: p.write_text("华龙网\tHuanglong Newsnet\tportal\n", encoding="utf-8")),
    ("g.tsv", lambda p: p.write_text("中文\t英文\n华龙网\tHuanglong Newsnet\n", encoding="utf-8")),
    ("deepl.csv", lambda p: p.write_text("华龙网,Huanglong Newsnet\n", encoding="utf-8")),
    # the content decides, not the extension
    ("renamed.csv", lambda p: _xlsx(p, [["zh", "en"], ["华龙网", "Huanglong Newsnet"]])),
    ("renamed.txt", lambda p: export_glossary([Entry(("华龙网",), ("Huanglong Newsnet",))],
                                               p, "tbx")),
])
@pytest.mark.parametrize("how", ["option", "env"])
def test_every_importable_format_serves_as_glossary(tmp_path, monkeypatch, name, make, how):
    p = tmp_path / name
    make(p)
    args = ["terms", "lookup", "华龙网"]
    if how == "option":
        args = ["--glossary", str(p)] + args
    else:
        monkeypatch.setenv("TERMTRANS_GLOSSARY", str(p))
    res = CliRunner().invoke(main, args)
    assert res.exit_code == 0, res.output
    assert "华龙网  →  Huanglong Newsnet" in res.output


def test_glossary_warnings_are_shown_when_it_is_loaded(tmp_path):
    p = tmp_path / "g.tbx"
    export_glossary([Entry(("华龙网",), ("Huanglong Newsnet",))], p)
    p.write_text(p.read_text(encoding="utf-8").replace("preferredTerm-admn-sts", "approvedish"),
                 encoding="utf-8")
    res = CliRunner().invoke(main, ["--glossary", str(p), "terms", "lookup", "华龙网"])
    assert res.exit_code == 0
    assert "warning: unknown administrativeStatus 'approvedish'" in res.stderr


def test_merge_into_a_non_csv_glossary_is_refused(tmp_path):
    g = tmp_path / "g.tbx"
    export_glossary([Entry(("华龙网",), ("Huanglong Newsnet",))], g)
    src = tmp_path / "in.csv"
    src.write_text("重庆,Chongqing\n", encoding="utf-8")
    res = CliRunner().invoke(main, ["--glossary", str(g), "terms", "import", str(src), "--merge"])
    assert res.exit_code == 2 and "cannot merge into a TBX glossary" in res.output
    assert "\n" not in res.output.strip()


# ---- formula triggers in what spreadsheets open -------------------------------------------
HOSTILE = Entry(zh=("公式",), en=("=HYPERLINK(\"http://x\",\"y\")",), forbidden=("+cmd /C calc!A0",),
                note="@SUM(1+1)", source="-2+3")


@pytest.mark.parametrize("fmt,ext,delimiter", [("csv", ".csv", ","), ("tsv", ".tsv", "\t")])
def test_glossary_csv_and_tsv_exports_are_inert_and_read_back(tmp_path, fmt, ext, delimiter):
    out = tmp_path / f"g{ext}"
    export_glossary([HOSTILE], out, fmt)
    rows = list(csv.reader(io.StringIO(out.read_text(encoding="utf-8")), delimiter=delimiter))
    assert all(not c.startswith(("=", "+", "-", "@")) for row in rows for c in row)
    assert rows[1][1] == "'=HYPERLINK(\"http://x\",\"y\")"
    back = import_glossary(out).entries[0]
    assert (back.en, back.forbidden, back.note, back.source) == (
        HOSTILE.en, HOSTILE.forbidden, HOSTILE.note, HOSTILE.source)
    assert load_glossary(out).get("公式").en == HOSTILE.en


def test_terms_import_to_stdout_is_inert(tmp_path):
    src = tmp_path / "in.utf8"
    src.write_text("公式\t@SUM(1+1)\t=cmd\n", encoding="utf-8")
    res = CliRunner().invoke(main, ["terms", "import", str(src)])
    assert res.exit_code == 0, res.output
    assert res.stdout.splitlines()[1] == "公式,'@SUM(1+1),,no,'=cmd,"
    assert serialize_glossary([HOSTILE]).splitlines()[1].startswith('公式,"\'=HYPERLINK(')


def test_check_csv_report_is_inert(tmp_path):
    doc = tmp_path / "pairs.tsv"
    doc.write_text("zh\ten\n华龙网发布新闻。\t=HYPERLINK(\"http://evil\") Hualong Net news.\n"
                   "重庆日报\t@SUM(1) Chongqing Daily\n", encoding="utf-8")
    g = tmp_path / "g.csv"
    g.write_text("zh,en,forbidden\n华龙网,Huanglong Newsnet,Hualong Net\n重庆日报,Chongqing Daily,\n",
                 encoding="utf-8")
    out = tmp_path / "report.csv"
    res = CliRunner().invoke(main, ["--glossary", str(g), "check", str(doc), "--format", "csv",
                                    "-o", str(out)])
    assert res.exit_code == 1, res.output
    rows = list(csv.reader(io.StringIO(out.read_text(encoding="utf-8-sig"))))
    cells = [c for row in rows[1:] for c in row]
    assert "'=HYPERLINK(\"http://evil\") Hualong Net news." in cells
    assert not any(c.startswith(("=", "+", "-", "@", "\t", "\r")) for c in cells)


def test_xlsx_export_sizes_columns_and_freezes_the_header(tmp_path):
    out = tmp_path / "g.xlsx"
    long_note = "用于正式文件" * 5
    export_glossary([Entry(("华龙网",), ("Huanglong Newsnet",), note=long_note),
                     Entry(("重庆",), ("Chongqing",), subject="geography")], out)
    sheet = openpyxl.load_workbook(out).active
    assert sheet.freeze_panes == "A2"
    header = [c.value for c in sheet[1]]
    assert header == ["zh", "en", "forbidden", "case_sensitive", "note", "source", "subject"]
    widths = {c: sheet.column_dimensions[c].width for c in "ABCDEFG"}
    assert widths["E"] == 60  # 60 CJK characters are 120 columns: capped
    assert widths["B"] == len("Huanglong Newsnet") + 2
    assert widths["A"] == 8 + 0 and widths["G"] == len("geography") + 2


# ---- bilingual spreadsheets -----------------------------------------------------------
def test_check_and_extract_read_a_bilingual_xlsx(tmp_path):
    p = tmp_path / "pairs.xlsx"
    book = openpyxl.Workbook()
    book.active.title = "说明"
    book.active.append(["本表为重庆外事年鉴双语对照"])
    sheet = book.create_sheet("对照")
    sheet.append(["编号", "原文", "译文"])
    sheet.append(["s1", "华龙网发布新闻。", "Hualong Net released the news."])
    sheet.append(["s2", "重庆日报报道。", "Chongqing Daily reported."])
    book.save(p)
    pairs = read_aligned(p)
    assert [(x.source, x.target) for x in pairs] == [
        ("华龙网发布新闻。", "Hualong Net released the news."),
        ("重庆日报报道。", "Chongqing Daily reported.")]
    assert pairs[0].location == f"{p}[对照]:2 (s1)"
    g = tmp_path / "g.csv"
    g.write_text("zh,en,forbidden\n华龙网,Huanglong Newsnet,Hualong Net\n", encoding="utf-8")
    res = CliRunner().invoke(main, ["--glossary", str(g), "check", str(p), "--format", "json"])
    assert res.exit_code == 1 and "term-forbidden" in res.output
    res = CliRunner().invoke(main, ["--glossary", str(g), "terms", "extract", str(p),
                                    "--min-score", "0"])
    assert res.exit_code == 0, res.output
    assert "segment pair(s)" in res.stderr


def test_bilingual_xlsx_without_a_zh_en_header_is_one_line_error(tmp_path):
    p = tmp_path / "pairs.xlsx"
    _xlsx(p, [["A", "B"], ["华龙网", "Huanglong"]])
    res = CliRunner().invoke(main, ["check", str(p)])
    assert res.exit_code == 2
    assert f"{p}:1: no worksheet starts with a header naming a Chinese column" in res.output
    assert res.output.strip().count("\n") == 0

"""Glossary interchange: TBX, Excel, delimited layouts, hostile input, merge, CLI."""
from __future__ import annotations

import zipfile
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from cli import main
from termbase.errors import InputError, OutputError
from termbase.glossary import Entry, load_glossary
from termbase.interop import export_glossary, format_for, import_glossary
from termbase.interop.merge import merge_into, plan_merge
from termbase.interop.tbx import TbxFormat, validate_tbx_basic

DATA = Path(__file__).resolve().parent / "data"


def fields(entries):
    return [(e.zh, e.en, e.forbidden, e.case_sensitive, e.note, e.source) for e in entries]


# ---- TBX -------------------------------------------------------------------------------
def test_cat_tool_tbx_with_synonyms_and_deprecated_terms():
    result = import_glossary(DATA / "cat-tool-synonyms.tbx")
    by_term = {e.term: e for e in result.entries}
    assert list(by_term) == ["一带一路", "华龙网", "重庆市人民政府外事办公室"]
    bri = by_term["一带一路"]
    assert bri.zh == ("一带一路", "一带一路倡议")
    # preferred first whatever its position in the file, then admitted in file order
    assert bri.en == ("Belt and Road Initiative", "BRI")
    assert bri.forbidden == ("One Belt, One Road", "OBOR")  # deprecated + superseded
    assert bri.source == "Xinhua style guide"
    assert bri.definition == "China's global infrastructure programme"
    assert bri.note == "One Belt, One Road: no longer used in official texts"
    assert bri.term_type == (("一带一路倡议", "fullForm"), ("BRI", "acronym"))
    hl = by_term["华龙网"]
    assert hl.en == ("Huanglong Newsnet", "cqnews.net") and hl.case_sensitive
    assert hl.pos == "noun"
    office = by_term["重庆市人民政府外事办公室"]
    assert office.forbidden == ("Foreign Affairs of Chongqing Municipal Government",)
    skipped = [p for p in result.warnings if "tb-4" in p.message]
    assert skipped and skipped[0].line > 1


def test_tbx_v2_martif_is_read():
    entries = import_glossary(DATA / "martif-v2.tbx").entries
    assert fields(entries) == [
        (("华龙网",), ("Huanglong Newsnet",), ("Hualong Net",), False, "", ""),
        (("重庆日报", "重慶日報"), ("Chongqing Daily",), (), False, "", ""),
    ]
    assert entries[0].definition == "official news site of Chongqing"


@pytest.mark.parametrize("name,message", [
    ("hostile-xxe.tbx", "entity declarations are refused"),
    ("hostile-billion-laughs.tbx", "entity declarations are refused"),
    ("malformed.tbx", "malformed XML"),
])
def test_hostile_and_malformed_xml_is_refused_in_one_line(name, message):
    with pytest.raises(InputError) as err:
        import_glossary(DATA / name)
    assert message in str(err.value)
    res = CliRunner().invoke(main, ["terms", "import", str(DATA / name)])
    assert res.exit_code == 2
    assert res.output.count("\n") == 1 and message in res.output
    assert "Traceback" not in res.output and "root:" not in res.output


def test_unknown_status_is_a_warning_with_its_line_and_the_term_is_kept_as_admitted(tmp_path):
    src = (DATA / "cat-tool-synonyms.tbx").read_text(encoding="utf-8")
    bad = tmp_path / "bad.tbx"
    bad.write_text(src.replace("supersededTerm-admn-sts", "obsoleteish"), encoding="utf-8")
    result = import_glossary(bad)
    bri = result.entries[0]
    assert bri.en == ("Belt and Road Initiative", "BRI", "OBOR")
    assert bri.forbidden == ("One Belt, One Road",)
    status_line = next(i for i, line in enumerate(src.splitlines(), 1)
                       if "supersededTerm-admn-sts" in line)
    warning = next(p for p in result.warnings if "obsoleteish" in p.message)
    assert warning.line == status_line
    assert str(warning).startswith(f"{bad}:{status_line}: warning: unknown administrativeStatus "
                                   "'obsoleteish' of 'OBOR': kept as an admitted term")


def test_not_a_tbx_root(tmp_path):
    p = tmp_path / "x.tbx"
    p.write_text("<html><body/></html>", encoding="utf-8")
    with pytest.raises(InputError, match="not a TBX file"):
        import_glossary(p)


def test_exported_bundled_glossary_is_valid_tbx_basic(tmp_path, bundled_glossary):
    g = load_glossary(bundled_glossary)
    out = tmp_path / "g.tbx"
    export_glossary(list(g), out)
    data = out.read_bytes()
    assert data.startswith(b"<?xml version='1.0' encoding='UTF-8'?>")
    assert validate_tbx_basic(data, out) == []
    assert fields(import_glossary(out).entries) == fields(g)


@pytest.mark.parametrize("old,new,problem", [
    ('style="dca"', 'style="dct"', "tbx@style"),
    ("<fileDesc>", "<fileDescX>", "tbx"),
    ("preferredTerm-admn-sts", "preferred", "administrativeStatus 'preferred'"),
    ('xml:lang="zh-CN"', "", "langSec@xml:lang missing"),
    ('<admin type="source">', '<admin type="origin">', "admin@type 'origin'"),
    ("</term>\n            <termNote", "</term>\n            <note>x</note><termNote",
     "termNote after note/admin"),
])
def test_tbx_basic_validator_catches_broken_structure(old, new, problem):
    entry = Entry(zh=("华龙网",), en=("Huanglong Newsnet",), source="site")
    data = TbxFormat().dumps([entry]).decode("utf-8")
    assert old in data
    broken = data.replace(old, new, 1).replace("</fileDesc>", "</fileDescX>", 1 if
                                                   old == "<fileDesc>" else 0)
    found = validate_tbx_basic(broken.encode("utf-8"))
    assert any(problem in p for p in found), found


def test_tbx_export_escapes_markup_and_refuses_xml_illegal_characters(tmp_path):
    e = Entry(zh=("<一>&",), en=("A & B <c>",), note='say "x" & y')
    out = tmp_path / "a.tbx"
    export_glossary([e], out)
    assert b"&amp;" in out.read_bytes()
    assert fields(import_glossary(out).entries) == fields([e])
    with pytest.raises(OutputError, match="XML does not allow"):
        TbxFormat().dumps([Entry(zh=("一",), en=("bad\x0bchar",))], "b.tbx")


# ---- delimited layouts -----------------------------------------------------------------
@pytest.mark.parametrize("name,content,expected", [
    ("deepl.csv", "华龙网,Huanglong Newsnet\n重庆日报,Chongqing Daily\n",
     [(("华龙网",), ("Huanglong Newsnet",), ""), (("重庆日报",), ("Chongqing Daily",), "")]),
    ("deepl.tsv", "华龙网\tHuanglong Newsnet\n\n重庆日报\t\"Chongqing, Daily\"\n",
     [(("华龙网",), ("Huanglong Newsnet",), ""), (("重庆日报",), ("Chongqing, Daily",), "")]),
    ("amazon.csv", "en,zh,fr\nChongqing Daily,重庆日报,Quotidien\n",
     [(("重庆日报",), ("Chongqing Daily",), "")]),
    ("google.csv", "zh-CN,en-US,pos,description\n华龙网,Huanglong Newsnet,noun,news site\n",
     [(("华龙网",), ("Huanglong Newsnet",), "news site")]),
    ("omegat.utf8", "华龙网\tHuanglong Newsnet\tnews \"site\"\n华龙网\tcqnews\n重庆日报\tChongqing Daily\n",
     [(("华龙网",), ("Huanglong Newsnet", "cqnews"), 'news "site"'),
      (("重庆日报",), ("Chongqing Daily",), "")]),
    ("trados.txt", "Chinese\tEnglish\n华龙网|華龍網\tHuanglong Newsnet|cqnews\n",
     [(("华龙网", "華龍網"), ("Huanglong Newsnet", "cqnews"), "")]),
    ("memoq.csv", "zh;en;Entry_Note\n华龙网;Huanglong Newsnet;x\n",
     [(("华龙网",), ("Huanglong Newsnet",), "x")]),
    ("ours.csv", "zh,en,forbidden,case_sensitive,note,source\n# comment\n"
                 "华龙网,Huanglong Newsnet,Hualong Net,yes,\"a, b\",site\n",
     [(("华龙网",), ("Huanglong Newsnet",), "a, b")]),
])
def test_delimited_layouts_are_detected(tmp_path, name, content, expected):
    p = tmp_path / name
    p.write_text(content, encoding="utf-8")
    entries = import_glossary(p).entries
    assert [(e.zh, e.en, e.note) for e in entries] == expected


def test_our_layout_keeps_every_field(tmp_path):
    p = tmp_path / "g.csv"
    p.write_text("zh,en,forbidden,case_sensitive,note,source\n"
                 "华龙网,Huanglong Newsnet,Hualong Net,yes,\"a, b\",site\n", encoding="utf-8")
    assert fields(import_glossary(p).entries) == [
        (("华龙网",), ("Huanglong Newsnet",), ("Hualong Net",), True, "a, b", "site")]


@pytest.mark.parametrize("content,message", [
    ("Huanglong Newsnet,华龙网\n", "add a header row"),
    ("华龙网,a,b,c\n", "two or three columns without header"),
    ("zh,en\n华龙网,A\n华龙网,B\n", "conflict: '华龙网' is approved as 'A' on line 2"),
    ("zh,en,case_sensitive\n华龙网,A,maybe\n", "case_sensitive must be yes or no"),
    ("zh,en,forbidden\n华龙网,A|,\n", "empty value between '|'"),
    ("zh,en,forbidden\n华龙网,A,a\n", "both approved and forbidden"),
    ("zh,en\n华龙网,\"A\n", "malformed CSV"),
    ("zh,en\n", "no glossary entries found"),
    ("zh,zh,en\n华龙网,华龙,A\n", "more than one zh column"),
])
def test_bad_delimited_files_are_refused_with_file_and_line(tmp_path, content, message):
    p = tmp_path / "bad.csv"
    p.write_text(content, encoding="utf-8")
    with pytest.raises(InputError) as err:
        import_glossary(p)
    assert message in str(err.value)
    assert str(err.value).startswith(str(p))


@pytest.mark.parametrize("data,message", [
    (b"", "file is empty"), (b"\x00\x01\x02binary", "binary file"),
    ("华龙网,A\n".encode("gb18030"), "not valid UTF-8"),
])
def test_empty_binary_and_wrong_encoding_are_refused(tmp_path, data, message):
    p = tmp_path / "g.csv"
    p.write_bytes(data)
    with pytest.raises(InputError, match=message):
        import_glossary(p)


def test_omegat_export_flattens_line_breaks_and_writes_every_approved_rendering(tmp_path):
    e = Entry(zh=("华龙网", "華龍網"), en=("Huanglong Newsnet", "cqnews"), note="a\tb\nc")
    out = tmp_path / "g.utf8"
    export_glossary([e], out)
    assert out.read_text(encoding="utf-8").splitlines() == [
        "华龙网\tHuanglong Newsnet\ta b c", "华龙网\tcqnews\ta b c",
        "華龍網\tHuanglong Newsnet\ta b c", "華龍網\tcqnews\ta b c"]


# ---- Excel -----------------------------------------------------------------------------
def test_xlsx_with_language_code_header_and_formula_lookalikes(tmp_path):
    p = tmp_path / "g.xlsx"
    book = openpyxl.Workbook()
    book.active.append(["zh-CN", "en-GB", "Comment"])
    book.active.append(["华龙网|華龍網", "Huanglong Newsnet", 12])
    book.active.append([None, None, None])
    book.active.append(["重庆日报", "Chongqing Daily", None])
    book.save(p)
    entries = import_glossary(p).entries
    assert [(e.zh, e.en, e.note) for e in entries] == [
        (("华龙网", "華龍網"), ("Huanglong Newsnet",), "12"),
        (("重庆日报",), ("Chongqing Daily",), "")]
    e = Entry(zh=("公式",), en=("=1+1",), note="=HYPERLINK(\"http://x\")")
    out = tmp_path / "f.xlsx"
    export_glossary([e], out)
    ws = openpyxl.load_workbook(out).active
    assert ws["B2"].data_type == "s" and ws["B2"].value == "=1+1"
    assert fields(import_glossary(out).entries) == fields([e])


def test_xlsx_that_is_not_a_zip_or_hides_a_doctype_is_refused(tmp_path):
    p = tmp_path / "g.xlsx"
    p.write_text("zh,en\n", encoding="utf-8")
    with pytest.raises(InputError, match="not an .xlsx workbook"):
        import_glossary(p)
    good = tmp_path / "good.xlsx"
    export_glossary([Entry(zh=("一",), en=("one",))], good)
    evil = tmp_path / "evil.xlsx"
    with zipfile.ZipFile(good) as zin, zipfile.ZipFile(evil, "w") as zout:
        for info in zin.infolist():
            data = zin.read(info)
            if info.filename == "xl/sharedStrings.xml" or info.filename.endswith("sheet1.xml"):
                decl, _, rest = data.rpartition(b"?>")
                data = (decl + b"?>" if decl else b"") + (
                    b'<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>' + rest)
            zout.writestr(info, data)
    with pytest.raises(InputError, match="DTD declarations are not allowed in Office Open XML"):
        import_glossary(evil)


# ---- registry --------------------------------------------------------------------------
@pytest.mark.parametrize("name,fmt", [("a.tbx", "tbx"), ("a.XLSX", "xlsx"), ("a.csv", "csv"),
                                      ("a.tsv", "tsv"), ("a.utf8", "omegat"), ("a.tab", "omegat")])
def test_format_from_extension(name, fmt):
    assert format_for(name).name == fmt


def test_unknown_extension_needs_format_for_export_but_is_sniffed_on_import(tmp_path):
    with pytest.raises(OutputError, match="--format"):
        format_for(tmp_path / "a.dat")
    p = tmp_path / "a.dat"
    p.write_bytes((DATA / "martif-v2.tbx").read_bytes())
    assert len(import_glossary(p).entries) == 2


# ---- merge -----------------------------------------------------------------------------
BASE = ("\ufeffzh,en,forbidden,note,extra\r\n# curated by hand\r\n"
        "华龙网,Huanglong Newsnet,,news site,keep me\r\n"
        "重庆日报,Chongqing Daily,,,\r\n")


def _glossary(tmp_path, text=BASE):
    p = tmp_path / "glossary.csv"
    p.write_bytes(text.encode("utf-8"))
    return p


def test_merge_adds_extends_skips_conflicts_and_keeps_layout(tmp_path):
    g = _glossary(tmp_path)
    incoming = [
        Entry(zh=("华龙网", "華龍網"), en=("Huanglong Newsnet", "cqnews"), forbidden=("Hualong",),
              note="other note"),
        Entry(zh=("重庆日报",), en=("Chongqing Daily News",)),  # conflict
        Entry(zh=("外语演讲大赛",), en=("Foreign Language Public Speaking Contest",),
              case_sensitive=True),
    ]
    result = merge_into(g, incoming)
    assert [c.incoming.term for c in result.conflicts] == ["重庆日报"]
    assert "glossary has 'Chongqing Daily', import has 'Chongqing Daily News'" in str(
        result.conflicts[0])
    assert [a.term for a in result.added] == ["外语演讲大赛"]
    assert any("note kept 'news site'" in n for n in result.notices)
    raw = g.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and b"\r\n# curated by hand\r\n" in raw
    text = raw.decode("utf-8-sig")
    assert text.splitlines()[0] == "zh,en,forbidden,note,extra,case_sensitive"
    assert "华龙网|華龍網,Huanglong Newsnet|cqnews,Hualong,news site,keep me," in text
    assert "重庆日报,Chongqing Daily,,,,\r\n" in text
    merged = load_glossary(g)
    assert merged.get("外语演讲大赛").case_sensitive
    assert merged.get("重庆日报").en == ("Chongqing Daily",)
    assert [p.name for p in tmp_path.iterdir()] == ["glossary.csv"]  # no temp file left


@pytest.mark.parametrize("incoming,kind", [
    (Entry(zh=("华龙网",), en=("huanglong newsnet",)), "unchanged"),
    (Entry(zh=("华龙网",), en=("Huanglong Newsnet",), forbidden=("Chongqing Daily",)), "extended"),
    (Entry(zh=("重庆日报",), en=("Chongqing Daily",), forbidden=("Huanglong Newsnet",)),
     "extended"),
    (Entry(zh=("华龙网",), en=("Huanglong Newsnet", "Hualong")), "conflict"),
    (Entry(zh=("华龙网", "重庆日报"), en=("Huanglong Newsnet",)), "conflict"),
    (Entry(zh=("新词",), en=("New",)), "added"),
])
def test_merge_classification(tmp_path, incoming, kind):
    text = "zh,en,forbidden\n华龙网,Huanglong Newsnet,Hualong\n重庆日报,Chongqing Daily,\n"
    result = plan_merge(load_glossary(_glossary(tmp_path, text)), [incoming])
    got = {"unchanged": result.unchanged, "extended": result.extended,
           "conflict": result.conflicts, "added": result.added}
    assert [k for k, v in got.items() if v] == [kind]


def test_cli_merge_reports_conflicts_exit_1_and_dry_run_writes_nothing(tmp_path):
    g = _glossary(tmp_path)
    before = g.read_bytes()
    src = tmp_path / "in.csv"
    src.write_text("重庆日报,Chongqing Daily News\n新词,New word\n", encoding="utf-8")
    runner = CliRunner()
    res = runner.invoke(main, ["--glossary", str(g), "terms", "import", str(src), "--merge",
                               "--dry-run"])
    assert res.exit_code == 1, res.output
    assert "conflict: 重庆日报" in res.output and "1 added" in res.output
    assert g.read_bytes() == before
    res = runner.invoke(main, ["--glossary", str(g), "terms", "import", str(src), "--merge"])
    assert res.exit_code == 1
    assert load_glossary(g).get("新词").en == ("New word",)
    res = runner.invoke(main, ["--glossary", str(g), "terms", "import", str(src), "--merge"])
    assert "0 added" in res.output and res.exit_code == 1


# ---- CLI -------------------------------------------------------------------------------
def test_cli_import_prints_csv_or_writes_output_without_overwriting(tmp_path):
    runner = CliRunner()
    tbx = str(DATA / "cat-tool-synonyms.tbx")
    res = runner.invoke(main, ["terms", "import", tbx])
    assert res.exit_code == 0
    assert res.stdout.splitlines()[0] == ("zh,en,forbidden,case_sensitive,note,source,"
                                          "definition,pos,term_type")
    assert "tb-4 skipped" in res.stderr
    out = tmp_path / "out.csv"
    assert runner.invoke(main, ["terms", "import", tbx, "-o", str(out)]).exit_code == 0
    assert len(load_glossary(out)) == 3
    res = runner.invoke(main, ["terms", "import", tbx, "-o", str(out)])
    assert res.exit_code == 2 and "--force" in res.output
    assert runner.invoke(main, ["terms", "import", tbx, "-o", str(out), "--force"]).exit_code == 0
    res = runner.invoke(main, ["terms", "import", tbx, "-o", str(out), "--merge"])
    assert res.exit_code == 2


def test_cli_export_reports_lost_fields_and_never_overwrites_the_glossary(tmp_path):
    g = _glossary(tmp_path, "zh,en,forbidden\n华龙网,Huanglong Newsnet,Hualong\n")
    runner = CliRunner()
    res = runner.invoke(main, ["--glossary", str(g), "terms", "export", str(tmp_path / "a.csv"),
                               "--format", "deepl"])
    assert res.exit_code == 0 and "cannot carry: forbidden" in res.stderr
    assert (tmp_path / "a.csv").read_text(encoding="utf-8") == "华龙网,Huanglong Newsnet\n"
    res = runner.invoke(main, ["--glossary", str(g), "terms", "export", str(g), "--force"])
    assert res.exit_code == 2 and "would overwrite the input" in res.output
    res = runner.invoke(main, ["--glossary", str(g), "terms", "export", str(tmp_path / "a.x")])
    assert res.exit_code == 2 and "--format" in res.output
    res = runner.invoke(main, ["--glossary", str(g), "terms", "export", str(tmp_path / "b"),
                               "--format", "nope"])
    assert res.exit_code == 2 and "unknown glossary format 'nope'" in res.output


def test_export_to_stdout_writes_no_file(tmp_path, monkeypatch):
    from click.testing import CliRunner

    from cli import main

    monkeypatch.chdir(tmp_path)
    r = CliRunner().invoke(main, ["terms", "export", "-", "--format", "csv"])
    assert r.exit_code == 0, r.output
    assert r.stdout.startswith("zh,en,forbidden,case_sensitive,note,source\n")
    assert "华龙网,Huanglong Newsnet" in r.stdout
    assert not (tmp_path / "-").exists()
    r = CliRunner().invoke(main, ["terms", "export", "-"])  # - without --format: CSV, as printed
    assert r.exit_code == 0 and r.stdout.startswith("zh,en,forbidden")

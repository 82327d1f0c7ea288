"""`termtrans translate` through the real CLI: each format, with the tiny model via --model DIR."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli import main
from termbase.en_match import has_approved
from termbase.glossary import load_glossary
from termbase.xmlsafe import read_xml
from tests import project_helpers as helpers

XLF = "{urn:oasis:names:tc:xliff:document:1.2}"


pytestmark = pytest.mark.usefixtures("one_torch_thread")


@pytest.fixture
def gloss(tmp_path) -> Path:
    return helpers.write_glossary(tmp_path)


@pytest.fixture
def run(tiny_model_dir, gloss):
    def invoke(*args, input=None, model=True):
        extra = ["--model", str(tiny_model_dir)] if model else []
        runner = CliRunner()
        return runner.invoke(main, ["--glossary", str(gloss), "translate", *args, *extra],
                             input=input, catch_exceptions=False)
    return invoke


TEXT = ("我们加强国际传播。今天天气很好。\n"
        "\n"
        "讲好重庆故事\n"
        "60 The World and Chongqing\n"
        "他们访问了重庆。\n")
EXPECTED = ("We strengthen international communication. The weather is good today.\n"
            "\n"
            "Tell good stories of Chongqing\n"
            "60 The World and Chongqing\n"
            "They visited Chongqing.\n")


def test_txt_default_output_name_and_report(run, tmp_path, gloss):
    src = tmp_path / "report.txt"
    src.write_text(TEXT, encoding="utf-8")
    res = run(str(src), "--report", str(tmp_path / "r.json"))
    assert res.exit_code == 0, res.output
    out = tmp_path / "report.en.txt"
    assert out.read_text(encoding="utf-8") == EXPECTED
    assert len(out.read_text().splitlines()) == len(TEXT.splitlines())
    assert src.read_text(encoding="utf-8") == TEXT  # input untouched
    report = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    sig = report["signature"]
    assert sig["engine"] == "marian" and sig["termtrans_version"]
    assert sig["glossary_sha256"] == load_glossary(gloss).sha256
    assert report["summary"]["paragraphs"] == 5 and report["summary"]["paragraphs_kept"] == 2
    assert report["summary"]["term_methods"] == {"exact": 1, "placeholder": 1}
    methods = {s["source"]: s["method"] for s in report["segments"]}
    assert methods == {"我们加强国际传播。": "placeholder", "今天天气很好。": "mt",
                       "讲好重庆故事": "exact", "他们访问了重庆。": "mt"}
    assert "failed: 0" in res.stderr and "engine marian" in res.stderr


def test_every_term_in_output_or_reported_failed(run, tmp_path, gloss):
    """Sentences the tiny model never saw: terms come out applied or listed as failed."""
    src = tmp_path / "new.txt"
    src.write_text("国际传播和城市形象都很重要。\n我们欢迎外国友人参加对外开放。\n", encoding="utf-8")
    res = run(str(src), "--report", str(tmp_path / "r.json"), "-q")
    assert res.exit_code == 0, res.output
    assert res.stderr == ""
    report = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    g = load_glossary(gloss)
    seen = 0
    for seg in report["segments"]:
        for term in seg["terms"]:
            seen += 1
            if term["method"] == "failed":
                assert any(f["term"] == term["term"] for f in report["failures"])
            else:
                assert has_approved(seg["target"], g.get(term["term"])), (term, seg["target"])
    assert seen == 4
    out = (tmp_path / "new.en.txt").read_text(encoding="utf-8")
    assert len(out.splitlines()) == 2 and not re.search(r"TERM\s?\d", out, re.I)


def test_bilingual_txt_interleaves_paragraphs(run, tmp_path):
    src = tmp_path / "a.txt"
    src.write_text("今天天气很好。\n\n城市很美丽。\n", encoding="utf-8")
    res = run(str(src), "--bilingual", "-q")
    assert res.exit_code == 0, res.output
    assert (tmp_path / "a.en.txt").read_text(encoding="utf-8") == (
        "今天天气很好。\nThe weather is good today.\n\n城市很美丽。\nThe city is beautiful.\n")


def test_stdin_to_stdout(run):
    res = run("-", "-q", input="城市很美丽。\n这是一个好消息。\n")
    assert res.exit_code == 0, res.output
    assert res.stdout == "The city is beautiful.\nThis is good news.\n"


def test_markdown_markup_kept(run, tmp_path):
    src = tmp_path / "doc.md"
    src.write_text("# 讲好重庆故事\n\n"
                   "- 我们加强国际传播。\n"
                   "> 今天天气很好。\n\n"
                   "```\n代码里的中文。\n```\n\n"
                   "| 城市很美丽。 | `code` |\n|---|---|\n"
                   "[这是一个好消息。](http://example.com/新闻)\n", encoding="utf-8")
    res = run(str(src), "-q")
    assert res.exit_code == 0, res.output
    lines = (tmp_path / "doc.en.md").read_text(encoding="utf-8").split("\n")
    assert lines[:-2] == ["# Tell good stories of Chongqing", "",
                          "- We strengthen international communication.",
                          "> The weather is good today.", "",
                          "```", "代码里的中文。", "```", "",
                          "| The city is beautiful. | `code` |", "|---|---|"]
    assert lines[-2] == "[This is good news.](http://example.com/新闻)"  # link target kept
    assert lines[-1] == ""


def _make_docx(path: Path) -> None:
    import docx

    d = docx.Document()
    d.add_heading("讲好重庆故事", level=1)
    p = d.add_paragraph()
    p.add_run("我们加强").bold = True
    p.add_run("国际传播。").bold = True
    d.add_paragraph("English paragraph stays.")
    table = d.add_table(rows=2, cols=2)
    table.cell(0, 0).text = "今天天气很好。"
    table.cell(0, 1).text = "42"
    table.cell(1, 0).text = "城市很美丽。"
    table.cell(1, 1).text = "他们访问了重庆。"
    d.save(str(path))


def _custom_properties(path: Path) -> dict:
    import zipfile

    from lxml import etree

    with zipfile.ZipFile(path) as z:
        root = etree.fromstring(z.read("docProps/custom.xml"))
    return {p.get("name"): "".join(p.itertext()) for p in root}


def _all_paragraphs(doc):
    out = list(doc.paragraphs)
    for t in doc.tables:
        for row in t.rows:
            for cell in row.cells:
                out.extend(cell.paragraphs)
    return out


def test_docx_with_table(run, tmp_path, gloss):
    import docx

    src = tmp_path / "report.docx"
    _make_docx(src)
    res = run(str(src), "-q")
    assert res.exit_code == 0, res.output
    before = docx.Document(str(src))
    after = docx.Document(str(tmp_path / "report.en.docx"))
    assert len(_all_paragraphs(after)) == len(_all_paragraphs(before))
    texts = [p.text for p in after.paragraphs]
    assert texts == ["Tell good stories of Chongqing", "We strengthen international communication.",
                     "English paragraph stays."]
    assert after.paragraphs[0].style.name == "Heading 1"
    assert all(r.bold for r in after.paragraphs[1].runs)  # the paragraph's formatting kept
    cells = [[c.text for c in row.cells] for row in after.tables[0].rows]
    assert cells == [["The weather is good today.", "42"],
                     ["The city is beautiful.", "They visited Chongqing."]]
    # document properties are added to, never overwritten
    assert after.core_properties.comments == before.core_properties.comments
    props = _custom_properties(tmp_path / "report.en.docx")
    assert props["termtrans.glossary_sha256"] == load_glossary(gloss).sha256
    assert props["termtrans.engine"] == "marian"


def test_docx_bilingual_adds_english_after_each_paragraph(run, tmp_path):
    import docx

    src = tmp_path / "b.docx"
    _make_docx(src)
    res = run(str(src), "--bilingual", "-q")
    assert res.exit_code == 0, res.output
    after = docx.Document(str(tmp_path / "b.en.docx"))
    assert [p.text for p in after.paragraphs] == [
        "讲好重庆故事", "Tell good stories of Chongqing", "我们加强国际传播。",
        "We strengthen international communication.", "English paragraph stays."]
    assert [p.text for p in after.tables[0].cell(1, 0).paragraphs] == ["城市很美丽。", "The city is beautiful."]


XLIFF = """<?xml version="1.0" encoding="UTF-8"?>
<xliff version="1.2" xmlns="urn:oasis:names:tc:xliff:document:1.2">
  <file original="report.docx" source-language="zh-CN" datatype="plaintext">
    <body>
      <trans-unit id="s1">
        <source>我们加强国际传播。</source>
      </trans-unit>
      <trans-unit id="s2">
        <source>今天天气很好。</source>
        <target state="final">Human translation, do not touch.</target>
      </trans-unit>
      <trans-unit id="s3">
        <source>讲好重庆故事</source>
        <target state="needs-translation"/>
      </trans-unit>
      <trans-unit id="s4" translate="no">
        <source>城市很美丽。</source>
      </trans-unit>
    </body>
  </file>
</xliff>
"""


def test_xliff_fills_targets_and_keeps_final_ones(run, tmp_path):
    src = tmp_path / "job.xlf"
    src.write_text(XLIFF, encoding="utf-8")
    res = run(str(src), "--report", str(tmp_path / "r.json"), "-q")
    assert res.exit_code == 0, res.output
    root = read_xml(tmp_path / "job.en.xlf")
    tus = {tu.get("id"): tu for tu in root.iter(f"{XLF}trans-unit")}
    t1 = tus["s1"].find(f"{XLF}target")
    assert t1.text == "We strengthen international communication."
    assert (t1.get("state"), t1.get("state-qualifier")) == ("needs-review-translation", "leveraged-mt")
    t2 = tus["s2"].find(f"{XLF}target")
    assert (t2.text, t2.get("state")) == ("Human translation, do not touch.", "final")
    t3 = tus["s3"].find(f"{XLF}target")
    assert t3.text == "Tell good stories of Chongqing"
    assert t3.get("state-qualifier") == "leveraged-glossary"
    assert tus["s4"].find(f"{XLF}target") is None
    note = tus["s1"].find(f"{XLF}note")
    assert note.get("from") == "termtrans" and "国际传播 → international communication" in note.text
    assert root.find(f"{XLF}file/{XLF}header/{XLF}tool").get("tool-id") == "termtrans"
    report = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    assert report["summary"]["paragraphs"] == 4 and report["summary"]["paragraphs_kept"] == 2


def test_xliff_refuses_bilingual_and_hostile_xml(run, tmp_path):
    src = tmp_path / "job.xlf"
    src.write_text(XLIFF, encoding="utf-8")
    res = run(str(src), "--bilingual", "-q")
    assert res.exit_code == 2 and "--bilingual is not available" in res.stderr
    evil = tmp_path / "evil.xlf"
    evil.write_text('<?xml version="1.0"?>\n<!DOCTYPE x [<!ENTITY a "b">]>\n<xliff/>', encoding="utf-8")
    res = run(str(evil), "-q")
    assert res.exit_code == 2 and res.stderr.startswith(f"Error: {evil}:2: entity declarations are refused")


def test_output_rules(run, tmp_path):
    src = tmp_path / "a.txt"
    src.write_text("城市很美丽。\n", encoding="utf-8")
    res = run(str(src), "-o", str(src), "-q")
    assert res.exit_code == 2 and "would overwrite the input" in res.stderr
    assert src.read_text(encoding="utf-8") == "城市很美丽。\n"
    existing = tmp_path / "a.en.txt"
    existing.write_text("old", encoding="utf-8")
    res = run(str(src), "-q")
    assert res.exit_code == 2 and "--force" in res.stderr and existing.read_text() == "old"
    res = run(str(src), "-q", "--force")
    assert res.exit_code == 0 and existing.read_text(encoding="utf-8") == "The city is beautiful.\n"
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []  # no temp files left


@pytest.mark.parametrize("name, data, message", [
    ("empty.txt", b"", "file is empty"),
    ("bin.txt", b"\x00\x01abc", "binary file"),
    ("latin1.txt", "caf\u00e9 中".encode("gb18030"), "not valid UTF-8"),
    ("bad.docx", b"PK not a zip", "not a readable .docx"),
    ("x.pdf", b"%PDF", "unknown file type"),
])
def test_bad_input_is_one_line_error(run, tmp_path, name, data, message):
    src = tmp_path / name
    src.write_bytes(data)
    res = run(str(src), "-q")
    assert res.exit_code == 2
    assert message in res.stderr and "Traceback" not in res.stderr
    assert len(res.stderr.strip().splitlines()) == 1


def test_offline_message_for_default_model(run, tmp_path):
    src = tmp_path / "a.txt"
    src.write_text("城市很美丽。\n", encoding="utf-8")
    res = run(str(src), model=False)
    assert res.exit_code == 2
    assert res.stderr == ("Error: Model 'Helsinki-NLP/opus-mt-zh-en' is not available offline: "
                          "download it once with network access (e.g. `hf download "
                          "Helsinki-NLP/opus-mt-zh-en`) or pass --model DIR pointing at a local copy.\n")
    assert not (tmp_path / "a.en.txt").exists()


def test_sample_page_with_fake_engine_and_bundled_glossary(sample_page, tmp_path, bundled_glossary):
    """The real yearbook page: every line comes out; every term applied or reported failed."""
    out = tmp_path / "page.en.txt"
    res = CliRunner().invoke(main, ["--glossary", str(bundled_glossary), "translate", str(sample_page),
                                    "-o", str(out), "--engine", "fake", "--report",
                                    str(tmp_path / "r.json")], catch_exceptions=False)
    assert res.exit_code == 0, res.output
    source_lines = sample_page.read_text(encoding="utf-8").splitlines()
    assert len(out.read_text(encoding="utf-8").splitlines()) == len(source_lines)
    report = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    g = load_glossary(bundled_glossary)
    terms = 0
    for seg in report["segments"]:
        for term in seg["terms"]:
            terms += 1
            assert term["method"] == "failed" or has_approved(seg["target"], g.get(term["term"]))
    assert terms >= 20
    assert report["summary"]["terms_failed"] == len(report["failures"])

"""``translate --tmx OUT.tmx``: source and draft per segment as TMX 1.4b, with props for origin,
method and term status, inline codes mapped, written through the output policy; and the library
functions the project runner calls (translate.draft_tmx)."""
from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from cli import main
from termbase.glossary import load_glossary
from termbase.inline import compare_codes
from termbase.interop.tmx import read_tmx_units
from termbase.xmlsafe import read_xml
from translate.documents import load_document
from translate.draft_tmx import (METHOD_PROP, ORIGIN_PROP, TERM_PROP, TERM_STATUS_PROP,
                                 RecordingTranslator, draft_tmx, draft_units)
from translate.engines.fake import FakeEngine
from translate.translator import Translator, translate_document

ROOT = Path(__file__).resolve().parent.parent
GLOSSARY = ROOT / "glossary.csv"


def props(unit) -> dict:
    out: dict = {}
    for k, v in unit.props:
        out.setdefault(k, []).append(v)
    return out


def translate(*args, input=None):
    return CliRunner().invoke(main, ["translate", "--engine", "fake", "-q", *args], input=input)


def test_txt_draft_as_tmx(tmp_path):
    src = tmp_path / "doc.txt"
    src.write_text("推进一带一路建设。重庆日报报道了活动。\n\nNo Chinese here\n推进一带一路建设。\n",
                   encoding="utf-8")
    res = translate(str(src), "--tmx", str(tmp_path / "doc.tmx"))
    assert res.exit_code == 0, res.output
    assert (tmp_path / "doc.en.txt").exists()
    units = read_tmx_units(tmp_path / "doc.tmx")
    # one unit per translated segment; the repeated sentence once; nothing for the kept line
    assert [(u.source_text, u.target_text) for u in units] == [
        ("推进一带一路建设。", "Belt and Road Initiative."),
        ("重庆日报报道了活动。", "Chongqing Daily.")]
    first = props(units[0])
    assert first[ORIGIN_PROP] == ["leveraged-mt"] and first[METHOD_PROP] == ["placeholder"]
    assert first[TERM_STATUS_PROP] == ["applied"]
    assert first[TERM_PROP] == ["一带一路 → Belt and Road Initiative: placeholder"]
    assert first["x-termtrans-document"] == [str(src)]
    assert first["x-termtrans-location"] == ["line 1"]
    root = read_xml(tmp_path / "doc.tmx")
    header = root.find("header")
    assert root.get("version") == "1.4" and header.get("srclang") == "zh-CN"
    assert header.get("creationtool") == "termtrans" and header.get("segtype") == "sentence"
    head_props = {p.get("type"): p.text for p in header.findall("prop")}
    assert head_props["x-termtrans-engine"] == "fake"
    assert head_props["x-termtrans-glossary-sha256"] == load_glossary(GLOSSARY).sha256
    assert [t.get("{http://www.w3.org/XML/1998/namespace}lang")
            for t in root.iter("tuv")][:2] == ["zh-CN", "en"]


def test_markdown_codes_go_to_bpt_ept_and_ph(tmp_path):
    src = tmp_path / "a.md"
    src.write_text("**推进一带一路建设。**重庆日报报道了[华龙网](http://www.cqnews.net/)的活动。\n\n"
                   "见`code`。\n", encoding="utf-8")
    res = translate(str(src), "--tmx", str(tmp_path / "a.tmx"))
    assert res.exit_code == 0, res.output
    data = (tmp_path / "a.tmx").read_text(encoding="utf-8")
    assert '<bpt i="1" x="1" type="bold">**</bpt>推进一带一路建设。<ept i="1">**</ept>' in data
    assert '<bpt i="1" x="1" type="link">[</bpt>华龙网<ept i="1">](http://www.cqnews.net/)</ept>' \
        in data
    assert '<ph x="1" type="x-code">`code`</ph>' in data
    units = read_tmx_units(tmp_path / "a.tmx")
    assert all(u.source.has_codes and compare_codes(u.source, u.target) == [] for u in units)


def test_docx_formatting_codes(tmp_path):
    import docx

    d = docx.Document()
    p = d.add_paragraph()
    p.add_run("推进")
    p.add_run("一带一路").bold = True
    p.add_run("建设。")
    d.save(tmp_path / "b.docx")
    res = translate(str(tmp_path / "b.docx"), "--tmx", str(tmp_path / "b.tmx"))
    assert res.exit_code == 0, res.output
    unit = read_tmx_units(tmp_path / "b.tmx")[0]
    assert unit.source.text == "推进一带一路建设。"
    assert [c.native for c in unit.source.codes] == ["<b>", "</b>"]
    assert [c.native for c in unit.target.codes] == ["<b>", "</b>"]
    assert [c.attr("x") for c in unit.target.codes] == [c.attr("x") for c in unit.source.codes]


def test_failed_term_is_said_in_props_and_notes(tmp_path):
    glossary = load_glossary(GLOSSARY)
    engine = FakeEngine(script=lambda s, **k: "Promote the construction.",
                        supports_constraints=False)
    translator = RecordingTranslator(Translator(engine, glossary))
    doc = load_document("推进一带一路建设。\n".encode(), "a.txt")
    _, report = translate_document(doc, translator)
    units = draft_units(translator.results, doc=doc, document="a.txt")
    assert len(units) == 1
    p = props(units[0])
    assert p[METHOD_PROP] == ["failed"] and p[TERM_STATUS_PROP] == ["failed"]
    assert p[TERM_PROP] == ["一带一路 → Belt and Road Initiative: failed"]
    assert units[0].notes == ("term not applied: 一带一路 → Belt and Road Initiative "
                              "(placeholder for 一带一路 lost)",)
    data = draft_tmx(units, report["signature"], creationdate="20240101T000000Z")
    assert b"<note>term not applied" in data


def test_origins_of_a_project_and_untranslated_segments():
    """The project runner hands leveraged segments: their origin is written, untranslated
    segments are left out, results may cover only the units translated."""
    from translate.enforce import SegmentResult
    from translate.leverage import LeveragedParagraph, LeveragedSegment

    exact = LeveragedSegment("今天天气很好。", "The weather is fine today.", "mt", origin="exact-match")
    glossary_hit = SegmentResult("讲好重庆故事", "Tell good stories of Chongqing", "exact")
    left = LeveragedSegment("明天见。", "明天见。", "kept", origin="untranslated")
    results = [LeveragedParagraph("今天天气很好。", "The weather is fine today.", [exact]),
               LeveragedParagraph("讲好重庆故事", "Tell good stories of Chongqing", [glossary_hit]),
               LeveragedParagraph("明天见。", "明天见。", [left], translated=False)]
    doc = load_document("今天天气很好。\nHello\n讲好重庆故事\n明天见。\n".encode(), "p.txt")
    units = draft_units(results, doc=doc, document="p.txt")
    assert [(u.source_text, props(u)[ORIGIN_PROP], props(u)["x-termtrans-location"])
            for u in units] == [("今天天气很好。", ["exact-match"], ["line 1"]),
                                ("讲好重庆故事", ["leveraged-glossary"], ["line 3"])]


def test_tmx_output_follows_the_output_policy(tmp_path):
    src = tmp_path / "doc.txt"
    src.write_text("推进一带一路建设。\n", encoding="utf-8")
    # never over an input
    res = translate(str(src), "--tmx", str(src), "-o", str(tmp_path / "o.txt"))
    assert res.exit_code == 2 and "--tmx" in res.stderr and src.read_text(encoding="utf-8")
    # an existing file only with --force, refused before any work
    (tmp_path / "old.tmx").write_text("keep", encoding="utf-8")
    res = translate(str(src), "--tmx", str(tmp_path / "old.tmx"), "-o", str(tmp_path / "o.txt"))
    assert res.exit_code == 2 and "--force" in res.stderr
    assert not (tmp_path / "o.txt").exists()
    assert (tmp_path / "old.tmx").read_text(encoding="utf-8") == "keep"
    res = translate(str(src), "--tmx", str(tmp_path / "old.tmx"), "-o", str(tmp_path / "o.txt"),
                    "--force")
    assert res.exit_code == 0 and b"<tmx" in (tmp_path / "old.tmx").read_bytes()
    # - is stdout, but only one output can go there
    res = translate(str(src), "--tmx", "-", "-o", str(tmp_path / "o2.txt"))
    assert res.exit_code == 0 and res.stdout.startswith("<?xml") and "<tu " in res.stdout
    res = translate(str(src), "--tmx", "-", "-o", "-")
    assert res.exit_code == 2 and "standard output" in res.stderr


def test_tmx_with_the_tiny_model(tiny_model_dir, tmp_path, one_torch_thread):
    from tests.tiny_marian import GLOSSARY_CSV

    gloss = tmp_path / "g.csv"
    gloss.write_text(GLOSSARY_CSV, encoding="utf-8")
    src = tmp_path / "t.txt"
    src.write_text("我们加强国际传播。今天天气很好。\n", encoding="utf-8")
    res = CliRunner().invoke(main, ["--glossary", str(gloss), "translate", str(src), "--model",
                                    str(tiny_model_dir), "--tmx", str(tmp_path / "t.tmx"), "-q"])
    assert res.exit_code == 0, res.output
    units = read_tmx_units(tmp_path / "t.tmx")
    assert [(u.source_text, u.target_text, props(u)[METHOD_PROP]) for u in units] == [
        ("我们加强国际传播。", "We strengthen international communication.", ["placeholder"]),
        ("今天天气很好。", "The weather is good today.", ["mt"])]
    header = {p.get("type"): p.text for p in read_xml(tmp_path / "t.tmx").find("header")
              .findall("prop")}
    assert header["x-termtrans-engine"] == "marian"


@pytest.mark.parametrize("extra", [[], ["--bilingual"]])
def test_tmx_from_stdin(tmp_path, extra):
    res = translate("-", "-o", str(tmp_path / "out.txt"), "--tmx", str(tmp_path / "s.tmx"),
                    *extra, input="推进一带一路建设。\n")
    assert res.exit_code == 0, res.output
    unit = read_tmx_units(tmp_path / "s.tmx")[0]
    assert props(unit)["x-termtrans-document"] == ["<stdin>"]

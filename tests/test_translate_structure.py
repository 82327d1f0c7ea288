"""Structure survives translation: inline codes, formatting, notes, parts and earlier work.

Fixtures in tests/data/inline/ (see the README there): files written by translate-toolkit and
LibreOffice, and hand-written XLIFF 1.2 / 2.0 files with every inline element. A word-for-word
fake engine keeps placeholders where they stand; hostile ones drop, duplicate, reorder and re-case
them (tests/structure_engines.py).
"""
from __future__ import annotations

import copy
import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from lxml import etree

from cli import main
from termbase.aligned.xliff import read_xliff_segments
from termbase.glossary import parse_glossary
from termbase.inline import compare_codes, nesting_problems
from termbase.normalize import has_cjk
from termbase.xmlsafe import parse_xml
from tests.structure_engines import HOSTILE, hostile_engine, polite_engine
from tests.tiny_marian import GLOSSARY_CSV
from tests.xliff_structure import structure_problems, xsd_problems
from translate.documents import load_document
from translate.translator import Translator, translate_document

DATA = Path(__file__).resolve().parent / "data" / "inline"
X1 = "{urn:oasis:names:tc:xliff:document:1.2}"
X2 = "{urn:oasis:names:tc:xliff:document:2.0}"
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


@pytest.fixture(scope="module")
def glossary():
    g, problems = parse_glossary(GLOSSARY_CSV, "test-glossary.csv")
    return g


def run(glossary, path: Path, engine, *, bilingual=False, **options):
    data = path.read_bytes()
    doc = load_document(data, path.name, **options)
    out, report = translate_document(doc, Translator(engine, glossary), bilingual=bilingual)
    return doc, out, report


def same(a, b) -> bool:
    """Two elements equal, whitespace after them aside."""
    a, b = copy.deepcopy(a), copy.deepcopy(b)
    a.tail = b.tail = None
    return etree.tostring(a) == etree.tostring(b)


def codes_kept(source, target) -> list:
    """Problems other than order: a missing, extra or badly nested code."""
    return [p for p in compare_codes(source, target) if p.kind != "order"]


# -- XLIFF --------------------------------------------------------------------------------------

def _segments(data: bytes):
    return {(s.id, s.mid): s for s in read_xliff_segments(parse_xml(data, "out.xlf"))}


@pytest.mark.parametrize("name", ["every-inline-1.2.xlf", "every-inline-2.0.xlf"])
def test_xliff_every_inline_element_comes_back(glossary, name, tmp_path):
    doc, out, report = run(glossary, DATA / name, polite_engine())
    before = _segments((DATA / name).read_bytes())
    after = _segments(out)
    filled = 0
    for key, seg in after.items():
        old = before[key]
        if doc.actions[list(before).index(key)] != "fill":
            continue
        filled += 1
        assert seg.target is not None and not codes_kept(seg.source, seg.target), key
        assert [c.match_key() for c in seg.target.codes] == [c.match_key() for c in seg.source.codes]
        assert not has_cjk(seg.target.text.replace("TALK IN 重庆", "")), (key, seg.target.text)
        assert old.source == seg.source  # sources untouched
    assert filled >= 10
    assert report["summary"]["codes_appended"] == 0
    assert report["summary"]["codes"] >= 12
    path = tmp_path / name
    path.write_bytes(out)
    assert structure_problems(path) == []
    assert xsd_problems(path) in (None, [])


def test_xliff_1_2_targets_and_earlier_work(glossary):
    _, out, _ = run(glossary, DATA / "every-inline-1.2.xlf", polite_engine())
    root = etree.fromstring(out)
    src = etree.fromstring((DATA / "every-inline-1.2.xlf").read_bytes())
    tus = {tu.get("id"): tu for tu in root.iter(f"{X1}trans-unit")}
    old = {tu.get("id"): tu for tu in src.iter(f"{X1}trans-unit")}

    def target(i):
        return tus[i].find(f"{X1}target")

    def alts(i, kind=None):
        return [a for a in tus[i].findall(f"{X1}alt-trans")
                if kind is None or a.get("alttranstype") == kind]

    # the native code inside <bpt> never reached the engine, the target keeps it
    assert etree.tostring(target("bpt-ept"), encoding="unicode").count("&lt;b&gt;</bpt>") == 1
    assert "".join(target("g").itertext()) == "We strengthen international communication."
    assert target("g").find(f"{X1}g").text == "international communication"
    assert target("g").get("state") == "needs-review-translation"
    assert target("g").get("state-qualifier") == "leveraged-mt"
    # a translator's draft from a TM, needs-adaptation, translated, no state: kept, MT offered
    for i in ("tm-draft", "needs-adaptation", "translated", "no-state"):
        assert same(target(i), old[i].find(f"{X1}target")), i
        [alt] = alts(i, "proposal")
        assert alt.get("origin") == "termtrans" and alt.find(f"{X1}target") is not None
    assert alts("tm-draft", "proposal")[0].find(f"{X1}target").find(f"{X1}g") is not None
    # final, signed-off, approved: kept, no suggestion at all; translate="no": untouched
    for i in ("final", "signed-off", "approved", "translate-no"):
        assert same(tus[i], old[i]), i
    # new / needs-translation are filled; a draft that was there moves to previous-version
    assert target("new").text == "The weather is good today."
    [prev] = alts("needs-translation-draft", "previous-version")
    assert prev.find(f"{X1}target").text == "The meeting in Chongqing"
    assert target("needs-translation-draft").get("state") == "needs-review-translation"
    # seg-source: one target segment per source segment, inter-segment space kept
    seg_target = target("seg-source")
    marks = seg_target.findall(f"{X1}mrk")
    assert [m.get("mid") for m in marks] == ["1", "2"] and marks[0].tail == " "
    assert marks[1].find(f"{X1}g").text == "beautiful"
    # the header names the tool, with the signature
    tools = [t.get("tool-id") for t in root.iter(f"{X1}tool")]
    assert tools == ["handmade", "termtrans"]


def test_xliff_1_2_partly_translated_segments(glossary):
    _, out, _ = run(glossary, DATA / "every-inline-1.2.xlf", polite_engine())
    tu = next(t for t in etree.fromstring(out).iter(f"{X1}trans-unit")
              if t.get("id") == "seg-source-partly-done")
    marks = {m.get("mid"): "".join(m.itertext()) for m in tu.find(f"{X1}target").iter(f"{X1}mrk")}
    assert marks == {"1": "The work achieved results.", "2": "This is good news."}


def test_xliff_2_states_and_notes(glossary):
    _, out, _ = run(glossary, DATA / "every-inline-2.0.xlf", polite_engine())
    root = etree.fromstring(out)
    old = {u.get("id"): u for u in etree.fromstring(
        (DATA / "every-inline-2.0.xlf").read_bytes()).iter(f"{X2}unit")}
    units = {u.get("id"): u for u in root.iter(f"{X2}unit")}
    seg = units["pc"].find(f"{X2}segment")
    assert (seg.get("state"), seg.get("subState")) == ("translated", "termtrans:mt")
    pc = seg.find(f"{X2}target/{X2}pc")
    assert pc.get("dataRefStart") == "d1" and pc.text == "international communication"
    ec = units["sc-ec"].find(f"{X2}segment/{X2}target/{X2}ec")
    assert ec.get("startRef") == "1"
    # translated, reviewed, a draft in initial: kept, with a note; final: untouched
    for i in ("translated", "reviewed", "initial-draft"):
        kept = units[i].find(f"{X2}segment/{X2}target")
        assert same(kept, old[i].find(f"{X2}segment/{X2}target"))
        notes = [n.text for n in units[i].iter(f"{X2}note") if n.get("category") == "termtrans"]
        assert any("target kept" in n for n in notes), i
    for i in ("final", "translate-no"):
        assert same(units[i], old[i]), i
    two = [s.find(f"{X2}target") for s in units["two-segments"].findall(f"{X2}segment")]
    assert [t.xpath("string()") for t in two] == ["The weather is good today.",
                                                   "The city very beautiful."]
    assert units["initial-empty"].find(f"{X2}segment").get("state") == "translated"


def test_overwrite_states(glossary):
    from translate.documents.xliff import parse_overwrite

    _, out, _ = run(glossary, DATA / "every-inline-1.2.xlf", polite_engine(),
                    overwrite=parse_overwrite("needs-review-translation,final"))
    tus = {tu.get("id"): tu for tu in etree.fromstring(out).iter(f"{X1}trans-unit")}
    t = tus["tm-draft"].find(f"{X1}target")
    assert "".join(t.itertext()) == "We strengthen international communication."
    prev = [a for a in tus["tm-draft"].findall(f"{X1}alt-trans")
            if a.get("alttranstype") == "previous-version"]
    assert "".join(prev[0].find(f"{X1}target").itertext()) == "We reinforce international communication."
    assert prev[0].find(f"{X1}target").get("state-qualifier") == "leveraged-tm"
    assert tus["final"].find(f"{X1}target").text == "The work achieved results."  # filled anew
    assert tus["signed-off"].find(f"{X1}target").text == "The city is beautiful."  # not named
    with pytest.raises(Exception, match="unknown XLIFF state 'done'"):
        parse_overwrite("done")
    assert "final" not in parse_overwrite("all") and "translated" in parse_overwrite("all")


def test_rerun_never_overwrites_the_draft(glossary, tmp_path):
    _, first, _ = run(glossary, DATA / "every-inline-1.2.xlf", polite_engine())
    path = tmp_path / "once.xlf"
    path.write_bytes(first)
    _, second, _ = run(glossary, path, hostile_engine("drop-all"))
    a = {tu.get("id"): tu.find(f"{X1}target") for tu in etree.fromstring(first).iter(f"{X1}trans-unit")}
    b = {tu.get("id"): tu.find(f"{X1}target") for tu in etree.fromstring(second).iter(f"{X1}trans-unit")}
    for i in a:
        if a[i] is not None:
            assert same(a[i], b[i]), i


@pytest.mark.parametrize("name, codes", [
    ("structure.odt.xlf", 14),  # translate-toolkit odf2xliff: <g> pairs and <x/>
    ("messages.xlf", 0),        # translate-toolkit po2xliff: placeholders are text
    ("messages.xliff2.xlf", 0),  # translate-toolkit's XLIFF 2.0 storage
])
def test_files_from_translate_toolkit(glossary, name, codes, tmp_path):
    doc, out, report = run(glossary, DATA / name, polite_engine(), fmt="xliff")
    before = _segments((DATA / name).read_bytes())
    after = _segments(out)
    assert sum(len(s.source.codes) for s in before.values()) == codes
    for key, seg in after.items():
        if doc.actions[list(before).index(key)] != "fill":
            continue
        assert not codes_kept(seg.source, seg.target), key
        for literal in re.findall(r"%\d?\$?[sd]|\{\w+\}|https?://\S+?/|\S+@\S+\.cn", seg.source.text):
            assert literal in seg.target.text, (literal, seg.target.text)
    assert report["summary"]["codes_appended"] == 0


# -- hostile engines ----------------------------------------------------------------------------

@pytest.mark.parametrize("kind", sorted(HOSTILE))
@pytest.mark.parametrize("constraints", [False, True])
def test_hostile_engine_never_loses_a_code(glossary, kind, constraints, tmp_path):
    engine = hostile_engine(kind, constraints=constraints)
    doc, out, report = run(glossary, DATA / "every-inline-1.2.xlf", engine)
    before = _segments((DATA / "every-inline-1.2.xlf").read_bytes())
    after = _segments(out)
    for key, seg in after.items():
        if doc.actions[list(before).index(key)] != "fill":
            continue
        assert not codes_kept(seg.source, seg.target), (kind, key, seg.target.display())
        assert not re.search(r"TAG|Tag \d|tag\d", seg.target.text), seg.target.text
    appended = report["summary"]["codes_appended"]
    assert appended == len(report["code_failures"])
    if kind in ("drop", "drop-all") and not constraints:
        assert appended > 0  # reported, never silent
        assert all(f["problem"] for f in report["code_failures"])
    if kind in ("recase", "lower", "duplicate", "reorder"):
        assert appended == 0
    if constraints and kind == "drop-all":
        # the constrained decoder forces the placeholders back, but after all the words: the
        # pairs come back around no words, which is reported too
        assert {f["problem"].split(":")[0] for f in report["code_failures"]} == {
            "the engine put this pair around no words"}
    path = tmp_path / "out.xlf"
    path.write_bytes(out)
    assert structure_problems(path) == []
    assert xsd_problems(path) in (None, [])


def test_dropped_code_recovered_from_nbest(glossary):
    engine = hostile_engine("drop", nbest_too=False)
    _, out, report = run(glossary, DATA / "every-inline-1.2.xlf", engine)
    recovered = [c for s in report["segments"] for c in s.get("codes", [])
                 if "n-best" in (c.get("recovery") or "")]
    assert recovered and report["summary"]["codes_appended"] == 0


# -- Word ---------------------------------------------------------------------------------------

def _docx_texts(data: bytes):
    from termbase.inline.docx import read_docx_paragraphs

    return read_docx_paragraphs(data, "out.docx")


def test_docx_every_part_translated(glossary):
    doc, out, report = run(glossary, DATA / "structure.docx", polite_engine())
    paragraphs = _docx_texts(out)
    where = [loc for loc, _ in paragraphs]
    for part in ("footnote", "endnote", "comment", "header", "footer", "text box", "table"):
        assert any(part in loc for loc in where), part
    left = [(loc, p.text) for loc, p in paragraphs if has_cjk(p.text)]
    assert left == []
    # the text box is its own paragraph, not merged into the one that anchors it
    anchor = next(p for loc, p in paragraphs if loc == "body paragraph 8")
    assert anchor.text == "This is good news." and [c.type for c in anchor.codes] == ["drawing"]
    assert report["summary"]["codes_appended"] == 0


def test_docx_formatting_follows_the_words(glossary):
    import docx

    _, out, _ = run(glossary, DATA / "structure.docx", polite_engine())
    import io

    d = docx.Document(io.BytesIO(out))
    bold = [r.text for r in d.paragraphs[1].runs if r.bold]
    assert bold == ["international communication"]
    italic = [(r.text, str(r.font.color.rgb)) for r in d.paragraphs[3].runs if r.italic]
    assert italic == [("The city", "C9211E")]
    underlined = [r.text for r in d.paragraphs[-1].runs if r.underline]
    assert underlined == ["opening-up"]
    # the hyperlink keeps its target and holds the translated link text
    link = d.paragraphs[2]._p.find(".//{http://schemas.openxmlformats.org/wordprocessingml/2006/main}hyperlink")
    rid = link.get("{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id")
    assert d.part.rels[rid].target_ref == "https://www.cq.gov.cn/"
    assert link.xpath("string()") == "Chongqing"
    # footnote reference still there; footnote text translated
    assert d.paragraphs[1]._p.xpath("count(.//w:footnoteReference)") == 1


def test_docx_properties_added_not_overwritten(glossary):
    import io
    import zipfile

    import docx

    _, out, _ = run(glossary, DATA / "structure.docx", polite_engine())
    # the signature needs translate_document's signature: check through the CLI-like path
    d = docx.Document(io.BytesIO(out))
    assert d.core_properties.comments == "原始备注：请勿删除"
    props = zipfile.ZipFile(io.BytesIO(out)).read("docProps/custom.xml").decode()
    assert "termtrans.glossary_sha256" in props and "termtrans.engine" in props


def test_docx_bilingual_unique_notes_and_list_numbers(glossary):
    import io

    import docx

    _, out, _ = run(glossary, DATA / "structure.docx", polite_engine(), bilingual=True)
    d = docx.Document(io.BytesIO(out))
    body = d.element.body
    assert body.xpath("count(.//w:footnoteReference)") == 1
    assert body.xpath("count(.//w:endnoteReference)") == 1
    assert body.xpath("count(.//w:commentReference)") == 1
    assert body.xpath("count(.//w:bookmarkStart)") == 1
    numbered = [p for p in d.paragraphs if p._p.pPr is not None and p._p.pPr.numPr is not None]
    first = next(i for i, p in enumerate(numbered) if p._p.pPr.numPr.numId.val == 2)
    numbered = numbered[first:first + 6]
    ids = [p._p.pPr.numPr.numId.val for p in numbered]
    assert ids == [2, 0, 2, 0, 2, 0]  # each English line follows its item, unnumbered
    texts = [p.text for p in numbered]
    assert texts[:2] == ["今天天气很好。", "The weather is good today."]
    # the text box holds both languages (and its VML copy too)
    boxes = body.xpath(".//w:txbxContent")
    assert len(boxes) == 2 and all(len(b.findall(f".//{W}p")) == 2 for b in boxes)


@pytest.mark.parametrize("kind", sorted(HOSTILE))
def test_docx_hostile_engine(glossary, kind):
    _, out, report = run(glossary, DATA / "structure.docx", hostile_engine(kind))
    before = dict(_docx_texts((DATA / "structure.docx").read_bytes()))
    after = dict(_docx_texts(out))
    for loc, source in before.items():
        target = after[loc]
        for problem in codes_kept(source, target):
            # a formatting pair whose words the engine lost comes back empty: Word has no empty
            # run to keep, and the report says so
            assert problem.kind == "missing" and problem.code.type == "fmt", (kind, loc)
            assert any(f["location"] == loc and f["type"] == "fmt"
                       for f in report["code_failures"]), (kind, loc)
    assert report["summary"]["codes_appended"] == len(report["code_failures"])


# -- Markdown -----------------------------------------------------------------------------------

MD = ("# 讲好重庆故事\n\n"
      "请访问[重庆市政府网站](https://www.cq.gov.cn/)和`termtrans check`。\n"
      "**重要**：我们加强国际传播。\n\n"
      "| 中文 | 英文 |\n|---|---|\n| 城市 | x |\n")


def test_markdown_sentence_with_link_and_code_is_one_segment(glossary, tmp_path):
    src = tmp_path / "a.md"
    src.write_text(MD, encoding="utf-8")
    engine = polite_engine()
    _, out, report = run(glossary, src, engine)
    lines = out.decode("utf-8").split("\n")
    assert lines[2] == ("Please visit [the Chongqing government website](https://www.cq.gov.cn/) "
                        "and `termtrans check`.")
    assert lines[3] == "**Important**: we strengthen international communication."
    sent = [s for call in engine.calls for s in call["sentences"]]
    assert "请访问TAG0重庆市政府网站TAG1和TAG2。" in sent  # one sentence, not fragments
    assert not any(s in ("请访问", "和", "。") for s in sent)


def test_markdown_bilingual_table_keeps_its_header(glossary, tmp_path):
    src = tmp_path / "a.md"
    src.write_text(MD, encoding="utf-8")
    _, out, _ = run(glossary, src, polite_engine(), bilingual=True)
    lines = out.decode("utf-8").split("\n")
    i = lines.index("| 中文 | 英文 |")
    assert lines[i + 1] == "|---|---|"
    assert lines[i + 2] == "| Chinese | English |"
    assert lines[i + 3:i + 5] == ["| 城市 | x |", "| The city | x |"]


def test_markdown_hostile_engine_keeps_markup(glossary, tmp_path):
    from termbase.inline.markdown import parse_inline

    src = tmp_path / "a.md"
    src.write_text(MD, encoding="utf-8")
    for kind in HOSTILE:
        _, out, report = run(glossary, src, hostile_engine(kind))
        line = out.decode("utf-8").split("\n")[2]
        got = parse_inline(line)
        assert sorted(c.native for c in got.codes) == sorted(
            ["[", "](https://www.cq.gov.cn/)", "`termtrans check`"]), (kind, line)
        assert not nesting_problems(got)


# -- through the CLI, with the tiny model -------------------------------------------------------

@pytest.fixture
def gloss_file(tmp_path) -> Path:
    path = tmp_path / "glossary.csv"
    path.write_text(GLOSSARY_CSV, encoding="utf-8")
    return path


@pytest.mark.usefixtures("one_torch_thread")
@pytest.mark.parametrize("name", ["every-inline-1.2.xlf", "every-inline-2.0.xlf", "structure.docx",
                                  "structure.odt.xlf"])
def test_tiny_model_keeps_every_code(name, tiny_model_dir, gloss_file, tmp_path):
    out = tmp_path / ("out" + Path(name).suffix)
    res = CliRunner().invoke(main, ["--glossary", str(gloss_file), "translate", str(DATA / name),
                                    "-o", str(out), "--model", str(tiny_model_dir), "--report",
                                    str(tmp_path / "r.json"), "-q", "--format",
                                    "docx" if name.endswith("docx") else "xliff"],
                             catch_exceptions=False)
    assert res.exit_code == 0, res.output
    report = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    if name.endswith(".docx"):
        before = dict(_docx_texts((DATA / name).read_bytes()))
        after = dict(_docx_texts(out.read_bytes()))
        pairs = [(before[k], after[k]) for k in before]
    else:
        b = _segments((DATA / name).read_bytes())
        a = _segments(out.read_bytes())
        pairs = [(b[k].source, a[k].target) for k in b if a[k].target is not None
                 and b[k].target is None]
    for source, target in pairs:
        for problem in codes_kept(source, target):
            # only Word can lose a code: the formatting of words the engine lost (reported)
            assert name.endswith(".docx") and problem.code.type == "fmt", target.display()
            assert any(f["type"] == "fmt" for f in report["code_failures"])
        assert not re.search(r"\bTA\s?G?\s?\d", target.text), target.text
    s = report["summary"]
    assert s["codes_appended"] == len(report["code_failures"])
    assert s["codes"] == sum(s["code_methods"].values())
    if name.startswith("every-inline"):
        assert structure_problems(out) == []
        assert xsd_problems(out) in (None, [])


def test_formatting_around_a_glossary_term_travels_with_it(glossary):
    """<b>国际传播</b>: the engine sees only TERM0, the bold comes back with the term even from an
    engine that drops every TAG placeholder."""
    import io

    import docx

    engine = hostile_engine("drop-all")
    _, out, report = run(glossary, DATA / "structure.docx", engine)
    assert "我们加强TERM0。" in [s for call in engine.calls for s in call["sentences"]]
    d = docx.Document(io.BytesIO(out))
    assert [r.text for r in d.paragraphs[1].runs if r.bold] == ["international communication"]
    seg = next(s for s in report["segments"] if s["source"] == "我们加强国际传播。")
    assert [c["method"] for c in seg["codes"]] == ["placed", "placed", "outside"]


def test_markdown_fixture_all_codes_and_no_chinese_left(glossary):
    from termbase.inline.markdown import markdown_lines

    _, out, report = run(glossary, DATA / "structure.md", polite_engine())
    before = markdown_lines((DATA / "structure.md").read_text(encoding="utf-8"))
    after = markdown_lines(out.decode("utf-8"))
    assert [ln.kind for ln in after] == [ln.kind for ln in before]
    for a, b in zip(before, after):
        for source, target in zip(a.contents, b.contents):
            assert not codes_kept(source, target), target.display()
            assert not has_cjk(target.text), target.text
    assert report["summary"]["codes_appended"] == 0 and report["chinese_left"] == []


def test_chinese_left_by_the_engine_is_reported(glossary, tmp_path):
    from translate.engines.fake import FakeEngine
    from translate.report import summary_text

    src = tmp_path / "a.txt"
    src.write_text("今天天气很好。\n城市很美丽。\n", encoding="utf-8")
    engine = FakeEngine(script={"今天天气很好。": "The weather 很好 today."})
    _, _, report = run(glossary, src, engine)
    assert report["summary"]["segments_with_chinese"] == 1
    assert report["chinese_left"][0]["location"] == "line 1"
    assert "Chinese left by the engine: line 1: The weather 很好 today." in summary_text(report)

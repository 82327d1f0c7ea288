"""TMX inline codes both ways through the inline-markup model (termbase.inline.tmx), the one TMX
reader (read_tmx_units, the aligned reader, the glossary import) and the writer (_write_seg).

Real files: OmegaT 3.6's level-2 TMX of an HTML page and a .docx (``<bpt>/<ept>/<it>/<ph>``) and
translate-toolkit's po2tmx of PO messages with markup written as text (tests/data/interop)."""
from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from cli import main
from termbase.errors import OutputError
from termbase.inline import CLOSE, OPEN, STANDALONE, Code, InlineText, compare_codes
from termbase.inline.tmx import read_inline, tmx_type
from termbase.interop import import_glossary
from termbase.interop.tmx import TmxUnit, read_tmx_units, write_tmx
from termbase.xmlsafe import parse_xml

INTEROP = Path(__file__).resolve().parent / "data" / "interop"
OMEGAT = INTEROP / "omegat-inline-level2.tmx"
PO2TMX = INTEROP / "ttk-po2tmx-markup.tmx"
DATE = "20240101T000000Z"


def seg(xml: str):
    return parse_xml(f"<seg>{xml}</seg>".encode())


def codes(inline: InlineText):
    return [(c.kind, c.id, c.pair, c.type, c.native, c.isolated) for c in inline.codes]


# ---- reading --------------------------------------------------------------------------------
@pytest.mark.parametrize("xml,text,expected", [
    ('推进<bpt i="1" x="7" type="bold">&lt;b&gt;</bpt>一带一路<ept i="1">&lt;/b&gt;</ept>建设',
     "推进一带一路建设",
     [(OPEN, "7", "1", "bold", "<b>", False), (CLOSE, "7", "1", "bold", "</b>", False)]),
    # no x: the id is "i" + i; the ept takes its bpt's id and type
    ('<bpt i="2">{b}</bpt>重庆<ept i="2">{/b}</ept>', "重庆",
     [(OPEN, "i2", "2", "bpt", "{b}", False), (CLOSE, "i2", "2", "bpt", "{/b}", False)]),
    ('见图<ph x="3" type="image">&lt;img src="a.png"/&gt;</ph>。', "见图。",
     [(STANDALONE, "3", "", "image", '<img src="a.png"/>', False)]),
    ('会议<it pos="begin" x="0">&lt;b0&gt;</it>。', "会议。",
     [(OPEN, "0", "0", "it", "<b0>", True)]),
    ('参观了<it pos="end" x="0">&lt;/b0&gt;</it>园区', "参观了园区",
     [(CLOSE, "0", "0", "it", "</b0>", True)]),
    # <hi>: translatable text between an OPEN and a CLOSE, like XLIFF's <g>
    ('推进<hi x="4" type="x-term">一带一路</hi>建设', "推进一带一路建设",
     [(OPEN, "4", "hi:4", "x-term", "", False), (CLOSE, "4", "hi:4", "x-term", "", False)]),
    # <sub>: inside the native code, never translatable text
    ('<ph x="1">&lt;img alt="<sub>地图</sub>"/&gt;</ph>如图', "如图",
     [(STANDALONE, "1", "", "ph", '<img alt="地图"/>', False)]),
    ('旧式<ut>\\b</ut>代码', "旧式代码", [(STANDALONE, "", "", "ut", "\\b", False)]),
    ('纯文本 &lt;b&gt; %s {0}', "纯文本 <b> %s {0}", []),
])
def test_seg_content_read_as_inline_text(xml, text, expected):
    inline = read_inline(seg(xml))
    assert inline.text == text
    assert codes(inline) == expected


def test_unknown_element_keeps_its_text():
    inline = read_inline(seg('甲<foo x="1">乙</foo>丙'))
    assert inline.text == "甲乙丙"
    assert [c.kind for c in inline.codes] == [OPEN, CLOSE]


def test_omegat_level2_file_reads_with_codes():
    units = read_tmx_units(OMEGAT)
    assert len(units) == 10
    first = units[0]
    assert first.source.text == "重庆日报报道了华龙网的系列活动。"
    assert first.target.text == ("Chongqing Daily reported on the series of events of "
                                 "Huanglong Newsnet.")
    assert [c.native for c in first.source.codes] == ["<b0>", "</b0>", "<a1>", "</a1>"]
    assert first.source.display() == "⟨1⟩重庆日报⟨/1⟩报道了⟨2⟩华龙网⟨/2⟩的系列活动。"
    kinds = {c.attr("element") for u in units for c in u.source.codes}
    assert kinds == {"bpt", "ept", "it", "ph"}
    # every target carries its source's codes: no tag problem in OmegaT's own file
    assert all(compare_codes(u.source, u.target) == [] for u in units)


def test_read_tmx_units_api(tmp_path):
    """What the translation memory gets: InlineText sides, props, notes, tu attributes, line."""
    f = tmp_path / "m.tmx"
    f.write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n<tmx version="1.4"><header srclang="zh-CN" '
        'adminlang="en" segtype="sentence" o-tmf="x" creationtool="x" creationtoolversion="1" '
        'datatype="plaintext"/><body>\n'
        '<tu tuid="u1" changedate="20230405T060708Z" usagecount="3"><note>checked</note>'
        '<prop type="x-client">MFA</prop>'
        '<tuv xml:lang="en-US"><seg>Promote <bpt i="1" x="1">&lt;b&gt;</bpt>BRI'
        '<ept i="1">&lt;/b&gt;</ept>.</seg></tuv>'
        '<tuv xml:lang="zh-CN"><seg>推进<bpt i="1" x="1">&lt;b&gt;</bpt>一带一路'
        '<ept i="1">&lt;/b&gt;</ept>。</seg></tuv></tu>\n'
        '<tu><tuv xml:lang="zh-TW"><seg>只有中文</seg></tuv></tu>\n'
        '<tu><tuv xml:lang="en"><seg>English only</seg></tuv></tu>\n'
        '</body></tmx>\n', encoding="utf-8")
    units = read_tmx_units(f)
    assert len(units) == 2  # the unit without Chinese is left out
    u = units[0]
    assert (u.source_text, u.target_text) == ("推进一带一路。", "Promote BRI.")
    assert u.source.has_codes and u.target.has_codes
    assert u.props == (("x-client", "MFA"),) and u.prop("x-client") == "MFA"
    assert u.notes == ("checked",) and u.tuid == "u1" and u.line == 3
    assert dict(u.attrs) == {"changedate": "20230405T060708Z", "usagecount": "3"}
    assert units[1].target == InlineText()
    # the other direction
    assert [x.source_text for x in read_tmx_units(f, srclang="en", tgtlang="zh")] == \
        ["Promote BRI.", "English only"]


# ---- writing --------------------------------------------------------------------------------
def _written_segs(data: bytes):
    root = parse_xml(data)
    from lxml import etree

    return [etree.tostring(s, encoding="unicode").split(">", 1)[1].rsplit("</seg>", 1)[0]
            for s in root.iter("seg")]


B = Code(OPEN, pair="r1", type="bold", native="<b>", format="docx")
B_END = Code(CLOSE, pair="r1", type="bold", native="</b>", format="docx")
FN = Code(STANDALONE, type="fn", native="[1]", format="docx")
LINK_OPEN = Code(OPEN, pair="r9", type="link", native="<a>", format="docx")
LITERAL = Code(STANDALONE, type="placeholder", native="{0}", format="text")
G = Code(OPEN, id="5", pair="g:5", type="x-html-i", format="xliff1",
         markup='<g xmlns="urn:oasis:names:tc:xliff:document:1.2" id="5" ctype="x-html-i"/>')
G_END = Code(CLOSE, id="5", pair="g:5", type="x-html-i", format="xliff1")


@pytest.mark.parametrize("source,target,segs", [
    # a pair inside the segment: bpt/ept; x links source and target, i = the bpt's x
    (InlineText(["推进", B, "一带一路", B_END, "建设。"]),
     InlineText(["Promote the ", B, "BRI", B_END, "."]),
     ['推进<bpt i="1" x="1" type="bold">&lt;b&gt;</bpt>一带一路<ept i="1">&lt;/b&gt;</ept>建设。',
      'Promote the <bpt i="1" x="1" type="bold">&lt;b&gt;</bpt>BRI<ept i="1">&lt;/b&gt;</ept>.']),
    # standalone: ph; a code whose partner is in another segment: it; a literal stays text
    (InlineText(["见", FN, "。", LINK_OPEN, "第", LITERAL]),
     InlineText([LINK_OPEN, "See", FN, " ", LITERAL]),
     ['见<ph x="1" type="fnote">[1]</ph>。<it pos="begin" x="2" type="link">&lt;a&gt;</it>第{0}',
      '<it pos="begin" x="2" type="link">&lt;a&gt;</it>See<ph x="1" type="fnote">[1]</ph> {0}']),
    # target codes in another order keep their x
    (InlineText([B, "甲", B_END, FN]), InlineText([FN, B, "A", B_END]),
     ['<bpt i="1" x="1" type="bold">&lt;b&gt;</bpt>甲<ept i="1">&lt;/b&gt;</ept><ph x="2" '
      'type="fnote">[1]</ph>',
      '<ph x="2" type="fnote">[1]</ph><bpt i="1" x="1" type="bold">&lt;b&gt;</bpt>A<ept i="1">'
      '&lt;/b&gt;</ept>']),
    # XLIFF <g> (no native code): an empty bpt/ept pair of its type
    (InlineText(["推进", G, "一带一路", G_END]), InlineText(["Promote ", G, "BRI", G_END]),
     ['推进<bpt i="1" x="1" type="italic"/>一带一路<ept i="1"/>',
      'Promote <bpt i="1" x="1" type="italic"/>BRI<ept i="1"/>']),
])
def test_codes_of_other_formats_written_as_tmx(source, target, segs):
    from termbase.inline.patterns import unprotect_literals

    data = write_tmx([TmxUnit(source, target)], creationdate=DATE)
    assert _written_segs(data) == segs
    back = read_tmx_units_from_bytes(data)[0]
    assert back.source.text == unprotect_literals(source).text
    assert back.target.text == unprotect_literals(target).text

    def problems(s, t):
        return [(p.kind, p.message) for p in compare_codes(s, t)]

    # a code without its partner comes back as isolated (<it>): no longer "never closed"
    assert problems(back.source, back.target) == [p for p in problems(source, target)
                                                  if p[0] != "nesting"]


def read_tmx_units_from_bytes(data: bytes):
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "written.tmx"
        path.write_bytes(data)
        return read_tmx_units(path)


@pytest.mark.parametrize("code_type,expected", [
    ("bold", "bold"), ("b", "bold"), ("fn", "fnote"), ("lb", "lb"), ("x-html-a", "link"),
    ("x-own", "x-own"), ("fmt", "x-fmt"), ("field code", "x-field-code"), ("", "")])
def test_tmx_type_of_other_formats(code_type, expected):
    assert tmx_type(Code(STANDALONE, type=code_type)) == expected


def test_a_tmx_pair_cut_by_a_segment_boundary_becomes_isolated_codes():
    inline = read_inline(seg('<bpt i="1" x="3" type="bold">&lt;b&gt;</bpt>甲<ept i="1">&lt;/b&gt;'
                             '</ept>'))
    opener, closer = inline.codes
    first, second = InlineText(["甲", opener]), InlineText([closer, "乙"])
    data = write_tmx([TmxUnit(first, ""), TmxUnit(second, "")], creationdate=DATE)
    assert _written_segs(data) == ['甲<it pos="begin" x="3" type="bold">&lt;b&gt;</it>',
                                   '<it pos="end" x="3">&lt;/b&gt;</it>乙']


def test_crossing_hi_elements_are_written_as_bpt_ept():
    inline = read_inline(seg('<hi x="1">甲<hi x="2">乙</hi></hi>'))
    a_open, b_open, b_close, a_close = inline.codes
    crossing = InlineText([a_open, "甲", b_open, "乙", a_close, b_close])
    written = _written_segs(write_tmx([TmxUnit(crossing, "")], creationdate=DATE))[0]
    assert "<hi" not in written and written.count("<bpt") == 2 and written.count("<ept") == 2
    nested = _written_segs(write_tmx([TmxUnit(inline, "")], creationdate=DATE))[0]
    assert nested == '<hi x="1">甲<hi x="2">乙</hi></hi>'


def test_a_segment_of_codes_only_is_not_indented():
    only = read_inline(seg('<ph x="1">&lt;br/&gt;</ph><ph x="2">&lt;br/&gt;</ph>'))
    data = write_tmx([TmxUnit(only, only)], creationdate=DATE)
    assert _written_segs(data)[0] == '<ph x="1">&lt;br/&gt;</ph><ph x="2">&lt;br/&gt;</ph>'
    assert read_tmx_units_from_bytes(data)[0].source == only


def test_a_character_xml_cannot_hold_is_one_error():
    with pytest.raises(OutputError, match="character XML does not allow"):
        write_tmx([TmxUnit(InlineText(["甲\x01", FN]), "A")], path="out.tmx")


# ---- round trips of the real tools' files ---------------------------------------------------
@pytest.mark.parametrize("name,srclang,tgtlang", [
    ("omegat-inline-level2.tmx", "zh-CN", "en-US"), ("ttk-po2tmx-markup.tmx", "zh-CN", "en"),
    ("omegat-level2.tmx", "zh-CN", "en-US"), ("ttk-po2tmx.tmx", "zh-CN", "en")])
def test_tool_tmx_round_trips_with_codes_intact(tmp_path, name, srclang, tgtlang):
    original = INTEROP / name
    units = read_tmx_units(original)
    out = tmp_path / name
    out.write_bytes(write_tmx(units, srclang=srclang, tgtlang=tgtlang, creationdate=DATE))
    again = read_tmx_units(out)
    assert [(u.source, u.target) for u in again] == [(u.source, u.target) for u in units]
    # each segment is written back as the tool wrote it, element for element
    assert _written_segs(out.read_bytes()) == _written_segs(original.read_bytes())


def test_po2tmx_markup_is_text_and_the_placeholder_check_sees_it(tmp_path):
    units = read_tmx_units(PO2TMX)
    assert not any(u.source.has_codes for u in units)  # po2tmx writes markup as text
    assert units[0].source.text.startswith("<b>重庆日报</b>报道了<a href=")
    broken = tmp_path / "broken.tmx"
    broken.write_text(PO2TMX.read_text(encoding="utf-8").replace(
        "%d delegations visited %s.", "%d delegations visited."), encoding="utf-8")
    res = CliRunner().invoke(main, ["check", str(broken), "--format", "json"])
    assert res.exit_code == 1
    import json

    issues = json.loads(res.stdout)["issues"]
    assert any(i["check"] == "placeholder-mismatch" and i["span"] == "%s" for i in issues)
    clean = CliRunner().invoke(main, ["check", str(PO2TMX), "--only", "placeholder-mismatch"])
    assert clean.exit_code == 0, clean.output


# ---- check and extract on TMX with codes ----------------------------------------------------
def test_check_finds_a_tag_dropped_in_a_tmx_target(tmp_path):
    clean = CliRunner().invoke(main, ["check", str(OMEGAT), "--only", "tag-mismatch"])
    assert clean.exit_code == 0, clean.output
    text = OMEGAT.read_text(encoding="utf-8")
    target = ('Huanglong Newsnet<ept i="1">&lt;/a1&gt;</ept>.</seg>')
    assert text.count(target) == 1
    broken = tmp_path / "broken.tmx"
    broken.write_text(text.replace(target, "Huanglong Newsnet.</seg>"), encoding="utf-8")
    res = CliRunner().invoke(main, ["check", str(broken), "--only", "tag-mismatch", "--format",
                                    "json"])
    assert res.exit_code == 1
    import json

    issues = json.loads(res.stdout)["issues"]
    assert [(i["rule"], i["span"]) for i in issues] == [("tag-missing", "</a1>"),
                                                        ("tag-nesting", "<a1>")]
    assert issues[0]["location"].startswith(f"{broken}:7")


def test_extract_and_pairs_read_the_text_without_codes():
    from termbase.aligned import read_aligned

    pairs = read_aligned(OMEGAT)
    assert pairs[0].source == "重庆日报报道了华龙网的系列活动。"
    assert pairs[0].source_inline is not None and pairs[0].source_inline.has_codes
    res = CliRunner().invoke(main, ["terms", "extract", str(OMEGAT), "--format", "csv",
                                    "--min-score", "0"])
    assert res.exit_code == 0, res.output
    assert "<b0>" not in res.stdout and "a1" not in res.stdout


def test_glossary_import_of_tmx_with_codes_keeps_the_text():
    result = import_glossary(OMEGAT)
    terms = {e.term: e.preferred for e in result.entries}
    assert terms["推进“一带一路”建设。"] == "Promote the Belt and Road Initiative."
    assert terms["详见第3页。"] == "See page 3."
    assert not any("<" in e.term or "<" in e.preferred for e in result.entries)

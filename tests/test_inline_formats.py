"""Each format's inline markup ⇄ the inline-markup model: XLIFF 1.x/2.x, Markdown, Word."""
from __future__ import annotations

from pathlib import Path

import pytest
from lxml import etree

from termbase.aligned import read_aligned
from termbase.aligned.xliff import read_xliff_segments
from termbase.inline import CLOSE, OPEN, STANDALONE
from termbase.inline.docx import read_docx_paragraphs, visible_text
from termbase.inline.markdown import markdown_lines, parse_inline, render_inline, render_line
from termbase.inline.xliff import read_inline, write_inline
from termbase.xmlsafe import parse_xml

DATA = Path(__file__).resolve().parent / "data" / "inline"
X1 = "urn:oasis:names:tc:xliff:document:1.2"
X2 = "urn:oasis:names:tc:xliff:document:2.0"


def _el(xml: str, ns: str = X1):
    return etree.fromstring(f'<source xmlns="{ns}">{xml}</source>')


@pytest.mark.parametrize("xml, text, kinds, types", [
    ('我们<g id="1" ctype="bold">加强</g>。', "我们加强。", [OPEN, CLOSE], ["bold", "bold"]),
    ('一<x id="1"/>二', "一二", [STANDALONE], ["x"]),
    ('<bx id="1" rid="a"/>一<ex id="2" rid="a"/>', "一", [OPEN, CLOSE], ["bx", "ex"]),
    ('<bpt id="1">&lt;b&gt;</bpt>一<ept id="1">&lt;/b&gt;</ept>', "一", [OPEN, CLOSE], ["bpt", "ept"]),
    ('一<ph id="1">{0}</ph>', "一", [STANDALONE], ["ph"]),
    ('<it id="1" pos="close">&lt;/i&gt;</it>一', "一", [CLOSE], ["it"]),
    ('会议在<mrk mtype="term">重庆</mrk>举行', "会议在重庆举行", [OPEN, CLOSE], ["term", "term"]),
    ('<mrk mtype="protected">TALK</mrk>开幕', "开幕", [STANDALONE], ["mrk"]),
    ('<ph id="1">&lt;img alt="<sub>城市</sub>"/&gt;</ph>城', "城", [STANDALONE], ["ph"]),
])
def test_xliff1_inline_read_and_written_back(xml, text, kinds, types):
    source = _el(xml)
    inline = read_inline(source, 1)
    assert inline.text == text
    assert [c.kind for c in inline.codes] == kinds and [c.type for c in inline.codes] == types
    assert all(c.format == "xliff1" for c in inline.codes)
    target = etree.Element(f"{{{X1}}}target", nsmap={None: X1})
    assert write_inline(target, inline, 1) == []
    assert etree.tostring(target).replace(b"target", b"source") == etree.tostring(source)


def test_xliff1_pairs_and_native_code():
    inline = read_inline(_el('<bpt id="1" rid="9">&lt;b&gt;</bpt>一<ept id="2" rid="9">&lt;/b&gt;</ept>'
                             '<it id="3" pos="open">&lt;i&gt;</it>'), 1)
    bpt, ept, it = inline.codes
    assert (bpt.pair, ept.pair, bpt.native, ept.native) == ("9", "9", "<b>", "</b>")
    assert it.isolated and it.native == "<i>"


@pytest.mark.parametrize("xml, text, kinds", [
    ('我们<pc id="1" dataRefStart="d1" dataRefEnd="d2">加强</pc>。', "我们加强。", [OPEN, CLOSE]),
    ('一<ph id="1" dataRef="d3"/>', "一", [STANDALONE]),
    ('<sc id="1"/>一<ec startRef="1"/>', "一", [OPEN, CLOSE]),
    ('<sc id="1" isolated="yes"/>一', "一", [OPEN]),
    ('<mrk id="m1" type="term">重庆</mrk>', "重庆", [OPEN, CLOSE]),
    ('<mrk id="m1" translate="no">TALK</mrk>开幕', "开幕", [STANDALONE]),
    ('<sm id="m1" type="comment"/>城市<em startRef="m1"/>', "城市", [OPEN, CLOSE]),
    ('A<cp hex="0001"/>B', "AB", [STANDALONE]),
])
def test_xliff2_inline_read_and_written_back(xml, text, kinds):
    data = {"d1": "<b>", "d2": "</b>", "d3": "{0}"}
    source = _el(xml, X2)
    inline = read_inline(source, 2, data)
    assert inline.text == text and [c.kind for c in inline.codes] == kinds
    target = etree.Element(f"{{{X2}}}target", nsmap={None: X2})
    write_inline(target, inline, 2)
    assert etree.tostring(target).replace(b"target", b"source") == etree.tostring(source)


def test_xliff2_native_code_from_original_data():
    inline = read_inline(_el('我们<pc id="1" dataRefStart="d1" dataRefEnd="d2">加强</pc>', X2),
                         2, {"d1": "<b>", "d2": "</b>"})
    assert [c.native for c in inline.codes] == ["<b>", "</b>"]
    ec = read_inline(_el('<sc id="1"/>一<ec startRef="1"/>', X2), 2).codes[1]
    assert ec.match_key() == ("close", "1")


def test_one_xliff_reader_for_check_and_translate():
    """check reads the same text and codes translate does (the old check reader kept <g> text,
    the translate one flattened everything)."""
    root = parse_xml((DATA / "every-inline-1.2.xlf").read_bytes(), "x")
    segments = {(s.id, s.mid): s for s in read_xliff_segments(root)}
    pairs = read_aligned(DATA / "every-inline-1.2.xlf")
    assert len(pairs) == len(segments) - 1  # translate="no" is left out of checks
    by_loc = {p.location.rsplit("(", 1)[-1].rstrip(")"): p for p in pairs}
    bpt = by_loc["bpt-ept"]
    assert bpt.source == "华龙网报道了对外开放。" and len(bpt.source_inline.codes) == 2
    assert by_loc["seg-source#2"].source == "城市很美丽。"
    assert by_loc["tm-draft"].state == "needs-review-translation"
    assert by_loc["tm-draft"].target == "We reinforce international communication."
    assert segments[("seg-source", "2")].source.text == "城市很美丽。"


def test_xliff_1_1_from_translate_toolkit_is_read():
    pairs = read_aligned(DATA / "structure.odt.xlf")
    assert pairs[1].source == "我们加强国际传播。"
    assert [c.type for c in pairs[1].source_inline.codes] == ["g", "g", "x"]


@pytest.mark.parametrize("line, text, natives", [
    ("访问[重庆](https://a.cn/)和`code`。", "访问重庆和。", ["[", "](https://a.cn/)", "`code`"]),
    ("**重要**：请*注意*", "重要：请注意", ["**", "**", "*", "*"]),
    ("__粗__、_斜_、~~删~~", "粗、斜、删", ["__", "__", "_", "_", "~~", "~~"]),
    ("__粗__与", "__粗__与", []),  # CommonMark: no underscore emphasis next to a letter
    ("snake_case_name 不是强调", "snake_case_name 不是强调", []),
    ("见![图](a.png \"标题\")。", "见图。", ["![", '](a.png "标题")']),
    ("<b>粗体</b>和<br/>换行", "粗体和换行", ["<b>", "</b>", "<br/>"]),
    ("见 https://a.cn/x 和 <https://b.cn>。", "见  和 。", ["https://a.cn/x", "<https://b.cn>"]),
    ("``代码 ` 里``", "", ["``代码 ` 里``"]),
    ("\\*不是\\*强调", "不是强调", ["\\*", "\\*"]),
    ("[未闭合 和 ] 文本", "[未闭合 和 ] 文本", []),
    ("[参考][1]", "参考", ["[", "][1]"]),
])
def test_markdown_inline(line, text, natives):
    inline = parse_inline(line)
    assert inline.text == text
    assert [c.native for c in inline.codes] == natives
    assert render_inline(inline) == line


@pytest.mark.parametrize("line, kind, contents", [
    ("# 标题 ##", "text", ["标题"]),
    ("- [ ] 任务", "text", ["任务"]),
    ("> 1. 引用", "text", ["引用"]),
    ("| 中文 | `x` |", "table", ["中文", ""]),
    ("|---|:-:|", "rule", []),
    ("[1]: http://a.cn", "linkdef", []),
    ("<div>块</div>", "html", []),
    ("***", "thematic", []),
])
def test_markdown_lines(line, kind, contents):
    [md] = markdown_lines(line + "\n")
    assert md.kind == kind
    assert [c.text for c in md.contents] == contents
    assert render_line(md) + md.ending == line + "\n"


def test_markdown_fences_and_indented_code_are_literal():
    lines = markdown_lines("```\n代码\n```\n\n    缩进代码\n正文\n")
    assert [ln.kind for ln in lines] == ["fence", "fence", "fence", "blank", "code", "text"]


def test_docx_reader_finds_every_part():
    paragraphs = read_docx_paragraphs((DATA / "structure.docx").read_bytes(), "structure.docx")
    where = {loc: inline for loc, inline in paragraphs}
    assert where["body paragraph 2"].display() == "我们加强⟨1⟩国际传播⟨/1⟩。⟨2/⟩"
    assert [c.type for c in where["body paragraph 2"].codes] == ["fmt", "fmt", "fn"]
    link = where["body paragraph 3"]
    assert link.codes[0].type == "link" and link.codes[0].native == "<a href=https://www.cq.gov.cn/>"
    assert where["body paragraph 8"].text == "这是一个好消息。"  # the text box is not merged in
    assert where["body paragraph 8 text box 1 paragraph 1"].text == "我们欢迎外国朋友。"
    assert not any("fallback" in loc for loc in where)  # its VML copy is read once
    assert where["footnote 2 paragraph 1"].text == "这是一个好消息。"
    assert where["endnote 2 paragraph 1"].text == "城市很美丽。"
    assert where["comment 0 paragraph 1"].text == "工作取得了成绩。"
    assert where["section 1 header (default) paragraph 1"].text == "城市很美丽。"
    footer = where["section 1 footer (default) paragraph 1"]
    assert [c.type for c in footer.codes] == ["field"] and footer.codes[0].native == "{PAGE}"
    assert visible_text(footer) == "今天天气很好。1"
    bookmark = where["body paragraph 9"]
    assert [c.type for c in bookmark.codes] == ["bookmark", "bookmark", "fmt", "fmt", "endnote"]


def test_docx_codec_writes_back_what_it_read(tmp_path):
    """Reading and writing every paragraph unchanged gives the same paragraphs back."""
    import io

    from termbase.inline.docx import (ParagraphCodec, docx_paragraphs, docx_stories, load_docx,
                                      save_stories)

    data = (DATA / "structure.docx").read_bytes()
    document = load_docx(data, "x")
    stories = docx_stories(document)
    codecs = {}
    for ref in docx_paragraphs(document, stories):
        codec = codecs.setdefault(id(ref.story), ParagraphCodec(ref.story.part))
        read = codec.read(ref.element)
        codec.write(ref.element, read.inline, read.base_rpr)
    save_stories(stories)
    out = io.BytesIO()
    document.save(out)
    before = [(loc, i.display(), [c.native for c in i.codes])
              for loc, i in read_docx_paragraphs(data, "a")]
    after = [(loc, i.display(), [c.native for c in i.codes])
             for loc, i in read_docx_paragraphs(out.getvalue(), "b")]
    assert after == before


def test_docx_complex_field_with_chinese_result_is_a_pair():
    """A field whose result is Chinese (a cross-reference) is translated inside its codes; one
    with a number (PAGE) is one code."""
    from termbase.inline.docx import ParagraphCodec

    w = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    p = etree.fromstring(
        f'<w:p xmlns:w="{w}"><w:r><w:t>见</w:t></w:r>'
        '<w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText> REF _Ref1 \\h </w:instrText></w:r>'
        '<w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>第一章</w:t></w:r>'
        '<w:r><w:fldChar w:fldCharType="end"/></w:r><w:r><w:t>。</w:t></w:r></w:p>')
    read = ParagraphCodec().read(p)
    assert read.inline.display() == "见⟨1⟩第一章⟨/1⟩。"
    assert read.inline.codes[0].native == "{REF _Ref1 \\h}"


def test_xliff_2_1_is_read_and_written(tmp_path):
    from termbase.glossary import parse_glossary
    from tests.structure_engines import polite_engine
    from tests.tiny_marian import GLOSSARY_CSV
    from translate.documents import load_document
    from translate.translator import Translator, translate_document

    data = (DATA / "every-inline-2.0.xlf").read_bytes().replace(b'version="2.0"', b'version="2.1"')
    doc = load_document(data, "a.xlf")
    assert doc.version == "2.1" and doc.major == 2
    g, _ = parse_glossary(GLOSSARY_CSV, "g.csv")
    out, _ = translate_document(doc, Translator(polite_engine(), g))
    root = etree.fromstring(out)
    assert root.get("version") == "2.1"
    assert root.find(f".//{{{X2}}}unit[@id='pc']/{{{X2}}}segment").get("state") == "translated"

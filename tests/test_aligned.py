"""Aligned bilingual readers: parallel files, TSV/CSV, XLIFF, TMX, mixed documents."""
from __future__ import annotations

import pytest

from termbase.aligned import SegmentPair, read_aligned
from termbase.aligned.mixed import read_mixed_text, running_headers, split_passages
from termbase.errors import InputError


def write(path, text: str):
    path.write_text(text, encoding="utf-8")
    return path


# -- mixed documents ---------------------------------------------------------------------------

def test_mixed_sample_page_pairs(sample_page):
    pairs = read_aligned(sample_page)
    by_source = {p.source: p for p in pairs}
    heading = by_source["讲好重庆故事 提升城市形象美誉度"]
    assert heading.target == "Telling Good Stories of Chongqing to Improve City Image"
    assert by_source["全力做好党的二十大精神对内对外宣传工作"].target.startswith("Fully Carrying out")
    assert by_source["自身传播力影响力持续增强"].target == (
        "Continuing to Enhance Chongqings International Communication Ability and Influence")
    video = next(p for p in pairs if p.source.startswith("策划推出"))
    assert video.target.startswith("Brave but Absent Heroes")
    assert video.target.endswith("Macao SAR in Chongqing.")  # running header cut off
    contest = next(p for p in pairs if p.source.startswith("聚焦"))  # stray page number "6" dropped
    assert "TALK IN 重庆" in contest.source  # Latin inside Chinese stays Chinese
    assert contest.target.startswith("With three themes")  # heading glued before it was cut off
    # the first English paragraph precedes its Chinese on the page
    first = next(p for p in pairs if p.source.startswith("以大外事视角"))
    assert first.target.startswith("Chongqing promotes its image")


def test_mixed_sample_page_loses_no_text_but_furniture(sample_page):
    text = sample_page.read_text(encoding="utf-8")
    pairs = read_aligned(sample_page)
    kept = "".join(p.source + p.target for p in pairs)
    strip = lambda s: "".join(s.split())  # noqa: E731
    furniture = "".join(text[s:e] for s, e in running_headers(text))
    assert "The World and Chongqing" not in "".join(p.target for p in pairs)
    assert len(strip(kept)) >= len(strip(text)) - len(strip(furniture)) - 5
    assert any(p.target.startswith("We worked with") and p.note for p in pairs)


def test_running_headers_found_only_with_several_page_numbers():
    text = "60 The World and Chongqing 中文。The World and Chongqing 61 更多中文。"
    assert [text[s:e] for s, e in running_headers(text)] == ["60 The World and Chongqing",
                                                            "The World and Chongqing 61"]
    assert running_headers("In 2023 Chongqing Daily said. In 2024 Chongqing Daily said.") == []


def test_mixed_line_per_passage():
    pairs = read_mixed_text("第一段。\nParagraph one.\n\n第二段。\nParagraph two.\n", "doc.txt")
    assert [(p.source, p.target) for p in pairs] == [("第一段。", "Paragraph one."),
                                                     ("第二段。", "Paragraph two.")]
    assert pairs[1].location == "doc.txt:4:1"


def test_mixed_unpaired_passages_are_kept_with_a_note():
    pairs = read_mixed_text("只有中文的一段很长的文字。\n\n中文。\nEnglish.\n")
    assert pairs[0].target == "" and "no English" in pairs[0].note
    assert (pairs[1].source, pairs[1].target) == ("中文。", "English.")


def test_mixed_chinese_inside_english_stays_english():
    blocks, _ = split_passages("他说。He visited 重庆 last year.")
    kinds = [b.kind for b in blocks]
    assert kinds == ["zh", "en"]


# -- parallel files ----------------------------------------------------------------------------

def test_parallel_txt(tmp_path):
    src = write(tmp_path / "zh.txt", "第一段。\n\n第二段\n有两行。\n")
    tgt = write(tmp_path / "en.txt", "Paragraph one.\n\nParagraph two\nhas two lines.\n")
    pairs = read_aligned(src, tgt)
    assert [(p.source, p.target) for p in pairs] == [
        ("第一段。", "Paragraph one."), ("第二段有两行。", "Paragraph two has two lines.")]
    assert pairs[1].location == f"{src}:3"


def test_parallel_md_strips_markup(tmp_path):
    src = write(tmp_path / "zh.md", "# 标题\n\n**重点**内容。\n")
    tgt = write(tmp_path / "en.md", "# Title\n\n**Key** content.\n")
    pairs = read_aligned(src, tgt)
    assert [(p.source, p.target) for p in pairs] == [("标题", "Title"), ("重点内容。", "Key content.")]


def test_parallel_count_mismatch_is_aligned_with_the_gap_located(tmp_path):
    """Different paragraph counts no longer stop the run: the unpaired paragraph is a gap."""
    src = write(tmp_path / "zh.txt", "第一段有十个字左右。\n第二段2023年。\n第三段。\n")
    tgt = write(tmp_path / "en.txt", "The first paragraph has about ten words.\nThe third.\n")
    pairs = read_aligned(src, tgt)
    assert [(p.source, p.target, p.gap) for p in pairs] == [
        ("第一段有十个字左右。", "The first paragraph has about ten words.", ""),
        ("第二段2023年。", "", "missing-translation"),
        ("第三段。", "The third.", "")]
    gap = pairs[1]
    assert gap.location == f"{src}:2" and gap.line == 2
    assert f"between {tgt} lines 1 and 2" in gap.note


def test_parallel_docx(tmp_path):
    import docx

    def make(path, paras, table=None):
        d = docx.Document()
        for t in paras:
            d.add_paragraph(t)
        if table:
            cell = d.add_table(rows=1, cols=1).cell(0, 0)
            cell.text = table
        d.save(path)
        return path

    src = make(tmp_path / "zh.docx", ["第一段。", "", "第二段。"], table="表格。")
    tgt = make(tmp_path / "en.docx", ["One.", "Two."], table="Table.")
    pairs = read_aligned(src, tgt)
    assert [(p.source, p.target) for p in pairs] == [("第一段。", "One."), ("第二段。", "Two."),
                                                     ("表格。", "Table.")]


def test_docx_that_is_not_a_zip(tmp_path):
    bad = write(tmp_path / "bad.docx", "not a zip")
    with pytest.raises(InputError, match="not a .docx file"):
        read_aligned(bad, write(tmp_path / "en.txt", "x\n"))


# -- TSV / CSV ---------------------------------------------------------------------------------

@pytest.mark.parametrize("name,text", [
    ("a.tsv", "id\tzh\ten\n1\t中国\tChina\n2\t重庆\t\n"),
    ("a.csv", "source,target\n中国,China\n重庆,\n"),
    ("a.csv", "中文,英文\n中国,China\n重庆,\n"),
])
def test_delimited(tmp_path, name, text):
    pairs = read_aligned(write(tmp_path / name, text))
    assert [(p.source, p.target) for p in pairs] == [("中国", "China"), ("重庆", "")]
    assert pairs[0].location.startswith(f"{tmp_path / name}:2")


def test_delimited_without_language_columns(tmp_path):
    with pytest.raises(InputError, match="header row must name") as err:
        read_aligned(write(tmp_path / "a.tsv", "foo\tbar\n中国\tChina\n"))
    assert err.value.line == 1


def test_delimited_malformed_quoting(tmp_path):
    with pytest.raises(InputError, match="malformed") as err:
        read_aligned(write(tmp_path / "a.csv", 'zh,en\n中国,"China\n重庆,"x"y\n'))
    assert err.value.line is not None


# -- XLIFF / TMX -------------------------------------------------------------------------------

XLIFF = """<?xml version="1.0" encoding="UTF-8"?>
<xliff version="1.2" xmlns="urn:oasis:names:tc:xliff:document:1.2">
  <file original="r.docx" source-language="zh-CN" target-language="en" datatype="plaintext">
    <body>
      <trans-unit id="s1">
        <source>推进<g id="1">“一带一路”</g>建设<ph id="2">&lt;br/&gt;</ph>。</source>
        <target state="translated">Promote the <g id="1">Belt and Road Initiative</g>.</target>
      </trans-unit>
      <trans-unit id="s2"><source>重庆</source></trans-unit>
    </body>
  </file>
</xliff>
"""

TMX = """<?xml version="1.0" encoding="UTF-8"?>
<tmx version="1.4"><header srclang="zh-CN" datatype="plaintext" segtype="sentence"
 adminlang="en" creationtool="t" creationtoolversion="1" o-tmf="x"/>
<body>
<tu tuid="7"><tuv xml:lang="zh-CN"><seg>中国<bpt i="1">&lt;b&gt;</bpt>重庆<ept i="1">&lt;/b&gt;</ept></seg></tuv>
<tuv xml:lang="en-US"><seg>Chongqing, China</seg></tuv></tu>
<tu><tuv xml:lang="fr"><seg>Bonjour</seg></tuv></tu>
</body></tmx>
"""


def test_xliff(tmp_path):
    pairs = read_aligned(write(tmp_path / "a.xlf", XLIFF))
    assert [(p.source, p.target) for p in pairs] == [
        ("推进“一带一路”建设。", "Promote the Belt and Road Initiative."), ("重庆", "")]
    assert pairs[0].location.endswith("(s1)")


def test_tmx(tmp_path):
    pairs = read_aligned(write(tmp_path / "a.tmx", TMX))
    assert [(p.source, p.target) for p in pairs] == [("中国重庆", "Chongqing, China")]


def test_xml_sniffed_without_extension(tmp_path):
    assert read_aligned(write(tmp_path / "memory.xml", TMX))[0].target == "Chongqing, China"


@pytest.mark.parametrize("name,text,match", [
    ("a.xlf", '<?xml version="1.0"?>\n<!DOCTYPE x [<!ENTITY a "aaaa">]>\n<xliff version="1.2"/>',
     "entity declarations are refused"),
    # a DOCTYPE without internal subset is accepted and never loaded: /etc/passwd is not read
    ("a.tmx", '<?xml version="1.0"?>\n<!DOCTYPE tmx SYSTEM "file:///etc/passwd">\n<tmx/>',
     "no <tu> elements found"),
    ("a.xlf", '<xliff version="1.2"><file><body><trans-unit id="1"><source>x</source>',
     "malformed XML"),
    ("a.xlf", '<tmx version="1.4"><body/></tmx>', "not an XLIFF"),
    ("a.tmx", '<tmx version="1.4"><body><tu><tuv><seg>x</seg></tuv></tu></body></tmx>',
     "without xml:lang"),
    ("a.xlf", '<xliff version="1.2"><file><body><trans-unit id="1"><target>x</target>'
              '</trans-unit></body></file></xliff>', "without <source>"),
])
def test_bad_xml_is_an_input_error(tmp_path, name, text, match):
    with pytest.raises(InputError, match=match):
        read_aligned(write(tmp_path / name, text))


@pytest.mark.parametrize("data,match", [(b"", "empty"), (b"\x00\x01binary", "binary"),
                                        (b"\xff\xfe\x00\xd8", "UTF"), (b"caf\xe9\n", "UTF-8")])
def test_bad_text_is_an_input_error(tmp_path, data, match):
    p = tmp_path / "a.txt"
    p.write_bytes(data)
    with pytest.raises(InputError, match=match):
        read_aligned(p)


def test_segment_pair_defaults_kept():
    p = SegmentPair(0, "中国", "China")
    assert (p.location, p.note, p.line) == ("", "", 0)


def test_unknown_format_and_missing_file(tmp_path):
    with pytest.raises(InputError, match="unknown input format"):
        read_aligned(tmp_path / "x.txt", fmt="pdf")
    with pytest.raises(InputError, match="no such file"):
        read_aligned(tmp_path / "missing.txt")

"""Inline codes in projects: TMX/XLIFF memory units read with their codes, codes carried over on a
hit, the cache keyed by text and code places, and what the XLIFF writer says about each segment."""
from __future__ import annotations

import pytest
from lxml import etree

from termbase.glossary import load_glossary
from termbase.inline import CLOSE, OPEN, STANDALONE, Code, InlineText
from termbase.inline.tmx import read_inline
from termbase.xmlsafe import read_xml
from tests import project_helpers as helpers
from tests.xliff_structure import structure_problems
from translate.enforce import CODE_APPENDED, CODE_OUTSIDE, CODE_PLACED, SegmentResult
from translate.project import ProjectOptions, collect_inputs, plan_outputs, translate_project
from translate.segment_cache import SegmentCache, segment_key
from translate.tm import load_tm, match_key
from translate.tm.codes import codes_from_memory, move_codes

XLF = "{urn:oasis:names:tc:xliff:document:1.2}"
XLF2 = "{urn:oasis:names:tc:xliff:document:2.0}"


@pytest.fixture
def glossary(tmp_path):
    return load_glossary(helpers.write_glossary(tmp_path))


def _seg(xml: str) -> InlineText:
    return read_inline(etree.fromstring(f"<seg>{xml}</seg>"))


def _b(n: str, kind: str, type_: str = "bold") -> Code:
    return Code(kind, id=n, pair=n, type=type_, native="<b>" if kind == OPEN else "</b>",
                format="test")


# -- TMX segments ------------------------------------------------------------------------------------
@pytest.mark.parametrize("xml, display, text, ids", [
    # OmegaT's level-2 layout: bpt with i and x, ept with i only (it takes its bpt's x)
    ('<bpt i="0" x="0">&lt;b0&gt;</bpt>重庆日报<ept i="0">&lt;/b0&gt;</ept>报道了。',
     "⟨1⟩重庆日报⟨/1⟩报道了。", "重庆日报报道了。", ["0", "0"]),
    ('会议在重庆举行<it pos="begin" x="0">&lt;b0&gt;</it>。', "会议在重庆举行⟨1⟩。", "会议在重庆举行。",
     ["0"]),
    ('您有<ph x="1">{0}</ph>条消息。', "您有⟨1/⟩条消息。", "您有条消息。", ["1"]),
    ('<ph x="2">&lt;img alt="<sub>城市</sub>"/&gt;</ph>城市很美丽。', "⟨1/⟩城市很美丽。", "城市很美丽。",
     ["2"]),
    ('我们<hi type="bold">加强</hi>国际传播。', "我们⟨1⟩加强⟨/1⟩国际传播。", "我们加强国际传播。", ["", ""]),
    ('<ut>{\\b}</ut>重庆', "⟨1/⟩重庆", "重庆", [""]),
])
def test_tmx_segments_read_with_their_codes(xml, display, text, ids):
    inline = _seg(xml)
    assert (inline.display(), inline.text, [c.id for c in inline.codes]) == (display, text, ids)
    assert all(c.format == "tmx" for c in inline.codes)
    # each element is kept as markup (a <hi>'s on its opening code: its close is implied)
    assert all(c.markup.startswith("<") for c in inline.codes if c.markup)
    assert inline.codes[0].markup.startswith("<")


def test_memories_keep_the_codes_of_tmx_and_xliff_units(tmp_path):
    tmx = tmp_path / "m.tmx"
    tmx.write_text(helpers.TMX.format(units=(
        '<tu><tuv xml:lang="zh-CN"><seg>我们<bpt i="1" x="1">&lt;b&gt;</bpt>加强<ept i="1">'
        '&lt;/b&gt;</ept>国际传播。</seg></tuv><tuv xml:lang="en-US"><seg>We <bpt i="1" x="1">'
        '&lt;b&gt;</bpt>strengthen<ept i="1">&lt;/b&gt;</ept> international communication.</seg>'
        '</tuv></tu><tu><tuv xml:lang="zh-CN"><seg>城市很美丽。</seg></tuv><tuv xml:lang="en">'
        '<seg>The city is beautiful.</seg></tuv></tu>')), encoding="utf-8")
    xlf = tmp_path / "m.xlf"
    xlf.write_text(helpers.XLIFF.format(units=(
        '<trans-unit id="1"><source>他们<g id="3">访问</g>了重庆。</source><target>They '
        '<g id="3">visited</g> Chongqing.</target></trans-unit>')), encoding="utf-8")
    tm = load_tm([tmx, xlf])
    coded = tm.exact("我们加强国际传播。").unit
    assert coded.source == "我们加强国际传播。" and coded.target_inline.display() == \
        "We ⟨1⟩strengthen⟨/1⟩ international communication."
    assert tm.exact("城市很美丽。").unit.source_inline is None   # plain units stay plain
    assert tm.exact("他们访问了重庆。").unit.target_inline.display() == "They ⟨1⟩visited⟨/1⟩ Chongqing."


# -- codes on a memory hit ---------------------------------------------------------------------------
B1, E1 = _b("7", OPEN), _b("7", CLOSE)
FN = Code(STANDALONE, id="9", type="fn", native="[1]", format="test")
TMX_B, TMX_E = _seg('<bpt i="1" x="1">&lt;b&gt;</bpt><ept i="1">&lt;/b&gt;</ept>').codes


@pytest.mark.parametrize("source, unit_source, unit_target, english, expected, methods, placed", [
    # the memory had the pair where the segment has it: it goes on the same English words
    (InlineText(["我们", B1, "加强", E1, "国际传播。"]),
     InlineText(["我们", TMX_B, "加强", TMX_E, "国际传播。"]),
     InlineText(["We ", TMX_B, "strengthen", TMX_E, " international communication."]),
     "We strengthen international communication.",
     "We ⟨1⟩strengthen⟨/1⟩ international communication.", [CODE_PLACED] * 2, True),
    # a plain memory unit: the pair is appended (reported), the hit is no exact match
    (InlineText(["我们", B1, "加强", E1, "国际传播。"]), None, None,
     "We strengthen international communication.",
     "We strengthen international communication.⟨1⟩⟨/1⟩", [CODE_APPENDED] * 2, False),
    # codes at the segment's edges stay at the edges, whatever the memory had
    (InlineText([B1, "城市很美丽。", E1, FN]), None, None, "The city is beautiful.",
     "⟨1⟩The city is beautiful.⟨/1⟩⟨2/⟩", [CODE_OUTSIDE] * 3, True),
    # a repaired English (a fuzzy match): the code follows the words that did not change
    (InlineText(["我们", B1, "加强", E1, "城市形象。"]),
     InlineText(["我们", TMX_B, "加强", TMX_E, "国际传播。"]),
     InlineText(["We ", TMX_B, "strengthen", TMX_E, " international communication."]),
     "We strengthen city image.", "We ⟨1⟩strengthen⟨/1⟩ city image.", [CODE_PLACED] * 2, True),
])
def test_codes_from_memory(source, unit_source, unit_target, english, expected, methods, placed):
    target, outcomes, all_placed = codes_from_memory(source, unit_source, unit_target, english)
    assert target.display() == expected
    assert target.text == english
    assert [o.method for o in outcomes] == methods and all_placed is placed
    assert set(target.codes) <= set(source.codes)   # the segment's own codes, not the memory's


def test_an_offer_leaves_out_what_it_cannot_place():
    source = InlineText(["我们", B1, "加强", E1, "国际传播。"])
    target, _, placed = codes_from_memory(source, None, None, "We strengthen it.",
                                          append_missing=False)
    assert target.display() == "We strengthen it." and not placed


def test_move_codes_keeps_codes_on_unchanged_words():
    inline = InlineText(["The ", B1, "city", E1, " is beautiful."])
    assert move_codes(inline, "The city is very beautiful.").display() == \
        "The ⟨1⟩city⟨/1⟩ is very beautiful."
    assert move_codes(inline, "A town is beautiful.").text == "A town is beautiful."


# -- the cache ---------------------------------------------------------------------------------------
LINK_A = (Code(OPEN, id="1", pair="1", type="link", native='<a href="a">'),
          Code(CLOSE, id="1", pair="1", type="link", native="</a>"))
LINK_B = (Code(OPEN, id="5", pair="5", type="link", native='<a href="b">'),
          Code(CLOSE, id="5", pair="5", type="link", native="</a>"))


@pytest.mark.parametrize("a, b, same", [
    ("我们加强国际传播。", "我们加强國際傳播。", True),                    # normalised text
    (InlineText(["访问", LINK_A[0], "网站", LINK_A[1], "。"]),
     InlineText(["访问", LINK_B[0], "网站", LINK_B[1], "。"]), True),     # other codes, same places
    (InlineText(["访问", LINK_A[0], "网站", LINK_A[1], "。"]),
     InlineText([LINK_A[0], "访问网站", LINK_A[1], "。"]), False),        # codes elsewhere
    (InlineText(["访问", LINK_A[0], "网站", LINK_A[1], "。"]), "访问网站。", False),
    (InlineText(["访问网站。"]), "访问网站。", True),                      # no codes: the text
])
def test_segment_keys(a, b, same):
    assert (segment_key(a) == segment_key(b)) is same
    if isinstance(a, str):
        assert segment_key(a) == match_key(a)   # plain keys are those of earlier caches


def test_a_cached_translation_takes_the_codes_of_the_segment_asking(tmp_path, glossary):
    from translate.engines.fake import FakeEngine
    from translate.enforce import TermEnforcer

    first = InlineText(["访问", LINK_A[0], "网站", LINK_A[1], "。"])
    enforcer = TermEnforcer(FakeEngine(script={"访问TAG0网站TAG1。": "Visit TAG0the site TAG1."}),
                            glossary)
    result = enforcer.translate([first])[0]
    assert result.inline.display() == "Visit ⟨1⟩the site⟨/1⟩."
    cache = SegmentCache(tmp_path / "c.sqlite3")
    cache.put_many("p", "g", [result])
    other = InlineText(["访问", LINK_B[0], "网站", LINK_B[1], "。"])
    got = cache.get_many("p", "g", [other, "访问网站。"])
    assert list(got) == [other]                          # the plain text is another segment
    hit = got[other]
    assert hit.inline.codes == LINK_B and hit.inline.display() == "Visit ⟨1⟩the site⟨/1⟩."
    assert [c.code for c in hit.codes] == [c.label() for c in LINK_B]
    assert hit.source_inline is other and isinstance(hit, SegmentResult)


# -- XLIFF: states, offers and notes through the writer ------------------------------------------------
def test_xliff_1_2_states_offers_and_notes_are_valid(tmp_path, glossary):
    tmx = helpers.write_tmx(tmp_path / "m.tmx", {
        "今天天气很好。": "The weather is fine today.",
        "今天天气很好吗？": "Is the weather fine today?",
        "我们在新时代大力加强国际传播工作。": "We vigorously strengthen international communication work."})
    root = tmp_path / "p"
    root.mkdir()
    helpers.write_xliff(root / "a.xlf", {"1": "今天天气很好。", "2": "今天天气很好嘛？",
                                         "3": "我们在新时代大力加强城市形象工作。"})
    translate_project(plan_outputs(collect_inputs([root])), glossary,
                      ProjectOptions(engine="fake", tm=[tmx], cache=False))
    out = root / "a.en.xlf"
    assert structure_problems(out) == []
    units = {u.get("id"): u for u in read_xml(out).iter(f"{XLF}trans-unit")}
    target = units["1"].find(f"{XLF}target")
    assert (target.get("state"), target.get("state-qualifier")) == ("translated", "exact-match")
    offers = units["2"].findall(f"{XLF}alt-trans")
    assert [(a.get("origin"), a.get("alttranstype"), a.find(f"{XLF}target").text)
            for a in offers] == [(str(tmx), "proposal", "Is the weather fine today?"),
                                 (str(tmx), "proposal", "The weather is fine today.")]
    assert float(offers[0].get("match-quality")) > float(offers[1].get("match-quality")) >= 75
    kinds = [x.tag.rsplit("}", 1)[-1] for x in units["3"]]
    assert kinds == ["source", "target", "note", "alt-trans"]   # notes before alt-trans


def test_xliff_2_states_and_offers_in_notes(tmp_path, glossary):
    tmx = helpers.write_tmx(tmp_path / "m.tmx", {"今天天气很好。": "The weather is fine today.",
                                                 "他们访问了重庆。": "They went to Chongqing."})
    root = tmp_path / "p"
    root.mkdir()
    (root / "a.xlf").write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n<xliff xmlns="urn:oasis:names:tc:xliff:document:2.0" '
        'version="2.0" srcLang="zh-CN"><file id="f1"><unit id="u1"><segment><source>今天天气很好。'
        '</source></segment></unit><unit id="u2"><segment><source>他们访问了重庆吗？</source>'
        '</segment></unit></file></xliff>', encoding="utf-8")
    translate_project(plan_outputs(collect_inputs([root])), glossary,
                      ProjectOptions(engine="fake", tm=[tmx], cache=False))
    out = root / "a.en.xlf"
    assert structure_problems(out) == []
    segs = list(read_xml(out).iter(f"{XLF2}segment"))
    assert [(s.get("state"), s.get("subState")) for s in segs] == \
        [("translated", "termtrans:exact-match"), ("translated", "termtrans:mt")]
    notes = [n.text for n in read_xml(out).iter(f"{XLF2}note") if n.get("category") == "termtrans"]
    assert any("translation memory match" in n and "They went to Chongqing." in n for n in notes)


def test_reviewed_state_of_this_documents_earlier_output_is_kept(tmp_path, glossary):
    root = tmp_path / "p"
    root.mkdir()
    helpers.write_xliff(root / "job.xlf", {"1": "他们访问了重庆。", "2": "城市很美丽。"})
    options = ProjectOptions(engine="fake", cache=False)
    translate_project(plan_outputs(collect_inputs([root])), glossary, options)
    out = root / "job.en.xlf"
    text = out.read_text(encoding="utf-8").replace(
        'state="needs-review-translation" state-qualifier="leveraged-mt">.',
        'state="signed-off">They went to Chongqing.', 1)
    out.write_text(text, encoding="utf-8")
    translate_project(plan_outputs(collect_inputs([root]), force=True), glossary, options)
    targets = [t for t in read_xml(out).iter(f"{XLF}target")]
    assert [(t.text, t.get("state"), t.get("state-qualifier")) for t in targets] == [
        ("They went to Chongqing.", "signed-off", "exact-match"),
        (".", "needs-review-translation", "leveraged-mt")]
    # another document with the same sentence: a translator's work, but not signed off there
    helpers.write_xliff(root / "other.xlf", {"1": "他们访问了重庆。"})
    jobs = plan_outputs(collect_inputs([root / "job.xlf", root / "other.xlf"]), force=True)
    translate_project(jobs, glossary, options)
    target = next(read_xml(root / "other.en.xlf").iter(f"{XLF}target"))
    assert (target.text, target.get("state")) == ("They went to Chongqing.", "translated")


def test_a_docx_hit_puts_the_bold_on_the_memorys_words(tmp_path, glossary):
    import docx

    tmx = tmp_path / "m.tmx"
    tmx.write_text(helpers.TMX.format(units=(
        '<tu><tuv xml:lang="zh-CN"><seg>他们<bpt i="0" x="0">&lt;b0&gt;</bpt>访问<ept i="0">&lt;/b0'
        '&gt;</ept>了重庆。</seg></tuv><tuv xml:lang="en-US"><seg>They <bpt i="0" x="0">&lt;b0&gt;'
        '</bpt>visited<ept i="0">&lt;/b0&gt;</ept> Chongqing.</seg></tuv></tu>')), encoding="utf-8")
    root = tmp_path / "p"
    root.mkdir()
    d = docx.Document()
    p = d.add_paragraph("他们")
    p.add_run("访问").bold = True
    p.add_run("了重庆。")
    d.save(str(root / "a.docx"))
    result = translate_project(plan_outputs(collect_inputs([root])), glossary,
                               ProjectOptions(engine="fake", tm=[tmx], cache=False))
    runs = [(r.text, bool(r.bold)) for r in docx.Document(str(root / "a.en.docx")).paragraphs[0].runs]
    assert "".join(t for t, _ in runs) == "They visited Chongqing."
    assert [t for t, bold in runs if bold] == ["visited"]
    assert result.report["files"][0]["segments"][0]["origin"] == "exact-match"


def test_transfer_codes_by_structure_across_formats():
    from termbase.inline import transfer_codes

    old_source = InlineText(["我们", TMX_B, "加强", TMX_E, "国际传播。"])    # TMX types: bpt/ept
    old_target = InlineText(["We ", TMX_B, "strengthen", TMX_E, " it."])
    new_source = InlineText(["我们", B1, "加强", E1, "国际传播。"])           # Word: bold
    target, missing = transfer_codes(old_source, old_target, new_source)
    assert target.codes == (B1, E1) and not missing
    other = InlineText(["我们", B1, "加强", E1, "国际传播。", FN])   # another shape: by place
    target, missing = transfer_codes(old_source, old_target, other)
    assert target.codes == (B1, E1) and missing == [FN]
    elsewhere = InlineText([B1, "我们", E1, "加强国际传播。", FN])        # nothing at the same place
    target, missing = transfer_codes(old_source, old_target, elsewhere)
    assert not target.codes and missing == [B1, E1, FN]

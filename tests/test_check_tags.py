"""check: tag-mismatch, placeholder-mismatch, and translate="no" units left out."""
from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from cli import main
from termbase.aligned import SegmentPair, read_aligned
from termbase.inline.markdown import parse_inline
from termbase.qa import run_checks

DATA = Path(__file__).resolve().parent / "data" / "inline"


def issues(pairs, check):
    return [(i.rule, i.severity, i.span) for i in run_checks(pairs, None, only=[check]).issues]


def md_pair(source: str, target: str) -> SegmentPair:
    s, t = parse_inline(source), parse_inline(target)
    return SegmentPair(0, s.text, t.text, "x", source_inline=s, target_inline=t)


@pytest.mark.parametrize("source, target, expected", [
    ("访问[重庆](http://a.cn)。", "Visit [Chongqing](http://a.cn).", []),
    ("访问[重庆](http://a.cn)。", "Visit Chongqing.", [("tag-missing", "error", "["),
                                                    ("tag-missing", "error", "](http://a.cn)")]),
    ("访问[重庆](http://a.cn)。", "Visit [Chongqing](http://b.cn).",
     [("tag-missing", "error", "](http://a.cn)"), ("tag-extra", "error", "](http://b.cn)")]),
    ("**重要**：`x`", "**Important**: `x` `y`", [("tag-extra", "error", "`y`")]),
    ("*甲*和**乙**", "**B** and *A*", [("tag-order", "warning", "**")]),
    ("没有标记。", "No markup.", []),
    ("**甲**", "", []),  # untranslated: the untranslated check says so
])
def test_tag_mismatch_table(source, target, expected):
    assert issues([md_pair(source, target)], "tag-mismatch") == expected


@pytest.mark.parametrize("source, target, expected", [
    ("您有%d条新消息。", "You have %d new messages.", []),
    ("您有%d条新消息。", "You have new messages.", [("printf-missing", "error", "%d")]),
    ("第%1$s次会议在%2$s举行。", "Meeting %1$s was held in %2$s.", []),
    ("第%1$s次会议在%2$s举行。", "Meeting %1$s was held in %1$s.",
     [("printf-missing", "error", "%2$s"), ("printf-extra", "error", "%1$s")]),
    ("欢迎{name}访问{0}。", "Welcome, {0}, {name}!", []),   # order is free
    ("欢迎{name}访问。", "Welcome {nom}.", [("brace-missing", "error", "{name}"),
                                          ("brace-extra", "error", "{nom}")]),
    ("运行 $HOME/bin 程序", "Run the program in $HOME/bin", []),
    ("详情见 https://www.cq.gov.cn/ 。", "See https://www.cq.gov.cn/.", []),
    ("详情见 https://www.cq.gov.cn/ 。", "See www.cq.gov.cn.",
     [("url-missing", "error", "https://www.cq.gov.cn/"), ("url-extra", "error", "www.cq.gov.cn")]),
    ("发邮件至 info@cq.gov.cn。", "Write to info@cq.gov.com.",
     [("email-missing", "error", "info@cq.gov.cn"), ("email-extra", "error", "info@cq.gov.com")]),
    ('请访问<a href="x.htm">网站</a>。', 'Visit the <a href="x.htm">website</a>.', []),
    ('请访问<a href="x.htm">网站</a>。', "Visit the website.",
     [("tag-missing", "error", '<a href="x.htm">'), ("tag-missing", "error", "</a>")]),
    ("增长30%。", "Growth of 30%.", []),
    ("您有%d条新消息。", "", []),
])
def test_placeholder_mismatch_table(source, target, expected):
    pair = SegmentPair(0, source, target, "x")
    assert issues([pair], "placeholder-mismatch") == expected


def test_xliff_codes_checked_and_translate_no_skipped(tmp_path):
    xlf = tmp_path / "a.xlf"
    xlf.write_text(
        '<?xml version="1.0"?>\n<xliff version="1.2" xmlns="urn:oasis:names:tc:xliff:document:1.2">'
        '<file original="a" source-language="zh-CN" datatype="plaintext"><body>\n'
        '<trans-unit id="1"><source>我们加强<g id="1">国际传播</g>。<x id="2"/></source>'
        '<target>We strengthen <g id="1">international communication</g>.</target></trans-unit>\n'
        '<trans-unit id="2"><source><bpt id="1">&lt;b&gt;</bpt>重庆<ept id="1">&lt;/b&gt;</ept></source>'
        '<target><ept id="1">&lt;/b&gt;</ept>Chongqing<bpt id="1">&lt;b&gt;</bpt></target></trans-unit>\n'
        '<trans-unit id="3" translate="no"><source>城市很美丽。</source></trans-unit>\n'
        '</body></file></xliff>', encoding="utf-8")
    pairs = read_aligned(xlf)
    assert [p.location.rsplit("(", 1)[1] for p in pairs] == ["1)", "2)"]  # unit 3 left out
    found = [(i.segment, i.rule, i.span) for i in run_checks(pairs, None).issues
             if i.check == "tag-mismatch"]
    assert found == [(0, "tag-missing", "<x:2/>"), (1, "tag-order", "</b>"),
                     (1, "tag-nesting", "</b>"), (1, "tag-nesting", "<b>")]
    assert not [i for i in run_checks(pairs, None, only=["untranslated"]).issues]


def test_parallel_docx_formatting_and_links(tmp_path):
    import docx

    def make(path, runs):
        d = docx.Document()
        p = d.add_paragraph()
        for text, bold in runs:
            p.add_run(text).bold = bold
        d.save(path)
        return path

    zh = make(tmp_path / "zh.docx", [("我们加强", False), ("国际传播", True), ("。", False)])
    good = make(tmp_path / "good.docx", [("We strengthen ", False),
                                         ("international communication", True), (".", False)])
    bad = make(tmp_path / "bad.docx", [("We strengthen international communication.", False)])
    assert issues(read_aligned(zh, good), "tag-mismatch") == []
    assert [r for r, _, _ in issues(read_aligned(zh, bad), "tag-mismatch")] == ["tag-missing"] * 2


def test_check_cli_lists_and_runs_the_new_checks(tmp_path):
    runner = CliRunner()
    res = runner.invoke(main, ["check", "--list-checks"])
    assert "tag-mismatch" in res.output and "placeholder-mismatch" in res.output
    tsv = tmp_path / "a.tsv"
    tsv.write_text("zh\ten\n您有%d条新消息。\tYou have new messages.\n", encoding="utf-8")
    res = runner.invoke(main, ["check", str(tsv), "--only", "placeholder-mismatch"])
    assert res.exit_code == 1 and "%d" in res.output


def test_translated_fixture_checks_clean(tmp_path):
    """What translate writes passes its own tag and placeholder checks."""
    from termbase.glossary import parse_glossary
    from tests.structure_engines import polite_engine
    from tests.tiny_marian import GLOSSARY_CSV
    from translate.documents import load_document
    from translate.translator import Translator, translate_document

    g, _ = parse_glossary(GLOSSARY_CSV, "g.csv")
    for name in ("every-inline-1.2.xlf", "every-inline-2.0.xlf", "messages.xlf"):
        doc = load_document((DATA / name).read_bytes(), name)
        out, _ = translate_document(doc, Translator(polite_engine(), g))
        path = tmp_path / name
        path.write_bytes(out)
        pairs = read_aligned(path)
        found = run_checks(pairs, None, only=["tag-mismatch", "placeholder-mismatch"]).issues
        mt = {p.index for p in pairs if p.state == "needs-review-translation"
              or p.state == "translated"}
        assert [(i.location, i.message) for i in found if i.segment in mt
                and i.severity == "error"] == [], name

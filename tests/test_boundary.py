"""The Chinese word-boundary test: real edges, dictionary compounds, and one code path for
``terms find`` and ``check``."""
from __future__ import annotations

import pytest
from click.testing import CliRunner

from termbase.aligned import SegmentPair
from termbase.glossary import Entry, Glossary
from termbase.qa import CheckContext
from termbase.zh_match import ZhMatcher

TERMS = ["货币市场", "金融业", "投资产品", "外汇基金", "楊金龍", "余伟文", "李强",
         "平台", "市长", "拍卖", "和尚", "确实", "生命"]

# (text, term, right): right terms the test must accept, wrong matches it must reject
CASES = [
    ("货币市场运作", "货币市场", True), ("金融业界", "金融业", True), ("投资产品销售", "投资产品", True),
    ("外汇基金投资收入", "外汇基金", True), ("楊金龍表示", "楊金龍", True), ("余伟文在年报中", "余伟文", True),
    ("李强总理说", "李强", True),
    ("和平台上", "平台", False), ("南京市长江大桥", "市长", False), ("结婚的和尚未结婚的", "和尚", False),
    ("他说的确实在理", "确实", True), ("研究生命起源", "生命", True),
    ("乒乓球拍卖完了", "拍卖", True),
]


def glossary():
    return Glossary([Entry(zh=(t,), en=(f"term {i}",), line=i + 2) for i, t in enumerate(TERMS)])


def found(matcher, text, term):
    return any(m.matched == term for m in matcher.find(text))


def test_both_directions_on_the_table():
    """The figures the note reports: right terms rejected, wrong matches accepted."""
    m = ZhMatcher(glossary())
    right = [(t, term) for t, term, ok in CASES if ok]
    wrong = [(t, term) for t, term, ok in CASES if not ok]
    rejected = [t for t, term in right if not found(m, t, term)]
    accepted = [t for t, term in wrong if found(m, t, term)]
    assert accepted == []  # no wrong match
    assert rejected == ["金融业界"]  # 金融|业界: jieba's 业界 takes one character of the term


@pytest.mark.parametrize("text", ["和平台上", "我们，和平台上", "第一行\n和平台上", "他说：和平台上。",
                                  "ABC和平台上"])
def test_a_real_edge_is_no_excuse(text):
    assert not found(ZhMatcher(glossary()), text, "平台")


def test_terms_find_and_check_agree(tmp_path):
    from cli import main
    from termbase.glossary import save_glossary  # noqa: F401  (glossary written below)

    lines = ["货币市场运作正常，和平台上的人", "第二行：和平台上", "投资产品销售"]
    path = tmp_path / "g.csv"
    path.write_text("zh,en\n" + "".join(f"{t},term {i}\n" for i, t in enumerate(TERMS)), encoding="utf-8")
    doc = tmp_path / "doc.txt"
    doc.write_text("\n".join(lines), encoding="utf-8")
    out = CliRunner().invoke(main, ["--glossary", str(path), "terms", "find", str(doc), "--format", "json"])
    assert out.exit_code == 0, out.output
    import json

    from termbase.glossary import load_glossary

    by_find = sorted((r["line"], r["text"]) for r in json.loads(out.stdout))
    g = load_glossary(path)
    ctx = CheckContext(glossary=g, pairs=[SegmentPair(i, s, "x", f"l:{i}") for i, s in enumerate(lines)])
    by_check = sorted((p.index + 1, t.matched) for p in ctx.pairs for t in ctx.zh_terms(p))
    assert by_find == by_check
    assert (1, "货币市场") in by_find and not any(t == "平台" for _, t in by_find)


def _contexts():
    """The table's texts in contexts that move the window's edges: at the start and end of the
    text, after punctuation and a line break, and after more than a window of Chinese text
    (the window then is cut short)."""
    long = "中华人民共和国国务院新闻办公室发布"  # longer than the window on either side
    out = list(TERMS)  # each term alone first: its answer differs in the texts that cut it
    for text, _, _ in CASES:
        out += [text, f"，{text}。", f"{long}{text}", f"{text}{long}", f"{long}{text}{long}",
                f"x\n{text}\n{long}", f"{long[:3]}{text}{long[:5]}", f"A{text}B"]
    return out


def test_boundary_answers_kept_per_context_are_those_of_a_fresh_matcher():
    """A matcher that has seen other texts (and kept its answers per term context) finds what a
    matcher new to each text finds."""
    texts = _contexts()
    shared = ZhMatcher(glossary())
    seen = [[(m.start, m.end) for m in shared.find(t)] for t in texts + texts[::-1]]
    fresh = [[(m.start, m.end) for m in ZhMatcher(glossary()).find(t)] for t in texts + texts[::-1]]
    assert seen == fresh
    assert any(seen) and not all(seen)


def _find_by_definition(matcher, text):
    """ZhMatcher.find spelled out: each candidate (longest first, left to right) kept unless it
    cuts a Latin word or a word of the segmenter, decided from its window every time
    (:meth:`ZhMatcher._cuts_word_in`: no memo, no shortcut for a term without CJK beside it)."""
    from termbase.normalize import normalize_zh

    norm = normalize_zh(text)
    candidates = matcher.candidates(norm)
    starts = [c[0] for c in candidates]
    out, pos = [], 0
    for start, lengths in candidates:
        if start < pos:
            continue
        for length in lengths:
            end = start + length
            if not matcher._at_latin_boundary(norm, start, end):
                continue
            if matcher._cuts_word_in(norm, start, end, candidates, starts):
                continue
            out.append((start, end, text[start:end], matcher._pair(norm[start:end])[0]))
            pos = end
            break
    return out


@pytest.mark.parametrize("text", [
    "平台", "平台。", "，平台", "和平台", "平台上", "ABC平台", "平台ABC", "「平台」", "和平台上",
    "我们，和平台上", "研究生命", "生命起源", "他说：李强。", "李强", "金融业界", "（金融业）界",
    "𠀀平台", "平台𠀀", "㐀平台", "平台豈", "平台 上", "市长江", "南京市长江大桥，市长。",
])
def test_find_is_its_definition_beside_and_apart_from_other_cjk(text):
    """Terms with a CJK character beside them (or none: the term is all its window) are decided
    as the boundary test defines it (CJK extensions and compatibility forms count as CJK)."""
    fast = [(m.start, m.end, m.matched, m.variant) for m in ZhMatcher(glossary()).find(text)]
    assert fast == _find_by_definition(ZhMatcher(glossary()), text)

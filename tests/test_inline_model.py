"""The inline-markup model (termbase.inline): pairing, splitting, edges, repair, comparison."""
from __future__ import annotations

import pickle

import pytest

from termbase.inline import (CLOSE, OPEN, STANDALONE, Code, InlineText, compare_codes,
                             move_out_of_spans, nesting_problems, partners, restore_codes,
                             strip_edges, transfer_codes)
from termbase.inline.patterns import (PLACEHOLDER, find_placeholders, protect_literals,
                                     unprotect_literals)


def o(n: str) -> Code:
    return Code(OPEN, id=n, pair=n, type="bold", native=f"<{n}>")


def c(n: str) -> Code:
    return Code(CLOSE, id=n, pair=n, type="bold", native=f"</{n}>")


def s(n: str) -> Code:
    return Code(STANDALONE, id=n, type="x", native=f"<{n}/>")


def parse(spec: str) -> InlineText:
    """'ab<1>cd</1>e<2/>' -> InlineText (tags written as <n>, </n>, <n/>)."""
    import re

    parts = []
    for tok in re.split(r"(</?\w+/?>)", spec):
        if not tok:
            continue
        m = re.fullmatch(r"<(/?)(\w+)(/?)>", tok)
        if not m:
            parts.append(tok)
        elif m.group(3):
            parts.append(s(m.group(2)))
        elif m.group(1):
            parts.append(c(m.group(2)))
        else:
            parts.append(o(m.group(2)))
    return InlineText(parts)


def show(inline: InlineText) -> str:
    return inline.render()


def test_parts_normalised_and_text_views():
    t = InlineText(["a", "", "b", o("1"), "c", c("1"), s("2")])
    assert t.parts[0] == "ab" and t.text == "abc" and len(t.codes) == 3
    assert t.display() == "ab⟨1⟩c⟨/1⟩⟨2/⟩"
    assert [off for off, _ in t.code_offsets()] == [2, 3, 3]
    with pytest.raises(TypeError):
        InlineText([1])
    with pytest.raises(ValueError):
        Code("middle")


def test_codes_are_plain_values_for_caches_and_workers():
    t = parse("我们<1>加强</1>国际传播。<2/>")
    assert InlineText.from_json(t.to_json()) == t
    assert pickle.loads(pickle.dumps(t)) == t
    rich = Code(OPEN, id="3", pair="r1", type="bold", native="<b>", markup="<g id='3'/>",
                format="xliff1", isolated=True, equiv="", attrs=(("ctype", "bold"),), ref="7")
    assert Code.from_dict(rich.to_dict()) == rich


@pytest.mark.parametrize("spec, pairs", [
    ("<1>a</1>", {0: 1, 1: 0}),
    ("<1>a<2>b</2></1>", {0: 3, 3: 0, 1: 2, 2: 1}),
    ("</1>a<1>", {}),                 # closed before opened: not a pair
    ("<1>a", {}),
    ("<1>a<1>b</1>", {1: 2, 2: 1}),   # same key twice: the inner one pairs first
])
def test_partners(spec, pairs):
    assert partners(parse(spec).codes) == pairs


def test_isolated_codes_never_pair():
    it_open = Code(OPEN, id="1", pair="1", isolated=True)
    close = Code(CLOSE, id="1", pair="1")
    assert partners([it_open, close]) == {}


@pytest.mark.parametrize("spec, cuts, pieces", [
    # a close or standalone code at a cut ends the sentence before it; an open starts the next
    ("一。<1/>二。", [2], ["一。<1/>", "二。"]),
    ("<1>一。</1><2>二。</2>", [2], ["<1>一。</1>", "<2>二。</2>"]),
    ("<1>一。二。</1>", [2], ["<1>一。", "二。</1>"]),
    ("一<1></1>二", [1], ["一", "<1></1>二"]),   # an empty pair at a cut stays together
    ("<1>一二三</1>", [1, 2], ["<1>一", "二", "三</1>"]),
])
def test_split(spec, cuts, pieces):
    assert [show(p) for p in parse(spec).split(cuts)] == pieces
    joined = InlineText([p for piece in parse(spec).split(cuts) for p in piece.parts])
    assert joined == parse(spec)


@pytest.mark.parametrize("spec, lead, core, trail", [
    ("<1>重庆日报</1>", "<1>", "重庆日报", "</1>"),
    ("<1>重庆</1>日报<2/>", "", "<1>重庆</1>日报", "<2/>"),
    ("<2/><1>重庆日报</1>", "<2/><1>", "重庆日报", "</1>"),
    ("<1>重庆<3>日</3>报</1>", "<1>", "重庆<3>日</3>报", "</1>"),
    ("<1>重庆</1><2>日报</2>", "", "<1>重庆</1><2>日报</2>", ""),
    ("</9>一<8>", "</9>", "一", "<8>"),   # partners in other sentences: free to leave
    ("<1/>", "", "<1/>", ""),             # no text: nothing to strip around
])
def test_strip_edges(spec, lead, core, trail):
    got = strip_edges(parse(spec))
    assert [show(x) for x in got] == [lead, core, trail]
    assert got[0] + got[1] + got[2] == parse(spec)


@pytest.mark.parametrize("spec, spans, expected, moved", [
    ("我们加强国<1>际传</1>播。", [(4, 8)], "我们加强<1>国际传播</1>。", 2),
    ("<1>我们加强国</1>际传播。", [(4, 8)], "<1>我们加强</1>国际传播。", 1),
    ("我们加强国<1>际传播。</1>", [(4, 8)], "我们加强国际传播<1>。</1>", 1),
    ("我们加强国<1/>际传播。", [(4, 8)], "我们加强国际传播<1/>。", 1),
    ("我们<1>加强</1>国际传播。", [(4, 8)], "我们<1>加强</1>国际传播。", 0),
    ("国际<1>传播</1><2>城市</2>形象", [(0, 4), (4, 8)], "<1>国际传播</1><2>城市形象</2>", 2),
])
def test_move_out_of_spans(spec, spans, expected, moved):
    got, n = move_out_of_spans(parse(spec), spans)
    assert (show(got), n) == (expected, moved)
    assert not nesting_problems(got)


CODES = parse("<1>a</1><2/><3>b</3>").codes  # 0:<1> 1:</1> 2:<2/> 3:<3> 4:</3>


@pytest.mark.parametrize("engine_parts, expected, appended, dupes, reordered", [
    (["x ", 0, "y", 1, " ", 2, " ", 3, "z", 4], "x <1>y</1> <2/> <3>z</3>", [], [], []),
    # dropped: a standalone goes to the end, a lost close too, a lost open before its close
    (["x ", 0, "y", 1, " ", 3, "z", 4], "x <1>y</1> <3>z</3><2/>", [2], [], []),
    (["x ", 0, "y ", 3, "z", 4, 2], "x <1>y <3>z</3><2/></1>", [1], [], []),
    (["x y", 1, 2, 3, "z", 4], "x y<1></1><2/><3>z</3>", [0], [], []),
    # duplicated: the first stays
    (["x ", 0, "y", 1, 2, 2, 3, "z", 4, 4], "x <1>y</1><2/><3>z</3>", [], [2, 4], []),
    # reordered: a pair closed before it opened is swapped
    (["x ", 1, "y", 0, 2, 3, "z", 4], "x <1>y</1><2/><3>z</3>", [], [], [1, 0]),
    # crossing pairs: the outer one is extended
    (["x ", 0, "y ", 3, "z", 1, " w", 4, 2], "x <1>y <3>z w</3></1><2/>", [], [], [1]),
    # everything lost
    (["x y z"], "x y z<1></1><2/><3></3>", [0, 1, 2, 3, 4], [], []),
    # an index the source does not have is dropped
    (["x", 7, 0, "y", 1, 2, 3, 4], "x<1>y</1><2/><3></3>", [], [7], []),
])
def test_restore_codes(engine_parts, expected, appended, dupes, reordered):
    r = restore_codes(engine_parts, CODES)
    assert show(r.inline) == expected
    assert sorted(r.appended) == sorted(appended)
    assert r.duplicates == dupes
    assert sorted(r.reordered) == sorted(reordered)
    assert sorted(id(x) for x in r.inline.codes) == sorted(id(x) for x in CODES)  # never dropped
    assert not nesting_problems(r.inline)


@pytest.mark.parametrize("engine_parts, expected", [
    (["We ", 0, " strengthen ", 1, " it."], "We <1>strengthen</1> it."),
    (["We strengthen ", 0, "it ", 1, "."], "We strengthen <1>it</1>."),
    ([0, " We", 1, " go."], "<1>We</1> go."),
])
def test_spaces_move_outside_pairs(engine_parts, expected):
    assert show(restore_codes(engine_parts, parse("<1>a</1>").codes).inline) == expected


@pytest.mark.parametrize("source, target, kinds", [
    ("<1>a</1><2/>", "<1>a</1><2/>", []),
    ("<1>a</1><2/>", "<1>a</1>", ["missing"]),
    ("<1>a</1>", "<1>a</1><2/>", ["extra"]),
    ("<1>a</1><2>b</2>", "<2>b</2><1>a</1>", ["order"]),
    ("<1>a<2>b</2></1>", "<1>a<2>b</1></2>", ["order", "nesting"]),
    ("<1>a</1>", "</1>a<1>", ["order", "nesting", "nesting"]),
    ("<1>a</1><1>b</1>", "<1>a</1>", ["missing", "missing"]),
])
def test_compare_codes(source, target, kinds):
    assert [p.kind for p in compare_codes(parse(source), parse(target))] == kinds


def test_key_ignores_what_codes_stand_for_but_not_their_shape():
    a = InlineText(["见", Code(OPEN, pair="1", native="[", type="link"), "网站",
                    Code(CLOSE, pair="1", native="](http://a)", type="link"), "。"])
    b = InlineText(["见", Code(OPEN, pair="9", native="[", type="link"), "网站",
                    Code(CLOSE, pair="9", native="](http://b)", type="link"), "。"])
    assert a.key() == b.key()
    assert a.key() != parse("见<1/>网站<2/>。").key()
    assert a.rebind(a.codes, b.codes) == b


@pytest.mark.parametrize("text, found", [
    ("您有%d条新消息。", ["%d"]),
    ("第%1$s次会议在%2$s举行。", ["%1$s", "%2$s"]),
    ("%-5.2f 和 %%", ["%-5.2f"]),
    ("增长30%的 30% of 100% sure", []),
    ("欢迎{name}访问重庆。{0}{1:>5}", ["{name}", "{0}", "{1:>5}"]),
    ("{{ user }} 和 {} 和 {  }", ["{{ user }}"]),
    ("运行 $HOME/bin 或 ${PATH} 与 $(CMD)，价格 $100", ["$HOME", "${PATH}", "$(CMD)"]),
    ("详情见 https://www.cq.gov.cn/ 。", ["https://www.cq.gov.cn/"]),
    ("见https://a.cn/x（注）。", ["https://a.cn/x"]),
    ("(see https://en.wikipedia.org/wiki/A_(b)).", ["https://en.wikipedia.org/wiki/A_(b)"]),
    ("访问www.cq.gov.cn。", ["www.cq.gov.cn"]),
    ("发邮件至 info@cq.gov.cn。", ["info@cq.gov.cn"]),
    ('请访问<a href="https://x.cn/">网站</a>。', ['<a href="https://x.cn/">', "</a>"]),
    ("x<y and y>z 不是标签", []),
    ("换行<br/>和<B>粗</B>", ["<br/>", "<B>", "</B>"]),
    ("普通中文，没有占位符。", []),
])
def test_find_placeholders(text, found):
    assert [p[3] for p in find_placeholders(text)] == found


def _placeholders_by_the_whole_pattern(text):
    """find_placeholders as one search with every alternative of PLACEHOLDER."""
    out = []
    for m in PLACEHOLDER.finditer(text):
        start, end = m.start(), m.end()
        if m.lastgroup == "url":
            while end > start and text[end - 1] in ".,;:!?)]}'\"":
                if text[end - 1] == ")" and text[start:end].count("(") >= text[start:end].count(")"):
                    break
                end -= 1
        out.append((start, end, m.lastgroup, text[start:end]))
    return out


_PIECES = ["%d", "%", "a%s", "9%s", "%%s", "%1$d", "30%", "{0}", "{", "{{ x }}", "$HOME", "a$B", "$",
           "${P}", "<b>", "</B>", "<", "x@y.cn", "@", "a.b@c.org.", "http://a.cn/x).", "://", "www.",
           "www.cq.gov.cn", "WWW.", "ftp://f", "重庆", " ", "，", "a", "Z", "5", ".", "(", ")", "s"]


def test_find_placeholders_as_the_whole_pattern_finds_them():
    """find_placeholders searches with only the alternatives a text can match: the same finds
    as PLACEHOLDER itself, on texts glued from the pieces each alternative is made of."""
    import random

    rng = random.Random(15)
    texts = [piece for piece in _PIECES] + \
        ["".join(rng.choice(_PIECES) for _ in range(rng.randint(1, 12))) for _ in range(3000)]
    for text in texts:
        assert list(find_placeholders(text)) == _placeholders_by_the_whole_pattern(text), text


def test_protect_and_unprotect_literals():
    t = protect_literals(InlineText(["见{0}和", o("1"), "https://a.cn", c("1")]))
    assert [x.type for x in t.codes] == ["placeholder", "bold", "placeholder", "bold"]
    assert unprotect_literals(t) == InlineText(["见{0}和", o("1"), "https://a.cn", c("1")])


def test_transfer_codes_from_a_memory_hit():
    """A TM pair with the same text: its target takes the new source's codes."""
    def link(pair, url):
        return (Code(OPEN, pair=pair, type="link", native="["),
                Code(CLOSE, pair=pair, type="link", native=f"]({url})"))

    a1, a2 = link("1", "http://old")
    b1, b2 = link("9", "http://new")
    fn = Code(STANDALONE, type="fn", native="[footnote]")
    old_source = InlineText(["见", a1, "网站", a2, "。"])
    old_target = InlineText(["See the ", a1, "website", a2, "."])
    new_source = InlineText(["见", b1, "网站", b2, "。", fn])
    target, missing = transfer_codes(old_source, old_target, new_source)
    assert target.render() == "See the [website](http://new)."
    assert missing == [fn]

"""Typography that knows English: possessives, doubled words, the missing-space family."""
from __future__ import annotations

import re

import pytest

from termbase.aligned import SegmentPair
from termbase.qa import run_checks, typography


def rules(target, source="中文。"):
    pairs = [SegmentPair(0, source, target, "t:1")]
    return [(i.rule, i.span) for i in run_checks(pairs, None, only=["typography"]).issues]


@pytest.mark.parametrize("target,found", [
    # lost apostrophe: proper names where a possessive reading fits
    ("Chongqings practice of letting foreign friends speak", ("lost-apostrophe", "Chongqings")),
    ("It shows Chinas visions and goals.", ("lost-apostrophe", "Chinas")),
    ("Continuing to Enhance Chongqings International Communication", ("lost-apostrophe", "Chongqings")),
    # the missing-space family
    ("grew ,and fell", ("misplaced-space", "grew ,")),
    ("grew ,and fell", ("missing-space", ",and")),
    ("rates ; prices", ("misplaced-space", "rates ;")),
    ("I.e.the rate rose", ("missing-space", "e.the")),
    ("in China,Chongqing and", ("missing-space", "China,Chongqing")),
    ("Mr.Jess Seade", ("missing-space", "Mr.Jess")),
    # doubled words within a line
    ("the the rate", ("doubled-word", "the the")),
    ("Audit Audit Committee", ("doubled-word", "Audit Audit")),
    # a bracket glued to a word is still missing its space when it opens more than an ending
    ("the rate(see below) rose", ("missing-space", "rate(see")),
    ("It shows Chinas established practice.", ("lost-apostrophe", "Chinas")),
    # People's is a possessive even where the document writes it nowhere else
    ("the 12th National Peoples Congress (NPC)", ("lost-apostrophe", "Peoples")),
    ("based on the Principle of the Peoples Livelihood", ("lost-apostrophe", "Peoples")),
    ("directors of such Banks correspondent bank; the Bank's", ("lost-apostrophe", "Banks")),
])
def test_reported(target, found):
    assert found in rules(target)


@pytest.mark.parametrize("target", [
    "The Federal Funds Rate rose.", "Reserves Management", "Its reserves grew.",
    "the Exchange Fund's assets; the Funds are managed", "Foreign Affairs Office",
    "the Philippines and Americas", "Audit\nAudit Committee", "Audit.\nAudit Committee",
    "he said that that was all", "see cqnews.net and report.pdf", "e.g. the rate", "i.e. the rate",
    "at 5.5 percent", "1,000 people", "www.gov.cn/english", "the Olympics were held",
    "Chongqings are", "Chinas and",
    # optional endings in legal English; plurals after a plural determiner or before a participle
    "joint and several guarantor(s) for whatsoever reasons", "Overseas branch(es) by a Bank",
    'The term, "Accept(ing) Deposits", as used', "the Bank's subsidiary(ies); and",
    "Except for those Banks established by the Government, the Bank's name",
    "the Bank's rules; Banks authorized by the Bank's board",
    "A Prosperous World Is the Common Aspiration of All Peoples", "the peoples of the world",
])
def test_not_reported(target):
    assert [r for r in rules(target) if r[0] in ("lost-apostrophe", "doubled-word", "missing-space",
                                                  "misplaced-space")] == []


# The module searches with faster forms of its patterns; they must find what the readable ones find.
TEXTS = [
    "in China,Chongqing and", "grew ,and fell", "I.e.the rate", "Mr.Jess Seade", "the rate(see below)",
    "guarantor(s) and (es)", "at 5%The rate", "said“yes”and", "a:b http://x.cn:80 mailto:a https:b",
    "Chinas visions", "Chongqings practice", "As is", "Its own", "ABs CDs", "the the", "The the", "THE the",
    "had had", "that that", "ſix ſix", "K k", "ıt ıt", "İt İt", "the\tthe", "the\nthe", "word word,word",
    ",x", ".A", "x.2", "x,2", ";x", " ,", "a ;", "“", "”x", "(x", "x(", "e.g.the", "see cqnews.net and report.PDF",
    "www.gov.cn/english", "Xi’s and Chongqing's", "'s", "A's", "Ab’s Abc's", "Aé's", "_Chinas visions",
    "9Chinas visions", "Chinas_ visions", "Chinasé visions", "the 12th National Peoples Congress",
    "", " ", "x", "a" * 40 + ",b" + "c" * 40, "“" * 3 + "word" * 10 + ".Next",
]


def test_missing_space_rules_in_one_search():
    for text in TEXTS:
        expected, seen = [], set()
        for rule, (rx, _) in enumerate(typography._MISSING_SPACE):
            for m in rx.finditer(text):
                if m.start() not in seen:
                    seen.add(m.start())
                    expected.append((rule, m.start()))
        found = [(m.lastindex - 1, m.start()) for m in typography._MISSING_SPACE_AT.finditer(text)]
        assert sorted(found) == sorted(expected), text


def test_missing_space_issues_as_check_issue_builds_them():
    """The check builds its missing-space issues itself: they are what Check.issue makes of each
    find of the readable rules (by rule, then position; a position once; URLs and file names
    left alone), with the span _context_span gives."""
    from termbase.qa.base import CheckContext

    check = typography.Typography()
    ctx = CheckContext(pairs=())
    for k, text in enumerate(TEXTS + ["see http://a.cn/x,y and a.Com,b www.x.cn;z", "a,b.C d:e f%g“h”i j(k"]):
        pair = SegmentPair(k, "中文。", text, f"t:{k}")
        guard = typography._protected(text)
        expected, seen = [], set()
        for rule, (rx, _) in enumerate(typography._MISSING_SPACE):
            for m in rx.finditer(text):
                i = m.start()
                if i not in seen:
                    seen.add(i)
                    if not any(s <= i < e for s, e in guard):
                        s, e = typography._context_span(text, i, i + 1)
                        expected.append(check.issue(
                            pair, "target", s, e, "missing space",
                            typography._MISSING_SPACE_ADVICE[rule][text[i]], rule="missing-space"))
        found = [i for i in check.check_segment(pair, ctx) if i.rule == "missing-space"]
        assert found == expected, text


def test_fast_patterns_find_what_the_readable_ones_find():
    for text in TEXTS:
        doubled = [(m.start(), m.end(), m.group(1)) for m in typography._DOUBLED.finditer(text)]
        assert list(typography._doubled_words(text)) == doubled, text
        lost = [(m.span(), m.group(1) + "s") for m in typography._LOST_POSSESSIVE.finditer(text)]
        assert [(m.span(), m.group()) for m in typography._LOST_POSSESSIVE_FAST.finditer(text)] == lost, text
        written = [(m.span(), m.group(1)) for m in typography._WRITTEN_POSSESSIVE.finditer(text)]
        fast = [(m.span(), m.group(1)) for m in typography._WRITTEN_POSSESSIVE_FAST.finditer(text)]
        assert fast == written, text
        tld = re.compile(r"(?<=\w)\.(?:com|net|org|cn|gov|edu|int|io|info|uk|docx?|pdf|html?|xlsx?|csv|txt|"
                         r"json|xml|js|py|exe|zip)\b", re.IGNORECASE)
        assert [m.span() for m in typography._TLD.finditer(text)] == [m.span() for m in tld.finditer(text)]


def _context_span_by_steps(text, start, end):
    s = start
    while s > 0 and not text[s - 1].isspace() and start - s < 30 and text[s - 1] not in ",.;:":
        s -= 1
    e = end
    while e < len(text) and not text[e].isspace() and e - end < 30 and text[e] not in ",.;:”“()":
        e += 1
    return s, e


def test_context_span():
    for text in TEXTS:
        for i in range(len(text)):
            assert typography._context_span(text, i, i + 1) == _context_span_by_steps(text, i, i + 1), (text, i)


def test_word_before_reads_as_the_pattern():
    for text in TEXTS + ["those \nBanks", "those\t \nBanks", "x \n\nBanks", "all Banks", "two  Funds"]:
        for i in range(len(text) + 1):
            m = re.search(r"([A-Za-z]+)[ \t]+$", text[:i])
            assert typography._word_before(text, i) == (m.group(1) if m else None), (text, i)


def _unpaired_by_the_stack(text):
    """The positions the check reports unpaired, found by its stack of open brackets alone."""
    pairs, closers = {"“": "”", "(": ")", "[": "]"}, {"”": "“", ")": "(", "]": "["}
    stack, bad = [], []
    for i, c in enumerate(text):
        if c in pairs:
            stack.append((c, i))
        elif c in closers:
            if stack and stack[-1][0] == closers[c]:
                stack.pop()
            elif any(o == closers[c] for o, _ in stack):
                while stack[-1][0] != closers[c]:
                    bad.append(stack.pop()[1])
                stack.pop()
            else:
                bad.append(i)
    bad.extend(i for _, i in stack)
    if text.count('"') % 2:
        bad.append(text.rfind('"'))
    return sorted(bad)


def test_unpaired_quotes_and_brackets_as_the_stack_finds_them():
    """The check skips its stack where the marks pair up: the same finds, on texts made of the
    marks (balanced ones among them)."""
    import random

    rng = random.Random(15)
    check = typography.Typography()
    alphabet = ["“", "”", "(", ")", "[", "]", '"', "‘", "a", " "]
    texts = TEXTS + ["(“a”) [b]", "“(a”)", "(()", "[(])", "“[(“”)]”", "", "”“", ")(", '"a" "b']
    for _ in range(4000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 10)))
        texts.append(text)
        depth = rng.randint(1, 4)  # and a balanced one
        texts.append("".join(rng.choice(["“x”", "(y)", "[z]"]) for _ in range(depth)).join("()"))
    balanced = 0
    for text in texts:
        found = [i.start for i in check._unpaired(SegmentPair(0, "中文", text, "t:1"))]
        assert found == _unpaired_by_the_stack(text), text
        assert typography._paired(text) == (not _unpaired_by_the_stack(text.replace('"', ""))), text
        balanced += typography._paired(text)
    assert 1000 < balanced < len(texts)

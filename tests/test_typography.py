"""Typography that knows English: possessives, doubled words, the missing-space family."""
from __future__ import annotations

import pytest

from termbase.aligned import SegmentPair
from termbase.qa import run_checks


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

"""The checks, each positive and negative, on small hand-made segments."""
from __future__ import annotations

from pathlib import Path

import pytest

from termbase.aligned import SegmentPair
from termbase.glossary import load_glossary
from termbase.qa import CHECKS, run_checks, select_checks
from termbase.qa.registry import UnknownCheckError

GLOSSARY = Path(__file__).parent / "data" / "check-glossary.csv"


@pytest.fixture(scope="module")
def glossary():
    return load_glossary(GLOSSARY)


def issues(glossary, source, target, check, *, rule=None):
    pairs = [SegmentPair(0, source, target, "t:1")]
    found = run_checks(pairs, glossary, only=[check]).issues
    return [i for i in found if rule is None or i.rule == rule]


def spans(found):
    return [i.span for i in found]


# -- term-missing -------------------------------------------------------------------------------

@pytest.mark.parametrize("source,target,expected", [
    ("新华社报道。", "Xinhua News Agency reported.", []),
    ("新华社报道。", "The agency reported.", ["新华社"]),
    ("新華社報道。", "The agency reported.", ["新華社"]),  # Traditional source
    ("华龙网和新华社。", "Hualong Net and the agency.", ["新华社"]),  # any approved rendering
    ("新华社报道。", "Xinhua Agency reported.", []),  # forbidden: reported by term-forbidden only
    ("重庆市外办主办。", "Foreign Affairs of Chongqing Municipal Government hosted.", []),  # variant
    ("讲好中国故事。", "It tells good stories of China.", []),  # inflection of the first word
    ("没有术语。", "No terms.", []),
    ("新华社报道。", "", []),  # empty target is the untranslated check's business
])
def test_term_missing(glossary, source, target, expected):
    found = issues(glossary, source, target, "term-missing")
    assert spans(found) == expected
    for i in found:
        assert i.severity == "error" and i.side == "source"
        assert i.suggestion == "use 'Xinhua News Agency'"


# -- term-forbidden -----------------------------------------------------------------------------

@pytest.mark.parametrize("source,target,expected", [
    ("新华社报道。", "Xinhua Agency reported.", ["Xinhua Agency"]),
    ("没有术语。", "They said One Belt, One Road.", ["One Belt, One Road"]),  # source term absent
    ("新华社报道。", "Xinhua News Agency reported.", []),
    ("华龙网", "Hualong News Net", ["Hualong News Net"]),
])
def test_term_forbidden(glossary, source, target, expected):
    found = issues(glossary, source, target, "term-forbidden")
    assert spans(found) == expected
    assert all(i.suggestion.startswith("use '") and i.side == "target" for i in found)


# -- term-variant -------------------------------------------------------------------------------

@pytest.mark.parametrize("target,expected,suggestion", [
    ("the Foreign Affairs of Chongqing Municipal Government said",
     ["Foreign Affairs of Chongqing Municipal Government"],
     "use 'Foreign Affairs Office of Chongqing Municipal Government'"),
    ("cooperating with Huanglong News Net,", ["Huanglong News Net"], "use 'Huanglong Newsnet'"),
    ("cooperating with Huanglong Newsnet.", [], None),
    ("the Foreign Affairs Office of Chongqing Municipal Government said", [], None),
    ("the Foreign Affairs Offices of Chongqing Municipal Government", None, None),
    ("under the Belt and Road Initiatve", ["Belt and Road Initiatve"], "use 'Belt and Road Initiative'"),
    ("the Talk In Chongqing contest", ["Talk In Chongqing"], "use 'TALK IN Chongqing'"),  # case
    ("the TALK IN Chongqing contest", [], None),
    ("foreign friends in Chongqing and China", [], None),
    # every near miss is reported, a correct occurrence hides none of them
    ("Huanglong Newsnet and Huanglong News Net", ["Huanglong News Net"], "use 'Huanglong Newsnet'"),
    ("Huanglong News Net, then Huanglong Newsnet", ["Huanglong News Net"], "use 'Huanglong Newsnet'"),
    ("the Belt and Road Initiatve and the Belt and Road Inititive",
     ["Belt and Road Initiatve", "Belt and Road Inititive"], "use 'Belt and Road Initiative'"),
    ("the Foreign Affairs Office of Chongqing Municipal Government and the Foreign Affairs of "
     "Chongqing Municipal Government", ["Foreign Affairs of Chongqing Municipal Government"],
     "use 'Foreign Affairs Office of Chongqing Municipal Government'"),
])
def test_term_variant_even_without_source_term(glossary, target, expected, suggestion):
    found = issues(glossary, "没有术语。", target, "term-variant")
    if expected is None:  # a plural inside the name: reported or not, never a crash
        return
    assert spans(found) == expected
    if suggestion:
        wrong_case = found[0].span.lower() == suggestion[5:-1].lower()
        assert found[0].suggestion == suggestion
        assert found[0].severity == ("error" if wrong_case else "warning")


# -- inconsistency ------------------------------------------------------------------------------

def test_inconsistent_target_and_source(glossary):
    pairs = [SegmentPair(0, "加强合作。", "Strengthen cooperation.", "a:1"),
             SegmentPair(1, "加强合作。", "Strengthen  cooperation.", "a:2"),  # same after spacing
             SegmentPair(2, "加強合作。", "Enhance cooperation.", "a:3"),  # Traditional: same source
             SegmentPair(3, "深化合作。", "Strengthen cooperation.", "a:4")]
    report = run_checks(pairs, glossary, only=["inconsistent-target", "inconsistent-source"])
    got = {(i.check, i.segment) for i in report.issues}
    assert got == {("inconsistent-target", 2), ("inconsistent-source", 3)}
    it = next(i for i in report.issues if i.check == "inconsistent-target")
    assert it.suggestion == "'Strengthen cooperation.'" and "a:1" in it.message


def test_consistent_segments_are_quiet(glossary):
    pairs = [SegmentPair(0, "加强合作。", "Strengthen cooperation.", "a:1"),
             SegmentPair(1, "加强合作。", "strengthen cooperation.", "a:2"),
             SegmentPair(2, "深化合作。", "Deepen cooperation.", "a:3")]
    assert run_checks(pairs, glossary, only=["inconsistent-target", "inconsistent-source"]).issues == []


#: every character str.isspace() and r"\s" take for whitespace
_SPACES = "".join(chr(c) for c in range(0x110000) if chr(c).isspace())


@pytest.mark.parametrize("text", [
    "Strengthen  cooperation.", " \t“Open” ‘up’\u3000\n", "ÉTAT ß Straße  \x1c\x1f end",
    f"{_SPACES}a{_SPACES}b{_SPACES}", "", "   ", "“”‘’", "ﬁ ǅ İ",
    "加强 合作 。", "加強\u3000合作", "ＡＢＣ　１２３", f"中{_SPACES}文",
])
def test_consistency_keys(text):
    """The keys compare as the regular expressions they are written after."""
    import re

    from termbase.normalize import normalize_zh
    from termbase.qa.consistency import source_key, target_key

    quotes = str.maketrans({"“": '"', "”": '"', "‘": "'", "’": "'"})
    assert target_key(text) == re.sub(r"\s+", " ", text.translate(quotes)).strip().casefold()
    assert source_key(text) == re.sub(r"\s+", "", normalize_zh(text))


# -- untranslated -------------------------------------------------------------------------------

@pytest.mark.parametrize("source,target,rules,severity", [
    ("新华社报道。", "", ["empty-target"], "error"),
    ("新华社报道。", "新华社报道。", ["identical"], "error"),
    ("新华社报道。", "The 新华社 reported.", ["chinese-in-target"], "error"),
    ("", "An English passage.", ["no-source"], "info"),
    ("新华社报道。", "Xinhua News Agency reported.", [], None),
    ("GDP", "GDP", [], None),  # identical but nothing to translate
    ("新华社 报道。", "新华社\u3000报道 。\n", ["identical"], "error"),  # identical but for spacing
    ("\u3000新华社", "\u3000", ["empty-target"], "error"),
    ("新华社\u3000报道", "The 新华社 reported.", ["chinese-in-target"], "error"),
])
def test_untranslated(glossary, source, target, rules, severity):
    found = issues(glossary, source, target, "untranslated")
    assert [i.rule for i in found] == rules
    assert all(i.severity == severity for i in found)
    if rules == ["chinese-in-target"]:
        assert found[0].span == "新华社"


# -- typography ---------------------------------------------------------------------------------

@pytest.mark.parametrize("target,rule,expected", [
    ("tells stories of China,Chongqing chapter", "missing-space", ["China,Chongqing"]),
    ("Interviews with Mr.Jess Seade", "missing-space", ["Mr.Jess"]),
    ("the work.Focusing on", "missing-space", ["work.Focusing"]),
    ("increased by 30%compared with", "missing-space", ["30%compared"]),
    ("themes of“Striving”", "missing-space", ["of“Striving"]),
    ("grew by 5.5 percent, 1,000 people", "missing-space", []),
    ("see cqnews.net and xinhuanet.com, e.g. this", "missing-space", []),
    ("Hong Kong SAR and Macao SAR", "missing-space", []),
    ("China，the city。", "full-width-punctuation", ["，", "。"]),
    ("China, the city.", "full-width-punctuation", []),
    ("the “TALK IN Chongqing contest", "unpaired", ["“"]),
    ("the (first) and [second] “quoted”", "unpaired", []),
    ("the city (China", "unpaired", ["("]),
    ("in the the city", "doubled-word", ["the the"]),
    ("what he had had", "doubled-word", []),
    ("Chongqings practice and Chinas visions", "lost-apostrophe", ["Chongqings", "Chinas"]),
    ("Chongqing's practice, the Netherlands consul, Americans said", "lost-apostrophe", []),
])
def test_typography(glossary, target, rule, expected):
    found = issues(glossary, "源文。", target, "typography", rule=rule)
    assert spans(found) == expected
    assert all(i.severity == "warning" and i.suggestion for i in found)


def test_lost_apostrophe_learns_names_from_the_document(glossary):
    pairs = [SegmentPair(0, "甲。", "Wanzhou's port is busy.", "a:1"),
             SegmentPair(1, "乙。", "Wanzhous port grew.", "a:2"),
             SegmentPair(2, "丙。", "Ports grew.", "a:3")]
    report = run_checks(pairs, glossary, only=["typography"])
    assert [(i.segment, i.span) for i in report.issues if i.rule == "lost-apostrophe"] == [
        (1, "Wanzhous")]


# -- registry -----------------------------------------------------------------------------------

def test_registry_only_and_skip():
    assert [c.id for c in select_checks()] == list(CHECKS)
    assert [c.id for c in select_checks(only=["typography", "untranslated"])] == [
        "untranslated", "typography"]
    assert "typography" not in [c.id for c in select_checks(skip=["typography"])]
    with pytest.raises(UnknownCheckError, match="unknown check"):
        select_checks(only=["spelling"])


def test_every_check_has_id_severity_description():
    for c in select_checks():
        assert c.id in CHECKS and c.severity in ("info", "warning", "error") and c.description

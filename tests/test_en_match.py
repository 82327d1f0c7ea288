"""English rendering matching: case, hyphens, plurals, possessives, word boundaries."""
from __future__ import annotations

import pytest

from termbase.en_match import APPROVED, FORBIDDEN, EnMatcher, find_rendering, has_approved
from termbase.glossary import parse_glossary


@pytest.mark.parametrize("text, rendering, case_sensitive, found", [
    ("the Belt and Road Initiative", "Belt and Road Initiative", False, "Belt and Road Initiative"),
    ("the belt and road initiative", "Belt and Road Initiative", False, "belt and road initiative"),
    ("the Belt-and-Road Initiative", "Belt and Road Initiative", False, "Belt-and-Road Initiative"),
    ("opening up wider", "opening-up", False, "opening up"),
    ("visits to sister cities", "sister city", False, "sister cities"),
    ("a sister city", "sister cities", False, "sister city"),
    ("two Belt and Road Initiatives", "Belt and Road Initiative", False, "Belt and Road Initiatives"),
    ("Chongqing's opening-up", "Chongqing", False, "Chongqing's"),
    ("Chongqing’s stories", "Chongqing", False, "Chongqing’s"),
    ("boxes and a box", "box", False, "boxes"),
    ("the CPC's congress", "CPC", True, "CPC's"),
    ("the cpc congress", "CPC", True, None),
    ("XCPC members", "CPC", False, None),
    ("Huanglong News Net", "Huanglong Newsnet", False, None),
    ("People's Daily Online", "People's Daily Online", False, "People's Daily Online"),
    ("the 20th CPC National Congress,Chongqing", "20th CPC National Congress", False,
     "20th CPC National Congress"),
])
def test_find_rendering(text, rendering, case_sensitive, found):
    spans = find_rendering(text, rendering, case_sensitive=case_sensitive)
    if found is None:
        assert spans == []
    else:
        assert [text[s:e] for s, e in spans][0] == found


def test_matcher_over_glossary_marks_kinds():
    g, _ = parse_glossary("zh,en,forbidden\n"
                          "中国共产党,Communist Party of China|CPC,CCP|Chinese Communist Party\n"
                          "一带一路,Belt and Road Initiative,One Belt One Road\n")
    m = EnMatcher.for_glossary(g)
    text = "The CCP and the Communist Party of China discussed One Belt, One Road."
    got = [(x.matched, x.kind, x.entry.term) for x in m.find(text)]
    assert got == [("CCP", FORBIDDEN, "中国共产党"),
                   ("Communist Party of China", APPROVED, "中国共产党"),
                   ("One Belt, One Road", FORBIDDEN, "一带一路")]


def test_find_all_keeps_overlaps_find_keeps_longest():
    m = EnMatcher([("Chongqing", None, APPROVED, False), ("Chongqing Daily", None, APPROVED, False)])
    text = "Chongqing Daily"
    assert [x.matched for x in m.find_all(text)] == ["Chongqing Daily", "Chongqing"]
    assert [x.matched for x in m.find(text)] == ["Chongqing Daily"]


def test_has_approved():
    g, _ = parse_glossary("zh,en\n华龙网,Huanglong Newsnet|Hualong Net\n")
    e = g.get("华龙网")
    assert has_approved("with hualong net", e)
    assert not has_approved("with Huanglong News Net", e)

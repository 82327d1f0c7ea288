"""EnMatcher.find_all against its definition: every span of the text's words that is a key of the
matcher's index, each rendering of that key once, in text order (longest first at a start)."""
from __future__ import annotations

import random

import pytest

from termbase.en_match import (APPROVED, FORBIDDEN, EnMatcher, can_occur, token_folds,
                               tokenize_en, word_tokens)
from termbase.glossary import Entry

RENDERINGS = [
    # (rendering, kind, case-sensitive): renderings sharing first words, one-word renderings
    # and their plural forms, a two-word rendering whose second word takes a plural, a leading
    # article (optional), case-sensitive ones, a possessive, a hyphen
    ("foreign affairs", APPROVED, False),
    ("Foreign Affairs Office", APPROVED, False),
    ("Foreign Affairs Office of Chongqing Municipal Government", APPROVED, False),
    ("foreign affair", FORBIDDEN, False),
    ("sister city", APPROVED, False),
    ("sister", FORBIDDEN, False),
    ("city", APPROVED, False),
    ("policy", APPROVED, False),
    ("the young man", APPROVED, False),
    ("young", FORBIDDEN, False),
    ("CPC", APPROVED, True),
    ("TALK IN Chongqing", APPROVED, True),
    ("Chongqing", APPROVED, False),
    ("People's Daily", APPROVED, False),
    ("opening-up", APPROVED, False),
    ("opening up", APPROVED, False),
    ("of", FORBIDDEN, False),
]

FILLER = ["and", "the", "a", "news", "Office", "offices", "cities", "policies", "CPCs", "cpc",
          "Talk", "in", "IN", "TALK", "Chongqing's", "People’s", "Daily", "young", "man", "men",
          "opening", "up", "-", ",", ".", "affairs", "Foreign", "of", "Municipal", "Government"]


def _matcher() -> EnMatcher:
    m = EnMatcher()
    for k, (rendering, kind, case_sensitive) in enumerate(RENDERINGS):
        entry = Entry(zh=(f"术语{k}",), en=(rendering,), case_sensitive=case_sensitive)
        m.add(rendering, entry, kind, case_sensitive)
    return m


def reference_find_all(m: EnMatcher, text: str) -> list:
    """Every key of the index at every word span, case-sensitive renderings only in their case."""
    tokens = tokenize_en(text)
    folds = [t.fold for t in tokens]
    longest = max(len(key) for key in m._index)
    out = []
    for i in range(len(tokens)):
        for n in range(min(longest, len(tokens) - i), 0, -1):
            for phrase in m._index.get(tuple(folds[i:i + n]), ()):
                window = tokens[i:i + n]
                if phrase.case_sensitive and not (
                        [t.word for t in window[:-1]] == list(phrase.words[:-1])
                        and window[-1].word in _case_forms(phrase.words[-1])):
                    continue
                s, e = window[0].start, window[-1].end
                out.append((s, e, text[s:e], phrase.rendering, phrase.kind))
    return out


def _case_forms(word: str) -> set:
    from termbase.en_match import _forms

    return set(_forms(word))


def _found(m: EnMatcher, text: str) -> list:
    return [(x.start, x.end, x.matched, x.rendering, x.kind) for x in m.find_all(text)]


@pytest.mark.parametrize("text", [
    "",
    "nothing to see",
    "the Foreign Affairs Office of Chongqing Municipal Government and its foreign affairs",
    "Foreign Affairs Offices of the sister cities, one sister city and a city",
    "the young man, young men and the CPC (not the cpc or CPCs); TALK IN Chongqing, Talk In Chongqing",
    "People’s Daily, People's Dailies and Chongqing's opening-up or opening up",
    "of of of foreign",
    "foreign",
    "policies and policy",
])
def test_find_all_is_every_indexed_span(text):
    m = _matcher()
    assert _found(m, text) == reference_find_all(m, text)


def test_find_all_on_random_texts_of_the_renderings_words():
    m = _matcher()
    words = FILLER + [w for r, _, _ in RENDERINGS for w in r.split()]
    rng = random.Random(15)
    for _ in range(300):
        text = " ".join(rng.choice(words) for _ in range(rng.randint(0, 30)))
        assert _found(m, text) == reference_find_all(m, text), text


def test_find_all_orders_longest_first_at_one_start():
    m = _matcher()
    text = "Foreign Affairs Office of Chongqing Municipal Government"
    spans = [(x.start, x.end) for x in m.find_all(text)]
    assert spans[:3] == [(0, len(text)), (0, len("Foreign Affairs Office")),
                         (0, len("Foreign Affairs"))]
    assert spans == sorted(spans, key=lambda s: (s[0], s[0] - s[1]))


@pytest.mark.parametrize("words, folds, expected", [
    (("Foreign", "Affairs"), {"foreign", "affairs"}, True),
    (("Foreign", "Affairs"), {"foreign", "affair"}, True),  # the last word's other number
    (("Foreign", "Affairs"), {"affairs", "office"}, False),  # a first word alone is not enough
    (("Foreign", "Affairs", "Office"), {"foreign", "office"}, False),  # nor first and last
    (("the", "young", "man"), {"young", "man"}, True),  # a leading article may be left out
    (("the", "young", "man"), {"the", "young"}, False),
    (("policy",), {"policies"}, True),
    (("city",), {"town"}, False),
    (("a",), {"a"}, True),  # an article alone is the word itself
    ((), {"x"}, False),
])
def test_can_occur(words, folds, expected):
    assert can_occur(words, folds) is expected


def test_can_occur_holds_wherever_find_all_finds_the_rendering():
    """Necessary: a rendering found in a text can occur in that text's folds (and the test is not
    vacuous: it often says it cannot)."""
    m = _matcher()
    words = FILLER + [w for r, _, _ in RENDERINGS for w in r.split()]
    rng = random.Random(16)
    cannot = 0
    for _ in range(300):
        text = " ".join(rng.choice(words) for _ in range(rng.randint(0, 12)))
        folds = token_folds(text)
        found = {x.rendering for x in m.find_all(text)}
        for rendering, _, _ in RENDERINGS:
            possible = can_occur(word_tokens(rendering), folds)
            assert possible or rendering not in found, (rendering, text)
            cannot += not possible
    assert cannot > 300

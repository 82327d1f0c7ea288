"""tokenize_en, token_folds and EnMatcher.add against the plain one-match-at-a-time definition."""
from __future__ import annotations

import copy
import pickle
import re

import pytest

from termbase.en_match import (APPROVED, EnMatcher, Token, TokenList, folds_of, texts_token_folds,
                               token_folds, tokenize_en)

_WORD = re.compile(r"[A-Za-z0-9\u00C0-\u024F]+(?:['\u2019][A-Za-z]+)?")


def reference_tokens(text):
    """Word tokens as the matcher defines them: each match, apostrophes normalised and a
    possessive 's dropped (the match kept when nothing would be left)."""
    out = []
    for m in _WORD.finditer(text):
        word = m.group()
        if "'" in word or "\u2019" in word:
            word = re.sub(r"['\u2019]s?$", "", word.replace("\u2019", "'"), flags=re.I) or word
        out.append(Token(m.start(), m.end(), word, word.lower()))
    return out


TEXTS = [
    "",
    "   ",
    "...!?",
    "Chongqing",
    "the Foreign Affairs Office of Chongqing Municipal Government",
    "Chongqing's opening-up, the CPC’s congress and the boys' games",
    "it's o'clock; a' b’S DON'T",
    "İstanbul and Àix-en-Provence, ǅemal ẞ straße",
    "中国共产党 and the CPC 2023年 (20th)",
    "  leading and trailing spaces  ",
    "line one.\nline two:\tthree",
    "x’ ’s 's '",
]


@pytest.mark.parametrize("text", TEXTS)
def test_tokenize_en_is_the_match_by_match_definition(text):
    got = tokenize_en(text)
    want = reference_tokens(text)
    assert got == want
    assert all(type(t) is Token for t in got)
    assert isinstance(got, TokenList)
    assert got.folds == [t.fold for t in want]
    assert folds_of(got) == got.folds
    assert token_folds(text) == {t.fold for t in want}


@pytest.mark.parametrize("texts", [
    [],
    [""],
    TEXTS,
    ["Chongqing", "s"],  # the line break between texts ends a word: no "Chongqings"
    ["it'", "s here"],  # nor an apostrophe word across texts
    ["the CPC’s", "the CPC's", "CPC"],  # one fold from three words
    ["x’y", "plain words only"],  # an apostrophe in one text only
])
def test_token_folds_of_many_texts_are_the_union_of_each(texts):
    want = set()
    for text in texts:
        want |= {t.fold for t in reference_tokens(text)}
    assert texts_token_folds(texts) == want


def test_token_list_survives_copy_and_pickle_and_slices_to_plain_lists():
    tokens = tokenize_en("Chongqing's sister cities")
    for proto in range(pickle.HIGHEST_PROTOCOL + 1):
        back = pickle.loads(pickle.dumps(tokens, proto))
        assert back == tokens and back.folds == tokens.folds
    assert copy.deepcopy(tokens).folds == tokens.folds
    assert type(tokens[1:]) is list
    assert folds_of(list(tokens)) == ["chongqing", "sister", "cities"]


@pytest.mark.parametrize("rendering", [
    "Belt and Road Initiative", "the young man", "CPC", "People's Daily Online",
    "opening-up", "cqnews.net", "20th CPC National Congress", "Xi’s thought",
])
def test_add_indexes_a_rendering_as_its_word_tokens(rendering):
    fast = EnMatcher()
    fast.add(rendering)
    slow = EnMatcher()
    slow.add_words(rendering, tuple(t.word for t in reference_tokens(rendering)))
    text = f"Before {rendering}, then {rendering.upper()} and {rendering}s."
    assert ([(m.start, m.end, m.rendering, m.kind) for m in fast.find_all(text)]
            == [(m.start, m.end, m.rendering, m.kind) for m in slow.find_all(text)])
    assert fast.find_all(text) and all(m.kind == APPROVED for m in fast.find_all(text))

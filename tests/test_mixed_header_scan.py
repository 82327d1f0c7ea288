"""The running-header scan's two fast paths find exactly what the plain regular expressions they
replace find: the phrase before a page number (found from the end) and the page-number pattern
(written to begin with its digit)."""
from __future__ import annotations

import random
import re

import pytest

import termbase.aligned.mixed as mixed
from termbase.aligned.mixed import _PAGE_NUMBER, _phrase_numbers, _words_before

# the patterns as they were written before (the reference: a search that tries every start)
WORDS_BEFORE = re.compile(r"([A-Za-z][A-Za-z'’&-]*(?:[ \t]+[A-Za-z'’&-]+){1,7})[ \t]*$")
PAGE_NUMBER = re.compile(r"(?<!\d)(?<!\d[.,])\d{1,3}(?!\d)(?![.,]\d)")


def reference_words_before(text: str, end: int):
    found = WORDS_BEFORE.search(text, max(0, end - 120), end)
    return found.group(1).split() if found else None


def reference_phrase_numbers(text: str, monkeypatch) -> dict:
    """``_phrase_numbers`` of the whole text with the reference patterns in its place."""
    with monkeypatch.context() as patch:
        patch.setattr(mixed, "_PAGE_NUMBER", PAGE_NUMBER)
        patch.setattr(mixed, "_words_before", reference_words_before)
        return dict(mixed._phrase_numbers(text))


# (text before the page number, the words found)
BEFORE = [
    ("The World and Chongqing ", ["The", "World", "and", "Chongqing"]),
    ("Chongqing", None),  # one word is no phrase
    ("中文。Foreign Affairs\t ", ["Foreign", "Affairs"]),
    # more than eight words: the last eight
    ("one two three four five six seven eight nine ",
     ["two", "three", "four", "five", "six", "seven", "eight", "nine"]),
    # the first word of the phrase starts at its first letter
    ("-dash 'quote word ", ["dash", "'quote", "word"]),
    ("x -- 'n' & end ", ["x", "--", "'n'", "&", "end"]),
    ("-- 'n' & end ", ["n'", "&", "end"]),
    ("abc1def ghi ", ["def", "ghi"]),  # a digit ends the run: the phrase starts after it
    ("Image, City Image ", ["City", "Image"]),
    ("it’s Chongqing’s Day ", ["it’s", "Chongqing’s", "Day"]),
    ("ab\ncd ef ", ["cd", "ef"]),  # a line break ends the run
    ("ÉCole Normale ", ["Cole", "Normale"]),  # É is no A-Z letter: the run starts after it
    ("& -- ", None),  # no letter to start at
    ("x" * 130 + " tail end ", ["x" * 110, "tail", "end"]),  # 120 characters before at most
]


@pytest.mark.parametrize("before, words", BEFORE)
def test_words_before_a_page_number(before, words):
    text = before + "60 其他"
    end = len(before)
    assert reference_words_before(text, end) == words
    assert _words_before(text, end) == words


@pytest.mark.parametrize("text", [
    "p. 60 The World", "1.5 and 12,5 or 1234 but 12 and 123.", "60.5 61,3 7a8 9", "3,000 4.",
    "年6月, page 7 of 10", "",
])
def test_page_number_pattern_as_before(text):
    assert ([m.span() for m in _PAGE_NUMBER.finditer(text)]
            == [m.span() for m in PAGE_NUMBER.finditer(text)])


def test_random_texts_scan_as_before(monkeypatch):
    """Seeded random texts of the characters that matter (letters, the phrase's punctuation,
    spaces, tabs, digits, separators, line breaks, Chinese): same page numbers, same phrases."""
    rng = random.Random(15)
    alphabet = list("abcXYZÉ'’&-  \t\t123456789.,\n中文") + ["Ab", "Cd ", " e", "12", "1.5",
                                                        "Page 7 ", "The World and Chongqing "]
    for _ in range(1500):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 220)))
        start = rng.randint(0, len(text))
        end = rng.randint(start, len(text))
        assert ([m.span() for m in _PAGE_NUMBER.finditer(text, start, end)]
                == [m.span() for m in PAGE_NUMBER.finditer(text, start, end)])
        assert (dict(_phrase_numbers(text))
                == reference_phrase_numbers(text, monkeypatch))
        for point in rng.sample(range(1, len(text) + 1), min(len(text), 12)):
            if text[point - 1] != "\n":
                assert _words_before(text, point) == reference_words_before(text, point), (
                    text, point)


def test_sample_page_scans_as_before(sample_page, monkeypatch):
    text = sample_page.read_text(encoding="utf-8")
    found = dict(_phrase_numbers(text))
    assert found == reference_phrase_numbers(text, monkeypatch)
    assert "The World and Chongqing" in found  # the yearbook's running header, with its pages

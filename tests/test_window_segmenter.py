"""The boundary test's segmenter cuts exactly as jieba does (HMM off), learned words included."""
from __future__ import annotations

import random

import pytest

from termbase.aligned import read_aligned
from termbase.segmenter import (Lexicon, WindowSegmenter, _pack_lexicon, _unpack_lexicon,
                                add_word, lexicon, lexicon_word_frequency, new_tokenizer,
                                word_frequency)


@pytest.mark.parametrize("text, learned", [
    ("和平台上", []),
    ("和平台上", ["平台"]),
    ("南京市长江大桥", []),
    ("南京市长江大桥", ["市长"]),
    ("G20峰会在杭州举行", ["G20峰会"]),
    ("ａｂｃ１２３测试，再测试", []),
    ("abc  def\r\n中文 English 3.5%增长", []),
    ("C++和C#语言", ["C#语言"]),
    ("𠀀𠀁中国㐀", []),
    ("中\u3000国", []),
    ("", []),
    ("重庆市人民政府外事办公室", ["外事办公室", "重庆市人民政府", "人民政府外事"]),
])
def test_cut_as_jieba(text, learned):
    ours, theirs = WindowSegmenter(), new_tokenizer()
    for w in learned:
        ours.learn(w)
        add_word(theirs, w)
    assert ours.cut(text) == list(theirs.cut(text, HMM=False))


def test_cut_as_jieba_on_random_windows_with_learned_words(sample_page):
    texts = [p.source for p in read_aligned(sample_page) if p.source]
    rng = random.Random(15)
    ours, theirs = WindowSegmenter(), new_tokenizer()
    for _ in range(3000):
        t = rng.choice(texts)
        i = rng.randrange(len(t))
        window = t[i:i + rng.randint(1, 24)]
        if rng.random() < 0.3 and len(window) > 2:
            j = rng.randrange(len(window) - 1)
            word = window[j:j + rng.randint(2, 5)]
            ours.learn(word)
            add_word(theirs, word)
            assert lexicon_word_frequency(word) == word_frequency(word)
        assert ours.cut(window) == list(theirs.cut(window, HMM=False)), window


def test_lexicon_decodes_only_what_texts_need():
    freq = {"中": 5, "中国": 10, "国": 3, "人": 4, "人民": 0, "人民币": 6}
    lex = _unpack_lexicon(_pack_lexicon(freq, 100))
    assert isinstance(lex, Lexicon) and lex.total == 100 and lex.freq == {}
    lex.cover("中")
    assert lex.freq == {"中": 5, "中国": 10}
    lex.cover("人")
    assert lex.freq["人民币"] == 6 and "国" not in lex.freq


@pytest.mark.parametrize("damage", [lambda b: b[:-3], lambda b: b[:20] + b"x" + b[21:],
                                    lambda b: b"nope" + b[4:], lambda b: b""])
def test_damaged_lexicon_is_not_used(damage):
    data = _pack_lexicon({"中": 5, "中国": 10}, 100)
    assert _unpack_lexicon(data) is not None
    assert _unpack_lexicon(damage(data)) is None


def test_one_lexicon_per_process():
    assert lexicon() is lexicon()

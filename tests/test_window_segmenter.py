"""The boundary test's segmenter cuts exactly as jieba does (HMM off), learned words included."""
from __future__ import annotations

import mmap
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


def test_a_window_needs_only_its_own_groups(sample_page):
    # each window cut by a segmenter whose lexicon decoded nothing before: covering the window
    # alone must give jieba's cut (the process's lexicon would hide a group left undecoded)
    texts = [p.source for p in read_aligned(sample_page) if p.source]
    rng = random.Random(16)
    shared = lexicon()
    theirs = new_tokenizer()
    for _ in range(300):
        t = rng.choice(texts)
        i = rng.randrange(len(t))
        window = t[i:i + rng.randint(1, 24)]
        ours = WindowSegmenter()
        ours.lexicon = Lexicon(shared._buffer, shared.total)
        assert ours.cut(window) == list(theirs.cut(window, HMM=False)), window


@pytest.mark.parametrize("texts, decoded", [
    (["中"], {"中": 5}),  # one character: its own word, not the words it begins
    (["中国"], {"中": 5, "国": 3, "中国": 10, "中国人": 7}),
    (["国中"], {"中": 5, "国": 3}),  # 国中 begins no word
    (["人"], {"人": 4}),
    (["人民"], {"人": 4, "民": 1, "人民": 0, "人民币": 6}),  # mere prefixes decoded with their words
    (["中", "国"], {"中": 5, "国": 3}),  # pairs are taken inside a text, not across texts
    (["x中国y", "人民"], {"中": 5, "国": 3, "中国": 10, "中国人": 7, "人": 4, "民": 1, "人民": 0,
                        "人民币": 6}),
    (["𠀀𠀁"], {"𠀀": 0, "𠀀𠀁": 2}),  # beyond the BMP
    ([""], {}),
])
def test_lexicon_decodes_only_what_texts_need(texts, decoded):
    freq = {"中": 5, "中国": 10, "中国人": 7, "国": 3, "人": 4, "民": 1, "人民": 0, "人民币": 6,
            "𠀀𠀁": 2, "𠀀": 0}
    lex = _unpack_lexicon(_pack_lexicon(freq, 100))
    assert isinstance(lex, Lexicon) and lex.total == 100 and lex.freq == {}
    for t in texts:
        lex.cover(t)
    assert lex.freq == decoded


@pytest.mark.parametrize("damage", [lambda b: b[:-3], lambda b: b[:20] + b"x" + b[21:],
                                    lambda b: b[:12] + b"\x07" + b[13:],  # the total
                                    lambda b: b[:-1] + bytes([b[-1] ^ 1]),  # the last group
                                    lambda b: b + b"\x00", lambda b: b"nope" + b[4:],
                                    lambda b: b""])
def test_damaged_lexicon_is_not_used(damage):
    data = _pack_lexicon({"中": 5, "中国": 10}, 100)
    assert _unpack_lexicon(data) is not None
    assert _unpack_lexicon(damage(data)) is None


def test_one_lexicon_per_process():
    assert lexicon() is lexicon()


def test_lexicon_file_is_made_once_and_replaces_an_earlier_layout(tmp_path, monkeypatch):
    from termbase import segmenter

    monkeypatch.setenv("TERMTRANS_CACHE", str(tmp_path))
    path = segmenter._lexicon_file(segmenter._dictionary_file())
    stale = path.with_name(segmenter._cache_file(segmenter._dictionary_file()).stem + "-1024.lexicon")
    stale.parent.mkdir(parents=True)
    stale.write_bytes(b"TTLEX\x00\x00\x02 an earlier layout")
    segmenter.lexicon.cache_clear()
    try:
        made = segmenter.lexicon()
        assert path.is_file() and not stale.exists()
        segmenter.lexicon.cache_clear()
        read = segmenter.lexicon()
        assert read is not made and isinstance(read._buffer, mmap.mmap)  # read back, not rebuilt
        del made, read
        path.write_bytes(path.read_bytes()[:-1])  # damaged: rebuilt
        segmenter.lexicon.cache_clear()
        assert _unpack_lexicon(segmenter.lexicon()._buffer) is not None
        assert _unpack_lexicon(path.read_bytes()) is not None
    finally:
        segmenter.lexicon.cache_clear()


def test_the_crossing_test_looks_up_only_the_groups_it_names(sample_page):
    # _word_crosses runs on a lexicon covered only by _crossing_groups: every word it looks up
    # must lie in one of those groups, or it would miss a crossing word
    from termbase.segmenter import _dictionary
    from termbase.zh_match import _crossing_groups, _word_crosses

    class Recording(dict):
        def get(self, key, default=None):
            looked.append(key)
            return super().get(key, default)

    freq = Recording(_dictionary()[0])
    texts = [p.source for p in read_aligned(sample_page) if p.source]
    rng = random.Random(17)
    crossed = 0
    for _ in range(3000):
        t = rng.choice(texts)
        i = rng.randrange(len(t))
        window = t[i:i + rng.randint(1, 20)]
        s = rng.randrange(len(window))
        e = rng.randint(s + 1, len(window))
        looked = []
        crossed += _word_crosses(window, s, e, freq)
        groups = _crossing_groups(window, s, e)
        assert all(w[:2] in groups for w in looked), (window, s, e)
    assert crossed > 100  # the windows do hold crossing words

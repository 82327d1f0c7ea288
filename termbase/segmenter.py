"""Isolated jieba tokenizers that share one loaded dictionary per process.

jieba's own start-up reads its prefix dictionary from a cache in the system temporary directory
with ``marshal.load`` on a file object, which takes 0.6-0.9 s. This module keeps its own copy of
that dictionary under the termtrans cache directory (see :func:`termbase.cache_home.cache_home`),
keyed by jieba's version and its dictionary file, and reads it in one piece (about 0.2 s). The
dictionary is loaded once per process; every tokenizer made here copies it (about 10 ms), so
extending one never touches jieba's global tokenizer or another glossary's.
"""
from __future__ import annotations

import marshal
from functools import lru_cache
from pathlib import Path
from typing import Dict, Iterable, Optional, Tuple

from .cache_home import cache_home


def _dictionary_file() -> Path:
    import jieba

    return Path(jieba.__file__).resolve().parent / "dict.txt"


def _cache_file(dictionary: Path) -> Optional[Path]:
    import jieba

    try:
        st = dictionary.stat()
    except OSError:
        return None
    name = f"prefix-dict-{jieba.__version__}-{st.st_size}-{st.st_mtime_ns}.marshal"
    return cache_home() / "jieba" / name


def _read_cache(path: Path) -> Optional[Tuple[Dict[str, int], int]]:
    try:
        data = marshal.loads(path.read_bytes())
    except (OSError, EOFError, ValueError, TypeError):
        return None
    if (isinstance(data, tuple) and len(data) == 2 and isinstance(data[0], dict)
            and isinstance(data[1], int) and data[0]):
        return data
    return None


def _write_cache(path: Path, freq: Dict[str, int], total: int) -> None:
    from .errors import OutputError
    from .textio import atomic_write_bytes

    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write_bytes(path, marshal.dumps((freq, total)))
    except (OSError, OutputError):
        pass  # a read-only cache only costs time


@lru_cache(maxsize=1)
def _dictionary() -> Tuple[Dict[str, int], int]:
    """``(FREQ, total)`` of jieba's default dictionary, loaded once per process."""
    import logging

    import jieba

    jieba.setLogLevel(logging.WARNING)
    dictionary = _dictionary_file()
    cache = _cache_file(dictionary)
    hit = _read_cache(cache) if cache is not None else None
    if hit is not None:
        return hit
    with open(dictionary, "rb") as fh:
        freq, total = jieba.Tokenizer().gen_pfdict(fh)
    if cache is not None:
        _write_cache(cache, freq, total)
    return freq, total


def _tokenizer(freq: Dict[str, int], total: int):
    import jieba

    tokenizer = jieba.Tokenizer()
    tokenizer.FREQ = freq
    tokenizer.total = total
    tokenizer.initialized = True
    return tokenizer


@lru_cache(maxsize=1)
def _base_tokenizer():
    """A tokenizer over the unmodified default dictionary (never extended)."""
    return _tokenizer(*_dictionary())


def word_frequency(word: str) -> int:
    """The frequency that makes ``word`` one word of jieba's default dictionary.

    jieba's ``suggest_freq`` against the unextended dictionary: just enough for the word to beat
    its own cut. It does not depend on what else a tokenizer was extended with, so a tokenizer
    extended lazily, word by word, cuts every text the same whatever the order.
    """
    return _base_tokenizer().suggest_freq(word, False)


def add_word(tokenizer, word: str) -> None:
    """Make ``word`` one word of ``tokenizer`` (frequency from :func:`word_frequency`).

    Unlike ``jieba.Tokenizer.add_word`` this leaves the dictionary total unchanged, which keeps
    the result independent of the order in which words are added.
    """
    freq = tokenizer.FREQ
    freq[word] = word_frequency(word)  # never below the word's own frequency
    for k in range(1, len(word)):
        freq.setdefault(word[:k], 0)


def new_tokenizer(words: Iterable[str] = ()):
    """A fresh ``jieba.Tokenizer`` with the default dictionary plus ``words``."""
    freq, total = _dictionary()
    tokenizer = _tokenizer(dict(freq), total)
    for w in words:
        add_word(tokenizer, w)
    return tokenizer

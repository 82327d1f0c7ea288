"""Isolated jieba tokenizers that share one loaded dictionary per process, and the
jieba-compatible segmenter of the word-boundary test (:class:`WindowSegmenter`).

jieba's own start-up reads its prefix dictionary from a cache in the system temporary directory
with ``marshal.load`` on a file object, which takes 0.6-0.9 s. This module keeps its own copy of
that dictionary under the termtrans cache directory (see :func:`termbase.cache_home.cache_home`),
keyed by jieba's version and its dictionary file, and reads it in one piece (about 0.2 s). The
dictionary is loaded once per process; every tokenizer made here copies it (about 10 ms), so
extending one never touches jieba's global tokenizer or another glossary's.
"""
from __future__ import annotations

import marshal
import math
import mmap
import re
import zlib
from array import array
from bisect import bisect_left
from functools import lru_cache
from pathlib import Path
from typing import Dict, Iterable, List, Optional, Tuple

from .cache_home import cache_home


@lru_cache(maxsize=1)
def _jieba_package() -> Tuple[Path, str]:
    """jieba's package directory and version, found without importing jieba (its import alone
    costs 0.1-0.3 s: it imports pkg_resources)."""
    from importlib.util import find_spec

    spec = find_spec("jieba")
    if spec is None or not spec.origin:  # pragma: no cover - jieba is a dependency
        import jieba

        return Path(jieba.__file__).resolve().parent, jieba.__version__
    init = Path(spec.origin).resolve()
    version = "unknown"
    try:
        with open(init, encoding="utf-8", errors="replace") as fh:
            found = re.search(r"^__version__\s*=\s*['\"]([^'\"]+)['\"]", fh.read(4096), re.M)
        if found:
            version = found.group(1)
    except OSError:  # pragma: no cover
        pass
    return init.parent, version


def _dictionary_file() -> Path:
    return _jieba_package()[0] / "dict.txt"


def _cache_file(dictionary: Path) -> Optional[Path]:
    try:
        st = dictionary.stat()
    except OSError:
        return None
    name = f"prefix-dict-{_jieba_package()[1]}-{st.st_size}-{st.st_mtime_ns}.marshal"
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


def _write_cache(path: Path, data: bytes) -> None:
    from .errors import OutputError
    from .textio import atomic_write_bytes

    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write_bytes(path, data)
    except (OSError, OutputError):
        pass  # a read-only cache only costs time


@lru_cache(maxsize=1)
def _dictionary() -> Tuple[Dict[str, int], int]:
    """``(FREQ, total)`` of jieba's default dictionary, loaded once per process."""
    dictionary = _dictionary_file()
    cache = _cache_file(dictionary)
    hit = _read_cache(cache) if cache is not None else None
    if hit is not None:
        return hit
    import logging

    import jieba

    jieba.setLogLevel(logging.WARNING)
    with open(dictionary, "rb") as fh:
        freq, total = jieba.Tokenizer().gen_pfdict(fh)
    if cache is not None:
        _write_cache(cache, marshal.dumps((freq, total)))
    return freq, total


def _tokenizer(freq: Dict[str, int], total: int):
    import logging

    import jieba

    jieba.setLogLevel(logging.WARNING)

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


# --- the word-boundary segmenter: jieba's exact cut without jieba's start-up ------------------
#
# The boundary test of term matching cuts short windows of text around candidate terms. jieba
# itself would load its whole prefix dictionary (and import pkg_resources) before the first cut,
# and each tokenizer extended with glossary terms would copy it. :class:`Lexicon` keeps jieba's
# prefix dictionary in groups keyed by a word's first two characters (one-character words by
# themselves) in a file in the termtrans cache, made from jieba's once; a window decodes only the
# groups of its own characters and character pairs (a window of random text mostly none), so a
# document needs a few thousand of the dictionary's 500,000 entries. :class:`WindowSegmenter`
# reproduces ``jieba.Tokenizer.cut(text, HMM=False)`` over it plus the words it learned, without
# copying.

_RE_HAN = re.compile("([\u4E00-\u9FD5a-zA-Z0-9+#&\\._%\\-]+)", re.U)  # jieba's re_han_default
_RE_SKIP = re.compile("(\r\n|\\s)", re.U)  # jieba's re_skip_default
_RE_ENG = re.compile("[a-zA-Z0-9]", re.U)  # jieba's re_eng
_LEXICON_MAGIC = b"TTLEX\x00\x00\x03"
#: magic, group count (u32), dictionary total (u64), CRC-32 of all that follows the magic (u32)
_LEXICON_HEAD = len(_LEXICON_MAGIC) + 16
#: group keys are code points: ``ord(a) * _KEY_BASE`` for the one-character word ``a``,
#: ``ord(a) * _KEY_BASE + ord(b) + 1`` for the words that begin with ``ab``
_KEY_BASE = 0x110001


def _group_key(word: str) -> int:
    """The key of the group that holds ``word`` (non-empty)."""
    if len(word) == 1:
        return ord(word) * _KEY_BASE
    return ord(word[0]) * _KEY_BASE + ord(word[1]) + 1


class Lexicon:
    """jieba's prefix dictionary (word -> frequency, 0 for a mere prefix), decoded by groups of
    words with the same first two characters as texts need them (:meth:`cover`); ``freq`` holds
    what is decoded: every word of one character of a covered text and every word that begins
    with two adjacent characters of it."""

    def __init__(self, data, total: int):
        self._buffer = data
        view = memoryview(data)
        n = int.from_bytes(view[len(_LEXICON_MAGIC):len(_LEXICON_MAGIC) + 4], "little")
        keys_at = _LEXICON_HEAD
        offsets_at = keys_at + 8 * n
        body_at = offsets_at + 4 * (n + 1)
        self._keys = view[keys_at:offsets_at].cast("Q")
        self._offsets = view[offsets_at:body_at].cast("I")
        self._body = view[body_at:]
        self.total = total
        self.freq: Dict[str, int] = {}
        self._seen: set = set()  # characters and pairs of characters covered
        self._texts: set = set()  # texts covered

    def cover(self, text: str) -> None:
        """Decode the groups of every character and every pair of adjacent characters of
        ``text``."""
        if text in self._texts:
            return
        if len(self._texts) > 100000:
            self._texts.clear()
        self._texts.add(text)
        new = {text[i:i + 2] for i in range(len(text) - 1)}
        new.update(text)
        self.cover_parts(new)

    def cover_parts(self, parts: set) -> None:
        """Decode the groups of ``parts``, characters and pairs of characters (the set is
        consumed)."""
        new = parts
        new -= self._seen
        if not new:
            return
        self._seen |= new
        keys = self._keys
        offsets = self._offsets
        body = self._body
        count = len(keys)
        update = self.freq.update
        base = _KEY_BASE
        for part in new:
            key = ord(part[0]) * base if len(part) == 1 else ord(part[0]) * base + ord(part[1]) + 1
            i = bisect_left(keys, key)
            if i < count and keys[i] == key:
                update(marshal.loads(body[offsets[i]:offsets[i + 1]]))

    def expect(self, chars: Iterable[str]) -> None:
        """Texts with these characters are coming (nothing to do: a text decodes only what it
        needs, less than a whole dictionary would cost)."""


def _lexicon_file(dictionary: Path) -> Optional[Path]:
    cache = _cache_file(dictionary)
    return None if cache is None else cache.with_name(cache.stem + "-pairs.lexicon")


def _pack_lexicon(freq: Dict[str, int], total: int) -> bytes:
    groups: Dict[int, Dict[str, int]] = {}
    for word, f in freq.items():
        if word:
            groups.setdefault(_group_key(word), {})[word] = f
    keys = array("Q", sorted(groups))
    blobs = [marshal.dumps(groups[k]) for k in keys]
    offsets = array("I", [0])
    for b in blobs:
        offsets.append(offsets[-1] + len(b))
    sizes = len(keys).to_bytes(4, "little") + total.to_bytes(8, "little")
    rest = keys.tobytes() + offsets.tobytes() + b"".join(blobs)
    return _LEXICON_MAGIC + sizes + zlib.crc32(rest, zlib.crc32(sizes)).to_bytes(4, "little") + rest


def _unpack_lexicon(data) -> Optional[Lexicon]:
    """The :class:`Lexicon` in ``data``, or None when it fails its checks (magic, sizes, CRC)."""
    try:
        view = memoryview(data)
        m = len(_LEXICON_MAGIC)
        if len(view) < _LEXICON_HEAD or bytes(view[:m]) != _LEXICON_MAGIC:
            return None
        n = int.from_bytes(view[m:m + 4], "little")
        total = int.from_bytes(view[m + 4:m + 12], "little")
        crc = int.from_bytes(view[m + 12:m + 16], "little")
        body_at = _LEXICON_HEAD + 12 * n + 4
        if (total <= 0 or len(view) < body_at
                or zlib.crc32(view[_LEXICON_HEAD:], zlib.crc32(view[m:m + 12])) != crc):
            return None
        last = int.from_bytes(view[body_at - 4:body_at], "little")
        if body_at + last != len(view):
            return None
        return Lexicon(data, total)
    except (ValueError, TypeError, IndexError):
        return None


@lru_cache(maxsize=1)
def lexicon() -> Lexicon:
    """The process's :class:`Lexicon` (from the cache; made from jieba's dictionary once)."""
    dictionary = _dictionary_file()
    path = _lexicon_file(dictionary)
    if path is not None:
        try:
            with open(path, "rb") as fh:
                hit = _unpack_lexicon(mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ))
        except (OSError, ValueError):
            hit = None
        if hit is not None:
            return hit
    freq, total = _dictionary()
    data = _pack_lexicon(freq, total)
    if path is not None:
        _write_cache(path, data)
        for old in path.parent.glob(_cache_file(dictionary).stem + "-*.lexicon"):
            if old.name != path.name:  # an earlier layout of the same dictionary
                try:
                    old.unlink()
                except OSError:
                    pass
    return _unpack_lexicon(data)


class WindowSegmenter:
    """``jieba.Tokenizer.cut(text, HMM=False)`` over jieba's default dictionary plus the words
    it learned with :meth:`learn` (as :func:`add_word` would add them to a copy of it), without
    copying the dictionary: learned words and their new prefixes live in a small overlay."""

    def __init__(self):
        self.lexicon = lexicon()
        self.extra: Dict[str, int] = {}

    def get(self, word: str) -> Optional[int]:
        """The frequency of ``word`` (0: only a prefix; None: unknown), for words of one
        character and words whose first two characters :meth:`cover` has seen side by side."""
        f = self.extra.get(word)
        return self.lexicon.freq.get(word) if f is None else f

    def cover(self, text: str) -> None:
        """Decode the dictionary shards ``text`` needs."""
        self.lexicon.cover(text)

    def expect(self, texts: Iterable[str]) -> None:
        """Prepare for cutting windows of ``texts`` (see :meth:`Lexicon.expect`)."""
        chars: set = set()
        for t in texts:
            chars.update(t)
        self.lexicon.expect(chars)

    def learn(self, word: str) -> None:
        """Make ``word`` one word (frequency :func:`lexicon_word_frequency`)."""
        self.cover(word)
        base = self.lexicon.freq
        extra = self.extra
        extra[word] = lexicon_word_frequency(word)
        for k in range(1, len(word)):
            prefix = word[:k]
            if prefix not in extra and prefix not in base:
                extra[prefix] = 0

    def cut(self, sentence: str) -> List[str]:
        """The words of ``sentence``, as jieba's ``cut(sentence, HMM=False)`` gives them."""
        self.cover(sentence)
        return _cut(sentence, self.lexicon.freq, self.extra, self.lexicon.total)


def _cut(sentence: str, base: Dict[str, int], extra: Dict[str, int], total: int) -> List[str]:
    out: List[str] = []
    for blk in _RE_HAN.split(sentence):
        if not blk:
            continue
        if _RE_HAN.match(blk):
            out.extend(_cut_block(blk, base, extra, total))
        else:
            for x in _RE_SKIP.split(blk):
                if _RE_SKIP.match(x):
                    out.append(x)
                else:
                    out.extend(x)
    return out


def _cut_block(sentence: str, base: Dict[str, int], extra: Dict[str, int], total: int) -> List[str]:
    """jieba's ``__cut_DAG_NO_HMM``: the most probable route through the word graph."""
    n = len(sentence)
    get_extra, get_base = extra.get, base.get
    logtotal = math.log(total)
    log = math.log
    # the word graph: for each start, the ends of its words with log(freq) - logtotal, the
    # weight of the word (a start without a word: the character alone, of frequency 1)
    dag = []
    for k in range(n):
        ends = []
        i = k
        frag = sentence[k]
        while i < n:
            f = get_extra(frag)
            if f is None:
                f = get_base(frag)
                if f is None:
                    break
            if f:
                ends.append((i, log(f) - logtotal))
            i += 1
            frag = sentence[k:i + 1]
        if not ends:
            ends.append((k, log(1) - logtotal))
        dag.append(ends)
    route = [(0, 0)] * (n + 1)
    for idx in range(n - 1, -1, -1):
        best = None
        for x, weight in dag[idx]:
            cand = (weight + route[x + 1][0], x)
            if best is None or cand > best:
                best = cand
        route[idx] = best
    out: List[str] = []
    x = 0
    buf = ""
    while x < n:
        y = route[x][1] + 1
        word = sentence[x:y]
        if len(word) == 1 and _RE_ENG.match(word):
            buf += word
        else:
            if buf:
                out.append(buf)
                buf = ""
            out.append(word)
        x = y
    if buf:
        out.append(buf)
    return out


def lexicon_word_frequency(word: str) -> int:
    """:func:`word_frequency` over the :class:`Lexicon` (jieba's ``suggest_freq(word, False)``
    against the unextended dictionary)."""
    lex = lexicon()
    lex.cover(word)
    base = lex.freq
    ftotal = float(lex.total)
    freq = 1
    for seg in _cut(word, base, {}, lex.total):
        freq *= base.get(seg, 1) / ftotal
    return max(int(freq * lex.total) + 1, base.get(word, 1))

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
# prefix dictionary in shards by first character (a file in the termtrans cache, made from
# jieba's once), decoded as the windows need them; :class:`WindowSegmenter` reproduces
# ``jieba.Tokenizer.cut(text, HMM=False)`` over it plus the words it learned, without copying.

_LEXICON_SHARDS = 1024
_RE_HAN = re.compile("([\u4E00-\u9FD5a-zA-Z0-9+#&\\._%\\-]+)", re.U)  # jieba's re_han_default
_RE_SKIP = re.compile("(\r\n|\\s)", re.U)  # jieba's re_skip_default
_RE_ENG = re.compile("[a-zA-Z0-9]", re.U)  # jieba's re_eng
_LEXICON_MAGIC = b"TTLEX\x00\x00\x02"


def _shard_of(ch: str) -> int:
    return ord(ch) % _LEXICON_SHARDS


class Lexicon:
    """jieba's prefix dictionary (word -> frequency, 0 for a mere prefix), decoded by shards of
    first characters as texts need them (:meth:`cover`); ``freq`` holds what is decoded."""

    def __init__(self, data, total: int):
        self._buffer = data
        self._data = memoryview(data)
        self.total = total
        self.freq: Dict[str, int] = {}
        self._loaded = bytearray(_LEXICON_SHARDS)
        self._seen: set = set()
        hlen = int.from_bytes(self._data[len(_LEXICON_MAGIC):len(_LEXICON_MAGIC) + 4], "little")
        start = len(_LEXICON_MAGIC) + 4
        self._offsets = self._data[start:start + hlen].cast("I")
        self._body = self._data[start + hlen:]

    def cover(self, text: str) -> None:
        """Decode the shards of every character of ``text``."""
        new = set(text) - self._seen
        if not new:
            return
        self._seen |= new
        loaded = self._loaded
        offsets = self._offsets
        for s in {ord(ch) % _LEXICON_SHARDS for ch in new}:
            if not loaded[s]:
                loaded[s] = 1
                self.freq.update(marshal.loads(self._body[offsets[s]:offsets[s + 1]]))

    def expect(self, chars: Iterable[str]) -> None:
        """Texts with these characters are coming: when they need most of the dictionary, read
        it whole at once (one ``marshal.loads``, cheaper than shard after shard)."""
        if self._loaded.count(0) == 0:
            return
        needed = {ord(ch) % _LEXICON_SHARDS for ch in chars}
        missing = sum(1 for s in needed if not self._loaded[s])
        if missing * 4 < _LEXICON_SHARDS:
            return
        full, total = _dictionary()
        if total != self.total:  # pragma: no cover - two different dictionaries
            return
        if self.freq:
            full = dict(full)
            full.update(self.freq)
        self.freq = full  # shared with _dictionary(): never modified here
        self._loaded = bytearray(b"\x01" * _LEXICON_SHARDS)


def _lexicon_file(dictionary: Path) -> Optional[Path]:
    cache = _cache_file(dictionary)
    return None if cache is None else cache.with_name(cache.stem + f"-{_LEXICON_SHARDS}.lexicon")


def _pack_lexicon(freq: Dict[str, int], total: int) -> bytes:
    shards: List[Dict[str, int]] = [{} for _ in range(_LEXICON_SHARDS)]
    for word, f in freq.items():
        shards[_shard_of(word[0])][word] = f
    blobs = [marshal.dumps(s) for s in shards]
    offsets = array("I", [0])
    for b in blobs:
        offsets.append(offsets[-1] + len(b))
    head = marshal.dumps(total)
    data = (_LEXICON_MAGIC + len(offsets.tobytes()).to_bytes(4, "little") + offsets.tobytes()
            + b"".join(blobs) + head + len(head).to_bytes(4, "little"))
    return data + zlib.crc32(data).to_bytes(4, "little")


def _unpack_lexicon(data) -> Optional[Lexicon]:
    try:
        if data[:len(_LEXICON_MAGIC)] != _LEXICON_MAGIC:
            return None
        hlen = int.from_bytes(data[-8:-4], "little")
        crc = int.from_bytes(data[-4:], "little")
        total = marshal.loads(data[-8 - hlen:-8])
        start = len(_LEXICON_MAGIC) + 4
        olen = int.from_bytes(data[len(_LEXICON_MAGIC):start], "little")
        if olen != 4 * (_LEXICON_SHARDS + 1) or zlib.crc32(memoryview(data)[:len(data) - 4]) != crc:
            return None
        if not isinstance(total, int) or total <= 0:
            return None
        return Lexicon(memoryview(data)[:len(data) - 8 - hlen], total)
    except (EOFError, ValueError, TypeError, IndexError):
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
    return _unpack_lexicon(data)


class WindowSegmenter:
    """``jieba.Tokenizer.cut(text, HMM=False)`` over jieba's default dictionary plus the words
    it learned with :meth:`learn` (as :func:`add_word` would add them to a copy of it), without
    copying the dictionary: learned words and their new prefixes live in a small overlay."""

    def __init__(self):
        self.lexicon = lexicon()
        self.extra: Dict[str, int] = {}

    def get(self, word: str) -> Optional[int]:
        """The frequency of ``word`` (0: only a prefix; None: unknown), for words whose first
        character :meth:`cover` has seen."""
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
    dag = []
    get_extra, get_base = extra.get, base.get
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
                ends.append(i)
            i += 1
            frag = sentence[k:i + 1]
        if not ends:
            ends.append(k)
        dag.append(ends)
    route = {n: (0, 0)}
    logtotal = math.log(total)
    log = math.log
    for idx in range(n - 1, -1, -1):
        best = None
        for x in dag[idx]:
            frag = sentence[idx:x + 1]
            f = get_extra(frag)
            if f is None:
                f = get_base(frag)
            cand = (log(f or 1) - logtotal + route[x + 1][0], x)
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

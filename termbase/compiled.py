"""The compiled termbase: a glossary parsed, validated and normalised once, with the indexes its
matchers need, cached on disk and loaded in one read.

A check of a document with a large glossary used to pay for the whole glossary on every run:
parsing the CSV, normalising every Chinese variant (OpenCC), tokenising every rendering and
building the near-miss index, whatever the size of the document. :func:`load_compiled` keys a
compiled file by the SHA-256 of the glossary file's bytes, the termtrans version and the code
that shapes the compiled content (:func:`code_fingerprint`); it maps the file into memory
(``mmap``, one read, shared by forked check workers through the page cache) and decodes only
what a document needs:

* each entry is its own ``marshal`` record (Entry field values, normalised Chinese variants,
  rendering tokens), decoded when a match needs it;
* the normalised Chinese variants are grouped by their first two characters (a table of
  those pairs sorted by code point), so finding terms in a document decodes the groups of the
  character pairs it contains;
* the near-miss index (word pairs of the approved renderings, see
  :class:`termbase.qa.variants.VariantIndex`) is sharded by word, decoded for the words of the
  targets;
* forbidden renderings are indexed by their first word, so only those that can occur in the
  targets are matched.

The file is ``MAGIC``, the header length (4 bytes, little-endian), the header (a ``marshal``
dict naming the sections and the CRC-32 of the payload) and the payload. Only ``marshal``
is used, never pickle: a damaged or foreign file fails its checks (magic, sizes, CRC, key) and
is rebuilt with a warning. An unwritable cache only costs time: the compiled termbase is then
kept in memory for the run.
"""
from __future__ import annotations

import hashlib
import marshal
import mmap
import os
import sys
import warnings
import zlib
from array import array
from bisect import bisect_left
from dataclasses import fields
from functools import lru_cache
from pathlib import Path
from typing import Callable, Dict, Iterable, Iterator, List, Optional, Sequence, Set, Tuple, Union

from .cache_home import cache_home
from .en_match import _PLAIN, word_tokens
from .glossary import Entry, Glossary, zh_keys

PathLike = Union[str, Path]

#: layout version of compiled files (part of the cache key)
FORMAT = 5
MAGIC = b"TTCTERM\x05"
SUFFIX = ".ttc"
#: compiled files kept in the cache directory (least recently used are removed beyond this)
KEEP = 16
#: modules whose code decides what a compiled file holds (their bytes are part of the cache key)
_SHAPING = ("compiled.py", "glossary.py", "normalize.py", "en_match.py", "qa/variants.py",
            "qa/typography.py")
#: about one word per near-miss index shard: a document decodes the index of its own words only
#: (the words that are not its own are mostly rare, but the index of a large glossary is large)
_WORDS_PER_SHARD = 1


#: position of each Entry field in a stored record
_FIELD = {f.name: i for i, f in enumerate(fields(Entry))}


class CompiledTermbaseWarning(UserWarning):
    """A compiled termbase in the cache was damaged (it is rebuilt)."""


@lru_cache(maxsize=1)
def code_fingerprint() -> str:
    """A digest of the termtrans version, Python's marshal format, OpenCC's version and the
    modules that shape compiled content: a compiled file made by other code is never used."""
    from . import __version__

    h = hashlib.sha256(f"{FORMAT}|{__version__}|{sys.version_info[:2]}|{marshal.version}".encode())
    from importlib.util import find_spec

    spec = find_spec("opencc")  # its conversion tables decide the normalised variants
    if spec is not None and spec.origin:
        for p in sorted(Path(spec.origin).parent.iterdir()):
            try:
                st = p.stat()
            except OSError:  # pragma: no cover
                continue
            h.update(f"{p.name}:{st.st_size}:{st.st_mtime_ns}".encode())
    here = Path(__file__).resolve().parent
    for name in _SHAPING + tuple(sorted(str(p.relative_to(here)) for p in (here / "interop").glob("*.py"))):
        try:
            h.update((here / name).read_bytes())
        except OSError:  # pragma: no cover - a stripped installation
            h.update(name.encode())
    return h.hexdigest()[:20]


def cache_dir() -> Path:
    """Where compiled termbases are kept: ``termbase/`` in :func:`cache_home`."""
    return cache_home() / "termbase"


def cache_path(sha256: str) -> Path:
    """The cache file of the glossary whose file bytes have this SHA-256."""
    return cache_dir() / f"{sha256}-{code_fingerprint()}{SUFFIX}"


def _stable_hash(text: str) -> int:
    return zlib.crc32(text.encode("utf-8", "surrogatepass"))


def _head_code(head: str) -> int:
    """The number of a two-character head of the Chinese index (the index is sorted by it)."""
    return (ord(head[0]) << 21) | ord(head[1])


def _words_hash(words: Sequence[str]) -> int:
    """A 64-bit digest of folded rendering words (for the approved-renderings set)."""
    digest = hashlib.blake2b(" ".join(words).encode("utf-8", "surrogatepass"), digest_size=8)
    return int.from_bytes(digest.digest(), "little")


# --- building ------------------------------------------------------------------------------


def _pack_words(rendering: str, words: Tuple[str, ...]):
    """``words`` as stored: None when they are the rendering split at spaces."""
    return None if words == tuple(rendering.split()) else words


def _pack_all(values) -> Optional[tuple]:
    values = tuple(values)
    return None if all(v is None for v in values) else values


def _name_like(rendering: str) -> bool:
    from .qa.typography import capitalised_word

    return capitalised_word(rendering)


def compile_glossary(glossary: Glossary, sha256: Optional[str] = None) -> bytes:
    """The compiled form of ``glossary`` (the bytes of a compiled file).

    ``sha256`` is the digest of the glossary file's bytes (default: the glossary's own). Raises
    ``ValueError`` when an entry holds a value ``marshal`` cannot store.
    """
    from .en_match import phrase_firsts
    from .qa.variants import _words, index_rendering

    entries = list(glossary)
    names = tuple(f.name for f in fields(Entry))
    keys_of = getattr(glossary, "zh_keys_of", None)
    if keys_of is None:
        key_of = zh_keys(entries)
        keys_of = lambda e: [key_of[v] for v in e.zh]  # noqa: E731
    width = max((len(e.zh) for e in entries), default=1) or 1
    records = bytearray()
    offsets = array("I", [0])
    singles: Dict[str, int] = {}
    heads: Dict[str, set] = {}
    forbidden_by_first: Dict[str, List[int]] = {}
    name_list: List[str] = []
    by_word: Dict[str, Dict[str, list]] = {}
    rend_entry = array("I")
    rend_k = array("H")
    approved = set()
    all_keys: Dict[str, int] = {}
    plain = _PLAIN.fullmatch
    for eid, e in enumerate(entries):
        keys = tuple(keys_of(e))
        zh = e.zh
        packed_keys = None if keys == zh else tuple(None if k == v else k for k, v in zip(keys, zh))
        # word tokens are stored only where splitting the rendering at spaces does not give them
        en_plain = [plain(r) is not None for r in e.en]
        packed_en = None if all(en_plain) else _pack_all(
            None if ok else _pack_words(r, word_tokens(r)) for ok, r in zip(en_plain, e.en))
        forb_words = tuple(map(word_tokens, e.forbidden))
        packed_forb = _pack_all(map(_pack_words, e.forbidden, forb_words)) if e.forbidden else None
        values = tuple(getattr(e, n) for n in names)
        records += marshal.dumps((values, packed_keys, packed_en, packed_forb))
        offsets.append(len(records))
        for k, key in enumerate(keys):
            if key and key not in all_keys:
                all_keys[key] = code = eid * width + k
                if len(key) == 1:
                    singles[key] = code
                else:
                    heads.setdefault(key[:2], set()).add(len(key))
        if forb_words:
            seen_firsts = set()
            for words in forb_words:
                seen_firsts.update(phrase_firsts(words))
            for first in seen_firsts:
                forbidden_by_first.setdefault(first, []).append(eid)
        for k, r in enumerate(e.en):
            if r[:1].isupper() and _name_like(r):
                name_list.append(r)
            if len(rend_entry) >= (1 << 24):  # pragma: no cover - 16 million renderings
                raise ValueError("too many renderings to index")
            folded = tuple(r.lower().split(" ")) if en_plain[k] else _words(r)
            if folded:
                approved.add(_words_hash(folded))
            if index_rendering(by_word, len(rend_entry), folded):
                rend_entry.append(eid)
                rend_k.append(k)
    by_head: Dict[str, Dict[str, int]] = {}
    for key, code in all_keys.items():
        if len(key) > 1:
            by_head.setdefault(key[:2], {})[key] = code
    head_order = sorted(by_head, key=_head_code)
    zh_heads = array("Q", map(_head_code, head_order))
    head_lengths = [tuple(sorted(heads[h], reverse=True)) for h in head_order]
    zh_blobs = [marshal.dumps((lengths, by_head[h])) for lengths, h in zip(head_lengths, head_order)]
    # the same index in one piece, for texts that meet most heads (see zh_index)
    zh_all_keys = tuple(key for h in head_order for key in by_head[h])
    zh_all_codes = array("Q", [code for h in head_order for code in by_head[h].values()])
    n_word_shards = max(1, len(by_word) // _WORDS_PER_SHARD)
    word_shards: List[Dict[str, dict]] = [{} for _ in range(n_word_shards)]
    for word, inner in by_word.items():
        # a bucket of one code is stored as that code, but code 0 (the first rendering's first
        # pair) as a tuple: the search skips buckets that are false, and 0 would be one
        word_shards[_stable_hash(word) % n_word_shards][word] = {
            k: (v[0] if len(v) == 1 and v[0] else tuple(v)) for k, v in inner.items()}
    word_blobs = [marshal.dumps(s) for s in word_shards]
    sections: List[Tuple[str, bytes]] = [
        ("entry_offsets", offsets.tobytes()),
        ("entries", bytes(records)),
        ("zh_heads", zh_heads.tobytes()),
        ("zh_offsets", _offsets(zh_blobs)),
        ("zh", b"".join(zh_blobs)),
        ("zh_singles", marshal.dumps(singles)),
        ("zh_all", marshal.dumps((tuple(head_order), tuple(head_lengths), zh_all_keys))),
        ("zh_all_codes", zh_all_codes.tobytes()),
        ("forbidden", marshal.dumps({k: tuple(v) for k, v in forbidden_by_first.items()})),
        ("names", marshal.dumps(tuple(name_list))),
        ("rend_entry", rend_entry.tobytes()),
        ("rend_k", rend_k.tobytes()),
        ("word_offsets", _offsets(word_blobs)),
        ("words", b"".join(word_blobs)),
        ("approved", array("Q", sorted(approved)).tobytes()),
    ]
    payload = bytearray()
    table = {}
    for name, data in sections:
        while len(payload) % 8:
            payload.append(0)
        table[name] = (len(payload), len(data))
        payload += data
    header = marshal.dumps({
        "format": FORMAT, "code": code_fingerprint(), "sha256": sha256 or glossary.sha256,
        "count": len(entries), "fields": names, "zh_width": width, "zh_heads": len(zh_heads),
        "word_shards": n_word_shards, "sections": table, "size": len(payload),
        "crc": zlib.crc32(payload),
        "itemsize": (offsets.itemsize, rend_entry.itemsize, rend_k.itemsize, array("Q").itemsize),
    })
    return (MAGIC + len(header).to_bytes(4, "little") + zlib.crc32(header).to_bytes(4, "little")
            + header + bytes(payload))


def _offsets(blobs: Sequence[bytes]) -> bytes:
    out = array("I", [0])
    total = 0
    for b in blobs:
        total += len(b)
        out.append(total)
    return out.tobytes()


# --- reading -------------------------------------------------------------------------------


class DamagedError(ValueError):
    """A compiled file that fails its checks."""


class CompiledTermbase:
    """A compiled glossary, read from a buffer (a memory-mapped file or bytes).

    It stands in for a :class:`~termbase.glossary.Glossary` where a whole glossary is not needed:
    ``path``, ``sha256``, ``len()``, iteration and :meth:`entry` (entries are decoded when first
    asked for and kept, so one entry is always the same object in a process). The check uses
    its indexes through :meth:`zh_matcher`, :meth:`forbidden_candidates` and
    :meth:`variant_index`.
    """

    compiled = True

    def __init__(self, buffer, *, path: Optional[str] = None, expect_sha256: Optional[str] = None,
                 origin: Optional[str] = None):
        self._buffer = buffer
        view = memoryview(buffer)
        m = len(MAGIC)
        if len(view) < m + 8 or bytes(view[:m]) != MAGIC:
            raise DamagedError("not a compiled termbase")
        hlen = int.from_bytes(view[m:m + 4], "little")
        start = m + 8 + hlen
        if len(view) < start or zlib.crc32(view[m + 8:start]) != int.from_bytes(view[m + 4:m + 8],
                                                                                "little"):
            raise DamagedError("header checksum mismatch")
        try:
            header = marshal.loads(view[m + 8:start])
        except (EOFError, ValueError, TypeError):
            raise DamagedError("unreadable header") from None
        if not isinstance(header, dict) or header.get("format") != FORMAT:
            raise DamagedError("unknown layout")
        if header.get("code") != code_fingerprint():
            raise DamagedError("made by other code")
        if header.get("itemsize") != (array("I").itemsize, array("I").itemsize,
                                      array("H").itemsize, array("Q").itemsize):
            raise DamagedError("made on another platform")
        if header.get("fields") != tuple(f.name for f in fields(Entry)):
            raise DamagedError("made for other entry fields")
        if expect_sha256 is not None and header.get("sha256") != expect_sha256:
            raise DamagedError("made from another glossary")
        payload = view[start:]
        if len(payload) != header.get("size") or zlib.crc32(payload) != header.get("crc"):
            raise DamagedError("size or checksum mismatch")
        self._header = header
        self._payload = payload
        self.path = path
        self.sha256: str = header["sha256"]
        self.origin = origin  # the cache file, when read from one
        self._count: int = header["count"]
        self._width: int = header["zh_width"]
        self._entries: Dict[int, Entry] = {}
        self._eid_of: Dict[int, int] = {}
        self._records: Dict[int, tuple] = {}
        self._entry_offsets = self._array("entry_offsets", "I")
        self._rend_entry = self._array("rend_entry", "I")
        self._rend_k = self._array("rend_k", "H")
        self._zh_heads = self._array("zh_heads", "Q")
        self._zh_offsets = self._array("zh_offsets", "I")
        self._zh = self._section("zh")
        self._word_offsets = self._array("word_offsets", "I")
        self._approved = self._array("approved", "Q")
        self._singles = self._load("zh_singles")
        self._zh_loaded: Dict[int, tuple] = {}  # heads decoded: number -> (lengths, keys)

    # the glossary protocol

    def __len__(self) -> int:
        return self._count

    def __iter__(self) -> Iterator[Entry]:
        return (self.entry(i) for i in range(self._count))

    @property
    def entries(self) -> List[Entry]:
        """Every entry (decodes them all)."""
        return list(self)

    def glossary(self) -> Glossary:
        """The whole glossary as a :class:`Glossary` (every entry decoded)."""
        entries = list(self)
        keys = {v: k for i, e in enumerate(entries) for v, k in zip(e.zh, self.zh_keys_of(i))}
        return Glossary(entries, path=self.path, sha256=self.sha256, keys=keys)

    # sections

    def _section(self, name: str) -> memoryview:
        off, size = self._header["sections"][name]
        return self._payload[off:off + size]

    def _array(self, name: str, code: str):
        return self._section(name).cast(code)

    def _load(self, name: str):
        return marshal.loads(self._section(name))

    def _blob(self, section: str, offsets, i: int):
        data = self._section(section)
        return marshal.loads(data[offsets[i]:offsets[i + 1]])

    # entries

    def _record(self, eid: int) -> tuple:
        rec = self._records.get(eid)
        if rec is None:
            offs = self._entry_offsets
            rec = self._records[eid] = self._blob("entries", offs, eid)
        return rec

    def zh_keys_of(self, eid: int) -> Tuple[str, ...]:
        """The normalised Chinese variants of entry ``eid``."""
        values, keys = self._record(eid)[:2]
        zh = values[_FIELD["zh"]]
        return zh if keys is None else tuple(v if k is None else k for v, k in zip(zh, keys))

    def entry(self, eid: int) -> Entry:
        """Entry number ``eid`` (glossary order), decoded once."""
        e = self._entries.get(eid)
        if e is None:
            e = self._entries[eid] = Entry(*self._record(eid)[0])
            self._eid_of[id(e)] = eid
        return e

    def entry_id(self, entry: Entry) -> int:
        """The number of an entry this termbase returned."""
        return self._eid_of[id(entry)]

    def rendering_words(self, eid: int, forbidden: bool = False) -> Tuple[Tuple[str, ...], ...]:
        """Word tokens (case kept) of each approved (or forbidden) rendering of entry ``eid``."""
        rec = self._record(eid)
        texts = rec[0][_FIELD["forbidden" if forbidden else "en"]]
        stored = rec[3 if forbidden else 2]
        if stored is None:
            return tuple(tuple(r.split()) for r in texts)
        return tuple(tuple(r.split()) if w is None else w for r, w in zip(texts, stored))

    def is_approved_words(self, words: Sequence[str]) -> bool:
        """True when ``words`` (folded) are the words of an approved rendering."""
        h = _words_hash(words)
        table = self._approved
        i = bisect_left(table, h)
        return i < len(table) and table[i] == h

    # Chinese

    def zh_pair(self, code: int) -> Tuple[str, Entry]:
        """(variant, entry) of a code of the Chinese index."""
        eid, k = divmod(code, self._width)
        e = self.entry(eid)
        return e.zh[k], e

    def zh_head_count(self) -> int:
        """How many two-character heads the Chinese index has."""
        return len(self._zh_heads)

    def zh_head(self, head: str) -> Optional[Tuple[Tuple[int, ...], Dict[str, int]]]:
        """``(lengths, codes)`` of the keys that begin with the two characters ``head`` (their
        lengths, longest first, and the code of each key), or None when no key begins so.
        Decoded once per termbase, whichever matcher asks."""
        if len(head) != 2:
            return None
        code = (ord(head[0]) << 21) | ord(head[1])
        table = self._zh_heads
        i = bisect_left(table, code)
        if i == len(table) or table[i] != code:
            return None
        hit = self._zh_loaded.get(i)
        if hit is None:
            offsets = self._zh_offsets
            hit = self._zh_loaded[i] = marshal.loads(self._zh[offsets[i]:offsets[i + 1]])
        return hit

    def zh_heads(self) -> Iterator[Tuple[Tuple[int, ...], Dict[str, int]]]:
        """``(lengths, codes)`` of every head of the Chinese index (see :meth:`zh_head`)."""
        offsets, data, loaded = self._zh_offsets, self._zh, self._zh_loaded
        for i in range(len(self._zh_heads)):
            hit = loaded.get(i)
            if hit is None:
                hit = loaded[i] = marshal.loads(data[offsets[i]:offsets[i + 1]])
            yield hit

    def zh_index(self) -> Tuple[Dict[str, Tuple[int, ...]], Dict[str, int]]:
        """The whole Chinese index at once: ``(lengths, codes)``, the key lengths of every head
        (as :meth:`zh_head` gives them) and the code of every key of two characters or more
        (new dictionaries, decoded in one piece)."""
        heads, lengths, keys = self._load("zh_all")
        return dict(zip(heads, lengths)), dict(zip(keys, self._array("zh_all_codes", "Q")))

    def zh_matcher(self, *, boundary_check: bool = True):
        """A :class:`~termbase.zh_match.ZhMatcher` over this termbase (its index is decoded as the
        texts it is given need it)."""
        from .zh_match import CompiledZhMatcher

        return CompiledZhMatcher(self, boundary_check=boundary_check)

    # English

    def forbidden_candidates(self, folds: Iterable[str]) -> Set[int]:
        """Entries with a forbidden rendering that can start at a word of ``folds``."""
        index = self._forbidden_index()
        out: Set[int] = set()
        for f in folds:
            hit = index.get(f)
            if hit:
                out.update(hit)
        return out

    def _forbidden_index(self) -> Dict[str, Tuple[int, ...]]:
        index = getattr(self, "_forbidden", None)
        if index is None:
            index = self._forbidden = self._load("forbidden")
        return index

    def capitalised_names(self) -> Tuple[str, ...]:
        """Approved renderings that are one capitalised word ("Chongqing"), in glossary order."""
        return self._load("names")

    def variant_index(self):
        """The near-miss index (:class:`~termbase.qa.variants.VariantIndex`), decoded by word."""
        from .qa.variants import VariantIndex

        return VariantIndex.compiled(self)

    def word_shard_number(self, word: str) -> int:
        """The near-miss index shard that holds ``word``."""
        return _stable_hash(word) % self._header["word_shards"]

    def word_shard_numbers(self, words: Iterable[str]) -> Set[int]:
        """The near-miss index shards that hold ``words`` (:meth:`word_shard_number` of each)."""
        shards = self._header["word_shards"]
        crc32 = zlib.crc32
        return {crc32(w.encode("utf-8", "surrogatepass")) % shards for w in words}

    def load_word_shard(self, s: int) -> Dict[str, dict]:
        """Near-miss index shard ``s``: word -> its keys (see
        :func:`~termbase.qa.variants.index_rendering`)."""
        return self._blob("words", self._word_offsets, s)

    def rendering_text(self, eid: int, k: int) -> Tuple[str, bool]:
        """(text, case-sensitive) of approved rendering ``k`` of entry ``eid``, without making
        the entry (nothing is kept)."""
        rec = self._records.get(eid)
        if rec is None:
            offs = self._entry_offsets
            rec = self._blob("entries", offs, eid)
        values = rec[0]
        return values[_FIELD["en"]][k], values[_FIELD["case_sensitive"]]

    def rendering_of(self, rid: int) -> Tuple[int, int]:
        """(entry number, index in its ``en``) of indexed rendering ``rid``."""
        return self._rend_entry[rid], self._rend_k[rid]

    def close(self) -> None:
        """Release the mapping (objects decoded from it stay valid)."""
        for attr in ("_entry_offsets", "_rend_entry", "_rend_k", "_zh_heads", "_zh_offsets", "_zh",
                     "_word_offsets", "_approved", "_payload"):
            view = getattr(self, attr, None)
            if isinstance(view, memoryview):
                view.release()
        if isinstance(self._buffer, mmap.mmap):
            try:
                self._buffer.close()
            except BufferError:  # pragma: no cover - a view still exported
                pass


def is_compiled(glossary) -> bool:
    """True for a :class:`CompiledTermbase`."""
    return getattr(glossary, "compiled", False) is True


def _map(path: Path):
    with open(path, "rb") as fh:
        size = os.fstat(fh.fileno()).st_size
        if size == 0:
            return b""
        try:
            return mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ)
        except (OSError, ValueError):  # pragma: no cover - a file system without mmap
            return fh.read()


def _prune(directory: Path, keep: Path) -> None:
    try:
        files = sorted(directory.glob(f"*{SUFFIX}"), key=lambda p: p.stat().st_mtime, reverse=True)
    except OSError:
        return
    for old in files[KEEP:]:
        if old != keep:
            try:
                old.unlink()
            except OSError:
                pass


def write_compiled(data: bytes, sha256: str) -> Path:
    """Store compiled bytes in the cache; raises ``OSError`` or :class:`OutputError`."""
    from .textio import atomic_write_bytes

    target = cache_path(sha256)
    target.parent.mkdir(parents=True, exist_ok=True)
    atomic_write_bytes(target, data)
    _prune(target.parent, target)
    return target


def load_compiled(path: PathLike, *, warn: Optional[Callable[[str], None]] = None,
                  use_cache: bool = True, loader: Optional[Callable[[Path], Glossary]] = None
                  ) -> Union[CompiledTermbase, Glossary]:
    """The compiled termbase of the glossary file ``path``, from the cache when it is there.

    The cache key is the SHA-256 of the file's bytes plus :func:`code_fingerprint`. On a miss
    the glossary is loaded (``loader``, default :func:`~termbase.glossary.load_glossary`:
    glossary errors are raised as usual), compiled and stored; a damaged cache file is rebuilt
    after ``warn`` (default :func:`warnings.warn`) is told. When the cache cannot be written the
    compiled termbase lives in memory for this run; a glossary that cannot be compiled (an entry
    value ``marshal`` cannot store) is returned as loaded, after a warning.
    """
    from .errors import GlossaryError, OutputError
    from .glossary import load_glossary

    p = Path(path)
    try:
        data = p.read_bytes()
    except OSError as exc:
        (loader or load_glossary)(p)  # raises the glossary's own error (not found, directory...)
        raise GlossaryError(p, f"cannot read glossary ({exc.strerror})") from None
    sha = hashlib.sha256(data).hexdigest()
    del data
    target = cache_path(sha)
    if use_cache:
        try:
            buffer = _map(target)
        except OSError:
            buffer = None
        if buffer is not None:
            try:
                ct = CompiledTermbase(buffer, path=str(path), expect_sha256=sha, origin=str(target))
            except DamagedError as exc:
                (warn or _warn)(f"{target}: compiled termbase damaged ({exc}); rebuilding it")
            else:
                try:
                    os.utime(target)  # recently used: kept by the pruning
                except OSError:
                    pass
                return ct
    glossary = (loader or load_glossary)(p)
    try:
        compiled = compile_glossary(glossary, glossary.sha256)
    except ValueError as exc:  # an entry value marshal cannot store
        (warn or _warn)(f"{p}: cannot compile the glossary ({exc}); checking without a compiled "
                        "termbase")
        return glossary
    if use_cache:
        try:
            target = write_compiled(compiled, glossary.sha256)
        except (OSError, OutputError):
            pass  # an unwritable cache only costs time
        else:
            try:
                return CompiledTermbase(_map(target), path=str(path), origin=str(target))
            except (OSError, DamagedError):  # pragma: no cover - replaced under our feet
                pass
    return CompiledTermbase(compiled, path=str(path))


def build_compiled(path: PathLike, *, force: bool = False,
                   loader: Optional[Callable[[Path], Glossary]] = None) -> Tuple[Path, int, bool]:
    """Compile the glossary file ``path`` into the cache ahead of time: ``(cache file, entries,
    built)``; ``built`` is False when an up-to-date compiled file was there (``force`` rebuilds
    it). Glossary errors are raised as by :func:`~termbase.glossary.load_glossary`; a cache that
    cannot be written raises :class:`~termbase.errors.OutputError`."""
    from .errors import OutputError
    from .glossary import load_glossary

    p = Path(path)
    if not force:
        try:
            sha = hashlib.sha256(p.read_bytes()).hexdigest()
            ct = CompiledTermbase(_map(cache_path(sha)), expect_sha256=sha)
        except (OSError, DamagedError):
            pass
        else:
            count = len(ct)
            ct.close()
            return cache_path(sha), count, False
    glossary = (loader or load_glossary)(p)
    data = compile_glossary(glossary, glossary.sha256)
    try:
        target = write_compiled(data, glossary.sha256)
    except (OSError, OutputError) as exc:
        reason = getattr(exc, "strerror", None) or str(exc)
        raise OutputError(f"{cache_dir()}: cannot write the compiled termbase ({reason}); "
                          "set TERMTRANS_CACHE to a writable directory") from None
    return target, len(glossary), True


def compiled_from_glossary(glossary: Glossary) -> CompiledTermbase:
    """An in-memory compiled termbase of ``glossary`` (nothing written)."""
    return CompiledTermbase(compile_glossary(glossary), path=glossary.path)


def _warn(message: str) -> None:
    warnings.warn(message, CompiledTermbaseWarning, stacklevel=3)

"""Finding glossary terms in unsegmented Chinese text.

Longest match, non-overlapping, left to right, over text normalised by
:func:`termbase.normalize.normalize_zh` (Traditional and full-width forms match), with spans
reported in the original text. A match that cuts through a word of the segmenter (an isolated
jieba tokenizer with the glossary terms added to its dictionary) is rejected: 平台 is not found
inside 和平|台上.
"""
from __future__ import annotations

import re
from bisect import bisect_left
from typing import Dict, Iterable, List, Sequence, Tuple

from .glossary import Entry, Glossary
from .normalize import CJK, CJK_CLASS, is_cjk, normalize_many, normalize_zh
from .records import frozen_record
from .segmenter import WindowSegmenter

_WINDOW = 8  # characters of context segmented on each side of a candidate match
_CJK_RUN = re.compile(f"[{CJK_CLASS}]*")  # the CJK characters from a position on (is_cjk)
#: texts expected by a compiled matcher decode its whole Chinese index at once when they have
#: this many characters per head of it (a head decoded when first met costs some 2
#: microseconds, one of all decoded at once, in one piece, under half of one)
_CHARS_PER_HEAD = 8


@frozen_record
class TermMatch:
    """A glossary term found in a text: ``text[start:end]`` is ``matched``."""

    start: int
    end: int
    matched: str
    variant: str
    entry: Entry

    @property
    def english(self) -> str:
        """The preferred approved English rendering of the matched concept."""
        return self.entry.preferred


def line_col(text: str, offset: int) -> Tuple[int, int]:
    """1-based line and column of ``offset`` in ``text`` (LF, CRLF and CR end lines, as for
    the translator; many offsets: :class:`termbase.textio.LineIndex`)."""
    from .textio import line_col as _line_col

    return _line_col(text, offset)


class ZhMatcher:
    """A reusable matcher for the Chinese side of a glossary.

    Terms are kept in a dictionary keyed by their normalised form, with the lengths of the terms
    starting with each two-character head (and the one-character terms apart): finding the
    candidates of a text is one lookup per character, and building the matcher is linear in the
    glossary size. The segmenter used for the word-boundary test learns the glossary terms lazily,
    only those that occur in the text around a candidate.
    """

    def __init__(self, glossary: Iterable[Entry], *, boundary_check: bool = True):
        self.boundary_check = boundary_check
        self._variants: Dict[str, Tuple[str, Entry]] = {}
        pairs = [(variant, entry) for entry in glossary for variant in entry.zh]
        keys_of = getattr(glossary, "zh_keys_of", None)
        if keys_of is not None:  # a Glossary knows its normalised variants
            keys = [k for entry in glossary for k in keys_of(entry)]
        else:
            keys = normalize_many([v for v, _ in pairs])
        variants = self._variants
        for key, pair in zip(keys, pairs):
            if key and key not in variants:
                variants[key] = pair
        heads: Dict[str, set] = {}
        for key in variants:
            if len(key) > 1:
                lengths = heads.get(key[:2])
                if lengths is None:
                    heads[key[:2]] = {len(key)}
                else:
                    lengths.add(len(key))
        self._lengths: Dict[str, Tuple[int, ...]] = {
            head: tuple(sorted(lengths, reverse=True)) for head, lengths in heads.items()}
        self._lengths_of = self._lengths.get
        self._singles = frozenset(k for k in variants if len(k) == 1)
        self._tokenizer = None
        self._learned: set = set()
        self._cut_cache: Dict[str, List[Tuple[int, int]]] = {}
        self._decided: Dict[tuple, bool] = {}
        self._decided_near: Dict[tuple, bool] = {}  # see _cuts_word
        self._expected: Dict[str, str] = {}  # text -> normalised, of the texts expected

    @property
    def _pairs_seen(self) -> Dict[str, Tuple[str, Entry]]:
        """Keys whose :meth:`_pair` is known, with it (a key not there: ask :meth:`_pair`)."""
        return self._variants

    def _pair(self, key: str) -> Tuple[str, Entry]:
        """(variant as written in the glossary, entry) of a normalised key."""
        return self._variants[key]

    def entry_for(self, key: str) -> Entry:
        """The entry of a normalised key found by :meth:`candidates`."""
        return self._pair(key)[1]

    def candidates(self, norm: str) -> List[Tuple[int, Tuple[int, ...]]]:
        """``(start, lengths)`` of every glossary key in the normalised ``norm`` (overlaps kept,
        longest first at each start)."""
        n = len(norm)
        lengths_of = self._lengths_of
        # the positions whose two characters begin a key, with the lengths of those keys
        heads = [(i, lengths) for i in range(n - 1) if (lengths := lengths_of(norm[i:i + 2]))]
        singles = self._singles
        ones = [i for i in range(n) if norm[i] in singles] if singles else ()
        if ones:
            heads = sorted(heads + [(i, ()) for i in ones if not lengths_of(norm[i:i + 2])])
        out: List[Tuple[int, Tuple[int, ...]]] = []
        variants = self._variants
        for i, lengths in heads:
            found: Tuple[int, ...] = ()
            for k in lengths:
                if i + k <= n and norm[i:i + k] in variants:
                    found += (k,)
            if ones and norm[i] in singles:
                found += (1,)
            if found:
                out.append((i, found))
        return out

    def find(self, text: str) -> List[TermMatch]:
        """Every glossary term in ``text`` (longest first, non-overlapping, in text order)."""
        if not text:
            return []
        norm = self._expected.get(text)
        if norm is None:
            norm = normalize_zh(text)
        candidates = self.candidates(norm)
        if not candidates:
            return []
        starts = [c[0] for c in candidates]
        matches: List[TermMatch] = []
        pos = 0
        boundary_check = self.boundary_check
        rev = norm[::-1] if boundary_check else ""
        pairs = self._pairs_seen  # _pair's memo, looked up here first (one call less per term)
        for start, lengths in candidates:
            if start < pos:
                continue
            for length in lengths:
                end = start + length
                if ((norm[start] < "\x80" or norm[end - 1] < "\x80")
                        and not self._at_latin_boundary(norm, start, end)):
                    continue
                if boundary_check and self._cuts_word(norm, start, end, candidates, starts, rev):
                    continue
                key = norm[start:end]
                pair = pairs.get(key)
                if pair is None:
                    pair = self._pair(key)
                matches.append(TermMatch(start, end, text[start:end], pair[0], pair[1]))
                pos = end
                break
        return matches

    @staticmethod
    def _at_latin_boundary(norm: str, start: int, end: int) -> bool:
        """A term that begins/ends with a Latin letter or digit must not cut a Latin word."""
        if norm[start].isascii() and norm[start].isalnum() and start > 0:
            prev = norm[start - 1]
            if prev.isascii() and prev.isalnum():
                return False
        if norm[end - 1].isascii() and norm[end - 1].isalnum() and end < len(norm):
            nxt = norm[end]
            if nxt.isascii() and nxt.isalnum():
                return False
        return True

    def _cuts_word(self, norm: str, start: int, end: int, candidates, starts: List[int],
                   rev: str = "") -> bool:
        """True when a segmenter word partly overlaps ``[start, end)`` (neither inside nor around it).

        ``candidates`` are those of ``norm`` (``starts`` their positions): the glossary terms the
        segmenter must know around the term; ``rev`` is ``norm`` reversed (made when not given).
        """
        # a term with no CJK character beside it is all its window: it cuts no word
        if not (((left := norm[start - 1] if start else "") >= "\u3400"
                 and ("\u4e00" <= left <= "\u9fff" or is_cjk(left)))
                or ((right := norm[end] if end < len(norm) else "") >= "\u3400"
                    and ("\u4e00" <= right <= "\u9fff" or is_cjk(right)))):
            return False
        # the answer depends on the text from _WINDOW + 1 characters before the term to as many
        # after it (where the window below can reach, and the characters beyond that tell
        # whether it was cut short): a term met again in the same text around it is decided at
        # once (kept while the window's answer is kept)
        near_start = start - _WINDOW - 1 if start > _WINDOW else 0
        near = (norm[near_start:end + _WINDOW + 1], start - near_start, end - start)
        known = self._decided_near.get(near)
        if known is None:
            if len(self._decided_near) > 100000:
                self._decided_near.clear()
            known = self._decided_near[near] = self._cuts_word_in(
                norm, start, end, candidates, starts, rev)
        return known

    def _cuts_word_in(self, norm: str, start: int, end: int, candidates, starts: List[int],
                      rev: str = "") -> bool:
        """:meth:`_cuts_word` decided from the window around the term."""
        if not "\u4e00" <= norm[start] <= "\u9fff" and CJK.search(norm, start, end) is None:
            return False
        n = len(norm)
        if not rev:
            rev = norm[::-1]
        # the window: up to _WINDOW characters of CJK text on each side (rev[n - start] is
        # norm[start - 1], the first character left of the term)
        lo = n - _CJK_RUN.match(rev, n - start, n - start + _WINDOW).end()
        hi = _CJK_RUN.match(norm, end, end + _WINDOW).end()
        if lo == start and hi == end:
            return False  # the term is all the window: every word is inside it
        window = norm[lo:hi]
        s, e = start - lo, end - lo
        # the window's edges are real (text, punctuation) or artefacts of cutting it short
        # (a window edge short of _WINDOW is where the CJK text ends)
        cut_left = start - lo == _WINDOW and lo > 0 and is_cjk(norm[lo - 1])
        cut_right = hi - end == _WINDOW and hi < n and is_cjk(norm[hi])
        # the answer depends on the window alone (its glossary terms and its cut are functions
        # of its text): a term met again in the same context is decided once
        memo_key = (window, s, e, cut_left, cut_right)
        known = self._decided.get(memo_key)
        if known is None:
            if len(self._decided) > 100000:
                self._decided.clear()
                self._decided_near.clear()  # its answers are those kept here
            known = self._decided[memo_key] = self._window_cuts_term(
                window, s, e, cut_left, cut_right,
                [(i - lo, k) for i, lengths in candidates[bisect_left(starts, lo):bisect_left(starts, hi)]
                 for k in lengths if i + k <= hi])
        return known

    def _window_cuts_term(self, window: str, s: int, e: int, cut_left: bool, cut_right: bool,
                          terms: List[Tuple[int, int]]) -> bool:
        """:meth:`_cuts_word` for the term ``window[s:e]``; ``terms`` are the window's glossary
        terms (``(start, length)``)."""
        segmenter = self._segmenter()
        # learned glossary words that cross the term are among ``terms``: jieba's own words suffice
        if not any(i < s < i + k < e or s < i < e < i + k for i, k in terms):
            segmenter.lexicon.cover_parts(_crossing_groups(window, s, e))
            if not _word_crosses(window, s, e, segmenter.lexicon.freq):
                return False  # no word, of jieba or of the glossary, can cut the term
        segmenter.cover(window)
        freq = segmenter  # its get() sees the learned words too
        for ws, we in self._cut(window, terms):
            if we <= s or ws >= e:
                continue
            inside = s <= ws and we <= e
            around = ws <= s and e <= we
            if not inside and not around:
                # a word at the window's edge may be an artefact of the cut window, but only
                # where the window was cut short: punctuation, a line break or Latin text is a
                # real edge (平台 is not found in 和平台上 after a comma or on a later line)
                if (ws == 0 and cut_left) or (we == len(window) and cut_right):
                    continue
                if _compound(window, ws, we, s, e, freq):
                    continue
                return True
        return False

    def _cut(self, window: str, terms: List[Tuple[int, int]]) -> List[Tuple[int, int]]:
        """Word spans of the segmenter over ``window``, whose glossary terms (``(start, length)``
        pairs) the segmenter learns first."""
        spans = self._cut_cache.get(window)
        if spans is None:
            segmenter = self._segmenter()
            for i, k in terms:
                word = window[i:i + k]
                if word not in self._learned:
                    self._learned.add(word)
                    if " " not in word and CJK.search(word):
                        segmenter.learn(word)
            spans = []
            pos = 0
            for word in segmenter.cut(window):
                spans.append((pos, pos + len(word)))
                pos += len(word)
            if len(self._cut_cache) > 50000:
                self._cut_cache.clear()
            self._cut_cache[window] = spans
        return spans

    def expect(self, texts: Sequence[str]) -> None:
        """Texts to be searched next (a whole document): they are normalised now, and what they
        need is read at once (the texts of the previous call are forgotten)."""
        self._expected = {t: normalize_zh(t) for t in texts if t}
        if self.boundary_check and texts:
            self._segmenter()  # each window decodes what it needs of the dictionary

    def _segmenter(self) -> WindowSegmenter:
        if self._tokenizer is None:
            self._tokenizer = WindowSegmenter()
        return self._tokenizer


class _HeadLengths(dict):
    """Lengths of the keys by two-character head, each decoded from a compiled termbase the
    first time it is looked up with ``[]`` (``()`` for a pair of characters no key begins with)."""

    def __init__(self, termbase, variants: Dict[str, int]):
        super().__init__()
        self._head = termbase.zh_head
        self._variants = variants

    def __missing__(self, head: str) -> Tuple[int, ...]:
        hit = self._head(head)
        if hit is None:
            self[head] = ()
            return ()
        lengths, codes = hit
        self._variants.update(codes)
        self[head] = lengths
        return lengths


class CompiledZhMatcher(ZhMatcher):
    """A :class:`ZhMatcher` over a :class:`~termbase.compiled.CompiledTermbase`: the keys that
    begin with a pair of characters are decoded when a text first shows that pair, and an entry
    when it is first matched, so that the work follows the texts, not the glossary size."""

    def __init__(self, termbase, *, boundary_check: bool = True):
        super().__init__((), boundary_check=boundary_check)
        self._termbase = termbase
        self._variants = dict(termbase._singles)
        self._singles = frozenset(self._variants)
        self._lengths = _HeadLengths(termbase, self._variants)
        self._lengths_of = self._lengths.__getitem__  # decodes what it has not seen
        self._all_heads = False
        self._pairs: Dict[str, Tuple[str, Entry]] = {}

    @property
    def _pairs_seen(self) -> Dict[str, Tuple[str, Entry]]:
        return self._pairs

    def _pair(self, key: str) -> Tuple[str, Entry]:
        pair = self._pairs.get(key)
        if pair is None:
            pair = self._pairs[key] = self._termbase.zh_pair(self._variants[key])
        return pair

    def expect(self, texts: Sequence[str]) -> None:
        super().expect(texts)
        if self._all_heads:
            return
        chars = sum(map(len, self._expected.values()))
        if chars >= _CHARS_PER_HEAD * self._termbase.zh_head_count():
            # texts this long meet most heads: decoding them all at once costs less
            lengths = self._lengths
            head_lengths, codes = self._termbase.zh_index()
            self._variants.update(codes)
            lengths.update(head_lengths)
            self._lengths_of = lengths.get  # every head is there
            self._all_heads = True


def _compound(window: str, ws: int, we: int, s: int, e: int, freq: Dict[str, int]) -> bool:
    """True when the word ``window[ws:we]`` that crosses the term ``window[s:e]`` is only a
    compound of a part of the term and a neighbouring word, each of two characters or more and
    each a dictionary word (市场运作 = 市场 + 运作 across 货币市场|运作, 产品销售 across
    投资产品|销售): such a dictionary compound is no evidence against the term. A crossing word
    that takes a single character from the term (和平 in 和平台上, 南京市 in 南京市长江大桥) is."""
    inner = window[max(ws, s):min(we, e)]
    outer = window[ws:s] if ws < s else window[e:we]
    return len(inner) >= 2 and len(outer) >= 2 and bool(freq.get(inner)) and bool(freq.get(outer))


def _crossing_groups(text: str, s: int, e: int) -> set:
    """The lexicon groups :func:`_word_crosses` looks words up in: the pairs of characters that
    begin its fragments (those at ``i`` before ``s`` and inside ``(s, e)``) and the character
    ``text[e - 1]`` (the fragment of one character there)."""
    parts = {text[i:i + 2] for i in range(s)}
    if e - s >= 2:
        parts.update([text[i:i + 2] for i in range(s + 1, e)])
        parts.add(text[e - 1])
    return parts


def _word_crosses(text: str, s: int, e: int, freq: Dict[str, int]) -> bool:
    """True when some dictionary word of ``text`` crosses ``s`` or ``e`` without spanning both.

    jieba's dictionary holds every prefix of every word (with frequency 0 for mere prefixes), so
    the scan from each start stops at the first fragment that is not there.
    """
    for i in range(s):  # words starting before the term and ending inside it
        for j in range(s + 1, e):
            f = freq.get(text[i:j])
            if f is None:
                break
            if f:
                return True
    n = len(text)
    for i in range(s + 1, e):  # words starting inside the term and ending after it
        if freq.get(text[i:e]) is None:
            continue
        for j in range(e + 1, n + 1):
            f = freq.get(text[i:j])
            if f is None:
                break
            if f:
                return True
    return False


def find_terms(text: str, glossary: Glossary, *, boundary_check: bool = True) -> List[TermMatch]:
    """Every glossary term in ``text``; see :class:`ZhMatcher`."""
    return matcher_for(glossary, boundary_check=boundary_check).find(text)


#: matchers of the glossaries used last (each holds a copy of jieba's dictionary: keep few)
_MATCHERS: Dict[Tuple[int, bool], Tuple[Glossary, ZhMatcher]] = {}
_MAX_MATCHERS = 4


def matcher_for(glossary: Glossary, *, boundary_check: bool = True) -> ZhMatcher:
    """A cached :class:`ZhMatcher` for ``glossary`` (the last few glossaries are kept)."""
    key = (id(glossary), boundary_check)
    hit = _MATCHERS.pop(key, None)
    if hit is None or hit[0] is not glossary:
        hit = (glossary, ZhMatcher(glossary, boundary_check=boundary_check))
    _MATCHERS[key] = hit  # most recently used last
    while len(_MATCHERS) > _MAX_MATCHERS:
        del _MATCHERS[next(iter(_MATCHERS))]
    return hit[1]

"""Near misses of approved renderings: "Foreign Affairs of Chongqing Municipal Government" for
"Foreign Affairs Office of Chongqing Municipal Government", "Huanglong News Net" for
"Huanglong Newsnet".

Renderings of two or more words are indexed by their words. A target segment is compared only
with renderings most of whose words it contains; the comparison (rapidfuzz) runs on word windows
around those words, so the cost follows the text, not the glossary size.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from itertools import accumulate, compress, count
from operator import attrgetter, itemgetter, not_
from typing import Callable, Dict, Iterable, List, Optional, Sequence, Set, Tuple

from rapidfuzz.distance import Indel, Levenshtein

from ..en_match import FORBIDDEN, Token, folds_of, tokenize_en

#: smallest similarity (0-100) of a window and a rendering to count as a variant
THRESHOLD = 88.0
INFLECTION = 1.0  # score marking a window that differs from a rendering only by a word form
STOPWORDS = frozenset("a an and as at by for from in into of on or the to with".split())
_NONE: frozenset = frozenset()
_ENTRY = attrgetter("entry")
_FIRST = itemgetter(0)
_NO_CODES = ((), _NONE, (), _NONE)  # (codes, hot, live, cold) of a place that hits nothing
_KIND = attrgetter("kind")


class Rendering:
    """An indexed approved rendering: its text, folded words (joined two ways), whether it is
    case-sensitive, and its entry (from a compiled termbase, decoded only when asked for: most
    renderings a segment's words point at are never reported)."""

    __slots__ = ("text", "words", "n", "word_list", "word_set", "distinct", "joined", "nospace",
                 "case_sensitive", "scores", "windows", "_entry", "_termbase", "_eid")

    def __init__(self, text: str, entry: object, words: Tuple[str, ...], case_sensitive: bool,
                 termbase=None, eid: int = -1):
        self.text = text
        self.words = words  # folded
        self.n = n = len(words)
        if n > 2:  # what the filters of longer renderings look at
            self.word_list = list(words)
            self.word_set = frozenset(words)
            self.distinct = len(self.word_set) == n  # no word twice
        self.joined = " ".join(words)
        self.nospace = "".join(words)
        self.case_sensitive = case_sensitive
        self.scores: Optional[Dict[Tuple[str, ...], float]] = None  # word window -> _score
        self.windows: Optional[Dict[tuple, tuple]] = None  # see _windows_around
        self._entry = entry
        self._termbase = termbase
        self._eid = eid

    @property
    def entry(self):
        if self._entry is None and self._termbase is not None:
            self._entry = self._termbase.entry(self._eid)
        return self._entry


@dataclass(frozen=True)
class Variant:
    """A target window close to an approved rendering."""

    start: int
    end: int
    text: str
    rendering: str
    entry: object
    score: float
    inflection: bool = False  # only a word form differs ("tells" for "tell"): counts as the term


_SIMPLE = re.compile(r"[A-Za-z0-9]+(?: [A-Za-z0-9]+)*")


@lru_cache(maxsize=65536)
def _words(rendering: str) -> Tuple[str, ...]:
    """Folded words of a rendering (a fast path for plain words, else the EnMatcher tokenizer)."""
    if _SIMPLE.fullmatch(rendering):
        return tuple(rendering.lower().split())
    return tuple(t.fold for t in tokenize_en(rendering))


def index_rendering(by_word: Dict[str, Dict[str, list]], rid: int, words: Tuple[str, ...]) -> bool:
    """Add one approved rendering (its folded ``words``) to a near-miss index; True when it is
    indexed as rendering ``rid`` (two to 64 words, not only function words).

    The index maps each word to a dict of keys: ``"p" + b`` (the word followed by ``b`` in a
    rendering), ``"s" + c`` (followed by ``c`` one word later), ``"L" + b0`` and ``"R" + a0``
    (two-word renderings: the word, then a word starting with ``b0``; a word starting with
    ``a0``, then this word), each holding codes ``rid << 8 | offset of the pair's first word``.
    Every word of an indexed rendering has an entry, possibly empty (it is a word worth looking
    up).
    """
    n = len(words)
    stop = STOPWORDS
    if n < 2 or n > 64 or (words[0] in stop and all(w in stop for w in words)):
        return False
    for w in words:
        if w not in by_word:
            by_word[w] = {}
    if n == 2:
        a, b = words
        if a not in stop:
            by_word[a].setdefault("L" + b[0], []).append(rid << 8)
        if b not in stop:
            by_word[b].setdefault("R" + a[0], []).append(rid << 8)
        return True
    for k in range(n - 1):
        a, b = words[k], words[k + 1]
        inner = by_word[a]
        if a not in stop or b not in stop:
            inner.setdefault("p" + b, []).append(rid << 8 | k)
        if k + 2 < n:
            c = words[k + 2]
            if a not in stop or c not in stop:
                inner.setdefault("s" + c, []).append(rid << 8 | k)
    return True


class VariantIndex:
    """Approved renderings of two or more words, indexed for near-miss search.

    A near miss differs from its rendering by at most one word, so it keeps one of the
    rendering's word pairs: two adjacent words, or two words one apart (when the word between
    was dropped or changed). Both kinds of pairs are keys of the index; a two-word rendering
    is also keyed by one word plus the first letter of the other (a typo in the other word).
    See :func:`index_rendering` for the layout, shared with the compiled termbase
    (:meth:`compiled`), whose index is decoded word by word as the texts need it.

    In a segment, a rendering is compared with word windows only when it can have a near miss
    there: at least ``n - 1`` of its ``n`` words occur in the segment (a near miss keeps all but
    one) or its letters run together in it ("Newsnet Agency" for "News Net Agency"), and for
    two-word renderings only when one of its windows can score at all; so the work per segment
    follows the renderings that share words with it, not the glossary size.
    """

    #: True: every two-word rendering a text's words point at is judged by
    #: :func:`_two_words_may_vary` and every window is worked out afresh, nothing taken from what
    #: was kept (slower; the reference the tests hold the search to)
    exhaustive = False

    def __init__(self, glossary=None):
        """Index the approved renderings of ``glossary`` (none: an empty index)."""
        self.renderings: List[tuple] = []  # (text, entry, folded words)
        self._by_word: Dict[str, Optional[Dict[str, object]]] = {}
        self._approved_words: Set[Tuple[str, ...]] = set()  # every approved rendering's words
        self._termbase = None
        self._word_shards: Set[int] = set()
        self._made: Dict[int, Rendering] = {}
        self._hits_memo: Dict[tuple, tuple] = {}
        self._approved_memo: Dict[Tuple[str, ...], bool] = {}
        if glossary is None:
            return
        by_word = self._by_word
        renderings = self.renderings
        approved = self._approved_words
        for entry in glossary:
            for r in entry.en:
                words = _words(r)
                approved.add(words)
                if index_rendering(by_word, len(renderings), words):
                    renderings.append((r, entry, words))  # a Rendering is made when first needed

    @classmethod
    def compiled(cls, termbase) -> "VariantIndex":
        """The index of a :class:`~termbase.compiled.CompiledTermbase` (decoded lazily)."""
        index = cls()
        index._termbase = termbase
        return index

    def prefetch(self, words: Iterable[str]) -> None:
        """Decode what the index holds for ``words`` now (before worker processes fork)."""
        tb = self._termbase
        if tb is None:
            return
        by_word = self._by_word
        missing = (words if isinstance(words, (set, frozenset)) else set(words)).difference(by_word)
        shards = tb.word_shard_numbers(missing) - self._word_shards
        for s in sorted(shards):
            self._word_shards.add(s)
            by_word.update(tb.load_word_shard(s))
        for w in missing:
            if w not in by_word:
                by_word[w] = None

    def _rendering(self, rid: int) -> Rendering:
        made = self._made.get(rid)
        if made is None:
            tb = self._termbase
            if tb is None:
                text, entry, words = self.renderings[rid]
                made = Rendering(text, entry, words, getattr(entry, "case_sensitive", False))
            else:
                eid, k = tb.rendering_of(rid)
                text, case_sensitive = tb.rendering_text(eid, k)
                made = Rendering(text, None, _words(text), case_sensitive, tb, eid)
            self._made[rid] = made
        return made

    def _approved(self, words: Tuple[str, ...]) -> bool:
        """True when ``words`` (folded) are the words of an approved rendering."""
        if self._termbase is not None:
            return self._termbase.is_approved_words(words)
        return words in self._approved_words

    def _approved_window(self, window: Tuple[str, ...]) -> bool:
        """:meth:`_approved`, kept per window."""
        approved = self._approved_memo.get(window)
        if approved is None:
            approved = self._approved_memo[window] = self._approved(window)
        return approved

    def _codes_at(self, key: Tuple[str, str, Optional[str]]) -> tuple:
        """What a text position whose word is ``a``, followed by ``b`` and ``c`` (None at the end
        of the text), hits in the index: ``(codes, hot, live, cold)``.

        ``codes`` are ``(rendering, offset of the pair's first word)`` (the :class:`Rendering`
        made) of every code in the buckets ``p+b``, ``s+b`` (a word of the rendering dropped
        between a and b), ``R+a0`` of b, ``L+b0``, ``s+c`` (the word between a and c changed),
        ``p+c`` (a word inserted in the text between a and c), in this order, each once (a
        rendering anchored twice at one place is anchored there once). A key holds only words of
        indexed renderings: only what can be there is looked up. ``hot`` are the two-word
        renderings of the ``L`` and ``R`` buckets (anchored here) whose window starting here may
        vary (:func:`_two_words_window`). ``cold`` are the other two-word renderings when ``b``
        does not start like ``a`` (each can be a near miss here only if the word before starts
        like ``a``, or if it is anchored elsewhere in the text too), ``live`` the codes without
        them.
        """
        a, b, c = key
        by_word = self._by_word
        inner, nxt = by_word.get(a), by_word.get(b)
        if not (inner or nxt):
            return _NO_CODES
        buckets = []  # the buckets that hold codes, in order
        left = right = None  # the buckets of two-word renderings
        if inner and nxt is not None:
            buckets += filter(None, (inner.get("p" + b), inner.get("s" + b)))
        if nxt:
            right = nxt.get("R" + a[0])
            if right:
                buckets.append(right)
        if inner:
            left = inner.get("L" + b[0])
            if left:
                buckets.append(left)
            if c is not None and by_word.get(c) is not None:
                buckets += filter(None, (inner.get("s" + c), inner.get("p" + c)))
        if not buckets:
            return _NO_CODES
        out = []
        for bucket in buckets:
            if bucket.__class__ is int:  # one code (as a compiled index stores it)
                out.append(bucket)
            else:
                out.extend(bucket)
        made = self._made
        codes = []
        for code in (dict.fromkeys(out) if len(out) > 1 else out):  # each once, in order
            rid = code >> 8
            r = made.get(rid)
            if r is None:
                r = self._rendering(rid)
            codes.append((r, code & 255))
        codes = tuple(codes)
        if not (left or right):
            return codes, _NONE, codes, _NONE
        hot = []
        cold = []
        a0 = a[0]
        for bucket in (right, left):
            if not bucket:
                continue
            for code in ((bucket,) if bucket.__class__ is int else bucket):
                r = made[code >> 8]
                if a0 == r.words[0][0] and _two_words_window(r, a, b, c):
                    hot.append(r)
                else:
                    cold.append(r)
        hot = frozenset(hot) if hot else _NONE
        if not cold or b[0] == a0:
            return codes, hot, codes, _NONE
        cold = frozenset(cold).difference(hot)  # (a rendering in both buckets is hot)
        return codes, hot, tuple(code for code in codes if code[0] not in cold), cold

    def find(self, text: str, tokens: Sequence[Token], matches: Sequence) -> List[Variant]:
        """Variants in ``text``; ``matches`` are the EnMatcher matches (approved and forbidden)."""
        if len(tokens) < 2:
            return []
        folds = folds_of(tokens)
        by_word = self._by_word
        present = set(folds)
        if self._termbase is not None and not by_word.keys() >= present:
            self.prefetch(present.difference(by_word))
        memo = self._hits_memo
        if len(memo) > 200000:
            memo.clear()
        if len(self._approved_memo) > 200000:
            self._approved_memo.clear()
        # the keys looked up at a position depend on its word and the next two only
        keys = list(zip(folds, folds[1:], folds[2:] + [None]))
        hits = list(map(memo.get, keys))
        if None in hits:
            codes_at = self._codes_at
            for p in list(compress(count(), map(not_, hits))):  # the positions not in the memo
                key = keys[p]
                got = memo.get(key)  # the same key earlier in this text
                if got is None:
                    got = memo[key] = codes_at(key)
                hits[p] = got
        anchors: Dict[Rendering, List[int]] = {}  # rendering -> positions of word 0
        exhaustive = self.exhaustive
        # a cold two-word rendering (see _codes_at) whose word before does not start like it
        # either is dormant there: no near miss if it is anchored nowhere else (so it is left
        # out of anchors), the same place among its anchors if it is
        dormant = []
        for p, (codes, _, live, cold) in compress(enumerate(hits), map(_FIRST, hits)):
            if cold and not exhaustive:
                if p and folds[p - 1][0] == folds[p][0]:
                    live = codes
                else:
                    dormant.append((p, cold))
            else:
                live = codes
            for r, off in live:
                anchored = anchors.get(r)
                if anchored is None:
                    anchors[r] = [p - off]
                else:
                    anchored.append(p - off)
        if not anchors:
            return []
        for p, cold in dormant:
            for r in anchors.keys() & cold:  # (iterates cold)
                anchors[r].append(p)
        found: List[Variant] = []
        owners: List[Rendering] = []  # the rendering of each near miss in found
        n_tok = len(folds)
        letters = None
        words_t = None  # folds as a tuple (its slices are the keys of the windows kept)
        for r, anchored in anchors.items():
            n = r.n
            if n == 2:
                # anchored where it may vary, or beside a word that starts like it (where
                # _two_words_may_vary decides), or not a near miss anywhere
                if exhaustive:
                    if not _two_words_may_vary(r, anchored, folds):
                        continue
                elif len(anchored) == 1:
                    p = anchored[0]
                    if r not in hits[p][1]:
                        # _two_words_may_vary, whose window starting at p is not hot: those
                        # starting one word either side (p is a place with a next word)
                        a0 = r.words[0][0]
                        if not ((p > 0 and folds[p - 1][0] == a0
                                 and _two_words_window(r, folds[p - 1], folds[p], folds[p + 1]))
                                or (folds[p + 1][0] == a0
                                    and _two_words_window(
                                        r, folds[p + 1], folds[p + 2] if p + 2 < n_tok else None,
                                        folds[p + 3] if p + 3 < n_tok else None))):
                            continue
                elif not any(r in hits[p][1] for p in anchored):
                    a0 = r.words[0][0]
                    if not any((p > 0 and folds[p - 1][0] == a0)
                               or (p + 1 < n_tok and folds[p + 1][0] == a0) for p in anchored):
                        continue
                    if not _two_words_may_vary(r, anchored, folds):
                        continue
            else:
                if n > 3 and (absent := r.word_set - present):
                    # a near miss keeps all but one word, or all the letters: skip the rendering
                    # when two of its words (counted with repeats) are not in the text, nor its
                    # letters
                    if len(absent) > 1 or (not r.distinct
                                           and r.words.count(next(iter(absent))) > 1):
                        if letters is None:
                            letters = "".join(folds)
                        if r.nospace not in letters:
                            continue
                if not r.case_sensitive:
                    # only exact occurrences: every window around them overlaps one
                    if len(anchored) == 1:
                        a = anchored[0]
                        if a >= 0 and folds[a:a + n] == r.word_list:
                            continue
                    else:
                        word_list = r.word_list
                        for a in set(anchored):
                            if a < 0 or folds[a:a + n] != word_list:
                                break
                        else:
                            continue  # every anchor an exact occurrence
            if len(anchored) > 1:
                anchored = set(anchored)
            if exhaustive:
                found.extend(self._near_misses(r, anchored, text, tokens, folds, matches))
                continue
            # the windows first: most places have none to choose from
            if words_t is None:
                words_t = tuple(folds)
            (exact, windows), lo = _windows_around(r, anchored, words_t, self._approved_window)
            if windows or (exact and r.case_sensitive):
                got = self._chosen(r, exact, windows, lo, text, tokens, folds, matches)
                found.extend(got)
                owners.extend([r] * len(got))
        if not found:
            return found
        if len(found) > 1 and not exhaustive:
            # best first; among near misses as good and starting at one place, that of the
            # rendering anchored first (as when every rendering was taken in the order of its
            # first code, dormant ones too)
            order = sorted(range(len(found)), key=lambda i: (-found[i].score, found[i].start))
            if any(found[i].score == found[j].score and found[i].start == found[j].start
                   and owners[i] is not owners[j] for i, j in zip(order, order[1:])):
                rank: Dict[Rendering, int] = {}
                for codes in map(_FIRST, hits):
                    for r, _ in codes:
                        if r not in rank:
                            rank[r] = len(rank)
                order.sort(key=lambda i: (-found[i].score, found[i].start, rank[owners[i]]))
            found = [found[i] for i in order]
        else:
            found.sort(key=lambda v: (-v.score, v.start))
        kept: List[Variant] = []
        for v in found:
            if all(v.end <= k.start or v.start >= k.end for k in kept):
                kept.append(v)
        kept.sort(key=lambda v: v.start)
        return kept

    def _near_misses(self, r: Rendering, anchored: Set[int], text: str, tokens: Sequence[Token],
                     folds: List[str], matches: Sequence) -> List[Variant]:
        """Every near miss of ``r`` in the text: the best window of each place it is anchored.

        Windows are scored around each anchor (start one word either side, one word more or less
        than the rendering) and taken best first, each place once: an exact occurrence (scored 100)
        takes its place and is not reported, so a correct occurrence of a rendering never hides
        a misspelt one elsewhere in the segment. (The search of :attr:`exhaustive`: every window
        worked out afresh; :meth:`find` otherwise takes them from :func:`_windows_around`.)
        """
        exact, windows = _windows_in(r, tuple(anchored), tuple(folds), False)
        return self._chosen(r, exact, windows, 0, text, tokens, folds, matches)

    def _chosen(self, r: Rendering, exact: tuple, windows: tuple, lo: int, text: str,
                tokens: Sequence[Token], folds: List[str], matches: Sequence) -> List[Variant]:
        """The near misses of :meth:`_near_misses` from the exact occurrences and scoring windows
        of :func:`_windows_around` (word positions counted from ``lo``)."""
        case_sensitive = r.case_sensitive
        if not windows and (not exact or not case_sensitive):
            return []  # nothing, or only exact occurrences
        chosen: List[Tuple[float, int, int]]
        if not exact and len(windows) == 1:  # (most places) the one window, if it stays
            score, s, e = windows[0]
            s += lo
            e += lo
            if e - 1 > s and _crosses_break(text, tokens, s, e - 1):
                return []
            chosen = [(score, s, e)]
        else:
            scored: List[Tuple[float, int, int]] = [(100.0, s + lo, e + lo) for s, e in exact]
            for score, s, e in windows:
                s += lo
                e += lo
                if e - 1 > s and _crosses_break(text, tokens, s, e - 1):
                    continue  # the window crosses sentence punctuation or a line break
                scored.append((score, s, e))
            if not scored or (len(scored) == len(exact) and not case_sensitive):
                return []  # nothing, or only exact occurrences
            scored.sort(key=lambda x: (-x[0], x[1], x[2]))
            chosen = []
            for cand in scored:
                if all(cand[2] <= cs or cand[1] >= ce for _, cs, ce in chosen):
                    chosen.append(cand)
        out: List[Variant] = []
        for score, s, e in chosen:
            if self._approved_window(tuple(folds[s:e])):
                if not case_sensitive:
                    continue
                cased = tuple(t.word for t in tokenize_en(r.text))
                if tuple(t.word for t in tokens[s:e]) == cased:
                    continue  # exactly the case-sensitive rendering
            start, end = tokens[s].start, tokens[e - 1].end
            if _excluded(start, end, r, matches):
                continue
            out.append(Variant(start, end, text[start:end], r.text, r.entry, score,
                               score == INFLECTION))
        return out


def _windows_around(r: Rendering, anchored: Iterable[int], folds: Sequence[str],
                    approved: Optional[Callable[[Tuple[str, ...]], bool]] = None
                    ) -> Tuple[Tuple[tuple, tuple], int]:
    """``((exact, windows), lo)``: the exact occurrences ``(start, end)`` of ``r`` at the anchors
    and the windows around them that score, ``(score, start, end)``, in word positions counted
    from ``lo``. They depend only on the words from one before the first anchor to the end of the
    longest window after the last, so they are kept per rendering for each such run of words
    (texts repeat their phrases).

    With ``approved`` (true for the words of an approved rendering), the windows of a rendering
    that is not case-sensitive are none when every one of them is approved words: an approved
    window is never reported (nor an exact occurrence), so nothing there is a near miss."""
    n = len(r.words)
    if len(anchored) == 1:
        for first in anchored:
            last = first
        lo = first - 1 if first > 0 else 0
        rel = first - lo  # one anchor: kept under its number
    else:
        first, last = min(anchored), max(anchored)
        lo = first - 1 if first > 0 else 0
        rel = tuple(sorted([a - lo for a in anchored]))
    hi = last + n + 2  # > 0: an anchor lies fewer than n words before the text
    key = (rel, folds[lo:hi] if folds.__class__ is tuple else tuple(folds[lo:hi]))
    memo = r.windows
    got = memo.get(key) if memo is not None else None
    if got is None:
        got = _windows_kept(r, key, approved)
    return got, lo


def _windows_kept(r: Rendering, key: tuple, approved: Optional[Callable[[Tuple[str, ...]], bool]]
                  ) -> Tuple[tuple, tuple]:
    """Work out and keep the windows of :func:`_windows_around` under ``key``: ``(anchors,
    region)``, the anchors (one anchor: its number) counted from the start of the region."""
    memo = r.windows
    if memo is None:
        memo = r.windows = {}
    elif len(memo) >= 1024:
        memo.clear()
    rel, region = key
    got = _windows_in(r, (rel,) if rel.__class__ is int else rel, region)
    if (approved is not None and got[1] and not r.case_sensitive
            and all(approved(region[s:e]) for _, s, e in got[1])):
        got = (got[0], ())
    memo[key] = got
    return got


def _windows_in(r: Rendering, anchored: Sequence[int], folds: Tuple[str, ...],
                keep: bool = True) -> Tuple[tuple, tuple]:
    """The exact occurrences and scoring windows of :func:`_windows_around` in ``folds``: windows
    start one word either side of an anchor and are one word longer or shorter than the
    rendering at most, start and end with its first and last letters, overlap no exact
    occurrence (which would win over them) and score (:func:`_score`; kept per window unless
    ``keep`` is false)."""
    words = r.words
    n = len(words)
    n_tok = len(folds)
    scores = r.scores if keep else {}
    if scores is None:
        scores = r.scores = {}
    exact = tuple((s, s + n) for s in anchored if s >= 0 and folds[s:s + n] == words)
    first, last = words[0][0], words[-1][0]
    out = []
    for s in {s + d for s in anchored for d in (-1, 0, 1)}:  # the order does not matter
        if s < 0 or s >= n_tok or folds[s][0] != first:
            continue
        for e in (s + n - 1, s + n, s + n + 1):
            if e <= s or e > n_tok or folds[e - 1][0] != last:
                continue
            if exact and any(xs < e and s < xe for xs, xe in exact):
                continue  # loses to the exact occurrence it overlaps
            window = folds[s:e]
            score = scores.get(window)
            if score is None:
                if len(scores) >= 4096:
                    scores.clear()
                score = scores[window] = _score(window, r)
            if score:
                out.append((score, s, e))
    return exact, tuple(out)


def _two_words_may_vary(r: Rendering, anchored: Sequence[int], folds: Sequence[str]) -> bool:
    """False when no window :meth:`VariantIndex._near_misses` looks at around ``anchored`` can
    score for the two-word rendering ``r``: a cheap, conservative test (it may say True in vain,
    never False in vain) that keeps the many two-word renderings sharing one word with a segment
    from costing a full comparison each.

    A two-word window scores only when it is the rendering, when its words run together to the
    rendering's letters, or when one word is the rendering's and the other a close variant of
    its counterpart (an inflection, or similar enough); windows of one or three words only when
    they run together to the rendering's letters.
    """
    a0 = r.words[0][0]
    n_tok = len(folds)
    if len(anchored) == 1:
        p = anchored[0]
        starts: Iterable[int] = (p - 1, p, p + 1)
    else:
        starts = {p + d for p in anchored for d in (-1, 0, 1)}
    for s in starts:  # the answer does not depend on their order
        if s < 0 or s >= n_tok:
            continue
        f = folds[s]
        if f[0] == a0 and _two_words_window(r, f, folds[s + 1] if s + 1 < n_tok else None,
                                            folds[s + 2] if s + 2 < n_tok else None):
            return True
    return False


def _two_words_window(r: Rendering, f: str, g: Optional[str], h: Optional[str]) -> bool:
    """The test of :func:`_two_words_may_vary` for the windows starting at a word ``f`` (that
    starts like the two-word rendering ``r``), followed by ``g`` and ``h`` (None past the end
    of the text)."""
    a, b = r.words
    nospace = r.nospace
    if f == nospace:
        return True
    if g is None:
        return False
    if h is not None and f + g + h == nospace:
        return True
    if g[0] != b[0]:
        return False
    if f == a or g == b:
        if f == a and g == b:
            return r.case_sensitive  # the rendering itself, perhaps in the wrong case; else an
            # exact occurrence is no near miss (windows beside it are tried)
        x, y = (g, b) if f == a else (f, a)
        if x in STOPWORDS or y in STOPWORDS:
            return False
        if x.startswith(y[:-1]):
            return True  # perhaps an inflection
        return bool(Indel.normalized_similarity(f + " " + g, r.joined,
                                                score_cutoff=THRESHOLD / 100))
    return f + g == nospace


_BREAK = re.compile(r"[.;:!?。；：！？\n]")


_LETTERS_AT_END = re.compile(r"[A-Za-z]+$")
_ABBREVIATIONS = ("Mr", "Mrs", "Ms", "Dr", "St", "No")


def _crosses_break(text: str, tokens: Sequence[Token], first: int, last: int) -> bool:
    """True when a sentence break (. ; : ! ? or a line break, not the full stop of an
    abbreviation) lies between token ``first`` and token ``last``."""
    if _BREAK.search(text, tokens[first].end, tokens[last].start) is None:
        return False  # no break character at all between them (most windows)
    for j in range(first + 1, last + 1):
        prev_end = tokens[j - 1].end
        gap = text[prev_end:tokens[j].start]
        if _BREAK.search(gap) and not _abbreviation(text, prev_end, gap):
            return True
    return False


def _abbreviation(text: str, end: int, gap: str) -> bool:
    """A full stop after an initial or a short abbreviation ("U.S.", "Mr.") is no sentence break."""
    if gap.strip() != ".":
        return False
    # the letters just before ``end`` (four at most: a longer word is no abbreviation either)
    word = _LETTERS_AT_END.search(text, max(0, end - 4), end)
    return bool(word) and (len(word.group()) == 1 or word.group() in _ABBREVIATIONS)


# lemminflect was weighed for this: it knows irregular forms, but loading its tables costs about
# 0.9 s per process (most of a check's time budget), and its lemma of "banking" is the verb
# "bank", which would accept the derivation this test rejects. pysbd was weighed for sentence
# breaks: the windows only need the punctuation between two tokens, which _crosses_break reads directly.
def inflected_forms(word: str, verb: bool = False) -> Set[str]:
    """Inflections of ``word``: plural (and third person) -s/-es/-ies; with ``verb`` also -ed/-d
    and -ing. Derivations ("banking" for "bank") and dropped endings ("affair" for "affairs")
    are not inflections."""
    forms = {word + "s", word + "es"}
    if len(word) > 2 and word.endswith("y") and word[-2] not in "aeiou":
        forms.add(word[:-1] + "ies")
        if verb:
            forms.add(word[:-1] + "ied")
    if verb:
        stem = word[:-1] if word.endswith("e") else word
        forms.update({stem + "ed", stem + "ing", word + "d"})
        if len(word) >= 3 and word[-1] not in "aeiouwxy" and word[-2] in "aeiou" and word[-3] not in "aeiou":
            forms.update({word + word[-1] + "ed", word + word[-1] + "ing"})
    return forms


def _score(window: Sequence[str], r: Rendering) -> float:
    """Similarity of a word window to a rendering (0-100), 0 when it is not a near miss.

    A near miss differs from the rendering by one word (a typo, one inner word dropped or added:
    "Xinhua Agency" for "Xinhua News Agency") or only in spacing ("News Net" for "Newsnet"),
    and starts and ends like it. Inflections ("tells" for "tell") are not near misses.
    """
    window = tuple(window)
    if window == r.words:
        return 100.0  # same words: only case differs (kept if no approved match covers it)
    if "".join(window) == r.nospace:
        return 99.0
    if window[0][0] != r.words[0][0] or window[-1][0] != r.words[-1][0]:
        return 0.0
    if Levenshtein.distance(window, r.words) != 1:
        return 0.0
    if len(window) == len(r.words):
        k = next(i for i, (a, b) in enumerate(zip(window, r.words)) if a != b)
        if window[k] in STOPWORDS or r.words[k] in STOPWORDS:
            return 0.0  # "and Emperor" is no near miss of "an emperor"
        if window[k] in inflected_forms(r.words[k], verb=k == 0):
            return INFLECTION  # "Memorandums of Understanding", "tells good stories"
        return Indel.normalized_similarity(" ".join(window), r.joined,
                                           score_cutoff=THRESHOLD / 100) * 100
    if len(r.words) < 3 or len(window) < 2:
        return 0.0
    longer, shorter = (window, r.words) if len(window) > len(r.words) else (r.words, window)
    extra = next((w for i, w in enumerate(longer) if i >= len(shorter) or shorter[i] != w), longer[-1])
    if extra in STOPWORDS:
        return 0.0  # a function word added or dropped is not the evidence of a near miss
    if sum(w not in STOPWORDS for w in set(window) & set(r.words)) < 2:
        return 0.0  # "the girl" shares one content word with "the servant girl"
    return max(THRESHOLD, Indel.normalized_similarity(" ".join(window), r.joined) * 100)


def _excluded(start: int, end: int, r: Rendering, matches: Sequence) -> bool:
    for m in matches:
        if m.end <= start or m.start >= end:
            continue
        if m.kind == FORBIDDEN:
            return True  # reported by term-forbidden
        if m.start <= start and end <= m.end:
            return True  # inside an approved rendering
        if m.entry is r.entry and len(_words(m.rendering)) >= len(r.words):
            return True  # the approved rendering itself is there
        if m.start == start and m.end == end:
            return True
    return False


@lru_cache(maxsize=65536)
def _deficit_shape(rendering: str) -> Optional[Tuple[int, str, int]]:
    """``(words, letters, edits allowed)`` of a rendering :func:`deficit_variants` compares
    with windows (one to three words, three letters or more), else None."""
    words = _words(rendering)
    n = len(words)
    joined = "".join(words)
    if n > 3 or len(joined) < 3:
        return None
    return n, joined, 1 if len(joined) <= 8 else 2


def deficit_variants(text: str, tokens: Sequence[Token], terms: Sequence, matches: Sequence,
                     found: Sequence[Variant]) -> List[Variant]:
    """Misspelt occurrences of terms the source has more often than the target renders them.

    ``terms`` are the source's glossary matches, ``matches`` the target's rendering matches and
    ``found`` the near misses already found. For each entry whose source occurrences outnumber
    its approved target occurrences (and near misses), word windows of the length of each of its
    renderings are compared character by character (one edit for up to 8 letters, two beyond):
    this finds one-word renderings and short names ("HKBA" for "HKMA", "Fehg Yu" for "Feng Yu")
    that the word-pair index cannot, and only for the few entries with a deficit.
    """
    entries = list(map(_ENTRY, terms))
    ids = list(map(id, entries))
    # source occurrences of each entry (in the order of the first) less its approved target
    # occurrences and its near misses
    taken = Counter(map(id, map(_ENTRY, matches)))
    if FORBIDDEN in map(_KIND, matches):
        for m in matches:
            if m.kind == FORBIDDEN:
                taken[id(m.entry)] -= 1
    if found:
        taken.update(map(id, map(_ENTRY, found)))
    entry_of = dict(zip(ids, entries))
    need = [(entry_of[eid], missing) for eid, count in Counter(ids).items()
            if (missing := count - taken.get(eid, 0)) > 0]
    if not need:
        return []
    # characters already taken by a rendering match or a near miss: a window is free when none of
    # its characters is taken (the same test as comparing it with every taken span); marked when
    # a window first needs them
    busy: Optional[bytearray] = None
    folds = folds_of(tokens)
    heads: Optional[str] = None  # the first letter of each word
    ends: List[int] = []
    out: List[Variant] = []
    for entry, missing in need:
        cands: List[Tuple[int, int, int, str]] = []
        for r in entry.en:
            shape = _deficit_shape(r)
            if shape is None:
                continue
            n, joined, allowed = shape
            if heads is None:
                heads = "".join(map(itemgetter(0), folds))  # one character per token
                ends = [0, *accumulate(map(len, folds))]  # letters before each word
            head, stop = joined[0], len(tokens) - n + 1
            at = []  # the windows' first words: those with the rendering's first letter
            s = heads.find(head, 0, stop)
            while s != -1:
                at.append(s)
                s = heads.find(head, s + 1, stop)
            size = len(joined)
            for s in at:
                if abs(ends[s + n] - ends[s] - size) > allowed:
                    continue  # more edits than allowed: the lengths differ by more
                start, end = tokens[s].start, tokens[s + n - 1].end
                if busy is None:
                    busy = bytearray(len(text))
                    for m in matches:
                        busy[m.start:m.end] = b"\x01" * (m.end - m.start)
                    for v in found:
                        busy[v.start:v.end] = b"\x01" * (v.end - v.start)
                if busy.find(1, start, end) != -1:
                    continue
                window = folds[s] if n == 1 else "".join(folds[s:s + n])
                if window == joined:
                    continue
                d = Levenshtein.distance(window, joined, score_cutoff=allowed)
                if d <= allowed:
                    cands.append((d, start, end, r))
        cands.sort()
        for d, start, end, r in cands:
            if missing <= 0:
                break
            if busy.find(1, start, end) != -1:
                continue
            busy[start:end] = b"\x01" * (end - start)
            missing -= 1
            score = 100.0 * (1 - d / max(len(r), 1))
            out.append(Variant(start, end, text[start:end], r, entry, score))
    return out

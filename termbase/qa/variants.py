"""Near misses of approved renderings: "Foreign Affairs of Chongqing Municipal Government" for
"Foreign Affairs Office of Chongqing Municipal Government", "Huanglong News Net" for
"Huanglong Newsnet".

Renderings of two or more words are indexed by their words. A target segment is compared only
with renderings most of whose words it contains; the comparison (rapidfuzz) runs on word windows
around those words, so the cost follows the text, not the glossary size.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Dict, List, Optional, Sequence, Set, Tuple

from rapidfuzz.distance import Indel, Levenshtein

from ..en_match import APPROVED, FORBIDDEN, Token, tokenize_en

#: smallest similarity (0-100) of a window and a rendering to count as a variant
THRESHOLD = 88.0
INFLECTION = 1.0  # score marking a window that differs from a rendering only by a word form
STOPWORDS = frozenset("a an and as at by for from in into of on or the to with".split())


@dataclass(frozen=True)
class Rendering:
    text: str
    entry: object
    words: Tuple[str, ...]  # folded
    joined: str
    nospace: str
    significant: int


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


class VariantIndex:
    """Approved renderings of two or more words, indexed for near-miss search."""

    def __init__(self, glossary):
        self.renderings: List[Rendering] = []
        self._by_word: Dict[str, List[int]] = {}
        self._approved: Set[Tuple[str, ...]] = set()
        for entry in glossary:
            for r in entry.en:
                words = tuple(t.fold for t in tokenize_en(r))
                self._approved.add(words)
                if len(words) < 2:
                    continue
                sig = [w for w in words if w not in STOPWORDS]
                if not sig:
                    continue
                rid = len(self.renderings)
                self.renderings.append(Rendering(r, entry, words, " ".join(words), "".join(words),
                                                 len(set(sig))))
                for w in set(sig):
                    self._by_word.setdefault(w, []).append(rid)

    def candidates(self, tokens: Sequence[Token]) -> List[int]:
        """Renderings sharing all but at most one of their significant words with ``tokens``."""
        counts: Dict[int, int] = {}
        for w in {t.fold for t in tokens}:
            for rid in self._by_word.get(w, ()):
                counts[rid] = counts.get(rid, 0) + 1
        out = []
        for rid, n in counts.items():
            r = self.renderings[rid]
            if n >= max(1, r.significant - 1):
                out.append(rid)
        return out

    def find(self, text: str, tokens: Sequence[Token], matches: Sequence) -> List[Variant]:
        """Variants in ``text``; ``matches`` are the EnMatcher matches (approved and forbidden)."""
        if not tokens:
            return []
        folds = [t.fold for t in tokens]
        positions: Dict[str, List[int]] = {}
        for i, f in enumerate(folds):
            positions.setdefault(f, []).append(i)
        found: List[Variant] = []
        for rid in self.candidates(tokens):
            r = self.renderings[rid]
            n = len(r.words)
            starts: Set[int] = set()
            for k, w in enumerate(r.words):
                if w in STOPWORDS:
                    continue
                for p in positions.get(w, ()):
                    for s in (p - k - 1, p - k, p - k + 1):
                        if 0 <= s < len(tokens):
                            starts.add(s)
            best: Optional[Tuple[float, int, int]] = None
            for s in starts:
                for length in (n - 1, n, n + 1):
                    e = s + length
                    if length < 1 or e > len(tokens):
                        continue
                    window = folds[s:e]
                    score = _score(window, r)
                    if score and (best is None or score > best[0]):
                        best = (score, s, e)
            if best is None:
                continue
            score, s, e = best
            window = tuple(folds[s:e])
            if window in self._approved and not getattr(r.entry, "case_sensitive", False):
                continue
            start, end = tokens[s].start, tokens[e - 1].end
            if _excluded(start, end, r, matches):
                continue
            found.append(Variant(start, end, text[start:end], r.text, r.entry, score,
                                 score == INFLECTION))
        found.sort(key=lambda v: (-v.score, v.start))
        kept: List[Variant] = []
        for v in found:
            if all(v.end <= k.start or v.start >= k.end for k in kept):
                kept.append(v)
        kept.sort(key=lambda v: v.start)
        return kept


def _stem(word: str) -> str:
    for suffix in ("ing", "ed", "es", "s"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)]
    return word


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
        if tuple(_stem(w) for w in window) == tuple(_stem(w) for w in r.words):
            return INFLECTION
        return Indel.normalized_similarity(" ".join(window), r.joined,
                                           score_cutoff=THRESHOLD / 100) * 100
    if len(r.words) < 3 or len(window) < 2:
        return 0.0
    return max(THRESHOLD, Indel.normalized_similarity(" ".join(window), r.joined) * 100)


def _excluded(start: int, end: int, r: Rendering, matches: Sequence) -> bool:
    for m in matches:
        if m.end <= start or m.start >= end:
            continue
        if m.kind == FORBIDDEN:
            return True  # reported by term-forbidden
        if m.start <= start and end <= m.end:
            return True  # inside an approved rendering
        if m.entry is r.entry and len(tokenize_en(m.rendering)) >= len(r.words):
            return True  # the approved rendering itself is there
        if m.start == start and m.end == end:
            return True
    return False

"""The memory itself: exact lookup by normalised source, fuzzy lookup through an index.

Fuzzy lookup is exact (it returns what comparing the query with every unit would return) and
fast on large memories: units are sorted by length, so only the length window that can reach the
threshold is looked at (rapidfuzz's ratio is at most ``2·min/(a+b)`` of the two lengths); inside
it, a character index bounds each unit's score by the characters it shares with the query (the
longest common subsequence cannot be longer), and rapidfuzz scores only the units whose bound
reaches the threshold.
"""
from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from typing import Dict, List, Optional, Sequence, Tuple

from termbase.inline import InlineText
from termbase.normalize import fold_width, is_cjk, to_simplified

#: default lowest fuzzy score (0-100) offered
DEFAULT_THRESHOLD = 75.0

_SPACES = re.compile(r"\s+")


def match_key(text: str) -> str:
    """A source as the memory compares it: NFC, half-width, Simplified, whitespace collapsed
    (and removed next to Chinese characters, where it is only layout). Case is kept."""
    t = to_simplified(fold_width(unicodedata.normalize("NFC", text)))
    t = _SPACES.sub(" ", t).strip()
    if " " not in t:
        return t
    out = []
    for i, ch in enumerate(t):
        if ch == " " and (_wide(t[i - 1]) or _wide(t[i + 1])):
            continue
        out.append(ch)
    return "".join(out)


def _wide(ch: str) -> bool:
    return is_cjk(ch) or "\u3000" <= ch <= "\u303f" or "\uff00" <= ch <= "\uffef"


@dataclass(frozen=True)
class TMUnit:
    """One translation unit: ``source``/``target`` are the text the memory compares and gives.

    ``source_inline``/``target_inline`` hold the unit's inline codes (TMX ``<bpt>/<ept>/<ph>/<it>``,
    XLIFF ``<g>``, ``<x/>``… read through :mod:`termbase.inline`), None for plain text; a hit carries
    them over to the segment's own codes (:func:`translate.leverage.codes_from_memory`).
    ``state`` is the reviewed state a project's earlier XLIFF output gave the target (``""``
    otherwise); ``document`` the file such a unit came from."""

    source: str
    target: str
    origin: str = ""      # the memory file it came from
    location: str = ""    # where in that file
    source_inline: Optional[InlineText] = None
    target_inline: Optional[InlineText] = None
    state: str = ""
    document: str = ""

    @property
    def has_codes(self) -> bool:
        return bool((self.source_inline is not None and self.source_inline.has_codes)
                    or (self.target_inline is not None and self.target_inline.has_codes))


@dataclass(frozen=True)
class TMMatch:
    """A unit found for a query: ``score`` 100 for exact matches; ``exact`` says whether the
    sources are identical character for character (else equal after normalisation)."""

    unit: TMUnit
    score: float
    exact: bool = False

    def as_dict(self) -> Dict[str, object]:
        """What the report says about the match (plain text; codes are in the unit)."""
        d: Dict[str, object] = {"score": round(self.score, 1), "source": self.unit.source,
                                "target": self.unit.target, "tm": self.unit.origin,
                                "location": self.unit.location}
        if self.unit.state:
            d["state"] = self.unit.state
        return d


class TranslationMemory:
    """Units by normalised source; the first unit added for a source wins (memories given first
    have priority)."""

    def __init__(self, units: Sequence[TMUnit] = ()):
        self._by_key: Dict[str, TMUnit] = {}
        self._keys: List[str] = []
        self.sources: List[str] = []   # files loaded, in order
        self.duplicates = 0            # units whose source was already present
        self._index: Optional[_FuzzyIndex] = None
        for u in units:
            self.add(u)

    def __len__(self) -> int:
        return len(self._by_key)

    def __iter__(self):
        return iter(self._by_key.values())

    def add(self, unit: TMUnit) -> bool:
        """Add ``unit`` (skipped when its source or target is empty); False when not added."""
        if not unit.source.strip() or not unit.target.strip():
            return False
        key = match_key(unit.source)
        if key in self._by_key:
            self.duplicates += 1
            return False
        self._by_key[key] = unit
        self._keys.append(key)
        self._index = None
        return True

    def exact(self, source: str) -> Optional[TMMatch]:
        """The unit whose source equals ``source`` after normalisation."""
        unit = self._by_key.get(match_key(source))
        if unit is None:
            return None
        return TMMatch(unit, 100.0, exact=unit.source.strip() == source.strip())

    def fuzzy(self, source: str, threshold: float = DEFAULT_THRESHOLD,
              limit: int = 3) -> List[TMMatch]:
        """The best units scoring at least ``threshold`` (rapidfuzz ratio of the normalised
        sources, 0-100), best first; ties in the order the units were added."""
        key = match_key(source)
        if not key or not self._keys:
            return []
        if self._index is None:
            self._index = _FuzzyIndex(self._keys)
        found = self._index.search(key, threshold, limit)
        return [TMMatch(self._by_key[self._keys[i]], score,
                        exact=score >= 100.0 and self._by_key[self._keys[i]].source.strip()
                        == source.strip()) for i, score in found]

    def best(self, source: str, threshold: float = DEFAULT_THRESHOLD) -> Optional[TMMatch]:
        """The exact match, else the best fuzzy match at or above ``threshold``, else None."""
        hit = self.exact(source)
        if hit is not None:
            return hit
        fuzzy = self.fuzzy(source, threshold, limit=1)
        return fuzzy[0] if fuzzy else None


class _FuzzyIndex:
    """Length-sorted keys with a character → (unit ids, counts) inverted index."""

    def __init__(self, keys: Sequence[str]):
        import numpy as np

        order = sorted(range(len(keys)), key=lambda i: (len(keys[i]), i))
        self.ids = np.asarray(order, dtype=np.int64)          # position → memory unit number
        self.keys = [keys[i] for i in order]
        self.lengths = np.fromiter((len(k) for k in self.keys), dtype=np.int64,
                                   count=len(self.keys))
        postings: Dict[str, Tuple[List[int], List[int]]] = {}
        for pos, key in enumerate(self.keys):
            for ch, n in Counter(key).items():
                entry = postings.get(ch)
                if entry is None:
                    postings[ch] = entry = ([], [])
                entry[0].append(pos)
                entry[1].append(n)
        self.postings = {ch: (np.asarray(p, dtype=np.int64), np.asarray(c, dtype=np.int32))
                         for ch, (p, c) in postings.items()}
        # the most frequent characters also get a dense row of counts per unit (at most about
        # 32 MB): counting them for a few candidates is then a lookup, not a search
        rows = max(1, min(256, (32 << 20) // max(1, len(self.keys))))
        frequent = sorted(self.postings, key=lambda ch: -len(self.postings[ch][0]))[:rows]
        self.row_of = {ch: r for r, ch in enumerate(frequent)}
        self.dense = np.zeros((len(frequent), len(self.keys)), dtype=np.uint8)
        for ch, r in self.row_of.items():
            pos, counts = self.postings[ch]
            self.dense[r, pos] = np.minimum(counts, 255)

    def search(self, query: str, threshold: float, limit: int) -> List[Tuple[int, float]]:
        import numpy as np
        from rapidfuzz import fuzz

        t = max(min(threshold, 100.0), 1e-6) / 100.0
        n = len(query)
        lo = math.ceil(t * n / (2 - t) - 1e-9)
        hi = math.floor(n * (2 - t) / t + 1e-9)
        a = int(np.searchsorted(self.lengths, lo, side="left"))
        b = int(np.searchsorted(self.lengths, hi, side="right"))
        if a >= b:
            return []
        counts_q = Counter(query)
        # count filtering, rarest characters first: a unit of length >= lo reaching the
        # threshold shares at least ``need`` characters with the query. Counting, over the
        # length window, only the query's rarest characters (``taken`` of them, with repeats)
        # leaves out at most n - taken shared ones, so a unit needs need - (n - taken) of these:
        # few units pass; the other characters are then counted for those units only.
        need = math.ceil(t * (n + max(lo, 0)) / 2 - 1e-9)
        rarest = sorted(counts_q.items(), key=lambda kv: (len(self.postings[kv[0]][0])
                                                           if kv[0] in self.postings else 0, kv[0]))
        target = min(n, n - need + 3)  # the rare part must hold >= 3 shared characters
        taken, k = 0, 0
        ids_parts, weight_parts = [], []
        while k < len(rarest) and taken < target:
            ch, qn = rarest[k]
            k += 1
            taken += qn
            hit = self.postings.get(ch)
            if hit is None:
                continue
            pos, counts = hit
            i0, i1 = int(np.searchsorted(pos, a)), int(np.searchsorted(pos, b))
            if i0 < i1:
                ids_parts.append(pos[i0:i1] - a)
                weight_parts.append(np.minimum(counts[i0:i1], qn))
        if not ids_parts:
            return []
        partial = np.bincount(np.concatenate(ids_parts), weights=np.concatenate(weight_parts),
                              minlength=b - a)
        cands = np.nonzero(partial >= need - (n - taken) - 1e-9)[0]
        if not len(cands):
            return []
        shared = partial[cands].astype(np.int32)
        cands = cands + a
        for ch, qn in rarest[k:]:
            row = self.row_of.get(ch)
            if row is not None:
                shared += np.minimum(self.dense[row, cands], qn).astype(np.int32)
                continue
            hit = self.postings.get(ch)
            if hit is None:
                continue
            pos, counts = hit
            idx = np.searchsorted(pos, cands)
            idx[idx >= len(pos)] = len(pos) - 1
            present = pos[idx] == cands
            shared += np.where(present, np.minimum(counts[idx], qn), 0).astype(np.int32)
        bound_all = 200.0 * shared / (n + self.lengths[cands])
        keep = bound_all >= threshold - 1e-9
        cands, bound_all = cands[keep], bound_all[keep]
        if not len(cands):
            return []
        order_all = np.argsort(-bound_all, kind="stable")
        order, bounds = cands[order_all] - a, bound_all[order_all]
        # best bound first; stop when no remaining unit can beat the limit-th best score
        found: List[Tuple[int, float]] = []  # (memory unit number, score), best first
        cutoff = threshold
        ratio = fuzz.ratio
        for k in range(0, len(order), 64):
            if bounds[k] < cutoff - 1e-9:
                break
            part = order[k:k + 64]
            for pos, bnd in zip(part.tolist(), bounds[k:k + 64].tolist()):
                if bnd < cutoff - 1e-9:
                    break
                score = ratio(query, self.keys[a + pos], score_cutoff=cutoff)
                if score and score >= cutoff - 1e-9:
                    found.append((int(self.ids[a + pos]), float(score)))
            if len(found) >= limit:
                found.sort(key=lambda x: (-x[1], x[0]))
                del found[limit:]
                cutoff = max(cutoff, found[-1][1])
        found.sort(key=lambda x: (-x[1], x[0]))
        return found[:limit]

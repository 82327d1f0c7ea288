"""Finding glossary terms in unsegmented Chinese text.

Longest match, non-overlapping, left to right, over text normalised by
:func:`termbase.normalize.normalize_zh` (Traditional and full-width forms match), with spans
reported in the original text. A match that cuts through a word of the segmenter (an isolated
jieba tokenizer with the glossary terms added to its dictionary) is rejected: 平台 is not found
inside 和平|台上.
"""
from __future__ import annotations

import bisect
from dataclasses import dataclass
from functools import lru_cache
from typing import Dict, Iterable, List, Optional, Sequence, Tuple

from .glossary import Entry, Glossary
from .normalize import is_cjk, normalize_many, normalize_zh

_WINDOW = 8  # characters of context segmented on each side of a candidate match


@dataclass(frozen=True)
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
    """1-based line and column of ``offset`` in ``text``."""
    line = text.count("\n", 0, offset) + 1
    col = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return line, col


class ZhMatcher:
    """A reusable matcher for the Chinese side of a glossary."""

    def __init__(self, glossary: Iterable[Entry], *, boundary_check: bool = True):
        import ahocorasick

        self.boundary_check = boundary_check
        self._automaton = ahocorasick.Automaton()
        self._variants: Dict[str, Tuple[str, Entry]] = {}
        pairs = [(variant, entry) for entry in glossary for variant in entry.zh]
        keys = normalize_many([v for v, _ in pairs])
        for key, (variant, entry) in zip(keys, pairs):
            if key and key not in self._variants:
                self._variants[key] = (variant, entry)
                self._automaton.add_word(key, len(key))
        self._empty = not self._variants
        if not self._empty:
            self._automaton.make_automaton()
        self._tokenizer = None
        self._cut_cache: Dict[str, List[Tuple[int, int]]] = {}

    def find(self, text: str) -> List[TermMatch]:
        """Every glossary term in ``text`` (longest first, non-overlapping, in text order)."""
        if self._empty or not text:
            return []
        norm = normalize_zh(text)
        candidates: Dict[int, List[int]] = {}
        for end_idx, length in self._automaton.iter(norm):
            candidates.setdefault(end_idx + 1 - length, []).append(length)
        matches: List[TermMatch] = []
        pos = 0
        for start in sorted(candidates):
            if start < pos:
                continue
            for length in sorted(candidates[start], reverse=True):
                end = start + length
                if not self._at_latin_boundary(norm, start, end):
                    continue
                if self.boundary_check and self._cuts_word(norm, start, end):
                    continue
                variant, entry = self._variants[norm[start:end]]
                matches.append(TermMatch(start, end, text[start:end], variant, entry))
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

    def _cuts_word(self, norm: str, start: int, end: int) -> bool:
        """True when a segmenter word partly overlaps ``[start, end)`` (neither inside nor around it)."""
        if not any(is_cjk(c) for c in norm[start:end]):
            return False
        lo = start
        while lo > 0 and start - lo < _WINDOW and is_cjk(norm[lo - 1]):
            lo -= 1
        hi = end
        while hi < len(norm) and hi - end < _WINDOW and is_cjk(norm[hi]):
            hi += 1
        window = norm[lo:hi]
        spans = self._cut(window)
        s, e = start - lo, end - lo
        for ws, we in spans:
            if we <= s or ws >= e:
                continue
            inside = s <= ws and we <= e
            around = ws <= s and e <= we
            if not inside and not around:
                # words at the window's own edges may be artefacts of the cut window
                if (ws == 0 and lo > 0) or (we == len(window) and hi < len(norm)):
                    continue
                return True
        return False

    def _cut(self, window: str) -> List[Tuple[int, int]]:
        spans = self._cut_cache.get(window)
        if spans is None:
            spans = []
            pos = 0
            for word in self._segmenter().cut(window, HMM=False):
                spans.append((pos, pos + len(word)))
                pos += len(word)
            if len(self._cut_cache) > 50000:
                self._cut_cache.clear()
            self._cut_cache[window] = spans
        return spans

    def _segmenter(self):
        if self._tokenizer is None:
            self._tokenizer = _tokenizer_for(tuple(sorted(self._variants)))
        return self._tokenizer


@lru_cache(maxsize=4)
def _tokenizer_for(words: Tuple[str, ...]):
    from .segmenter import new_tokenizer

    return new_tokenizer(w for w in words if any(is_cjk(c) for c in w) and " " not in w)


def find_terms(text: str, glossary: Glossary, *, boundary_check: bool = True) -> List[TermMatch]:
    """Every glossary term in ``text``; see :class:`ZhMatcher`."""
    return matcher_for(glossary, boundary_check=boundary_check).find(text)


_MATCHERS: Dict[Tuple[int, bool], Tuple[Glossary, ZhMatcher]] = {}


def matcher_for(glossary: Glossary, *, boundary_check: bool = True) -> ZhMatcher:
    """A cached :class:`ZhMatcher` for ``glossary``."""
    key = (id(glossary), boundary_check)
    hit = _MATCHERS.get(key)
    if hit is None or hit[0] is not glossary:
        hit = (glossary, ZhMatcher(glossary, boundary_check=boundary_check))
        _MATCHERS[key] = hit
    return hit[1]

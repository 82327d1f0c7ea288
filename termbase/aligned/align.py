"""Aligning two documents whose paragraph counts differ: length-based, with anchors.

A dynamic programme in the manner of Gale & Church (1993) over the two paragraph lists, with
beads 1–1, 1–0, 0–1, 2–1, 1–2 and 2–2. A bead's cost is the improbability of its length ratio
(the English length expected from the Chinese length with the ratio of the two whole documents,
its variance growing with the length) plus the bead's prior, minus what its **anchors** share:
numbers (digits, separators dropped), Latin runs inside the Chinese (GDP, TALK IN) found in the
English, glossary terms whose approved rendering is in the English, and a Markdown heading on
both sides; anchors present on one side only cost a little. Only a band around the diagonal is
searched (wide enough for the difference in counts), so long documents align quickly.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Dict, FrozenSet, List, Optional, Sequence, Set, Tuple

from ..normalize import is_cjk

#: -log prior of each bead kind (Gale & Church's, with gaps made likelier: the documents
#: are known to differ in paragraph count)
_PRIOR = {(1, 1): -math.log(0.89), (1, 0): -math.log(0.04), (0, 1): -math.log(0.04),
          (2, 1): -math.log(0.005), (1, 2): -math.log(0.005), (2, 2): -math.log(0.001)}
#: variance of the English length per Chinese-length unit, relative to the squared ratio
_VARIANCE = 2.5
_ANCHOR_BONUS = 2.5
_ANCHOR_MISS = 1.5
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
_LATIN = re.compile(r"[A-Za-z][A-Za-z0-9&.\-]*(?:\s+[A-Za-z][A-Za-z0-9&.\-]*)*")


@dataclass(frozen=True)
class Bead:
    """Source paragraph indices aligned with target paragraph indices (either may be empty)."""

    source: Tuple[int, ...]
    target: Tuple[int, ...]


def zh_length(text: str) -> int:
    """Length of a Chinese paragraph: its non-space characters (Latin words count as in English
    divided by the ratio later, which is close enough for alignment)."""
    return sum(1 for c in text if not c.isspace())


def en_length(text: str) -> int:
    return sum(1 for c in text if not c.isspace())


def _numbers(text: str) -> Set[str]:
    return {m.group().replace(",", "") for m in _NUMBER.finditer(text)}


def anchors_zh(text: str) -> Set[str]:
    """Numbers and Latin runs of a Chinese paragraph."""
    out = {"#" + n for n in _numbers(text)}
    if any(is_cjk(c) for c in text):
        for m in _LATIN.finditer(text):
            run = m.group().strip(" .-").lower()
            if len(run) >= 2 and not run.isdigit():
                out.add("@" + run)
    return out


def anchors_en(text: str, candidates: Set[str]) -> Set[str]:
    """The anchors of an English paragraph among ``candidates`` (numbers always)."""
    out = {"#" + n for n in _numbers(text)}
    low = " " + re.sub(r"\s+", " ", text.lower()) + " "
    for c in candidates:
        if c.startswith("@") and c[1:] in low:
            out.add(c)
    return out


def _normal_sf(z: float) -> float:
    """Two-sided tail probability of a standard normal deviate."""
    return max(math.erfc(abs(z) / math.sqrt(2.0)), 1e-12)


def align_paragraphs(source: Sequence[str], target: Sequence[str], *,
                     source_anchors: Optional[Sequence[FrozenSet[str]]] = None,
                     target_anchors: Optional[Sequence[FrozenSet[str]]] = None,
                     band: Optional[int] = None) -> List[Bead]:
    """The least-cost alignment of ``source`` (Chinese) and ``target`` (English) paragraphs.

    ``source_anchors``/``target_anchors`` (one set per paragraph, e.g. from
    :func:`paragraph_anchors`) pull paragraphs that share them together.
    """
    n, m = len(source), len(target)
    sa = source_anchors or [frozenset()] * n
    ta = target_anchors or [frozenset()] * m
    zl = [zh_length(t) for t in source]
    el = [en_length(t) for t in target]
    ratio = (sum(el) / sum(zl)) if sum(zl) and sum(el) else 1.0
    width = band if band is not None else max(30, 3 * abs(n - m) + 10)

    def in_band(i: int, j: int) -> bool:
        expected = i * m / n if n else 0
        return abs(j - expected) <= width + abs(n - m)

    def cost(si: Tuple[int, ...], tj: Tuple[int, ...]) -> float:
        kind = (len(si), len(tj))
        c = _PRIOR[kind]
        if not si or not tj:
            return c
        lz = sum(zl[i] for i in si)
        le = sum(el[j] for j in tj)
        z = (le - ratio * lz) / math.sqrt(_VARIANCE * ratio * ratio * (lz + 1))
        c += -math.log(_normal_sf(z))
        a: Set[str] = set().union(*(sa[i] for i in si))
        b: Set[str] = set().union(*(ta[j] for j in tj))
        if a or b:
            shared = len(a & b)
            c -= _ANCHOR_BONUS * min(shared, 4)
            c += _ANCHOR_MISS * min(len(a ^ b), 3)
        return c

    inf = float("inf")
    best: Dict[Tuple[int, int], Tuple[float, Tuple[int, int]]] = {(0, 0): (0.0, (0, 0))}
    for i in range(n + 1):
        for j in range(m + 1):
            if (i, j) == (0, 0) or not in_band(i, j):
                continue
            top = (inf, (0, 0))
            for di, dj in _PRIOR:
                pi, pj = i - di, j - dj
                if pi < 0 or pj < 0:
                    continue
                prev = best.get((pi, pj))
                if prev is None:
                    continue
                c = prev[0] + cost(tuple(range(pi, i)), tuple(range(pj, j)))
                if c < top[0]:
                    top = (c, (pi, pj))
            if top[0] < inf:
                best[(i, j)] = top
    if (n, m) not in best:  # the band was too narrow for these documents: search everything
        return align_paragraphs(source, target, source_anchors=source_anchors,
                                target_anchors=target_anchors, band=max(n, m) + 1)
    beads: List[Bead] = []
    i, j = n, m
    while (i, j) != (0, 0):
        _, (pi, pj) = best[(i, j)]
        beads.append(Bead(tuple(range(pi, i)), tuple(range(pj, j))))
        i, j = pi, pj
    beads.reverse()
    return beads


def paragraph_anchors(source: Sequence[str], target: Sequence[str], glossary=None,
                      *, headings: Optional[Tuple[Sequence[bool], Sequence[bool]]] = None
                      ) -> Tuple[List[FrozenSet[str]], List[FrozenSet[str]]]:
    """Anchor sets of each paragraph: numbers, Latin runs, glossary terms (``glossary``
    given: a term in a Chinese paragraph and an approved rendering of it in an English one)
    and headings (``headings``: a flag per paragraph of each side)."""
    src = [anchors_zh(t) for t in source]
    latin = set().union(*src) if src else set()
    tgt = [anchors_en(t, latin) for t in target]
    if glossary is not None and len(glossary):
        from ..en_match import APPROVED, EnMatcher
        from ..zh_match import matcher_for

        zh = matcher_for(glossary)
        found: Dict[int, object] = {}
        for k, text in enumerate(source):
            for t in zh.find(text):
                src[k].add(f"t{id(t.entry)}")
                found[id(t.entry)] = t.entry
        if found:
            en = EnMatcher.for_glossary(found.values(), forbidden=False)
            for k, text in enumerate(target):
                for x in en.find_all(text):
                    if x.kind == APPROVED and x.entry is not None:
                        tgt[k].add(f"t{id(x.entry)}")
    if headings is not None:
        for k, h in enumerate(headings[0]):
            if h:
                src[k].add("^heading")
        for k, h in enumerate(headings[1]):
            if h:
                tgt[k].add("^heading")
    return [frozenset(a) for a in src], [frozenset(a) for a in tgt]


__all__ = ["Bead", "align_paragraphs", "anchors_en", "anchors_zh", "paragraph_anchors"]

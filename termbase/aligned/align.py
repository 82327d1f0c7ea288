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
    """Numbers of an English paragraph, and the Latin-run anchors among ``candidates`` (``@…``)
    found in it."""
    out = {"#" + n for n in _numbers(text)}
    low = " " + re.sub(r"\s+", " ", text.lower()) + " "
    for c in candidates:
        if c[1:] in low:
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
    sa = list(source_anchors or [frozenset()] * n)
    ta = list(target_anchors or [frozenset()] * m)
    zl = [zh_length(t) for t in source]
    el = [en_length(t) for t in target]
    zs, es = [0], [0]  # prefix sums of the lengths
    for x in zl:
        zs.append(zs[-1] + x)
    for x in el:
        es.append(es[-1] + x)
    ratio = (es[-1] / zs[-1]) if zs[-1] and es[-1] else 1.0
    width = band if band is not None else max(30, 3 * abs(n - m) + 10)
    spread = _VARIANCE * ratio * ratio
    log, sqrt, erfc = math.log, math.sqrt, math.erfc
    priors = list(_PRIOR.items())

    def cost(pi: int, i: int, pj: int, j: int, prior: float) -> float:
        if pi == i or pj == j:
            return prior
        lz = zs[i] - zs[pi]
        z = (es[j] - es[pj] - ratio * lz) / sqrt(spread * (lz + 1))
        c = prior - log(max(erfc(abs(z) / 1.4142135623730951), 1e-12))
        a = sa[pi] if i - pi == 1 else sa[pi].union(*sa[pi + 1:i])
        b = ta[pj] if j - pj == 1 else ta[pj].union(*ta[pj + 1:j])
        if a or b:
            shared = len(a & b)
            c -= _ANCHOR_BONUS * (shared if shared < 4 else 4)
            miss = len(a) + len(b) - 2 * shared
            c += _ANCHOR_MISS * (miss if miss < 3 else 3)
        return c

    inf = float("inf")
    cols = m + 1
    best: Dict[int, float] = {0: 0.0}
    back: Dict[int, int] = {}
    slack = width + abs(n - m)
    for i in range(n + 1):
        centre = i * m / n if n else 0
        lo_j = max(0, int(centre - slack))
        hi_j = min(m, int(centre + slack) + 1)
        for j in range(lo_j, hi_j + 1):
            if i == 0 and j == 0:
                continue
            top, arg = inf, -1
            for (di, dj), prior in priors:
                pi, pj = i - di, j - dj
                if pi < 0 or pj < 0:
                    continue
                prev = best.get(pi * cols + pj)
                if prev is None:
                    continue
                c = prev + cost(pi, i, pj, j, prior)
                if c < top:
                    top, arg = c, pi * cols + pj
            if arg >= 0:
                best[i * cols + j] = top
                back[i * cols + j] = arg
    if n * cols + m not in best:  # the band was too narrow for these documents: search everything
        return align_paragraphs(source, target, source_anchors=source_anchors,
                                target_anchors=target_anchors, band=max(n, m) + 1)
    beads: List[Bead] = []
    key = n * cols + m
    while key != 0:
        prev = back[key]
        i, j = divmod(key, cols)
        pi, pj = divmod(prev, cols)
        beads.append(Bead(tuple(range(pi, i)), tuple(range(pj, j))))
        key = prev
    beads.reverse()
    return beads


def paragraph_anchors(source: Sequence[str], target: Sequence[str], glossary=None,
                      *, headings: Optional[Tuple[Sequence[bool], Sequence[bool]]] = None
                      ) -> Tuple[List[FrozenSet[str]], List[FrozenSet[str]]]:
    """Anchor sets of each paragraph: numbers, Latin runs, glossary terms (``glossary``
    given: a term in a Chinese paragraph and an approved rendering of it in an English one)
    and headings (``headings``: a flag per paragraph of each side)."""
    src = [anchors_zh(t) for t in source]
    latin = {a for anchors in src for a in anchors if a.startswith("@")}
    tgt = [anchors_en(t, latin) for t in target]
    if glossary is not None and len(glossary):
        from ..compiled import is_compiled
        from ..en_match import APPROVED, EnMatcher
        from ..zh_match import matcher_for

        # a compiled termbase decodes only what these texts need
        zh = glossary.zh_matcher() if is_compiled(glossary) else matcher_for(glossary)
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

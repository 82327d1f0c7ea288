"""Candidate glossary pairs from aligned bilingual documents.

For every aligned segment pair (:func:`termbase.aligned.read_aligned`):

* Chinese candidates: titles and names in 《》“”「」『』, and jieba n-grams (1-4 words inside a
  clause) that look like terms (start with a noun-like word, end with a noun);
* English candidates: quoted titles (“…”, "…") and capitalised n-grams ("Foreign Affairs of
  Chongqing Municipal Government"), a lone capitalised word only when it is not just the first
  word of a sentence;
* the two lists are aligned in order (monotone dynamic programming) with a score for each pair:
  relative position in the segment, quoted with quoted, length in proportion to the segment
  pair, and glossary anchors (a known term inside the Chinese candidate whose approved English is
  inside the English candidate counts for the pair; one on one side only counts against it).

Pairs are then scored over the whole document: mean alignment score × Dice co-occurrence over
segments × a frequency bonus, then linked one-to-one (best first). Pairs whose Chinese or English
is already in the glossary are left out. :func:`candidates_csv` writes the termtrans glossary
layout, ready for ``termtrans terms import --merge`` after review.
"""
from __future__ import annotations

import csv
import io
import math
import re
from collections import defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Dict, Iterable, List, Optional, Sequence, Set, Tuple

from .glossary import COLUMNS, Glossary
from .normalize import has_cjk, normalize_zh

_ZH_QUOTES = re.compile(r"“([^“”\n]{1,40})”|《([^《》\n]{1,40})》|「([^「」\n]{1,40})」|"
                        r"『([^『』\n]{1,40})』|\"([^\"\n]{1,40})\"")
_EN_QUOTES = re.compile(r"“([^“”\n]{2,120})”|\"([^\"\n]{2,120})\"|«([^«»\n]{2,120})»")
_EN_WORD = re.compile(r"[A-Za-z][A-Za-z'’\-]*|\d+(?:\.\d+)?[A-Za-z]*")
_EN_BREAK = re.compile(r"[.,;:!?()\[\]“”\"«»/]|\s{2,}|\n")
_FUNCTION = {"of", "the", "and", "for", "de", "&"}  # may join capitalised words in a name
_DETERMINERS = {"The", "A", "An", "This", "These", "That", "Those", "Its", "Our", "Their"}
_HONORIFICS = {"Mr", "Mrs", "Ms", "Dr", "Mr.", "Prof"}
_PROPER = ("nr", "ns", "nt", "nz", "j")
_COMMON_FREQ = 300  # single jieba words more frequent than this are common words, not terms
_ZH_FIRST_OK = ("n", "j", "b", "vn", "s", "a", "nz", "eng")
_ZH_LAST_OK = ("n", "j", "l", "i")
_ZH_CLAUSE = re.compile(r"[^\u3000-\u303f\uff00-\uffef,.;:!?()\s“”《》「」『』、]+")
_STOP_ZH = {"的", "了", "和", "与", "等", "在", "及", "以及", "对", "为", "是", "将", "各", "其",
            "中", "并", "或", "之", "把", "被", "向", "从", "由"}


@dataclass(frozen=True)
class Span:
    """A candidate inside one segment side: ``text[start:end]``."""

    text: str
    start: int
    end: int
    quoted: bool
    proper: bool = False  # a single jieba word tagged as a name (nr, ns, nt, nz)
    pos: str = ""


@dataclass
class Candidate:
    """A proposed glossary pair with its evidence."""

    zh: str
    en: str
    score: float
    aligned: int  # segment pairs where the two were aligned
    zh_count: int  # segment pairs whose Chinese contains zh
    en_count: int  # segment pairs whose English contains en
    locations: List[str] = field(default_factory=list)

    @property
    def frequency(self) -> int:
        return self.aligned


@lru_cache(maxsize=1)
def _pos_tokenizer():
    import logging

    import jieba
    import jieba.posseg

    jieba.setLogLevel(logging.WARNING)
    return jieba.posseg.POSTokenizer(jieba.Tokenizer())


def zh_candidates(text: str) -> List[Span]:
    """Quoted/bracketed titles and term-like jieba n-grams of a Chinese segment."""
    out: List[Span] = []
    seen: Set[Tuple[int, int]] = set()
    for m in _ZH_QUOTES.finditer(text):
        g = next(i for i in range(1, 6) if m.group(i) is not None)
        inner = m.group(g).strip()
        if inner and has_cjk(inner):
            start = m.start(g)
            out.append(Span(inner, start, start + len(m.group(g)), True))
            seen.add((start, start + len(m.group(g))))
    tok = _pos_tokenizer()
    for clause in _ZH_CLAUSE.finditer(text):
        words: List[Tuple[str, str, int]] = []
        pos = clause.start()
        for w, flag in tok.lcut(clause.group()):
            words.append((w, flag, pos))
            pos += len(w)
        for i in range(len(words)):
            for j in range(i, min(i + 4, len(words))):
                chunk = words[i:j + 1]
                surface = "".join(w for w, _, _ in chunk)
                if not 2 <= len(surface) <= 12 or not has_cjk(surface):
                    continue
                first, last = chunk[0], chunk[-1]
                if first[0] in _STOP_ZH or last[0] in _STOP_ZH:
                    continue
                if not first[1].startswith(_ZH_FIRST_OK) or not last[1].startswith(_ZH_LAST_OK):
                    continue
                if any(f.startswith(("u", "p", "c", "x")) for _, f, _ in chunk):
                    continue
                proper = len(chunk) == 1 and first[1].startswith(_PROPER)
                if len(chunk) == 1 and not proper and (
                        tok.tokenizer.FREQ.get(surface) or 0) > _COMMON_FREQ:
                    continue
                span = (first[2], first[2] + len(surface))
                if span not in seen:
                    seen.add(span)
                    out.append(Span(surface, span[0], span[1], False, proper,
                                    first[1] if len(chunk) == 1 else ""))
    return sorted(out, key=lambda s: (s.start, s.end))


def _sentence_initial(text: str, start: int) -> bool:
    before = text[:start].rstrip()
    return not before or before[-1] in ".!?:\n“\"" or before.endswith(("”",))


def en_candidates(text: str) -> List[Span]:
    """Quoted titles and capitalised n-grams of an English segment."""
    out: List[Span] = []
    quoted: List[Tuple[int, int]] = []
    for m in _EN_QUOTES.finditer(text):
        g = next(i for i in range(1, 4) if m.group(i) is not None)
        inner = m.group(g)
        if re.search(r"[A-Za-z]{2,}", inner):
            stripped = inner.strip(" ,")
            start = m.start(g) + inner.find(stripped)
            out.append(Span(stripped, start, start + len(stripped), True))
            quoted.append((m.start(), m.end()))
    mid_sentence_caps: Set[str] = set()
    words = list(_EN_WORD.finditer(text))
    for w in words:
        if w.group()[0].isupper() and not _sentence_initial(text, w.start()):
            mid_sentence_caps.add(w.group())
    run: List[re.Match] = []

    def flush() -> None:
        while run and run[-1].group().lower() in _FUNCTION:
            run.pop()
        if not run:
            return
        s, e = run[0].start(), run[-1].end()
        if any(qs <= s < qe for qs, qe in quoted):
            run.clear()
            return
        run[:] = [w for w in run if w.group() not in _HONORIFICS]
        while len(run) > 1 and run[0].group() in _DETERMINERS:
            run.pop(0)
        while run and _sentence_initial(text, run[0].start()) and \
                run[0].group() not in mid_sentence_caps and len(run) > 1 and \
                not run[1].group()[0].isupper():
            run.pop(0)
            while run and (run[0].group().lower() in _FUNCTION or run[0].group().isdigit()):
                run.pop(0)
        if not run:
            return
        s, e = run[0].start(), run[-1].end()
        surface = text[s:e]
        single = len(run) == 1
        if single and (len(surface) < 2 or (_sentence_initial(text, s)
                                             and surface not in mid_sentence_caps)):
            run.clear()
            return
        if not surface.isdigit():
            out.append(Span(surface, s, e, False))
        run.clear()

    prev_end = 0
    for w in words:
        gap = text[prev_end:w.start()]
        word = w.group()
        capital = word[0].isupper() or (word[0].isdigit() and bool(run)) or bool(
            re.fullmatch(r"\d+(st|nd|rd|th)", word))
        if run and (_EN_BREAK.search(gap) or gap.count(" ") > 1):
            flush()
        if capital:
            run.append(w)
        elif run and word.lower() in _FUNCTION:
            run.append(w)
        else:
            flush()
        prev_end = w.end()
    flush()
    return sorted(out, key=lambda s: (s.start, s.end))


class _Anchors:
    """Glossary terms found in one segment pair, to check candidate pairs against."""

    def __init__(self, glossary: Optional[Glossary], zh: str, en: str):
        self.zh: List[Tuple[int, int, int]] = []
        self.en: List[Tuple[int, int, int]] = []
        if glossary is None or not len(glossary):
            return
        from .en_match import EnMatcher
        from .zh_match import find_terms

        for m in find_terms(zh, glossary, boundary_check=False):
            if len(m.matched) >= 2:
                self.zh.append((m.start, m.end, id(m.entry)))
        for m in _en_matcher(glossary).find_all(en):
            if m.entry is not None:
                self.en.append((m.start, m.end, id(m.entry)))

    def inside(self, spans: List[Tuple[int, int, int]], s: Span) -> Set[int]:
        return {e for a, b, e in spans if a >= s.start and b <= s.end}

    def cut(self, spans: List[Tuple[int, int, int]], s: Span) -> int:
        """How many known terms the span cuts through (overlaps without containing)."""
        return sum(1 for a, b, _ in spans
                   if a < s.end and b > s.start and not (a >= s.start and b <= s.end)
                   and not (s.start >= a and s.end <= b))


_MATCHERS: Dict[int, object] = {}


def _en_matcher(glossary: Glossary):
    from .en_match import EnMatcher

    key = id(glossary)
    if key not in _MATCHERS:
        _MATCHERS.clear()
        _MATCHERS[key] = EnMatcher.for_glossary(glossary, approved=True, forbidden=False)
    return _MATCHERS[key]


def _known_en(glossary: Glossary) -> Set[str]:
    return {r.casefold() for entry in glossary for r in entry.en}


def pair_score(z: Span, e: Span, zh_len: int, en_len: int, anchors: _Anchors) -> float:
    """How plausible it is that ``z`` translates ``e`` in this segment pair (> 0 to align)."""
    pz = (z.start + z.end) / 2 / max(zh_len, 1)
    pe = (e.start + e.end) / 2 / max(en_len, 1)
    score = 1.0 - 2.5 * abs(pz - pe)
    if z.quoted and e.quoted:
        score += 1.0
    elif z.proper and z.pos.startswith(("nz", "nt", "ns")) and not e.quoted:
        score += 0.5
    elif z.quoted != e.quoted:
        score -= 1.0
    ratio = (len(e.text) / max(len(z.text), 1)) / (en_len / max(zh_len, 1))
    score -= 0.6 * max(0.0, abs(math.log(ratio)) - 0.5)
    az, ae = anchors.inside(anchors.zh, z), anchors.inside(anchors.en, e)
    score += 0.8 * len(az & ae) - 1.5 * len(az ^ ae)
    score -= 1.0 * (anchors.cut(anchors.zh, z) + anchors.cut(anchors.en, e))
    return score


def align_segment(zh: str, en: str, glossary: Optional[Glossary] = None
                  ) -> List[Tuple[Span, Span, float]]:
    """The best order-preserving set of (Chinese, English, score) candidate pairs."""
    zs, es = zh_candidates(zh), en_candidates(en)
    if glossary is not None:  # known terms are anchors, not candidates
        known_en = _known_en(glossary)
        zs = [z for z in zs if glossary.get(z.text) is None]
        es = [e for e in es if e.text.casefold() not in known_en]
    if not zs or not es:
        return []
    anchors = _Anchors(glossary, zh, en)
    n, m = len(zs), len(es)
    scores = [[pair_score(z, e, len(zh), len(en), anchors) for e in es] for z in zs]
    # best[i][j]: best total using zh candidates ending before zs[i].start… simple O(n²m) DP:
    # f[i][j] = best alignment whose last pair is (zs[i], es[j]).
    f = [[-1.0] * m for _ in range(n)]
    back: List[List[Optional[Tuple[int, int]]]] = [[None] * m for _ in range(n)]
    for i in range(n):
        for j in range(m):
            s = scores[i][j]
            if s <= 0:
                continue
            best, arg = 0.0, None
            for pi in range(i):
                if zs[pi].end > zs[i].start:
                    continue
                for pj in range(j):
                    if f[pi][pj] > best:
                        best, arg = f[pi][pj], (pi, pj)
            f[i][j] = best + s
            back[i][j] = arg
    top, cell = 0.0, None
    for i in range(n):
        for j in range(m):
            if f[i][j] > top:
                top, cell = f[i][j], (i, j)
    out: List[Tuple[Span, Span, float]] = []
    while cell is not None:
        i, j = cell
        out.append((zs[i], es[j], scores[i][j]))
        cell = back[i][j]
    return out[::-1]


def extract_candidates(pairs: Iterable, glossary: Optional[Glossary] = None, *,
                       min_score: float = 0.0) -> List[Candidate]:
    """Ranked candidate pairs from aligned :class:`~termbase.aligned.SegmentPair` objects,
    leaving out pairs whose Chinese or English is already in ``glossary``."""
    segments = []
    seen_pairs = set()
    for p in pairs:
        if not p.source.strip() or not p.target.strip():
            continue
        key = (p.source.strip(), p.target.strip())
        if key in seen_pairs:
            continue  # repeated running headers count once
        seen_pairs.add(key)
        segments.append(p)
    aligned: Dict[Tuple[str, str], List[float]] = defaultdict(list)
    where: Dict[Tuple[str, str], List[str]] = defaultdict(list)
    for p in segments:
        for z, e, s in align_segment(p.source, p.target, glossary):
            aligned[(z.text, e.text)].append(s)
            where[(z.text, e.text)].append(p.location or f"segment {p.index}")
    known_en = _known_en(glossary) if glossary is not None else set()
    out: List[Candidate] = []
    for (zh, en), scores in aligned.items():
        if glossary is not None and (glossary.get(zh) is not None or en.casefold() in known_en):
            continue
        zc = sum(zh in p.source for p in segments)
        ec = sum(en.casefold() in p.target.casefold() for p in segments)
        dice = 2 * len(scores) / max(zc + ec, 1)
        score = (sum(scores) / len(scores)) * dice * (1 + math.log(len(scores)))
        if score > min_score:
            out.append(Candidate(zh, en, round(score, 3), len(scores), zc, ec, where[(zh, en)]))
    out.sort(key=lambda c: (-c.score, -c.aligned, c.zh, c.en))
    linked: List[Candidate] = []
    used_zh: Set[str] = set()
    used_en: Set[str] = set()
    for c in out:
        if normalize_zh(c.zh) in used_zh or c.en.casefold() in used_en:
            continue
        used_zh.add(normalize_zh(c.zh))
        used_en.add(c.en.casefold())
        linked.append(c)
    return linked


def candidates_csv(candidates: Sequence[Candidate], source: str = "") -> str:
    """Candidates in the termtrans glossary layout (note: score and counts; source: where)."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(COLUMNS)
    for c in candidates:
        note = (f"candidate: score {c.score:.2f}, aligned {c.aligned}x, zh in {c.zh_count}, "
                f"en in {c.en_count} segment(s)")
        where = f"extracted from {source}" if source else "extracted"
        if c.locations:
            where += f" ({c.locations[0]})"
        w.writerow([c.zh, c.en, "", "no", note, where])
    return buf.getvalue()

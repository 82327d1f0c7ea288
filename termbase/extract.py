"""Candidate glossary pairs from aligned bilingual documents.

For every aligned segment pair (:func:`termbase.aligned.read_aligned`):

* Chinese candidates: titles and names in 《》“”「」『』, and jieba n-grams (1-4 words inside a
  clause) that look like terms (start with a noun-like word, end with a noun or an institution
  suffix such as 网, 社, 号). Every candidate starts and ends on a word boundary of a plain jieba
  tokenizer over the clause, consecutive name tokens (施 + 雅德) are one name, and fragments of a
  known glossary term are dropped;
* English candidates: quoted titles (“…”, "…") and capitalised n-grams ("Foreign Affairs of
  Chongqing Municipal Government"), a lone capitalised word only when it is not just the first
  word of a sentence; a PDF-mangled possessive ("Chinas") is read as the word it extends when that
  word occurs too;
* headline segment pairs (no sentence punctuation, English in title case) pair their parts in
  order: space-separated Chinese parts with the English capitalised stretches, or the whole heading;
* the other candidates are scored pairwise (:func:`pair_score`: relative position, quoted with
  quoted, a length prior of English words per Chinese character, person names with capitalised
  name runs, institution suffixes 网/社/报/大赛/号… with Net/Agency/Daily/Contest/Account…, and
  glossary anchors: a known term on both sides supports the pair, on one side only counts against
  it) and linked one-to-one, best first, inside the segment pair.

Pairs are then scored over the whole document: mean pair score × Dice co-occurrence over segments ×
a frequency bonus, kept above ``min_score`` and linked one-to-one (best first); a Chinese candidate
inside a better one with the same English is dropped. Pairs whose Chinese or English is already in
the glossary are left out. :func:`candidates_csv` writes the termtrans glossary layout, ready for
``termtrans terms import --merge`` after review.
"""
from __future__ import annotations

import csv
import io
import math
import re
from collections import defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Callable, Dict, FrozenSet, Iterable, List, Optional, Sequence, Set, Tuple

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
_ZH_SENTENCE = re.compile(r"[，,。；;！!？?：:、]")
_STOP_ZH = {"的", "了", "和", "与", "等", "在", "及", "以及", "对", "为", "是", "将", "各", "其",
            "中", "并", "或", "之", "把", "被", "向", "从", "由"}

# Institution suffixes and the English head words that render them (generic name-type cue).
_INSTITUTIONS: Tuple[Tuple[Tuple[str, ...], FrozenSet[str]], ...] = tuple(
    (zh, frozenset(en.split())) for zh, en in (
        (("网", "网站"), "net newsnet web website online network com"),
        (("社", "通讯社", "出版社"), "agency press society club"),
        (("报", "日报", "晚报", "时报", "周报"),
         "daily news times post herald pao journal gazette paper tribune weekly"),
        (("大赛", "比赛", "竞赛", "赛"), "contest competition championship cup tournament"),
        (("号", "公众号", "账号"), "account"),
        (("中心",), "center centre"),
        (("会", "协会", "学会", "商会", "联合会"),
         "association society council chamber federation union"),
        (("委员会", "委"), "commission committee"),
        (("大会", "会议", "论坛"), "conference congress forum summit meeting"),
        (("馆", "博物馆", "图书馆", "使馆", "领馆"),
         "museum hall library consulate embassy gallery"),
        (("大学", "学院", "学校"), "university college institute academy school"),
        (("政府",), "government"),
        (("部",), "ministry department"),
        (("局",), "bureau administration"),
        (("办", "办公室"), "office"),
        (("台", "电视台", "电台"), "station tv television radio"),
        (("公司", "集团"), "company corporation group co ltd inc"),
        (("医院",), "hospital"),
        (("银行",), "bank"),
        (("园", "公园"), "park garden gardens"),
    ))
_SUFFIX_CHARS = {z for zh, _ in _INSTITUTIONS for z in zh if len(z) == 1}
_INSTITUTION_HEADS = frozenset().union(*(en for _, en in _INSTITUTIONS))


MIN_SCORE = 0.8  # document score below which a pair is too weak to propose


@dataclass(frozen=True)
class Span:
    """A candidate inside one segment side: ``text[start:end]``.

    ``kind``: ``quoted`` (a title in quotes or brackets), ``heading`` (a part of a heading
    segment), ``name`` (Chinese person name / English run of capitalised words only) or ``ngram``.
    """

    text: str
    start: int
    end: int
    quoted: bool
    proper: bool = False  # a single jieba word tagged as a name (nr, ns, nt, nz)
    pos: str = ""
    kind: str = "ngram"
    named: bool = False  # a Chinese candidate with a proper-name or foreign word in it


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
    import jieba.posseg

    from .segmenter import new_tokenizer

    return jieba.posseg.POSTokenizer(new_tokenizer())


def _boundaries(text: str) -> Set[int]:
    """Word boundaries of the plain (isolated) jieba tokenizer over ``text``."""
    out, pos = {0}, 0
    for w in _pos_tokenizer().tokenizer.lcut(text):
        pos += len(w)
        out.add(pos)
    return out


def _tagged_words(clause: str) -> List[Tuple[str, str]]:
    """jieba words with POS tags; consecutive person-name tokens (施 + 雅德) become one name."""
    out: List[Tuple[str, str]] = []
    for w, flag in _pos_tokenizer().lcut(clause):
        if out and flag.startswith("nr") and out[-1][1].startswith("nr") and \
                len(out[-1][0]) + len(w) <= 4 and (len(w) == 1 or len(out[-1][0]) == 1):
            out[-1] = (out[-1][0] + w, "nr")
        else:
            out.append((w, flag))
    return out


def zh_candidates(text: str, known: Sequence[Tuple[int, int]] = ()) -> List[Span]:
    """Quoted/bracketed titles and term-like jieba n-grams of a Chinese segment.

    ``known``: spans of glossary terms in ``text``; n-grams inside or across them are dropped.
    """
    out: List[Span] = []
    seen: Set[Tuple[int, int]] = set()
    for m in _ZH_QUOTES.finditer(text):
        g = next(i for i in range(1, 6) if m.group(i) is not None)
        inner = m.group(g).strip()
        if inner and has_cjk(inner):
            start = m.start(g) + m.group(g).find(inner)
            out.append(Span(inner, start, start + len(inner), True, kind="quoted"))
            seen.add((start, start + len(inner)))
    tok = _pos_tokenizer()
    for clause in _ZH_CLAUSE.finditer(text):
        bounds = {clause.start() + b for b in _boundaries(clause.group())}
        words: List[Tuple[str, str, int]] = []
        pos = clause.start()
        for w, flag in _tagged_words(clause.group()):
            words.append((w, flag, pos))
            pos += len(w)
        for i in range(len(words)):
            for j in range(i, min(i + 5, len(words))):
                chunk = words[i:j + 1]
                surface = "".join(w for w, _, _ in chunk)
                if not 2 <= len(surface) <= 12 or not has_cjk(surface):
                    continue
                first, last = chunk[0], chunk[-1]
                start, end = first[2], first[2] + len(surface)
                if start not in bounds or end not in bounds or (start, end) in seen:
                    continue
                if first[0] in _STOP_ZH or last[0] in _STOP_ZH:
                    continue
                suffix = len(chunk) > 1 and last[0] in _SUFFIX_CHARS
                if len(chunk) == 5 and not suffix:
                    continue  # five words only for a name ending in 号, 网, 社…
                if not first[1].startswith(_ZH_FIRST_OK) or not (
                        last[1].startswith(_ZH_LAST_OK) or suffix):
                    continue
                if any(f.startswith(("u", "p", "c", "x", "m")) or (f[:1] == "v" and len(w) == 1)
                       for w, f, _ in chunk[:-1]):
                    continue  # particles, numbers, single-character verbs (驻, 在) break a term
                if any(a < end and b > start and not (start <= a and b <= end)
                       for a, b in known):
                    continue  # a fragment of a known term, or cutting across one
                proper = len(chunk) == 1 and first[1].startswith(_PROPER)
                if len(chunk) == 1 and not proper and (
                        tok.tokenizer.FREQ.get(surface) or 0) > _COMMON_FREQ:
                    continue
                seen.add((start, end))
                kind = "name" if len(chunk) == 1 and first[1].startswith("nr") else "ngram"
                named = any(f.startswith(_PROPER + ("eng",)) for _, f, _ in chunk)
                out.append(Span(surface, start, end, False, proper,
                                first[1] if len(chunk) == 1 else "", kind, named))
    return sorted(out, key=lambda s: (s.start, s.end))


def _sentence_initial(text: str, start: int) -> bool:
    before = text[:start].rstrip()
    return not before or before[-1] in ".!?:\n“\"" or before.endswith(("”",))


def _name_like(words: Sequence[str]) -> bool:
    """Capitalised words only (no of/the/and), as person and brand names are."""
    return 1 <= len(words) <= 4 and all(w[:1].isupper() for w in words)


def en_candidates(text: str, vocabulary: Optional[Set[str]] = None) -> List[Span]:
    """Quoted titles and capitalised n-grams of an English segment.

    A capitalised word ending in ``s`` whose stem is in ``vocabulary`` (capitalised words of the
    document; default: of ``text``) is a possessive that lost its apostrophe ("Chinas" → China).
    """
    out: List[Span] = []
    quoted: List[Tuple[int, int]] = []
    for m in _EN_QUOTES.finditer(text):
        g = next(i for i in range(1, 4) if m.group(i) is not None)
        inner = m.group(g)
        if re.search(r"[A-Za-z]{2,}", inner):
            stripped = inner.strip(" ,")
            start = m.start(g) + inner.find(stripped)
            out.append(Span(stripped, start, start + len(stripped), True, kind="quoted"))
            quoted.append((m.start(), m.end()))
    words = list(_EN_WORD.finditer(text))
    if vocabulary is None:
        vocabulary = {w.group() for w in words if w.group()[:1].isupper()}
    mid_sentence_caps: Set[str] = set()
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
        last = run[-1].group()
        if last.endswith("s") and len(last) > 3 and last[:-1] in vocabulary:
            e -= 1
        surface = text[s:e]
        single = len(run) == 1
        if single and (len(surface) < 2 or (_sentence_initial(text, s)
                                             and surface not in mid_sentence_caps)):
            run.clear()
            return
        if not surface.isdigit():
            kind = "name" if _name_like(surface.split()) else "ngram"
            out.append(Span(surface, s, e, False, kind=kind))
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


def _is_heading(zh: str, en: str) -> bool:
    """A heading pair: short, no sentence punctuation, English mostly capitalised."""
    if len(zh) > 40 or not has_cjk(zh) or _ZH_SENTENCE.search(zh) or re.search(r"[.;!?]", en):
        return False
    content = [w for w in re.findall(r"[A-Za-z][A-Za-z'’\-]*", en) if len(w) > 3]
    return len(content) >= 2 and sum(w[0].isupper() for w in content) >= 0.9 * len(content)


def heading_pairs(zh: str, en: str) -> List[Tuple[Span, Span]]:
    """Parts of a heading pair, in order: space-separated Chinese parts with the English
    stretches between lowercase words (``to``, ``out``…); the whole heading when counts differ."""
    if not _is_heading(zh, en):
        return []
    zparts = [m for m in re.finditer(r"\S+", zh) if has_cjk(m.group()) and len(m.group()) >= 2]
    estretches: List[Tuple[int, int]] = []
    cur: Optional[List[int]] = None
    for w in _EN_WORD.finditer(en):
        word = w.group()
        if word[0].isupper() or word[0].isdigit() or (cur and word.lower() in _FUNCTION):
            if cur is None:
                cur = [w.start(), w.end()]
            else:
                cur[1] = w.end()
        elif cur is not None:
            estretches.append((cur[0], cur[1]))
            cur = None
    if cur is not None:
        estretches.append((cur[0], cur[1]))
    estretches = [(s, e) for s, e in estretches if " " in en[s:e]]
    if len(zparts) > 1 and len(zparts) == len(estretches):
        return [(Span(z.group(), z.start(), z.end(), True, kind="heading"),
                 Span(en[s:e], s, e, True, kind="heading"))
                for z, (s, e) in zip(zparts, estretches)]
    s, e = len(zh) - len(zh.lstrip()), len(zh.rstrip())
    es, ee = len(en) - len(en.lstrip()), len(en.rstrip())
    if ee - es > 120:
        return []
    return [(Span(zh[s:e], s, e, True, kind="heading"), Span(en[es:ee], es, ee, True,
                                                             kind="heading"))]


class _Anchors:
    """Glossary terms found in one segment pair, to check candidate pairs against."""

    def __init__(self, glossary: Optional[Glossary], zh: str, en: str):
        self.zh: List[Tuple[int, int, int]] = []
        self.en: List[Tuple[int, int, int]] = []
        if glossary is None or not len(glossary):
            return
        from .zh_match import matcher_for

        for m in matcher_for(glossary, boundary_check=False).find(zh):
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


def _institution(zh: str) -> Optional[FrozenSet[str]]:
    """English head words for the institution suffix ``zh`` ends with (longest suffix)."""
    best: Tuple[int, Optional[FrozenSet[str]]] = (0, None)
    for suffixes, heads in _INSTITUTIONS:
        for s in suffixes:
            if zh.endswith(s) and len(zh) > len(s) and len(s) > best[0]:
                best = (len(s), heads)
    return best[1]


def _zh_size(text: str) -> float:
    """Chinese characters, a Latin word counting as one and a half."""
    return sum(1 for ch in text if has_cjk(ch)) + 1.5 * len(re.findall(r"[A-Za-z0-9]+", text))


def pair_score(z: Span, e: Span, zh_len: int, en_len: int, anchors: _Anchors,
               expect: Optional[Callable[[float], float]] = None) -> float:
    """How plausible it is that ``z`` translates ``e`` in this segment pair (> 0 to link).

    ``expect`` maps a Chinese offset to the English offset it should translate to (piecewise
    linear between pairs already linked); default: proportional to the segment lengths.
    """
    mid_z, mid_e = (z.start + z.end) / 2, (e.start + e.end) / 2
    if expect is None:
        gap = abs(mid_z / max(zh_len, 1) - mid_e / max(en_len, 1))
    else:
        gap = abs(expect(mid_z) - mid_e) / max(en_len, 1)
    score = 1.0 - 2.5 * gap
    if z.quoted and e.quoted:
        score += 1.0
    elif z.quoted != e.quoted:
        score -= 1.0
    words = e.text.split()
    ratio = len(words) / max(_zh_size(z.text), 1.0)  # ~0.35-1.4 English words per character
    score -= 0.8 * max(0.0, abs(math.log(ratio / 0.7)) - 0.7)
    if z.kind == "name":
        score += 0.6 if e.kind == "name" and 2 <= len(words) <= 4 else -0.4
    elif z.proper and z.pos.startswith(("ns", "nt", "nz")) and e.kind == "name":
        score += 0.3
    heads = _institution(z.text)
    if not z.quoted and not z.named and heads is None and not e.quoted and \
            not anchors.inside(anchors.zh, z):
        score -= 1.0  # common words are not rendered as a capitalised name
    last = words[-1].lower().rstrip("s") if words else ""
    last_heads = {words[-1].lower(), last} if words else set()
    if heads is not None and not z.quoted:
        score += 0.8 if last_heads & heads else (-0.3 if last_heads & _INSTITUTION_HEADS
                                                 else -0.5)
    elif last_heads & _INSTITUTION_HEADS and not e.quoted:
        score -= 0.6
    az, ae = anchors.inside(anchors.zh, z), anchors.inside(anchors.en, e)
    score += 0.8 * len(az & ae) - 1.5 * len(az ^ ae)
    score -= 1.0 * (anchors.cut(anchors.zh, z) + anchors.cut(anchors.en, e))
    return score


def _overlaps(s: Span, used: Iterable[Span]) -> bool:
    return any(s.start < u.end and u.start < s.end for u in used)


def _crosses(z: Span, e: Span, fixed: Iterable[Tuple[Span, Span, float]]) -> bool:
    return any((z.start < fz.start) != (e.start < fe.start) for fz, fe, _ in fixed)


def _link(zs: Sequence[Span], es: Sequence[Span], score, threshold: float,
          used_z: List[Span], used_e: List[Span],
          fixed: Sequence[Tuple[Span, Span, float]] = ()) -> List[Tuple[Span, Span, float]]:
    """Greedy one-to-one linking, best first, never across a ``fixed`` link; then crossing
    links swapped when the swap costs little (translations mostly keep the order of names)."""
    scored = sorted(((score(z, e), i, j) for i, z in enumerate(zs) for j, e in enumerate(es)),
                    key=lambda t: (-t[0], t[1], t[2]))
    links: List[List] = []
    for s, i, j in scored:
        if s <= threshold:
            break
        z, e = zs[i], es[j]
        if _overlaps(z, used_z) or _overlaps(e, used_e) or _crosses(z, e, fixed):
            continue
        used_z.append(z)
        used_e.append(e)
        links.append([z, e, s])
    changed = True
    while changed:
        changed = False
        for a in links:
            for b in links:
                if a[0].start < b[0].start and a[1].start > b[1].start:
                    sa, sb = score(a[0], b[1]), score(b[0], a[1])
                    if min(sa, sb) > threshold and sa + sb >= a[2] + b[2] - 0.5:
                        a[1], b[1], a[2], b[2] = b[1], a[1], sa, sb
                        changed = True
    return [(z, e, s) for z, e, s in links]


def _expectation(points: List[Tuple[float, float]], zh_len: int, en_len: int
                 ) -> Callable[[float], float]:
    """Piecewise-linear map of Chinese offsets to English offsets through linked pairs."""
    chain = [(0.0, 0.0)]
    for x, y in sorted(points):
        if x > chain[-1][0] and y > chain[-1][1] and x < zh_len and y < en_len:
            chain.append((x, y))
    chain.append((float(max(zh_len, 1)), float(max(en_len, 1))))

    def expect(x: float) -> float:
        for (x0, y0), (x1, y1) in zip(chain, chain[1:]):
            if x <= x1:
                return y0 + (y1 - y0) * (x - x0) / max(x1 - x0, 1e-9)
        return chain[-1][1]

    return expect


def _anchor_points(anchors: _Anchors) -> List[Tuple[float, float]]:
    """Glossary terms found as often in the Chinese as in the English, paired in order."""
    points: List[Tuple[float, float]] = []
    for entry in {e for _, _, e in anchors.zh}:
        zh = sorted((a, b) for a, b, e in anchors.zh if e == entry)
        en = sorted((a, b) for a, b, e in anchors.en if e == entry)
        if len(zh) == len(en):
            points += [((a + b) / 2, (c + d) / 2) for (a, b), (c, d) in zip(zh, en)]
    return points


def align_segment(zh: str, en: str, glossary: Optional[Glossary] = None, *,
                  vocabulary: Optional[Set[str]] = None, threshold: float = 0.5,
                  counts: Optional[Tuple[Callable[[str], int], Callable[[str], int]]] = None
                  ) -> List[Tuple[Span, Span, float]]:
    """(Chinese, English, score) candidate pairs of one segment pair, linked one-to-one;
    heading parts first, then in Chinese order.

    Heading parts come first; then quoted titles are linked with quoted titles; then the other
    candidates, their expected position interpolated between the titles and glossary terms
    already linked (anchors); each pair scores above ``threshold``. ``counts``: functions giving
    how many segments of the document hold a Chinese / an English text; a pair whose two sides
    occur in very different numbers of segments scores less.
    """
    anchors = _Anchors(glossary, zh, en)
    out: List[Tuple[Span, Span, float]] = []
    for z, e in heading_pairs(zh, en):
        az, ae = anchors.inside(anchors.zh, z), anchors.inside(anchors.en, e)
        out.append((z, e, 1.6 + 0.4 * len(az & ae) - 1.5 * len(az ^ ae)))
    zs = zh_candidates(zh, [(a, b) for a, b, _ in anchors.zh])
    es = en_candidates(en, vocabulary)
    if glossary is not None:  # known terms are anchors, not candidates
        known_en = _known_en(glossary)
        zs = [z for z in zs if glossary.get(z.text) is None]
        es = [e for e in es if e.text.casefold() not in known_en and not any(
            a <= e.start and e.end <= b for a, b, _ in anchors.en)]
    used_z: List[Span] = []
    used_e: List[Span] = []
    titles = _link([z for z in zs if z.quoted], [e for e in es if e.quoted],
                   lambda z, e: pair_score(z, e, len(zh), len(en), anchors),
                   threshold, used_z, used_e)
    points = _anchor_points(anchors) + [((z.start + z.end) / 2, (e.start + e.end) / 2)
                                        for z, e, _ in titles]
    expect = _expectation(points, len(zh), len(en))

    def score(z: Span, e: Span) -> float:
        s = pair_score(z, e, len(zh), len(en), anchors, expect)
        if counts is not None:
            s -= 0.8 * abs(math.log(max(counts[0](z.text), 1) / max(counts[1](e.text), 1)))
        return s

    rest = _link(zs, es, score, threshold, used_z, used_e, titles)
    return out + sorted(titles + rest, key=lambda t: (t[0].start, t[0].end))


def extract_candidates(pairs: Iterable, glossary: Optional[Glossary] = None, *,
                       min_score: float = MIN_SCORE) -> List[Candidate]:
    """Ranked candidate pairs from aligned :class:`~termbase.aligned.SegmentPair` objects,
    scoring above ``min_score``, leaving out pairs whose Chinese or English is already in
    ``glossary``."""
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
    vocabulary = {w for p in segments for w in re.findall(r"\b[A-Z][A-Za-z]+", p.target)}

    @lru_cache(maxsize=None)
    def zh_count(text: str) -> int:
        return sum(text in p.source for p in segments)

    @lru_cache(maxsize=None)
    def en_count(text: str) -> int:
        return sum(text.casefold() in p.target.casefold() for p in segments)

    aligned: Dict[Tuple[str, str], List[float]] = defaultdict(list)
    where: Dict[Tuple[str, str], List[str]] = defaultdict(list)
    for p in segments:
        for z, e, s in align_segment(p.source, p.target, glossary, vocabulary=vocabulary,
                                     counts=(zh_count, en_count)):
            aligned[(z.text, e.text)].append(s)
            where[(z.text, e.text)].append(p.location or f"segment {p.index}")
    known_en = _known_en(glossary) if glossary is not None else set()
    out: List[Candidate] = []
    for (zh, en), scores in aligned.items():
        if glossary is not None and (glossary.get(zh) is not None or en.casefold() in known_en):
            continue
        zc, ec = zh_count(zh), en_count(en)
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

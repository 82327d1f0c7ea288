"""A mixed bilingual document: each Chinese passage followed (or preceded) by its English.

Works on clean documents (one passage per line or paragraph) and on PDF-extracted text where
Chinese and English run together with no line break::

    讲好重庆故事 提升城市形象美誉度Telling Good Stories of Chongqing to Improve City Image6聚焦…

How the text is cut:

1. Page furniture is set aside: running headers (a Title-Case phrase next to a page number that
   recurs with different numbers, "60 The World and Chongqing") and stray page numbers glued
   between an English word and Chinese ("Image6聚焦").
2. The text is split where the script changes. Punctuation, digits and spaces between the two
   scripts go to the side they belong to (a full stop ends the passage before it, a number starts
   the one after it). Latin inside a Chinese sentence ("“TALK IN 重庆”", "GDP", "5G") stays
   Chinese; a few Chinese characters inside an English sentence stay English.
3. A Chinese heading glued after a paragraph ("…良好形象。全力做好…宣传工作Fully Carrying…") and
   an English heading glued before a paragraph ("…City ImageWith three themes…") are cut off.
4. A heading pair that repeats an earlier one (a running section header) is kept as its own pair.
5. The remaining passages are paired in order by a small dynamic programme: each passage pairs
   with a neighbour of the other language when their lengths and kinds (heading or paragraph)
   agree, preferring Chinese-then-English; a passage without partner is kept alone with a note.
"""
from __future__ import annotations

import math
import re
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, List, Optional, Sequence, Set, Tuple, Union

from ..normalize import CJK, CJK_CLASS, is_cjk
from ..textio import LineIndex, Source, read_text
from . import SegmentPair

PathLike = Union[str, Path]

ZH, EN = "zh", "en"

# punctuation that ends or closes the passage before it
_LEFT_PUNCT = set(".,;:!?)]}”’\"'%。，、；：！？）】》」』〕…")
_TERMINATORS_ZH = "。！？；"
_OPENERS = "“《（(「『【〔"
_CLOSERS = "”》）)」』】〕"
# characters after a number that make it a Chinese quantity (so the number belongs to Chinese)
_UNIT_CHARS = set("年月日号万亿千百十余多个名项次位家种批场期篇人倍天岁届条所座部件元%％周")
_CAMEL_WORDS = {"youtube", "wechat", "tiktok", "linkedin", "iphone", "ipad", "powerpoint",
                "javascript", "github", "mcdonald", "macbook", "paypal", "whatsapp", "skyteam",
                "playstation", "facetime", "bioNTech".lower(), "openai", "deepseek", "chinadaily"}
_WORD = re.compile(r"[A-Za-z\u00C0-\u024F][A-Za-z\u00C0-\u024F'’-]*")


def _is_latin(ch: str) -> bool:
    return ("A" <= ch <= "Z") or ("a" <= ch <= "z") or ("\u00C0" <= ch <= "\u024F")


def _kind_of(ch: str) -> Optional[str]:
    if is_cjk(ch):
        return ZH
    if _is_latin(ch):
        return EN
    return None


def _ideographs(text: str) -> int:
    """The number of CJK ideographs in ``text`` (counted by the substitution that drops them:
    no list of them is made)."""
    return CJK.subn("", text)[1]


def _title_case(words: Sequence[str]) -> bool:
    significant = [w for w in words if len(w) > 3]
    if not significant:
        return all(w[0].isupper() for w in words) if words else False
    return sum(1 for w in significant if w[0].isupper()) / len(significant) >= 0.6


# -- page furniture ----------------------------------------------------------------------------

#: one to three digits, no digit or "digit," / "digit." before them, no digit or ",digit" /
#: ".digit" after them. Written to begin with its first digit (the look-behinds checked from
#: just after it: ``(?<!\d\d)`` there is ``(?<!\d)`` before it), so that a search jumps from
#: digit to digit instead of trying every position of the text
_PAGE_NUMBER = re.compile(r"\d(?<!\d\d)(?<!\d[.,]\d)\d{0,2}(?!\d)(?![.,]\d)")
_WORDS_AFTER = re.compile(r"[ \t]*([A-Z][A-Za-z'’&-]*(?:[ \t]+[A-Za-z'’&-]+){1,7})")
_PHRASE_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz'’&-")
_PHRASE_RUN = re.compile(r"[A-Za-z'’&\- \t]*")  # matched on reversed text: the run before a point
_LETTER = re.compile(r"[A-Za-z]")
#: characters before a page number looked at for the phrase there
_BEFORE_SPAN = 120


def _words_before(text: str, end: int) -> Optional[List[str]]:
    """The phrase that ends just before ``end`` (a page number there), as its words: two to
    eight words of ``[A-Za-z'’&-]``, the first starting with a letter, with spaces or tabs between
    them and after the last, the leftmost such phrase within the 120 characters before ``end``
    (what a search for ``([A-Za-z][A-Za-z'’&-]*(?:[ \\t]+[A-Za-z'’&-]+){1,7})[ \\t]*$`` finds
    in them, its group split); None where there is none. ``text[end - 1]`` must not be a line
    break.

    Found from the end, not by trying every start in the 120 characters (40 times faster): the
    phrase lies in the run of word characters, spaces and tabs that ends at ``end``, and takes
    the last two to eight of the run's words, from the leftmost letter of the first of them that
    has one.
    """
    lo = end - _BEFORE_SPAN if end > _BEFORE_SPAN else 0
    back = text[lo:end][::-1]
    words = back[:_PHRASE_RUN.match(back).end()][::-1].split()
    for j in range(max(0, len(words) - 8), len(words) - 1):
        letter = _LETTER.search(words[j])
        if letter is not None:
            return [words[j][letter.start():], *words[j + 1:]]
    return None


def _phrase_numbers(text: str) -> Dict[str, Set[str]]:
    """The page numbers next to each phrase (two to eight words) beside the page-number
    candidates of ``text``, phrases in the order first met."""
    numbers: Dict[str, Set[str]] = defaultdict(set)
    for m in _PAGE_NUMBER.finditer(text):
        after = _WORDS_AFTER.match(text, m.end(), min(len(text), m.end() + 120))
        if after:
            words = after.group(1).split()
            for k in range(2, len(words) + 1):
                numbers[" ".join(words[:k])].add(m.group())
        j = m.start()
        while j > 0 and text[j - 1] in " \t":
            j -= 1
        words = (_words_before(text, m.start())
                 if j > 0 and text[j - 1] in _PHRASE_CHARS else None)
        if words:
            for k in range(2, len(words) + 1):
                numbers[" ".join(words[-k:])].add(m.group())
    return numbers


def running_headers(text: str) -> List[Tuple[int, int]]:
    """Spans of running headers: a Title-Case phrase recurring next to different page numbers."""
    numbers = _phrase_numbers(text)
    phrases: List[str] = []
    for phrase in sorted(numbers, key=lambda p: -len(p.split())):
        nums = sorted(int(n) for n in numbers[phrase])
        words = phrase.split()
        if len(nums) < 2 or nums[-1] - nums[0] > 50 or not _title_case(words):
            continue
        if not words[0][0].isupper() or any(phrase in p for p in phrases):
            continue
        phrases.append(phrase)
    spans: List[Tuple[int, int]] = []
    for phrase in phrases:
        p = re.escape(phrase).replace(r"\ ", r"[ \t]+")
        rx = re.compile(rf"(?<!\d)(?<!\d[.,])\d{{1,3}}[ \t]*{p}(?:[ \t]*\d{{1,3}}(?!\d))?|{p}[ \t]*\d{{1,3}}(?!\d)")
        spans.extend((m.start(), m.end()) for m in rx.finditer(text))
    spans.sort()
    merged: List[Tuple[int, int]] = []
    for s, e in spans:
        if merged and s <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(e, merged[-1][1]))
        else:
            merged.append((s, e))
    return merged


# -- cutting into passages ---------------------------------------------------------------------

@dataclass
class Block:
    """A passage of one language: ``text[start:end]``."""

    kind: str
    start: int
    end: int
    hard_break_before: bool = False  # blank line or page furniture before it
    first_in_piece: bool = False
    last_in_piece: bool = False


def _pieces(text: str, furniture: Sequence[Tuple[int, int]]) -> List[Tuple[int, int, bool]]:
    """Stretches between newlines and furniture: (start, end, hard break before)."""
    newlines, i = [], text.find("\n")
    while i >= 0:
        newlines.append((i, i + 1, False))
        i = text.find("\n", i + 1)
    cuts = sorted(newlines + [(s, e, True) for s, e in furniture])
    out: List[Tuple[int, int, bool]] = []
    pos, hard, newlines = 0, True, 0
    for s, e, is_furniture in cuts:
        if s < pos:
            continue
        if text[pos:s].strip():
            out.append((pos, s, hard or newlines > 1))
            hard, newlines = False, 0
        if is_furniture:
            hard = True
        else:
            newlines += 1
        pos = e
    if text[pos:].strip():
        out.append((pos, len(text), hard or newlines > 1))
    return out


def _split_gap(text: str, gs: int, ge: int, left: str, right: str,
               furniture: List[Tuple[int, int]]) -> int:
    """Where the neutral gap text[gs:ge] between two scripts is cut (an offset in [gs, ge])."""
    gap = text[gs:ge]
    last = max((i for i, c in enumerate(gap) if c in _LEFT_PUNCT), default=-1)
    if (last < 0 and left == EN and right == ZH and re.fullmatch(r"\d{1,3}", gap)
            and text[ge] not in _UNIT_CHARS):
        furniture.append((gs, ge))  # a page number glued between English and Chinese
        return ge
    return gs + last + 1


_LATIN_CLASS = "A-Za-z\u00C0-\u024F"
_RUN = re.compile(f"(?P<zh>[{CJK_CLASS}][^{_LATIN_CLASS}]*)|(?P<en>[{_LATIN_CLASS}][^{CJK_CLASS}]*)")


def _units(text: str, start: int, end: int, furniture: List[Tuple[int, int]]) -> List[List]:
    """Script runs of one piece as [kind, start, end]."""
    runs: List[List] = []
    for m in _RUN.finditer(text, start, end):
        kind = ZH if m.group("zh") is not None else EN
        of_kind = is_cjk if kind == ZH else _is_latin
        stop = m.end()
        while stop > m.start() + 1 and not of_kind(text[stop - 1]):
            stop -= 1  # neutral characters after the last letter belong to the gap
        runs.append([kind, m.start(), stop])
    if not runs:
        return []
    units = [list(r) for r in runs]
    units[0][1] = start
    units[-1][2] = end
    for a, b in zip(units, units[1:]):
        cut = _split_gap(text, a[2], b[1], a[0], b[0], furniture)
        if cut == b[1] and furniture and furniture[-1] == (a[2], b[1]):
            continue  # gap was furniture: both units keep their strong ends
        a[2], b[1] = cut, cut
    return _embed(text, units)


def _embedded_latin(before: str, latin: str) -> bool:
    """Latin that stays inside the Chinese passage around it."""
    words = _WORD.findall(latin) + re.findall(r"\d+", latin)
    tail = re.split(f"[{_TERMINATORS_ZH}]", before)[-1]
    opened = sum(tail.count(c) for c in _OPENERS) > sum(tail.count(c) for c in _CLOSERS)
    if opened and len(words) <= 6:
        return True
    if before.rstrip() and before.rstrip()[-1] in _TERMINATORS_ZH:
        return False
    if len(words) <= 3 and (len(words) == 1 or all(w.isupper() or any(c.isdigit() for c in w)
                                                  for w in words)):
        return True
    return False


def _embedded_chinese(before: str, chinese: str) -> bool:
    """A few Chinese characters inside an English sentence (left in by mistake or quoted)."""
    b = before.rstrip()
    return _ideographs(chinese) <= 4 and bool(b) and b[-1] not in ".!?:;"


def _embed(text: str, units: List[List]) -> List[List]:
    changed = True
    while changed and len(units) >= 3:
        changed = False
        for i in range(1, len(units) - 1):
            prev, mid, nxt = units[i - 1], units[i], units[i + 1]
            if prev[0] != nxt[0] or prev[0] == mid[0]:
                continue
            before, inner = text[prev[1]:prev[2]], text[mid[1]:mid[2]]
            ok = (_embedded_latin(before, inner) if mid[0] == EN
                  else _embedded_chinese(before, inner))
            if ok:
                units[i - 1:i + 2] = [[prev[0], prev[1], nxt[2]]]
                changed = True
                break
    return units


def heading_like(text: str, kind: str) -> bool:
    """A title rather than a paragraph: short, without sentence punctuation at its end."""
    t = text.strip()
    if not t or t[-1] in ".!?;:,。！？；：，、":
        return False
    if kind == ZH:
        return 1 <= _ideographs(t) <= 40 and not re.search(f"[{_TERMINATORS_ZH}]", t)
    words = _WORD.findall(t)
    return (1 <= len(words) <= 25 and not re.search(r"[.!?;](?=\s*[A-Za-z])", t)
            and _title_case(words))


def _split_english_headings(text: str, block: Block) -> List[Block]:
    """Cut 'Title Case HeadingWith the paragraph…' after the heading."""
    out: List[Block] = []
    seg_start = block.start
    for m in re.finditer(r"(?<=[a-z])(?=[A-Z][a-z])", text[block.start:block.end]):
        pos = block.start + m.start()
        if pos <= seg_start:
            continue
        head = text[seg_start:pos]
        word_start = max(head.rfind(" "), head.rfind("\t")) + 1
        joined = re.match(r"[A-Za-z]+", text[seg_start + word_start:block.end])
        if joined and joined.group().lower() in _CAMEL_WORDS:
            continue
        left_word = head[word_start:]
        if len(left_word) < 3 or len(_WORD.findall(head)) < 3 or not heading_like(head, EN):
            continue
        out.append(Block(EN, seg_start, pos, block.hard_break_before and not out,
                         block.first_in_piece and not out, False))
        seg_start = pos
    if not out:
        return [block]
    out.append(Block(EN, seg_start, block.end, False, False, block.last_in_piece))
    return out


def _split_chinese_heading(text: str, block: Block, following: Optional[Block]) -> List[Block]:
    """Cut a heading glued after a paragraph: '…形象。全力做好…工作' + 'Fully Carrying…'."""
    if following is None or following.kind != EN:
        return [block]
    if not heading_like(text[following.start:following.end], EN):
        return [block]
    body = text[block.start:block.end]
    last = max(body.rfind(c) for c in _TERMINATORS_ZH)
    if last < 0:
        return [block]
    tail = body[last + 1:]
    if not heading_like(tail, ZH) or _ideographs(body[:last]) < 2:
        return [block]
    cut = block.start + last + 1
    return [Block(ZH, block.start, cut, block.hard_break_before, block.first_in_piece, False),
            Block(ZH, cut, block.end, False, False, block.last_in_piece)]


def split_passages(text: str) -> Tuple[List[Block], List[Tuple[int, int]]]:
    """The one-language passages of a mixed document, in order, and the furniture set aside."""
    furniture = running_headers(text)
    blocks: List[Block] = []
    for ps, pe, hard in _pieces(text, furniture):
        units = _units(text, ps, pe, furniture)
        for k, (kind, s, e) in enumerate(units):
            blocks.append(Block(kind, s, e, hard and k == 0, k == 0, k == len(units) - 1))
    # join a passage wrapped over several lines (no blank line between)
    joined: List[Block] = []
    for b in blocks:
        prev = joined[-1] if joined else None
        if (prev and prev.kind == b.kind and prev.last_in_piece and b.first_in_piece
                and not b.hard_break_before):
            prev.end, prev.last_in_piece = b.end, b.last_in_piece
        else:
            joined.append(b)
    split: List[Block] = []
    for b in joined:
        split.extend(_split_english_headings(text, b) if b.kind == EN else [b])
    out: List[Block] = []
    for i, b in enumerate(split):
        nxt = split[i + 1] if i + 1 < len(split) else None
        out.extend(_split_chinese_heading(text, b, nxt) if b.kind == ZH else [b])
    out = [b for b in out if text[b.start:b.end].strip()]
    return out, sorted(furniture)


# -- pairing -----------------------------------------------------------------------------------

def _size(text: str, kind: str) -> int:
    if kind == ZH:
        return max(1, _ideographs(text))
    return max(1, len("".join(text.split())))


def _passage_features(kind: str, text: str) -> Tuple[int, bool]:
    """What pairing compares of a passage: its size and whether it looks like a heading."""
    return _size(text, kind), heading_like(text, kind)


def _pair_score(first_kind: str, first: Tuple[int, bool], second: Tuple[int, bool]) -> float:
    """How well two neighbouring passages of different languages pair, from their
    :func:`_passage_features` (``first_kind``: the language of the first)."""
    (zh_size, zh_heading), (en_size, en_heading) = (
        (first, second) if first_kind == ZH else (second, first))
    ratio = en_size / zh_size
    score = 2.0 - 1.2 * abs(math.log(ratio / 3.5))
    score += 0.8 if zh_heading == en_heading else -0.8
    if first_kind == ZH:
        score += 0.3
    return score


def pair_passages(texts: Sequence[Tuple[str, str]]) -> List[Tuple[int, Optional[int]]]:
    """Pair (kind, text) passages in order: (i, j) pairs and (i, None) singles."""
    n = len(texts)
    features = [_passage_features(kind, text) for kind, text in texts]  # once per passage
    best = [0.0] * (n + 1)
    choice = [0] * (n + 1)
    for i in range(1, n + 1):
        best[i], choice[i] = best[i - 1], 1
        if i >= 2 and texts[i - 2][0] != texts[i - 1][0]:
            s = best[i - 2] + _pair_score(texts[i - 2][0], features[i - 2], features[i - 1])
            if s > best[i]:
                best[i], choice[i] = s, 2
    out: List[Tuple[int, Optional[int]]] = []
    i = n
    while i > 0:
        if choice[i] == 2:
            out.append((i - 2, i - 1))
            i -= 2
        else:
            out.append((i - 1, None))
            i -= 1
    out.reverse()
    return out


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip().lower()


def read_mixed_text(text: str, name: str = "<mixed>") -> List[SegmentPair]:
    """Segment pairs of a mixed bilingual text (see the module docstring)."""
    blocks, _ = split_passages(text)
    texts = [(b.kind, text[b.start:b.end].strip()) for b in blocks]
    # repeated heading pairs (running section headers) are paired directly
    seen: Set[Tuple[str, str]] = set()
    groups: List[Tuple[List[int], str]] = []
    rest: List[int] = []
    i = 0
    while i < len(blocks):
        if (i + 1 < len(blocks) and texts[i][0] == ZH and texts[i + 1][0] == EN
                and heading_like(texts[i][1], ZH) and heading_like(texts[i + 1][1], EN)):
            key = (_norm(texts[i][1]), _norm(texts[i + 1][1]))
            if key in seen:
                groups.append(([i, i + 1], "repeated heading (running section header)"))
                i += 2
                continue
            seen.add(key)
        rest.append(i)
        i += 1
    for a, b in pair_passages([texts[k] for k in rest]):
        if b is not None:
            groups.append(([rest[a], rest[b]], ""))
        elif texts[rest[a]][0] == ZH:
            groups.append(([rest[a]], "no English follows this Chinese passage"))
        else:
            groups.append(([rest[a]], "no Chinese passage precedes this English"))
    groups.sort(key=lambda g: blocks[g[0][0]].start)
    pairs: List[SegmentPair] = []
    lines = LineIndex(text)  # LF, CRLF and CR end lines, as in terms find and translate
    for members, note in groups:
        zh = next((texts[k][1] for k in members if texts[k][0] == ZH), "")
        en = next((texts[k][1] for k in members if texts[k][0] == EN), "")
        start = blocks[members[0]].start
        while start < len(text) and text[start].isspace():
            start += 1
        line, col = lines.line_col(start)
        pairs.append(SegmentPair(len(pairs), zh, en, f"{name}:{line}:{col}", note=note, line=line))
    return pairs


def read_mixed(path: Source, text: Optional[str] = None) -> List[SegmentPair]:
    """Read a mixed bilingual .txt/.md file (or already-read ``text``) into segment pairs."""
    if text is None:
        text = read_text(path)
    return read_mixed_text(text, str(path))

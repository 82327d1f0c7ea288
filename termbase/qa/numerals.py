"""Numbers in Chinese and English text, normalised to values so they can be compared.

Chinese: Arabic digits with 万/亿/千万… multipliers (500万 = 5,000,000), percentages (30%, 百分之三十),
Chinese numerals (二十, 一百四十, 二〇二三), approximations (140余, 140多) and dates (2023年, 3月5日).
English: digits with thousands separators and decimals, million/billion…, per cent, ordinals (20th),
number words (three, twenty, first) and month names.

A number is *strong* when it is written with digits or is an unambiguous Chinese numeral
(二十, 一百四十); *weak* numbers (一, three, March) only count as evidence of a match, because
一 and "one" are too often not numbers at all (统一, "one of").
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import List, Optional

_ZH_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6,
              "七": 7, "八": 8, "九": 9}
_ZH_SMALL = {"十": 10, "百": 100, "千": 1000}
_ZH_BIG = {"万": 10 ** 4, "亿": 10 ** 8}
_ZH_MULT = {"万亿": 10 ** 12, "千亿": 10 ** 11, "百亿": 10 ** 10, "十亿": 10 ** 9, "亿": 10 ** 8,
            "千万": 10 ** 7, "百万": 10 ** 6, "十万": 10 ** 5, "万": 10 ** 4, "千": 10 ** 3}
_EN_SCALE = {"thousand": 10 ** 3, "million": 10 ** 6, "billion": 10 ** 9, "trillion": 10 ** 12}
_EN_WORDS = {w: i for i, w in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
    "fifteen sixteen seventeen eighteen nineteen".split())}
_EN_WORDS.update({"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60,
                  "seventy": 70, "eighty": 80, "ninety": 90, "hundred": 100, "dozen": 12})
_EN_ORDINALS = {w: i + 1 for i, w in enumerate(
    "first second third fourth fifth sixth seventh eighth ninth tenth eleventh twelfth".split())}
_EN_ORDINALS["twentieth"] = 20
_MONTHS = {m: i + 1 for i, m in enumerate(
    "january february march april may june july august september october november december".split())}

_ZH_ARABIC = re.compile(
    r"(?<![A-Za-z\d])(?<!\d\.)(?<![A-Za-z]-)(\d{1,3}(?:[,，]\d{3})+|\d+)(?:\.(\d+))?"
    r"(万亿|千亿|百亿|十亿|亿|千万|百万|十万|万|千)?(?![A-Za-z])")
_ZH_PERCENT_WORD = re.compile(r"百分之([\d.]+|[零〇一二两三四五六七八九十百千]+)")
_ZH_NUMERAL = re.compile(r"[零〇一二两三四五六七八九十百千万亿]+")
_EN_NUMBER = re.compile(
    r"(?<![A-Za-z\d])(?<!\d\.)(?<![A-Za-z]-)(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d+))?"
    r"(st|nd|rd|th)?(?:\s*(%|percent\b|per cent\b))?(?:\s+(thousand|million|billion|trillion)\b)?"
    r"(?![A-Za-z\d])", re.IGNORECASE)
_EN_WORD = re.compile(r"\b(" + "|".join(sorted(list(_EN_WORDS) + list(_EN_ORDINALS) + list(_MONTHS),
                                               key=len, reverse=True))
                      + r")(?:\s+(thousand|million|billion|trillion))?\b", re.IGNORECASE)
_IDIOMS = ("一五一十", "千方百计", "万无一失", "一心一意", "三心二意", "七上八下", "千千万万", "一一")


@dataclass(frozen=True)
class Number:
    """A number found in text: ``text[start:end]`` has the value ``value``."""

    value: float
    start: int
    end: int
    text: str
    strong: bool = True

    @property
    def key(self) -> float:
        return round(self.value, 6)


def parse_zh_numeral(s: str) -> Optional[float]:
    """Value of a Chinese numeral (二十 → 20, 一百四十 → 140, 二〇二三 → 2023), None if malformed."""
    if not s or s[0] in "万亿百千" or any(c not in _ZH_DIGITS and c not in _ZH_SMALL
                                       and c not in _ZH_BIG for c in s):
        return None
    if all(c in _ZH_DIGITS for c in s):
        if len(s) == 1:
            return float(_ZH_DIGITS[s])
        return float("".join(str(_ZH_DIGITS[c]) for c in s))
    total = section = number = 0
    for i, c in enumerate(s):
        if c in _ZH_DIGITS:
            if i and s[i - 1] in _ZH_DIGITS and s[i - 1] not in "零〇":
                return None  # two digits in a row next to units: not a number
            number = _ZH_DIGITS[c]
        elif c in _ZH_SMALL:
            section += (number or 1) * _ZH_SMALL[c]
            number = 0
        elif c == "万":
            total += (section + number) * 10 ** 4
            section = number = 0
        else:  # 亿
            total = (total + section + number) * 10 ** 8
            section = number = 0
    return float(total + section + number)


def _arabic(integer: str, fraction: Optional[str]) -> float:
    value = float(re.sub(r"[,，]", "", integer))
    if fraction:
        value = float(f"{int(value)}.{fraction}")
    return value


def zh_numbers(text: str) -> List[Number]:
    """Numbers in Chinese text."""
    out: List[Number] = []
    taken = [False] * len(text)

    def add(value: float, s: int, e: int, strong: bool = True) -> None:
        out.append(Number(value, s, e, text[s:e], strong))
        for i in range(s, e):
            taken[i] = True

    for m in _ZH_PERCENT_WORD.finditer(text):
        v = (float(m.group(1)) if m.group(1)[0].isdigit() else parse_zh_numeral(m.group(1)))
        if v is not None:
            add(v, m.start(), m.end())
    for m in _ZH_ARABIC.finditer(text):
        if taken[m.start()]:
            continue
        value = _arabic(m.group(1), m.group(2))
        if m.group(3):
            value *= _ZH_MULT[m.group(3)]
        add(value, m.start(), m.end())
    for m in _ZH_NUMERAL.finditer(text):
        s, e = m.start(), m.end()
        if any(taken[s:e]):
            continue
        word = m.group()
        if any(idiom in text[max(0, s - 3):e + 3] for idiom in _IDIOMS):
            continue
        value = parse_zh_numeral(word)
        if value is None:
            continue
        has_unit = any(c in _ZH_SMALL or c in _ZH_BIG for c in word)
        has_digit = any(c in _ZH_DIGITS for c in word)
        strong = len(word) >= 2 and has_digit and (has_unit or len(word) == 4)
        add(value, s, e, strong)
    out.sort(key=lambda n: n.start)
    return out


def en_numbers(text: str) -> List[Number]:
    """Numbers in English text."""
    out: List[Number] = []
    for m in _EN_NUMBER.finditer(text):
        value = _arabic(m.group(1), m.group(2))
        if m.group(5):
            value *= _EN_SCALE[m.group(5).lower()]
        out.append(Number(value, m.start(), m.end(), m.group(), True))
    for m in _EN_WORD.finditer(text):
        w = m.group(1).lower()
        if w == "may" and m.group(1) == "may":
            continue  # the verb
        value = _EN_WORDS.get(w) or _EN_ORDINALS.get(w) or _MONTHS.get(w) or 0
        if m.group(2):
            value *= _EN_SCALE[m.group(2).lower()]
        out.append(Number(float(value), m.start(), m.end(), m.group(), False))
    out.sort(key=lambda n: n.start)
    return out

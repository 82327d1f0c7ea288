"""Numbers as an editor of official and financial texts reads them, in Chinese and in English.

:func:`zh_quantities` and :func:`en_quantities` find the quantities of a text, each with the
values it can stand for; :func:`same_value` says whether a Chinese and an English quantity denote
the same value. What is read:

* Arabic digits with thousands separators and decimals, full-width forms too (１２．５％);
  Chinese scale words 十/百/千/万/萬/亿/億 and their compounds after digits (1,818億 = 181.8
  billion, 681亿 = 68.1 billion, 1.2万 = 12,000); English thousand/million/billion/trillion and
  bn/mn/m/k; currency marks before a number (HK$, US$, NT$, RMB, ¥, €, £) and after it (元, 港元).
* Chinese numerals, Simplified and Traditional, 大写 too (二十五, 一百四十, 两萬, 壹佰贰拾,
  二〇二三, 三点五); English number words (twenty-five, one hundred and forty) and fractions
  (half, a quarter, one-third, two-thirds; 三分之一, 一半).
* Percentages (30%, 百分之三十, 30 percent, 30 per cent), percentage points (个百分点,
  percentage points) against basis points (0.5个百分点 = 50 basis points; 碼 = 25 basis points),
  multiples (2.3倍 = 2.3 times = 230%), 成 (三成 = 30%).
* Approximations (余/多/近/约/逾, over/about/nearly): the value is kept; a rounded rendering of a
  number of at least two significant digits is the same value (340637亿 = 34.1 trillion), a
  one-digit one is not (512万 is not "5 million") unless either side says it is approximate.
* Ordinals (第二 = second = 2nd; 第一产业 = primary industry; 第 十一 章 = Chapter XI, Roman
  numerals after Chapter/Section/Part… and as heading labels "IV."), dates (4月26日 = 26 April =
  26 Apr = April 26; 27-28 MAR; 1至5月 = January to May; 3 月 5 日 as PDFs space it), years
  (2023年; ROC years 97年 and 中華民國九十七年 = 2008), decades (20世纪70年代 = the 1970s),
  fiscal years (2023/24, FY2023), ranges (3至5 = 3-5 = three to five: each end is a quantity),
  fractions written 1/3 and in fourths (四分之一 = one-fourth).
* Cross-references ("Paragraph 1", "Items 3 and 4"): :func:`is_reference` says which English
  numbers are such; the check does not ask a source that refers by position (前項, 前款, 本條:
  :data:`ZH_RELATIVE_REFERENCE`) for their numbers.

A quantity is *strong* when it must be found on the other side: digits, multi-character Chinese
numerals (二十, 一百四十), 第 + numeral. *Weak* ones (一, three, first, March, list labels such as
一、 一␣ （一） "1." "(1)" "IV." and inline "1.Extending; 2.…", date annotations such as 本（7）日)
only count as evidence of a match, because
一 and "one" are too often not numbers at all (统一, "one of").

Libraries weighed on tests/test_numbers.py's table: cn2an parses whole numerals well but finds no
numbers in running text, refuses 1,818億, 百分之五十 and a bare 萬, and knows no 余/倍/个百分点;
text2num reads cardinals but not "half", "a quarter" or "one-third" and gives no spans. Neither
is a dependency: the parsing they would replace is a few dozen lines here.
"""
from __future__ import annotations

import math
import re
from functools import lru_cache
from typing import Dict, List, Optional, Sequence, Tuple

from .records import frozen_record

# ---------------------------------------------------------------- Chinese numerals
_DAXIE = str.maketrans({"壹": "一", "贰": "二", "貳": "二", "叁": "三", "參": "三", "叄": "三",
                        "肆": "四", "伍": "五", "陆": "六", "陸": "六", "柒": "七", "捌": "八",
                        "玖": "九", "拾": "十", "佰": "百", "仟": "千", "兩": "两", "○": "〇",
                        "萬": "万", "億": "亿", "點": "点"})
_ZH_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6,
              "七": 7, "八": 8, "九": 9}
_ZH_SMALL = {"十": 10, "百": 100, "千": 1000}
_NUMERAL_CHARS = "零〇○一二两兩三四五六七八九十百千万萬亿億壹贰貳叁參叄肆伍陆陸柒捌玖拾佰仟"
#: Chinese scale words after digits, longest first
_ZH_SCALES = {"万亿": 10 ** 12, "萬億": 10 ** 12, "千亿": 10 ** 11, "千億": 10 ** 11,
              "百亿": 10 ** 10, "百億": 10 ** 10, "十亿": 10 ** 9, "十億": 10 ** 9, "亿": 10 ** 8,
              "億": 10 ** 8, "千万": 10 ** 7, "千萬": 10 ** 7, "百万": 10 ** 6, "百萬": 10 ** 6,
              "十万": 10 ** 5, "十萬": 10 ** 5, "万": 10 ** 4, "萬": 10 ** 4, "千": 10 ** 3}
_ZH_SCALE_RX = "|".join(sorted(_ZH_SCALES, key=len, reverse=True))
#: words that hold numeral characters without being numbers
_IDIOMS = ("一五一十", "千方百计", "千方百計", "万无一失", "萬無一失", "一心一意", "三心二意",
           "七上八下", "千千万万", "千千萬萬", "一一", "万众", "萬眾", "千万不", "千萬不", "万一",
           "萬一", "一些", "一起", "统一", "統一", "一致", "一律", "一体", "一體", "一直", "一定",
           "唯一", "一般", "一切", "一旦", "一方面", "进一步", "進一步", "一系列", "之一", "一道",
           "第一时间", "第一時間", "三农", "三農", "五湖四海", "四面八方", "十分", "百姓",
           "千年", "万物", "萬物", "百花", "千家万户", "千家萬戶", "一带一路", "一帶一路",
           "一国两制", "一國兩制", "两岸", "兩岸", "一手", "一番", "多数", "一同", "一再", "一年来",
           "不一", "一流")
#: the idioms that hold each character
_IDIOMS_WITH = {c: tuple(i for i in _IDIOMS if c in i) for c in set("".join(_IDIOMS))}
_ROC_YEAR_MAX = 200  # 97年 in a Taiwanese text is 2008 (ROC year + 1911)

# ---------------------------------------------------------------- English words
_EN_UNITS = {w: i for i, w in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
    "fifteen sixteen seventeen eighteen nineteen".split())}
_EN_TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
            "eighty": 80, "ninety": 90}
#: the words that scale a number word ("two hundred", "three dozen")
_SCALE_WORDS = ("hundred", "thousand", "million", "billion", "trillion", "dozen")
_EN_SCALE = {"thousand": 10 ** 3, "million": 10 ** 6, "billion": 10 ** 9, "trillion": 10 ** 12,
             "bn": 10 ** 9, "mn": 10 ** 6, "m": 10 ** 6, "tn": 10 ** 12, "k": 10 ** 3}
_ORD_UNITS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6,
              "seventh": 7, "eighth": 8, "ninth": 9, "tenth": 10, "eleventh": 11, "twelfth": 12,
              "thirteenth": 13, "fourteenth": 14, "fifteenth": 15, "sixteenth": 16,
              "seventeenth": 17, "eighteenth": 18, "nineteenth": 19}
_ORD_TENS = {"twentieth": 20, "thirtieth": 30, "fortieth": 40, "fiftieth": 50, "sixtieth": 60,
             "seventieth": 70, "eightieth": 80, "ninetieth": 90, "hundredth": 100}
#: ordinal adjectives of the three sectors (第一产业 = primary industry)
_ORD_SECTORS = {"primary": 1, "secondary": 2, "tertiary": 3}
_MONTHS = {m: i + 1 for i, m in enumerate(
    "january february march april may june july august september october november december".split())}
_MONTH_ABBR = {"jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9,
               "sept": 9, "oct": 10, "nov": 11, "dec": 12}
_FRACTIONS = {"half": 0.5, "quarter": 0.25, "third": 1 / 3, "fourth": 0.25, "fifth": 0.2,
              "tenth": 0.1}


@frozen_record
class Quantity:
    """A quantity in text: ``text[start:end]``, the values it may stand for (the plain one
    first), its kind, whether it must be matched (``strong``), and the precision of its written
    form (``unit``: the place of its last digit times its scale; 0 when only the exact value is
    the same)."""

    start: int
    end: int
    text: str
    values: Tuple[float, ...]
    kind: str = "number"  # number percent points times fraction ordinal year date month day
    strong: bool = True
    unit: float = 0.0
    approx: bool = False

    @property
    def value(self) -> float:
        return self.values[0]

    @property
    def family(self) -> str:
        """Quantities compare only within a family: dates with dates, months with months..."""
        return self.kind if self.kind in ("date", "month", "day") else "number"


def same_value(a: Quantity, b: Quantity) -> bool:
    """True when ``a`` and ``b`` denote the same value (a rounding of two or more significant
    digits, or any rounding of an approximate number, is the same value)."""
    if a.family != b.family:
        return False
    for x in a.values:
        for y in b.values:
            if math.isclose(x, y, rel_tol=1e-9, abs_tol=1e-12):
                return True
    unit = max(a.unit, b.unit)
    if unit and abs(a.values[0] - b.values[0]) <= unit / 2 * (1 + 1e-9):
        return True
    return False


def _precision(integer: str, fraction: str, scale: float, approx: bool) -> float:
    """Half of this is how far a rounded rendering may be from the number (see ``unit``)."""
    digits = (integer.replace(",", "").replace("，", "") + fraction).lstrip("0")
    if len(digits) < 2 and not approx:
        return 0.0
    return 10.0 ** (-len(fraction)) * scale


@lru_cache(maxsize=4096)
def parse_zh_numeral(s: str) -> Optional[float]:
    """Value of a Chinese numeral (二十 → 20, 一百四十 → 140, 二〇二三 → 2023, 壹佰贰拾 → 120,
    三点五 → 3.5, 两萬 → 20000), None if malformed."""
    s = s.translate(_DAXIE)
    s = s.replace(".", "点")
    if "点" in s:
        whole, _, frac = s.partition("点")
        if not frac or any(c not in _ZH_DIGITS for c in frac):
            return None
        base = parse_zh_numeral(whole) if whole else None
        if base is None:
            return None
        return float(f"{int(base)}.{''.join(str(_ZH_DIGITS[c]) for c in frac)}")
    if not s or s[0] in "万亿百千" or any(c not in _ZH_DIGITS and c not in _ZH_SMALL
                                       and c not in "万亿" for c in s):
        return None
    if all(c in _ZH_DIGITS for c in s):
        if len(s) == 1:
            return float(_ZH_DIGITS[s])
        if "两" in s:
            return None
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
            if not (section or number):
                return None
            total += (section + number) * 10 ** 4
            section = number = 0
        else:  # 亿
            total = (total + section + number) * 10 ** 8
            section = number = 0
    return float(total + section + number)


#: the characters :func:`~termbase.normalize.fold_width` changes
_FOLDABLE = re.compile("[\uFF01-\uFF5E\u3000]")


def _fold(text: str) -> str:
    """Full-width digits, letters and signs to ASCII; same length."""
    if _FOLDABLE.search(text) is None:
        return text  # nothing to fold (a scan is much cheaper than str.translate)
    from .normalize import fold_width

    return fold_width(text)


# ---------------------------------------------------------------- Chinese
_APPROX_BEFORE_ZH = re.compile(r"(约|近|逾|超过|超過|大约|大約|将近|將近|接近|上|达|約)$")
_ZH_NUM = (r"(?<![A-Za-z\d.])(?<![A-Za-z]-)(\d{1,3}(?:[,，]\d{3})+|\d+)(?:\.(\d+))?"
           r"\s*(" + _ZH_SCALE_RX + r")?")
#: _ZH_NUM + r"(?![A-Za-z\d])" with the look-behinds after the first digit (searched by skipping to
#: digits, see the English patterns below)
_ZH_ARABIC = re.compile(r"(\d(?<![A-Za-z\d.]\d)(?<![A-Za-z]-\d)(?:\d{0,2}(?:[,，]\d{3})+|\d*))"
                        r"(?:\.(\d+))?\s*(" + _ZH_SCALE_RX + r")?(?![A-Za-z\d])")
_ZH_NUMERAL = re.compile(f"[{_NUMERAL_CHARS}]+(?:[点點.][{_NUMERAL_CHARS[:11]}]+)?")
_ZH_FRACTION = re.compile(r"(\d+|[" + _NUMERAL_CHARS + r"]+)分之(\d+(?:\.\d+)?|[" + _NUMERAL_CHARS
                          + r"]+(?:[点點][零〇一二三四五六七八九]+)?)")
_ZH_DATE = re.compile(r"(?:[本今去上下明前][(（])?(\d{1,2}|[一二三四五六七八九十]{1,3})[)）]?[ \u3000]?月"
                      r"(?:[ \u3000]?(\d{1,2}|[一二三四五六七八九十]{1,3})[ \u3000]?[日号號])?")
#: a day after a date or in 本（7）日: (?:(?<=[至到~～\-、和及与與])|(?<=[本今][(（]))(\d{1,2})[)）]?[日号號],
#: the look-behinds after the first digit (searched by skipping to digits)
_ZH_DAY_ONLY = re.compile(r"(\d(?:(?<=[至到~～\-、和及与與]\d)|(?<=[本今][(（]\d))\d?)[)）]?[日号號]")
_ZH_YEAR = re.compile(r"(?:(?<=[本今去上前明][(（])(\d{2,3})[)）]年)|(?<![\d.])(\d{2,4})(?:[/／-](\d{2}))?\s*年(?!代|龄|齡|级|級|来|來|内|內|間|间|期|轻|輕)")
_ZH_RELATIVE_YEAR = re.compile(r"(本年|今年|本[(（]\d+[)）]年|全年|[上下]半年|前[一二三]季度|[一二三四]季度|"
                               r"去年|上年|去[(（]\d+[)）]年|明年|明[(（]\d+[)）]年|下年|"
                               r"过去一年|过去的一年|過去一年|過去的一年)")
#: decades: 20世纪70年代 (the 1970s), 90年代, 七十年代
_ZH_DECADE = re.compile(r"(?:(\d{1,2}|[一二三四五六七八九十]{1,3})[ \u3000]?世[纪紀][ \u3000]?)?"
                        r"(?<![\d.])(\d0|[一二三四五六七八九]?十)[ \u3000]?年代")
#: an ROC-era year in numerals: 中華民國九十七年, 民國三十六年
_ROC_ERA = re.compile(r"(?:中華民國|中华民国|民國|民国)[ \u3000]?$")
_DAY_CHARS = re.compile("[日号號]")
_LIST_LABEL_ZH = re.compile(r"(?:^|(?<=[\n。；;：:]))\s*(?:[(（]([一二三四五六七八九十]+|\d+)[)）]|"
                            r"([一二三四五六七八九十]+)(?:、|[\u3000 ]{1,2}(?=[^\s\d])))")
#: _LIST_LABEL_ZH as the regex engine searches it faster (see :func:`_zh_list_labels`): at the
#: start, and from the character it follows on (a pattern that starts with a look-behind is tried
#: at every position, one that starts with a character set is searched by skipping to it)
_LIST_LABEL_ZH_START = re.compile(_LIST_LABEL_ZH.pattern[len(r"(?:^|(?<=[\n。；;：:]))"):])
_LIST_LABEL_ZH_AFTER = re.compile(r"[\n。；;：:]" + _LIST_LABEL_ZH_START.pattern)


def _zh_value(token: str) -> Optional[float]:
    if token.isdigit():
        return float(token)
    if token in ("百", "千", "万", "萬"):
        return float({"百": 100, "千": 1000}.get(token, 10000))
    return parse_zh_numeral(token)


class _Found:
    """The quantities found in a text so far and the characters they cover (a later pattern
    never reads a number inside one found before)."""

    __slots__ = ("out", "taken")

    def __init__(self, length: int) -> None:
        self.out: List[Quantity] = []
        self.taken = bytearray(length)

    def free(self, start: int, end: int) -> bool:
        """True when no quantity found so far covers a character of ``start:end``."""
        return not any(self.taken[start:end])

    def claim(self, start: int, end: int) -> None:
        end = min(end, len(self.taken))
        if end > start:
            self.taken[start:end] = b"\x01" * (end - start)

    def add(self, q: Quantity) -> None:
        self.out.append(q)
        self.claim(q.start, q.end)


def zh_quantities(text: str) -> List[Quantity]:
    """Quantities in Chinese text, in text order."""
    text = _fold(text)
    found = _Found(len(text))
    out, free, add = found.out, found.free, found.add
    # each pattern below runs only where the text has a character it cannot match without (the
    # result is the same, found faster: most segments have no date, year or fraction)
    year = "年" in text
    digit = _DIGIT.search(text) is not None  # _ZH_DAY_ONLY, _ZH_YEAR, _ZH_ARABIC match digits

    # list labels: 一、 （一） (1)
    for m in _zh_list_labels(text):
        label = m.group(1) or m.group(2)
        v = _zh_value(label)
        if v is not None:
            s = m.start(1) if m.group(1) else m.start(2)
            add(Quantity(s, m.end(), text[s:m.end()], (v,), "ordinal", False))
    # dates and months
    for m in _ZH_DATE.finditer(text) if "月" in text else ():
        if not free(m.start(1), m.end()):
            continue
        month = _zh_value(m.group(1))
        if month is None or not 1 <= month <= 12:
            continue
        annotated = text[m.start():m.start(1)] != ""
        if m.group(2):
            day = _zh_value(m.group(2))
            if day is None or not 1 <= day <= 31:
                continue
            add(Quantity(m.start(1), m.end(), text[m.start(1):m.end()], (month * 100 + day,), "date"))
        else:
            # a month range 1至5月: the first month too
            add(Quantity(m.start(1), m.end(), text[m.start(1):m.end()], (month,), "month",
                         not annotated))
            before = text[max(0, m.start(1) - 4):m.start(1)]
            r = re.search(r"(\d{1,2})\s*[至到~～\-]\s*$", before)
            if r:
                s = m.start(1) - len(before) + r.start(1)
                v = float(r.group(1))
                if 1 <= v <= 12 and free(s, s + len(r.group(1))):
                    add(Quantity(s, s + len(r.group(1)), r.group(1), (v,), "month"))
    for m in _ZH_DAY_ONLY.finditer(text) if digit and _DAY_CHARS.search(text) else ():
        if not free(m.start(1), m.end()):
            continue
        day = float(m.group(1))
        # a day after a date range (3月27日至28日) takes the month of the date before it
        prev = [q for q in out if q.kind == "date" and q.end <= m.start() and m.start() - q.end <= 2]
        if prev:
            month = int(prev[-1].value) // 100
            add(Quantity(m.start(1), m.end(), m.group(), (month * 100 + day,), "date"))
        else:
            add(Quantity(m.start(1), m.end(), m.group(), (day,), "day", False))
    # decades (20世纪70年代 = the 1970s)
    for m in _ZH_DECADE.finditer(text) if year and "年代" in text else ():
        if not free(m.start(), m.end()):
            continue
        decade = _zh_value(m.group(2))
        century = _zh_value(m.group(1)) if m.group(1) else None
        if decade is None or (m.group(1) and century is None):
            continue
        if century is not None:
            values: Tuple[float, ...] = ((century - 1) * 100 + decade,)
        else:
            values = (1900 + decade, 2000 + decade)
        add(Quantity(m.start(), m.end(), m.group(), values, "year"))
    # years (2023年, ROC 97年, 去（97）年, 2023/24年度)
    for m in _ZH_YEAR.finditer(text) if year and digit else ():
        g = 1 if m.group(1) else 2
        s, e = m.start(g), m.end(g)
        if not free(s, e):
            continue
        y = float(m.group(g))
        annotation = g == 1
        if len(m.group(g)) == 4:
            values: Tuple[float, ...] = (y,)
        elif y <= _ROC_YEAR_MAX:
            values = (y, y + 1911)
        else:
            continue
        add(Quantity(s, e, m.group(g), values, "year", not annotation and len(m.group(g)) == 4))
        if m.group(3):
            s3 = m.start(3)
            end_year = float(m.group(1 if annotation else 2)[:2] + m.group(3))
            add(Quantity(s3, m.end(3), m.group(3), (end_year, float(m.group(3))), "year"))
    # X分之Y
    for m in _ZH_FRACTION.finditer(text) if "分之" in text else ():
        if not free(m.start(), m.end()):
            continue
        den, num = _zh_value(m.group(1)), None
        g2 = m.group(2)
        num = float(g2) if re.fullmatch(r"\d+(?:\.\d+)?", g2) else parse_zh_numeral(g2)
        if not den or num is None:
            continue
        if den == 100:
            q = Quantity(m.start(), m.end(), m.group(), (num,), "percent")
        else:
            q = Quantity(m.start(), m.end(), m.group(), (num / den, 100 * num / den), "fraction",
                         unit=0.0)
        add(q)
    for word, v in (("一半", 0.5), ("半数", 0.5), ("半數", 0.5)) if "半" in text else ():
        for m in re.finditer(word, text):
            if free(m.start(), m.end()):
                add(Quantity(m.start(), m.end(), word, (v, 100 * v), "fraction", False))
    # digits
    for m in _ZH_ARABIC.finditer(text) if digit else ():
        s, e = m.start(), m.end()
        if not free(s, e):
            continue
        integer, fraction, scale_word = m.group(1), m.group(2) or "", m.group(3)
        value = float(integer.replace(",", "").replace("，", "") + ("." + fraction if fraction else ""))
        scale = _ZH_SCALES.get(scale_word, 1) if scale_word else 1
        before = text[max(0, s - 4):s]
        after = text[e:e + 6]
        approx = bool(_APPROX_BEFORE_ZH.search(before)) or _starts(after, "余多餘") or \
            after.startswith(("左右", "上下"))
        q = _zh_digit_quantity(text, s, e, value, scale, integer, fraction, approx, after)
        if q is not None:
            add(q)
    # numerals
    for m in _ZH_NUMERAL.finditer(text):
        s, e = m.start(), m.end()
        if not free(s, e):
            continue
        word = m.group()
        ctx = text[max(0, s - 3):e + 3]
        idioms = _IDIOMS_WITH.get(word, ()) if len(word) == 1 else \
            {i for c in word for i in _IDIOMS_WITH.get(c, ())}  # only these can overlap the word
        if any(idiom in ctx and _overlaps(text, idiom, s, e) for idiom in idioms):
            continue
        before, after = text[max(0, s - 1):s], text[e:e + 6]
        if _starts(before, "数數几幾") or _starts(after, "几幾"):
            continue  # 数十, 十几: not a number
        value = parse_zh_numeral(word)
        if value is None and len(word) > 1 and word[-1] in "两兩":
            word, e = word[:-1], e - 1  # 第三、第四兩款: 兩 is the measure "two (items)"
            value = parse_zh_numeral(word)
        if value is None:
            continue
        if (text[e:e + 1] == "年" and value == int(value) and value <= _ROC_YEAR_MAX
                and _ROC_ERA.search(text[max(0, s - 5):s])):
            add(Quantity(s, e, word, (value, value + 1911), "year"))  # 中華民國九十七年 = 2008
            continue
        has_unit = any(c in "十百千万萬亿億拾佰仟" for c in word)
        has_digit = any(c in _ZH_DIGITS or c in "壹贰貳叁參叄肆伍陆陸柒捌玖兩○" for c in word)
        k = s
        while k > 0 and text[k - 1] in " \u3000":
            k -= 1
        ordinal = k > 0 and text[k - 1] == "第"  # 第二, and 第 十一 章 as some databases space it
        strong = ordinal or (len(word) >= 2 and has_digit and (has_unit or len(word) == 4))
        approx = _starts(after, "余多餘") or bool(_APPROX_BEFORE_ZH.search(text[max(0, s - 4):s]))
        q = _zh_digit_quantity(text, s, e, value, 1, "", "", approx, after, numeral=True)
        if q is None:
            continue
        kind = "ordinal" if ordinal else q.kind
        strong = strong or kind != "number" or "." in word or "点" in word or "點" in word
        start = k - 1 if ordinal else q.start
        add(Quantity(start, q.end, text[start:q.end], q.values, kind, strong and q.strong, q.unit, approx))
    out.sort(key=lambda q: q.start)
    return out


def _zh_list_labels(text: str):
    """The matches of _LIST_LABEL_ZH in ``text`` (their groups, and their ends): one at the start,
    then each with the character its look-behind reads before it (no match ends with such a
    character, so none is taken from a match before)."""
    first = _LIST_LABEL_ZH_START.match(text)
    if first is not None:
        yield first
    yield from _LIST_LABEL_ZH_AFTER.finditer(text, first.end() if first is not None else 0)


def _starts(text: str, chars: str) -> bool:
    """True when ``text`` starts with one of ``chars``."""
    return bool(text) and text[0] in chars


def _overlaps(text: str, idiom: str, s: int, e: int) -> bool:
    for m in re.finditer(re.escape(idiom), text[max(0, s - len(idiom)):e + len(idiom)]):
        a = max(0, s - len(idiom)) + m.start()
        if a < e and s < a + len(idiom):
            return True
    return False


_UNIT_AFTER = re.compile(r"\s*(%|个百分点|個百分點|百分点|百分點|倍|成(?![为為立功本员員果就绩績长長熟型品交])|碼|码)")


def _zh_digit_quantity(text, s, e, value, scale, integer, fraction, approx, after,
                       numeral=False) -> Optional[Quantity]:
    """The quantity of a Chinese number at ``text[s:e]`` with what follows it (%, 个百分点, 倍…)."""
    m = _UNIT_AFTER.match(text, e)
    v = value * scale
    unit = 0.0 if numeral else _precision(integer, fraction, scale, approx)
    if m is None:
        return Quantity(s, e, text[s:e], (v,), "number", True, unit, approx)
    u = m.group(1)
    end = m.end()
    if u == "%":
        return Quantity(s, end, text[s:end], (v,), "percent", True, unit, approx)
    if u == "倍":
        return Quantity(s, end, text[s:end], (v, 100 * v), "times", True, unit, approx)
    if u.startswith("成"):
        return Quantity(s, end, text[s:end], (10 * v, v / 10), "percent", True, unit * 10, approx)
    if u in ("碼", "码"):
        return Quantity(s, end, text[s:end], (v, v / 4, 25 * v), "points", True, 0.0, approx)
    return Quantity(s, end, text[s:end], (v, 100 * v), "points", True, unit, approx)


def relative_year_offsets(text: str) -> Tuple[int, ...]:
    """Offsets from the document's year that the source's relative expressions name: 0 for
    本年/今年/上半年/一季度…, -1 for 去年/上年, +1 for 明年."""
    if "年" not in text and "季度" not in text:
        return ()  # every expression names 年 or 季度 (which folding leaves alone)
    offsets = set()
    for m in _ZH_RELATIVE_YEAR.finditer(_fold(text)):
        w = m.group()
        offsets.add(-1 if w.startswith(("去", "上年", "过去", "過去")) else 1 if w.startswith(("明", "下年"))
                    else 0)
    return tuple(sorted(offsets))


# ---------------------------------------------------------------- English
_CURRENCY = r"(?:HK\$|US\$|NT\$|S\$|A\$|C\$|RMB\s?|CNY\s?|HKD\s?|USD\s?|EUR\s?|\$|¥|€|£|FY\s?)"
_EN_NUMBER = re.compile(
    r"(?<![A-Za-z\d])(?<!\d\.)(?<![A-Za-z]-)(" + _CURRENCY + r")?(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d+))?"
    r"(?:(st|nd|rd|th)\b)?"
    r"(?:\s*(%|percent\b|per\s+cent\b|percentage\s+points?\b|basis\s+points?\b|bps?\b|"
    r"times\b|-fold\b|fold\b))?"
    r"(?:\s*(thousand|million|billion|trillion)\b|(bn|mn|tn|m|k)\b)?"
    r"(?:\s*(%|percent\b|per\s+cent\b))?"
    r"(?![A-Za-z\d])", re.IGNORECASE)
#: month names and abbreviations, as the date patterns read them
_MONTH_RX = ("January|February|March|April|May|June|July|August|September|October|November|"
             "December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec")
# The patterns that start with a digit put the look-behind that guards the number after its first
# digit ("1(?<![\d.,]1)" reads "(?<![\d.,])1"): a pattern that starts with a character set is
# searched by skipping to that set, one that starts with a look-behind is tried at every position.
#: (?<![\d.,])((?:19|20)\d\d)\s*[-/–]\s*(\d\d)(?![\d%]): 2023-24, 2023/24
_EN_YEAR_RANGE = re.compile(r"((?:1(?<![\d.,]1)9|2(?<![\d.,]2)0)\d\d)\s*[-/–]\s*(\d\d)(?![\d%])")
#: (?<![\d.,])(\d{1,2})(?:st|nd|rd|th)?(?:\s*[-–]\s*(\d{1,2})(?:st|nd|rd|th)?)?\s+(MONTH)\b\.?:
#: 26 April, 27-28 MAR
_EN_DATE_DM = re.compile(r"(\d(?<![\d.,]\d)\d?)(?:st|nd|rd|th)?(?:\s*[-–]\s*(\d{1,2})(?:st|nd|rd|th)?)?"
                         r"\s+(" + _MONTH_RX + r")\b\.?", re.IGNORECASE)
_EN_DATE_MD = re.compile(r"\b(" + _MONTH_RX + r")"
                         r"\.?\s+(\d{1,2})(?:st|nd|rd|th)?(?:\s*[-–]\s*(\d{1,2})(?:st|nd|rd|th)?)?"
                         r"(?![\d,.]\d)", re.IGNORECASE)
_EN_MONTH = re.compile(r"\b(" + _MONTH_RX + r")\b\.?", re.IGNORECASE)
_EN_APPROX = re.compile(r"\b(about|around|approximately|nearly|almost|over|more than|some|roughly|"
                        r"close to|an estimated|up to)\s+$", re.IGNORECASE)
_WORD = (r"(?:" + "|".join(sorted(list(_EN_UNITS) + list(_EN_TENS) + list(_SCALE_WORDS),
                                   key=len, reverse=True)) + r")")
_EN_WORDS = re.compile(r"\b" + _WORD + r"(?:(?:[\s-]+|\s+and\s+)" + _WORD + r")*\b", re.IGNORECASE)
_EN_FRACTION = re.compile(
    r"\b(?:(a|an|one|two|three|four|five|six|seven|eight|nine)[\s-]+(half|halves|third|thirds|quarter|quarters|"
    r"fourth|fourths|fifth|fifths|tenth|tenths)|(half))\b", re.IGNORECASE)
#: "1/3" after "one third": a fraction, not two numbers; (?<![\d/.,])([1-9])/([2-9]|10)(?![\d/.,])
_EN_SLASH_FRACTION = re.compile(r"([1-9])(?<![\d/.,][1-9])/([2-9]|10)(?![\d/.,])")
#: decades: the 1970s, mid-1990s; (?<![\d.,])((?:1[0-9]|20)\d0)s\b
_EN_DECADE = re.compile(r"((?:1(?<![\d.,]1)[0-9]|2(?<![\d.,]2)0)\d0)s\b")
#: Roman numerals after the words that number parts of a document (Chapter XI, Part II)
_PART_WORDS = ("Chapter", "Chapters", "Section", "Part", "Title", "Book", "Volume", "Annex", "Appendix",
               "Schedule", "Phase", "Stage")
_EN_ROMAN_AFTER = re.compile(r"\b(?:" + "|".join(_PART_WORDS) + r")\s+([IVXLC]+)\b")
#: cross-references: Article 12, Paragraph 1, Subparagraph 3, Items 2 to 6
_EN_REFERENCE = re.compile(r"\b(?:Articles?|Paragraphs?|Subparagraphs?|Items?|Clauses?|Points?)\s+$",
                           re.IGNORECASE)
#: a Chinese reference that names no number: 前項 (the preceding paragraph), 前款, 本條, 前二條
ZH_RELATIVE_REFERENCE = re.compile(r"前[一二兩两三]?[項项款條条目]|本[條条項项款]|同[條条項项]")
_ORDINALS = dict(_ORD_UNITS)
_ORDINALS.update(_ORD_TENS)
for _t, _tv in _EN_TENS.items():
    for _u, _uv in list(_ORD_UNITS.items())[:9]:
        _ORDINALS[f"{_t}-{_u}"] = _tv + _uv
_EN_ORDINAL = re.compile(r"\b(" + "|".join(sorted(list(_ORDINALS) + list(_ORD_SECTORS), key=len,
                                                  reverse=True)) + r")\b", re.IGNORECASE)
_LIST_LABEL_EN = re.compile(r"(?:^|(?<=\n))\s*(\d{1,2})\.(?=\s|[A-Z][a-z])"
                            # inline: "as follows: 1.Extending loans; 2.Extending ..."
                            r"|(?:(?<=[:;] )|(?<=[:;])|(?<=; and )|(?<=, and ))(\d{1,2})\.(?=\s|[A-Z])"
                            r"|(?:^|(?<=\n)|(?<=[:;] ))\s*\((\d{1,2})\)(?=\s)")
#: what every match of _LIST_LABEL_EN holds: one or two digits after a space, [:;(] or the start,
#: then "." before a space or a capital, or ")" before a space
_LIST_LABEL_HINT = re.compile(r"\d(?<![^\s:;(]\d)\d?(?:\.[\sA-Z]|\)\s)")
_ROMAN_LABEL_EN = re.compile(r"^\s*([IVX]{1,5})\.(?=\s)")
_ROMAN = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100}


def roman_value(s: str) -> Optional[int]:
    """Value of an upper-case Roman numeral (XIV → 14), None when it is not well formed."""
    total = 0
    for i, c in enumerate(s):
        v = _ROMAN.get(c)
        if v is None:
            return None
        total += -v if i + 1 < len(s) and _ROMAN.get(s[i + 1], 0) > v else v
    return total if total and _to_roman(total) == s else None


def _to_roman(n: int) -> str:
    out = ""
    for v, r in ((100, "C"), (90, "XC"), (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"),
                 (4, "IV"), (1, "I")):
        while n >= v:
            out += r
            n -= v
    return out


def _month(word: str) -> int:
    w = word.lower().rstrip(".")
    return _MONTHS.get(w) or _MONTH_ABBR.get(w, 0)


def _words_value(words: Sequence[str]) -> Optional[float]:
    total = current = 0
    seen = False
    for w in words:
        w = w.lower()
        if w == "and":
            continue
        if w in _EN_UNITS:
            current += _EN_UNITS[w]
        elif w in _EN_TENS:
            current += _EN_TENS[w]
        elif w == "dozen":
            current = (current or 1) * 12
        elif w == "hundred":
            current = (current or 1) * 100
        elif w in ("thousand", "million", "billion", "trillion"):
            total += (current or 1) * _EN_SCALE[w]
            current = 0
        else:
            return None
        seen = True
    return float(total + current) if seen else None


#: letters that case-insensitive matching equates with ASCII letters (İ ı ſ K)
_ASCII_TWINS = ("\u0130", "\u0131", "\u017f", "\u212a")
#: bytes.translate table: a-z kept, every other byte a space
_AZ_ONLY = bytes(c if 97 <= c <= 122 else 32 for c in range(256))
_DIGIT = re.compile(r"\d")
_MONTH_WORDS = frozenset(_MONTHS) | frozenset(_MONTH_ABBR)
_ORDINAL_WORDS = frozenset(w.split("-")[0] for w in _ORDINALS) | frozenset(_ORD_SECTORS)
_NUMBER_WORDS = frozenset(_EN_UNITS) | frozenset(_EN_TENS) | frozenset(_SCALE_WORDS)
_FRACTION_WORDS = frozenset({"half", "halves", "third", "thirds", "quarter", "quarters", "fourth",
                             "fourths", "fifth",
                             "fifths", "tenth", "tenths"})


_DIGITS = re.compile(r"\d+")
#: words that start a match of _EN_FRACTION, _EN_ROMAN_AFTER
_FRACTION_STARTS = frozenset("a an one two three four five six seven eight nine half".split())
_ROMAN_AFTER_WORDS = frozenset(w.lower() for w in _PART_WORDS)
#: the characters a currency mark of _EN_NUMBER starts with, and its longest form ("RMB ")
_CURRENCY_ALTERNATIVES = _CURRENCY[3:-1].split("|")
_CURRENCY_FIRST = frozenset(c for a in _CURRENCY_ALTERNATIVES for c in (a.lstrip("\\")[0].lower(),
                                                                       a.lstrip("\\")[0].upper()))
_CURRENCY_LONGEST = max(len(a.replace("\\s?", " ").replace("\\", "")) for a in _CURRENCY_ALTERNATIVES)


class _EnglishText:
    """What :func:`en_quantities` learns about a text once, to run each pattern only where it can
    match (the result is the same, found faster): whether the text has a digit, and its words
    in lower case. Where it holds a letter that case-insensitive matching equates with an ASCII
    letter (İ ı ſ K), every pattern runs everywhere."""

    __slots__ = ("text", "digit", "lower", "words", "_runs", "_first_digit")

    def __init__(self, text: str) -> None:
        self.text = text
        first = _DIGIT.search(text)
        self.digit = first is not None
        self._first_digit = first.start() if first is not None else len(text)
        self._runs: Optional[List[int]] = None
        # one search per letter of _ASCII_TWINS (much faster than a pattern of the four)
        if not text.isascii() and any(c in text for c in _ASCII_TWINS):
            self.lower = self.words = None
        else:
            self.lower = text.lower()  # same length: only İ lower-cases to two characters
            # the runs of [a-z] of the lower-case text: every other character (a non-ASCII one
            # is bytes from 0x80 in UTF-8) made a space, split at the spaces
            self.words = set(self.lower.encode("utf-8", "surrogatepass").translate(_AZ_ONLY)
                             .decode("ascii").split())

    def may(self, words) -> bool:
        """False when none of ``words`` (lower case) is a word of the text."""
        return self.words is None or not self.words.isdisjoint(words)

    def at_words(self, rx, words):
        """``rx.finditer(text)``, for a pattern each match of which starts with one of ``words``
        as a whole word (``\\bword\\b``, case-insensitively)."""
        if self.words is None:
            return rx.finditer(self.text)
        present = self.words.intersection(words)
        if not present:
            return ()
        low, starts = self.lower, []
        n = len(low)
        for w in present:
            k = len(w)
            i = low.find(w)
            while i >= 0:
                if (i == 0 or not "a" <= low[i - 1] <= "z") and \
                        (i + k == n or not "a" <= low[i + k] <= "z"):
                    starts.append(i)
                i = low.find(w, i + 1)
        starts.sort()
        return _matches_at(rx, self.text, starts)

    def _digit_runs(self) -> List[int]:
        """Where each run of digits starts (searched from the first digit)."""
        return [m.start() for m in _DIGITS.finditer(self.text, self._first_digit)]

    def at_digits(self, rx):
        """``rx.finditer(text)``, for a pattern each match of which starts a run of digits (its
        first digit follows no digit: _EN_DATE_DM, _EN_DECADE, _EN_YEAR_RANGE, _EN_SLASH_FRACTION,
        _LIST_LABEL_HINT), tried at those runs instead of searched for (each search reads the
        whole text)."""
        if self.words is None:
            return rx.finditer(self.text)
        if self._runs is None:
            self._runs = self._digit_runs()
        return _matches_at(rx, self.text, self._runs)

    def at_numbers(self, rx, back: int = 0, lead=frozenset()):
        """``rx.finditer(text)``, for a pattern each match of which starts at a run of digits
        (after nothing that is a digit) or up to ``back`` characters before one, at a character
        of ``lead``."""
        if self.words is None or not back:
            return self.at_digits(rx)
        if self._runs is None:
            self._runs = self._digit_runs()
        text, starts = self.text, set(self._runs)
        for d in self._runs:
            starts.update(i for i in range(max(0, d - back), d) if text[i] in lead)
        return _matches_at(rx, text, sorted(starts))


def _matches_at(rx, text: str, starts: Sequence[int]):
    """What ``rx.finditer(text)`` yields when a match can start only at ``starts`` (ascending)
    and none is empty."""
    end = 0
    for p in starts:
        if p >= end:
            m = rx.match(text, p)
            if m is not None:
                yield m
                end = m.end()


def en_quantities(text: str) -> List[Quantity]:
    """Quantities in English text, in text order."""
    found = _Found(len(text))
    out, free, add = found.out, found.free, found.add
    scan = _EnglishText(text)
    digit, may = scan.digit, scan.may
    months = may(_MONTH_WORDS)

    hint = next(scan.at_digits(_LIST_LABEL_HINT), None) if digit else None
    if hint is not None:  # a label starts at the line's start before the digits, or at "("
        k = hint.start() - (text[hint.start() - 1:hint.start()] == "(")
        while k > 0 and text[k - 1].isspace():
            k -= 1
    for m in _LIST_LABEL_EN.finditer(text, k) if hint is not None else ():
        g = next(i for i in (1, 2, 3) if m.group(i))
        s = m.start(g) - (1 if g == 3 else 0)
        add(Quantity(s, m.end(), text[s:m.end()], (float(m.group(g)),), "ordinal", False))
    for matches in (_ROMAN_LABEL_EN.finditer(text), scan.at_words(_EN_ROMAN_AFTER, _ROMAN_AFTER_WORDS)):
        for m in matches:
            v = roman_value(m.group(1))
            if v is not None and free(m.start(1), m.end()):
                add(Quantity(m.start(1), m.end(), text[m.start(1):m.end()], (float(v),), "ordinal", False))
    for m in scan.at_digits(_EN_DECADE) if digit else ():
        add(Quantity(m.start(), m.end(), m.group(), (float(m.group(1)),), "year"))
    for m in scan.at_digits(_EN_SLASH_FRACTION) if digit else ():
        num, den = float(m.group(1)), float(m.group(2))
        if num < den and free(m.start(), m.end()):
            add(Quantity(m.start(), m.end(), m.group(), (num / den, 100 * num / den), "fraction"))
    for rx, dm in ((_EN_DATE_DM, True), (_EN_DATE_MD, False)):
        matches = () if not (digit and months) else \
            scan.at_digits(rx) if dm else scan.at_words(rx, _MONTH_WORDS)
        for m in matches:
            if not free(m.start(), m.end()):
                continue
            month_word = m.group(3) if dm else m.group(1)
            if month_word == "may" or (len(month_word.rstrip(".")) <= 4 and month_word.islower()):
                continue  # the verb, or a lower-case word that only looks like a month
            month = _month(month_word)
            d1, d2 = (m.group(1), m.group(2)) if dm else (m.group(2), m.group(3))
            days = [int(d) for d in (d1, d2) if d]
            if not month or any(not 1 <= d <= 31 for d in days):
                continue
            if len(days) == 1:
                add(Quantity(m.start(), m.end(), m.group(), (month * 100 + days[0],), "date"))
            else:  # 27-28 MAR: two dates
                g1, g2 = (1, 2) if dm else (2, 3)
                add(Quantity(m.start(g1), m.end(g1), m.group(g1), (month * 100 + days[0],), "date"))
                add(Quantity(m.start(g2), m.end(g2), m.group(g2), (month * 100 + days[1],), "date"))
                found.claim(m.start(), m.end())
    for m in scan.at_words(_EN_MONTH, _MONTH_WORDS) if months else ():
        if not free(m.start(), m.end()):
            continue
        w = m.group(1)
        if w == "may" or (w.islower() and len(w) <= 4) or (w == "May" and _may_is_verb(text, m)):
            continue
        add(Quantity(m.start(), m.end(), m.group(), (float(_month(w)),), "month", False))
    for m in scan.at_digits(_EN_YEAR_RANGE) if digit else ():
        y1 = int(m.group(1))
        y2 = int(m.group(1)[:2] + m.group(2))
        if y2 != y1 + 1:
            continue
        add(Quantity(m.start(1), m.end(1), m.group(1), (float(y1),), "year"))
        add(Quantity(m.start(2), m.end(2), m.group(2), (float(y2), float(m.group(2))), "year"))
    for m in scan.at_numbers(_EN_NUMBER, _CURRENCY_LONGEST, _CURRENCY_FIRST) if digit else ():
        s = m.start(2)
        if not free(s, m.end(2)):
            continue
        integer, fraction = m.group(2), m.group(3) or ""
        suffix = (m.group(5) or m.group(8) or "").lower()
        scale_word = (m.group(6) or m.group(7) or "").lower()
        if scale_word in ("m", "k") and m.group(1) is None and text[m.end(2):m.end(2) + 1] == " ":
            scale_word = ""  # "5 m" is a length
        value = float(integer.replace(",", "") + ("." + fraction if fraction else ""))
        scale = _EN_SCALE.get(scale_word, 1)
        approx = (m.start() > 0 and text[m.start() - 1].isspace()  # "about ", "over\t"...
                  and bool(_EN_APPROX.search(text[max(0, m.start() - 20):m.start()])))
        unit = _precision(integer, fraction, scale, approx)
        v = value * scale
        end = m.end()
        while end > s and text[end - 1].isspace():
            end -= 1
        span = text[s:end]
        if m.group(4):
            q = Quantity(s, end, span, (v,), "ordinal", True, 0.0)
        elif suffix in ("%", "percent") or suffix.startswith("per"):
            if suffix.startswith("percentage"):
                q = Quantity(s, end, span, (v, v * 100), "points", True, unit, approx)
            else:
                q = Quantity(s, end, span, (v,), "percent", True, unit, approx)
        elif suffix.startswith(("basis", "bp")):
            q = Quantity(s, end, span, (v, v / 100), "points", True, unit, approx)
        elif suffix in ("times", "-fold", "fold"):
            q = Quantity(s, end, span, (v, 100 * v), "times", True, unit, approx)
        elif (len(integer) == 4 and not fraction and not scale_word and 1900 <= value <= 2100
              and m.group(1) is None):
            q = Quantity(s, end, span, (v,), "year", True, 0.0)
        elif (m.group(1) or "").upper().startswith("FY"):
            q = Quantity(s, end, span, (v,), "year", True, 0.0)
        else:
            q = Quantity(s, end, span, (v,), "number", True, unit, approx)
        add(q)
    for m in scan.at_words(_EN_FRACTION, _FRACTION_STARTS) if may(_FRACTION_WORDS) else ():
        if not free(m.start(), m.end()):
            continue
        if (m.group(1) and m.group(1).lower() in ("a", "an") and m.group(2).lower() in _ORD_UNITS
                and re.match(r"\s+(?!of\b|and\b|or\b)[a-z]", text[m.end():])):
            continue  # "a third party", "a fifth consecutive year": an ordinal, read below
        if m.group(3):
            num, den = 1.0, 2.0
        else:
            count = m.group(1).lower()
            if count not in ("a", "an") and count not in _EN_UNITS:
                continue  # a look-alike letter ("ſix") that case-insensitive matching let through
            num = 1.0 if count in ("a", "an") else float(_EN_UNITS[count])
            den_word = m.group(2).lower().rstrip("s")
            den_word = "half" if den_word.startswith("hal") else den_word
            if den_word not in _FRACTIONS:
                continue  # a look-alike letter ("fifthſ")
            den = 1 / _FRACTIONS[den_word]
        v = num / den
        add(Quantity(m.start(), m.end(), m.group(), (v, 100 * v), "fraction", False))
    for m in scan.at_words(_EN_ORDINAL, _ORDINAL_WORDS):
        if not free(m.start(), m.end()):
            continue
        w = m.group(1).lower()
        v = _ORDINALS.get(w) or _ORD_SECTORS.get(w)
        if v is None:
            continue  # a look-alike letter ("ſecond") that case-insensitive matching let through
        add(Quantity(m.start(), m.end(), m.group(), (float(v),), "ordinal", False))
    for m in scan.at_words(_EN_WORDS, _NUMBER_WORDS):
        s, e = m.start(), m.end()
        if not free(s, e):
            continue
        for rs, re_, value in _word_runs(text, s, e):
            add(_word_quantity(text, rs, re_, value))
    out.sort(key=lambda q: q.start)
    return out


_PERCENT_AFTER = re.compile(r"\s*(%|percent\b|per\s+cent\b|percentage\s+points?\b)", re.IGNORECASE)


def _word_quantity(text: str, s: int, e: int, value: float) -> Quantity:
    after = _PERCENT_AFTER.match(text, e)
    kind = "number"
    if after:
        e = after.end()
        kind = "points" if "point" in after.group(1).lower() else "percent"
    return Quantity(s, e, text[s:e], (value,), kind, False)



def _word_runs(text: str, s: int, e: int):
    """(start, end, value) of each number in a run of number words: "one hundred and forty" is
    one number, "three and five" or "one two" are two."""
    runs = []
    cur: List[Tuple[int, int, str]] = []
    for m in re.finditer(r"[A-Za-z]+", text[s:e]):
        w = m.group().lower()
        a, b = s + m.start(), s + m.end()
        if w == "and":
            if cur and cur[-1][2] in _SCALE_WORDS:
                continue
            runs.append(cur)
            cur = []
            continue
        if cur:
            last = cur[-1][2]
            small = lambda x: x in _EN_UNITS or x in _EN_TENS  # noqa: E731
            if small(w) and small(last) and not (last in _EN_TENS and w in _EN_UNITS
                                                and _EN_UNITS[w] < 10):
                runs.append(cur)
                cur = []
        cur.append((a, b, w))
    runs.append(cur)
    out = []
    for run in runs:
        if not run:
            continue
        value = _words_value([w for _, _, w in run])
        if value is not None:
            out.append((run[0][0], run[-1][1], value))
    return out


def _may_is_verb(text: str, m) -> bool:
    """"May" starting a sentence and followed by a lower-case word is the verb."""
    nxt = text[m.end():m.end() + 20].lstrip()
    return bool(nxt) and nxt[0].islower() and not nxt[:1].isdigit()


def unmatched(source: Sequence[Quantity], target: Sequence[Quantity]
              ) -> Tuple[List[Quantity], List[Quantity]]:
    """Strong source quantities with no same-valued target quantity, and strong target
    quantities with no same-valued source quantity (weak ones count as evidence)."""
    src_missing = [q for q in source if q.strong and not any(same_value(q, t) for t in target)]
    tgt_extra = [q for q in target if q.strong and not any(same_value(s, q) for s in source)]
    return src_missing, tgt_extra


def describe(q: Quantity) -> str:
    """How a quantity's value is shown in a message ("34,063,700,000,000", "March 5")."""
    v = q.value
    if q.kind == "date":
        month, day = divmod(int(v), 100)
        return f"{_MONTH_NAMES[month - 1]} {day}"
    if q.kind == "month":
        return _MONTH_NAMES[int(v) - 1]
    shown = f"{v:,.0f}" if v == int(v) else f"{v:,.10g}" if abs(v) < 1e15 else f"{v:g}"
    if q.kind == "percent":
        return shown + "%"
    if q.kind == "points":
        return shown + " percentage points"
    if q.kind == "year" and len(q.values) > 1:
        return f"{int(q.values[0])} (= {int(q.values[1])})"
    return shown


_MONTH_NAMES = ("January February March April May June July August September October "
                "November December").split()


def year_votes(pairs: Sequence[Tuple[str, str]], *, zh=None, en=None) -> List[Tuple[int, int]]:
    """``(pair position, year)`` for each year the English adds where the Chinese of that pair
    says 本年 / 去年 / 上半年…: the year those relative expressions refer to, by pair. ``zh``
    and ``en`` stand in for :func:`zh_quantities` and :func:`en_quantities` (a caller that
    remembers the quantities of each text)."""
    zh, en = zh or zh_quantities, en or en_quantities
    votes: List[Tuple[int, int]] = []
    for k, (src, tgt) in enumerate(pairs):
        offsets = relative_year_offsets(src)
        if len(offsets) != 1:
            continue
        src_q = zh(src)
        for q in en(tgt):
            if q.kind == "year" and not any(same_value(s, q) for s in src_q):
                votes.append((k, int(q.value) - offsets[0]))
    return votes


def document_year(votes: Sequence[Tuple[int, int]], exclude: int = -1) -> Optional[int]:
    """The most frequent year of ``votes`` (see :func:`year_votes`) leaving out those of pair
    ``exclude`` (a pair cannot vouch for itself); None when there is none or a tie."""
    counts: Dict[int, int] = {}
    for k, y in votes:
        if k != exclude:
            counts[y] = counts.get(y, 0) + 1
    if not counts:
        return None
    best = sorted(counts.items(), key=lambda kv: -kv[1])
    if len(best) > 1 and best[0][1] == best[1][1]:
        return None
    return best[0][0]


def is_reference(text: str, q: Quantity) -> bool:
    """True when English quantity ``q`` numbers a part of a text it refers to ("Article 12",
    "Paragraph 1", "Items 2 to 6")."""
    before = text[max(0, q.start - 40):q.start]
    before = re.sub(r"(?:\d+(?:-\d+)?\s*(?:,|and|or|to|through)\s*)+$", "", before)
    return bool(_EN_REFERENCE.search(before))


def leading_label(quantities: Sequence[Quantity]) -> Optional[Quantity]:
    """The list label (一、 （一） 一␣ "1." "I.") a segment starts with, if any."""
    if quantities and quantities[0].kind == "ordinal" and not quantities[0].strong:
        q = quantities[0]
        return q if q.text.endswith(("、", ")", "）", ".", " ", "\u3000")) else None
    return None

"""The numbers model (termbase.numbers): Chinese and English quantities compared by value."""
from __future__ import annotations

import dataclasses
import re

import pytest

from termbase import numbers
from termbase.numbers import (en_quantities, parse_zh_numeral, relative_year_offsets, roman_value,
                              unmatched, zh_quantities)

# (Chinese, English): the same numbers, written as a translator of official and financial texts
# writes them
SAME = [
    # scales, decimals, thousands separators, Traditional 萬/億, currencies
    ("1,818億港元", "HK$181.8 billion"), ("681亿元", "68.1 billion yuan"), ("1.2万人", "12,000 people"),
    ("500万", "5 million"), ("500万", "5,000,000"), ("340637亿元", "34,063.7 billion yuan"),
    ("340637亿元", "34.1 trillion yuan"), ("722786億元", "72,278.6 billion yuan"),
    ("17010萬噸", "170.10 million tons"), ("224萬噸", "2.24 million tons"), ("13926万吨", "139.26 million tons"),
    ("162万吨", "1.62 million tons"), ("3.5亿", "350 million"), ("5.5亿", "550 million"),
    ("1,200万", "12 million"), ("2万亿元", "2 trillion yuan"), ("2萬億元", "RMB2 trillion"),
    ("1.07萬億元人民幣", "RMB1.07 trillion"), ("28.5萬億港元", "HK$28.5 trillion"),
    ("2188億港元", "HK$218.8 billion"), ("1316億美元", "US$131.6 billion"), ("3千万", "30 million"),
    ("1.5亿美元", "US$150 million"), ("200億元", "NT$20 billion"), ("12.5万", "125,000"),
    ("4.08萬億港元", "HK$4.08 trillion"), ("约1.3万亿", "about 1.3 trillion"), ("15亿", "1.5bn"),
    ("3000万", "30m"), ("两千", "2,000"), ("１２．５万", "125,000"),
    # Chinese numerals, Simplified, Traditional, 大写
    ("二十五", "twenty-five"), ("二十五", "25"), ("一百四十", "140"), ("一百零五", "105"),
    ("三千五百万", "35 million"), ("一万二千", "12,000"), ("两亿", "200 million"), ("兩萬", "20,000"),
    ("壹佰贰拾元", "120 yuan"), ("貳拾", "20"), ("二〇二三年", "2023"), ("一千八百一十八亿", "181.8 billion"),
    ("三点五", "3.5"), ("七．三一％", "7.31%"), ("十四", "14"), ("二十个国家", "20 countries"),
    ("一百四十", "one hundred and forty"), ("三十", "thirty"), ("九十九", "ninety-nine"),
    # percentages, points, multiples, fractions
    ("增长30%", "increased by 30%"), ("增长30%", "30 percent"), ("增长30%", "30 per cent"),
    ("百分之三十", "30%"), ("百分之五十", "50 percent"), ("百分之五十", "half"), ("百分之二十五", "a quarter"),
    ("百分之三点五", "3.5%"), ("2.3倍", "230%"), ("2.3倍", "2.3 times"), ("三成", "30%"),
    ("0.5个百分点", "50 basis points"), ("0.5個百分點", "0.5 percentage point"),
    ("0.125個百分點", "12.5 basis points"), ("提高1.6个百分点", "up 1.6 percentage points"),
    ("收窄1.7、0.7、8.3個百分點", "1.7 percentage points, 0.7 percentage points and 8.3 percentage points"),
    ("三分之一", "one-third"), ("三分之二", "two-thirds"), ("四分之一", "a quarter"), ("一半", "half"),
    ("二分之一", "one-half"), ("-41.9%", "negative 41.9%"), ("下降1.3%", "a decrease of 1.3 percent"),
    ("0.37%", "0.37%"), ("升至4.64%", "reached 4.64%"), ("增长5.2%", "5.2 percent"),
    # approximations
    ("140余篇", "Over 140 posts"), ("140多篇", "more than 140 posts"), ("近30%", "nearly 30%"),
    ("约500万", "about 5 million"), ("逾200家", "over 200"), ("5%左右", "around 5 percent"),
    ("突破500万", "over 5 million"),
    # ordinals
    ("第二", "second"), ("第二次会议", "Second Session"), ("第十四届", "14th"), ("党的二十大", "the 20th CPC"),
    ("第一产业", "the primary industry"), ("第三产业", "the tertiary industry"), ("第5名", "5th"),
    ("历史第二高", "the second highest"), ("第二十次", "20th"),
    # dates, months, years, fiscal years
    ("4月26日", "26 April"), ("4月26日", "26 Apr"), ("4月26日", "April 26"), ("4月26日", "Apr. 26"),
    ("3月27日至28日", "27-28 MAR"), ("3月5日", "March 5"), ("2024年3月5日", "March 5, 2024"),
    ("2023年3月", "March 2023"), ("12月", "December"), ("本（1）月8日", "January 8"),
    ("去（97）年12月", "December 2008"), ("93年9月", "September 2004"), ("1至5月", "January-May"),
    ("1至5月", "January to May"), ("2023年", "in 2023"), ("2023/24年度", "2023/24"),
    ("2023/24年度", "2023-24"), ("2023年", "FY2023"), ("十月一日", "October 1"), ("五月四日", "4 May"),
    ("2008年", "2008"), ("去年11月", "November"), ("9月18日", "18 September"), ("6月", "June"),
    # ranges
    ("3至5", "3-5"), ("3至5", "three to five"), ("3到5年", "3 to 5 years"), ("10-15", "10 to 15"),
    ("2至3倍", "two to three times"),
    # list labels and date annotations (weak on both sides)
    ("（一）物價", "1. Inflationary"), ("一、农业生产", "1. Agricultural"), ("一、农业生产", "Agricultural"),
    ("本（7）日", "today"), ("二、本次降息", "II. The decision"),
    # real law, white-paper and work-report text (tests/data/real): references, fourths, spaced 第,
    # Roman chapter numbers, 兩 as a measure word, inline and bracketed list labels, slash
    # fractions, "a third party", ROC numeral years, PDF-spaced dates, decades
    ("除前項第三、第四兩款規定外", "except as is provided in Items 3 and 4 of the preceding paragraph"),
    ("立法委員四分之一以上之請求", "not less than one-fourth of its Members"),
    ("出席代表四分之三之決議", "a resolution of three-fourths of the delegates"),
    ("第 十一 章 地方制度", "Chapter XI. System of Local Government"),
    ("第 十四 章 憲法之施行及修改", "Chapter XIV. Enforcement and Amendment of the Constitution"),
    ("非經完成第二章所定之設立程序", "the formation procedures prescribed in Chapter II of this Act"),
    ("一、过去五年工作回顾", "I. Review of Work in the Past Five Years"),
    ("四、中国为建设更加美好的世界贡献力量", "IV. China Contributes to a Better World"),
    ("第三人為同一人持有股份者", "A third party who holds shares"),
    ("合計超過三分之一之企業", "more than one third (1/3) of its outstanding voting shares"),
    ("本法中華民國九十七年十二月九日修正之條文", "the amendment to the Act on December 9, 2008"),
    ("—— 2017 年 3 月 5 日在第十二届全国人民代表大会第五次会议上",
     "– Delivered at the Fifth Session of the 12th National People’s Congress on March 5, 2017"),
    ("20世纪70年代末以来", "Since the late 1970s"),
    ("本法稱授信，謂銀行辦理放款、透支、貼現", "the following business: 1.Extending loans; 2.Extending "
     "overdraft facilities; and 3.Discounting bills and notes"),
    ("（二）前目之人", "(2) An enterprise in which the persons"),
    # words that are not numbers
    ("万众创新", "mass innovation"), ("统一", "unified"), ("一带一路", "Belt and Road"),
    ("千方百计", "every possible means"), ("数十个", "dozens of"), ("十几年", "over a decade"),
    ("COVID-19", "COVID-19"), ("5G网络", "5G networks"), ("G20", "G20"), ("一季度", "the first quarter"),
    ("前三季度", "the first three quarters"), ("大众创业、万众创新", "mass entrepreneurship"),
    ("三大主题", "three themes"), ("四個月", "four months"), ("两会", "two sessions"),
]

# (Chinese, English): a number differs or is missing
DIFFERENT = [
    ("1,818億港元", "HK$18.18 billion"), ("681亿元", "6.81 billion yuan"), ("1.2万人", "1,200 people"),
    ("500万", "50 million"), ("500万", "500,000"), ("340637亿元", "34,063 billion yuan"),
    ("512万", "5 million"), ("2.3倍", "23%"), ("2.3倍", "3.2 times"), ("增长30%", "increased by 40%"),
    ("百分之三十", "13%"), ("百分之五十", "15 percent"), ("约30%", "nearly a third"),
    ("三分之一", "30%"), ("0.5个百分点", "5 basis points"), ("0.5个百分点", "0.05 percentage point"),
    ("4月26日", "26 March"), ("4月26日", "24 April"), ("3月27日至28日", "27-29 MAR"), ("2023年", "2022"),
    ("2024年3月5日", "March 15, 2024"), ("第十四届", "13th"), ("党的二十大", "the 19th CPC"),
    ("二十个国家", "30 countries"), ("一百四十", "104"), ("二十五", "52"), ("兩萬", "2,000"),
    ("140余篇", "Over 14 posts"), ("各15名选手", "The finalists"), ("3至5", "3-6"),
    ("93年9月", "September 2003"), ("去（97）年12月", "December 2009"), ("17010萬噸", "17.01 million tons"),
    ("0.37%", "0.73%"), ("升至4.64%", "reached 4.46%"), ("1至5月", "January-June"), ("3月5日", "March 6"),
    ("壹佰贰拾元", "102 yuan"), ("五月四日", "5 April"), ("2.00%", "1.50%"), ("三成", "3%"),
    ("1.07萬億元", "RMB10.7 trillion"), ("一千八百一十八亿", "1,818 million"), ("第二次会议", "3rd Session"),
    ("二〇二三年", "2032"),
    ("第 十一 章 地方制度", "Chapter XII. System of Local Government"), ("第二章", "Chapter III"),
    ("四分之一以上之請求", "one-fifth of its Members"), ("第三、第四兩款", "Items 3 and 5"),
    ("中華民國九十七年", "2009"), ("20世纪70年代", "the 1980s"), ("三分之一", "one fourth (1/4)"),
    ("2017 年 3 月 5 日", "March 15, 2017"), ("第四兩款", "Item 3"),
    ("合計超過三分之一之企業", "more than one third (1/6) of its shares"),
]


@pytest.mark.parametrize("zh,en", SAME)
def test_same_numbers_match(zh, en):
    missing, extra = unmatched(zh_quantities(zh), en_quantities(en))
    assert (missing, extra) == ([], [])


@pytest.mark.parametrize("zh,en", DIFFERENT)
def test_different_numbers_do_not_match(zh, en):
    missing, extra = unmatched(zh_quantities(zh), en_quantities(en))
    assert missing or extra


def test_table_sizes():
    assert len(SAME) + len(DIFFERENT) >= 150


@pytest.mark.parametrize("numeral,value", [
    ("二十", 20), ("十五", 15), ("一百四十", 140), ("一百零五", 105), ("三千五百万", 35_000_000),
    ("一万二千", 12_000), ("两亿", 200_000_000), ("二〇二三", 2023), ("三", 3), ("壹佰贰拾", 120),
    ("兩萬", 20_000), ("三点五", 3.5), ("一千八百一十八亿", 181_800_000_000),
    ("一五一十", None), ("万一", None), ("百", None), ("三点", None),
])
def test_parse_zh_numeral(numeral, value):
    assert parse_zh_numeral(numeral) == value


@pytest.mark.parametrize("text,values", [
    ("浏览量突破500万", [5_000_000]), ("增长30%", [30]), ("140余篇", [140]), ("2023年", [2023]),
    ("党的二十大", [20]), ("1,200万", [12_000_000]), ("5.5亿", [550_000_000]),
    ("百分之三十", [30]), ("3月5日", [305]), ("5G网络和COVID-19", []), ("本（7）日", []),
    ("一、农业", []),
])
def test_strong_zh_values(text, values):
    assert [q.value for q in zh_quantities(text) if q.strong] == pytest.approx(values)


@pytest.mark.parametrize("text,values", [
    ("over 5 million views", [5_000_000]), ("5,000,000 views", [5_000_000]),
    ("increased by 30%compared", [30]), ("Over 140 posts", [140]), ("the 20th CPC", [20]),
    ("5.5 billion", [5_500_000_000]), ("30 per cent", [30]), ("Release.6 issues", [6]),
    ("in 2023.The", [2023]), ("COVID-19 and 5G and G20", []), ("1. Inflationary", []),
    ("three and five", []), ("It may be", []),
])
def test_strong_en_values(text, values):
    assert [q.value for q in en_quantities(text) if q.strong] == pytest.approx(values)


@pytest.mark.parametrize("text,offsets", [
    ("本年物价上涨", (0,)), ("去年11月", (-1,)), ("过去一年是全面贯彻党的十九大精神开局之年", (-1,)),
    ("過去的一年", (-1,)), ("明年", (1,)), ("一年来", ()),
])
def test_relative_year_offsets(text, offsets):
    assert relative_year_offsets(text) == offsets


@pytest.mark.parametrize("numeral,value", [
    ("I", 1), ("IV", 4), ("IX", 9), ("XI", 11), ("XIV", 14), ("XL", 40), ("IIII", None), ("VX", None),
])
def test_roman_value(numeral, value):
    assert roman_value(numeral) == value


def test_spans_point_into_the_original_text():
    text = "增长１２．５％，达到1,818億港元"
    for q in zh_quantities(text):
        assert text[q.start:q.end] == q.text or q.text.isascii()


# The patterns as written and the forms the module searches with (look-behinds after the first
# digit, so that the regex engine skips to digits): they must find the same things.
READABLE = {
    "_EN_YEAR_RANGE": (r"(?<![\d.,])((?:19|20)\d\d)\s*[-/–]\s*(\d\d)(?![\d%])", 0),
    "_EN_DATE_DM": (r"(?<![\d.,])(\d{1,2})(?:st|nd|rd|th)?(?:\s*[-–]\s*(\d{1,2})(?:st|nd|rd|th)?)?"
                    r"\s+(" + numbers._MONTH_RX + r")\b\.?", re.IGNORECASE),
    "_EN_SLASH_FRACTION": (r"(?<![\d/.,])([1-9])/([2-9]|10)(?![\d/.,])", 0),
    "_EN_DECADE": (r"(?<![\d.,])((?:1[0-9]|20)\d0)s\b", 0),
    "_ZH_DAY_ONLY": (r"(?:(?<=[至到~～\-、和及与與])|(?<=[本今][(（]))(\d{1,2})[)）]?[日号號]", 0),
    "_ZH_ARABIC": (numbers._ZH_NUM + r"(?![A-Za-z\d])", 0),
}
PATTERN_TEXTS = [
    "2023-24", "12023-24", "1.2023-24", ",2019/20", "x2019 – 20%", "2019 - 2021", "1990-91 and 2000/01",
    "26 April", "1 26 April", "3.26 April", "27-28 MAR", "1st–2nd may", "27th - 28th Sept.", "5 Mayor",
    "1/3", "11/3", "1/10", "1/11", "/1/3", "2/3.", "3/4 and 1/2", "the 1970s", "1970s", "2020s",
    "21970s", ".1990s", "1980sx", "至28日", "到3号", "本（7）日", "本(12)日", "今（1）日", "-5號", "305日",
    "", "1", "a1", "2023", "19", "20",
    "1,818億", "a1,818億", "x-1,234,567.5万", "-12", ".5亿", "1.5.6", "1，234，5", "12,34", "1234,567",
    "１２．５万", "3千万", "5 万亿", "12a", "a-12", "ab-12", "b12", "٣٤ 千", "1,000,000,000", "1,0001",
]


@pytest.mark.parametrize("name", sorted(READABLE))
def test_fast_patterns_find_what_the_readable_ones_find(name):
    fast, readable = getattr(numbers, name), re.compile(*READABLE[name])
    for text in PATTERN_TEXTS + [en for _, en in SAME + DIFFERENT] + [zh for zh, _ in SAME + DIFFERENT]:
        found = [(m.span(), m.groups()) for m in fast.finditer(text)]
        assert found == [(m.span(), m.groups()) for m in readable.finditer(text)], text


ZH_LABEL_TEXTS = [
    "一、总则", "（一）总则", "(12) 条", "一 总则", "一　总则", "一  2", "\n\n二、x", "。一、a；二、b：三、c",
    "：\n（三）x", "；(4)；(5)", "x一、y", "一、\n二、", "十一、十二、", "\n 一、", "。。一、", "一、；二、",
    "（一）（二）", "三 \n", "\t(7)\t(8)", "：一\u3000\u3000x", "：一 1", "", "；", "\n",
]


def test_zh_list_labels_as_the_readable_pattern_finds_them():
    def found(matches):
        return [(m.span(1), m.span(2), m.end(), m.groups()) for m in matches]

    texts = ZH_LABEL_TEXTS + [a + b for a in ZH_LABEL_TEXTS for b in ZH_LABEL_TEXTS] + \
        [zh for zh, _ in SAME + DIFFERENT]
    for text in texts:
        assert found(numbers._zh_list_labels(text)) == found(numbers._LIST_LABEL_ZH.finditer(text)), text


SCAN_TEXTS = [
    "RMB 5 million", "about RMB 5 million", "RMB 2023", "USD 1999 and CNY\t2000", "FY 2023", "fy2023",
    "RMB5", "HKD 3", "US$ 4", "us$4", "fy 2023", "5 $6", "A1 and $2 and €3", "over HK$ 5 m",
    "One Third of them", "a third party", "an half", "Half", "TWENTY-FIRST", "Twenty-Five Thousand",
    "the second and Third", "Primary", "May 5", "on 5 MAY", "5 may", "Sept. 26", "Chapter XI",
    "Chapters II and IV", "chapter XI", "as follows: 1.Extending loans; 2.Extending", "(1) first",
    "intro:\n  (2) second", "text\n 12. Item", "by 30. The", "5.5. X", "; and 3.Y", "(12)\tx",
    "twenty-ſix", "ſix", "Kelvin K5", "İstanbul 5", "ıt 1. X", "five fourths", "one-fifth of them",
]


DIGIT_RUN_TEXTS = [
    "1. In 2023-24 and 1990s, 1/3 of 26 April", "x1. a 12023-24 .1990s 11/3 1 26 April", "intro:\n  (2) 3/4",
    "as follows: 1.Extending loans; 2.Extending; and 3.Z", "27-28 MAR 2019/20 2020s 5/10", "٣ 1970s ٢/٣",
]


@pytest.mark.parametrize("text", SCAN_TEXTS + [en for _, en in SAME + DIFFERENT] + PATTERN_TEXTS
                         + DIGIT_RUN_TEXTS)
def test_patterns_skipped_only_where_they_cannot_match(text, monkeypatch):
    fast = en_quantities(text)
    scan = numbers._EnglishText.__init__

    def everywhere(self, text):
        scan(self, text)
        self.lower = self.words = None  # as for a text with a letter like ſ

    # every pattern everywhere, and no list-label hint
    monkeypatch.setattr(numbers._EnglishText, "__init__", everywhere)
    monkeypatch.setattr(numbers, "_LIST_LABEL_HINT", re.compile(""))
    assert en_quantities(text) == fast


@dataclasses.dataclass(frozen=True)
class ReferenceQuantity:
    """Quantity as the generated dataclass (the declaration before its hand-written __init__)."""

    start: int
    end: int
    text: str
    values: tuple
    kind: str = "number"
    strong: bool = True
    unit: float = 0.0
    approx: bool = False


@pytest.mark.parametrize("args,kwargs", [
    ((0, 2, "12", (12.0,)), {}),
    ((3, 9, "1.2万", (12000.0,), "number", True, 1000.0, True), {}),
    ((1, 4, "第二", (2.0,)), {"kind": "ordinal", "strong": False}),
    ((), {"start": 5, "end": 8, "text": "一半", "values": (0.5, 50.0), "kind": "fraction",
          "unit": 0.25}),
])
def test_quantity_behaves_like_the_generated_dataclass(args, kwargs):
    import copy
    import pickle

    q, ref = numbers.Quantity(*args, **kwargs), ReferenceQuantity(*args, **kwargs)
    assert [(f.name, f.default) for f in dataclasses.fields(q)] == \
        [(f.name, f.default) for f in dataclasses.fields(ref)]
    assert dataclasses.asdict(q) == dataclasses.asdict(ref)
    assert list(vars(q)) == list(vars(ref)) and vars(q) == vars(ref)
    assert repr(q) == repr(ref).replace("ReferenceQuantity(", "Quantity(", 1)
    assert hash(q) == hash(ref) and q == numbers.Quantity(*args, **kwargs)
    assert (q.value, q.family) == (ref.values[0], ref.kind if ref.kind in ("date", "month", "day")
                                   else "number")
    for protocol in range(pickle.HIGHEST_PROTOCOL + 1):
        back = pickle.loads(pickle.dumps(q, protocol))
        assert back == q and vars(back) == vars(q)
    assert copy.deepcopy(q) == q
    assert dataclasses.replace(q, kind="year") == numbers.Quantity(
        **{**dataclasses.asdict(ref), "kind": "year"})
    with pytest.raises(dataclasses.FrozenInstanceError):
        q.start = 1
    with pytest.raises(TypeError):
        numbers.Quantity(1, 2)


_ALL_BUT_TWINS = "".join(f"x{chr(c)}Ab" for c in range(0x110000)
                         if chr(c) not in "\u0130\u0131\u017f\u212a")


@pytest.mark.parametrize("text", SCAN_TEXTS + [en for _, en in SAME + DIFFERENT] + [
    "", "  ", "Chongqing’s GDP grew 5%—the “fastest” café in Zürich", "ÀB Ωx ǅy ﬁve fIVE", "\ud800ab\udfffcd",
    _ALL_BUT_TWINS])
def test_english_words_are_the_letter_runs_of_the_lower_case_text(text):
    scan = numbers._EnglishText(text)
    if re.search("[\u0130\u0131\u017f\u212a]", text):
        assert scan.words is None  # every pattern runs everywhere
    else:
        assert scan.words == set(re.findall("[a-z]+", text.lower()))


@pytest.mark.parametrize("text", [zh for zh, _ in SAME + DIFFERENT] + PATTERN_TEXTS + ZH_LABEL_TEXTS + [
    "2019年3月5日", "本（97）年", "去(96)年", "二〇二三年", "中華民國九十七年", "2023/24年度", "九十年代",
    "3月27日至28日", "本（7）日", "今年", "年", "１２日", "至28日", "٣年", "20世纪70年代"])
def test_chinese_patterns_skipped_only_where_they_cannot_match(text, monkeypatch):
    fast = zh_quantities(text)
    monkeypatch.setattr(numbers, "_DIGIT", re.compile(""))  # every text "has a digit"
    monkeypatch.setattr(numbers, "_DAY_CHARS", re.compile(""))
    assert zh_quantities(text) == fast

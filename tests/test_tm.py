"""Translation memory: normalised exact lookup, indexed fuzzy lookup, loading, glossary repair."""
from __future__ import annotations

import random

import pytest
from rapidfuzz import fuzz

from termbase.errors import InputError
from termbase.glossary import parse_glossary
from translate.tm import TMUnit, TranslationMemory, load_tm, match_key
from translate.tm.repair import GlossaryRepair

GLOSSARY = """zh,en,forbidden
国际传播,international communication,
城市形象,city image,image of city
中国共产党,Communist Party of China,CCP
"""


@pytest.mark.parametrize("a, b", [
    ("我们加强国际传播。", "我们加强 国际传播。"),          # a stray space between Chinese
    ("我们加强国际传播。", "  我们加强国际传播。\n"),       # edges
    ("重庆GDP增长6%。", "重庆ＧＤＰ增长６％。"),            # full width
    ("今天天气很好。", "今天天氣很好。"),                  # Traditional
    ("TALK IN 重庆", "TALK  IN 重庆"),                     # runs of spaces in Latin
])
def test_match_key_equal(a, b):
    assert match_key(a) == match_key(b)


@pytest.mark.parametrize("a, b", [
    ("GDP增长。", "gdp增长。"),            # case is kept
    ("TALK IN 重庆", "TALKIN 重庆"),        # a space between Latin words is not layout
    ("增长6%。", "增长7%。"),
])
def test_match_key_different(a, b):
    assert match_key(a) != match_key(b)


def test_exact_and_normalised_matches():
    tm = TranslationMemory([TMUnit("今天天氣很好。", "The weather is fine.", "a.tmx", "a.tmx:3"),
                            TMUnit("我们加强国际传播。", "We strengthen international communication.")])
    hit = tm.exact("今天天气很好。")
    assert hit.unit.target == "The weather is fine." and hit.score == 100 and not hit.exact
    assert tm.exact("我们加强国际传播。").exact
    assert tm.exact("他们访问了重庆。") is None


def test_first_memory_wins_and_empty_units_are_skipped():
    tm = TranslationMemory()
    assert tm.add(TMUnit("重庆。", "Chongqing.", "first.tmx"))
    assert not tm.add(TMUnit("重庆。", "Chungking.", "second.tmx"))
    assert not tm.add(TMUnit("空。", "  ", "x"))
    assert tm.exact("重庆。").unit.origin == "first.tmx" and tm.duplicates == 1 and len(tm) == 1


def _brute_force(units, query, threshold):
    key = match_key(query)
    scored = [(i, fuzz.ratio(key, match_key(u.source))) for i, u in enumerate(units)]
    return sorted([(i, s) for i, s in scored if s >= threshold], key=lambda x: (-x[1], x[0]))


@pytest.mark.parametrize("threshold", [50, 75, 90])
def test_fuzzy_index_returns_what_comparing_every_unit_returns(threshold):
    rng = random.Random(threshold)
    alphabet = "我们加强国际传播城市形象重庆今天天气很好的了在是和对外开放合作交流。，"
    units = []
    seen = set()
    while len(units) < 600:
        s = "".join(rng.choice(alphabet) for _ in range(rng.randint(3, 30)))
        if match_key(s) not in seen:
            seen.add(match_key(s))
            units.append(TMUnit(s, f"t{len(units)}"))
    tm = TranslationMemory(units)
    for _ in range(60):
        base = rng.choice(units).source
        chars = list(base)
        for _ in range(rng.randint(0, 6)):  # edit a few characters
            op = rng.randrange(3)
            pos = rng.randrange(len(chars) + 1)
            if op == 0:
                chars.insert(pos, rng.choice(alphabet))
            elif chars and pos < len(chars):
                if op == 1:
                    del chars[pos]
                else:
                    chars[pos] = rng.choice(alphabet)
        query = "".join(chars)
        want = _brute_force(units, query, threshold)
        got = tm.fuzzy(query, threshold, limit=len(units))
        assert [(m.unit.target, round(m.score, 6)) for m in got] == \
            [(units[i].target, round(s, 6)) for i, s in want]


def test_fuzzy_best_first_and_threshold():
    tm = TranslationMemory([TMUnit("我们加强国际传播。", "A"), TMUnit("我们加强城市形象建设。", "B")])
    got = tm.fuzzy("我们加强城市形象。", 50)
    assert [m.unit.target for m in got] == ["B", "A"]
    assert all(m.score >= 50 for m in got) and tm.fuzzy("我们加强城市形象。", 60)[0].unit.target == "B"
    assert tm.fuzzy("完全不同的句子", 75) == []


def _write(path, text):
    path.write_text(text, encoding="utf-8")
    return path


TMX = """<?xml version="1.0" encoding="UTF-8"?>
<tmx version="1.4"><header srclang="zh-CN" datatype="plaintext" segtype="sentence" adminlang="en"
 o-tmf="x" creationtool="x" creationtoolversion="1"/><body>
<tu tuid="1"><tuv xml:lang="zh-CN"><seg>他们访问了重庆。</seg></tuv><tuv xml:lang="en-US"><seg>They visited Chongqing.</seg></tuv></tu>
<tu tuid="2"><tuv xml:lang="zh-CN"><seg>会议在<ph x="1">&lt;b&gt;</ph>重庆<ph x="2">&lt;/b&gt;</ph>举行。</seg></tuv><tuv xml:lang="en"><seg>The meeting was held in Chongqing.</seg></tuv></tu>
</body></tmx>
"""
XLIFF = """<?xml version="1.0" encoding="UTF-8"?>
<xliff version="1.2" xmlns="urn:oasis:names:tc:xliff:document:1.2"><file original="a" source-language="zh" target-language="en" datatype="plaintext"><body>
<trans-unit id="1"><source>我们欢迎外国朋友。</source><target state="final">We welcome foreign friends.</target></trans-unit>
<trans-unit id="2"><source>没有译文。</source></trans-unit>
</body></file></xliff>
"""


def test_load_tmx_xliff_and_tsv(tmp_path):
    tm = load_tm([_write(tmp_path / "a.tmx", TMX), _write(tmp_path / "b.xlf", XLIFF),
                  _write(tmp_path / "c.tsv", "zh\ten\n城市很美丽。\tThe city is beautiful.\n")])
    assert len(tm) == 4  # the XLIFF unit without target is skipped
    assert tm.exact("会议在重庆举行。").unit.target == "The meeting was held in Chongqing."
    assert tm.exact("我们欢迎外国朋友。").unit.origin.endswith("b.xlf")
    assert tm.exact("城市很美丽。").unit.location.endswith("c.tsv:2")
    assert tm.sources == [str(tmp_path / n) for n in ("a.tmx", "b.xlf", "c.tsv")]


@pytest.mark.parametrize("name, content, message", [
    ("m.doc", "x", "unknown translation memory type"),
    ("m.tsv", "a\tb\n1\t2\n", "header row must name"),
    ("m.tmx", "<tmx version='1.4'><body></body></tmx>", "no <tu> elements"),
    ("m.tmx", "<?xml version='1.0'?><!DOCTYPE x [<!ENTITY e 'x'>]><tmx/>", ""),
])
def test_bad_memory_is_a_one_line_input_error(tmp_path, name, content, message):
    path = _write(tmp_path / name, content)
    with pytest.raises(InputError) as err:
        load_tm([path])
    assert str(err.value).startswith(str(path)) and "\n" not in str(err.value)
    assert message in str(err.value)


def test_missing_memory(tmp_path):
    with pytest.raises(InputError, match="no such file"):
        load_tm([tmp_path / "none.tmx"])


@pytest.fixture
def repair():
    glossary, _ = parse_glossary(GLOSSARY, "g.csv")
    return GlossaryRepair(glossary)


@pytest.mark.parametrize("source, tm_source, tm_target, english, methods", [
    # the memory's term differs from the segment's: its rendering is swapped
    ("我们加强城市形象。", "我们加强国际传播。", "We strengthen international communication.",
     "We strengthen city image.", {"城市形象": "replaced"}),
    # capitalised at the start of the sentence
    ("城市形象很重要。", "国际传播很重要。", "International communication is important.",
     "City image is important.", {"城市形象": "replaced"}),
    # a forbidden rendering in the memory is replaced
    ("中国共产党的领导。", "中国共产党的领导作用。", "The leadership of the CCP.",
     "The leadership of the Communist Party of China.", {"中国共产党": "replaced"}),
    # already right: kept
    ("我们加强国际传播工作。", "我们加强国际传播。", "We strengthen international communication.",
     "We strengthen international communication.", {"国际传播": "tm"}),
    # the memory has no rendering to swap: the term is reported failed
    ("我们加强城市形象。", "我们加强合作。", "We strengthen cooperation.",
     "We strengthen cooperation.", {"城市形象": "failed"}),
])
def test_fuzzy_match_repair(repair, source, tm_source, tm_target, english, methods):
    text, terms, notes = repair.repair(source, tm_source, tm_target)
    assert text == english
    assert {t.term: t.method for t in terms} == methods
    assert bool(notes) == (text != tm_target)


def test_exact_match_verification_does_not_change_the_translation(repair):
    terms = repair.verify("我们加强城市形象。", "We strengthen the image of city.")
    assert [(t.term, t.method) for t in terms] == [("城市形象", "failed")]

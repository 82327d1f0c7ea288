"""Property tests: every export → import round trip returns the same glossary (or, for the
formats that cannot carry every field, exactly what they carry)."""
from __future__ import annotations

import re
from dataclasses import replace

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from termbase.glossary import Entry
from termbase.interop import export_glossary, get_format, import_glossary
from termbase.interop.tbx import collapse_space, validate_tbx_basic
from termbase.normalize import normalize_zh

_PLAIN = st.characters(blacklist_categories=("Cc", "Cs", "Cn", "Zl", "Zp"),
                       blacklist_characters="|")
_CJK = st.characters(min_codepoint=0x4E00, max_codepoint=0x9FA5)
_PUNCT = st.sampled_from(list(',;"\'<>&«»“”《》 -'))


def _value(alphabet, max_size=14):
    return st.text(alphabet, min_size=1, max_size=max_size).map(str.strip).filter(bool)


zh_term = st.tuples(_CJK, st.text(st.one_of(_CJK, _PLAIN, _PUNCT), max_size=8)).map(
    lambda t: (t[0] + t[1]).strip())
en_term = _value(st.one_of(_PLAIN, _PUNCT))
free_text = st.one_of(st.just(""), _value(st.one_of(_PLAIN, _PUNCT, st.just("\n")), 40))


@st.composite
def glossaries(draw):
    entries, seen_zh = [], set()
    for _ in range(draw(st.integers(1, 5))):
        zh = []
        for v in draw(st.lists(zh_term, min_size=1, max_size=3)):
            key = normalize_zh(v)
            if key not in seen_zh:
                seen_zh.add(key)
                zh.append(v)
        if not zh:
            continue
        renderings, folded = [], set()
        for r in draw(st.lists(en_term, min_size=1, max_size=5)):
            if r.casefold() not in folded:
                folded.add(r.casefold())
                renderings.append(r)
        n_approved = draw(st.integers(1, len(renderings)))
        terms = zh + renderings
        typed = draw(st.lists(st.sampled_from(terms), unique=True, max_size=2))
        entries.append(Entry(zh=tuple(zh), en=tuple(renderings[:n_approved]),
                             forbidden=tuple(renderings[n_approved:]),
                             case_sensitive=draw(st.booleans()), note=draw(free_text),
                             source=draw(free_text), subject=draw(free_text),
                             definition=draw(free_text),
                             pos=draw(st.sampled_from(["", "noun", "verb", "other"])),
                             term_type=tuple((t, draw(st.sampled_from(["acronym", "fullForm"])))
                                             for t in typed),
                             xref=tuple(draw(st.lists(st.sampled_from(
                                 ["https://example.org/a", "site <https://example.org/b>"]),
                                 unique=True, max_size=2)))))
        if entries[-1].definition:  # a definition's source travels with its definition
            entries[-1] = replace(entries[-1], definition_source=draw(free_text))
    return entries


def _fields(entries):
    return [(e.zh, e.en, e.forbidden, e.case_sensitive, e.note, e.source, e.extras())
            for e in entries]


_SETTINGS = settings(max_examples=40, deadline=None,
                     suppress_health_check=[HealthCheck.function_scoped_fixture,
                                            HealthCheck.too_slow])
_EXT = {"tbx": ".tbx", "tbx-v2": ".tbx", "tmx": ".tmx", "xlsx": ".xlsx", "csv": ".csv",
        "tsv": ".tsv", "deepl": ".csv", "amazon": ".csv", "omegat": ".utf8"}


def _round_trip(tmp_path, fmt, entries, ext=None):
    path = tmp_path / f"out{ext or _EXT[fmt]}"
    export_glossary(entries, path, fmt, force=True)
    return path, import_glossary(path, "tbx" if fmt == "tbx-v2" else fmt).entries


@pytest.mark.parametrize("fmt", ["tbx", "tbx-v2", "tmx", "xlsx", "csv", "tsv"])
@_SETTINGS
@given(entries=glossaries())
def test_full_formats_round_trip_every_field(tmp_path, fmt, entries):
    if fmt.startswith("tbx"):
        # TBX collapses XML whitespace (indentation, line breaks) in every text it reads
        assume(all(collapse_space(t) == t for e in entries for t in e.zh + e.en + e.forbidden))
        entries = [replace(e, **{f: collapse_space(getattr(e, f)) for f in (
            "note", "source", "subject", "definition", "definition_source")}) for e in entries]
    path, back = _round_trip(tmp_path, fmt, entries)
    assert _fields(back) == _fields(entries)
    if fmt == "tbx":
        assert validate_tbx_basic(path.read_bytes(), path) == []


@pytest.mark.parametrize("fmt", ["xlsx", "csv", "tsv"])
@pytest.mark.parametrize("value", ["'=acronym", "'quoted", "''+1", "=SUM(A1)", "-5", "'"])
def test_values_starting_with_a_quote_or_a_formula_sign_round_trip(tmp_path, fmt, value):
    # a worksheet stores text cells as text (no quote added, none taken off); the text formats
    # put a quote before what a spreadsheet would run and take exactly that one off again
    entries = [Entry(zh=("一带一路",), en=("Belt and Road",), forbidden=(value,),
                     note=value, term_type=((value, "acronym"),))]
    _, back = _round_trip(tmp_path, fmt, entries)
    assert _fields(back) == _fields(entries)


@pytest.mark.parametrize("fmt", ["deepl", "amazon", "omegat"])
@pytest.mark.parametrize("value", ["'=", "'+1", "=SUM(A1)"])
def test_tool_layouts_keep_a_leading_quote_verbatim(tmp_path, fmt, value):
    # DeepL, Amazon and OmegaT take a cell as the term itself: written and read as it is
    entries = [Entry(zh=("一带一路",), en=(value,))]
    _, back = _round_trip(tmp_path, fmt, entries)
    assert [e.en for e in back] == [(value,)]


@pytest.mark.parametrize("fmt,ext", [("deepl", ".csv"), ("deepl", ".tsv"), ("amazon", ".csv")])
@_SETTINGS
@given(entries=glossaries())
def test_two_column_formats_carry_each_variant_with_its_preferred_rendering(tmp_path, fmt, ext,
                                                                            entries):
    _, back = _round_trip(tmp_path, fmt, entries, ext)
    assert {v: e.en for e in back for v in e.zh} == {v: (e.preferred,) for e in entries
                                                      for v in e.zh}
    assert not any(e.forbidden or e.note or e.source or e.case_sensitive or any(e.extras().values())
                   for e in back)


@_SETTINGS
@given(entries=glossaries())
def test_omegat_carries_variants_alternatives_and_flattened_note(tmp_path, entries):
    _, back = _round_trip(tmp_path, "omegat", entries)
    flat = lambda s: re.sub(r"[\t\r\n]+", " ", s).strip()  # noqa: E731
    assert {v: (e.en, e.note) for e in back for v in e.zh} == {
        v: (e.en, flat(e.note)) for e in entries for v in e.zh}


def test_format_declarations_match_what_the_round_trip_keeps():
    assert get_format("tbx").carries == get_format("csv").carries == get_format("xlsx").carries
    assert get_format("tbx-v2").carries == get_format("tmx").carries == get_format("csv").carries
    assert "forbidden" not in get_format("deepl").carries
    assert "note" in get_format("omegat").carries and "source" not in get_format("omegat").carries

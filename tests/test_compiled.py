"""The compiled termbase: same results as the glossary it comes from, cached by content, rebuilt
when the glossary changes or the cache is damaged, harmless when the cache cannot be written."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli import main
from termbase import compiled as compiled_mod
from termbase.aligned import SegmentPair, read_aligned
from termbase.compiled import (CompiledTermbase, DamagedError, build_compiled, cache_dir,
                               compiled_from_glossary, load_compiled)
from termbase.en_match import phrase_firsts, token_folds, tokenize_en
from termbase.glossary import load_glossary
from termbase.qa import run_checks
from termbase.qa.base import CheckContext
from termbase.qa.registry import select_checks
from termbase.qa.typography import proper_names
from termbase.reports import render_report

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"
GLOSSARY = ROOT / "glossary.csv"
runner = CliRunner()


def _report(pairs, glossary, **kw) -> str:
    report = run_checks(pairs, glossary, **kw)
    report.inputs = {"source": "x"}
    return render_report(report, "json")


def _long(pairs, times):
    out = []
    for _ in range(times):
        for p in pairs:
            out.append(SegmentPair(**{**p.__dict__, "index": len(out)}))
    return out


# --- same results --------------------------------------------------------------------------

_DOCS = ["chongqing-yearbook-page.txt", "real/cbc-2009-01-07.zh_tw-en.tsv",
         "real/gwr-2024-opening.zh-en.tsv", "real/nbs-2016-h1.zh-en.tsv",
         "real/nbs-2020-q3.zh_tw-en.tsv"]


@pytest.mark.parametrize("doc", _DOCS)
@pytest.mark.parametrize("glossary", ["glossary.csv", "tests/data/check-glossary.csv"])
@pytest.mark.parametrize("options", [{}, {"boundary_check": False}, {"only": ["term-missing"]},
                                     {"only": ["term-variant", "term-forbidden"]}])
def test_compiled_report_is_byte_identical(doc, glossary, options):
    pairs = read_aligned(DATA / doc)
    plain = load_glossary(ROOT / glossary)
    compiled = load_compiled(ROOT / glossary)
    assert _report(pairs, compiled, **options) == _report(pairs, plain, **options)


def test_compiled_report_is_byte_identical_in_parallel(sample_page):
    pairs = _long(read_aligned(sample_page), 40)
    plain = _report(pairs, load_glossary(GLOSSARY), jobs=1)
    assert _report(pairs, load_compiled(GLOSSARY), jobs=2) == plain
    assert _report(pairs, load_compiled(GLOSSARY), jobs=1) == plain


def test_cli_check_equals_the_uncompiled_library(sample_page, tmp_path):
    out = tmp_path / "r.json"
    r = runner.invoke(main, ["--glossary", str(GLOSSARY), "check", str(sample_page), "--format",
                             "json", "-o", str(out), "--fail-on", "none"])
    assert r.exit_code == 0, r.output
    report = run_checks(read_aligned(sample_page), load_glossary(GLOSSARY))
    report.inputs = {"source": str(sample_page), "target": None, "format": "auto"}
    assert out.read_text(encoding="utf-8") == render_report(report, "json")


def test_compiled_entries_and_indexes_match_the_glossary():
    g = load_glossary(GLOSSARY)
    tb = compiled_from_glossary(g)
    assert len(tb) == len(g) and tb.sha256 == g.sha256
    for i, e in enumerate(g):
        assert tb.entry(i) == e
        assert tb.entry(i) is tb.entry(i)  # one object per entry
        assert tb.entry_id(tb.entry(i)) == i
        assert list(tb.zh_keys_of(i)) == g.zh_keys_of(e)
        assert tb.rendering_words(i) == tuple(tuple(t.word for t in tokenize_en(r)) for r in e.en)
        assert tb.rendering_words(i, forbidden=True) == tuple(
            tuple(t.word for t in tokenize_en(r)) for r in e.forbidden)
        for r in e.en:
            assert tb.is_approved_words(tuple(t.fold for t in tokenize_en(r)))
    assert not tb.is_approved_words(("no", "such", "rendering"))
    # the Chinese index in one piece is the index by head
    lengths, codes = tb.zh_index()
    by_head = list(tb.zh_heads())
    assert lengths == {next(iter(c))[:2]: ls for ls, c in by_head}
    assert codes == {k: code for _, c in by_head for k, code in c.items()}
    assert set(codes) == {k for i in range(len(g)) for k in tb.zh_keys_of(i) if len(k) > 1}
    assert tb.glossary().entries == g.entries
    pairs = read_aligned(DATA / "chongqing-yearbook-page.txt")
    assert proper_names(pairs, tb) == proper_names(pairs, g)


def test_forbidden_candidates_are_those_that_can_match():
    g = load_glossary(GLOSSARY)
    tb = compiled_from_glossary(g)
    text = "The Chinese Communist Party and the CCP met the Chongqing municipal government."
    folds = token_folds(text)
    assert folds == {t.fold for t in tokenize_en(text)}
    expected = {i for i, e in enumerate(g) for r in e.forbidden
                if phrase_firsts(tuple(t.word for t in tokenize_en(r))) & folds}
    assert expected and tb.forbidden_candidates(folds) == expected


@pytest.mark.parametrize("target", [
    "The Chinese delegation met the Chongqing municipal government.",  # first words only
    "The Chinese Communist Party and the CCP met the general consular of the Netherlands.",
    "One Belt One Road, great-power diplomacy and a General Consul.",
])
def test_compiled_matcher_leaves_out_forbidden_renderings_that_cannot_occur(target):
    """Entries that only a forbidden rendering brings in are indexed only where one can occur:
    the forbidden renderings found are those of the whole glossary."""
    from termbase.en_match import FORBIDDEN, EnMatcher

    g = load_glossary(GLOSSARY)
    tb = compiled_from_glossary(g)
    ctx = CheckContext(glossary=tb, pairs=[SegmentPair(0, "无关的中文", target, "x:1")])
    matcher = ctx.en_matcher()
    everything = EnMatcher.for_glossary(g, approved=False)
    found = [(x.start, x.end, x.rendering) for x in matcher.find_all(target) if x.kind == FORBIDDEN]
    assert found == [(x.start, x.end, x.rendering) for x in everything.find_all(target)]
    indexed = {p.entry.zh for phrases in matcher._index.values() for p in phrases}
    candidates = tb.forbidden_candidates(token_folds(target))
    assert len(indexed) < len(candidates)  # some candidates were left out


# --- the cache -----------------------------------------------------------------------------


def _copy_glossary(tmp_path) -> Path:
    path = tmp_path / "g.csv"
    path.write_bytes(GLOSSARY.read_bytes())
    return path


def test_cache_is_written_reused_and_rebuilt_on_change(tmp_path, monkeypatch):
    path = _copy_glossary(tmp_path)
    first = load_compiled(path)
    assert first.origin and Path(first.origin).parent == cache_dir()
    built = []
    real = compiled_mod.compile_glossary
    monkeypatch.setattr(compiled_mod, "compile_glossary",
                        lambda *a, **k: built.append(1) or real(*a, **k))
    again = load_compiled(path)
    assert again.origin == first.origin and not built  # read from the cache, not rebuilt
    with open(path, "a", encoding="utf-8") as fh:
        fh.write("新词,new word,,no,,\n")
    changed = load_compiled(path)
    assert built and changed.origin != first.origin and len(changed) == len(first) + 1
    assert changed.entry(len(changed) - 1).preferred == "new word"


@pytest.mark.parametrize("damage", ["truncate", "flip", "header", "garbage", "empty"])
def test_damaged_cache_is_rebuilt_with_a_warning(tmp_path, damage):
    path = _copy_glossary(tmp_path)
    origin = Path(load_compiled(path).origin)
    data = bytearray(origin.read_bytes())
    if damage == "truncate":
        data = data[:len(data) // 2]
    elif damage == "flip":
        data[len(data) * 2 // 3] ^= 0x40
    elif damage == "header":
        data[20] ^= 0x01  # inside the header: its own checksum catches it
    elif damage == "garbage":
        data = bytearray(b"\x80\x04\x95" + bytes(200))  # a pickle is never read
    else:
        data = bytearray()
    origin.write_bytes(bytes(data))
    warnings = []
    tb = load_compiled(path, warn=warnings.append)
    assert len(warnings) == 1 and "damaged" in warnings[0] and str(origin) in warnings[0]
    assert len(tb) == len(load_glossary(path))
    assert load_compiled(path, warn=warnings.append).origin == str(origin) and len(warnings) == 1


def test_damaged_cache_warning_in_the_cli(tmp_path, sample_page):
    path = _copy_glossary(tmp_path)
    origin = Path(load_compiled(path).origin)
    origin.write_bytes(origin.read_bytes()[:100])
    r = runner.invoke(main, ["--glossary", str(path), "check", str(sample_page), "--format",
                             "json", "--fail-on", "none"])
    assert r.exit_code == 0
    assert "warning: " in r.output and "compiled termbase damaged" in r.output


def test_unwritable_cache_only_costs_time(tmp_path, monkeypatch, sample_page):
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("x")
    monkeypatch.setenv("TERMTRANS_CACHE", str(blocker))
    path = _copy_glossary(tmp_path)
    tb = load_compiled(path)
    assert tb.origin is None and len(tb) == len(load_glossary(path))
    r = runner.invoke(main, ["--glossary", str(path), "check", str(sample_page), "--format",
                             "json", "--fail-on", "none"])
    assert r.exit_code == 0 and "warning:" not in r.output
    assert json.loads(r.output)["summary"]["segments"] == 12


def test_not_a_compiled_file():
    with pytest.raises(DamagedError):
        CompiledTermbase(compiled_mod.MAGIC + bytes(20))
    with pytest.raises(DamagedError):
        CompiledTermbase(b"\x80\x04\x95 pickle")


def test_a_glossary_that_cannot_be_compiled_is_used_as_loaded(tmp_path, monkeypatch):
    path = _copy_glossary(tmp_path)

    def refuse(*a, **k):
        raise ValueError("unmarshallable object")

    monkeypatch.setattr(compiled_mod, "compile_glossary", refuse)
    warnings = []
    result = load_compiled(path, warn=warnings.append)
    assert warnings and "cannot compile" in warnings[0]
    assert result.entries == load_glossary(path).entries


def test_glossary_errors_are_reported_as_before(tmp_path, sample_page):
    bad = tmp_path / "bad.csv"
    bad.write_text("zh,en\n重庆,Chongqing\n外事,\n", encoding="utf-8")
    for args in (["terms", "compile", str(bad)],
                 ["--glossary", str(bad), "check", str(sample_page)]):
        r = runner.invoke(main, args)
        assert r.exit_code == 2
        assert r.output.strip().endswith(f"{bad}:3: empty en field")
        assert "Traceback" not in r.output
    r = runner.invoke(main, ["--glossary", str(tmp_path / "none.csv"), "check", str(sample_page)])
    assert r.exit_code == 2 and "glossary not found" in r.output


# --- terms compile -------------------------------------------------------------------------


def test_terms_compile(tmp_path):
    path = _copy_glossary(tmp_path)
    r = runner.invoke(main, ["terms", "compile", str(path)])
    assert r.exit_code == 0, r.output
    assert f"{path}: {len(load_glossary(path))} entries compiled in" in r.output
    target = Path(r.output.split(": ")[-1].split(" (")[0])
    assert target.is_file() and target.parent == cache_dir()
    r = runner.invoke(main, ["terms", "compile", str(path)])
    assert r.exit_code == 0 and "already compiled" in r.output
    r = runner.invoke(main, ["terms", "compile", str(path), "--force"])
    assert r.exit_code == 0 and "compiled in" in r.output
    assert load_compiled(path).origin == str(target)
    r = runner.invoke(main, ["--glossary", str(path), "terms", "compile"])
    assert r.exit_code == 0 and "already compiled" in r.output


def test_terms_compile_unwritable_cache_is_one_line(tmp_path, monkeypatch):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    monkeypatch.setenv("TERMTRANS_CACHE", str(blocker))
    r = runner.invoke(main, ["terms", "compile", str(GLOSSARY)])
    assert r.exit_code == 2
    lines = r.output.strip().splitlines()
    assert len(lines) == 1 and "cannot write the compiled termbase" in lines[0]
    assert "TERMTRANS_CACHE" in lines[0]


def test_build_compiled_returns_the_cache_file(tmp_path):
    path = _copy_glossary(tmp_path)
    target, count, built = build_compiled(path)
    assert built and count == len(load_glossary(path)) and target.is_file()
    assert build_compiled(path) == (target, count, False)


# --- the work follows the document -----------------------------------------------------------


def test_term_missing_alone_builds_no_near_miss_index(sample_page):
    pairs = read_aligned(sample_page)
    ctx = CheckContext(glossary=load_compiled(GLOSSARY), pairs=pairs)
    (check,) = select_checks(only=["term-missing"])
    check.prepare(ctx)
    assert ctx._variants is None  # nothing built before the segments are checked
    found = list(check.run(pairs, ctx))
    assert found == list(run_checks(pairs, load_glossary(GLOSSARY), only=["term-missing"]).issues)


def test_a_small_document_decodes_little_of_a_large_termbase(tmp_path):
    from termbase.glossary import Entry, Glossary

    def word(i):
        return "".join(chr(97 + (i // 26 ** k) % 26) for k in range(4))

    entries = [Entry((chr(0x4E00 + i // 200) + chr(0x4E00 + i % 200) + "局",),
                     (f"bureau of {word(i)} affairs",), line=i + 2) for i in range(20000)]
    tb = compiled_from_glossary(Glossary(entries, path="big"))
    pairs = [SegmentPair(0, entries[5].zh[0] + "的工作", f"The work of the bureau of {word(5)} afairs.")]
    report = run_checks(pairs, tb, jobs=1)
    assert len(tb._entries) < 10  # entries are decoded when a match needs them
    assert len(tb._zh_loaded) == 1 and tb.zh_head_count() > 19000  # the term's own head
    assert [i.rule for i in report.issues] == ["misspelt-term"]


def test_check_does_not_import_jieba_once_its_dictionary_is_cached(tmp_path, sample_page):
    env = dict(os.environ)
    code = ("import sys, cli\n"
            "try:\n    cli.main(['check', %r, '--format', 'json'])\n"
            "except SystemExit:\n    pass\n"
            "print('JIEBA:%%s' %% ('jieba' in sys.modules))\n" % str(sample_page))
    outs = [subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                           cwd=ROOT, env=env).stdout.rstrip().splitlines()[-1] for _ in range(2)]
    assert outs[1] == "JIEBA:False", outs


def test_matchers_of_one_termbase_each_find_every_term(sample_page):
    # the shards of the Chinese index are decoded once per termbase but every matcher gets them
    # (the paragraph aligner's matcher used to leave the check's own matcher without them)
    from termbase.zh_match import ZhMatcher

    tb, plain = load_compiled(GLOSSARY), load_glossary(GLOSSARY)
    texts = [p.source for p in read_aligned(sample_page) if p.source]
    for boundary_check in (True, False, True):
        expected = [[(m.start, m.end, m.variant, m.entry) for m in
                     ZhMatcher(plain, boundary_check=boundary_check).find(t)] for t in texts]
        matcher = tb.zh_matcher(boundary_check=boundary_check)
        assert any(expected) and [[(m.start, m.end, m.variant, m.entry) for m in matcher.find(t)]
                                  for t in texts] == expected


def test_check_of_two_files_aligned_with_the_glossary_finds_the_terms(tmp_path):
    # three Chinese paragraphs, two English: the paragraphs are aligned with the glossary's
    # terms as anchors before the check looks for the same terms
    zh, en = tmp_path / "zh.txt", tmp_path / "en.txt"
    zh.write_text("重庆市人民政府外事办公室负责外事工作。\n\n今天天气很好。\n\n第三段。\n", encoding="utf-8")
    en.write_text("The office handles foreign affairs.\n\nThe weather is good today.\n", encoding="utf-8")
    out = tmp_path / "r.json"
    r = runner.invoke(main, ["--glossary", str(GLOSSARY), "check", str(zh), str(en), "--format",
                             "json", "-o", str(out), "--fail-on", "none"])
    assert r.exit_code == 0, r.output
    issues = json.loads(out.read_text(encoding="utf-8"))["issues"]
    assert {i["span"] for i in issues if i["check"] == "term-missing"} == {
        "重庆市人民政府外事办公室", "外事工作"}
    pairs = read_aligned(zh, en, glossary=load_glossary(GLOSSARY))
    plain = run_checks(pairs, load_glossary(GLOSSARY), only=["term-missing"]).issues
    assert {i.span for i in plain} == {"重庆市人民政府外事办公室", "外事工作"}


@pytest.mark.parametrize("chars_per_head", [0, 10 ** 9])  # every head decoded at once / as met
def test_expected_texts_find_what_each_text_alone_finds(sample_page, monkeypatch, chars_per_head):
    from termbase import zh_match

    monkeypatch.setattr(zh_match, "_CHARS_PER_HEAD", chars_per_head)
    tb, plain = load_compiled(GLOSSARY), load_glossary(GLOSSARY)
    texts = [p.source for p in read_aligned(sample_page) if p.source] + ["", "重庆日报", "ＡＢＣ重慶"]
    matcher = tb.zh_matcher()
    matcher.expect(texts)
    assert matcher._all_heads is (chars_per_head == 0)
    found = [[(m.start, m.end, m.matched, m.variant, m.entry) for m in matcher.find(t)]
             for t in texts + ["外事办公室", "不在预期里的重庆市政府"]]
    alone = zh_match.ZhMatcher(plain)
    assert any(found) and found == [
        [(m.start, m.end, m.matched, m.variant, m.entry) for m in alone.find(t)]
        for t in texts + ["外事办公室", "不在预期里的重庆市政府"]]

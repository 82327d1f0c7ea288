"""Projects: many inputs in one run, outputs mirrored, one report, TM, cache, pre-translation."""
from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from termbase.errors import InputError, OutputError
from termbase.glossary import load_glossary
from termbase.xmlsafe import read_xml
from tests import project_helpers as helpers
from tests.project_helpers import write_tree
from translate.project import (NO_ENGINE, ProjectOptions, collect_inputs, plan_outputs,
                               project_report_json, translate_project)

XLF = "{urn:oasis:names:tc:xliff:document:1.2}"


@pytest.fixture
def glossary(tmp_path):
    return load_glossary(helpers.write_glossary(tmp_path))


@pytest.fixture(autouse=True)
def fresh_builds():
    helpers.BUILT.clear()
    yield
    helpers.BUILT.clear()


def _options(**kw) -> ProjectOptions:
    kw.setdefault("engine", "fake")
    kw.setdefault("engine_factory", helpers.counting_factory)
    return ProjectOptions(**kw)


# -- inputs and outputs -------------------------------------------------------------------------
@pytest.mark.parametrize("include, exclude, expected", [
    ((), (), ["a.txt", "notes/b.md", "notes/deep/c.txt", "notes/draft.txt"]),
    (("notes/**",), (), ["notes/b.md", "notes/deep/c.txt", "notes/draft.txt"]),
    ((), ("*draft*",), ["a.txt", "notes/b.md", "notes/deep/c.txt"]),
    (("*.md",), (), ["notes/b.md"]),
    ((), ("notes/deep/*",), ["a.txt", "notes/b.md", "notes/draft.txt"]),
])
def test_collect_inputs_folders(tmp_path, include, expected, exclude):
    root = write_tree(tmp_path / "proj", {
        "a.txt": "一。", "a.en.txt": "earlier output", "notes/b.md": "二。",
        "notes/deep/c.txt": "三。", "notes/draft.txt": "四。", "notes/x.pdf": "binary",
        ".git/d.txt": "五。", "notes/.hidden.txt": "六。"})
    found = collect_inputs([root], include=include, exclude=exclude)
    assert [f.relative for f in found] == expected


def test_collect_inputs_files_once_and_errors(tmp_path):
    root = write_tree(tmp_path / "p", {"a.txt": "一。", "x.pdf": "no"})
    found = collect_inputs([root / "a.txt", root, root / "a.txt"])
    assert [f.relative for f in found] == ["a.txt"]
    with pytest.raises(InputError, match="no such file or folder"):
        collect_inputs([root / "missing"])
    empty = write_tree(tmp_path / "e", {"x.pdf": "no"})
    with pytest.raises(InputError, match="no files to translate"):
        collect_inputs([empty])


def test_outputs_next_to_inputs_or_mirrored(tmp_path):
    root = write_tree(tmp_path / "p", {"a.txt": "一。", "s/b.md": "二。"})
    inputs = collect_inputs([root])
    assert [j.output for j in plan_outputs(inputs)] == [root / "a.en.txt", root / "s" / "b.en.md"]
    out = tmp_path / "out"
    assert [j.output for j in plan_outputs(inputs, out)] == [out / "a.en.txt", out / "s" / "b.en.md"]
    one = collect_inputs([root / "a.txt"])
    assert plan_outputs(one, tmp_path / "x.txt")[0].output == tmp_path / "x.txt"  # a file name


@pytest.mark.parametrize("case, message", [  # the messages of termbase.outputs, every writer's
    ("input", "would overwrite the input"),
    ("hardlink", "would overwrite the input"),
    ("exists", "already exists; pass --force .* or --skip-existing"),
    ("collision", "would be written there"),
    ("glossary", "would overwrite the input"),
    ("unwritable", "not a folder"),
])
def test_output_policy_holds_for_each_file(tmp_path, case, message):
    root = write_tree(tmp_path / "p", {"a.txt": "一。", "b.txt": "二。", "g.csv": "zh,en\n"})
    inputs = collect_inputs([root / "a.txt", root / "b.txt"])
    protect = []
    output = None
    if case == "input":
        inputs = collect_inputs([root / "a.txt", root / "a.en.txt"]) if \
            (root / "a.en.txt").write_text("x") else None
    elif case == "hardlink":  # b.en.txt is b.txt under another name
        import os

        os.link(root / "b.txt", root / "b.en.txt")
    elif case == "exists":
        (root / "b.en.txt").write_text("earlier")
    elif case == "collision":
        write_tree(root, {"s/a.txt": "三。"})
        inputs = collect_inputs([root / "a.txt", root / "s" / "a.txt"])
        output = tmp_path / "out"
    elif case == "glossary":
        (root / "g.csv").rename(root / "a.en.txt")
        protect = [root / "a.en.txt"]
        inputs = collect_inputs([root / "a.txt"])
    elif case == "unwritable":
        (tmp_path / "blocker").write_text("a file")
        output = tmp_path / "blocker" / "out"
    with pytest.raises(OutputError, match=message) as err:
        plan_outputs(inputs, output, protect=protect)
    assert "\n" not in str(err.value)
    if case == "exists":
        assert len(plan_outputs(inputs, output, force=True)) == 2
        jobs = plan_outputs(inputs, output, skip_existing=True)
        assert [j.skip for j in jobs] == [False, True]


# -- a project run ------------------------------------------------------------------------------
def _mixed_project(root: Path) -> Path:
    write_tree(root, {"a.txt": "我们加强国际传播。今天天气很好。\n\n讲好重庆故事\n",
                 "notes/b.md": "# 讲好重庆故事\n\n他们访问了重庆。\n"})
    helpers.write_docx(root / "c.docx", ["我们加强国际传播。", "English stays."])
    helpers.write_xliff(root / "notes" / "d.xlf", {"1": "他们访问了重庆。", "2": "讲好重庆故事"})
    return root


def test_a_mixed_folder_in_one_run_with_the_engine_built_once(tmp_path, glossary):
    root = _mixed_project(tmp_path / "proj")
    jobs = plan_outputs(collect_inputs([root]), tmp_path / "out")
    events = []
    result = translate_project(jobs, glossary, _options(), progress=events.append)
    assert len(helpers.BUILT) == 1
    out = tmp_path / "out"
    assert (out / "a.en.txt").read_text(encoding="utf-8") == \
        "International communication. .\n\nTell good stories of Chongqing\n"
    assert (out / "notes" / "b.en.md").read_text(encoding="utf-8").startswith(
        "# Tell good stories of Chongqing")
    import docx

    assert [p.text for p in docx.Document(str(out / "c.en.docx")).paragraphs] == \
        ["International communication.", "English stays."]
    targets = [t.text for t in read_xml(out / "notes" / "d.en.xlf").iter(f"{XLF}target")]
    assert targets == [".", "Tell good stories of Chongqing"]
    report = result.report
    assert [f["input"] for f in report["files"]] == [str(j.input) for j in jobs]
    assert report["summary"]["files_written"] == 4
    assert report["summary"]["segments"] == sum(f["summary"]["segments"] for f in report["files"])
    assert report["summary"]["origins"]["leveraged-glossary"] >= 3
    assert all("origin" in s for f in report["files"] for s in f["segments"])
    kinds = [e.kind for e in events]
    assert kinds[0] == "prepared" and kinds.count("file") == 4 and kinds.count("written") == 4
    done = [e for e in events if e.kind == "segments"]
    assert done and done[-1].done == done[-1].total == events[0].total
    json.loads(project_report_json(report))
    assert result.timing["segments_per_s"] > 0 and result.terms_failed == 0


def test_a_bad_file_stops_the_run_before_any_work(tmp_path, glossary):
    root = write_tree(tmp_path / "p", {"a.txt": "我们加强国际传播。", "b.txt": ""})
    (root / "b.txt").write_bytes(b"\xff\xfe\x00bad\x00")
    jobs = plan_outputs(collect_inputs([root]))
    with pytest.raises(InputError):
        translate_project(jobs, glossary, _options())
    assert not (root / "a.en.txt").exists() and not helpers.BUILT


# -- translation memory -------------------------------------------------------------------------
def test_a_tmx_exact_match_is_reused_and_marked(tmp_path, glossary):
    tmx = helpers.write_tmx(tmp_path / "mem.tmx", {
        "今天天气很好。": "The weather is fine today.",
        "他们访问了重庆。": "They paid a visit to Chongqing."})
    root = write_tree(tmp_path / "p", {"a.txt": "今天天气很好。\n他们访问了重慶。\n城市很美丽。\n"})
    helpers.write_xliff(root / "b.xlf", {"1": "今天天气很好。", "2": "城市很美丽。"})
    jobs = plan_outputs(collect_inputs([root]), tmp_path / "out")
    result = translate_project(jobs, glossary, _options(tm=[tmx]))
    assert (tmp_path / "out" / "a.en.txt").read_text(encoding="utf-8") == \
        "The weather is fine today.\nThey paid a visit to Chongqing.\n.\n"
    sent = helpers.sentences_sent()
    assert "今天天气很好。" not in sent and "城市很美丽。" in sent  # the TM match never reached MT
    rows = {s["source"]: s for s in result.report["files"][0]["segments"]}
    assert rows["今天天气很好。"]["origin"] == "exact-match"
    assert rows["今天天气很好。"]["tm_match"]["tm"] == str(tmx)
    assert rows["他们访问了重慶。"]["origin"] == "leveraged-tm"  # Traditional 慶: normalised
    assert rows["城市很美丽。"]["origin"] == "leveraged-mt"
    units = list(read_xml(tmp_path / "out" / "b.en.xlf").iter(f"{XLF}trans-unit"))
    qualifiers = [u.find(f"{XLF}target").get("state-qualifier") for u in units]
    assert qualifiers == ["exact-match", "leveraged-mt"]
    assert result.report["summary"]["tm"]["units"] == 2


def test_a_whole_paragraph_matched_in_the_memory(tmp_path, glossary):
    tmx = helpers.write_tmx(tmp_path / "m.tmx", {"今天天气很好。城市很美丽。": "A fine day; a fine city."})
    root = write_tree(tmp_path / "p", {"a.txt": "今天天气很好。城市很美丽。\n"})
    result = translate_project(plan_outputs(collect_inputs([root])), glossary, _options(tm=[tmx]))
    assert (root / "a.en.txt").read_text(encoding="utf-8") == "A fine day; a fine city.\n"
    assert not helpers.BUILT  # nothing left for the engine: it was never built
    assert not result.engine_built


def test_fuzzy_matches_offered_or_applied_with_terms_repaired(tmp_path, glossary):
    tmx = helpers.write_tmx(tmp_path / "m.tmx", {
        "我们在新时代大力加强国际传播工作。": "We vigorously strengthen international communication work."})
    src = "我们在新时代大力加强城市形象工作。"
    root = write_tree(tmp_path / "p", {"a.txt": src + "\n"})
    helpers.write_xliff(root / "b.xlf", {"1": src})
    jobs = plan_outputs(collect_inputs([root]), tmp_path / "offered")
    offered = translate_project(jobs, glossary, _options(tm=[tmx]))
    row = offered.report["files"][0]["segments"][0]
    assert row["origin"] == "leveraged-mt" and row["tm_offers"][0]["score"] >= 75
    alt = list(read_xml(tmp_path / "offered" / "b.en.xlf").iter(f"{XLF}alt-trans"))
    assert len(alt) == 1 and float(alt[0].get("match-quality")) >= 75
    assert alt[0].find(f"{XLF}target").text == \
        "We vigorously strengthen international communication work."
    helpers.BUILT.clear()
    jobs = plan_outputs(collect_inputs([root]), tmp_path / "applied")
    applied = translate_project(jobs, glossary, _options(tm=[tmx], tm_apply_fuzzy=True))
    assert (tmp_path / "applied" / "a.en.txt").read_text(encoding="utf-8") == \
        "We vigorously strengthen city image work.\n"
    row = applied.report["files"][0]["segments"][0]
    assert row["origin"] == "fuzzy-match" and row["terms"][0]["method"] == "replaced"
    assert src not in helpers.sentences_sent()
    unit = next(read_xml(tmp_path / "applied" / "b.en.xlf").iter(f"{XLF}target"))
    assert unit.get("state-qualifier") == "fuzzy-match"


def test_below_the_threshold_nothing_is_offered(tmp_path, glossary):
    tmx = helpers.write_tmx(tmp_path / "m.tmx", {"我们在新时代大力加强国际传播工作。": "x"})
    root = write_tree(tmp_path / "p", {"a.txt": "我们在新时代大力加强城市形象工作。\n"})
    result = translate_project(plan_outputs(collect_inputs([root])), glossary,
                               _options(tm=[tmx], tm_threshold=95))
    assert "tm_offers" not in result.report["files"][0]["segments"][0]


# -- the persistent cache -----------------------------------------------------------------------
def test_a_rerun_from_the_cache_builds_no_engine_and_writes_the_same(tmp_path, glossary):
    root = _mixed_project(tmp_path / "proj")
    jobs = plan_outputs(collect_inputs([root]), tmp_path / "out")
    first = translate_project(jobs, glossary, _options())
    before = {p: p.read_bytes() for p in (tmp_path / "out").rglob("*.*")}
    helpers.BUILT.clear()
    jobs = plan_outputs(collect_inputs([root]), tmp_path / "out", force=True)
    second = translate_project(jobs, glossary, _options())
    assert not helpers.BUILT and not second.engine_built
    assert {p: p.read_bytes() for p in (tmp_path / "out").rglob("*.*")} == before
    assert second.report["summary"]["cache"]["hits"] > 0
    assert second.report["summary"]["cache"]["stored"] == 0
    for a, b in zip(first.report["files"], second.report["files"]):
        assert a == b
    assert second.report["engine"]["signature"] == first.report["engine"]["signature"]


def test_no_cache_translates_again(tmp_path, glossary):
    root = write_tree(tmp_path / "p", {"a.txt": "我们加强国际传播。\n"})
    for _ in range(2):
        translate_project(plan_outputs(collect_inputs([root]), force=True), glossary,
                          _options(cache=False))
    assert len(helpers.BUILT) == 2


def test_an_interrupted_run_resumes_with_only_what_is_missing(tmp_path, glossary):
    lines = [f"第{n}句话在重庆。" for n in range(150)]  # 150 segments: three enforcer batches
    root = write_tree(tmp_path / "p", {"a.txt": "城市很美丽。\n", "b.txt": "\n".join(lines) + "\n"})
    jobs = plan_outputs(collect_inputs([root]))
    with pytest.raises(KeyboardInterrupt):
        translate_project(jobs, glossary, _options(engine_factory=helpers.interrupting_factory))
    assert (root / "a.en.txt").exists() and not (root / "b.en.txt").exists()
    first = helpers.sentences_sent()
    assert "城市很美丽。" in first
    helpers.BUILT.clear()
    jobs = plan_outputs(collect_inputs([root]), force=True)
    translate_project(jobs, glossary, _options())
    again = helpers.sentences_sent()
    assert "城市很美丽。" not in again          # file a came from the cache
    assert len(again) == 150 - 64              # b's first batch of 64 was stored before Ctrl-C
    assert len((root / "b.en.txt").read_text(encoding="utf-8").splitlines()) == 150


def test_the_cache_rows_of_a_run(tmp_path, glossary):
    root = write_tree(tmp_path / "p", {"a.txt": "我们加强国际传播。\n讲好重庆故事\n"})
    result = translate_project(plan_outputs(collect_inputs([root])), glossary,
                               _options(cache_path=tmp_path / "c.sqlite3"))
    rows = sqlite3.connect(tmp_path / "c.sqlite3").execute(
        "SELECT plan, glossary, key FROM segments").fetchall()
    assert rows == [(result.report["engine"]["plan"], glossary.sha256, "我们加强国际传播。")]


# -- pre-translation and term failures ------------------------------------------------------------
def test_engine_none_fills_exact_matches_and_leaves_the_rest(tmp_path, glossary):
    tmx = helpers.write_tmx(tmp_path / "m.tmx", {"今天天气很好。": "The weather is fine today."})
    root = write_tree(tmp_path / "p", {"a.txt": "今天天气很好。\n讲好重庆故事\n我们加强国际传播。明天见。\n"})
    helpers.write_xliff(root / "b.xlf", {"1": "今天天气很好。", "2": "我们加强国际传播。"})
    jobs = plan_outputs(collect_inputs([root]), tmp_path / "out")
    result = translate_project(jobs, glossary, ProjectOptions(engine=NO_ENGINE, tm=[tmx],
                                                              bilingual=False))
    assert (tmp_path / "out" / "a.en.txt").read_text(encoding="utf-8") == \
        "The weather is fine today.\nTell good stories of Chongqing\n我们加强国际传播。明天见。\n"
    left = result.report["files"][0]["untranslated"]
    assert left == [{"paragraph": 3, "location": "line 3", "source": "我们加强国际传播。明天见。",
                     "terms": [{"term": "国际传播", "matched": "国际传播",
                                "english": "international communication"}]}]
    units = list(read_xml(tmp_path / "out" / "b.en.xlf").iter(f"{XLF}trans-unit"))
    assert units[0].find(f"{XLF}target").text == "The weather is fine today."
    assert units[1].find(f"{XLF}target") is None
    note = units[1].find(f"{XLF}note")
    assert note.get("from") == "termtrans" and "国际传播 → international communication" in note.text
    assert result.report["summary"]["paragraphs_untranslated"] == 2
    assert not result.engine_built and "cache" not in result.report["summary"]
    assert result.report["signature"]["engine"] == "none"


def test_engine_none_bilingual_leaves_paragraphs_for_the_translator(tmp_path, glossary):
    root = write_tree(tmp_path / "p", {"a.txt": "讲好重庆故事\n城市很美丽。\n"})
    translate_project(plan_outputs(collect_inputs([root])), glossary,
                      ProjectOptions(engine=NO_ENGINE, bilingual=True))
    assert (root / "a.en.txt").read_text(encoding="utf-8") == \
        "讲好重庆故事\nTell good stories of Chongqing\n城市很美丽。\n"


def dropping_factory(name, **options):
    from translate.engines.fake import FakeEngine

    return FakeEngine(script=lambda s, **kw: "We strengthen it.", supports_constraints=False)


def test_a_failed_term_is_counted_for_the_exit_status(tmp_path, glossary):
    root = write_tree(tmp_path / "p", {"a.txt": "我们加强国际传播。\n", "b.txt": "城市很美丽。\n"})
    result = translate_project(plan_outputs(collect_inputs([root])), glossary,
                               _options(engine_factory=dropping_factory))
    assert result.terms_failed == 1
    assert result.report["files"][0]["failures"][0]["term"] == "国际传播"
    assert result.report["files"][1]["summary"]["terms_failed"] == 0


def test_chunks_of_a_large_file_give_the_same_output(tmp_path, glossary):
    text = "".join(f"第{n}段讲好重庆故事。我们加强国际传播。\n" for n in range(12))
    root = write_tree(tmp_path / "p", {"a.txt": text})
    outs = []
    for k, chunk in enumerate((1000, 5)):
        out = tmp_path / f"o{k}"
        r = translate_project(plan_outputs(collect_inputs([root]), out), glossary,
                              _options(chunk_paragraphs=chunk, cache=False))
        outs.append(((out / "a.en.txt").read_bytes(),
                     project_report_json(r.report).replace(str(out), "OUT")))
    assert outs[0] == outs[1]


def test_reviewed_targets_of_an_earlier_xliff_output_are_reused(tmp_path, glossary):
    root = tmp_path / "p"
    root.mkdir()
    helpers.write_xliff(root / "job.xlf", {"1": "他们访问了重庆。", "2": "城市很美丽。"})
    jobs = plan_outputs(collect_inputs([root]))
    translate_project(jobs, glossary, _options(cache=False))
    out = root / "job.en.xlf"
    text = out.read_text(encoding="utf-8")  # the translator reviews unit 1 and leaves unit 2
    text = text.replace('state="needs-review-translation" state-qualifier="leveraged-mt">.',
                        'state="translated">They went to Chongqing.', 1)
    out.write_text(text, encoding="utf-8")
    helpers.BUILT.clear()
    result = translate_project(plan_outputs(collect_inputs([root]), force=True), glossary,
                               _options(cache=False))
    rows = {s["source"]: s for s in result.report["files"][0]["segments"]}
    assert rows["他们访问了重庆。"]["origin"] == "exact-match"
    assert rows["他们访问了重庆。"]["target"] == "They went to Chongqing."
    assert rows["城市很美丽。"]["origin"] == "leveraged-mt"  # an unreviewed draft is not reused
    assert "They went to Chongqing." in out.read_text(encoding="utf-8")

"""`termtrans translate PATH...` and `termtrans check PATH...` on projects, through the CLI."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli import main
from termbase.xmlsafe import read_xml
from tests import project_helpers as helpers
from tests.project_helpers import write_tree
from translate.engines import ENGINES
from translate.engines.marian import MarianEngine

XLF = "{urn:oasis:names:tc:xliff:document:1.2}"


class CountingMarianEngine(MarianEngine):
    """The real Marian engine, counted in :data:`helpers.BUILT` when built."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        helpers.BUILT.append(self)


@pytest.fixture(autouse=True)
def fresh_builds():
    helpers.BUILT.clear()
    yield
    helpers.BUILT.clear()


@pytest.fixture
def gloss(tmp_path) -> Path:
    return helpers.write_glossary(tmp_path)


@pytest.fixture
def cli(gloss):
    def invoke(*args, input=None):
        return CliRunner().invoke(main, ["--glossary", str(gloss), *map(str, args)], input=input,
                                  catch_exceptions=False)
    return invoke


@pytest.fixture
def counting_fake(monkeypatch):
    monkeypatch.setitem(ENGINES, "fake", "tests.project_helpers:CountingFakeEngine")


def _outputs(folder: Path) -> dict:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*.*"))}


# -- a folder of mixed documents, the model loaded once ------------------------------------------
def test_a_mixed_folder_in_one_command_with_the_model_loaded_once(cli, tmp_path, tiny_model_dir,
                                                                 monkeypatch, one_torch_thread):
    monkeypatch.setitem(ENGINES, "marian", "tests.test_project_cli:CountingMarianEngine")
    root = write_tree(tmp_path / "proj", {
        "a.txt": "他们访问了重庆。\n\n讲好重庆故事\n",
        "notes/b.md": "# 讲好重庆故事\n\n今天天气很好。\n",
        "notes/draft.txt": "城市很美丽。\n"})
    helpers.write_docx(root / "c.docx", ["他们访问了重庆。", "English stays."])
    helpers.write_xliff(root / "notes" / "d.xlf", {"1": "今天天气很好。", "2": "城市很美丽。"})
    out = tmp_path / "out"
    res = cli("translate", root, "-o", out, "--model", tiny_model_dir, "--beam", "2",
              "--exclude", "*draft*", "--report", tmp_path / "report.json")
    assert res.exit_code == 0, res.stderr
    assert len(helpers.BUILT) == 1                      # one engine (one model load) for 4 files
    assert sorted(_outputs(out)) == ["a.en.txt", "c.en.docx", "notes/b.en.md", "notes/d.en.xlf"]
    assert (out / "a.en.txt").read_text(encoding="utf-8") == \
        "They visited Chongqing.\n\nTell good stories of Chongqing\n"
    assert "The weather is good today." in (out / "notes" / "b.en.md").read_text(encoding="utf-8")
    import docx

    assert [p.text for p in docx.Document(str(out / "c.en.docx")).paragraphs] == \
        ["They visited Chongqing.", "English stays."]
    targets = [t.text for t in read_xml(out / "notes" / "d.en.xlf").iter(f"{XLF}target")]
    assert targets == ["The weather is good today.", "The city is beautiful."]
    report = json.loads((tmp_path / "report.json").read_text(encoding="utf-8"))
    assert report["schema"] == "termtrans-project-report"
    assert [Path(f["output"]).name for f in report["files"]] == \
        ["a.en.txt", "c.en.docx", "b.en.md", "d.en.xlf"]
    assert report["summary"]["files_written"] == 4
    assert report["summary"]["segments"] == sum(f["summary"]["segments"] for f in report["files"])
    assert report["engine"]["built"] is True
    lines = res.stderr.splitlines()   # a line per file, then the project
    assert sum(line.endswith("terms failed: 0") for line in lines) == 4
    assert lines[-1].startswith("project: 4 file(s) written")


def test_single_file_into_an_existing_folder_and_include(cli, tmp_path, counting_fake):
    root = write_tree(tmp_path / "p", {"a.txt": "城市很美丽。\n", "s/b.md": "二。\n", "s/c.txt": "三。\n"})
    (tmp_path / "out").mkdir()
    assert cli("translate", root / "a.txt", "-o", tmp_path / "out", "--engine", "fake",
               "-q").exit_code == 0
    assert (tmp_path / "out" / "a.en.txt").exists()
    res = cli("translate", root, "-o", tmp_path / "o2", "--engine", "fake", "--include", "s/*.md",
              "-q")
    assert res.exit_code == 0, res.stderr
    assert sorted(_outputs(tmp_path / "o2")) == ["s/b.en.md"]


@pytest.mark.parametrize("argv, message", [
    (("--tm-threshold", "0"), "--tm-threshold"),
    (("--tm-threshold", "101"), "--tm-threshold"),
    (("--tm-threshold", "nan"), "--tm-threshold"),
    (("--tm", "missing.tmx"), "missing.tmx"),
    (("--tm", "notes.txt"), "notes.txt"),
    (("--cluster", "local:x"), "local:N needs a number"),
    (("-o", "-"), "several inputs cannot all go to standard output"),
])
def test_bad_project_options_are_one_line_errors(cli, tmp_path, argv, message, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write_tree(tmp_path, {"p/a.txt": "一。\n", "p/b.txt": "二。\n", "notes.txt": "没有制表符\n"})
    res = cli("translate", "p", "--engine", "fake", *argv)
    assert res.exit_code == 2
    assert len(res.stderr.strip().splitlines()) == 1 and message in res.stderr
    assert not (tmp_path / "p" / "a.en.txt").exists()


# -- translation memory ----------------------------------------------------------------------------
def test_a_tmx_exact_match_is_reused_and_marked(cli, tmp_path, counting_fake):
    tmx = tmp_path / "mem.tmx"
    tmx.write_text(helpers.TMX.format(units=(
        '<tu><tuv xml:lang="zh-CN"><seg>我们<bpt i="1" x="1">&lt;b&gt;</bpt>加强<ept i="1">'
        '&lt;/b&gt;</ept>国际传播。</seg></tuv><tuv xml:lang="en"><seg>We <bpt i="1" x="1">&lt;b&gt;'
        '</bpt>strengthen<ept i="1">&lt;/b&gt;</ept> international communication.</seg></tuv></tu>'
        '<tu><tuv xml:lang="zh-CN"><seg>今天天气很好。</seg></tuv><tuv xml:lang="en"><seg>The '
        'weather is fine today.</seg></tuv></tu>')), encoding="utf-8")
    root = tmp_path / "p"
    root.mkdir()
    (root / "job.xlf").write_text(helpers.XLIFF.format(units=(
        '<trans-unit id="1"><source>我们<g id="7" ctype="bold">加强</g>国际传播。</source></trans-unit>'
        '<trans-unit id="2"><source>今天天气很好。</source></trans-unit>'
        '<trans-unit id="3"><source>城市很美丽。</source></trans-unit>')), encoding="utf-8")
    (root / "a.txt").write_text("今天天气很好。\n城市很美丽。\n", encoding="utf-8")
    res = cli("translate", root, "--engine", "fake", "--tm", tmx, "--report",
              tmp_path / "r.json", "-q")
    assert res.exit_code == 0, res.stderr
    sent = helpers.sentences_sent()
    assert "今天天气很好。" not in sent and "城市很美丽。" in sent   # the match never reached MT
    assert (root / "a.en.txt").read_text(encoding="utf-8") == "The weather is fine today.\n.\n"
    units = list(read_xml(root / "job.en.xlf").iter(f"{XLF}trans-unit"))
    states = [(u.find(f"{XLF}target").get("state"), u.find(f"{XLF}target").get("state-qualifier"))
              for u in units]
    assert states == [("translated", "exact-match"), ("translated", "exact-match"),
                      ("needs-review-translation", "leveraged-mt")]
    from lxml import etree

    first = etree.tostring(units[0].find(f"{XLF}target"), encoding="unicode")
    assert '>We <g id="7" ctype="bold">strengthen</g> international communication.</target>' in first
    report = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    rows = {(f["input"], s["source"]): s for f in report["files"] for s in f["segments"]}
    row = rows[(str(root / "job.xlf"), "我们加强国际传播。")]
    assert row["origin"] == "exact-match" and row["tm_match"]["tm"] == str(tmx)
    assert [c["recovery"] for c in row["codes"]] == ["from the memory"] * 2
    assert report["summary"]["origins"] == {"exact-match": 3, "leveraged-mt": 2}


def test_fuzzy_offers_and_tm_apply_fuzzy(cli, tmp_path, counting_fake):
    tmx = helpers.write_tmx(tmp_path / "m.tmx", {
        "我们在新时代大力加强国际传播工作。": "We vigorously strengthen international communication work."})
    root = tmp_path / "p"
    root.mkdir()
    helpers.write_xliff(root / "b.xlf", {"1": "我们在新时代大力加强城市形象工作。"})
    assert cli("translate", root, "-o", tmp_path / "o1", "--engine", "fake", "--tm", tmx,
               "-q").exit_code == 0
    alt = list(read_xml(tmp_path / "o1" / "b.en.xlf").iter(f"{XLF}alt-trans"))
    assert len(alt) == 1 and alt[0].get("origin") == str(tmx)
    assert 75 <= float(alt[0].get("match-quality")) < 100
    assert cli("translate", root, "-o", tmp_path / "o2", "--engine", "fake", "--tm", tmx,
               "--tm-apply-fuzzy", "--tm-threshold", "95", "-q").exit_code == 0
    target = next(read_xml(tmp_path / "o2" / "b.en.xlf").iter(f"{XLF}target"))
    assert target.get("state-qualifier") == "leveraged-mt"   # below 95: not applied
    assert cli("translate", root, "-o", tmp_path / "o3", "--engine", "fake", "--tm", tmx,
               "--tm-apply-fuzzy", "-q").exit_code == 0
    target = next(read_xml(tmp_path / "o3" / "b.en.xlf").iter(f"{XLF}target"))
    assert (target.text, target.get("state"), target.get("state-qualifier")) == \
        ("We vigorously strengthen city image work.", "needs-review-translation", "fuzzy-match")


# -- resumable runs and the cache ------------------------------------------------------------------
def test_a_rerun_after_an_interrupt_redoes_only_the_missing_files(cli, tmp_path, monkeypatch):
    lines = [f"第{n}句话在重庆。" for n in range(150)]  # three batches of the enforcer
    root = write_tree(tmp_path / "p", {"a.txt": "城市很美丽。\n", "b.txt": "\n".join(lines) + "\n"})
    monkeypatch.setitem(ENGINES, "fake", "tests.project_helpers:BuiltInterruptingEngine")
    res = cli("translate", root, "--engine", "fake")
    assert res.exit_code == 130 and "Interrupted" in res.stderr
    assert "rerun with --skip-existing" in res.stderr
    assert (root / "a.en.txt").exists() and not (root / "b.en.txt").exists()
    again = cli("translate", root, "--engine", "fake")   # without a flag: the choice is said
    assert again.exit_code == 2 and "--skip-existing" in again.stderr
    monkeypatch.setitem(ENGINES, "fake", "tests.project_helpers:CountingFakeEngine")
    helpers.BUILT.clear()
    before = (root / "a.en.txt").stat().st_mtime_ns
    res = cli("translate", root, "--engine", "fake", "--skip-existing", "--report",
              tmp_path / "r.json")
    assert res.exit_code == 0, res.stderr
    assert "a.en.txt: exists, skipped (--skip-existing)" in res.stderr
    sent = helpers.sentences_sent()
    assert len(sent) == 150 - 64 and "城市很美丽。" not in sent   # b's first batch was cached
    assert (root / "a.en.txt").stat().st_mtime_ns == before
    assert len((root / "b.en.txt").read_text(encoding="utf-8").splitlines()) == 150
    report = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    assert report["summary"]["files_skipped"] == 1 and report["summary"]["files_written"] == 1
    assert report["skipped"][0]["output"] == str(root / "a.en.txt")


def test_no_cache_and_a_cached_rerun(cli, tmp_path, counting_fake):
    from termbase.cache_home import cache_home

    root = write_tree(tmp_path / "p", {"a.txt": "城市很美丽。\n"})
    assert cli("translate", root, "--engine", "fake", "--no-cache", "-q").exit_code == 0
    assert not (cache_home() / "translations.sqlite3").exists() and len(helpers.BUILT) == 1
    assert cli("translate", root, "--engine", "fake", "--force", "-q").exit_code == 0
    assert len(helpers.BUILT) == 2
    res = cli("translate", root, "--engine", "fake", "--force")
    assert res.exit_code == 0 and len(helpers.BUILT) == 2   # every segment cached: no engine
    assert res.stderr.splitlines()[-1].endswith("; cache: 1 hit(s), 0 stored")
    res = cli("translate", root / "a.txt", "--engine", "fake", "--force")  # one file: as before,
    assert res.exit_code == 0 and len(helpers.BUILT) == 2                  # plus where from
    assert res.stderr.splitlines()[-1] == "origins: leveraged-mt 1; cache: 1 hit(s), 0 stored"


# -- pre-translation and the exit status -----------------------------------------------------------
def test_engine_none_pretranslates_with_memory_and_notes(cli, tmp_path):
    tmx = helpers.write_tmx(tmp_path / "m.tmx", {"今天天气很好。": "The weather is fine today."})
    root = tmp_path / "p"
    root.mkdir()
    helpers.write_xliff(root / "b.xlf", {"1": "今天天气很好。", "2": "我们加强国际传播。"})
    (root / "a.txt").write_text("今天天气很好。\n我们加强国际传播。\n", encoding="utf-8")
    res = cli("translate", root, "--engine", "none", "--tm", tmx, "--bilingual", "--include",
              "*.txt", "-q")
    assert res.exit_code == 0, res.stderr
    assert (root / "a.en.txt").read_text(encoding="utf-8") == \
        "今天天气很好。\nThe weather is fine today.\n我们加强国际传播。\n"
    res = cli("translate", root / "b.xlf", "--engine", "none", "--tm", tmx, "--report", "-", "-q")
    assert res.exit_code == 0, res.stderr
    units = list(read_xml(root / "b.en.xlf").iter(f"{XLF}trans-unit"))
    assert units[0].find(f"{XLF}target").text == "The weather is fine today."
    assert units[1].find(f"{XLF}target") is None
    assert units[1].find(f"{XLF}note").text == "Glossary: 国际传播 → international communication"
    report = json.loads(res.stdout)   # one file: the single-file report, as before
    assert report["untranslated"][0]["terms"][0]["term"] == "国际传播"
    assert not (Path.home() / ".cache" / "termtrans" / "translations.sqlite3").exists()


def test_fail_on_term_failures_exits_1(cli, tmp_path, monkeypatch):
    monkeypatch.setitem(ENGINES, "fake", "tests.project_helpers:DroppingEngine")
    root = write_tree(tmp_path / "p", {"a.txt": "我们加强国际传播。\n", "b.txt": "城市很美丽。\n"})
    res = cli("translate", root, "--engine", "fake")
    assert res.exit_code == 0 and "term not applied" in res.stderr
    res = cli("translate", root, "--engine", "fake", "--force", "--fail-on-term-failures")
    assert res.exit_code == 1
    assert "1 glossary term(s) not applied" in res.stderr
    assert (root / "a.en.txt").read_text(encoding="utf-8") == "We strengthen it.\n"  # written


# -- a cluster, through the CLI --------------------------------------------------------------------
def test_a_local_cluster_gives_byte_identical_outputs(cli, tmp_path):
    pytest.importorskip("distributed")
    root = write_tree(tmp_path / "p", {f"s{k % 2}/f{k}.txt": f"城市很美丽。\n第{k}句话在重庆。\n讲好重庆故事\n"
                                  for k in range(6)})
    (root / "x.xlf").write_text(helpers.XLIFF.format(units=(  # codes travel to the workers too
        '<trans-unit id="1"><source>他们<g id="1">访问</g>了重庆。</source></trans-unit>'
        '<trans-unit id="2"><source>城市很美丽。<x id="2"/></source></trans-unit>')),
        encoding="utf-8")
    import docx

    d = docx.Document()
    d.add_paragraph("我们加强国际传播。")
    p = d.add_paragraph("今天")
    p.add_run("天气").bold = True
    p.add_run("很好。")
    d.save(str(root / "d.docx"))
    runs = {}
    for name, extra in (("local", ()), ("cluster", ("--cluster", "local:2"))):
        res = cli("translate", root, "-o", tmp_path / name, "--engine", "fake", "--no-cache",
                  "--report", tmp_path / f"{name}.json", "-q", *extra)
        assert res.exit_code == 0, res.stderr
        report = (tmp_path / f"{name}.json").read_text(encoding="utf-8")
        runs[name] = (_outputs(tmp_path / name), report.replace(str(tmp_path / name), "OUT"))
    assert len(runs["local"][0]) == 8
    assert runs["local"] == runs["cluster"]


# -- check PATH... -------------------------------------------------------------------------------
def test_a_paragraph_count_mismatch_is_reported_as_issues(cli, tmp_path, monkeypatch):
    import termbase.aligned.paragraphs as paragraphs

    zh = ["第一段。", "国际传播很重要。", "第三段有2019年。", "第四段。", "第五段讲好重庆故事。"]
    en = ["Paragraph one.", "International communication matters.", "Paragraph four.",
          "Paragraph five tells good stories of Chongqing."]
    (tmp_path / "x.zh.txt").write_text("\n\n".join(zh) + "\n", encoding="utf-8")
    (tmp_path / "x.en.txt").write_text("\n\n".join(en) + "\n", encoding="utf-8")
    seen = []
    real = paragraphs.read_parallel
    monkeypatch.setattr(paragraphs, "read_parallel",
                        lambda s, t, glossary=None: seen.append(glossary) or real(s, t,
                                                                                  glossary=glossary))
    res = cli("check", tmp_path / "x.zh.txt", tmp_path / "x.en.txt", "--format", "json")
    assert res.exit_code == 1, res.stderr
    assert seen and seen[0] is not None and len(seen[0].entries) > 0   # the glossary anchors
    missing = [i for i in json.loads(res.stdout)["issues"] if i["check"] == "missing-translation"]
    assert [(i["segment"], i["location"]) for i in missing] == [(2, f"{tmp_path / 'x.zh.txt'}:5")]
    assert f"{tmp_path / 'x.en.txt'} lines 3 and 5" in missing[0]["message"]


def test_check_a_project_folder_in_one_report_with_cross_file_consistency(cli, tmp_path):
    write_tree(tmp_path / "proj", {
        "ch1.zh.txt": "城市很美丽。\n\n我们加强国际传播。\n",
        "ch1.en.txt": "The city is beautiful.\n\nWe strengthen international communication.\n",
        "ch2.zh.txt": "城市很美丽。\n",
        "ch2.en.txt": "The town is lovely.\n",
        "orphan.en.txt": "No source.\n"})
    res = cli("check", tmp_path / "proj", "--format", "json", "--fail-on", "none")
    assert res.exit_code == 0, res.stderr
    assert "orphan.en.txt: no Chinese source found" in res.stderr
    report = json.loads(res.stdout)
    files = report["inputs"]["files"]
    assert [Path(f["source"]).name for f in files] == ["ch1.zh.txt", "ch2.zh.txt"]
    assert [f["first_segment"] for f in files] == [0, 2]
    inconsistent = [i for i in report["issues"] if i["check"] == "inconsistent-target"]
    assert inconsistent and {i["segment"] for i in inconsistent} <= {0, 2}
    res = cli("check", tmp_path / "proj", "--input-format", "tsv")
    assert res.exit_code == 2 and "--input-format applies to one file" in res.stderr


def test_check_a_translated_tree_against_its_source_tree(cli, tmp_path, counting_fake):
    root = write_tree(tmp_path / "proj", {"a.txt": "城市很美丽。\n", "notes/b.md": "今天天气很好。\n"})
    helpers.write_xliff(root / "notes" / "c.xlf", {"1": "他们访问了重庆。"})
    assert cli("translate", root, "-o", tmp_path / "en", "--engine", "fake", "-q").exit_code == 0
    res = cli("check", root, tmp_path / "en", "--format", "json", "--fail-on", "none")
    assert res.exit_code == 0, res.stderr
    pairs = [(Path(f["source"]).relative_to(tmp_path).as_posix(),
              f["target"] and Path(f["target"]).relative_to(tmp_path).as_posix())
             for f in json.loads(res.stdout)["inputs"]["files"]]
    assert pairs == [("proj/a.txt", "en/a.en.txt"), ("proj/notes/b.md", "en/notes/b.en.md"),
                     ("en/notes/c.en.xlf", None)]   # the XLIFF output holds both languages
    assert "proj/notes/c.xlf: not checked; its translation" in res.stderr

"""The `termtrans terms` commands through click's CliRunner."""
from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli import main

DATA = Path(__file__).parent / "data" / "glossaries"


@pytest.fixture
def runner():
    return CliRunner()


@pytest.fixture
def small_glossary(tmp_path):
    p = tmp_path / "g.csv"
    shutil.copy(DATA / "bom_crlf.csv", p)
    return p


def test_lookup(runner):
    r = runner.invoke(main, ["terms", "lookup", "华龙网"])
    assert r.exit_code == 0, r.output
    assert "华龙网  →  Huanglong Newsnet" in r.output
    assert "forbidden: Huanglong News Net" in r.output


def test_lookup_json_and_miss(runner):
    r = runner.invoke(main, ["terms", "lookup", "重庆日报", "--format", "json"])
    assert json.loads(r.output)[0]["en"][0] == "Chongqing Daily"
    r = runner.invoke(main, ["terms", "lookup", "完全不存在的词语"])
    assert r.exit_code == 1


def test_search_is_fuzzy_and_scored(runner):
    r = runner.invoke(main, ["terms", "search", "Huanglong News Net", "--format", "json"])
    assert r.exit_code == 0, r.output
    hits = json.loads(r.output)
    assert hits[0]["zh"][0] == "华龙网"
    assert hits[0]["score"] >= 90
    assert all(a["score"] >= b["score"] for a, b in zip(hits, hits[1:]))
    r = runner.invoke(main, ["terms", "search", "一带一陆"])
    assert "一带一路" in r.output.splitlines()[0]


def test_validate_bundled(runner):
    r = runner.invoke(main, ["terms", "validate"])
    assert r.exit_code == 0, r.output
    assert "OK" in r.output


def test_validate_reports_problems_exit_1(runner, tmp_path):
    p = tmp_path / "g.csv"
    p.write_text("zh,en\n重庆,Chongqing\n重庆,Chongqing\n", encoding="utf-8")
    r = runner.invoke(main, ["terms", "validate", str(p)])
    assert r.exit_code == 1
    assert f"{p}:3: warning: duplicate of line 2" in r.output


def test_add_then_find(runner, small_glossary, tmp_path):
    r = runner.invoke(main, ["--glossary", str(small_glossary), "terms", "add", "重庆日报|重庆日報",
                             "Chongqing Daily", "--note", "newspaper"])
    assert r.exit_code == 0, r.output
    r = runner.invoke(main, ["--glossary", str(small_glossary), "terms", "add", "重庆日报", "CQ Daily"])
    assert r.exit_code == 2 and "conflicts with the glossary" in r.output
    doc = tmp_path / "doc.txt"
    doc.write_text("标题\n据重庆日报报道，华龙网转载。\n", encoding="utf-8")
    r = runner.invoke(main, ["--glossary", str(small_glossary), "terms", "find", str(doc)])
    assert r.exit_code == 0, r.output
    lines = r.stdout.splitlines()
    assert lines == ["2:2\t重庆日报\tChongqing Daily", "2:9\t华龙网\tHuanglong Newsnet"]


def test_find_json_stdin_and_env_glossary(runner, small_glossary, monkeypatch):
    monkeypatch.setenv("TERMTRANS_GLOSSARY", str(small_glossary))
    r = runner.invoke(main, ["terms", "find", "-", "--format", "json"], input="在重慶\n")
    assert r.exit_code == 0, r.output
    rows = json.loads(r.stdout)
    assert rows == [{"line": 1, "column": 2, "start": 1, "end": 3, "text": "重慶", "term": "重庆",
                     "english": "Chongqing", "alternatives": [], "forbidden": []}]


def test_find_sample_page(runner, sample_page):
    r = runner.invoke(main, ["terms", "find", str(sample_page)])
    assert r.exit_code == 0, r.output
    assert "华龙网\tHuanglong Newsnet" in r.stdout
    assert "外国使领馆官员话重庆\tChongqing in the Eyes of Foreign Consuls" in r.stdout
    assert "重庆日报\tChongqing Daily" in r.stdout


@pytest.mark.parametrize("name, message", [
    ("no_header_four_columns.csv", "no_header_four_columns.csv:1: expected a header naming zh"),
    ("wrong_columns.csv", "wrong_columns.csv:3: 3 columns expected, found 2"),
    ("gbk.csv", "gbk.csv:2: not valid UTF-8"),
    ("empty.csv", "empty.csv: file is empty"),
    ("binary.csv", "binary.csv"),
    ("conflict.csv", "conflict.csv:4: conflict"),
])
def test_bad_glossary_clean_error(runner, name, message):
    r = runner.invoke(main, ["--glossary", str(DATA / name), "terms", "lookup", "重庆"])
    assert r.exit_code == 2
    assert r.exception is None or isinstance(r.exception, SystemExit)
    assert "Traceback" not in r.output
    out = r.output.strip()
    assert out.startswith("Error: ") and message in out and "\n" not in out


@pytest.mark.parametrize("content, message", [
    (b"", "file is empty"),
    (b"\xd6\xd8\xc7\xec\n", "doc.txt:1: not valid UTF-8"),
    (b"ok\n\x00\x01binary", "doc.txt:2: binary file"),
])
def test_bad_input_file_clean_error(runner, tmp_path, content, message):
    doc = tmp_path / "doc.txt"
    doc.write_bytes(content)
    r = runner.invoke(main, ["terms", "find", str(doc)])
    assert r.exit_code == 2 and message in r.output and "Traceback" not in r.output


def test_missing_input_file(runner, tmp_path):
    r = runner.invoke(main, ["terms", "find", str(tmp_path / "nope.txt")])
    assert r.exit_code == 2 and "nope.txt: no such file" in r.output


@pytest.mark.parametrize("args", [
    ["--help"], ["terms", "lookup", "重庆"], ["terms", "validate"], ["terms", "search", "Chongqing"],
    ["terms", "find", "tests/data/sample.zh.txt"], ["translate", "--help"],
    ["check", "tests/data/chongqing-yearbook-page.txt", "--format", "json"],
    ["terms", "export", "-", "--format", "tbx"],
    ["terms", "extract", "tests/data/chongqing-yearbook-page.txt", "--limit", "3"],
])
def test_startup_does_not_import_torch_or_transformers(args):
    code = ("import sys, cli\n"
            "try:\n    cli.main(%r)\nexcept SystemExit as exc:\n    rc = exc.code or 0\n"
            "heavy = [m for m in ('torch', 'transformers', 'ctranslate2') if m in sys.modules]\n"
            "print('RC:%%s HEAVY:%%s' %% (rc, ','.join(heavy)))\n" % (args,))
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         cwd=Path(__file__).resolve().parent.parent).stdout
    last = out.rstrip().splitlines()[-1]
    assert last in ("RC:0 HEAVY:", "RC:1 HEAVY:"), out[-500:]

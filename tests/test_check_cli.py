"""``termtrans check``: options, exit codes, ignore files, clean errors."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli import main

DATA = Path(__file__).parent / "data"
GLOSSARY = str(DATA / "check-glossary.csv")


def run(*args, glossary=GLOSSARY):
    return CliRunner().invoke(main, ["--glossary", glossary, "check", *args], catch_exceptions=False)


@pytest.fixture
def bilingual(tmp_path):
    p = tmp_path / "doc.tsv"
    p.write_text("zh\ten\n新华社报道。\tXinhua Agency reported.\n重庆很美。\tChongqing is beautiful.\n"
                 "重庆的发展。\tChongqings growth,fast.\n", encoding="utf-8")
    return p


@pytest.fixture
def clean(tmp_path):
    p = tmp_path / "clean.tsv"
    p.write_text("zh\ten\n重庆很美。\tChongqing is beautiful.\n", encoding="utf-8")
    return p


def test_clean_exits_0(clean):
    r = run(str(clean))
    assert r.exit_code == 0, r.output
    assert "0 issues" in r.output


def test_issues_exit_1_and_text_report(bilingual):
    r = run(str(bilingual))
    assert r.exit_code == 1
    assert "term-forbidden (1)" in r.output and "»Xinhua Agency«" in r.output
    assert "fix: use 'Xinhua News Agency'" in r.output
    assert "Summary:" in r.output


@pytest.mark.parametrize("fail_on,code", [("error", 1), ("warning", 1), ("info", 1), ("none", 0)])
def test_fail_on(bilingual, fail_on, code):
    assert run(str(bilingual), "--fail-on", fail_on).exit_code == code


def test_fail_on_counts_only_severities_at_or_above(bilingual):
    # typography issues are warnings: with only typography, --fail-on error passes
    assert run(str(bilingual), "--only", "typography").exit_code == 0
    assert run(str(bilingual), "--only", "typography", "--fail-on", "warning").exit_code == 1


def test_only_and_skip(bilingual):
    out = json.loads(run(str(bilingual), "--format", "json", "--only", "typography,untranslated").output)
    assert out["checks"] == ["untranslated", "typography"]
    assert {i["check"] for i in out["issues"]} == {"typography"}
    out = json.loads(run(str(bilingual), "--format", "json", "--skip", "typography").output)
    assert "typography" not in out["checks"] and "typography" not in {i["check"] for i in out["issues"]}


def test_unknown_check_is_usage_error(bilingual):
    r = run(str(bilingual), "--only", "spelling")
    assert r.exit_code == 2 and "unknown check 'spelling'" in r.output


def test_write_and_use_ignore_file(bilingual, tmp_path):
    ignore = tmp_path / "accepted.tsv"
    r = run(str(bilingual), "--only", "typography", "--write-ignore", str(ignore))
    assert r.exit_code == 0
    text = ignore.read_text(encoding="utf-8")
    assert "typography\t" in text and "Chongqings" in text
    r = run(str(bilingual), "--format", "json", "--ignore-file", str(ignore))
    out = json.loads(r.output)
    assert out["summary"]["ignored"] >= 2
    assert not [i for i in out["issues"] if i["check"] == "typography"]
    assert [i for i in out["issues"] if i["check"] == "term-forbidden"]  # other checks still run


def test_ignore_file_with_wildcard_and_bad_line(bilingual, tmp_path):
    out = json.loads(run(str(bilingual), "--format", "json").output)
    fp = next(i["fingerprint"] for i in out["issues"] if i["check"] == "term-forbidden")
    ignore = tmp_path / "ok.txt"
    ignore.write_text(f"# accepted\nterm-forbidden\t{fp}\t*\n", encoding="utf-8")
    out = json.loads(run(str(bilingual), "--format", "json", "--ignore-file", str(ignore)).output)
    assert not [i for i in out["issues"] if i["check"] == "term-forbidden"]
    ignore.write_text("term-forbidden\n", encoding="utf-8")
    r = run(str(bilingual), "--ignore-file", str(ignore))
    assert r.exit_code == 2 and f"{ignore}:1:" in r.output


def test_output_file_written_atomically(bilingual, tmp_path):
    out = tmp_path / "report.html"
    r = run(str(bilingual), "--format", "html", "-o", str(out))
    assert r.exit_code == 1
    assert out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_refuses_to_write_over_input(bilingual):
    r = run(str(bilingual), "--format", "json", "-o", str(bilingual))
    assert r.exit_code == 2 and "would overwrite the input" in r.output
    assert bilingual.read_text(encoding="utf-8").startswith("zh\ten")


@pytest.mark.parametrize("name,content,message", [
    ("hostile.xlf", '<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol">]>\n<xliff/>',
     "entity declarations are refused"),
    ("broken.tmx", "<tmx><body><tu>", "malformed XML"),
    ("empty.txt", "", "empty"),
    ("bad.csv", 'zh,en\n"unclosed,x\n', "malformed"),
])
def test_bad_input_is_clean_error(tmp_path, name, content, message):
    p = tmp_path / name
    p.write_text(content, encoding="utf-8")
    r = run(str(p))
    assert r.exit_code == 2
    assert r.output.startswith("Error: ") and message in r.output
    assert "Traceback" not in r.output


def test_missing_source_and_list_checks():
    r = run()
    assert r.exit_code == 2
    r = run("--list-checks")
    assert r.exit_code == 0 and "term-variant" in r.output and "number-mismatch" in r.output


def test_parallel_files_and_mismatch(tmp_path):
    zh, en = tmp_path / "zh.txt", tmp_path / "en.txt"
    zh.write_text("新华社报道。\n\n重庆很美。\n", encoding="utf-8")
    en.write_text("Xinhua News Agency reported.\n\nChongqing is beautiful.\n", encoding="utf-8")
    assert run(str(zh), str(en)).exit_code == 0
    en.write_text("Xinhua News Agency reported.\n", encoding="utf-8")
    r = run(str(zh), str(en), "--format", "json")
    assert r.exit_code == 1  # aligned: the second paragraph is a missing translation (an error)
    issues = json.loads(r.output)["issues"]
    assert [(i["check"], i["location"]) for i in issues] == [("missing-translation", f"{zh}:3")]


def test_sample_page_with_bundled_glossary(sample_page, bundled_glossary):
    r = run(str(sample_page), "--format", "json", glossary=str(bundled_glossary))
    assert r.exit_code == 1
    out = json.loads(r.output)
    spans = {i["span"] for i in out["issues"]}
    assert {"Chinas", "Chongqings", "Foreign Affairs of Chongqing Municipal Government",
            "China,Chongqing"} <= spans
    assert out["summary"]["segments"] == 12


def test_check_does_not_import_torch(tmp_path, clean):
    code = ("import sys; from click.testing import CliRunner; from cli import main; "
            f"r = CliRunner().invoke(main, ['--glossary', {GLOSSARY!r}, 'check', {str(clean)!r}]); "
            "assert r.exit_code == 0, r.output; "
            "print(any(m in sys.modules for m in ('torch', 'transformers')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         cwd=Path(__file__).resolve().parent.parent)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "False"


# -- how the process ends: ``cli.run`` (the termtrans command) -----------------------------------

_RUN = """
import atexit, os, sys
import cli

real_exit = os._exit

def spy(code):  # how the process ends
    sys.stderr.write("os._exit(%%d)\\n" %% code)
    sys.stderr.flush()
    real_exit(code)

os._exit = spy
atexit.register(lambda: sys.stderr.write("exit function ran\\n"))
sys.argv = ["termtrans", *%r]
%s
cli.run()
"""


def _run_process(args, cwd, before_run=""):
    """``cli.run()`` with ``args`` in a new process, ``before_run`` (a statement) run first."""
    return subprocess.run([sys.executable, "-c", _RUN % (list(args), before_run)],
                          capture_output=True, text=True, cwd=cwd)


@pytest.mark.parametrize("fail_on,code", [("none", 0), ("error", 1)])
def test_a_written_check_ends_the_process_without_freeing_it(bilingual, tmp_path, fail_on, code):
    out = tmp_path / "report.json"
    r = _run_process(["--glossary", GLOSSARY, "check", str(bilingual), "--format", "json",
                      "-o", str(out), "--fail-on", fail_on], Path(__file__).parent.parent)
    assert r.returncode == code, r.stderr
    report = json.loads(out.read_text(encoding="utf-8"))
    assert report["summary"]["issues"] > 0
    # ended at once (its objects left to the system), after what a normal exit does that
    # matters: exit functions run, streams flushed
    assert r.stderr.endswith(f"exit function ran\nos._exit({code})\n"), r.stderr
    assert f"{out}: 3 segments" in r.stderr


def test_a_check_to_stdout_ends_quickly_with_its_report_flushed(bilingual):
    r = _run_process(["--glossary", GLOSSARY, "check", str(bilingual), "--format", "json"],
                     Path(__file__).parent.parent)
    assert r.returncode == 1 and json.loads(r.stdout)["summary"]["segments"] == 3
    assert r.stderr.endswith("exit function ran\nos._exit(1)\n"), r.stderr


@pytest.mark.parametrize("args", [["--version"], ["check", "no-such-file.txt"],
                                  ["terms", "lookup", "重庆"]])
def test_other_commands_and_errors_end_the_process_normally(args):
    r = _run_process(args, Path(__file__).parent.parent)
    assert r.returncode in (0, 2), r.stderr
    assert "exit function ran" in r.stderr and "os._exit" not in r.stderr


@pytest.mark.parametrize("hook", ["setprofile", "settrace"])
def test_a_check_under_a_profiler_or_tracer_ends_normally(bilingual, tmp_path, hook):
    # what runs the command (cProfile, a debugger, a coverage tracer) still has work to do
    # when it returns
    out = tmp_path / "report.json"
    r = _run_process(["--glossary", GLOSSARY, "check", str(bilingual), "--format", "json",
                      "-o", str(out)], Path(__file__).parent.parent,
                     before_run=f"sys.{hook}(lambda *a: None)")
    assert r.returncode == 1 and out.exists(), r.stderr
    assert "exit function ran" in r.stderr and "os._exit" not in r.stderr


def test_cprofile_writes_the_profile_of_a_check(bilingual, tmp_path):
    prof, out = tmp_path / "check.prof", tmp_path / "report.json"
    r = subprocess.run([sys.executable, "-m", "cProfile", "-o", str(prof), "-m", "cli",
                        "--glossary", GLOSSARY, "check", str(bilingual), "--format", "json",
                        "-o", str(out)], capture_output=True, text=True,
                       cwd=Path(__file__).parent.parent)
    assert r.returncode in (0, 1) and out.exists(), r.stderr  # (cProfile keeps no exit status)
    import pstats

    stats = pstats.Stats(str(prof))
    assert any(name == "run_checks" for _, _, name in stats.stats), "run_checks not profiled"


def test_main_never_ends_the_process_itself(bilingual, tmp_path):
    # in-process callers (CliRunner here) get the exit status back from main
    out = tmp_path / "r.json"
    r = run(str(bilingual), "--format", "json", "-o", str(out))
    assert r.exit_code == 1 and out.exists()

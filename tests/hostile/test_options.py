"""Option abuse: every numeric option has a range (nan and infinities refused), --jobs is capped
at the CPUs, empty names are errors; all as one line ``Error: …``, exit 2."""
from __future__ import annotations

import pytest

from conftest import assert_one_line_error

CASES = [
    (("terms", "search", "华龙", "--limit", "100000000000000000000"), "--limit"),
    (("terms", "search", "华龙", "--limit", "-5"), "--limit"),
    (("terms", "search", "华龙", "--limit", "0"), "--limit"),
    (("terms", "search", "华龙", "--min-score", "150"), "--min-score"),
    (("terms", "search", "华龙", "--min-score", "nan"), "not a finite number"),
    (("terms", "search", "华龙", "--min-score", "-inf"), "not a finite number"),
    (("terms", "search", "华龙", "--min-score", "abc"), "--min-score"),
    (("terms", "extract", "{bil}", "--limit", "99999999999999999999999"), "--limit"),
    (("terms", "extract", "{bil}", "--min-score", "nan"), "not a finite number"),
    (("terms", "extract", "{bil}", "--min-score", "-1"), "--min-score"),
    (("check", "{bil}", "--jobs", "0"), "--jobs"),
    (("check", "{bil}", "--jobs", "-3"), "--jobs"),
    (("translate", "{src}", "--engine", "fake", "--beam", "0"), "--beam"),
    (("translate", "{src}", "--engine", "fake", "--batch-size", "100000"), "--batch-size"),
    (("check", "{bil}", "--ignore-file", ""), "empty file name"),
    (("check", "{bil}", ""), "empty file name"),
]


@pytest.mark.parametrize("argv,message", CASES)
def test_bad_option_value_is_one_line_error(ws, argv, message):
    args = [a.format(bil=ws.bil, src=ws.src) for a in argv]
    snap = ws.snapshot()
    assert_one_line_error(ws.cli(*args), message)
    snap.assert_unchanged()


def test_jobs_are_capped_at_the_cpus(monkeypatch):
    from termbase.qa import runner

    monkeypatch.setattr(runner, "available_cpus", lambda: 2)
    if "fork" not in __import__("multiprocessing").get_all_start_methods():
        pytest.skip("no fork: always one process")
    assert runner.effective_jobs(1000, 5000) == 2
    assert runner.effective_jobs(1, 5000) == 1
    assert runner.effective_jobs(None, 10) == 1


def test_jobs_1000_runs_the_check_without_forking_1000_processes(ws, monkeypatch):
    from termbase.qa import runner

    forks = []
    real = runner._ForkedCall.__init__

    def spy(self, fn):
        forks.append(fn)
        real(self, fn)

    monkeypatch.setattr(runner._ForkedCall, "__init__", spy)
    monkeypatch.setattr(runner, "PARALLEL_MIN_SEGMENTS", 1)
    rows = "".join(f"华龙网第{i}条。\tHuanglong Newsnet item {i}.\n" for i in range(50))
    ws.path("many.tsv").write_text("zh\ten\n" + rows, encoding="utf-8")
    res = ws.cli("check", "many.tsv", "--jobs", "1000", "--format", "json", "-o", "r.json")
    assert res.exit_code in (0, 1), res.output
    cpus = runner.available_cpus()
    # one process for the checks that need no matchers, cpus - 1 terminology workers (this
    # process checks a share itself); nothing forked on one CPU
    assert len(forks) == (cpus if cpus > 1 else 0)


@pytest.mark.parametrize("command", [("translate",), ("check",), ("terms", "export"),
                                     ("terms", "import"), ("terms", "extract")])
def test_every_writer_states_force_in_its_help(ws, command):
    res = ws.cli(*command, "--help")
    assert res.exit_code == 0 and "--force" in res.stdout and "never" in res.stdout

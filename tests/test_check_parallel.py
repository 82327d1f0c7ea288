"""Large documents are checked in several processes; the report must not depend on it."""
from __future__ import annotations

import pytest

from termbase.aligned import read_aligned
from termbase.glossary import load_glossary
from termbase.qa import run_checks
from termbase.qa.base import Issue


def test_parallel_report_equals_serial(bundled_glossary, sample_page):
    g = load_glossary(bundled_glossary)
    base = read_aligned(sample_page)
    pairs = []
    for k in range(40):  # a long document made of the page's segments, repeated
        for p in base:
            pairs.append(type(p)(**{**p.__dict__, "index": len(pairs)}))
    serial = run_checks(pairs, g, jobs=1)
    parallel = run_checks(pairs, g, jobs=2)
    assert serial.issues, "the sample page has known defects"
    assert parallel.issues == serial.issues
    assert parallel.summary() == serial.summary()


def _long_document(sample_page, times=40):
    base = read_aligned(sample_page)
    pairs = []
    for _ in range(times):
        for p in base:
            pairs.append(type(p)(**{**p.__dict__, "index": len(pairs)}))
    return pairs


@pytest.mark.parametrize("only", [["typography"], ["term-missing"], ["term-variant", "inconsistent-source"]])
def test_parallel_subsets_equal_serial(bundled_glossary, sample_page, only):
    g = load_glossary(bundled_glossary)
    pairs = _long_document(sample_page, 10)
    serial = run_checks(pairs, g, only=only, jobs=1)
    parallel = run_checks(pairs, g, only=only, jobs=2)
    assert parallel.issues == serial.issues
    assert parallel.checks == serial.checks == only


@pytest.mark.parametrize("check_cls", ["termbase.qa.typography:Typography", "termbase.qa.terms:TermMissing"])
def test_a_failing_check_in_a_worker_is_reported(bundled_glossary, sample_page, monkeypatch, check_cls):
    import importlib

    module, name = check_cls.split(":")
    cls = getattr(importlib.import_module(module), name)

    def broken(self, pair, ctx):
        raise ValueError("broken check")

    monkeypatch.setattr(cls, "check_segment", broken)
    g = load_glossary(bundled_glossary)
    with pytest.raises((RuntimeError, ValueError), match="broken check"):
        run_checks(_long_document(sample_page, 4), g, jobs=2)


def test_a_worker_that_dies_without_its_result_is_reported(bundled_glossary, sample_page,
                                                          monkeypatch):
    import os

    from termbase.qa.typography import Typography

    parent = os.getpid()
    real = Typography.check_segment

    def dying(self, pair, ctx):
        if os.getpid() != parent:
            os._exit(3)  # killed, out of memory...: no result, no traceback
        return real(self, pair, ctx)

    monkeypatch.setattr(Typography, "check_segment", dying)
    g = load_glossary(bundled_glossary)
    with pytest.raises(RuntimeError, match=r"ended without a result \(exit code 3\)"):
        run_checks(_long_document(sample_page, 4), g, only=["typography"], jobs=2)


def test_the_collector_is_left_as_it_was(bundled_glossary, sample_page):
    import gc

    g = load_glossary(bundled_glossary)
    assert gc.isenabled()
    run_checks(_long_document(sample_page, 4), g, jobs=2)
    assert gc.isenabled()
    gc.disable()
    try:
        run_checks(read_aligned(sample_page), g, jobs=1)
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_without_fork_the_check_runs_in_one_process(bundled_glossary, sample_page, monkeypatch):
    import os

    import termbase.qa.runner as runner

    monkeypatch.delattr(os, "fork", raising=False)  # as on Windows
    monkeypatch.setattr(runner, "_parallel_issues", lambda *a: pytest.fail("forked without fork"))
    g = load_glossary(bundled_glossary)
    pairs = _long_document(sample_page, 4)
    assert run_checks(pairs, g, jobs=2).issues == run_checks(pairs, g, jobs=1).issues


def _opening_up_document(times=150):
    """Segments rendering 对外开放 both ways (opening-up most often), for inconsistent-term."""
    from termbase.aligned import SegmentPair

    rows = [("坚持对外开放。", "We keep opening-up."), ("扩大对外开放。", "More opening up."),
            ("坚持对外开放。", "Opening-up goes on.")]
    return [SegmentPair(index=k, source=rows[k % 3][0], target=rows[k % 3][1],
                        location=f"doc:{k + 1}") for k in range(times)]


@pytest.mark.parametrize("jobs", [2, 3])
def test_inconsistent_term_is_collected_in_the_workers_and_equals_serial(bundled_glossary, jobs,
                                                                         monkeypatch):
    from termbase.qa import runner

    monkeypatch.setattr(runner, "available_cpus", lambda: 3)
    g = load_glossary(bundled_glossary)
    pairs = _opening_up_document()
    serial = run_checks(pairs, g, only=["inconsistent-term", "term-missing"], jobs=1)
    parallel = run_checks(pairs, g, only=["inconsistent-term", "term-missing"], jobs=jobs)
    found = [i for i in serial.issues if i.check == "inconsistent-term"]
    assert len(found) == 50 and {i.span for i in found} == {"opening up"}
    assert parallel.issues == serial.issues


def test_issues_rendered_by_the_workers_make_the_same_json(bundled_glossary, sample_page):
    from termbase.reports import (issue_renderer, render_report, render_report_bytes,
                                  segment_renderer)

    g = load_glossary(bundled_glossary)
    pairs = _long_document(sample_page, 20) + [
        type(p)(**{**p.__dict__, "index": p.index + 240}) for p in _opening_up_document(30)]
    serial = run_checks(pairs, g, jobs=1)
    parallel = run_checks(pairs, g, jobs=2, render_issue=issue_renderer("json"),
                          render_segment=segment_renderer("json"))
    assert serial.rendered == {} and len(parallel.rendered) > len(parallel.issues) // 2
    assert serial.rendered_segments == {}
    # the segments of the issues the workers rendered are rendered too; the document checks'
    # issues are put together in this process (rendered by the writer, and so are the segments
    # that have no other issue)
    segments = {i.segment for i in parallel.issues}
    by_workers = {i.segment for i in parallel.issues if id(i) in parallel.rendered}
    assert by_workers <= set(parallel.rendered_segments) <= segments
    assert set(parallel.rendered_segments) != segments
    assert any(id(i) not in parallel.rendered for i in parallel.issues)
    assert render_report(parallel, "json") == render_report(serial, "json")
    assert render_report_bytes(parallel, "json") == render_report(serial, "json").encode("utf-8")
    assert render_report(parallel, "csv") == render_report(serial, "csv")
    assert issue_renderer("text") is None and segment_renderer("csv") is None


@pytest.mark.parametrize("n_pairs, count", [(10, 32), (1000, 32), (5, 1), (100000, 5000)])
def test_every_batch_is_taken_once_by_the_processes_that_ask(n_pairs, count):
    import multiprocessing as mp

    from termbase.qa.runner import _Batches

    batches = _Batches(n_pairs, count)
    assert len(batches.bounds) <= min(count, _Batches.MOST)
    assert [i for lo, hi in batches.bounds for i in range(lo, hi)] == list(range(n_pairs))
    recv, send = mp.get_context("fork").Pipe(duplex=False)

    def take():
        got = []
        while (claimed := batches.claim()) is not None:
            got.append(claimed)
        send.send(got)

    workers = [mp.get_context("fork").Process(target=take) for _ in range(3)]
    for w in workers:
        w.start()
    mine = []
    while (claimed := batches.claim()) is not None:
        mine.append(claimed)
    taken = mine + [c for _ in workers for c in recv.recv()]
    for w in workers:
        w.join()
    batches.close()
    assert sorted(taken) == [(k, lo, hi) for k, (lo, hi) in enumerate(batches.bounds)]


class _MarkedIssue(Issue):
    """An Issue subclass (a worker hands it back as itself)."""


def test_workers_hand_back_issues_as_rows_and_get_them_back_equal():
    import pickle

    from termbase.qa.runner import _IssueRows, _packed, _unpacked

    Marked = _MarkedIssue
    a = Issue("typography", "warning", 3, "doc.txt:4:1", "target", 5, 9, "a,b", "missing space",
              "add a space after ','", "missing-space", "def2cf2b7e0f")
    b = Issue("term-missing", "error", 4, "doc.txt:6:1", "source", 0, 2, "重庆", "m", "s")
    odd = Marked("x", "info", 5, "doc.txt:8:1", "target", 0, 1, "y", "m")
    done = {(0, 0): ([[a, b], {4: ("data",)}, [], [odd, a]], [[b"l1", b"l2"], [], [], []],
                     {3: b"s"}),
            ("whole", 2): [b, a]}
    packed = _packed(done)
    assert isinstance(packed[(0, 0)][0][0], _IssueRows)
    assert isinstance(packed[("whole", 2)], _IssueRows)
    assert packed[(0, 0)][0][3] == [odd, a]  # a subclass travels as itself
    back = _unpacked(pickle.loads(pickle.dumps(packed)))
    assert back == done
    assert [type(i) for i in back[(0, 0)][0][3]] == [Marked, Issue]


def test_a_worker_hands_back_parts_while_it_runs(tmp_path):
    import time

    from termbase.qa.runner import _ForkedCall

    go = tmp_path / "go"

    def work(parts):
        parts("first")
        deadline = time.monotonic() + 30
        while not go.exists() and time.monotonic() < deadline:  # until the caller has it
            time.sleep(0.01)
        parts("second")
        return "result"

    call = _ForkedCall(work)
    try:
        got, deadline = [], time.monotonic() + 30
        while not got and time.monotonic() < deadline:
            got = call.take()
            time.sleep(0.01)
        assert got == ["first"] and not call.finished  # the worker still runs
        go.touch()
        assert call.take(wait=True) == ["second", "result"] and call.finished
    finally:
        call.close()


def test_a_worker_never_waits_for_the_caller_to_take_its_parts(tmp_path):
    # parts the pipe has no room for wait in the worker and go with its result
    import time

    from termbase.qa.runner import _ForkedCall

    done = tmp_path / "done"
    block = b"x" * 300_000

    def work(parts):
        for k in range(10):  # 3 MB: more than the pipe holds
            parts((k, block))
        done.touch()
        return len(block)

    call = _ForkedCall(work)
    try:
        deadline = time.monotonic() + 30
        while not done.exists() and time.monotonic() < deadline:
            time.sleep(0.01)
        assert done.exists(), "the worker waited for its parts to be read"
        *parts, value = call.take() + call.take(wait=True)
        assert [k for k, _ in parts] == list(range(10)) and value == 300_000
        assert all(b == block for _, b in parts)
    finally:
        call.close()

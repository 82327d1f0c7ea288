"""A long mixed document's running-header scan is shared by forked processes (``jobs``); what
is read must not depend on it."""
from __future__ import annotations

import os
import threading

import pytest
from click.testing import CliRunner

import cli
import termbase.aligned.mixed as mixed
import termbase.forked as forked
from termbase.forked import single_threaded
from termbase.aligned import read_aligned
from termbase.aligned.mixed import read_mixed_text, running_headers


@pytest.fixture
def forks(monkeypatch):
    """Every text is long enough to be shared; the list of the scan's forked calls (not the
    check's workers). The test process may run other threads (tqdm's monitor, Dask's offload
    pool) that the scan would not fork beside: they hold no lock the scan needs."""
    monkeypatch.setattr(mixed, "PARALLEL_MIN_CHARS", 0)
    monkeypatch.setattr(forked, "single_threaded", lambda: True)
    started = []
    real = forked.ForkedCall.__init__

    def spy(self, fn):
        if fn.__module__ == mixed.__name__:
            started.append(fn)
        real(self, fn)

    monkeypatch.setattr(forked.ForkedCall, "__init__", spy)
    return started


def _pages(numbers, header="The World and Chongqing") -> str:
    """Pages of a yearbook, each with its running header next to its page number."""
    body = "重庆市人民政府外事办公室开展对外交流。The Foreign Affairs Office held exchanges.\n"
    return "".join(f"{body * 3}{n} {header}\n{body * 2}" for n in numbers)


# each text: what makes it a test of the cut (the scan is cut at line breaks near equal lengths)
TEXTS = {
    # one page number in each half: the header is found only when the halves are put together
    "header-across-the-cut": _pages([60]) + "中文一段。English paragraph.\n" + _pages([61]),
    "headers-in-every-part": _pages(range(60, 72)),
    # page numbers on both sides of the line break or space the scan is cut at
    "digits-beside-the-cut": "".join(f"中文。Text {n}\n{n + 1} Running Head Here\n"
                                     for n in range(10, 40, 2)),
    "digits-beside-spaces": "".join(f"中文。Text {n} {n + 1}.5 {n}, Running Head Here {n} "
                                    for n in range(10, 40, 2)),
    "header-after-the-number": "\n".join(f"Chongqing Foreign Affairs {n} 中文段落。" for n in (7, 8, 9)),
    "no-headers": "第一段。\nParagraph one.\n\n第二段。\nParagraph two.\n" * 20,
}


@pytest.mark.parametrize("jobs", [2, 3])
@pytest.mark.parametrize("name", sorted(TEXTS))
def test_shared_scan_finds_what_one_process_finds(forks, name, jobs):
    text = TEXTS[name]
    alone = running_headers(text, 1)
    assert forks == []
    assert running_headers(text, jobs) == alone
    assert len(forks) == jobs - 1  # the scan really was shared
    if name != "no-headers":
        assert alone, "the text has running headers"


def _merged(text: str, cuts) -> dict:
    bounds = [0, *cuts, len(text)]
    merged: dict = {}
    for start, end in zip(bounds, bounds[1:]):
        for phrase, nums in mixed._phrase_numbers(text, start, end).items():
            merged.setdefault(phrase, set()).update(nums)
    return merged


@pytest.mark.parametrize("name", sorted(TEXTS))
def test_any_space_or_line_break_is_a_safe_cut(name):
    text = TEXTS[name]
    whole = _merged(text, [])
    for cut in [i for i, c in enumerate(text) if c in " \n"]:
        assert _merged(text, [cut]) == whole, cut


def test_a_cut_inside_a_number_would_not_be_safe():
    """(What the cut rule avoids: the test above can tell.)"""
    text = "Running Head Here 12.5 中文 Running Head Here 13 中文"
    inside = text.index("12") + 2
    assert _merged(text, [inside]) != _merged(text, [])
    assert running_headers(text) == []


@pytest.mark.parametrize("jobs", [2, 3, 5])
@pytest.mark.parametrize("name", sorted(TEXTS))
def test_ranges_cover_the_text_cut_at_spaces_or_line_breaks(monkeypatch, name, jobs):
    monkeypatch.setattr(mixed, "PARALLEL_MIN_CHARS", 0)
    text = TEXTS[name]
    ranges = mixed._scan_ranges(text, jobs)
    assert ranges[0][0] == 0 and ranges[-1][1] == len(text) and len(ranges) == jobs
    assert all(a[1] == b[0] and text[b[0]] in " \n" for a, b in zip(ranges, ranges[1:]))
    longest = max(end - start for start, end in ranges)
    assert longest < 2 * len(text) / jobs  # shares of about equal length


def test_header_seen_in_two_parts_only_is_found(forks):
    text = TEXTS["header-across-the-cut"]
    ranges = mixed._scan_ranges(text, 2)
    assert len(ranges) == 2
    for start, end in ranges:  # no part alone shows the phrase with two page numbers
        assert all(len(nums) < 2 for nums in mixed._phrase_numbers(text, start, end).values())
    spans = running_headers(text, 2)
    assert [text[s:e] for s, e in spans] == ["60 The World and Chongqing",
                                             "61 The World and Chongqing"]


def test_sample_page_reads_the_same_shared(forks, sample_page):
    alone = read_aligned(sample_page)
    shared = read_aligned(sample_page, jobs=2)
    assert forks, "the page's scan was shared"
    assert [p.__dict__ for p in shared] == [p.__dict__ for p in alone]
    assert any("The World and Chongqing" in sample_page.read_text(encoding="utf-8")[s:e]
               for s, e in running_headers(sample_page.read_text(encoding="utf-8"), 2))


def test_short_text_and_text_without_breaks_are_scanned_in_one_process(monkeypatch):
    started = []
    monkeypatch.setattr(forked.ForkedCall, "__init__", lambda self, fn: started.append(fn))
    text = TEXTS["headers-in-every-part"]
    assert len(text) < mixed.PARALLEL_MIN_CHARS
    assert running_headers(text, 4) == running_headers(text, 1)
    monkeypatch.setattr(mixed, "PARALLEL_MIN_CHARS", 0)
    unbroken = "".join(text.split())
    assert mixed._scan_ranges(unbroken, 2) == [(0, len(unbroken))]  # nowhere to cut
    assert running_headers(unbroken, 2) == running_headers(unbroken, 1)
    assert started == []


def test_no_fork_while_other_threads_run(forks, monkeypatch):
    monkeypatch.setattr(forked, "single_threaded", single_threaded)
    text = TEXTS["headers-in-every-part"]
    stop = threading.Event()
    other = threading.Thread(target=stop.wait)
    other.start()
    try:
        assert running_headers(text, 2) == running_headers(text, 1)
    finally:
        stop.set()
        other.join()
    assert forks == []


def test_fork_refused_scans_here(forks, monkeypatch):
    def no_fork():
        raise OSError(11, "Resource temporarily unavailable")

    monkeypatch.setattr(os, "fork", no_fork)
    text = TEXTS["header-across-the-cut"]
    assert running_headers(text, 2) == running_headers(text, 1) != []


def test_failed_worker_part_is_scanned_here(forks, monkeypatch):
    parent = os.getpid()
    real = mixed._phrase_numbers

    def fails_in_worker(text, start, end):
        if os.getpid() != parent:
            raise MemoryError("worker out of memory")
        return real(text, start, end)

    monkeypatch.setattr(mixed, "_phrase_numbers", fails_in_worker)
    text = TEXTS["header-across-the-cut"]
    assert running_headers(text, 3) == running_headers(text, 1) != []
    assert len(forks) == 2


def test_read_mixed_text_passes_jobs_on(forks):
    text = TEXTS["headers-in-every-part"]
    assert read_mixed_text(text, "doc.txt", 2) == read_mixed_text(text, "doc.txt")
    assert len(forks) == 1


@pytest.mark.parametrize("jobs, shared", [("1", False), ("2", True)])
def test_check_shares_the_read_unless_one_job(forks, monkeypatch, tmp_path, jobs, shared):
    monkeypatch.setattr("termbase.qa.runner.available_cpus", lambda: 2)
    doc = tmp_path / "doc.txt"
    doc.write_text(TEXTS["header-across-the-cut"], encoding="utf-8")
    runner = CliRunner()
    out = tmp_path / f"report-{jobs}.json"
    result = runner.invoke(cli.main, ["check", str(doc), "--format", "json", "-o", str(out),
                                      "--fail-on", "none", "--jobs", jobs])
    assert result.exit_code == 0, result.output
    assert bool(forks) is shared
    forks.clear()
    again = tmp_path / "again.json"
    monkeypatch.setattr(mixed, "PARALLEL_MIN_CHARS", 10 ** 9)  # read in one process
    result = runner.invoke(cli.main, ["check", str(doc), "--format", "json", "-o", str(again),
                                      "--fail-on", "none", "--jobs", jobs])
    assert result.exit_code == 0, result.output
    assert forks == []
    assert out.read_bytes() == again.read_bytes()


def test_single_threaded_sees_other_threads():
    before = single_threaded()
    stop = threading.Event()
    other = threading.Thread(target=stop.wait)
    other.start()
    try:
        assert not single_threaded()
    finally:
        stop.set()
        other.join()
    assert single_threaded() == before

"""Running the chosen checks over aligned segments and collecting a report."""
from __future__ import annotations

import gc
import multiprocessing as mp
import os
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Dict, Iterable, List, Optional, Sequence

from ..aligned import SegmentPair
from .base import SEVERITIES, CheckContext, Issue, SegmentCheck, severity_rank
from .ignore import IgnoreList
from .registry import select_checks


@dataclass
class CheckReport:
    """What a check run found, plus what is needed to show it."""

    pairs: List[SegmentPair]
    issues: List[Issue]
    checks: List[str]
    ignored: int = 0
    inputs: Dict[str, Optional[str]] = field(default_factory=dict)
    glossary: Dict[str, object] = field(default_factory=dict)

    def by_check(self) -> Dict[str, int]:
        counts = Counter(i.check for i in self.issues)
        return {c: counts.get(c, 0) for c in self.checks}

    def by_severity(self) -> Dict[str, int]:
        counts = Counter(i.severity for i in self.issues)
        return {s: counts.get(s, 0) for s in reversed(SEVERITIES)}

    def by_rule(self) -> Dict[str, int]:
        """Counts of the finer rules (those that differ from their check's id)."""
        counts = Counter(i.rule for i in self.issues if i.rule and i.rule != i.check)
        return dict(sorted(counts.items()))

    def summary(self) -> Dict[str, object]:
        return {"segments": len(self.pairs), "issues": len(self.issues), "ignored": self.ignored,
                "by_severity": self.by_severity(), "by_check": self.by_check(),
                "by_rule": self.by_rule()}

    def fails(self, fail_on: str) -> bool:
        """True when an issue at or above ``fail_on`` exists (``none`` never fails)."""
        if fail_on == "none":
            return False
        rank = severity_rank(fail_on)
        return any(severity_rank(i.severity) >= rank for i in self.issues)


#: documents with fewer segments than this are checked in one process
PARALLEL_MIN_SEGMENTS = 400

_WORKER_STATE: Dict[str, object] = {}


def _segment_issues(checks, pairs, ctx) -> List[List[Issue]]:
    """Issues of each segment check (in ``checks`` order) over ``pairs``."""
    return [list(c.run(pairs, ctx)) if isinstance(c, SegmentCheck) else [] for c in checks]


def _all_issues(checks, pairs, ctx) -> List[List[Issue]]:
    """Issues of each check (segment and document checks alike) over ``pairs``."""
    return [list(c.run(pairs, ctx)) for c in checks]


def _prepared_issues(checks, pairs, ctx) -> List[List[Issue]]:
    """:func:`_all_issues` after preparing the checks (in the process that runs them)."""
    for check in checks:
        check.prepare(ctx)
    return _all_issues(checks, pairs, ctx)


def _worker(bounds):
    lo, hi = bounds
    st = _WORKER_STATE
    pairs = st["pairs"][lo:hi]
    found = _segment_issues(st["checks"], pairs, st["ctx"])
    st["ctx"].forget(pairs)  # each segment is checked in one batch: hold one batch at a time
    return found


@contextmanager
def _collector_paused():
    """Pause CPython's cyclic garbage collector (reference counting still frees memory).

    Checking builds hundreds of thousands of long-lived index objects, and the collector would
    rescan all of them again and again (a second for a 100,000-term glossary); in forked workers
    its scans would also copy every shared page. The checks create no reference cycles to wait for.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def available_cpus() -> int:
    """CPUs this process may run on (its affinity mask where the system has one)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return max(1, os.cpu_count() or 1)


def _default_jobs(n_pairs: int) -> int:
    if n_pairs < PARALLEL_MIN_SEGMENTS or "fork" not in mp.get_all_start_methods():
        return 1
    return max(1, min(available_cpus(), 4))


def effective_jobs(requested: Optional[int], n_pairs: int) -> int:
    """How many processes check ``n_pairs`` segments when ``requested`` (None: the default).

    More processes than CPUs only add forks and memory, so a request is capped at
    :func:`available_cpus`; without ``fork`` it is one process (workers inherit the built
    matchers through fork).
    """
    if "fork" not in mp.get_all_start_methods():
        return 1
    if requested is None:
        return _default_jobs(n_pairs)
    return max(1, min(requested, available_cpus()))


def _quiet_worker() -> None:
    """In a forked worker: Ctrl-C is the parent's business (no traceback per worker); the
    parent stops the workers when it is interrupted."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)


class _ForkedCall:
    """``fn()`` run in a forked process while the caller goes on; :meth:`result` collects it."""

    def __init__(self, fn):
        ctx = mp.get_context("fork")
        self._recv, send = ctx.Pipe(duplex=False)
        self._process = ctx.Process(target=_send_result, args=(fn, send), daemon=True)
        self._process.start()
        send.close()
        self._received = None

    def ready(self) -> bool:
        """True when :meth:`result` would not wait."""
        return self._received is not None or self._recv.poll()

    def result(self):
        """What ``fn()`` returned (or raises what it raised); call :meth:`close` afterwards.

        Receiving it lets the process end (it holds its memory until its result is read)."""
        if self._received is None:
            try:
                self._received = self._recv.recv()
            except EOFError:
                self._process.join()
                raise RuntimeError("a check process ended without a result "
                                   f"(exit code {self._process.exitcode})") from None
        ok, value = self._received
        if not ok:
            raise value
        return value

    def close(self) -> None:
        """Stop the process if it still runs (the caller failed before :meth:`result`)."""
        self._recv.close()
        if self._process.is_alive():
            self._process.terminate()
        self._process.join()


def _send_result(fn, conn) -> None:
    _quiet_worker()
    try:
        result = (True, fn())
    except BaseException as exc:  # handed to the parent, which raises it
        import traceback

        result = (False, RuntimeError(f"{type(exc).__name__}: {exc}\n{traceback.format_exc()}"))
    conn.send(result)
    conn.close()


def _parallel_issues(checks, pairs, ctx, jobs: int) -> List[List[Issue]]:
    """Issues of each check, spread over forked processes.

    Checks that need no glossary matchers (typography, numbers, consistency...) run in one
    process started first, while this one builds the matchers (loading jieba's dictionary,
    finding the glossary terms of every source); the terminology checks then run in ``jobs``
    processes forked after the build, which inherit the matchers instead of rebuilding them.
    """
    early = [c for c in checks if not c.needs_matchers]
    late = [c for c in checks if c.needs_matchers]
    early_call = _ForkedCall(lambda: _prepared_issues(early, pairs, ctx)) if early else None
    try:
        for check in late:
            check.prepare(ctx)
        def collect_early() -> None:  # as soon as it is done: it holds its memory till then
            if early_call is not None and early_call.ready():
                early_call.result()

        late_issues = _pool_segment_issues(late, pairs, ctx, jobs, collect_early) if late else []
        late_issues = [found if isinstance(c, SegmentCheck) else list(c.run(pairs, ctx))
                       for c, found in zip(late, late_issues)]
        early_issues = early_call.result() if early_call else []
    finally:
        if early_call is not None:
            early_call.close()
    by_check = dict(zip(map(id, early), early_issues))
    by_check.update(zip(map(id, late), late_issues))
    return [by_check[id(c)] for c in checks]


def _pool_segment_issues(checks, pairs, ctx, jobs: int, between=None) -> List[List[Issue]]:
    """Segment checks split over this process and ``jobs - 1`` forked ones sharing the
    matchers built before.

    The parts are contiguous runs of segments of about equal size; this process checks the
    first itself instead of waiting idle (one copy-on-write process fewer: the forked ones
    copy each page of the shared termbase they touch). It checks its part in smaller batches
    and calls ``between()`` after each.
    """
    size = -(-len(pairs) // jobs)
    bounds = [(i, min(i + size, len(pairs))) for i in range(0, len(pairs), size)]
    _WORKER_STATE.update(checks=checks, pairs=pairs, ctx=ctx)
    calls = []
    try:
        calls = [_ForkedCall(lambda b=b: _worker(b)) for b in bounds[1:]]
        lo, hi = bounds[0]
        step = max(1, -(-(hi - lo) // 8))
        mine = []
        for i in range(lo, hi, step):
            mine.append(_worker((i, min(i + step, hi))))
            if between is not None:
                between()
        parts = [[[i for part in mine for i in part[k]] for k in range(len(checks))]]
        parts += [call.result() for call in calls]
    finally:
        for call in calls:
            call.close()
        _WORKER_STATE.clear()
    return [[i for part in parts for i in part[k]] for k in range(len(checks))]


def run_checks(pairs: Sequence[SegmentPair], glossary=None, *, only: Optional[Iterable[str]] = None,
               skip: Optional[Iterable[str]] = None, ignore: Optional[IgnoreList] = None,
               boundary_check: bool = True, jobs: Optional[int] = None) -> CheckReport:
    """Run the selected checks (all by default) and return the report, accepted issues removed.

    ``jobs`` processes share the per-segment checks of large documents (default: one per core,
    for documents of :data:`PARALLEL_MIN_SEGMENTS` segments or more; never more than the CPUs
    available); results do not depend on it.
    """
    checks = select_checks(only, skip)
    pairs = list(pairs)
    ctx = CheckContext(glossary=glossary, boundary_check=boundary_check, pairs=pairs)
    jobs = effective_jobs(jobs, len(pairs))
    issues: List[Issue] = []
    ignored = 0
    with _collector_paused():
        if jobs > 1:
            per_check = _parallel_issues(checks, pairs, ctx, jobs)
        else:
            for check in checks:
                check.prepare(ctx)
            per_check = _all_issues(checks, pairs, ctx)
        for check, found in zip(checks, per_check):
            for issue in found:
                if ignore is not None and ignore.matches(issue):
                    ignored += 1
                else:
                    issues.append(issue)
    issues.sort(key=Issue.sort_key)
    info: Dict[str, object] = {}
    if glossary is not None:
        info = {"path": getattr(glossary, "path", None), "sha256": getattr(glossary, "sha256", ""),
                "entries": len(glossary)}
    return CheckReport(pairs, issues, [c.id for c in checks], ignored, glossary=info)

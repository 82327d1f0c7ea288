"""Running the chosen checks over aligned segments and collecting a report."""
from __future__ import annotations

import gc
import os
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass, field, fields
from itertools import starmap
from operator import attrgetter, is_
from typing import Callable, Dict, Iterable, List, Optional, Sequence, Tuple

from ..aligned import SegmentPair
from ..forked import ForkedCall as _ForkedCall
from ..forked import available_cpus, can_fork
from .base import (SEVERITIES, SOURCE, TARGET, CheckContext, Issue, MappedCheck, SegmentCheck,
                   severity_rank)
from .ignore import IgnoreList
from .registry import select_checks


_KIND = attrgetter("check", "severity", "rule")
_SIDE = attrgetter("side")
_ORDER = attrgetter("segment", "side", "start", "check")


@dataclass
class CheckReport:
    """What a check run found, plus what is needed to show it."""

    pairs: List[SegmentPair]
    issues: List[Issue]
    checks: List[str]
    ignored: int = 0
    inputs: Dict[str, Optional[str]] = field(default_factory=dict)
    glossary: Dict[str, object] = field(default_factory=dict)
    #: processes the checks ran in (a writer may share its work out as many)
    jobs: int = 1
    #: issues already rendered for the report's writer (``id`` of the issue -> its text)
    rendered: Dict[int, object] = field(default_factory=dict)
    #: segments already rendered for the report's writer (segment index -> its text), those
    #: with issues
    rendered_segments: Dict[int, object] = field(default_factory=dict)
    #: the context the checks ran in: the glossary's matchers and what they found in each
    #: segment. Kept with the report, so that its memory is given back when the caller drops
    #: the report (tens of milliseconds of freeing for a large document), not on the way out
    #: of :func:`run_checks`; a command that ends once the report is written need not free it
    context: Optional[CheckContext] = field(default=None, repr=False, compare=False)

    #: the issues last counted by :meth:`_kinds` and their counts
    _counted: Optional[Tuple[tuple, Counter]] = field(default=None, init=False, repr=False,
                                                       compare=False)

    def _kinds(self) -> Counter:
        """Issues counted by (check, severity, rule), in one pass; kept while the report holds
        the same issues (a report is summed up for its file and again for the terminal)."""
        counted = self._counted
        issues = self.issues
        if (counted is not None and len(counted[0]) == len(issues)
                and all(map(is_, counted[0], issues))):
            return Counter(counted[1])
        kinds = Counter(map(_KIND, issues))
        self._counted = (tuple(issues), kinds)
        return Counter(kinds)

    def by_check(self, kinds: Optional[Counter] = None) -> Dict[str, int]:
        counts: Counter = Counter()
        for (check, _, _), n in (self._kinds() if kinds is None else kinds).items():
            counts[check] += n
        return {c: counts.get(c, 0) for c in self.checks}

    def by_severity(self, kinds: Optional[Counter] = None) -> Dict[str, int]:
        counts: Counter = Counter()
        for (_, severity, _), n in (self._kinds() if kinds is None else kinds).items():
            counts[severity] += n
        return {s: counts.get(s, 0) for s in reversed(SEVERITIES)}

    def by_rule(self, kinds: Optional[Counter] = None) -> Dict[str, int]:
        """Counts of the finer rules (those that differ from their check's id)."""
        counts: Counter = Counter()
        for (check, _, rule), n in (self._kinds() if kinds is None else kinds).items():
            if rule and rule != check:
                counts[rule] += n
        return dict(sorted(counts.items()))

    def summary(self) -> Dict[str, object]:
        kinds = self._kinds()
        return {"segments": len(self.pairs), "issues": len(self.issues), "ignored": self.ignored,
                "by_severity": self.by_severity(kinds), "by_check": self.by_check(kinds),
                "by_rule": self.by_rule(kinds)}

    def fails(self, fail_on: str) -> bool:
        """True when an issue at or above ``fail_on`` exists (``none`` never fails)."""
        if fail_on == "none":
            return False
        rank = severity_rank(fail_on)
        return any(severity_rank(i.severity) >= rank for i in self.issues)


#: documents with fewer segments than this are checked in one process
PARALLEL_MIN_SEGMENTS = 400

def _all_issues(checks, pairs, ctx) -> List[List[Issue]]:
    """Issues of each check (segment and document checks alike) over ``pairs``."""
    return [list(c.run(pairs, ctx)) for c in checks]


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


def _default_jobs(n_pairs: int) -> int:
    if n_pairs < PARALLEL_MIN_SEGMENTS or not can_fork():
        return 1
    return max(1, min(available_cpus(), 4))


def effective_jobs(requested: Optional[int], n_pairs: int) -> int:
    """How many processes check ``n_pairs`` segments when ``requested`` (None: the default).

    More processes than CPUs only add forks and memory, so a request is capped at
    :func:`available_cpus`; without ``fork`` it is one process (workers inherit the built
    matchers through fork).
    """
    if not can_fork():
        return 1
    if requested is None:
        return _default_jobs(n_pairs)
    return max(1, min(requested, available_cpus()))


class _Batches:
    """Runs of segments handed out one at a time to whichever process asks first, so that all
    of them finish at about the same time whatever each had to do before. The numbers of the
    batches nobody has taken wait in a pipe the forked processes share: a read takes one."""

    #: at most this many batches (their numbers fit the smallest pipe buffer, one page)
    MOST = 1024

    def __init__(self, n_pairs: int, count: int):
        size = max(1, -(-n_pairs // min(count, self.MOST)))
        self.bounds = [(i, min(i + size, n_pairs)) for i in range(0, n_pairs, size)]
        self._read, write = os.pipe()
        try:
            os.write(write, b"".join(k.to_bytes(2, "little") for k in range(len(self.bounds))))
        finally:
            os.close(write)  # once the numbers are read, a read finds the end of the pipe

    def claim(self) -> Optional[Tuple[int, int, int]]:
        """``(batch number, first, end)`` of the next batch nobody has taken, or None."""
        taken = os.read(self._read, 2)
        if not taken:
            return None
        k = int.from_bytes(taken, "little")
        return (k, *self.bounds[k])

    def close(self) -> None:
        os.close(self._read)


class _Share:
    """The work of one process of a parallel check: batches of segments from the queues it can
    serve (one per group of checks), results by batch."""

    def __init__(self, pairs, ctx, render, render_segment=None):
        self.pairs, self.ctx, self.render, self.render_segment = pairs, ctx, render, render_segment
        self.done: Dict[Tuple[int, int], tuple] = {}

    def serve(self, queue: int, batches: _Batches, checks, prepare=None, between=None) -> None:
        """Check batches from ``batches`` with ``checks`` until none is left (``prepare()``
        first, once there is one; ``between()`` after each)."""
        while True:
            claimed = batches.claim()
            if claimed is None:
                return
            if prepare is not None:
                prepare()
                prepare = None
            k, lo, hi = claimed
            self.done[(queue, k)] = self.batch(checks, self.pairs[lo:hi])
            if between is not None:
                between()

    def batch(self, checks, pairs) -> tuple:
        """Per check: its issues in ``pairs`` (segment checks) or what each segment yields
        (:class:`MappedCheck`); the issues rendered by ``render`` (or None); the segments with
        issues rendered by ``render_segment`` (or None)."""
        ctx = self.ctx
        found = [list(c.run(pairs, ctx)) if isinstance(c, SegmentCheck)
                 else {p.index: d for p in pairs if (d := c.segment_data(p, ctx)) is not None}
                 for c in checks]
        lines = segments = None
        if self.render is not None or self.render_segment is not None:
            by_index = {p.index: p for p in pairs}
            if self.render is not None:
                lines = [[self.render(i, by_index[i.segment]) for i in f]
                         if isinstance(f, list) else [] for f in found]
            if self.render_segment is not None:
                with_issues = {i.segment for f in found if isinstance(f, list) for i in f}
                segments = {k: self.render_segment(by_index[k]) for k in with_issues}
        ctx.forget(pairs)  # each segment is checked in one batch: hold one batch at a time
        return found, lines, segments


_FIELDS = attrgetter(*(f.name for f in fields(Issue)))


class _IssueRows:
    """Issues as the tuples of their fields, the way a worker hands them to the parent (half
    the pickling work of the issues themselves, on both sides)."""

    __slots__ = ("rows",)

    def __init__(self, rows: list):
        self.rows = rows

    def __reduce__(self):
        return (_IssueRows, (self.rows,))


def _each_found(done: dict, change: Callable[[object], object]) -> dict:
    """A worker's results (see :meth:`_Share.batch`) with ``change`` applied to what each check
    found in each batch."""
    out = {}
    for key, value in done.items():
        if key[0] == "whole":
            out[key] = change(value)
        else:
            found, lines, segments = value
            out[key] = ([change(f) for f in found], lines, segments)
    return out


def _pack(found):
    if isinstance(found, list) and found and set(map(type, found)) == {Issue}:
        return _IssueRows(list(map(_FIELDS, found)))
    return found


def _unpack(found):
    return list(starmap(Issue, found.rows)) if isinstance(found, _IssueRows) else found


def _packed(done: dict) -> dict:
    """A worker's results with each list of :class:`Issue` (not of a subclass) as
    :class:`_IssueRows`."""
    return _each_found(done, _pack)


def _unpacked(done: dict) -> dict:
    """:func:`_packed` undone (the issues built again, in order)."""
    return _each_found(done, _unpack)


def _parallel_issues(checks, pairs, ctx, jobs: int, render=None, render_segment=None):
    """Issues of each check, spread over forked processes, the rendered issues by ``id`` and
    the rendered segments (those with issues) by index.

    The segments are cut in batches. Checks that need no glossary matchers (typography,
    numbers...) start at once in a process forked first, while this one builds the matchers
    (jieba's dictionary, the glossary terms of every source); the terminology checks' batches
    then go to this process and ``jobs - 1`` forked after the build (they inherit the matchers),
    and any of them takes the first kind's batches still left. Document checks that are
    :class:`MappedCheck` collect their per-segment part in the same batches; other document
    checks run here at the end.
    """
    segment_like = [c for c in checks if isinstance(c, (SegmentCheck, MappedCheck))]
    early = [c for c in segment_like if not c.needs_matchers]
    late = [c for c in segment_like if c.needs_matchers]
    whole = [c for c in checks if c not in segment_like]
    whole_early = [c for c in whole if not c.needs_matchers] if early else []
    count = 16 * jobs
    queues = [_Batches(len(pairs), count) if group else None for group in (early, late)]
    share = _Share(pairs, ctx, render, render_segment)
    groups = (early, late)

    def prepare(group):
        def run():
            for check in group:
                check.prepare(ctx)
        return run

    def serve_early(between=None, prepared=False):
        if queues[0] is not None:
            share.serve(0, queues[0], early, None if prepared else prepare(early), between)

    def handing_back(parts):
        """In a forked process, after each batch: what it found so far, handed back."""
        def between():
            if share.done:
                parts(_packed(share.done))
                share.done.clear()
        return between

    def early_process(parts):
        between = handing_back(parts)
        for check in whole_early:
            check.prepare(ctx)
            share.done[("whole", checks.index(check))] = list(check.run(pairs, ctx))
        serve_early(between)
        return _packed(share.done)

    calls: list = []
    try:
        if early:
            calls.append(_ForkedCall(early_process))
        collected: Dict[Tuple[int, int], tuple] = {}

        def collect(wait: bool = False) -> None:
            """What the processes handed back so far (as it comes: a process holds what it
            found till then); all of it, waiting for them, with ``wait``."""
            for call in calls:
                for part in call.take(wait):
                    collected.update(_unpacked(part))

        if late:
            prepare(late)()

            def late_process(parts):
                between = handing_back(parts)
                share.serve(1, queues[1], late, between=between)
                serve_early(between)
                return _packed(share.done)

            calls += [_ForkedCall(late_process) for _ in range(jobs - 1)]
            share.serve(1, queues[1], late, between=collect)
        serve_early(between=collect)
        collect(wait=True)
    finally:
        for call in calls:
            call.close()
        for queue in queues:
            if queue is not None:
                queue.close()
    collected.update(share.done)
    by_check: Dict[int, list] = {}
    rendered: Dict[int, object] = {}
    rendered_segments: Dict[int, object] = {}
    for q, group in enumerate(groups):
        if queues[q] is None:
            continue
        for k in range(len(queues[q].bounds)):
            found, lines, segments = collected[(q, k)]
            if segments:
                rendered_segments.update(segments)
            for check, f, ls in zip(group, found, lines or [None] * len(group)):
                if isinstance(f, dict):
                    by_check.setdefault(id(check), {}).update(f)
                    continue
                by_check.setdefault(id(check), []).extend(f)
                if ls:
                    rendered.update(zip(map(id, f), ls))
    for check in segment_like:
        if isinstance(check, MappedCheck):
            by_check[id(check)] = list(check.reduce(pairs, by_check.get(id(check), {}), ctx))
    for check in whole:
        if check in whole_early:
            by_check[id(check)] = collected[("whole", checks.index(check))]
        else:
            check.prepare(ctx)
            by_check[id(check)] = list(check.run(pairs, ctx))
    return [by_check.get(id(c), []) for c in checks], rendered, rendered_segments


def run_checks(pairs: Sequence[SegmentPair], glossary=None, *, only: Optional[Iterable[str]] = None,
               skip: Optional[Iterable[str]] = None, ignore: Optional[IgnoreList] = None,
               boundary_check: bool = True, jobs: Optional[int] = None,
               render_issue: Optional[Callable[[Issue, SegmentPair], object]] = None,
               render_segment: Optional[Callable[[SegmentPair], object]] = None) -> CheckReport:
    """Run the selected checks (all by default) and return the report, accepted issues removed.

    ``jobs`` processes share the per-segment checks of large documents (default: one per core,
    for documents of :data:`PARALLEL_MIN_SEGMENTS` segments or more; never more than the CPUs
    available); results do not depend on it. ``render_issue(issue, pair)``: an issue as the
    report writer will show it, worked out by the process that found it (the report's
    ``rendered``, by ``id`` of the issue; the writer does the rest); ``render_segment(pair)``
    likewise for the segments with issues (``rendered_segments``, by segment index).
    """
    checks = select_checks(only, skip)
    pairs = list(pairs)
    ctx = CheckContext(glossary=glossary, boundary_check=boundary_check, pairs=pairs)
    jobs = effective_jobs(jobs, len(pairs))
    issues: List[Issue] = []
    ignored = 0
    rendered: Dict[int, object] = {}
    rendered_segments: Dict[int, object] = {}
    with _collector_paused():
        if jobs > 1:
            per_check, rendered, rendered_segments = _parallel_issues(
                checks, pairs, ctx, jobs, render_issue, render_segment)
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
    # Issue.sort_key's order: with sides "source" and "target" only (the sides checks write),
    # the side's name sorts as ``side != SOURCE`` does, and a C-level key is 2x faster
    plain_sides = set(map(_SIDE, issues)) <= {SOURCE, TARGET}
    issues.sort(key=_ORDER if plain_sides else Issue.sort_key)
    info: Dict[str, object] = {}
    if glossary is not None:
        info = {"path": getattr(glossary, "path", None), "sha256": getattr(glossary, "sha256", ""),
                "entries": len(glossary)}
    return CheckReport(pairs, issues, [c.id for c in checks], ignored, glossary=info, jobs=jobs,
                       rendered=rendered, rendered_segments=rendered_segments, context=ctx)

"""Running the chosen checks over aligned segments and collecting a report."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Dict, Iterable, List, Optional, Sequence

from ..aligned import SegmentPair
from .base import SEVERITIES, CheckContext, Issue, severity_rank
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

    def summary(self) -> Dict[str, object]:
        return {"segments": len(self.pairs), "issues": len(self.issues), "ignored": self.ignored,
                "by_severity": self.by_severity(), "by_check": self.by_check()}

    def fails(self, fail_on: str) -> bool:
        """True when an issue at or above ``fail_on`` exists (``none`` never fails)."""
        if fail_on == "none":
            return False
        rank = severity_rank(fail_on)
        return any(severity_rank(i.severity) >= rank for i in self.issues)


def run_checks(pairs: Sequence[SegmentPair], glossary=None, *, only: Optional[Iterable[str]] = None,
               skip: Optional[Iterable[str]] = None, ignore: Optional[IgnoreList] = None,
               boundary_check: bool = True) -> CheckReport:
    """Run the selected checks (all by default) and return the report, accepted issues removed."""
    checks = select_checks(only, skip)
    pairs = list(pairs)
    ctx = CheckContext(glossary=glossary, boundary_check=boundary_check, pairs=pairs)
    issues: List[Issue] = []
    ignored = 0
    for check in checks:
        for issue in check.run(pairs, ctx):
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

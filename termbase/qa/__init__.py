"""Quality checks of aligned Chinese→English segments: terminology, consistency, numbers,
untranslated text and typography. Each check has an id and a default severity
(:data:`~termbase.qa.registry.CHECKS`); :func:`run_checks` runs them and returns a report."""
from __future__ import annotations

from .base import SEVERITIES, Check, CheckContext, Issue, SegmentCheck, segment_fingerprint
from .ignore import IgnoreList, ignore_text, load_ignore, write_ignore
from .registry import CHECKS, UnknownCheckError, describe_checks, select_checks
from .runner import CheckReport, run_checks

__all__ = ["CHECKS", "Check", "CheckContext", "CheckReport", "IgnoreList", "Issue", "SEVERITIES",
           "SegmentCheck", "UnknownCheckError", "describe_checks", "ignore_text", "load_ignore",
           "run_checks", "segment_fingerprint", "select_checks", "write_ignore"]

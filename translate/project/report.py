"""The project report: one JSON per run, a section per file, a summary over the project.

Each file's section is the single-file translate report (:func:`translate.report.build_report`)
with, per segment, ``origin`` (where its English came from) and the TM match used or offered.
The report holds no times, so two runs of the same project give the same report.
"""
from __future__ import annotations

import json
from collections import Counter
from typing import Dict, List, Optional, Sequence

from termbase import __version__

SCHEMA = "termtrans-project-report"
SCHEMA_VERSION = 1


def annotate_report(report: Dict[str, object], results: Sequence[Optional[object]]) -> bool:
    """Add ``origin``, ``tm_match`` and ``tm_offers`` to the segments of a file ``report``
    (``results``: the paragraph results handed to the document, in order); False when the
    report's segments do not line up with the results (left as they were)."""
    flat = [s for r in results if r is not None and getattr(r, "translated", True)
            for s in r.segments]
    rows = report.get("segments", [])
    if len(flat) != len(rows) or any(row["source"] != s.source for row, s in zip(rows, flat)):
        return False
    origins: Counter = Counter()
    for row, s in zip(rows, flat):
        origin = getattr(s, "origin", "leveraged-mt")
        row["origin"] = origin
        origins[origin] += 1
        if getattr(s, "match", None) is not None:
            row["tm_match"] = s.match.as_dict()
        if getattr(s, "offers", None):
            row["tm_offers"] = [o.as_dict() for o in s.offers]
    report["summary"]["origins"] = dict(sorted(origins.items()))
    return True


def untranslated_section(units: Sequence[object], results: Sequence[Optional[object]]
                         ) -> List[Dict[str, object]]:
    """Paragraphs a pre-translation left for the translator, with the glossary terms in them
    (the ``pending`` terms of their segments; a paragraph filled from a memory is not listed)."""
    out = []
    for n, (unit, r) in enumerate(zip(units, results), 1):
        if r is None or getattr(r, "origin", "") != "untranslated":
            continue
        terms = []
        seen = set()
        for s in r.segments:
            for t in s.terms:
                if (t.term, t.matched) not in seen:
                    seen.add((t.term, t.matched))
                    terms.append({"term": t.term, "matched": t.matched, "english": t.english})
        out.append({"paragraph": n, "location": getattr(unit, "location", ""), "source": r.source,
                    "terms": terms})
    return out


def project_report(files: Sequence[Dict[str, object]], *, signature: Dict[str, object],
                   options: Dict[str, object], engine: Dict[str, object],
                   cache: Optional[Dict[str, object]], tm: Optional[Dict[str, object]],
                   skipped: Sequence[Dict[str, object]] = ()) -> Dict[str, object]:
    """The run's report: per-file sections (in input order) and the project summary."""
    totals: Counter = Counter()
    methods: Counter = Counter()
    term_methods: Counter = Counter()
    origins: Counter = Counter()
    for f in files:
        s = f["summary"]
        for k in ("paragraphs", "paragraphs_translated", "paragraphs_kept", "segments", "terms",
                  "terms_failed"):
            totals[k] += s.get(k, 0)
        methods.update(s.get("segment_methods", {}))
        term_methods.update(s.get("term_methods", {}))
        origins.update(s.get("origins", {}))
        totals["paragraphs_untranslated"] += len(f.get("untranslated", []))
    summary = {"files": len(files) + len(skipped), "files_written": len(files),
               "files_skipped": len(skipped), **{k: totals[k] for k in (
                   "paragraphs", "paragraphs_translated", "paragraphs_kept",
                   "paragraphs_untranslated", "segments", "terms", "terms_failed")},
               "segment_methods": dict(sorted(methods.items())),
               "term_methods": dict(sorted(term_methods.items())),
               "origins": dict(sorted(origins.items()))}
    if cache is not None:
        summary["cache"] = dict(cache)
    if tm is not None:
        summary["tm"] = dict(tm)
    return {"schema": SCHEMA, "schema_version": SCHEMA_VERSION,
            "tool": {"name": "termtrans", "version": __version__}, "signature": dict(signature),
            "engine": dict(engine), "options": dict(options), "summary": summary,
            "skipped": list(skipped), "files": list(files)}


def project_report_json(report: Dict[str, object]) -> str:
    return json.dumps(report, ensure_ascii=False, indent=2) + "\n"


def project_summary_text(report: Dict[str, object], *, per_file: bool = True) -> str:
    """A few lines for stderr: per file one line (unless ``per_file`` is off: the progress
    printed them), the terms that failed, then the project."""
    lines = []
    failures = 0
    for f in report["files"]:
        s = f["summary"]
        if per_file:
            lines.append(f"{f['output']}: {s['paragraphs_translated']} of {s['paragraphs']} "
                         f"paragraph(s), {s['segments']} segment(s), terms failed: "
                         f"{s['terms_failed']}")
        for fail in f.get("failures", []):
            failures += 1
            if failures <= 20:
                lines.append(f"  term not applied: {f['input']}: {fail['location']}: "
                             f"{fail['term']} → {fail['english']}")
    if failures > 20:
        lines.append(f"  … {failures - 20} more in the report")
    if per_file:
        for sk in report.get("skipped", []):
            lines.append(f"{sk['output']}: skipped ({sk['reason']})")
    s = report["summary"]
    origins = ", ".join(f"{k} {v}" for k, v in s["origins"].items()) or "none"
    line = (f"project: {s['files_written']} file(s) written"
            + (f", {s['files_skipped']} skipped" if s.get("files_skipped") else "")
            + f", {s['segments']} segment(s) ({origins}); terms: {s['terms']}, failed: "
            f"{s['terms_failed']}")
    if "cache" in s:
        line += f"; cache: {s['cache']['hits']} hit(s), {s['cache']['stored']} stored"
    lines.append(line)
    return "\n".join(lines)


__all__ = ["SCHEMA", "SCHEMA_VERSION", "annotate_report", "project_report",
           "project_report_json", "project_summary_text", "untranslated_section"]

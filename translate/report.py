"""The term report: per segment the terms found and how each was applied, plus the signature.

Methods, per term: ``exact`` (the segment is a glossary term, no MT), ``placeholder`` (protected
before MT and restored; ``recovery`` says when a lost/duplicated/mangled placeholder was recovered
from n-best candidates or re-cased), ``constrained`` (forced by lexical constraints), ``replaced``
(a forbidden rendering in the MT output was replaced by the approved one) and ``failed`` (not in
the output: check it by hand). Segments without terms are ``mt``.

Inline codes (tags, footnote references, literal ``{0}`` placeholders): per segment, ``codes``
lists each with ``method`` ``outside`` (at the segment's edge, never sent to the engine),
``placed`` (the engine put it back; ``recovery`` says how when it needed help), ``appended``
(lost by the engine, put at the end of its segment) or ``empty`` (a pair the engine put around no
words: the words it covered lost their formatting or link); the last two are listed in
``code_failures`` — check them; ``source_tagged``/``target_tagged`` show the segment with its
codes as ⟨1⟩…⟨/1⟩. Segments whose English still holds Chinese (the engine left it) are listed in
``chinese_left``. A segment whose English the engine stopped at its length limit is marked
``"truncated": true`` and listed under ``truncated`` (the summary counts them; stderr names each
one).
"""
from __future__ import annotations

import json
from collections import Counter
from typing import Callable, Dict, List, Optional, Sequence

from termbase import __version__
from termbase.glossary import Glossary
from termbase.normalize import has_cjk

from .enforce import FAILED


def signature(engine_signature: Dict[str, object], glossary: Glossary) -> Dict[str, object]:
    """What made this translation: engine, model, settings, glossary and termtrans version."""
    sig = dict(engine_signature)
    sig.update({"glossary": glossary.path, "glossary_sha256": glossary.sha256,
                "termtrans_version": __version__})
    return sig


def build_report(doc, results: Sequence[Optional[object]], sig: Dict[str, object], *,
                 input_name: str, output_name: str) -> Dict[str, object]:
    """The JSON-ready report of translating ``doc`` (``results`` parallel to ``doc.units``)."""
    segments: List[Dict[str, object]] = []
    methods: Counter = Counter()
    term_methods: Counter = Counter()
    failures: List[Dict[str, object]] = []
    code_methods: Counter = Counter()
    code_failures: List[Dict[str, object]] = []
    chinese_left: List[Dict[str, object]] = []
    truncated: List[Dict[str, object]] = []
    kept = 0
    for n, (unit, result) in enumerate(zip(doc.units, results), 1):
        if result is None or not result.translated:
            kept += 1
            continue
        for s in result.segments:
            methods[s.method] += 1
            row: Dict[str, object] = {"paragraph": n, "location": unit.location, "source": s.source,
                                      "target": s.target, "method": s.method,
                                      "terms": [t.as_dict() for t in s.terms]}
            if s.notes:
                row["notes"] = list(s.notes)
            if has_cjk(s.target):
                chinese_left.append({"paragraph": n, "location": unit.location, "source": s.source,
                                     "target": s.target})
            if s.codes:
                row["codes"] = [c.as_dict() for c in s.codes]
                if s.source_inline is not None:
                    row["source_tagged"] = s.source_inline.display()
                if s.inline is not None:
                    row["target_tagged"] = s.inline.display()
                code_methods.update(c.method for c in s.codes)
                code_failures.extend({"paragraph": n, "location": unit.location, "code": c.code,
                                      "type": c.type, "source": s.source, "problem": c.problem}
                                     for c in s.codes_appended)
            if getattr(s, "truncated", False):
                row["truncated"] = True
                truncated.append({"paragraph": n, "location": unit.location, "source": s.source,
                                  "target": s.target})
            segments.append(row)
            for t in s.terms:
                term_methods[t.method] += 1
                if t.method == FAILED:
                    failures.append({"paragraph": n, "location": unit.location, "term": t.term,
                                     "english": t.english, "source": s.source,
                                     "problem": t.problem})
    return {
        "input": input_name,
        "output": output_name,
        "format": doc.format,
        "signature": sig,
        "summary": {
            "paragraphs": len(doc.units),
            "paragraphs_translated": len(doc.units) - kept,
            "paragraphs_kept": kept,
            "segments": len(segments),
            "segment_methods": dict(sorted(methods.items())),
            "terms": sum(term_methods.values()),
            "term_methods": dict(sorted(term_methods.items())),
            "terms_failed": len(failures),
            "codes": sum(code_methods.values()),
            "code_methods": dict(sorted(code_methods.items())),
            "codes_appended": len(code_failures),
            "segments_with_chinese": len(chinese_left),
            "segments_truncated": len(truncated),
        },
        "failures": failures,
        "code_failures": code_failures,
        "chinese_left": chinese_left,
        "truncated": truncated,
        "segments": segments,
    }


def summary_text(report: Dict[str, object]) -> str:
    """A few lines for stderr."""
    s = report["summary"]
    tm = s["term_methods"]
    applied = ", ".join(f"{k} {v}" for k, v in tm.items() if k != FAILED) or "none"
    lines = [f"{report['output']}: {s['paragraphs_translated']} of {s['paragraphs']} paragraph(s) "
             f"translated ({s['segments']} segment(s)); terms: {s['terms']} ({applied}); "
             f"failed: {s['terms_failed']}"
             + (f"; cut at the length limit: {s['segments_truncated']} segment(s)"
                if s.get("segments_truncated") else "")]
    lines += _listed(report["failures"],
                     lambda f: f"  term not applied: {f['location']}: {f['term']} → {f['english']}"
                     + (f" ({f['problem']})" if f.get("problem") else ""))
    if s.get("codes"):
        lines.append(f"inline codes: {s['codes']} ("
                     + ", ".join(f"{k} {v}" for k, v in s["code_methods"].items()) + ")")
    lines += _listed(report.get("code_failures", []),
                     lambda f: f"  code not placed by the engine: {f['location']}: {f['code']} "
                               f"({f['problem']})")
    lines += _listed(report.get("chinese_left", []),
                     lambda f: f"  Chinese left by the engine: {f['location']}: {f['target']}")
    lines.extend(truncation_lines(report))
    sig = report["signature"]
    lines.append(f"engine {sig.get('engine')}, model {sig.get('model')}, glossary sha256 "
                 f"{str(sig.get('glossary_sha256'))[:12]}, termtrans {sig.get('termtrans_version')}")
    return "\n".join(lines)


def truncation_lines(report: Dict[str, object], limit: int = 20) -> List[str]:
    """One warning line per segment the engine cut at its length limit (at most ``limit``)."""
    return _listed(report.get("truncated") or [],
                   lambda t: f"  translation cut at the length limit: {t['location']}: "
                             f"{_clip(str(t['source']))} → {_clip(str(t['target']))}",
                   limit, "more cut translations in the report")


def _listed(rows: Sequence[Dict[str, object]], line: Callable[[Dict[str, object]], str],
            limit: int = 20, more: str = "more in the report") -> List[str]:
    """One line per row, at most ``limit``, then how many more there are."""
    lines = [line(r) for r in rows[:limit]]
    if len(rows) > limit:
        lines.append(f"  … {len(rows) - limit} {more}")
    return lines


def _clip(text: str, width: int = 40) -> str:
    return text if len(text) <= width else text[:width - 1] + "…"


def report_json(report: Dict[str, object]) -> str:
    return json.dumps(report, ensure_ascii=False, indent=2) + "\n"

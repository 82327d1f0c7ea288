"""Inline-code survival: how many codes of the fixtures come back where the engine put them.

For every fixture in tests/data/inline/ (XLIFF 1.2/2.0 with every inline element, files written by
translate-toolkit, a LibreOffice .docx, a Markdown file) and every engine — the tiny Marian model
the tests build (tests/tiny_marian.py), the fake engine keeping placeholders where they stand, and
the fake engine's hostile outputs (placeholders dropped, all dropped, duplicated, reordered,
re-cased, lower-cased; with and without its constrained decoder) — this prints per code:

* outside:   at a segment's edge (a pair around the whole sentence, a trailing footnote
             reference): never sent to the engine, put back as it was;
* placed:    the engine put the placeholder back itself (first hypothesis);
* recovered: placed after help: an n-best candidate, the constrained step, a re-cased or
             duplicated placeholder, an order repair;
* appended:  lost by the engine, put at the end of its sentence and reported;
* empty:     a pair the engine put around no words (the words it covered lost their formatting
             or link), reported;
* missing:   codes absent from the written file when read back: Word and Markdown cannot keep an
             empty formatting span, so an appended or empty formatting pair vanishes there (it
             is reported); "silent" counts missing codes that were not reported (must be 0).

Survival = (outside + placed + recovered) / codes: codes in the place the engine chose.
Usage: ``python benchmarks/bench_inline.py [--quick]`` (``--quick``: no tiny model).
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from termbase.glossary import parse_glossary  # noqa: E402
from termbase.inline import compare_codes  # noqa: E402
from tests.structure_engines import HOSTILE, hostile_engine, polite_engine  # noqa: E402
from tests.tiny_marian import GLOSSARY_CSV  # noqa: E402
from translate.documents import load_document  # noqa: E402
from translate.translator import Translator, translate_document  # noqa: E402

DATA = ROOT / "tests" / "data" / "inline"
FIXTURES = ["every-inline-1.2.xlf", "every-inline-2.0.xlf", "structure.odt.xlf", "messages.xlf",
            "messages.xliff2.xlf", "structure.docx", "structure.md"]


def _read_back(name: str, data: bytes):
    """{key: (source InlineText, target InlineText)} of the translated units of a written file."""
    if name.endswith(".docx"):
        from termbase.inline.docx import read_docx_paragraphs

        return {loc: inline for loc, inline in read_docx_paragraphs(data, name)}
    if name.endswith(".md"):
        from termbase.inline.markdown import markdown_lines

        text = data.decode("utf-8")
        return {(ln.number, k): c for ln in markdown_lines(text) for k, c in enumerate(ln.contents)}
    from termbase.aligned.xliff import read_xliff_segments
    from termbase.xmlsafe import parse_xml

    return {(s.id, s.mid): s for s in read_xliff_segments(parse_xml(data, name))}


def measure(name: str, engine, glossary) -> Counter:
    data = (DATA / name).read_bytes()
    doc = load_document(data, name, "xliff" if name.endswith(".xlf") else None)
    out, report = translate_document(doc, Translator(engine, glossary))
    counts: Counter = Counter()
    for seg in report["segments"]:
        for c in seg.get("codes", []):
            method = c["method"]
            if method == "placed" and c.get("recovery"):
                method = "recovered"
            counts[method] += 1
    counts["codes"] = sum(counts.values())
    before, after = _read_back(name, data), _read_back(name, out)
    for key, old in before.items():
        new = after.get(key)
        if name.endswith(".xlf"):
            i = list(before).index(key)
            if doc.actions[i] != "fill":
                continue
            source, target = old.source, new.target
        else:
            source, target = old, new
        counts["missing"] += sum(1 for p in compare_codes(source, target) if p.kind == "missing")
    counts["silent"] = max(0, counts["missing"] - counts["appended"] - counts["empty"])
    return counts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="fake engines only (no tiny model)")
    args = parser.parse_args()
    glossary, _ = parse_glossary(GLOSSARY_CSV, "tiny-glossary.csv")
    engines = [("fake: placeholders kept", lambda: polite_engine())]
    for kind in sorted(HOSTILE):
        engines.append((f"fake hostile: {kind}", lambda k=kind: hostile_engine(k)))
        engines.append((f"fake hostile: {kind} + constraints",
                        lambda k=kind: hostile_engine(k, constraints=True)))
    if not args.quick:
        from tests.tiny_marian import build_tiny_marian
        from translate.engines import get_engine

        model = build_tiny_marian(Path(tempfile.mkdtemp(prefix="tiny-marian-")))
        engines.insert(0, ("tiny Marian model (beam 4)",
                           lambda: get_engine("marian", model=str(model), device="cpu", beam=4)))
    print(f"{'engine':<40} {'codes':>5} {'outside':>7} {'placed':>6} {'recov.':>6} "
          f"{'append.':>7} {'empty':>5} {'missing':>7} {'silent':>6} {'survival':>8}")
    per_fixture: dict = {}
    for label, make in engines:
        total: Counter = Counter()
        start = time.perf_counter()
        for name in FIXTURES:
            c = measure(name, make(), glossary)
            total.update(c)
            per_fixture.setdefault(label, {})[name] = c
        kept = total["outside"] + total["placed"] + total["recovered"]
        print(f"{label:<40} {total['codes']:>5} {total['outside']:>7} {total['placed']:>6} "
              f"{total['recovered']:>6} {total['appended']:>7} {total['empty']:>5} "
              f"{total['missing']:>7} {total['silent']:>6} "
              f"{kept / max(1, total['codes']):>8.1%}  ({time.perf_counter() - start:.1f} s)")
    print("\nper fixture (outside+placed+recovered / codes, appended, empty, missing):")
    for label, fixtures in per_fixture.items():
        if not (label.startswith("tiny") or label.startswith("fake: ")):
            continue
        print(f"  {label}")
        for name, c in fixtures.items():
            kept = c["outside"] + c["placed"] + c["recovered"]
            print(f"    {name:<24} {kept:>3}/{c['codes']:<3} appended {c['appended']:<3} "
                  f"empty {c['empty']:<3} missing {c['missing']}")


if __name__ == "__main__":
    main()

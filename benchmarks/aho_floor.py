"""The yardstick of ``bench_check.py``: the least a "term in the source, rendering absent" check
can do, with pyahocorasick (a benchmark-only requirement: ``pip install pyahocorasick``).

    python benchmarks/aho_floor.py GLOSSARY.csv DOCUMENT OUT.json

In one new process: read the glossary CSV (``csv`` module, ``|``-separated variants), normalise
its Chinese variants as termtrans does (Traditional and full-width forms match), build an
Aho-Corasick automaton of them, read the document with termtrans's reader (the same segments as
``termtrans check``), find the longest non-overlapping terms in each normalised source, report
those none of whose approved renderings is a (case-insensitive) substring of the target, and
write the findings as JSON. No word-boundary test, no near misses, no other check.
"""
from __future__ import annotations

import csv
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def main(glossary: str, document: str, out: str) -> int:
    import ahocorasick

    from termbase.aligned import read_aligned
    from termbase.normalize import normalize_many, normalize_zh

    with open(glossary, encoding="utf-8-sig", newline="") as fh:
        rows = csv.reader(fh)
        header = [c.strip().lower() for c in next(rows)]
        zh_col, en_col = header.index("zh"), header.index("en")
        entries = [([v.strip() for v in row[zh_col].split("|") if v.strip()],
                    [v.strip().lower() for v in row[en_col].split("|") if v.strip()])
                   for row in rows if len(row) > max(zh_col, en_col)]
    variants = [(v, i) for i, (zh, _) in enumerate(entries) for v in zh]
    automaton = ahocorasick.Automaton()
    for key, (_, i) in zip(normalize_many([v for v, _ in variants]), variants):
        if key and key not in automaton:
            automaton.add_word(key, (len(key), i))
    automaton.make_automaton()
    missing = []
    for pair in read_aligned(document):
        if not pair.source or not pair.target:
            continue
        target = pair.target.lower()
        for end, (length, i) in automaton.iter_long(normalize_zh(pair.source)):
            if not any(r in target for r in entries[i][1]):
                missing.append({"segment": pair.index, "start": end - length + 1, "end": end + 1,
                                "term": entries[i][0][0]})
    Path(out).write_text(json.dumps({"missing": missing}, ensure_ascii=False), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:4]))

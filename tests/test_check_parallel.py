"""Large documents are checked in several processes; the report must not depend on it."""
from __future__ import annotations

from termbase.aligned import read_aligned
from termbase.glossary import load_glossary
from termbase.qa import run_checks


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

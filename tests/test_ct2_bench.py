"""Smoke run of benchmarks/bench_translate.py with a tiny model: it runs, and forces equal work."""
from __future__ import annotations

import math
import re
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("ctranslate2")

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "benchmarks" / "bench_translate.py"
ROW = re.compile(r"^(transformers generate \(naive\)|termtrans marian \+ pipeline|"
                 r"termtrans ctranslate2 \+ pipeline)\s+(\d+)\s+(\d+)\s+([\d.]+)\s+([\d.]+)\s+(\d+)",
                 re.M)


def test_quick_benchmark_runs_every_engine_with_equal_output_lengths(tmp_path):
    done = subprocess.run([sys.executable, str(BENCH), "--quick", "--sentences", "8",
                           "--workdir", str(tmp_path)], capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    out = done.stdout
    forced = int(re.search(r"(\d+) output tokens forced", out).group(1))
    rows = {(label, int(beam)): int(tokens) for label, beam, tokens, *_ in ROW.findall(out)}
    assert len(rows) == 6, out
    for beam in (4, 1):
        assert rows[("transformers generate (naive)", beam)] == forced
        # both engines decode the same pipeline segments for exactly the same number of steps
        assert rows[("termtrans marian + pipeline", beam)] == rows[("termtrans ctranslate2 + pipeline", beam)]
        assert 0 < rows[("termtrans marian + pipeline", beam)] <= forced
    assert re.search(r"beam 4: marian [\d.]+x \([\d.]+x\), ctranslate2 [\d.]+x \([\d.]+x\)", out)
    assert (tmp_path / "cache" / "ct2").is_dir()  # the conversion went to the benchmark's cache
    padding = re.findall(r"ctranslate2 beam (\d): decoded (\d+) tokens, credited (\d+)", out)
    assert len(padding) == 2
    for _, decoded, credited in padding:  # credited tokens are the pipeline rows' own lengths
        assert int(credited) == rows[("termtrans ctranslate2 + pipeline", 4)] <= int(decoded)
    assert "modules loaded: neither torch nor transformers" in out
    never = re.search(r"never ends a sentence.*: (\d+) sentences .* (\d+) reported truncated, longest "
                      r"decode (\d+) tokens of (\d+) positions, forced phrase kept", out)
    assert never and never.group(1) == never.group(2) and int(never.group(3)) <= int(never.group(4))
    assert re.search(r"floor: no crash on a model that never emits </s>: met", out)
    assert len(re.findall(r"^floor: .*: (?:met|NOT MET)$", out, re.M)) == 4


def test_forced_length_rule():
    from benchmarks.bench_translate import forced_length

    assert [forced_length(n) for n in (1, 8, 9, 17, 93)] == [8, 8, 16, 24, 96]
    assert all(forced_length(n) >= n and forced_length(n) % 8 == 0 for n in range(1, 300))
    assert forced_length(40) == 8 * math.ceil(40 / 8)


def test_workload_has_document_length_spread():
    from benchmarks.bench_translate import build_workload

    segments, document = build_workload(240)
    assert len(segments) >= 240 and len(set(segments)) == len(segments)
    lengths = sorted(len(s) for s in segments)
    assert lengths[0] <= 20 and lengths[-1] >= 100  # headings and long sentences
    paragraphs = document.split("\n\n")
    assert "".join(p.strip() for p in paragraphs) == "".join(segments)

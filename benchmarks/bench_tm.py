"""Translation-memory lookups on a 100,000-unit memory: exact and fuzzy lookups per second.

    python benchmarks/bench_tm.py            # 100,000 units (about a minute on 2 cores)
    python benchmarks/bench_tm.py --quick    # 10,000 units

What it does (seeded, nothing downloaded):

1. Builds a memory of N units whose Chinese sources are sentences of 6-80 characters: half of
   their words drawn from the sample yearbook page and the bundled glossary (so sources share a
   domain's words, as a project's memory does), half from jieba's dictionary weighted by its
   word frequencies (so characters follow the frequencies of real Chinese text).
2. Times loading them into a :class:`~translate.tm.TranslationMemory` (normalisation) and
   building the fuzzy index (at the first fuzzy lookup).
3. Times lookups for three kinds of queries (each set of the same size): exact repeats of
   units (Traditional or full-width forms mixed in), near repeats (1-4 characters inserted,
   deleted or changed: what a fuzzy match is for), and unrelated new sentences; each through
   ``best()`` (exact, else the best fuzzy match at the threshold, default 75).
4. Baseline, in the same run: rapidfuzz's own ``process.extractOne`` over every unit with the
   same scorer and cutoff (what a memory without an index does), on a sample of the queries.
   The index returns the same matches (checked on that sample).
"""
from __future__ import annotations

import argparse
import random
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from translate.tm import TMUnit, TranslationMemory, match_key  # noqa: E402

SAMPLE = ROOT / "tests" / "data" / "chongqing-yearbook-page.txt"


def general_words(rng: random.Random, k: int) -> list:
    """``k`` words of jieba's dictionary drawn by frequency."""
    import os

    import jieba

    path = os.path.join(os.path.dirname(jieba.__file__), "dict.txt")
    words, weights = [], []
    with open(path, encoding="utf-8") as fh:
        for row in fh:
            parts = row.split()
            if len(parts) >= 2 and all("\u4e00" <= c <= "\u9fff" for c in parts[0]):
                words.append(parts[0])
                weights.append(int(parts[1]))
    return rng.choices(words, weights=weights, k=k)


def vocabulary() -> list:
    import logging

    import jieba

    from termbase.glossary import load_glossary

    jieba.setLogLevel(logging.WARNING)

    text = SAMPLE.read_text(encoding="utf-8")
    zh = "".join(re.findall(r"[\u4e00-\u9fff，、“”：]+", text))
    words = [w for w in jieba.lcut(zh) if w.strip()]
    words += [v for e in load_glossary(ROOT / "glossary.csv") for v in e.zh]
    return words


def sentence(rng: random.Random, words: list, general: list) -> str:
    n = rng.choice([6, 10, 14, 20, 28, 40, 60, 80])
    out = ""
    while len(out) < n:
        out += rng.choice(words if rng.random() < 0.5 else general)
        if rng.random() < 0.12:
            out += "，"
    return out.strip("，") + "。"


def perturb(rng: random.Random, text: str, alphabet: str) -> str:
    chars = list(text)
    for _ in range(rng.randint(1, 4)):
        op, pos = rng.randrange(3), rng.randrange(len(chars))
        if op == 0:
            chars.insert(pos, rng.choice(alphabet))
        elif op == 1 and len(chars) > 4:
            del chars[pos]
        else:
            chars[pos] = rng.choice(alphabet)
    return "".join(chars)


def variant(rng: random.Random, text: str) -> str:
    from opencc import OpenCC

    if rng.random() < 0.5:
        return OpenCC("s2t").convert(text)
    return text.replace("，", " ，", 1)[:-1] + " 。"  # stray spaces


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--units", type=int, default=100_000)
    ap.add_argument("--queries", type=int, default=2000, help="queries of each kind")
    ap.add_argument("--threshold", type=float, default=75.0)
    ap.add_argument("--baseline-queries", type=int, default=100)
    ap.add_argument("--quick", action="store_true", help="10,000 units, 500 queries")
    ap.add_argument("--seed", type=int, default=14)
    args = ap.parse_args()
    if args.quick:
        args.units, args.queries, args.baseline_queries = 10_000, 500, 50
    rng = random.Random(args.seed)
    words = vocabulary()
    general = general_words(rng, 200_000)
    alphabet = "".join(sorted(set("".join(words + general[:5000]))))
    sources, seen = [], set()
    while len(sources) < args.units:
        s = sentence(rng, words, general)
        if match_key(s) not in seen:
            seen.add(match_key(s))
            sources.append(s)
    units = [TMUnit(s, f"English {k}", "bench.tmx", f"bench.tmx:{k}") for k, s in enumerate(sources)]
    t0 = time.perf_counter()
    tm = TranslationMemory(units)
    t_load = time.perf_counter() - t0
    t0 = time.perf_counter()
    tm.fuzzy(sources[0], args.threshold)
    t_index = time.perf_counter() - t0
    kinds = {
        "exact (repeats, some Traditional or spaced)":
            [variant(rng, s) if rng.random() < 0.3 else s for s in rng.sample(sources, args.queries)],
        "near repeats (1-4 characters edited)":
            [perturb(rng, s, alphabet) for s in rng.sample(sources, args.queries)],
        "new sentences": [sentence(rng, words, general) for _ in range(args.queries)],
    }
    print(f"memory: {len(tm):,} units, sources {min(map(len, sources))}-{max(map(len, sources))} "
          f"characters; load {t_load:.2f} s, fuzzy index built in {t_index:.2f} s")
    print(f"{'queries':<46} {'lookups/s':>10} {'exact':>7} {'fuzzy':>7} {'none':>7}")
    for name, queries in kinds.items():
        t0 = time.perf_counter()
        found = [tm.best(q, args.threshold) for q in queries]
        dt = time.perf_counter() - t0
        exact = sum(1 for m in found if m is not None and m.score >= 100)
        fuzzy = sum(1 for m in found if m is not None and m.score < 100)
        print(f"{name:<46} {len(queries) / dt:>10,.0f} {exact:>7} {fuzzy:>7} "
              f"{len(queries) - exact - fuzzy:>7}")
    from rapidfuzz import fuzz, process

    keys = [match_key(s) for s in sources]
    sample = kinds["near repeats (1-4 characters edited)"][:args.baseline_queries] + \
        kinds["new sentences"][:args.baseline_queries]
    t0 = time.perf_counter()
    base = [process.extractOne(match_key(q), keys, scorer=fuzz.ratio, score_cutoff=args.threshold)
            for q in sample]
    t_base = time.perf_counter() - t0
    t0 = time.perf_counter()
    ours = [tm.fuzzy(q, args.threshold, limit=1) for q in sample]
    t_ours = time.perf_counter() - t0
    same = sum(1 for b, o in zip(base, ours)
               if (b is None and not o) or (b is not None and o and abs(b[1] - o[0].score) < 1e-9))
    print(f"baseline, rapidfuzz extractOne over all {len(keys):,} units: "
          f"{len(sample) / t_base:,.0f} lookups/s; the index: {len(sample) / t_ours:,.0f} lookups/s "
          f"({t_base / t_ours:.1f}x); same best score for {same} of {len(sample)} queries")


if __name__ == "__main__":
    main()

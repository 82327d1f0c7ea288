"""Precision and recall of ``termtrans check`` on real bilingual official texts.

    python benchmarks/bench_precision.py                  # figures
    python benchmarks/bench_precision.py --show-unjudged  # issues without a judgement, to judge
    python benchmarks/bench_precision.py --list           # every issue with its judgement

What it does (nothing downloaded, everything seeded):

1. Checks the real texts of ``tests/data/real/`` (sentence-aligned TSV; Simplified and
   Traditional; sources and licences in the README there) and the yearbook page
   ``tests/data/chongqing-yearbook-page.txt`` with the bundled glossary, boundary test on.
2. Prints issues per 100 segments by check (typography also by rule), and the share of them
   judged false. The judgements are ``tests/data/real/judgements.tsv``: one line per issue
   (file, check, rule, segment fingerprint, span, ``true``/``false``, note), so the figure is
   reproducible; an issue with no line is counted as "unjudged" and listed by ``--show-unjudged``.
3. Injects errors into the target texts, one at a time (seeded): a wrong number (a digit changed),
   a misspelt term (an approved rendering in the target, of a term the source has, with two
   letters swapped), a missing term (such a rendering deleted), a doubled word, a lost possessive apostrophe ("Taiwan's" ->
   "Taiwans"), a missing space after "," or "." between words. An injection is detected when the
   document re-checked with that one segment changed has a new issue of the expected check in that
   segment (a document longer than 31 segments, such as a law, is re-checked in a window of 15
   segments either side). Prints the detection rate per kind.

Goals (issue 11): at most 1 false number-mismatch and at most 1 false typography issue per 100
real segments, with no loss of recall on injected errors.
"""
from __future__ import annotations

import argparse
import csv
import random
import re
import sys
from collections import Counter, defaultdict
from dataclasses import replace
from pathlib import Path
from typing import Dict, List, Tuple

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from termbase.aligned import read_aligned  # noqa: E402
from termbase.en_match import EnMatcher  # noqa: E402
from termbase.glossary import load_glossary  # noqa: E402
from termbase.qa import run_checks  # noqa: E402
from termbase.zh_match import matcher_for  # noqa: E402

DATA = ROOT / "tests" / "data"
REAL = DATA / "real"
JUDGEMENTS = REAL / "judgements.tsv"
KINDS = ("wrong-number", "misspelt-term", "missing-term", "doubled-word", "lost-apostrophe",
         "missing-space")
EXPECTED = {"wrong-number": {"number-mismatch"}, "misspelt-term": {"term-variant", "term-missing"},
            "missing-term": {"term-missing", "term-variant"}, "doubled-word": {"typography"},
            "lost-apostrophe": {"typography"}, "missing-space": {"typography"}}


def documents() -> List[Tuple[str, list]]:
    """(name, pairs) of every real document."""
    docs = [(p.name, read_aligned(p)) for p in sorted(REAL.glob("*.tsv")) if p.name != JUDGEMENTS.name]
    page = DATA / "chongqing-yearbook-page.txt"
    docs.append((page.name, read_aligned(page)))
    return docs


def load_judgements() -> Dict[tuple, Tuple[str, str]]:
    out: Dict[tuple, Tuple[str, str]] = {}
    if not JUDGEMENTS.exists():
        return out
    with open(JUDGEMENTS, encoding="utf-8", newline="") as fh:
        lines = (line for line in fh if not line.startswith("#"))
        for row in csv.DictReader(lines, delimiter="\t", quoting=csv.QUOTE_NONE):
            key = (row["file"], row["check"], row["rule"], row["fingerprint"], row["span"])
            out[key] = (row["verdict"], row.get("note", ""))
    return out


def issue_key(name: str, issue) -> tuple:
    return (name, issue.check, issue.rule, issue.fingerprint, issue.span.replace("\n", "\\n"))


def precision(docs, glossary, judgements, show: str) -> None:
    n_seg = sum(1 for _, pairs in docs for p in pairs if p.source.strip() and p.target.strip())
    counts: Counter = Counter()
    false: Counter = Counter()
    unjudged: Counter = Counter()
    rows = []
    per_doc = []  # (name, segments, {check: (issues, false)})
    for name, pairs in docs:
        report = run_checks(pairs, glossary)
        doc: Dict[str, List[int]] = defaultdict(lambda: [0, 0])
        for i in report.issues:
            groups = [i.check] + ([f"typography/{i.rule}"] if i.check == "typography" else [])
            verdict, note = judgements.get(issue_key(name, i), ("", ""))
            for g in groups:
                counts[g] += 1
                if verdict == "false":
                    false[g] += 1
                elif verdict != "true":
                    unjudged[g] += 1
            for g in (i.check, "all"):
                doc[g][0] += 1
                doc[g][1] += verdict == "false"
            if show == "all" or (show == "unjudged" and not verdict):
                rows.append((name, i, verdict, note))
        per_doc.append((name, sum(1 for p in pairs if p.source.strip() and p.target.strip()), doc))
    print(f"real texts: {len(docs)} documents, {n_seg} segments with both sides")
    print(f"{'check':<34}{'issues':>7}{'/100 seg':>10}{'judged false':>14}{'false/100':>11}{'unjudged':>10}")
    for g in sorted(counts, key=lambda g: (g.split('/')[0], g)):
        c = counts[g]
        judged = c - unjudged[g]
        share = f"{100 * false[g] / judged:.0f}%" if judged else "-"
        print(f"{g:<34}{c:>7}{100 * c / n_seg:>10.1f}{share:>14}{100 * false[g] / n_seg:>11.1f}"
              f"{unjudged[g]:>10}")
    print(f"\nby document: issues (of them judged false)")
    print(f"{'document':<36}{'segments':>9}{'numbers':>10}{'typography':>12}{'terms':>10}{'all':>10}")
    for name, n, doc in per_doc:
        terms = [sum(doc[c][k] for c in ("term-missing", "term-variant", "term-forbidden")) for k in (0, 1)]
        cells = [doc["number-mismatch"], doc["typography"], terms, doc["all"]]
        print(f"{name:<36}{n:>9}" + "".join(f"{f'{a} ({b})':>{w}}" for (a, b), w in zip(cells, (10, 12, 10, 10))))
    for name, i, verdict, note in rows:
        span = i.span.replace("\n", "\\n")
        print("\t".join([name, i.check, i.rule, i.fingerprint, span, verdict or "?", note or i.message]))


def _approved_spans(pair, glossary, matcher) -> List[Tuple[int, int]]:
    return [(m.start, m.end) for m in matcher.find(pair.target)]


def _inject(kind: str, pair, rng: random.Random, matcher, zh_matcher) -> str:
    """The target of ``pair`` with one error of ``kind`` injected ("" when none fits)."""
    t = pair.target
    if kind == "wrong-number":
        spots = [m for m in re.finditer(r"\d", t)]
        if not spots:
            return ""
        m = rng.choice(spots)
        d = int(m.group())
        return t[:m.start()] + str((d + rng.randint(1, 8)) % 10) + t[m.end():]
    if kind in ("misspelt-term", "missing-term"):
        # only renderings of terms the source has: a rendering the English adds on its own
        # ("China" where the source has no 中国) has nothing to be checked against
        in_source = {id(x.entry) for x in zh_matcher.find(pair.source)}
        spans = [(m.start, m.end) for m in matcher.find(t) if id(m.entry) in in_source]
        if not spans:
            return ""
        s, e = rng.choice(spans)
        if kind == "missing-term":
            return re.sub(r"  +", " ", t[:s] + t[e:])
        words = [w for w in re.finditer(r"[A-Za-z]{4,}", t[s:e])]
        if not words:
            return ""
        w = max(words, key=lambda w: len(w.group()))
        word = w.group()
        k = rng.randint(1, len(word) - 3)
        if word[k] == word[k + 1]:
            bad = word[:k] + word[k + 1:]  # a doubled letter dropped
        else:
            bad = word[:k] + word[k + 1] + word[k] + word[k + 2:]
        return t[:s + w.start()] + bad + t[s + w.end():]
    if kind == "doubled-word":
        words = [m for m in re.finditer(r"\b[a-z]{3,}\b", t)]
        if not words:
            return ""
        m = rng.choice(words)
        return t[:m.end()] + " " + m.group() + t[m.end():]
    if kind == "lost-apostrophe":
        spots = [m for m in re.finditer(r"\b[A-Z][a-z]+(['\u2019])s\b", t)]
        if not spots:
            return ""
        m = rng.choice(spots)
        return t[:m.start(1)] + t[m.end(1):]
    if kind == "missing-space":
        spots = [m for m in re.finditer(r"(?<=[a-z])[,.] (?=[A-Za-z])", t)]
        if not spots:
            return ""
        m = rng.choice(spots)
        return t[:m.start() + 1] + t[m.end():]
    raise ValueError(kind)


#: segments either side of an injected one that are checked with it (documents up to
#: 2 * WINDOW + 1 segments are checked whole)
WINDOW = 15


def _issue_sets(pairs, glossary) -> Dict[int, set]:
    out: Dict[int, set] = {}
    for i in run_checks(pairs, glossary).issues:
        out.setdefault(i.segment, set()).add((i.check, i.side, i.span))
    return out


def recall(docs, glossary, seed: int, trials: int) -> None:
    rng = random.Random(seed)
    matcher = EnMatcher.for_glossary(glossary, forbidden=False)
    zh_matcher = matcher_for(glossary)
    tried: Counter = Counter()
    found: Counter = Counter()
    missed: Dict[str, list] = defaultdict(list)
    for name, pairs in docs:
        whole = _issue_sets(pairs, glossary)
        for idx, pair in enumerate(pairs):
            if not pair.source.strip() or not pair.target.strip():
                continue
            # a long document (a law) is re-checked in a window around the changed segment
            lo, hi = max(0, idx - WINDOW), min(len(pairs), idx + WINDOW + 1)
            context = pairs[lo:hi]
            base = whole if (lo, hi) == (0, len(pairs)) else _issue_sets(context, glossary)
            for kind in KINDS:
                for _ in range(trials):
                    new_target = _inject(kind, pair, rng, matcher, zh_matcher)
                    if not new_target or new_target == pair.target:
                        continue
                    changed = list(context)
                    changed[idx - lo] = replace(pair, target=new_target)
                    issues = [i for i in run_checks(changed, glossary).issues if i.segment == pair.index]
                    new = {(i.check, i.side, i.span) for i in issues} - base.get(pair.index, set())
                    tried[kind] += 1
                    if any(c in EXPECTED[kind] for c, _, _ in new):
                        found[kind] += 1
                    else:
                        missed[kind].append(new_target)
    print(f"\ninjected errors (seed {seed}, {trials} per segment and kind where one fits)")
    print(f"{'kind':<18}{'injected':>9}{'detected':>9}{'rate':>7}")
    for kind in KINDS:
        n = tried[kind]
        print(f"{kind:<18}{n:>9}{found[kind]:>9}{(100 * found[kind] / n if n else 0):>6.0f}%")
    total_n, total_f = sum(tried.values()), sum(found.values())
    print(f"{'all':<18}{total_n:>9}{total_f:>9}{100 * total_f / max(1, total_n):>6.0f}%")
    return missed


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--show-unjudged", action="store_true", help="list issues without a judgement")
    ap.add_argument("--list", action="store_true", help="list every issue with its judgement")
    ap.add_argument("--show-missed", action="store_true", help="print the injected targets not detected")
    ap.add_argument("--seed", type=int, default=11)
    ap.add_argument("--trials", type=int, default=2, help="injections per segment and kind")
    ap.add_argument("--no-recall", action="store_true", help="skip the injected-error part")
    args = ap.parse_args(argv)
    glossary = load_glossary(ROOT / "glossary.csv")
    docs = documents()
    show = "all" if args.list else "unjudged" if args.show_unjudged else ""
    precision(docs, glossary, load_judgements(), show)
    if not args.no_recall:
        missed = recall(docs, glossary, args.seed, args.trials)
        if args.show_missed:
            for kind, targets in missed.items():
                for t in targets:
                    print(f"missed {kind}: {t}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Speed and memory of the whole ``termtrans check`` command, with a compiled termbase.

    python benchmarks/bench_check.py                 # full run (10-20 minutes on 2 busy cores)
    python benchmarks/bench_check.py --quick         # 1k/10k/300k terms, 0.25/1 MB, 1 repeat
    python benchmarks/bench_check.py --repo OTHER    # time another checkout's command (e.g. main)

What it does, in one run (everything seeded, nothing downloaded; Linux: memory is read from /proc):

1. Builds synthetic glossaries of 1k, 10k, 100k and 300k terms (each the bundled glossary plus
   the first N of one seeded list of random Chinese terms, 2-5 ideographs, whose English
   renderings of 2-4 words mix real words of the sample page and the glossary with pseudo-words;
   one in ten has a forbidden rendering), written as glossary CSV files; and mixed bilingual
   documents of 0.25, 1 and 4 MB built from the sample page's segments, each Chinese paragraph
   carrying three terms of the 1k glossary (so every glossary has them) and its English their
   renderings, some dropped, forbidden or misspelt; and a two-line document.
2. Times ``termtrans --glossary G check DOC --format json -o OUT --fail-on none`` in a new process
   (start-up, glossary, reading, every check, JSON report written), for every glossary and
   document: once *cold* (the termtrans cache holds jieba's dictionary but no compiled termbase:
   the glossary is parsed and compiled in the run) and *warm* (the compiled termbase of the
   previous run is there), best of ``--repeats``. Wall seconds are printed with the CPU seconds
   of the process and its workers (user + system; less sensitive to other load on the machine).
3. Samples the proportional set size (PSS) of the command and every process it forks, every 20
   ms, and prints the peak of their sum; for each glossary it also runs the 1 MB check with
   ``--jobs 1`` (one process) for the memory floor. Memory is sampled in runs of its own
   (``--memory-repeats`` warm runs, the largest peak), never in a timed run: the sampler (a
   thread of this process listing /proc and reading each process's smaps every 20 ms) takes
   some 0.14 CPU-s per 1 MB check, CPU that a check using both cores pays in wall time and a
   one-core yardstick does not.
4. Times the yardstick in the same run: ``benchmarks/aho_floor.py`` (pyahocorasick, "term in the
   source, rendering absent", nothing else; ``pip install pyahocorasick``) on the same files,
   each of its runs right after one of the warm checks (best of ``--repeats`` too).

Floors (issue 15), checked on the warm figures: a two-line check with the 300k-term glossary
<= 1 s; the 1 MB check with 300k terms <= 2x the one with 10k; the 1 MB x 10k check <= 1.5x the
pyahocorasick floor; the summed memory of the check's processes <= 1.2x that of one process.
The machine may be shared: the load average is printed with each table.
"""
from __future__ import annotations

import argparse
import os
import random
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from termbase.aligned import read_aligned  # noqa: E402
from termbase.glossary import Entry, Glossary, load_glossary  # noqa: E402
from termbase.normalize import normalize_zh  # noqa: E402

SAMPLE = ROOT / "tests" / "data" / "chongqing-yearbook-page.txt"
FLOOR = ROOT / "benchmarks" / "aho_floor.py"
TERMS = (1000, 10000, 100000, 300000)
SIZES = (0.25, 1.0, 4.0)


# --- data ------------------------------------------------------------------------------------


def _vocabulary(rng: random.Random, bundled: Glossary, pairs) -> tuple:
    import re

    real = set()
    for e in bundled:
        for r in e.en:
            real.update(w.lower() for w in re.findall(r"[A-Za-z]{4,}", r))
    for p in pairs:
        real.update(w.lower() for w in re.findall(r"[A-Za-z]{4,}", p.target))
    syll = ["ka", "lo", "ven", "tri", "mar", "sul", "qen", "dor", "ix", "pa", "zu", "rel", "mon", "tas"]
    pseudo = {"".join(rng.choice(syll) for _ in range(rng.randint(2, 4))) for _ in range(6000)}
    return sorted(real), sorted(pseudo)


def build_entries(n: int, rng: random.Random, bundled: Glossary, real: list, pseudo: list) -> list:
    """The bundled entries, then ``n`` synthetic ones (seeded)."""
    entries = list(bundled)
    seen_zh = {normalize_zh(v) for e in entries for v in e.zh}
    seen_en = set()
    while len(entries) < n + len(bundled.entries):
        zh = "".join(chr(rng.randint(0x4E00, 0x9FA5)) for _ in range(rng.randint(2, 5)))
        key = normalize_zh(zh)  # Traditional and Simplified forms of one term are one term
        if key in seen_zh:
            continue
        words = [rng.choice(pseudo)] + [rng.choice(real if rng.random() < 0.5 else pseudo)
                                        for _ in range(rng.randint(1, 3))]
        rng.shuffle(words)
        en = " ".join(words)
        if en in seen_en:
            continue
        seen_zh.add(key)
        seen_en.add(en)
        forbidden = (" ".join(reversed(words)),) if rng.random() < 0.1 else ()
        if forbidden and forbidden[0] == en:
            forbidden = ()  # a palindrome: it cannot be both approved and forbidden
        entries.append(Entry((zh,), (en,), forbidden, line=len(entries) + 2))
    return entries


def build_document(size: int, rng: random.Random, pairs, terms: list) -> str:
    """A mixed bilingual document of about ``size`` bytes (UTF-8)."""
    usable = [p for p in pairs if p.source and p.target]
    parts, total = [], 0
    while total < size:
        p = rng.choice(usable)
        zh, en = p.source, p.target
        picks = rng.sample(terms, 3)
        zh = zh + "并" + "、".join(e.term for e in picks) + "。"
        rendered = []
        for e in picks:
            r = rng.random()
            if r < 0.1:
                continue  # dropped: term-missing
            if r < 0.15 and e.forbidden:
                rendered.append(e.forbidden[0])
            elif r < 0.2:
                w = e.preferred
                i = rng.randrange(len(w))
                rendered.append(w[:i] + w[i + 1:])  # misspelled: term-variant
            else:
                rendered.append(e.preferred)
        en = en + " It also covered " + ", ".join(rendered) + "."
        block = f"{zh}\n{en}\n\n"
        parts.append(block)
        total += len(block.encode("utf-8"))
    return "".join(parts)


def build_data(work: Path, terms: tuple, sizes: tuple, seed: int) -> dict:
    """Glossary CSVs and documents under ``work`` (reused when already there)."""
    from termbase.interop import export_glossary

    stamp = work / f"built-{seed}-{'-'.join(map(str, terms))}-{'-'.join(map(str, sizes))}"
    files = {"glossary": {n: work / f"glossary-{n // 1000}k.csv" for n in terms},
             "document": {s: work / f"document-{s:g}MB.txt" for s in sizes},
             "two": work / "two-lines.txt"}
    if stamp.exists():
        return files
    rng = random.Random(seed)
    bundled = load_glossary(ROOT / "glossary.csv")
    sample_pairs = read_aligned(SAMPLE)
    real, pseudo = _vocabulary(rng, bundled, sample_pairs)
    entries = build_entries(max(terms), rng, bundled, real, pseudo)
    nb = len(bundled.entries)
    for n in terms:
        path = files["glossary"][n]
        if path.exists():
            path.unlink()
        export_glossary(entries[:n + nb], path, "csv")
    doc_terms = entries[nb:nb + min(terms)]
    for s in sizes:
        doc = build_document(int(s * 1_000_000), random.Random(seed + 1), sample_pairs, doc_terms)
        files["document"][s].write_text(doc, encoding="utf-8")
    first = sample_pairs[0]
    files["two"].write_text(f"{first.source}\n{first.target}\n", encoding="utf-8")
    stamp.write_text("ok\n")
    return files


# --- measuring ------------------------------------------------------------------------------


def _children() -> dict:
    """ppid -> [pid] of every process (from /proc)."""
    out: dict = {}
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat", "rb") as fh:
                stat = fh.read()
        except OSError:
            continue
        ppid = int(stat[stat.rindex(b")") + 2:].split()[1])
        out.setdefault(ppid, []).append(int(name))
    return out


def _pss_kb(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/smaps_rollup", "rb") as fh:
            for line in fh:
                if line.startswith(b"Pss:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


class MemorySampler:
    """Peak of the summed PSS of a process and its descendants, sampled every ``interval`` s."""

    def __init__(self, pid: int, interval: float = 0.02):
        self.pid = pid
        self.peak_kb = 0
        self.peak_procs = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, args=(interval,), daemon=True)
        self._thread.start()

    def _run(self, interval: float) -> None:
        while not self._stop.is_set():
            tree = _children()
            pids, todo = [], [self.pid]
            while todo:
                p = todo.pop()
                pids.append(p)
                todo.extend(tree.get(p, ()))
            total = sum(_pss_kb(p) for p in pids)
            if total > self.peak_kb:
                self.peak_kb = total
            self.peak_procs = max(self.peak_procs, len(pids))
            self._stop.wait(interval)

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()


def run_command(cmd: list, cwd: Path, env: dict, sample: bool = True) -> dict:
    """Run ``cmd``: wall seconds, CPU seconds (itself and its reaped children), peak PSS."""
    if "-o" in cmd:  # the report of the previous run: check never overwrites without --force
        Path(cmd[cmd.index("-o") + 1]).unlink(missing_ok=True)
    with tempfile.TemporaryFile() as errors:
        t = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=errors)
        sampler = MemorySampler(proc.pid) if sample else None
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - t
        if sampler is not None:
            sampler.stop()
        proc.returncode = code = os.waitstatus_to_exitcode(status)
        errors.seek(0)
        err = errors.read().decode("utf-8", "replace").strip()
    if code not in (0, 1):
        raise RuntimeError(f"{' '.join(map(str, cmd))} failed ({code}): {err[-500:]}")
    return {"wall": wall, "cpu": usage.ru_utime + usage.ru_stime,
            "pss_mb": sampler.peak_kb / 1024 if sampler else 0.0,
            "procs": sampler.peak_procs if sampler else 0}


def best(runs: list) -> dict:
    """The run with the least wall time, with the median wall time added (timed runs sample no
    memory: see :func:`_bench`)."""
    ordered = sorted(runs, key=lambda r: r["wall"])
    out = dict(ordered[0])
    out["median"] = ordered[len(ordered) // 2]["wall"]
    return out


def _has_compile(repo: Path) -> bool:
    return (repo / "termbase" / "compiled.py").exists()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true",
                    help="1k/10k/300k terms, 0.25 and 1 MB, one repeat")
    ap.add_argument("--repeats", type=int, default=None, help="warm runs of each timing (default 3)")
    ap.add_argument("--memory-repeats", type=int, default=2,
                    help="warm runs whose memory is sampled, apart from the timed ones (default 2)")
    ap.add_argument("--repo", type=Path, default=ROOT,
                    help="checkout whose termtrans command is timed (default: this one)")
    ap.add_argument("--data", type=Path, default=None,
                    help="directory for the generated files (kept; default: a temporary one)")
    ap.add_argument("--terms", default=None, help="comma-separated glossary sizes, e.g. 10000,300000")
    ap.add_argument("--sizes", default=None, help="comma-separated document sizes in MB")
    ap.add_argument("--no-floor", dest="floor", action="store_false",
                    help="skip the pyahocorasick yardstick")
    ap.add_argument("--seed", type=int, default=4)
    args = ap.parse_args()
    terms = tuple(int(x) for x in args.terms.split(",")) if args.terms else (
        (1000, 10000, 300000) if args.quick else TERMS)
    sizes = tuple(float(x) for x in args.sizes.split(",")) if args.sizes else (
        (0.25, 1.0) if args.quick else SIZES)
    repeats = max(1, args.repeats or (1 if args.quick else 3))
    repo = args.repo.resolve()
    tmp = None
    if args.data is None:
        tmp = tempfile.mkdtemp(prefix="bench-check-")
        work = Path(tmp)
    else:
        work = args.data.resolve()
        work.mkdir(parents=True, exist_ok=True)
    try:
        _bench(work, repo, terms, sizes, repeats, args)
    finally:
        if tmp is not None:
            shutil.rmtree(tmp, ignore_errors=True)


def _bench(work: Path, repo: Path, terms: tuple, sizes: tuple, repeats: int, args) -> None:
    t = time.perf_counter()
    files = build_data(work, TERMS if set(terms) <= set(TERMS) else terms, SIZES
                       if set(sizes) <= set(SIZES) else sizes, args.seed)
    print(f"data: glossaries of {', '.join(f'{n // 1000}k' for n in terms)} terms, documents of "
          f"{', '.join(f'{s:g}' for s in sizes)} MB and two lines "
          f"({time.perf_counter() - t:.0f} s to build or find, not timed)")
    cache = work / "cache"
    env = dict(os.environ, TERMTRANS_CACHE=str(cache), PYTHONPATH=str(repo),
               PYTHONDONTWRITEBYTECODE="1")
    env.pop("TERMTRANS_GLOSSARY", None)
    compiled = _has_compile(repo)
    out = work / "report.json"

    def check(glossary: Path, doc: Path, *extra) -> list:
        return [sys.executable, "-m", "cli", "--glossary", str(glossary), "check", str(doc),
                "--format", "json", "-o", str(out), "--fail-on", "none", *extra]

    # the repository's modules byte-compiled first, as an installed package has them (without
    # it, every timed run of a machine with PYTHONDONTWRITEBYTECODE set compiles them again:
    # about 0.1 s of each check, 0.03 s of the floor); jieba's prefix dictionary is cached once
    # per machine: neither is part of any timing
    subprocess.run([sys.executable, "-m", "compileall", "-q", "termbase", "cli.py", "benchmarks"],
                   cwd=repo, env=env, check=False, stdout=subprocess.DEVNULL)
    run_command(check(files["glossary"][min(terms)], files["two"]), repo, env, sample=False)
    print(f"command: {repo}  ({'compiled termbase' if compiled else 'no compiled termbase: cold = warm'}); "
          f"{os.cpu_count()} cores; python {sys.version.split()[0]}; warm: best of {repeats}")
    memory_repeats = max(1, args.memory_repeats)
    print(f"times from runs without memory sampling; PSS: the largest peak of {memory_repeats} "
          "more warm runs, sampled every 20 ms")
    print(f"load average at start: {os.getloadavg()[0]:.1f} (other work on the machine inflates "
          "wall times; CPU seconds less so)")
    rows = []
    for n in terms:
        g = files["glossary"][n]
        docs = [("2 lines", files["two"])] + [(f"{s:g} MB", files["document"][s]) for s in sizes]
        for label, doc in docs:
            shutil.rmtree(cache / "termbase", ignore_errors=True)
            cold = run_command(check(g, doc), repo, env, sample=False)
            # the warm checks and the yardstick take turns, so that a slow spell of a shared
            # machine falls on both alike
            timed_floor = args.floor and label != "2 lines"
            warm_runs, floor_runs = [], []
            for _ in range(repeats):
                warm_runs.append(run_command(check(g, doc), repo, env, sample=False))
                if timed_floor:
                    floor_runs.append(run_command([sys.executable, str(FLOOR), str(g), str(doc),
                                                   str(work / "floor.json")], repo, env,
                                                  sample=False))
            warm = best(warm_runs)
            floor = best(floor_runs) if timed_floor else None
            sampled = [run_command(check(g, doc), repo, env) for _ in range(memory_repeats)]
            warm["pss_mb"] = max(r["pss_mb"] for r in sampled)
            warm["procs"] = max(r["procs"] for r in sampled)
            one = None
            if label == "1 MB":
                one = run_command(check(g, doc, "--jobs", "1"), repo, env)
            rows.append((n, label, cold, warm, floor, one))
            _print_row(rows[-1])
    _print_table(rows, terms, sizes)


_HEADER = (f"{'terms':>6} {'document':>8} | {'cold s':>7} {'cpu':>6} | {'warm s':>7} {'median':>7} "
           f"{'cpu':>6} | {'floor s':>7} {'cpu':>6} {'x floor':>7} | {'PSS MB':>7} {'procs':>5} "
           f"{'jobs=1':>7} {'ratio':>6}")


def _fmt(x, spec: str = "7.2f") -> str:
    return format(x, spec) if x is not None else " " * int(spec.split(".")[0])


def _print_row(row, header=[True]) -> None:
    if header[0]:
        print(_HEADER)
        header[0] = False
    n, label, cold, warm, floor, one = row
    print(f"{n // 1000:>5}k {label:>8} | {cold['wall']:7.2f} {cold['cpu']:6.2f} | "
          f"{warm['wall']:7.2f} {warm['median']:7.2f} {warm['cpu']:6.2f} | "
          f"{_fmt(floor and floor['wall'])} {_fmt(floor and floor['cpu'], '6.2f')} "
          f"{_fmt(floor and warm['wall'] / floor['wall'])} | "
          f"{warm['pss_mb']:7.0f} {warm['procs']:5d} {_fmt(one and one['pss_mb'], '7.0f')} "
          f"{_fmt(one and warm['pss_mb'] / one['pss_mb'], '6.2f')}", flush=True)


def _print_table(rows, terms, sizes) -> None:
    print()
    print(f"load average at end: {os.getloadavg()[0]:.1f}")
    warm = {(n, label): w for n, label, _, w, _, _ in rows}
    floors = {(n, label): f for n, label, _, _, f, _ in rows}
    lines = []
    if (300000, "2 lines") in warm:
        s = warm[(300000, "2 lines")]["wall"]
        lines.append(f"two-line check, 300k terms, warm: {s:.2f} s (<= 1 s: {'met' if s <= 1 else 'NOT met'})")
    if (300000, "1 MB") in warm and (10000, "1 MB") in warm:
        a, b = warm[(300000, "1 MB")], warm[(10000, "1 MB")]
        r, rc = a["wall"] / b["wall"], a["cpu"] / b["cpu"]
        lines.append(f"1 MB check, 300k / 10k terms: {r:.2f}x wall, {rc:.2f}x CPU "
                     f"(<= 2x: {'met' if r <= 2 else 'NOT met'})")
    if floors.get((10000, "1 MB")):
        a, f = warm[(10000, "1 MB")], floors[(10000, "1 MB")]
        r, rc = a["wall"] / f["wall"], a["cpu"] / f["cpu"]
        lines.append(f"1 MB x 10k check / pyahocorasick floor: {r:.2f}x wall, {rc:.2f}x CPU "
                     f"(<= 1.5x: {'met' if r <= 1.5 else 'NOT met'})")
    ratios = [(w["pss_mb"] / one["pss_mb"], n) for n, label, _, w, _, one in rows if one]
    if ratios:
        worst, n = max(ratios)
        lines.append(f"summed PSS of the check's processes / one process (--jobs 1), 1 MB: worst "
                     f"{worst:.2f}x at {n // 1000}k terms (<= 1.2x: {'met' if worst <= 1.2 else 'NOT met'})")
    print("floors (warm compiled termbase):")
    for line in lines:
        print("  " + line)


if __name__ == "__main__":
    main()

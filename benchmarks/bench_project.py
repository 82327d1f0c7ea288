"""Projects: files/s and segments/s in one process and on a LocalCluster, and a cached rerun.

    python benchmarks/bench_project.py                 # 240 files, fake engine (~2 min on 2 cores)
    python benchmarks/bench_project.py --quick         # 40 files
    python benchmarks/bench_project.py --engine tiny   # the tests' tiny Marian model (real torch)
    python benchmarks/bench_project.py --mt-ms 5       # fake engine costing 5 ms per sentence

What it does (seeded, nothing downloaded):

1. Builds a project of ``--files`` documents (.txt, .md, .docx, .xlf, in sub-folders) of 10-40
   paragraphs of 1-3 sentences each. A sentence is, one time in five, one already used (the
   sample page's and the tiny model's sentences to start with: repeats across files, as in a
   real project), else a new one made of the page's and the glossary's words and words of
   jieba's dictionary (by frequency). The bundled glossary is used. With ``--engine tiny`` every
   sentence is one the tiny model memorised, with glossary terms where its placeholders were (on
   sentences it never saw it writes long nonsense, slowly).
2. Translates it in this process (a new, empty cache): seconds, files/s, segments/s.
3. Starts a LocalCluster of ``--workers`` worker processes (one thread each; its start-up is
   timed on its own) and translates the project again on it (another empty cache); the overhead
   against the local run, and the cost per task ((cluster − local) / tasks); the outputs are
   compared with the local run's, byte for byte.
4. Reruns the local project with its cache: every segment is a cache hit, the engine is not
   built; its time and files/s.

The engine: ``fake`` (default) costs nothing, so the figures are termtrans's own work (reading,
segmentation, term protection, lookups, rendering, writing, the cache); ``--mt-ms`` makes each
sentence cost that much (a sleep: a stand-in for an engine, which a 2-core machine can overlap
on two workers); ``tiny`` loads a real (tiny) Marian model through torch in each process. On 2
cores a cluster of 2 workers next to the client cannot beat one process on CPU-bound work: the
figures show what distribution costs.
"""
from __future__ import annotations

import argparse
import filecmp
import os
import random
import re
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SAMPLE = ROOT / "tests" / "data" / "chongqing-yearbook-page.txt"
MT_SECONDS = 0.0


def sleeping_factory(name, **options):
    """The fake engine, each sentence costing ``MT_SECONDS`` (pickled by value for workers)."""
    import time as _time

    from translate.engines.fake import FakeEngine

    class SleepingEngine(FakeEngine):
        cost = options.pop("mt_seconds", 0.0)

        def translate_batch(self, sentences, **kw):
            if self.cost:
                _time.sleep(self.cost * len(sentences))
            return super().translate_batch(sentences, **kw)

    return SleepingEngine(model=options.get("model"), beam=options.get("beam", 4))


def sentences() -> list:
    from tests.tiny_marian import PAIRS

    text = SAMPLE.read_text(encoding="utf-8")
    zh = re.findall(r"[^。！？\n]*[\u4e00-\u9fff][^。！？\n]*[。！？]", text)
    out = [s.strip() for s in zh if 4 <= len(s.strip()) <= 120 and
           sum("\u4e00" <= c <= "\u9fff" for c in s) > len(s) / 2]
    out += [zh.replace("TERM0", "国际传播").replace("TERM1", "城市形象") for zh, _ in PAIRS]
    return out


def tiny_sentences() -> list:
    """The tiny model's memorised sentences with glossary terms in place of its placeholders."""
    from tests.tiny_marian import PAIRS

    terms = ["国际传播", "城市形象", "对外开放", "外国友人", "讲好重庆故事"]
    return sorted({zh.replace("TERM0", a).replace("TERM1", b)
                   for zh, _ in PAIRS for a in terms for b in terms if a != b})


def build_project(root: Path, files: int, rng: random.Random, only: list = None) -> int:
    import docx

    sys.path.insert(0, str(ROOT / "benchmarks"))
    from bench_tm import general_words, sentence, vocabulary

    pool = sentences()
    words, general = vocabulary(), general_words(rng, 50_000)

    def one() -> str:
        if only:
            return rng.choice(only)
        if rng.random() < 0.2:
            return rng.choice(pool)
        s = sentence(rng, words, general)
        pool.append(s)
        return s

    paragraphs = 0
    for n in range(files):
        paras = ["".join(one() for _ in range(rng.randint(1, 3)))
                 for _ in range(rng.randint(10, 40))]
        paragraphs += len(paras)
        folder = root / f"part{n % 7}" / f"chapter{n % 3}"
        folder.mkdir(parents=True, exist_ok=True)
        kind = rng.random()
        if kind < 0.5:
            (folder / f"doc{n:03d}.txt").write_text("\n\n".join(paras) + "\n", encoding="utf-8")
        elif kind < 0.7:
            (folder / f"doc{n:03d}.md").write_text(
                "# " + paras[0] + "\n\n" + "\n\n".join(paras[1:]) + "\n", encoding="utf-8")
        elif kind < 0.9:
            d = docx.Document()
            for p in paras:
                d.add_paragraph(p)
            d.save(str(folder / f"doc{n:03d}.docx"))
        else:
            units = "".join(f'<trans-unit id="{k}"><source>{p}</source></trans-unit>\n'
                            for k, p in enumerate(paras))
            (folder / f"doc{n:03d}.xlf").write_text(
                '<?xml version="1.0" encoding="UTF-8"?>\n<xliff version="1.2" xmlns="urn:oasis:names:'
                'tc:xliff:document:1.2"><file original="x" source-language="zh" datatype="plaintext">'
                f"<body>\n{units}</body></file></xliff>\n", encoding="utf-8")
    return paragraphs


def run(root: Path, out: Path, glossary, options, executor=None, force=False):
    from translate.project import collect_inputs, plan_outputs, translate_project

    jobs = plan_outputs(collect_inputs([root]), out, force=force)
    t0 = time.perf_counter()
    result = translate_project(jobs, glossary, options, cluster=executor)
    return time.perf_counter() - t0, result


def line(name: str, seconds: float, files: int, segments: int, extra: str = "") -> None:
    print(f"{name:<34} {seconds:>8.2f} s {files / seconds:>9.1f} files/s "
          f"{segments / seconds:>10.0f} segments/s  {extra}")


def same_outputs(a: Path, b: Path) -> bool:
    fa = sorted(p.relative_to(a) for p in a.rglob("*.*"))
    fb = sorted(p.relative_to(b) for p in b.rglob("*.*"))
    return fa == fb and all(filecmp.cmp(a / p, b / p, shallow=False) for p in fa)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--files", type=int, default=240)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--engine", choices=["fake", "tiny"], default="fake")
    ap.add_argument("--mt-ms", type=float, default=0.0,
                    help="with --engine fake: milliseconds each sentence costs (a sleep)")
    ap.add_argument("--chunk", type=int, default=1000, help="paragraphs per task")
    ap.add_argument("--quick", action="store_true", help="40 files")
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args()
    if args.quick:
        args.files = 40
    from termbase.glossary import load_glossary
    from translate.project import DaskExecutor, ProjectOptions

    work = Path(tempfile.mkdtemp(prefix="termtrans-bench-project-"))
    os.environ["TERMTRANS_CACHE"] = str(work / "cache-home")
    try:
        rng = random.Random(args.seed)
        paragraphs = build_project(work / "project", args.files, rng,
                                   tiny_sentences() if args.engine == "tiny" else None)
        glossary = load_glossary(ROOT / "glossary.csv")
        spec = {}
        if args.engine == "tiny":
            from tests.tiny_marian import build_tiny_marian

            t0 = time.perf_counter()
            model = str(build_tiny_marian(work / "tiny-model"))
            print(f"tiny model trained in {time.perf_counter() - t0:.1f} s")

            def options(cache):
                return ProjectOptions(engine="marian", model=model, beam=2, cache_path=cache,
                                      chunk_paragraphs=args.chunk,
                                      engine_options={"batch_size": 16})
        else:
            spec = {"mt_seconds": args.mt_ms / 1000.0}

            def options(cache):
                return ProjectOptions(engine="fake", cache_path=cache, chunk_paragraphs=args.chunk,
                                      engine_factory=sleeping_factory, engine_options=spec)
        print(f"project: {args.files} files, {paragraphs} paragraphs; engine {args.engine}"
              + (f" ({args.mt_ms:g} ms per sentence)" if args.engine == "fake" else "")
              + f"; {os.cpu_count()} CPU(s), load average {os.getloadavg()[0]:.2f}")
        t_local, local = run(work / "project", work / "out-local", glossary,
                             options(work / "local.sqlite3"))
        files = len(local.files)
        segments = local.segments
        mt = local.report["summary"]["cache"]["stored"]
        tasks = sum(max(1, -(-f["summary"]["paragraphs"] // args.chunk)) for f in local.report["files"])
        print(f"{segments} segments ({mt} distinct sentences for the engine), {tasks} tasks")
        line("one process", t_local, files, segments, "")
        t0 = time.perf_counter()
        with DaskExecutor(f"local:{args.workers}") as ex:
            t_start = time.perf_counter() - t0
            t_cluster, _ = run(work / "project", work / "out-cluster", glossary,
                               options(work / "cluster.sqlite3"), ex)
        line(f"LocalCluster({args.workers})", t_cluster, files, segments,
             f"{t_cluster / t_local:.2f}x the local time; "
             f"{(t_cluster - t_local) / tasks * 1000:+.1f} ms per task")
        print(f"{'':<34} (cluster start-up {t_start:.1f} s, not included)")
        print(f"outputs identical to the local run: {same_outputs(work / 'out-local', work / 'out-cluster')}")
        t_rerun, rerun = run(work / "project", work / "out-local", glossary,
                             options(work / "local.sqlite3"), force=True)
        line("rerun, cache hits only", t_rerun, files, segments,
             f"{t_local / t_rerun:.1f}x faster; engine built: {rerun.engine_built}; "
             f"cache hits {rerun.report['summary']['cache']['hits']}")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()

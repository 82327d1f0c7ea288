"""Translation speed on the real model's shape: transformers baseline, default engine, CTranslate2.

    python benchmarks/bench_translate.py            # full run (20-30 minutes on 2 cores)
    python benchmarks/bench_translate.py --quick    # smoke run with a shrunk model

What it does, in one run:

1. Builds a randomly initialised MarianMT model from the real Helsinki-NLP/opus-mt-zh-en
   ``config.json`` with the model's real tokenizer (``source.spm``, ``target.spm``, ``vocab.json``;
   ``--model-files``, default ``../shared/models/opus-mt-zh-en`` next to the repository; no
   download): 77.9M parameters, 65001-piece vocabulary, real token counts. ``--quick`` shrinks the
   layers, not the tokenizer.
2. Builds a workload of Chinese sentences with the length spread of a real document: the sample
   page's sentences and headings, plus sentences recombined from their clauses (all distinct), laid
   out as a document of paragraphs.
3. Runs each engine in its own subprocess (so peak RSS is that engine's alone), with 2 threads:
   ``baseline``: raw transformers ``generate`` over naive fixed-size batches in document order;
   ``marian``: termtrans's default engine through the full pipeline (segmentation, term protection,
   restoration, verification); ``ctranslate2``: termtrans's CTranslate2 engine through the same
   pipeline — at beam 4 and greedy.
   A random model never stops by itself and never copies placeholders, so every sentence is given
   the same number of decoding steps in every engine, ``N = 8·ceil(source tokens / 8)`` (end of
   sentence suppressed before, forced after), and the pipeline runs see each source placeholder
   copied to the end of the raw output (what a trained model does; no text is decoded for it).
   A batch runs until its longest sentence is done, in every engine: transformers keeps finished
   rows in the batch; CTranslate2 takes one length per call, so all sentences of a batch decode to
   the longest N, and only each sentence's own N is credited. The engine's length buckets keep that
   padding small; the run prints decoded against credited tokens.
   transformers' tokens are counted from what the decoder returned.
4. Prints tokens/s, CPU time, peak RSS, the kernel's share of CPU time, minor page faults and
   pipeline overhead (time outside ``engine.translate_batch``) per run, then the ratios to the
   baseline by wall clock and by CPU time.
5. Runs the CTranslate2 engine, unforced, on a copy of the model that never ends a sentence (a
   -10⁴ bias on ``</s>``): it must stop at the model's positions, report every sentence as
   truncated, split an over-long input and force a phrase within the budget, without crashing.
6. Prints the issue's floors, met or not.
"""
from __future__ import annotations

import argparse
import json
import math
import os
import random
import re
import resource
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path
from types import SimpleNamespace
from typing import Dict, List, Optional, Sequence, Tuple

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

SAMPLE = ROOT / "tests" / "data" / "chongqing-yearbook-page.txt"
GLOSSARY = ROOT / "glossary.csv"
MODEL_FILES_CANDIDATES = (ROOT.parent / "shared" / "models" / "opus-mt-zh-en",
                          Path("/work/shared/models/opus-mt-zh-en"))
#: model shape for --quick (the real vocabulary and tokenizer are kept)
QUICK_SHAPE = dict(d_model=32, encoder_layers=1, decoder_layers=1, encoder_attention_heads=2,
                   decoder_attention_heads=2, encoder_ffn_dim=64, decoder_ffn_dim=64)
ENGINES = ("baseline", "marian", "ctranslate2")

_CJK = re.compile(r"[\u3400-\u9fff]")
_SENTENCE_END = re.compile(r"(?<=[。！？；])")
#: a stretch of English (three or more Latin words) in the PDF-extracted page
_ENGLISH_RUN = re.compile(r"[0-9 ]*[A-Za-z][A-Za-z0-9'’\-]*(?:[ ,.:;]+[A-Za-z0-9'’\-]+){2,}[ ,.]*")


# -- workload ------------------------------------------------------------------------------------
def forced_length(source_tokens: int) -> int:
    """Decoding steps every engine takes for a sentence of ``source_tokens`` (``</s>`` included)."""
    return max(8, 8 * math.ceil(source_tokens / 8))


def _cjk_share(text: str) -> float:
    return len(_CJK.findall(text)) / max(len(text), 1)


def sample_sentences(text: str) -> Tuple[List[str], List[str]]:
    """Chinese sentences and headings of the PDF-extracted sample page (English runs removed)."""
    chinese = _ENGLISH_RUN.sub("\n", text)
    sentences: List[str] = []
    headings: List[str] = []
    for piece in chinese.splitlines():
        parts = [p.strip(" ,") for p in _SENTENCE_END.split(piece)]
        for part in parts:
            if not part or _cjk_share(part) < 0.6:
                continue
            if part.endswith(("。", "！", "？", "；")):
                if len(part) >= 6:
                    sentences.append(part)
            elif 4 <= len(part) <= 30:
                headings.append(part)
    return list(dict.fromkeys(sentences)), list(dict.fromkeys(headings))


def build_workload(count: int, seed: int = 0) -> Tuple[List[str], str]:
    """``count`` distinct segments with the sample page's length spread, and the document text.

    Returns the segments in document order and the document (paragraphs separated by blank lines;
    headings are paragraphs of their own).
    """
    sentences, headings = sample_sentences(SAMPLE.read_text(encoding="utf-8"))
    rng = random.Random(seed)
    clauses = [c for s in sentences for c in re.split(r"[，,]", s.rstrip("。！？；")) if len(c) >= 3]
    lengths = [len(s) for s in sentences]
    pool = list(dict.fromkeys(sentences))
    seen = set(pool) | set(headings)
    while len(pool) < count:
        target = rng.choice(lengths) * rng.uniform(0.4, 1.2)
        parts: List[str] = []
        for clause in rng.sample(clauses, len(clauses)):
            if parts and sum(len(p) + 1 for p in parts) + len(clause) > target:
                break
            parts.append(clause)
        sentence = "，".join(parts) + "。"
        if sentence not in seen and len(sentence) <= 160:
            seen.add(sentence)
            pool.append(sentence)
    rng.shuffle(pool)
    pool = pool[:count]
    headings = headings[: max(1, count // 12)]
    segments: List[str] = []
    paragraphs: List[str] = []
    i = 0
    while i < len(pool):
        if headings and rng.random() < 0.25:
            heading = headings.pop(0)
            segments.append(heading)
            paragraphs.append(heading)
        size = rng.randint(1, 5)
        segments.extend(pool[i:i + size])
        paragraphs.append("".join(pool[i:i + size]))
        i += size
    return segments, "\n\n".join(paragraphs) + "\n"


# -- model ---------------------------------------------------------------------------------------
#: the real tokenizer's files (and config) copied beside the random weights
TOKENIZER_FILES = ("source.spm", "target.spm", "vocab.json", "tokenizer_config.json")
#: generation settings in the hub config that the model config no longer takes
_GENERATION_KEYS = ("bad_words_ids", "num_beams", "max_length", "architectures", "transformers_version")


def find_model_files(option: Optional[str]) -> Path:
    """The real opus-mt-zh-en tokenizer and config: ``--model-files`` or ``../shared/models/``."""
    for candidate in ([Path(option)] if option else list(MODEL_FILES_CANDIDATES)):
        if all((candidate / name).is_file() for name in ("config.json",) + TOKENIZER_FILES[:3]):
            return candidate
    where = option or " or ".join(str(c) for c in MODEL_FILES_CANDIDATES)
    raise SystemExit(f"opus-mt-zh-en tokenizer files not found at {where}; pass --model-files DIR "
                     f"(config.json, source.spm, target.spm, vocab.json)")


def build_model(files: Path, directory: Path, *, quick: bool, seed: int = 0,
                never_ends: bool = False) -> Path:
    """Save a randomly initialised MarianMT model of the real config with the real tokenizer.

    ``never_ends``: the end-of-sentence logit gets a bias of -10⁴, so the model never ends a
    sentence by itself (the runaway case the engines must survive).
    """
    import shutil

    import torch
    from transformers import GenerationConfig, MarianConfig, MarianMTModel

    directory.mkdir(parents=True, exist_ok=True)
    config_dict = json.loads((files / "config.json").read_text(encoding="utf-8"))
    for key in _GENERATION_KEYS:
        config_dict.pop(key, None)
    if quick:
        config_dict.update(QUICK_SHAPE)
    pad_id, eos_id = int(config_dict["pad_token_id"]), int(config_dict["eos_token_id"])
    torch.manual_seed(seed)
    model = MarianMTModel(MarianConfig(**config_dict)).eval()
    with torch.no_grad():  # CTranslate2 starts decoding from a zero embedding: keep <pad> at zero
        model.get_input_embeddings().weight[pad_id].zero_()
        if never_ends:
            model.final_logits_bias[0, eos_id] = -1e4
    model.generation_config = GenerationConfig(
        decoder_start_token_id=pad_id, eos_token_id=eos_id, pad_token_id=pad_id,
        forced_eos_token_id=eos_id, bad_words_ids=[[pad_id]], num_beams=4, max_length=None,
        max_new_tokens=256)
    model.save_pretrained(directory)
    for name in TOKENIZER_FILES:
        if (files / name).is_file():
            shutil.copyfile(files / name, directory / name)
    return directory


# -- forced lengths for transformers -------------------------------------------------------------
def exact_length_processor(source_lengths: Sequence[int], num_beams: int, eos_id: int):
    """A LogitsProcessor that makes row ``i`` end after exactly ``forced_length(len_i)`` steps."""
    import torch
    from transformers import LogitsProcessor

    steps = torch.tensor([forced_length(n) for n in source_lengths]).repeat_interleave(num_beams)

    class ExactLength(LogitsProcessor):
        def __call__(self, input_ids, scores):
            step = input_ids.shape[1] - 1  # tokens generated so far (the start token excluded)
            rows = steps.to(scores.device)
            early = step < rows - 1
            scores[early, eos_id] = -math.inf
            final = step >= rows - 1
            if final.any():
                scores[final] = -math.inf
                scores[final, eos_id] = 0.0
            return scores

    return ExactLength()


def _generated_tokens(sequences, eos_id: int, pad_id: int) -> int:
    """Decoding steps in ``sequences`` (start token excluded, first end-of-sentence included)."""
    total = 0
    for row in sequences.tolist():
        body = row[1:]
        total += body.index(eos_id) + 1 if eos_id in body else sum(1 for t in body if t != pad_id)
    return total


# -- workers (each in its own process) -----------------------------------------------------------
def _peak_rss_mb() -> float:
    """This process's peak resident memory. ``VmHWM`` belongs to the process image alone, whereas
    ``ru_maxrss`` of a spawned child starts from the parent's peak (vfork + exec on Linux)."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024.0
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def run_baseline(model_dir: str, segments: List[str], beam: int, batch_size: int) -> Dict[str, float]:
    """Raw transformers ``generate`` over fixed-size batches in document order."""
    import torch
    from transformers import LogitsProcessorList, MarianMTModel, MarianTokenizer

    tokenizer = MarianTokenizer.from_pretrained(model_dir)
    model = MarianMTModel.from_pretrained(model_dir).eval()
    eos, pad = model.config.eos_token_id, model.config.pad_token_id
    tokens = 0
    before = resource.getrusage(resource.RUSAGE_SELF)
    start = time.perf_counter()
    with torch.inference_mode():
        for i in range(0, len(segments), batch_size):
            enc = tokenizer(segments[i:i + batch_size], return_tensors="pt", padding=True)
            lengths = enc["attention_mask"].sum(dim=1).tolist()
            out = model.generate(**enc, num_beams=beam, do_sample=False, max_length=None,
                                 max_new_tokens=max(forced_length(n) for n in lengths) + 1,
                                 logits_processor=LogitsProcessorList(
                                     [exact_length_processor(lengths, beam, eos)]))
            tokens += _generated_tokens(out, eos, pad)
    seconds = time.perf_counter() - start
    figures = {"tokens": tokens, "seconds": seconds, "engine_seconds": seconds, "segments": len(segments)}
    figures.update(_usage(before))
    return figures


class _Meter:
    """Wraps ``engine.translate_batch``: times it, forces lengths, copies placeholders, counts tokens."""

    def __init__(self, engine, engine_name: str):
        self.engine = engine
        self.seconds = 0.0
        self.tokens = 0    # forced output tokens of the sentences decoded (what is credited)
        self.decoded = 0   # tokens the decoder produced, when it produced more (ctranslate2)
        self.calls: List[Tuple[int, int, bool]] = []  # (sentences, hypotheses, constrained)
        self._inner = engine.translate_batch
        self._placeholder = _placeholder_pattern()
        engine.translate_batch = self.translate_batch
        if engine_name == "marian":
            self._force_marian()
        else:
            self._force_ct2()

    def _force_marian(self) -> None:
        engine = self.engine
        generate = engine.net.generate
        eos, pad = engine.net.config.eos_token_id, engine.net.config.pad_token_id

        def forced_generate(**kwargs):
            from transformers import LogitsProcessorList

            lengths = kwargs["attention_mask"].sum(dim=1).tolist()
            beams = kwargs.get("num_beams", 1)
            processors = LogitsProcessorList(list(kwargs.get("logits_processor") or []))
            processors.append(exact_length_processor(lengths, beams, eos))
            kwargs.update(logits_processor=processors, max_length=None,
                          max_new_tokens=max(forced_length(n) for n in lengths) + 1)
            out = generate(**kwargs)
            sequences = out.sequences if hasattr(out, "sequences") else out
            produced = _generated_tokens(sequences[:: kwargs.get("num_return_sequences", 1)], eos, pad)
            self.tokens += produced
            self.decoded += produced
            return out

        engine.net.generate = forced_generate

    def _force_ct2(self) -> None:
        translator = self.engine.translator

        class Forced:
            """CTranslate2 takes one length per call: the batch decodes to its longest forced
            length (as transformers does for a batch); only each sentence's own length counts."""

            def translate_batch(inner_self, source, **kwargs):
                steps = [forced_length(len(tokens)) for tokens in source]
                kwargs.update(min_decoding_length=max(steps), max_decoding_length=max(steps))
                results = translator.translate_batch(source, **kwargs)
                self.tokens += sum(steps)
                self.decoded += sum(len(r.hypotheses[0]) for r in results)
                if kwargs.get("return_end_token"):  # the forced length ends the sentence
                    results = [SimpleNamespace(
                        hypotheses=[list(h) if h and h[-1] == "</s>" else list(h) + ["</s>"]
                                    for h in r.hypotheses], scores=list(r.scores)) for r in results]
                return results

            def __getattr__(inner_self, name):
                return getattr(translator, name)

        self.engine.translator = Forced()

    def translate_batch(self, sentences, **kwargs):
        start = time.perf_counter()
        results = self._inner(sentences, **kwargs)
        self.seconds += time.perf_counter() - start
        self.calls.append((len(sentences), kwargs.get("num_hypotheses", 1),
                           bool(kwargs.get("constraints"))))
        # a trained model copies placeholders; a random one cannot: append them to the raw output
        results = [[replace(h, text=h.text + "".join(f" {p}" for p in self._placeholder.findall(source)
                                                      if p not in h.text)) for h in hyps]
                   for source, hyps in zip(sentences, results)]
        return results


def _placeholder_pattern():
    from translate.enforce import PLACEHOLDER_FORMAT  # the enforcement wrapper's placeholders

    return re.compile(re.escape(PLACEHOLDER_FORMAT).replace(r"\{\}", r"\d+"))


def run_pipeline(engine_name: str, model_dir: str, document: str, beam: int, batch_size: int,
                 threads: int) -> Dict[str, float]:
    """termtrans's engine ``engine_name`` through the full translate pipeline on ``document``."""
    from termbase.glossary import load_glossary
    from translate.engines import get_engine

    options = dict(model=model_dir, device="cpu", beam=beam)  # the engine's default batching
    if engine_name == "ctranslate2":
        options.update(threads=threads)
    build = time.perf_counter()
    engine = get_engine(engine_name, **options)
    build = time.perf_counter() - build
    heavy = sorted(m for m in ("torch", "transformers") if m in sys.modules)
    glossary = load_glossary(GLOSSARY)
    setup = time.perf_counter()  # one-time loads (jieba dictionary, glossary matchers), like the model's
    from translate.engines.fake import FakeEngine
    from translate.translator import Translator

    Translator(FakeEngine(), glossary).translate_paragraphs(["以学习宣传贯彻党的二十大精神为重点。"])
    setup = time.perf_counter() - setup
    meter = _Meter(engine, engine_name)
    before = resource.getrusage(resource.RUSAGE_SELF)
    start = time.perf_counter()
    segments, report = _translate_document(document, engine, glossary)
    seconds = time.perf_counter() - start
    figures = {"tokens": meter.tokens, "seconds": seconds, "engine_seconds": meter.seconds,
               "segments": segments, "terms": report, "calls": meter.calls, "decoded": meter.decoded,
               "setup_seconds": setup, "build_seconds": build, "imported": heavy}
    figures.update(_usage(before))
    if hasattr(engine, "stats"):
        figures["engine_stats"] = engine.stats()
    return figures


def _usage(before) -> Dict[str, float]:
    """CPU time in user space and in the kernel, and minor page faults, since ``before``."""
    after = resource.getrusage(resource.RUSAGE_SELF)
    return {"user_seconds": after.ru_utime - before.ru_utime,
            "system_seconds": after.ru_stime - before.ru_stime,
            "minor_faults": after.ru_minflt - before.ru_minflt}


def never_ending_sentences(segments: Sequence[str], tokenizer) -> List[str]:
    """A heading, a median sentence, one of about 240 source tokens and one over 512 (split)."""
    by_length = sorted(segments, key=lambda s: len(tokenizer.source_tokens(s)))
    long, longer = "", ""
    for sentence in segments:
        if len(tokenizer.source_tokens(long + sentence)) <= 240:
            long += sentence
        if len(tokenizer.source_tokens(longer)) < 560:
            longer += sentence
    return [by_length[0], by_length[len(by_length) // 2], long, longer]


def run_never_ending(model_dir: str, segments: List[str], beam: int, threads: int) -> Dict[str, object]:
    """The CTranslate2 engine, unforced, on a model that never ends a sentence: it must stop at
    the positions, report every sentence as truncated, and force a phrase within the budget."""
    from translate.engines import get_engine

    engine = get_engine("ctranslate2", model=model_dir, device="cpu", beam=beam, threads=threads)
    sentences = never_ending_sentences(segments, engine.tokenizer)
    lengths = [len(engine.source_tokens(s)) for s in sentences]
    outputs: List[int] = []
    real = engine.translator

    class Spy:
        def translate_batch(self, source, **kwargs):
            results = real.translate_batch(source, **kwargs)
            outputs.extend(len(r.hypotheses[0]) for r in results)
            return results

        def __getattr__(self, name):
            return getattr(real, name)

    engine.translator = Spy()
    start = time.perf_counter()
    hyps = engine.translate_batch(sentences)
    forced = engine.translate_batch([sentences[1]], constraints=[["Communist Party of China"]])
    seconds = time.perf_counter() - start
    return {"sentences": len(sentences), "source_tokens": lengths,
            "truncated": sum(h[0].truncated for h in hyps), "forced_truncated": forced[0][0].truncated,
            "phrase_kept": "Communist Party of China".casefold() in forced[0][0].text.casefold(),
            "longest_output": max(outputs), "positions": engine.max_positions,
            "stats": engine.stats(), "seconds": seconds}


def _translate_document(document: str, engine, glossary) -> Tuple[int, int]:
    """Run the project's translate pipeline; returns (segments translated, terms handled)."""
    from translate.translator import Translator

    paragraphs = document.split("\n\n")
    results = Translator(engine, glossary).translate_paragraphs(paragraphs)
    if len(results) != len(paragraphs):
        raise SystemExit(f"pipeline returned {len(results)} paragraphs for {len(paragraphs)}")
    segments = [s for r in results for s in r.segments]
    failed = sum(len(s.failed) for s in segments)
    if failed:
        raise SystemExit(f"{failed} terms failed: the measured run would include recovery decoding")
    return len(segments), sum(len(s.terms) for s in segments)


def worker(spec: Dict[str, object]) -> Dict[str, object]:
    """Run one measurement described by ``spec`` in this process and return its figures."""
    threads = int(spec["threads"])
    if spec["engine"] != "ctranslate2":  # torch is not loaded by the ctranslate2 engine
        import torch

        torch.set_num_threads(threads)
    beam, batch_size = int(spec["beam"]), int(spec["batch_size"])
    if spec["engine"] == "never-ending":
        return run_never_ending(str(spec["model_dir"]), list(spec["segments"]), beam, threads)
    if spec["engine"] == "baseline":
        figures = run_baseline(str(spec["model_dir"]), list(spec["segments"]), beam, batch_size)
    else:
        figures = run_pipeline(str(spec["engine"]), str(spec["model_dir"]), str(spec["document"]),
                               beam, batch_size, threads)
    figures["peak_rss_mb"] = _peak_rss_mb()
    return figures


# -- driver --------------------------------------------------------------------------------------
def run_in_subprocess(spec: Dict[str, object], env: Dict[str, str]) -> Dict[str, object]:
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False, encoding="utf-8") as handle:
        json.dump(spec, handle, ensure_ascii=False)
    try:
        proc = subprocess.run([sys.executable, str(Path(__file__).resolve()), "--worker", handle.name],
                              env=env, capture_output=True, text=True)
    finally:
        os.unlink(handle.name)
    if proc.returncode != 0:
        raise SystemExit(f"{spec['engine']} (beam {spec['beam']}) failed:\n{proc.stderr[-4000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


LABELS = {"baseline": "transformers generate (naive)", "marian": "termtrans marian + pipeline",
          "ctranslate2": "termtrans ctranslate2 + pipeline"}
#: the floors of the benchmark (issue 15): ratio to transformers at beam 4, padding share
FLOOR_CT2_BEAM4 = 7.0
FLOOR_PADDING = 0.10


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--model-files", help="opus-mt-zh-en config.json and tokenizer "
                                              "(default ../shared/models/opus-mt-zh-en)")
    parser.add_argument("--quick", action="store_true", help="smoke run: shrunk model, few sentences")
    parser.add_argument("--sentences", type=int, help="workload size (default 240; 12 with --quick)")
    parser.add_argument("--beams", default="4,1", help="beam sizes to run (default 4,1)")
    parser.add_argument("--engines", default=",".join(ENGINES), help="engines to run")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--batch-size", type=int, default=16,
                        help="the baseline's fixed batch size (termtrans engines use their defaults)")
    parser.add_argument("--no-never-ending", action="store_true",
                        help="skip the check on a model that never ends a sentence")
    parser.add_argument("--workdir", help="where to build the model (default: a temporary directory)")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        spec = json.loads(Path(args.worker).read_text(encoding="utf-8"))
        print(json.dumps(worker(spec)))
        return 0

    files = find_model_files(args.model_files)
    count = args.sentences or (12 if args.quick else 240)
    beams = [int(b) for b in args.beams.split(",") if b.strip()]
    engines = [e for e in args.engines.split(",") if e.strip()]
    segments, document = build_workload(count)
    workdir = Path(args.workdir) if args.workdir else Path(tempfile.mkdtemp(prefix="bench-translate-"))
    env = dict(os.environ, TERMTRANS_CACHE=str(workdir / "cache"), HF_HUB_OFFLINE="1",
               TOKENIZERS_PARALLELISM="false", OMP_NUM_THREADS=str(args.threads),
               PYTHONPATH=os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]))
    os.environ["TERMTRANS_CACHE"] = env["TERMTRANS_CACHE"]

    t0 = time.perf_counter()
    model_dir = build_model(files, workdir / "model", quick=args.quick)
    never_dir = None
    if "ctranslate2" in engines and not args.no_never_ending:
        never_dir = build_model(files, workdir / "never-ending", quick=args.quick, never_ends=True)
    if "ctranslate2" in engines:
        from translate.engines.ct2 import converted_model_dir

        for directory in filter(None, (model_dir, never_dir)):
            converted_model_dir(str(directory), "int8")  # once, outside the measured runs
    from translate.engines.spm_tokenizer import MarianSpmTokenizer

    tokenizer = MarianSpmTokenizer(model_dir)
    lengths = tokenizer.count_tokens(segments)
    chars = [len(s) for s in segments]
    print(f"model: random MarianMT, config and tokenizer of {files}"
          f"{' (--quick: shape shrunk)' if args.quick else ''}, built in {time.perf_counter() - t0:.0f}s")
    print(f"workload: {len(segments)} distinct segments, {sum(chars)} characters "
          f"(min/median/max {min(chars)}/{sorted(chars)[len(chars) // 2]}/{max(chars)} chars, "
          f"{min(lengths)}-{max(lengths)} source tokens), "
          f"{sum(forced_length(n) for n in lengths)} output tokens forced")
    print(f"threads: {args.threads}; baseline: batches of {args.batch_size} in document order; termtrans "
          f"engines: their default length-bucketed batches; ctranslate2 int8, transformers fp32")
    print()
    header = f"{'engine':<34}{'beam':>5}{'tokens':>8}{'seconds':>9}{'tokens/s':>10}{'CPU s':>8}" \
             f"{'peak RSS MB':>13}{'sys %':>7}{'minflt k':>10}{'pipeline %':>12}{'load':>6}"
    print(header)
    print("-" * len(header))
    results: Dict[Tuple[str, int], Dict[str, object]] = {}
    for beam in beams:
        for engine in engines:
            spec = dict(engine=engine, beam=beam, threads=args.threads, batch_size=args.batch_size,
                        model_dir=str(model_dir), segments=segments, document=document)
            figures = run_in_subprocess(spec, env)
            load = os.getloadavg()[0]  # other work on the machine skews wall-clock figures
            results[(engine, beam)] = figures
            rate = figures["tokens"] / figures["seconds"]
            cpu = figures["user_seconds"] + figures["system_seconds"]
            system = 100 * figures["system_seconds"] / cpu if cpu else 0.0
            overhead = "" if engine == "baseline" else \
                f"{100 * (figures['seconds'] - figures['engine_seconds']) / figures['engine_seconds']:.1f}"
            print(f"{LABELS[engine]:<34}{beam:>5}{figures['tokens']:>8}{figures['seconds']:>9.1f}{rate:>10.1f}"
                  f"{cpu:>8.1f}{figures['peak_rss_mb']:>13.0f}{system:>7.1f}"
                  f"{figures['minor_faults'] / 1000:>10.0f}"
                  f"{overhead:>12}{load:>6.1f}", flush=True)
    print()
    print("pipeline % = time outside engine.translate_batch (segmentation, term protection,")
    print("restoration, verification) as a share of engine time; floor: <= 5%")
    print("CPU s = user + kernel CPU time of the run; sys % = the kernel's share of it; "
          "minflt = minor page faults")
    print("load = 1-minute load average after the run (2 cores: above ~2.5 means other work competed)")
    setups = [f["setup_seconds"] for f in results.values() if "setup_seconds" in f]
    if setups:
        print(f"not counted, like model loading: the pipeline's one-time set-up (jieba dictionary, "
              f"glossary matchers), {min(setups):.1f}-{max(setups):.1f}s per process")
    for (engine, beam), figures in results.items():
        if engine == "ctranslate2":
            print(f"ctranslate2 engine build {figures['build_seconds']:.2f}s, modules loaded: "
                  f"{', '.join(figures['imported']) or 'neither torch nor transformers'}")
            break
    floors: List[Tuple[str, bool]] = []
    for (engine, beam), figures in results.items():
        if engine != "ctranslate2":
            continue
        decoded, credited = figures["decoded"], figures["tokens"]
        padding = 1 - credited / decoded if decoded else 0.0
        stats = figures.get("engine_stats") or {}
        source_padding = 1 - stats.get("source_tokens", 0) / max(stats.get("padded_source_tokens", 0), 1)
        print(f"ctranslate2 beam {beam}: decoded {decoded} tokens, credited {credited}: padding "
              f"{100 * padding:.1f}% of decoded tokens (source padding {100 * source_padding:.1f}%, "
              f"{stats.get('batches', '?')} batches)")
        floors.append((f"padding < {100 * FLOOR_PADDING:.0f}% at beam {beam}", padding < FLOOR_PADDING))
    print("ratios to the baseline: tokens/s (wall clock), and in brackets tokens per CPU-second "
          "(less sensitive to other work on the machine)")
    for beam in beams:
        base = results.get(("baseline", beam))
        if not base:
            continue
        base_rate = base["tokens"] / base["seconds"]
        base_cpu = base["tokens"] / (base["user_seconds"] + base["system_seconds"])
        parts = []
        for engine in engines:
            if engine == "baseline" or (engine, beam) not in results:
                continue
            run = results[(engine, beam)]
            ratio = run["tokens"] / run["seconds"] / base_rate
            cpu_ratio = run["tokens"] / (run["user_seconds"] + run["system_seconds"]) / base_cpu
            parts.append(f"{engine} {ratio:.2f}x ({cpu_ratio:.2f}x)")
            if engine == "ctranslate2" and beam == 4:
                floors.append((f"ctranslate2 >= {FLOOR_CT2_BEAM4:g}x transformers fp32 at beam 4 "
                               f"(wall clock)", ratio >= FLOOR_CT2_BEAM4))
        print(f"  beam {beam}: " + ", ".join(parts))
    if never_dir is not None:
        spec = dict(engine="never-ending", beam=4, threads=args.threads, batch_size=args.batch_size,
                    model_dir=str(never_dir), segments=segments, document="")
        check = run_in_subprocess(spec, env)
        ok = (check["truncated"] == check["sentences"] and check["longest_output"] <= check["positions"]
              and check["phrase_kept"])
        print(f"model that never ends a sentence (ctranslate2, beam 4): {check['sentences']} sentences of "
              f"{'/'.join(map(str, check['source_tokens']))} source tokens ({check['stats']['split']} "
              f"split in parts), {check['truncated']} reported truncated, longest decode "
              f"{check['longest_output']} tokens of {check['positions']} positions, forced phrase "
              f"{'kept' if check['phrase_kept'] else 'LOST'}; {check['seconds']:.0f}s, no crash")
        floors.append(("no crash on a model that never emits </s>", ok))
    for name, met in floors:
        print(f"floor: {name}: {'met' if met else 'NOT MET'}")
    print(f"total wall time {time.perf_counter() - t0:.0f}s")
    return 0


if __name__ == "__main__":
    sys.exit(main())

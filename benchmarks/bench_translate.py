"""Translation speed on the real model's shape: transformers baseline, default engine, CTranslate2.

    python benchmarks/bench_translate.py            # full run (several minutes on 2 cores)
    python benchmarks/bench_translate.py --quick    # smoke run with a tiny model

What it does, in one run:

1. Builds a randomly initialised MarianMT model with the architecture of Helsinki-NLP/opus-mt-zh-en
   (``--config``, default ``../shared/models/opus-mt-zh-en.config.json`` next to the repository;
   no download). Tokenizers are sentencepiece models trained on local text (the sample yearbook page,
   the bundled glossary and the workload); their pieces are mapped into the model's 65001-id vocabulary.
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
   the longest N, and only each sentence's own N is credited (a lower bound on its speed).
   transformers' tokens are counted from what the decoder returned.
4. Prints tokens/s, peak RSS and pipeline overhead (time outside ``engine.translate_batch``) per
   run, then the ratios to the baseline.
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
from pathlib import Path
from typing import Dict, List, Optional, Sequence, Tuple

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

SAMPLE = ROOT / "tests" / "data" / "chongqing-yearbook-page.txt"
GLOSSARY = ROOT / "glossary.csv"
CONFIG_CANDIDATES = (ROOT.parent / "shared" / "models" / "opus-mt-zh-en.config.json",
                     Path("/work/shared/models/opus-mt-zh-en.config.json"))
#: model shape for --quick (and a vocabulary of only the sentencepiece pieces)
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
def _train_spm(lines: Sequence[str], path: Path, vocab_size: int, max_piece: int = 16) -> None:
    import io

    import sentencepiece as spm

    buffer = io.BytesIO()
    spm.SentencePieceTrainer.train(
        sentence_iterator=iter(lines), model_writer=buffer, vocab_size=vocab_size,
        character_coverage=1.0, hard_vocab_limit=False, model_type="unigram", unk_id=1, eos_id=0,
        bos_id=-1, pad_id=-1, minloglevel=2, num_threads=2,
        max_sentencepiece_length=max_piece)
    path.write_bytes(buffer.getvalue())


def _english_lines() -> List[str]:
    text = SAMPLE.read_text(encoding="utf-8")
    english = [s.strip() for s in re.split(r"[\u3400-\u9fff。，、；：“”（）]+", text)
               if len(re.findall(r"[A-Za-z]", s)) > 20]
    import csv

    with GLOSSARY.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            english.extend(v for v in (row.get("en") or "").split("|") if v)
    return english


def _chinese_lines(segments: Sequence[str]) -> List[str]:
    import csv

    lines = list(segments)
    with GLOSSARY.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            lines.extend(v for v in (row.get("zh") or "").split("|") if v)
    return lines


def build_model(config_path: Path, directory: Path, segments: Sequence[str], *, quick: bool,
                seed: int = 0) -> Path:
    """Save a randomly initialised MarianMT model of ``config_path``'s shape into ``directory``."""
    import torch
    from transformers import GenerationConfig, MarianConfig, MarianMTModel, MarianTokenizer

    import sentencepiece as spm

    directory.mkdir(parents=True, exist_ok=True)
    config_dict = json.loads(config_path.read_text(encoding="utf-8"))
    if quick:
        config_dict.update(QUICK_SHAPE)
    vocab_size = int(config_dict["vocab_size"])
    pad_id = int(config_dict["pad_token_id"])
    _train_spm(_chinese_lines(segments), directory / "source.spm", 6000, max_piece=2)
    _train_spm(_english_lines() * 3, directory / "target.spm", 3000)
    vocab: Dict[str, int] = {"</s>": 0, "<unk>": 1}
    for name in ("source.spm", "target.spm"):
        sp = spm.SentencePieceProcessor(model_file=str(directory / name))
        for i in range(sp.get_piece_size()):
            piece = sp.id_to_piece(i)
            if piece not in vocab and piece not in ("<s>", "<pad>"):
                vocab[piece] = len(vocab)
    if quick:  # no unused ids: a small softmax keeps the smoke run short
        pad_id = len(vocab)
        vocab_size = pad_id + 1
        config_dict.update(vocab_size=vocab_size, decoder_vocab_size=vocab_size, pad_token_id=pad_id,
                           decoder_start_token_id=pad_id)
    if len(vocab) > pad_id:
        raise SystemExit(f"sentencepiece vocabularies ({len(vocab)}) do not fit the model's {pad_id} ids")
    filler = 0
    while len(vocab) < pad_id:  # unused ids keep the real embedding and softmax size
        vocab[f"<unused{filler}>"] = len(vocab)
        filler += 1
    vocab["<pad>"] = pad_id
    assert len(vocab) == vocab_size
    (directory / "vocab.json").write_text(json.dumps(vocab, ensure_ascii=False), encoding="utf-8")
    tokenizer = MarianTokenizer(source_spm=str(directory / "source.spm"),
                                target_spm=str(directory / "target.spm"),
                                vocab=str(directory / "vocab.json"), source_lang="zh", target_lang="en")
    tokenizer.save_pretrained(directory)

    torch.manual_seed(seed)
    config = MarianConfig(**{k: v for k, v in config_dict.items()
                             if k not in ("architectures", "transformers_version")})
    model = MarianMTModel(config).eval()
    with torch.no_grad():  # CTranslate2 starts decoding from a zero embedding: keep <pad> at zero
        model.get_input_embeddings().weight[pad_id].zero_()
    model.generation_config = GenerationConfig(
        decoder_start_token_id=pad_id, eos_token_id=0, pad_token_id=pad_id, forced_eos_token_id=0,
        bad_words_ids=[[pad_id]], num_beams=4, max_length=None, max_new_tokens=256)
    model.save_pretrained(directory)
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
    return {"tokens": tokens, "seconds": seconds, "engine_seconds": seconds, "segments": len(segments)}


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
        results = [[type(h)(h.text + "".join(f" {p}" for p in self._placeholder.findall(source)
                                                  if p not in h.text), h.score) for h in hyps]
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
        options.update(intra_threads=threads)
    engine = get_engine(engine_name, **options)
    glossary = load_glossary(GLOSSARY)
    setup = time.perf_counter()  # one-time loads (jieba dictionary, glossary matchers), like the model's
    from translate.engines.fake import FakeEngine
    from translate.translator import Translator

    Translator(FakeEngine(), glossary).translate_paragraphs(["以学习宣传贯彻党的二十大精神为重点。"])
    setup = time.perf_counter() - setup
    meter = _Meter(engine, engine_name)
    start = time.perf_counter()
    segments, report = _translate_document(document, engine, glossary)
    seconds = time.perf_counter() - start
    return {"tokens": meter.tokens, "seconds": seconds, "engine_seconds": meter.seconds,
            "segments": segments, "terms": report, "calls": meter.calls, "decoded": meter.decoded,
            "setup_seconds": setup}


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
    if spec["engine"] == "baseline":
        figures = run_baseline(str(spec["model_dir"]), list(spec["segments"]), beam, batch_size)
    else:
        figures = run_pipeline(str(spec["engine"]), str(spec["model_dir"]), str(spec["document"]),
                               beam, batch_size, threads)
    figures["peak_rss_mb"] = _peak_rss_mb()
    return figures


# -- driver --------------------------------------------------------------------------------------
def find_config(option: Optional[str]) -> Path:
    """The opus-mt-zh-en config: ``--config`` or ``../shared/models/`` beside the repository."""
    for candidate in ([Path(option)] if option else list(CONFIG_CANDIDATES)):
        if candidate.is_file():
            return candidate
    where = option or " or ".join(str(c) for c in CONFIG_CANDIDATES)
    raise SystemExit(f"model config not found at {where}; pass --config PATH/opus-mt-zh-en.config.json")


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


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--config", help="opus-mt-zh-en config.json (default ../shared/models/)")
    parser.add_argument("--quick", action="store_true", help="smoke run: tiny model, few sentences")
    parser.add_argument("--sentences", type=int, help="workload size (default 240; 12 with --quick)")
    parser.add_argument("--beams", default="4,1", help="beam sizes to run (default 4,1)")
    parser.add_argument("--engines", default=",".join(ENGINES), help="engines to run")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--batch-size", type=int, default=16,
                        help="the baseline's fixed batch size (termtrans engines use their defaults)")
    parser.add_argument("--workdir", help="where to build the model (default: a temporary directory)")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        spec = json.loads(Path(args.worker).read_text(encoding="utf-8"))
        print(json.dumps(worker(spec)))
        return 0

    config = find_config(args.config)
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
    model_dir = build_model(config, workdir / "model", segments, quick=args.quick)
    if "ctranslate2" in engines:
        from translate.engines.ct2 import converted_model_dir

        converted_model_dir(str(model_dir), "int8")  # once, outside the measured runs
    lengths = [len(ids) for ids in _source_lengths(model_dir, segments)]
    chars = [len(s) for s in segments]
    print(f"model: random MarianMT, shape of {config.name}{' (--quick: shrunk)' if args.quick else ''}, "
          f"built in {time.perf_counter() - t0:.0f}s")
    print(f"workload: {len(segments)} distinct segments, {sum(chars)} characters "
          f"(min/median/max {min(chars)}/{sorted(chars)[len(chars) // 2]}/{max(chars)} chars, "
          f"{min(lengths)}-{max(lengths)} source tokens), "
          f"{sum(forced_length(n) for n in lengths)} output tokens forced")
    print(f"threads: {args.threads}; baseline: batches of {args.batch_size} in document order; termtrans "
          f"engines: their default length-sorted token-budget batches; ctranslate2 int8, transformers fp32")
    print()
    header = f"{'engine':<34}{'beam':>5}{'tokens':>8}{'seconds':>9}{'tokens/s':>10}{'peak RSS MB':>13}" \
             f"{'pipeline %':>12}{'load':>6}"
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
            label = {"baseline": "transformers generate (naive)",
                     "marian": "termtrans marian + pipeline",
                     "ctranslate2": "termtrans ctranslate2 + pipeline"}[engine]
            overhead = "" if engine == "baseline" else \
                f"{100 * (figures['seconds'] - figures['engine_seconds']) / figures['engine_seconds']:.1f}"
            print(f"{label:<34}{beam:>5}{figures['tokens']:>8}{figures['seconds']:>9.1f}{rate:>10.1f}"
                  f"{figures['peak_rss_mb']:>13.0f}{overhead:>12}{load:>6.1f}", flush=True)
    print()
    print("pipeline % = time outside engine.translate_batch (segmentation, term protection,")
    print("restoration, verification) as a share of engine time; floor: <= 5%")
    print("load = 1-minute load average after the run (2 cores: above ~2.5 means other work competed)")
    setups = [f["setup_seconds"] for f in results.values() if "setup_seconds" in f]
    if setups:
        print(f"not counted, like model loading: the pipeline's one-time set-up (jieba dictionary, "
              f"glossary matchers), {min(setups):.1f}-{max(setups):.1f}s per process")
    for (engine, beam), figures in results.items():
        if figures.get("decoded", figures["tokens"]) > figures["tokens"]:
            print(f"{engine} beam {beam}: decoded {figures['decoded']} tokens, credited {figures['tokens']}"
                  f" (each batch decodes to its longest sentence)")
    print("ratios to the baseline (tokens/s); floor: ctranslate2 >= 3x at beam 4")
    for beam in beams:
        base = results.get(("baseline", beam))
        if not base:
            continue
        base_rate = base["tokens"] / base["seconds"]
        parts = [f"{engine} {results[(engine, beam)]['tokens'] / results[(engine, beam)]['seconds'] / base_rate:.2f}x"
                 for engine in engines if engine != "baseline" and (engine, beam) in results]
        print(f"  beam {beam}: " + ", ".join(parts))
    print(f"total wall time {time.perf_counter() - t0:.0f}s")
    return 0


def _source_lengths(model_dir: Path, segments: Sequence[str]) -> List[List[int]]:
    import warnings

    from transformers import MarianTokenizer

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        tokenizer = MarianTokenizer.from_pretrained(str(model_dir))
    return tokenizer(list(segments))["input_ids"]


if __name__ == "__main__":
    sys.exit(main())

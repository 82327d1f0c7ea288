"""CTranslate2 engine: the same Marian model, converted once, decoded by a fast C++ runtime.

The transformers model (hub id or directory) is converted to CTranslate2 the first time it is used
and kept under ``ct2`` in the termtrans cache (``$TERMTRANS_CACHE``, default
``~/.cache/termtrans``), keyed by model and quantisation. Tokenization goes through the model's own ``MarianTokenizer`` so both engines see and
produce the same text. CTranslate2 has no lexical constraints: the enforcement wrapper's
placeholders and n-best reranking work as with any engine, and its hard constraints are met here
by forcing each missing phrase through ``target_prefix`` at the place the model scores best.
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from pathlib import Path
from typing import Dict, List, Optional, Sequence, Tuple

from termbase.cache_home import cache_home
from termbase.errors import EngineError, ModelUnavailableError

from ..batching import DEFAULT_MAX_TOKENS, batches_by_token_budget
from . import DEFAULT_MODEL
from .base import Hypothesis, TranslationEngine
from .marian import hub_offline, resolve_model, unavailable_message  # light: torch loads lazily

#: files copied next to the converted weights so a cached conversion is self-contained
TOKENIZER_FILES = ("source.spm", "target.spm", "vocab.json", "target_vocab.json",
                   "tokenizer_config.json", "special_tokens_map.json", "generation_config.json")
#: files whose size and modification time identify a local model directory
_WEIGHT_SUFFIXES = (".safetensors", ".bin", ".json", ".spm", ".model")

#: CPU decoding reads every weight once per step, so larger batches than transformers' pay off:
#: on 2 cores, 32 sentences / 2048 padded tokens per batch beat 16 / 1024 (benchmarks/)
DEFAULT_BATCH_SIZE = 32
DEFAULT_MAX_BATCH_TOKENS = 2 * DEFAULT_MAX_TOKENS


def cache_root() -> Path:
    """Where converted models live: ``ct2`` under :func:`termbase.cache_home.cache_home`."""
    return cache_home() / "ct2"


def resolve_model_dir(model: str) -> Path:
    """A local directory holding the transformers model ``model`` (hub id or directory).

    Hub ids are looked up in the Hugging Face cache (downloaded if allowed); ``HF_HUB_OFFLINE``
    is honoured. Raises :class:`ModelUnavailableError` with the fix when the model is not there.
    """
    name, local = resolve_model(model)  # the default engine's rules and messages for paths
    if local:
        path = Path(name)
        if not (path / "config.json").is_file() and not (path / "model.bin").is_file():
            raise ModelUnavailableError(
                f"model directory '{model}' has no config.json; point --model at a saved "
                f"transformers Marian model (save_pretrained) or a hub id")
        return path.resolve()
    try:
        from huggingface_hub import snapshot_download
    except ImportError:  # pragma: no cover - transformers depends on it
        raise ModelUnavailableError(f"model '{model}' needs huggingface_hub to be fetched; "
                                    f"pip install huggingface_hub or point --model at a local copy") from None
    offline = hub_offline()
    try:
        fetched = snapshot_download(model, local_files_only=offline,
                                    allow_patterns=["*.json", "*.spm", "*.safetensors", "*.bin", "*.model"])
    except Exception as exc:  # hub errors vary by version: offline, not cached, no network, 404
        if offline:
            raise ModelUnavailableError(unavailable_message(model)) from None
        raise ModelUnavailableError(
            f"Model '{model}' could not be fetched ({type(exc).__name__}): check the name and the "
            f"network, or pass --model DIR pointing at a local copy.") from None
    return Path(fetched)


def _fingerprint(model_dir: Path) -> str:
    """Identify a model directory by its path and the size/mtime of its model files."""
    digest = hashlib.sha256(str(model_dir).encode("utf-8"))
    for entry in sorted(model_dir.iterdir()):
        if entry.is_file() and entry.name.endswith(_WEIGHT_SUFFIXES):
            stat = entry.stat()
            digest.update(f"\0{entry.name}\0{stat.st_size}\0{stat.st_mtime_ns}".encode("utf-8"))
    return digest.hexdigest()[:16]


def converted_model_dir(model: str, quantization: str) -> Path:
    """The CTranslate2 conversion of ``model`` at ``quantization``, converting it if not cached.

    Conversion runs once into a temporary directory beside the cache entry and is renamed into
    place, so an interrupted or concurrent conversion never leaves a half-written model.
    """
    source = resolve_model_dir(model)
    if (source / "model.bin").is_file():  # already a CTranslate2 model
        return source
    import ctranslate2

    major = ctranslate2.__version__.split(".")[0]
    name = f"{source.name or 'model'}-{quantization}-ct2v{major}-{_fingerprint(source)}"
    target = cache_root() / name
    if (target / "model.bin").is_file():
        return target
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise EngineError(f"cannot create the conversion cache {target.parent}: {exc.strerror}; "
                          f"set TERMTRANS_CACHE to a writable directory") from None
    tmp = Path(tempfile.mkdtemp(prefix=f".{name}.", dir=target.parent))
    try:
        _convert(source, tmp, quantization)
        try:
            os.rename(tmp, target)
        except OSError:
            if not (target / "model.bin").is_file():  # not a concurrent winner: a real failure
                raise
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)
    return target


def _convert(source: Path, output: Path, quantization: str) -> None:
    from ctranslate2.converters import TransformersConverter

    copy = [name for name in TOKENIZER_FILES if (source / name).is_file()]
    try:
        TransformersConverter(str(source), copy_files=copy, low_cpu_mem_usage=True).convert(
            str(output), quantization=quantization, force=True)
    except (ValueError, OSError, KeyError, NotImplementedError) as exc:
        raise ModelUnavailableError(f"model '{source}' could not be converted to CTranslate2 "
                                    f"({exc}); use a MarianMT model or --engine marian") from None


class CTranslate2Engine(TranslationEngine):
    """MarianMT through CTranslate2: int8 on CPU, float16 on CUDA, length-sorted token batches.

    Options: ``compute_type`` (default ``int8`` on CPU, ``float16`` on CUDA), ``intra_threads``
    (0 = CTranslate2's default), ``inter_threads``, ``max_batch_tokens`` (padded source tokens per
    batch), ``length_penalty``, ``patience`` (beam search), ``max_insertion_points`` (candidate
    places tried per forced phrase).
    """

    name = "ctranslate2"
    supports_constraints = True

    def __init__(self, model: Optional[str] = None, *, device: str = "auto", beam: int = 4,
                 batch_size: int = DEFAULT_BATCH_SIZE, compute_type: Optional[str] = None,
                 intra_threads: int = 0, inter_threads: int = 1,
                 max_batch_tokens: int = DEFAULT_MAX_BATCH_TOKENS,
                 length_penalty: float = 1.0, patience: float = 1.0,
                 max_insertion_points: int = 24, **options):
        super().__init__(model or DEFAULT_MODEL, device=device, beam=beam, batch_size=batch_size,
                         **options)
        if beam < 1 or batch_size < 1 or max_batch_tokens < 1:
            raise EngineError("--beam, --batch-size and max_batch_tokens must be at least 1")
        try:
            import ctranslate2
        except ImportError:
            raise EngineError("the ctranslate2 engine needs CTranslate2; "
                              "pip install 'termtrans[fast]'") from None
        if device not in ("auto", "cpu", "cuda"):
            raise EngineError(f"unknown device '{device}'; use cpu, cuda or auto")
        if device == "auto":
            device = "cuda" if ctranslate2.get_cuda_device_count() > 0 else "cpu"
        elif device == "cuda" and ctranslate2.get_cuda_device_count() == 0:
            raise EngineError("--device cuda was asked but CTranslate2 sees no CUDA device; use --device cpu")
        self.ct2_device = device
        self.compute_type = compute_type or ("float16" if device == "cuda" else "int8")
        supported = ctranslate2.get_supported_compute_types(device)
        if self.compute_type not in supported:
            raise EngineError(f"compute type '{self.compute_type}' is not supported on {device}; "
                              f"choose one of: {', '.join(sorted(supported))}")
        self.max_batch_tokens = max_batch_tokens
        self.length_penalty = length_penalty
        self.patience = patience
        self.max_insertion_points = max(2, int(max_insertion_points))
        self.model_dir = converted_model_dir(self.model, self.compute_type)
        self.translator = ctranslate2.Translator(
            str(self.model_dir), device=device, compute_type=self.compute_type,
            intra_threads=intra_threads, inter_threads=inter_threads)
        self.tokenizer = _load_tokenizer(self.model_dir)
        generation = _read_json(self.model_dir / "generation_config.json")
        self.default_max_new_tokens = int(generation.get("max_new_tokens") or 256)
        config = _read_json(self.model_dir / "config.json")
        self.max_input_length = int(config.get("max_position_embeddings") or 512)
        self.unk_token = self.tokenizer.unk_token
        self._vocab = set(self.tokenizer.get_vocab())
        self._banned_memo: Dict[Tuple[str, ...], List[List[str]]] = {}

    # -- tokenization ------------------------------------------------------------------------
    def source_tokens(self, sentence: str) -> List[str]:
        """The model's source tokens for ``sentence``, ending with ``</s>``."""
        ids = self.tokenizer(sentence, truncation=True, max_length=self.max_input_length)["input_ids"]
        return self.tokenizer.convert_ids_to_tokens(ids)

    def target_tokens(self, text: str) -> List[str]:
        """The model's target tokens for ``text`` (no ``</s>``), as the decoder would write them."""
        ids = self.tokenizer(text_target=text, add_special_tokens=False)["input_ids"]
        return self.tokenizer.convert_ids_to_tokens(ids)

    def detokenize(self, tokens: Sequence[str]) -> str:
        ids = self.tokenizer.convert_tokens_to_ids(list(tokens))
        return self.tokenizer.decode(ids, skip_special_tokens=True)

    def _banned_sequences(self, banned: Sequence[str]) -> List[List[str]]:
        """Token sequences to suppress for each banned phrase, in its usual casings (memoised)."""
        key = tuple(banned)
        if key not in self._banned_memo:
            self._banned_memo = {key: self._tokenize_banned(key)}  # callers repeat one list
        return self._banned_memo[key]

    def _tokenize_banned(self, banned: Sequence[str]) -> List[List[str]]:
        sequences: List[List[str]] = []
        for phrase in banned:
            phrase = phrase.strip()
            if not phrase:
                continue
            for variant in dict.fromkeys((phrase, phrase[:1].upper() + phrase[1:], phrase.lower())):
                tokens = self.target_tokens(variant)
                if tokens and all(t in self._vocab and t != self.unk_token for t in tokens) \
                        and tokens not in sequences:
                    sequences.append(tokens)
        return sequences

    # -- decoding ----------------------------------------------------------------------------
    def translate_batch(self, sentences: Sequence[str], *, num_hypotheses: int = 1,
                        constraints: Optional[Sequence[Sequence[str]]] = None,
                        banned: Sequence[str] = (),
                        max_new_tokens: Optional[int] = None,
                        target_prefix: Optional[Sequence[Optional[str]]] = None,
                        min_new_tokens: Optional[int] = None) -> List[List[Hypothesis]]:
        """Translate ``sentences`` (see :meth:`TranslationEngine.translate_batch`).

        ``constraints`` are met by prefix forcing (see :meth:`_force_phrases`). Extra keywords:
        ``target_prefix`` gives per sentence the text the translation must start with (None for
        none); ``min_new_tokens`` delays the end of sentence.
        """
        count = len(sentences)
        for name, value in (("target prefixes", target_prefix), ("constraint lists", constraints)):
            if value is not None and len(value) != count:
                raise EngineError(f"{count} sentences but {len(value)} {name}")
        num_hypotheses = max(1, int(num_hypotheses))
        results: List[List[Hypothesis]] = [[Hypothesis("", None)] * num_hypotheses for _ in range(count)]
        todo = [i for i, s in enumerate(sentences) if s.strip()]
        if not todo:
            return results
        sources = {i: self.source_tokens(sentences[i]) for i in todo}
        prefixes = {i: (self.target_tokens(target_prefix[i]) if target_prefix and target_prefix[i] else None)
                    for i in todo}
        suppress = self._banned_sequences(banned) or None
        lengths = [len(sources[i]) for i in todo]
        decoded: Dict[int, List[Tuple[List[str], float]]] = {}
        for batch in batches_by_token_budget(lengths, self.max_batch_tokens, self.batch_size):
            group = [todo[b] for b in batch]
            outputs = self._run([sources[i] for i in group], [prefixes[i] for i in group],
                                num_hypotheses, suppress, max_new_tokens, min_new_tokens)
            decoded.update(zip(group, outputs))
        for i in todo:
            phrases = [p for p in (constraints[i] if constraints else ()) if p and p.strip()]
            hyps = decoded[i]
            if phrases:
                hyps = self._force_phrases(sources[i], phrases, hyps, prefixes[i], num_hypotheses,
                                           suppress, max_new_tokens)
            out = [Hypothesis(self.detokenize(tokens), score) for tokens, score in hyps[:num_hypotheses]]
            while len(out) < num_hypotheses:  # keep the promised count
                out.append(out[-1] if out else Hypothesis("", None))
            results[i] = out
        return results

    def _run(self, sources: List[List[str]], prefixes: List[Optional[List[str]]], num_hypotheses: int,
             suppress: Optional[List[List[str]]], max_len: Optional[int] = None,
             min_len: Optional[int] = None) -> List[List[Tuple[List[str], float]]]:
        """One CTranslate2 call; per source, ``(tokens, score)`` hypotheses best first."""
        longest_prefix = max((len(p) for p in prefixes if p), default=0)
        if max_len is None:
            max_len = self.default_max_new_tokens + longest_prefix
        try:
            outputs = self.translator.translate_batch(
                sources, target_prefix=prefixes if any(prefixes) else None,
                beam_size=max(self.beam, num_hypotheses), num_hypotheses=num_hypotheses,
                length_penalty=self.length_penalty, patience=self.patience,
                suppress_sequences=suppress, max_decoding_length=max(int(max_len), 1),
                min_decoding_length=int(min_len or 0), max_input_length=self.max_input_length,
                return_scores=True, max_batch_size=0)
        except (RuntimeError, ValueError) as exc:
            raise EngineError(f"CTranslate2 failed to translate a batch: {exc}") from None
        return [[(list(tokens), float(score)) for tokens, score in zip(o.hypotheses, o.scores)]
                for o in outputs]

    def _force_phrases(self, source: List[str], phrases: Sequence[str],
                       hyps: List[Tuple[List[str], float]], prefix: Optional[List[str]],
                       num_hypotheses: int, suppress: Optional[List[List[str]]],
                       max_len: Optional[int]) -> List[Tuple[List[str], float]]:
        """Hypotheses that contain every phrase, by forcing missing ones through ``target_prefix``.

        CTranslate2 has no lexical constraints. For each phrase the best translation lacks, the
        phrase is put at every word boundary of that translation (after the phrases already
        placed) as a target prefix, the model completes each candidate, and the candidate the
        model scores best (whole output, prefix included) is kept.
        """
        current, _ = hyps[0]
        fixed = len(prefix or ())
        pool = hyps
        for phrase in phrases:
            if _contains(self.detokenize(current), phrase):
                continue
            candidates: List[List[str]] = []
            for k in self._insertion_points(current, fixed):
                words = phrase if k > 0 else phrase[:1].upper() + phrase[1:]
                candidates.append(current[:k] + self.target_tokens(words))
            limit = None if max_len is None else max_len + max(len(c) for c in candidates)
            outputs = self._run([source] * len(candidates), candidates, 1, suppress, limit)
            done = [(out[0][0], len(cand)) for out, cand in zip(outputs, candidates) if out]
            if not done:
                break
            # decoding scores leave the forced prefix out: score each whole output instead
            scores = self._score(source, [tokens for tokens, _ in done])
            ranked = sorted(zip(scores, range(len(done))), reverse=True)
            current, fixed = done[ranked[0][1]]
            pool = [(done[i][0], score) for score, i in ranked]
        complete = [h for h in pool if all(_contains(self.detokenize(h[0]), p) for p in phrases)]
        return (complete or pool)[:max(1, num_hypotheses)]

    def _score(self, source: List[str], targets: List[List[str]]) -> List[float]:
        """Length-normalised log-probability of each whole target (end of sentence included)."""
        try:
            results = self.translator.score_batch([source] * len(targets), targets,
                                                  max_input_length=self.max_input_length)
        except (RuntimeError, ValueError) as exc:
            raise EngineError(f"CTranslate2 failed to score candidates: {exc}") from None
        return [sum(r.log_probs) / max(len(r.log_probs), 1) ** self.length_penalty for r in results]

    def _insertion_points(self, tokens: List[str], start: int) -> List[int]:
        """Word boundaries of ``tokens`` from ``start`` on (at most ``max_insertion_points``)."""
        points = [k for k in range(start, len(tokens) + 1)
                  if k in (start, len(tokens)) or tokens[k].startswith("\u2581")
                  or not any(ch.isalnum() for ch in tokens[k])]
        cap = self.max_insertion_points
        if len(points) > cap:  # evenly spread, first and last kept
            points = sorted({points[round(i * (len(points) - 1) / (cap - 1))] for i in range(cap)})
        return points

    def signature(self) -> Dict[str, object]:
        import ctranslate2

        return {"engine": self.name, "model": self.model, "beam": self.beam,
                "device": self.ct2_device, "compute_type": self.compute_type,
                "ctranslate2": ctranslate2.__version__}


def _contains(text: str, phrase: str) -> bool:
    return phrase.casefold() in text.casefold()


def _read_json(path: Path) -> dict:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def _load_tokenizer(model_dir: Path):
    import warnings

    from transformers import MarianTokenizer

    try:
        with warnings.catch_warnings():  # "Recommended: pip install sacremoses" (both engines alike)
            warnings.simplefilter("ignore")
            return MarianTokenizer.from_pretrained(str(model_dir))
    except (OSError, ValueError, AssertionError, TypeError) as exc:
        raise ModelUnavailableError(f"model '{model_dir}' has no usable Marian tokenizer ({exc}); "
                                    f"it needs source.spm, target.spm and vocab.json") from None

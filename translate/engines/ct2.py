"""CTranslate2 engine: the same Marian model, converted once, decoded by a fast C++ runtime.

The transformers model (hub id or directory) is converted to CTranslate2 the first time it is used
and kept under ``ct2`` in the termtrans cache (``$TERMTRANS_CACHE``, default
``~/.cache/termtrans``), keyed by model and quantisation; an entry whose files do not match the
sizes recorded when it was written is converted again. Tokenization reads the model's own
sentencepiece files (:mod:`.spm_tokenizer`, the ids of ``MarianTokenizer`` without importing
transformers), so a cached model loads without torch or transformers.

Every decode is bounded by the model: a sentence longer than ``max_source_tokens`` (half the
positions by default) is cut at a comma or a space and translated in parts; the output budget is
``2·source + 10`` tokens, forced prefixes included, never past the model's positions; a hypothesis
that reaches its budget without ending the sentence is decoded again with twice the budget and, if
it still does not end (or repeats itself), comes back cut with ``truncated=True``.

CTranslate2 has no lexical constraints: the enforcement wrapper's placeholders and n-best
reranking work as with any engine, and its hard constraints are met here by forcing each missing
phrase through ``target_prefix`` at the place the model scores best.
"""
from __future__ import annotations

import contextlib
import errno
import hashlib
import io
import json
import os
import shutil
import struct
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, Iterator, List, Optional, Sequence, Tuple

from termbase.cache_home import cache_home
from termbase.errors import EngineError, ModelUnavailableError

from ..batching import DEFAULT_MAX_TOKENS, batches_by_token_budget
from ..segment import split_to_token_limit
from . import DEFAULT_MODEL
from .base import Hypothesis, TranslationEngine, decoding_budget, runaway_cut, translate_in_parts
from .marian import hub_offline, resolve_model, unavailable_message  # light: torch loads lazily
from .spm_tokenizer import MarianSpmTokenizer

#: files copied next to the converted weights so a cached conversion is self-contained
TOKENIZER_FILES = ("source.spm", "target.spm", "vocab.json", "target_vocab.json",
                   "tokenizer_config.json", "special_tokens_map.json", "generation_config.json")
#: files whose size and modification time identify a local model directory
_WEIGHT_SUFFIXES = (".safetensors", ".bin", ".json", ".spm", ".model")
#: written last into a conversion: the source model's positions and the size of every file
METADATA = "termtrans.json"
#: bumped when the layout of a cache entry changes (older entries are converted again)
CACHE_FORMAT = 2
CACHE_VARIABLE = "TERMTRANS_CACHE"

#: CPU decoding reads every weight once per step, so larger batches than transformers' pay off;
#: a batch is closed where padding would pass 8% of its source tokens, which keeps decoder
#: padding under a tenth of the tokens decoded (benchmarks/bench_translate.py)
DEFAULT_BATCH_SIZE = 32
DEFAULT_MAX_BATCH_TOKENS = 2 * DEFAULT_MAX_TOKENS
DEFAULT_MAX_PADDING = 0.08
#: positions of a model whose size cannot be read (opus-mt's)
DEFAULT_POSITIONS = 512
#: the output vocabulary file CTranslate2 reads from a model directory (``use_vmap``)
VOCABULARY_MAP = "vmap.txt"
#: glibc malloc settings for long decodes (see :func:`tune_malloc`)
_MMAP_THRESHOLD = 32 * 1024 * 1024
_TOP_PAD = 64 * 1024 * 1024
_allocator_tuned: Optional[bool] = None


def tune_malloc() -> bool:
    """Stop glibc's malloc from returning CTranslate2's scratch memory to the kernel at every step.

    CTranslate2 allocates its CPU buffers with ``posix_memalign`` (MKL's cached allocator is used
    only on Intel CPUs). With glibc's defaults, buffers above the dynamic mmap threshold are
    mmap'ed and unmapped at every decoding step and the worker thread's arena is trimmed back,
    so each step faults its pages in again: on 9 sentences × 256 tokens at beam 4, 4.1 M minor
    page faults and as much CPU time in the kernel as in user space. A fixed mmap threshold of
    32 MiB and a top pad of 64 MiB keep those buffers in the arenas (113 k faults, kernel time
    from 46% to 7% of the CPU time, same peak memory). Applied once per process, on Linux with
    glibc, unless the user tunes malloc already (``MALLOC_*_`` variables or ``GLIBC_TUNABLES``).
    """
    global _allocator_tuned
    if _allocator_tuned is not None:
        return _allocator_tuned
    _allocator_tuned = False
    if not sys.platform.startswith("linux") or "GLIBC_TUNABLES" in os.environ or \
            any(name.startswith("MALLOC_") and name.endswith("_") for name in os.environ):
        return False
    try:
        import ctypes

        mallopt = ctypes.CDLL(None).mallopt
        mallopt.argtypes = [ctypes.c_int, ctypes.c_int]
        mallopt.restype = ctypes.c_int
        # M_MMAP_THRESHOLD = -3, M_TOP_PAD = -2 (malloc.h); 1 means accepted
        _allocator_tuned = mallopt(-3, _MMAP_THRESHOLD) == 1 and mallopt(-2, _TOP_PAD) == 1
    except (OSError, AttributeError, TypeError):  # not glibc (musl, …): nothing to tune
        _allocator_tuned = False
    return _allocator_tuned


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


#: errors that mean "the cache cannot take the converted model" rather than "bad model"
_CACHE_ERRNOS = frozenset(getattr(errno, name) for name in ("ENOSPC", "EDQUOT", "EROFS", "EACCES", "EPERM")
                          if hasattr(errno, name))


def _unwritable(path: Path, exc: OSError) -> EngineError:
    reason = exc.strerror or type(exc).__name__
    return EngineError(f"{path}: the CTranslate2 cache is not writable ({reason}); set "
                       f"{CACHE_VARIABLE} to a writable directory")


def entry_is_complete(entry: Path) -> bool:
    """True when the cache entry ``entry`` has every file it was written with, at its size."""
    try:
        meta = json.loads((entry / METADATA).read_text(encoding="utf-8"))
        files = meta["files"]
        if meta.get("format") != CACHE_FORMAT or "model.bin" not in files:
            return False
        return all((entry / name).stat().st_size == int(size) for name, size in files.items())
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return False


def converted_model_dir(model: str, quantization: str, *, verbose: bool = False,
                        rebuild: bool = False) -> Path:
    """The CTranslate2 conversion of ``model`` at ``quantization``, converting it if not cached.

    Conversion runs once into a temporary directory beside the cache entry and is renamed into
    place, so an interrupted or concurrent conversion never leaves a half-written model. An entry
    that is incomplete or damaged (or ``rebuild``) is converted again. The converter's progress bars
    and warnings are kept off stderr unless ``verbose``.
    """
    source = resolve_model_dir(model)
    if (source / "model.bin").is_file():  # already a CTranslate2 model
        return source
    import ctranslate2

    major = ctranslate2.__version__.split(".")[0]
    name = f"{source.name or 'model'}-{quantization}-ct2v{major}-f{CACHE_FORMAT}-{_fingerprint(source)}"
    target = cache_root() / name
    if not rebuild and entry_is_complete(target):
        return target
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=f".{name}.", dir=target.parent))
    except OSError as exc:
        raise _unwritable(target.parent, exc) from None
    try:
        try:
            _convert(source, tmp, quantization, verbose=verbose)
            _write_vocabulary_map(tmp)
            _write_metadata(source, tmp)
        except OSError as exc:  # full disk, quota, read-only file system under the cache
            if exc.errno in _CACHE_ERRNOS:
                raise _unwritable(target.parent, exc) from None
            raise
        if target.exists():  # a damaged entry: move it aside, then remove it
            try:
                aside = Path(tempfile.mkdtemp(prefix=f".{name}.old.", dir=target.parent))
                os.rename(target, aside / "entry")
            except OSError as exc:
                raise _unwritable(target, exc) from None
            shutil.rmtree(aside, ignore_errors=True)
        try:
            os.rename(tmp, target)
        except OSError as exc:
            if not entry_is_complete(target):  # not a concurrent winner: a real failure
                raise _unwritable(target.parent, exc) from None
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)
    return target


def _source_positions(source: Path) -> Optional[int]:
    try:
        config = json.loads((source / "config.json").read_text(encoding="utf-8"))
        return int(config["max_position_embeddings"])
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _write_vocabulary_map(output: Path) -> None:
    """Restrict the decoder's output to the pieces the target tokenizer can write.

    An OPUS-MT vocabulary is shared by both languages (65,000 pieces for zh→en), but the target
    side of the training data went through ``target.spm`` only (32,000 pieces): the model never
    learnt to write a Chinese-only piece, and ``target.spm`` would not read it back. The map
    (one line: an empty source n-gram, then every target piece) lets CTranslate2 compute the
    output layer and the beam search over those pieces alone.
    """
    import sentencepiece

    vocabulary: List[str] = []
    for name in ("target_vocabulary.json", "shared_vocabulary.json", "target_vocabulary.txt",
                 "shared_vocabulary.txt"):
        path = output / name
        if path.is_file():
            text = path.read_text(encoding="utf-8")
            vocabulary = json.loads(text) if name.endswith(".json") else text.splitlines()
            break
    if not vocabulary or not (output / "target.spm").is_file():
        return
    target = sentencepiece.SentencePieceProcessor(model_file=str(output / "target.spm"))
    pieces = {target.id_to_piece(i) for i in range(target.get_piece_size())}
    keep = [token for token in vocabulary if token in pieces and not any(c.isspace() for c in token)]
    if len(keep) < len(vocabulary) * 0.9:  # only worth it when it removes a real share
        (output / VOCABULARY_MAP).write_text("\t" + " ".join(keep) + "\n", encoding="utf-8")


def _write_metadata(source: Path, output: Path) -> None:
    files = {entry.name: entry.stat().st_size for entry in sorted(output.iterdir()) if entry.is_file()}
    meta = {"format": CACHE_FORMAT, "source": str(source),
            "max_position_embeddings": _source_positions(source) or model_bin_positions(output),
            "files": files}
    (output / METADATA).write_text(json.dumps(meta, indent=1) + "\n", encoding="utf-8")


@contextlib.contextmanager
def third_party_output(verbose: bool) -> Iterator[None]:
    """Keep third-party progress bars, log lines and warnings off stderr unless ``verbose``.

    Python-level writes (tqdm, logging, warnings) and C-level writes to file descriptor 2 are
    both captured and dropped.
    """
    if verbose:
        yield
        return
    import warnings

    saved_env = {k: os.environ.get(k) for k in ("HF_HUB_DISABLE_PROGRESS_BARS", "TRANSFORMERS_VERBOSITY")}
    os.environ.update(HF_HUB_DISABLE_PROGRESS_BARS="1", TRANSFORMERS_VERBOSITY="error")
    saved_fd = None
    try:
        sys.stderr.flush()
        saved_fd = os.dup(2)
        sink = tempfile.TemporaryFile()
        os.dup2(sink.fileno(), 2)
    except (OSError, ValueError, AttributeError):  # no real descriptor 2 (embedded interpreters)
        saved_fd, sink = None, None
    try:
        with warnings.catch_warnings(), contextlib.redirect_stderr(io.StringIO()):
            warnings.simplefilter("ignore")
            yield
    finally:
        if saved_fd is not None:
            os.dup2(saved_fd, 2)
            os.close(saved_fd)
            sink.close()
        for key, value in saved_env.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def _convert(source: Path, output: Path, quantization: str, *, verbose: bool = False) -> None:
    copy = [name for name in TOKENIZER_FILES if (source / name).is_file()]
    with third_party_output(verbose):
        from ctranslate2.converters import TransformersConverter

        with _transformers_output(verbose):
            try:
                TransformersConverter(str(source), copy_files=copy, low_cpu_mem_usage=True).convert(
                    str(output), quantization=quantization, force=True)
            except (ValueError, OSError, KeyError, NotImplementedError, RuntimeError) as exc:
                if isinstance(exc, OSError) and exc.errno in _CACHE_ERRNOS:
                    raise  # the cache's fault, not the model's: reported by the caller
                raise ModelUnavailableError(f"model '{source}' could not be converted to "
                                            f"CTranslate2 ({_first_line(exc)}); use a MarianMT model "
                                            f"or --engine marian") from None


@contextlib.contextmanager
def _transformers_output(verbose: bool) -> Iterator[None]:
    """transformers' own verbosity and progress bars for the conversion, restored afterwards."""
    try:
        from transformers.utils import logging as hf_logging
    except ImportError:  # pragma: no cover - the converter needs transformers
        yield
        return
    verbosity, bars = hf_logging.get_verbosity(), hf_logging.is_progress_bar_enabled()
    hf_logging.set_verbosity(hf_logging.WARNING if verbose else hf_logging.ERROR)
    (hf_logging.enable_progress_bar if verbose else hf_logging.disable_progress_bar)()
    try:
        yield
    finally:
        hf_logging.set_verbosity(verbosity)
        (hf_logging.enable_progress_bar if bars else hf_logging.disable_progress_bar)()


def model_bin_positions(model_dir: Path) -> Optional[int]:
    """The decoder's number of positions, read from a CTranslate2 ``model.bin`` header.

    The file lists its variables (name, shape, dtype, size) before each one's data, so only the
    headers are read; None when the file has no position table (or cannot be read).
    """
    try:
        with open(model_dir / "model.bin", "rb") as handle:
            def string() -> str:
                (length,) = struct.unpack("<H", handle.read(2))
                return handle.read(length).rstrip(b"\0").decode("utf-8")

            (version,) = struct.unpack("<I", handle.read(4))
            if version < 2:
                return None
            string()  # spec name
            handle.read(4)  # revision
            (count,) = struct.unpack("<I", handle.read(4))
            for _ in range(count):
                name = string()
                (rank,) = struct.unpack("<B", handle.read(1))
                shape = struct.unpack(f"<{rank}I", handle.read(4 * rank))
                handle.read(1)  # dtype
                (size,) = struct.unpack("<I", handle.read(4))
                if name.startswith("decoder") and name.endswith("position_encodings/encodings") and shape:
                    return int(shape[0])
                handle.seek(size, os.SEEK_CUR)
    except (OSError, struct.error, UnicodeDecodeError, ValueError):
        return None
    return None


def model_positions(model_dir: Path) -> int:
    """How many positions the converted model in ``model_dir`` has (decoder and encoder)."""
    try:
        meta = json.loads((model_dir / METADATA).read_text(encoding="utf-8"))
        if int(meta.get("max_position_embeddings") or 0) > 0:
            return int(meta["max_position_embeddings"])
    except (OSError, ValueError, TypeError):
        pass
    return model_bin_positions(model_dir) or DEFAULT_POSITIONS


@dataclass
class _Unit:
    """One decoder input: a sentence's source tokens and forced target prefix."""

    index: int
    source: List[str]
    prefix: Optional[List[str]]


#: one decoded hypothesis: tokens (no ``</s>``), score, cut at the length limit
_Hyp = Tuple[List[str], float, bool]


class CTranslate2Engine(TranslationEngine):
    """MarianMT through CTranslate2: int8 on CPU, float16 on CUDA, length-bucketed batches.

    Options: ``compute_type`` (default ``int8`` on CPU, ``float16`` on CUDA), ``threads`` (CPU
    threads in all; 0 = one per available CPU, at most 4), ``intra_threads`` / ``inter_threads``
    (how they are used; default on CPU: two batch halves decoded in parallel, each with half the
    threads, see :func:`cpu_threads`), ``max_batch_tokens`` (padded source
    tokens per batch), ``max_padding`` (largest share of a batch that may be padding),
    ``max_source_tokens`` (longer sentences are translated in parts; default half the model's
    positions), ``length_penalty``, ``patience`` (beam search), ``max_insertion_points``
    (candidate places tried per forced phrase), ``target_vocabulary`` (decode over the target
    tokenizer's pieces only, see :func:`_write_vocabulary_map`; default on), ``tune_allocator``
    (see :func:`tune_malloc`; default on), ``verbose`` (let the converter's progress bars and
    warnings through).
    """

    name = "ctranslate2"
    supports_constraints = True

    def __init__(self, model: Optional[str] = None, *, device: str = "auto", beam: int = 4,
                 batch_size: int = DEFAULT_BATCH_SIZE, compute_type: Optional[str] = None,
                 threads: int = 0, intra_threads: int = 0, inter_threads: int = 0,
                 max_batch_tokens: int = DEFAULT_MAX_BATCH_TOKENS,
                 max_padding: Optional[float] = DEFAULT_MAX_PADDING,
                 max_source_tokens: Optional[int] = None,
                 length_penalty: float = 1.0, patience: float = 1.0,
                 max_insertion_points: int = 24, target_vocabulary: bool = True,
                 tune_allocator: bool = True, verbose: bool = False, **options):
        super().__init__(model or DEFAULT_MODEL, device=device, beam=beam, batch_size=batch_size,
                         **options)
        if beam < 1 or batch_size < 1 or max_batch_tokens < 1:
            raise EngineError("--beam, --batch-size and max_batch_tokens must be at least 1")
        if max_padding is not None and not 0.0 <= max_padding < 1.0:
            raise EngineError(f"max_padding must be a share between 0 and 1, not {max_padding}")
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
        self.verbose = verbose
        if not verbose:
            import logging

            ctranslate2.set_log_level(logging.ERROR)  # e.g. its compute-type fallback notice
        self.ct2_device = device
        self.compute_type = compute_type or ("float16" if device == "cuda" else "int8")
        supported = ctranslate2.get_supported_compute_types(device)
        if self.compute_type not in supported:
            raise EngineError(f"compute type '{self.compute_type}' is not supported on {device}; "
                              f"choose one of: {', '.join(sorted(supported))}")
        self.max_batch_tokens = max_batch_tokens
        self.max_padding = max_padding
        self.length_penalty = length_penalty
        self.patience = patience
        self.max_insertion_points = max(2, int(max_insertion_points))
        if device == "cpu":
            intra_threads, inter_threads = cpu_threads(threads, intra_threads, inter_threads)
        self._threads = dict(intra_threads=intra_threads, inter_threads=max(1, inter_threads))
        #: sentences per CTranslate2 worker: a batch is cut in as many parts as there are workers
        self._workers = max(1, inter_threads)
        self.allocator_tuned = device == "cpu" and tune_allocator and tune_malloc()
        self.model_dir = converted_model_dir(self.model, self.compute_type, verbose=verbose)
        self.translator = self._load_translator()
        self.tokenizer = MarianSpmTokenizer(self.model_dir)
        self.max_positions = model_positions(self.model_dir)
        half = max(1, self.max_positions // 2)
        self.max_source_tokens = max(1, min(int(max_source_tokens or half), self.max_positions))
        self.unk_token = self.tokenizer.unk_token
        self.eos_token = self.tokenizer.eos_token
        self._vocab = set(self.tokenizer.get_vocab())
        self.use_vmap = bool(target_vocabulary) and (self.model_dir / VOCABULARY_MAP).is_file()
        self._banned_memo: Dict[Tuple[str, ...], List[List[str]]] = {}
        #: decoded and credited token counts (see :meth:`stats`)
        self._stats = {"batches": 0, "rows": 0, "source_tokens": 0, "padded_source_tokens": 0,
                       "redecoded": 0, "truncated": 0, "split": 0}

    def _load_translator(self):
        import ctranslate2

        def load():
            return ctranslate2.Translator(str(self.model_dir), device=self.ct2_device,
                                          compute_type=self.compute_type, **self._threads)

        try:
            return load()
        except (RuntimeError, ValueError, OSError) as exc:
            if not str(self.model_dir).startswith(str(cache_root())):
                raise ModelUnavailableError(f"{self.model_dir}: not a usable CTranslate2 model "
                                            f"({_first_line(exc)})") from None
        # a damaged cache entry (same sizes, bad content): convert it again, once
        self.model_dir = converted_model_dir(self.model, self.compute_type, verbose=self.verbose,
                                             rebuild=True)
        try:
            return load()
        except (RuntimeError, ValueError, OSError) as exc:
            raise ModelUnavailableError(f"{self.model_dir}: the converted model cannot be loaded "
                                        f"({_first_line(exc)})") from None

    # -- tokenization ------------------------------------------------------------------------
    def source_tokens(self, sentence: str) -> List[str]:
        """The model's source tokens for ``sentence``, ending with ``</s>``."""
        return self.tokenizer.source_tokens(sentence)

    def target_tokens(self, text: str) -> List[str]:
        """The model's target tokens for ``text`` (no ``</s>``), as the decoder would write them."""
        return self.tokenizer.target_tokens(text)

    def count_tokens(self, sentences: Sequence[str]) -> List[int]:
        """Source tokens per sentence (end-of-sentence included)."""
        return self.tokenizer.count_tokens(sentences)

    def detokenize(self, tokens: Sequence[str]) -> str:
        return self.tokenizer.decode(tokens)

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

    # -- budgets -----------------------------------------------------------------------------
    def budget(self, source_tokens: int, prefix_tokens: int = 0,
               max_new_tokens: Optional[int] = None) -> int:
        """``max_decoding_length`` for a source of ``source_tokens``: prefix included, never past
        the model's positions."""
        new = max_new_tokens if max_new_tokens is not None else decoding_budget(
            source_tokens, self.max_positions)
        return max(1, min(self.max_positions, int(new) + prefix_tokens))

    def stats(self) -> Dict[str, int]:
        """Counters since the engine was built: batches, rows, source tokens with and without
        padding, sentences decoded again, sentences left truncated, sentences split."""
        return dict(self._stats)

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
        n = max(1, int(num_hypotheses))
        results: List[List[Hypothesis]] = [[Hypothesis("", None)] * n for _ in range(count)]
        todo = [i for i, s in enumerate(sentences) if s.strip()]
        if not todo:
            return results
        suppress = self._banned_sequences(banned) or None
        units: Dict[int, _Unit] = {}
        for i in todo:
            prefix = target_prefix[i] if target_prefix and target_prefix[i] else None
            tokens = self.source_tokens(sentences[i])
            if len(tokens) > self.max_source_tokens:  # too long for the model: in parts
                self._stats["split"] += 1
                phrases = [p for p in (constraints[i] if constraints else ()) if p and p.strip()]
                results[i] = translate_in_parts(
                    self, self._split(sentences[i]), num_hypotheses=n, phrases=phrases,
                    banned=banned, max_new_tokens=max_new_tokens,
                    first_part_options={"target_prefix": prefix} if prefix else None)
                continue
            units[i] = _Unit(i, tokens, self.target_tokens(prefix) if prefix else None)
        order = sorted(units)
        decoded = self._decode([units[i] for i in order], n, suppress, max_new_tokens, min_new_tokens)
        for i, hyps in zip(order, decoded):
            unit = units[i]
            phrases = [p for p in (constraints[i] if constraints else ()) if p and p.strip()]
            if phrases:
                hyps = self._force_phrases(unit.source, phrases, hyps, unit.prefix, n,
                                           suppress, max_new_tokens)
            out = [Hypothesis(self.detokenize(t), score, cut) for t, score, cut in hyps[:n]]
            while len(out) < n:  # keep the promised count
                out.append(out[-1] if out else Hypothesis("", None))
            results[i] = out
        self._stats["truncated"] += sum(bool(results[i][0].truncated) for i in order)
        return results

    def _split(self, sentence: str) -> List[str]:
        """``sentence`` cut (at commas, else spaces) into parts the model takes whole."""
        pieces = split_to_token_limit(sentence, lambda text: len(self.source_tokens(text)),
                                      self.max_source_tokens)
        parts = [p.strip() for p in pieces if p.strip()]
        # a part that cannot be cut further (one character) would still be too long: its tokens
        # are left to CTranslate2's input limit rather than crash the decoder
        return parts or [sentence]

    def _decode(self, units: List[_Unit], n: int, suppress, max_new_tokens: Optional[int],
                min_new_tokens: Optional[int]) -> List[List[_Hyp]]:
        """Decode every unit in length buckets; a hypothesis cut by its budget is decoded again
        with twice the budget (up to the positions) unless the caller fixed the budget."""
        decoded: List[List[_Hyp]] = [[] for _ in units]
        budgets: List[int] = [0] * len(units)
        self._decode_batches(units, list(range(len(units))), n, suppress, max_new_tokens,
                             min_new_tokens, decoded, budgets, scale=1)
        if max_new_tokens is None:
            again = [u for u, hyps in enumerate(decoded)
                     if hyps and hyps[0][2] and budgets[u] < self.max_positions
                     and runaway_cut(hyps[0][0]) is None]
            if again:
                self._stats["redecoded"] += len(again)
                self._decode_batches(units, again, n, suppress, None, min_new_tokens, decoded,
                                     budgets, scale=2)
        for u, hyps in enumerate(decoded):
            decoded[u] = [self._cut_runaway(h) for h in hyps]
        return decoded

    @staticmethod
    def _cut_runaway(hyp: _Hyp) -> _Hyp:
        tokens, score, cut = hyp
        if cut:
            shorter = runaway_cut(tokens)
            if shorter is not None:
                return shorter, score, True
        return hyp

    def _decode_batches(self, units: List[_Unit], which: List[int], n: int, suppress,
                        max_new_tokens: Optional[int], min_new_tokens: Optional[int],
                        decoded: List[List[_Hyp]], budgets: List[int], scale: int) -> None:
        lengths = [len(units[u].source) for u in which]
        for batch in batches_by_token_budget(lengths, self.max_batch_tokens, self.batch_size,
                                             self.max_padding):
            group = [which[b] for b in batch]
            longest = max(len(units[u].source) for u in group)
            prefix = max((len(units[u].prefix) for u in group if units[u].prefix), default=0)
            if max_new_tokens is not None:
                limit = self.budget(longest, prefix, max_new_tokens)
            else:
                limit = min(self.max_positions, self.budget(longest, prefix) * scale)
            self._stats["batches"] += 1
            self._stats["rows"] += len(group)
            self._stats["source_tokens"] += sum(len(units[u].source) for u in group)
            self._stats["padded_source_tokens"] += longest * len(group)
            outputs = self._run([units[u].source for u in group], [units[u].prefix for u in group],
                                n, suppress, limit, min_new_tokens)
            for u, hyps in zip(group, outputs):
                decoded[u] = hyps
                budgets[u] = limit

    def _run(self, sources: List[List[str]], prefixes: List[Optional[List[str]]], num_hypotheses: int,
             suppress: Optional[List[List[str]]], max_len: int,
             min_len: Optional[int] = None) -> List[List[_Hyp]]:
        """One CTranslate2 call; per source, ``(tokens, score, cut)`` hypotheses best first."""
        try:
            outputs = self.translator.translate_batch(
                sources, target_prefix=prefixes if any(prefixes) else None,
                beam_size=max(self.beam, num_hypotheses), num_hypotheses=num_hypotheses,
                length_penalty=self.length_penalty, patience=self.patience,
                suppress_sequences=suppress, max_decoding_length=max(int(max_len), 1),
                min_decoding_length=min(int(min_len or 0), max(int(max_len), 1)),
                max_input_length=self.max_positions, return_scores=True, return_end_token=True,
                use_vmap=self.use_vmap,
                max_batch_size=-(-len(sources) // self._workers) if self._workers > 1 else 0)
        except (RuntimeError, ValueError) as exc:
            raise EngineError(f"CTranslate2 failed to translate a batch: {_first_line(exc)}") from None
        eos = self.eos_token
        results: List[List[_Hyp]] = []
        for o in outputs:
            hyps = []
            for tokens, score in zip(o.hypotheses, o.scores):
                tokens = list(tokens)
                ended = bool(tokens) and tokens[-1] == eos
                hyps.append((tokens[:-1] if ended else tokens, float(score), not ended))
            results.append(hyps)
        return results

    def _force_phrases(self, source: List[str], phrases: Sequence[str], hyps: List[_Hyp],
                       prefix: Optional[List[str]], num_hypotheses: int,
                       suppress: Optional[List[List[str]]],
                       max_len: Optional[int]) -> List[_Hyp]:
        """Hypotheses that contain every phrase, by forcing missing ones through ``target_prefix``.

        CTranslate2 has no lexical constraints. For each phrase the best translation lacks, the
        phrase is put at every word boundary of that translation (after the phrases already
        placed) as a target prefix, the model completes each candidate, and the candidate the
        model scores best (whole output, prefix included) is kept. The completion gets the
        sentence's own budget plus the forced words, never past the model's positions.
        """
        current = hyps[0][0]
        fixed = len(prefix or ())
        pool = hyps
        for phrase in phrases:
            if _contains(self.detokenize(current), phrase):
                continue
            forced = self.target_tokens(phrase)
            limit = self.budget(len(source), len(forced), max_len)
            candidates: List[List[str]] = []
            for k in self._insertion_points(current, fixed):
                words = forced if k > 0 else self.target_tokens(phrase[:1].upper() + phrase[1:])
                candidate = current[:k] + words
                if len(candidate) < limit:  # room left for at least the end of sentence
                    candidates.append(candidate)
            if not candidates:
                break
            outputs = self._run([source] * len(candidates), candidates, 1, suppress,
                                max(limit, max(len(c) for c in candidates) + 1))
            done = [(out[0], len(cand)) for out, cand in zip(outputs, candidates) if out]
            if not done:
                break
            # decoding scores leave the forced prefix out: score each whole output instead
            scores = self._score(source, [hyp[0] for hyp, _ in done])
            ranked = sorted(zip(scores, range(len(done))), reverse=True)
            best, fixed = done[ranked[0][1]]
            current = best[0]
            pool = [(done[i][0][0], score, done[i][0][2]) for score, i in ranked]
        complete = [h for h in pool if all(_contains(self.detokenize(h[0]), p) for p in phrases)]
        return [self._cut_runaway(h) for h in (complete or pool)[:max(1, num_hypotheses)]]

    def _score(self, source: List[str], targets: List[List[str]]) -> List[float]:
        """Length-normalised log-probability of each whole target (end of sentence included)."""
        targets = [t[:self.max_positions - 1] for t in targets]
        try:
            results = self.translator.score_batch([source] * len(targets), targets,
                                                  max_input_length=0)
        except (RuntimeError, ValueError) as exc:
            raise EngineError(f"CTranslate2 failed to score candidates: {_first_line(exc)}") from None
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

        sig = {"engine": self.name, "model": self.model, "beam": self.beam,
               "device": self.ct2_device, "compute_type": self.compute_type,
               "ctranslate2": ctranslate2.__version__}
        if self.use_vmap:
            sig["output_vocabulary"] = "target pieces"
        return sig


def cpu_threads(threads: int = 0, intra: int = 0, inter: int = 0) -> Tuple[int, int]:
    """``(intra_threads, inter_threads)`` for CTranslate2 on a CPU.

    On 2 cores, two workers of one thread each, every batch cut in two halves decoded side by
    side, beat one worker of two threads by a fifth to a third (no fork-join of the two threads
    at every matrix product: the kernel's share of CPU time falls from 9% to 1%); the price is a
    second model replica's scratch memory (about 140 MB). ``threads`` (0 = the CPUs available,
    at most 4) is split as two workers; explicit ``intra``/``inter`` win.
    """
    total = max(1, int(threads) or min(4, _available_cpus()))
    inter = int(inter) or (2 if total >= 2 else 1)
    intra = int(intra) or max(1, total // inter)
    return intra, inter


def _available_cpus() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return max(1, os.cpu_count() or 1)


def _contains(text: str, phrase: str) -> bool:
    return phrase.casefold() in text.casefold()


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__

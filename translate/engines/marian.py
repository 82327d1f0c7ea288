"""MarianMT through transformers + sentencepiece (default model ``Helsinki-NLP/opus-mt-zh-en``).

torch and transformers are imported only when a :class:`MarianEngine` is built.
"""
from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Dict, List, Optional, Sequence, Tuple

from termbase.errors import EngineError, ModelUnavailableError

from .base import Hypothesis, TranslationEngine, decoding_budget, runaway_cut, translate_in_parts

_TRUE = {"1", "on", "yes", "true"}


def hub_offline() -> bool:
    """True when ``HF_HUB_OFFLINE`` (or ``TRANSFORMERS_OFFLINE``) asks for no network access."""
    return any(os.environ.get(v, "").strip().lower() in _TRUE
               for v in ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE"))


def resolve_model(model: str) -> tuple:
    """``(name_or_path, is_local)`` for a hub id or a local directory; raises for a bad path."""
    path = Path(model).expanduser()
    if path.is_dir():
        return str(path), True
    if path.exists():
        raise ModelUnavailableError(f"--model '{model}' is a file; pass the model's directory "
                                    f"(with config.json, source.spm, target.spm, vocab.json) or a hub id")
    if model.startswith((".", "/", "~")) or model.count("/") > 1 or "\\" in model:
        raise ModelUnavailableError(f"model directory '{model}' does not exist; check the path "
                                    f"given to --model")
    return model, False


def unavailable_message(model: str) -> str:
    """The one-sentence fix for a hub model that is not cached while offline."""
    return (f"Model '{model}' is not available offline: download it once with network access "
            f"(e.g. `hf download {model}`) or pass --model DIR pointing at a local copy.")


def hub_reachable(timeout: float = 3.0) -> bool:
    """True when the Hugging Face hub (``HF_ENDPOINT``) accepts a connection within ``timeout``.

    Checked before a download so that a machine without network gets the one-line message at
    once instead of minutes of retries.
    """
    import socket
    from urllib.parse import urlparse

    url = urlparse(os.environ.get("HF_ENDPOINT") or "https://huggingface.co")
    port = url.port or (80 if url.scheme == "http" else 443)
    try:
        with socket.create_connection((url.hostname or "huggingface.co", port), timeout=timeout):
            return True
    except OSError:
        return False


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


class MarianEngine(TranslationEngine):
    """Translate with a MarianMT checkpoint (hub id or local directory)."""

    name = "marian"
    supports_constraints = True

    def __init__(self, model: Optional[str] = None, *, device: str = "auto", beam: int = 4,
                 batch_size: int = 16, max_tokens: Optional[int] = None,
                 max_source_tokens: Optional[int] = None, verbose: bool = False, **options):
        from . import DEFAULT_MODEL

        super().__init__(model or DEFAULT_MODEL, device=device, beam=beam, batch_size=batch_size,
                         **options)
        if beam < 1 or batch_size < 1:
            raise EngineError("--beam and --batch-size must be at least 1")
        self.max_tokens = max_tokens
        name, local = resolve_model(self.model)
        offline = hub_offline()

        import torch
        from transformers.utils import logging as hf_logging

        if not verbose:
            hf_logging.set_verbosity_error()
            hf_logging.disable_progress_bar()
            logging.getLogger("transformers").setLevel(logging.ERROR)
        self._torch = torch
        self.device = self._pick_device(device, torch)
        try:
            self.tokenizer, self.net = self._load(name, local_only=True)
        except Exception as exc:  # hub, file and format errors all mean "cannot use this model"
            reason = _first_line(exc)
            if local:
                raise ModelUnavailableError(
                    f"model directory '{self.model}' is not a usable MarianMT model ({reason}); it "
                    f"needs config.json, the weights, source.spm, target.spm and vocab.json") from None
            if offline:
                raise ModelUnavailableError(unavailable_message(self.model)) from None
            if not hub_reachable():
                raise ModelUnavailableError(
                    f"Model '{self.model}' is not in the local cache and the Hugging Face hub "
                    f"cannot be reached: download it once with network access (e.g. "
                    f"`hf download {self.model}`) or pass --model DIR pointing at a "
                    f"local copy.") from None
            try:  # not cached: download it
                self.tokenizer, self.net = self._load(name, local_only=False)
            except Exception as exc2:
                raise ModelUnavailableError(
                    f"Model '{self.model}' is not in the local cache and could not be downloaded "
                    f"({_first_line(exc2)}): check the name and the network, or pass --model DIR "
                    f"pointing at a local copy.") from None
        self.net.to(self.device).eval()
        self._local = local
        cfg = self.net.config
        self.eos_id = cfg.eos_token_id if isinstance(cfg.eos_token_id, int) else 0
        self.pad_id = cfg.pad_token_id
        self.max_positions = int(getattr(cfg, "max_position_embeddings", 512) or 512)
        #: longer sentences are translated in parts (room is left for an output twice as long)
        half = max(1, min(512, self.max_positions) // 2)
        self.max_source_tokens = max(1, min(int(max_source_tokens or half), min(512, self.max_positions)))
        self.revision = getattr(cfg, "_commit_hash", None)

    @staticmethod
    def _load(name: str, *, local_only: bool):
        import warnings

        from transformers import MarianMTModel, MarianTokenizer

        with warnings.catch_warnings():  # "Recommended: pip install sacremoses" is noise for zh→en
            warnings.filterwarnings("ignore", message=".*sacremoses.*")
            return (MarianTokenizer.from_pretrained(name, local_files_only=local_only),
                    MarianMTModel.from_pretrained(name, local_files_only=local_only))

    @staticmethod
    def _pick_device(device: str, torch) -> str:
        if device == "auto":
            return "cuda" if torch.cuda.is_available() else "cpu"
        if device == "cuda" and not torch.cuda.is_available():
            raise EngineError("--device cuda was asked for but no CUDA GPU is available; "
                              "use --device cpu or auto")
        if device not in ("cpu", "cuda"):
            raise EngineError(f"unknown device '{device}'; choose cpu, cuda or auto")
        return device

    # -- tokens ---------------------------------------------------------------------------------
    def count_tokens(self, sentences: Sequence[str]) -> List[int]:
        """Source tokens per sentence (end-of-sentence included)."""
        return [len(ids) for ids in self.tokenizer(list(sentences))["input_ids"]]

    def _target_ids(self, phrase: str) -> List[int]:
        return list(self.tokenizer(text_target=phrase, add_special_tokens=False)["input_ids"])

    def _banned_ids(self, banned: Sequence[str]) -> List[List[int]]:
        out: List[List[int]] = [[self.pad_id]] if self.pad_id is not None else []
        for phrase in banned:
            forms = {phrase, phrase.lower(), phrase[:1].upper() + phrase[1:]}
            for form in sorted(forms):
                ids = self._target_ids(form)
                if ids and ids not in out:
                    out.append(ids)
        return out

    # -- translation ----------------------------------------------------------------------------
    def translate_batch(self, sentences: Sequence[str], *, num_hypotheses: int = 1,
                        constraints: Optional[Sequence[Sequence[str]]] = None,
                        banned: Sequence[str] = (),
                        max_new_tokens: Optional[int] = None) -> List[List[Hypothesis]]:
        from translate.batching import map_in_batches

        if not sentences:
            return []
        lengths = self.count_tokens(sentences)
        fits = [i for i, n in enumerate(lengths) if n <= self.max_source_tokens]
        results: List[Optional[List[Hypothesis]]] = [None] * len(sentences)
        for i, n in enumerate(lengths):
            if n > self.max_source_tokens:  # too long for the model: translated in parts
                from translate.segment import split_to_token_limit

                parts = [p.strip() for p in split_to_token_limit(
                    sentences[i], lambda text: self.count_tokens([text])[0], self.max_source_tokens)
                    if p.strip()]
                results[i] = translate_in_parts(
                    self, parts or [sentences[i]], num_hypotheses=num_hypotheses,
                    phrases=list(constraints[i]) if constraints else (), banned=banned,
                    max_new_tokens=max_new_tokens)
        items = [(sentences[i], list(constraints[i]) if constraints else []) for i in fits]
        budget = self.max_tokens or max(self.batch_size * 64, max(lengths))
        bad = self._banned_ids(banned)

        def run(batch, scale=1):
            return self._generate(batch, num_hypotheses, bad, max_new_tokens, scale)

        decoded = map_in_batches(items, [lengths[i] for i in fits], run, max_tokens=budget,
                                 max_batch=self.batch_size)
        if max_new_tokens is None:  # cut by the budget (not looping): again with twice the budget
            again = [k for k, (hyps, looping, used) in enumerate(decoded)
                     if hyps[0].truncated and not looping and used < self._cap()]
            if again:
                redone = map_in_batches([items[k] for k in again], [lengths[fits[k]] for k in again],
                                        lambda batch: run(batch, 2), max_tokens=budget,
                                        max_batch=self.batch_size)
                for k, result in zip(again, redone):
                    decoded[k] = result
        for i, (hyps, _, _) in zip(fits, decoded):
            results[i] = hyps
        return results  # type: ignore[return-value]

    def _cap(self) -> int:
        """Most new tokens the decoder can take: the model's positions less the start token."""
        return min(512, self.max_positions) - 1

    def _budget(self, source_tokens: int) -> int:
        return min(self._cap(), decoding_budget(source_tokens, self.max_positions))

    def _generate(self, batch, num_hypotheses: int, bad_words: List[List[int]],
                  max_new_tokens: Optional[int], scale: int = 1) -> List[Tuple[List[Hypothesis], bool, int]]:
        """Per sentence: its hypotheses, whether the best one was cut while repeating itself, and
        the budget (new tokens) it was decoded with."""
        torch = self._torch
        from transformers import LogitsProcessorList

        from .hf_constraints import PhraseConstraintProcessor

        texts = [s for s, _ in batch]
        limit = min(512, self.max_positions)
        enc = self.tokenizer(texts, return_tensors="pt", padding=True, truncation=True,
                             max_length=limit).to(self.device)
        src_len = int(enc["input_ids"].shape[1])
        new_tokens = max_new_tokens or min(self._cap(), self._budget(src_len) * scale)
        beams = max(self.beam, num_hypotheses)
        processors = LogitsProcessorList()
        if any(c for _, c in batch):
            phrases = [[self._target_ids(p) for p in c] for _, c in batch]
            need = max(sum(len(p) for p in ps) for ps in phrases)
            new_tokens = min(self._cap(), max(new_tokens, need + src_len + 2))
            processors.append(PhraseConstraintProcessor(
                phrases, num_beams=beams, eos_token_id=self.eos_id, max_new_tokens=new_tokens))
        kwargs = dict(num_beams=beams, num_return_sequences=num_hypotheses, do_sample=False,
                      max_new_tokens=new_tokens, max_length=None, return_dict_in_generate=True,
                      # scores rank n-best lists; asking for them keeps a vocabulary-wide row
                      # per step, so a single hypothesis goes without
                      output_scores=num_hypotheses > 1, logits_processor=processors)
        if bad_words:
            kwargs["bad_words_ids"] = bad_words
        with torch.inference_mode():
            out = self.net.generate(**enc, **kwargs)
        rows = out.sequences.tolist()
        scores = getattr(out, "sequences_scores", None)
        results: List[Tuple[List[Hypothesis], bool, int]] = []
        for i in range(len(batch)):
            hyps = []
            looping = False
            for j in range(num_hypotheses):
                k = i * num_hypotheses + j
                ids = rows[k][1:]  # the decoder start token left out
                # a sentence that used its whole budget was stopped by it (the model's
                # forced_eos_token_id may have written a last </s> there)
                ended = self.eos_id in ids and ids.index(self.eos_id) + 1 < new_tokens
                if self.eos_id in ids:
                    ids = ids[:ids.index(self.eos_id)]
                if not ended:  # stopped by the budget: a repeating tail is cut off
                    ids = [t for t in ids if t != self.pad_id]
                    shorter = runaway_cut(ids)
                    looping = looping or (j == 0 and shorter is not None)
                    ids = shorter or ids
                text = self.tokenizer.decode(ids, skip_special_tokens=True).strip()
                score = float(scores[k]) if scores is not None else None
                hyps.append(Hypothesis(text, score, truncated=not ended))
            results.append((hyps, looping, new_tokens))
        return results

    def signature(self) -> Dict[str, object]:
        sig: Dict[str, object] = {"engine": self.name, "model": self.model, "beam": self.beam,
                                  "device": self.device}
        if self.revision:
            sig["revision"] = self.revision
        return sig

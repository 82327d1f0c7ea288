"""MarianMT through transformers + sentencepiece (default model ``Helsinki-NLP/opus-mt-zh-en``).

torch and transformers are imported only when a :class:`MarianEngine` is built.
"""
from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Dict, List, Optional, Sequence

from termbase.errors import EngineError, ModelUnavailableError

from .base import Hypothesis, TranslationEngine

_TRUE = {"1", "on", "yes", "true"}
#: decoder budget: output tokens allowed per source token (plus a constant), capped by the model
_OUTPUT_RATIO = 2.0
_OUTPUT_EXTRA = 10


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
                 batch_size: int = 16, max_tokens: Optional[int] = None, **options):
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
        items = [(s, list(constraints[i]) if constraints else []) for i, s in enumerate(sentences)]
        lengths = self.count_tokens(sentences)
        budget = self.max_tokens or max(self.batch_size * 64, max(lengths))
        bad = self._banned_ids(banned)

        def run(batch):
            return self._generate(batch, num_hypotheses, bad, max_new_tokens)

        return map_in_batches(items, lengths, run, max_tokens=budget, max_batch=self.batch_size)

    def _generate(self, batch, num_hypotheses: int, bad_words: List[List[int]],
                  max_new_tokens: Optional[int]) -> List[List[Hypothesis]]:
        torch = self._torch
        from transformers import LogitsProcessorList

        from .hf_constraints import PhraseConstraintProcessor

        texts = [s for s, _ in batch]
        limit = min(512, self.max_positions)
        enc = self.tokenizer(texts, return_tensors="pt", padding=True, truncation=True,
                             max_length=limit).to(self.device)
        src_len = int(enc["input_ids"].shape[1])
        new_tokens = max_new_tokens or min(limit - 1, int(src_len * _OUTPUT_RATIO) + _OUTPUT_EXTRA)
        beams = max(self.beam, num_hypotheses)
        processors = LogitsProcessorList()
        if any(c for _, c in batch):
            phrases = [[self._target_ids(p) for p in c] for _, c in batch]
            need = max(sum(len(p) for p in ps) for ps in phrases)
            new_tokens = min(limit - 1, max(new_tokens, need + src_len + 2))
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
        texts_out = self.tokenizer.batch_decode(out.sequences, skip_special_tokens=True)
        scores = getattr(out, "sequences_scores", None)
        results: List[List[Hypothesis]] = []
        for i in range(len(batch)):
            hyps = []
            for j in range(num_hypotheses):
                k = i * num_hypotheses + j
                score = float(scores[k]) if scores is not None else None
                hyps.append(Hypothesis(texts_out[k].strip(), score))
            results.append(hyps)
        return results

    def signature(self) -> Dict[str, object]:
        sig: Dict[str, object] = {"engine": self.name, "model": self.model, "beam": self.beam,
                                  "device": self.device}
        if self.revision:
            sig["revision"] = self.revision
        return sig

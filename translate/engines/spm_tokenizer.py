"""A Marian model's tokenizer read straight from its sentencepiece files, without transformers.

OPUS-MT models ship ``source.spm``, ``target.spm`` and ``vocab.json`` (piece → id, shared by both
sides unless ``tokenizer_config.json`` says ``separate_vocabs``). :class:`MarianSpmTokenizer`
reproduces ``transformers.MarianTokenizer``'s ids exactly (tests compare the two on many sentences):
special tokens written in the text (``</s>``, ``<unk>``, ``<pad>``) are kept whole, the rest goes
through the source or target sentencepiece model, pieces missing from the vocabulary become
``<unk>``, and a source sentence ends with ``</s>``. Importing transformers costs more than a
second; this costs the two sentencepiece loads.
"""
from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Dict, List, Sequence

from termbase.errors import ModelUnavailableError

SPIECE_UNDERLINE = "\u2581"
#: files a Marian tokenizer needs (``target_vocab.json`` only with separate vocabularies)
REQUIRED_FILES = ("source.spm", "target.spm", "vocab.json")


def _read_json(path: Path) -> dict:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, ValueError) as exc:
        raise ModelUnavailableError(f"{path}: unreadable tokenizer file ({exc})") from None
    return data if isinstance(data, dict) else {}


def _token_text(value, default: str) -> str:
    """A special token from tokenizer_config.json: a string or an AddedToken dict."""
    if isinstance(value, str) and value:
        return value
    if isinstance(value, dict) and isinstance(value.get("content"), str):
        return value["content"]
    return default


class MarianSpmTokenizer:
    """Source and target tokenization of a Marian model directory (see the module docstring)."""

    def __init__(self, model_dir) -> None:
        import sentencepiece

        directory = Path(model_dir)
        missing = [name for name in REQUIRED_FILES if not (directory / name).is_file()]
        if missing:
            raise ModelUnavailableError(f"model '{directory}' has no usable Marian tokenizer: "
                                        f"{', '.join(missing)} missing")
        config = _read_json(directory / "tokenizer_config.json")
        special = _read_json(directory / "special_tokens_map.json")
        self.eos_token = _token_text(config.get("eos_token", special.get("eos_token")), "</s>")
        self.unk_token = _token_text(config.get("unk_token", special.get("unk_token")), "<unk>")
        self.pad_token = _token_text(config.get("pad_token", special.get("pad_token")), "<pad>")
        self.separate_vocabs = bool(config.get("separate_vocabs", False))
        self.source_vocab: Dict[str, int] = _read_json(directory / "vocab.json")
        if self.separate_vocabs:
            self.target_vocab: Dict[str, int] = _read_json(directory / "target_vocab.json")
        else:
            self.target_vocab = self.source_vocab
        if self.unk_token not in self.source_vocab or self.unk_token not in self.target_vocab:
            raise ModelUnavailableError(f"model '{directory}': vocab.json has no {self.unk_token} "
                                        f"token; it is not a Marian vocabulary")
        self.specials = list(dict.fromkeys((self.eos_token, self.unk_token, self.pad_token)))
        # longest first, as transformers' trie does for tokens sharing a start
        self._special_re = re.compile("(" + "|".join(re.escape(t) for t in sorted(
            self.specials, key=len, reverse=True)) + ")")
        try:
            self._source = sentencepiece.SentencePieceProcessor(model_file=str(directory / "source.spm"))
            self._target = sentencepiece.SentencePieceProcessor(model_file=str(directory / "target.spm"))
        except (OSError, RuntimeError) as exc:
            raise ModelUnavailableError(f"model '{directory}': unreadable sentencepiece model "
                                        f"({exc})") from None

    # -- encoding -----------------------------------------------------------------------------
    def _pieces(self, text: str, processor, vocab: Dict[str, int]) -> List[str]:
        out: List[str] = []
        for chunk in self._special_re.split(text):
            if not chunk:
                continue
            if chunk in self.specials:
                out.append(chunk)
                continue
            if chunk.startswith(">>") and "<<" in chunk:  # a language code (multilingual models)
                end = chunk.index("<<") + 2
                out.append(chunk[:end] if chunk[:end] in vocab else self.unk_token)
                chunk = chunk[end:]
            out.extend(p if p in vocab else self.unk_token
                       for p in processor.encode(chunk, out_type=str))
        return out

    def source_tokens(self, text: str) -> List[str]:
        """The model's source tokens for ``text``, ending with ``</s>``."""
        return self._pieces(text, self._source, self.source_vocab) + [self.eos_token]

    def target_tokens(self, text: str) -> List[str]:
        """The model's target tokens for ``text`` (no ``</s>``), as the decoder writes them."""
        return self._pieces(text, self._target, self.target_vocab)

    def source_ids(self, text: str) -> List[int]:
        return [self.source_vocab[t] for t in self.source_tokens(text)]

    def target_ids(self, text: str) -> List[int]:
        return [self.target_vocab[t] for t in self.target_tokens(text)]

    def count_tokens(self, texts: Sequence[str]) -> List[int]:
        """Source tokens per text, ``</s>`` included."""
        return [len(self.source_tokens(t)) for t in texts]

    # -- decoding -----------------------------------------------------------------------------
    def decode(self, tokens: Sequence[str]) -> str:
        """The text of target ``tokens``; special tokens are left out (``skip_special_tokens``)."""
        pieces = [t for t in tokens if t not in self.specials]
        return self._target.decode_pieces(pieces).replace(SPIECE_UNDERLINE, " ").strip()

    def get_vocab(self) -> Dict[str, int]:
        """The source vocabulary (piece → id), as ``MarianTokenizer.get_vocab``."""
        return dict(self.source_vocab)


def load_tokenizer(model_dir) -> MarianSpmTokenizer:
    """The tokenizer of the Marian model (or CTranslate2 conversion) in ``model_dir``."""
    return MarianSpmTokenizer(model_dir)


__all__ = ["MarianSpmTokenizer", "REQUIRED_FILES", "load_tokenizer"]

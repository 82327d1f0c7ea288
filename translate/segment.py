"""Splitting a Chinese paragraph into sentences without losing a character.

A paragraph becomes a list of :class:`Piece`; joining their texts gives the paragraph back exactly.
Sentences end at 。！？； (and ! ? ;), at an ellipsis (…… or ...), with any closing quotes or
brackets kept on the sentence. Latin runs inside Chinese are never cut (a period inside "No.5" or
"cqnews.net" does not end a sentence; one after a word and before a space or Chinese does). A
sentence longer than ``max_chars`` is split before that length at a comma-like mark, or else at a
word boundary. Whitespace between sentences, sentences without Chinese characters and runs of
five English words or more glued to Chinese (bilingual PDF text) are kept as they are
(``translate=False``).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterable, List

from termbase.normalize import has_cjk

#: characters per sentence handed to the engine (well below opus-mt's 512 tokens)
DEFAULT_MAX_CHARS = 200

_END = "。！？；!?;"
_CLOSERS = "”’」』）)》〉】〕]\"'"
_SENTENCE_END = re.compile(
    r"(?:[" + re.escape(_END) + r"]+|…+|\.{3,}|⋯+"
    # a Latin sentence ends at a full stop after a word when a space or Chinese follows
    r"|(?<=[A-Za-z]{2})\.(?=[" + re.escape(_CLOSERS) + r"]*(?:\s|[\u3400-\u9fff])))"
    r"[" + re.escape(_CLOSERS) + r"]*")
_SOFT_BREAK = re.compile(r"[，、：,:]\s*|\s+")
#: a run of English glued to Chinese (PDF-extracted bilingual text): five words or more
_LATIN_RUN = re.compile(r"[A-Za-z][A-Za-z0-9'’,.:;!?()&/%\-– ]*[A-Za-z0-9.)!?]")
_MIN_LATIN_WORDS = 5


@dataclass(frozen=True)
class Piece:
    """A run of a paragraph: a sentence to translate, or text kept as it is."""

    text: str
    translate: bool


def _sentence_spans(text: str) -> Iterable[str]:
    pos = 0
    for m in _SENTENCE_END.finditer(text):
        if m.end() > pos:
            yield text[pos:m.end()]
            pos = m.end()
    if pos < len(text):
        yield text[pos:]


def split_long(sentence: str, max_chars: int = DEFAULT_MAX_CHARS) -> List[str]:
    """Cut ``sentence`` into parts of at most ``max_chars`` characters (joined, they give it back)."""
    parts: List[str] = []
    rest = sentence
    while len(rest) > max_chars:
        window = rest[:max_chars]
        cut = 0
        for m in _SOFT_BREAK.finditer(window):
            if m.end() < len(rest) and m.start() > 0:
                cut = m.end()
        if cut == 0:  # no comma or space: cut between characters, never inside a Latin word
            cut = max_chars
            while cut > 1 and rest[cut - 1].isascii() and rest[cut - 1].isalnum() \
                    and rest[cut].isascii() and rest[cut].isalnum():
                cut -= 1
            if cut <= 1:
                cut = max_chars
        parts.append(rest[:cut])
        rest = rest[cut:]
    if rest:
        parts.append(rest)
    return parts


def segment_paragraph(text: str, max_chars: int = DEFAULT_MAX_CHARS) -> List[Piece]:
    """The pieces of one paragraph; ``"".join(p.text for p in pieces) == text``."""
    pieces: List[Piece] = []
    for sentence in _sentence_spans(text):
        for part in _split_latin_runs(sentence):
            if not has_cjk(part):
                pieces.append(Piece(part, False))
                continue
            pieces.extend(_pieces(part, max_chars))
    return pieces


def _split_latin_runs(sentence: str) -> List[str]:
    """Cut long English runs (bilingual PDF text) out of a Chinese sentence; short ones stay."""
    if not has_cjk(sentence):
        return [sentence]
    parts: List[str] = []
    pos = 0
    for m in _LATIN_RUN.finditer(sentence):
        if len(re.findall(r"[A-Za-z]+", m.group())) >= _MIN_LATIN_WORDS and len(m.group()) >= 25:
            if m.start() > pos:
                parts.append(sentence[pos:m.start()])
            parts.append(m.group())
            pos = m.end()
    if pos < len(sentence):
        parts.append(sentence[pos:])
    return parts


def _pieces(sentence: str, max_chars: int) -> List[Piece]:
    pieces: List[Piece] = []
    for part in split_long(sentence, max_chars):
        core = part.strip()
        if not core:
            pieces.append(Piece(part, False))
            continue
        lead = part[:len(part) - len(part.lstrip())]
        trail = part[len(part.rstrip()):]
        if lead:
            pieces.append(Piece(lead, False))
        pieces.append(Piece(core, has_cjk(core)))
        if trail:
            pieces.append(Piece(trail, False))
    return pieces


def join_translation(pieces: List[Piece], translations: List[str]) -> str:
    """Rebuild a paragraph: translated pieces replaced in order, kept pieces as they were.

    ``translations`` has one string per translated piece. A space is put between two adjacent
    pieces when neither has whitespace at the joint (Chinese sentences are not space-separated).
    """
    out: List[str] = []
    it = iter(translations)
    prev_translated = False
    for piece in pieces:
        text = next(it) if piece.translate else piece.text
        if out and text and out[-1] and (piece.translate or prev_translated):
            if not out[-1][-1].isspace() and not text[0].isspace():
                out.append(" ")
        out.append(text)
        prev_translated = piece.translate
    return "".join(out)


__all__ = ["DEFAULT_MAX_CHARS", "Piece", "join_translation", "segment_paragraph", "split_long"]

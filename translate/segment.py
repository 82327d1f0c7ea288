"""Splitting a Chinese paragraph into sentences without losing a character.

A paragraph becomes a list of :class:`Piece`; joining their texts gives the paragraph back exactly.
Sentences end at 。！？； and at an ellipsis (…… or ⋯), with any closing quotes or brackets kept on
the sentence. Latin runs inside Chinese are never cut: an ASCII ``. ! ? ;`` (or ``...``) ends a
sentence only where Chinese (or the end of the paragraph) follows, never where the Latin run goes
on ("U.S. Army", "St. Louis", "Mr. Huub Buise", "cqnews.net/a?b=1", "3.5"), and never after an
abbreviation or an initial ("Mr.", "St.", "No.", "U.S.", "J."). A sentence longer than ``max_chars``
is split before that length at a comma-like mark outside Latin runs, URLs and numbers, or else at a
word boundary; :func:`split_to_token_limit` does the same by the model's own token count. Whitespace
between sentences, sentences without Chinese characters and runs of five English words or more glued
to Chinese (bilingual PDF text) are kept as they are (``translate=False``).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable, Iterable, List, Tuple

from termbase.normalize import has_cjk

#: characters per sentence handed to the engine (well below opus-mt's 512 tokens)
DEFAULT_MAX_CHARS = 200

_CLOSERS = "”’」』）)》〉】〕]\"'"
#: candidate sentence ends; the ASCII ones are kept only where :func:`_ascii_end` agrees
_SENTENCE_END = re.compile(
    r"(?:[。！？；]+[!?;]*|…+|⋯+|\.{3,}|[.!?;]+)[" + re.escape(_CLOSERS) + r"]*")
#: words that end with a full stop without ending the sentence (compared lower-case)
ABBREVIATIONS = frozenset("""
    mr mrs ms mx dr prof st mt ft jr sr rev hon gen col lt sgt capt cmdr adm gov sen rep pres
    no nos vol vols pp p fig figs art arts sec para ch chap ed eds est approx dept univ assn
    co corp inc ltd bros plc ave rd blvd sq vs etc al cf viz jan feb mar apr jun jul aug sep sept
    oct nov dec mon tue wed thu fri sat sun
""".split())
_WORD_BEFORE = re.compile(r"[A-Za-z][A-Za-z.]*$")
_INITIALS = re.compile(r"(?:[A-Za-z]\.)*[A-Za-z]")  # J / U.S / e.g / P.R.C (its last dot cut)
#: where a long sentence may be cut: Chinese marks anywhere, ASCII ones before a space or Chinese
_SOFT_BREAK = re.compile(r"[，、：]\s*|[,:](?=[\s\u3000-\u303f\u3400-\u9fff\uff00-\uffef])\s*|\s+")
#: stretches a cut must not fall inside: URLs, numbers with separators, runs of Latin words
_PROTECTED = re.compile(
    r"(?:https?://|www\.)[^\s\u3000-\u303f\u3400-\u9fff\uff00-\uffef]+"
    r"|\d[\d,.:/\-]*\d"
    r"|[A-Za-z0-9][A-Za-z0-9.'’&/\-]*(?:(?:,?[ \t]+|[,:])[A-Za-z0-9][A-Za-z0-9.'’&/\-]*)*")
#: a run of English glued to Chinese (PDF-extracted bilingual text): five words or more
_LATIN_RUN = re.compile(r"[A-Za-z][A-Za-z0-9'’,.:;!?()&/%\-– ]*[A-Za-z0-9.)!?]")
_MIN_LATIN_WORDS = 5


@dataclass(frozen=True)
class Piece:
    """A run of a paragraph: a sentence to translate, or text kept as it is."""

    text: str
    translate: bool


def _ascii_end(text: str, match: "re.Match[str]") -> bool:
    """Whether an ASCII ``. ! ? ;`` (or ``...``) match ends a sentence inside Chinese text."""
    mark = match.group().rstrip(_CLOSERS)
    rest = text[match.end():].lstrip()
    if rest and rest[0].isascii():  # the Latin run goes on (a word, a digit, a bracket, a quote)
        return False
    if mark.startswith(".") and len(mark) < 3:  # a full stop: not after a number or abbreviation
        before = text[:match.start()]
        if not before or not before[-1].isalpha() or not before[-1].isascii():
            return False
        word = _WORD_BEFORE.search(before)
        if word is None:
            return False
        word_text = word.group()
        if word_text.lower() in ABBREVIATIONS or _INITIALS.fullmatch(word_text):
            return False
    return True


def _sentence_spans(text: str) -> Iterable[str]:
    pos = 0
    for m in _SENTENCE_END.finditer(text):
        if m.group()[0] in ".!?;" and not _ascii_end(text, m):
            continue
        if m.end() > pos:
            yield text[pos:m.end()]
            pos = m.end()
    if pos < len(text):
        yield text[pos:]


def _protected_spans(text: str) -> List[Tuple[int, int]]:
    return [m.span() for m in _PROTECTED.finditer(text)]


def _inside(pos: int, spans: List[Tuple[int, int]]) -> bool:
    return any(start < pos < end for start, end in spans)


def split_long(sentence: str, max_chars: int = DEFAULT_MAX_CHARS) -> List[str]:
    """Cut ``sentence`` into parts of at most ``max_chars`` characters (joined, they give it back).

    Cuts go after the last comma-like mark (or space) of each window that is not inside a Latin
    run, a URL or a number; failing that, before the run the window would cut, or right after the
    last run that ends in the window; failing that, after the last mark at all; failing that, between two characters that are not both letters or
    digits of a Latin word.
    """
    parts: List[str] = []
    rest = sentence
    while len(rest) > max_chars:
        window = rest[:max_chars]
        spans = _protected_spans(rest)
        inside = outside = 0
        for m in _SOFT_BREAK.finditer(window):
            if m.end() < len(rest) and m.start() > 0:
                inside = m.end()
                if not _inside(m.start(), spans) and not _inside(m.end(), spans):
                    outside = m.end()
        # before a URL, number or Latin run that the window would cut
        before = next((start for start, end in spans if 0 < start < max_chars < end), 0)
        # else right after a run that ends inside the window (where Chinese takes over)
        after = max((end for start, end in spans if 0 < end <= max_chars and end < len(rest)), default=0)
        cut = outside or before or after or inside
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


def split_to_token_limit(sentence: str, count_tokens: Callable[[str], int],
                         max_tokens: int) -> List[str]:
    """Cut ``sentence`` where :func:`split_long` would, until each part has at most ``max_tokens``
    tokens by ``count_tokens`` (the model's own tokenizer); joined, the parts give it back.

    A part that cannot be cut further (one character) is returned as it is.
    """
    total = count_tokens(sentence)
    if total <= max_tokens or len(sentence) <= 1:
        return [sentence]
    chars = max(1, min(len(sentence) - 1, int(len(sentence) * max_tokens / total * 0.9)))
    parts: List[str] = []
    for part in split_long(sentence, chars):
        if len(part) < len(sentence) and count_tokens(part) > max_tokens:
            parts.extend(split_to_token_limit(part, count_tokens, max_tokens))
        else:
            parts.append(part)
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
        words = [w for w in m.group().split() if re.search(r"[A-Za-z]", w)]  # a URL is one word
        if len(words) >= _MIN_LATIN_WORDS and len(m.group()) >= 25:
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


__all__ = ["ABBREVIATIONS", "DEFAULT_MAX_CHARS", "Piece", "join_translation", "segment_paragraph",
           "split_long", "split_to_token_limit"]

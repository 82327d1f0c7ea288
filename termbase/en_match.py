"""Finding approved or forbidden English renderings in English text.

Matching works on word tokens, so it is tolerant where an editor would be: case (unless the term is
case-sensitive), hyphen or space between words ("opening-up" = "opening up"), a plural -s/-es/-ies
or possessive 's on the last word ("sister cities", "Chongqing's"), and punctuation between
words. Word boundaries are respected: "CPC" is not found in "CPCs" only through the plural rule,
never inside "XCPC".
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import accumulate, compress, count, islice, repeat
from operator import attrgetter
from typing import Dict, Iterable, List, NamedTuple, Optional, Sequence, Set, Tuple

from .glossary import Entry
from .records import frozen_record

_TOKEN = re.compile(r"[A-Za-z0-9\u00C0-\u024F]+(?:['\u2019][A-Za-z]+)?")
_PLAIN = re.compile(r"[A-Za-z0-9]+(?: [A-Za-z0-9]+)*")
_POSSESSIVE = re.compile(r"['\u2019]s?$", re.IGNORECASE)

_ARTICLES = ("the", "a", "an")
APPROVED = "approved"
FORBIDDEN = "forbidden"


class Token(NamedTuple):
    """A word of English text: ``text[start:end]``, its case-kept form and its folded form."""

    start: int
    end: int
    word: str  # possessive removed, apostrophes normalised, case kept
    fold: str  # ``word`` lower-cased


@frozen_record
class EnMatch:
    """A rendering found in English text: ``text[start:end]`` is ``matched``."""

    start: int
    end: int
    matched: str
    rendering: str
    entry: Optional[Entry]
    kind: str = APPROVED


class TokenList(list):
    """The tokens :func:`tokenize_en` returns: a list of :class:`Token` that also carries their
    folded forms (``folds``, the ``Token.fold`` of each, in order) so that the matchers that
    walk one text's tokens need not gather them again. Do not modify it in place (``folds``
    would no longer describe it); a copy (``list(tokens)``) is a plain list."""

    __slots__ = ("folds",)
    folds: List[str]

    def __reduce__(self):
        return _token_list, (list(self), getattr(self, "folds", None))


def _token_list(tokens: List[Token], folds: Optional[List[str]]) -> TokenList:
    out = TokenList(tokens)
    if folds is not None:
        out.folds = folds
    return out


_new_tuple = tuple.__new__
_SPLIT = re.compile(f"({_TOKEN.pattern})")


def tokenize_en(text: str) -> List[Token]:
    """Word tokens of English text, possessive 's stripped (a :class:`TokenList`)."""
    # the text split around its tokens: [gap, token, gap, token, ..., gap]; each token's offsets
    # are the running sums of the parts' lengths (no match object, no Python step per word)
    parts = _SPLIT.split(text)
    words = parts[1::2]
    ends = list(accumulate(map(len, parts)))
    if "'" in text or "\u2019" in text:
        for i in _with_apostrophe(words, text):
            word = words[i]
            words[i] = _POSSESSIVE.sub("", word.replace("\u2019", "'")) or word
    folds = list(map(str.lower, words))
    out = TokenList(map(_new_tuple, repeat(Token), zip(ends[0::2], ends[1::2], words, folds)))
    out.folds = folds
    return out


def _with_apostrophe(words: List[str], text: str) -> Iterable[int]:
    """The positions of the words of ``text`` that hold an apostrophe (' or \u2019), in order
    (found in C: the words of a text are many, those with an apostrophe few)."""
    if "\u2019" not in text:
        return compress(count(), map(str.__contains__, words, repeat("'")))
    if "'" not in text:
        return compress(count(), map(str.__contains__, words, repeat("\u2019")))
    return [i for i, word in enumerate(words) if "'" in word or "\u2019" in word]


def word_tokens(rendering: str) -> Tuple[str, ...]:
    """The word tokens (``Token.word``) of a rendering, as :class:`EnMatcher` indexes it: its
    space-separated parts when it is plain words (most are), else those of :func:`tokenize_en`."""
    if _PLAIN.fullmatch(rendering):
        return tuple(rendering.split(" "))
    return tuple(t.word for t in tokenize_en(rendering))


def _indexed_words(words: Sequence[str]) -> Tuple[Sequence[str], ...]:
    """The word sequences a rendering of these word tokens is indexed under: without a leading
    article ("young man" for "the young man"), where it has one, then as written."""
    if len(words) > 1 and words[0].lower() in _ARTICLES:
        return words[1:], words
    return (words,)


def can_occur(words: Sequence[str], folds: Set[str]) -> bool:
    """False when :meth:`EnMatcher.find_all` cannot find the rendering of these word tokens in
    any text whose token folds are among ``folds`` (:func:`texts_token_folds`): every word of the
    shortest key it is indexed under (a leading article dropped, the last word in one of its
    singular or plural forms) must be one of them."""
    if not words:
        return False
    words = _indexed_words(words)[0]
    return (all(w.lower() in folds for w in words[:-1])
            and any(form in folds for form in _forms(words[-1].lower())))


def folds_of(tokens: Sequence[Token]) -> List[str]:
    """The ``Token.fold`` of each token, in order (kept by a :class:`TokenList`)."""
    folds = getattr(tokens, "folds", None)
    if folds is not None and len(folds) == len(tokens):
        return folds
    return [t.fold for t in tokens]


def _forms(word: str) -> Tuple[str, ...]:
    """Singular/plural forms of a last word."""
    forms = {word, word + "s", word + "es"}
    low = word.lower()
    if len(word) > 2 and low.endswith("y") and low[-2] not in "aeiou":
        forms.add(word[:-1] + "ies")
    if len(word) > 3 and low.endswith("ies"):
        forms.add(word[:-3] + "y")
    if len(word) > 3 and low.endswith("es"):
        forms.add(word[:-2])
    if len(word) > 2 and low.endswith("s") and not low.endswith("ss"):
        forms.add(word[:-1])
    return tuple(forms)


@dataclass(frozen=True)
class _Phrase:
    rendering: str
    words: Tuple[str, ...]
    entry: Optional[Entry]
    kind: str
    case_sensitive: bool


class EnMatcher:
    """Finds many renderings at once in English text via a word n-gram index."""

    def __init__(self, phrases: Iterable[Tuple[str, Optional[Entry], str, bool]] = ()):
        self._index: Dict[Tuple[str, ...], List[_Phrase]] = {}
        # the keys of ``_index`` of two words or more by their first two words (the lengths of
        # those keys, longest first), and the keys of one word
        self._pair_lengths: Dict[Tuple[str, str], Tuple[int, ...]] = {}
        self._singles: Set[str] = set()
        for rendering, entry, kind, case_sensitive in phrases:
            self.add(rendering, entry, kind, case_sensitive)

    @classmethod
    def for_glossary(cls, glossary: Iterable[Entry], *, approved: bool = True,
                     forbidden: bool = True) -> "EnMatcher":
        """A matcher over the approved and/or forbidden renderings of a glossary."""
        m = cls()
        for e in glossary:
            if approved:
                for r in e.en:
                    m.add(r, e, APPROVED, e.case_sensitive)
            if forbidden:
                for r in e.forbidden:
                    m.add(r, e, FORBIDDEN, e.case_sensitive)
        return m

    def add(self, rendering: str, entry: Optional[Entry] = None, kind: str = APPROVED,
            case_sensitive: bool = False) -> None:
        """Index one rendering."""
        self.add_words(rendering, word_tokens(rendering), entry, kind, case_sensitive)

    def add_words(self, rendering: str, words: Tuple[str, ...], entry: Optional[Entry] = None,
                  kind: str = APPROVED, case_sensitive: bool = False) -> None:
        """Index one rendering whose word tokens (``Token.word``) are already known."""
        if not words:
            return
        for indexed in _indexed_words(words):
            self._add(rendering, indexed, entry, kind, case_sensitive)

    def _add(self, rendering: str, words: Tuple[str, ...], entry: Optional[Entry], kind: str,
             case_sensitive: bool) -> None:
        phrase = _Phrase(rendering, words, entry, kind, case_sensitive)
        n = len(words)
        head = tuple(map(str.lower, words[:-1])) if n > 1 else ()
        index = self._index
        pair_lengths = self._pair_lengths
        for form in _forms(words[-1].lower()):
            key = head + (form,)
            bucket = index.get(key)
            if bucket is None:
                index[key] = [phrase]
            elif phrase not in bucket:
                bucket.append(phrase)
            if n == 1:
                self._singles.add(form)
                continue
            pair = key[:2]
            lengths = pair_lengths.get(pair, ())
            if n not in lengths:
                pair_lengths[pair] = tuple(sorted(lengths + (n,), reverse=True))

    def find_all(self, text: str, tokens: Optional[Sequence[Token]] = None) -> List[EnMatch]:
        """Every occurrence of every indexed rendering, overlapping ones included."""
        if tokens is None:
            toks = tokenize_en(text)
        else:
            toks = tokens if isinstance(tokens, (list, tuple)) else list(tokens)
        folds = folds_of(toks)
        n_tok = len(folds)
        out: List[EnMatch] = []
        index = self._index
        # renderings of two words or more where the text's two words begin one (longest first;
        # the pairs of words and their lookups made in C, one per word of the text)
        pairs = list(zip(folds, islice(folds, 1, None)))
        lengths_at = list(map(self._pair_lengths.get, pairs))
        for i, lengths in zip(compress(count(), lengths_at), filter(None, lengths_at)):
            for n in lengths:
                if i + n > n_tok:
                    continue
                phrases = index.get(pairs[i] if n == 2 else tuple(folds[i:i + n]))
                if not phrases:
                    continue
                s, e = toks[i].start, toks[i + n - 1].end
                matched = text[s:e]
                for phrase in phrases:
                    if phrase.case_sensitive and not _same_case(phrase.words, toks[i:i + n]):
                        continue
                    out.append(EnMatch(s, e, matched, phrase.rendering, phrase.entry,
                                         phrase.kind))
        # renderings of one word (the order of the matches is made by the sort below: no two
        # lookups find the same span)
        multi = len(out)  # those above are in order already (by token, longest first)
        singles = self._singles
        if singles:
            for i in compress(count(), map(singles.__contains__, folds)):
                tok = toks[i]
                s, e = tok.start, tok.end
                matched = text[s:e]
                for phrase in index[(folds[i],)]:
                    if phrase.case_sensitive and not _same_case(phrase.words, (tok,)):
                        continue
                    out.append(EnMatch(s, e, matched, phrase.rendering, phrase.entry,
                                         phrase.kind))
        if multi and len(out) > multi:
            # the one-word matches go between the longer ones: after those at the same start
            # (they end first), which the stable sort by start keeps in place (_match_order)
            out.sort(key=_by_start)
        return out

    def find(self, text: str, tokens: Optional[Sequence[Token]] = None) -> List[EnMatch]:
        """Longest, non-overlapping occurrences, in text order."""
        out: List[EnMatch] = []
        pos = 0
        for m in self.find_all(text, tokens):
            if m.start >= pos:
                out.append(m)
                pos = m.end
        return out


def _match_order(m: EnMatch) -> Tuple[int, int]:
    """The order of :meth:`EnMatcher.find_all`: by start, longest first."""
    return m.start, m.start - m.end


_by_start = attrgetter("start")


def phrase_firsts(words: Sequence[str]) -> Set[str]:
    """The folded words at which :meth:`EnMatcher.find_all` can find a rendering of these word
    tokens (its first word; every form of it for a one-word rendering; the same for the rendering
    without its leading article)."""
    out: Set[str] = set()
    for ws in _indexed_words(words) if words else ():
        out.update(_forms(ws[0].lower()) if len(ws) == 1 else (ws[0].lower(),))
    return out


def token_folds(text: str) -> Set[str]:
    """The folded words (``Token.fold``) of ``text``: what :func:`tokenize_en` would give, at the
    speed of one regular-expression pass."""
    return _folds_of_words(set(_TOKEN.findall(text)), text)


def texts_token_folds(texts: Iterable[str]) -> Set[str]:
    """The union of :func:`token_folds` over ``texts`` (no word runs from one text into the
    next across the line break that joins them: one pass over all)."""
    joined = "\n".join(texts)
    return _folds_of_words(set(_TOKEN.findall(joined)), joined)


def _folds_of_words(words: Set[str], text: str) -> Set[str]:
    """The folded forms of the distinct words ``words`` matched in ``text`` (each word's fold is
    a function of the word alone: found once per distinct word)."""
    if "'" in text or "\u2019" in text:
        odd = [w for w in words if "'" in w or "\u2019" in w]
        if odd:
            words.difference_update(odd)
            words.update(_POSSESSIVE.sub("", w.replace("\u2019", "'")) or w for w in odd)
    return set(map(str.lower, words))


def _same_case(words: Sequence[str], window: Sequence[Token]) -> bool:
    if any(w != t.word for w, t in zip(words[:-1], window[:-1])):
        return False
    return window[-1].word in _forms(words[-1])


def find_rendering(text: str, rendering: str, *, case_sensitive: bool = False) -> List[Tuple[int, int]]:
    """Spans of ``rendering`` in ``text`` under the tolerant matching rules."""
    m = EnMatcher([(rendering, None, APPROVED, case_sensitive)])
    return [(x.start, x.end) for x in m.find_all(text)]


def has_approved(text: str, entry: Entry) -> bool:
    """True when one of the entry's approved renderings occurs in ``text``."""
    m = EnMatcher.for_glossary([entry], forbidden=False)
    return bool(m.find_all(text))

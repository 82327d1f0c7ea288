"""Terminology enforcement: a wrapper that makes any engine use the glossary's approved English.

For each segment (a sentence):

1. **exact** — the segment *is* a glossary term (a title, a heading): the approved English, no MT;
2. **placeholder** — terms are replaced by placeholders (``TERM0``, ``TERM1`` …) before MT and the
   approved renderings put back after; a placeholder the engine lost, duplicated or mangled is
   recovered by re-decoding n-best candidates and taking the one that keeps most terms;
3. **constrained** — still missing terms: the unprotected sentence is decoded again with the
   approved renderings as hard lexical constraints (engines with ``supports_constraints``);
4. **replaced** — a forbidden rendering left in the output is replaced by the approved one;
5. **failed** — a term that is still not in the output is reported, never dropped silently.

Every term is verified in the final English with :mod:`termbase.en_match`. Forbidden renderings
of the whole glossary are passed to the engine as banned phrases.

**Inline codes** travel the same way. A segment may be an :class:`~termbase.inline.InlineText`
(text plus the tags of XLIFF, .docx or Markdown); literal placeholders of plain text (``{0}``,
``%s``, URLs, e-mail addresses) become codes too (:func:`termbase.inline.patterns.protect_literals`).
Codes at the segment's edges never reach the engine (:func:`termbase.inline.strip_edges`); codes
inside a glossary term move to its edges; the others become placeholders ``TAG<n>`` numbered after
the term placeholders (one numbering per segment, so a term and a code never share a number). A
code the engine lost or repeated makes a candidate unclean, so the same n-best and constrained
steps recover it (the constrained step forces the missing ``TAG<n>``). The target is rebuilt with
:func:`termbase.inline.restore_codes` (valid nesting; a code still missing is appended at the end
of its segment) and every code's fate is reported (:class:`CodeOutcome`).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Dict, List, Optional, Sequence, Tuple, Union

from termbase.en_match import FORBIDDEN, EnMatcher
from termbase.glossary import Entry, Glossary
from termbase.inline import (CLOSE, OPEN, Code, InlineText, move_out_of_spans, partners,
                             restore_codes, strip_edges)
from termbase.inline.patterns import protect_literals, unprotect_literals
from termbase.zh_match import matcher_for

from .engines.base import Hypothesis, TranslationEngine

EXACT = "exact"
PLACEHOLDER = "placeholder"
CONSTRAINED = "constrained"
REPLACED = "replaced"
FAILED = "failed"
#: segment methods besides the term methods: plain MT (no term), kept as it is
MT = "mt"
KEPT = "kept"

PLACEHOLDER_FORMAT = "TERM{}"
#: placeholder of an inline code; numbered after the term placeholders of the same segment
CODE_PLACEHOLDER_FORMAT = "TAG{}"
#: what each kind of protected span is replaced by before MT (one numbering per segment)
PLACEHOLDER_FORMATS = {"term": PLACEHOLDER_FORMAT, "code": CODE_PLACEHOLDER_FORMAT}
#: placeholders as engines give them back: any case, spaces or a hyphen inside ("Term 0", "term-0",
#: "Tag 3", "TA3" from a vocabulary without "G"); the number identifies the slot, whatever the
#: prefix came back as
_PLACEHOLDER_RE = re.compile(r"(?<![A-Za-z])(?:T\s?E\s?R\s?M|T\s?A\s?G?)[\s_-]?(\d{1,3})(?![0-9])",
                             re.IGNORECASE)
_CODE_TOKEN_RE = re.compile(r"(?<![A-Za-z])T\s?A\s?G?[\s_-]?\d{1,3}(?![0-9])", re.IGNORECASE)
#: a restored code stands in the text as one private-use character until the segment is rebuilt
_SENTINEL_BASE = 0xF0000
_SENTINEL_RE = re.compile("[\U000F0000-\U000FFFFD]")
#: the note on a segment whose translation the engine cut at its length limit
TRUNCATED_NOTE = "translation stopped at the engine's length limit: it may be cut short"
_EDGE_PUNCT = "“”‘’\"'《》〈〉「」『』【】()（）[]：:。.，,、；;！!？? \t\u3000"
_PUNCT_EN = str.maketrans({"。": ".", "，": ",", "、": ",", "；": ";", "：": ":", "！": "!", "？": "?",
                           "（": "(", "）": ")", "《": "“", "》": "”", "「": "“", "」": "”",
                           "『": "“", "』": "”", "【": "[", "】": "]", "\u3000": " "})
#: what is left of a placeholder after restoration ("TERM", "TERM7" with no slot): never output
_RESIDUE_RE = re.compile(r"(?<![A-Za-z])(?:TERM\d*|TAG\d+)(?![A-Z])")
_SENTENCE_START = re.compile(r"(?:^|[.!?]\s+)[\"“‘'(\[]*$")


@dataclass
class TermOutcome:
    """How one glossary term of a segment came out."""

    term: str            # canonical Chinese form
    matched: str         # as it appears in the source
    english: str         # the approved rendering expected (preferred)
    method: str          # exact | placeholder | constrained | replaced | failed
    recovery: Optional[str] = None  # e.g. "n-best" when a lost placeholder was recovered
    problem: Optional[str] = None   # why it failed

    def as_dict(self) -> Dict[str, object]:
        d = {"term": self.term, "matched": self.matched, "english": self.english,
             "method": self.method}
        if self.recovery:
            d["recovery"] = self.recovery
        if self.problem:
            d["problem"] = self.problem
        return d


#: what happened to an inline code: kept outside the engine's input, placed by the engine, lost
#: by it and appended at the end of its segment, or (a pair) placed around no words; the last two
#: are reported
CODE_OUTSIDE = "outside"
CODE_PLACED = "placed"
CODE_APPENDED = "appended"
#: a pair the engine put around no words (its words lost their formatting or link): reported
CODE_EMPTY = "empty"


@dataclass
class CodeOutcome:
    """How one inline code (a tag, a footnote reference, a literal ``{0}``) came out."""

    code: str            # its label: the native code ("<b>", "{0}") or type and id
    type: str
    method: str          # outside | placed | appended
    recovery: Optional[str] = None  # n-best, constrained, re-cased, order repaired, moved out of a term
    problem: Optional[str] = None
    literal: bool = False  # a placeholder of the text ({0}, a URL), not a code of the source

    def as_dict(self) -> Dict[str, object]:
        d: Dict[str, object] = {"code": self.code, "type": self.type, "method": self.method}
        if self.literal:
            d["literal"] = True
        if self.recovery:
            d["recovery"] = self.recovery
        if self.problem:
            d["problem"] = self.problem
        return d


@dataclass
class SegmentResult:
    """The English of one segment and how each of its terms (and inline codes) was applied.

    ``target`` is the text; ``inline`` the target with its codes when the source was an
    :class:`InlineText` (None for a plain string source)."""

    source: str
    target: str
    method: str
    terms: List[TermOutcome] = field(default_factory=list)
    notes: List[str] = field(default_factory=list)
    inline: Optional[InlineText] = None
    codes: List[CodeOutcome] = field(default_factory=list)
    source_inline: Optional[InlineText] = None
    #: the engine stopped at its length limit: the English may be cut short
    truncated: bool = False

    @property
    def failed(self) -> List[TermOutcome]:
        return [t for t in self.terms if t.method == FAILED]

    @property
    def codes_appended(self) -> List[CodeOutcome]:
        """Codes the engine did not place (lost and appended, or a pair around no words)."""
        return [c for c in self.codes if c.method in (CODE_APPENDED, CODE_EMPTY)]

    def rebind(self, old: Sequence[Code], new: Sequence[Code]) -> "SegmentResult":
        """The same translation for another segment with equal text and codes of the same kinds
        (``old`` → ``new`` by position)."""
        if self.inline is None or not old:
            return self
        by_label = {id(o): n for o, n in zip(old, new)}
        codes = []
        for c, o in zip(self.codes, self._outcome_codes(old)):
            n = by_label.get(id(o)) if o is not None else None
            codes.append(CodeOutcome(n.label(), n.type, c.method, c.recovery, c.problem, c.literal)
                         if n is not None else c)
        return SegmentResult(self.source, self.target, self.method, self.terms, self.notes,
                             self.inline.rebind(old, new), codes,
                             self.source_inline.rebind(old, new) if self.source_inline else None,
                             truncated=self.truncated)

    def _outcome_codes(self, old: Sequence[Code]) -> List[Optional[Code]]:
        """The source code each outcome is about (outcomes follow the source's code order, with
        literal placeholders, which are not codes of the source, in between)."""
        out: List[Optional[Code]] = []
        it = iter(old)
        for c in self.codes:
            out.append(None if c.literal else next(it, None))
        return out


@dataclass
class _Slot:
    index: int
    entry: Optional[Entry]
    matched: str
    end: int  # end of the match in the source
    code: int = -1  # for a code slot: its index in _Work.codes
    #: a term slot: the code slots of the pairs enclosing exactly this term (outermost first);
    #: they travel inside the term's placeholder
    wraps: Tuple[int, ...] = ()
    bound: bool = False  # a code slot carried by a term slot (no placeholder of its own)

    @property
    def is_code(self) -> bool:
        return self.code >= 0


@dataclass
class _Candidate:
    text: str
    found: frozenset        # ids of entries verified in the text
    intact: bool            # no term placeholder duplicated, no stray ones
    forbidden: int
    score: float
    problems: List[str]
    stage: str
    codes_ok: bool = True   # every code placeholder came back exactly once
    code_notes: Dict[int, str] = field(default_factory=dict)  # code index -> how it was recovered
    truncated: bool = False  # the engine stopped at its length limit

    def key(self) -> Tuple:
        return (len(self.found), -self.forbidden, self.intact, self.codes_ok, not self.truncated,
                self.score)


@dataclass
class _Work:
    source: str
    protected: str
    slots: List[_Slot]
    entries: List[Entry]
    candidates: List[_Candidate] = field(default_factory=list)
    done: Optional[SegmentResult] = None
    # inline segments only
    inline: Optional[InlineText] = None     # the core sent through the engine
    codes: Tuple[Code, ...] = ()            # codes of the core, by code slot
    lead: InlineText = InlineText()
    trail: InlineText = InlineText()
    plain_input: str = ""                   # the core with code placeholders only (constrained)
    original: Optional[InlineText] = None   # the source as given (for the report)
    moved: Dict[int, str] = field(default_factory=dict)  # code index -> term it was moved out of
    moved_ids: Dict[int, str] = field(default_factory=dict)  # id(code) -> term, edge codes too

    @property
    def code_slots(self) -> List[_Slot]:
        return [s for s in self.slots if s.is_code]

    @property
    def term_slots(self) -> List[_Slot]:
        return [s for s in self.slots if not s.is_code]


def _capitalize_first(text: str) -> str:
    return text[:1].upper() + text[1:] if text[:1].islower() else text


def _strip_residue(text: str) -> Tuple[str, List[str]]:
    """Remove placeholder-like tokens an engine invented; say what was removed."""
    problems = [f"stray placeholder '{m.group(0)}' removed" for m in _RESIDUE_RE.finditer(text)]
    return (_RESIDUE_RE.sub("", text) if problems else text), problems


def _tidy(text: str) -> str:
    return _tidy_inner(text).strip()


def _tidy_inner(text: str) -> str:
    """Spaces tidied inside a segment rebuilt around codes (its ends are the codes' business)."""
    return re.sub(r"\s+([.,;:!?])", r"\1", re.sub(r"[ \t]{2,}", " ", text))


def _sentinel(k: int) -> str:
    return chr(_SENTINEL_BASE + k)


def _join_protected(pieces: List[Tuple[bool, str]]) -> str:
    """Text and placeholder tokens joined: a space between two tokens and between a token and a
    Latin letter or digit (so that an engine sees them as words)."""
    out = ""
    prev_token = False
    for is_token, text in pieces:
        if not text:
            continue
        if is_token and out and (prev_token or (out[-1].isascii() and out[-1].isalnum())):
            out += " "
        elif not is_token and prev_token and text[0].isascii() and text[0].isalnum():
            out += " "
        out += text
        prev_token = is_token
    return out


class TermEnforcer:
    """Wraps ``engine`` so that every glossary term in a segment gets its approved English (and
    every inline code of an :class:`InlineText` segment comes back)."""

    def __init__(self, engine: TranslationEngine, glossary: Glossary, *,
                 nbest: Optional[int] = None, use_constraints: bool = True):
        self.engine = engine
        self.glossary = glossary
        self.nbest = nbest or max(4, getattr(engine, "beam", 4))
        self.use_constraints = use_constraints
        self._zh = matcher_for(glossary)
        self._approved = EnMatcher.for_glossary(glossary, forbidden=False)
        self._forbidden = EnMatcher.for_glossary(glossary, approved=False)
        self.banned: List[str] = sorted({r for e in glossary for r in e.forbidden})

    # -- public -----------------------------------------------------------------------------------
    def translate(self, sources: Sequence[Union[str, InlineText]]) -> List[SegmentResult]:
        """Translate segments (sentences) with the glossary enforced; results in input order.

        A source may be a string or an :class:`InlineText`; for the latter the result's
        ``inline`` carries the codes."""
        work = [self._prepare(s) for s in sources]
        pending = [w for w in work if w.done is None]
        self._stage(pending, PLACEHOLDER, 1)
        pending = [w for w in pending if not self._accept(w)]
        if pending and any(w.slots for w in pending):
            self._stage([w for w in pending if w.slots], "n-best", self.nbest)
            pending = [w for w in pending if not self._accept(w)]
        if pending and self.use_constraints and self.engine.supports_constraints:
            need = [w for w in pending if w.slots]
            if need:
                self._constrained(need)
                pending = [w for w in pending if not self._accept(w)]
        for w in pending:
            w.done = self._finish(w)
        return [w.done for w in work]  # type: ignore[misc]

    def exact_result(self, source: Union[str, InlineText]) -> Optional[SegmentResult]:
        """The result of a segment that *is* a glossary term (method ``exact``, codes kept in
        place), without calling the engine; None for any other segment."""
        if isinstance(source, InlineText):
            text = strip_edges(source)[1].text if source.has_codes else source.text
        else:
            text = source
        if self._exact(text) is None:  # the cheap test first: most segments are no term
            return None
        return self._prepare(source).done

    # -- stages -----------------------------------------------------------------------------------
    def _prepare(self, source: Union[str, InlineText]) -> _Work:
        inline = protect_literals(source if isinstance(source, InlineText)
                                  else InlineText.from_text(source))
        if not inline.has_codes:
            return self._prepare_text(inline.text)
        return self._prepare_inline(inline, source)

    def _prepare_text(self, source: str) -> _Work:
        exact = self._exact(source)
        if exact is not None:
            return _Work(source, source, [], [], done=exact)
        matches = self._zh.find(source)
        slots: List[_Slot] = []
        out: List[str] = []
        pos = 0
        for i, m in enumerate(matches):
            out.append(source[pos:m.start])
            token = PLACEHOLDER_FORMAT.format(i)
            before = source[m.start - 1] if m.start > 0 else ""
            after = source[m.end] if m.end < len(source) else ""
            if (before.isascii() and before.isalnum()) or (slots and slots[-1].end == m.start):
                token = " " + token
            if after.isascii() and after.isalnum():
                token = token + " "
            out.append(token)
            slots.append(_Slot(i, m.entry, m.matched, m.end))
            pos = m.end
        out.append(source[pos:])
        return _Work(source, "".join(out), slots, self._entries(slots))

    @staticmethod
    def _entries(slots: List[_Slot]) -> List[Entry]:
        entries: List[Entry] = []
        for s in slots:
            if s.entry is not None and all(e is not s.entry for e in entries):
                entries.append(s.entry)
        return entries

    def _term_spans(self, text: str) -> Tuple[Optional[Tuple[int, int, Entry]], list]:
        core = text.strip(_EDGE_PUNCT)
        entry = self.glossary.get(core) if core else None
        if entry is not None:
            start = text.index(core)
            return (start, start + len(core), entry), []
        return None, self._zh.find(text)

    def _prepare_inline(self, inline: InlineText, original: Union[str, InlineText]) -> _Work:
        source_text = original if isinstance(original, str) else original.text
        exact, matches = self._term_spans(inline.text)
        spans = [(exact[0], exact[1])] if exact else [(m.start, m.end) for m in matches]
        old_offsets = {id(c): off for off, c in inline.code_offsets()}
        inline, _ = move_out_of_spans(inline, spans)
        moved_out: Dict[int, str] = {}  # id(code) -> the term it was moved out of
        for off, c in inline.code_offsets():
            was = old_offsets[id(c)]
            if was != off:
                moved_out[id(c)] = next((inline.text[s:e] for s, e in spans if s < was < e), "")
        lead, core, trail = strip_edges(inline)
        codes = core.codes
        text = core.text
        exact_result = self._exact(text)
        if exact_result is not None:
            target = self._exact_inline(core) if core.has_codes else InlineText([exact_result.target])
            w = _Work(source_text, text, [], [], inline=core, codes=codes, lead=lead, trail=trail,
                      original=original if isinstance(original, InlineText) else None)
            w.moved = {k: moved_out[id(c)] for k, c in enumerate(codes) if id(c) in moved_out}
            w.moved_ids = moved_out
            w.done = self._inline_result(w, exact_result.method, exact_result.terms, [], target,
                                         None)
            return w
        matches = self._zh.find(text)
        slots: List[_Slot] = [_Slot(i, m.entry, m.matched, m.end) for i, m in enumerate(matches)]
        base = len(slots)
        code_slots = [_Slot(base + k, None, c.label(), -1, code=k) for k, c in enumerate(codes)]
        for i, wrapped in _term_wrappers(core, matches).items():
            slots[i].wraps = tuple(base + k for k in wrapped)
            for k in wrapped:
                code_slots[k].bound = True
        protected: List[Tuple[bool, str]] = []
        plain: List[Tuple[bool, str]] = []
        pos = 0
        for p in core.indexed_parts():
            if isinstance(p, int):
                token = CODE_PLACEHOLDER_FORMAT.format(base + p)
                if not code_slots[p].bound:
                    protected.append((True, token))
                plain.append((True, token))
                continue
            end = pos + len(p)
            cut = pos
            for i, m in enumerate(matches):
                if pos <= m.start and m.end <= end:
                    protected.append((False, text[cut:m.start]))
                    protected.append((True, PLACEHOLDER_FORMAT.format(i)))
                    cut = m.end
            protected.append((False, text[cut:end]))
            plain.append((False, p))
            pos = end
        w = _Work(source_text, _join_protected(protected), slots + code_slots, self._entries(slots),
                  inline=core, codes=codes, lead=lead, trail=trail,
                  plain_input=_join_protected(plain),
                  original=original if isinstance(original, InlineText) else None)
        w.moved = {k: moved_out[id(c)] for k, c in enumerate(codes) if id(c) in moved_out}
        w.moved_ids = moved_out
        return w

    def _exact_inline(self, core: InlineText) -> InlineText:
        """A segment that is a glossary term (with codes around it, inside its punctuation)."""
        text = core.text
        term = text.strip(_EDGE_PUNCT)
        entry = self.glossary.get(term)
        start, stop = text.index(term), text.index(term) + len(term)
        english = entry.preferred if entry.case_sensitive else _capitalize_first(entry.preferred)
        out: List[object] = []
        pos = 0
        for p in core.parts:
            if isinstance(p, Code):
                out.append(p)
                continue
            for i, ch in enumerate(p):
                at = pos + i
                if at < start or at >= stop:
                    out.append(ch.translate(_PUNCT_EN))
                elif at == start:
                    out.append(english)
            pos += len(p)
        result = InlineText(out)
        parts = list(result.parts)
        if parts and isinstance(parts[0], str):
            parts[0] = parts[0].lstrip()
        if parts and isinstance(parts[-1], str):
            parts[-1] = parts[-1].rstrip()
        return InlineText(parts)

    def _exact(self, source: str) -> Optional[SegmentResult]:
        core = source.strip(_EDGE_PUNCT)
        if not core:
            return None
        entry = self.glossary.get(core)
        if entry is None:
            return None
        start = source.index(core)
        english = entry.preferred if entry.case_sensitive else _capitalize_first(entry.preferred)
        target = (source[:start].translate(_PUNCT_EN) + english
                  + source[start + len(core):].translate(_PUNCT_EN)).strip()
        return SegmentResult(source, target, EXACT,
                             [TermOutcome(entry.term, core, entry.preferred, EXACT)])

    def _stage(self, work: List[_Work], stage: str, n: int) -> None:
        if not work:
            return
        hyps = self.engine.translate_batch([w.protected for w in work], num_hypotheses=n,
                                           banned=self.banned)
        for w, hs in zip(work, hyps):
            for h in hs:
                w.candidates.append(self._evaluate(w, h, stage, restore=True))

    def _constrained(self, work: List[_Work]) -> None:
        constraints = [[e.preferred for e in w.entries]
                       + [CODE_PLACEHOLDER_FORMAT.format(s.index) for s in w.code_slots]
                       for w in work]
        inputs = [w.plain_input if w.inline is not None else w.source for w in work]
        hyps = self.engine.translate_batch(inputs, constraints=constraints, banned=self.banned)
        for w, hs in zip(work, hyps):
            for h in hs:
                w.candidates.append(self._evaluate(w, h, CONSTRAINED, restore=False))
    # -- evaluation -------------------------------------------------------------------------------
    def _restore(self, w: _Work, text: str, *, terms: bool = True) -> Tuple[str, bool, List[str],
                                                                             bool, Dict[int, str]]:
        """Placeholders put back: terms as their approved English, codes as sentinels.

        Returns the text, whether the term placeholders were intact, the problems, whether every
        code came back exactly once, and how re-cased code placeholders were recovered."""
        by_index = {s.index: s for s in w.slots}
        counts: Dict[int, int] = {}
        problems: List[str] = []
        code_notes: Dict[int, str] = {}

        def put_back(m: "re.Match[str]") -> str:
            idx = int(m.group(1))
            slot = by_index.get(idx)
            if slot is None or (not terms and not slot.is_code):
                if slot is None and not re.fullmatch(r"(?:TERM|TAG)\d+", m.group(0)):
                    return m.group(0)  # "Term 5", "ta 2": ordinary words, not ours
                problems.append(f"stray placeholder '{m.group(0)}' removed")
                return ""
            counts[idx] = counts.get(idx, 0) + 1
            if slot.is_code:
                if m.group(0) != CODE_PLACEHOLDER_FORMAT.format(idx):
                    code_notes[slot.code] = "re-cased"
                return _sentinel(slot.code)
            english = slot.entry.preferred
            before = _CODE_TOKEN_RE.sub("", text[:m.start()])
            if not slot.entry.case_sensitive and (not before.strip()
                                                  or _SENTENCE_START.search(before)):
                english = _capitalize_first(english)
            if slot.wraps:  # the pairs around the term come back with it
                for idx in slot.wraps:
                    counts[idx] = counts.get(idx, 0) + 1
                half = len(slot.wraps) // 2
                opens = [by_index[i].code for i in slot.wraps[:half]]
                closes = [by_index[i].code for i in slot.wraps[half:]]
                english = "".join(map(_sentinel, opens)) + english + "".join(map(_sentinel, closes))
            return english

        restored = _PLACEHOLDER_RE.sub(put_back, text)
        restored, residue = _strip_residue(restored)
        problems.extend(residue)
        term_slots = w.term_slots if terms else []
        for s in term_slots:
            c = counts.get(s.index, 0)
            if c == 0:
                problems.append(f"placeholder for {s.matched} lost")
            elif c > 1:
                problems.append(f"placeholder for {s.matched} duplicated ({c}×)")
        codes_ok = all(counts.get(s.index, 0) == 1 for s in w.code_slots)
        exact_form = all(PLACEHOLDER_FORMAT.format(s.index) in text for s in term_slots)
        if not exact_form and not problems:
            problems.append("placeholder re-cased or re-spaced")  # recovered, still intact
        # a lost term placeholder is judged by verification (the engine may have translated the
        # term right); duplicated and stray ones make the candidate unclean
        intact = all(counts.get(s.index, 0) <= 1 for s in term_slots) and \
            not any(p.startswith("stray") for p in problems)
        return _tidy(restored), intact, problems, codes_ok, code_notes

    def _forbidden_spans(self, text: str) -> List:
        approved = self._approved.find_all(text)
        out = []
        for f in self._forbidden.find_all(text):
            if f.kind != FORBIDDEN:
                continue
            inside = any(a.start <= f.start and f.end <= a.end and (a.end - a.start) > (f.end - f.start)
                         for a in approved)
            if not inside:
                out.append(f)
        return out

    def _found(self, w: _Work, text: str) -> frozenset:
        if not w.entries:
            return frozenset()
        ids = {id(e) for e in w.entries}
        return frozenset(id(m.entry) for m in self._approved.find_all(text) if id(m.entry) in ids)

    def _evaluate(self, w: _Work, h: Hypothesis, stage: str, *, restore: bool) -> _Candidate:
        if restore or w.inline is not None:
            text, intact, problems, codes_ok, notes = self._restore(w, h.text, terms=restore)
            if not restore:
                intact = not problems
        else:
            text, problems = _strip_residue(h.text)
            text, intact, codes_ok, notes = _tidy(text), not problems, True, {}
        score = h.score if h.score is not None else 0.0
        return _Candidate(text, self._found(w, text), intact, len(self._forbidden_spans(text)),
                          score, problems, stage, codes_ok, notes,
                          bool(getattr(h, "truncated", False)))

    def _best(self, w: _Work) -> _Candidate:
        best = w.candidates[0]
        for c in w.candidates[1:]:
            if c.key() > best.key():
                best = c
        return best

    def _accept(self, w: _Work) -> bool:
        """Finish ``w`` if its best candidate has every term and code and nothing forbidden."""
        if not w.candidates:
            return False
        best = self._best(w)
        if len(best.found) == len(w.entries) and best.forbidden == 0 and best.codes_ok and \
                (best.intact or best.stage == CONSTRAINED or not w.term_slots):
            w.done = self._result(w, best)
            return True
        return False

    def _finish(self, w: _Work) -> SegmentResult:
        best = self._best(w)
        text = best.text
        replaced: set = set()
        for f in sorted(self._forbidden_spans(text), key=lambda m: m.start, reverse=True):
            english = f.entry.preferred if f.entry is not None else ""
            text = text[:f.start] + english + text[f.end:]
            if f.entry is not None:
                replaced.add(id(f.entry))
        if replaced:
            best = _Candidate(text, self._found(w, text), best.intact, 0, best.score,
                              best.problems + ["forbidden rendering replaced"], best.stage,
                              best.codes_ok, best.code_notes, best.truncated)
        return self._result(w, best, replaced)

    def _result(self, w: _Work, best: _Candidate, replaced: frozenset = frozenset()) -> SegmentResult:
        if not w.term_slots:
            method, terms = MT, []
        else:
            terms = []
            recovery = "n-best" if best.stage == "n-best" else None
            if recovery is None and any("re-cased" in p for p in best.problems):
                recovery = "re-cased placeholder restored"
            for s in w.term_slots:
                entry = s.entry
                if id(entry) not in best.found:
                    problem = "; ".join(p for p in best.problems if s.matched in p) or \
                        "approved rendering not in the output"
                    terms.append(TermOutcome(entry.term, s.matched, entry.preferred, FAILED,
                                             problem=problem))
                elif id(entry) in replaced:
                    terms.append(TermOutcome(entry.term, s.matched, entry.preferred, REPLACED,
                                             recovery="forbidden rendering replaced"))
                elif best.stage == CONSTRAINED:
                    terms.append(TermOutcome(entry.term, s.matched, entry.preferred, CONSTRAINED))
                else:
                    terms.append(TermOutcome(entry.term, s.matched, entry.preferred, PLACEHOLDER,
                                             recovery=recovery))
            order = [FAILED, REPLACED, CONSTRAINED, PLACEHOLDER]
            method = next(m for m in order if any(t.method == m for t in terms))
        notes = list(best.problems) + ([TRUNCATED_NOTE] if best.truncated else [])
        if w.inline is None:
            return SegmentResult(w.source, best.text, method, terms, notes,
                                 truncated=best.truncated)
        return self._inline_result(w, method, terms, notes, best.text, best)

    def _inline_result(self, w: _Work, method: str, terms: List[TermOutcome], notes: List[str],
                       target, best: Optional[_Candidate]) -> SegmentResult:
        """The result of an inline segment: codes restored, edges put back, literals unprotected."""
        outcomes: List[CodeOutcome] = []
        for c in w.lead.codes:
            outcomes.append(self._outside(w, c))
        if isinstance(target, InlineText):  # exact: every code already in place
            core = target
            for k, c in enumerate(w.codes):
                outcomes.append(CodeOutcome(c.label(), c.type, CODE_PLACED,
                                            _moved_note(w.moved.get(k)),
                                            literal=c.format == "text"))
        else:
            parts: List[object] = []
            pos = 0
            for m in _SENTINEL_RE.finditer(target):
                parts.append(target[pos:m.start()])
                parts.append(ord(m.group()) - _SENTINEL_BASE)
                pos = m.end()
            parts.append(target[pos:])
            restored = restore_codes(parts, w.codes)
            core = InlineText(_tidy_inner(p) if isinstance(p, str) else p
                              for p in restored.inline.parts)
            stage = best.stage if best is not None else PLACEHOLDER
            emptied = _emptied_pairs(w.inline, core, w.codes) - set(restored.appended)
            for k, c in enumerate(w.codes):
                recovery = [r for r in (
                    _moved_note(w.moved.get(k)),
                    {"n-best": "n-best", CONSTRAINED: "constrained"}.get(stage)
                    if k not in restored.appended else None,
                    best.code_notes.get(k) if best is not None else None,
                    "order repaired" if k in restored.reordered else None,
                    "duplicate removed" if k in restored.duplicates else None) if r]
                if k in restored.appended:
                    outcomes.append(CodeOutcome(
                        c.label(), c.type, CODE_APPENDED, ", ".join(recovery) or None,
                        "lost by the engine; put at the end of the segment (check its place)",
                        literal=c.format == "text"))
                elif k in emptied:
                    outcomes.append(CodeOutcome(
                        c.label(), c.type, CODE_EMPTY, ", ".join(recovery) or None,
                        "the engine put this pair around no words: the words it covered are not "
                        "marked (check them)"))
                else:
                    outcomes.append(CodeOutcome(c.label(), c.type, CODE_PLACED,
                                                ", ".join(recovery) or None,
                                                literal=c.format == "text"))
            if restored.appended:
                notes = notes + [f"{len(restored.appended)} inline code(s) lost by the engine were "
                                 f"put at the end of the segment"]
            if emptied:
                notes = notes + [f"{len(emptied) // 2} pair(s) of inline codes came back around "
                                 f"no words"]
        for c in w.trail.codes:
            outcomes.append(self._outside(w, c))
        inline = unprotect_literals(w.lead + core + w.trail)
        return SegmentResult(w.source, inline.text, method, terms, notes, inline, outcomes,
                             w.original, truncated=best is not None and best.truncated)

    @staticmethod
    def _outside(w: _Work, c: Code) -> CodeOutcome:
        return CodeOutcome(c.label(), c.type, CODE_OUTSIDE, _moved_note(w.moved_ids.get(id(c))),
                           literal=c.format == "text")


def _term_wrappers(core: InlineText, matches) -> Dict[int, List[int]]:
    """For each term match enclosed exactly by pairs of codes (``<b>国际传播</b>``): the indexes
    (in ``core.codes``) of those codes, opening ones outermost first, then closing ones."""
    codes = core.codes
    pairs = partners(codes)
    index = {id(c): k for k, c in enumerate(codes)}
    spans = {(m.start, m.end): i for i, m in enumerate(matches)}
    out: Dict[int, List[int]] = {}
    parts = list(core.parts)
    pos = 0
    for n, p in enumerate(parts):
        if not isinstance(p, str):
            continue
        i = spans.get((pos, pos + len(p)))
        pos += len(p)
        if i is None:
            continue
        opens: List[int] = []
        a, b = n - 1, n + 1
        while a >= 0 and b < len(parts) and isinstance(parts[a], Code) and isinstance(parts[b], Code):
            ka, kb = index[id(parts[a])], index[id(parts[b])]
            if parts[a].kind != OPEN or pairs.get(ka) != kb:
                break
            opens.insert(0, ka)
            a, b = a - 1, b + 1
        if opens:
            out[i] = opens + [pairs[k] for k in reversed(opens)]
    return out


def _emptied_pairs(source: InlineText, target: InlineText, codes: Sequence[Code]) -> set:
    """Indexes of pair codes that enclose words in ``source`` but none in ``target``."""
    def contents(inline: InlineText) -> Dict[int, str]:
        index = {id(c): k for k, c in enumerate(codes)}
        out: Dict[int, str] = {}
        open_at: Dict[int, int] = {}
        text = ""
        for p in inline.parts:
            if isinstance(p, str):
                text += p
                continue
            k = index.get(id(p))
            if k is None:
                continue
            open_at[k] = len(text)
            j = pairs.get(k)
            if j is not None and p.kind == CLOSE and j in open_at:
                out[j] = out[k] = text[open_at[j]:]
        return out

    pairs = partners(codes)
    before, after = contents(source), contents(target)
    return {k for k, words in before.items() if words.strip() and not after.get(k, "").strip()}


def _moved_note(term: Optional[str]) -> Optional[str]:
    return f"moved out of glossary term {term}" if term else None


__all__ = ["CODE_APPENDED", "CODE_EMPTY", "CODE_OUTSIDE", "CODE_PLACED", "CODE_PLACEHOLDER_FORMAT",
           "CONSTRAINED", "CodeOutcome", "EXACT", "FAILED", "KEPT", "MT", "PLACEHOLDER",
           "PLACEHOLDER_FORMAT", "PLACEHOLDER_FORMATS", "REPLACED", "SegmentResult",
           "TRUNCATED_NOTE", "TermEnforcer", "TermOutcome"]

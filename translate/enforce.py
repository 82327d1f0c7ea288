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
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Dict, List, Optional, Sequence, Tuple

from termbase.en_match import FORBIDDEN, EnMatcher
from termbase.glossary import Entry, Glossary
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
#: the note on a segment whose translation the engine cut at its length limit
TRUNCATED_NOTE = "translation stopped at the engine's length limit: it may be cut short"
#: placeholders as engines give them back: any case, spaces or a hyphen inside ("Term 0", "term-0")
_PLACEHOLDER_RE = re.compile(r"(?<![A-Za-z])T\s?E\s?R\s?M[\s_-]?(\d{1,3})(?![0-9])", re.IGNORECASE)
_EDGE_PUNCT = "“”‘’\"'《》〈〉「」『』【】()（）[]：:。.，,、；;！!？? \t\u3000"
_PUNCT_EN = str.maketrans({"。": ".", "，": ",", "、": ",", "；": ";", "：": ":", "！": "!", "？": "?",
                           "（": "(", "）": ")", "《": "“", "》": "”", "「": "“", "」": "”",
                           "『": "“", "』": "”", "【": "[", "】": "]", "\u3000": " "})
#: what is left of a placeholder after restoration ("TERM", "TERM7" with no slot): never output
_RESIDUE_RE = re.compile(r"(?<![A-Za-z])TERM\d*(?![A-Z])")
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


@dataclass
class SegmentResult:
    """The English of one segment and how each of its terms was applied."""

    source: str
    target: str
    method: str
    terms: List[TermOutcome] = field(default_factory=list)
    notes: List[str] = field(default_factory=list)
    #: the engine stopped at its length limit: the English may be cut short
    truncated: bool = False

    @property
    def failed(self) -> List[TermOutcome]:
        return [t for t in self.terms if t.method == FAILED]


@dataclass
class _Slot:
    index: int
    entry: Entry
    matched: str
    end: int  # end of the match in the source


@dataclass
class _Candidate:
    text: str
    found: frozenset        # ids of entries verified in the text
    intact: bool            # no placeholder duplicated, no stray ones
    forbidden: int
    score: float
    problems: List[str]
    stage: str
    truncated: bool = False

    def key(self) -> Tuple:
        return (len(self.found), -self.forbidden, self.intact, not self.truncated, self.score)


@dataclass
class _Work:
    source: str
    protected: str
    slots: List[_Slot]
    entries: List[Entry]
    candidates: List[_Candidate] = field(default_factory=list)
    done: Optional[SegmentResult] = None


def _capitalize_first(text: str) -> str:
    return text[:1].upper() + text[1:] if text[:1].islower() else text


def _strip_residue(text: str) -> Tuple[str, List[str]]:
    """Remove placeholder-like tokens an engine invented; say what was removed."""
    problems = [f"stray placeholder '{m.group(0)}' removed" for m in _RESIDUE_RE.finditer(text)]
    return (_RESIDUE_RE.sub("", text) if problems else text), problems


def _tidy(text: str) -> str:
    text = re.sub(r"[ \t]{2,}", " ", text).strip()
    return re.sub(r"\s+([.,;:!?])", r"\1", text)


class TermEnforcer:
    """Wraps ``engine`` so that every glossary term in a segment gets its approved English."""

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
    def translate(self, sources: Sequence[str]) -> List[SegmentResult]:
        """Translate segments (sentences) with the glossary enforced; results in input order."""
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

    # -- stages -----------------------------------------------------------------------------------
    def _prepare(self, source: str) -> _Work:
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
        entries: List[Entry] = []
        for s in slots:
            if all(e is not s.entry for e in entries):
                entries.append(s.entry)
        return _Work(source, "".join(out), slots, entries)

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
        constraints = [[e.preferred for e in w.entries] for w in work]
        hyps = self.engine.translate_batch([w.source for w in work], constraints=constraints,
                                           banned=self.banned)
        for w, hs in zip(work, hyps):
            for h in hs:
                w.candidates.append(self._evaluate(w, h, CONSTRAINED, restore=False))

    # -- evaluation -------------------------------------------------------------------------------
    def _restore(self, w: _Work, text: str) -> Tuple[str, bool, List[str]]:
        by_index = {s.index: s for s in w.slots}
        counts: Dict[int, int] = {}
        problems: List[str] = []

        def put_back(m: "re.Match[str]") -> str:
            idx = int(m.group(1))
            slot = by_index.get(idx)
            if slot is None:
                problems.append(f"stray placeholder '{m.group(0)}' removed")
                return ""
            counts[idx] = counts.get(idx, 0) + 1
            english = slot.entry.preferred
            if not slot.entry.case_sensitive and _SENTENCE_START.search(text[:m.start()]):
                english = _capitalize_first(english)
            return english

        restored = _PLACEHOLDER_RE.sub(put_back, text)
        restored, residue = _strip_residue(restored)
        problems.extend(residue)
        for s in w.slots:
            c = counts.get(s.index, 0)
            if c == 0:
                problems.append(f"placeholder for {s.matched} lost")
            elif c > 1:
                problems.append(f"placeholder for {s.matched} duplicated ({c}×)")
        exact_form = all(PLACEHOLDER_FORMAT.format(s.index) in text for s in w.slots)
        if not exact_form and not problems:
            problems.append("placeholder re-cased or re-spaced")  # recovered, still intact
        # a lost placeholder is judged by verification (the engine may have translated the term
        # right); duplicated and stray ones make the candidate unclean
        intact = all(counts.get(s.index, 0) <= 1 for s in w.slots) and \
            not any(p.startswith("stray") for p in problems)
        return _tidy(restored), intact, problems

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
        if restore:
            text, intact, problems = self._restore(w, h.text)
        else:
            text, problems = _strip_residue(h.text)
            text, intact = _tidy(text), not problems
        score = h.score if h.score is not None else 0.0
        return _Candidate(text, self._found(w, text), intact, len(self._forbidden_spans(text)),
                          score, problems, stage, bool(getattr(h, "truncated", False)))

    def _best(self, w: _Work) -> _Candidate:
        best = w.candidates[0]
        for c in w.candidates[1:]:
            if c.key() > best.key():
                best = c
        return best

    def _accept(self, w: _Work) -> bool:
        """Finish ``w`` if its best candidate has every term and nothing forbidden."""
        if not w.candidates:
            return False
        best = self._best(w)
        if len(best.found) == len(w.entries) and best.forbidden == 0 and \
                (best.intact or best.stage == CONSTRAINED or not w.slots):
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
                              best.truncated)
        return self._result(w, best, replaced)

    def _result(self, w: _Work, best: _Candidate, replaced: frozenset = frozenset()) -> SegmentResult:
        notes = list(best.problems) + ([TRUNCATED_NOTE] if best.truncated else [])
        if not w.slots:
            return SegmentResult(w.source, best.text, MT, [], notes, best.truncated)
        terms: List[TermOutcome] = []
        recovery = "n-best" if best.stage == "n-best" else None
        if recovery is None and any("re-cased" in p for p in best.problems):
            recovery = "re-cased placeholder restored"
        for s in w.slots:
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
        return SegmentResult(w.source, best.text, method, terms, notes, best.truncated)


__all__ = ["CONSTRAINED", "EXACT", "FAILED", "KEPT", "MT", "PLACEHOLDER", "PLACEHOLDER_FORMAT",
           "REPLACED", "SegmentResult", "TRUNCATED_NOTE", "TermEnforcer", "TermOutcome"]

"""What every check shares: the issue it reports, its severity, and the context it runs in."""
from __future__ import annotations

import hashlib
from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Callable, Dict, Iterable, Optional, Sequence, Tuple

from ..aligned import SegmentPair
from ..records import frozen_record

#: severities, lowest first
SEVERITIES = ("info", "warning", "error")
SOURCE, TARGET = "source", "target"


def severity_rank(severity: str) -> int:
    """Position of a severity in :data:`SEVERITIES` (raises ValueError for unknown names)."""
    return SEVERITIES.index(severity)


def segment_fingerprint(pair: SegmentPair) -> str:
    """A short, stable id of a segment's content (whitespace-insensitive), for ignore files."""
    return _fingerprint(pair.source, pair.target)


@lru_cache(maxsize=4096)
def _fingerprint(source: str, target: str) -> str:
    src = " ".join(source.split())
    tgt = " ".join(target.split())
    return hashlib.sha1(f"{src}\x00{tgt}".encode("utf-8")).hexdigest()[:12]


@frozen_record
class Issue:
    """One problem: which check, how severe, where (segment, side, span) and what to do."""

    check: str
    severity: str
    segment: int
    location: str
    side: str  # "source" or "target": the text ``start``/``end`` point into
    start: int
    end: int
    span: str
    message: str
    suggestion: str = ""
    rule: str = ""  # finer kind inside a check (e.g. typography "missing-space")
    fingerprint: str = ""

    def __reduce_ex__(self, protocol):
        # pickled as the call that builds it (smaller, and read back faster than the state dict
        # of the default: worker processes send the parent thousands of issues)
        if type(self) is not Issue:
            return super().__reduce_ex__(protocol)
        return (Issue, (self.check, self.severity, self.segment, self.location, self.side,
                        self.start, self.end, self.span, self.message, self.suggestion, self.rule,
                        self.fingerprint))

    def sort_key(self):
        return (self.segment, self.side != SOURCE, self.start, self.check)


class Check(ABC):
    """A check over all aligned segments. Subclasses set ``id``, ``severity``, ``description``."""

    id: str = ""
    severity: str = "warning"
    description: str = ""
    #: True when the check's work needs the glossary matchers of :class:`CheckContext`
    #: (the runner builds them once and hands them to the processes that need them)
    needs_matchers: bool = False
    #: finer rules of the check: rule id -> (severity, what it finds); empty when the check is
    #: its only rule
    rules: Dict[str, Tuple[str, str]] = {}

    @abstractmethod
    def run(self, pairs: Sequence[SegmentPair], ctx: "CheckContext") -> Iterable[Issue]:
        """Every issue this check finds."""

    def prepare(self, ctx: "CheckContext") -> None:
        """Build what the check shares across segments in ``ctx`` (the runner calls this once,
        before it splits the segments among worker processes)."""

    def issue(self, pair: SegmentPair, side: str, start: int, end: int, message: str,
              suggestion: str = "", *, rule: str = "", severity: Optional[str] = None) -> Issue:
        """Build an issue located in ``pair`` (span taken from the given side)."""
        text = pair.source if side == SOURCE else pair.target
        return Issue(self.id, severity or self.severity, pair.index, pair.location, side,
                     start, end, text[start:end], message, suggestion, rule or self.id,
                     _fingerprint(pair.source, pair.target))


class SegmentCheck(Check):
    """A check that looks at one segment at a time."""

    def run(self, pairs, ctx):
        for pair in pairs:
            yield from self.check_segment(pair, ctx)

    @abstractmethod
    def check_segment(self, pair: SegmentPair, ctx: "CheckContext") -> Iterable[Issue]:
        """Issues of one segment."""


class MappedCheck(Check):
    """A document check built from what each segment yields on its own (:meth:`segment_data`,
    picklable: the runner may collect it in the processes that check the segments) and put
    together over the whole document (:meth:`reduce`)."""

    def run(self, pairs, ctx):
        data = {}
        for pair in pairs:
            found = self.segment_data(pair, ctx)
            if found is not None:
                data[pair.index] = found
        return self.reduce(pairs, data, ctx)

    @abstractmethod
    def segment_data(self, pair: SegmentPair, ctx: "CheckContext") -> object:
        """What one segment contributes (None: nothing)."""

    @abstractmethod
    def reduce(self, pairs: Sequence[SegmentPair], data: Dict[int, object],
               ctx: "CheckContext") -> Iterable[Issue]:
        """The issues, from ``data`` (segment index -> what :meth:`segment_data` returned)."""


@dataclass
class CheckContext:
    """The glossary and the per-segment matches several checks share (computed once)."""

    glossary: Optional[object] = None  # termbase.glossary.Glossary
    boundary_check: bool = True
    pairs: Sequence[SegmentPair] = ()
    _zh: Dict[int, list] = field(default_factory=dict)
    _en: Dict[int, list] = field(default_factory=dict)
    _tokens: Dict[int, list] = field(default_factory=dict)
    _zh_matcher: object = None
    _en_matcher: object = None
    _variants: object = None
    _shared: Dict[str, object] = field(default_factory=dict)
    _compiled_of: Optional[tuple] = None  # (glossary, whether it is compiled)

    def shared(self, name: str, build: Callable[[], object]) -> object:
        """What ``build()`` returns, built once per context and kept under ``name``."""
        if name not in self._shared:
            self._shared[name] = build()
        return self._shared[name]

    @property
    def compiled(self) -> bool:
        """True when the glossary is a :class:`~termbase.compiled.CompiledTermbase` (known once
        per glossary: the checks ask for every match)."""
        known = self._compiled_of
        if known is None or known[0] is not self.glossary:
            from ..compiled import is_compiled

            known = self._compiled_of = (self.glossary, is_compiled(self.glossary))
        return known[1]

    def zh_matcher(self):
        if self._zh_matcher is None and self.glossary is not None:
            if self.compiled:
                self._zh_matcher = self.glossary.zh_matcher(boundary_check=self.boundary_check)
            else:
                from ..zh_match import matcher_for

                self._zh_matcher = matcher_for(self.glossary, boundary_check=self.boundary_check)
        return self._zh_matcher

    def en_matcher(self):
        """Renderings to look for in the targets: the approved ones of every entry whose term
        occurs in some source, and every forbidden one (a large glossary is mostly irrelevant to
        one document, and indexing only what can match keeps big glossaries cheap)."""
        if self._en_matcher is None and self.glossary is not None:
            from ..en_match import APPROVED, FORBIDDEN, EnMatcher

            if self.compiled:
                self._en_matcher = self._compiled_en_matcher()
                return self._en_matcher
            self.all_zh_terms()
            found = {id(t.entry) for p in self.pairs for t in self.zh_terms(p)}
            m = EnMatcher()
            for e in self.glossary:
                if id(e) in found:
                    for r in e.en:
                        m.add(r, e, APPROVED, e.case_sensitive)
                for r in e.forbidden:
                    m.add(r, e, FORBIDDEN, e.case_sensitive)
            self._en_matcher = m
        return self._en_matcher

    def _compiled_en_matcher(self):
        """The same matcher from a compiled termbase: the entries found in the sources and those
        with a forbidden rendering that can occur in the targets, added in glossary order with
        their stored word tokens."""
        from ..en_match import APPROVED, FORBIDDEN, EnMatcher, can_occur

        tb = self.glossary
        self.all_zh_terms()
        zh = self._zh
        entries = {id(t.entry): t.entry for p in self.pairs for t in zh[p.index]}
        found = set(map(tb.entry_id, entries.values()))
        folds = self.target_folds()
        # the forbidden renderings' words of each entry indexed: those found in the sources, and
        # those that only a forbidden rendering brings in, left out where none of those can occur
        # in the targets (two in three of a 300,000-term glossary's candidates: they would be
        # decoded and indexed for nothing)
        forbidden_words = {eid: tb.rendering_words(eid, forbidden=True) for eid in found}
        for eid in tb.forbidden_candidates(folds).difference(found):
            words = tb.rendering_words(eid, forbidden=True)
            if any(can_occur(w, folds) for w in words):
                forbidden_words[eid] = words
        m = EnMatcher()
        for eid in sorted(forbidden_words):
            e = tb.entry(eid)
            if eid in found:
                for r, words in zip(e.en, tb.rendering_words(eid)):
                    m.add_words(r, words, e, APPROVED, e.case_sensitive)
            for r, words in zip(e.forbidden, forbidden_words[eid]):
                m.add_words(r, words, e, FORBIDDEN, e.case_sensitive)
        return m

    def entry_key(self, entry) -> int:
        """A number naming ``entry`` that is the same in every process (its glossary position)."""
        if self.compiled:
            return self.glossary.entry_id(entry)
        keys = self.shared("entry-keys", lambda: {id(e): k for k, e in enumerate(self.glossary)})
        return keys[id(entry)]

    def entry_at(self, key: int):
        """The entry :meth:`entry_key` named ``key``."""
        if self.compiled:
            return self.glossary.entry(key)
        return self.glossary.entries[key]

    def variant_index(self):
        if self._variants is None and self.glossary is not None:
            if self.compiled:
                self._variants = self.glossary.variant_index()
            else:
                from .variants import VariantIndex

                self._variants = VariantIndex(self.glossary)
        return self._variants

    def prepare_variants(self) -> None:
        """Decode the near-miss index for the words of every target now (before workers fork:
        they then share it instead of each decoding its own)."""
        index = self.variant_index()
        if index is not None and self.compiled:
            index.prefetch(self.target_folds())

    def target_folds(self) -> set:
        """Every folded word (``Token.fold``) of the targets."""
        def build() -> set:
            from ..en_match import texts_token_folds

            return texts_token_folds([p.target for p in self.pairs if p.target])
        return self.shared("target-folds", build)

    def all_zh_terms(self) -> None:
        """Find the glossary terms of every source now (a matcher prepared for the whole
        document at once)."""
        if self.glossary is None:
            return
        todo = [p for p in self.pairs if p.index not in self._zh]
        if len(todo) > 1:
            self.zh_matcher().expect([p.source for p in todo])
        for p in todo:
            self.zh_terms(p)

    def forget(self, pairs: Sequence[SegmentPair]) -> None:
        """Drop what was computed for ``pairs`` in this process (their target tokens, rendering
        matches and near misses): a forked worker calls it once it is done with its segments,
        so it holds one batch of them at a time. What the process inherited is left alone."""
        variant_hits = self._shared.get("variant-hits")
        for p in pairs:
            self._tokens.pop(p.index, None)
            self._en.pop(p.index, None)
            if variant_hits is not None:
                variant_hits.pop(p.index, None)

    def zh_terms(self, pair: SegmentPair) -> list:
        """Glossary terms in the source (``TermMatch`` list)."""
        if self.glossary is None:
            return []
        hit = self._zh.get(pair.index)
        if hit is None:
            hit = self.zh_matcher().find(pair.source) if pair.source else []
            self._zh[pair.index] = hit
        return hit

    def en_tokens(self, pair: SegmentPair) -> list:
        hit = self._tokens.get(pair.index)
        if hit is None:
            from ..en_match import tokenize_en

            hit = tokenize_en(pair.target)
            self._tokens[pair.index] = hit
        return hit

    def en_matches(self, pair: SegmentPair) -> list:
        """Approved and forbidden renderings in the target (``EnMatch`` list, overlaps kept)."""
        if self.glossary is None:
            return []
        hit = self._en.get(pair.index)
        if hit is None:
            hit = self.en_matcher().find_all(pair.target, self.en_tokens(pair)) if pair.target else []
            self._en[pair.index] = hit
        return hit

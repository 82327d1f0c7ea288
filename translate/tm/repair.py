"""Repairing a fuzzy match's English with the glossary before it is used as a draft.

The fuzzy unit's source differs from the segment; where the difference is a glossary term (the
unit says 国际传播 where the segment says 城市形象), the English of the unit's term is replaced by
the approved rendering of the segment's term. Forbidden renderings are replaced by approved ones.
Every term of the segment is then verified in the result: ``tm`` when its approved rendering is
there, ``replaced`` when the repair put it there, ``failed`` when it is still missing.
"""
from __future__ import annotations

from typing import List, Tuple

from termbase.en_match import APPROVED, FORBIDDEN, EnMatcher
from termbase.glossary import Glossary
from termbase.zh_match import matcher_for

from ..enforce import FAILED, REPLACED, TermOutcome

#: term method: the rendering was already in the memory's English
TM = "tm"


class GlossaryRepair:
    """Terms of a segment verified (and repaired) in an English taken from the memory."""

    def __init__(self, glossary: Glossary):
        self.glossary = glossary
        self._zh = matcher_for(glossary)
        self._en = EnMatcher.for_glossary(glossary)

    def terms(self, source: str) -> list:
        """Glossary terms in a Chinese source (``TermMatch`` list)."""
        return self._zh.find(source)

    def verify(self, source: str, target: str) -> List[TermOutcome]:
        """Each term of ``source``: ``tm`` when an approved rendering is in ``target``, else
        ``failed`` (nothing is changed: an exact match is a translator's work)."""
        found = {id(m.entry) for m in self._en.find_all(target) if m.kind == APPROVED}
        out = []
        for m in self.terms(source):
            ok = id(m.entry) in found
            out.append(TermOutcome(m.entry.term, m.matched, m.entry.preferred, TM if ok else FAILED,
                                   problem=None if ok else "approved rendering not in the memory's "
                                                           "translation"))
        return out

    def repair(self, source: str, tm_source: str, tm_target: str
               ) -> Tuple[str, List[TermOutcome], List[str]]:
        """``(english, term outcomes, notes)`` for ``source`` drafted from a fuzzy unit."""
        want = self.terms(source)
        have = self.terms(tm_source)
        want_ids = [id(m.entry) for m in want]
        have_ids = [id(m.entry) for m in have]
        missing = [m for m in want if id(m.entry) not in have_ids]
        extra = [m for m in have if id(m.entry) not in want_ids]
        text = tm_target
        notes: List[str] = []
        repaired = set()
        # the unit's terms the segment does not have, in order, stand for the segment's new ones
        for new, old in zip(missing, extra):
            spans = [x for x in self._en.find(text) if x.entry is old.entry]
            if not spans:
                continue
            x = spans[0]
            english = new.entry.preferred
            if x.matched[:1].isupper() and not new.entry.case_sensitive:
                english = english[:1].upper() + english[1:]
            text = text[:x.start] + english + text[x.end:]
            repaired.add(id(new.entry))
            notes.append(f"memory term {old.matched} → {old.entry.preferred} replaced by "
                         f"{new.matched} → {new.entry.preferred}")
        # forbidden renderings left in the memory's English
        approved = [x for x in self._en.find_all(text) if x.kind == APPROVED]
        for x in sorted((x for x in self._en.find_all(text) if x.kind == FORBIDDEN),
                        key=lambda x: x.start, reverse=True):
            if any(a.start <= x.start and x.end <= a.end and a.end - a.start > x.end - x.start
                   for a in approved) or x.entry is None:
                continue
            text = text[:x.start] + x.entry.preferred + text[x.end:]
            repaired.add(id(x.entry))
            notes.append(f"forbidden rendering '{x.matched}' replaced by '{x.entry.preferred}'")
        found = {id(x.entry) for x in self._en.find_all(text) if x.kind == APPROVED}
        outcomes = []
        for m in want:
            if id(m.entry) not in found:
                outcomes.append(TermOutcome(m.entry.term, m.matched, m.entry.preferred, FAILED,
                                            problem="approved rendering not in the fuzzy match"))
            elif id(m.entry) in repaired:
                outcomes.append(TermOutcome(m.entry.term, m.matched, m.entry.preferred, REPLACED,
                                            recovery="fuzzy match repaired"))
            else:
                outcomes.append(TermOutcome(m.entry.term, m.matched, m.entry.preferred, TM))
        return text, outcomes, notes

"""What every glossary file format offers: read into entries, write entries to bytes."""
from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, FrozenSet, Iterable, List, Optional, Sequence, Tuple, Union

from ..errors import GlossaryError
from ..glossary import Entry, Problem, entry_problems, zh_keys

PathLike = Union[str, Path]

#: Every field of :class:`~termbase.glossary.Entry` a format may carry.
ALL_FIELDS = frozenset({"zh_variants", "alternatives", "forbidden", "case_sensitive", "note",
                        "source", "subject", "definition", "definition_source", "pos",
                        "term_type", "xref"})


@dataclass
class ImportResult:
    """Entries read from a foreign file plus the warnings found while reading it."""

    entries: List[Entry]
    path: str
    format: str
    problems: List[Problem] = field(default_factory=list)

    @property
    def warnings(self) -> List[Problem]:
        return [p for p in self.problems if p.severity != "error"]


class GlossaryFormat(ABC):
    """One file format. ``carries`` names what survives an export → import round trip."""

    name: str = ""
    extensions: Tuple[str, ...] = ()
    description: str = ""
    carries: FrozenSet[str] = ALL_FIELDS
    binary: bool = False

    @abstractmethod
    def read(self, path: PathLike) -> ImportResult:
        """Read ``path`` into entries; raise :class:`~termbase.errors.InputError` on bad input."""

    @abstractmethod
    def dumps(self, entries: Sequence[Entry], path: PathLike) -> bytes:
        """The entries serialised in this format (``path`` only informs delimiter/naming)."""


def check_entries(entries: Iterable[Entry], path: PathLike,
                  keys: Optional[Dict[str, str]] = None) -> List[Problem]:
    """Problems in entries read from a foreign file; errors make the file unusable.

    Errors: empty Chinese or English, a rendering both approved and forbidden, the same Chinese
    with different approved English in two entries. Warnings: exact duplicates, Chinese
    without CJK characters. ``keys``: the normalised Chinese variants (:func:`zh_keys`), when
    already at hand.
    """
    name = str(path)
    out: List[Problem] = []
    seen: Dict[str, Entry] = {}
    entries = list(entries)
    key_of = zh_keys(entries) if keys is None else keys
    for e in entries:
        if not e.zh:
            out.append(Problem(name, e.line, "entry without a Chinese term"))
            continue
        if not e.en:
            out.append(Problem(name, e.line, f"'{e.term}' has no approved English rendering"))
            continue
        keys = [key_of[v] for v in e.zh]
        out.extend(entry_problems(name, e, keys, seen))
        for k in keys:
            seen.setdefault(k, e)
    return out


def finish_import(entries: List[Entry], path: PathLike, fmt: str,
                  problems: Sequence[Problem] = ()) -> ImportResult:
    """Validate entries read from ``path``; raise on the first error, drop exact duplicates."""
    key_of = zh_keys(entries)
    found = list(problems) + check_entries(entries, path, key_of)
    for p in found:
        if p.severity == "error":
            raise GlossaryError(p.path, p.message, line=p.line or None)
    kept: List[Entry] = []
    seen = set()
    for e in entries:
        if key_of[e.term] in seen:
            continue
        seen.update(key_of[v] for v in e.zh)
        kept.append(e)
    if not kept:
        raise GlossaryError(str(path), "no glossary entries found (need Chinese and English "
                                       "terms)")
    return ImportResult(kept, str(path), fmt, found)


def dedupe(values: Iterable[str]) -> Tuple[str, ...]:
    """Values stripped, empties dropped, first occurrence kept (case-sensitive)."""
    out: List[str] = []
    for v in values:
        v = v.strip()
        if v and v not in out:
            out.append(v)
    return tuple(out)


def fields_used(entries: Iterable[Entry]) -> FrozenSet[str]:
    """Which optional fields of :data:`ALL_FIELDS` the entries actually use."""
    used = set()
    for e in entries:
        if len(e.zh) > 1:
            used.add("zh_variants")
        if len(e.en) > 1:
            used.add("alternatives")
        if e.forbidden:
            used.add("forbidden")
        if e.case_sensitive:
            used.add("case_sensitive")
        if e.note:
            used.add("note")
        if e.source:
            used.add("source")
        used.update(k for k, v in e.extras().items() if v)
    return frozenset(used)

"""Merging imported entries into an existing glossary file without silent overwrites.

An incoming entry is

* **added** when none of its Chinese variants is in the glossary;
* **extended** when it matches one entry with the same preferred English: new Chinese variants,
  alternative and forbidden renderings are added, an empty note/source is filled;
* **unchanged** when it adds nothing;
* a **conflict** (skipped, reported) when the preferred English differs, when a rendering is
  approved on one side and forbidden on the other, or when its variants belong to two entries.

Differences that are not conflicts (another note, source or case flag) keep the glossary's
value and are reported as notices. The glossary file is rewritten atomically and keeps its
layout: comments, column order, extra columns, BOM and line endings; changed rows are replaced
where they stand and new rows are appended.
"""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Dict, List, Optional, Sequence, Tuple

from ..errors import GlossaryError
from ..glossary import (ALL_COLUMNS, Entry, Glossary, check_field_text, has_header, load_glossary,
                        locked_glossary, sniff_glossary_bytes)
from ..outputs import write_atomic
from ..tabular import header_roles, neutralize_row, sniff_delimiter
from ..textio import decode_text, detect_layout, to_lf
from .base import PathLike


@dataclass(frozen=True)
class Conflict:
    """An incoming entry that was not merged, and why."""

    incoming: Entry
    current: Optional[Entry]
    reason: str

    def __str__(self) -> str:
        where = f" (glossary line {self.current.line})" if self.current else ""
        return f"conflict: {self.incoming.term}: {self.reason}{where}; not merged"


@dataclass
class MergeResult:
    """What a merge did (or would do, for a dry run)."""

    added: List[Entry] = field(default_factory=list)
    extended: List[Tuple[Entry, Entry]] = field(default_factory=list)  # (before, after)
    unchanged: List[Entry] = field(default_factory=list)
    conflicts: List[Conflict] = field(default_factory=list)
    notices: List[str] = field(default_factory=list)

    def summary(self) -> str:
        return (f"{len(self.added)} added, {len(self.extended)} extended, "
                f"{len(self.unchanged)} unchanged, {len(self.conflicts)} conflict(s)")


def _union(first: Sequence[str], more: Sequence[str]) -> Tuple[str, ...]:
    out = list(first)
    folded = {v.casefold() for v in out}
    for v in more:
        if v.casefold() not in folded:
            out.append(v)
            folded.add(v.casefold())
    return tuple(out)


def plan_merge(current: Glossary, incoming: Sequence[Entry]) -> MergeResult:
    """Decide, entry by entry, what merging ``incoming`` into ``current`` does."""
    result = MergeResult()
    merged: Dict[int, Entry] = {}  # id(original entry) → its merged state
    for new in incoming:
        hits: List[Entry] = []
        for v in new.zh:
            hit = current.get(v)
            if hit is not None and all(h is not hit for h in hits):
                hits.append(hit)
        if not hits:
            result.added.append(replace(new, line=0))
            continue
        if len(hits) > 1:
            result.conflicts.append(Conflict(new, hits[0], "its Chinese variants belong to "
                                             "different glossary entries: " +
                                             ", ".join(f"{h.term} (line {h.line})" for h in hits)))
            continue
        original = hits[0]
        cur = merged.get(id(original), original)
        if cur.preferred.casefold() != new.preferred.casefold():
            result.conflicts.append(Conflict(new, cur, f"glossary has '{cur.preferred}', "
                                             f"import has '{new.preferred}'"))
            continue
        approved = {r.casefold() for r in cur.en}
        banned = {f.casefold() for f in cur.forbidden}
        clash = ([f for f in new.forbidden if f.casefold() in approved] +
                 [r for r in new.en if r.casefold() in banned])
        if clash:
            result.conflicts.append(Conflict(new, cur, f"'{clash[0]}' is approved on one side "
                                             "and forbidden on the other"))
            continue
        after = replace(cur, zh=_union(cur.zh, new.zh), en=_union(cur.en, new.en),
                        forbidden=_union(cur.forbidden, new.forbidden),
                        note=cur.note or new.note, source=cur.source or new.source)
        for label, mine, theirs in (("note", cur.note, new.note),
                                    ("source", cur.source, new.source)):
            if mine and theirs and mine != theirs:
                result.notices.append(f"{cur.term}: {label} kept '{mine}' (import has "
                                      f"'{theirs}')")
        if cur.case_sensitive != new.case_sensitive:
            result.notices.append(f"{cur.term}: case_sensitive kept "
                                  f"'{'yes' if cur.case_sensitive else 'no'}'")
        if after == cur:
            result.unchanged.append(new)
            continue
        merged[id(original)] = after
        result.extended = [(b, a) for b, a in result.extended if b is not original]
        result.extended.append((original, after))
    return result


def _mergeable(path: Path) -> Glossary:
    """The glossary at ``path``, which must have a header row (merging rewrites it in place)."""
    current = load_glossary(path)
    if not has_header(decode_text(path.read_bytes(), path), path):
        raise GlossaryError(path, "cannot merge into a glossary without a header row: add one "
                                  "(zh,en,...) first", line=1)
    return current


def merge_into(path: PathLike, incoming: Sequence[Entry], *, dry_run: bool = False
               ) -> MergeResult:
    """Merge ``incoming`` into the glossary file at ``path`` (atomic write unless ``dry_run``).

    The glossary must be termtrans CSV/TSV (a header naming zh and en): merging rewrites it in
    place, keeping its layout. It is locked and read again under the lock, so concurrent
    ``terms add`` and merges all land (:mod:`termbase.locking`). Values with line breaks or
    control characters are refused before anything is written.
    """
    p = Path(path)
    if p.is_file():
        with open(p, "rb") as fh:
            kind = sniff_glossary_bytes(fh.read(4096))
        if kind is not None:
            raise GlossaryError(p, f"cannot merge into a {kind.upper()} glossary: it is rewritten "
                                   "in place, which needs CSV/TSV; convert it first (terms "
                                   f"import {p.name} -o glossary.csv) and use that")
    for e in incoming:
        for label, values in (("Chinese term", e.zh), ("English rendering", e.en),
                              ("forbidden value", e.forbidden), ("note", (e.note,)),
                              ("source", (e.source,))):
            for v in values:
                # a note may keep its line breaks (the row is quoted); a term may not
                multiline = label in ("note", "source")
                check_field_text(v, f"{label} of '{e.term}' (line {e.line})", path,
                                 allow_line_breaks=multiline)
    if dry_run:
        return plan_merge(_mergeable(p), incoming)
    with locked_glossary(path):
        current = _mergeable(p)
        result = plan_merge(current, incoming)
        if result.added or result.extended:
            write_merged(path, {b.line: a for b, a in result.extended}, result.added)
    return result


def write_merged(path: PathLike, updates: Dict[int, Entry], additions: Sequence[Entry]) -> None:
    """Rewrite the glossary at ``path``: rows starting on a line in ``updates`` are replaced,
    ``additions`` appended; everything else is kept byte for byte (up to line endings)."""
    p = Path(path)
    data = p.read_bytes()
    text = decode_text(data, p)
    layout = detect_layout(data, text)
    lines = list(io.StringIO(to_lf(text), newline=""))
    if lines and not lines[-1].endswith("\n"):
        lines[-1] += "\n"
    delim = sniff_delimiter(text, p)
    reader = csv.reader(iter(lines), delimiter=delim, strict=True)
    spans: List[Tuple[int, int, List[str]]] = []  # (first line, last line, cells), 1-based
    start = 1
    for row in reader:
        spans.append((start, reader.line_num, row))
        start = reader.line_num + 1
    header_span = next((s for s in spans if any(c.strip() for c in s[2])), None)
    if header_span is None:
        raise GlossaryError(p, "no header row", line=1)
    header = header_span[2]
    roles = header_roles(header, "glossary") or [None] * len(header)
    needed = [c for c in ALL_COLUMNS if c not in roles and any(
        (e.to_row()[c] not in ("", "no")) for e in list(updates.values()) + list(additions))]
    pad = len(needed)

    def render(cells: List[str]) -> str:
        buf = io.StringIO()
        csv.writer(buf, delimiter=delim, lineterminator="\n").writerow([to_lf(c) for c in cells])
        return buf.getvalue()

    def cells_for(entry: Entry, old: Optional[List[str]]) -> List[str]:
        row = dict(zip(ALL_COLUMNS, neutralize_row(entry.to_row()[c] for c in ALL_COLUMNS)))
        cells = []
        for i, role in enumerate(roles):
            if role is None:
                cells.append(old[i] if old and i < len(old) else "")
            else:
                cells.append(row[role])
        return cells + [row[c] for c in needed]

    out: List[str] = []
    for first_line, last_line, cells in spans:
        chunk = lines[first_line - 1:last_line]
        if (first_line, last_line) == header_span[:2]:
            out.append(render(header + needed) if pad else "".join(chunk))
        elif first_line in updates:
            out.append(render(cells_for(updates[first_line], cells)))
        elif pad and any(c.strip() for c in cells) and not cells[0].lstrip().startswith("#"):
            body = "".join(chunk)
            stripped = body.rstrip("\r\n")
            out.append(stripped + delim * pad + body[len(stripped):])
        else:
            out.append("".join(chunk))
    for e in additions:
        out.append(render(cells_for(e, None)))
    write_atomic(p, layout.encode("".join(out)))

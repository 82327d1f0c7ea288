"""Ignore files: issues a reviewer accepted, so they stay quiet on the next run.

One accepted issue per line, tab-separated: check id, segment fingerprint (content hash of the
segment, so it survives reordering), and the offending span or ``*`` for every issue of that
check in that segment. ``#`` starts a comment; the location and message written after the
fields are for people only::

    # termtrans check ignore file
    typography	3f2a9c1b7d0e	P,C,X	# page.txt:9:1592 missing space
    term-missing	a1b2c3d4e5f6	*
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, List, Optional, Set, Tuple, Union

from ..errors import InputError
from ..textio import atomic_write_text, read_text, source_name
from .base import Issue

PathLike = Union[str, Path]
HEADER = ("# termtrans check ignore file: accepted issues, one per line\n"
          "# check<TAB>segment fingerprint<TAB>span (or *)<TAB># note\n")


def _escape(span: str) -> str:
    return span.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n")


def _unescape(span: str) -> str:
    out, i = [], 0
    while i < len(span):
        c = span[i]
        if c == "\\" and i + 1 < len(span):
            out.append({"t": "\t", "n": "\n", "\\": "\\"}.get(span[i + 1], span[i + 1]))
            i += 2
        else:
            out.append(c)
            i += 1
    return "".join(out)


@dataclass
class IgnoreList:
    """Accepted (check, fingerprint, span) triples; span ``*`` accepts every span."""

    entries: Set[Tuple[str, str, str]]

    def matches(self, issue: Issue) -> bool:
        return ((issue.check, issue.fingerprint, "*") in self.entries
                or (issue.check, issue.fingerprint, issue.span) in self.entries)

    def add(self, issue: Issue) -> None:
        self.entries.add((issue.check, issue.fingerprint, issue.span))


def load_ignore(path: PathLike, known_checks: Optional[Iterable[str]] = None) -> IgnoreList:
    """Read an ignore file (raises InputError naming the bad line)."""
    text = read_text(path, allow_empty=True)
    name = source_name(path)  # <stdin> for -
    known = set(known_checks) if known_checks is not None else None
    entries = set()
    for n, line in enumerate(text.splitlines(), 1):
        body = line.split("\t#", 1)[0] if not line.lstrip().startswith("#") else ""
        if not body.strip():
            continue
        fields = body.rstrip("\n").split("\t")
        if len(fields) < 2:
            raise InputError(name, "expected 'check<TAB>fingerprint[<TAB>span]'", line=n)
        check, fp = fields[0].strip(), fields[1].strip()
        span = _unescape(fields[2]) if len(fields) > 2 and fields[2] != "" else "*"
        if known is not None and check not in known:
            raise InputError(name, f"unknown check {check!r}", line=n)
        entries.add((check, fp, span))
    return IgnoreList(entries)


def ignore_text(issues: Iterable[Issue], keep: Optional[IgnoreList] = None) -> Tuple[str, int]:
    """The text of an ignore file accepting ``issues`` (plus the entries of ``keep``), and how
    many entries it holds."""
    lines: List[str] = []
    done = set()
    for i in issues:
        key = (i.check, i.fingerprint, i.span)
        if key in done:
            continue
        done.add(key)
        note = f"{i.location} {i.message}".replace("\t", " ").replace("\n", " ")
        lines.append(f"{i.check}\t{i.fingerprint}\t{_escape(i.span)}\t# {note}")
    for check, fp, span in sorted((keep.entries if keep else set()) - done):
        lines.append(f"{check}\t{fp}\t{_escape(span)}")
    return HEADER + "".join(line + "\n" for line in lines), len(lines)


def write_ignore(path: PathLike, issues: Iterable[Issue], keep: Optional[IgnoreList] = None) -> int:
    """Write an ignore file accepting ``issues`` (plus the entries of ``keep``); returns the count."""
    text, count = ignore_text(issues, keep)
    atomic_write_text(path, text)
    return count

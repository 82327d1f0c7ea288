"""The glossary: concepts with Chinese variants, approved and forbidden English renderings.

CSV layout (header required, UTF-8 with or without BOM, ``|`` separates several values)::

    zh,en,forbidden,case_sensitive,note,source
    中国共产党|中共,Communist Party of China|CPC,CCP|Chinese Communist Party,no,,Xinhua style

Only ``zh`` and ``en`` are required; a plain two-column ``zh,en`` list is a valid glossary.
"""
from __future__ import annotations

import csv
import hashlib
import io
import os
import re
import sys
import sysconfig
from contextlib import contextmanager
from dataclasses import InitVar, dataclass, field, replace
from pathlib import Path
from typing import Dict, Iterable, Iterator, List, Optional, Tuple, Union

from .errors import GlossaryError, InputError
from .normalize import has_cjk, normalize_many, normalize_zh
from .tabular import header_roles, neutralize_row, restore_cell, sniff_delimiter
from .textio import (InputSource, Source, atomic_write_text, decode_text, detect_layout,
                     open_input, to_lf)

PathLike = Union[str, Path]

COLUMNS = ("zh", "en", "forbidden", "case_sensitive", "note", "source")
#: optional columns for what terminology exchange formats carry (TBX data categories); written
#: only when an entry uses them, read in any order
EXTRA_COLUMNS = ("subject", "definition", "definition_source", "pos", "term_type", "xref")
ALL_COLUMNS = COLUMNS + EXTRA_COLUMNS
SEPARATOR = "|"
TERM_TYPE_SEPARATOR = "="
_TRUE = {"yes", "y", "true", "1"}
_FALSE = {"no", "n", "false", "0", ""}
GLOSSARY_ENV = "TERMTRANS_GLOSSARY"


@dataclass(frozen=True)
class Entry:
    """One concept: its Chinese variants, approved English (first preferred) and forbidden English."""

    zh: Tuple[str, ...]
    en: Tuple[str, ...]
    forbidden: Tuple[str, ...] = ()
    case_sensitive: bool = False
    note: str = ""
    source: str = ""
    line: int = 0
    #: subject field (domain) of the concept
    subject: str = ""
    #: definition of the concept and where it comes from
    definition: str = ""
    definition_source: str = ""
    #: part of speech of the concept's terms (noun, verb, adjective, adverb, other)
    pos: str = ""
    #: (term, type) pairs: TBX termType of single terms (fullForm, acronym, abbreviation …)
    term_type: Tuple[Tuple[str, str], ...] = ()
    #: external references: a URL, or ``text <URL>``
    xref: Tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if len(self.term_type) > 1:  # one order whatever the source: the terms' own
            terms = {t: i for i, t in enumerate(self.zh + self.en + self.forbidden)}
            ordered = sorted(self.term_type, key=lambda p: terms.get(p[0], len(terms)))
            object.__setattr__(self, "term_type", tuple(ordered))

    @property
    def term(self) -> str:
        """The canonical Chinese form."""
        return self.zh[0]

    @property
    def preferred(self) -> str:
        """The preferred approved English rendering."""
        return self.en[0]

    def to_row(self) -> Dict[str, str]:
        """The entry as a CSV row dict keyed by :data:`ALL_COLUMNS` (:data:`COLUMNS` first)."""
        return {
            "zh": SEPARATOR.join(self.zh),
            "en": SEPARATOR.join(self.en),
            "forbidden": SEPARATOR.join(self.forbidden),
            "case_sensitive": "yes" if self.case_sensitive else "no",
            "note": self.note,
            "source": self.source,
            "subject": self.subject,
            "definition": self.definition,
            "definition_source": self.definition_source,
            "pos": self.pos,
            "term_type": SEPARATOR.join(f"{t}{TERM_TYPE_SEPARATOR}{k}" for t, k in self.term_type),
            "xref": SEPARATOR.join(self.xref),
        }

    def extras(self) -> Dict[str, object]:
        """The optional fields of :data:`EXTRA_COLUMNS` (as keyword arguments)."""
        return {"subject": self.subject, "definition": self.definition,
                "definition_source": self.definition_source, "pos": self.pos,
                "term_type": self.term_type, "xref": self.xref}

    def type_of(self, term: str) -> str:
        """The termType recorded for ``term`` ('' when none)."""
        return next((k for t, k in self.term_type if t == term), "")


def columns_for(entries: Iterable[Entry]) -> Tuple[str, ...]:
    """:data:`COLUMNS` plus the extra columns some entry uses, in :data:`ALL_COLUMNS` order."""
    used = set()
    for e in entries:
        row = e.to_row()
        used.update(c for c in EXTRA_COLUMNS if row[c])
    return COLUMNS + tuple(c for c in EXTRA_COLUMNS if c in used)


def parse_term_types(cell: str) -> Tuple[Tuple[str, str], ...]:
    """``BRI=acronym|Belt and Road Initiative=fullForm`` → (term, type) pairs (the type is what
    follows the last ``=``); raises ValueError on a value without ``=``."""
    out = []
    for part in split_values(cell):
        term, sep, kind = part.rpartition(TERM_TYPE_SEPARATOR)
        if not sep or not term.strip() or not kind.strip():
            raise ValueError(part)
        out.append((term.strip(), kind.strip()))
    return tuple(out)


@dataclass(frozen=True)
class Problem:
    """A validation finding, printed as ``FILE:LINE: message``."""

    path: str
    line: int
    message: str
    severity: str = "error"  # "error" or "warning"

    def __str__(self) -> str:
        tag = "" if self.severity == "error" else "warning: "
        return f"{self.path}:{self.line}: {tag}{self.message}"


@dataclass
class Glossary:
    """An ordered collection of :class:`Entry` with lookup by (normalised) Chinese."""

    entries: List[Entry] = field(default_factory=list)
    path: Optional[str] = None
    sha256: str = ""
    #: warnings found while loading (errors raise in strict loading)
    problems: List[Problem] = field(default_factory=list)
    #: the normalised form of Chinese variants already known (from parsing): not normalised again
    keys: InitVar[Optional[Dict[str, str]]] = None

    def __post_init__(self, keys: Optional[Dict[str, str]] = None) -> None:
        self._by_zh: Dict[str, Entry] = {}
        self._zh_keys: Dict[int, List[str]] = {}  # id(entry) -> its normalised Chinese variants
        pairs = [(v, e) for e in self.entries for v in e.zh]
        known = keys or {}
        todo = [v for v, _ in pairs if v not in known]
        if todo:
            known = {**known, **dict(zip(todo, normalize_many(todo)))}
        for v, e in pairs:
            key = known[v]
            self._by_zh.setdefault(key, e)
            self._zh_keys.setdefault(id(e), []).append(key)
        if not self.sha256:
            self.sha256 = hashlib.sha256(serialize_glossary(self).encode("utf-8")).hexdigest()

    def __len__(self) -> int:
        return len(self.entries)

    def zh_keys_of(self, entry: Entry) -> List[str]:
        """The normalised form of each Chinese variant of ``entry`` (one of this glossary's)."""
        keys = self._zh_keys.get(id(entry))
        if keys is None or len(keys) != len(entry.zh):
            return normalize_many(list(entry.zh))
        return keys

    def __iter__(self) -> Iterator[Entry]:
        return iter(self.entries)

    def get(self, zh: str) -> Optional[Entry]:
        """The entry having ``zh`` among its variants (Traditional/full-width tolerated)."""
        return self._by_zh.get(normalize_zh(zh.strip()))

    def lookup(self, text: str) -> List[Entry]:
        """Entries whose Chinese or English contains ``text`` (case-insensitive), exact first."""
        exact = self.get(text)
        q = text.strip().casefold()
        qz = normalize_zh(text.strip())
        hits = [] if exact is None else [exact]
        for e in self.entries:
            if e is exact:
                continue
            if any(qz in k for k in self._zh_keys[id(e)]) or any(q in r.casefold() for r in e.en):
                hits.append(e)
        return hits


def split_values(cell: str) -> Tuple[str, ...]:
    """Split a ``|``-separated cell into trimmed values (empty cell → empty tuple)."""
    cell = cell.strip()
    if not cell:
        return ()
    if SEPARATOR not in cell:
        return (cell,)
    return tuple(v.strip() for v in cell.split(SEPARATOR))


def _parse_flag(value: str) -> Optional[bool]:
    v = value.strip().lower()
    if v in _TRUE:
        return True
    if v in _FALSE:
        return False
    return None


def csv_rows(text: str, path: str, delimiter: str, quoting: int = csv.QUOTE_MINIMAL,
             error: type = InputError) -> Iterator[Tuple[int, List[str]]]:
    """(first line number, cells) of each record; malformed CSV raises ``error`` with its line.

    Lines end at LF, CRLF or CR. A quote left open is reported at the line where it opened.
    """
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True,
                        quoting=quoting)
    start = 1
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            kind = "TSV" if delimiter == "\t" else "CSV"
            if "end of data" in str(exc) and quoting != csv.QUOTE_NONE:
                opened = open_quote_line(text, start, delimiter)
                raise error(path, f"malformed {kind}: a quote opened on this line is never "
                                  "closed; close it or double the quote (\"\")",
                            line=opened) from None
            raise error(path, f"malformed {kind} ({exc})", line=reader.line_num) from None
        yield start, row
        start = reader.line_num + 1


def open_quote_line(text: str, start: int, delimiter: str) -> int:
    """The line of the quote left open in the records that start on line ``start``."""
    lines = io.StringIO(text, newline="").readlines()
    line = start
    in_quote = False
    opened = start
    at_field_start = True
    for raw in lines[start - 1:]:
        i, n = 0, len(raw)
        while i < n:
            c = raw[i]
            if in_quote:
                if c == '"':
                    if i + 1 < n and raw[i + 1] == '"':
                        i += 1
                    else:
                        in_quote = False
            elif c == '"' and at_field_start:
                in_quote, opened = True, line
            elif c == delimiter:
                at_field_start = True
                i += 1
                continue
            elif c in "\r\n":
                at_field_start = True
                i += 1
                continue
            at_field_start = False
            i += 1
        line += 1
    return opened if in_quote else start


def _rows(text: str, path: str) -> Iterator[Tuple[int, List[str]]]:
    return csv_rows(text, path, sniff_delimiter(text, path), error=GlossaryError)


def has_header(text: str, path: PathLike = "") -> bool:
    """Whether delimited glossary text starts with a header row naming zh and en columns."""
    try:
        for _, row in csv_rows(text, str(path), sniff_delimiter(text, path)):
            if any(c.strip() for c in row) and not row[0].lstrip().startswith("#"):
                return header_roles(row, "glossary") is not None
    except InputError:
        return True  # malformed: parse_glossary reports it with its line
    return True


def parse_glossary(text: str, path: PathLike = "<glossary>") -> Tuple[Glossary, List[Problem]]:
    """Parse glossary CSV/TSV text (header row naming zh and en) into a :class:`Glossary`
    plus every problem found.

    The delimiter (tab, comma, semicolon) is sniffed; header names may be ours, aliases,
    Chinese (中文/英文/备注 …) or language codes. Structural problems that make the file
    unreadable (no header, malformed CSV) raise :class:`GlossaryError`; everything else is
    returned as a :class:`Problem` list.
    """
    name = str(path)
    problems: List[Problem] = []
    rows = _rows(text, name)
    header_line, header = next(((n, r) for n, r in rows if any(c.strip() for c in r)), (1, []))
    if not header:
        raise GlossaryError(name, "file is empty; expected a header row 'zh,en,...'", line=1)
    roles = header_roles(header, "glossary")
    if roles is None:
        shown = ",".join(header)[:60]
        raise GlossaryError(name, f"header row missing: expected columns 'zh,en' "
                                  f"(optional: {','.join(COLUMNS[2:])}), found '{shown}'",
                            line=header_line)
    dup = sorted({c for c in roles if c and roles.count(c) > 1})
    if dup:
        raise GlossaryError(name, f"duplicate column(s) in header: {', '.join(dup)}", line=header_line)
    for cell, role in zip(header, roles):
        if role is None:
            problems.append(Problem(name, header_line, f"unknown column '{cell.strip()}' is "
                                    f"ignored (known: {','.join(ALL_COLUMNS)})", "warning"))
    cols = [r or "" for r in roles]
    parsed: List[Tuple[Optional[Entry], List[Problem]]] = []
    for line, row in rows:
        if not any(c.strip() for c in row) or row[0].lstrip().startswith("#"):
            continue
        parsed.append(_parse_row(name, line, row, cols))
    key_of = zh_keys(e for e, _ in parsed if e is not None)
    entries: List[Entry] = []
    seen: Dict[str, Entry] = {}
    approved_where: Dict[str, Entry] = {}
    for entry, row_problems in parsed:
        problems.extend(row_problems)
        if entry is None:
            continue
        keys = [key_of[v] for v in entry.zh]
        found = entry_problems(name, entry, keys, seen)
        problems.extend(found)
        if any(p.severity == "error" for p in found):
            continue
        if any(k in seen for k in keys):
            continue  # exact duplicate: warned about, first one kept
        for k in keys:
            seen[k] = entry
        for r in entry.en:
            approved_where.setdefault(r.casefold(), entry)
        entries.append(entry)
    for e in entries:
        for f in e.forbidden:
            other = approved_where.get(f.casefold())
            if other is not None and other is not e:
                problems.append(Problem(name, e.line, f"forbidden rendering '{f}' is approved "
                                        f"for {other.term} on line {other.line}", "warning"))
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    return Glossary(entries, path=name, sha256=digest, problems=problems, keys=key_of), problems


def _parse_row(name: str, line: int, row: List[str], cols: List[str]
               ) -> Tuple[Optional[Entry], List[Problem]]:
    """One data row: its entry, or None with the problems that make it unusable."""
    problems: List[Problem] = []
    if len(row) != len(cols):
        problems.append(Problem(name, line, f"{len(cols)} columns expected, found {len(row)}"))
        return None, problems
    rec = {c: restore_cell(v) for c, v in zip(cols, row) if c}
    values = {}
    for col in ("zh", "en", "forbidden", "xref"):
        vals = split_values(rec.get(col, ""))
        if "" in vals:
            problems.append(Problem(name, line, f"empty value between '{SEPARATOR}' in {col}"))
            vals = tuple(v for v in vals if v)
        values[col] = vals
    if not values["zh"]:
        problems.append(Problem(name, line, "empty zh field"))
    if not values["en"]:
        problems.append(Problem(name, line, "empty en field"))
    flag = _parse_flag(rec.get("case_sensitive", ""))
    if flag is None:
        problems.append(Problem(name, line, f"case_sensitive must be yes or no, "
                                f"found '{rec['case_sensitive'].strip()}'"))
    try:
        term_type = parse_term_types(rec.get("term_type", ""))
    except ValueError as exc:
        problems.append(Problem(name, line, f"term_type value '{exc}' must be TERM=TYPE "
                                "(e.g. BRI=acronym)"))
    if problems:
        return None, problems
    entry = Entry(zh=values["zh"], en=values["en"], forbidden=values["forbidden"],
                  case_sensitive=bool(flag), note=rec.get("note", "").strip(),
                  source=rec.get("source", "").strip(), line=line,
                  subject=rec.get("subject", "").strip(),
                  definition=rec.get("definition", "").strip(),
                  definition_source=rec.get("definition_source", "").strip(),
                  pos=rec.get("pos", "").strip(), term_type=term_type, xref=values["xref"])
    return entry, problems


def zh_keys(entries: Iterable[Entry]) -> Dict[str, str]:
    """Normalised form of every Chinese variant of ``entries`` (one OpenCC call for them all)."""
    variants = list({v: None for e in entries for v in e.zh})
    return dict(zip(variants, normalize_many(variants)))


def entry_problems(name: str, entry: Entry, keys: List[str], seen: Dict[str, Entry]
                   ) -> List[Problem]:
    """Problems of one entry against the entries in ``seen`` (normalised Chinese → entry);
    ``keys`` are the entry's own normalised variants."""
    out: List[Problem] = []
    line = entry.line
    for v, key in zip(entry.zh, keys):
        if not has_cjk(v):
            out.append(Problem(name, line, f"zh value '{v}' has no Chinese characters", "warning"))
        prev = seen.get(key)
        if prev is None or prev is entry:
            continue
        if set(map(str.casefold, prev.en)) == set(map(str.casefold, entry.en)):
            out.append(Problem(name, line, f"duplicate of line {prev.line} ('{v}')", "warning"))
        else:
            out.append(Problem(name, line, f"conflict: '{v}' is approved as "
                               f"'{prev.preferred}' on line {prev.line}, here as '{entry.preferred}'"))
    if len(keys) > 1 and len(set(keys)) != len(keys):
        out.append(Problem(name, line, "the same Chinese variant is listed twice", "warning"))
    if entry.forbidden:
        approved = {r.casefold() for r in entry.en}
        for f in entry.forbidden:
            if f.casefold() in approved:
                out.append(Problem(name, line, f"'{f}' is both approved and forbidden"))
    return out


def _read_glossary_bytes(path: Source) -> Tuple[bytes, str]:
    """The bytes and the display name of a glossary file, with the glossary's messages."""
    source = open_input(path)
    try:
        return source.data(), source.name
    except InputError as exc:
        if exc.message == "no such file":
            raise GlossaryError(exc.path, "glossary not found; pass --glossary PATH or set "
                                          f"{GLOSSARY_ENV}") from None
        if exc.message.startswith("is a directory"):
            raise GlossaryError(exc.path, "is a directory, expected a glossary file") from None
        raise GlossaryError(exc.path, exc.message, line=exc.line) from None


def _import_other(source: InputSource, data: bytes, kind: Optional[str]
                  ) -> Tuple[Glossary, List[Problem]]:
    """A glossary in any other importable format (XLSX, TBX, TMX, delimited without header)."""
    from .interop import import_glossary

    try:
        result = import_glossary(source, kind)
    except GlossaryError:
        raise
    except InputError as exc:
        raise GlossaryError(exc.path, exc.message, line=exc.line) from None
    digest = hashlib.sha256(data).hexdigest()
    return Glossary(result.entries, path=source.name, sha256=digest,
                    problems=list(result.problems)), list(result.problems)


def _load(path: Source) -> Tuple[Glossary, List[Problem], bytes]:
    source = open_input(path)
    data, name = _read_glossary_bytes(source)
    kind = sniff_glossary_bytes(data)
    if kind is not None:
        glossary, problems = _import_other(source, data, kind)
        return glossary, problems, data
    text = _decode_glossary(data, name, source)
    if not has_header(text, name):
        glossary, problems = _import_other(source, data, None)
        return glossary, problems, data
    glossary, problems = parse_glossary(text, name)
    return glossary, problems, data


def _decode_glossary(data: bytes, name: str, source: Optional[InputSource] = None) -> str:
    try:
        if source is not None:  # the encoding the user named for it, if any
            return decode_text(data, name, encoding=source.encoding,
                               option=source.encoding_option)
        return decode_text(data, name)
    except InputError as exc:
        raise GlossaryError(exc.path, exc.message, line=exc.line) from None


_ROOT_TAG = re.compile(rb"<(?![?!])(?:[\w.-]+:)?([\w.-]+)")


def sniff_glossary_bytes(data: bytes) -> Optional[str]:
    """The glossary format the content proves (``xlsx`` for a ZIP, ``tbx``/``tmx`` by the XML
    root element), or None for text (CSV/TSV and the other delimited layouts)."""
    if data.startswith(b"PK\x03\x04"):
        return "xlsx"
    head = data[:4096].lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith(b"<"):
        m = _ROOT_TAG.search(head)
        if m and m.group(1).lower() == b"tmx":
            return "tmx"
        return "tbx"  # tbx, martif; anything else is refused there naming its root element
    return None


def load_glossary(path: Source, *, strict: bool = True) -> Glossary:
    """Load a glossary (a path, ``-`` or an :class:`~termbase.textio.InputSource`) of any
    importable format, recognised by its content: termtrans CSV/TSV (any delimiter, header
    naming zh and en), two or three columns without header (DeepL, OmegaT), Excel, TBX (v2 and
    v3), TMX.

    With ``strict`` raise :class:`GlossaryError` on the first error; warnings are kept in
    :attr:`Glossary.problems`.
    """
    glossary, problems, data = _load(path)
    if strict:
        for prob in problems:
            if prob.severity == "error":
                raise GlossaryError(prob.path, prob.message, line=prob.line)
    glossary.sha256 = hashlib.sha256(data).hexdigest()
    return glossary


def validate_glossary(path: Source) -> List[Problem]:
    """Every problem in a glossary file (raises :class:`GlossaryError` if it cannot be parsed;
    formats other than termtrans CSV/TSV raise on their first error)."""
    return _load(path)[1]


def _glossary_from_bytes(data: bytes, text: str, name: str) -> Glossary:
    """A termtrans CSV/TSV glossary from its bytes and their decoded ``text`` (the one layout
    ``terms add`` rewrites)."""
    if sniff_glossary_bytes(data) is not None or not has_header(text, name):
        raise GlossaryError(name, "cannot add to this glossary: it is rewritten in place, which "
                                  "needs termtrans CSV/TSV with a header row; convert it first "
                                  "(terms import FILE -o glossary.csv) and use that")
    glossary, problems = parse_glossary(text, name)
    for prob in problems:
        if prob.severity == "error":
            raise GlossaryError(prob.path, prob.message, line=prob.line)
    glossary.sha256 = hashlib.sha256(data).hexdigest()
    return glossary


def serialize_glossary(glossary: Union[Glossary, Iterable[Entry]], delimiter: str = ",") -> str:
    """The glossary as CSV text: the six :data:`COLUMNS`, then the extra columns in use.

    Cells a spreadsheet would run as a formula (``= + - @``, tab, CR first) get a leading
    ``'``, which the readers take off again (:func:`termbase.tabular.neutralize_cell`).
    """
    entries = list(glossary)
    cols = columns_for(entries)
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter=delimiter, lineterminator="\n")
    writer.writerow(cols)
    for e in entries:
        row = e.to_row()
        writer.writerow(neutralize_row(row[c] for c in cols))
    return buf.getvalue()


def save_glossary(glossary: Union[Glossary, Iterable[Entry]], path: PathLike) -> None:
    """Write the glossary to ``path`` atomically (canonical layout)."""
    atomic_write_text(path, serialize_glossary(glossary))


#: what may not appear in a glossary field written by ``terms add``: line breaks and every
#: other control character (the CSV reader would split the row or refuse the file)
_UNSAFE_FIELD = re.compile(r"[\x00-\x1f\x7f\x85\u2028\u2029]")
_CONTROL_ONLY = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _describe_char(ch: str) -> str:
    if ch in "\r\n\x0b\x0c\x85\u2028\u2029":
        return "line break"
    if ch == "\t":
        return "tab"
    return f"control character U+{ord(ch):04X}"


def check_field_text(value: str, label: str, path: PathLike, *,
                     allow_line_breaks: bool = False) -> None:
    """Refuse a value that would break a glossary row: control characters, and line breaks
    unless ``allow_line_breaks`` (a merged note may keep them: its row is quoted)."""
    bad = (_UNSAFE_FIELD if not allow_line_breaks else _CONTROL_ONLY).search(value)
    if bad is not None:
        advice = ("a glossary field is one line of text (use '; ' to separate sentences)"
                  if not allow_line_breaks else "remove it")
        raise GlossaryError(str(path), f"cannot add: the {label} contains a "
                                       f"{_describe_char(bad.group(0))}; {advice}")


@contextmanager
def locked_glossary(path: PathLike) -> Iterator[None]:
    """Hold the glossary's write lock (see :mod:`termbase.locking`); errors name the file."""
    from .locking import locked_file

    p = str(path)
    if p == "-":
        raise GlossaryError("<stdin>", "cannot write to a glossary read from standard input; "
                                       "pass --glossary FILE")
    try:
        with locked_file(p):
            yield
    except FileNotFoundError:
        raise GlossaryError(p, "glossary not found; pass --glossary PATH or set "
                               f"{GLOSSARY_ENV}") from None
    except IsADirectoryError:
        raise GlossaryError(p, "is a directory, expected a glossary CSV file") from None
    except OSError as exc:
        raise GlossaryError(p, f"cannot lock the glossary for writing ({exc.strerror})") from None


def add_entry(path: PathLike, zh: str, en: str, *, note: str = "", forbidden: str = "",
              case_sensitive: bool = False, source: str = "") -> Entry:
    """Append a new concept to the glossary file at ``path``, keeping its order and layout.

    Refuses a Chinese variant already present (duplicate or conflict) and values with line
    breaks or control characters. The file is locked (:mod:`termbase.locking`), read again
    under the lock and rewritten atomically; its header, extra columns, encoding (UTF-8 with
    or without BOM, UTF-16, UTF-32) and line endings (LF, CRLF, CR) are kept.
    """
    from .outputs import write_atomic

    p = Path(path)
    for label, value in (("Chinese term", zh), ("English rendering", en), ("note", note),
                         ("forbidden value", forbidden), ("source", source)):
        check_field_text(value, label, p)
    new = Entry(zh=split_values(zh), en=split_values(en), forbidden=split_values(forbidden),
                case_sensitive=case_sensitive, note=note.strip(), source=source.strip())
    if not new.zh or any(not v for v in new.zh):
        raise GlossaryError(p, "cannot add: empty Chinese term")
    if not new.en or any(not v for v in new.en):
        raise GlossaryError(p, "cannot add: empty English rendering")
    if {f.casefold() for f in new.forbidden} & {r.casefold() for r in new.en}:
        raise GlossaryError(p, "cannot add: a rendering is both approved and forbidden")
    with locked_glossary(p):
        data, name = _read_glossary_bytes(p)
        text = _decode_glossary(data, name)
        glossary = _glossary_from_bytes(data, text, name)
        for v in new.zh:
            prev = glossary.get(v)
            if prev is not None:
                same = {r.casefold() for r in prev.en} >= {r.casefold() for r in new.en}
                what = "already in the glossary" if same else "conflicts with the glossary"
                raise GlossaryError(p, f"cannot add '{v}': {what} ('{prev.preferred}')",
                                    line=prev.line)
        layout = detect_layout(data, text)
        body = to_lf(text)
        delim = sniff_delimiter(body, p)
        header = next((r for _, r in _rows(body, name) if any(c.strip() for c in r)), [])
        cols = header_roles(header, "glossary") or []
        row = dict(zip(ALL_COLUMNS, neutralize_row(new.to_row()[c] for c in ALL_COLUMNS)))
        missing = [c for c in ("forbidden", "note", "source") if row[c] and c not in cols]
        if case_sensitive and "case_sensitive" not in cols:
            missing.append("case_sensitive")
        if missing:
            raise GlossaryError(p, f"cannot add: the file has no column for {', '.join(missing)}",
                                line=1)
        buf = io.StringIO()
        csv.writer(buf, delimiter=delim, lineterminator="").writerow(
            [row.get(c, "") if c else "" for c in cols])
        if body and not body.endswith("\n"):
            body += "\n"
        body += buf.getvalue() + "\n"
        write_atomic(p, layout.encode(body))
    return replace(new, line=body.count("\n"))


def default_glossary_path() -> Path:
    """The glossary used when none is given: ``$TERMTRANS_GLOSSARY`` or the bundled one."""
    env = os.environ.get(GLOSSARY_ENV)
    if env:
        return Path(env)
    return bundled_glossary_path()


def bundled_glossary_path() -> Path:
    """The ``glossary.csv`` shipped with termtrans (source checkout or installed data file)."""
    here = Path(__file__).resolve().parent.parent / "glossary.csv"
    candidates = [here]
    for base in (sys.prefix, sysconfig.get_path("data"), getattr(sys, "base_prefix", sys.prefix)):
        candidates.append(Path(base) / "share" / "termtrans" / "glossary.csv")
    try:
        import site

        candidates.append(Path(site.getuserbase()) / "share" / "termtrans" / "glossary.csv")
    except Exception:  # pragma: no cover - site may be stripped down
        pass
    for c in candidates:
        if c.is_file():
            return c
    return here

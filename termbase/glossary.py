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
import sys
import sysconfig
from dataclasses import InitVar, dataclass, field, replace
from pathlib import Path
from typing import Dict, Iterable, Iterator, List, Optional, Tuple, Union

from .errors import GlossaryError, InputError
from .normalize import has_cjk, normalize_many, normalize_zh
from .textio import atomic_write_text, decode_text

PathLike = Union[str, Path]

COLUMNS = ("zh", "en", "forbidden", "case_sensitive", "note", "source")
SEPARATOR = "|"
_COLUMN_ALIASES = {
    "zh-cn": "zh", "zh_cn": "zh", "zh-hans": "zh", "chinese": "zh", "source_term": "zh",
    "en-us": "en", "en-gb": "en", "english": "en", "target_term": "en",
    "case": "case_sensitive", "case-sensitive": "case_sensitive",
    "deprecated": "forbidden", "comment": "note", "notes": "note",
}
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

    @property
    def term(self) -> str:
        """The canonical Chinese form."""
        return self.zh[0]

    @property
    def preferred(self) -> str:
        """The preferred approved English rendering."""
        return self.en[0]

    def to_row(self) -> Dict[str, str]:
        """The entry as a CSV row dict keyed by :data:`COLUMNS`."""
        return {
            "zh": SEPARATOR.join(self.zh),
            "en": SEPARATOR.join(self.en),
            "forbidden": SEPARATOR.join(self.forbidden),
            "case_sensitive": "yes" if self.case_sensitive else "no",
            "note": self.note,
            "source": self.source,
        }


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


def _delimiter_for(path: str, header_line: str) -> str:
    if path.lower().endswith((".tsv", ".tab")):
        return "\t"
    if "\t" in header_line and "," not in header_line:
        return "\t"
    return ","


def csv_rows(text: str, path: str, delimiter: str, quoting: int = csv.QUOTE_MINIMAL,
             error: type = InputError) -> Iterator[Tuple[int, List[str]]]:
    """(first line number, cells) of each record; malformed CSV raises ``error`` with its line."""
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
            raise error(path, f"malformed {kind} ({exc})", line=reader.line_num) from None
        yield start, row
        start = reader.line_num + 1


def _rows(text: str, path: str) -> Iterator[Tuple[int, List[str]]]:
    first = text.split("\n", 1)[0]
    return csv_rows(text, path, _delimiter_for(path, first), error=GlossaryError)


def parse_glossary(text: str, path: PathLike = "<glossary>") -> Tuple[Glossary, List[Problem]]:
    """Parse glossary CSV text into a :class:`Glossary` plus every problem found.

    Structural problems that make the file unreadable (no header, malformed CSV) raise
    :class:`GlossaryError`; everything else is returned as a :class:`Problem` list.
    """
    name = str(path)
    problems: List[Problem] = []
    rows = _rows(text, name)
    header_line, header = next(((n, r) for n, r in rows if any(c.strip() for c in r)), (1, []))
    if not header:
        raise GlossaryError(name, "file is empty; expected a header row 'zh,en,...'", line=1)
    cols = [_COLUMN_ALIASES.get(c.strip().lower(), c.strip().lower()) for c in header]
    if "zh" not in cols or "en" not in cols:
        shown = ",".join(header)[:60]
        raise GlossaryError(name, f"header row missing: expected columns 'zh,en' "
                                  f"(optional: {','.join(COLUMNS[2:])}), found '{shown}'",
                            line=header_line)
    dup = sorted({c for c in cols if cols.count(c) > 1 and c})
    if dup:
        raise GlossaryError(name, f"duplicate column(s) in header: {', '.join(dup)}", line=header_line)
    for c in cols:
        if c not in COLUMNS:
            problems.append(Problem(name, header_line, f"unknown column '{c}' is ignored "
                                    f"(known: {','.join(COLUMNS)})", "warning"))
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
    return Glossary(entries, path=name, sha256=digest, keys=key_of), problems


def _parse_row(name: str, line: int, row: List[str], cols: List[str]
               ) -> Tuple[Optional[Entry], List[Problem]]:
    """One data row: its entry, or None with the problems that make it unusable."""
    problems: List[Problem] = []
    if len(row) != len(cols):
        problems.append(Problem(name, line, f"{len(cols)} columns expected, found {len(row)}"))
        return None, problems
    rec = dict(zip(cols, row))
    values = {}
    for col in ("zh", "en", "forbidden"):
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
    if problems:
        return None, problems
    entry = Entry(zh=values["zh"], en=values["en"], forbidden=values["forbidden"],
                  case_sensitive=bool(flag), note=rec.get("note", "").strip(),
                  source=rec.get("source", "").strip(), line=line)
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


def load_glossary(path: PathLike, *, strict: bool = True) -> Glossary:
    """Load a glossary file; with ``strict`` raise :class:`GlossaryError` on its first error."""
    p = Path(path)
    try:
        data = p.read_bytes()
    except FileNotFoundError:
        raise GlossaryError(p, "glossary not found; pass --glossary PATH or set "
                               f"{GLOSSARY_ENV}") from None
    except IsADirectoryError:
        raise GlossaryError(p, "is a directory, expected a glossary CSV file") from None
    except OSError as exc:
        raise GlossaryError(p, f"cannot read glossary ({exc.strerror})") from None
    try:
        text = decode_text(data, p)
    except InputError as exc:
        raise GlossaryError(exc.path, exc.message, line=exc.line) from None
    glossary, problems = parse_glossary(text, p)
    if strict:
        for prob in problems:
            if prob.severity == "error":
                raise GlossaryError(prob.path, prob.message, line=prob.line)
    glossary.sha256 = hashlib.sha256(data).hexdigest()
    return glossary


def validate_glossary(path: PathLike) -> List[Problem]:
    """Every problem in a glossary file (raises :class:`GlossaryError` if it cannot be parsed)."""
    p = Path(path)
    try:
        text = decode_text(p.read_bytes(), p)
    except FileNotFoundError:
        raise GlossaryError(p, "glossary not found") from None
    except InputError as exc:
        raise GlossaryError(exc.path, exc.message, line=exc.line) from None
    return parse_glossary(text, p)[1]


def serialize_glossary(glossary: Union[Glossary, Iterable[Entry]]) -> str:
    """The glossary as CSV text in the canonical six-column layout."""
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=list(COLUMNS), lineterminator="\n")
    writer.writeheader()
    for e in glossary:
        writer.writerow(e.to_row())
    return buf.getvalue()


def save_glossary(glossary: Union[Glossary, Iterable[Entry]], path: PathLike) -> None:
    """Write the glossary to ``path`` atomically (canonical layout)."""
    atomic_write_text(path, serialize_glossary(glossary))


def add_entry(path: PathLike, zh: str, en: str, *, note: str = "", forbidden: str = "",
              case_sensitive: bool = False, source: str = "") -> Entry:
    """Append a new concept to the glossary file at ``path``, keeping its order and layout.

    Refuses a Chinese variant already present (duplicate or conflict). The file is rewritten
    atomically; its header, extra columns, BOM and line endings are kept.
    """
    p = Path(path)
    glossary = load_glossary(p)
    data = p.read_bytes()
    text = decode_text(data, p)
    new = Entry(zh=split_values(zh), en=split_values(en), forbidden=split_values(forbidden),
                case_sensitive=case_sensitive, note=note.strip(), source=source.strip())
    if not new.zh or any(not v for v in new.zh):
        raise GlossaryError(p, "cannot add: empty Chinese term")
    if not new.en or any(not v for v in new.en):
        raise GlossaryError(p, "cannot add: empty English rendering")
    for v in new.zh:
        prev = glossary.get(v)
        if prev is not None:
            same = {r.casefold() for r in prev.en} >= {r.casefold() for r in new.en}
            what = "already in the glossary" if same else "conflicts with the glossary"
            raise GlossaryError(p, f"cannot add '{v}': {what} ('{prev.preferred}')", line=prev.line)
    if {f.casefold() for f in new.forbidden} & {r.casefold() for r in new.en}:
        raise GlossaryError(p, "cannot add: a rendering is both approved and forbidden")
    first = text.split("\n", 1)[0]
    delim = _delimiter_for(str(p), first)
    header = next(csv.reader([first.rstrip("\r")], delimiter=delim))
    cols = [_COLUMN_ALIASES.get(c.strip().lower(), c.strip().lower()) for c in header]
    row = new.to_row()
    missing = [c for c in ("forbidden", "note", "source") if row[c] and c not in cols]
    if missing or (case_sensitive and "case_sensitive" not in cols):
        need = missing + (["case_sensitive"] if case_sensitive and "case_sensitive" not in cols else [])
        raise GlossaryError(p, f"cannot add: the file has no column for {', '.join(need)}", line=1)
    buf = io.StringIO()
    csv.writer(buf, delimiter=delim, lineterminator="").writerow([row.get(c, "") for c in cols])
    newline = "\r\n" if "\r\n" in text else "\n"
    body = text
    if body and not body.endswith(("\n", "\r")):
        body += newline
    body += buf.getvalue() + newline
    bom = data.startswith(b"\xef\xbb\xbf")
    atomic_write_text(p, body.replace("\r\n", "\n"), bom=bom, newline=newline)
    lines = body.count("\n")
    return replace(new, line=lines)


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

"""The persistent translation cache: SQLite in termtrans's cache directory.

Every segment the engine translated is stored under (plan, glossary sha256, normalised source):
the *plan* is a hash of what decides the English before the engine is built (engine, model
— a local model directory by its path and its files' sizes and times —, beam, constraints), so a
rerun can find its segments without loading torch or the model. Writes go through SQLite's WAL
journal (a crash leaves the last committed state); a damaged file is moved aside and rebuilt
with a warning. Sources are compared as :func:`translate.tm.match_key` normalises them; a segment
with inline codes is keyed by its text and the places of its codes (:func:`segment_key`), and a hit
gets the segment's own codes back in the stored translation.
"""
from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import time
from pathlib import Path
from typing import Callable, Dict, Iterable, List, Optional, Sequence, Union

from termbase.cache_home import cache_home
from termbase.errors import OutputError

from termbase.inline import Code, InlineText

from .enforce import CodeOutcome, SegmentResult, TermOutcome

PathLike = Union[str, Path]
#: file name inside the termtrans cache directory
CACHE_FILE = "translations.sqlite3"
_SCHEMA = """
CREATE TABLE IF NOT EXISTS segments (
    plan TEXT NOT NULL, glossary TEXT NOT NULL, key TEXT NOT NULL, result TEXT NOT NULL,
    created REAL NOT NULL, PRIMARY KEY (plan, glossary, key)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS plans (
    plan TEXT PRIMARY KEY, description TEXT NOT NULL, signature TEXT, created REAL NOT NULL);
"""
_BATCH = 500  # keys per SELECT (below SQLite's variable limit)


def default_cache_path() -> Path:
    """``$TERMTRANS_CACHE/translations.sqlite3`` (see :func:`termbase.cache_home.cache_home`)."""
    return cache_home() / CACHE_FILE


def plan_key(description: Dict[str, object]) -> str:
    """The short hash naming a plan (what decides a segment's English, before any engine)."""
    text = json.dumps(description, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


Source = Union[str, InlineText]
#: stands for an inline code in a key's text
_CODE_MARK = "\ue000"


def segment_key(source: Source) -> str:
    """The cache key of a segment: its normalised text (:func:`translate.tm.match_key`) and, for
    a segment with inline codes, where its codes stand and how they pair
    (:meth:`~termbase.inline.InlineText.key`): two segments that read the same to an engine
    share a key, whatever their codes hold (a link target, a font)."""
    from .tm import match_key

    if not isinstance(source, InlineText):
        return match_key(source)
    if not source.has_codes:
        return match_key(source.text)
    structure = source.key()
    text = "".join(p if isinstance(p, str) else _CODE_MARK for p in structure)
    codes = [list(p) for p in structure if not isinstance(p, str)]
    return match_key(text) + "\x1f" + json.dumps(codes, separators=(",", ":"))


def _source_of(r: SegmentResult) -> Source:
    return r.source_inline if r.source_inline is not None and r.source_inline.has_codes \
        else r.source


def result_to_dict(r: SegmentResult) -> Optional[Dict[str, object]]:
    """A result as stored (None when its codes cannot be stored: a target code that is not one
    of the source's). Codes are stored by their position among the source's codes, so a hit
    takes the codes of the segment it is for."""
    d: Dict[str, object] = {"source": r.source, "target": r.target, "method": r.method,
                            "terms": [t.as_dict() for t in r.terms], "notes": list(r.notes)}
    if r.truncated:
        d["truncated"] = True
    source = r.source_inline
    if source is not None and source.has_codes:
        codes = source.codes
        where = {id(c): k for k, c in enumerate(codes)}
        parts: List[object] = []
        for p in (r.inline.parts if r.inline is not None else (r.target,)):
            if isinstance(p, str):
                parts.append(p)
            elif id(p) in where:
                parts.append(where[id(p)])
            elif p in codes:
                parts.append(codes.index(p))
            else:
                return None
        d["codes"] = [[c.kind, c.type] for c in codes]
        d["inline"] = parts
        d["code_outcomes"] = [dict(c.as_dict(), code=c.code) for c in r.codes]
    return d


def result_from_dict(d: Dict[str, object], source: Optional[Source] = None) -> SegmentResult:
    """A stored result; for a segment with codes, ``source`` (the segment asked for) gives them."""
    terms = [TermOutcome(t["term"], t["matched"], t["english"], t["method"], t.get("recovery"),
                         t.get("problem")) for t in d.get("terms", [])]
    result = SegmentResult(d["source"], d["target"], d["method"], terms, list(d.get("notes", [])),
                           truncated=bool(d.get("truncated")))
    if "codes" not in d:
        return result
    if not isinstance(source, InlineText) or len(source.codes) != len(d["codes"]):
        raise ValueError("a stored result with codes needs its segment")
    stand_in = [Code(kind, type=kind_type) for kind, kind_type in d["codes"]]
    result.inline = InlineText(stand_in[p] if isinstance(p, int) else p for p in d["inline"])
    result.codes = [CodeOutcome(c["code"], c["type"], c["method"], c.get("recovery"),
                                c.get("problem"), bool(c.get("literal")))
                    for c in d.get("code_outcomes", [])]
    result.source_inline = InlineText(stand_in)
    bound = result.rebind(stand_in, source.codes)
    bound.source_inline = source
    return bound


def adapt_result(result: SegmentResult, source: Source) -> SegmentResult:
    """A stored result for a source that differs only by normalisation: its source and the
    matched forms of its terms taken from ``source``."""
    text = source.text if isinstance(source, InlineText) else source
    if result.source == text:
        return result
    from termbase.normalize import normalize_zh

    norm = normalize_zh(text)
    terms = []
    for t in result.terms:
        at = norm.find(normalize_zh(t.matched)) if t.matched else -1
        matched = text[at:at + len(t.matched)] if at >= 0 else t.matched
        terms.append(TermOutcome(t.term, matched, t.english, t.method, t.recovery, t.problem))
    return SegmentResult(text, result.target, result.method, terms, list(result.notes),
                         result.inline, list(result.codes), result.source_inline,
                         truncated=result.truncated)


class SegmentCache:
    """Translated segments on disk. Use :meth:`get_many` / :meth:`put_many`; ``warnings`` holds
    what went wrong (a damaged file rebuilt) for the caller to show."""

    def __init__(self, path: Optional[PathLike] = None, *,
                 warn: Optional[Callable[[str], None]] = None):
        self.path = Path(path) if path is not None else default_cache_path()
        self.warnings: List[str] = []
        self._warn = warn
        self._db: Optional[sqlite3.Connection] = None
        self.hits = 0
        self.stored = 0

    # -- connection ---------------------------------------------------------------------------
    def _connect(self) -> sqlite3.Connection:
        if self._db is not None:
            return self._db
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise OutputError(f"{self.path.parent}: cannot create the cache directory "
                              f"({exc.strerror}); set TERMTRANS_CACHE to a writable folder or "
                              "use --no-cache") from None
        try:
            self._db = self._open()
        except sqlite3.DatabaseError as exc:
            self._rebuild(exc)
        return self._db

    def _open(self) -> sqlite3.Connection:
        db = sqlite3.connect(str(self.path), timeout=30.0, isolation_level=None)
        try:
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=NORMAL")
            db.executescript(_SCHEMA)
            db.execute("SELECT count(*) FROM plans").fetchone()
        except BaseException:
            db.close()
            raise
        return db

    def _rebuild(self, exc: BaseException) -> None:
        if self._db is not None:
            try:
                self._db.close()
            except sqlite3.Error:
                pass
            self._db = None
        aside = self.path.with_name(f"{self.path.name}.damaged-{int(time.time())}")
        for suffix in ("", "-wal", "-shm"):
            p = Path(str(self.path) + suffix)
            if p.exists():
                try:
                    os.replace(p, Path(str(aside) + suffix))
                except OSError:
                    try:
                        p.unlink()
                    except OSError:
                        pass
        message = (f"warning: {self.path}: the translation cache was damaged ({exc}); it was "
                   f"moved to {aside.name} and a new one started")
        self.warnings.append(message)
        if self._warn:
            self._warn(message)
        try:
            self._db = self._open()
        except sqlite3.Error as exc2:
            raise OutputError(f"{self.path}: cannot create the translation cache ({exc2}); set "
                              "TERMTRANS_CACHE to a writable folder or use --no-cache") from None

    def _run(self, fn):
        """``fn(db)``, the cache rebuilt once if SQLite finds it damaged."""
        try:
            return fn(self._connect())
        except sqlite3.DatabaseError as exc:
            if isinstance(exc, sqlite3.OperationalError) and "locked" in str(exc):
                raise OutputError(f"{self.path}: the translation cache is locked by another "
                                  "run; wait for it or use --no-cache") from None
            self._rebuild(exc)
            return fn(self._db)

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None

    # -- plans ---------------------------------------------------------------------------------
    def register_plan(self, plan: str, description: Dict[str, object]) -> None:
        text = json.dumps(description, sort_keys=True, ensure_ascii=False)
        self._run(lambda db: db.execute(
            "INSERT OR IGNORE INTO plans (plan, description, created) VALUES (?, ?, ?)",
            (plan, text, time.time())))

    def engine_signature(self, plan: str) -> Optional[Dict[str, object]]:
        """The signature the engine of ``plan`` gave when it last translated (None if never)."""
        row = self._run(lambda db: db.execute("SELECT signature FROM plans WHERE plan = ?",
                                              (plan,)).fetchone())
        return json.loads(row[0]) if row and row[0] else None

    def set_engine_signature(self, plan: str, signature: Dict[str, object]) -> None:
        text = json.dumps(signature, sort_keys=True, ensure_ascii=False)
        self._run(lambda db: db.execute("UPDATE plans SET signature = ? WHERE plan = ?",
                                        (text, plan)))

    # -- segments ------------------------------------------------------------------------------
    def get_many(self, plan: str, glossary: str, sources: Iterable[Source]
                 ) -> Dict[Source, SegmentResult]:
        """Stored results for ``sources`` (strings, or segments with inline codes: the result
        then carries the segment's own codes); misses are absent."""
        by_key: Dict[str, List[Source]] = {}
        for s in sources:
            by_key.setdefault(segment_key(s), []).append(s)
        keys = list(by_key)
        found: Dict[Source, SegmentResult] = {}

        def select(db):
            rows = []
            for i in range(0, len(keys), _BATCH):
                part = keys[i:i + _BATCH]
                rows.extend(db.execute(
                    f"SELECT key, result FROM segments WHERE plan = ? AND glossary = ? AND key IN "
                    f"({','.join('?' * len(part))})", (plan, glossary, *part)).fetchall())
            return rows

        for key, text in self._run(select):
            stored = json.loads(text)
            for s in by_key.get(key, ()):
                try:
                    found[s] = adapt_result(result_from_dict(stored, s), s)
                except (ValueError, KeyError, TypeError, IndexError):
                    continue  # a row this version cannot use: translated again
        self.hits += len(found)
        return found

    def put_many(self, plan: str, glossary: str, results: Sequence[SegmentResult]) -> None:
        """Store ``results`` in one transaction (a result already stored is kept)."""
        if not results:
            return
        now = time.time()
        rows = []
        for r in results:
            d = result_to_dict(r)
            if d is not None:
                rows.append((plan, glossary, segment_key(_source_of(r)),
                             json.dumps(d, ensure_ascii=False), now))
        if not rows:
            return

        def insert(db):
            db.execute("BEGIN IMMEDIATE")
            try:
                cur = db.executemany("INSERT OR IGNORE INTO segments VALUES (?, ?, ?, ?, ?)", rows)
                db.execute("COMMIT")
            except BaseException:
                db.execute("ROLLBACK")
                raise
            return cur.rowcount

        added = self._run(insert)
        self.stored += max(added or 0, 0)

    # -- maintenance ---------------------------------------------------------------------------
    def info(self) -> Dict[str, object]:
        """Path, size on disk, segment count, and per plan its description and segments."""
        size = sum(Path(str(self.path) + s).stat().st_size for s in ("", "-wal")
                   if Path(str(self.path) + s).exists())
        if not self.path.exists():
            return {"path": str(self.path), "bytes": 0, "segments": 0, "plans": []}

        def query(db):
            plans = []
            for plan, desc, sig in db.execute("SELECT plan, description, signature FROM plans "
                                              "ORDER BY created").fetchall():
                count = db.execute("SELECT count(*) FROM segments WHERE plan = ?",
                                   (plan,)).fetchone()[0]
                plans.append({"plan": plan, "segments": count, "description": json.loads(desc),
                              "signature": json.loads(sig) if sig else None})
            total = db.execute("SELECT count(*) FROM segments").fetchone()[0]
            return total, plans

        total, plans = self._run(query)
        return {"path": str(self.path), "bytes": size, "segments": total, "plans": plans}

    def clear(self) -> int:
        """Delete every stored segment and plan; the number of segments deleted."""
        if not self.path.exists():
            return 0

        def wipe(db):
            n = db.execute("SELECT count(*) FROM segments").fetchone()[0]
            db.execute("DELETE FROM segments")
            db.execute("DELETE FROM plans")
            db.execute("VACUUM")
            return n

        return self._run(wipe)


__all__ = ["CACHE_FILE", "SegmentCache", "adapt_result", "default_cache_path", "plan_key",
           "result_from_dict", "result_to_dict", "segment_key"]

"""Delimited glossaries: our CSV/TSV, DeepL/Google two-column, Amazon/Google language-code header,
OmegaT ``source⇥target⇥comment``.

Reading detects the layout from the first row: a header naming ``zh``/``en`` columns (our
columns, their common aliases, or language codes such as ``zh-CN``/``en-US``), otherwise two
or three columns without header (zh, en, optional comment). In every layout ``|`` separates
synonyms inside a cell. In the layouts without header (DeepL, OmegaT) rows repeating the same
Chinese are alternative renderings of one concept and are grouped; with a header, a repeated
Chinese term with another rendering is a conflict.
"""
from __future__ import annotations

import csv
import io
import re
from dataclasses import replace
from typing import Dict, Iterator, List, Optional, Sequence, Tuple

from ..errors import GlossaryError
from .. import tabular
from ..glossary import (SEPARATOR, Entry, Problem, csv_rows, parse_term_types,
                        serialize_glossary)
from ..normalize import has_cjk
from ..textio import read_text
from .base import GlossaryFormat, ImportResult, PathLike, dedupe, finish_import

_TRUE = {"yes", "y", "true", "1"}
_FALSE = {"no", "n", "false", "0", ""}


def column_role(cell: str) -> Optional[str]:
    """What a glossary header cell holds (see :func:`termbase.tabular.column_role`)."""
    return tabular.column_role(cell, "glossary")


def header_roles(row: Sequence[str]) -> Optional[List[Optional[str]]]:
    """Roles of a header row, or None when the row is not a header (no zh and en columns)."""
    return tabular.header_roles(row, "glossary")


def parse_flag(value: str, path: str, line: int) -> bool:
    v = value.strip().lower()
    if v in _TRUE:
        return True
    if v in _FALSE:
        return False
    raise GlossaryError(path, f"case_sensitive must be yes or no, found '{value.strip()}'",
                        line=line)


def rows_to_entries(rows: Iterator[Tuple[int, List[str]]], path: str, fmt: str,
                    quoted_cells: bool = True) -> ImportResult:
    """Turn (line, cells) rows of any supported layout into validated entries.

    ``quoted_cells``: the cells come from a text format, where our writers put a ``'`` before
    a value a spreadsheet would run as a formula (taken off here); a worksheet's cells are
    text already and are read as they are."""
    problems: List[Problem] = []
    rows = ((n, r) for n, r in rows if any(c.strip() for c in r))
    first = next(rows, None)
    if first is None:
        raise GlossaryError(path, "no rows found")
    line, row = first
    roles = header_roles(row)
    header_rows: List[Tuple[int, List[str]]] = []
    if roles is None:
        if len(row) < 2 or len(row) > 3:
            raise GlossaryError(path, f"expected a header naming zh and en columns, or two or "
                                      f"three columns without header (zh, en, comment); found "
                                      f"{len(row)} column(s)", line=line)
        if not has_cjk(row[0]) and has_cjk(row[1]):
            raise GlossaryError(path, "the first column has no Chinese but the second has: add "
                                      "a header row such as 'en,zh'", line=line)
        roles = ["zh", "en", "note"]
        header_rows = [first]
        no_header = True
    else:
        no_header = False
        for i, r in enumerate(roles):
            if r is None:
                problems.append(Problem(path, line, f"column '{row[i].strip()}' is ignored",
                                        "warning"))
        dup = sorted({r for r in roles if r and roles.count(r) > 1})
        if dup:
            raise GlossaryError(path, f"more than one {dup[0]} column in the header "
                                      f"(use one column, synonyms separated by '|')", line=line)
    group = no_header  # DeepL/OmegaT: several rows per source are alternatives
    entries: List[Entry] = []
    by_zh: Dict[Tuple[str, ...], int] = {}
    notes: List[List[str]] = []
    sources: List[List[str]] = []
    for line, cells in header_rows + list(rows):
        if cells[0].lstrip().startswith("#") and not no_header:
            continue
        if no_header and not 2 <= len(cells) <= 3:
            raise GlossaryError(path, f"expected 2 or 3 columns (zh, en, comment), found "
                                      f"{len(cells)}", line=line)
        if not no_header and len(cells) != len(roles):
            raise GlossaryError(path, f"{len(roles)} columns expected, found {len(cells)}",
                                line=line)
        rec: Dict[str, str] = {}
        for role, cell in zip(roles, cells):
            if role:
                rec[role] = tabular.restore_cell(cell) if quoted_cells else cell
        vals = {}
        for col in ("zh", "en", "forbidden", "xref"):
            parts = [v.strip() for v in rec.get(col, "").split(SEPARATOR)]
            if rec.get(col, "").strip() and any(not p for p in parts):
                raise GlossaryError(path, f"empty value between '{SEPARATOR}' in {col}",
                                    line=line)
            vals[col] = dedupe(parts)
        if not vals["zh"] or not vals["en"]:
            which = "zh" if not vals["zh"] else "en"
            problems.append(Problem(path, line, f"row skipped: empty {which} cell", "warning"))
            continue
        try:
            term_type = parse_term_types(rec.get("term_type", ""))
        except ValueError as exc:
            raise GlossaryError(path, f"term_type value '{exc}' must be TERM=TYPE (e.g. "
                                      "BRI=acronym)", line=line) from None
        entry = Entry(zh=vals["zh"], en=vals["en"], forbidden=vals["forbidden"],
                      case_sensitive=parse_flag(rec.get("case_sensitive", ""), path, line),
                      note=rec.get("note", "").strip(), source=rec.get("source", "").strip(),
                      line=line, subject=rec.get("subject", "").strip(),
                      definition=rec.get("definition", "").strip(),
                      definition_source=rec.get("definition_source", "").strip(),
                      pos=rec.get("pos", "").strip(), term_type=term_type, xref=vals["xref"])
        if group and entry.zh in by_zh:
            i = by_zh[entry.zh]
            prev = entries[i]
            notes[i] += [entry.note]
            sources[i] += [entry.source]
            entries[i] = replace(prev, en=dedupe(prev.en + entry.en),
                                 forbidden=dedupe(prev.forbidden + entry.forbidden),
                                 note="; ".join(dedupe(notes[i])),
                                 source="; ".join(dedupe(sources[i])))
            continue
        by_zh[entry.zh] = len(entries)
        notes.append([entry.note])
        sources.append([entry.source])
        entries.append(entry)
    return finish_import(entries, path, fmt, problems)


def sniff_delimiter(path: PathLike, text: str) -> str:
    """The delimiter of delimited glossary text (see :func:`termbase.tabular.sniff_delimiter`)."""
    return tabular.sniff_delimiter(text, path)


class DelimitedFormat(GlossaryFormat):
    """Base of the delimited formats: one reader, a writer per layout."""

    delimiter: Optional[str] = None  # None: from the extension
    quoting = csv.QUOTE_MINIMAL
    #: our writer puts a ``'`` before a cell a spreadsheet would run (taken off on reading);
    #: the tools' layouts are written and read verbatim
    quoted_cells = False

    def read(self, path: PathLike) -> ImportResult:
        text = read_text(path)
        delimiter = self.delimiter or sniff_delimiter(path, text)
        return rows_to_entries(csv_rows(text, str(path), delimiter, self.quoting), str(path),
                               self.name, quoted_cells=self.quoted_cells)

    def _delimiter_for(self, path: PathLike) -> str:
        return self.delimiter or tabular.extension_delimiter(path) or ","

    def _write(self, rows: Sequence[Sequence[str]], path: PathLike) -> bytes:
        """Rows as delimited text, cells verbatim: the tools reading these layouts (DeepL,
        Amazon, Google) take a cell as the term itself, so no formula guard is added."""
        buf = io.StringIO()
        writer = csv.writer(buf, delimiter=self._delimiter_for(path), lineterminator="\n")
        writer.writerows(rows)
        return buf.getvalue().encode("utf-8")


class GlossaryCsvFormat(DelimitedFormat):
    """termtrans' own layout: header ``zh,en,forbidden,case_sensitive,note,source``."""

    name = "csv"
    extensions = (".csv",)
    description = "termtrans glossary CSV (all fields); reads every delimited layout"
    quoted_cells = True

    def dumps(self, entries: Sequence[Entry], path: PathLike = "glossary.csv") -> bytes:
        """Our layout; formula triggers at the start of a cell are neutralised with ``'``
        (taken off again on reading)."""
        return serialize_glossary(entries, self._delimiter_for(path)).encode("utf-8")


class GlossaryTsvFormat(GlossaryCsvFormat):
    """termtrans' own layout, tab-separated."""

    name = "tsv"
    extensions = (".tsv",)
    description = "termtrans glossary TSV (all fields)"
    delimiter = "\t"


def _variant_rows(entries: Sequence[Entry]) -> List[List[str]]:
    return [[v, e.preferred] for e in entries for v in e.zh]


class DeepLFormat(DelimitedFormat):
    """Two columns, no header (DeepL, Google unidirectional): one row per Chinese variant with
    the preferred English. Tab-separated for .tsv/.txt, comma otherwise."""

    name = "deepl"
    description = "two columns zh,en without header (DeepL, Google unidirectional)"
    carries = frozenset({"zh_variants"})

    def dumps(self, entries: Sequence[Entry], path: PathLike = "glossary.csv") -> bytes:
        return self._write(_variant_rows(entries), path)


class AmazonFormat(DelimitedFormat):
    """Header of language codes ``zh,en`` (Amazon Translate, Google equivalent term sets)."""

    name = "amazon"
    description = "header of language codes zh,en (Amazon, Google equivalent term sets)"
    carries = frozenset({"zh_variants"})

    def dumps(self, entries: Sequence[Entry], path: PathLike = "glossary.csv") -> bytes:
        return self._write([["zh", "en"]] + _variant_rows(entries), path)


class OmegaTFormat(DelimitedFormat):
    """OmegaT glossary: ``source⇥target⇥comment`` lines, no header, no quoting. One line per
    Chinese variant and approved rendering; tabs and line breaks in a comment become spaces."""

    name = "omegat"
    extensions = (".utf8", ".tab")
    description = "OmegaT glossary TSV source<TAB>target<TAB>comment"
    carries = frozenset({"zh_variants", "alternatives", "note"})
    delimiter = "\t"
    quoting = csv.QUOTE_NONE

    def dumps(self, entries: Sequence[Entry], path: PathLike = "glossary.utf8") -> bytes:
        flat = lambda s: re.sub(r"[\t\r\n]+", " ", s).strip()  # noqa: E731
        lines = []
        for e in entries:
            for v in e.zh:
                for r in e.en:
                    cells = [flat(v), flat(r)] + ([flat(e.note)] if e.note else [])
                    lines.append("\t".join(cells))
        return ("\n".join(lines) + "\n").encode("utf-8")

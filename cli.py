"""The ``termtrans`` command line. Thin: parsing options, calling the library, printing.

Library errors (:class:`termbase.errors.TermtransError`) become one-line messages and exit
code 2 in one place, :class:`_Group`. torch/transformers are never imported here.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Optional

import click

from termbase import __version__
from termbase.errors import TermtransError


def _one_line(message: str, exit_code: int = 2) -> click.ClickException:
    err = click.ClickException(message)
    err.exit_code = exit_code
    return err


def _os_error_message(exc: OSError) -> str:
    """``FILE: reason`` for an OSError no reader or writer turned into one of our errors."""
    import errno

    from termbase.outputs import os_error_reason

    where = exc.filename
    if where is None and exc.errno in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EIO):
        where = "<stdout>"  # what is left unlabelled at this level is the terminal output
    reason = os_error_reason(exc)
    if where == "<stdout>":
        return f"{where}: cannot write ({reason})"
    return f"{where}: {reason}" if where is not None else reason


def _silence_stdout() -> None:
    """After a failed write to stdout: send what is still buffered to /dev/null, so that the
    interpreter's final flush does not print a second error."""
    import os

    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):
        pass


class _Group(click.Group):
    """A click group that turns every error into one line ``Error: FILE: message`` (exit 2).

    Library errors (:class:`TermtransError`), OSErrors (full disk, permissions, loops...),
    MemoryError and bad option values all end here; Ctrl-C exits 130 with one line.
    """

    def invoke(self, ctx: click.Context):
        top = ctx.parent is None
        try:
            result = super().invoke(ctx)
            if top:
                _flush_stdout()
            return result
        except TermtransError as exc:
            raise _one_line(str(exc), exc.exit_code) from None
        except click.BadParameter as exc:
            raise _one_line(exc.format_message()) from None
        except KeyboardInterrupt:
            click.echo("Interrupted (Ctrl-C); outputs not yet written were left as they were.",
                       err=True)
            raise click.exceptions.Exit(130) from None
        except MemoryError:
            raise _one_line("out of memory; the input is too large for this machine") from None
        except BrokenPipeError:
            raise  # the reader went away (… | head): click exits quietly
        except OSError as exc:
            if exc.filename is None:
                _silence_stdout()
            raise _one_line(_os_error_message(exc)) from None


def _flush_stdout() -> None:
    try:
        if sys.stdout is not None:
            sys.stdout.flush()
    except BrokenPipeError:
        raise
    except OSError as exc:
        _silence_stdout()
        raise _one_line(f"<stdout>: cannot write ({exc.strerror or exc})") from None


def _stdout_is_terminal() -> bool:
    try:
        return sys.stdout.isatty()
    except (AttributeError, ValueError):
        return False


def no_color() -> bool:
    """True when the NO_COLOR environment variable is set to anything but '' (no-color.org):
    no ANSI colour unless an option asks for it."""
    import os

    return bool(os.environ.get("NO_COLOR", ""))


class State:
    """What the global options select, loaded on first use."""

    def __init__(self, glossary_path: Optional[str], explicit: bool = False,
                 encoding: Optional[str] = None):
        self.glossary_path = glossary_path
        self.explicit = explicit  # chosen with --glossary or TERMTRANS_GLOSSARY
        self.encoding = encoding  # --glossary-encoding
        self._glossary = None
        self._termbase = None

    @property
    def path(self) -> Path:
        from termbase.glossary import default_glossary_path

        return Path(self.glossary_path) if self.glossary_path else default_glossary_path()

    def writable_path(self, command: str) -> Path:
        """The glossary a command rewrites: one the user chose, never the bundled one."""
        import os

        from termbase.glossary import GLOSSARY_ENV

        if not (self.explicit or os.environ.get(GLOSSARY_ENV)):
            raise _one_line(f"{command} writes to the glossary: choose yours with --glossary PATH "
                            f"or {GLOSSARY_ENV} (the bundled glossary belongs to the "
                            "installation; copy it with: termtrans terms export my-glossary.csv)")
        if self.encoding is not None:
            import codecs

            if codecs.lookup(self.encoding.replace("_", "-")).name != "utf-8":
                raise _one_line(f"{command} rewrites the glossary, in UTF-8 only; convert it "
                                f"first: termtrans --glossary-encoding {self.encoding} --glossary "
                                f"{self.path} terms export glossary.csv (then use that)")
        return self.path

    def source(self):
        """The glossary as an input: decoded in --glossary-encoding, its errors naming it."""
        from termbase.textio import open_input

        return open_input(self.path, encoding=self.encoding,
                          encoding_option="--glossary-encoding")

    @property
    def glossary(self):
        if self._glossary is None:
            from termbase.glossary import load_glossary

            self._glossary = load_glossary(self.source())
            for problem in self._glossary.problems:  # e.g. a TBX status kept as admitted
                if problem.severity != "error":
                    click.echo(str(problem), err=True)
        return self._glossary

    @property
    def termbase(self):
        """The compiled glossary (from the cache, built there when missing or out of date)."""
        if self._termbase is None:
            if self._glossary is not None or str(self.glossary_path) == "-":
                self._termbase = self.glossary  # loaded already, or read once from stdin
            else:
                from termbase.compiled import load_compiled

                self._termbase = load_compiled(
                    self.path, warn=lambda message: click.echo(f"warning: {message}", err=True),
                    loader=lambda _path: self.glossary)
        return self._termbase


pass_state = click.make_pass_decorator(State)


class _FiniteFloat(click.FloatRange):
    """A float in a range; nan and infinities are refused (they pass every comparison)."""

    def convert(self, value, param, ctx):
        import math

        number = click.FLOAT.convert(value, param, ctx)
        if not math.isfinite(number):
            self.fail(f"{value!r} is not a finite number", param, ctx)
        return super().convert(number, param, ctx)


#: the most results a listing option accepts
MAX_LIMIT = 1_000_000


def _encoding_value(ctx: click.Context, param: click.Parameter, value: Optional[str]):
    from termbase.textio import check_encoding

    if value is None:
        return None
    try:
        return check_encoding(value)
    except ValueError as exc:
        raise click.BadParameter(str(exc), ctx=ctx, param=param) from None


def _encoding_option(what: str):
    """``--encoding ENC`` for commands that read text inputs (``what`` says which)."""
    return click.option("--encoding", metavar="ENC", callback=_encoding_value,
                        help=f"Encoding of {what} (default UTF-8; a byte-order mark always wins): "
                             "gb18030 (also GBK, GB2312), big5, utf-16 (with or without "
                             "byte-order mark), cp1252, any Python codec.")


def _text_input(path, encoding: Optional[str]):
    """An input whose text is decoded in ``encoding``; its decoding errors name --encoding."""
    from termbase.textio import open_input

    return open_input(path, encoding=encoding, encoding_option="--encoding")


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--glossary", "glossary_path", metavar="PATH", envvar="TERMTRANS_GLOSSARY",
              help="Glossary to use: CSV/TSV, Excel, TBX, TMX or OmegaT, recognised by content "
                   "(default: the bundled glossary; env TERMTRANS_GLOSSARY; - reads stdin).")
@click.option("--glossary-encoding", "glossary_encoding", metavar="ENC",
              envvar="TERMTRANS_GLOSSARY_ENCODING",
              help="Encoding of a CSV/TSV glossary that is not UTF-8 (gb18030 also reads GBK, "
                   "big5, utf-16...; env TERMTRANS_GLOSSARY_ENCODING).")
@click.version_option(__version__, prog_name="termtrans")
@click.pass_context
def main(ctx: click.Context, glossary_path: Optional[str],
         glossary_encoding: Optional[str]) -> None:
    """Chinese→English translation and terminology toolkit for official documents.

    Outputs are never written over an input, an existing file is replaced only with --force,
    - means stdout; errors end in one line 'Error: FILE:LINE: message' and exit status 2.
    """
    if glossary_path is not None and not glossary_path.strip():
        raise click.BadParameter("empty path (an unset shell variable?); give a glossary file",
                                 param_hint="'--glossary'")
    if glossary_encoding is not None:  # checked here: one line, like every other error
        from termbase.textio import check_encoding

        try:
            check_encoding(glossary_encoding)
        except ValueError as exc:
            raise click.BadParameter(str(exc), param_hint="'--glossary-encoding'") from None
    ctx.obj = State(glossary_path, explicit=glossary_path is not None,
                    encoding=glossary_encoding)


@main.group(cls=_Group)
def terms() -> None:
    """Look up, search, validate and extend the glossary."""


def _entry_dict(entry) -> dict:
    return {"zh": list(entry.zh), "en": list(entry.en), "forbidden": list(entry.forbidden),
            "case_sensitive": entry.case_sensitive, "note": entry.note, "source": entry.source,
            "line": entry.line}


def _echo_entry(entry, prefix: str = "") -> None:
    click.echo(f"{prefix}{' | '.join(entry.zh)}  →  {' | '.join(entry.en)}")
    if entry.forbidden:
        click.echo(f"{' ' * len(prefix)}    forbidden: {' | '.join(entry.forbidden)}")
    if entry.case_sensitive:
        click.echo(f"{' ' * len(prefix)}    case-sensitive")
    if entry.note:
        click.echo(f"{' ' * len(prefix)}    note: {entry.note}")
    if entry.source:
        click.echo(f"{' ' * len(prefix)}    source: {entry.source}")


@terms.command("lookup")
@click.argument("text")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
@pass_state
def terms_lookup(state: State, text: str, fmt: str) -> None:
    """Entries whose Chinese or English contains TEXT (exit 1 when none)."""
    hits = state.glossary.lookup(text)
    if fmt == "json":
        click.echo(json.dumps([_entry_dict(e) for e in hits], ensure_ascii=False, indent=2))
    else:
        for e in hits:
            _echo_entry(e)
    if not hits:
        if fmt == "text":
            click.echo(f"no glossary entry contains '{text}'; try: termtrans terms search", err=True)
        sys.exit(1)


@terms.command("search")
@click.argument("query")
@click.option("--limit", default=10, show_default=True, type=click.IntRange(1, MAX_LIMIT),
              help=f"Most hits to show (1-{MAX_LIMIT:,}).")
@click.option("--min-score", default=60.0, show_default=True, type=_FiniteFloat(0, 100),
              help="Lowest score (0-100) shown.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
@pass_state
def terms_search(state: State, query: str, limit: int, min_score: float, fmt: str) -> None:
    """Fuzzy search over both languages, scored 0-100 (exit 1 when nothing scores)."""
    from termbase.search import search_glossary

    hits = search_glossary(state.glossary, query, limit=limit, min_score=min_score)
    if fmt == "json":
        click.echo(json.dumps([{"score": h.score, "matched": h.field, **_entry_dict(h.entry)}
                               for h in hits], ensure_ascii=False, indent=2))
    else:
        for h in hits:
            _echo_entry(h.entry, prefix=f"{h.score:5.1f}  ")
    if not hits:
        sys.exit(1)


@terms.command("validate")
@click.argument("file", required=False, type=click.Path(dir_okay=False, allow_dash=True))
@_encoding_option("FILE (a CSV/TSV glossary)")
@pass_state
def terms_validate(state: State, file: Optional[str], encoding: Optional[str]) -> None:
    """Check a glossary (default: the current one; - reads stdin); exit 1 when problems are found."""
    from termbase.glossary import load_glossary, validate_glossary

    source = state.source() if file is None else _text_input(file, encoding)
    problems = validate_glossary(source)
    for p in problems:
        click.echo(str(p))
    errors = sum(p.severity == "error" for p in problems)
    warnings = len(problems) - errors
    if problems:
        click.echo(f"{source}: {errors} error(s), {warnings} warning(s)", err=True)
        sys.exit(1)
    click.echo(f"{source}: OK, {len(load_glossary(source))} entries")


@terms.command("add")
@click.argument("zh")
@click.argument("en")
@click.option("--note", default="", help="Usage note.")
@click.option("--forbidden", default="", help="Forbidden renderings, separated by '|'.")
@click.option("--source", default="", help="Where the rendering comes from.")
@click.option("--case-sensitive", is_flag=True, help="Match the English only in this case.")
@pass_state
def terms_add(state: State, zh: str, en: str, note: str, forbidden: str, source: str,
              case_sensitive: bool) -> None:
    """Add ZH → EN to the glossary (variants/synonyms separated by '|').

    The glossary (--glossary or TERMTRANS_GLOSSARY; never the bundled one) is locked, read
    again and rewritten atomically, keeping its encoding, line endings and columns. Values
    with line breaks or control characters are refused.
    """
    from termbase.glossary import add_entry

    path = state.writable_path("terms add")
    entry = add_entry(path, zh, en, note=note, forbidden=forbidden, source=source,
                      case_sensitive=case_sensitive)
    click.echo(f"added to {path}:{entry.line}: {' | '.join(entry.zh)} → {' | '.join(entry.en)}")


@terms.command("compile")
@click.argument("file", required=False, type=click.Path(dir_okay=False))
@click.option("--force", is_flag=True, help="Rebuild even when an up-to-date one is cached.")
@pass_state
def terms_compile(state: State, file: Optional[str], force: bool) -> None:
    """Compile a glossary (default: the current one) into the termtrans cache now.

    `check` compiles the glossary on its first run and whenever its content changes; compiling
    ahead of time (in a CI image, after editing a large glossary) makes that first check fast.
    """
    import time

    from termbase.compiled import build_compiled

    path = Path(file) if file else state.path
    t = time.perf_counter()
    target, count, built = build_compiled(path, force=force)
    what = f"compiled in {time.perf_counter() - t:.1f} s" if built else "already compiled"
    click.echo(f"{path}: {count} entries {what}: {target} "
               f"({target.stat().st_size / 1e6:.1f} MB)")


@terms.command("find")
@click.argument("file", type=click.Path(dir_okay=False, allow_dash=True))
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
@click.option("--no-boundary-check", is_flag=True,
              help="Also report matches that cut through a word (e.g. 平台 in 和平台上).")
@_encoding_option("FILE")
@pass_state
def terms_find(state: State, file: str, fmt: str, no_boundary_check: bool,
               encoding: Optional[str]) -> None:
    """Every glossary term in a Chinese text FILE (or - for stdin), with line:column."""
    from termbase.textio import LineIndex
    from termbase.zh_match import find_terms

    source = _text_input(file, encoding)
    text = source.text()
    matches = find_terms(text, state.glossary, boundary_check=not no_boundary_check)
    lines = LineIndex(text)  # LF, CRLF and CR end lines, as for translate
    rows = []
    for m in matches:
        line, col = lines.line_col(m.start)
        rows.append({"line": line, "column": col, "start": m.start, "end": m.end,
                     "text": m.matched, "term": m.entry.term, "english": m.english,
                     "alternatives": list(m.entry.en[1:]), "forbidden": list(m.entry.forbidden)})
    if fmt == "json":
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    for r in rows:
        shown = r["text"] if r["text"] == r["term"] else f"{r['text']} ({r['term']})"
        click.echo(f"{r['line']}:{r['column']}\t{shown}\t{r['english']}")
    click.echo(f"{len(rows)} term(s), {len({r['term'] for r in rows})} distinct", err=True)


_GLOSSARY_FORMATS = "tbx, tbx-v2, tmx, xlsx, csv, tsv, deepl, amazon, omegat"


def _echo_problems(problems) -> None:
    for p in problems:
        click.echo(str(p), err=True)


@terms.command("import")
@click.argument("file", type=click.Path(dir_okay=False, allow_dash=True))
@click.option("--format", "fmt", metavar="FORMAT",
              help=f"Input format ({_GLOSSARY_FORMATS}); default: from the extension/content.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, allow_dash=True),
              help="Write the imported glossary here (format from its extension; - stdout).")
@click.option("--merge", is_flag=True,
              help="Merge into the current glossary (--glossary); conflicts are skipped and "
                   "reported, exit 1.")
@click.option("--dry-run", is_flag=True, help="With --merge: report only, write nothing.")
@click.option("--force", is_flag=True, help="Overwrite an existing --output file (never FILE).")
@_encoding_option("a delimited FILE (CSV/TSV, OmegaT, DeepL...)")
@pass_state
def terms_import(state: State, file: str, fmt: Optional[str], output: Optional[str], merge: bool,
                 dry_run: bool, force: bool, encoding: Optional[str]) -> None:
    """Import a glossary FILE (TBX v2/v3, TMX, Excel, CSV/TSV of DeepL, Google, Amazon, OmegaT;
    - reads stdin).

    Without --merge or -o, the glossary is printed as termtrans CSV on stdout. --merge locks
    the glossary, reads it again and rewrites it atomically.
    """
    from termbase.interop import export_glossary, import_glossary, plan_export

    if merge and output is not None:
        raise click.UsageError("use either --merge or -o/--output, not both")
    if dry_run and not merge:
        raise click.UsageError("--dry-run only applies to --merge")
    planned = plan_export(output, None, force=force, protect=[file], option="-o") \
        if output is not None else None
    merge_path = state.writable_path("terms import --merge") if merge and not dry_run else None
    result = import_glossary(_text_input(file, encoding), fmt)
    _echo_problems(result.warnings)
    if merge:
        from termbase.interop.merge import merge_into

        report = merge_into(merge_path or state.path, result.entries, dry_run=dry_run)
        for e in report.added:
            click.echo(f"added: {' | '.join(e.zh)} → {' | '.join(e.en)}")
        for before, after in report.extended:
            click.echo(f"extended: {after.term} (line {before.line})")
        for note in report.notices:
            click.echo(f"notice: {note}")
        for c in report.conflicts:
            click.echo(str(c))
        verb = "would merge into" if dry_run else "merged into"
        click.echo(f"{verb} {state.path}: {report.summary()}", err=True)
        if report.conflicts:
            sys.exit(1)
        return
    if planned is not None:
        export_glossary(result.entries, planned)
        click.echo(f"imported {len(result.entries)} entries from {result.path} ({result.format}) "
                   f"into {planned}", err=True)
        return
    from termbase.glossary import serialize_glossary

    click.echo(serialize_glossary(result.entries), nl=False)


@terms.command("export")
@click.argument("file", type=click.Path(dir_okay=False, allow_dash=True))
@click.option("--format", "fmt", metavar="FORMAT",
              help=f"Output format ({_GLOSSARY_FORMATS}); default: from the extension.")
@click.option("--force", is_flag=True, help="Overwrite an existing FILE (never the glossary).")
@pass_state
def terms_export(state: State, file: str, fmt: Optional[str], force: bool) -> None:
    """Export the current glossary to FILE (TBX-Basic v3 or v2, TMX, Excel, CSV/TSV layouts;
    - for stdout)."""
    from termbase.interop import export_glossary, plan_export
    from termbase.interop.base import fields_used

    planned = plan_export(file, fmt, force=force, protect=[state.path])
    entries = list(state.glossary)
    used = export_glossary(entries, planned, fmt)
    lost = sorted(fields_used(entries) - used.carries)
    click.echo(f"exported {len(entries)} entries to {planned} ({used.name})", err=True)
    if lost:
        click.echo(f"warning: the {used.name} format cannot carry: {', '.join(lost)}", err=True)


@terms.command("extract")
@click.argument("bilingual", type=click.Path(dir_okay=False, allow_dash=True))
@click.argument("target", required=False, type=click.Path(dir_okay=False, allow_dash=True))
@click.option("--input-format", "input_format", default="auto", show_default=True,
              help="auto, parallel, tsv, csv, xlsx, xliff, tmx or mixed (Chinese then English).")
@click.option("--limit", default=50, show_default=True, type=click.IntRange(1, MAX_LIMIT),
              help=f"Most candidates to show (1-{MAX_LIMIT:,}).")
@click.option("--min-score", "min_score", type=_FiniteFloat(min=0), default=None,
              help="Leave out pairs scoring below this (default 0.8; lower it for more, weaker "
                   "pairs).")
@click.option("--format", "fmt", type=click.Choice(["text", "csv"]), default="text",
              help="text table or termtrans glossary CSV on stdout.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, allow_dash=True),
              help="Write the candidates as glossary CSV (review, then terms import --merge; "
                   "- for stdout).")
@click.option("--force", is_flag=True, help="Overwrite an existing --output file (never an input).")
@_encoding_option("text inputs (TSV/CSV, .txt, .md)")
@pass_state
def terms_extract(state: State, bilingual: str, target: Optional[str], input_format: str,
                  limit: int, min_score: Optional[float], fmt: str, output: Optional[str],
                  force: bool, encoding: Optional[str]) -> None:
    """Candidate glossary pairs from an aligned BILINGUAL document (or SOURCE TARGET files).

    Entries already in the current glossary are left out.
    """
    from termbase.aligned import read_aligned
    from termbase.extract import MIN_SCORE, candidates_csv, extract_candidates
    from termbase.outputs import Outputs

    planned = Outputs([bilingual, target, state.path], force=force).plan(output, option="-o") \
        if output is not None else None
    source = _text_input(bilingual, encoding)
    pairs = read_aligned(source, _text_input(target, encoding) if target is not None else None,
                         input_format)
    found = extract_candidates(pairs, state.glossary, min_score=MIN_SCORE if min_score is None
                               else min_score)[:limit]
    csv_text = candidates_csv(found, source=Path(bilingual).name if not source.is_stdin
                              else "stdin")
    if planned is not None:
        planned.write_text(csv_text)
        click.echo(f"{len(found)} candidate(s) written to {planned}", err=True)
    elif fmt == "csv":
        click.echo(csv_text, nl=False)
    else:
        for i, c in enumerate(found, 1):
            click.echo(f"{i:3d}  {c.score:6.2f}  x{c.aligned}  {c.zh}  →  {c.en}")
        click.echo(f"{len(found)} candidate(s) from {len(pairs)} segment pair(s)", err=True)


_CHECK_STYLES = {"span": {"fg": "red", "bold": True, "underline": True},
                 "error": {"fg": "red", "bold": True}, "warning": {"fg": "yellow"},
                 "info": {"fg": "cyan"}, "heading": {"bold": True}, "dim": {"dim": True}}


def _check_ids(ctx: click.Context, param: click.Parameter, values) -> list:
    from termbase.qa.registry import CHECKS

    ids = [v.strip() for value in values for v in value.split(",") if v.strip()]
    unknown = [i for i in ids if i not in CHECKS]
    if unknown:
        raise click.BadParameter(f"unknown check {unknown[0]!r}; known checks: {', '.join(CHECKS)}")
    return ids


@main.command("check")
@click.argument("paths", nargs=-1, metavar="PATH...", type=click.Path(allow_dash=True))
@click.option("--input-format", default="auto", show_default=True,
              type=click.Choice(["auto", "parallel", "tsv", "csv", "xlsx", "xliff", "tmx", "mixed"]),
              help="How a single SOURCE is read (auto: by extension/content; two files: parallel).")
@click.option("--include", multiple=True, metavar="GLOB",
              help="In folders, check only files matching GLOB (repeatable).")
@click.option("--exclude", multiple=True, metavar="GLOB",
              help="In folders, leave out files matching GLOB (repeatable).")
@click.option("--format", "fmt", type=click.Choice(["text", "json", "csv", "html"]), default="text",
              show_default=True, help="Report format.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, allow_dash=True),
              help="Write the report to FILE (- for stdout).")
@click.option("--fail-on", type=click.Choice(["info", "warning", "error", "none"]), default="error",
              show_default=True, help="Exit 1 when an issue of this severity or worse is found.")
@click.option("--only", multiple=True, metavar="CHECK", callback=_check_ids,
              help="Run only these checks (repeat or comma-separate).")
@click.option("--skip", multiple=True, metavar="CHECK", callback=_check_ids,
              help="Skip these checks (repeat or comma-separate).")
@click.option("--ignore-file", type=click.Path(dir_okay=False, allow_dash=True),
              help="Accepted issues (check + segment) to leave out of the report.")
@click.option("--write-ignore", type=click.Path(dir_okay=False, allow_dash=True),
              help="Write every reported issue to FILE as accepted, with the --ignore-file "
                   "entries (a new FILE: never the --ignore-file itself).")
@click.option("--force", is_flag=True,
              help="Overwrite an existing -o / --write-ignore file (never an input).")
@click.option("--list-checks", is_flag=True, help="List the checks with their ids and severities.")
@click.option("--color/--no-color", default=None,
              help="Colour the terminal report (default: on a terminal, unless NO_COLOR is set).")
@click.option("--no-boundary-check", is_flag=True,
              help="Match source terms even where they cut a Chinese word (faster, noisier).")
@click.option("--jobs", type=click.IntRange(min=1), default=None,
              help="Processes for large documents (default: one per core; at most the CPUs "
                   "available).")
@_encoding_option("text inputs (TSV/CSV, .txt, .md, mixed documents)")
@pass_state
def check(state: State, paths: tuple, input_format: str, include: tuple, exclude: tuple,
          fmt: str, output: Optional[str], fail_on: str, only: list, skip: list,
          ignore_file: Optional[str], write_ignore: Optional[str], force: bool,
          list_checks: bool, color: Optional[bool], no_boundary_check: bool,
          jobs: Optional[int], encoding: Optional[str]) -> None:
    """Check English translations against their Chinese sources and the glossary.

    SOURCE TARGET: two files aligned by paragraph (.txt, .md, .docx; paragraph counts may
    differ: the two are aligned and gaps reported). SOURCE alone: one bilingual file: TSV/CSV/XLSX
    with zh and en columns, XLIFF 1.2/2.x, TMX 1.4, or a mixed document where each Chinese
    passage is followed by its English. Folders or more files: a project, checked in one report
    with consistency across files; files pair by name (x.zh.docx + x.en.docx, or x.docx +
    x.en.docx), a file without partner is read as a bilingual file. Exit status: 0 clean, 1 when
    an issue at or above --fail-on is found, 2 for usage or input errors.
    """
    from termbase.qa.registry import describe_checks

    if list_checks:
        for d in describe_checks():
            click.echo(f"{d['id']:<20} {d['severity']:<8} {d['description']}")
            for r in d["rules"]:
                click.echo(f"  {r['id']:<22} {r['severity']:<8} {r['description']}")
        return
    if not paths:
        raise click.UsageError("missing PATH (a bilingual file, SOURCE TARGET, or folders)")
    project = _check_is_project(paths)
    if project and input_format != "auto":
        raise click.UsageError("--input-format applies to one file or one SOURCE TARGET pair; "
                               "a project's files are read by their extension")
    if not project and (include or exclude):
        raise click.UsageError("--include/--exclude filter the files of folders")
    import gc

    # reference counting frees what the check drops; the cyclic collector would only rescan the
    # glossary's and the matchers' objects again and again (about a second with 100,000 terms)
    collecting = gc.isenabled()
    gc.disable()
    try:
        _check(state, paths, project, input_format, include, exclude, fmt, output, fail_on,
               only, skip, ignore_file, write_ignore, force, color, no_boundary_check, jobs,
               encoding)
    finally:
        gc.freeze()  # what the run built lives until exit: no collection need scan it again
        if collecting:
            gc.enable()


#: extensions of files that hold both languages (two of them are two bilingual files)
def _check_is_project(paths: tuple) -> bool:
    """One file, or SOURCE TARGET, is checked as today; folders, more files, or two bilingual
    files are a project."""
    from termbase.aligned.reader import BILINGUAL_EXTENSIONS

    if any(p not in ("-", "") and Path(p).is_dir() for p in paths):
        return True
    if len(paths) > 2:
        return True
    return len(paths) == 2 and all(Path(p).suffix.lower() in BILINGUAL_EXTENSIONS
                                   for p in paths)


def _check(state: State, paths: tuple, project: bool, input_format: str, include: tuple,
           exclude: tuple, fmt: str, output: Optional[str], fail_on: str, only: list,
           skip: list, ignore_file: Optional[str], write_ignore: Optional[str], force: bool,
           color: Optional[bool], no_boundary_check: bool, jobs: Optional[int],
           encoding: Optional[str] = None) -> None:
    from termbase.aligned import read_aligned
    from termbase.outputs import Outputs
    from termbase.qa import load_ignore, run_checks
    from termbase.qa.registry import CHECKS
    from termbase.reports import issue_renderer, render_report, segment_renderer

    outputs = Outputs([*paths, ignore_file, state.path], force=force)
    items = []
    if project:
        from termbase.qa.project import find_check_inputs

        items, warnings = find_check_inputs(paths, include=include, exclude=exclude)
        for item in items:
            outputs.add_input(item.source)
            outputs.add_input(item.target)
        for w in warnings:
            click.echo(f"warning: {w}", err=True)
    # without -o the report goes to stdout: planned too, so that no other output joins it there
    report_out = outputs.plan("-" if output is None else output,
                              option="the report" if output is None else "-o", what="report")
    ignore_out = outputs.plan(write_ignore, option="--write-ignore", what="ignore file") \
        if write_ignore is not None else None
    ignore = load_ignore(ignore_file, CHECKS) if ignore_file is not None else None
    options = dict(only=only, skip=skip, ignore=ignore, boundary_check=not no_boundary_check,
                   jobs=jobs, render_issue=issue_renderer(fmt),
                   render_segment=segment_renderer(fmt))
    if project:
        from termbase.qa.project import check_project

        report = check_project(items, state.termbase, encoding=encoding, **options)
    else:
        source = paths[0]
        target = paths[1] if len(paths) > 1 else None
        pairs = read_aligned(_text_input(source, encoding),
                             _text_input(target, encoding) if target is not None else None,
                             None if input_format == "auto" else input_format,
                             glossary=state.termbase)
        report = run_checks(pairs, state.termbase, **options)
        report.inputs = {"source": source, "target": target,
                         "format": input_format if target is None else "parallel"}
    if fmt == "text" and report_out.kind == "stdout":
        use_color = color if color is not None else (output is None and _stdout_is_terminal()
                                                     and not no_color())

        def style(text: str, role: str) -> str:
            return click.style(text, **_CHECK_STYLES.get(role, {}))

        click.echo(render_report(report, "text", style=style if use_color else None), nl=False,
                   color=use_color)
    else:
        if report_out.kind != "stdout":
            from termbase.reports import render_report_parts
            from termbase.reports.text import summary_line

            report_out.write_bytes(render_report_parts(
                report, fmt, bom=(fmt == "csv" and report_out.kind == "file")))
            click.echo(f"{report_out}: {summary_line(report)}", err=True)
        else:
            click.echo(render_report(report, fmt), nl=False)
    if ignore_out is not None:
        n = _write_ignore_file(ignore_out, report.issues, ignore)
        click.echo(f"{ignore_out}: {n} accepted issue(s) written", err=True)
    if _QUICK_EXIT:  # (run by run()) everything is written: none of it need be freed
        _QUICK_EXIT["report"] = report
    if report.fails(fail_on):
        sys.exit(1)


def _write_ignore_file(planned, issues, keep) -> int:
    """Write the ignore file through the output policy (``planned``: a PlannedOutput)."""
    from termbase.qa import ignore_text

    text, count = ignore_text(issues, keep)
    planned.write_text(text)
    return count


@main.command("translate")
@click.argument("paths", nargs=-1, required=True, metavar="PATH...",
                type=click.Path(allow_dash=True))
@click.option("-o", "--output", metavar="OUT|DIR",
              help="Output file (default NAME.en.EXT next to the input; - for stdout), or with "
                   "several inputs or a folder the output folder (a mirrored tree of NAME.en.EXT).")
@click.option("--include", multiple=True, metavar="GLOB",
              help="In folders, translate only files matching GLOB (path below the folder; "
                   "repeatable), e.g. 'chapters/**' or '*.docx'.")
@click.option("--exclude", multiple=True, metavar="GLOB",
              help="In folders, leave out files matching GLOB (repeatable), e.g. '*draft*'.")
@click.option("--engine", type=click.Choice(["marian", "ctranslate2", "fake", "none"]),
              default="marian", show_default=True,
              help="Translation engine ('none': glossary and memory matches only, the rest left "
                   "for the translator; 'fake' is for testing: no model).")
@click.option("--model", metavar="ID|DIR",
              help="Hub id or local model directory (default Helsinki-NLP/opus-mt-zh-en).")
@click.option("--device", type=click.Choice(["auto", "cpu", "cuda"]), default="auto", show_default=True)
@click.option("--beam", type=click.IntRange(1, 32), default=4, show_default=True, help="Beam size.")
@click.option("--batch-size", type=click.IntRange(1, 1024), default=None,
              help="Most sentences per batch (default: 16 for marian, 32 for ctranslate2).")
@click.option("--format", "fmt", type=click.Choice(["txt", "md", "docx", "xliff"]),
              help="Input format (default: from the extension; txt for stdin).")
@click.option("--bilingual", is_flag=True, help="Each Chinese paragraph followed by its English.")
@click.option("--tm", "tm_files", multiple=True, metavar="FILE",
              help="Translation memory to reuse (TMX, XLIFF, TSV/CSV with zh/en columns; "
                   "repeatable, the first given wins).")
@click.option("--tm-threshold", type=_FiniteFloat(1, 100), default=75.0, show_default=True,
              help="Lowest fuzzy match score (1-100) offered from the memories.")
@click.option("--tm-apply-fuzzy", is_flag=True,
              help="Use the best fuzzy match as the draft (its glossary terms repaired) instead "
                   "of machine translation; without it fuzzy matches are only offered.")
@click.option("--no-cache", is_flag=True,
              help="Neither read nor write the persistent translation cache.")
@click.option("--cluster", metavar="ADDRESS|local:N",
              help="Translate on a Dask cluster: a scheduler address (tcp://host:8786) or "
                   "local:N worker processes on this machine (pip install 'termtrans[cluster]').")
@click.option("--report", "report_path", metavar="FILE.json",
              help="Write the report as JSON (- for stdout): per file and, with several inputs, "
                   "a project summary.")
@click.option("--tmx", "tmx_path", metavar="OUT.tmx",
              help="Also write each segment's source and draft as a TMX 1.4b memory for CAT "
                   "tools, with props for origin, method and term status (- for stdout).")
@click.option("--force", is_flag=True,
              help="Overwrite existing outputs, report or TMX file (never an input).")
@click.option("--skip-existing", is_flag=True,
              help="Leave inputs whose output already exists (a rerun after an interruption: only "
                   "the files not yet written are translated).")
@click.option("--overwrite", "overwrite_states", metavar="STATES",
              help="XLIFF: also replace targets in these states (comma-separated, e.g. "
                   "needs-review-translation,translated; 'all' = all but final/signed-off). "
                   "Default: only empty, new and needs-translation targets are filled.")
@click.option("--fail-on-term-failures", is_flag=True,
              help="Exit with status 1 when a glossary term could not be applied.")
@click.option("-q", "--quiet", is_flag=True, help="No progress bar and no summary on stderr.")
@click.option("--verbose", is_flag=True,
              help="Let the engine's own progress bars, log lines and warnings (model conversion, "
                   "transformers, CTranslate2) through to stderr.")
@_encoding_option(".txt and .md inputs (the translation is written in UTF-8)")
@pass_state
def translate_cmd(state: State, paths: tuple, output: Optional[str], include: tuple,
                  exclude: tuple, engine: str, model: Optional[str], device: str, beam: int,
                  batch_size: Optional[int], fmt: Optional[str], bilingual: bool, tm_files: tuple,
                  tm_threshold: float, tm_apply_fuzzy: bool, no_cache: bool,
                  cluster: Optional[str], report_path: Optional[str], tmx_path: Optional[str],
                  force: bool, skip_existing: bool, overwrite_states: Optional[str],
                  fail_on_term_failures: bool, quiet: bool, verbose: bool,
                  encoding: Optional[str]) -> None:
    """English drafts of Chinese files (.txt, .md, .docx, .xlf; - for stdin: .docx and XLIFF
    recognised by content, else text) and folders of them, glossary enforced, memories and the
    cache reused, the engine loaded once for the whole run.
    """
    from termbase.outputs import Outputs
    from translate.documents import format_for
    from translate.documents.xliff import parse_overwrite
    from translate.project import (DaskExecutor, ProjectOptions, collect_inputs, plan_outputs,
                                   project_report_json, project_summary_text, translate_project)
    from translate.report import report_json, summary_text

    if force and skip_existing:
        raise click.UsageError("--force translates existing outputs again, --skip-existing "
                               "leaves them: choose one")
    single = len(paths) == 1 and (paths[0] in ("-", "") or not Path(paths[0]).is_dir())
    if single:
        _text_input(paths[0], encoding).check()  # a missing input is said first
        if paths[0] != "-":
            format_for(paths[0], fmt)
    elif "-" in paths:
        raise click.UsageError("- (standard input) can only be translated on its own")
    overwrite = parse_overwrite(overwrite_states)
    inputs = collect_inputs(paths, include=include, exclude=exclude)
    outputs = Outputs([state.path, *tm_files], force=force)
    jobs = plan_outputs(inputs, output, force=force, skip_existing=skip_existing,
                        outputs=outputs)
    report_out = outputs.plan(report_path, option="--report", what="report") \
        if report_path is not None else None
    tmx_out = outputs.plan(tmx_path, option="--tmx", what="TMX memory") \
        if tmx_path is not None else None
    options = ProjectOptions(engine=engine, model=model, device=device, beam=beam,
                             batch_size=batch_size, fmt=fmt, bilingual=bilingual,
                             overwrite=sorted(overwrite), tm=list(tm_files),
                             tm_threshold=tm_threshold, tm_apply_fuzzy=tm_apply_fuzzy,
                             cache=not no_cache, encoding=encoding, tmx=tmx_out is not None,
                             engine_options={"verbose": True} if verbose else {})
    glossary = state.glossary
    progress = _TranslateProgress(quiet=quiet, per_file=not single)
    warn = lambda m: click.echo(m, err=True)  # noqa: E731
    try:
        if cluster and engine != "none":  # a pre-translation has nothing for workers to do
            with DaskExecutor(cluster) as executor:
                result = translate_project(jobs, glossary, options, progress=progress,
                                           cluster=executor, warn=warn)
        else:
            result = translate_project(jobs, glossary, options, progress=progress, warn=warn)
    except KeyboardInterrupt:
        progress.close()
        if not single:
            click.echo("files written so far are complete"
                       + ("" if no_cache else " and what was translated is cached")
                       + ": rerun with --skip-existing to translate the rest", err=True)
        raise
    finally:
        progress.close()
    files = result.report["files"]
    if report_out is not None:
        if single and files:  # the single-file report, with the engine that was (or was not) built
            report_out.write_text(report_json(dict(files[0], engine=result.report["engine"])))
        else:
            report_out.write_text(project_report_json(result.report))
    if tmx_out is not None:
        from translate.draft_tmx import draft_tmx

        tmx_out.write_bytes(draft_tmx(result.tmx_units, result.report["signature"],
                                      path=str(tmx_out)))
    if not quiet:
        if single and files:
            click.echo(summary_text(files[0]), err=True)
            line = _leverage_line(result.report["summary"])
            if line:
                click.echo(line, err=True)
        else:
            click.echo(project_summary_text(result.report, per_file=False), err=True)
    else:  # a translation cut at the engine's length limit is never silent
        from translate.report import truncation_lines

        for f in files:
            if f["summary"].get("segments_truncated"):
                click.echo("\n".join([f"{f.get('output')}: {f['summary']['segments_truncated']} "
                                      "segment(s) cut at the length limit"]
                                     + truncation_lines(f)), err=True)
    if fail_on_term_failures and result.terms_failed:
        click.echo(f"{result.terms_failed} glossary term(s) not applied "
                   "(--fail-on-term-failures): exit status 1", err=True)
        sys.exit(1)


def _leverage_line(summary: dict) -> str:
    """Where a single file's English came from, when memories or the cache gave any of it."""
    origins = summary.get("origins", {})
    cache = summary.get("cache") or {}
    if set(origins) <= {"leveraged-mt"} and not cache.get("hits"):
        return ""
    text = "origins: " + ", ".join(f"{k} {v}" for k, v in origins.items())
    if cache:
        text += f"; cache: {cache['hits']} hit(s), {cache['stored']} stored"
    return text


class _TranslateProgress:
    """Progress on stderr: one bar over the segments the engine translates (on a terminal) and,
    for a project, a line per file written or skipped."""

    def __init__(self, *, quiet: bool, per_file: bool):
        self.quiet = quiet
        self.per_file = per_file
        self.show_bar = not quiet and sys.stderr.isatty()
        self.bar = None

    def __call__(self, event) -> None:
        if self.quiet:
            return
        if event.kind == "prepared" and self.show_bar and event.total > 1:
            self.bar = click.progressbar(length=event.total, label="translating", file=sys.stderr)
            self.bar.__enter__()
        elif event.kind == "segments" and self.bar is not None:
            self.bar.update(event.done - self.bar.pos)
        elif event.kind == "written" and self.per_file:
            s = event.summary or {}
            self._line(f"{event.file}: {s.get('paragraphs_translated', 0)} of "
                       f"{s.get('paragraphs', 0)} paragraph(s), {s.get('segments', 0)} "
                       f"segment(s), terms failed: {s.get('terms_failed', 0)}")
        elif event.kind == "skipped":
            self._line(f"{event.file}: exists, skipped (--skip-existing)")

    def _line(self, text: str) -> None:
        if self.bar is not None:
            click.echo("\r\x1b[K" + text, err=True)
            self.bar.render_progress()
        else:
            click.echo(text, err=True)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)
            self.bar = None


@main.group("cache", cls=_Group)
def cache_group() -> None:
    """The persistent translation cache (segments already translated, reused by later runs)."""


@cache_group.command("info")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
def cache_info(fmt: str) -> None:
    """Where the cache is, its size, and the segments stored per engine and model."""
    from translate.segment_cache import SegmentCache

    cache = SegmentCache(warn=lambda m: click.echo(m, err=True))
    info = cache.info()
    cache.close()
    if fmt == "json":
        click.echo(json.dumps(info, ensure_ascii=False, indent=2))
        return
    click.echo(f"{info['path']}: {info['segments']} segment(s), {info['bytes'] / 1e6:.1f} MB")
    for plan in info["plans"]:
        d = plan["description"]
        click.echo(f"  {plan['segments']:>8}  {d.get('engine')}  {d.get('model')}  beam "
                   f"{d.get('beam')}  device {d.get('device')}  (plan {plan['plan'][:12]})")


@cache_group.command("clear")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
def cache_clear(yes: bool) -> None:
    """Delete every cached translation."""
    from translate.segment_cache import SegmentCache

    cache = SegmentCache(warn=lambda m: click.echo(m, err=True))
    if not yes and sys.stdin.isatty():
        click.confirm(f"delete every translation cached in {cache.path}?", abort=True)
    n = cache.clear()
    cache.close()
    click.echo(f"{cache.path}: {n} segment(s) deleted", err=True)


#: ``{"armed": True}`` while :func:`run` runs the command; a check whose outputs are all written
#: and closed adds its ``"report"`` (kept, not freed): :func:`run` may then end the process
#: without freeing its memory object by object
_QUICK_EXIT: dict = {}


def run() -> None:
    """The ``termtrans`` command (console script, ``python -m cli``): :func:`main`.

    After a check whose report is written (exit status 0 or 1), the process ends at once: the
    exit functions run and the standard streams are flushed as at any exit, but the check's
    matchers, segments and issues (hundreds of thousands of objects for a large document) are
    not freed one by one first (some 30 ms for 1 MB). In-process callers (tests, other Python
    code) call :func:`main`, which never does this; nor does a process run under a profiler or
    a debugger's trace (``python -m cProfile -m cli ...`` writes its profile after the command
    returns).
    """
    _QUICK_EXIT["armed"] = True
    try:
        main()
    except SystemExit as exc:
        if "report" in _QUICK_EXIT and exc.code in (0, 1, None):
            _end_process(exc.code or 0)
        raise
    finally:
        _QUICK_EXIT.clear()


def _end_process(code: int) -> None:
    """``os._exit(code)`` after what a normal exit does that matters here: the exit functions
    (``atexit``) and flushing stdout and stderr. Returns (the caller exits normally) when another
    thread still runs, a stream cannot be flushed (a closed pipe: Python's own exit reports
    that), or a profiler or trace function is set."""
    import atexit
    import os

    if sys.getprofile() is not None or sys.gettrace() is not None:
        return  # a profiler or debugger has its own work to do once the command returns
    threading = sys.modules.get("threading")
    if threading is not None and any(t is not threading.main_thread() and not t.daemon
                                     for t in threading.enumerate()):
        return
    if not _flushed():
        return
    atexit._run_exitfuncs()  # (once: they are forgotten as they run)
    if _flushed():  # what they wrote
        os._exit(code)


def _flushed() -> bool:
    """Flush stdout and stderr; False when one of them cannot be."""
    try:
        for stream in (sys.stdout, sys.stderr):
            if stream is not None:
                stream.flush()
    except (OSError, ValueError):
        return False
    return True


if __name__ == "__main__":  # pragma: no cover
    run()

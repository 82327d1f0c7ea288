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


class _Group(click.Group):
    """A click group that turns termtrans errors into clean one-line messages."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except TermtransError as exc:
            err = click.ClickException(str(exc))
            err.exit_code = exc.exit_code
            raise err from None


class State:
    """What the global options select, loaded on first use."""

    def __init__(self, glossary_path: Optional[str]):
        self.glossary_path = glossary_path
        self._glossary = None

    @property
    def path(self) -> Path:
        from termbase.glossary import default_glossary_path

        return Path(self.glossary_path) if self.glossary_path else default_glossary_path()

    @property
    def glossary(self):
        if self._glossary is None:
            from termbase.glossary import load_glossary

            self._glossary = load_glossary(self.path)
        return self._glossary


pass_state = click.make_pass_decorator(State)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--glossary", "glossary_path", metavar="PATH", envvar="TERMTRANS_GLOSSARY",
              help="Glossary CSV to use (default: the bundled glossary; env TERMTRANS_GLOSSARY).")
@click.version_option(__version__, prog_name="termtrans")
@click.pass_context
def main(ctx: click.Context, glossary_path: Optional[str]) -> None:
    """Chinese→English translation and terminology toolkit for official documents."""
    ctx.obj = State(glossary_path)


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
@click.option("--limit", default=10, show_default=True, help="Most hits to show.")
@click.option("--min-score", default=60.0, show_default=True, help="Lowest score (0-100) shown.")
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
@click.argument("file", required=False, type=click.Path(dir_okay=False))
@pass_state
def terms_validate(state: State, file: Optional[str]) -> None:
    """Check a glossary (default: the current one); exit 1 when problems are found."""
    from termbase.glossary import validate_glossary

    path = Path(file) if file else state.path
    problems = validate_glossary(path)
    for p in problems:
        click.echo(str(p))
    errors = sum(p.severity == "error" for p in problems)
    warnings = len(problems) - errors
    if problems:
        click.echo(f"{path}: {errors} error(s), {warnings} warning(s)", err=True)
        sys.exit(1)
    from termbase.glossary import load_glossary

    click.echo(f"{path}: OK, {len(load_glossary(path))} entries")


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
    """Add ZH → EN to the glossary (variants/synonyms separated by '|')."""
    from termbase.glossary import add_entry

    entry = add_entry(state.path, zh, en, note=note, forbidden=forbidden, source=source,
                      case_sensitive=case_sensitive)
    click.echo(f"added to {state.path}:{entry.line}: {' | '.join(entry.zh)} → {' | '.join(entry.en)}")


@terms.command("find")
@click.argument("file", type=click.Path(dir_okay=False, allow_dash=True))
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
@click.option("--no-boundary-check", is_flag=True,
              help="Also report matches that cut through a word (e.g. 平台 in 和平台上).")
@pass_state
def terms_find(state: State, file: str, fmt: str, no_boundary_check: bool) -> None:
    """Every glossary term in a Chinese text FILE (or - for stdin), with line:column."""
    from termbase.textio import read_text
    from termbase.zh_match import find_terms, line_col

    text = read_text(file)
    matches = find_terms(text, state.glossary, boundary_check=not no_boundary_check)
    rows = []
    for m in matches:
        line, col = line_col(text, m.start)
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


_GLOSSARY_FORMATS = "tbx, xlsx, csv, tsv, deepl, amazon, omegat"


def _echo_problems(problems) -> None:
    for p in problems:
        click.echo(str(p), err=True)


@terms.command("import")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--format", "fmt", metavar="FORMAT",
              help=f"Input format ({_GLOSSARY_FORMATS}); default: from the extension/content.")
@click.option("-o", "--output", type=click.Path(dir_okay=False),
              help="Write the imported glossary here (format from its extension).")
@click.option("--merge", is_flag=True,
              help="Merge into the current glossary (--glossary); conflicts are skipped and "
                   "reported, exit 1.")
@click.option("--dry-run", is_flag=True, help="With --merge: report only, write nothing.")
@click.option("--force", is_flag=True, help="Overwrite an existing --output file.")
@pass_state
def terms_import(state: State, file: str, fmt: Optional[str], output: Optional[str], merge: bool,
                 dry_run: bool, force: bool) -> None:
    """Import a glossary FILE (TBX, Excel, CSV/TSV of DeepL, Google, Amazon, OmegaT).

    Without --merge or -o, the glossary is printed as termtrans CSV on stdout.
    """
    from termbase.interop import export_glossary, import_glossary

    if merge and output:
        raise click.UsageError("use either --merge or -o/--output, not both")
    if dry_run and not merge:
        raise click.UsageError("--dry-run only applies to --merge")
    result = import_glossary(file, fmt)
    _echo_problems(result.warnings)
    if merge:
        from termbase.interop.merge import merge_into

        report = merge_into(state.path, result.entries, dry_run=dry_run)
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
    if output:
        export_glossary(result.entries, output, None, force=force, protect=[file])
        click.echo(f"imported {len(result.entries)} entries from {file} ({result.format}) "
                   f"into {output}", err=True)
        return
    from termbase.glossary import serialize_glossary

    click.echo(serialize_glossary(result.entries), nl=False)


@terms.command("export")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--format", "fmt", metavar="FORMAT",
              help=f"Output format ({_GLOSSARY_FORMATS}); default: from the extension.")
@click.option("--force", is_flag=True, help="Overwrite an existing FILE.")
@pass_state
def terms_export(state: State, file: str, fmt: Optional[str], force: bool) -> None:
    """Export the current glossary to FILE (TBX-Basic, Excel, CSV/TSV layouts; - for stdout)."""
    from termbase.interop import export_glossary
    from termbase.interop.base import fields_used

    entries = list(state.glossary)
    used = export_glossary(entries, file, fmt, force=force, protect=[state.path])
    lost = sorted(fields_used(entries) - used.carries)
    click.echo(f"exported {len(entries)} entries to {file} ({used.name})", err=True)
    if lost:
        click.echo(f"warning: the {used.name} format cannot carry: {', '.join(lost)}", err=True)


@terms.command("extract")
@click.argument("bilingual", type=click.Path(dir_okay=False, allow_dash=True))
@click.argument("target", required=False, type=click.Path(dir_okay=False))
@click.option("--input-format", "input_format", default="auto", show_default=True,
              help="auto, parallel, tsv, csv, xliff, tmx or mixed (Chinese then English).")
@click.option("--limit", default=50, show_default=True, help="Most candidates to show.")
@click.option("--min-score", "min_score", type=float, default=None,
              help="Leave out pairs scoring below this (default 0.8; lower it for more, weaker "
                   "pairs).")
@click.option("--format", "fmt", type=click.Choice(["text", "csv"]), default="text",
              help="text table or termtrans glossary CSV on stdout.")
@click.option("-o", "--output", type=click.Path(dir_okay=False),
              help="Write the candidates as glossary CSV (review, then terms import --merge).")
@click.option("--force", is_flag=True, help="Overwrite an existing --output file.")
@pass_state
def terms_extract(state: State, bilingual: str, target: Optional[str], input_format: str,
                  limit: int, min_score: Optional[float], fmt: str, output: Optional[str],
                  force: bool) -> None:
    """Candidate glossary pairs from an aligned BILINGUAL document (or SOURCE TARGET files).

    Entries already in the current glossary are left out.
    """
    from termbase.aligned import read_aligned
    from termbase.extract import MIN_SCORE, candidates_csv, extract_candidates

    pairs = read_aligned(bilingual, target, input_format)
    found = extract_candidates(pairs, state.glossary, min_score=MIN_SCORE if min_score is None
                               else min_score)[:max(limit, 0)]
    csv_text = candidates_csv(found, source=Path(bilingual).name)
    if output:
        from termbase.errors import OutputError
        from termbase.textio import atomic_write_text

        out = Path(output)
        if out.exists() and not force:
            raise OutputError(f"{output}: already exists; pass --force to overwrite it")
        if out.exists() and out.resolve() in {Path(p).resolve() for p in (bilingual, target) if p}:
            raise OutputError(f"{output}: is an input file; choose another output file")
        atomic_write_text(out, csv_text)
        click.echo(f"{len(found)} candidate(s) written to {output}", err=True)
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
@click.argument("source", required=False, type=click.Path(dir_okay=False, allow_dash=True))
@click.argument("target", required=False, type=click.Path(dir_okay=False))
@click.option("--input-format", default="auto", show_default=True,
              type=click.Choice(["auto", "parallel", "tsv", "csv", "xliff", "tmx", "mixed"]),
              help="How SOURCE is read (auto: by extension/content; two files: parallel).")
@click.option("--format", "fmt", type=click.Choice(["text", "json", "csv", "html"]), default="text",
              show_default=True, help="Report format.")
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Write the report to FILE.")
@click.option("--fail-on", type=click.Choice(["info", "warning", "error", "none"]), default="error",
              show_default=True, help="Exit 1 when an issue of this severity or worse is found.")
@click.option("--only", multiple=True, metavar="CHECK", callback=_check_ids,
              help="Run only these checks (repeat or comma-separate).")
@click.option("--skip", multiple=True, metavar="CHECK", callback=_check_ids,
              help="Skip these checks (repeat or comma-separate).")
@click.option("--ignore-file", type=click.Path(dir_okay=False),
              help="Accepted issues (check + segment) to leave out of the report.")
@click.option("--write-ignore", type=click.Path(dir_okay=False),
              help="Write every reported issue to FILE as accepted (keeps the --ignore-file entries).")
@click.option("--list-checks", is_flag=True, help="List the checks with their ids and severities.")
@click.option("--color/--no-color", default=None, help="Colour the terminal report (default: auto).")
@click.option("--no-boundary-check", is_flag=True,
              help="Match source terms even where they cut a Chinese word (faster, noisier).")
@click.option("--jobs", type=click.IntRange(min=1), default=None,
              help="Processes for large documents (default: one per core).")
@pass_state
def check(state: State, source: Optional[str], target: Optional[str], input_format: str, fmt: str,
          output: Optional[str], fail_on: str, only: list, skip: list, ignore_file: Optional[str],
          write_ignore: Optional[str], list_checks: bool, color: Optional[bool],
          no_boundary_check: bool, jobs: Optional[int]) -> None:
    """Check an English translation against its Chinese source and the glossary.

    SOURCE and TARGET: two files aligned by paragraph (.txt, .md, .docx). SOURCE alone: one
    bilingual file: TSV/CSV with zh and en columns, XLIFF 1.2, TMX 1.4, or a mixed document where
    each Chinese passage is followed by its English. Exit status: 0 clean, 1 when an issue at or
    above --fail-on is found, 2 for usage or input errors.
    """
    from termbase.qa.registry import describe_checks

    if list_checks:
        for d in describe_checks():
            click.echo(f"{d['id']:<20} {d['severity']:<8} {d['description']}")
        return
    if source is None:
        raise click.UsageError("missing SOURCE (a bilingual file, or SOURCE TARGET)")
    import gc

    # reference counting frees what the check drops; the cyclic collector would only rescan the
    # glossary's and the matchers' objects again and again (about a second with 100,000 terms)
    collecting = gc.isenabled()
    gc.disable()
    try:
        _check(state, source, target, input_format, fmt, output, fail_on, only, skip,
               ignore_file, write_ignore, color, no_boundary_check, jobs)
    finally:
        gc.freeze()  # what the run built lives until exit: no collection need scan it again
        if collecting:
            gc.enable()


def _check(state: State, source: str, target: Optional[str], input_format: str, fmt: str,
           output: Optional[str], fail_on: str, only: list, skip: list,
           ignore_file: Optional[str], write_ignore: Optional[str], color: Optional[bool],
           no_boundary_check: bool, jobs: Optional[int]) -> None:
    from termbase.aligned import read_aligned
    from termbase.errors import OutputError
    from termbase.qa import load_ignore, run_checks, write_ignore as save_ignore
    from termbase.qa.registry import CHECKS
    from termbase.reports import render_report
    from termbase.textio import atomic_write_text

    inputs = [p for p in (source, target, ignore_file) if p and p != "-"]
    for out in (output, write_ignore):
        if out and any(Path(out).resolve() == Path(i).resolve() for i in inputs if i != ignore_file
                       or out == output):
            raise OutputError(f"{out}: refusing to write over an input file; choose another name")
    pairs = read_aligned(source, target, None if input_format == "auto" else input_format)
    ignore = load_ignore(ignore_file, CHECKS) if ignore_file else None
    report = run_checks(pairs, state.glossary, only=only, skip=skip, ignore=ignore,
                        boundary_check=not no_boundary_check, jobs=jobs)
    report.inputs = {"source": source, "target": target,
                     "format": input_format if target is None else "parallel"}
    if fmt == "text" and not output:
        use_color = color if color is not None else sys.stdout.isatty()

        def style(text: str, role: str) -> str:
            return click.style(text, **_CHECK_STYLES.get(role, {}))

        click.echo(render_report(report, "text", style=style if use_color else None), nl=False,
                   color=use_color)
    else:
        rendered = render_report(report, fmt)
        if output:
            atomic_write_text(output, rendered, bom=(fmt == "csv"))
            from termbase.reports.text import summary_line

            click.echo(f"{output}: {summary_line(report)}", err=True)
        else:
            click.echo(rendered, nl=False)
    if write_ignore:
        n = save_ignore(write_ignore, report.issues,
                        keep=ignore if ignore_file and Path(ignore_file).resolve()
                        == Path(write_ignore).resolve() else None)
        click.echo(f"{write_ignore}: {n} accepted issue(s) written", err=True)
    if report.fails(fail_on):
        sys.exit(1)


@main.command("translate")
@click.argument("file", type=click.Path(dir_okay=False, allow_dash=True))
@click.option("-o", "--output", metavar="OUT", help="Output file (default NAME.en.EXT; - for stdout).")
@click.option("--engine", type=click.Choice(["marian", "ctranslate2", "fake"]), default="marian",
              show_default=True, help="Translation engine ('fake' is for testing: no model).")
@click.option("--model", metavar="ID|DIR",
              help="Hub id or local model directory (default Helsinki-NLP/opus-mt-zh-en).")
@click.option("--device", type=click.Choice(["auto", "cpu", "cuda"]), default="auto", show_default=True)
@click.option("--beam", type=click.IntRange(1, 32), default=4, show_default=True, help="Beam size.")
@click.option("--batch-size", type=click.IntRange(1, 1024), default=None,
              help="Most sentences per batch (default: 16 for marian, 32 for ctranslate2).")
@click.option("--format", "fmt", type=click.Choice(["txt", "md", "docx", "xliff"]),
              help="Input format (default: from the extension; txt for stdin).")
@click.option("--bilingual", is_flag=True, help="Each Chinese paragraph followed by its English.")
@click.option("--report", "report_path", metavar="FILE.json", help="Write the term report as JSON.")
@click.option("--force", is_flag=True, help="Overwrite an existing output file.")
@click.option("-q", "--quiet", is_flag=True, help="No progress bar and no summary on stderr.")
@click.option("--verbose", is_flag=True,
              help="Let the engine's own progress bars, log lines and warnings (model conversion, "
                   "transformers, CTranslate2) through to stderr.")
@pass_state
def translate_cmd(state: State, file: str, output: Optional[str], engine: str, model: Optional[str],
                  device: str, beam: int, batch_size: Optional[int], fmt: Optional[str], bilingual: bool,
                  report_path: Optional[str], force: bool, quiet: bool, verbose: bool) -> None:
    """English draft of a Chinese FILE (.txt, .md, .docx, .xlf; - for stdin), glossary enforced."""
    from termbase.errors import OutputError
    from termbase.textio import atomic_write_bytes, atomic_write_text
    from translate.documents import format_for, load_document
    from translate.engines import get_engine
    from translate.output import check_output
    from translate.report import report_json, summary_text
    from translate.translator import Translator, translate_document

    fmt = format_for(file, fmt)
    out = check_output(file, output, force=force)
    if report_path and str(Path(report_path).resolve()) in {str(Path(file).resolve()),
                                                              str(Path(out).resolve())}:
        raise OutputError(f"{report_path}: the report would overwrite the input or the output")
    if file == "-":
        data = sys.stdin.buffer.read()
    else:
        try:
            data = Path(file).read_bytes()
        except OSError as exc:
            from termbase.errors import InputError

            raise InputError(file, f"cannot read ({exc.strerror})") from None
    doc = load_document(data, "<stdin>" if file == "-" else file, fmt)
    glossary = state.glossary
    sizes = {} if batch_size is None else {"batch_size": batch_size}  # else the engine's default
    translator = Translator(get_engine(engine, model=model, device=device, beam=beam,
                                       verbose=verbose, **sizes), glossary)
    show_bar = not quiet and sys.stderr.isatty()
    bar = None

    def progress(done: int, total: int) -> None:
        nonlocal bar
        if not show_bar or total < 2:
            return
        if bar is None:
            bar = click.progressbar(length=total, label="translating", file=sys.stderr)
            bar.__enter__()
        bar.update(done - bar.pos)

    try:
        result, report = translate_document(doc, translator, bilingual=bilingual, progress=progress,
                                            input_name=file, output_name=out)
    finally:
        if bar is not None:
            bar.__exit__(None, None, None)
    if out == "-":
        sys.stdout.buffer.write(result)
        sys.stdout.buffer.flush()
    else:
        atomic_write_bytes(out, result)
    if report_path:
        atomic_write_text(report_path, report_json(report))
    if not quiet:
        click.echo(summary_text(report), err=True)
    elif report["summary"].get("segments_truncated"):  # a cut translation is never silent
        from translate.report import truncation_lines

        click.echo("\n".join([f"{out}: {report['summary']['segments_truncated']} segment(s) cut at "
                              f"the length limit"] + truncation_lines(report)), err=True)


if __name__ == "__main__":  # pragma: no cover
    main()

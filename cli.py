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


if __name__ == "__main__":  # pragma: no cover
    main()

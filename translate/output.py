"""Where a translation goes: default ``NAME.en.EXT``, never the input, no silent overwrite.

The rules are :mod:`termbase.outputs`' (one output policy for every writer); this module only
knows the default name of a translation.
"""
from __future__ import annotations

from pathlib import Path
from typing import Optional

from termbase.outputs import Outputs, PlannedOutput


def translated_name(name: str) -> str:
    """``report.docx`` → ``report.en.docx`` (a file name, no folder)."""
    p = Path(name)
    return f"{p.stem}.en{p.suffix}"


def default_output(input_name: str) -> str:
    """``report.docx`` → ``report.en.docx``; ``-`` (stdin) → ``-`` (stdout)."""
    if input_name == "-":
        return "-"
    p = Path(input_name)
    return str(p.with_name(translated_name(p.name)))


def plan_translation_output(outputs: Outputs, input_name: str,
                            output: Optional[str]) -> PlannedOutput:
    """Plan the translation of ``input_name`` (``output`` or the default name) with
    ``outputs`` (whose inputs hold the document and the glossary)."""
    outputs.add_input(input_name)
    return outputs.plan(default_output(input_name) if output is None else output, option="-o",
                        what="translation")


def check_output(input_name: str, output: Optional[str], *, force: bool = False) -> str:
    """The output path to write; raises :class:`~termbase.errors.OutputError` for an input, an
    existing file without ``force``, a directory or a missing folder (see
    :mod:`termbase.outputs`)."""
    return plan_translation_output(Outputs(force=force), input_name, output).path

"""Where a translation goes: default ``NAME.en.EXT``, never the input, no silent overwrite.

The rules are :mod:`termbase.outputs`' (one output policy for every writer); this module only
knows the default name of a translation.
"""
from __future__ import annotations

from pathlib import Path


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


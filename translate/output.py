"""Where a translation goes: default ``NAME.en.EXT``, never the input, no silent overwrite."""
from __future__ import annotations

import os
from pathlib import Path
from typing import Optional

from termbase.errors import OutputError


def default_output(input_name: str) -> str:
    """``report.docx`` → ``report.en.docx``; ``-`` (stdin) → ``-`` (stdout)."""
    if input_name == "-":
        return "-"
    p = Path(input_name)
    return str(p.with_name(f"{p.stem}.en{p.suffix}"))


def check_output(input_name: str, output: Optional[str], *, force: bool = False) -> str:
    """The output path to write; raises :class:`OutputError` for the input itself or an existing file."""
    out = output or default_output(input_name)
    if out == "-":
        return out
    target = Path(out)
    if input_name != "-":
        source = Path(input_name)
        same = source.resolve() == target.resolve()
        if not same and target.exists():
            try:
                same = os.path.samefile(source, target)
            except OSError:
                same = False
        if same:
            raise OutputError(f"{out}: the output would overwrite the input; choose another name with -o")
    if target.is_dir():
        raise OutputError(f"{out}: is a directory; give a file name with -o")
    if target.exists() and not force:
        raise OutputError(f"{out}: already exists; pass --force to overwrite it or -o to choose another name")
    if not target.parent.exists():
        raise OutputError(f"{out}: folder {target.parent} does not exist")
    return out

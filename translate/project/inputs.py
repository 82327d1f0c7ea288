"""Which files a project run reads and where each translation goes.

Inputs are files and folders; a folder is searched recursively for the supported extensions
(hidden files and folders, and earlier outputs named ``NAME.en.EXT``, are left out), filtered by
``include``/``exclude`` globs matched against the path relative to that folder (``**`` crosses
folders; a pattern without ``/`` also matches the file name). Outputs go next to each input
(``NAME.en.EXT``) or into an output folder that mirrors the input folders. Every output is planned
through :class:`termbase.outputs.Outputs` (the policy of every writer): an output is never an
input, a glossary or a memory, an existing output is replaced only when asked, and the folders of
a mirrored tree are created when its files are written.
"""
from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, Iterable, List, Optional, Sequence, Union

from termbase.discovery import walk_files
from termbase.errors import InputError, OutputError
from termbase.outputs import Outputs, PlannedOutput
from termbase.textio import InputSource

from ..documents import EXTENSIONS
from ..output import default_output, translated_name

PathLike = Union[str, Path]
#: earlier outputs (report.en.docx) are not inputs when a folder is searched
_OUTPUT_NAME = re.compile(r"\.en\.[^.]+$", re.IGNORECASE)


@dataclass(frozen=True)
class InputFile:
    """A file to translate; ``relative`` is its path below the folder it was found in (its name
    when it was given directly) and decides where its output goes in an output folder. ``-``
    is standard input."""

    path: Path
    relative: str
    root: Optional[Path] = None

    @property
    def is_stdin(self) -> bool:
        return str(self.path) == "-"


@dataclass
class FileJob:
    """One input and the output it is written to (``planned``: through the output policy);
    ``skip``: its output exists and the run leaves it (a rerun after an interruption)."""

    input: Path
    output: Path
    relative: str
    planned: Optional[PlannedOutput] = None
    skip: bool = False
    source: Optional[InputSource] = None  # standard input or a pipe: read once, kept

    @property
    def name(self) -> str:
        return str(self.input)

    def read(self) -> bytes:
        """The input's bytes (a regular file is read afresh; stdin and pipes are kept)."""
        if self.source is None:
            src = InputSource(self.input)
            if str(self.input) == "-" or not _regular(self.input):
                self.source = src
            return src.data()
        return self.source.data()


def _regular(path: Path) -> bool:
    import stat

    try:
        return stat.S_ISREG(os.stat(path).st_mode)
    except OSError:
        return True  # a missing file: reading says so


def collect_inputs(paths: Iterable[PathLike], *, include: Sequence[str] = (),
                   exclude: Sequence[str] = (),
                   extensions: Optional[Iterable[str]] = None) -> List[InputFile]:
    """The files to translate, in a stable order (folders sorted, each file once).

    A file named directly (or ``-``, standard input) is always taken (its format is checked when
    it is read); folders give the files with a supported extension that pass ``include`` (any,
    when given) and not ``exclude``. Raises :class:`InputError` for a missing path or a folder
    with nothing to do.
    """
    exts = {e.lower() for e in (extensions or EXTENSIONS)}
    found: List[InputFile] = []
    seen = set()
    for raw in paths:
        if str(raw) == "":
            raise InputError("''", "empty file name (an unset shell variable?); give a file, a "
                                   "folder or -")
        if str(raw) == "-":
            if "-" in seen:
                raise InputError("-", "standard input can be read only once")
            seen.add("-")
            found.append(InputFile(Path("-"), "-"))
            continue
        p = Path(raw)
        if not p.exists():
            raise InputError(p, "no such file or folder")
        if p.is_file() or not p.is_dir():
            key = p.resolve()
            if key not in seen:
                seen.add(key)
                found.append(InputFile(p, p.name))
            continue
        matched = 0
        for full, rel in walk_files(p, exts, include=include, exclude=exclude,
                                    skip=_OUTPUT_NAME.search):
            matched += 1
            key = full.resolve()
            if key not in seen:
                seen.add(key)
                found.append(InputFile(full, rel, p))
        if not matched:
            kinds = " ".join(sorted(exts))
            raise InputError(p, f"no files to translate in this folder (looked for {kinds}"
                                + (", filtered by --include/--exclude" if include or exclude
                                   else "") + ")")
    return found


def output_is_folder(inputs: Sequence[InputFile], output: Optional[PathLike]) -> bool:
    """Whether ``output`` names a folder: several inputs, an input folder, an existing folder,
    or a name ending in a path separator."""
    if output is None or str(output) in ("-", ""):
        return False
    text = str(output)
    return (len(inputs) != 1 or inputs[0].root is not None or Path(text).is_dir()
            or text.endswith(("/", os.sep)))


def plan_outputs(inputs: Sequence[InputFile], output: Optional[PathLike] = None, *,
                 force: bool = False, skip_existing: bool = False,
                 protect: Iterable[PathLike] = (),
                 outputs: Optional[Outputs] = None) -> List[FileJob]:
    """An output for every input (see the module doc), each planned with the output policy of
    :class:`termbase.outputs.Outputs` (``outputs``, or one made here with every input and the
    ``protect`` files — glossary, memories — as inputs). Raises :class:`OutputError` before any
    work for an output that is an input or a protected file, that exists (unless ``force``, or
    ``skip_existing``: the job is then marked ``skip``), that two inputs share, or whose folder
    cannot be written."""
    if outputs is None:
        outputs = Outputs(force=force)
    for p in protect:
        outputs.add_input(p)
    for item in inputs:
        outputs.add_input(item.path)
    folder = output_is_folder(inputs, output)
    if output is not None and str(output) == "-" and len(inputs) != 1:
        raise OutputError("-o -: several inputs cannot all go to standard output; give an "
                          "output folder")
    jobs: List[FileJob] = []
    taken: Dict[Path, Path] = {}
    for item in inputs:
        if folder:
            rel = Path(item.relative)
            out = Path(output) / rel.parent / translated_name(rel.name)  # type: ignore[arg-type]
        elif output is None:
            out = Path(default_output(str(item.path)))
        else:
            out = Path(output)
        if str(out) not in ("-", ""):
            key = Path(os.path.realpath(out))
            if key in taken:
                raise OutputError(f"{out}: both {taken[key]} and {item.path} would be written "
                                  "there; translate them into different folders")
            taken[key] = item.path
        # every rule of the policy now; an existing file is decided below, with the project's
        # way out (--skip-existing) in the message
        if folder:
            planned = outputs.plan_in(output, out.relative_to(Path(output)),  # type: ignore[arg-type]
                                      option="-o", what="translation", force=True)
        else:
            planned = outputs.plan(str(output) if output is not None else str(out), option="-o",
                                   what="translation", force=True)
        exists = planned.kind == "file" and planned.target is not None \
            and planned.target.exists() and not (force or outputs.force)
        if exists and not skip_existing:
            raise OutputError(f"{out}: already exists; pass --force to translate it again, "
                              "or --skip-existing to leave the files already written (a "
                              "rerun after an interruption)")
        skip = exists
        jobs.append(FileJob(item.path, out, item.relative, planned, skip))
    return jobs


__all__ = ["FileJob", "InputFile", "collect_inputs", "output_is_folder", "plan_outputs"]

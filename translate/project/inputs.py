"""Which files a project run reads and where each translation goes.

Inputs are files and folders; a folder is searched recursively for the supported extensions
(hidden files and folders, and earlier outputs named ``NAME.en.EXT``, are left out), filtered by
``include``/``exclude`` globs matched against the path relative to that folder (``**`` crosses
folders; a pattern without ``/`` also matches the file name). Outputs go next to each input
(``NAME.en.EXT``) or into an output folder that mirrors the input folders. The output policy of
single files holds for each: an output is never an input, a glossary or a memory, and an
existing output is replaced only when asked.
"""
from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, Iterable, List, Optional, Sequence, Union

from termbase.discovery import walk_files
from termbase.errors import InputError, OutputError

from ..documents import EXTENSIONS
from ..output import default_output

PathLike = Union[str, Path]
#: earlier outputs (report.en.docx) are not inputs when a folder is searched
_OUTPUT_NAME = re.compile(r"\.en\.[^.]+$", re.IGNORECASE)


@dataclass(frozen=True)
class InputFile:
    """A file to translate; ``relative`` is its path below the folder it was found in (its name
    when it was given directly) and decides where its output goes in an output folder."""

    path: Path
    relative: str
    root: Optional[Path] = None


@dataclass(frozen=True)
class FileJob:
    """One input and the output it is written to."""

    input: Path
    output: Path
    relative: str

    @property
    def name(self) -> str:
        return str(self.input)


def collect_inputs(paths: Iterable[PathLike], *, include: Sequence[str] = (),
                   exclude: Sequence[str] = (),
                   extensions: Optional[Iterable[str]] = None) -> List[InputFile]:
    """The files to translate, in a stable order (folders sorted, each file once).

    A file named directly is always taken (its format is checked when it is read); folders
    give the files with a supported extension that pass ``include`` (any, when given) and not
    ``exclude``. Raises :class:`InputError` for a missing path or a folder with nothing to do.
    """
    exts = {e.lower() for e in (extensions or EXTENSIONS)}
    found: List[InputFile] = []
    seen = set()
    for raw in paths:
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


class _FileSet:
    """Paths compared as files: by resolved path, and by device and inode (hard links)."""

    def __init__(self, paths: Iterable[Path]):
        self.resolved = set()
        self.inodes = set()
        for p in paths:
            self.resolved.add(p.resolve())
            try:
                st = p.stat()
                self.inodes.add((st.st_dev, st.st_ino))
            except OSError:
                pass

    def __contains__(self, path: Path) -> bool:
        if path.resolve() in self.resolved:
            return True
        try:
            st = path.stat()
        except OSError:
            return False
        return (st.st_dev, st.st_ino) in self.inodes


def _writable_folder(folder: Path) -> bool:
    probe = folder
    while not probe.exists():
        if probe.parent == probe:
            return False
        probe = probe.parent
    return probe.is_dir() and os.access(probe, os.W_OK | os.X_OK)


def output_is_folder(inputs: Sequence[InputFile], output: Optional[PathLike]) -> bool:
    """Whether ``output`` names a folder: several inputs, an input folder, an existing folder,
    or a name ending in a path separator."""
    if output is None:
        return False
    text = str(output)
    return (len(inputs) != 1 or inputs[0].root is not None or Path(text).is_dir()
            or text.endswith(("/", os.sep)))


def plan_outputs(inputs: Sequence[InputFile], output: Optional[PathLike] = None, *,
                 force: bool = False, skip_existing: bool = False,
                 protect: Iterable[PathLike] = ()) -> List[FileJob]:
    """An output for every input (see the module doc); raises :class:`OutputError` before any
    work for an output that is an input or a protected file, that exists (unless ``force`` or
    ``skip_existing``), that two inputs share, or whose folder cannot be written."""
    protected = [Path(p) for p in protect if p]
    protected_set = _FileSet(protected)
    input_set = _FileSet(i.path for i in inputs)
    folder = output_is_folder(inputs, output)
    jobs: List[FileJob] = []
    taken: Dict[Path, Path] = {}
    for item in inputs:
        if output is None:
            out = Path(default_output(str(item.path)))
        elif folder:
            rel = Path(item.relative)
            out = Path(output) / rel.parent / f"{rel.stem}.en{rel.suffix}"
        else:
            out = Path(output)
        if out in input_set:
            raise OutputError(f"{out}: the output of {item.path} would overwrite an input; "
                              "choose another output folder with -o")
        if out in protected_set:
            raise OutputError(f"{out}: the output of {item.path} would overwrite a glossary or "
                              "translation memory; choose another output")
        key = out.resolve()
        if key in taken:
            raise OutputError(f"{out}: both {taken[key]} and {item.path} would be written "
                              "there; translate them into different folders")
        taken[key] = item.path
        if out.is_dir():
            raise OutputError(f"{out}: is a folder; give a file name, or a folder for -o with "
                              "several inputs")
        if out.exists() and not force and not skip_existing:
            raise OutputError(f"{out}: already exists; pass --force to overwrite it (or -o to "
                              "choose another folder)")
        if not _writable_folder(out.parent):
            raise OutputError(f"{out}: folder {out.parent} cannot be created or written")
        jobs.append(FileJob(item.path, out, item.relative))
    return jobs


__all__ = ["FileJob", "InputFile", "collect_inputs", "output_is_folder", "plan_outputs"]

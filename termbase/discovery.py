"""Finding input files in folders: recursive, by extension, filtered by include/exclude globs.

Globs are matched against the path relative to the folder searched (``/``-separated): ``**``
crosses folders (``**/x.txt`` also matches ``x.txt``), and a pattern without ``/`` also matches
the file name alone (``*.draft.txt``). Hidden files and folders (``.git``) are skipped.
"""
from __future__ import annotations

import fnmatch
import os
from pathlib import Path
from typing import Iterable, Iterator, Optional, Sequence, Tuple


def glob_match(relative: str, pattern: str) -> bool:
    """Whether ``relative`` (a ``/``-separated path) matches ``pattern`` (see the module doc)."""
    pattern = pattern.replace(os.sep, "/")
    if "/" not in pattern and fnmatch.fnmatchcase(relative.rsplit("/", 1)[-1], pattern):
        return True
    if fnmatch.fnmatchcase(relative, pattern):
        return True
    return "**/" in pattern and fnmatch.fnmatchcase(relative, pattern.replace("**/", ""))


def walk_files(folder: Path, extensions: Iterable[str], *, include: Sequence[str] = (),
               exclude: Sequence[str] = (), skip: Optional[callable] = None
               ) -> Iterator[Tuple[Path, str]]:
    """``(path, relative path)`` of every file below ``folder`` with one of ``extensions``
    (lower-case, with the dot) that passes the globs and ``skip(name)``, sorted by relative
    path."""
    return iter(sorted(_walk(folder, extensions, include, exclude, skip), key=lambda x: x[1]))


def _walk(folder, extensions, include, exclude, skip):
    exts = {e.lower() for e in extensions}
    for dirpath, dirnames, filenames in os.walk(folder, followlinks=False):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for fn in sorted(filenames):
            if fn.startswith(".") or Path(fn).suffix.lower() not in exts:
                continue
            if skip is not None and skip(fn):
                continue
            full = Path(dirpath) / fn
            rel = full.relative_to(folder).as_posix()
            if include and not any(glob_match(rel, g) for g in include):
                continue
            if any(glob_match(rel, g) for g in exclude):
                continue
            yield full, rel


__all__ = ["glob_match", "walk_files"]

"""Checking a project: many files in one run, one report, consistency across the files.

:func:`find_check_inputs` pairs files by name — ``x.zh.docx`` with ``x.en.docx`` (any ``zh*`` /
``en*`` language tag, or an untagged source with ``x.en.EXT``, the name ``termtrans translate``
gives its output; in the same folder, or at the same place below another folder given: the tree
``translate -o DIR`` mirrors) — and takes a file without partner as a bilingual file (TSV/CSV, XLIFF, TMX, a
mixed document). :func:`check_project` reads them all, numbers their segments in one sequence
and runs the checks once, so the consistency checks (``inconsistent-target``,
``inconsistent-source``, ``inconsistent-term``) compare segments across files.
"""
from __future__ import annotations

import dataclasses
import re
from bisect import bisect_right
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, List, Optional, Sequence, Tuple, Union

from ..aligned.reader import BILINGUAL_EXTENSIONS
from ..discovery import walk_files
from ..errors import InputError

PathLike = Union[str, Path]
#: what check reads: parallel documents and bilingual files
CHECK_EXTENSIONS = (".txt", ".md", ".markdown", ".docx", ".xlf", ".xliff", ".sdlxliff",
                    ".mqxliff", ".tmx", ".tsv", ".tab", ".csv")
_TAG = re.compile(r"^(?P<base>.+)\.(?P<tag>(?:zh|en)(?:[-_][A-Za-z]{2,4})?|chs|cht|cn)$",
                  re.IGNORECASE)


@dataclass(frozen=True)
class CheckInput:
    """One thing to check: a bilingual file (``target`` None) or a source/target pair."""

    source: Path
    target: Optional[Path] = None


def language_tag(path: Path) -> Tuple[str, str]:
    """``(base name, 'zh' | 'en' | '')`` of ``x.zh-CN.docx`` → ``('x', 'zh')``."""
    m = _TAG.match(path.stem)
    if not m:
        return path.stem, ""
    tag = m.group("tag").lower()
    return m.group("base"), "en" if tag.startswith("en") else "zh"


def find_check_inputs(paths: Sequence[PathLike], *, include: Sequence[str] = (),
                      exclude: Sequence[str] = ()) -> Tuple[List[CheckInput], List[str]]:
    """The inputs of a project check and warnings (an English file with no source).

    An English file pairs with its source in the same folder first; else with the source at the
    same place below another folder given (``check yearbook/ yearbook-en/``: the tree
    ``translate -o`` mirrors)."""
    files: List[Path] = []
    relative: Dict[Path, str] = {}
    seen = set()
    for raw in paths:
        if str(raw) == "":
            raise InputError("''", "empty file name (an unset shell variable?); give a file or "
                                   "a folder")
        p = Path(raw)
        if not p.exists():
            raise InputError(p, "no such file or folder")
        found = [(p, p.name)] if not p.is_dir() else \
            list(walk_files(p, CHECK_EXTENSIONS, include=include, exclude=exclude))
        if p.is_dir() and not found:
            raise InputError(p, "no files to check in this folder (looked for "
                                f"{' '.join(CHECK_EXTENSIONS)})")
        for f, rel in found:
            if f.resolve() not in seen:
                seen.add(f.resolve())
                files.append(f)
                relative[f] = rel
    groups: Dict[Tuple[str, str], Dict[str, List[Path]]] = {}
    for f in files:
        base, tag = language_tag(f)
        groups.setdefault((str(f.parent), base), {}).setdefault(tag, []).append(f)
    inputs: List[CheckInput] = []
    warnings: List[str] = []
    paired = set()
    lonely: List[Tuple[Path, str]] = []  # English files without a source in their folder
    for (_, base), tags in groups.items():
        targets = tags.get("en", [])
        sources = tags.get("zh", []) or tags.get("", [])
        for t in targets:
            partner = _partner(t, sources, paired)
            if partner is None:
                lonely.append((t, base))
                continue
            inputs.append(CheckInput(partner, t))
            paired.update((partner, t))
    # the same place below another folder given
    elsewhere: Dict[Tuple[str, str], List[Path]] = {}
    for f in files:
        base, tag = language_tag(f)
        if tag != "en" and f not in paired:
            where = relative[f].rsplit("/", 1)[0] if "/" in relative[f] else ""
            elsewhere.setdefault((where, base), []).append(f)
    for t, base in lonely:
        where = relative[t].rsplit("/", 1)[0] if "/" in relative[t] else ""
        partner = _partner(t, elsewhere.get((where, base), []), paired)
        if partner is not None:
            inputs.append(CheckInput(partner, t))
            paired.update((partner, t))
            continue
        if t.suffix.lower() in BILINGUAL_EXTENSIONS:
            # a bilingual file named .en (translate's XLIFF output): checked on its own, and the
            # original it was made from (the same name without .en) is not checked as well
            for s in groups[(str(t.parent), base)].get("", []) + \
                    elsewhere.get((where, base), []):
                if s.suffix.lower() == t.suffix.lower() and s not in paired:
                    paired.add(s)
                    warnings.append(f"{s}: not checked; its translation {t} is")
            continue
        warnings.append(f"{t}: no Chinese source found for it (expected {base}.zh{t.suffix} "
                        f"or {base}{t.suffix}); not checked")
        paired.add(t)
    for f in files:
        if f not in paired:
            inputs.append(CheckInput(f))
    order = {f: k for k, f in enumerate(files)}
    inputs.sort(key=lambda i: order[i.source])
    return inputs, warnings


def _partner(target: Path, sources: Sequence[Path], paired) -> Optional[Path]:
    """The source of ``target`` among ``sources`` (same extension first; else the only one)."""
    if target.suffix.lower() in BILINGUAL_EXTENSIONS:
        return None
    free = [s for s in sources
            if s not in paired and s.suffix.lower() not in BILINGUAL_EXTENSIONS]
    same_ext = [s for s in free if s.suffix.lower() == target.suffix.lower()]
    if same_ext:
        return same_ext[0]
    return free[0] if len(free) == 1 else None


def check_project(inputs: Sequence[CheckInput], glossary=None, *, encoding: Optional[str] = None,
                  **options):
    """Check every input in one run (``options``: those of :func:`run_checks`; ``encoding``: of
    the text inputs, as ``--encoding`` names it); the report's ``inputs`` lists each file with its
    segment range and issue counts."""
    from ..aligned import read_aligned
    from ..textio import open_input
    from .runner import run_checks

    def text_input(path):
        if path is None or encoding is None:
            return path
        return open_input(path, encoding=encoding, encoding_option="--encoding")

    pairs = []
    files = []
    for item in inputs:
        found = read_aligned(text_input(item.source), text_input(item.target), None,
                             glossary=glossary)
        start = len(pairs)
        pairs.extend(dataclasses.replace(p, index=start + k) for k, p in enumerate(found))
        files.append({"source": str(item.source),
                      "target": str(item.target) if item.target else None,
                      "segments": len(found), "first_segment": start})
    report = run_checks(pairs, glossary, **options)
    starts = [f["first_segment"] for f in files]
    for f in files:
        f["issues"] = 0
        f["by_severity"] = {}
    for i in report.issues:  # the file of each issue: the last one starting at or before it
        f = files[bisect_right(starts, i.segment) - 1]
        f["issues"] += 1
        f["by_severity"][i.severity] = f["by_severity"].get(i.severity, 0) + 1
    report.inputs = {"project": f"{len(files)} input(s)", "files": files}
    return report


__all__ = ["CHECK_EXTENSIONS", "CheckInput", "check_project", "find_check_inputs",
           "language_tag"]

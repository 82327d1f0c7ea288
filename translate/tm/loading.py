"""Loading memories through the aligned readers: TMX, XLIFF (1.2, 2.0) and TSV/CSV pairs."""
from __future__ import annotations

from pathlib import Path
from typing import Iterable, Optional, Union

from termbase.errors import InputError

from .memory import TMUnit, TranslationMemory

PathLike = Union[str, Path]

#: memory formats by extension (what :func:`termbase.aligned.read_aligned` reads for them)
TM_FORMATS = {".tmx": "tmx", ".xlf": "xliff", ".xliff": "xliff", ".sdlxliff": "xliff",
              ".mqxliff": "xliff", ".tsv": "tsv", ".tab": "tsv", ".csv": "csv", ".txt": "tsv"}


#: XLIFF 1.2 target states that say a person translated or approved the unit
HUMAN_STATES = {"translated", "final", "signed-off", "needs-review-l10n", "needs-review-adaptation",
                "needs-l10n", "needs-adaptation"}


def load_reviewed_xliff(path: PathLike, memory: TranslationMemory) -> int:
    """Add to ``memory`` the units of an XLIFF 1.2 file whose targets a person translated or
    approved (a human state, or ``approved="yes"``; termtrans's own unreviewed drafts are left
    out); the number added. Used to reuse a project's earlier outputs."""
    from termbase.aligned.xliff import _local, inline_text
    from termbase.xmlsafe import read_xml

    name = str(path)
    root = read_xml(path)
    added = 0
    for tu in root.iter():
        if _local(tu.tag) != "trans-unit":
            continue
        source = next((c for c in tu if _local(c.tag) == "source"), None)
        target = next((c for c in tu if _local(c.tag) == "target"), None)
        if source is None or target is None:
            continue
        state = target.get("state")
        if not (tu.get("approved") == "yes" or state in HUMAN_STATES):
            continue
        unit = TMUnit(inline_text(source).strip(), inline_text(target).strip(),
                      f"{name} (earlier output)", f"{name}:{tu.sourceline}")
        added += memory.add(unit)
    if added:
        memory.sources.append(name)
    return added


def load_tm(paths: Iterable[PathLike], memory: Optional[TranslationMemory] = None
            ) -> TranslationMemory:
    """A memory with the units of every file in ``paths`` (earlier files win on equal sources).

    Units with an empty source or target are skipped. Raises :class:`InputError` for a file
    that cannot be read or is not a memory.
    """
    from termbase.aligned import read_aligned

    tm = memory if memory is not None else TranslationMemory()
    for path in paths:
        name = str(path)
        fmt = TM_FORMATS.get(Path(name).suffix.lower())
        if fmt is None:
            raise InputError(name, "unknown translation memory type; use .tmx, .xlf/.xliff, "
                                   ".tsv or .csv (with a zh/en header)")
        if not Path(name).is_file():
            raise InputError(name, "no such file" if not Path(name).exists() else
                             "is not a file; pass a translation memory file")
        for pair in read_aligned(name, None, fmt):
            tm.add(TMUnit(pair.source, pair.target, name, pair.location))
        tm.sources.append(name)
    return tm

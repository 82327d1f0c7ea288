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


#: XLIFF target states that say a person translated, reviewed or approved the unit (1.2 and 2.x)
HUMAN_STATES = {"translated", "final", "signed-off", "needs-review-l10n", "needs-review-adaptation",
                "needs-l10n", "needs-adaptation", "reviewed"}


def load_reviewed_xliff(path: PathLike, memory: TranslationMemory) -> int:
    """Add to ``memory`` the segments of an XLIFF file (1.x or 2.x) whose targets a person
    translated or approved (a human state, or ``approved="yes"``; termtrans's own unreviewed
    drafts are left out), with their inline codes and state; the number added. Used to reuse a
    project's earlier outputs."""
    from termbase.aligned.xliff import read_xliff_segments
    from termbase.xmlsafe import read_xml

    name = str(path)
    root = read_xml(path)
    added = 0
    for seg in read_xliff_segments(root, name):
        if seg.target is None or seg.target_empty:
            continue
        state = seg.state
        if seg.approved and state not in ("final", "signed-off"):
            state = "signed-off" if seg.major == 1 else "reviewed"
        if not (seg.approved or state in HUMAN_STATES):
            continue
        sub = seg.holder.get("subState", "") if seg.major == 2 and seg.holder is not None else ""
        if sub.startswith("termtrans:") and state == "translated":
            continue  # termtrans's own 2.x draft, not reviewed yet
        unit = TMUnit(seg.source.text.strip(), seg.target.text.strip(),
                      f"{name} (earlier output)", f"{name}:{seg.line}",
                      source_inline=seg.source if seg.source.has_codes else None,
                      target_inline=seg.target if seg.target.has_codes else None,
                      state=state, document=name)
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
            coded = (pair.source_inline is not None and pair.source_inline.has_codes) or \
                (pair.target_inline is not None and pair.target_inline.has_codes)
            tm.add(TMUnit(pair.source, pair.target, name, pair.location,
                          source_inline=pair.source_inline if coded else None,
                          target_inline=pair.target_inline if coded else None))
        tm.sources.append(name)
    return tm

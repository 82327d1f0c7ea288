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

"""TMX 1.4 translation memories: each ``tu`` gives one pair (its zh ``tuv`` and its en ``tuv``).

Read through :func:`termbase.interop.tmx.read_tmx_units`, so segments carry their inline codes
(``<bpt>/<ept>/<ph>/<it>/<hi>`` as :class:`~termbase.inline.InlineText`) like XLIFF segments do:
``check``'s tag-mismatch works on TMX, and ``terms extract`` reads the same text as a memory.
"""
from __future__ import annotations

from typing import List

from ..errors import InputError
from ..inline import InlineText
from ..interop.tmx import read_tmx_file
from ..textio import Source
from . import SegmentPair


def read_tmx(path: Source, root=None) -> List[SegmentPair]:
    """The zh/en pairs of a TMX file, with ``source_inline``/``target_inline``; units with
    neither language are skipped, a unit with one gets an empty other side."""
    doc = read_tmx_file(path, root)
    name = doc.name
    pairs: List[SegmentPair] = []
    for tu in doc.tus:
        zh = tu.segments("zh")
        en = tu.segments("en")
        if not zh and not en:
            continue
        source = zh[0] if zh else InlineText()
        target = en[0] if en else InlineText()
        where = f"{name}:{tu.line}" + (f" ({tu.tuid})" if tu.tuid else "")
        pairs.append(SegmentPair(len(pairs), source.text.strip(), target.text.strip(), where,
                                 line=tu.line, source_inline=source, target_inline=target))
    if not pairs:
        raise InputError(name, "no <tu> holds a zh or en <tuv>; check the xml:lang codes")
    return pairs

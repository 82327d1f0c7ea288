"""TMX 1.4 translation memories: each ``tu`` gives one pair (its zh ``tuv`` and its en ``tuv``),
with inline codes (``<bpt>``/``<ept>``/``<ph>``/``<it>``/``<hi>``) read by :func:`termbase.inline.tmx.read_seg`."""
from __future__ import annotations

from pathlib import Path
from typing import List, Optional, Union

from ..errors import InputError
from ..xmlsafe import read_xml
from . import SegmentPair
from ..inline.tmx import read_seg
from .xliff import _local

PathLike = Union[str, Path]
_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def _lang(tuv) -> str:
    return (tuv.get(_XML_LANG) or tuv.get("lang") or "").strip().lower()


def read_tmx(path: PathLike, root=None) -> List[SegmentPair]:
    """Read the zh/en pairs of a TMX file; units with neither language are skipped."""
    name = str(path)
    if root is None:
        root = read_xml(path)
    if _local(root.tag) != "tmx":
        raise InputError(name, f"not a TMX file: root element is <{_local(root.tag)}>, expected <tmx>",
                         line=root.sourceline)
    pairs: List[SegmentPair] = []
    seen_tu = False
    for tu in root.iter():
        if _local(tu.tag) != "tu":
            continue
        seen_tu = True
        zh: Optional[str] = None
        en: Optional[str] = None
        zh_inline = en_inline = None
        for tuv in tu:
            if _local(tuv.tag) != "tuv":
                continue
            lang = _lang(tuv)
            if not lang:
                raise InputError(name, "<tuv> without xml:lang: say which language it holds",
                                 line=tuv.sourceline)
            seg = next((c for c in tuv if _local(c.tag) == "seg"), None)
            if seg is None:
                raise InputError(name, "<tuv> without <seg>", line=tuv.sourceline)
            if lang.startswith("zh") and zh is None:
                zh_inline = read_seg(seg)
                zh = zh_inline.text.strip()
            elif lang.startswith("en") and en is None:
                en_inline = read_seg(seg)
                en = en_inline.text.strip()
        if zh is None and en is None:
            continue
        tuid = tu.get("tuid") or ""
        where = f"{name}:{tu.sourceline}" + (f" ({tuid})" if tuid else "")
        pairs.append(SegmentPair(len(pairs), zh or "", en or "", where, line=tu.sourceline or 0,
                                 source_inline=zh_inline, target_inline=en_inline))
    if not seen_tu:
        raise InputError(name, "no <tu> elements found; is this a TMX 1.4 file?")
    if not pairs:
        raise InputError(name, "no <tu> holds a zh or en <tuv>; check the xml:lang codes")
    return pairs

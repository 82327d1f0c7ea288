"""XLIFF 1.2 (and 2.0) bilingual files: every ``trans-unit`` (or 2.0 ``segment``) source/target."""
from __future__ import annotations

from pathlib import Path
from typing import List, Union

from ..errors import InputError
from ..xmlsafe import read_xml
from . import SegmentPair

PathLike = Union[str, Path]

# inline elements whose content is native code, not translatable text
_CODE = {"ph", "bpt", "ept", "it", "sub"}


def _local(tag) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def inline_text(element) -> str:
    """Text of an element, skipping inline native-code elements (ph, bpt, ept, it, sub)."""
    parts = [element.text or ""]
    for child in element:
        if _local(child.tag) not in _CODE:
            parts.append(inline_text(child))
        parts.append(child.tail or "")
    return "".join(parts)


def read_xliff(path: PathLike, root=None) -> List[SegmentPair]:
    """Read the source/target pairs of an XLIFF file; units without a target get an empty one."""
    name = str(path)
    if root is None:
        root = read_xml(path)
    if _local(root.tag) != "xliff":
        raise InputError(name, f"not an XLIFF file: root element is <{_local(root.tag)}>, "
                               "expected <xliff>", line=root.sourceline)
    version = (root.get("version") or "1.2").strip()
    unit_tag = "segment" if version.startswith("2") else "trans-unit"
    pairs: List[SegmentPair] = []
    for unit in root.iter():
        if _local(unit.tag) != unit_tag:
            continue
        source = target = None
        for child in unit:
            tag = _local(child.tag)
            if tag == "source" and source is None:
                source = child
            elif tag == "target" and target is None:
                target = child
        if source is None:
            raise InputError(name, f"<{unit_tag}> without <source>: every unit needs its "
                                   "Chinese source", line=unit.sourceline)
        uid = unit.get("id") or (unit.getparent().get("id") if unit.getparent() is not None else "")
        where = f"{name}:{unit.sourceline}" + (f" ({uid})" if uid else "")
        pairs.append(SegmentPair(len(pairs), inline_text(source).strip(),
                                 inline_text(target).strip() if target is not None else "",
                                 where, line=unit.sourceline or 0))
    if not pairs:
        raise InputError(name, f"no <{unit_tag}> elements found; is this an XLIFF {version} file?")
    return pairs

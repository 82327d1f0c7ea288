"""XLIFF 1.x (1.1, 1.2) and 2.x (2.0, 2.1): the one reader used by translate, check and extract.

:func:`read_xliff_segments` gives every segment of a file with its source and target as
:class:`~termbase.inline.InlineText` (inline codes included, see :mod:`termbase.inline.xliff`), its
state, whether it may be translated, and the elements it came from (the translate side writes
back into them). A 1.2 ``trans-unit`` with ``<seg-source>`` gives one segment per
``<mrk mtype="seg">``, matched to the target's ``<mrk mid>``; a 2.x ``<unit>`` gives one segment per
``<segment>``. :func:`read_xliff` turns them into :class:`~termbase.aligned.SegmentPair` for
``check`` and ``terms extract``; units with ``translate="no"`` are left out there.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Dict, List, Optional, Union

from ..errors import InputError
from ..inline import InlineText
from ..inline.xliff import local as _local
from ..inline.xliff import original_data, read_inline
from ..xmlsafe import read_xml
from . import SegmentPair

PathLike = Union[str, Path]

# inline elements whose content is native code, not translatable text
_CODE = {"ph", "bpt", "ept", "it", "sub"}


def inline_text(element) -> str:
    """Text of an element, skipping inline native-code elements (ph, bpt, ept, it, sub)."""
    parts = [element.text or ""]
    for child in element:
        if _local(child.tag) not in _CODE:
            parts.append(inline_text(child))
        parts.append(child.tail or "")
    return "".join(parts)


@dataclass
class XliffSegment:
    """One translatable segment of an XLIFF file and the elements it lives in."""

    major: int                      # 1 or 2
    unit: object                    # <trans-unit> (1.x) or <unit> (2.x)
    holder: object                  # the element carrying the state: <target> (1.x) or <segment> (2.x)
    source_el: object               # <source>, or the <mrk mtype="seg"> of <seg-source>
    target_el: Optional[object]     # <target>, the target's <mrk mid>, or None
    source: InlineText
    target: Optional[InlineText]
    state: str                      # "" when none
    translate: bool
    approved: bool
    id: str
    mid: str                        # the seg-source <mrk mid> (1.2) or the <segment id> (2.x)
    line: int

    @property
    def target_empty(self) -> bool:
        return self.target is None or not (self.target.text.strip() or self.target.has_codes)


def xliff_version(root, name: str = "<xliff>") -> str:
    """The version of an XLIFF root element ("1.2", "2.0" …); raises InputError if it is not XLIFF."""
    if _local(root.tag) != "xliff":
        raise InputError(name, f"not an XLIFF file: root element is <{_local(root.tag)}>, "
                               "expected <xliff>", line=root.sourceline)
    ns = root.tag[1:].split("}")[0] if root.tag.startswith("{") else ""
    version = (root.get("version") or "").strip()
    if not version:
        version = "2.0" if ns.endswith(":2.0") else "1.2"
    if not version[:1] in ("1", "2"):
        raise InputError(name, f"XLIFF {version} is not supported; use XLIFF 1.2 or 2.x",
                         line=root.sourceline)
    return version


def _inherited_translate(el) -> bool:
    node = el
    while node is not None:
        value = node.get("translate") if hasattr(node, "get") else None
        if value in ("no", "yes"):
            return value == "yes"
        node = node.getparent()
    return True


def _child(el, tag: str):
    return next((c for c in el if _local(c.tag) == tag), None)


def read_xliff_segments(root, name: str = "<xliff>") -> List[XliffSegment]:
    """Every segment of an XLIFF 1.x or 2.x document (see the module docstring)."""
    version = xliff_version(root, name)
    out: List[XliffSegment] = []
    if version.startswith("2"):
        for unit in root.iter():
            if _local(unit.tag) == "unit":
                out.extend(_unit2(unit, name))
    else:
        for tu in root.iter():
            if _local(tu.tag) == "trans-unit":
                out.extend(_unit1(tu, name))
    return out


def _unit1(tu, name: str) -> List[XliffSegment]:
    source = _child(tu, "source")
    if source is None:
        raise InputError(name, "<trans-unit> without <source>: every unit needs its Chinese source",
                         line=tu.sourceline)
    target = _child(tu, "target")
    seg_source = _child(tu, "seg-source")
    translate = _inherited_translate(tu)
    approved = tu.get("approved") == "yes"
    state = target.get("state", "") if target is not None else ""
    uid = tu.get("id", "")
    common = dict(major=1, unit=tu, holder=target, state=state, translate=translate,
                  approved=approved, id=uid)
    marks = [m for m in seg_source.iter() if _local(m.tag) == "mrk" and m.get("mtype") == "seg"] \
        if seg_source is not None else []
    target_marks: Dict[str, object] = {}
    if target is not None:
        target_marks = {m.get("mid", ""): m for m in target.iter()
                        if _local(m.tag) == "mrk" and m.get("mtype") == "seg"}
    segmented = bool(marks) and (target is None or bool(target_marks)
                                 or not (target.text or len(target)))
    if not segmented:
        return [XliffSegment(source_el=source, target_el=target, source=read_inline(source, 1),
                             target=read_inline(target, 1) if target is not None else None,
                             mid="", line=tu.sourceline or 0, **common)]
    out = []
    for m in marks:
        mid = m.get("mid", "")
        t = target_marks.get(mid)
        out.append(XliffSegment(source_el=m, target_el=t, source=read_inline(m, 1),
                                target=read_inline(t, 1) if t is not None else None,
                                mid=mid, line=m.sourceline or tu.sourceline or 0, **common))
    return out


def _unit2(unit, name: str) -> List[XliffSegment]:
    data = original_data(unit)
    out = []
    uid = unit.get("id", "")
    for seg in unit:
        if _local(seg.tag) != "segment":
            continue
        source = _child(seg, "source")
        if source is None:
            raise InputError(name, "<segment> without <source>: every segment needs its Chinese "
                                   "source", line=seg.sourceline)
        target = _child(seg, "target")
        out.append(XliffSegment(
            major=2, unit=unit, holder=seg, source_el=source, target_el=target,
            source=read_inline(source, 2, data),
            target=read_inline(target, 2, data) if target is not None else None,
            state=seg.get("state", ""), translate=_inherited_translate(unit),
            approved=False, id=uid, mid=seg.get("id", ""), line=seg.sourceline or 0))
    return out


def read_xliff(path: PathLike, root=None) -> List[SegmentPair]:
    """The source/target pairs of an XLIFF file for checking; units with ``translate="no"`` are
    skipped, units without a target get an empty one."""
    name = str(path)
    if root is None:
        root = read_xml(path)
    version = xliff_version(root, name)
    pairs: List[SegmentPair] = []
    segments = read_xliff_segments(root, name)
    for s in segments:
        if not s.translate:
            continue
        ident = s.id + (f"#{s.mid}" if s.mid and s.major == 1 else "")
        if s.major == 2 and s.mid:
            ident = f"{s.id}/{s.mid}" if s.id else s.mid
        where = f"{name}:{s.line}" + (f" ({ident})" if ident else "")
        target = s.target if s.target is not None else InlineText()
        pairs.append(SegmentPair(len(pairs), s.source.text.strip(), target.text.strip(), where,
                                 line=s.line, source_inline=s.source, target_inline=target,
                                 state=s.state))
    if not segments:
        unit_tag = "segment" if version.startswith("2") else "trans-unit"
        raise InputError(name, f"no <{unit_tag}> elements found; is this an XLIFF {version} file?")
    return pairs

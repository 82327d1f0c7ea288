"""XLIFF inline markup ⇄ :class:`~termbase.inline.InlineText`.

XLIFF 1.x (1.1, 1.2): ``<g>`` and ``<mrk>`` (text inside, an OPEN and a CLOSE code), ``<x/>`` and
``<ph>`` (STANDALONE), ``<bx/>``/``<ex/>`` and ``<bpt>``/``<ept>`` (OPEN/CLOSE paired by ``rid``, else
``id``), ``<it>`` (an isolated OPEN or CLOSE by ``pos``); the native code inside ``bpt``/``ept``/
``ph``/``it`` (with any ``<sub>``) is kept as it is and never shown to an engine. A protected
``<mrk mtype="protected">`` is one opaque code.

XLIFF 2.x (2.0, 2.1): ``<pc>`` and ``<mrk>`` (OPEN/CLOSE around text), ``<ph/>`` (STANDALONE),
``<sc/>``/``<ec/>`` (OPEN/CLOSE paired by ``startRef``, or isolated), ``<sm/>``/``<em/>`` (annotation
markers), ``<cp/>`` (a character XML cannot hold); ``<mrk translate="no">`` is one opaque code.
The native code of ``<ph>``/``<sc>``/``<ec>``/``<pc>`` is looked up in the unit's ``<originalData>``.

Each code keeps its element serialised in ``markup``; :func:`write_inline` puts exactly that element
back (with the translated text inside ``<g>``, ``<pc>``, ``<mrk>``), so a target carries the same
codes, ids and attributes as its source.
"""
from __future__ import annotations

import copy
from typing import Dict, List, Optional

from . import CLOSE, OPEN, STANDALONE, Code, InlineText, Part, append_text, local, parse_markup

NS = {
    "1.1": "urn:oasis:names:tc:xliff:document:1.1",
    "1.2": "urn:oasis:names:tc:xliff:document:1.2",
    "2.0": "urn:oasis:names:tc:xliff:document:2.0",
}
_CONTAINERS_1 = {"g", "mrk"}
_CONTAINERS_2 = {"pc", "mrk"}


def _serialise(el, shallow: bool) -> str:
    from lxml import etree

    dup = copy.copy(el) if not shallow else _shallow(el)
    dup.tail = None
    return etree.tostring(dup, encoding="unicode")


def _shallow(el):
    from lxml import etree

    dup = etree.Element(el.tag, nsmap=el.nsmap)
    for k, v in el.attrib.items():
        dup.set(k, v)
    return dup


def _attrs(el) -> tuple:
    return tuple((local(k) if k.startswith("{") and "XML/1998" not in k else k, v)
                 for k, v in el.attrib.items())


def read_inline(element, major: int = 1, original_data: Optional[Dict[str, str]] = None) -> InlineText:
    """The content of a ``<source>``, ``<target>``, ``<seg>`` or ``<mrk>`` element as InlineText."""
    out: List[Part] = []
    if major == 1:
        _read1(element, out)
    else:
        _read2(element, out, original_data or {})
    return InlineText(out)


def _read1(el, out: List[Part]) -> None:
    if el.text:
        out.append(el.text)
    for child in el:
        tag = local(child.tag)
        if not tag:  # comment or processing instruction: kept as an opaque code
            out.append(Code(STANDALONE, type="x-xml-comment", markup=_serialise(child, False),
                            format="xliff1", attrs=(("element", ""),)))
        elif tag in _CONTAINERS_1 and not (tag == "mrk" and child.get("mtype") == "protected"):
            ident = child.get("id") or child.get("mid") or ""
            kind_type = child.get("ctype") or child.get("mtype") or tag
            common = dict(id=ident, pair=f"{tag}:{ident}", type=kind_type, format="xliff1",
                          attrs=_attrs(child) + (("element", tag),))
            out.append(Code(OPEN, markup=_serialise(child, True), **common))
            _read1(child, out)
            out.append(Code(CLOSE, **common))
        else:
            out.append(_code1(child, tag))
        if child.tail:
            out.append(child.tail)


def _code1(el, tag: str) -> Code:
    ident = el.get("id", "")
    native = "".join(el.itertext()) if tag in ("bpt", "ept", "ph", "it", "mrk") else ""
    common = dict(type=el.get("ctype") or tag, native=native, markup=_serialise(el, False),
                  format="xliff1", attrs=_attrs(el) + (("element", tag),),
                  equiv=el.get("equiv-text", ""))
    if tag in ("bx", "bpt"):
        return Code(OPEN, id=ident, pair=el.get("rid") or ident, **common)
    if tag in ("ex", "ept"):
        return Code(CLOSE, id=ident, pair=el.get("rid") or ident, **common)
    if tag == "it":
        kind = OPEN if el.get("pos", "open") in ("open", "begin") else CLOSE
        return Code(kind, id=ident, pair=ident, isolated=True, **common)
    return Code(STANDALONE, id=ident or el.get("mid", ""), **common)


def _read2(el, out: List[Part], data: Dict[str, str]) -> None:
    if el.text:
        out.append(el.text)
    for child in el:
        tag = local(child.tag)
        if not tag:
            out.append(Code(STANDALONE, type="x-xml-comment", markup=_serialise(child, False),
                            format="xliff2", attrs=(("element", ""),)))
        elif tag in _CONTAINERS_2 and not (tag == "mrk" and child.get("translate") == "no"):
            ident = child.get("id", "")
            common = dict(id=ident, pair=f"{tag}:{ident}", type=child.get("type") or tag,
                          format="xliff2", attrs=_attrs(child) + (("element", tag),))
            out.append(Code(OPEN, markup=_serialise(child, True),
                            native=data.get(child.get("dataRefStart", ""), ""),
                            equiv=child.get("equivStart", ""), **common))
            _read2(child, out, data)
            out.append(Code(CLOSE, native=data.get(child.get("dataRefEnd", ""), ""),
                            equiv=child.get("equivEnd", ""), **common))
        else:
            out.append(_code2(child, tag, data))
        if child.tail:
            out.append(child.tail)


def _code2(el, tag: str, data: Dict[str, str]) -> Code:
    ident = el.get("id", "")
    common = dict(type=el.get("type") or tag, native=data.get(el.get("dataRef", ""), ""),
                  markup=_serialise(el, False), format="xliff2",
                  attrs=_attrs(el) + (("element", tag),), equiv=el.get("equiv", ""))
    isolated = el.get("isolated") == "yes"
    if tag in ("sc", "sm"):
        return Code(OPEN, id=ident, pair=ident, isolated=isolated, **common)
    if tag in ("ec", "em"):
        ref = el.get("startRef", "")
        return Code(CLOSE, id=ref or ident, pair=ref or ident, isolated=isolated, **common)
    if tag == "cp":
        try:
            char = chr(int(el.get("hex", "0"), 16))
        except ValueError:
            char = ""
        common["equiv"] = char
    if tag == "mrk":  # translate="no": its text stays as it is
        common["native"] = "".join(el.itertext())
    return Code(STANDALONE, id=ident, **common)


def original_data(unit) -> Dict[str, str]:
    """``{data id: native code}`` of an XLIFF 2 ``<unit>``'s ``<originalData>``."""
    out: Dict[str, str] = {}
    for child in unit:
        if local(child.tag) == "originalData":
            for d in child:
                if local(d.tag) == "data":
                    out[d.get("id", "")] = "".join(d.itertext())
    return out


def write_inline(element, inline: InlineText, major: int = 1) -> List[Code]:
    """Replace the content of ``element`` (a ``<target>`` or ``<mrk>``) by ``inline``.

    Codes of this XLIFF version are written back as the elements they came from; a code from
    elsewhere (another format) is written as its native text. Returns the codes that could not be
    written as elements (none when the segment came from the same file)."""
    from lxml import etree

    fmt = "xliff1" if major == 1 else "xliff2"
    containers = _CONTAINERS_1 if major == 1 else _CONTAINERS_2
    for child in list(element):
        element.remove(child)
    element.text = None
    stack = [element]
    foreign: List[Code] = []

    for p in inline.parts:
        if isinstance(p, str):
            append_text(stack[-1], p)
            continue
        tag = p.attr("element")
        if p.format != fmt or not p.markup and not (p.kind == CLOSE and tag in containers):
            foreign.append(p)
            append_text(stack[-1], p.native or p.equiv)
            continue
        if tag in containers and p.kind == OPEN and not p.isolated:
            el = parse_markup(p.markup)
            stack[-1].append(el)
            stack.append(el)
        elif tag in containers and p.kind == CLOSE and not p.isolated:
            if len(stack) > 1 and local(stack[-1].tag) == tag:
                stack.pop()
        else:
            stack[-1].append(parse_markup(p.markup))
    etree.cleanup_namespaces(element)
    return foreign


__all__ = ["NS", "local", "original_data", "read_inline", "write_inline"]

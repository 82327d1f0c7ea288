"""TMX 1.4b inline markup → :class:`~termbase.inline.InlineText` (reading).

A ``<seg>`` holds text and the TMX inline elements: ``<bpt>``/``<ept>`` (an OPEN and a CLOSE paired
by ``i``), ``<it>`` (an isolated OPEN or CLOSE by ``pos``: its partner is in another segment),
``<ph>`` and the deprecated ``<ut>`` (STANDALONE), and ``<hi>`` (a highlight around text: an OPEN,
its text, a CLOSE). The content of ``bpt``/``ept``/``it``/``ph``/``ut`` is native code (``{\\b }``,
``<b>``), kept as the code's ``native`` and never read as text; a ``<sub>`` inside it (a footnote's
text, an alt text) stays inside the code. A code's ``id`` is its ``x`` attribute (what matches a code
of the source ``<tuv>`` with the same code of the target ``<tuv>``), else ``i`` for a pair; each code
keeps its element serialised in ``markup`` (format ``tmx``).

:func:`read_seg` is the one reader of TMX segment content: translation memories
(:mod:`translate.tm`) and the bilingual reader (:mod:`termbase.aligned.tmx`) use it.
"""
from __future__ import annotations

from dataclasses import replace
from typing import List

from . import CLOSE, OPEN, STANDALONE, Code, InlineText, Part, partners
from .xliff import local

_NATIVE = {"bpt", "ept", "it", "ph", "ut"}


def _serialise(el, shallow: bool = False) -> str:
    import copy

    from lxml import etree

    if shallow:  # the start tag alone (a <hi>: its content is the segment's text)
        dup = etree.Element(el.tag, dict(el.attrib))
        return etree.tostring(dup, encoding="unicode")[:-2] + ">"
    dup = copy.deepcopy(el)
    dup.tail = None
    return etree.tostring(dup, encoding="unicode")


def _attrs(el) -> tuple:
    return tuple((local(k), v) for k, v in el.attrib.items()) + (("element", local(el.tag)),)


def read_seg(seg) -> InlineText:
    """The content of a TMX ``<seg>`` (or any element holding segment content) as InlineText."""
    out: List[Part] = []
    _read(seg, out, [0])
    inline = InlineText(out)
    codes = inline.codes
    pairs = partners(codes)
    same_id = {}
    for k, c in enumerate(codes):  # an <ept> has no x: it takes its <bpt>'s
        j = pairs.get(k)
        if c.kind == CLOSE and j is not None and codes[j].id != c.id:
            same_id[id(c)] = replace(c, id=codes[j].id)
    if not same_id:
        return inline
    return InlineText(same_id.get(id(p), p) if isinstance(p, Code) else p for p in inline.parts)


def _read(el, out: List[Part], counter: List[int]) -> None:
    if el.text:
        out.append(el.text)
    for child in el:
        tag = local(child.tag)
        if not tag:  # a comment or processing instruction: left out, as a TMX reader does
            pass
        elif tag == "hi":
            counter[0] += 1
            ident = child.get("x", "")
            common = dict(id=ident, pair=f"hi:{ident or counter[0]}",
                          type=child.get("type") or "hi", format="tmx", attrs=_attrs(child))
            shallow = _serialise(child, shallow=True)
            out.append(Code(OPEN, markup=shallow, **common))
            _read(child, out, counter)
            out.append(Code(CLOSE, markup="</hi>", **common))
        elif tag in _NATIVE:
            out.append(_code(child, tag))
        else:  # an element TMX does not define: its text is kept, the element is not
            _read(child, out, counter)
        if child.tail:
            out.append(child.tail)


def _code(el, tag: str) -> Code:
    native = "".join(el.itertext())
    common = dict(type=el.get("type") or tag, native=native, markup=_serialise(el),
                  format="tmx", attrs=_attrs(el))
    x, i = el.get("x", ""), el.get("i", "")
    if tag == "bpt":
        return Code(OPEN, id=x or i, pair=i or x, **common)
    if tag == "ept":
        return Code(CLOSE, id=x or i, pair=i or x, **common)
    if tag == "it":
        kind = OPEN if el.get("pos", "begin") == "begin" else CLOSE
        return Code(kind, id=x, pair=x, isolated=True, **common)
    return Code(STANDALONE, id=x, **common)


__all__ = ["read_seg"]

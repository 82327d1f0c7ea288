"""TMX 1.4b inline markup ⇄ :class:`~termbase.inline.InlineText`.

Reading a ``<seg>`` (:func:`read_inline`):

* ``<bpt i x type>native</bpt>`` is an OPEN code: ``id`` = ``x`` (else ``"i"`` + ``i``), ``pair`` =
  ``i``, ``native`` = its text (``<sub>`` included, never translated);
* ``<ept i>native</ept>`` is the CLOSE of the ``<bpt>`` with the same ``i`` (same ``pair``, its
  ``id`` copied from that ``<bpt>``);
* ``<ph x type>native</ph>`` and the deprecated ``<ut>`` are STANDALONE codes (``id`` = ``x``);
* ``<it pos="begin|end" x type>native</it>`` is an isolated OPEN or CLOSE (its partner lies in
  another segment);
* ``<hi x type>text</hi>`` is an OPEN/CLOSE pair around translatable text, like XLIFF's ``<g>``;
  any other element found in a segment is read the same way, so no text is lost.

Each code keeps its element serialised in ``markup`` (``format="tmx"``), so writing it back
(:func:`write_inline`) gives the same element, ``i``/``x`` and ``<sub>`` included. Codes from
other formats (XLIFF, .docx, Markdown) are written as ``<bpt>/<ept>`` (a pair whose two codes are
in the segment), ``<it>`` (a code whose partner is not), ``<ph>`` (a standalone code), each holding
the code's native markup as text; :func:`number_codes` numbers them so that ``x`` links a code of
the source to the same code in the target, and ``i`` = the ``x`` of the pair's ``<bpt>``. Literal
placeholders of plain text (``format="text"``, e.g. ``{0}``) are written back as the text they are.
"""
from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Dict, List, Optional, Sequence, Tuple

from . import (CLOSE, OPEN, STANDALONE, Code, InlineText, Part, append_text, local, parse_markup,
               partners)

FORMAT = "tmx"
#: TMX 1.4b's recommended ``type`` values for ``<bpt>``/``<it>``/``<hi>`` and for ``<ph>``
PAIR_TYPES = frozenset({"bold", "color", "dulined", "font", "italic", "link", "scap", "struct",
                        "ulined"})
PH_TYPES = frozenset({"index", "date", "time", "fnote", "enote", "alt", "image", "pb", "lb", "cb",
                      "inset"})
#: other formats' code types and the TMX type they become
_TYPE_MAP = {"b": "bold", "strong": "bold", "i": "italic", "em": "italic", "u": "ulined",
             "underline": "ulined", "a": "link", "hyperlink": "link", "fn": "fnote",
             "footnote": "fnote", "endnote": "enote", "img": "image", "br": "lb", "x-html-b": "bold",
             "x-html-i": "italic", "x-html-u": "ulined", "x-html-a": "link", "x-html-br": "lb",
             "x-html-img": "image"}
_CODE_ELEMENTS = {"bpt", "ept", "ph", "it", "ut"}


def _serialise(el, shallow: bool = False) -> str:
    from lxml import etree

    if shallow:
        dup = etree.Element(el.tag)
        for k, v in el.attrib.items():
            dup.set(k, v)
    else:
        dup = copy.deepcopy(el)
    dup.tail = None
    return etree.tostring(dup, encoding="unicode")


def _attrs(el, tag: str) -> Tuple[Tuple[str, str], ...]:
    return tuple((local(k), v) for k, v in el.attrib.items()) + (("element", tag),)


# -- reading --------------------------------------------------------------------------------------

class _Reader:
    def __init__(self) -> None:
        self.bpt_ids: Dict[str, Tuple[str, str]] = {}  # i -> (id, type) of the bpt
        self.containers = 0

    def read(self, el, out: List[Part]) -> None:
        if el.text:
            out.append(el.text)
        for child in el:
            tag = local(child.tag)
            if tag in _CODE_ELEMENTS:
                out.append(self.code(child, tag))
            elif tag:
                self.container(child, tag, out)
            if child.tail:
                out.append(child.tail)

    def code(self, el, tag: str) -> Code:
        x = (el.get("x") or "").strip()
        i = (el.get("i") or "").strip()
        common = dict(type=el.get("type") or tag, native="".join(el.itertext()),
                      markup=_serialise(el), format=FORMAT, attrs=_attrs(el, tag))
        if tag == "bpt":
            ident = x or (f"i{i}" if i else "")
            self.bpt_ids[i] = (ident, common["type"])
            return Code(OPEN, id=ident, pair=i or ident, **common)
        if tag == "ept":  # the id and type of its bpt
            ident, kind = self.bpt_ids.get(i, (f"i{i}" if i else "", tag))
            common["type"] = el.get("type") or kind
            return Code(CLOSE, id=ident, pair=i or ident, **common)
        if tag == "it":
            kind = CLOSE if (el.get("pos") or "").strip() == "end" else OPEN
            return Code(kind, id=x, pair=x, isolated=True, **common)
        return Code(STANDALONE, id=x, **common)

    def container(self, el, tag: str, out: List[Part]) -> None:
        self.containers += 1
        x = (el.get("x") or "").strip()
        common = dict(id=x, pair=f"{tag}:{x}" if x else f"{tag}#{self.containers}",
                      type=el.get("type") or tag, format=FORMAT, attrs=_attrs(el, tag))
        out.append(Code(OPEN, markup=_serialise(el, shallow=True), **common))
        self.read(el, out)
        out.append(Code(CLOSE, **common))


def read_inline(seg) -> InlineText:
    """The content of a TMX ``<seg>`` as InlineText (see the module docstring)."""
    out: List[Part] = []
    _Reader().read(seg, out)
    return InlineText(out)


# -- numbering and writing ------------------------------------------------------------------------

@dataclass
class CodeNumbers:
    """``x`` of each code of a segment (by position among its codes) and ``i`` of each paired one;
    made by :func:`number_codes` for the two sides of a unit."""

    x: List[str] = field(default_factory=list)
    i: List[str] = field(default_factory=list)


def _tmx_numbers(inlines: Sequence[InlineText]) -> set:
    used = set()
    for inline in inlines:
        for c in inline.codes:
            if c.format == FORMAT:
                for name in ("x", "i"):
                    value = c.attr(name)
                    if value.isdigit():
                        used.add(int(value))
    return used


def number_codes(source: InlineText, *targets: InlineText) -> List[CodeNumbers]:
    """Numbers for the codes of ``source`` and of each of ``targets`` (one unit's segments).

    A code of another format gets an ``x`` — the same in every segment of the unit for equal codes
    (a target carries the source's codes), so ``x`` links them as TMX asks — and a paired code an
    ``i``, the ``x`` of its OPEN. Numbers already used by TMX codes (written back as they were) are
    left out."""
    used = _tmx_numbers((source,) + targets)
    counter = [0]

    def fresh() -> str:
        counter[0] += 1
        while counter[0] in used:
            counter[0] += 1
        return str(counter[0])

    source_x: Dict[Code, List[str]] = {}
    out: List[CodeNumbers] = []
    for n, inline in enumerate((source,) + targets):
        codes = inline.codes
        numbers = CodeNumbers(x=[""] * len(codes), i=[""] * len(codes))
        taken: Dict[Code, int] = {}
        pairs = partners(codes)
        for k, c in enumerate(codes):
            if c.format == FORMAT:
                continue
            if c.kind == CLOSE and pairs.get(k, k) < k:  # an ept: its bpt's number
                numbers.x[k] = numbers.x[pairs[k]]
                continue
            if n == 0:
                numbers.x[k] = fresh()
                source_x.setdefault(c, []).append(numbers.x[k])
            else:
                known = source_x.get(c, [])
                t = taken.get(c, 0)
                numbers.x[k] = known[t] if t < len(known) else fresh()
                taken[c] = t + 1
        for k, c in enumerate(codes):
            j = pairs.get(k)
            if j is not None:
                opener = k if c.kind == OPEN else j
                numbers.i[k] = numbers.x[opener] or codes[opener].attr("i")
        out.append(numbers)
    return out


def tmx_type(code: Code) -> str:
    """The TMX ``type`` for a code of another format ('' when it has none)."""
    t = (code.type or "").strip()
    if not t:
        return ""
    t = _TYPE_MAP.get(t.lower(), t)
    if t in PAIR_TYPES or t in PH_TYPES or t.startswith("x-"):
        return t
    return "x-" + "".join(ch if ch.isalnum() or ch in "-_." else "-" for ch in t)


def write_inline(seg, inline: InlineText, numbers: Optional[CodeNumbers] = None) -> None:
    """Write ``inline`` as the content of the (empty) ``<seg>`` element ``seg``.

    ``numbers`` (from :func:`number_codes`) give the ``x``/``i`` of codes of other formats; without
    them every segment is numbered on its own. Raises ``ValueError`` for text XML cannot hold."""
    from lxml import etree

    codes = inline.codes
    if numbers is None:
        numbers = number_codes(inline)[0]
    pairs = partners(codes)
    containers = _container_pairs(codes, pairs)
    stack = [seg]
    seg.text = ""  # mixed content: the pretty printer must not indent inside a segment

    k = -1
    for p in inline.parts:
        if isinstance(p, str):
            append_text(stack[-1], p)
            continue
        k += 1
        if p.format == "text":  # a literal placeholder of plain text is text
            append_text(stack[-1], p.native)
            continue
        if k in containers:
            if p.kind == OPEN:
                el = parse_markup(p.markup) if p.markup else etree.Element("hi")
                el.text = ""
                stack[-1].append(el)
                stack.append(el)
            elif len(stack) > 1:
                stack.pop()
            continue
        stack[-1].append(_code_element(p, k, pairs, numbers))


def _container_pairs(codes: Sequence[Code], pairs: Dict[int, int]) -> set:
    """Indexes of the TMX ``<hi>`` (or other container) codes written back as containers: both
    codes in the segment, properly nested among the containers."""
    candidates = {k for k, c in enumerate(codes)
                  if c.format == FORMAT and c.attr("element") not in _CODE_ELEMENTS
                  and c.kind != STANDALONE and not c.isolated and k in pairs}
    stack: List[int] = []
    for k in sorted(candidates):
        if codes[k].kind == OPEN:
            stack.append(k)
        elif stack and stack[-1] == pairs[k]:
            stack.pop()
        else:  # crossing containers: write them all as bpt/ept
            return set()
    return candidates


def _code_element(code: Code, k: int, pairs: Dict[int, int], numbers: CodeNumbers):
    """The ``<bpt>``/``<ept>``/``<it>``/``<ph>`` element for code ``k`` of a segment."""
    from lxml import etree

    paired = k in pairs and not code.isolated
    if code.kind == STANDALONE:
        tag = "ph"
    elif paired:
        tag = "bpt" if code.kind == OPEN else "ept"
    else:
        tag = "it"
    element = code.attr("element")
    if code.format == FORMAT and code.markup and element in _CODE_ELEMENTS:
        el = parse_markup(code.markup)
        if element == tag or (tag == "ph" and element == "ut"):
            return el
        # its partner is not in this segment (or is back): the same code as another element
        attrs = dict(el.attrib)
        el.tag = tag
        for name in list(el.attrib):
            del el.attrib[name]
        if tag in ("bpt", "ept"):
            el.set("i", numbers.i[k] or attrs.get("i") or attrs.get("x") or str(k + 1))
        if tag == "it":
            el.set("pos", "begin" if code.kind == OPEN else "end")
        x = attrs.get("x") or (code.id if code.id.isdigit() else "")
        if tag != "ept" and x:
            el.set("x", x)
        if tag != "ept" and attrs.get("type"):
            el.set("type", attrs["type"])
        return el
    el = etree.Element(tag)
    if tag in ("bpt", "ept"):
        el.set("i", numbers.i[k] or str(k + 1))
    if tag == "it":
        el.set("pos", "begin" if code.kind == OPEN else "end")
    if tag != "ept":
        if numbers.x[k]:
            el.set("x", numbers.x[k])
        kind = tmx_type(code)
        if kind:
            el.set("type", kind)
    if code.native:
        el.text = code.native
    return el


__all__ = ["CodeNumbers", "FORMAT", "PAIR_TYPES", "PH_TYPES", "local", "number_codes",
           "read_inline", "tmx_type", "write_inline"]

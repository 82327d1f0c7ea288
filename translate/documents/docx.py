"""Word ``.docx``: every paragraph of the document translated, its formatting and codes kept.

Read through :mod:`termbase.inline.docx` (the reader check and extract use too): the body with its
tables (nested too) and content controls, headers and footers, footnotes, endnotes, comments and
text boxes. A translated paragraph keeps its paragraph properties (style, heading level, list
numbering, alignment, spacing, indentation); inside it, formatting follows the words it covers
(a bold or coloured word mid-paragraph stays bold or coloured in the English where the engine
put it), hyperlinks keep their target, and footnote references, fields, bookmarks, drawings and
text boxes stay in place (a code the engine lost is put at the end of its sentence and reported).

``--bilingual``: each translated paragraph is followed by its English twin, which leaves out what
may exist only once (footnote and comment references, bookmarks, drawings, text boxes) and is
not numbered as a new list item (a numbered paragraph's twin keeps the item's indentation).

The signature is added to the document's custom properties (``termtrans.*``) and, when the core
"comments" property is empty, there; existing properties are never overwritten.
"""
from __future__ import annotations

import copy
import io
from typing import Dict, List, Optional, Sequence

from termbase.inline import InlineText, local
from termbase.inline.docx import (UNIQUE_TYPES, ParagraphCodec, ParagraphRef, docx_paragraphs,
                                  docx_stories, load_docx, save_stories, w)
from termbase.normalize import has_cjk

from .base import Document, Unit, filled

_CUSTOM_NS = "http://schemas.openxmlformats.org/officeDocument/2006/custom-properties"
_VT_NS = "http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"
_CUSTOM_FMTID = "{D5CDD505-2E9C-101B-9397-08002B2CF9AE}"


def _signature_comment(signature: Dict[str, object]) -> str:
    """The signature for the document's core "comments" property (255 characters at most)."""
    head = (f"termtrans {signature.get('termtrans_version')} MT draft; engine={signature.get('engine')}; "
            f"glossary_sha256={signature.get('glossary_sha256')}; model=")
    model = str(signature.get("model"))
    room = 255 - len(head)
    return head + (model if len(model) <= room else "…" + model[-(room - 1):])


class DocxDocument(Document):
    """A ``.docx`` file; one unit per paragraph with Chinese text (see the module docstring)."""

    format = "docx"

    def __init__(self, name: str, data: bytes):
        super().__init__(name)
        self.doc = load_docx(data, name)
        self.stories = docx_stories(self.doc)
        self.refs: List[ParagraphRef] = []         # parallel to units
        self.bases: List[object] = []              # base run properties, parallel to units
        self.codecs: Dict[int, ParagraphCodec] = {}
        self.mirrors: List[tuple] = []             # (fallback paragraph, its content, base, unit)
        by_element: Dict[int, int] = {}
        pending_mirrors = []
        for ref in docx_paragraphs(self.doc, self.stories):
            codec = self.codecs.setdefault(id(ref.story), ParagraphCodec(ref.story.part))
            read = codec.read(ref.element)
            if ref.mirror_of is not None:
                pending_mirrors.append((ref, read))
                continue
            text = read.inline.text
            translate = has_cjk(text)
            by_element[id(ref.element)] = len(self.units)
            self.refs.append(ref)
            self.bases.append(read.base_rpr)
            self.units.append(Unit(text, ref.location, translate,
                                   "" if translate else "no Chinese text", content=read.inline))
        for ref, read in pending_mirrors:
            unit = by_element.get(id(ref.mirror_of))
            if unit is not None:
                self.mirrors.append((ref, read.inline, read.base_rpr, unit))

    @classmethod
    def from_bytes(cls, data: bytes, name: str, **options) -> "DocxDocument":
        return cls(name, data)

    def _write(self, ref: ParagraphRef, target: InlineText, base, bilingual: bool, *,
               unnumber: bool) -> None:
        """``target`` written into the paragraph, or (``bilingual``) into a twin after it that
        leaves out the codes that may exist only once (and, with ``unnumber``, is no new list
        item)."""
        codec = self.codecs[id(ref.story)]
        if not bilingual:
            codec.write(ref.element, target, base)
            return
        twin = copy.deepcopy(ref.element)
        if unnumber:
            _unnumber(twin, self.doc)
        codec.write(twin, target.without(lambda c: c.type in UNIQUE_TYPES), base, copy_elements=True)
        ref.element.addnext(twin)

    def render(self, results: Sequence[Optional[object]], *, bilingual: bool = False,
               signature: Optional[Dict[str, object]] = None) -> bytes:
        results = filled(results)
        for ref, unit, base, result in zip(self.refs, self.units, self.bases, results):
            if result is None:
                continue
            self._write(ref, result.target_inline, base, bilingual, unnumber=True)
        for ref, content, base, unit in self.mirrors:
            result = results[unit]
            if result is None:
                continue
            source = self.units[unit].content
            target = result.target_inline
            if source is not None and source.key() == content.key():
                target = target.rebind(source.codes, content.codes)
            elif content.has_codes:
                continue  # a fallback copy that differs from its shape: left as it is
            else:
                target = InlineText([target.text])
            self._write(ref, target, base, bilingual, unnumber=False)
        save_stories(self.stories)
        if signature:
            _add_properties(self.doc, signature)
        out = io.BytesIO()
        self.doc.save(out)
        return out.getvalue()


def _numbered(p, document) -> bool:
    ppr = p.find(w("pPr"))
    if ppr is not None and ppr.find(w("numPr")) is not None:
        return True
    style = ppr.find(w("pStyle")) if ppr is not None else None
    if style is None:
        return False
    sid = style.get(w("val"))
    styles = document.styles.element
    for s in styles.iterchildren(w("style")):
        if s.get(w("styleId")) == sid:
            spr = s.find(w("pPr"))
            return spr is not None and spr.find(w("numPr")) is not None
    return False


def _level_indent(p, document):
    """The ``w:ind`` of a numbered paragraph's list level (so its twin lines up with the item)."""
    ppr = p.find(w("pPr"))
    num = ppr.find(w("numPr")) if ppr is not None else None
    if num is None:
        return None
    num_id = num.find(w("numId"))
    ilvl = num.find(w("ilvl"))
    if num_id is None:
        return None
    try:
        numbering = document.part.numbering_part.element
    except Exception:  # no numbering part
        return None
    level = ilvl.get(w("val")) if ilvl is not None else "0"
    abstract = None
    for n in numbering.iterchildren(w("num")):
        if n.get(w("numId")) == num_id.get(w("val")):
            a = n.find(w("abstractNumId"))
            abstract = a.get(w("val")) if a is not None else None
    for a in numbering.iterchildren(w("abstractNum")):
        if a.get(w("abstractNumId")) == abstract:
            for lvl in a.iterchildren(w("lvl")):
                if lvl.get(w("ilvl")) == level:
                    lppr = lvl.find(w("pPr"))
                    ind = lppr.find(w("ind")) if lppr is not None else None
                    return ind
    return None


def _unnumber(twin, document) -> None:
    """A bilingual twin is not a new list item: numbering off (numId 0), the item's indentation."""
    if not _numbered(twin, document):
        return
    from lxml import etree

    ppr = twin.find(w("pPr"))
    if ppr is None:
        ppr = etree.SubElement(twin, w("pPr"))
        twin.insert(0, ppr)
    ind = _level_indent(twin, document)
    old = ppr.find(w("numPr"))
    if old is not None:
        ppr.remove(old)
    num = etree.Element(w("numPr"))
    num_id = etree.SubElement(num, w("numId"))
    num_id.set(w("val"), "0")
    # numPr comes after pStyle, keepNext, keepLines, pageBreakBefore, framePr, widowControl
    anchor = None
    for tag in ("widowControl", "framePr", "pageBreakBefore", "keepLines", "keepNext", "pStyle"):
        anchor = ppr.find(w(tag))
        if anchor is not None:
            break
    if anchor is not None:
        anchor.addnext(num)
    else:
        ppr.insert(0, num)
    if ind is not None and ppr.find(w("ind")) is None:
        new = etree.Element(w("ind"))
        left = ind.get(w("left")) or ind.get(w("start"))
        if left is not None:
            new.set(w("left"), left)
        _insert_in_order(ppr, new)


_PPR_ORDER = ["pStyle", "keepNext", "keepLines", "pageBreakBefore", "framePr", "widowControl",
              "numPr", "suppressLineNumbers", "pBdr", "shd", "tabs", "suppressAutoHyphens", "kinsoku",
              "wordWrap", "overflowPunct", "topLinePunct", "autoSpaceDE", "autoSpaceDN", "bidi",
              "adjustRightInd", "snapToGrid", "spacing", "ind", "contextualSpacing", "mirrorIndents",
              "suppressOverlap", "jc", "textDirection", "textAlignment", "textboxTightWrap",
              "outlineLvl", "divId", "cnfStyle", "rPr", "sectPr", "pPrChange"]


def _insert_in_order(ppr, el) -> None:
    rank = _PPR_ORDER.index(local(el.tag))
    for i, child in enumerate(ppr):
        other = local(child.tag)
        if other in _PPR_ORDER and _PPR_ORDER.index(other) > rank:
            ppr.insert(i, el)
            return
    ppr.append(el)


def _add_properties(document, signature: Dict[str, object]) -> None:
    """The signature as custom properties ``termtrans.*`` (replacing only termtrans's own), and in
    the core "comments" property when that is empty."""
    from docx.opc.constants import CONTENT_TYPE as CT
    from docx.opc.constants import RELATIONSHIP_TYPE as RT
    from docx.opc.packuri import PackURI
    from docx.opc.part import Part
    from lxml import etree

    from termbase.xmlsafe import parse_xml

    if not (document.core_properties.comments or "").strip():
        document.core_properties.comments = _signature_comment(signature)
    package = document.part.package
    part = None
    for rel in package.rels.values():
        if not rel.is_external and rel.reltype == RT.CUSTOM_PROPERTIES:
            part = rel.target_part
    if part is None:
        root = etree.Element(f"{{{_CUSTOM_NS}}}Properties", nsmap={None: _CUSTOM_NS, "vt": _VT_NS})
        part = Part(PackURI("/docProps/custom.xml"), CT.OFC_CUSTOM_PROPERTIES, b"", package)
        package.relate_to(part, RT.CUSTOM_PROPERTIES)
    else:
        root = parse_xml(part.blob, str(part.partname))
    for prop in list(root):
        if (prop.get("name") or "").startswith("termtrans."):
            root.remove(prop)
    pids = [int(p.get("pid")) for p in root if (p.get("pid") or "").isdigit()]
    pid = max(pids + [1]) + 1
    for key in sorted(signature):
        prop = etree.SubElement(root, f"{{{_CUSTOM_NS}}}property")
        prop.set("fmtid", _CUSTOM_FMTID)
        prop.set("pid", str(pid))
        prop.set("name", f"termtrans.{key}")
        value = etree.SubElement(prop, f"{{{_VT_NS}}}lpwstr")
        value.text = str(signature[key])
        pid += 1
    part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)

"""Word ``.docx`` through python-docx: body paragraphs, table cells (nested too), headers, footers.

A translated paragraph keeps its paragraph properties (style, heading level, list numbering,
alignment, spacing, indentation) and the character formatting of its first run; the whole English
text goes into that run's first text node and the other text nodes are emptied. Formatting that
covers only part of a paragraph (one bold word, a hyperlink's own run) is therefore not carried to
the English; the hyperlink element itself is kept around the emptied run.
"""
from __future__ import annotations

import copy
import io
from typing import Dict, Iterator, List, Optional, Sequence

from termbase.errors import InputError
from termbase.normalize import has_cjk

from .base import Document, Unit

_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"


def _text_nodes(p) -> list:
    return p.findall(f".//{{{_W}}}t")


def _paragraph_text(p) -> str:
    return "".join(t.text or "" for t in _text_nodes(p))


def _set_text(p, text: str) -> None:
    nodes = _text_nodes(p)
    if not nodes:
        return
    nodes[0].text = text
    nodes[0].set(_XML_SPACE, "preserve")
    for t in nodes[1:]:
        t.text = ""


def _signature_comment(signature: Dict[str, object]) -> str:
    """The signature for the document's core "comments" property (255 characters at most)."""
    head = (f"termtrans {signature.get('termtrans_version')} MT draft; engine={signature.get('engine')}; "
            f"glossary_sha256={signature.get('glossary_sha256')}; model=")
    model = str(signature.get("model"))
    room = 255 - len(head)
    return head + (model if len(model) <= room else "…" + model[-(room - 1):])


class DocxDocument(Document):
    """A ``.docx`` file; every ``w:p`` with Chinese text in body, tables, headers and footers."""

    format = "docx"

    def __init__(self, name: str, data: bytes):
        super().__init__(name)
        from termbase.ooxml import load_docx

        self.doc = load_docx(data, name)  # zip limits, damaged zips, XML guard: one-line errors
        self.paragraphs: List[object] = []  # lxml w:p elements, parallel to units
        for where, p in self._walk():
            text = _paragraph_text(p)
            translate = has_cjk(text)
            self.paragraphs.append(p)
            self.units.append(Unit(text, where, translate, "" if translate else "no Chinese text"))

    def _walk(self) -> Iterator[tuple]:
        body = self.doc.element.body
        yield from self._walk_container(body, "body")
        for s, section in enumerate(self.doc.sections, 1):
            for kind in ("header", "footer"):
                part = getattr(section, kind)
                if part.is_linked_to_previous:
                    continue
                yield from self._walk_container(part._element, f"section {s} {kind}")

    def _walk_container(self, element, where: str) -> Iterator[tuple]:
        para = table = 0
        for child in element.iterchildren():
            tag = child.tag.rsplit("}", 1)[-1]
            if tag == "p":
                para += 1
                yield f"{where} paragraph {para}", child
            elif tag == "tbl":
                table += 1
                for r, row in enumerate(child.iterchildren(f"{{{_W}}}tr"), 1):
                    for c, cell in enumerate(row.iterchildren(f"{{{_W}}}tc"), 1):
                        yield from self._walk_container(cell, f"{where} table {table} r{r}c{c}")
            elif tag == "sdt":
                content = child.find(f"{{{_W}}}sdtContent")
                if content is not None:
                    yield from self._walk_container(content, where)

    @classmethod
    def from_bytes(cls, data: bytes, name: str) -> "DocxDocument":
        return cls(name, data)

    def render(self, results: Sequence[Optional[object]], *, bilingual: bool = False,
               signature: Optional[Dict[str, object]] = None) -> bytes:
        for p, result in zip(self.paragraphs, results):
            if result is None:
                continue
            if bilingual:
                twin = copy.deepcopy(p)
                for tag in ("bookmarkStart", "bookmarkEnd"):
                    for node in twin.findall(f".//{{{_W}}}{tag}"):
                        node.getparent().remove(node)
                _set_text(twin, result.target)
                p.addnext(twin)
            else:
                _set_text(p, result.target)
        if signature:
            self.doc.core_properties.comments = _signature_comment(signature)
        out = io.BytesIO()
        self.doc.save(out)
        return out.getvalue()

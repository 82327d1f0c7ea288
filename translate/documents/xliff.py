"""XLIFF 1.2: fill empty targets with the draft, leave translated/final/signed-off targets alone.

New targets get ``state="needs-review-translation"`` and ``state-qualifier="leveraged-mt"``, or
``leveraged-glossary`` when the whole source is a glossary term. A ``<note from="termtrans">``
lists the terms applied or failed. Inline markup inside ``<source>`` is read as plain text and
the target is plain text. Parsed only through :mod:`termbase.xmlsafe`.
"""
from __future__ import annotations

from typing import Dict, Optional, Sequence

from termbase import __version__
from termbase.errors import InputError
from termbase.normalize import has_cjk
from termbase.xmlsafe import parse_xml

from .base import Document, Unit

NS = "urn:oasis:names:tc:xliff:document:1.2"
#: target states that mean a person already translated or approved the unit
DONE_STATES = {"translated", "final", "signed-off", "needs-review-adaptation", "needs-review-l10n"}
#: state-qualifier values a result's ``origin`` may give (see translate.tm)
_QUALIFIERS = {"exact-match", "leveraged-tm", "fuzzy-match", "leveraged-mt", "leveraged-glossary"}


def _q(tag: str, ns: Optional[str]) -> str:
    return f"{{{ns}}}{tag}" if ns else tag


class XliffDocument(Document):
    """An XLIFF 1.2 file; one unit per ``<trans-unit>``."""

    format = "xliff"

    def __init__(self, name: str, data: bytes):
        super().__init__(name)
        self.root = parse_xml(data, name)
        local = self.root.tag.rsplit("}", 1)[-1]
        self.ns = self.root.tag[1:].split("}")[0] if self.root.tag.startswith("{") else None
        if local != "xliff":
            raise InputError(name, f"not an XLIFF file (root element <{local}>)",
                             line=self.root.sourceline)
        version = self.root.get("version", "")
        if version and not version.startswith("1."):
            raise InputError(name, f"XLIFF {version} is not supported; export XLIFF 1.2",
                             line=self.root.sourceline)
        self.tus = list(self.root.iter(_q("trans-unit", self.ns)))
        for tu in self.tus:
            source = tu.find(_q("source", self.ns))
            text = "".join(source.itertext()) if source is not None else ""
            where = f"trans-unit {tu.get('id', '?')} (line {tu.sourceline})"
            reason = self._kept_because(tu, text)
            self.units.append(Unit(text, where, not reason, reason))

    def _kept_because(self, tu, text: str) -> str:
        if tu.get("translate", "yes") == "no":
            return "translate=\"no\""
        if tu.get("approved") == "yes":
            return "approved=\"yes\""
        target = tu.find(_q("target", self.ns))
        if target is not None:
            state = target.get("state")
            if state in DONE_STATES:
                return f"target already {state}"
            if state is None and "".join(target.itertext()).strip():
                return "target already filled"
        if not has_cjk(text):
            return "no Chinese text"
        return ""

    @classmethod
    def from_bytes(cls, data: bytes, name: str) -> "XliffDocument":
        return cls(name, data)

    @property
    def supports_bilingual(self) -> bool:
        return False

    def render(self, results: Sequence[Optional[object]], *, bilingual: bool = False,
               signature: Optional[Dict[str, object]] = None) -> bytes:
        from lxml import etree

        for tu, result in zip(self.tus, results):
            if result is None:
                continue
            target = tu.find(_q("target", self.ns))
            if target is None:
                target = etree.Element(_q("target", self.ns))
                anchor = tu.find(_q("seg-source", self.ns))
                if anchor is None:
                    anchor = tu.find(_q("source", self.ns))
                anchor.addnext(target)
                target.tail = anchor.tail
            for child in list(target):
                target.remove(child)
            target.text = result.target
            exact = bool(result.segments) and all(s.method == "exact" for s in result.segments)
            target.set("state", "needs-review-translation")
            origin = getattr(result, "origin", "")  # set by translate.leverage (TM, cache)
            target.set("state-qualifier", origin if origin in _QUALIFIERS else
                       ("leveraged-glossary" if exact else "leveraged-mt"))
            terms = [t for s in result.segments for t in s.terms]
            if terms:
                for old in tu.findall(_q("note", self.ns)):
                    if old.get("from") == "termtrans":
                        tu.remove(old)
                note = etree.Element(_q("note", self.ns))
                alt = tu.find(_q("alt-trans", self.ns))
                if alt is not None:  # the schema wants notes before alt-trans
                    alt.addprevious(note)
                else:
                    tu.append(note)
                note.set("from", "termtrans")
                note.text = "Glossary: " + "; ".join(
                    f"{t.matched} → {t.english} ({t.method})" for t in terms)
                note.tail = target.tail
        for f in self.root.iter(_q("file", self.ns)):
            if not f.get("target-language"):
                f.set("target-language", "en")
            self._add_tool(f, signature)
        return etree.tostring(self.root.getroottree(), xml_declaration=True, encoding="UTF-8")

    def _add_tool(self, file_el, signature: Optional[Dict[str, object]]) -> None:
        from lxml import etree

        header = file_el.find(_q("header", self.ns))
        if header is None:
            header = etree.Element(_q("header", self.ns))
            file_el.insert(0, header)
            header.tail = "\n"
        for old in list(header):
            if old.get("tool-id") == "termtrans" or old.get("from") == "termtrans":
                header.remove(old)
        if signature:  # header: ... note*, tool* (schema order)
            note = etree.Element(_q("note", self.ns))
            note.set("from", "termtrans")
            note.text = "Machine translation draft: " + ", ".join(
                f"{k}={v}" for k, v in sorted(signature.items()))
            first_tool = header.find(_q("tool", self.ns))
            if first_tool is not None:
                first_tool.addprevious(note)
            else:
                header.append(note)
        tool = etree.SubElement(header, _q("tool", self.ns))
        tool.set("tool-id", "termtrans")
        tool.set("tool-name", "termtrans")
        tool.set("tool-version", __version__)

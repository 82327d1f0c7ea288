"""TBX: TBX-Basic v3 (ISO 30042:2019, DCA style) read and write; TBX v2 (martif) read.

Mapping (see README, "Glossary interchange"):

* one ``conceptEntry`` per glossary entry, ``langSec xml:lang="zh-CN"`` and ``"en"``;
* English ``administrativeStatus``: ``preferredTerm-admn-sts`` (the preferred rendering, written
  first), ``admittedTerm-admn-sts`` (other approved renderings) → approved; deprecated/superseded
  → forbidden. A term without a status is approved. Chinese terms: the first is preferred;
* the entry note → ``<note>`` on ``conceptEntry``; the source → ``<admin type="source">``;
* case sensitivity has no TBX-Basic data category: it is written as the note
  ``termtrans:case-sensitive`` on the English ``langSec`` and read back from any level.

Notes and definitions at other levels (termSec, langSec, ``descrip type="definition"``) are read
into the entry note joined by ``"; "``. Files are parsed with :mod:`termbase.xmlsafe` only.
"""
from __future__ import annotations

from typing import List, Optional, Sequence, Tuple

from ..errors import InputError, OutputError
from ..glossary import Entry, Problem
from ..xmlsafe import read_xml
from .base import GlossaryFormat, ImportResult, PathLike, dedupe, finish_import

TBX_NS = "urn:iso:std:iso:30042:ed-2"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
CASE_MARKER = "termtrans:case-sensitive"
ZH_LANG = "zh-CN"
EN_LANG = "en"

APPROVED_STATUSES = ("preferredTerm-admn-sts", "admittedTerm-admn-sts")
FORBIDDEN_STATUSES = ("deprecatedTerm-admn-sts", "supersededTerm-admn-sts")
STATUSES = APPROVED_STATUSES + FORBIDDEN_STATUSES


def _local(tag) -> str:
    if not isinstance(tag, str):
        return ""  # comments, processing instructions
    return tag.rsplit("}", 1)[-1]


def _children(el, name: str) -> list:
    return [c for c in el if _local(c.tag) == name]


def _text(el) -> str:
    return "".join(el.itertext()).strip()


class _Term:
    def __init__(self, text: str, status: str, line: Optional[int]):
        self.text, self.status, self.line = text, status, line


class TbxFormat(GlossaryFormat):
    """TBX-Basic v3 read/write, TBX v2 ``martif`` read."""

    name = "tbx"
    extensions = (".tbx",)
    description = "TBX-Basic v3 (ISO 30042:2019, DCA); TBX v2 martif read"
    binary = True

    # ---- reading -------------------------------------------------------------------
    def read(self, path: PathLike) -> ImportResult:
        root = read_xml(path)
        name = str(path)
        kind = _local(root.tag)
        if kind == "tbx":
            entry_tag, lang_tag, term_tags = "conceptEntry", "langSec", ("termSec",)
        elif kind == "martif":
            entry_tag, lang_tag, term_tags = "termEntry", "langSet", ("tig", "ntig")
        else:
            raise InputError(name, f"not a TBX file: root element is <{kind}>, expected <tbx> "
                                   "(TBX v3) or <martif> (TBX v2)", line=root.sourceline)
        entries: List[Entry] = []
        problems: List[Problem] = []
        for concept in root.iter():
            if _local(concept.tag) == entry_tag:
                entry = self._read_concept(concept, lang_tag, term_tags, name, problems)
                if entry is not None:
                    entries.append(entry)
        return finish_import(entries, name, self.name, problems)

    def _read_concept(self, concept, lang_tag: str, term_tags: Tuple[str, ...],
                      name: str, problems: List[Problem]) -> Optional[Entry]:
        zh: List[_Term] = []
        en: List[_Term] = []
        notes: List[str] = []
        sources: List[str] = []
        case = False

        def aux(el, about: str = "") -> None:
            nonlocal case
            prefix = f"{about}: " if about else ""
            for c in el:
                t = _local(c.tag)
                if t == "note":
                    txt = _text(c)
                    if txt.casefold() == CASE_MARKER:
                        case = True
                    elif txt:
                        notes.append(prefix + txt)
                elif t in ("descrip", "descripGrp"):
                    d = c if t == "descrip" else next(iter(_children(c, "descrip")), None)
                    if d is not None and d.get("type") in ("definition", "context") and _text(d):
                        notes.append(f"{prefix}{d.get('type')}: {_text(d)}")
                elif t in ("admin", "adminGrp"):
                    a = c if t == "admin" else next(iter(_children(c, "admin")), None)
                    if a is not None and a.get("type") == "source" and _text(a):
                        sources.append(_text(a))
                elif t == "transacGrp":
                    continue

        aux(concept)
        for lang in _children(concept, lang_tag):
            code = (lang.get(XML_LANG) or lang.get("lang") or "").strip().lower()
            bucket = zh if code.startswith("zh") else en if code.startswith("en") else None
            aux(lang)
            for holder in lang:
                if _local(holder.tag) not in term_tags:
                    continue
                groups = [holder] + _children(holder, "termGrp")
                term_el = next((t for g in groups for t in _children(g, "term")), None)
                if term_el is None:
                    raise InputError(name, f"<{_local(holder.tag)}> without <term>",
                                     line=holder.sourceline)
                status = ""
                text = _text(term_el)
                for g in groups:
                    for note in g:
                        t = _local(note.tag)
                        if t == "termNote" and note.get("type") == "administrativeStatus":
                            status = _text(note)
                        elif t == "administrativeStatus":  # DCT style
                            status = _text(note)
                        elif t == "termNote" and note.get("type") == "normativeAuthorization":
                            status = status or _text(note)
                    aux(g, text)
                if status and status not in STATUSES:
                    raise InputError(name, f"unknown administrativeStatus '{status}'; expected "
                                           f"one of {', '.join(STATUSES)}",
                                     line=holder.sourceline)
                if bucket is not None and text:
                    bucket.append(_Term(text, status, term_el.sourceline))
        if not zh and not en:
            return None
        line = concept.sourceline or 0
        ident = concept.get("id") or f"line {line}"
        if not zh or not en:
            missing = "Chinese (zh)" if not zh else "English (en)"
            problems.append(Problem(name, line, f"entry {ident} skipped: it has no {missing} "
                                    "term", "warning"))
            return None
        zh_terms = ([t.text for t in zh if t.status == "preferredTerm-admn-sts"] +
                    [t.text for t in zh if t.status in ("", "admittedTerm-admn-sts")])
        for t in zh:
            if t.status in FORBIDDEN_STATUSES:
                problems.append(Problem(name, t.line or line, f"deprecated Chinese term "
                                        f"'{t.text}' is not imported (the glossary keeps "
                                        "forbidden renderings for English only)", "warning"))
        preferred = [t.text for t in en if t.status == "preferredTerm-admn-sts"]
        admitted = [t.text for t in en if t.status in ("", "admittedTerm-admn-sts")]
        forbidden = [t.text for t in en if t.status in FORBIDDEN_STATUSES]
        if not preferred and not admitted:
            problems.append(Problem(name, line, f"entry {ident} ('{zh[0].text}') skipped: every "
                                    "English term is deprecated, none is approved", "warning"))
            return None
        return Entry(zh=dedupe(zh_terms), en=dedupe(preferred + admitted),
                     forbidden=dedupe(forbidden), case_sensitive=case,
                     note="; ".join(dedupe(notes)), source="; ".join(dedupe(sources)),
                     line=line)

    # ---- writing -------------------------------------------------------------------
    def dumps(self, entries: Sequence[Entry], path: PathLike = "glossary.tbx",
              title: str = "") -> bytes:
        from lxml import etree

        def el(parent, tag: str, text: Optional[str] = None, **attrs):
            node = etree.SubElement(parent, f"{{{TBX_NS}}}{tag}")
            for k, v in attrs.items():
                node.set(XML_LANG if k == "lang" else k, v)
            if text is not None:
                try:
                    node.text = text
                except ValueError:
                    raise OutputError(f"{path}: cannot write {text[:40]!r} to TBX: it contains "
                                      "a character XML does not allow; fix the glossary "
                                      "entry") from None
            return node

        root = etree.Element(f"{{{TBX_NS}}}tbx", nsmap={None: TBX_NS})
        root.set("type", "TBX-Basic")
        root.set("style", "dca")
        root.set(XML_LANG, EN_LANG)
        desc = el(el(el(root, "tbxHeader"), "fileDesc"), "sourceDesc")
        el(desc, "p", title or f"termtrans glossary ({ZH_LANG} to {EN_LANG}), "
                              f"{len(entries)} entries")
        body = el(el(root, "text"), "body")
        for i, e in enumerate(entries, 1):
            concept = el(body, "conceptEntry", id=f"c{i:05d}")
            if e.note:
                el(concept, "note", e.note)
            if e.source:
                el(concept, "admin", e.source, type="source")
            zh = el(concept, "langSec", lang=ZH_LANG)
            for j, v in enumerate(e.zh):
                self._term(el, zh, v, APPROVED_STATUSES[0 if j == 0 else 1])
            en = el(concept, "langSec", lang=EN_LANG)
            if e.case_sensitive:
                el(en, "note", CASE_MARKER)
            for j, r in enumerate(e.en):
                self._term(el, en, r, APPROVED_STATUSES[0 if j == 0 else 1])
            for f in e.forbidden:
                self._term(el, en, f, FORBIDDEN_STATUSES[0])
        if not len(body):
            raise OutputError(f"{path}: the glossary is empty; TBX needs at least one entry")
        return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)

    @staticmethod
    def _term(el, lang, text: str, status: str) -> None:
        sec = el(lang, "termSec")
        el(sec, "term", text)
        el(sec, "termNote", status, type="administrativeStatus")


def validate_tbx_basic(data: bytes, path: PathLike = "<tbx>") -> List[str]:
    """Structural TBX-Basic v3 DCA checks (those of the TBX-Basic 1.2 RelaxNG and Schematron
    that matter here); returns a list of problems, empty when the file is valid."""
    from ..xmlsafe import parse_xml

    root = parse_xml(data, path)
    out: List[str] = []
    q = lambda tag: f"{{{TBX_NS}}}{tag}"  # noqa: E731
    if root.tag != q("tbx"):
        return [f"root is {root.tag}, expected {q('tbx')}"]
    for attr, want in (("type", "TBX-Basic"), ("style", "dca")):
        if root.get(attr) != want:
            out.append(f"tbx@{attr} must be '{want}'")
    if not root.get(XML_LANG):
        out.append("tbx@xml:lang missing")
    kids = [c.tag for c in root]
    if kids != [q("tbxHeader"), q("text")]:
        out.append(f"tbx must contain tbxHeader then text, found {kids}")
    if root.find(f"{q('tbxHeader')}/{q('fileDesc')}/{q('sourceDesc')}/{q('p')}") is None:
        out.append("tbxHeader/fileDesc/sourceDesc/p missing")
    body = root.find(f"{q('text')}/{q('body')}")
    concepts = [] if body is None else list(body)
    if not concepts:
        out.append("text/body has no conceptEntry")
    ids = set()
    for c in concepts:
        if c.tag != q("conceptEntry") or not c.get("id"):
            out.append(f"line {c.sourceline}: body child must be conceptEntry with @id")
            continue
        if c.get("id") in ids or not c.get("id")[0].isalpha():
            out.append(f"line {c.sourceline}: conceptEntry@id must be a unique XML ID")
        ids.add(c.get("id"))
        _check_aux_then(c, q("langSec"), out)
        for ls in c.findall(q("langSec")):
            if not ls.get(XML_LANG):
                out.append(f"line {ls.sourceline}: langSec@xml:lang missing")
            _check_aux_then(ls, q("termSec"), out)
            secs = ls.findall(q("termSec"))
            if not secs:
                out.append(f"line {ls.sourceline}: langSec without termSec")
            for ts in secs:
                parts = [x.tag for x in ts]
                if not parts or parts[0] != q("term"):
                    out.append(f"line {ts.sourceline}: termSec must start with term")
                seen_aux = False
                for x in ts[1:]:
                    if x.tag == q("termNote"):
                        if seen_aux:
                            out.append(f"line {x.sourceline}: termNote after note/admin")
                        if x.get("type") not in _TERMNOTE_TYPES:
                            out.append(f"line {x.sourceline}: termNote@type '{x.get('type')}'")
                        if x.get("type") == "administrativeStatus" and x.text not in STATUSES:
                            out.append(f"line {x.sourceline}: administrativeStatus '{x.text}'")
                    elif x.tag in _AUX:
                        seen_aux = True
                    else:
                        out.append(f"line {x.sourceline}: {x.tag} not allowed in termSec")
    for a in root.iter(q("admin")):
        if a.get("type") not in ("customerSubset", "projectSubset", "source"):
            out.append(f"line {a.sourceline}: admin@type '{a.get('type')}' not in TBX-Basic")
    return out


_TERMNOTE_TYPES = {"administrativeStatus", "grammaticalGender", "geographicalUsage",
                   "partOfSpeech", "termLocation", "termType"}
_AUX = {f"{{{TBX_NS}}}{t}" for t in ("descrip", "descripGrp", "admin", "adminGrp",
                                      "transacGrp", "note", "ref", "xref")}


def _check_aux_then(parent, child_tag: str, out: List[str]) -> None:
    """Auxiliary info (note/admin/descrip…) may only come before the first ``child_tag``."""
    seen = False
    for x in parent:
        if x.tag == child_tag:
            seen = True
        elif x.tag in _AUX:
            if seen:
                out.append(f"line {x.sourceline}: {x.tag} after {child_tag}")
        else:
            out.append(f"line {x.sourceline}: {x.tag} not allowed in {parent.tag}")

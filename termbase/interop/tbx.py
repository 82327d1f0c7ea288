"""TBX: TBX-Basic v3 (ISO 30042:2019, DCA) and TBX-Basic v2 (2008 ``martif``) read and write;
any TBX v2/v3 dialect read, DCA or DCT style.

Mapping (see README, "Glossary interchange"):

* one ``conceptEntry`` (v2 ``termEntry``) per glossary entry; ``langSec``/``langSet``
  ``xml:lang="zh-CN"`` and ``"en"`` (any ``zh*``/``en*`` code is read, other languages ignored);
* a term's status (:data:`STATUS_TABLE`): preferred terms first, admitted ones after them →
  approved; deprecated, superseded, not-recommended, obsolete, forbidden → forbidden. An
  unknown value is a warning with its line and the term is kept as admitted. A term without a
  status is admitted; Chinese terms: the first is preferred;
* concept level: ``<note>`` → note, ``<admin type="source">`` → source, ``subjectField`` →
  subject, ``definition`` (concept, English or Chinese ``langSec``; a ``descripGrp`` source →
  definition source), ``xref`` → xref (``text <URL>``); ``partOfSpeech`` and ``termType`` of
  the terms → pos and term_type;
* case sensitivity has no TBX-Basic data category: it is written as the note
  ``termtrans:case-sensitive`` on the English ``langSec`` and read back from any level;
* everything else is kept in the note, ``; ``-joined, prefixed with its term where it belongs
  to one (``BRI: geographicalUsage: en-US``, ``TERM: context: …``); whitespace runs in every
  text (XML indentation) become one space.

DCT style (``<min:administrativeStatus>``, ``<basic:definition>``) is read like DCA
(``<termNote type="administrativeStatus">``). Files are parsed with :mod:`termbase.xmlsafe`.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Dict, List, Optional, Sequence, Tuple

from ..errors import InputError, OutputError
from ..glossary import Entry, Problem
from ..inline import local
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
PARTS_OF_SPEECH = ("noun", "verb", "adjective", "adverb", "other")
TERM_TYPES = ("fullForm", "acronym", "abbreviation", "shortForm", "variant", "phrase")

#: status value (as written, case and ``-admn-sts`` ignored) → preferred / admitted / forbidden.
#: TBX-Basic administrativeStatus, full-TBX (ISO 12620) administrativeStatus, TBX v2 and
#: MultiTerm normativeAuthorization, TBX-Min and Weblate values.
STATUS_TABLE: Dict[str, str] = {
    "preferredTerm-admn-sts": "preferred", "admittedTerm-admn-sts": "admitted",
    "deprecatedTerm-admn-sts": "forbidden", "supersededTerm-admn-sts": "forbidden",
    "standardizedTerm-admn-sts": "preferred", "legalTerm-admn-sts": "preferred",
    "regulatedTerm-admn-sts": "preferred", "notRecommendedTerm-admn-sts": "forbidden",
    "obsoleteTerm-admn-sts": "forbidden",
    "standardizedTerm": "preferred", "preferredTerm": "preferred", "legalTerm": "preferred",
    "regulatedTerm": "preferred", "admittedTerm": "admitted", "deprecatedTerm": "forbidden",
    "supersededTerm": "forbidden", "notRecommendedTerm": "forbidden",
    "obsoleteTerm": "forbidden",
    "preferred": "preferred", "admitted": "admitted", "notRecommended": "forbidden",
    "obsolete": "forbidden", "deprecated": "forbidden", "superseded": "forbidden",
    "forbidden": "forbidden", "approved": "admitted", "rejected": "forbidden",
}
STATUS_CATEGORIES = ("administrativeStatus", "normativeAuthorization")
_STATUS_KEYS = {re.sub(r"[^a-z]", "", k.lower().replace("-admn-sts", "")): v
                for k, v in STATUS_TABLE.items()}
_POS_SYNONYMS = {"n": "noun", "n.": "noun", "名词": "noun", "v": "verb", "v.": "verb",
                 "动词": "verb", "adj": "adjective", "adj.": "adjective", "形容词": "adjective",
                 "adv": "adverb", "adv.": "adverb", "副词": "adverb", "其他": "other"}
_META = {"termNote", "descrip", "admin", "transac", "xref", "ref"}
_GROUPS = {"descripGrp", "adminGrp", "termNoteGrp", "transacGrp"}
_STRUCTURE = {"conceptEntry", "termEntry", "langSec", "langSet", "termSec", "tig", "ntig",
              "termGrp", "term"}
_XREF = re.compile(r"^(.*?)\s*<(\S+)>$")


def status_kind(value: str) -> Optional[str]:
    """``preferred``, ``admitted`` or ``forbidden`` for a status value, None when unknown."""
    key = re.sub(r"[^a-z]", "", value.strip().lower().replace("-admn-sts", ""))
    return _STATUS_KEYS.get(key)


def _ns(tag) -> str:
    return tag[1:].split("}", 1)[0] if isinstance(tag, str) and tag.startswith("{") else ""


def _children(el, name: str) -> list:
    return [c for c in el if local(c.tag) == name]


_XML_SPACE = re.compile(r"[ \t\r\n]+")


def collapse_space(text: str) -> str:
    """XML whitespace runs (indentation, line breaks) made one space, ends trimmed; other
    spaces (no-break, ideographic) are content and stay."""
    return _XML_SPACE.sub(" ", text).strip(" ")


def _text(el) -> str:
    """The element's text, whitespace collapsed (see :func:`collapse_space`)."""
    return collapse_space("".join(el.itertext()))


#: data-category names as tools spell them (MultiTerm field names such as "Definition",
#: "Subject", "Part of Speech", "Status"), lower-cased without spaces → the TBX name
_CATEGORY_ALIASES = {
    "definition": "definition", "subjectfield": "subjectField", "subject": "subjectField",
    "domain": "subjectField", "partofspeech": "partOfSpeech", "termtype": "termType",
    "context": "context", "source": "source", "note": "note", "status": "administrativeStatus",
    "administrativestatus": "administrativeStatus",
    "normativeauthorization": "normativeAuthorization",
}


def _category(el) -> Optional[str]:
    """The data category an element holds: ``@type`` of a DCA meta element, the element name
    in DCT style, ``note`` for notes; None for structure, groups and foreign markup."""
    name = local(el.tag)
    if not name:
        return None
    if _ns(el.tag) not in ("", TBX_NS):
        raw = name  # DCT: <min:subjectField>, <basic:definition> ...
    elif name in _META:
        raw = el.get("type") or name
    elif name == "note":
        return "note"
    else:
        return None
    return _CATEGORY_ALIASES.get(re.sub(r"[\s_-]+", "", raw).lower(), raw)


def normalize_pos(value: str) -> str:
    """A TBX-Basic partOfSpeech value for common spellings (``n.``, ``名词`` → ``noun``)."""
    v = value.strip()
    if v.lower() in PARTS_OF_SPEECH:
        return v.lower()
    return _POS_SYNONYMS.get(v.lower(), v)


def _code(lang) -> str:
    return (lang.get(XML_LANG) or lang.get("lang") or "").strip().lower()


def _sides(langs) -> Optional[Dict[int, str]]:
    """zh/en for each language section by its code; None when no section is marked zh."""
    sides = {}
    for lang in langs:
        code = _code(lang)
        if code.startswith("zh"):
            sides[id(lang)] = "zh"
        elif code.startswith("en"):
            sides[id(lang)] = "en"
    return sides if "zh" in sides.values() else None


def _sides_by_script(langs) -> Optional[Dict[int, str]]:
    """For files whose codes do not say it (translate-toolkit's csv2tbx writes ``en`` for the
    source and ``xx`` for the target): the one section whose terms are Chinese is zh, a section
    without Chinese (an ``en*`` one first) is en."""
    from ..normalize import has_cjk

    def terms(lang) -> str:
        return " ".join("".join(t.itertext()) for t in lang.iter() if local(t.tag) == "term")

    chinese = [x for x in langs if has_cjk(terms(x))]
    latin = [x for x in langs if x not in chinese and terms(x).strip()]
    if len(chinese) != 1 or not latin:
        return None
    latin.sort(key=lambda x: not _code(x).startswith("en"))
    return {id(chinese[0]): "zh", id(latin[0]): "en"}


@dataclass
class _Term:
    text: str
    line: Optional[int]
    kind: str = ""  # preferred / admitted / forbidden / "" (no status)
    pos: str = ""
    term_type: str = ""


@dataclass
class _Concept:
    """What one concept entry says, gathered level by level."""

    zh: List[_Term] = field(default_factory=list)
    en: List[_Term] = field(default_factory=list)
    notes: List[str] = field(default_factory=list)
    sources: List[str] = field(default_factory=list)
    subjects: List[str] = field(default_factory=list)
    definitions: List[Tuple[str, str, str]] = field(default_factory=list)  # text, source, level
    xrefs: List[str] = field(default_factory=list)
    case: bool = False


class TbxFormat(GlossaryFormat):
    """TBX-Basic v3 write; TBX v2 and v3 read (DCA and DCT)."""

    name = "tbx"
    extensions = (".tbx",)
    description = "TBX-Basic v3 (ISO 30042:2019, DCA); TBX v2 martif and DCT style read"
    binary = True

    # ---- reading -------------------------------------------------------------------
    def read(self, path: PathLike) -> ImportResult:
        root = read_xml(path)
        name = str(path)
        kind = local(root.tag)
        if kind == "tbx":
            entry_tag, lang_tag = "conceptEntry", "langSec"
        elif kind == "martif":
            entry_tag, lang_tag = "termEntry", "langSet"
        else:
            raise InputError(name, f"not a TBX file: root element is <{kind}>, expected <tbx> "
                                   "(TBX v3) or <martif> (TBX v2)", line=root.sourceline)
        entries: List[Entry] = []
        problems: List[Problem] = []
        for concept in root.iter():
            if local(concept.tag) == entry_tag:
                entry = self._read_concept(concept, lang_tag, name, problems)
                if entry is not None:
                    entries.append(entry)
        return finish_import(entries, name, self.name, problems)

    def _aux(self, el, c: _Concept, level: str, term: Optional[_Term], name: str,
             problems: List[Problem]) -> None:
        """Read the data categories directly inside ``el`` (a concept, language or term)."""
        for child in el:
            kind = local(child.tag)
            if kind in _STRUCTURE or not kind:
                continue
            if kind == "transacGrp" or kind == "transac":
                continue  # dates and responsibility: not glossary content
            if kind in _GROUPS:
                main = next((g for g in child if _category(g)), None)
                if main is None:
                    continue
                rest = [g for g in child if g is not main and _category(g)]
                src = "; ".join(_text(g) for g in rest if _category(g) == "source" and _text(g))
                self._one(main, c, level, term, name, problems, src)
                for g in rest:
                    if _category(g) != "source":
                        self._one(g, c, level, term, name, problems, "")
                continue
            self._one(child, c, level, term, name, problems, "")

    def _one(self, el, c: _Concept, level: str, term: Optional[_Term], name: str,
             problems: List[Problem], group_source: str) -> None:
        cat = _category(el)
        if not cat:
            return
        value = _text(el)
        prefix = f"{term.text}: " if term is not None else ""
        sourced = f"{value} (source: {group_source})" if group_source else value
        if cat in STATUS_CATEGORIES:
            if term is None:
                if value:
                    c.notes.append(f"{cat}: {value}")
                return
            kind = status_kind(value)
            if kind is None:
                problems.append(Problem(name, el.sourceline or 0, f"unknown {cat} '{value}' of "
                                        f"'{term.text}': kept as an admitted term (known: "
                                        "preferred, admitted, deprecated, superseded, "
                                        "standardized, legal, notRecommended, obsolete, "
                                        "forbidden)", "warning"))
                kind = "admitted"
            if not term.kind or cat == "administrativeStatus":
                term.kind = kind
            return
        if not value and cat not in ("xGraphic", "externalCrossReference", "xref"):
            return
        if cat == "note":
            if value.casefold() == CASE_MARKER:
                c.case = True
            elif term is not None and value.startswith("termType: "):
                term.term_type = value[len("termType: "):]
            else:
                c.notes.append(prefix + value)
        elif cat == "partOfSpeech" and term is not None:
            term.pos = value
        elif cat == "termType" and term is not None:
            term.term_type = value
        elif cat == "subjectField":
            c.subjects.append(value)
        elif cat == "definition":
            c.definitions.append((value, group_source, level))
        elif cat == "source":
            c.sources.append(value)
        elif cat in ("xGraphic", "externalCrossReference", "xref"):
            target = (el.get("target") or "").strip()
            ref = f"{value} <{target}>" if value and target and value != target else (
                target or value)
            if ref:
                c.xrefs.append(ref)
        elif cat == "crossReference":
            c.notes.append(f"{prefix}cross-reference: {value}")
        else:  # context, geographicalUsage, customerSubset, custom MultiTerm fields ...
            c.notes.append(f"{prefix}{cat}: {sourced}")

    def _read_concept(self, concept, lang_tag: str, name: str,
                      problems: List[Problem]) -> Optional[Entry]:
        c = _Concept()
        self._aux(concept, c, "concept", None, name, problems)
        langs = _children(concept, lang_tag)
        sides = _sides(langs)
        if sides is None:
            sides = _sides_by_script(langs)
            if sides is not None:
                codes = ", ".join(sorted({_code(x) or "?" for x in langs}))
                note = (f"no language section is marked zh (codes: {codes}); the one with "
                        "Chinese text is read as Chinese and the other as English")
                if not any(p.message == note for p in problems):
                    problems.append(Problem(name, concept.sourceline or 0, note, "warning"))
        for lang in langs:
            side = (sides or {}).get(id(lang))
            bucket = c.zh if side == "zh" else c.en if side == "en" else None
            if bucket is None:
                continue  # another language: nothing of it belongs to a zh→en glossary
            self._aux(lang, c, "zh" if bucket is c.zh else "en", None, name, problems)
            for holder in lang:
                tag = local(holder.tag)
                if tag not in ("termSec", "tig", "ntig"):
                    continue
                groups = [holder] + _children(holder, "termGrp")
                term_el = next((t for g in groups for t in _children(g, "term")), None)
                if term_el is None:
                    raise InputError(name, f"<{tag}> without <term>", line=holder.sourceline)
                term = _Term(_text(term_el), term_el.sourceline)
                for g in groups:
                    self._aux(g, c, "term", term, name, problems)
                if term.text:
                    bucket.append(term)
        if not c.zh and not c.en:
            return None
        line = concept.sourceline or 0
        ident = concept.get("id") or f"line {line}"
        if not c.zh or not c.en:
            missing = "Chinese (zh)" if not c.zh else "English (en)"
            problems.append(Problem(name, line, f"entry {ident} skipped: it has no {missing} "
                                    "term", "warning"))
            return None
        for t in c.zh:
            if t.kind == "forbidden":
                problems.append(Problem(name, t.line or line, f"deprecated Chinese term "
                                        f"'{t.text}' is not imported (the glossary keeps "
                                        "forbidden renderings for English only)", "warning"))
        zh_terms = [t for t in c.zh if t.kind == "preferred"] + \
                   [t for t in c.zh if t.kind in ("", "admitted")]
        en_terms = [t for t in c.en if t.kind == "preferred"] + \
                   [t for t in c.en if t.kind in ("", "admitted")]
        forbidden = [t for t in c.en if t.kind == "forbidden"]
        if not en_terms:
            problems.append(Problem(name, line, f"entry {ident} ('{c.zh[0].text}') skipped: "
                                    "every English term is deprecated, none is approved",
                                    "warning"))
            return None
        kept = zh_terms + en_terms + forbidden
        pos = self._pos(kept, c)
        term_type = tuple(dict.fromkeys((t.text, t.term_type) for t in kept if t.term_type))
        definition, definition_source = "", ""
        order = {"concept": 0, "en": 1, "zh": 2}
        for text, src, level in sorted(c.definitions, key=lambda d: order.get(d[2], 3)):
            if not definition:
                definition, definition_source = text, src
            else:
                extra = f" (source: {src})" if src else ""
                c.notes.append(f"definition ({level}): {text}{extra}")
        return Entry(zh=dedupe(t.text for t in zh_terms), en=dedupe(t.text for t in en_terms),
                     forbidden=dedupe(t.text for t in forbidden), case_sensitive=c.case,
                     note="; ".join(dedupe(c.notes)), source="; ".join(dedupe(c.sources)),
                     line=line, subject="; ".join(dedupe(c.subjects)), definition=definition,
                     definition_source=definition_source, pos=pos, term_type=term_type,
                     xref=dedupe(c.xrefs))

    @staticmethod
    def _pos(terms: List[_Term], c: _Concept) -> str:  # noqa: C901
        """The concept's part of speech: the most frequent among its terms (the preferred
        English term's on a tie); terms with another one keep theirs in the note."""
        marker = next((n for n in c.notes if n.startswith("partOfSpeech: ")), None)
        values = [t.pos for t in terms if t.pos]
        if not values:
            return ""
        counts = Counter(values)
        pos = max(values, key=lambda v: counts[v])
        for t in terms:
            if t.pos and t.pos != pos:
                c.notes.append(f"{t.text}: partOfSpeech: {t.pos}")
        if marker is not None and pos == "other":  # written by us for a non-TBX value
            c.notes.remove(marker)
            return marker[len("partOfSpeech: "):]
        return pos

    # ---- writing -------------------------------------------------------------------
    def dumps(self, entries: Sequence[Entry], path: PathLike = "glossary.tbx",
              title: str = "") -> bytes:
        from lxml import etree

        root = etree.Element(f"{{{TBX_NS}}}tbx", nsmap={None: TBX_NS})
        root.set("type", "TBX-Basic")
        root.set("style", "dca")
        root.set(XML_LANG, EN_LANG)
        w = _Writer(path, TBX_NS)
        desc = w.el(w.el(w.el(root, "tbxHeader"), "fileDesc"), "sourceDesc")
        w.el(desc, "p", title or f"termtrans glossary ({ZH_LANG} to {EN_LANG}), "
                                 f"{len(entries)} entries")
        body = w.el(w.el(root, "text"), "body")
        for i, e in enumerate(entries, 1):
            w.concept(body, e, f"c{i:05d}", "conceptEntry", "langSec", "termSec")
        if not len(body):
            raise OutputError(f"{path}: the glossary is empty; TBX needs at least one entry")
        return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


#: The DOCTYPE of TBX-Basic 2008 files, as the TBX Checker, translate-toolkit and OmegaT know it
TBX_V2_DOCTYPE = '<!DOCTYPE martif SYSTEM "TBXBasiccoreStructV02.dtd">'


class TbxV2Format(TbxFormat):
    """TBX-Basic 2008 (``martif``, ``termEntry``/``langSet``/``tig``) write; read as TBX."""

    name = "tbx-v2"
    extensions = ()
    description = "TBX-Basic v2 (2008 martif) for translate-toolkit, OmegaT, MultiTerm"

    def dumps(self, entries: Sequence[Entry], path: PathLike = "glossary.tbx",
              title: str = "") -> bytes:
        from lxml import etree

        root = etree.Element("martif")
        root.set("type", "TBX-Basic-V1")
        root.set(XML_LANG, EN_LANG)
        w = _Writer(path, "")
        header = w.el(root, "martifHeader")
        file_desc = w.el(header, "fileDesc")
        w.el(w.el(file_desc, "titleStmt"), "title", title or "termtrans glossary")
        w.el(w.el(file_desc, "sourceDesc"), "p", f"termtrans glossary ({ZH_LANG} to {EN_LANG}),"
                                                 f" {len(entries)} entries")
        w.el(w.el(header, "encodingDesc"), "p", "TBXBasicXCSV02.xcs", type="XCSURI")
        body = w.el(w.el(root, "text"), "body")
        for i, e in enumerate(entries, 1):
            w.concept(body, e, f"c{i:05d}", "termEntry", "langSet", "tig")
        if not len(body):
            raise OutputError(f"{path}: the glossary is empty; TBX needs at least one entry")
        xml = etree.tostring(root, encoding="UTF-8", pretty_print=True).decode("utf-8")
        return ('<?xml version="1.0" encoding="UTF-8"?>\n' + TBX_V2_DOCTYPE + "\n" +
                xml).encode("utf-8")


class _Writer:
    """Writes one concept with its languages and terms (v3 and v2 share the layout)."""

    def __init__(self, path: PathLike, ns: str):
        self.path, self.ns = path, ns

    def el(self, parent, tag: str, text: Optional[str] = None, **attrs):
        from lxml import etree

        node = etree.SubElement(parent, f"{{{self.ns}}}{tag}" if self.ns else tag)
        for k, v in attrs.items():
            node.set(XML_LANG if k == "lang" else k, v)
        if text is not None:
            try:
                node.text = text
            except ValueError:
                raise OutputError(f"{self.path}: cannot write {text[:40]!r} to TBX: it contains "
                                  "a character XML does not allow; fix the glossary "
                                  "entry") from None
        return node

    def concept(self, body, e: Entry, ident: str, entry_tag: str, lang_tag: str,
                term_tag: str) -> None:
        concept = self.el(body, entry_tag, id=ident)
        if e.subject:
            self.el(concept, "descrip", e.subject, type="subjectField")
        if e.definition:
            if e.definition_source:
                grp = self.el(concept, "descripGrp")
                self.el(grp, "descrip", e.definition, type="definition")
                self.el(grp, "admin", e.definition_source, type="source")
            else:
                self.el(concept, "descrip", e.definition, type="definition")
        elif e.definition_source:  # TBX has no source without its definition: keep it as a note
            self.el(concept, "note", f"definition source: {e.definition_source}")
        pos = normalize_pos(e.pos) if e.pos else ""
        if pos and pos not in PARTS_OF_SPEECH:
            self.el(concept, "note", f"partOfSpeech: {e.pos}")
            pos = "other"
        if e.note:
            self.el(concept, "note", e.note)
        if e.source:
            self.el(concept, "admin", e.source, type="source")
        for ref in e.xref:
            m = _XREF.match(ref)
            text, target = (m.group(1), m.group(2)) if m else ("", ref)
            self.el(concept, "xref", text or None, type="externalCrossReference", target=target)
        zh = self.el(concept, lang_tag, lang=ZH_LANG)
        for j, v in enumerate(e.zh):
            self.term(zh, term_tag, v, APPROVED_STATUSES[0 if j == 0 else 1], pos, e.type_of(v))
        en = self.el(concept, lang_tag, lang=EN_LANG)
        if e.case_sensitive:
            self.el(en, "note", CASE_MARKER)
        for j, r in enumerate(e.en):
            self.term(en, term_tag, r, APPROVED_STATUSES[0 if j == 0 else 1], pos, e.type_of(r))
        for f in e.forbidden:
            self.term(en, term_tag, f, FORBIDDEN_STATUSES[0], pos, e.type_of(f))

    def term(self, lang, term_tag: str, text: str, status: str, pos: str, kind: str) -> None:
        sec = self.el(lang, term_tag)
        self.el(sec, "term", text)
        if pos:
            self.el(sec, "termNote", pos, type="partOfSpeech")
        if kind in TERM_TYPES:
            self.el(sec, "termNote", kind, type="termType")
        self.el(sec, "termNote", status, type="administrativeStatus")
        if kind and kind not in TERM_TYPES:
            self.el(sec, "note", f"termType: {kind}")


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
        _check_aux_then(c, (q("langSec"),), out)
        for ls in c.findall(q("langSec")):
            if not ls.get(XML_LANG):
                out.append(f"line {ls.sourceline}: langSec@xml:lang missing")
            _check_aux_then(ls, (q("termSec"),), out)
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
                        _check_term_note(x, out)
                    elif x.tag in _AUX:
                        seen_aux = True
                    else:
                        out.append(f"line {x.sourceline}: {x.tag} not allowed in termSec")
    for a in root.iter(q("admin")):
        if a.get("type") not in ("customerSubset", "projectSubset", "source"):
            out.append(f"line {a.sourceline}: admin@type '{a.get('type')}' not in TBX-Basic")
    for d in root.iter(q("descrip")):
        if d.get("type") not in ("subjectField", "definition", "context"):
            out.append(f"line {d.sourceline}: descrip@type '{d.get('type')}' not in TBX-Basic")
        elif d.get("type") == "subjectField" and d.getparent().tag != q("conceptEntry"):
            out.append(f"line {d.sourceline}: subjectField only on conceptEntry")
    for x in root.iter(q("xref")):
        if x.get("type") not in ("externalCrossReference", "xGraphic"):
            out.append(f"line {x.sourceline}: xref@type '{x.get('type')}' not in TBX-Basic")
        if not re.match(r"https?://.+", x.get("target") or "") and \
                (x.get("target") or "") not in ids:
            out.append(f"line {x.sourceline}: xref@target '{x.get('target')}' is neither an "
                       "http(s) URL nor an id in the file")
    return out


_TERMNOTE_VALUES = {"administrativeStatus": STATUSES, "partOfSpeech": PARTS_OF_SPEECH,
                    "termType": TERM_TYPES,
                    "grammaticalGender": ("masculine", "feminine", "neuter", "other")}
_TERMNOTE_TYPES = {"administrativeStatus", "grammaticalGender", "geographicalUsage",
                   "partOfSpeech", "termLocation", "termType"}
_AUX = {f"{{{TBX_NS}}}{t}" for t in ("descrip", "descripGrp", "admin", "adminGrp",
                                      "transacGrp", "note", "ref", "xref")}
#: the same in TBX v2 (no namespace)
_AUX_V2 = {"descrip", "descripGrp", "admin", "adminGrp", "transacGrp", "note", "ref", "xref"}


def _check_term_note(x, out: List[str]) -> None:
    kind = x.get("type")
    if kind not in _TERMNOTE_TYPES:
        out.append(f"line {x.sourceline}: termNote@type '{kind}'")
    allowed = _TERMNOTE_VALUES.get(kind)
    if allowed is not None and x.text not in allowed:
        out.append(f"line {x.sourceline}: {kind} '{x.text}'")


def _check_aux_then(parent, child_tags: Tuple[str, ...], out: List[str], aux=_AUX,
                    each=None) -> bool:
    """Auxiliary info (``aux``: note/admin/descrip…) may only come before the first of
    ``child_tags``; ``each`` is called on every such child, in document order. Whether there
    is one."""
    seen = False
    for x in parent:
        if x.tag in child_tags:
            seen = True
            if each is not None:
                each(x)
        elif x.tag in aux:
            if seen:
                out.append(f"line {x.sourceline}: {x.tag} after {child_tags[0]}")
        else:
            out.append(f"line {x.sourceline}: {x.tag} not allowed in {parent.tag}")
    return seen


def validate_tbx_basic_v2(data: bytes, path: PathLike = "<tbx>") -> List[str]:
    """Structural checks of a TBX-Basic 2008 file against the order the TBX core structure DTD
    (TBXcoreStructV02) prescribes; returns problems, empty when the structure is valid."""
    from ..xmlsafe import parse_xml

    root = parse_xml(data, path)
    out: List[str] = []
    if root.tag != "martif":
        return [f"root is {root.tag}, expected martif"]
    if not root.get("type") or not root.get(XML_LANG):
        out.append("martif@type and martif@xml:lang are required")
    kids = [c.tag for c in root]
    if kids != ["martifHeader", "text"]:
        out.append(f"martif must contain martifHeader then text, found {kids}")
    header = root.find("martifHeader")
    if header is None or [c.tag for c in header][:1] != ["fileDesc"]:
        out.append("martifHeader must start with fileDesc")
    body = root.find("text/body")
    if body is None or not len(body):
        out.append("text/body has no termEntry")
        return out
    for te in body:
        if te.tag != "termEntry":
            out.append(f"line {te.sourceline}: body child must be termEntry")
        elif not _check_aux_then(te, ("langSet",), out, _AUX_V2,
                                 lambda x: _check_lang_set_v2(x, out)):
            out.append(f"line {te.sourceline}: termEntry without langSet")
    return out


def _check_lang_set_v2(x, out: List[str]) -> None:
    if not x.get(XML_LANG):
        out.append(f"line {x.sourceline}: langSet@xml:lang missing")
    if not _check_aux_then(x, ("tig", "ntig"), out, _AUX_V2, lambda y: _check_tig_v2(y, out)):
        out.append(f"line {x.sourceline}: langSet without tig")


def _check_tig_v2(y, out: List[str]) -> None:
    if y.tag != "tig":
        return
    tags = [z.tag for z in y]
    if not tags or tags[0] != "term":
        out.append(f"line {y.sourceline}: tig must start with term")
    notes_done = False
    for z in y[1:]:
        if z.tag == "termNote":
            if notes_done:
                out.append(f"line {z.sourceline}: termNote after auxiliary information")
            _check_term_note_v2(z, out)
        elif z.tag in _AUX_V2:
            notes_done = True
        else:
            out.append(f"line {z.sourceline}: {z.tag} not allowed in tig")


def _check_term_note_v2(x, out: List[str]) -> None:
    allowed = _TERMNOTE_VALUES.get(x.get("type"))
    if allowed is not None and x.text not in allowed:
        out.append(f"line {x.sourceline}: {x.get('type')} '{x.text}'")

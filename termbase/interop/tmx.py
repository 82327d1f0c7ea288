"""TMX 1.4b: a writer for translation units (source + target per segment, ``<prop>``s and notes)
and TMX as a glossary format (terms as a translation memory, as Amazon, Google and CAT tools
take them).

:func:`write_tmx` is the library function every TMX output goes through (``terms export
glossary.tmx`` now, ``translate --tmx`` and the projects' memories later). Segment content is
serialised in one place, :func:`_write_seg`: plain text today; the inline-markup model maps its
codes to ``<bpt>/<ept>/<ph>/<it>`` there.

Glossary layout: one ``<tu>`` per Chinese variant with the preferred rendering (a CAT tool that
fills exact matches from a TM — OmegaT's ``tm/auto`` — inserts the preferred one); every
``<tu>`` of a concept carries the prop ``x-termtrans-concept`` (its id), the note as ``<note>``
and the other fields as ``x-termtrans-FIELD`` props in the glossary CSV notation (``|`` between
values): the other approved renderings as ``x-termtrans-alternatives``, the forbidden ones as
``x-termtrans-forbidden`` (never a ``<tuv>``: a TM would propose them). Reading groups units by
the concept prop, or else by their Chinese text (several renderings of one source are
alternatives); any TMX (OmegaT, translate-toolkit, Trados) imports this way.
"""
from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass
from typing import Dict, Iterable, List, Optional, Sequence, Tuple

from ..errors import GlossaryError, InputError, OutputError
from ..glossary import ALL_COLUMNS, Entry, Problem, parse_term_types, split_values
from ..xmlsafe import read_xml
from .base import GlossaryFormat, ImportResult, PathLike, dedupe, finish_import

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
TMX_VERSION = "1.4"
CONCEPT_PROP = "x-termtrans-concept"
ALTERNATIVES_PROP = "x-termtrans-alternatives"
PROP_PREFIX = "x-termtrans-"
#: elements whose content is native code, not text (TMX 1.4b inline elements)
_CODE = {"bpt", "ept", "ph", "it", "ut"}


@dataclass(frozen=True)
class TmxUnit:
    """One translation unit: a source segment, its target, and what to say about them.

    ``source``/``target`` are plain text (the inline-markup model will extend them; see
    :func:`_write_seg`). ``props`` are (type, value) pairs written as ``<prop type="…">``; by
    TMX convention types of your own start with ``x-``.
    """

    source: str
    target: str
    props: Tuple[Tuple[str, str], ...] = ()
    notes: Tuple[str, ...] = ()
    tuid: str = ""


def tmx_date(when: Optional[_dt.datetime] = None) -> str:
    """A TMX date (ISO 8601 basic, UTC): ``20240131T120000Z``."""
    when = when or _dt.datetime.now(_dt.timezone.utc)
    return when.astimezone(_dt.timezone.utc).strftime("%Y%m%dT%H%M%SZ")


def _write_seg(tuv, content: str, path: PathLike) -> None:
    """Serialise one segment's content into ``<seg>`` under ``tuv``.

    INLINE CODES: this is the one place segment content is written. Today ``content`` is plain
    text. With the inline-markup model (issue 12) a segment becomes text runs and typed codes:
    paired codes go out as ``<bpt i="N">…</bpt>``/``<ept i="N">…</ept>``, standalone ones as
    ``<ph>``, codes whose partner lies outside the segment as ``<it pos="begin|end">`` — each
    element's text being the code's native markup — and the text runs as ``.text``/``.tail``.
    """
    from lxml import etree

    seg = etree.SubElement(tuv, "seg")
    _set_text(seg, content, path)


def _set_text(node, text: str, path: PathLike) -> None:
    try:
        node.text = text
    except ValueError:
        raise OutputError(f"{path}: cannot write {text[:40]!r} to TMX: it contains a "
                          "character XML does not allow") from None


def write_tmx(units: Iterable[TmxUnit], *, srclang: str = "zh-CN", tgtlang: str = "en",
              path: PathLike = "<tmx>", creationtool: str = "termtrans",
              creationtoolversion: str = "", datatype: str = "plaintext",
              segtype: str = "sentence", creationdate: Optional[str] = None,
              header_props: Sequence[Tuple[str, str]] = (),
              header_notes: Sequence[str] = ()) -> bytes:
    """TMX 1.4b bytes (UTF-8, no DOCTYPE) for ``units``: one ``<tu>`` each, holding its notes,
    props and a ``<tuv xml:lang>`` for the source and for the target (none for an empty
    target). The header names the tool (``creationtool``, version), ``srclang``, ``adminlang``,
    ``segtype``, ``datatype``, ``o-tmf`` and the creation date."""
    from lxml import etree

    if not creationtoolversion:
        from .. import __version__ as creationtoolversion
    date = creationdate or tmx_date()
    root = etree.Element("tmx", version=TMX_VERSION)
    header = etree.SubElement(root, "header")
    for key, value in (("creationtool", creationtool),
                       ("creationtoolversion", creationtoolversion), ("segtype", segtype),
                       ("o-tmf", creationtool), ("adminlang", "en"), ("srclang", srclang),
                       ("datatype", datatype), ("creationdate", date)):
        header.set(key, value)
    for text in header_notes:
        _set_text(etree.SubElement(header, "note"), text, path)
    for kind, value in header_props:
        _set_text(etree.SubElement(header, "prop", type=kind), value, path)
    body = etree.SubElement(root, "body")
    for unit in units:
        tu = etree.SubElement(body, "tu")
        if unit.tuid:
            tu.set("tuid", unit.tuid)
        tu.set("creationdate", date)
        for text in unit.notes:
            _set_text(etree.SubElement(tu, "note"), text, path)
        for kind, value in unit.props:
            _set_text(etree.SubElement(tu, "prop", type=kind), value, path)
        for lang, content in ((srclang, unit.source), (tgtlang, unit.target)):
            if content or lang == srclang:
                tuv = etree.SubElement(tu, "tuv")
                tuv.set(XML_LANG, lang)
                _write_seg(tuv, content, path)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


# ---- reading --------------------------------------------------------------------------
def _local(tag) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def seg_text(element) -> str:
    """The text of a ``<seg>``: inline native codes (bpt, ept, ph, it, ut) left out, ``<hi>``
    content kept."""
    parts = [element.text or ""]
    for child in element:
        if _local(child.tag) not in _CODE:
            parts.append(seg_text(child))
        parts.append(child.tail or "")
    return "".join(parts)


def tuv_lang(tuv) -> str:
    """The language of a ``<tuv>`` (``xml:lang``, or ``lang`` in TMX 1.1), lower-cased."""
    return (tuv.get(XML_LANG) or tuv.get("lang") or "").strip().lower()


@dataclass
class _Group:
    line: int
    zh: List[str]
    en: List[str]
    props: Dict[str, str]
    notes: List[str]


class TmxFormat(GlossaryFormat):
    """TMX 1.4b: terms as translation units."""

    name = "tmx"
    extensions = (".tmx",)
    description = "TMX 1.4b, one unit per Chinese variant with the preferred rendering"
    binary = True

    def dumps(self, entries: Sequence[Entry], path: PathLike = "glossary.tmx") -> bytes:
        units: List[TmxUnit] = []
        for i, e in enumerate(entries, 1):
            concept = f"c{i:05d}"
            row = e.to_row()
            props = [(CONCEPT_PROP, concept)]
            if len(e.en) > 1:
                props.append((ALTERNATIVES_PROP, "|".join(e.en[1:])))
            props += [(PROP_PREFIX + c.replace("_", "-"), row[c]) for c in ALL_COLUMNS
                      if c not in ("zh", "en", "note") and row[c] and row[c] != "no"]
            notes = (e.note,) if e.note else ()
            for n, v in enumerate(e.zh, 1):
                units.append(TmxUnit(v, e.preferred, tuple(props), notes, f"{concept}-{n}"))
        if not units:
            raise OutputError(f"{path}: the glossary is empty; TMX needs at least one unit")
        return write_tmx(units, path=path, segtype="phrase",
                         header_notes=(f"termtrans glossary ({len(entries)} entries) as terms",))

    def read(self, path: PathLike) -> ImportResult:
        name = str(path)
        root = read_xml(path)
        if _local(root.tag) != "tmx":
            raise InputError(name, f"not a TMX file: root element is <{_local(root.tag)}>, "
                                   "expected <tmx>", line=root.sourceline)
        problems: List[Problem] = []
        groups: Dict[str, _Group] = {}
        seen_tu = False
        for tu in root.iter():
            if _local(tu.tag) != "tu":
                continue
            seen_tu = True
            zh: List[str] = []
            en: List[str] = []
            props: Dict[str, str] = {}
            notes: List[str] = []
            for child in tu:
                tag = _local(child.tag)
                if tag == "prop" and child.get("type"):
                    props.setdefault(child.get("type"), (child.text or "").strip())
                elif tag == "note" and (child.text or "").strip():
                    notes.append(child.text.strip())
                elif tag == "tuv":
                    lang = tuv_lang(child)
                    if not lang:
                        raise InputError(name, "<tuv> without xml:lang: say which language it "
                                               "holds", line=child.sourceline)
                    seg = next((s for s in child if _local(s.tag) == "seg"), None)
                    if seg is None:
                        raise InputError(name, "<tuv> without <seg>", line=child.sourceline)
                    text = seg_text(seg).strip()
                    if text and lang.startswith("zh"):
                        zh.append(text)
                    elif text and lang.startswith("en"):
                        en.append(text)
            line = tu.sourceline or 0
            if not zh or not en:
                problems.append(Problem(name, line, "unit skipped: it has no "
                                        f"{'Chinese (zh)' if not zh else 'English (en)'} "
                                        "segment", "warning"))
                continue
            key = props.get(CONCEPT_PROP) or "zh:" + zh[0]
            g = groups.get(key)
            if g is None:
                groups[key] = _Group(line, zh, en, props, notes)
            else:
                g.zh += zh
                g.en += en
                g.notes += notes
                for k, v in props.items():
                    g.props.setdefault(k, v)
        if not seen_tu:
            raise InputError(name, "no <tu> elements found; is this a TMX file?")
        entries = [self._entry(g, name) for g in groups.values()]
        return finish_import(entries, name, self.name, problems)

    @staticmethod
    def _entry(g: _Group, name: str) -> Entry:
        def prop(column: str) -> str:
            return g.props.get(PROP_PREFIX + column.replace("_", "-"), "")

        flag = prop("case_sensitive").lower()
        if flag not in ("", "yes", "no"):
            raise GlossaryError(name, f"prop {PROP_PREFIX}case-sensitive must be yes or no, "
                                      f"found '{flag}'", line=g.line)
        try:
            term_type = parse_term_types(prop("term_type"))
        except ValueError as exc:
            raise GlossaryError(name, f"prop {PROP_PREFIX}term-type value '{exc}' must be "
                                      "TERM=TYPE", line=g.line) from None
        en = dedupe(g.en + [a for a in split_values(g.props.get(ALTERNATIVES_PROP, "")) if a])
        forbidden = tuple(f for f in split_values(prop("forbidden")) if f)
        return Entry(zh=dedupe(g.zh), en=en, forbidden=forbidden, case_sensitive=flag == "yes",
                     note="; ".join(dedupe(g.notes)), source=prop("source"), line=g.line,
                     subject=prop("subject"), definition=prop("definition"),
                     definition_source=prop("definition_source"), pos=prop("pos"),
                     term_type=term_type,
                     xref=tuple(x for x in split_values(prop("xref")) if x))


__all__ = ["TmxFormat", "TmxUnit", "seg_text", "tmx_date", "tuv_lang", "write_tmx"]

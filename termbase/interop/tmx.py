"""TMX 1.4b: the one TMX reader and writer (translation units with inline codes, ``<prop>``s and
notes), and TMX as a glossary format (terms as a translation memory, as Amazon, Google and CAT
tools take them).

:func:`read_tmx_units` reads any TMX (1.1 to 1.4b, OmegaT, translate-toolkit, Trados) into
:class:`TmxUnit`s whose segments are :class:`~termbase.inline.InlineText` (inline codes mapped by
:mod:`termbase.inline.tmx`); ``check``/``terms extract`` (:mod:`termbase.aligned.tmx`), the glossary
import below and translation memories read through it. :func:`write_tmx` is the library function
every TMX output goes through (``terms export glossary.tmx``, ``translate --tmx``); segment
content is serialised in one place, :func:`_write_seg`, codes as ``<bpt>/<ept>/<ph>/<it>``.

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
from typing import Dict, Iterable, List, Optional, Sequence, Tuple, Union

from ..errors import GlossaryError, InputError, OutputError
from ..glossary import ALL_COLUMNS, Entry, Problem, parse_term_types, split_values
from ..inline import InlineText, local
from ..textio import Source, open_input
from ..xmlsafe import read_xml
from .base import GlossaryFormat, ImportResult, PathLike, dedupe, finish_import

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
TMX_VERSION = "1.4"
CONCEPT_PROP = "x-termtrans-concept"
ALTERNATIVES_PROP = "x-termtrans-alternatives"
PROP_PREFIX = "x-termtrans-"
#: ``<tu>`` attributes the writer sets itself (the others of a unit read are written back)
_OWN_TU_ATTRS = ("tuid",)

Segment = Union[str, InlineText]


@dataclass(frozen=True)
class TmxUnit:
    """One translation unit: a source segment, its target, and what to say about them.

    ``source``/``target`` are plain text or :class:`~termbase.inline.InlineText` (text with inline
    codes, written as ``<bpt>/<ept>/<ph>/<it>``; see :func:`_write_seg`); an empty target gets no
    ``<tuv>``. ``props`` are (type, value) pairs written as ``<prop type="…">``; by TMX convention
    types of your own start with ``x-``. ``attrs`` are other ``<tu>`` attributes (``creationdate``,
    ``changedate``, ``creationid``, ``usagecount`` …) kept from a file read; ``line`` is where the
    unit was read (0 for a unit made here).
    """

    source: Segment
    target: Segment
    props: Tuple[Tuple[str, str], ...] = ()
    notes: Tuple[str, ...] = ()
    tuid: str = ""
    line: int = 0
    attrs: Tuple[Tuple[str, str], ...] = ()

    @property
    def source_text(self) -> str:
        """The source's text alone (codes left out): what a memory compares."""
        return self.source if isinstance(self.source, str) else self.source.text

    @property
    def target_text(self) -> str:
        return self.target if isinstance(self.target, str) else self.target.text

    def prop(self, kind: str, default: str = "") -> str:
        """The first prop of type ``kind``."""
        return next((v for k, v in self.props if k == kind), default)


def tmx_date(when: Optional[_dt.datetime] = None) -> str:
    """A TMX date (ISO 8601 basic, UTC): ``20240131T120000Z``."""
    when = when or _dt.datetime.now(_dt.timezone.utc)
    return when.astimezone(_dt.timezone.utc).strftime("%Y%m%dT%H%M%SZ")


def _as_inline(content: Segment) -> InlineText:
    return content if isinstance(content, InlineText) else InlineText.from_text(content)


def _write_seg(tuv, content: Segment, path: PathLike, numbers=None) -> None:
    """Serialise one segment's content into ``<seg>`` under ``tuv``.

    This is the one place segment content is written: text runs as ``.text``/``.tail``; inline
    codes through :func:`termbase.inline.tmx.write_inline` — TMX codes read from a file as the
    elements they were, codes of other formats as ``<bpt i>``/``<ept i>`` (a pair inside the
    segment), ``<it pos="begin|end">`` (a code whose partner lies outside it) and ``<ph>``
    (standalone), each element's text being the code's native markup; ``numbers``
    (:func:`termbase.inline.tmx.number_codes`) give the ``x`` that links a source code to the same
    code in the target.
    """
    from lxml import etree

    from ..inline.tmx import write_inline

    seg = etree.SubElement(tuv, "seg")
    inline = _as_inline(content)
    try:
        if not inline.has_codes:
            seg.text = inline.text
        else:
            write_inline(seg, inline, numbers)
    except ValueError:
        text = inline.text
        raise OutputError(f"{path}: cannot write {text[:40]!r} to TMX: it contains a "
                          "character XML does not allow") from None


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
    target), inline codes as ``<bpt>/<ept>/<ph>/<it>`` (:func:`_write_seg`). The header names
    the tool (``creationtool``, version), ``srclang``, ``adminlang``, ``segtype``, ``datatype``,
    ``o-tmf`` and the creation date."""
    from lxml import etree

    from ..inline.tmx import number_codes

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
        kept = dict(unit.attrs)
        for key, value in unit.attrs:
            if key not in _OWN_TU_ATTRS:
                tu.set(key, value)
        if "creationdate" not in kept:
            tu.set("creationdate", date)
        for text in unit.notes:
            _set_text(etree.SubElement(tu, "note"), text, path)
        for kind, value in unit.props:
            _set_text(etree.SubElement(tu, "prop", type=kind), value, path)
        source, target = _as_inline(unit.source), _as_inline(unit.target)
        numbers = number_codes(source, target) if source.has_codes or target.has_codes \
            else [None, None]
        for lang, content, number in ((srclang, source, numbers[0]),
                                      (tgtlang, target, numbers[1])):
            if content or lang == srclang:
                tuv = etree.SubElement(tu, "tuv")
                tuv.set(XML_LANG, lang)
                _write_seg(tuv, content, path, number)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


# ---- reading --------------------------------------------------------------------------
def seg_text(element) -> str:
    """The text of a ``<seg>``: inline native codes (bpt, ept, ph, it, ut) left out, ``<hi>``
    content kept."""
    from ..inline.tmx import read_inline

    return read_inline(element).text


def tuv_lang(tuv) -> str:
    """The language of a ``<tuv>`` (``xml:lang``, or ``lang`` in TMX 1.1), lower-cased."""
    return (tuv.get(XML_LANG) or tuv.get("lang") or "").strip().lower()


def lang_matches(lang: str, wanted: str) -> bool:
    """True when language tag ``lang`` (lower-case) is ``wanted`` or one of its variants
    (``zh`` matches ``zh``, ``zh-cn``, ``zh-hant-tw``, ``zho``)."""
    wanted = wanted.lower()
    return lang == wanted or lang.startswith(wanted)


@dataclass(frozen=True)
class TmxTu:
    """One ``<tu>`` as read: its ``<tuv>``s as (language, segment) in document order."""

    line: int
    tuid: str
    variants: Tuple[Tuple[str, InlineText], ...]
    props: Tuple[Tuple[str, str], ...]
    notes: Tuple[str, ...]
    attrs: Tuple[Tuple[str, str], ...]

    def segments(self, lang: str) -> List[InlineText]:
        """Every segment in language ``lang`` (a prefix: ``zh``, ``en``)."""
        return [seg for code, seg in self.variants if lang_matches(code, lang)]


@dataclass(frozen=True)
class TmxFile:
    """A TMX file as read: its header attributes and its units."""

    name: str
    header: Tuple[Tuple[str, str], ...]
    tus: Tuple[TmxTu, ...]
    version: str = ""

    @property
    def srclang(self) -> str:
        return dict(self.header).get("srclang", "")


def read_tmx_file(source: Source, root=None) -> TmxFile:
    """Parse a TMX file (1.1 to 1.4b; a path, ``-`` or an InputSource) through the XML guard.

    Raises :class:`InputError` for a file that is not TMX, a ``<tuv>`` without language or
    ``<seg>``, a TMX without ``<tu>``."""
    from ..inline.tmx import read_inline

    src = open_input(source) if root is None else source
    name = str(src)
    if root is None:
        root = read_xml(src)
    if local(root.tag) != "tmx":
        raise InputError(name, f"not a TMX file: root element is <{local(root.tag)}>, "
                               "expected <tmx>", line=root.sourceline)
    header = next((c for c in root if local(c.tag) == "header"), None)
    tus: List[TmxTu] = []
    for tu in root.iter():
        if local(tu.tag) != "tu":
            continue
        variants: List[Tuple[str, InlineText]] = []
        props: List[Tuple[str, str]] = []
        notes: List[str] = []
        for child in tu:
            tag = local(child.tag)
            if tag == "prop" and child.get("type"):
                props.append((child.get("type"), (child.text or "").strip()))
            elif tag == "note" and (child.text or "").strip():
                notes.append(child.text.strip())
            elif tag == "tuv":
                lang = tuv_lang(child)
                if not lang:
                    raise InputError(name, "<tuv> without xml:lang: say which language it holds",
                                     line=child.sourceline)
                seg = next((s for s in child if local(s.tag) == "seg"), None)
                if seg is None:
                    raise InputError(name, "<tuv> without <seg>", line=child.sourceline)
                variants.append((lang, read_inline(seg)))
        attrs = tuple((local(k), v) for k, v in tu.attrib.items() if local(k) != "tuid")
        tus.append(TmxTu(tu.sourceline or 0, tu.get("tuid") or "", tuple(variants), tuple(props),
                         tuple(notes), attrs))
    if not tus:
        raise InputError(name, "no <tu> elements found; is this a TMX file?")
    head = tuple(header.attrib.items()) if header is not None else ()
    return TmxFile(name, tuple((local(k), v) for k, v in head), tuple(tus),
                   root.get("version") or "")


def read_tmx_units(source: Source, *, srclang: str = "zh", tgtlang: str = "en",
                   root=None) -> List[TmxUnit]:
    """The translation units of a TMX file as :class:`TmxUnit`, with inline codes.

    ``source``/``target`` of each unit are :class:`~termbase.inline.InlineText` (``.text`` is what
    a memory compares; the codes are those of :mod:`termbase.inline.tmx`): the first ``<tuv>`` in
    ``srclang`` and the first in ``tgtlang`` (language prefixes: ``zh`` matches ``zh-CN``,
    ``zh-TW``…). A unit without a ``srclang`` segment is left out; one without a ``tgtlang``
    segment gets an empty target. ``props``, ``notes``, ``tuid``, ``line`` and the other ``<tu>``
    attributes (dates, ``creationid``, ``usagecount``) come with each unit. :func:`write_tmx`
    writes them back. Raises :class:`InputError` (see :func:`read_tmx_file`)."""
    doc = read_tmx_file(source, root)
    out: List[TmxUnit] = []
    for tu in doc.tus:
        src = tu.segments(srclang)
        if not src:
            continue
        tgt = tu.segments(tgtlang)
        out.append(TmxUnit(src[0], tgt[0] if tgt else InlineText(), tu.props, tu.notes, tu.tuid,
                           tu.line, tu.attrs))
    return out


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
        doc = read_tmx_file(path)
        problems: List[Problem] = []
        groups: Dict[str, _Group] = {}
        for tu in doc.tus:
            zh = [t for t in (seg.text.strip() for seg in tu.segments("zh")) if t]
            en = [t for t in (seg.text.strip() for seg in tu.segments("en")) if t]
            props: Dict[str, str] = {}
            for kind, value in tu.props:
                props.setdefault(kind, value)
            notes = list(tu.notes)
            line = tu.line
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


__all__ = ["TmxFile", "TmxFormat", "TmxTu", "TmxUnit", "lang_matches", "read_tmx_file",
           "read_tmx_units", "seg_text", "tmx_date", "tuv_lang", "write_tmx"]

"""XLIFF 1.x (1.1, 1.2) and 2.x (2.0, 2.1): targets filled with inline codes, earlier work kept.

Read through :mod:`termbase.aligned.xliff` (the reader ``check`` and ``terms extract`` use), inline
markup through :mod:`termbase.inline.xliff`: every ``<g>``, ``<x/>``, ``<bx/>``/``<ex/>``,
``<bpt>``/``<ept>``, ``<ph>``, ``<it>``, ``<mrk>`` (2.x: ``<pc>``, ``<ph/>``, ``<sc/>``/``<ec/>``,
``<mrk>``, ``<sm/>``/``<em/>``) of a source comes back in its target with the same id and attributes.
A 1.2 ``<seg-source>`` is translated segment by segment into matching ``<mrk mtype="seg">``.

**Earlier work is kept.** By default only an empty target (or none) and, in 1.x, a target in
state ``new`` or ``needs-translation`` are filled; the MT gets ``state="needs-review-translation"``
and ``state-qualifier="leveraged-mt"`` (``leveraged-glossary`` when the whole source is a glossary
term) in 1.x, ``state="translated"`` with ``subState="termtrans:mt"`` in 2.x. Any other target is
kept: in 1.x the MT is offered as ``<alt-trans origin="termtrans">``; in 2.x it is skipped and a
``<note category="termtrans">`` says so. ``final``, ``signed-off`` and ``approved="yes"`` targets
get no suggestion at all. ``overwrite`` (``--overwrite STATES``) names the states whose targets
are replaced anyway; a replaced non-empty target is kept as ``<alt-trans
alttranstype="previous-version">`` (1.2) or quoted in a note (2.x). ``translate="no"`` units are
left alone. Parsed only through :mod:`termbase.xmlsafe`.
"""
from __future__ import annotations

import copy
from typing import Dict, Iterable, List, Optional, Sequence, Set, Tuple

from termbase import __version__
from termbase.aligned.xliff import XliffSegment, read_xliff_segments, xliff_version
from termbase.errors import InputError
from termbase.inline.xliff import local, write_inline
from termbase.normalize import has_cjk
from termbase.xmlsafe import parse_xml

from .base import Document, Unit

#: target states of XLIFF 1.2 and 2.x, for ``--overwrite``
STATES_1 = ("new", "needs-translation", "needs-adaptation", "needs-l10n", "needs-review-translation",
            "needs-review-adaptation", "needs-review-l10n", "translated", "final", "signed-off")
STATES_2 = ("initial", "translated", "reviewed", "final")
#: filled by default besides empty targets
DEFAULT_FILL_1 = frozenset({"new", "needs-translation"})
DEFAULT_FILL_2: frozenset = frozenset()
#: never given an MT suggestion unless named in ``overwrite``
SEALED = frozenset({"final", "signed-off"})
#: state-qualifier values a result's ``origin`` may give (see translate.tm)
_QUALIFIERS = {"exact-match", "leveraged-tm", "fuzzy-match", "leveraged-mt", "leveraged-glossary"}

FILL, PROPOSE, SKIP = "fill", "propose", "skip"


def parse_overwrite(value: Optional[str]) -> Set[str]:
    """``--overwrite`` as a set of states (comma-separated; ``all`` = every state but final and
    signed-off, which must be named)."""
    if not value:
        return set()
    out: Set[str] = set()
    for item in (v.strip() for v in value.split(",")):
        if not item:
            continue
        if item == "all":
            out.update(s for s in STATES_1 + STATES_2 if s not in SEALED)
        elif item in STATES_1 or item in STATES_2 or item.startswith("x-"):
            out.add(item)
        else:
            known = ", ".join(sorted(set(STATES_1 + STATES_2)))
            raise InputError("--overwrite", f"unknown XLIFF state '{item}'; use one of: {known}, all")
    return out


class XliffDocument(Document):
    """An XLIFF file; one unit per segment (trans-unit, seg-source ``<mrk>``, 2.x ``<segment>``)."""

    format = "xliff"

    def __init__(self, name: str, data: bytes, overwrite: Optional[Iterable[str]] = None):
        super().__init__(name)
        self.root = parse_xml(data, name)
        self.version = xliff_version(self.root, name)
        self.major = 2 if self.version.startswith("2") else 1
        self.ns = self.root.tag[1:].split("}")[0] if self.root.tag.startswith("{") else None
        self.overwrite = set(overwrite or ())
        self.segments: List[XliffSegment] = read_xliff_segments(self.root, name)
        self.actions: List[str] = []
        for seg in self.segments:
            action, reason = self._decide(seg)
            self.actions.append(action)
            where = f"{'unit' if self.major == 2 else 'trans-unit'} {seg.id or '?'}" \
                    + (f" segment {seg.mid}" if seg.mid else "") + f" (line {seg.line})"
            self.units.append(Unit(seg.source.text, where, action != SKIP, reason,
                                   content=seg.source))

    def _decide(self, seg: XliffSegment) -> Tuple[str, str]:
        if not seg.translate:
            return SKIP, 'translate="no"'
        if not has_cjk(seg.source.text):
            return SKIP, "no Chinese text"
        state = seg.state or ("initial" if self.major == 2 else "")
        if seg.target_empty or state in self.overwrite:
            return FILL, ""
        if seg.approved and "approved" not in self.overwrite:
            return SKIP, 'approved="yes"'
        if state in SEALED:
            return SKIP, f"target already {state}"
        if state in (DEFAULT_FILL_1 if self.major == 1 else DEFAULT_FILL_2):
            return FILL, ""
        return PROPOSE, f"target already {state or 'filled'}"

    @classmethod
    def from_bytes(cls, data: bytes, name: str, overwrite: Optional[Iterable[str]] = None,
                   **options) -> "XliffDocument":
        return cls(name, data, overwrite)

    @property
    def supports_bilingual(self) -> bool:
        return False

    def _q(self, tag: str) -> str:
        return f"{{{self.ns}}}{tag}" if self.ns else tag

    def _el(self, tag: str):
        from lxml import etree

        return etree.Element(self._q(tag))

    # -- rendering --------------------------------------------------------------------------------
    def render(self, results: Sequence[Optional[object]], *, bilingual: bool = False,
               signature: Optional[Dict[str, object]] = None) -> bytes:
        from lxml import etree

        by_unit: Dict[int, List[Tuple[XliffSegment, str, Optional[object]]]] = {}
        order: List[object] = []
        for seg, action, result in zip(self.segments, self.actions, results):
            if id(seg.unit) not in by_unit:
                by_unit[id(seg.unit)] = []
                order.append(seg.unit)
            by_unit[id(seg.unit)].append((seg, action, result))
        for unit in order:
            items = by_unit[id(unit)]
            if self.major == 1:
                self._render_unit1(unit, items)
            else:
                self._render_unit2(unit, items)
        if self.major == 1:
            for f in self.root.iter(self._q("file")):
                if not f.get("target-language"):
                    f.set("target-language", "en")
                self._add_tool(f, signature)
        else:
            if not self.root.get("trgLang"):
                self.root.set("trgLang", "en")
            for f in self.root.iter(self._q("file")):
                self._file_note2(f, signature)
        return etree.tostring(self.root.getroottree(), xml_declaration=True, encoding="UTF-8")

    def _render_unit1(self, tu, items) -> None:
        done = [(s, a, r) for s, a, r in items if r is not None]
        if not done:
            return
        for old in list(tu):  # termtrans's earlier memory offers: replaced by this run's
            if local(old.tag) == "alt-trans" and old.get("tool-id") == "termtrans" \
                    and old.get("match-quality") is not None:
                tu.remove(old)
        filled = [(s, r) for s, a, r in done if a == FILL and r.translated]
        proposed = [(s, r) for s, a, r in done if a == PROPOSE and r.translated]
        segmented = any(s.mid for s, _, _ in items)
        target = next((c for c in tu if local(c.tag) == "target"), None)
        previous = copy.deepcopy(target) if target is not None and filled and \
            any(not s.target_empty for s, _ in filled) else None
        if filled:
            if target is None:
                target = self._el("target")
                anchor = next((c for c in tu if local(c.tag) == "seg-source"), None)
                if anchor is None:
                    anchor = next(c for c in tu if local(c.tag) == "source")
                _insert_after(anchor, target)
                if segmented:
                    self._target_from_seg_source(tu, target)
            if segmented:
                marks = {m.get("mid", ""): m for m in target.iter(self._q("mrk"))
                         if m.get("mtype") == "seg"}
                for seg, result in filled:
                    mark = marks.get(seg.mid)
                    if mark is not None:
                        write_inline(mark, result.target_inline, 1)
            else:
                write_inline(target, filled[0][1].target_inline, 1)
            state, qualifier = _state1([r for _, r in filled])
            target.set("state", state)
            if self.version != "1.1":
                target.set("state-qualifier", qualifier)
            else:
                target.attrib.pop("state-qualifier", None)
            if previous is not None:
                self._alt_trans(tu, None, previous, "previous-version", origin="previous target")
        for seg, result in proposed:
            mt = self._el("target")
            write_inline(mt, result.target_inline, 1)
            self._alt_trans(tu, seg, mt, "proposal", origin="termtrans")
        for seg, _, result in done:
            for offer in _offers(result):
                self._memory_offer(tu, seg, offer)
        terms = [t for _, _, r in done for s in r.segments for t in s.terms]
        self._term_note1(tu, terms, target)

    def _memory_offer(self, tu, seg: XliffSegment, match) -> None:
        """A translation memory match offered as ``<alt-trans match-quality="…" origin="TM">``
        (its source and English with this segment's codes where the memory had codes)."""
        from ..tm.codes import codes_from_memory

        unit = match.unit
        source, _, _ = codes_from_memory(seg.source, unit.source_inline, unit.source_inline,
                                         unit.source, append_missing=False)
        english, _, _ = codes_from_memory(seg.source, unit.source_inline, unit.target_inline,
                                          unit.target, append_missing=False)
        alt = self._el("alt-trans")
        if seg.mid:
            alt.set("mid", seg.mid)
        alt.set("match-quality", f"{round(match.score, 1):g}")
        alt.set("origin", unit.origin or "translation memory")
        alt.set("tool-id", "termtrans")
        if self.version != "1.1":
            alt.set("alttranstype", "proposal")
        src_el = self._el("source")
        write_inline(src_el, source, 1)
        tgt_el = self._el("target")
        write_inline(tgt_el, english, 1)
        alt.append(src_el)
        alt.append(tgt_el)
        _insert_after(tu[-1], alt)

    def _target_from_seg_source(self, tu, target) -> None:
        """A new segmented target: the seg-source's content (inter-segment text and codes too)."""
        seg_source = next(c for c in tu if local(c.tag) == "seg-source")
        target.text = seg_source.text
        for child in seg_source:
            target.append(copy.deepcopy(child))

    def _alt_trans(self, tu, seg: Optional[XliffSegment], target, kind: str, *, origin: str) -> None:
        """An ``<alt-trans>`` with a copy of the source and ``target`` (replacing termtrans's own
        earlier one for the same segment)."""
        mid = seg.mid if seg is not None else ""
        for old in list(tu):
            if local(old.tag) == "alt-trans" and old.get("origin") == origin \
                    and old.get("mid", "") == mid and old.get("tool-id") == "termtrans":
                tu.remove(old)
        alt = self._el("alt-trans")
        if mid:
            alt.set("mid", mid)
        alt.set("origin", origin)
        alt.set("tool-id", "termtrans")
        if self.version != "1.1":
            alt.set("alttranstype", kind)
        source = copy.deepcopy(seg.source_el if seg is not None else
                               next(c for c in tu if local(c.tag) == "source"))
        source.tag = self._q("source")
        for attr in ("mid", "mtype"):
            source.attrib.pop(attr, None)
        source.tail = None
        target.tail = None
        target.tag = self._q("target")
        if kind == "proposal":
            for attr in ("state", "state-qualifier"):
                target.attrib.pop(attr, None)
        alt.append(source)
        seg_source = next((c for c in tu if local(c.tag) == "seg-source"), None)
        if seg is None and seg_source is not None and any(
                local(m.tag) == "mrk" and m.get("mtype") == "seg" for m in target.iter()):
            copied = copy.deepcopy(seg_source)  # the target's segments refer to its mids
            copied.tail = None
            alt.append(copied)
        alt.append(target)
        _insert_after(tu[-1], alt)

    def _term_note1(self, tu, terms, target) -> None:
        for old in list(tu):
            if local(old.tag) == "note" and old.get("from") == "termtrans":
                tu.remove(old)
        if not terms:
            return
        note = self._el("note")
        alt = next((c for c in tu if local(c.tag) == "alt-trans"), None)
        if alt is not None:  # kept before alt-trans, as tools write them
            alt.addprevious(note)
        else:
            tu.append(note)
        note.set("from", "termtrans")
        note.text = _glossary_note(terms)
        note.tail = target.tail if target is not None else None

    def _add_tool(self, file_el, signature: Optional[Dict[str, object]]) -> None:
        from lxml import etree

        header = file_el.find(self._q("header"))
        if header is None:
            header = self._el("header")
            file_el.insert(0, header)
            header.tail = "\n"
        for old in list(header):
            if old.get("tool-id") == "termtrans" or old.get("from") == "termtrans":
                header.remove(old)
        if signature:  # header: ... note*, tool* (schema order)
            note = self._el("note")
            note.set("from", "termtrans")
            note.text = _draft_note(signature)
            first_tool = header.find(self._q("tool"))
            if first_tool is not None:
                first_tool.addprevious(note)
            else:
                header.append(note)
        tool = etree.SubElement(header, self._q("tool"))
        tool.set("tool-id", "termtrans")
        tool.set("tool-name", "termtrans")
        tool.set("tool-version", __version__)

    # -- XLIFF 2 ----------------------------------------------------------------------------------
    def _render_unit2(self, unit, items) -> None:
        notes: List[str] = []
        terms = []
        for seg, action, result in items:
            if result is None:
                continue
            label = f"segment {seg.mid}" if seg.mid else "segment"
            terms.extend(t for s in result.segments for t in s.terms)
            for offer in _offers(result):
                notes.append(f"{label}: translation memory match {offer.score:g}% "
                             f"({offer.unit.origin or 'memory'}): {offer.unit.source} → "
                             f"{offer.unit.target}")
            if not result.translated:
                continue
            if action == PROPOSE:
                notes.append(f"{label}: target kept (state {seg.state or 'initial'}); machine "
                             f"translation not applied: {result.target_inline.display()}")
                continue
            target = seg.target_el
            if target is None:
                target = self._el("target")
                _insert_after(seg.source_el, target)
            elif not seg.target_empty:
                notes.append(f"{label}: previous target (state {seg.state or 'initial'}) replaced: "
                             f"{seg.target.display()}")
            write_inline(target, result.target_inline, 2)
            state, sub = _state2(result)
            seg.holder.set("state", state)
            seg.holder.set("subState", sub)
        if terms:
            notes.insert(0, _glossary_note(terms))
        if notes:
            self._notes2(unit, notes)

    def _notes2(self, parent, texts: List[str]) -> None:
        """Notes of category termtrans in ``parent``'s ``<notes>`` (made where the schema wants it)."""
        notes = next((c for c in parent if local(c.tag) == "notes"), None)
        if notes is None:
            notes = self._el("notes")
            anchor = next((c for c in parent if local(c.tag) in
                           ("originalData", "segment", "ignorable", "unit", "group")), None)
            if anchor is not None:
                anchor.addprevious(notes)
                notes.tail = anchor.getprevious().tail if anchor.getprevious() is not None \
                    and anchor.getprevious() is not notes else parent.text
            else:
                parent.append(notes)
        for old in list(notes):
            if old.get("category") == "termtrans":
                notes.remove(old)
        for text in texts:
            note = self._el("note")
            note.set("category", "termtrans")
            note.text = text
            notes.append(note)

    def _file_note2(self, file_el, signature: Optional[Dict[str, object]]) -> None:
        if not signature:
            return
        self._notes2(file_el, [_draft_note(signature) + f"; termtrans {__version__}"])


#: a 1.2 state a memory unit had → the 2.x state it stands for, and back
_STATE_2_OF_1 = {"final": "final", "signed-off": "reviewed", "translated": "translated"}
_STATE_1_OF_2 = {"final": "final", "reviewed": "signed-off", "translated": "translated"}


def _origins(result) -> List[object]:
    """The segments of a paragraph result (each may say where its English came from)."""
    return list(getattr(result, "segments", []) or [])


def _state1(results) -> Tuple[str, str]:
    """``(state, state-qualifier)`` of a 1.2 target filled with ``results``.

    A translator's work reused whole (every segment an ``exact-match`` from a memory) is
    ``translated``, or the reviewed state the unit had in this document's earlier output;
    anything else — a normalised or fuzzy memory match, machine translation, a glossary term —
    needs review."""
    segments = [s for r in results for s in _origins(r)]
    origins = {getattr(s, "origin", "") for s in segments}
    origins |= {getattr(r, "origin", "") for r in results if not _origins(r)}
    origin = origins.pop() if len(origins) == 1 else ""
    exact = bool(segments) and all(s.method == "exact" for s in segments)
    qualifier = origin if origin in _QUALIFIERS else \
        ("leveraged-glossary" if exact else "leveraged-mt")
    if qualifier == "exact-match":
        states = {_STATE_1_OF_2.get(getattr(s, "state", ""), getattr(s, "state", ""))
                  for s in segments}
        state = states.pop() if len(states) == 1 else ""
        return (state if state in STATES_1 and state else "translated"), qualifier
    return "needs-review-translation", qualifier


def _state2(result) -> Tuple[str, str]:
    """``(state, subState)`` of a 2.x segment filled with ``result`` (see :func:`_state1`)."""
    state, qualifier = _state1([result])
    if qualifier == "exact-match":
        return _STATE_2_OF_1.get(state, "translated"), "termtrans:exact-match"
    return "translated", "termtrans:" + ("mt" if qualifier == "leveraged-mt" else qualifier)


def _offers(result) -> List[object]:
    """Translation memory matches to offer for a paragraph result: the fuzzy matches not used
    and, when a fuzzy match was used as the draft, that match too (with its original English)."""
    out: List[object] = []
    for s in _origins(result):
        if getattr(s, "origin", "") == "fuzzy-match" and getattr(s, "match", None) is not None:
            out.append(s.match)
        out.extend(getattr(s, "offers", []) or [])
    return out


def _draft_note(signature: Dict[str, object]) -> str:
    """The file's note naming the translation's signature."""
    return "Machine translation draft: " + ", ".join(f"{k}={v}" for k, v in sorted(signature.items()))


def _glossary_note(terms) -> str:
    """The note listing a unit's glossary terms (``pending``: for the translator to apply)."""
    return "Glossary: " + "; ".join(
        f"{t.matched} → {t.english}" + ("" if t.method == "pending" else f" ({t.method})")
        for t in terms)


def _insert_after(anchor, el) -> None:
    """Insert ``el`` after ``anchor`` with the indentation its siblings have."""
    parent = anchor.getparent()
    last = anchor is parent[-1]
    anchor.addnext(el)
    if last and parent.text is not None and not parent.text.strip():
        el.tail = anchor.tail
        anchor.tail = parent.text
    else:
        el.tail = anchor.tail


__all__ = ["DEFAULT_FILL_1", "DEFAULT_FILL_2", "SEALED", "STATES_1", "STATES_2", "XliffDocument",
           "parse_overwrite"]

"""The drafts of a translation as a TMX 1.4b memory (``translate --tmx OUT.tmx``).

One ``<tu>`` per translated segment (sentence): the Chinese source and the English draft, inline
codes as ``<bpt>/<ept>/<ph>/<it>`` (:func:`termbase.interop.tmx.write_tmx`), so that a CAT tool
(OmegaT's ``tm/``, Trados, memoQ, translate-toolkit) offers the drafts as matches. Each unit
says what it is in ``<prop>``s:

* ``x-termtrans-origin``: where the English came from, in XLIFF's ``state-qualifier`` words —
  ``leveraged-mt`` (machine translation), ``leveraged-glossary`` (the segment is a glossary term),
  and in projects ``exact-match``/``leveraged-tm``/``fuzzy-match`` (a translation memory);
* ``x-termtrans-method``: the segment's method (``mt``, ``exact``, ``placeholder``, ``constrained``,
  ``replaced``, ``failed``: see :mod:`translate.report`);
* ``x-termtrans-term-status``: ``applied`` (every glossary term in the segment has its approved
  rendering), ``failed`` (at least one has not: check it) or ``none`` (no term);
* ``x-termtrans-term``: one per term, ``中文 → English: method``;
* ``x-termtrans-document`` / ``x-termtrans-location``: the input file and the paragraph.

Terms not applied, inline codes the engine lost and Chinese left in the English are also said in
``<note>``s, which CAT tools show next to a match. The header carries the signature (engine,
model, glossary hash, termtrans version). Segments left untranslated (a pre-translation's gaps)
and repeats of the same source and draft are not written.

The single-file command and the project runner call the same two functions: :func:`draft_units`
for each document's results, then :func:`draft_tmx` once for all the units.
"""
from __future__ import annotations

from typing import Dict, Iterable, List, Mapping, Optional, Sequence, Tuple

from termbase.inline import InlineText
from termbase.interop.tmx import TmxUnit, write_tmx
from termbase.normalize import has_cjk

from .enforce import EXACT, FAILED, KEPT
from .tm import LEVERAGED_GLOSSARY, LEVERAGED_MT, UNTRANSLATED

PROP = "x-termtrans-"
ORIGIN_PROP = PROP + "origin"
METHOD_PROP = PROP + "method"
TERM_STATUS_PROP = PROP + "term-status"
TERM_PROP = PROP + "term"
DOCUMENT_PROP = PROP + "document"
LOCATION_PROP = PROP + "location"
#: signature fields written as header props
_SIGNATURE_FIELDS = ("engine", "model", "beam", "device", "glossary", "glossary_sha256",
                     "termtrans_version")


def _origin(segment) -> str:
    origin = getattr(segment, "origin", "")
    if origin:
        return origin
    return LEVERAGED_GLOSSARY if segment.method == EXACT else LEVERAGED_MT


def _term_status(segment) -> str:
    if not segment.terms:
        return "none"
    return "failed" if segment.failed else "applied"


def _locations(doc, count: int) -> List[str]:
    """The location of each result: ``results`` follow either every unit of ``doc`` or only
    those it translates (as :func:`translate.translator.translate_document` hands them out)."""
    if doc is None:
        return [""] * count
    units = list(getattr(doc, "units", []))
    if len(units) != count:
        units = [u for u in units if getattr(u, "translate", True)]
    if len(units) != count:
        return [""] * count
    return [getattr(u, "location", "") for u in units]


def segment_unit(segment, *, document: str = "", location: str = "") -> Optional[TmxUnit]:
    """The TMX unit of one segment result (a :class:`translate.enforce.SegmentResult`, or a
    project's leveraged segment with its ``origin``); None when it holds no English draft."""
    origin = _origin(segment)
    if segment.method == KEPT or origin == UNTRANSLATED:
        return None
    source: InlineText = segment.source_inline if segment.source_inline is not None \
        else InlineText.from_text(segment.source)
    target: InlineText = segment.inline if segment.inline is not None \
        else InlineText.from_text(segment.target)
    if not source.text.strip() or not target.text.strip() and not target.has_codes:
        return None
    props: List[Tuple[str, str]] = [(ORIGIN_PROP, origin), (METHOD_PROP, segment.method),
                                    (TERM_STATUS_PROP, _term_status(segment))]
    notes: List[str] = []
    for t in segment.terms:
        props.append((TERM_PROP, f"{t.term} → {t.english}: {t.method}"))
        if t.method == FAILED:
            notes.append(f"term not applied: {t.term} → {t.english}"
                         + (f" ({t.problem})" if t.problem else ""))
    for c in segment.codes_appended:
        notes.append(f"inline code not placed by the engine: {c.code}"
                     + (f" ({c.problem})" if c.problem else ""))
    if has_cjk(target.text):
        notes.append("Chinese left in the English by the engine")
    if document:
        props.append((DOCUMENT_PROP, document))
    if location:
        props.append((LOCATION_PROP, location))
    return TmxUnit(source, target, tuple(props), tuple(notes))


def draft_units(results: Sequence[Optional[object]], *, doc=None,
                document: str = "") -> List[TmxUnit]:
    """The TMX units of one translated document.

    ``results``: the paragraph results (:class:`translate.translator.ParagraphResult`, or a
    project's leveraged paragraphs), either one per unit of ``doc`` (None for a unit kept as it
    was) or one per unit it translates; ``doc`` (optional) gives each unit's location,
    ``document`` the file name written in each unit."""
    out: List[TmxUnit] = []
    for result, location in zip(results, _locations(doc, len(results))):
        if result is None or not getattr(result, "translated", True):
            continue
        for segment in result.segments:
            unit = segment_unit(segment, document=document, location=location)
            if unit is not None:
                out.append(unit)
    return out


class RecordingTranslator:
    """A translator that keeps the paragraph results it hands out (``results``), for
    :func:`draft_units` after :func:`translate.translator.translate_document`."""

    def __init__(self, translator) -> None:
        self.translator = translator
        self.results: List[object] = []

    @property
    def glossary(self):
        return self.translator.glossary

    def signature(self) -> Dict[str, object]:
        return self.translator.signature()

    def translate_paragraphs(self, paragraphs, **options) -> list:
        results = self.translator.translate_paragraphs(paragraphs, **options)
        self.results.extend(results)
        return results


def _dedupe(units: Iterable[TmxUnit]) -> List[TmxUnit]:
    seen: Dict[Tuple[InlineText, InlineText], None] = {}
    out: List[TmxUnit] = []
    for u in units:
        key = (u.source, u.target)
        if key in seen:
            continue
        seen[key] = None
        out.append(u)
    return out


def draft_tmx(units: Iterable[TmxUnit], signature: Mapping[str, object], *,
              path: str = "<tmx>", srclang: str = "zh-CN", tgtlang: str = "en",
              creationdate: Optional[str] = None) -> bytes:
    """TMX 1.4b bytes for ``units`` (from :func:`draft_units`, one or many documents): repeats of
    the same source and draft written once, the translation's ``signature`` (engine, model,
    glossary hash, version) as header props."""
    unique = _dedupe(units)
    header_props = [(PROP + key.replace("termtrans_", "").replace("_", "-"), str(signature[key]))
                    for key in _SIGNATURE_FIELDS if signature.get(key) not in (None, "")]
    engine = signature.get("engine") or "an engine"
    notes = [f"termtrans drafts ({engine}, glossary enforced): machine translation to review "
             "before it is used as a reference memory"]
    return write_tmx(unique, srclang=srclang, tgtlang=tgtlang, path=path, segtype="sentence",
                     creationdate=creationdate, header_props=header_props, header_notes=notes)


__all__ = ["DOCUMENT_PROP", "LOCATION_PROP", "METHOD_PROP", "ORIGIN_PROP", "RecordingTranslator",
           "TERM_PROP", "TERM_STATUS_PROP", "draft_tmx", "draft_units", "segment_unit"]

"""Word ``.docx`` ⇄ :class:`~termbase.inline.InlineText`: the one reader for translate, check, extract.

**Where text is** (:func:`docx_paragraphs`): the body (tables, nested tables and content controls
included), every header and footer part, footnotes, endnotes, comments, and text boxes — each
text box paragraph on its own (not merged into the paragraph that anchors it). A text box that
Word stores twice (``mc:AlternateContent``: a DrawingML shape and its VML fallback) is read once;
the fallback copy is a *mirror* that receives the same translation.

**A paragraph** (:class:`ParagraphCodec`) becomes text plus codes:

* formatting: the paragraph's most common visible character formatting is its *base*; each run of
  text in another formatting (bold, italic, underline, strike, colour, highlight, size, super/
  subscript, caps, character style) is an OPEN/CLOSE pair of type ``fmt`` (fonts and language
  tags alone do not count: an English translation uses one font);
* hyperlinks (type ``link``, target kept), simple and complex fields (type ``field``; a field whose
  result has no Chinese is one standalone code), content controls, tracked insertions and other
  inline wrappers are OPEN/CLOSE pairs around their text;
* footnote/endnote/comment references, bookmarks, comment ranges, tabs, line breaks, symbols,
  drawings and text boxes (their anchor), equations and tracked deletions are STANDALONE codes.

Spell-check marks (``w:proofErr``) and layout hints (``w:lastRenderedPageBreak``) are dropped: they
describe the Chinese text. :meth:`ParagraphCodec.write` rebuilds a paragraph from a translated
InlineText: its properties stay, every code puts back the element it stands for, text gets the
formatting of the pair around it (or the base formatting).
"""
from __future__ import annotations

import copy
import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Dict, List, Optional, Tuple

from ..normalize import has_cjk
from . import CLOSE, OPEN, STANDALONE, Code, InlineText, Part, local

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"


def w(tag: str) -> str:
    return f"{{{W}}}{tag}"


def load_docx(data: bytes, name: str):
    """Open a .docx from its bytes (a python-docx ``Document``). The only place .docx files are
    opened: translate, check and extract all come through here, and through
    :func:`termbase.ooxml.load_docx` (zip limits on inflated bytes, every XML part through the
    XML guard, one-line errors)."""
    from ..ooxml import load_docx as load_checked

    return load_checked(data, name)


# -- where the text is --------------------------------------------------------------------------

@dataclass
class Story:
    """A part of the package whose paragraphs are read (body, header, footnotes…)."""

    name: str
    part: object
    root: object
    parsed_here: bool = False  # the part's XML was parsed by us (write it back with save_stories)


_NOTE_SKIP = {"separator", "continuationSeparator", "continuationNotice"}


def docx_stories(document) -> List[Story]:
    """The stories of a document in reading order: body, headers and footers (section order),
    footnotes, endnotes, comments."""
    from ..xmlsafe import parse_xml

    main = document.part
    out = [Story("body", main, main.element)]
    seen = set()
    for s, sect in enumerate(main.element.body.iter(w("sectPr")), 1):
        for ref in sect:
            kind = local(ref.tag)
            if kind not in ("headerReference", "footerReference"):
                continue
            rid = ref.get(f"{{{R}}}id")
            part = main.related_parts.get(rid) if rid else None
            if part is None or str(part.partname) in seen:
                continue
            seen.add(str(part.partname))
            label = kind.replace("Reference", "")
            out.append(Story(f"section {s} {label} ({ref.get(w('type'), 'default')})", part,
                             part.element))
    for reltype, label in (("footnotes", "footnotes"), ("endnotes", "endnotes"),
                           ("comments", "comments")):
        for rel in main.rels.values():
            if rel.is_external or not rel.reltype.endswith("/" + reltype):
                continue
            part = rel.target_part
            if hasattr(part, "element"):
                out.append(Story(label, part, part.element))
            else:
                root = parse_xml(part.blob, f"{part.partname}")
                out.append(Story(label, part, root, parsed_here=True))
    return out


def save_stories(stories: List[Story]) -> None:
    """Write back the parts whose XML :func:`docx_stories` parsed itself (footnotes, endnotes)."""
    from lxml import etree

    for s in stories:
        if s.parsed_here:
            s.part._blob = etree.tostring(s.root, xml_declaration=True, encoding="UTF-8",
                                          standalone=True)


@dataclass
class ParagraphRef:
    """A ``w:p`` and where it is; ``mirror_of`` is the paragraph a VML fallback copy repeats."""

    location: str
    element: object
    story: Story
    mirror_of: Optional[object] = None


def docx_paragraphs(document, stories: Optional[List[Story]] = None) -> List[ParagraphRef]:
    """Every paragraph of the document in reading order (see the module docstring)."""
    out: List[ParagraphRef] = []
    for story in stories if stories is not None else docx_stories(document):
        root = story.root
        if story.name == "body":
            _walk(root.find(w("body")), "body", story, out)
        elif story.name in ("footnotes", "endnotes", "comments"):
            item = {"footnotes": "footnote", "endnotes": "endnote", "comments": "comment"}[story.name]
            for note in root:
                if local(note.tag) != item or note.get(w("type")) in _NOTE_SKIP:
                    continue
                _walk(note, f"{item} {note.get(w('id'), '?')}", story, out)
        else:
            _walk(root, story.name, story, out)
    return out


def _walk(container, where: str, story: Story, out: List[ParagraphRef]) -> None:
    para = table = 0
    for child in container:
        tag = local(child.tag)
        if tag == "p":
            para += 1
            loc = f"{where} paragraph {para}"
            out.append(ParagraphRef(loc, child, story))
            _text_boxes(child, loc, story, out)
        elif tag == "tbl":
            table += 1
            for r, row in enumerate(child.iterchildren(w("tr")), 1):
                for c, cell in enumerate(row.iterchildren(w("tc")), 1):
                    _walk(cell, f"{where} table {table} r{r}c{c}", story, out)
        elif tag in ("sdt", "customXml"):
            content = child.find(w("sdtContent")) if tag == "sdt" else child
            if content is not None:
                _walk(content, where, story, out)


def _own(p, element) -> bool:
    """True when ``p`` is the nearest paragraph around ``element``."""
    node = element.getparent()
    while node is not None and node.tag != w("p"):
        node = node.getparent()
    return node is p


def _in_fallback(element, stop) -> Optional[object]:
    node = element.getparent()
    while node is not None and node is not stop:
        if node.tag == f"{{{MC}}}Fallback":
            return node
        node = node.getparent()
    return None


def _text_boxes(p, where: str, story: Story, out: List[ParagraphRef]) -> None:
    boxes = [b for b in p.iter(w("txbxContent")) if _own(p, b)]
    primary = [b for b in boxes if _in_fallback(b, p) is None]
    for n, box in enumerate(primary, 1):
        _walk(box, f"{where} text box {n}", story, out)
    for box in boxes:
        fallback = _in_fallback(box, p)
        if fallback is None:
            continue
        alternate = fallback.getparent()
        choices = [b for b in alternate.iter(w("txbxContent")) if _in_fallback(b, p) is None]
        copies = [b for b in fallback.iter(w("txbxContent"))]
        index = copies.index(box)
        twin = choices[index] if index < len(choices) else None
        mine = [q for q in box.iter(w("p"))]
        theirs = [q for q in twin.iter(w("p"))] if twin is not None else []
        if twin is not None and len(mine) == len(theirs):
            for q, t in zip(mine, theirs):
                out.append(ParagraphRef(f"{where} text box (fallback copy)", q, story, mirror_of=t))
        else:  # no usable twin: an ordinary text box
            _walk(box, f"{where} text box (fallback)", story, out)


# -- a paragraph as InlineText -------------------------------------------------------------------

#: character formatting that is visible in an English translation (fonts, language, kerning and
#: revision ids are not)
_VISIBLE = {"b", "bCs", "i", "iCs", "u", "strike", "dstrike", "color", "highlight", "shd", "sz",
            "vertAlign", "caps", "smallCaps", "rStyle", "em", "outline", "shadow", "emboss",
            "imprint", "vanish", "position", "bdr"}
_SHORT = {"b": "b", "i": "i", "u": "u", "strike": "s", "dstrike": "s2", "caps": "caps",
          "smallCaps": "smallcaps", "vanish": "hidden"}


def format_key(rpr) -> str:
    """A canonical summary of a run's visible formatting ('' for plain text)."""
    if rpr is None:
        return ""
    items = []
    for child in rpr:
        name = local(child.tag)
        if name not in _VISIBLE or name == "bCs" or name == "iCs":
            continue
        val = child.get(w("val"))
        if name in _SHORT and val in (None, "1", "true", "on", "single"):
            items.append(_SHORT[name])
        elif val in ("0", "false", "off", "none") and name in _SHORT:
            continue
        else:
            extra = child.get(w("fill")) if name == "shd" else None
            items.append(f"{name}={val or extra or ''}")
    return " ".join(items)


@dataclass
class DocxParagraph:
    """What :meth:`ParagraphCodec.read` found: the text with codes and the base formatting."""

    inline: InlineText
    base_rpr: object = None


@dataclass
class _Field:
    """A complex field being read: ``begin`` … instruction … ``separate`` … result … ``end``."""

    container: object
    start_item: int
    runs: List[object] = field(default_factory=list)      # the begin … separate runs
    instr: List[str] = field(default_factory=list)
    state: str = "instr"                                  # instr | result
    depth: int = 0                                        # fields nested in the instruction
    open_item: int = -1
    elements: List[object] = field(default_factory=list)  # children of the container in result

    @property
    def native(self) -> str:
        """The field's instruction as its code's native form: ``{PAGE}``."""
        return "{" + "".join(self.instr).strip() + "}"


class ParagraphCodec:
    """Reads paragraphs into InlineText and writes translations back (one per document).

    Codes made here refer to elements through ``Code.ref`` (a key into :attr:`store`); a code is
    only meaningful with the codec that made it.
    """

    def __init__(self, part=None):
        self.store: Dict[str, tuple] = {}
        self.part = part

    # -- reading ----------------------------------------------------------------------------------
    def _keep(self, entry: tuple) -> str:
        ref = str(len(self.store))
        self.store[ref] = entry
        return ref

    def read(self, p, part=None) -> DocxParagraph:
        """The paragraph ``p`` as text and codes."""
        if part is not None:
            self.part = part
        items: List[tuple] = []
        self._fields: List[_Field] = []
        self._walk(p, items, p)
        while self._fields:  # a field left open at the paragraph's end: its runs stay as they are
            f = self._fields.pop()
            del items[f.start_item:]
            items.append(("code", Code(STANDALONE, type="field",
                                       native=f.native, format="docx",
                                       ref=self._keep(("elements", f.runs + f.elements)))))
        return self._formatting(items)

    def _walk(self, container, items: List[tuple], p) -> None:
        for child in container:
            for f in self._fields:
                if f.state == "result" and f.container is container:
                    f.elements.append(child)
            tag = local(child.tag)
            if tag in ("pPr", "customXmlPr", "smartTagPr"):
                continue
            if tag == "r":
                self._run(child, items, container)
            elif tag in ("hyperlink", "fldSimple", "ins", "moveTo", "smartTag", "customXml", "dir",
                         "bdo", "sdt"):
                self._wrapper(child, tag, items, p)
            elif tag == "proofErr":
                continue
            else:
                kind = {"bookmarkStart": "bookmark", "bookmarkEnd": "bookmark",
                        "commentRangeStart": "comment-range", "commentRangeEnd": "comment-range",
                        "permStart": "perm", "permEnd": "perm", "del": "x-del",
                        "moveFrom": "x-del", "oMath": "math",
                        "oMathPara": "math"}.get(tag, "x-" + (tag or "xml"))
                native = {"bookmarkStart": f"[bookmark {child.get(w('name'), '')}]",
                          "bookmarkEnd": "[/bookmark]", "commentRangeStart": "[comment range]",
                          "commentRangeEnd": "[/comment range]"}.get(tag, f"[{kind}]")
                items.append(("code", Code(STANDALONE, type=kind, native=native, format="docx",
                                           ref=self._keep(("elements", [child])))))

    def _wrapper(self, el, tag: str, items: List[tuple], p) -> None:
        shell = copy.copy(el)
        for c in list(shell):
            if local(c.tag) not in ("sdtPr", "sdtEndPr", "customXmlPr", "smartTagPr"):
                shell.remove(c)
        inner = el
        if tag == "sdt":
            content = el.find(w("sdtContent"))
            inner = content if content is not None else el
            shell.append(copy.copy(inner) if content is None else _empty(content))
        kind, native, end = self._describe(el, tag)
        ref = self._keep(("wrap", shell, tag))
        pair = f"w{ref}"
        start = len(items)
        items.append(("code", Code(OPEN, pair=pair, type=kind, native=native, format="docx", ref=ref)))
        self._walk(inner, items, p)
        if tag == "fldSimple" and not has_cjk("".join(i[1] for i in items[start:] if i[0] == "text")):
            del items[start:]
            items.append(("code", Code(STANDALONE, type="field", native=native, format="docx",
                                       ref=self._keep(("elements", [el])))))
            return
        items.append(("code", Code(CLOSE, pair=pair, type=kind, native=end, format="docx", ref=ref)))

    def _describe(self, el, tag: str) -> Tuple[str, str, str]:
        if tag == "hyperlink":
            target = ""
            rid = el.get(f"{{{R}}}id")
            if rid and self.part is not None:
                rel = self.part.rels.get(rid)
                target = rel.target_ref if rel is not None else ""
            if el.get(w("anchor")):
                target += "#" + el.get(w("anchor"))
            return "link", f"<a href={target}>", "</a>"
        if tag == "fldSimple":
            instr = (el.get(w("instr")) or "").strip()
            return "field", "{" + instr + "}", "{/" + instr.split(" ")[0] + "}"
        if tag in ("ins", "moveTo"):
            return "x-ins", "[ins]", "[/ins]"
        return "x-" + tag, f"[{tag}]", f"[/{tag}]"

    def _run(self, r, items: List[tuple], container) -> None:
        rpr = r.find(w("rPr"))
        for child in r:
            tag = local(child.tag)
            top = self._fields[-1] if self._fields else None
            if tag == "rPr":
                continue
            if tag == "fldChar":
                self._field_char(child.get(w("fldCharType")), r, items, container)
                continue
            if top is not None and top.state == "instr":
                if r not in top.runs:
                    top.runs.append(r)
                if tag == "instrText" and top.depth == 0:
                    top.instr.append(child.text or "")
                continue
            if tag == "t":
                items.append(("text", child.text or "", rpr))
                continue
            if tag == "lastRenderedPageBreak":
                continue
            kind, native, equiv = _RUN_CODES.get(tag, ("x-" + (tag or "xml"), f"[{tag}]", ""))
            if tag == "br":
                kind = {"page": "pb", "column": "cb"}.get(child.get(w("type")) or "", "lb")
            items.append(("code", Code(STANDALONE, type=kind, native=native, equiv=equiv,
                                       format="docx", ref=self._keep(("run", rpr, child))),
                          format_key(rpr)))

    def _field_char(self, kind: Optional[str], r, items: List[tuple], container) -> None:
        top = self._fields[-1] if self._fields else None
        if top is not None and top.state == "instr":
            if r not in top.runs:
                top.runs.append(r)
            if kind == "begin":
                top.depth += 1
            elif kind == "separate" and top.depth == 0:
                top.state = "result"
                items.append(("code", Code(OPEN, pair=f"f{len(self.store)}", type="field",
                                           native=top.native,
                                           format="docx", ref=self._keep(("runs", top.runs)))))
                top.open_item = len(items) - 1
            elif kind == "end":
                if top.depth:
                    top.depth -= 1
                else:  # a field without a result (or an empty one): one code
                    self._fields.pop()
                    del items[top.start_item:]
                    items.append(("code", Code(STANDALONE, type="field",
                                               native=top.native,
                                               format="docx", ref=self._keep(("elements", top.runs)))))
            return
        if kind == "begin":
            self._fields.append(_Field(container, len(items), runs=[r]))
        elif kind == "end" and top is not None:
            self._fields.pop()
            opener: Code = items[top.open_item][1]
            result = items[top.open_item + 1:]
            text = "".join(i[1] for i in result if i[0] == "text")
            if not has_cjk(text) and top.container is container:
                elements = top.runs + top.elements
                if r not in elements:
                    elements.append(r)
                del items[top.start_item:]
                items.append(("code", Code(STANDALONE, type="field", native=opener.native,
                                           equiv=text, format="docx",
                                           ref=self._keep(("elements", elements)))))
            else:
                instr = opener.native.strip("{}").split(" ")[0]
                items.append(("code", Code(CLOSE, pair=opener.pair, type="field",
                                           native="{/" + instr + "}", format="docx",
                                           ref=self._keep(("runs", [r])))))

    def _formatting(self, items: List[tuple]) -> DocxParagraph:
        chars: Counter = Counter()
        first_rpr: Dict[str, object] = {}
        for item in items:
            if item[0] == "text":
                key = format_key(item[2])
                chars[key] += len(item[1])
                first_rpr.setdefault(key, item[2])
        # the base is plain text where there is any (so that a bold majority of the words is
        # still a bold span), else the most common formatting
        base_key = "" if chars.get("") else (
            max(chars, key=lambda k: (chars[k], -list(chars).index(k))) if chars else "")
        base_rpr = first_rpr.get(base_key)
        parts: List[Part] = []
        span: Optional[Tuple[str, Code]] = None

        def close_span() -> None:
            nonlocal span
            if span is not None:
                key, opener = span
                parts.append(Code(CLOSE, pair=opener.pair, type="fmt", native=_end_tag(key),
                                  format="docx", ref=opener.ref))
                span = None

        for item in items:
            if item[0] == "text":
                key = format_key(item[2])
                if key == base_key:
                    close_span()
                elif span is None or span[0] != key:
                    close_span()
                    ref = self._keep(("fmt", item[2]))
                    opener = Code(OPEN, pair=f"r{ref}", type="fmt", native=f"<{key}>",
                                  format="docx", ref=ref)
                    parts.append(opener)
                    span = (key, opener)
                parts.append(item[1])
                continue
            code: Code = item[1]
            run_key = item[2] if len(item) > 2 else None
            if code.kind != STANDALONE or (run_key is not None and (span is None or run_key != span[0])
                                           and run_key != base_key):
                close_span()
            parts.append(code)
        close_span()
        return DocxParagraph(InlineText(parts), base_rpr)

    # -- writing ----------------------------------------------------------------------------------
    def write(self, p, inline: InlineText, base_rpr, *, copy_elements: bool = False) -> None:
        """Replace the content of ``p`` (its properties stay) by ``inline``. With
        ``copy_elements`` the elements codes stand for are copied, not moved (a bilingual twin)."""
        take = copy.deepcopy if copy_elements else (lambda e: e)
        for child in list(p):
            if local(child.tag) != "pPr":
                p.remove(child)
        containers: List[Tuple[str, object]] = [("", p)]
        formats: List[Tuple[str, object]] = []

        def add(el) -> None:
            containers[-1][1].append(el)

        def text_run(text: str) -> None:
            rpr = formats[-1][1] if formats else base_rpr
            for piece in _split_controls(text):
                run = _new(w("r"))
                if rpr is not None:
                    run.append(copy.deepcopy(rpr))
                if piece == "\t":
                    run.append(_new(w("tab")))
                elif piece == "\n":
                    run.append(_new(w("br")))
                else:
                    t = _new(w("t"))
                    t.text = piece
                    t.set(XML_SPACE, "preserve")
                    run.append(t)
                add(run)

        for part in inline.parts:
            if isinstance(part, str):
                text_run(part)
                continue
            entry = self.store.get(part.ref) if part.format == "docx" else None
            if entry is None:  # a code from elsewhere: its text
                text_run(part.native or part.equiv)
                continue
            kind = entry[0]
            if kind == "fmt":
                if part.kind == OPEN:
                    formats.append((part.pair, entry[1]))
                else:
                    for k in range(len(formats) - 1, -1, -1):
                        if formats[k][0] == part.pair:
                            del formats[k]
                            break
            elif kind == "wrap":
                if part.kind == OPEN:
                    shell = copy.deepcopy(entry[1])
                    add(shell)
                    inner = shell.find(w("sdtContent")) if entry[2] == "sdt" else shell
                    containers.append((part.pair, inner if inner is not None else shell))
                else:
                    for k in range(len(containers) - 1, 0, -1):
                        if containers[k][0] == part.pair:
                            del containers[k:]
                            break
            elif kind in ("runs", "elements"):
                for el in entry[1]:
                    add(take(el))
            elif kind == "run":
                run = _new(w("r"))
                if entry[1] is not None:
                    run.append(copy.deepcopy(entry[1]))
                run.append(take(entry[2]))
                add(run)


_RUN_CODES = {
    "tab": ("tab", "\t", "\t"), "ptab": ("tab", "\t", "\t"), "br": ("lb", "\n", "\n"),
    "cr": ("lb", "\n", "\n"), "noBreakHyphen": ("x-char", "\u2011", "\u2011"),
    "softHyphen": ("x-char", "\u00ad", ""), "sym": ("sym", "[symbol]", ""),
    "footnoteReference": ("fn", "[footnote]", ""), "endnoteReference": ("endnote", "[endnote]", ""),
    "commentReference": ("comment", "[comment]", ""), "footnoteRef": ("fnref", "[note mark]", ""),
    "endnoteRef": ("fnref", "[note mark]", ""), "annotationRef": ("fnref", "[comment mark]", ""),
    "separator": ("x-sep", "[separator]", ""), "continuationSeparator": ("x-sep", "[separator]", ""),
    "drawing": ("drawing", "[drawing]", ""), "pict": ("drawing", "[drawing]", ""),
    "AlternateContent": ("drawing", "[drawing]", ""), "object": ("object", "[object]", ""),
    "ruby": ("x-ruby", "[ruby]", ""), "contentPart": ("object", "[object]", ""),
    "delText": ("x-del", "[deleted]", ""), "delInstrText": ("x-del", "[deleted]", ""),
}

#: codes a bilingual twin leaves out: they may exist once only (notes, comments, bookmarks) or
#: belong to the paragraph's position (drawings, text boxes)
UNIQUE_TYPES = frozenset({"fn", "endnote", "comment", "comment-range", "bookmark", "perm",
                          "drawing", "object", "fnref", "x-sep"})


def _end_tag(key: str) -> str:
    return f"</{key.split(' ')[0]}>" if key else "</>"


def _empty(el):
    dup = copy.copy(el)
    for c in list(dup):
        dup.remove(c)
    dup.text = None
    return dup


def _new(tag: str):
    from lxml import etree

    return etree.Element(tag)


def _split_controls(text: str) -> List[str]:
    """``text`` cut into its tabs, line breaks and the runs of other characters between them."""
    return [piece for piece in re.split(r"([\t\n])", text) if piece]


def visible_text(inline: InlineText) -> str:
    """A paragraph's text with tabs and line breaks (what an editor sees, for checks)."""
    return "".join(p if isinstance(p, str) else (p.equiv if p.type in ("tab", "lb", "pb", "cb")
                                                  or p.type == "field" else "")
                   for p in inline.parts)


def read_docx_paragraphs(data: bytes, name: str) -> List[Tuple[str, InlineText]]:
    """``(location, text with codes)`` of every paragraph (mirrors left out): the check side."""
    document = load_docx(data, name)
    stories = docx_stories(document)
    out = []
    codecs: Dict[int, ParagraphCodec] = {}
    for ref in docx_paragraphs(document, stories):
        if ref.mirror_of is not None:
            continue
        codec = codecs.setdefault(id(ref.story), ParagraphCodec(ref.story.part))
        out.append((ref.location, codec.read(ref.element).inline))
    return out


__all__ = ["DocxParagraph", "ParagraphCodec", "ParagraphRef", "Story", "UNIQUE_TYPES",
           "docx_paragraphs", "docx_stories", "format_key", "load_docx", "read_docx_paragraphs",
           "save_stories", "visible_text"]

"""Two files aligned by paragraph: the Chinese source and its English translation.

Plain text: paragraphs are separated by blank lines; a file without blank lines has one paragraph
per line. Markdown: the same, read by :mod:`termbase.inline.markdown` (the reader translate uses):
block prefixes left out, inline markup as codes (links, inline code, emphasis, HTML tags), fenced
and indented code, HTML blocks and table rules skipped. Word (.docx): every non-empty paragraph of
the parts translate reads — body, tables, headers, footers, footnotes, endnotes, comments, text
boxes — in that order, through :mod:`termbase.inline.docx`. When the two files hold different
numbers of paragraphs the reader names the first place where they stop matching, so the editor
knows where to fix the alignment.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass
from pathlib import Path
from typing import List, Optional, Sequence, Union

from ..errors import InputError
from ..inline import InlineText, join
from ..normalize import is_cjk
from ..textio import InputSource, Source, open_input
from . import SegmentPair

PathLike = Union[str, Path]

_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")


@dataclass(frozen=True)
class Paragraph:
    """A paragraph's text and the 1-based line (or paragraph number for .docx) where it starts;
    ``inline`` is its text with inline codes (Markdown, .docx)."""

    text: str
    line: int
    heading: bool = False
    inline: Optional[InlineText] = None


def read_paragraphs(path: Source) -> List[Paragraph]:
    """The paragraphs of a .txt, .md or .docx file (a path, ``-`` or an InputSource)."""
    source = open_input(path)
    if source.suffix == ".docx" or source.head(4) == b"PK\x03\x04":
        return _docx_paragraphs(source)
    return split_paragraphs(source.text(), markdown=source.suffix in (".md", ".markdown"))


def split_paragraphs(text: str, *, markdown: bool = False) -> List[Paragraph]:
    """Paragraphs of text: blank-line separated, or one per line when there is no blank line."""
    if markdown:
        return _markdown_paragraphs(text)
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    by_blank = any(not ln.strip() for ln in lines[:-1]) and sum(bool(ln.strip()) for ln in lines) > 1
    out: List[Paragraph] = []
    block: List[str] = []
    start = 0

    def flush() -> None:
        if block:
            joined = _join_lines([ln.strip() for ln in block])
            out.append(Paragraph(joined, start))
            block.clear()

    for n, ln in enumerate(lines, 1):
        if not ln.strip():
            flush()
            continue
        if not by_blank:
            flush()
        if not block:
            start = n
        block.append(ln)
    flush()
    return out


def _markdown_paragraphs(text: str) -> List[Paragraph]:
    from ..inline.markdown import markdown_lines

    lines = markdown_lines(text)
    texty = [ln for ln in lines if ln.kind in ("text", "table")]
    by_blank = any(ln.kind == "blank" for ln in lines[:-1]) and len(texty) > 1
    out: List[Paragraph] = []
    block: list = []

    def flush() -> None:
        if not block:
            return
        pieces: List[InlineText] = []
        for ln in block:
            contents = ln.contents
            if ln.kind == "table":
                cells: List[InlineText] = []
                for i, c in enumerate(contents):
                    cells.append(InlineText((" | ",) if i else ()) + c)
                pieces.append(join(cells))
            elif contents:
                pieces.append(contents[0])
        inline = _join_inline(pieces)
        heading = block[0].parts[0].lstrip().startswith("#") if isinstance(block[0].parts[0], str) \
            else False
        out.append(Paragraph(inline.text, block[0].number, heading, inline))
        block.clear()

    for ln in lines:
        if ln.kind not in ("text", "table") or not ln.contents:
            flush()
            continue
        if not by_blank:
            flush()
        block.append(ln)
    flush()
    return out


def _join_inline(pieces: Sequence[InlineText]) -> InlineText:
    """Wrapped lines joined as :func:`_join_lines` joins text."""
    out = InlineText()
    for piece in pieces:
        if out.text and piece.text and not (is_cjk(out.text[-1]) or is_cjk(piece.text[0])):
            out = out + InlineText((" ",))
        out = out + piece
    return out


def _join_lines(lines: Sequence[str]) -> str:
    """Join wrapped lines: no space between two CJK characters, one space otherwise."""
    text = ""
    for ln in lines:
        if not text:
            text = ln
        elif is_cjk(text[-1]) or is_cjk(ln[0]):
            text += ln
        else:
            text += " " + ln
    return text


def _docx_paragraphs(source: InputSource) -> List[Paragraph]:
    from ..inline.docx import read_docx_paragraphs, visible_text

    path = source.name
    data = source.data()
    out: List[Paragraph] = []
    for number, (_, inline) in enumerate(read_docx_paragraphs(data, path), 1):
        text = visible_text(inline)
        if text.strip():
            out.append(Paragraph(text.strip(), number, inline=inline))
    if not out:
        raise InputError(path, "the document has no text paragraphs")
    return out


def _features_disagree(zh: Paragraph, en: Paragraph, ratio: float) -> bool:
    if zh.heading != en.heading:
        return True
    zn, en_n = set(_NUMBER.findall(zh.text)), set(_NUMBER.findall(en.text))
    if bool(zn) != bool(en_n) or (zn and en_n and not (zn & en_n)):
        return True
    r = _length_ratio(zh.text, en.text)
    return r > 0 and ratio > 0 and abs(math.log(r / ratio)) > math.log(2.2)


def _length_ratio(zh: str, en: str) -> float:
    z = sum(1 for c in zh if is_cjk(c)) or len(zh.split())
    e = sum(1 for c in en if not c.isspace())
    return e / z if z else 0.0


def first_divergence(source: Sequence[Paragraph], target: Sequence[Paragraph]) -> int:
    """Index of the first paragraph pair that does not look like a translation pair."""
    n = min(len(source), len(target))
    ratios = sorted(r for r in (_length_ratio(source[i].text, target[i].text) for i in range(n)) if r)
    typical = ratios[len(ratios) // 2] if ratios else 0.0
    for i in range(n):
        if _features_disagree(source[i], target[i], typical):
            return i
    return n


def read_parallel(source: Source, target: Source, *, glossary=None) -> List[SegmentPair]:
    """Pair the paragraphs of a Chinese SOURCE file and its English TARGET file one to one.

    When the counts differ the two are aligned (:mod:`.align`; ``glossary`` terms serve as
    anchors): paragraphs without partner become pairs with an empty side and a ``gap``
    (``missing-translation`` / ``extra-paragraph``) located where they stand; two paragraphs
    joined on one side become one pair.
    """
    src, tgt = read_paragraphs(source), read_paragraphs(target)
    if len(src) != len(tgt):
        from .align import align_paragraphs, paragraph_anchors

        return _aligned_pairs(str(source), str(target), src, tgt, align_paragraphs,
                              paragraph_anchors, glossary)
    name = str(source)
    return [SegmentPair(i, s.text, t.text, f"{name}:{s.line}", line=s.line,
                        source_inline=s.inline, target_inline=t.inline)
            for i, (s, t) in enumerate(zip(src, tgt))]


def _aligned_pairs(name: str, target_name: str, src: Sequence[Paragraph],
                   tgt: Sequence[Paragraph], align, anchors, glossary) -> List[SegmentPair]:
    heads = ([p.heading for p in src], [p.heading for p in tgt])
    sa, ta = anchors([p.text for p in src], [p.text for p in tgt], glossary, headings=heads)
    beads = align([p.text for p in src], [p.text for p in tgt], source_anchors=sa,
                  target_anchors=ta)
    pairs: List[SegmentPair] = []
    last_t = None  # the last target paragraph placed, for "where it belongs"
    for k, bead in enumerate(beads):
        s_par = [src[i] for i in bead.source]
        t_par = [tgt[j] for j in bead.target]
        if s_par and t_par:
            zh = "".join(p.text for p in s_par) if len(s_par) > 1 else s_par[0].text
            en = " ".join(p.text for p in t_par)
            note = ""
            if len(s_par) > 1 or len(t_par) > 1:
                note = (f"aligned as one segment: {name} line(s) "
                        f"{', '.join(str(p.line) for p in s_par)} with {target_name} line(s) "
                        f"{', '.join(str(p.line) for p in t_par)}")
            one = len(s_par) == 1 and len(t_par) == 1
            pairs.append(SegmentPair(len(pairs), zh, en, f"{name}:{s_par[0].line}", note=note,
                                     line=s_par[0].line,
                                     source_inline=s_par[0].inline if one else None,
                                     target_inline=t_par[0].inline if one else None))
            last_t = t_par[-1]
        elif s_par:
            p = s_par[0]
            nxt = next((tgt[b.target[0]] for b in beads[k + 1:] if b.target), None)
            if last_t is None:
                where = f"before {target_name} line {nxt.line}" if nxt else f"in {target_name}"
            elif nxt is None:
                where = f"after {target_name} line {last_t.line} (its end)"
            else:
                where = f"between {target_name} lines {last_t.line} and {nxt.line}"
            pairs.append(SegmentPair(len(pairs), p.text, "", f"{name}:{p.line}",
                                     note=f"no paragraph of {target_name} translates this one; "
                                          f"its English belongs {where}",
                                     line=p.line, gap="missing-translation"))
        else:
            p = t_par[0]
            last_s = next((src[b.source[-1]] for b in reversed(beads[:k]) if b.source), None)
            where = (f"after {name} line {last_s.line}" if last_s is not None
                     else f"before the first paragraph of {name}")
            pairs.append(SegmentPair(len(pairs), "", p.text, f"{target_name}:{p.line}",
                                     note=f"this paragraph of {target_name} translates no "
                                          f"paragraph of {name} (it stands {where})",
                                     line=p.line, gap="extra-paragraph"))
            last_t = p
    return pairs

"""Two files aligned by paragraph: the Chinese source and its English translation.

Plain text and Markdown: paragraphs are separated by blank lines; a file without blank lines has
one paragraph per line. Word (.docx): every non-empty paragraph, table cells included, in document
order. When the two files hold different numbers of paragraphs the reader names the first place
where they stop matching, so the editor knows where to fix the alignment.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass
from pathlib import Path
from typing import List, Sequence, Union

from ..errors import InputError
from ..normalize import is_cjk
from ..textio import read_text
from . import SegmentPair

PathLike = Union[str, Path]

_MD_PREFIX = re.compile(r"^\s{0,3}(?:#{1,6}\s+|>\s?|[-*+]\s+|\d{1,3}[.)]\s+)")
_MD_EMPHASIS = re.compile(r"(\*\*|__)(.+?)\1")
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")


@dataclass(frozen=True)
class Paragraph:
    """A paragraph's text and the 1-based line (or paragraph number for .docx) where it starts."""

    text: str
    line: int
    heading: bool = False


def read_paragraphs(path: PathLike) -> List[Paragraph]:
    """The paragraphs of a .txt, .md or .docx file."""
    p = str(path)
    if p.lower().endswith(".docx"):
        return _docx_paragraphs(p)
    return split_paragraphs(read_text(p), markdown=p.lower().endswith((".md", ".markdown")))


def split_paragraphs(text: str, *, markdown: bool = False) -> List[Paragraph]:
    """Paragraphs of text: blank-line separated, or one per line when there is no blank line."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    by_blank = any(not ln.strip() for ln in lines[:-1]) and sum(bool(ln.strip()) for ln in lines) > 1
    out: List[Paragraph] = []
    block: List[str] = []
    start = 0

    def flush() -> None:
        if block:
            raw = [ln for ln in block]
            heading = markdown and raw[0].lstrip().startswith("#")
            if markdown:
                raw = [_MD_EMPHASIS.sub(r"\2", _MD_PREFIX.sub("", ln)) for ln in raw]
            joined = _join_lines([ln.strip() for ln in raw])
            out.append(Paragraph(joined, start, heading))
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


def _docx_paragraphs(path: str) -> List[Paragraph]:
    try:
        import docx
        from docx.opc.exceptions import PackageNotFoundError
    except ImportError:  # pragma: no cover - python-docx is a dependency
        raise InputError(path, "reading .docx needs python-docx; pip install python-docx") from None
    if not Path(path).is_file():
        raise InputError(path, "no such file")
    try:
        document = docx.Document(path)
    except PackageNotFoundError:
        raise InputError(path, "not a Word .docx file (not a zip package); save it as .docx") from None
    except Exception as exc:  # zipfile.BadZipFile, KeyError, lxml errors
        raise InputError(path, f"cannot read the .docx file ({type(exc).__name__}: {exc})") from None
    out: List[Paragraph] = []
    number = 0
    body = document.element.body
    for child in body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            texts = [_docx_text(child)]
        elif tag == "tbl":
            texts = [_docx_text(p) for p in child.iter() if p.tag.rsplit("}", 1)[-1] == "p"]
        else:
            continue
        for t in texts:
            number += 1
            if t.strip():
                out.append(Paragraph(t.strip(), number))
    if not out:
        raise InputError(path, "the document has no text paragraphs")
    return out


def _docx_text(p) -> str:
    parts = []
    for node in p.iter():
        tag = node.tag.rsplit("}", 1)[-1]
        if tag == "t" and node.text:
            parts.append(node.text)
        elif tag == "tab":
            parts.append("\t")
        elif tag in ("br", "cr"):
            parts.append("\n")
    return "".join(parts)


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


def read_parallel(source: PathLike, target: PathLike, *, glossary=None) -> List[SegmentPair]:
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
    return [SegmentPair(i, s.text, t.text, f"{name}:{s.line}", line=s.line)
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
            pairs.append(SegmentPair(len(pairs), zh, en, f"{name}:{s_par[0].line}", note=note,
                                     line=s_par[0].line))
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

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
from ..ooxml import load_docx
from ..textio import InputSource, Source, open_input
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


def read_paragraphs(path: Source) -> List[Paragraph]:
    """The paragraphs of a .txt, .md or .docx file (a path, ``-`` or an InputSource)."""
    source = open_input(path)
    if source.suffix == ".docx" or source.head(4) == b"PK\x03\x04":
        return _docx_paragraphs(source)
    return split_paragraphs(source.text(), markdown=source.suffix in (".md", ".markdown"))


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


def _docx_paragraphs(source: InputSource) -> List[Paragraph]:
    path = source.name
    document = load_docx(source.data(), path)
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


def read_parallel(source: Source, target: Source) -> List[SegmentPair]:
    """Pair the paragraphs of a Chinese SOURCE file and its English TARGET file one to one."""
    src, tgt = read_paragraphs(source), read_paragraphs(target)
    if len(src) != len(tgt):
        i = first_divergence(src, tgt)
        where_s = f"line {src[i].line}" if i < len(src) else "the end"
        where_t = f"line {tgt[i].line}" if i < len(tgt) else "the end"
        line = tgt[i].line if i < len(tgt) else None
        raise InputError(
            str(target),
            f"{source} has {len(src)} paragraphs but {target} has {len(tgt)}; they first diverge "
            f"at paragraph {i + 1} ({source} {where_s}, {target} {where_t}): split or join "
            "paragraphs there so that both files have one paragraph per segment",
            line=line)
    name = str(source)
    return [SegmentPair(i, s.text, t.text, f"{name}:{s.line}", line=s.line)
            for i, (s, t) in enumerate(zip(src, tgt))]

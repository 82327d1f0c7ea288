"""Markdown: text translated, markup kept.

Per line: block prefixes (``#``, ``>``, list bullets and numbers, task boxes, indentation) are
kept; fenced code blocks, HTML blocks, link reference definitions and table rules are copied;
table cells are translated one by one. Inside a line, inline code, URLs, HTML tags, images and
link targets are kept verbatim and the text between them translated.
"""
from __future__ import annotations

import re
from typing import Dict, List, Optional, Sequence, Union

from termbase.normalize import has_cjk
from termbase.textio import decode_text

from .base import Document, Unit
from .text import split_lines

_FENCE = re.compile(r"^\s*(```|~~~)")
_PREFIX = re.compile(r"^(\s*(?:(?:#{1,6}|>|[-*+]|\d{1,9}[.)])(?:\s+|$)(?:\[[ xX]\]\s+)?)*)")
_TABLE_RULE = re.compile(r"^\s*\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$")
_LINK_DEF = re.compile(r"^\s{0,3}\[[^\]]+\]:\s*\S+")
_HTML_BLOCK = re.compile(r"^\s*<(?:!--|/?[A-Za-z][^>]*>)")
_INLINE_KEEP = re.compile(
    r"`[^`]*`"                      # inline code
    r"|!\[[^\]]*\]\([^)]*\)"        # image
    r"|\]\([^)]*\)"                 # link target (the link text is translated)
    r"|\[|<[^>\n]+>"                # link text opener, HTML tags and autolinks
    r"|https?://\S+"                # bare URLs
    r"|\s+#+\s*$")                  # closing hashes of an ATX heading

Part = Union[str, int]  # literal text or the index of a unit


class MarkdownDocument(Document):
    """A ``.md`` file; see the module docstring for what is kept."""

    format = "md"

    def __init__(self, name: str, text: str):
        super().__init__(name)
        self.lines: List[tuple] = []  # (parts, ending, has_units)
        fenced = False
        for number, (body, ending) in enumerate(split_lines(text), 1):
            if _FENCE.match(body):
                fenced = not fenced
                self.lines.append(([body], ending))
                continue
            if fenced or not has_cjk(body) or _TABLE_RULE.match(body) or _LINK_DEF.match(body) \
                    or _HTML_BLOCK.match(body):
                self.lines.append(([body], ending))
                continue
            self.lines.append((self._parse_line(body, number), ending))

    def _add(self, text: str, number: int) -> Part:
        if not has_cjk(text) or not text.strip():
            return text
        self.units.append(Unit(text, f"line {number}"))
        return len(self.units) - 1

    def _parse_inline(self, text: str, number: int) -> List[Part]:
        parts: List[Part] = []
        pos = 0
        for m in _INLINE_KEEP.finditer(text):
            if m.start() > pos:
                parts.append(self._add(text[pos:m.start()], number))
            parts.append(m.group())
            pos = m.end()
        if pos < len(text):
            parts.append(self._add(text[pos:], number))
        return parts

    def _parse_line(self, body: str, number: int) -> List[Part]:
        if body.lstrip().startswith("|"):
            parts: List[Part] = []
            cells = re.split(r"(\|)", body)
            for cell in cells:
                if cell == "|" or not has_cjk(cell):
                    parts.append(cell)
                    continue
                lead = cell[:len(cell) - len(cell.lstrip())]
                trail = cell[len(cell.rstrip()):]
                parts.append(lead)
                parts.extend(self._parse_inline(cell.strip(), number))
                parts.append(trail)
            return parts
        prefix = _PREFIX.match(body).group(1)
        return [prefix] + self._parse_inline(body[len(prefix):], number)

    @classmethod
    def from_bytes(cls, data: bytes, name: str) -> "MarkdownDocument":
        return cls(name, decode_text(data, name))

    def render(self, results: Sequence[Optional[object]], *, bilingual: bool = False,
               signature: Optional[Dict[str, object]] = None) -> bytes:
        out: List[str] = []
        for parts, ending in self.lines:
            source = "".join(p if isinstance(p, str) else self.units[p].text for p in parts)
            target = "".join(p if isinstance(p, str) else
                             (results[p].target if results[p] is not None else self.units[p].text)
                             for p in parts)
            translated = any(isinstance(p, int) and results[p] is not None for p in parts)
            if bilingual and translated:
                # a blank line between the two keeps them separate Markdown paragraphs
                block_sep = (ending or "\n") if source.lstrip().startswith(("|",)) else (ending or "\n") * 2
                out.append(source + block_sep + target + ending)
            else:
                out.append(target + ending)
        return "".join(out).encode("utf-8")

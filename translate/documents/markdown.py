"""Markdown: text translated, markup kept (the reader is :mod:`termbase.inline.markdown`).

Per line: block prefixes (``#``, ``>``, list bullets and numbers, task boxes, indentation) are
kept; fenced and indented code, HTML blocks, link reference definitions and table rules are
copied; table cells are translated one by one. The rest of a line is translated as one segment
with its inline markup as codes: inline code, URLs, HTML tags, images and link targets come back
verbatim, the link text and emphasised words are translated, and the sentence is not cut into
fragments around them. ``--bilingual`` puts each translated line after its source line (a table
header's English row goes after the table rule, so the table stays a table).
"""
from __future__ import annotations

from typing import Dict, List, Optional, Sequence

from termbase.inline import InlineText
from termbase.inline.markdown import MdLine, markdown_lines, render_line
from termbase.normalize import has_cjk
from termbase.textio import decode_text

from .base import Document, Unit, filled


class MarkdownDocument(Document):
    """A ``.md`` file; see the module docstring for what is kept."""

    format = "md"

    def __init__(self, name: str, text: str):
        super().__init__(name)
        self.lines: List[MdLine] = markdown_lines(text)
        self.slots: List[List[Optional[int]]] = []  # per line, per content: unit index or None
        for line in self.lines:
            slots: List[Optional[int]] = []
            for content in line.contents:
                if has_cjk(content.text):
                    self.units.append(Unit(content.text, f"line {line.number}", content=content))
                    slots.append(len(self.units) - 1)
                else:
                    slots.append(None)
            self.slots.append(slots)

    @classmethod
    def from_bytes(cls, data: bytes, name: str, **options) -> "MarkdownDocument":
        return cls(name, decode_text(data, name))

    def render(self, results: Sequence[Optional[object]], *, bilingual: bool = False,
               signature: Optional[Dict[str, object]] = None) -> bytes:
        results = filled(results)
        out: List[str] = []
        held: Optional[str] = None  # a table header's English row, written after the rule
        for k, (line, slots) in enumerate(zip(self.lines, self.slots)):
            contents: List[InlineText] = []
            translated = False
            for content, unit in zip(line.contents, slots):
                result = results[unit] if unit is not None else None
                if result is not None:
                    contents.append(result.target_inline)
                    translated = True
                else:
                    contents.append(content)
            target = render_line(line, contents)
            ending = line.ending
            if not (bilingual and translated):
                out.append(target + ending)
            else:
                source = render_line(line)
                if line.kind == "table":
                    nxt = self.lines[k + 1] if k + 1 < len(self.lines) else None
                    if nxt is not None and nxt.kind == "rule":
                        out.append(source + ending)
                        held = target + (ending or "\n")
                        continue
                    out.append(source + (ending or "\n") + target + ending)
                else:
                    # a blank line between the two keeps them separate Markdown paragraphs
                    out.append(source + (ending or "\n") * 2 + target + ending)
            if held is not None and line.kind == "rule":
                out.append(held)
                held = None
        if held is not None:
            out.append(held)
        return "".join(out).encode("utf-8")

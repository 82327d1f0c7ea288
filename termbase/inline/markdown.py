"""Markdown ⇄ :class:`~termbase.inline.InlineText`: the one reader for translate, check, extract.

**Lines** (:func:`markdown_lines`): block prefixes (``#``, ``>``, list bullets and numbers, task
boxes, indentation) and a heading's closing hashes are literal; fenced code, indented code after a
blank line, HTML blocks, link reference definitions and table rules are literal lines; a table row
has one content per cell. Everything else after the prefix is one content: a whole line, so the
text around a link or inline code is one sentence, not fragments.

**Inline** (:func:`parse_inline`): inline code (STANDALONE, type ``code``), links and images (an
OPEN ``[``/``![`` and a CLOSE ``](target)`` around the link text, which is translated), emphasis
``*``/``_``/``**``/``__``/``~~`` (OPEN/CLOSE pairs, type ``em``/``strong``/``strike``), inline HTML
tags (paired by name), autolinks, bare URLs and backslash escapes (STANDALONE). Each code's
``native`` is the exact source markup; :func:`render_inline` writes a segment back.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import List, Optional, Tuple, Union

from ..textio import split_lines
from . import CLOSE, OPEN, STANDALONE, Code, InlineText, Part

_FENCE = re.compile(r"^\s*(```|~~~)")
_PREFIX = re.compile(r"^(\s*(?:(?:#{1,6}|>|[-*+]|\d{1,9}[.)])(?:\s+|$)(?:\[[ xX]\]\s+)?)*)")
_TABLE_RULE = re.compile(r"^\s*\|?\s*:?-+:?\s*(\|\s*:?-+:?\s*)*\|?\s*$")
_LINK_DEF = re.compile(r"^\s{0,3}\[[^\]]+\]:\s*\S+")
_HTML_BLOCK = re.compile(r"^\s*<(?:!--|/?[A-Za-z][^>]*>)")
_THEMATIC = re.compile(r"^\s{0,3}([-*_])(?:\s*\1){2,}\s*$")
_CLOSING_HASHES = re.compile(r"\s+#+\s*$")

Content = InlineText


@dataclass
class MdLine:
    """One line: literal strings and contents (InlineText) in order, and its line ending.

    ``kind``: text, table, rule (table rule), fence, code, html, linkdef, thematic or blank."""

    kind: str
    parts: List[Union[str, InlineText]]
    ending: str
    number: int

    @property
    def contents(self) -> List[InlineText]:
        return [p for p in self.parts if isinstance(p, InlineText)]


def markdown_lines(text: str) -> List[MdLine]:
    """The lines of a Markdown text (see the module docstring); joined, they give it back."""
    lines: List[MdLine] = []
    fenced = False
    prev_blank = True
    for number, (body, ending) in enumerate(split_lines(text), 1):
        kind = "text"
        if _FENCE.match(body):
            fenced = not fenced
            kind = "fence"
        elif fenced:
            kind = "fence"
        elif not body.strip():
            kind = "blank"
        elif _TABLE_RULE.match(body) and "|" in body:
            kind = "rule"
        elif _LINK_DEF.match(body):
            kind = "linkdef"
        elif _HTML_BLOCK.match(body):
            kind = "html"
        elif _THEMATIC.match(body):
            kind = "thematic"
        elif prev_blank and (body.startswith("    ") or body.startswith("\t")) \
                and not _PREFIX.match(body.lstrip()).group(1):
            kind = "code"
        elif body.lstrip().startswith("|"):
            kind = "table"
        prev_blank = kind == "blank" or (kind == "code" and prev_blank)
        if kind == "text":
            lines.append(MdLine(kind, _text_line(body), ending, number))
        elif kind == "table":
            lines.append(MdLine(kind, _table_line(body), ending, number))
        else:
            lines.append(MdLine(kind, [body], ending, number))
    return lines


def _text_line(body: str) -> List[Union[str, InlineText]]:
    prefix = _PREFIX.match(body).group(1)
    rest = body[len(prefix):]
    suffix = ""
    if prefix.lstrip().startswith("#"):
        m = _CLOSING_HASHES.search(rest)
        if m:
            rest, suffix = rest[:m.start()], rest[m.start():]
    lead = rest[:len(rest) - len(rest.lstrip())]
    trail = rest[len(rest.rstrip()):]
    core = rest.strip()
    parts: List[Union[str, InlineText]] = [prefix + lead]
    if core:
        parts.append(parse_inline(core))
    parts.append(trail + suffix)
    return parts


def _table_line(body: str) -> List[Union[str, InlineText]]:
    parts: List[Union[str, InlineText]] = []
    for cell in re.split(r"(?<!\\)(\|)", body):
        if cell == "|" or not cell.strip():
            parts.append(cell)
            continue
        lead = cell[:len(cell) - len(cell.lstrip())]
        trail = cell[len(cell.rstrip()):]
        parts.extend([lead, parse_inline(cell.strip()), trail])
    return parts


def render_line(line: MdLine, contents: Optional[List[InlineText]] = None) -> str:
    """A line with its contents (or replacements for them, in order) written back."""
    it = iter(contents) if contents is not None else None
    out = []
    for p in line.parts:
        if isinstance(p, str):
            out.append(p)
        else:
            out.append(render_inline(next(it) if it is not None else p))
    return "".join(out)


# -- inline -------------------------------------------------------------------------------------

_TOKENS = re.compile(
    r"(?P<code>(?P<ticks>`+)(?:(?!(?P=ticks)).)+?(?P=ticks))"
    r"|(?P<esc>\\[\\`*_{}\[\]()#+\-.!|~<>])"
    r"|(?P<auto><(?:https?|ftp|mailto):[^>\s]+>|<[^>\s@]+@[^>\s]+\.[^>\s]+>)"
    r"|(?P<comment><!--.*?-->)"
    r"|(?P<html></?[A-Za-z][A-Za-z0-9-]*(?:\s+[^<>]*?)?\s*/?>)"
    r"|(?P<img>!\[)"
    r"|(?P<lbr>\[)"
    r"|(?P<rbr>\]\((?:[^()\s]|\([^()\s]*\))*(?:\s+(?:\"[^\"]*\"|'[^']*'))?\s*\)|\]\[[^\]]*\])"
    r"|(?P<url>(?:https?|ftp)://[^\s<>()\[\]]*[^\s<>()\[\].,;:!?'\"。，；：！？）])"
    r"|(?P<delim>\*+|_+|~~)")

_VOID = {"br", "hr", "img", "input", "meta", "link", "wbr", "area", "base", "col", "embed",
         "source", "track", "param"}


@dataclass
class _Tok:
    kind: str     # text, code, esc, auto, html, img, lbr, rbr, url, delim
    text: str
    pair: int = -1
    role: str = ""  # for delims/html: open or close
    extra: dict = field(default_factory=dict)


def parse_inline(text: str) -> InlineText:
    """A line's content as text plus codes (see the module docstring)."""
    toks: List[_Tok] = []
    pos = 0
    for m in _TOKENS.finditer(text):
        if m.start() > pos:
            toks.append(_Tok("text", text[pos:m.start()]))
        kind = m.lastgroup if m.lastgroup != "ticks" else "code"
        if m.group("code") is not None:
            kind = "code"
        toks.append(_Tok(kind or "text", m.group()))
        pos = m.end()
    if pos < len(text):
        toks.append(_Tok("text", text[pos:]))
    _pair_links(toks)
    _pair_html(toks)
    _pair_emphasis(toks)
    parts: List[Part] = []
    for t in toks:
        parts.append(_to_part(t))
    return InlineText(parts)


def _pair_links(toks: List[_Tok]) -> None:
    stack: List[int] = []
    for i, t in enumerate(toks):
        if t.kind in ("img", "lbr"):
            stack.append(i)
        elif t.kind == "rbr":
            if stack:
                j = stack.pop()
                toks[j].pair = toks[i].pair = i
                toks[j].extra["image"] = toks[j].kind == "img"
            else:
                t.kind = "text"
    for j in stack:
        toks[j].kind = "text"


def _pair_html(toks: List[_Tok]) -> None:
    stack: List[Tuple[str, int]] = []
    for i, t in enumerate(toks):
        if t.kind != "html":
            continue
        name = re.match(r"</?([A-Za-z][A-Za-z0-9-]*)", t.text).group(1).lower()
        if t.text.startswith("</"):
            for k in range(len(stack) - 1, -1, -1):
                if stack[k][0] == name:
                    j = stack[k][1]
                    toks[j].pair = t.pair = i
                    toks[j].role, t.role = "open", "close"
                    del stack[k:]
                    break
        elif not t.text.endswith("/>") and name not in _VOID:
            stack.append((name, i))


def _flank(toks: List[_Tok], i: int) -> Tuple[str, str]:
    before = ""
    for t in reversed(toks[:i]):
        if t.text:
            before = t.text[-1] if t.kind in ("text", "delim") else "x"
            break
    after = ""
    for t in toks[i + 1:]:
        if t.text:
            after = t.text[0] if t.kind in ("text", "delim") else "x"
            break
    return before, after


def _pair_emphasis(toks: List[_Tok]) -> None:
    openers: List[int] = []
    for i, t in enumerate(toks):
        if t.kind != "delim":
            continue
        before, after = _flank(toks, i)
        char = t.text[0]
        can_open = bool(after) and not after.isspace()
        can_close = bool(before) and not before.isspace()
        if char == "_":
            can_open = can_open and not (before.isalnum())
            can_close = can_close and not (after.isalnum())
        if can_close:
            for k in range(len(openers) - 1, -1, -1):
                o = toks[openers[k]]
                if o.text == t.text:
                    o.pair = t.pair = i
                    o.role, t.role = "open", "close"
                    del openers[k:]
                    break
            else:
                if can_open:
                    openers.append(i)
            continue
        if can_open:
            openers.append(i)
    for t in toks:
        if t.kind == "delim" and t.pair < 0:
            t.kind = "text"


_EMPHASIS = {"*": "em", "_": "em", "**": "strong", "__": "strong", "~~": "strike",
             "***": "strong-em", "___": "strong-em"}


def _to_part(t: _Tok) -> Part:
    if t.kind == "text":
        return t.text
    key = f"md{t.pair}"
    if t.kind == "code":
        inner = t.text.strip("`")
        return Code(STANDALONE, type="code", native=t.text, equiv=inner.strip(), format="md")
    if t.kind in ("auto", "url"):
        return Code(STANDALONE, type="url", native=t.text, equiv=t.text.strip("<>"), format="md")
    if t.kind == "esc":
        return Code(STANDALONE, type="x-escape", native=t.text, equiv=t.text[1:], format="md")
    if t.kind == "comment":
        return Code(STANDALONE, type="x-comment", native=t.text, format="md")
    if t.kind in ("img", "lbr"):
        kind = "image" if t.kind == "img" else "link"
        return Code(OPEN, pair=key, type=kind, native=t.text, format="md")
    if t.kind == "rbr":
        return Code(CLOSE, pair=key, type="link", native=t.text, format="md")
    if t.kind == "html":
        if t.pair < 0:
            return Code(STANDALONE, type="html", native=t.text, format="md")
        return Code(OPEN if t.role == "open" else CLOSE, pair=key, type="html", native=t.text,
                    format="md")
    if t.kind == "delim":
        return Code(OPEN if t.role == "open" else CLOSE, pair=key,
                    type=_EMPHASIS.get(t.text, "em"), native=t.text, format="md")
    return t.text


_EMPTY_DROPS = {"em", "strong", "strike", "strong-em"}


def render_inline(inline: InlineText) -> str:
    """A segment written back as Markdown (each code as its native markup). An emphasis pair around
    no text is left out: ``****`` would be literal asterisks, not an empty emphasis."""
    parts = list(inline.parts)
    out: List[str] = []
    k = 0
    while k < len(parts):
        p = parts[k]
        nxt = parts[k + 1] if k + 1 < len(parts) else None
        if isinstance(p, Code) and p.kind == OPEN and p.type in _EMPTY_DROPS \
                and isinstance(nxt, Code) and nxt.kind == CLOSE and nxt.pair == p.pair:
            k += 2
            continue
        out.append(p if isinstance(p, str) else (p.native or p.equiv))
        k += 1
    return "".join(out)


__all__ = ["MdLine", "markdown_lines", "parse_inline", "render_inline", "render_line"]

"""The words around an issue's span, for showing it in context."""
from __future__ import annotations

import re
from typing import Tuple

from ..normalize import CJK

_SPACES = re.compile(r"\s+")


def snippet(text: str, start: int, end: int, width: int = 60) -> Tuple[str, str, str]:
    """(before, span, after) around ``text[start:end]``, cut near ``width`` characters each side
    (half as many for Chinese), with '…' where text was left out and whitespace collapsed."""
    span = text[start:end]
    w = width // 2 if not text.isascii() and CJK.search(text, max(0, start - 10), end + 10) \
        else width
    b0 = start - w
    if b0 > 0:
        sp = text.find(" ", b0, start)
        before = "…" + text[(sp + 1 if sp != -1 else b0):start]
    else:
        before = text[:start]
    a1 = end + w
    if a1 < len(text):
        sp = text.rfind(" ", end, a1)
        after = text[end:(sp if sp != -1 else a1)] + "…"
    else:
        after = text[end:]
    return _collapsed(before), _collapsed(span), _collapsed(after)


def _collapsed(text: str) -> str:
    """``text`` with each run of whitespace made one space (printable text with no two spaces in
    a row has nothing to collapse: every whitespace character but the space is unprintable)."""
    if text.isprintable() and "  " not in text:
        return text
    return _SPACES.sub(" ", text)

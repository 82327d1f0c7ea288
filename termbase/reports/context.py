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
    w = width // 2 if CJK.search(text, max(0, start - 10), end + 10) else width
    b0 = max(0, start - w)
    if b0 > 0:
        sp = text.find(" ", b0, start)
        b0 = sp + 1 if sp != -1 else b0
    a1 = min(len(text), end + w)
    if a1 < len(text):
        sp = text.rfind(" ", end, a1)
        a1 = sp if sp != -1 else a1
    before = ("…" if b0 > 0 else "") + text[b0:start]
    after = text[end:a1] + ("…" if a1 < len(text) else "")
    clean = _SPACES.sub
    return clean(" ", before), clean(" ", span), clean(" ", after)

"""Literal placeholders in plain text: ``{0}``, ``{name}``, ``%s``, ``%1$d``, ``$VAR``, URLs, e-mail
addresses and HTML tags written as text (``<a href="…">``, ``</b>``).

They are text in a .txt or .po-derived file, but a translation must carry them unchanged: the
``placeholder-mismatch`` check compares them between source and target, and translation protects
them like inline codes (:func:`protect_literals`), so an engine can neither translate nor drop them
silently.
"""
from __future__ import annotations

import re
from typing import Dict, Iterator, List, Tuple

from . import STANDALONE, Code, InlineText, Part

_URL = r"(?:https?|ftp)://[^\s<>\"“”‘’（）《》，。；！？、]+|www\.[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+[^\s<>\"“”（）《》，。；！？、]*"
_EMAIL = r"(?<![A-Za-z0-9._%+-])[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}"
#: printf: %s %d %5.2f %-3d %1$s %% ; not a percentage ("30% of" - a digit before, or a space flag)
_PRINTF = r"(?<![0-9A-Za-z%])%(?:\d+\$)?[-+0#]*(?:\d+|\*)?(?:\.(?:\d+|\*))?(?:hh|h|ll|l|L|q|j|z|t)?[diouxXeEfFgGcrsap](?![A-Za-z])"
#: {0} {name} {name!r} {0:>5} and {{name}} templates; not a lone "{" or "{}" in prose
_BRACE = r"\{\{\s*[A-Za-z_][\w.]*\s*\}\}|\{(?:\d+|[A-Za-z_][\w.]*)(?:![rsa])?(?::[^{}\s]*)?\}"
#: $VAR, ${VAR}, $(VAR)
_SHELL = r"\$\{[A-Za-z_]\w*\}|\$\([A-Za-z_]\w*\)|(?<![\w$])\$[A-Za-z_][A-Za-z0-9_]*"

#: HTML/XML tags written as text (a .po message with markup): known HTML element names only, so
#: "x<y and y>z" stays text
_HTML_NAMES = ("a|abbr|b|big|blockquote|br|cite|code|del|div|em|font|h[1-6]|hr|i|img|ins|kbd|li|mark"
               "|ol|p|q|s|samp|small|span|strike|strong|sub|sup|table|td|th|tr|tt|u|ul|var")
_TAG = (rf"</(?i:{_HTML_NAMES})\s*>|<(?i:{_HTML_NAMES})(?:\s+[A-Za-z_:][-\w:.]*"
        rf"(?:\s*=\s*(?:\"[^\"<>]*\"|'[^'<>]*'|[^\s\"'<>=]+))?)*\s*/?>")

PLACEHOLDER = re.compile(f"(?P<tag>{_TAG})|(?P<url>{_URL})|(?P<email>{_EMAIL})|(?P<printf>{_PRINTF})"
                         f"|(?P<brace>{_BRACE})|(?P<shell>{_SHELL})")
_TRAILING = ".,;:!?)]}'\""
#: every placeholder contains one of these: text without any needs no regex
_TRIGGERS = ("%", "{", "$", "@", "<", "://", "www.", "WWW.")
#: PLACEHOLDER's alternatives, in its order, each with the strings one of which every match of it
#: holds; _PRINTF with its look-behind after the "%" (the same matches: a pattern that starts with
#: a look-behind is tried at every position, one that starts with "%" is searched by skipping to
#: the "%")
_KINDS = (("tag", _TAG, ("<",)), ("url", _URL, ("://", "www.")), ("email", _EMAIL, ("@",)),
          ("printf", "%(?<![0-9A-Za-z%]%)" + _PRINTF[len(r"(?<![0-9A-Za-z%])%"):], ("%",)),
          ("brace", _BRACE, ("{",)), ("shell", _SHELL, ("$",)))
assert _PRINTF.startswith(r"(?<![0-9A-Za-z%])%")
#: kinds that can occur in a text -> PLACEHOLDER with only their alternatives (an alternative that
#: matches nowhere in a text changes none of its matches)
_PLACEHOLDER_OF: Dict[Tuple[str, ...], "re.Pattern[str]"] = {}


def _placeholder_pattern(text: str) -> "re.Pattern[str]":
    """PLACEHOLDER without the alternatives that cannot match in ``text``."""
    kinds = tuple(k for k, _, needs in _KINDS if any(n in text for n in needs))
    rx = _PLACEHOLDER_OF.get(kinds)
    if rx is None:
        rx = _PLACEHOLDER_OF[kinds] = re.compile(
            "|".join(f"(?P<{k}>{p})" for k, p, _ in _KINDS if k in kinds) or "(?!)")
    return rx


def find_placeholders(text: str) -> Iterator[Tuple[int, int, str, str]]:
    """``(start, end, kind, text)`` of each literal placeholder; kind is tag, url, email, printf,
    brace or shell. A URL's trailing sentence punctuation is not part of it."""
    if not any(t in text for t in _TRIGGERS):
        return
    for m in _placeholder_pattern(text).finditer(text):
        kind = m.lastgroup or ""
        start, end = m.start(), m.end()
        if kind == "url":
            while end > start and text[end - 1] in _TRAILING:
                if text[end - 1] == ")" and text[start:end].count("(") >= text[start:end].count(")"):
                    break
                end -= 1
        yield start, end, kind, text[start:end]


def protect_literals(inline: InlineText) -> InlineText:
    """Each literal placeholder of the text turned into a standalone code (``format="text"``,
    ``type="placeholder"``, ``native`` the literal), so translation carries it as a code."""
    out: List[Part] = []
    for p in inline.parts:
        if not isinstance(p, str):
            out.append(p)
            continue
        pos = 0
        for start, end, kind, literal in find_placeholders(p):
            out.append(p[pos:start])
            out.append(Code(STANDALONE, type="placeholder", native=literal, format="text",
                            equiv=literal, attrs=(("kind", kind),)))
            pos = end
        out.append(p[pos:])
    return InlineText(out)


def unprotect_literals(inline: InlineText) -> InlineText:
    """The inverse of :func:`protect_literals`: literal codes back to text."""
    return InlineText(p.native if isinstance(p, Code) and p.format == "text" else p
                      for p in inline.parts)


__all__ = ["PLACEHOLDER", "find_placeholders", "protect_literals", "unprotect_literals"]

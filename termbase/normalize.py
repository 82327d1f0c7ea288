"""Length-preserving normalisation of Chinese text for matching.

Traditional characters become Simplified (OpenCC ``t2s``), full-width ASCII becomes half-width and
letters are lower-cased -- always one character for one character, so that a span found in the
normalised text is the same span in the original text.
"""
from __future__ import annotations

import re
from functools import lru_cache
from typing import List, Sequence

_WIDTH = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F)}
_WIDTH[0x3000] = 0x20  # ideographic space
#: the characters :func:`fold_width` changes: a text without any is returned as it is
#: (``str.translate`` looks up every character, about ten times the cost of this search)
_FULL_WIDTH = re.compile("[\uff01-\uff5e\u3000]")


@lru_cache(maxsize=1)
def _t2s():
    import opencc

    return opencc.OpenCC("t2s")


def fold_width(text: str) -> str:
    """Full-width ASCII forms (Ａ，１) to their half-width equivalents; same length."""
    return text.translate(_WIDTH) if _FULL_WIDTH.search(text) else text


def to_simplified(text: str) -> str:
    """Traditional to Simplified Chinese, guaranteed to keep the length of ``text``."""
    if not text or text.isascii():
        return text
    converted = _t2s().convert(text)
    if len(converted) == len(text):
        return converted
    conv = _t2s().convert
    out = []
    for ch in text:
        c = conv(ch)
        out.append(c if len(c) == 1 else ch)
    return "".join(out)


def _lower_same_length(text: str) -> str:
    low = text.lower()
    if len(low) == len(text):
        return low
    return "".join(c if len(c.lower()) != 1 else c.lower() for c in text)


def normalize_zh(text: str) -> str:
    """Normalise text for term matching: width-folded, Simplified, lower-case, same length."""
    return _lower_same_length(to_simplified(fold_width(text)))


def normalize_many(texts: Sequence[str]) -> List[str]:
    """:func:`normalize_zh` of many short strings at once (one OpenCC call instead of many)."""
    if not texts:
        return []
    if any("\n" in t for t in texts):
        return [normalize_zh(t) for t in texts]
    out = normalize_zh("\n".join(texts)).split("\n")
    if len(out) != len(texts):  # pragma: no cover - defensive
        return [normalize_zh(t) for t in texts]
    return out


#: the CJK ideograph ranges of :func:`is_cjk`, as the body of a regex character class
CJK_CLASS = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002fa1f"
#: one CJK ideograph
CJK = re.compile(f"[{CJK_CLASS}]")


def has_cjk(text: str) -> bool:
    """True when ``text`` holds at least one CJK ideograph."""
    return CJK.search(text) is not None


def is_cjk(ch: str) -> bool:
    """True for a CJK unified ideograph (incl. extension A and compatibility forms)."""
    cp = ord(ch)
    return (0x4E00 <= cp <= 0x9FFF or 0x3400 <= cp <= 0x4DBF or 0xF900 <= cp <= 0xFAFF
            or 0x20000 <= cp <= 0x2FA1F)

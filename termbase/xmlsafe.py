"""Parsing XML from users safely: no entities, no external DTD, no network, no XInclude.

The guard decides on the *decoded* document: the encoding is found the way an XML parser
finds it (byte-order mark, UTF-16/UTF-32 byte patterns, then the encoding declaration), the
prolog is read as text, and the document handed to lxml is exactly what the guard read
(re-encoded as UTF-8), so no encoding can route around it.

Accepted: a ``<!DOCTYPE>`` without internal subset (OmegaT's TMX with ``tmx11.dtd``, TBX v2 with
the MARTIF DOCTYPE) or with an internal subset that declares no entities; the external DTD is
never loaded. Refused, with a one-line error naming the line: entity declarations (internal,
external, parameter), parameter-entity references, conditional sections, references to
entities nobody declared, XInclude elements. In Office Open XML parts (``ooxml=True``: every XML
part of a .docx or .xlsx) any DTD is refused and only UTF-8 and UTF-16 are allowed, as
ECMA-376 Part 2 §8.1.4 requires of package readers ([M1.17], [M1.18]).

Limits (libxml2 without ``huge_tree``): 256 levels of nesting, 10 MB in one text node; inputs
are capped by :data:`termbase.textio.MAX_INPUT_BYTES`.
"""
from __future__ import annotations

import codecs
import re
from pathlib import Path
from typing import Optional, Tuple, Union

from .errors import InputError
from .textio import InputSource, bom_encoding, read_bytes, source_name

XINCLUDE_NAMESPACES = ("http://www.w3.org/2001/XInclude", "http://www.w3.org/2003/XInclude")
#: nesting depth libxml2 allows without ``huge_tree``
MAX_DEPTH = 256

_DECL = re.compile(r"<\?xml(?=[\s?])[^>]*?\?>", re.DOTALL)
_DECL_ENCODING = re.compile(r"""(\bencoding\s*=\s*)(["'])([^"']*)\2""")
_DECL_ENCODING_BYTES = re.compile(rb"""^<\?xml[^>]*?\bencoding\s*=\s*["']([A-Za-z0-9._:-]+)["']""",
                                  re.DOTALL)
_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_NAME = re.compile(r"[^\s\"'%>\[\]]+")


def _line(text: str, pos: int) -> int:
    return len(_LINE_BREAK.findall(text, 0, pos)) + 1


def _family(codec: str) -> str:
    name = codecs.lookup(codec).name
    if name.startswith("utf-16"):
        return "utf-16"
    if name.startswith("utf-32"):
        return "utf-32"
    return name


def _sniff_wide(data: bytes) -> Optional[str]:
    """UTF-16/UTF-32 without byte-order mark, from the pattern of zero bytes at the start."""
    head = data[:4]
    if len(head) < 4:
        return None
    z = [b == 0 for b in head]
    if z == [True, True, True, False]:
        return "utf-32-be"
    if z == [False, True, True, True]:
        return "utf-32-le"
    if z[0] and not z[1] and z[2] and not z[3]:
        return "utf-16-be"
    if not z[0] and z[1] and not z[2] and z[3]:
        return "utf-16-le"
    return None


def decode_xml(data: bytes, path: Union[str, Path, InputSource] = "<xml>", *,
               ooxml: bool = False) -> Tuple[str, str]:
    """The document as text and the codec it was read with.

    The encoding comes from the byte-order mark, else the UTF-16/32 byte pattern, else the
    encoding declaration (UTF-8 when none). Raises :class:`InputError` for an unknown or
    lying encoding, undecodable bytes, or (``ooxml``) an encoding other than UTF-8/UTF-16.
    """
    name = str(path)
    enc, skip = bom_encoding(data)
    if enc is None:
        enc = _sniff_wide(data)
    declared: Optional[str] = None
    if enc is None:
        m = _DECL_ENCODING_BYTES.match(data[:1024])
        if m:
            declared = m.group(1).decode("ascii")
            try:
                enc = codecs.lookup(declared).name
            except LookupError:
                raise InputError(name, f"unknown encoding '{declared}' in the XML declaration",
                                 line=1) from None
            if _family(enc) in ("utf-16", "utf-32"):
                raise InputError(name, f"the XML declaration says {declared} but the file is not "
                                       f"{declared} (no byte-order mark); re-save it", line=1)
        else:
            enc = "utf-8"
    if ooxml and _family(enc) not in ("utf-8", "utf-16"):
        raise InputError(name, f"Office Open XML parts must be UTF-8 or UTF-16 (ECMA-376 Part 2, "
                               f"M1.17), found {declared or enc}", line=1)
    try:
        text = data[skip:].decode(enc)
    except UnicodeDecodeError as exc:
        done = data[skip:skip + exc.start].decode(enc, "replace")
        raise InputError(name, f"not valid {declared or enc.upper()} ({exc.reason}); check the "
                               "encoding declaration", line=_line(done, len(done))) from None
    if text.startswith("\ufeff"):
        text = text[1:]
    if ooxml:
        m = _DECL.match(text)
        if m:
            d = _DECL_ENCODING.search(m.group(0))
            if d and _family_or_none(d.group(3)) not in ("utf-8", "utf-16"):
                raise InputError(name, "Office Open XML parts must be UTF-8 or UTF-16 (ECMA-376 "
                                       f"Part 2, M1.17), found {d.group(3)}", line=1)
    return text, enc


def _family_or_none(codec: str) -> Optional[str]:
    try:
        return _family(codec)
    except LookupError:
        return None


class _Refusal(Exception):
    def __init__(self, pos: int, message: str):
        self.pos = pos
        self.message = message


_PE_REFUSAL = ("parameter entity references are refused (possible XXE attack); remove them from "
               "the <!DOCTYPE> block")


def _skip_literal(text: str, i: int) -> int:
    quote = text[i]
    j = text.find(quote, i + 1)
    if j < 0:
        raise _Refusal(i, "unterminated quoted string in the <!DOCTYPE> block")
    return j + 1


def _skip_to(text: str, i: int, end: str, what: str) -> int:
    j = text.find(end, i)
    if j < 0:
        raise _Refusal(i, f"unterminated {what} in the <!DOCTYPE> block")
    return j + len(end)


def _scan_declaration(text: str, j: int, stops: str) -> int:
    """The index of the first of ``stops`` from ``j`` on, outside quoted literals (``len(text)``
    when none); a parameter-entity reference on the way is refused."""
    n = len(text)
    while j < n and text[j] not in stops:
        if text[j] in "\"'":
            j = _skip_literal(text, j)
            continue
        if text[j] == "%":
            raise _Refusal(j, _PE_REFUSAL)
        j += 1
    return j


def _check_internal_subset(text: str, i: int) -> int:
    """Scan the internal subset starting after ``[``; the index after ``]``."""
    n = len(text)
    while i < n:
        c = text[i]
        if c.isspace():
            i += 1
        elif c == "]":
            return i + 1
        elif text.startswith("<!--", i):
            i = _skip_to(text, i + 4, "-->", "comment")
        elif text.startswith("<?", i):
            i = _skip_to(text, i + 2, "?>", "processing instruction")
        elif text.startswith("<!ENTITY", i):
            rest = text[i + 8:i + 8 + 400]
            m = re.match(r"\s+(%\s+)?([^\s\"']+)\s+(SYSTEM|PUBLIC)?", rest)
            entity = m.group(2) if m else "?"
            if m and m.group(1):
                why = f"possible XXE attack: parameter entity %{entity}"
            elif m and m.group(3):
                why = f"possible XXE attack: external entity '{entity}' would read a file or URL"
            else:
                why = f"possible entity-expansion attack: entity '{entity}'"
            raise _Refusal(i, f"entity declarations are refused ({why}); remove it from the "
                              "<!DOCTYPE> block")
        elif text.startswith(("<!ELEMENT", "<!ATTLIST", "<!NOTATION"), i):
            j = _scan_declaration(text, i + 2, ">")
            if j >= n:
                raise _Refusal(i, "unterminated declaration in the <!DOCTYPE> block")
            i = j + 1
        elif c == "%":
            raise _Refusal(i, _PE_REFUSAL)
        elif text.startswith("<![", i):
            raise _Refusal(i, "conditional section refused in the <!DOCTYPE> block")
        else:
            raise _Refusal(i, "unexpected content in the <!DOCTYPE> internal subset; refused")
    raise _Refusal(i, "unterminated <!DOCTYPE> internal subset")


def check_prolog(text: str, path: Union[str, Path] = "<xml>", *, ooxml: bool = False) -> None:
    """Refuse what the prolog of ``text`` may not hold (see the module docstring)."""
    name = str(path)
    i, n = 0, len(text)
    m = _DECL.match(text)
    if m:
        i = m.end()
    try:
        while i < n:
            c = text[i]
            if c.isspace():
                i += 1
            elif text.startswith("<!--", i):
                j = text.find("-->", i + 4)
                if j < 0:
                    return  # malformed: the parser says so
                i = j + 3
            elif text.startswith("<?", i):
                j = text.find("?>", i + 2)
                if j < 0:
                    return
                i = j + 2
            elif text[i:i + 9].upper() == "<!DOCTYPE":
                if ooxml:
                    raise _Refusal(i, "DTD declarations are not allowed in Office Open XML parts "
                                      "(ECMA-376 Part 2, M1.18); refused")
                j = _scan_declaration(text, i + 9, "[>")
                if j < n and text[j] == "[":
                    _check_internal_subset(text, j + 1)
                return
            elif text.startswith("<!", i):
                raise _Refusal(i, "unexpected declaration before the root element; refused")
            else:
                return
    except _Refusal as r:
        raise InputError(name, r.message, line=_line(text, r.pos)) from None


def _declares_utf8_or_nothing(text: str) -> bool:
    m = _DECL.match(text)
    d = _DECL_ENCODING.search(m.group(0)) if m else None
    return d is None or _family_or_none(d.group(3)) == "utf-8"


def _utf8_document(text: str) -> bytes:
    """``text`` as UTF-8 bytes with its encoding declaration saying so (lines unchanged)."""
    m = _DECL.match(text)
    if m:
        decl = _DECL_ENCODING.sub(lambda d: f'{d.group(1)}"UTF-8"', m.group(0), count=1)
        text = decl + text[m.end():]
    return text.encode("utf-8", "surrogatepass")


def _parser():
    from lxml import etree

    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                           dtd_validation=False, huge_tree=False, remove_comments=False,
                           attribute_defaults=False, remove_pis=False)


def parse_xml(data: bytes, path: Union[str, Path, InputSource] = "<xml>", *, ooxml: bool = False):
    """Parse XML bytes safely; returns the root element (lxml).

    Raises :class:`InputError` (``FILE:LINE: message``) for hostile or malformed XML; see the
    module docstring for what is accepted. ``ooxml``: the stricter rules of a .docx/.xlsx part.
    """
    from lxml import etree

    name = str(path)
    text, codec = decode_xml(data, name, ooxml=ooxml)
    if not text or text.isspace():  # isspace stops at the first other character
        raise InputError(name, "file is empty")
    check_prolog(text, name, ooxml=ooxml)
    # lxml parses exactly the text the guard read: UTF-8 bytes as they are (they decode to
    # that text, and the declaration, if any, says UTF-8), anything else re-encoded as UTF-8
    body = data if codec == "utf-8" and _declares_utf8_or_nothing(text) else _utf8_document(text)
    del text
    try:
        root = etree.fromstring(body, _parser())
    except etree.XMLSyntaxError as exc:
        line = exc.lineno if getattr(exc, "lineno", None) else None
        msg = str(exc.msg if hasattr(exc, "msg") else exc)
        msg = re.sub(r",? line \d+, column \d+$", "", msg)
        if "Excessive depth" in msg or "Maximum depth" in msg:
            msg = f"elements nested deeper than {MAX_DEPTH} levels; refused"
            raise InputError(name, msg, line=line) from None
        raise InputError(name, f"malformed XML: {msg}", line=line) from None
    except MemoryError:
        raise InputError(name, "not enough memory to parse it") from None
    if root is None:
        raise InputError(name, "no XML document found")
    _check_tree(root, name)
    return root


def _check_tree(root, name: str) -> None:
    """Second line of defence, on what libxml2 actually built."""
    from lxml import etree

    dtd = root.getroottree().docinfo.internalDTD
    if dtd is not None:
        for entity in dtd.iterentities():
            raise InputError(name, "entity declarations are refused (possible entity-expansion "
                                   f"attack: entity '{entity.name}'); remove it from the "
                                   "<!DOCTYPE> block")
    # one pass over the tree for both
    for node in root.iter(etree.Entity, *(f"{{{ns}}}*" for ns in XINCLUDE_NAMESPACES)):
        if isinstance(node, etree._Entity):
            raise InputError(name, f"entity reference {node.text} is not defined in the file "
                                   "(external DTDs are never loaded); write the character itself",
                             line=node.sourceline)
        raise InputError(name, "XInclude is refused (it would read other files or URLs); "
                               "remove the xi:include element", line=node.sourceline)


def read_xml(source: Union[str, Path, InputSource]):
    """Read (path, ``-`` or :class:`~termbase.textio.InputSource`) and safely parse an XML file;
    see :func:`parse_xml`."""
    return parse_xml(read_bytes(source), source_name(source))


__all__ = ["MAX_DEPTH", "check_prolog", "decode_xml", "parse_xml", "read_xml"]

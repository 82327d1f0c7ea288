"""Builders of hostile inputs for the hostile-input suite: XML attacks in every XML format and
encoding, damaged and bomb Office containers. Everything is generated at test time."""
from __future__ import annotations

import io
import struct
import zipfile
from pathlib import Path
from typing import Dict, Optional

ZH, EN = "华龙网", "Huanglong Newsnet"

# -- XML documents -------------------------------------------------------------------------

#: format → (root element, document with BODY where the English goes, EXTRA after it)
XML_FORMATS: Dict[str, tuple] = {
    "tbx": ("tbx", '<tbx type="TBX-Basic" style="dca" xml:lang="en" '
                   'xmlns="urn:iso:std:iso:30042:ed-2"><tbxHeader><fileDesc><sourceDesc><p>x</p>'
                   '</sourceDesc></fileDesc></tbxHeader><text><body><conceptEntry id="c1">'
                   f'<langSec xml:lang="zh-CN"><termSec><term>{ZH}</term></termSec></langSec>'
                   '<langSec xml:lang="en"><termSec><term>BODY</term>EXTRA</termSec></langSec>'
                   '</conceptEntry></body></text></tbx>'),
    "xliff": ("xliff", '<xliff version="1.2" xmlns="urn:oasis:names:tc:xliff:document:1.2">'
                       '<file source-language="zh-CN" target-language="en" datatype="plaintext" '
                       f'original="x"><body><trans-unit id="1"><source>{ZH}报道。</source>'
                       '<target>BODY reports.</target>EXTRA</trans-unit></body></file></xliff>'),
    "tmx": ("tmx", '<tmx version="1.4"><header creationtool="t" creationtoolversion="1" '
                   'segtype="sentence" o-tmf="t" adminlang="en" srclang="zh-CN" datatype="plaintext"/>'
                   f'<body><tu><tuv xml:lang="zh-CN"><seg>{ZH}报道。</seg></tuv>'
                   '<tuv xml:lang="en"><seg>BODY reports.</seg></tuv>EXTRA</tu></body></tmx>'),
}

_LAUGHS = "".join(f'<!ENTITY lol{i} "{("&lol%d;" % (i - 1)) * 10}">' for i in range(1, 10))

#: attack → (DOCTYPE template with ROOT, English body, extra markup)
XML_ATTACKS: Dict[str, tuple] = {
    "internal-entity": ('<!DOCTYPE ROOT [\n<!ENTITY e "Huanglong">\n]>', "&e;", ""),
    "billion-laughs": ('<!DOCTYPE ROOT [\n<!ENTITY lol0 "lol">' + _LAUGHS + "\n]>", "&lol9;", ""),
    "external-entity": ('<!DOCTYPE ROOT [\n<!ENTITY e SYSTEM "file:///etc/hostname">\n]>', "&e;",
                        ""),
    "parameter-entity": ('<!DOCTYPE ROOT [\n<!ENTITY % p SYSTEM "http://127.0.0.1:9/x.dtd">\n%p;\n]>',
                         EN, ""),
    "undeclared-entity": ('<!DOCTYPE ROOT SYSTEM "file:///etc/passwd">', "&e;", ""),
    "xinclude": ("", EN, '<xi:include xmlns:xi="http://www.w3.org/2001/XInclude" '
                         'href="file:///etc/hostname" parse="text"/>'),
}

#: what each attack's one-line error says
XML_ATTACK_MESSAGES = {
    "internal-entity": "entity declarations are refused",
    "billion-laughs": "entity declarations are refused",
    "external-entity": "entity declarations are refused (possible XXE attack",
    "parameter-entity": "entity declarations are refused (possible XXE attack: parameter entity",
    "undeclared-entity": "entity reference &e; is not defined",
    "xinclude": "XInclude is refused",
}

#: encoding name → (codec, byte-order mark written, what the declaration says)
XML_ENCODINGS = {
    "utf-8": ("utf-8", b"", "UTF-8"),
    "utf-16-bom": ("utf-16-le", b"\xff\xfe", "UTF-16"),
    "utf-16be-nobom": ("utf-16-be", b"", "UTF-16"),
    "utf-32-bom": ("utf-32-le", b"\xff\xfe\x00\x00", "UTF-32"),
}


def xml_document(fmt: str, attack: Optional[str] = None, encoding: str = "utf-8",
                 doctype: Optional[str] = None) -> bytes:
    """A TBX/XLIFF/TMX document carrying ``attack`` (or ``doctype``), in ``encoding``."""
    root, template = XML_FORMATS[fmt]
    prolog, body, extra = XML_ATTACKS[attack] if attack else (doctype or "", EN, "")
    codec, bom, declared = XML_ENCODINGS[encoding]
    text = (f'<?xml version="1.0" encoding="{declared}"?>\n' + prolog.replace("ROOT", root)
            + "\n" + template.replace("BODY", body).replace("EXTRA", extra) + "\n")
    return bom + text.encode(codec)


# -- Office containers -----------------------------------------------------------------------

def docx_bytes(text: str = f"{ZH}报道。") -> bytes:
    """A real .docx made by python-docx with one paragraph."""
    import docx

    d = docx.Document()
    d.add_paragraph(text)
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


def xlsx_bytes() -> bytes:
    """A real .xlsx glossary made by openpyxl."""
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["zh", "en"])
    sheet.append([ZH, EN])
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()


MAIN_PART = {"docx": "word/document.xml", "xlsx": "xl/worksheets/sheet1.xml"}


def rezip(data: bytes, *, replace: Optional[Dict[str, bytes]] = None, drop: tuple = (),
          add: Optional[Dict[str, bytes]] = None, stored: tuple = ()) -> bytes:
    """Rebuild a ZIP: members replaced, dropped, added; ``stored`` members not compressed."""
    replace = replace or {}
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for info in src.infolist():
            if info.filename in drop:
                continue
            body = replace.get(info.filename, src.read(info))
            method = zipfile.ZIP_STORED if info.filename in stored else zipfile.ZIP_DEFLATED
            z.writestr(zipfile.ZipInfo(info.filename, info.date_time), body, method)
        for name, body in (add or {}).items():
            z.writestr(name, body)
    return out.getvalue()


def with_xml_in_part(data: bytes, kind: str, transform) -> bytes:
    """The package with its main part's XML passed through ``transform(bytes) -> bytes``."""
    part = MAIN_PART[kind]
    original = zipfile.ZipFile(io.BytesIO(data)).read(part)
    return rezip(data, replace={part: transform(original)})


def insert_doctype(xml: bytes, doctype: bytes) -> bytes:
    """``xml`` with ``doctype`` after its XML declaration."""
    decl, sep, rest = xml.partition(b"?>")
    return decl + sep + b"\n" + doctype + rest if sep else doctype + xml


def set_declaration(xml: bytes, encoding: str) -> bytes:
    """``xml`` (UTF-8) with its XML declaration replaced by one naming ``encoding``."""
    import re

    body = re.sub(rb"^<\?xml[^>]*\?>", b"", xml)
    return f'<?xml version="1.0" encoding="{encoding}"?>'.encode() + body


def _patch_headers(data: bytes, member: str, local_offset: int, central_offset: int,
                   fmt: str, value: int, *, mode: str = "set") -> bytes:
    """Patch a field of ``member`` in its local header and its central directory entry."""
    buf = bytearray(data)
    name = member.encode()
    for sig, off in ((b"PK\x03\x04", local_offset), (b"PK\x01\x02", central_offset)):
        start = 0
        while True:
            i = buf.find(sig, start)
            if i < 0:
                break
            start = i + 4
            name_at = i + (30 if sig == b"PK\x03\x04" else 46)
            if bytes(buf[name_at:name_at + len(name)]) != name:
                continue
            old = struct.unpack_from(fmt, buf, i + off)[0]
            struct.pack_into(fmt, buf, i + off, old | value if mode == "or" else value)
    return bytes(buf)


def damaged(kind: str, damage: str) -> bytes:
    """A .docx/.xlsx with one kind of damage (see :data:`DAMAGES`)."""
    good = docx_bytes() if kind == "docx" else xlsx_bytes()
    part = MAIN_PART[kind]
    if damage == "not-zip":
        return "这不是压缩包 — plain text saved with the wrong extension\n".encode("utf-8")
    if damage == "truncated":
        return good[: len(good) // 2]
    if damage == "empty":
        return b""
    if damage == "bad-crc":
        data = rezip(good, stored=(part,))
        i = data.find(b"<", data.find(part.encode()) + len(part))  # first XML byte of the part
        return data[:i + 10] + bytes([data[i + 10] ^ 0x20]) + data[i + 11:]
    if damage == "encrypted":
        return _patch_headers(good, part, 6, 8, "<H", 0x1, mode="or")
    if damage == "unknown-compression":
        return _patch_headers(good, part, 8, 10, "<H", 99)
    if damage == "missing-part":
        return rezip(good, drop=(part,))
    if damage == "duplicate-member":
        out = io.BytesIO(good)
        import warnings

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            with zipfile.ZipFile(out, "a") as z:
                z.writestr(part, b"<x/>")
        return out.getvalue()
    if damage == "no-content-types":
        return rezip(good, drop=("[Content_Types].xml",))
    raise ValueError(damage)


#: damage → what its one-line error says
DAMAGES = {
    "not-zip": "not a ZIP package",
    "truncated": "damaged ZIP",
    "empty": "file is empty",
    "bad-crc": "bad CRC-32",
    "encrypted": "is encrypted",
    "unknown-compression": "compression method 99",
    "missing-part": "is missing",
    "duplicate-member": "appears twice",
    "no-content-types": "[Content_Types].xml missing",
}


def bomb(kind: str, inflated: int, declared: Optional[int] = None, parts: int = 1) -> bytes:
    """A package whose main part (and ``parts - 1`` copies) inflates to ``inflated`` bytes,
    declaring ``declared`` bytes when given (a lie; by default the true size)."""
    good = docx_bytes() if kind == "docx" else xlsx_bytes()
    part = MAIN_PART[kind]
    src = zipfile.ZipFile(io.BytesIO(good))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for info in src.infolist():
            if info.filename == part:
                for n in range(parts):
                    big = zipfile.ZipInfo(part if n == 0 else f"{part}.{n}.xml", info.date_time)
                    big.compress_type = zipfile.ZIP_DEFLATED
                    with z.open(big, "w", force_zip64=False) as fh:
                        chunk = b" " * (1 << 20)
                        for _ in range(inflated // len(chunk)):
                            fh.write(chunk)
            else:
                z.writestr(info, src.read(info))
    if declared is None:
        return out.getvalue()
    # the lie: the member says it holds `declared` bytes (local header and central directory)
    return _patch_headers(out.getvalue(), part, 22, 24, "<I", declared)


def write(path: Path, data) -> Path:
    """Write bytes or UTF-8 text to ``path``; returns it."""
    path.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))
    return path

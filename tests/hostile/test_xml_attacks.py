"""XML attacks in every XML-bearing format and encoding, through every command that reads it.

The guard decides on the decoded document, so UTF-16 (with or without BOM) and UTF-32 carry
no attack past it; DOCTYPEs that declare no entities are read (and their DTD never loaded).
"""
from __future__ import annotations

import pytest

from hostile_files import (EN, XML_ATTACK_MESSAGES, XML_ATTACKS, XML_ENCODINGS, ZH, damaged,
                           docx_bytes, insert_doctype, set_declaration, with_xml_in_part, write, xlsx_bytes,
                           xml_document)
from conftest import assert_one_line_error

#: format → the commands that read it (the case's encoding picks one, so all are covered)
READERS = {
    "tbx": [("terms", "import", "{f}")],
    "xliff": [("check", "{f}"), ("translate", "{f}", "--engine", "fake", "-q", "-o", "-")],
    "tmx": [("check", "{f}"), ("terms", "extract", "{f}")],
}
EXTENSION = {"tbx": ".tbx", "xliff": ".xlf", "tmx": ".tmx"}
CASES = [(fmt, attack, enc) for fmt in READERS for attack in XML_ATTACKS for enc in XML_ENCODINGS]


@pytest.mark.parametrize("fmt,attack,encoding", CASES)
def test_xml_attack_is_refused_in_one_line(ws, fmt, attack, encoding):
    f = write(ws.path("in" + EXTENSION[fmt]), xml_document(fmt, attack, encoding))
    commands = READERS[fmt]
    command = commands[list(XML_ENCODINGS).index(encoding) % len(commands)]
    snap = ws.snapshot()
    res = ws.cli(*[a.format(f=f) for a in command])
    line = assert_one_line_error(res, XML_ATTACK_MESSAGES[attack])
    assert str(f) in line or f.name in line
    assert "root:" not in res.output  # /etc/passwd never read
    snap.assert_unchanged()


@pytest.mark.parametrize("fmt,encoding,doctype", [
    ("tmx", "utf-8", '<!DOCTYPE tmx SYSTEM "tmx11.dtd">'),                       # OmegaT
    ("tmx", "utf-16-bom", '<!DOCTYPE tmx SYSTEM "tmx14.dtd">'),
    ("tbx", "utf-8", '<!DOCTYPE tbx SYSTEM "http://127.0.0.1:9/never-fetched.dtd">'),
    ("xliff", "utf-16be-nobom", '<!DOCTYPE xliff [\n<!ELEMENT xliff ANY>\n'
                                '<!ATTLIST xliff version CDATA "1.2">\n<!-- no entity -->\n]>'),
])
def test_doctype_without_entities_is_read(ws, fmt, encoding, doctype):
    f = write(ws.path("ok" + EXTENSION[fmt]), xml_document(fmt, None, encoding, doctype=doctype))
    command = READERS[fmt][0]
    res = ws.cli(*[a.format(f=f) for a in command])
    assert res.exit_code == 0, res.output
    assert "Traceback" not in res.output


def test_martif_doctype_tbx_v2_imports(ws):
    doc = ('<?xml version="1.0" encoding="UTF-8"?>\n'
           '<!DOCTYPE martif PUBLIC "ISO 12200:1999A//DTD MARTIF core (DXFcdV04)//EN" '
           '"TBXcdv04.dtd">\n<martif type="TBX" xml:lang="en"><martifHeader><fileDesc>'
           '<sourceDesc><p>x</p></sourceDesc></fileDesc></martifHeader><text><body>'
           f'<termEntry id="t1"><langSet xml:lang="zh"><tig><term>{ZH}</term></tig></langSet>'
           f'<langSet xml:lang="en"><tig><term>{EN}</term></tig></langSet></termEntry>'
           '</body></text></martif>\n')
    f = write(ws.path("v2.tbx"), doc)
    res = ws.cli("terms", "import", f)
    assert res.exit_code == 0 and f"{ZH},{EN}" in res.stdout


# -- XML inside Office containers ------------------------------------------------------------

OOXML_ATTACKS = {
    "doctype-without-subset": (lambda x: insert_doctype(x, b'<!DOCTYPE x SYSTEM "x.dtd">'),
                               "DTD declarations are not allowed in Office Open XML parts"),
    "entity": (lambda x: insert_doctype(x, b'<!DOCTYPE x [<!ENTITY e "boom">]>'),
               "DTD declarations are not allowed"),
    "utf-16-part-with-dtd": (lambda x: b"\xff\xfe" + insert_doctype(
        set_declaration(x, "UTF-16"), b'<!DOCTYPE x [<!ENTITY e "boom">]>').decode("utf-8")
        .encode("utf-16-le"), "DTD declarations are not allowed"),
    "latin-1-part": (lambda x: set_declaration(x, "ISO-8859-1"), "must be UTF-8 or UTF-16"),
    "xinclude": (lambda x: x.replace(b"</", b'<xi:include xmlns:xi="http://www.w3.org/2001/'
                                            b'XInclude" href="/etc/passwd"/></', 1),
                 "XInclude is refused"),
}


@pytest.mark.parametrize("attack", sorted(OOXML_ATTACKS))
@pytest.mark.parametrize("kind", ["docx", "xlsx"])
def test_xml_attack_inside_office_file_is_refused(ws, kind, attack):
    transform, message = OOXML_ATTACKS[attack]
    good = docx_bytes() if kind == "docx" else xlsx_bytes()
    f = write(ws.path(f"evil.{kind}"), with_xml_in_part(good, kind, transform))
    snap = ws.snapshot()
    if kind == "docx":
        res = ws.cli("translate", f, "--engine", "fake", "-q")   # would write evil.en.docx
    else:
        res = ws.cli("terms", "import", f)
    line = assert_one_line_error(res, message)
    assert "evil" in line
    snap.assert_unchanged()


def test_docx_doctype_is_refused_by_check_too(ws):
    f = write(ws.path("evil.docx"), with_xml_in_part(
        docx_bytes(), "docx", lambda x: insert_doctype(x, b'<!DOCTYPE x [<!ENTITY e "b">]>')))
    en = write(ws.path("en.docx"), docx_bytes(f"{EN} reports."))
    snap = ws.snapshot()
    assert_one_line_error(ws.cli("check", f, en), "DTD declarations are not allowed")
    assert_one_line_error(ws.cli("check", f), "DTD declarations are not allowed")
    snap.assert_unchanged()


def test_damaged_helper_builds_what_it_says():
    # the builders themselves: a damaged part is really damaged (guards the suite's meaning)
    import io
    import zipfile

    with pytest.raises(zipfile.BadZipFile):
        zipfile.ZipFile(io.BytesIO(damaged("docx", "bad-crc"))).read("word/document.xml")

"""Damaged and bomb Office files (.docx, .xlsx): one-line errors before python-docx or openpyxl
see them; the ZIP limit counts the bytes actually inflated, not what the members declare."""
from __future__ import annotations

import io
import zipfile

import pytest

from hostile_files import DAMAGES, EN, bomb, damaged, docx_bytes, write
from conftest import assert_one_line_error


def _read(ws, kind: str, f):
    """The command that reads ``f``: translate and check for .docx, terms import for .xlsx."""
    if kind == "docx":
        return ws.cli("translate", f, "--engine", "fake", "-q")
    return ws.cli("terms", "import", f)


@pytest.mark.parametrize("damage", sorted(DAMAGES))
@pytest.mark.parametrize("kind", ["docx", "xlsx"])
def test_damaged_office_file_is_one_line_error(ws, kind, damage):
    f = write(ws.path(f"broken.{kind}"), damaged(kind, damage))
    snap = ws.snapshot()
    line = assert_one_line_error(_read(ws, kind, f), DAMAGES[damage])
    assert "broken" in line
    snap.assert_unchanged()


@pytest.mark.parametrize("damage", ["bad-crc", "encrypted", "missing-part"])
def test_damaged_docx_in_check_is_one_line_error(ws, damage):
    f = write(ws.path("zh.docx"), damaged("docx", damage))
    en = write(ws.path("en.docx"), docx_bytes(f"{EN} reports."))
    snap = ws.snapshot()
    assert_one_line_error(ws.cli("check", f, en), DAMAGES[damage])
    snap.assert_unchanged()


@pytest.mark.parametrize("parts,declared,message", [
    (1, None, "expands to more than 4 MiB"),      # one member, honest about its 12 MiB
    (3, None, "expands to more than 4 MiB"),      # three 3 MiB members, each under the limit
    (1, 1024, "damaged"),                         # lies (1 KB): inflating stops at the lie
])
@pytest.mark.parametrize("kind", ["docx", "xlsx"])
def test_zip_bomb_is_stopped_by_the_inflated_byte_counter(ws, kind, parts, declared, message,
                                                          monkeypatch):
    import termbase.ooxml as ooxml

    # a small limit keeps the test quick; the code path is the one of the real 256 MiB limit
    monkeypatch.setattr(ooxml, "MAX_INFLATED", 4 * 1024 * 1024)
    size = (12 if parts == 1 else 3) * 1024 * 1024
    data = bomb(kind, inflated=size, declared=declared, parts=parts)
    assert len(data) < 200_000  # 60 times smaller than what it inflates to
    f = write(ws.path(f"bomb.{kind}"), data)
    snap = ws.snapshot()
    assert_one_line_error(_read(ws, kind, f), message)
    snap.assert_unchanged()


def test_package_with_too_many_members_is_refused(ws, monkeypatch):
    import termbase.ooxml as ooxml

    monkeypatch.setattr(ooxml, "MAX_MEMBERS", 20)
    buf = io.BytesIO(docx_bytes())
    with zipfile.ZipFile(buf, "a") as z:
        for i in range(30):
            z.writestr(f"junk/{i}.bin", b"x")
    f = write(ws.path("many.docx"), buf.getvalue())
    assert_one_line_error(_read(ws, "docx", f), "more than 20 members")


def test_real_documents_pass_the_safety_pass(ws):
    f = write(ws.path("ok.docx"), docx_bytes())
    res = ws.cli("translate", f, "--engine", "fake", "-q")
    assert res.exit_code == 0, res.output
    assert ws.path("ok.en.docx").read_bytes().startswith(b"PK")

"""Glossary rewrites (terms add, terms import --merge): encoding and line endings kept, rows that
would break the file refused, concurrent writers all land, special places refused."""
from __future__ import annotations

import os
import subprocess
import sys

import pytest

from hostile_files import write
from conftest import ROOT, assert_one_line_error

ENCODINGS = {
    "utf-8": ("utf-8", b""),
    "utf-8-bom": ("utf-8", b"\xef\xbb\xbf"),
    "utf-16-le": ("utf-16-le", b"\xff\xfe"),
    "utf-16-be": ("utf-16-be", b"\xfe\xff"),
}
ENDINGS = {"LF": "\n", "CRLF": "\r\n", "CR": "\r"}


def _encoded(text: str, encoding: str) -> bytes:
    codec, bom = ENCODINGS[encoding]
    return bom + text.encode(codec)


@pytest.mark.parametrize("ending", sorted(ENDINGS))
@pytest.mark.parametrize("encoding", sorted(ENCODINGS))
def test_terms_add_keeps_encoding_and_line_endings(ws, encoding, ending):
    eol = ENDINGS[ending]
    before = eol.join(["zh,en,note", "华龙网,Huanglong Newsnet,", "重庆日报,Chongqing Daily,"]) + eol
    g = write(ws.path("g16.csv"), _encoded(before, encoding))
    res = ws.cli("terms", "add", "成渝", "Chengdu-Chongqing", "--note", "区域", glossary=str(g))
    assert res.exit_code == 0, res.output
    assert res.stdout.startswith(f"added to {g}:4:")
    assert g.read_bytes() == _encoded(before + "成渝,Chengdu-Chongqing,区域" + eol, encoding)
    again = ws.cli("terms", "lookup", "成渝", glossary=str(g))
    assert again.exit_code == 0 and "Chengdu-Chongqing" in again.stdout


@pytest.mark.parametrize("field,value", [
    ("zh", "成渝\n地区"), ("en", "Chengdu\rChongqing"), ("--note", "line one\nline two"),
    ("--source", "Xinhua\x07"), ("--forbidden", "Cheng\u2028Yu"), ("en", "Cheng\tdu"),
])
def test_terms_add_refuses_what_would_break_the_file(ws, field, value):
    args = {"zh": "成渝", "en": "Chengdu-Chongqing"}
    extra = []
    if field.startswith("--"):
        extra = [field, value]
    else:
        args[field] = value
    snap = ws.snapshot()
    res = ws.cli("terms", "add", args["zh"], args["en"], *extra)
    assert_one_line_error(res, "cannot add", "one line of text")
    snap.assert_unchanged()


def test_merge_keeps_utf16_and_cr_only_layout(ws):
    before = "\r".join(["zh,en", "华龙网,Huanglong Newsnet"]) + "\r"
    g = write(ws.path("cr16.csv"), b"\xff\xfe" + before.encode("utf-16-le"))
    imp = write(ws.path("new.csv"), "zh,en\n成渝,Chengdu-Chongqing\n")
    res = ws.cli("terms", "import", imp, "--merge", glossary=str(g))
    assert res.exit_code == 0, res.output
    assert g.read_bytes() == b"\xff\xfe" + (before + "成渝,Chengdu-Chongqing\r").encode("utf-16-le")


def test_merge_refuses_line_breaks_in_terms_and_keeps_them_in_notes(ws):
    from termbase.glossary import load_glossary

    # (TBX text is whitespace-collapsed on import, so the line break travels in a quoted CSV cell)
    f = write(ws.path("nl.csv"), 'zh,en\n华龙网,"Huanglong\nNewsnet"\n')
    snap = ws.snapshot()
    res = ws.cli("terms", "import", f, "--merge")
    assert_one_line_error(res, "cannot add", "line break")
    snap.assert_unchanged()
    note = write(ws.path("note.csv"), 'zh,en,note\n成渝,Chengdu-Chongqing,"first line\nsecond"\n')
    res = ws.cli("terms", "import", note, "--merge")
    assert res.exit_code == 0, res.output
    assert load_glossary(ws.glossary).get("成渝").note == "first line\nsecond"


def test_merge_refuses_control_characters(ws):
    bad = write(ws.path("bell.csv"), 'zh,en,note\n成渝,Chengdu-Chongqing,"ring\x1b[0m"\n')
    snap = ws.snapshot()
    line = assert_one_line_error(ws.cli("terms", "import", bad, "--merge"))
    assert "control character" in line
    snap.assert_unchanged()


def test_glossary_written_through_a_symlink_keeps_the_link(ws):
    link = ws.path("link.csv")
    link.symlink_to(ws.glossary.name)
    res = ws.cli("terms", "add", "成渝", "Chengdu-Chongqing", glossary=str(link))
    assert res.exit_code == 0, res.output
    assert link.is_symlink() and "成渝" in ws.glossary.read_text(encoding="utf-8")


def test_glossary_from_stdin_cannot_be_written(ws):
    res = ws.cli("terms", "add", "成渝", "Chengdu", glossary="-", input=ws.glossary.read_text())
    assert_one_line_error(res, "standard input")


def test_concurrent_terms_add_loses_no_acknowledged_entry(ws):
    n = 10
    procs = []
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    for i in range(n):
        procs.append(subprocess.Popen(
            [sys.executable, "-m", "cli", "--glossary", str(ws.glossary), "terms", "add",
             f"并发词{i}", f"Concurrent term {i}", "--note", f"writer {i}"],
            cwd=ws.root, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE))
    acknowledged = []
    for i, p in enumerate(procs):
        out, err = p.communicate(timeout=120)
        assert p.returncode == 0, err.decode()
        if out.decode().startswith("added to"):
            acknowledged.append(i)
    assert len(acknowledged) == n
    from termbase.glossary import load_glossary

    glossary = load_glossary(ws.glossary)
    for i in acknowledged:
        entry = glossary.get(f"并发词{i}")
        assert entry is not None and entry.note == f"writer {i}", f"entry {i} lost"
    assert len(glossary) == 2 + n
    assert [p.name for p in ws.root.iterdir() if p.name.startswith(".")] == []

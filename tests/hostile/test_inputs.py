"""Encodings, line endings, special files and malformed text as inputs of every reader."""
from __future__ import annotations

import json
import os

import pytest

from hostile_files import EN, ZH, write
from conftest import GLOSSARY, assert_one_line_error

ENCODINGS = {
    "utf-8": lambda t: t.encode("utf-8"),
    "utf-8-bom": lambda t: b"\xef\xbb\xbf" + t.encode("utf-8"),
    "utf-16-le": lambda t: t.encode("utf-16"),  # with BOM, native order
    "utf-16-be": lambda t: b"\xfe\xff" + t.encode("utf-16-be"),
    "utf-32": lambda t: t.encode("utf-32"),
}


@pytest.mark.parametrize("encoding", sorted(ENCODINGS))
def test_glossary_in_any_unicode_encoding_is_read(ws, encoding):
    g = write(ws.path("enc.csv"), ENCODINGS[encoding](GLOSSARY))
    res = ws.cli("terms", "lookup", ZH, glossary=str(g))
    assert res.exit_code == 0 and EN in res.stdout


@pytest.mark.parametrize("ending", ["\n", "\r\n", "\r"])
def test_glossary_line_numbers_are_the_same_for_every_line_ending(ws, ending):
    text = "zh,en\n华龙网,Huanglong Newsnet\n重庆日报,\n".replace("\n", ending)
    g = write(ws.path("eol.csv"), text)
    res = ws.cli("terms", "validate", g)
    assert res.exit_code == 1 and f"{g}:3: empty en field" in res.stdout


@pytest.mark.parametrize("reader", ["glossary", "terms import", "check"])
def test_unbalanced_quote_is_reported_where_it_opened(ws, reader):
    rows = ['zh,en', '华龙网,Huanglong Newsnet', '重庆日报,"Chongqing Daily', '成渝,Chengdu',
            '外事办,Foreign Affairs Office']
    if reader == "check":
        rows[0] = "zh,en"
    f = write(ws.path("q.csv"), "\n".join(rows) + "\n")
    snap = ws.snapshot()
    if reader == "glossary":
        res = ws.cli("terms", "lookup", "x", glossary=str(f))
    elif reader == "terms import":
        res = ws.cli("terms", "import", f)
    else:
        res = ws.cli("check", f)
    assert_one_line_error(res, f"{f.name}:3:", "never closed")
    snap.assert_unchanged()


BAD_TEXT = {
    "gb18030": ("中文 café".encode("gb18030"), "not valid UTF-8"),
    "utf-16-without-bom": ("华龙网报道。".encode("utf-16-le"), "UTF-16 without a byte-order mark"),
    "ascii-utf-16-without-bom": ("zh,en\n".encode("utf-16-le"), "UTF-16 needs a byte-order mark"),
    "binary": (b"\x7fELF\x02\x01\x01\x00\x00", "binary file"),
    "control-character": ("华龙网\x07报道".encode(), "control character"),
    "empty": (b"", "file is empty"),
    "only-a-bom": (b"\xef\xbb\xbf  \n", "file is empty"),
}
TEXT_READERS = {
    "terms find": lambda ws, f: ws.cli("terms", "find", f),
    "translate": lambda ws, f: ws.cli("translate", f, "--format", "txt", "--engine", "fake", "-q",
                                      "-o", "-"),
    "check": lambda ws, f: ws.cli("check", f),
    "glossary": lambda ws, f: ws.cli("terms", "lookup", "x", glossary=str(f)),
}


@pytest.mark.parametrize("reader", sorted(TEXT_READERS))
@pytest.mark.parametrize("kind", sorted(BAD_TEXT))
def test_bad_text_is_one_line_error(ws, reader, kind):
    data, message = BAD_TEXT[kind]
    f = write(ws.path("bad.txt" if reader != "glossary" else "bad.csv"), data)
    snap = ws.snapshot()
    assert_one_line_error(TEXT_READERS[reader](ws, f), message, f.name)
    snap.assert_unchanged()


@pytest.mark.parametrize("reader", sorted(TEXT_READERS))
@pytest.mark.parametrize("case,message", [
    ("missing", "not"),  # "no such file" / "glossary not found"
    ("directory", "is a directory"),
    ("symlink-loop", "symbolic link loop"),
    ("dev-zero", "larger than 4 MiB"),
    ("empty-name", "empty"),
])
def test_special_input_is_one_line_error(ws, reader, case, message, monkeypatch):
    monkeypatch.setenv("TERMTRANS_MAX_INPUT_MB", "4")
    if case == "missing":
        f = "nothing-here.txt"
    elif case == "directory":
        (ws.root / "adir").mkdir()
        f = "adir"
    elif case == "symlink-loop":
        ws.path("l1").symlink_to("l2")
        ws.path("l2").symlink_to("l1")
        f = "l1"
    elif case == "dev-zero":
        f = "/dev/zero"
    else:
        f = ""
    if case == "directory" and reader in ("translate", "check"):
        message = "no files to"  # a folder is a project: this one holds nothing to read
    snap = ws.snapshot()
    res = TEXT_READERS[reader](ws, f)
    assert_one_line_error(res, message)
    snap.assert_unchanged()


def test_dev_zero_glossary_stops_at_the_real_limit(ws):
    res = ws.cli("terms", "lookup", "x", glossary="/dev/zero")
    assert_one_line_error(res, "/dev/zero: larger than 256 MiB", "TERMTRANS_MAX_INPUT_MB")


def test_empty_glossary_option_is_an_error_not_the_bundled_glossary(ws):
    from cli import main

    res = ws.runner.invoke(main, ["--glossary", "", "terms", "lookup", "华龙网"])
    assert_one_line_error(res, "--glossary", "empty path")
    res = ws.runner.invoke(main, ["terms", "add", "新词", "New word"])
    assert_one_line_error(res, "--glossary PATH or TERMTRANS_GLOSSARY")


def test_cr_only_line_numbers_agree_between_find_translate_and_check(ws):
    from termbase.aligned import read_aligned

    f = write(ws.path("cr.txt"), "第一行没有术语。\r第二行：华龙网报道。\r第三行。\r")
    found = ws.cli("terms", "find", f, "--format", "json")
    assert found.exit_code == 0
    assert [(r["line"], r["column"]) for r in json.loads(found.stdout)] == [(2, 5)]
    res = ws.cli("translate", f, "--engine", "fake", "-q", "-o", "out.txt", "--report", "r.json")
    assert res.exit_code == 0, res.output
    report = json.loads(ws.path("r.json").read_text(encoding="utf-8"))
    assert [s["location"] for s in report["segments"] if ZH in s["source"]] == ["line 2"]
    mixed = write(ws.path("mixed.txt"), f"{ZH}报道。\r{EN} reports.\r重庆日报。\rChongqing Daily.\r")
    assert [p.line for p in read_aligned(mixed)] == [1, 3]


def test_fifo_input_is_read_once_with_its_first_bytes(ws):
    import threading

    fifo = ws.path("in.fifo")
    os.mkfifo(fifo)
    body = ("zh,en\n" + "".join(f"词{i:05d},word {i}\n" for i in range(3000))).encode()
    assert len(body) > 40_000  # more than any sniffing buffer
    writer = threading.Thread(target=lambda: open(fifo, "wb").write(body), daemon=True)
    writer.start()
    res = ws.cli("terms", "import", fifo)
    writer.join(10)
    assert res.exit_code == 0, res.output
    assert res.stdout.count("\n") == 3001 and "词00000,word 0," in res.stdout

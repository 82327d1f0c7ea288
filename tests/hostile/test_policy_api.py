"""The library side of the policy, as the other writers and readers will call it."""
from __future__ import annotations

import os
import stat

import pytest

from termbase.errors import InputError, OutputError
from termbase.outputs import Outputs, write_atomic
from termbase.textio import InputSource, open_input


def test_write_atomic_keeps_permissions_and_the_symlink(tmp_path):
    target = tmp_path / "data.csv"
    target.write_text("old", encoding="utf-8")
    os.chmod(target, 0o640)
    link = tmp_path / "link.csv"
    link.symlink_to(target.name)
    write_atomic(link, b"new")
    assert link.is_symlink() and target.read_bytes() == b"new"
    assert stat.S_IMODE(os.stat(target).st_mode) == 0o640


def test_outputs_take_input_sources_and_refuse_them(tmp_path):
    doc = tmp_path / "doc.txt"
    doc.write_text("x", encoding="utf-8")
    outputs = Outputs([open_input(doc)], force=True)
    with pytest.raises(OutputError, match="would overwrite the input"):
        outputs.plan(str(doc), option="--tmx")
    planned = outputs.plan(str(tmp_path / "new.tmx"), option="--tmx", what="memory")
    planned.write_text("<tmx/>")
    assert (tmp_path / "new.tmx").read_text(encoding="utf-8") == "<tmx/>"


def test_input_source_gives_sniffed_bytes_back_from_a_pipe():
    r, w = os.pipe()
    os.write(w, b"PK\x03\x04" + b"x" * 50_000)  # fits the pipe buffer: no writer thread needed
    os.close(w)
    source = InputSource(f"/dev/fd/{r}")
    assert source.head(4) == b"PK\x03\x04"
    assert len(source.data()) == 50_004  # the sniffed bytes are still there
    os.close(r)


def test_input_source_names_and_checks():
    with pytest.raises(InputError, match="empty file name"):
        InputSource("")
    assert str(InputSource("-")) == "<stdin>"
    with pytest.raises(InputError, match="no such file"):
        InputSource("/nonexistent/x.txt").check()


def test_the_guard_reads_the_same_tree_whatever_the_encoding():
    from lxml import etree

    from termbase.xmlsafe import parse_xml

    text = '<?xml version="1.0" encoding="{}"?>\n<x a="中">文字</x>\n'
    trees = {etree.tostring(parse_xml(data, "x.xml")) for data in (
        text.format("UTF-8").encode("utf-8"),
        text.format("UTF-16").encode("utf-16"),
        text.format("UTF-16").encode("utf-16-be"),
        text.format("UTF-32").encode("utf-32"),
        text.format("GB18030").encode("gb18030"))}
    assert len(trees) == 1


@pytest.mark.parametrize("most_per_call", [None, 7, 1000, 4099])
def test_write_atomic_writes_parts_one_after_the_other(tmp_path, monkeypatch, most_per_call):
    # parts (a large report's lines) are written without being joined first, and a write that
    # stops in the middle of a part (a full disk, a signal) is resumed where it stopped
    import os

    from termbase import outputs

    parts = [b"{", b"", "中文".encode("utf-8") * 50, b",\n    ", b"x" * 3000, b"}\n"] * 40
    calls = []
    if most_per_call is not None:
        def short_writev(fd, buffers):  # writes at most most_per_call bytes
            calls.append(len(buffers))
            out = bytearray()
            for b in buffers:
                out += bytes(b)[:most_per_call - len(out)]
                if len(out) >= most_per_call:
                    break
            return os.write(fd, bytes(out))

        monkeypatch.setattr(os, "writev", short_writev)
    target = tmp_path / "report.json"
    outputs.write_atomic(target, parts)
    assert target.read_bytes() == b"".join(parts)
    if most_per_call is not None:
        assert len(calls) >= len(b"".join(parts)) // most_per_call
    monkeypatch.delattr(os, "writev")  # where the system has no writev: joined
    outputs.write_atomic(target, parts[:6])
    assert target.read_bytes() == b"".join(parts[:6])

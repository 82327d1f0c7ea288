"""The output policy, writer by writer: never over an input (same path, hard link, symlink, other
spelling), an existing file only with --force, - is stdout, devices and FIFOs written in place,
folders checked before any work, a full device reported in one line."""
from __future__ import annotations

import os
import stat
import threading

import pytest

from conftest import assert_one_line_error

#: writer → (argv with OUT where the output goes, the input a hostile OUT may point at)
WRITERS = {
    "translate -o": (("translate", "{src}", "--engine", "fake", "-q", "-o", "OUT"), "src"),
    "translate --report": (("translate", "{src}", "--engine", "fake", "-q", "-o", "draft.txt",
                            "--report", "OUT"), "src"),
    "check -o": (("check", "{bil}", "--format", "json", "-o", "OUT"), "bil"),
    "check --write-ignore": (("check", "{bil}", "-o", "report.txt", "--write-ignore", "OUT"),
                             "bil"),
    "terms export": (("terms", "export", "OUT", "--format", "csv"), "glossary"),
    "terms import -o": (("terms", "import", "{imp}", "-o", "OUT"), "imp"),
    "terms extract -o": (("terms", "extract", "{bil}", "-o", "OUT"), "bil"),
}
#: files a successful run of the writer may add besides OUT
SIDE_OUTPUTS = {"translate --report": ["draft.txt"], "check --write-ignore": ["report.txt"]}


def argv(ws, writer: str, out, *extra: str):
    template, _ = WRITERS[writer]
    names = {"src": ws.src, "bil": ws.bil, "imp": ws.imp}
    return [str(out) if a == "OUT" else a.format(**names) for a in template] + list(extra)


def attacked_input(ws, writer: str):
    return {"src": ws.src, "bil": ws.bil, "imp": ws.imp, "glossary": ws.glossary}[WRITERS[writer][1]]


ALL = sorted(WRITERS)


# -- never over an input ---------------------------------------------------------------------

@pytest.mark.parametrize("spelling", ["same", "hard-link", "symlink", "dotted"])
@pytest.mark.parametrize("writer", ALL)
def test_output_is_never_an_input_even_with_force(ws, writer, spelling):
    target = attacked_input(ws, writer)
    if spelling == "same":
        out = target
    elif spelling == "hard-link":
        out = ws.path("hard")
        os.link(target, out)
    elif spelling == "symlink":
        out = ws.path("soft")
        out.symlink_to(target.name)
    else:
        (ws.root / "sub").mkdir()
        out = f"sub/../{target.name}"
    snap = ws.snapshot()
    res = ws.cli(*argv(ws, writer, out, "--force"))
    assert_one_line_error(res, "would overwrite the input")
    snap.assert_unchanged()


@pytest.mark.parametrize("writer", ["translate -o", "check -o", "terms extract -o"])
def test_output_is_never_the_glossary(ws, writer):
    snap = ws.snapshot()
    assert_one_line_error(ws.cli(*argv(ws, writer, ws.glossary), "--force"),
                          "would overwrite the input")
    snap.assert_unchanged()


def test_two_outputs_of_one_command_cannot_be_one_file(ws):
    snap = ws.snapshot()
    res = ws.cli("check", ws.bil, "--format", "json", "-o", "r.json", "--write-ignore",
                 "./r.json")
    assert_one_line_error(res, "two outputs of this command would be the same file")
    res = ws.cli("translate", ws.src, "--engine", "fake", "-q", "-o", "-", "--report", "-")
    assert_one_line_error(res, "standard output already receives -o")
    res = ws.cli("check", ws.bil, "--write-ignore", "-")  # the report goes to stdout already
    assert_one_line_error(res, "standard output already receives the report")
    snap.assert_unchanged()


# -- existing files, folders, special files ---------------------------------------------------

@pytest.mark.parametrize("writer", ALL)
def test_existing_file_needs_force_and_force_replaces_it(ws, writer):
    old = ws.path("old.csv")
    old.write_text("precious\n", encoding="utf-8")
    snap = ws.snapshot()
    assert_one_line_error(ws.cli(*argv(ws, writer, old)), "already exists", "--force")
    snap.assert_unchanged()
    res = ws.cli(*argv(ws, writer, old), "--force")
    assert res.exit_code in (0, 1), res.output
    assert old.read_text(encoding="utf-8") != "precious\n"
    snap_after = [p.name for p in ws.root.iterdir() if p.name.startswith(".")]
    assert snap_after == []  # no temporary file left behind


@pytest.mark.parametrize("writer", ALL)
@pytest.mark.parametrize("case,message", [
    ("directory", "is a directory"),
    ("missing-folder", "does not exist"),
    ("empty-name", "empty file name"),
    ("symlink-loop", "symbolic link loop"),
])
def test_bad_output_path_is_refused_before_any_work(ws, writer, case, message):
    if case == "directory" and writer.startswith("translate"):
        pytest.skip("translate -o DIR writes into the folder (tests/test_project_cli.py)")
    if case == "directory":
        (ws.root / "adir").mkdir()
        out = "adir"
    elif case == "missing-folder":
        out = "no/such/folder/out.csv"
    elif case == "empty-name":
        out = ""
    else:
        ws.path("loop1").symlink_to("loop2")
        ws.path("loop2").symlink_to("loop1")
        out = "loop1"
    snap = ws.snapshot()
    assert_one_line_error(ws.cli(*argv(ws, writer, out), "--force"), message)
    snap.assert_unchanged()


@pytest.mark.parametrize("writer", ALL)
def test_dev_null_is_written_not_replaced(ws, writer):
    null = ws.device("null")
    snap = ws.snapshot()
    res = ws.cli(*argv(ws, writer, null), "--force")
    assert res.exit_code in (0, 1), res.output
    assert stat.S_ISCHR(os.stat(null).st_mode)
    snap.assert_unchanged(new=SIDE_OUTPUTS.get(writer, ()))


@pytest.mark.parametrize("writer", ALL)
def test_dev_full_is_one_line_error(ws, writer):
    full = ws.device("full")
    snap = ws.snapshot()
    res = ws.cli(*argv(ws, writer, full))
    # the report of check --write-ignore is written (and said) before the ignore file fails
    assert_one_line_error(res, full, "no space left", after=int(writer in SIDE_OUTPUTS and
                                                                writer.startswith("check")))
    snap.assert_unchanged(new=SIDE_OUTPUTS.get(writer, ()))


@pytest.mark.parametrize("writer", ALL)
def test_fifo_is_written_in_place(ws, writer):
    fifo = ws.path("pipe")
    os.mkfifo(fifo)
    got = []
    reader = threading.Thread(target=lambda: got.append(open(fifo, "rb").read()), daemon=True)
    reader.start()
    res = ws.cli(*argv(ws, writer, fifo))
    reader.join(10)
    assert res.exit_code in (0, 1), res.output
    assert got and got[0], "nothing came through the FIFO"
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)


@pytest.mark.parametrize("writer", ALL)
@pytest.mark.parametrize("out", ["-", "link-to-/proc/self/fd/1"])
def test_dash_and_dev_stdout_mean_standard_output(ws, writer, out):
    out = ws.stdout_link() if out.startswith("link") else out
    snap = ws.snapshot()
    res = ws.cli(*argv(ws, writer, out))
    assert res.exit_code in (0, 1), res.output
    assert res.stdout.strip(), "nothing on stdout"
    snap.assert_unchanged(new=SIDE_OUTPUTS.get(writer, ()))


@pytest.mark.parametrize("path,fd", [("/dev/stdout", 1), ("/dev/stderr", 2), ("/dev/fd/1", 1),
                                     ("/proc/self/fd/2", 2)])
def test_standard_stream_paths_are_planned_as_streams(path, fd):
    from termbase.outputs import plan_output

    # planning only: nothing is written to the machine's own /dev entries
    planned = plan_output(path, force=False)
    assert (planned.kind, planned.fd) == ("stream", fd)

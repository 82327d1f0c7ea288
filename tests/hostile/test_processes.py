"""What needs a real process: pipes and stdin, a closed stdin, a full disk (/dev/full and a
small tmpfs), a read-only file system, permissions, a broken pipe, Ctrl-C during a forked check."""
from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from hostile_files import EN, ZH, xlsx_bytes, xml_document
from conftest import ROOT, assert_one_line_error, can_mount_tmpfs


def _close_stdin():
    os.close(0)


@pytest.mark.parametrize("argv", [
    ("translate", "-", "--engine", "fake", "-q"),
    ("terms", "find", "-"),
    ("check", "-"),
    ("terms", "import", "-"),
])
def test_closed_stdin_is_one_line_error(ws, argv):
    snap = ws.snapshot()
    res = ws.run(*argv, preexec_fn=_close_stdin)
    assert_one_line_error(res, "<stdin>", "standard input is closed")
    snap.assert_unchanged()


@pytest.mark.parametrize("kind", ["tbx", "xlsx", "csv"])
def test_terms_import_sniffs_the_format_from_stdin(ws, kind):
    data = {"tbx": xml_document("tbx"), "xlsx": xlsx_bytes(),
            "csv": f"zh,en\n{ZH},{EN}\n".encode()}[kind]
    res = ws.run("terms", "import", "-", input=data)
    assert res.returncode == 0, res.stderr.decode()
    assert f"{ZH},{EN}" in res.stdout.decode()


def test_check_reads_xml_from_a_pipe_without_losing_its_start(ws):
    res = ws.run("check", "-", "--format", "json", input=xml_document("tmx", None, "utf-16-bom"))
    assert res.returncode == 0, res.stderr.decode()
    assert '"segments": 1' in res.stdout.decode()


def test_large_piped_document_keeps_its_first_bytes(ws):
    text = f"{ZH}是第一行。\n" + "这是一行没有术语的文字。\n" * 2000  # ~70 KB
    res = ws.run("terms", "find", "-", input=text.encode())
    assert res.returncode == 0 and res.stdout.decode().startswith(f"1:1\t{ZH}")


@pytest.mark.parametrize("argv,message", [
    (("check", "-", "-"), "cannot both be standard input"),
    (("translate", "-", "--engine", "fake", "-q"), "can be read only once"),
])
def test_stdin_feeds_one_input_only(ws, argv, message):
    glossary = "-" if argv[0] == "translate" else None
    res = ws.run(*argv, glossary=glossary, input=ws.glossary.read_bytes())
    assert_one_line_error(res, message)


@pytest.mark.parametrize("argv", [
    ("terms", "lookup", ZH),
    ("check", "{bil}"),
    ("terms", "import", "{imp}"),
    ("translate", "{src}", "--engine", "fake", "-q", "-o", "-"),
])
def test_stdout_on_a_full_device_is_one_line_error(ws, argv):
    args = [a.format(bil=ws.bil, imp=ws.imp, src=ws.src) for a in argv]
    device = ws.device("full")
    snap = ws.snapshot()
    with open(device, "wb") as full:
        res = subprocess.run([sys.executable, "-m", "cli", "--glossary", str(ws.glossary), *args],
                             cwd=ws.root, stdout=full, stderr=subprocess.PIPE,
                             env=dict(os.environ, PYTHONPATH=str(ROOT)), timeout=60)
    err = res.stderr.decode()
    assert res.returncode == 2 and "Traceback" not in err and "Exception ignored" not in err, err
    assert err.strip() == "Error: <stdout>: cannot write (no space left on the device)"
    snap.assert_unchanged()


def test_broken_pipe_exits_quietly(ws):
    big = ws.path("big.csv")
    big.write_text("zh,en\n" + "".join(f"词{i},word {i}\n" for i in range(20000)), encoding="utf-8")
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    p = subprocess.Popen([sys.executable, "-m", "cli", "terms", "import", str(big)],
                         cwd=ws.root, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    p.stdout.read(10)
    p.stdout.close()
    err = p.stderr.read().decode()
    p.wait(60)
    assert "Traceback" not in err and "Exception ignored" not in err, err


def _children(pid: int):
    try:
        return Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        return []


@pytest.mark.skipif(not Path("/proc/self/task").exists() or "fork" not in
                    __import__("multiprocessing").get_all_start_methods(), reason="Linux only")
def test_ctrl_c_during_forked_check_exits_130_in_one_line(ws):
    rows = ["zh\ten"] + [f"重庆市人民政府外事办公室举办第{i}届外语演讲大赛，{ZH}报道。\tThe Foreign "
                         f"Affairs Office held the {i}th contest, Huanglong News Net reported."
                         for i in range(30000)]
    ws.path("big.tsv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    ws.path("old.json").write_text("old report", encoding="utf-8")
    p = subprocess.Popen([sys.executable, "-m", "cli", "--glossary", str(ws.glossary), "check",
                          "big.tsv", "--jobs", "2", "--format", "json", "-o", "old.json",
                          "--force"], cwd=ws.root, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         env=dict(os.environ, PYTHONPATH=str(ROOT)), start_new_session=True,
                         # as from a terminal: a test runner started in the background inherits
                         # an ignored SIGINT, which Python (rightly) keeps ignoring
                         preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    # the early-checks process is forked first, the terminology worker after the matchers are
    # built: interrupt once the second has been seen and a child is still running
    deadline = time.monotonic() + 60
    seen = set()
    while time.monotonic() < deadline and p.poll() is None:
        now = _children(p.pid)
        seen.update(now)
        if len(seen) >= 2 and now:
            break
        time.sleep(0.01)
    if p.poll() is not None or len(seen) < 2 or not _children(p.pid):
        p.kill()
        pytest.skip("the check finished before its workers could be interrupted")
    time.sleep(0.05)
    os.killpg(p.pid, signal.SIGINT)  # what the terminal does on Ctrl-C: the whole group
    out, err = p.communicate(timeout=60)
    err = err.decode()
    assert p.returncode == 130, err
    assert "Traceback" not in err and len([ln for ln in err.splitlines() if ln.strip()]) == 1, err
    assert ws.path("old.json").read_text(encoding="utf-8") == "old report"
    assert [q.name for q in ws.root.iterdir() if q.name.startswith(".")] == []


# -- file systems that refuse -----------------------------------------------------------------

@pytest.fixture
def tmpfs(tmp_path):
    """A 64 KiB tmpfs (skipped where this process cannot mount one)."""
    if not can_mount_tmpfs():
        pytest.skip("mounting a tmpfs needs root on Linux")
    mnt = tmp_path / "small"
    mnt.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(mnt)],
                      capture_output=True).returncode != 0:
        pytest.skip("cannot mount a tmpfs here")
    try:
        yield mnt
    finally:
        subprocess.run(["umount", "-l", str(mnt)], capture_output=True)


def _fill(folder: Path, leave: int) -> None:
    """Fill the file system of ``folder`` until about ``leave`` bytes are free."""
    free = shutil.disk_usage(folder).free
    with open(folder / "filler", "wb") as fh:
        try:
            fh.write(b"\0" * max(0, free - leave))
        except OSError:
            pass


def test_full_disk_keeps_the_old_report_and_leaves_no_temporary_file(ws, tmpfs):
    old = tmpfs / "report.json"
    old.write_text("previous report", encoding="utf-8")
    _fill(tmpfs, 4096)
    rows = ["zh\ten"] + [f"{ZH}报道第{i}条。\tHuanglong News Net story {i}." for i in range(300)]
    ws.path("many.tsv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    res = ws.run("check", "many.tsv", "--format", "json", "-o", str(old), "--force")
    assert_one_line_error(res, str(old), "no space left", "unchanged")
    assert old.read_text(encoding="utf-8") == "previous report"
    assert sorted(p.name for p in tmpfs.iterdir()) == ["filler", "report.json"]


def test_full_disk_during_terms_add_keeps_the_glossary(ws, tmpfs):
    g = tmpfs / "g.csv"
    g.write_bytes(ws.glossary.read_bytes())
    _fill(tmpfs, 0)
    res = ws.run("terms", "add", "成渝", "Chengdu-Chongqing", glossary=str(g))
    assert_one_line_error(res, "g.csv", "no space left")
    assert g.read_bytes() == ws.glossary.read_bytes()
    assert sorted(p.name for p in tmpfs.iterdir()) == ["filler", "g.csv"]


def test_read_only_file_system_is_found_before_any_work(ws, tmpfs):
    g = tmpfs / "g.csv"
    g.write_bytes(ws.glossary.read_bytes())
    if subprocess.run(["mount", "-o", "remount,ro", str(tmpfs)], capture_output=True).returncode:
        pytest.skip("cannot remount read-only")
    res = ws.run("translate", ws.src, "--engine", "fake", "-q", "-o", str(tmpfs / "out.txt"))
    assert_one_line_error(res, "read-only file system")
    res = ws.run("terms", "add", "成渝", "Chengdu-Chongqing", glossary=str(g))
    assert_one_line_error(res, "read-only file system")
    assert g.read_bytes() == ws.glossary.read_bytes()


def _without_root_privilege():
    """A command prefix that makes permissions bind (root passes them otherwise)."""
    if os.geteuid() != 0:
        return []
    if shutil.which("setpriv") is None:
        pytest.skip("root without setpriv: permissions cannot be tested")
    return ["setpriv", "--bounding-set", "-dac_override,-dac_read_search", "--"]


def test_permission_denied_on_input_and_output_folder(ws):
    prefix = _without_root_privilege()
    locked = ws.root / "locked"
    locked.mkdir()
    secret = ws.path("secret.txt")
    secret.write_text(f"{ZH}\n", encoding="utf-8")
    os.chmod(secret, 0)
    os.chmod(locked, 0o500)
    try:
        res = ws.run("terms", "find", secret, prefix=prefix)
        line = assert_one_line_error(res, "secret.txt")
        assert "permission denied" in line or "is not readable" in line
        res = ws.run("translate", ws.src, "--engine", "fake", "-q", "-o",
                     str(locked / "out.txt"), prefix=prefix)
        assert_one_line_error(res, "permission denied")
    finally:
        os.chmod(secret, 0o600)
        os.chmod(locked, 0o700)
    assert list(locked.iterdir()) == []

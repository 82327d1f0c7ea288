"""Fixtures of the hostile-input suite: a workspace of real inputs, a snapshot that proves no
input or existing file changed, and the assertion that an error is one line, exit 2."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Dict, Iterable, List

import pytest
from click.testing import CliRunner

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(Path(__file__).resolve().parent))

from hostile_files import EN, ZH  # noqa: E402

GLOSSARY = ("zh,en,forbidden,case_sensitive,note,source\n"
            f"{ZH},{EN},,no,,\n重庆日报,Chongqing Daily,,no,,\n")


class Snapshot:
    """Every file under a folder (bytes, type) at one moment; :meth:`assert_unchanged` compares."""

    def __init__(self, root: Path):
        self.root = root
        self.before = self._take()

    def _take(self) -> Dict[str, object]:
        out: Dict[str, object] = {}
        for dirpath, dirnames, filenames in os.walk(self.root):
            for name in filenames + [d for d in dirnames if os.path.islink(os.path.join(dirpath, d))]:
                p = Path(dirpath) / name
                rel = str(p.relative_to(self.root))
                if p.is_symlink():
                    out[rel] = ("link", os.readlink(p))
                elif p.is_fifo():
                    out[rel] = ("fifo",)
                elif p.is_char_device():
                    out[rel] = ("chr", os.stat(p).st_rdev)
                elif p.is_file():
                    out[rel] = ("file", p.read_bytes())
        return out

    def assert_unchanged(self, new: Iterable[str] = ()) -> None:
        """No file changed, none disappeared; only ``new`` (relative names) may have appeared."""
        after = self._take()
        for rel, value in self.before.items():
            assert rel in after, f"{rel} disappeared"
            assert after[rel] == value, f"{rel} changed"
        extra = sorted(set(after) - set(self.before) - set(new))
        assert not extra, f"unexpected new files: {extra}"


def assert_one_line_error(result, *fragments: str, code: int = 2, after: int = 0) -> str:
    """``result`` (CliRunner or CompletedProcess) failed with exit ``code`` and one stderr line
    ``Error: …`` holding every fragment; no traceback anywhere. Returns the line. ``after``:
    how many progress lines of outputs already written may come before it."""
    exit_code = getattr(result, "exit_code", None)
    if exit_code is None:
        exit_code = result.returncode
    stderr = result.stderr if isinstance(result.stderr, str) else result.stderr.decode()
    stdout = result.stdout if isinstance(result.stdout, str) else result.stdout.decode()
    exc = getattr(result, "exception", None)
    assert exc is None or isinstance(exc, SystemExit), f"exception {exc!r}"
    assert "Traceback" not in stderr + stdout, stderr
    lines = [ln for ln in stderr.splitlines() if ln.strip()]
    assert exit_code == code, f"exit {exit_code}: {stderr}"
    assert len(lines) == 1 + after, f"not one line: {stderr!r}"
    assert not any(ln.startswith("Error") for ln in lines[:-1]), stderr
    lines = lines[-1:]
    assert lines[0].startswith("Error: "), lines[0]
    for f in fragments:
        assert f in lines[0], f"{f!r} not in {lines[0]!r}"
    return lines[0]


class Workspace:
    """A folder with a glossary, a Chinese text, a bilingual TSV and a glossary to import."""

    def __init__(self, root: Path):
        self.root = root
        self.glossary = self._write("g.csv", GLOSSARY)
        self.src = self._write("src.txt", f"{ZH}报道。\n")
        self.bil = self._write("bil.tsv", f"zh\ten\n{ZH}报道。\t{EN} reports.\n")
        self.imp = self._write("imp.csv", GLOSSARY)
        self.runner = CliRunner()

    def _write(self, name: str, text: str) -> Path:
        p = self.root / name
        p.write_text(text, encoding="utf-8")
        return p

    def path(self, name: str) -> Path:
        return self.root / name

    def device(self, name: str) -> str:
        """A character device to write to: a private copy of /dev/null or /dev/full when root
        (a regression replacing it then harms only the copy), else the real one (which an
        unprivileged process could not replace anyway)."""
        numbers = {"null": (1, 3), "full": (1, 7)}[name]
        if os.geteuid() != 0:
            return f"/dev/{name}"
        node = self.root / f"dev-{name}"
        if not node.exists():
            import stat

            os.mknod(node, stat.S_IFCHR | 0o666, os.makedev(*numbers))
        return str(node)

    def stdout_link(self) -> str:
        """A private symbolic link to /proc/self/fd/1, standing in for /dev/stdout."""
        link = self.root / "stdout-link"
        if not link.is_symlink():
            link.symlink_to("/proc/self/fd/1")
        return str(link)

    def snapshot(self) -> Snapshot:
        return Snapshot(self.root)

    def cli(self, *args: str, glossary=None, input=None, env=None):
        """Invoke termtrans in process (CliRunner): ``glossary`` None is the workspace's, False
        passes no --glossary, a string is passed as it is."""
        from cli import main

        g = str(self.glossary) if glossary is None else glossary
        argv: List[str] = (["--glossary", g] if g is not False else []) + [str(a) for a in args]
        old = os.getcwd()
        os.chdir(self.root)
        try:
            return self.runner.invoke(main, argv, input=input, env=env)
        finally:
            os.chdir(old)

    def run(self, *args: str, glossary=None, stdin=None, input=None,
            env=None, timeout: float = 120, prefix: Iterable[str] = (), **kw):
        """Run termtrans as a separate process (real file descriptors, signals, pipes)."""
        g = str(self.glossary) if glossary is None else glossary
        argv = list(prefix) + [sys.executable, "-m", "cli"] + (
            ["--glossary", g] if g is not False else []) + [str(a) for a in args]
        full_env = dict(os.environ, PYTHONPATH=str(ROOT), **(env or {}))
        return subprocess.run(argv, cwd=self.root, stdin=stdin, input=input,
                              capture_output=True, env=full_env, timeout=timeout, **kw)


@pytest.fixture
def ws(tmp_path) -> Workspace:
    return Workspace(tmp_path)


def can_mount_tmpfs() -> bool:
    return sys.platform.startswith("linux") and os.geteuid() == 0 and shutil.which("mount") \
        is not None

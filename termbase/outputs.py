"""The output policy: every file termtrans writes is planned before any work, then written safely.

Rules (README, "Outputs"):

* ``-`` is stdout; two outputs of one command cannot both be stdout.
* An output is never an input (document, target, glossary, ignore file, TM...): compared by
  resolved path (symbolic links followed) and by identity (hard links), whether or not the
  output exists yet.
* An existing regular file is replaced only with ``--force``.
* A character device, FIFO or ``/dev/stdout``-like path is written directly, never replaced;
  a block device, socket or directory is refused.
* A missing or unwritable folder is found when the output is planned, before any work: a
  temporary file is created there and removed. A mirrored output tree (``-o DIR`` with several
  inputs: :meth:`Outputs.plan_in`) may name folders that do not exist yet: the nearest existing
  one is probed, and the missing ones are created when the file is written.
* A regular file is written through a temporary file in the same folder and an atomic rename
  (its permissions kept, the symbolic link that named it kept); a failed write (full disk,
  read-only file system) leaves the old file as it was and no temporary file behind.

Use::

    outputs = Outputs(inputs=[document, glossary_path], force=force)
    out = outputs.plan(output, option="-o")          # OutputError now, before the work
    report = outputs.plan(report_path, option="--report")
    ...
    out.write_bytes(data)
    report.write_text(text)

:func:`write_atomic` is the bare atomic write for files termtrans owns (caches, and the
glossary rewrites of ``terms add`` / ``terms import --merge`` under :mod:`termbase.locking`).
"""
from __future__ import annotations

import errno
import os
import stat
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, Iterable, List, Optional, Sequence, Union

from .errors import OutputError

PathLike = Union[str, Path]

STDOUT_NAME = "<stdout>"
#: paths that name this process's own standard streams
_STD_STREAMS = {"/dev/stdout": 1, "/dev/stderr": 2, "/proc/self/fd/1": 1, "/proc/self/fd/2": 2,
                "/dev/fd/1": 1, "/dev/fd/2": 2}


def os_error_reason(exc: BaseException) -> str:
    if isinstance(exc, OSError):
        code = exc.errno
        if code == errno.ENOSPC:
            return "no space left on the device"
        if code == errno.EROFS:
            return "read-only file system"
        if code in (errno.EACCES, errno.EPERM):
            return "permission denied"
        if code == errno.EDQUOT:
            return "disk quota exceeded"
        return exc.strerror or str(exc)
    return str(exc)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_atomic(path: PathLike, data: Union[bytes, Sequence[bytes]], *,
                 mode: Optional[int] = None) -> None:
    """Replace ``path`` with ``data`` (bytes, or parts of bytes written one after the other,
    never joined) through a temporary file and an atomic rename.

    Follows a symbolic link (the link stays, its target is replaced), writes a character
    device, FIFO or ``/dev/stdout``-like path directly (never replaced), keeps an existing
    file's permissions (else 0o666 less the umask), fsyncs before the rename. On failure
    the temporary file is removed, the old file is untouched and :class:`OutputError`
    says why. No policy here: see :class:`Outputs` for outputs the user names.
    """
    fd = _std_fd(str(path))
    if fd is not None:  # never replace /dev/stdout and the like by a regular file
        PlannedOutput(str(path), "stream", fd=fd).write_bytes(data)
        return
    target = Path(path)
    try:
        target = Path(os.path.realpath(target)) if target.is_symlink() else target
        if stat.S_ISCHR(os.stat(target).st_mode) or stat.S_ISFIFO(os.stat(target).st_mode):
            PlannedOutput(str(path), "stream").write_bytes(data)
            return
    except OSError:
        pass
    directory = target.parent if str(target.parent) else Path(".")
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=directory)
    except OSError as exc:
        raise OutputError(f"{path}: cannot write in folder {directory} "
                          f"({os_error_reason(exc)})") from None
    try:
        try:
            with os.fdopen(fd, "wb") as fh:
                _write_parts(fh.fileno(), [data] if isinstance(data, _BYTES) else data)
                os.fsync(fh.fileno())
            if mode is None:
                try:
                    mode = stat.S_IMODE(os.stat(target).st_mode)
                except OSError:
                    mode = 0o666 & ~_umask()
            os.chmod(tmp, mode)
            os.replace(tmp, target)
        except OSError as exc:
            raise OutputError(f"{path}: cannot write ({os_error_reason(exc)}); "
                              + ("the existing file is unchanged" if target.exists()
                                 else "nothing was written")) from None
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


#: what is written as one piece (anything else given to a writer is a sequence of such parts)
_BYTES = (bytes, bytearray, memoryview)


def _joined(data) -> bytes:
    """``data`` (bytes, or parts of bytes) in one piece."""
    return data if isinstance(data, _BYTES) else b"".join(data)


def _write_parts(fd: int, parts: Sequence[bytes]) -> None:
    """Write ``parts`` one after the other to ``fd`` (with ``writev``: a thousand parts per
    call, none copied first; partial writes resumed where they stopped)."""
    if not hasattr(os, "writev"):
        write_all(fd, b"".join(parts))
        return
    try:
        most = min(max(os.sysconf("SC_IOV_MAX"), 16), 1024)  # (-1: no limit known)
    except (AttributeError, ValueError, OSError):
        most = 16
    todo = [part for part in parts if part]
    k = 0
    while k < len(todo):
        batch = todo[k:k + most]
        written = os.writev(fd, batch)
        for part in batch:
            if written < len(part):
                if written:
                    todo[k] = memoryview(part)[written:]  # the rest of a part written in part
                break
            written -= len(part)
            k += 1


def write_all(fd: int, data: bytes) -> None:
    """Write all of ``data`` to ``fd`` (a write may take only part of it); no policy, no
    message: what :func:`os.write` raises."""
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


def _write_fd(fd: int, data: bytes, name: str) -> None:
    try:
        write_all(fd, data)
    except BrokenPipeError:
        raise
    except OSError as exc:
        raise OutputError(f"{name}: cannot write ({os_error_reason(exc)})") from None


def write_stdout(data: bytes) -> None:
    """Write ``data`` to standard output (flushed); a failed write is an :class:`OutputError`."""
    stream = sys.stdout
    if stream is None:
        raise OutputError(f"{STDOUT_NAME}: standard output is closed; write to a file with -o")
    _write_stream(stream, data, STDOUT_NAME, broken_pipe_raises=True)


def _write_stream(stream, data: bytes, name: str, *, broken_pipe_raises: bool) -> None:
    """Write ``data`` to a text stream's bytes (flushed); a failure is an :class:`OutputError`,
    except a closed pipe where ``broken_pipe_raises`` (the CLI ends quietly on it)."""
    try:
        stream.flush()
        buffer = getattr(stream, "buffer", None)
        if buffer is not None:
            buffer.write(data)
            buffer.flush()
        else:  # pragma: no cover - text-only stream
            stream.write(data.decode("utf-8", "replace"))
            stream.flush()
    except (OSError, ValueError) as exc:
        if broken_pipe_raises and isinstance(exc, BrokenPipeError):
            raise
        raise OutputError(f"{name}: cannot write ({os_error_reason(exc)})") from None


def _write_std_stream(fd: int, data: bytes, name: str) -> None:
    if fd == 1:
        write_stdout(data)
    else:
        _write_stream(sys.stderr, data, name, broken_pipe_raises=False)


@dataclass
class PlannedOutput:
    """An output that passed the policy; ``kind`` is ``stdout``, ``stream`` or ``file``."""

    path: str
    kind: str
    target: Optional[Path] = None  # the regular file to replace (symbolic links resolved)
    fd: Optional[int] = None       # for /dev/stdout, /dev/stderr, /dev/fd/N
    option: str = ""               # the option that named it, for messages
    make_folders: bool = False     # create the missing folders above it when written

    def __str__(self) -> str:
        return STDOUT_NAME if self.kind == "stdout" else self.path

    @property
    def is_stdout(self) -> bool:
        return self.kind == "stdout" or self.fd == 1

    def write_bytes(self, data) -> None:
        """Write ``data`` (bytes, or a list of bytes written one after the other): atomically
        for a regular file, directly for stdout and devices."""
        if self.kind != "file" or self.fd is not None:
            data = _joined(data)
        if self.kind == "stdout":
            write_stdout(data)
        elif self.fd is not None:
            if self.fd in (1, 2):
                _write_std_stream(self.fd, data, self.path)
            else:
                _write_fd(self.fd, data, self.path)
        elif self.kind == "stream":
            try:
                fd = os.open(self.path, os.O_WRONLY | getattr(os, "O_NOCTTY", 0))
            except OSError as exc:
                raise OutputError(f"{self.path}: cannot open ({os_error_reason(exc)})") from None
            try:
                _write_fd(fd, data, self.path)
            finally:
                os.close(fd)
        else:
            assert self.target is not None
            if self.make_folders:
                try:
                    self.target.parent.mkdir(parents=True, exist_ok=True)
                except OSError as exc:
                    raise OutputError(f"{self.path}: cannot create folder {self.target.parent} "
                                      f"({os_error_reason(exc)})") from None
            write_atomic(self.target, data)

    def write_text(self, text: str, *, bom: bool = False, newline: str = "\n") -> None:
        """Write ``text`` as UTF-8 (optionally with a BOM) with ``newline`` line endings."""
        from .textio import TextLayout

        self.write_bytes(TextLayout("utf-8", bom, newline).encode(text))


class FileIndex:
    """Files compared as files — by resolved path (symbolic links followed) and by device and
    inode (hard links) — in constant time per lookup, so that a project's thousands of outputs
    are checked against its thousands of inputs without comparing every pair."""

    def __init__(self, paths: Iterable[PathLike] = ()):
        self._by_path: Dict[str, str] = {}
        self._by_inode: Dict[tuple, str] = {}
        for p in paths:
            self.add(p)

    def add(self, path: PathLike) -> None:
        name = str(path)
        try:
            self._by_path.setdefault(os.path.realpath(name), name)
        except (OSError, ValueError):
            pass
        try:
            st = os.stat(name)
            self._by_inode.setdefault((st.st_dev, st.st_ino), name)
        except (OSError, ValueError):
            pass

    def find(self, path: PathLike) -> Optional[str]:
        """The indexed file that ``path`` names, or None."""
        try:
            hit = self._by_path.get(os.path.realpath(str(path)))
        except (OSError, ValueError):
            hit = None
        if hit is not None:
            return hit
        try:
            st = os.stat(str(path))
        except (OSError, ValueError):
            return None
        return self._by_inode.get((st.st_dev, st.st_ino))


def _lexical_std_fd(path: str) -> Optional[int]:
    if path in _STD_STREAMS:
        return _STD_STREAMS[path]
    for prefix in ("/dev/fd/", "/proc/self/fd/"):
        if path.startswith(prefix) and path[len(prefix):].isdigit():
            return int(path[len(prefix):])
    return None


def _std_fd(path: str) -> Optional[int]:
    """The descriptor ``path`` names when it is, or links to, /dev/stdout, /dev/fd/N...

    Symbolic links are followed one hop at a time: resolving them fully would land on what
    the descriptor is open on (a terminal, a pipe, a deleted file), not on the descriptor.
    """
    current = path
    for _ in range(40):
        fd = _lexical_std_fd(current)
        if fd is not None:
            return fd
        try:
            target = os.readlink(current)
        except OSError:
            return None
        current = os.path.normpath(os.path.join(os.path.dirname(current), target))
    return None


def _probe_folder(folder: Path, shown: str) -> None:
    """Create and remove a temporary file in ``folder``: the write will be possible."""
    try:
        fd, tmp = tempfile.mkstemp(prefix=".termtrans-probe.", suffix=".tmp", dir=folder)
    except OSError as exc:
        raise OutputError(f"{shown}: cannot write in folder {folder} "
                          f"({os_error_reason(exc)})") from None
    os.close(fd)
    try:
        os.unlink(tmp)
    except OSError:
        pass


class Outputs:
    """The outputs of one command, checked against its inputs and against each other.

    ``inputs``: every file the command reads (``-`` and ``None`` are skipped); more can be
    added with :meth:`add_input`. ``force`` lets :meth:`plan` replace existing files.
    """

    def __init__(self, inputs: Iterable[object] = (), *, force: bool = False):
        self.force = force
        self.inputs: List[str] = []
        self.planned: List[PlannedOutput] = []
        self._probed: set = set()  # folders already found writable (a project's many outputs)
        self._input_index = FileIndex()
        self._planned_files = FileIndex()
        self._stdout: Optional[PlannedOutput] = None
        for i in inputs:
            self.add_input(i)

    def add_input(self, path: object) -> None:
        """Declare one more file the command reads (it will never be written)."""
        if path is None:
            return
        p = getattr(path, "path", path)  # an InputSource
        p = str(p)
        if p and p != "-":
            self.inputs.append(p)
            self._input_index.add(p)

    def plan(self, path: PathLike, *, option: str = "-o", what: str = "output",
             force: Optional[bool] = None, make_folders: bool = False) -> PlannedOutput:
        """Check ``path`` against the policy now; raise :class:`OutputError` (one line) or
        return the :class:`PlannedOutput` to write later. With ``make_folders`` the folders
        above it may be missing: they are created when it is written (the nearest existing one
        must be a writable folder)."""
        force = self.force if force is None else force
        out = plan_output(path, inputs=self._input_index, force=force, option=option, what=what,
                          make_folders=make_folders, probed=self._probed)
        out.option = option
        if out.is_stdout and self._stdout is not None:
            prev = self._stdout
            earlier = prev.option if prev.path == "-" else f"{prev.option} {prev.path}"
            raise OutputError(f"{option} {path}: standard output already receives "
                              f"{earlier}; write one of them to a file")
        if out.kind == "file" and self._planned_files.find(out.target) is not None:
            raise OutputError(f"{path}: two outputs of this command would be the same "
                              f"file; give {option} another name")
        if out.is_stdout:
            self._stdout = out
        if out.kind == "file":
            self._planned_files.add(out.target)
        self.planned.append(out)
        return out

    def plan_in(self, folder: PathLike, relative: PathLike, *, option: str = "-o",
                what: str = "output", force: Optional[bool] = None) -> PlannedOutput:
        """Plan ``relative`` inside the output ``folder`` (a mirrored tree: ``-o DIR`` with
        several inputs); the folder and those below it are created when the file is written."""
        base = Path(folder)
        if base.exists() and not base.is_dir():
            raise OutputError(f"{folder}: is not a folder; give a folder for {option} with "
                              "several inputs or an input folder")
        return self.plan(base / relative, option=option, what=what, force=force,
                         make_folders=True)


def plan_output(path: PathLike, *, inputs: Union[Iterable[PathLike], FileIndex] = (),
                force: bool = False,
                option: str = "-o", what: str = "output",
                make_folders: bool = False, probed: Optional[set] = None) -> PlannedOutput:
    """Check one output against the policy (see the module docstring) before any work."""
    p = str(path)
    if p == "-":
        return PlannedOutput("-", "stdout", fd=None)
    if p == "":
        raise OutputError(f"{option}: empty file name (an unset shell variable?); give a file "
                          "name, or - for standard output")
    choose = f"choose another name with {option}" if option.startswith("-") else \
        f"choose another {option}"
    index = inputs if isinstance(inputs, FileIndex) else \
        FileIndex(i for i in inputs if str(i) != "-")
    same_as = index.find(p)
    if same_as is not None:
        same = "" if os.path.abspath(same_as) == os.path.abspath(p) else f" {same_as}"
        raise OutputError(f"{p}: the {what} would overwrite the input{same} (the same "
                          f"file); {choose}")
    fd = _std_fd(p)
    if fd is not None:
        return PlannedOutput(p, "stream", fd=fd)
    try:
        st = os.stat(p)
    except FileNotFoundError:
        st = None
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise OutputError(f"{p}: symbolic link loop; choose another name with {option}"
                              ) from None
        if exc.errno == errno.ENOTDIR:
            raise OutputError(f"{p}: a part of the path is not a folder") from None
        raise OutputError(f"{p}: cannot use as {what} ({os_error_reason(exc)})") from None
    if st is not None:
        mode = st.st_mode
        if stat.S_ISDIR(mode):
            raise OutputError(f"{p}: is a directory; give a file name with {option}")
        if stat.S_ISCHR(mode) or stat.S_ISFIFO(mode):
            return PlannedOutput(p, "stream")
        if not stat.S_ISREG(mode):
            raise OutputError(f"{p}: is not a regular file (block device or socket); refusing "
                              "to write to it")
        if not force:
            raise OutputError(f"{p}: already exists; pass --force to overwrite it or choose "
                              f"another name with {option}")
    try:
        target = Path(os.path.realpath(p))
    except (OSError, RuntimeError):
        raise OutputError(f"{p}: symbolic link loop; choose another name with {option}") from None
    folder = target.parent
    if make_folders:
        while not folder.exists() and folder.parent != folder:
            folder = folder.parent  # the folders below it are made when the file is written
        if not folder.is_dir():
            raise OutputError(f"{p}: {folder} is not a folder")
    elif not folder.exists():
        raise OutputError(f"{p}: folder {Path(p).parent} does not exist; create it first")
    if not folder.is_dir():
        raise OutputError(f"{p}: {Path(p).parent} is not a folder")
    if probed is None or folder not in probed:
        _probe_folder(folder, p)
        if probed is not None:
            probed.add(folder)
    return PlannedOutput(p, "file", target=target, make_folders=make_folders)


__all__ = ["FileIndex", "Outputs", "PlannedOutput", "plan_output", "write_all", "write_atomic",
           "write_stdout"]

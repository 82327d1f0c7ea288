"""An exclusive advisory lock around the read-modify-write of a file termtrans rewrites (glossary).

On POSIX the lock is ``flock`` on the file itself, not on a companion ``.lock`` file: nothing
is left beside the user's glossary, and the kernel drops the lock when a process dies, so a
crash never leaves a stale lock. Because the rewrite replaces the file by a rename, a process
that waited on the old file finds, once it holds the lock, that the name now points at another
inode; it then locks the new file instead. Where ``fcntl`` does not exist (Windows) the
``filelock`` package (already installed with transformers) locks ``FILE.lock``.

Readers need no lock: they see the old or the new file, never a half-written one.
"""
from __future__ import annotations

import errno
import os
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator, Union

from .errors import OutputError

try:  # pragma: no cover - import guard
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]

#: seconds to wait for another termtrans process to finish its rewrite
LOCK_TIMEOUT = 60.0
_POLL = 0.02


def _open_for_lock(path: str) -> int:
    try:
        return os.open(path, os.O_RDWR)
    except OSError as exc:
        if exc.errno not in (errno.EACCES, errno.EPERM, errno.EROFS, errno.ETXTBSY):
            raise
        # flock works on read-only descriptors too; the rewrite reports what stops it
        return os.open(path, os.O_RDONLY)


@contextmanager
def locked_file(path: Union[str, Path], *, timeout: float = LOCK_TIMEOUT) -> Iterator[None]:
    """Hold an exclusive lock on ``path`` (which must exist) while the block runs.

    Raises :class:`~termbase.errors.OutputError` when another process holds it for more than
    ``timeout`` seconds, and lets ``FileNotFoundError`` and other OSErrors through for the
    caller to report.
    """
    name = str(path)
    if fcntl is None:  # pragma: no cover - exercised on Windows only
        from filelock import FileLock, Timeout

        try:
            with FileLock(name + ".lock", timeout=timeout):
                yield
        except Timeout:
            raise OutputError(f"{name}: locked by another termtrans process for {timeout:.0f} s; "
                              "try again") from None
        return
    deadline = time.monotonic() + timeout
    while True:
        fd = _open_for_lock(name)
        try:
            while True:
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except OSError as exc:
                    if exc.errno not in (errno.EAGAIN, errno.EACCES, errno.EWOULDBLOCK):
                        raise
                    if time.monotonic() > deadline:
                        raise OutputError(f"{name}: locked by another termtrans process for "
                                          f"{timeout:.0f} s; try again") from None
                    time.sleep(_POLL)
            held = os.fstat(fd)
            try:
                now = os.stat(name)
            except FileNotFoundError:
                now = None
            if now is not None and (now.st_dev, now.st_ino) == (held.st_dev, held.st_ino):
                yield
                return
            # the file was replaced while we waited: lock the new one
        finally:
            os.close(fd)  # closing the descriptor releases the lock


__all__ = ["LOCK_TIMEOUT", "locked_file"]

"""Work run in forked processes (on systems with ``fork``): a call whose result, and the parts
it hands back on the way, come back through a pipe (:class:`ForkedCall`).

The processes inherit what the caller built (matchers, the document read) instead of each
building it again; they are started with ``os.fork`` because ``multiprocessing`` would cost
some 10 ms of imports before the first one. Used by the check's workers
(:mod:`termbase.qa.runner`).
"""
from __future__ import annotations

import os
import pickle
import sys
from typing import List, Optional


def available_cpus() -> int:
    """CPUs this process may run on (its affinity mask where the system has one)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return max(1, os.cpu_count() or 1)


def _quiet_worker() -> None:
    """In a forked worker: Ctrl-C is the parent's business (no traceback per worker); the
    parent stops the workers when it is interrupted."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)


def can_fork() -> bool:
    """True where worker processes can be forked (not on Windows)."""
    return hasattr(os, "fork")


class ForkedCall:
    """``fn(parts)`` run in a forked process while the caller goes on; :meth:`take` collects what
    it hands back on the way (``parts(value)`` in the process), then what it returns.

    The process is forked with ``os.fork`` and writes each part, then the result, to a pipe as
    a pickle behind its length (``multiprocessing`` would do the same, for some 10 ms of imports
    before the first fork). A part is written only when the pipe has room for it (the process
    never waits for the caller to read), else with the next part or the result."""

    def __init__(self, fn):
        for stream in (sys.stdout, sys.stderr):  # nothing buffered here is written twice
            try:
                if stream is not None:
                    stream.flush()
            except (OSError, ValueError):
                pass
        read, write = os.pipe()
        capacity = _widen_pipe(write)
        pid = os.fork()
        if pid == 0:  # the worker: it never returns into the caller's code
            code = 1
            try:
                os.close(read)
                _send_result(fn, _PartSender(write, capacity))
                code = 0
            finally:
                os._exit(code)
        os.close(write)
        self._pid: Optional[int] = pid
        self._read: Optional[int] = read
        #: True once the result has been taken (after every part)
        self.finished = False

    def _readable(self) -> bool:
        """True when a message (or the end of the pipe) is there to read now."""
        import select

        if hasattr(select, "poll"):  # (select() refuses descriptors from 1024 on)
            poller = select.poll()
            poller.register(self._read, select.POLLIN)
            return bool(poller.poll(0))
        return bool(select.select([self._read], [], [], 0)[0])

    def take(self, wait: bool = False) -> list:
        """The parts handed back since the last call and, once the process has handed back its
        result, that result last (raises what ``fn`` raised); without ``wait``, only what is
        there to read now. Taking the result lets the process end (it holds its memory until
        then); call :meth:`close` afterwards."""
        out = []
        while not self.finished and (wait or self._readable()):
            data = _read_message(self._read)
            if data is None:
                code = self._reap()
                raise RuntimeError(f"a worker process ended without a result (exit code {code})")
            kind, value = pickle.loads(data)
            if kind == "done":
                self.finished = True
                ok, value = value
                if not ok:
                    raise value
            out.append(value)
        return out

    def _reap(self) -> Optional[int]:
        """Wait for the process to end; its exit code."""
        if self._pid is None:
            return None
        _, status = os.waitpid(self._pid, 0)
        self._pid = None
        return os.waitstatus_to_exitcode(status)

    def close(self) -> None:
        """Stop the process if it still runs without having handed back its result (the caller
        failed before taking it), and wait for it to end."""
        if self._read is not None:
            os.close(self._read)
            self._read = None
        if self._pid is not None and not self.finished:
            import signal

            if os.waitpid(self._pid, os.WNOHANG)[0] == 0:
                os.kill(self._pid, signal.SIGTERM)
            else:
                self._pid = None  # it had ended
        self._reap()


#: bytes a pipe to a forked worker is asked to hold (Linux allows this much by default)
PIPE_SIZE = 1 << 20


def _widen_pipe(fd: int) -> int:
    """Make the pipe of ``fd`` hold :data:`PIPE_SIZE` bytes where the system allows; what it
    holds, or 0 where that cannot be known (parts are then all written with the result)."""
    try:
        import fcntl

        set_size, get_size = getattr(fcntl, "F_SETPIPE_SZ"), getattr(fcntl, "F_GETPIPE_SZ")
    except (ImportError, AttributeError):
        return 0
    try:
        fcntl.fcntl(fd, set_size, PIPE_SIZE)
    except OSError:
        pass  # a smaller limit: the pipe keeps its size
    try:
        return fcntl.fcntl(fd, get_size)
    except OSError:
        return 0


class _PartSender:
    """In a forked worker, what it hands back: parts (``sender(value)``) written when the pipe
    has room, and at last the result, after the parts still waiting."""

    def __init__(self, fd: int, capacity: int):
        from .outputs import write_all

        self.fd, self.capacity, self._write = fd, capacity, write_all
        self.waiting: List[bytes] = []

    def __call__(self, value) -> None:
        self.waiting.append(_message(("part", value)))
        self._write_waiting(only_with_room=True)

    def _room(self) -> int:
        if not self.capacity:
            return 0
        import fcntl
        import termios

        try:
            unread = int.from_bytes(fcntl.ioctl(self.fd, termios.FIONREAD, b"\0\0\0\0"),
                                    sys.byteorder)
        except OSError:
            return 0
        return self.capacity - unread

    def _write_waiting(self, only_with_room: bool) -> None:
        while self.waiting:
            if only_with_room and len(self.waiting[0]) > self._room():
                return
            self._write(self.fd, self.waiting.pop(0))

    def finish(self, result) -> None:
        """Write the parts still waiting, then ``result``, and close the pipe."""
        self._write_waiting(only_with_room=False)
        self._write(self.fd, _message(("done", result)))
        os.close(self.fd)


def _message(value) -> bytes:
    """``value`` pickled behind its length (8 bytes, little-endian)."""
    try:
        data = pickle.dumps(value, pickle.HIGHEST_PROTOCOL)
    except Exception as exc:  # noqa: BLE001 - something that cannot be handed back
        data = pickle.dumps(("done", (False, RuntimeError(
            f"a worker's result cannot be handed back: {type(exc).__name__}: {exc}"))))
    return len(data).to_bytes(8, "little") + data


def _read_message(fd: int) -> Optional[bytearray]:
    """One message of :func:`_message` from ``fd`` (None: the pipe ended first)."""
    head = _read_exactly(fd, 8)
    if head is None:
        return None
    return _read_exactly(fd, int.from_bytes(head, "little"))


def _read_exactly(fd: int, n: int) -> Optional[bytearray]:
    data = bytearray(n)
    view = memoryview(data)
    pos = 0
    while pos < n:
        got = os.readv(fd, [view[pos:]])
        if not got:
            return None
        pos += got
    return data


def _send_result(fn, sender: "_PartSender") -> None:
    """In a forked worker: ``(True, fn(sender))``, or ``(False, error)``, handed back by
    ``sender``."""
    _quiet_worker()
    try:
        result = (True, fn(sender))
    except BaseException as exc:  # handed to the parent, which raises it
        import traceback

        result = (False, RuntimeError(f"{type(exc).__name__}: {exc}\n{traceback.format_exc()}"))
    sender.finish(result)

"""Reading text files strictly and writing outputs atomically."""
from __future__ import annotations

import os
import re
import sys
import tempfile
from pathlib import Path
from typing import Union

from .errors import InputError, OutputError

PathLike = Union[str, Path]


#: control characters other than tab, newline, carriage return, form feed, vertical tab
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f]")


def _line_of(data: bytes, offset: int) -> int:
    return data.count(b"\n", 0, offset) + 1


def decode_text(data: bytes, path: PathLike, *, allow_empty: bool = False) -> str:
    """Decode UTF-8 (with or without BOM) or UTF-16 with BOM; reject binary and other encodings.

    Raises :class:`InputError` naming the file and the line of the first bad byte.
    """
    name = str(path)
    if not data.strip() and not allow_empty:
        raise InputError(name, "file is empty")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise InputError(name, f"not valid UTF-16 ({exc.reason})") from None
    else:
        nul = data.find(b"\x00")
        if nul != -1:
            raise InputError(name, "binary file (NUL byte found); expected UTF-8 text",
                             line=_line_of(data, nul))
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise InputError(
                name,
                "not valid UTF-8 (byte 0x%02x); re-save the file as UTF-8" % data[exc.start],
                line=_line_of(data, exc.start),
            ) from None
    bad = _CONTROL.search(text)
    if bad is not None:
        raise InputError(name, "binary file (control character found); expected text",
                         line=text.count("\n", 0, bad.start()) + 1)
    return text


def read_text(path: PathLike, *, allow_empty: bool = False) -> str:
    """Read a text file (``-`` reads stdin) strictly as UTF-8; see :func:`decode_text`."""
    if str(path) == "-":
        return decode_text(sys.stdin.buffer.read(), "<stdin>", allow_empty=allow_empty)
    p = Path(path)
    try:
        data = p.read_bytes()
    except FileNotFoundError:
        raise InputError(p, "no such file") from None
    except IsADirectoryError:
        raise InputError(p, "is a directory, expected a file") from None
    except OSError as exc:
        raise InputError(p, f"cannot read ({exc.strerror})") from None
    return decode_text(data, p, allow_empty=allow_empty)


def atomic_write_bytes(path: PathLike, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file and an atomic rename."""
    target = Path(path)
    directory = target.parent if str(target.parent) else Path(".")
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=directory)
    except OSError as exc:
        raise OutputError(f"{target}: cannot write ({exc.strerror})") from None
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        if target.exists():
            try:
                os.chmod(tmp, target.stat().st_mode & 0o777)
            except OSError:
                pass
        else:
            os.chmod(tmp, 0o644)
        os.replace(tmp, target)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def atomic_write_text(path: PathLike, text: str, *, bom: bool = False, newline: str = "\n") -> None:
    """Write text as UTF-8 atomically, with ``newline`` line endings."""
    if newline != "\n":
        text = text.replace("\n", newline)
    data = text.encode("utf-8")
    if bom:
        data = b"\xef\xbb\xbf" + data
    atomic_write_bytes(path, data)

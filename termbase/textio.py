"""Reading inputs strictly: files, pipes and stdin through one buffered source; text decoding.

Every reader takes a *source*: a path, ``-`` for stdin, or an :class:`InputSource` already
opened by the caller. An :class:`InputSource` reads its file at most once and keeps the bytes,
so a reader that sniffs the format (``head()``) gives nothing away: a pipe (``<(cat file)``),
a FIFO or stdin is read whole, exactly once, and the sniffed bytes are part of what the reader
gets. Inputs are capped at :data:`MAX_INPUT_BYTES` (a char device such as ``/dev/zero`` ends in
a one-line error instead of exhausting memory). Outputs live in :mod:`termbase.outputs`.
"""
from __future__ import annotations

import bisect
import codecs
import errno
import os
import re
import stat
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import List, Optional, Tuple, Union

from .errors import InputError

PathLike = Union[str, Path]

#: the largest input read, in bytes (``TERMTRANS_MAX_INPUT_MB`` moves it)
MAX_INPUT_BYTES = 256 * 1024 * 1024
MAX_INPUT_ENV = "TERMTRANS_MAX_INPUT_MB"
STDIN_NAME = "<stdin>"
_CHUNK = 1 << 20

#: control characters other than tab, newline, carriage return, form feed, vertical tab
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f]")


def max_input_bytes() -> int:
    """The input size limit: :data:`MAX_INPUT_BYTES`, or ``$TERMTRANS_MAX_INPUT_MB`` MiB."""
    value = os.environ.get(MAX_INPUT_ENV, "").strip()
    if value:
        try:
            mb = float(value)
        except ValueError:
            mb = 0.0
        if mb > 0 and mb == mb and mb != float("inf"):
            return int(mb * 1024 * 1024)
    return MAX_INPUT_BYTES


def read_error(name: str, exc: OSError) -> InputError:
    """A one-line :class:`InputError` for an OSError met while reading ``name``."""
    code = exc.errno
    if isinstance(exc, FileNotFoundError):
        return InputError(name, "no such file")
    if isinstance(exc, IsADirectoryError):
        return InputError(name, "is a directory, expected a file")
    if code == errno.ELOOP:
        return InputError(name, "symbolic link loop; point it at a real file")
    if isinstance(exc, PermissionError):
        return InputError(name, "permission denied; check the file's permissions")
    if code == errno.EBADF:
        return InputError(name, "the stream is closed")
    reason = exc.strerror or str(exc)
    return InputError(name, f"cannot read ({reason})")


class InputSource:
    """One input (a file, a pipe, a device or ``-`` for stdin), read at most once.

    ``head(n)`` sniffs without consuming; ``data()`` returns every byte, the sniffed ones
    included; ``text()`` decodes them strictly (:func:`decode_text`). ``str(source)`` is the
    name used in messages (``<stdin>`` for ``-``). It deliberately has no ``__fspath__``: a
    reader must not reopen a pipe by its name.
    """

    def __init__(self, path: PathLike):
        self.path = str(path)
        if self.path == "":
            raise InputError("''", "empty file name (an unset shell variable?); give a file or -")
        self.is_stdin = self.path == "-"
        self.name = STDIN_NAME if self.is_stdin else self.path
        self._data: Optional[bytes] = None

    def __str__(self) -> str:
        return self.name

    def __repr__(self) -> str:
        return f"InputSource({self.path!r})"

    @property
    def suffix(self) -> str:
        """The lower-case extension of the file name ('' for stdin)."""
        return "" if self.is_stdin else Path(self.path).suffix.lower()

    def _regular(self) -> bool:
        try:
            return stat.S_ISREG(os.stat(self.path).st_mode)
        except OSError:
            return False

    def head(self, size: int = 4096) -> bytes:
        """The first ``size`` bytes, without consuming anything."""
        if self._data is None and not self.is_stdin and self._regular():
            try:
                with open(self.path, "rb") as fh:
                    return fh.read(size)
            except OSError as exc:
                raise read_error(self.name, exc) from None
        return self.data()[:size]

    def check(self) -> "InputSource":
        """Fail now (one-line :class:`InputError`) if the input cannot be opened: missing, a
        directory, a symbolic link loop, unreadable. Reads nothing; returns ``self``."""
        if self.is_stdin or self._data is not None:
            return self
        try:
            st = os.stat(self.path)
            if stat.S_ISDIR(st.st_mode):
                raise InputError(self.name, "is a directory, expected a file")
            if stat.S_ISREG(st.st_mode):
                with open(self.path, "rb"):
                    pass
        except OSError as exc:
            raise read_error(self.name, exc) from None
        return self

    def data(self) -> bytes:
        """Every byte of the input (read once, then kept)."""
        if self._data is None:
            self._data = self._read_all()
        return self._data

    def text(self, *, allow_empty: bool = False) -> str:
        """The input decoded strictly; see :func:`decode_text`."""
        return decode_text(self.data(), self.name, allow_empty=allow_empty)

    def _read_all(self) -> bytes:
        limit = max_input_bytes()
        if self.is_stdin:
            stream = _claim_stdin(self)
            return _read_capped(stream, self.name, limit)
        try:
            st = os.stat(self.path)
            if stat.S_ISDIR(st.st_mode):
                raise InputError(self.name, "is a directory, expected a file")
            if stat.S_ISREG(st.st_mode) and st.st_size > limit:
                raise _too_large(self.name, limit)
            with open(self.path, "rb") as fh:
                return _read_capped(fh, self.name, limit)
        except OSError as exc:
            raise read_error(self.name, exc) from None


Source = Union[str, Path, InputSource]

_STDIN_CLAIM: List[object] = []  # [stdin object, the InputSource that read it]


def _claim_stdin(source: InputSource):
    """The binary stdin stream for ``source``; stdin can feed one input per command."""
    stdin = sys.stdin
    if stdin is None:
        raise InputError(STDIN_NAME, "standard input is closed; give a file name instead of -")
    if _STDIN_CLAIM and _STDIN_CLAIM[0] is stdin and _STDIN_CLAIM[1] is not source:
        raise InputError(STDIN_NAME, "standard input can be read only once; give a file name "
                                     "for the other -")
    _STDIN_CLAIM[:] = [stdin, source]
    try:
        return stdin.buffer
    except (AttributeError, ValueError):
        raise InputError(STDIN_NAME, "standard input is closed; give a file name instead of -"
                         ) from None


def _too_large(name: str, limit: int) -> InputError:
    return InputError(name, f"larger than {limit // (1024 * 1024)} MiB; refused (set "
                            f"{MAX_INPUT_ENV} to raise the limit)")


def _read_capped(stream, name: str, limit: int) -> bytes:
    parts: List[bytes] = []
    total = 0
    try:
        while True:
            chunk = stream.read(_CHUNK)
            if not chunk:
                break
            total += len(chunk)
            if total > limit:
                raise _too_large(name, limit)
            parts.append(chunk)
        return b"".join(parts)
    except ValueError:  # I/O operation on closed file
        raise InputError(name, "standard input is closed; give a file name instead of -"
                         if name == STDIN_NAME else "the stream is closed") from None
    except OSError as exc:
        if name == STDIN_NAME and exc.errno == errno.EBADF:
            raise InputError(name, "standard input is closed; give a file name instead of -"
                             ) from None
        raise read_error(name, exc) from None
    except MemoryError:
        raise InputError(name, "not enough memory to read it") from None


def open_input(source: Source) -> InputSource:
    """``source`` as an :class:`InputSource` (returned as is when it already is one)."""
    return source if isinstance(source, InputSource) else InputSource(source)


def read_bytes(source: Source) -> bytes:
    """Every byte of ``source`` (path, ``-`` or :class:`InputSource`), capped in size."""
    return open_input(source).data()


def source_name(source: Source) -> str:
    """The name of ``source`` used in messages."""
    return str(source) if not isinstance(source, (str, Path)) or str(source) != "-" else STDIN_NAME


# -- decoding ------------------------------------------------------------------------------

_BOMS: Tuple[Tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32-le"), (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)


def bom_encoding(data: bytes) -> Tuple[Optional[str], int]:
    """(codec, BOM length) of a byte-order mark at the start of ``data``, or (None, 0)."""
    for bom, enc in _BOMS:
        if data.startswith(bom):
            return enc, len(bom)
    return None, 0


def _line_of(data: bytes, offset: int) -> int:
    return data.count(b"\n", 0, offset) + 1


def decode_text(data: bytes, path: PathLike, *, allow_empty: bool = False) -> str:
    """Decode UTF-8 (with or without BOM), or UTF-16/UTF-32 with BOM; reject binary data.

    Raises :class:`InputError` naming the file and the line of the first bad byte.
    """
    name = str(path)
    enc, skip = bom_encoding(data)
    if enc not in (None, "utf-8"):
        try:
            text = data[skip:].decode(enc)
        except UnicodeDecodeError as exc:
            done = data[skip:exc.start].decode(enc, "replace")
            raise InputError(name, f"not valid {enc.upper()[:6]} ({exc.reason})",
                             line=line_of(done, len(done))) from None
    else:
        nul = data.find(b"\x00")
        if nul != -1:
            raise InputError(name, "binary file (NUL byte found); expected UTF-8 text (UTF-16 "
                                   "needs a byte-order mark)", line=_line_of(data, nul))
        try:
            text = data[skip:].decode("utf-8")
        except UnicodeDecodeError as exc:
            at = exc.start + skip
            hint = "re-save the file as UTF-8"
            if _looks_like_utf16(data):
                hint = "it looks like UTF-16 without a byte-order mark: re-save it as UTF-8"
            raise InputError(name, "not valid UTF-8 (byte 0x%02x); %s" % (data[at], hint),
                             line=_line_of(data, at)) from None
    if not allow_empty and not text.strip():
        raise InputError(name, "file is empty")
    bad = _CONTROL.search(text)
    if bad is not None:
        raise InputError(name, "binary file (control character found); expected text",
                         line=line_of(text, bad.start()))
    return text


def _looks_like_utf16(data: bytes) -> bool:
    """Text in UTF-16 without BOM: even length, decodes, mostly CJK or printable characters."""
    if len(data) < 4 or len(data) % 2:
        return False
    for codec in ("utf-16-le", "utf-16-be"):
        try:
            text = data[:4096].decode(codec)
        except UnicodeDecodeError:
            continue
        good = sum(1 for c in text if c.isprintable() or c in "\r\n\t")
        cjk = sum(1 for c in text if "\u3000" <= c <= "\u9fff" or "\uff00" <= c <= "\uffef")
        if good == len(text) and cjk * 3 >= len(text):
            return True
    return False


def read_text(path: Source, *, allow_empty: bool = False) -> str:
    """Read a text input (path, ``-`` for stdin, or :class:`InputSource`) strictly."""
    return open_input(path).text(allow_empty=allow_empty)


# -- lines ---------------------------------------------------------------------------------

#: what ends a line, as :meth:`str.splitlines` decides (the translator splits lines with it)
LINE_BREAK = re.compile(r"\r\n|[\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]")


def first_line(text: str) -> str:
    """The text up to its first line break (LF, CRLF or CR alike)."""
    m = re.search(r"[\r\n]", text)
    return text if m is None else text[:m.start()]


def line_of(text: str, offset: int) -> int:
    """1-based line of ``offset`` in ``text`` (every line break of :data:`LINE_BREAK`)."""
    return len(LINE_BREAK.findall(text, 0, offset)) + 1


class LineIndex:
    """Line and column of offsets in one text, by bisection over its line starts."""

    def __init__(self, text: str):
        self.starts = [0] + [m.end() for m in LINE_BREAK.finditer(text)]

    def line_col(self, offset: int) -> Tuple[int, int]:
        """1-based (line, column) of ``offset``."""
        i = bisect.bisect_right(self.starts, offset) - 1
        return i + 1, offset - self.starts[i] + 1


def line_col(text: str, offset: int) -> Tuple[int, int]:
    """1-based line and column of ``offset`` in ``text`` (LF, CRLF and CR end a line)."""
    return LineIndex(text).line_col(offset)


@dataclass(frozen=True)
class TextLayout:
    """How a text file is stored: its codec, byte-order mark and line ending."""

    encoding: str = "utf-8"
    bom: bool = False
    newline: str = "\n"

    def encode(self, text: str) -> bytes:
        """``text`` (lines ending in ``\\n``) encoded back in this layout."""
        if self.newline != "\n":
            text = text.replace("\n", self.newline)
        data = text.encode(self.encoding)
        if self.bom:
            data = codecs.lookup(self.encoding).encode("\ufeff")[0] + data
        return data


def detect_layout(data: bytes, text: Optional[str] = None) -> TextLayout:
    """The :class:`TextLayout` of ``data`` (``text``: its decoded form, when at hand)."""
    enc, skip = bom_encoding(data)
    if text is None:
        text = data[skip:].decode(enc or "utf-8", "replace")
    m = re.search(r"\r\n|\r|\n", text)
    newline = m.group(0) if m else "\n"
    return TextLayout(enc or "utf-8", bool(skip), newline)


def to_lf(text: str) -> str:
    """``text`` with CRLF and CR line endings turned into LF."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


# -- writing (kept for callers of the old names; the policy is in termbase.outputs) ---------

def atomic_write_bytes(path: PathLike, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file and an atomic rename.

    No output policy: see :mod:`termbase.outputs` for outputs the user names.
    """
    from .outputs import write_atomic

    write_atomic(path, data)


def atomic_write_text(path: PathLike, text: str, *, bom: bool = False, newline: str = "\n") -> None:
    """Write text as UTF-8 atomically, with ``newline`` line endings."""
    atomic_write_bytes(path, TextLayout("utf-8", bom, newline).encode(text))

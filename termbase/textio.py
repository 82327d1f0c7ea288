"""Reading inputs strictly: files, pipes and stdin through one buffered source; text decoding.

Every reader takes a *source*: a path, ``-`` for stdin, or an :class:`InputSource` already
opened by the caller. An :class:`InputSource` reads its file at most once and keeps the bytes,
so a reader that sniffs the format (``head()``) gives nothing away: a pipe (``<(cat file)``),
a FIFO or stdin is read whole, exactly once, and the sniffed bytes are part of what the reader
gets. Inputs are capped at :data:`MAX_INPUT_BYTES` (a char device such as ``/dev/zero`` ends in
a one-line error instead of exhausting memory). Outputs live in :mod:`termbase.outputs`.

Text is UTF-8 (or what a byte-order mark says) unless the user names an encoding
(``--encoding``: :func:`check_encoding`, :func:`decode_text`); an :class:`InputSource` carries that
encoding and the option that names it, so a decoding error deep in a reader still says which
option to use and which encoding the bytes look like (:func:`guess_encoding`).
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
    included; ``text()`` decodes them strictly (:func:`decode_text`) in ``encoding`` (None:
    UTF-8 or what a byte-order mark says); a decoding error names ``encoding_option`` (e.g.
    ``--encoding``) with the encoding the bytes look like. ``str(source)`` is the
    name used in messages (``<stdin>`` for ``-``). It deliberately has no ``__fspath__``: a
    reader must not reopen a pipe by its name.
    """

    def __init__(self, path: PathLike, *, encoding: Optional[str] = None,
                 encoding_option: Optional[str] = None):
        self.path = str(path)
        if self.path == "":
            raise InputError("''", "empty file name (an unset shell variable?); give a file or -")
        self.is_stdin = self.path == "-"
        self.name = STDIN_NAME if self.is_stdin else self.path
        self._data: Optional[bytes] = None
        #: the text encoding the user named (None: UTF-8, or what a byte-order mark says)
        self.encoding = encoding
        #: the option that names it, quoted in decoding errors (None: the library's caller has
        #: none to offer)
        self.encoding_option = encoding_option

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
        return decode_text(self.data(), self.name, allow_empty=allow_empty,
                           encoding=self.encoding, option=self.encoding_option)

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


def open_input(source: Source, *, encoding: Optional[str] = None,
               encoding_option: Optional[str] = None) -> InputSource:
    """``source`` as an :class:`InputSource` (returned as is when it already is one); a given
    ``encoding``/``encoding_option`` is set on it (see :class:`InputSource`)."""
    src = source if isinstance(source, InputSource) else InputSource(source)
    if encoding is not None:
        src.encoding = encoding
    if encoding_option is not None:
        src.encoding_option = encoding_option
    return src


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


#: names that read as GB18030, which covers GBK, GB2312 and CP936 (code page 936)
_GB = {"gb18030", "gbk", "gb2312", "cp936", "ms936", "euc-cn", "euccn", "936", "hz-gb-2312"}
#: Big5 as Windows writes it (CP950) first, then with the Hong Kong characters (HKSCS)
_BIG5 = {"big5", "big5-tw", "csbig5", "cp950", "ms950", "950"}
#: how encodings are named in messages and options
_LABELS = {"gb18030": ("GB18030 (GBK)", "gb18030"), "big5": ("Big5", "big5"),
           "cp950": ("Big5", "big5"), "big5hkscs": ("Big5", "big5"),
           "utf-16-le": ("UTF-16 without a byte-order mark", "utf-16"),
           "utf-16-be": ("UTF-16 without a byte-order mark", "utf-16"),
           "utf-16": ("UTF-16", "utf-16"), "cp1252": ("Windows-1252", "cp1252"),
           "utf-8": ("UTF-8", "utf-8"), "shift_jis": ("Shift-JIS", "shift_jis"),
           "euc_kr": ("EUC-KR", "euc-kr")}
#: what ``--encoding`` takes, for help texts
ENCODING_HELP = ("utf-8 (default; a byte-order mark is always honoured), gb18030 (also reads GBK "
                 "and GB2312), big5, utf-16 (with or without byte-order mark), utf-16le, "
                 "utf-16be, cp1252, or any other Python codec name")


def _key(name: str) -> str:
    return name.strip().lower().replace("_", "-")


def check_encoding(name: str) -> str:
    """``name`` if it names a text encoding Python can decode (``gbk``, ``Big5``, ``UTF-16LE``,
    ``cp1252``…); raises ``ValueError`` with the choices otherwise."""
    key = _key(name)
    if key in _GB or key in _BIG5:
        return name
    try:
        info = codecs.lookup(key)
    except LookupError:
        raise ValueError(f"unknown encoding {name!r}; use e.g. {ENCODING_HELP}") from None
    if not getattr(info, "_is_text_encoding", True):
        raise ValueError(f"{name!r} is not a text encoding; use e.g. {ENCODING_HELP}")
    return name


def _codecs_for(encoding: str, data: bytes) -> List[str]:
    """The codecs tried, in order, for the encoding the user named."""
    key = _key(encoding)
    if key in _GB:
        return ["gb18030"]
    if key in _BIG5:
        return ["cp950", "big5hkscs"]
    name = codecs.lookup(key).name
    if name == "utf-16":  # no byte-order mark here (one would have been seen): guess the order
        be = sum(1 for b in data[:4096:2] if b == 0)
        le = sum(1 for b in data[1:4096:2] if b == 0)
        return ["utf-16-be", "utf-16-le"] if be > le else ["utf-16-le", "utf-16-be"]
    if name == "utf-32":
        return ["utf-32-le", "utf-32-be"]
    return [name]


def _label(codec: str) -> Tuple[str, str]:
    """(name in messages, name to give to ``--encoding``) of a codec."""
    name = codecs.lookup(codec).name
    return _LABELS.get(name, (name.upper(), name))


def _cjk_scores(data: bytes) -> Tuple[float, float, int]:
    """How well ``data`` reads as GB2312-range text and as Big5 level-1 text: the share of its
    double-byte characters that are common in each (GB: symbols rows and level-1 hanzi, lead
    0xA1-0xA9 or 0xB0-0xD7 with trail 0xA1-0xFE, plus GB18030's four-byte sequences; Big5:
    symbols and level-1 hanzi, lead 0xA1-0xA3 or 0xA4-0xC6), and how many multi-byte characters
    (or bytes that start none) were seen. Text in one is rare characters in the other."""
    gb = big5 = seen = 0
    i, n = 0, len(data)
    while i < n:
        b = data[i]
        if b < 0x80:
            i += 1
            continue
        seen += 1
        t = data[i + 1] if i + 1 < n else -1
        if 0x81 <= b <= 0xFE and 0x30 <= t <= 0x39:  # GB18030 four-byte sequence
            gb += 1
            i += 4
            continue
        if 0x81 <= b <= 0xFE and (0x40 <= t <= 0x7E or 0x80 <= t <= 0xFE):
            if t >= 0xA1 and (0xA1 <= b <= 0xA9 or 0xB0 <= b <= 0xD7):
                gb += 1
            if 0xA1 <= b <= 0xC6 and (0x40 <= t <= 0x7E or 0xA1 <= t <= 0xFE):
                big5 += 1
            i += 2
            continue
        i += 1
    if not seen:
        return 0.0, 0.0, 0
    return gb / seen, big5 / seen, seen


def _decodes(data: bytes, codec: str) -> bool:
    try:
        data.decode(codec)
        return True
    except UnicodeDecodeError as exc:  # a character cut at the end of a window is no evidence
        return exc.start >= len(data) - 3


def guess_encoding(data: bytes, at: int = 0) -> Optional[str]:
    """The codec ``data`` most likely is in, judged on the bytes around offset ``at`` (the first
    one that failed): UTF-16 without a byte-order mark, GB18030/GBK, Big5 or Windows-1252. None
    when nothing fits. (A byte-level judgement: charset-normalizer, tried for this, took short
    GBK lines such as ``华龙网,A`` for Big5.)"""
    start = max(0, at - 32768)
    if start:
        nl = data.rfind(b"\n", 0, start)
        start = nl + 1 if nl != -1 else 0
    window = data[start:start + 65536]
    if b"\x00" in window:
        for codec in ("utf-16-le", "utf-16-be"):
            if _looks_like_utf16(window, (codec,), ascii_ok=True):
                return codec
        return None
    gb, big5, seen = _cjk_scores(window)
    if seen:
        if gb >= 0.8 and gb >= big5 and _decodes(window, "gb18030"):
            return "gb18030"
        if big5 >= 0.8 and (_decodes(window, "cp950") or _decodes(window, "big5hkscs")):
            return "cp950"
    for codec in ("utf-16-le", "utf-16-be"):
        if _looks_like_utf16(window, (codec,)):
            return codec
    if seen and seen * 4 <= len(window) and _decodes(window, "cp1252"):
        return "cp1252"
    if seen and gb >= 0.5 and _decodes(window, "gb18030"):
        return "gb18030"
    return None


def _encoding_hint(data: bytes, at: int, option: Optional[str], tried: str) -> str:
    guess = guess_encoding(data, at)
    if guess is not None and codecs.lookup(guess).name == codecs.lookup(tried).name:
        guess = None
    if guess is None:
        return (f"give its encoding with {option}, or re-save it as UTF-8" if option
                else "re-save it as UTF-8")
    label, value = _label(guess)
    if option:
        return f"it looks like {label}: give {option} {value}, or re-save it as UTF-8"
    return f"it looks like {label}: re-save it as UTF-8"


def decode_text(data: bytes, path: PathLike, *, allow_empty: bool = False,
                encoding: Optional[str] = None, option: Optional[str] = None) -> str:
    """Decode text strictly; reject binary data.

    Without ``encoding``: UTF-8 (with or without BOM), or UTF-16/UTF-32 with BOM. With it (see
    :func:`check_encoding`): that encoding — ``gb18030`` for GB18030, GBK and GB2312, ``big5``
    for Big5 (CP950, then HKSCS), ``utf-16`` with or without BOM (byte order guessed) — unless a
    byte-order mark says otherwise (a BOM is never wrong). Raises :class:`InputError` naming the
    file and the line of the first bad byte; a decoding error says which encoding the bytes look
    like and, when ``option`` is given (``--encoding``), how to name it.
    """
    name = str(path)
    enc, skip = bom_encoding(data)
    if enc is None and encoding is not None and _codecs_for(encoding, data) != ["utf-8"]:
        text = _decode_named(data, name, encoding, option)
    elif enc not in (None, "utf-8"):
        try:
            text = data[skip:].decode(enc)
        except UnicodeDecodeError as exc:
            done = data[skip:exc.start].decode(enc, "replace")
            raise InputError(name, f"not valid {enc.upper()[:6]} ({exc.reason})",
                             line=line_of(done, len(done))) from None
    else:
        nul = data.find(b"\x00")
        if nul != -1:
            if _looks_like_utf16(data, ("utf-16-le", "utf-16-be"), ascii_ok=True):
                how = f"give {option} utf-16, or re-save it as UTF-8" if option \
                    else "re-save it as UTF-8"
                raise InputError(name, "binary file (NUL byte found); UTF-16 needs a byte-order "
                                       f"mark: {how}", line=_line_of(data, nul))
            raise InputError(name, "binary file (NUL byte found); expected UTF-8 text (UTF-16 "
                                   "needs a byte-order mark)", line=_line_of(data, nul))
        try:
            text = data[skip:].decode("utf-8")
        except UnicodeDecodeError as exc:
            at = exc.start + skip
            hint = _encoding_hint(data, at, option, "utf-8")
            raise InputError(name, "not valid UTF-8 (byte 0x%02x); %s" % (data[at], hint),
                             line=_line_of(data, at)) from None
    if not allow_empty and not text.strip():
        raise InputError(name, "file is empty")
    bad = _CONTROL.search(text)
    if bad is not None:
        raise InputError(name, "binary file (control character found); expected text",
                         line=line_of(text, bad.start()))
    return text


def _decode_named(data: bytes, name: str, encoding: str, option: Optional[str]) -> str:
    """``data`` (no byte-order mark) decoded in the encoding the user named."""
    tried = _codecs_for(encoding, data)
    wide = tried[0].startswith(("utf-16", "utf-32"))
    if not wide:
        nul = data.find(b"\x00")
        if nul != -1:
            raise InputError(name, f"binary file (NUL byte found); expected {encoding} text",
                             line=_line_of(data, nul))
    first: Optional[UnicodeDecodeError] = None
    for codec in tried:
        try:
            text = data.decode(codec)
        except UnicodeDecodeError as exc:
            first = first or exc
            continue
        _refuse_misread(text, data, name, codec, option)
        return text[1:] if text.startswith("\ufeff") else text
    assert first is not None
    at = first.start
    if wide:
        done = data[:at].decode(tried[0], "replace")
        line = line_of(done, len(done))
    else:
        line = _line_of(data, at)
    label = _label(tried[0])[0]
    hint = _encoding_hint(data, at, option, tried[0])
    raise InputError(name, "not valid %s (byte 0x%02x); %s" % (label, data[at], hint),
                     line=line) from None


_PRIVATE_USE = re.compile("[\ue000-\uf8ff]")
_ASCII = re.compile("[\x00-\x7f]")


def _refuse_misread(text: str, data: bytes, name: str, codec: str,
                    option: Optional[str]) -> None:
    """Refuse Chinese text decoded in the wrong double-byte encoding (Big5 read as GB18030 and
    the reverse): it decodes, but into private-use characters or into rare characters where the
    other encoding gives common ones."""
    if codec not in ("gb18030", "cp950", "big5hkscs"):
        return
    found = _PRIVATE_USE.findall(text)
    why = ""
    if len(found) >= 3 and len(found) * 50 >= len(text) - len(_ASCII.findall(text)):
        why = f"{len(found)} private-use character(s) where Chinese text has none"
    else:
        gb, big5, seen = _cjk_scores(data[:65536])
        mine, other = (gb, big5) if codec == "gb18030" else (big5, gb)
        if seen >= 10 and other >= 0.9 and mine < 0.75:
            why = "it decodes into rare characters only"
    if not why:
        return
    m = _PRIVATE_USE.search(text)
    at = len(text[:m.start()].encode(codec, "replace")) if m else 0
    hint = _encoding_hint(data, at, option, codec)
    raise InputError(name, f"does not read as {_label(codec)[0]}: {why}; {hint}",
                     line=line_of(text, m.start()) if m else 1)


def _looks_like_utf16(data: bytes, codecs_: Tuple[str, ...] = ("utf-16-le", "utf-16-be"),
                      ascii_ok: bool = False) -> bool:
    """Text in UTF-16 without BOM: even length, decodes, printable, and mostly CJK (or, with
    ``ascii_ok``, any printable text: a NUL in every other byte is UTF-16's mark)."""
    if len(data) < 4 or len(data) % 2:
        return False
    for codec in codecs_:
        try:
            text = data[:4096].decode(codec)
        except UnicodeDecodeError:
            continue
        good = sum(1 for c in text if c.isprintable() or c in "\r\n\t")
        cjk = sum(1 for c in text if "\u3000" <= c <= "\u9fff" or "\uff00" <= c <= "\uffef")
        if good == len(text) and (cjk * 10 >= len(text) * 9 or ascii_ok):
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


def split_lines(text: str) -> List[Tuple[str, str]]:
    """``(content, line_ending)`` pairs; joined, they give ``text`` back."""
    out = []
    for line in text.splitlines(keepends=True):
        body = line.rstrip("\r\n")
        out.append((body, line[len(body):]))
    return out


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

"""Office Open XML packages (.docx, .xlsx) checked before python-docx or openpyxl see them.

:func:`check_package` inflates every member once, counting the bytes actually produced (the
sizes a ZIP *declares* are not trusted), and refuses with a one-line error:

* more than :data:`MAX_INFLATED` bytes inflated in all (a zip bomb is stopped as soon as its
  output passes the limit, whatever its members declare), or more than :data:`MAX_MEMBERS`
  members;
* a damaged archive: not a ZIP, bad CRC, truncated data, an encrypted member, a compression
  method other than stored/deflate, two members with one name;
* a package without ``[Content_Types].xml``, or whose relationships point at a missing part;
* any XML part that :func:`termbase.xmlsafe.parse_xml` refuses in its Office Open XML mode
  (no DTD at all, UTF-8/UTF-16 only: ECMA-376 Part 2 §8.1.4, [M1.17] and [M1.18]).

:func:`load_docx` and :func:`load_xlsx` are the only ways termtrans opens these files.
"""
from __future__ import annotations

import io
import posixpath
import zipfile
from dataclasses import dataclass, field
from typing import Dict, List, Tuple
from urllib.parse import unquote

from .errors import InputError
from .xmlsafe import parse_xml

#: most bytes a package may inflate to, all members together
MAX_INFLATED = 256 * 1024 * 1024
#: most members in a package
MAX_MEMBERS = 10000
_CHUNK = 1 << 16
_RELS_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
_CT_NS = "http://schemas.openxmlformats.org/package/2006/content-types"
#: kind → (what it is, how to save it)
_KINDS = {"docx": (".docx file", "Word .docx"), "xlsx": (".xlsx workbook", "Excel .xlsx")}


@dataclass
class PackageReport:
    """What :func:`check_package` found: members, inflated size, XML parts checked."""

    members: List[str] = field(default_factory=list)
    inflated: int = 0
    xml_parts: int = 0


def _what(kind: str) -> Tuple[str, str]:
    return _KINDS.get(kind, ("Office Open XML file", "Office Open XML"))


def _is_xml_name(name: str, xml_types: Dict[str, bool], xml_parts: set) -> bool:
    low = name.lower()
    if low.endswith((".xml", ".rels", ".vml")) or low in xml_parts:
        return True
    ext = low.rsplit(".", 1)[-1] if "." in posixpath.basename(low) else ""
    return xml_types.get(ext, False)


def _looks_like_xml(head: bytes) -> bool:
    """Does a member that is not declared as XML start like an XML document?"""
    for bom in (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff"):
        if head.startswith(bom):
            return True
    if head.startswith((b"<\x00", b"\x00<")):
        return True
    head = head.lstrip(b" \t\r\n")
    return len(head) > 1 and head[:1] == b"<" and (head[1:2].isalpha() or head[1:2] in b"?!")


def _inflate(archive: zipfile.ZipFile, info: zipfile.ZipInfo, name: str, budget: int,
             keep: bool) -> Tuple[int, bytes]:
    """Inflate one member, counting what comes out: (bytes produced, the bytes if ``keep``)."""
    parts: List[bytes] = []
    total = 0
    head = b""
    try:
        with archive.open(info) as fh:
            while True:
                chunk = fh.read(_CHUNK)
                if not chunk:
                    break
                total += len(chunk)
                if total > budget:
                    raise InputError(name, f"expands to more than {MAX_INFLATED // (1024 * 1024)} "
                                           f"MiB (member {info.filename}); refused as a possible "
                                           "zip bomb")
                if keep:
                    parts.append(chunk)
                elif not head:
                    head = chunk[:64]
    except InputError:
        raise
    except zipfile.BadZipFile as exc:
        msg = str(exc)
        if "CRC" in msg:
            msg = f"member {info.filename} is damaged (bad CRC-32)"
        else:
            msg = f"member {info.filename} is damaged ({msg})"
        raise InputError(name, msg + "; re-save the file") from None
    except (EOFError, OSError, ValueError, RuntimeError, NotImplementedError) as exc:
        # zlib.error is an Exception subclass, caught below
        raise InputError(name, f"member {info.filename} cannot be read ({exc}); re-save the "
                               "file") from None
    except MemoryError:
        raise InputError(name, "not enough memory to read it") from None
    except Exception as exc:  # zlib.error
        raise InputError(name, f"member {info.filename} is damaged ({type(exc).__name__}: "
                               f"{exc}); re-save the file") from None
    return total, b"".join(parts) if keep else head


def check_package(data: bytes, name: str, kind: str = "docx") -> PackageReport:
    """Check an Office Open XML package (see the module docstring); raise :class:`InputError`."""
    noun, save = _what(kind)
    article = "an" if noun.startswith(".x") else "a"
    if not data:
        raise InputError(name, "file is empty")
    if not data.startswith(b"PK"):
        raise InputError(name, f"not {article} {noun} (not a ZIP package); save it as {save}")
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, ValueError, OSError) as exc:
        raise InputError(name, f"not a readable {noun} (damaged ZIP: {exc}); re-save it"
                         ) from None
    if len(infos) > MAX_MEMBERS:
        raise InputError(name, f"more than {MAX_MEMBERS} members in the package; refused")
    seen = set()
    for info in infos:
        if info.filename in seen:
            raise InputError(name, f"member {info.filename} appears twice in the package; "
                                   "refused")
        seen.add(info.filename)
        if info.flag_bits & 0x1:
            raise InputError(name, f"member {info.filename} is encrypted (password-protected "
                                   "file); remove the password and save it again")
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise InputError(name, f"member {info.filename} uses compression method "
                                   f"{info.compress_type}; only stored and deflate are allowed "
                                   "in Office files")
    if "[Content_Types].xml" not in seen:
        raise InputError(name, f"not {article} {noun} ([Content_Types].xml missing); save it "
                               f"as {save}")
    report = PackageReport(members=[i.filename for i in infos])
    # pass 1: inflate everything once, keeping nothing, counting what comes out; a bomb is
    # stopped here, whatever its members declare and however it is split
    budget = MAX_INFLATED
    heads: Dict[str, bytes] = {}
    for info in infos:
        if info.is_dir():
            continue
        size, heads[info.filename] = _inflate(archive, info, name, budget, keep=False)
        budget -= size
        report.inflated += size
    # pass 2: every XML part through the guard, content types first (they say which other
    # extensions hold XML)
    ordered = sorted(infos, key=lambda i: i.filename != "[Content_Types].xml")
    xml_types: Dict[str, bool] = {}
    xml_parts: set = set()
    rels: Dict[str, object] = {}
    for info in ordered:
        if info.is_dir():
            continue
        if not (_is_xml_name(info.filename, xml_types, xml_parts)
                or _looks_like_xml(heads[info.filename])):
            continue
        _, body = _inflate(archive, info, name, MAX_INFLATED, keep=True)
        root = parse_xml(body, f"{name}[{info.filename}]", ooxml=True)
        del body
        report.xml_parts += 1
        if info.filename == "[Content_Types].xml":
            for d in root.iter(f"{{{_CT_NS}}}Default"):
                ct = (d.get("ContentType") or "").lower()
                if ct.endswith("xml"):
                    xml_types[(d.get("Extension") or "").lower()] = True
            for o in root.iter(f"{{{_CT_NS}}}Override"):
                if (o.get("ContentType") or "").lower().endswith("xml"):
                    xml_parts.add((o.get("PartName") or "").lstrip("/").lower())
        elif info.filename.endswith(".rels"):
            rels[info.filename] = root
    _check_relationships(rels, seen, name, f"{article} {noun}", save)
    return report


def _check_relationships(rels: Dict[str, object], members: set, name: str, what: str,
                         save: str) -> None:
    """Every internal relationship target must be a member of the package."""
    if "_rels/.rels" not in rels:
        raise InputError(name, f"not {what} (_rels/.rels missing); save it as {save}")
    for rels_name, root in rels.items():
        folder = posixpath.dirname(posixpath.dirname(rels_name))
        for rel in root.iter(f"{{{_RELS_NS}}}Relationship"):
            if (rel.get("TargetMode") or "").lower() == "external":
                continue
            target = (rel.get("Target") or "").split("#", 1)[0]
            if not target:
                continue
            if target.startswith("/"):
                part = target.lstrip("/")
            else:
                part = posixpath.normpath(posixpath.join(folder, target))
            if part not in members and unquote(part) not in members:
                source = rels_name.replace("_rels/", "").rsplit(".rels", 1)[0] or "the package"
                raise InputError(name, f"part {part} is missing (referenced by {source}); the "
                                       "file is damaged, re-save it")


def load_docx(data: bytes, name: str):
    """A python-docx ``Document`` of ``data`` after :func:`check_package`; one-line errors."""
    check_package(data, name, "docx")
    try:
        import docx
    except ImportError:  # pragma: no cover - python-docx is a dependency
        raise InputError(name, "reading .docx needs python-docx; pip install python-docx") from None
    try:
        return docx.Document(io.BytesIO(data))
    except MemoryError:
        raise InputError(name, "not enough memory to read it") from None
    except Exception as exc:  # package errors python-docx raises on unusual parts
        message = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        if "officedocument.wordprocessingml" not in message and "content type" in message.lower():
            raise InputError(name, "not a Word .docx file (it holds no Word document; is it "
                                   "another Office file?)") from None
        raise InputError(name, f"not a readable .docx file ({type(exc).__name__}: {message})"
                         ) from None


def load_xlsx(data: bytes, name: str, *, read_only: bool = True, data_only: bool = True):
    """An openpyxl ``Workbook`` of ``data`` after :func:`check_package`; one-line errors."""
    check_package(data, name, "xlsx")
    import openpyxl

    try:
        return openpyxl.load_workbook(io.BytesIO(data), read_only=read_only, data_only=data_only)
    except MemoryError:
        raise InputError(name, "not enough memory to read it") from None
    except Exception as exc:  # openpyxl raises many kinds on broken workbooks
        message = str(exc).splitlines()[0] if str(exc) else ""
        raise InputError(name, f"cannot read workbook ({type(exc).__name__}: {message})"
                         ) from None


__all__ = ["MAX_INFLATED", "MAX_MEMBERS", "PackageReport", "check_package",
           "load_docx", "load_xlsx"]

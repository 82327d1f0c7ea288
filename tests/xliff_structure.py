"""What the OASIS XLIFF 1.2 (strict) and 2.0 schemas require of the files termtrans writes.

The OASIS schemas are not shipped (house rule: nothing fetched is committed), so the tests check
the structure the schemas impose on what termtrans touches: element order in ``trans-unit``,
``alt-trans``, ``header``, ``unit``, ``segment`` and ``file``; attribute values (states, state
qualifiers, ``alttranstype``, ``subState``); inline elements where the schema allows them, ids and
references (``mid`` of ``seg-source``, ``ec/@startRef``, ``originalData`` refs). When the
environment variable ``TERMTRANS_XLIFF_XSD`` names a folder holding ``xliff-core-1.2-strict.xsd``,
``xliff-core-2.0.xsd`` and ``xml.xsd``, :func:`xsd_problems` also validates against them.
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import List, Optional

NS1 = "urn:oasis:names:tc:xliff:document:1.2"
NS2 = "urn:oasis:names:tc:xliff:document:2.0"

STATES_1 = {"final", "needs-adaptation", "needs-l10n", "needs-review-adaptation", "needs-review-l10n",
            "needs-review-translation", "needs-translation", "new", "signed-off", "translated"}
QUALIFIERS_1 = {"exact-match", "fuzzy-match", "id-match", "leveraged-glossary", "leveraged-inherited",
                "leveraged-mt", "leveraged-repository", "leveraged-tm", "mt-suggestion",
                "rejected-grammar", "rejected-inaccurate", "rejected-length", "rejected-spelling",
                "tm-suggestion"}
ALTTRANSTYPES = {"proposal", "previous-version", "rejected", "reference", "accepted"}
INLINE_1 = {"g", "x", "bx", "ex", "bpt", "ept", "ph", "it", "mrk"}
INLINE_2 = {"cp", "ph", "pc", "sc", "ec", "mrk", "sm", "em"}
STATES_2 = {"initial", "translated", "reviewed", "final"}


def local(tag) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _order(parent, expected: List[str], problems: List[str], where: str) -> None:
    """Children (in the XLIFF namespace) must follow the order of ``expected`` (repeats allowed)."""
    ranks = {name: i for i, name in enumerate(expected)}
    if "segment" in ranks:
        ranks["ignorable"] = ranks["segment"]
    if "unit" in ranks:
        ranks["group"] = ranks["unit"]
    last = -1
    for child in parent:
        name = local(child.tag)
        if not name or not child.tag.startswith("{urn:oasis:names:tc:xliff:document"):
            continue
        if name not in ranks:
            problems.append(f"{where}: <{name}> not allowed in <{local(parent.tag)}>")
            continue
        if ranks[name] < last:
            problems.append(f"{where}: <{name}> out of order in <{local(parent.tag)}>")
        last = max(last, ranks[name])


def _inline_1(el, problems: List[str], where: str, allowed=INLINE_1) -> None:
    for child in el:
        name = local(child.tag)
        if not name:
            continue
        if name not in allowed:
            problems.append(f"{where}: <{name}> is not an inline element of <{local(el.tag)}>")
            continue
        if name in ("g", "mrk"):
            _inline_1(child, problems, where)
        elif name in ("bpt", "ept", "ph", "it"):
            _inline_1(child, problems, where, {"sub"})
        elif name == "sub":
            _inline_1(child, problems, where)
        if name in ("g", "x", "bx", "ex", "bpt", "ept", "ph", "it") and not child.get("id"):
            problems.append(f"{where}: <{name}> without id")
        if name == "it" and child.get("pos") not in ("open", "close"):
            problems.append(f"{where}: <it> pos must be open or close")


def problems_1(root) -> List[str]:
    """Structural problems of an XLIFF 1.2 document (see the module docstring)."""
    problems: List[str] = []
    for f in root.iter(f"{{{NS1}}}file"):
        _order(f, ["header", "body"], problems, "file")
        header = f.find(f"{{{NS1}}}header")
        if header is not None:
            _order(header, ["skl", "phase-group", "glossary", "reference", "count-group",
                            "prop-group", "note", "tool"], problems, "header")
            for tool in header.iter(f"{{{NS1}}}tool"):
                if not tool.get("tool-id") or not tool.get("tool-name"):
                    problems.append("header: <tool> needs tool-id and tool-name")
    for tu in root.iter(f"{{{NS1}}}trans-unit"):
        where = f"trans-unit {tu.get('id')}"
        if not tu.get("id"):
            problems.append("trans-unit without id")
        names = [local(c.tag) for c in tu if local(c.tag)]
        if not names or names[0] != "source":
            problems.append(f"{where}: <source> must come first")
        head = [n for n in names if n in ("source", "seg-source", "target")]
        if head != [n for n in ["source", "seg-source", "target"] if n in head] or \
                names[:len(head)] != head:
            problems.append(f"{where}: source, seg-source, target out of order")
        for n in names[len(head):]:
            if n not in ("context-group", "count-group", "prop-group", "note", "alt-trans"):
                problems.append(f"{where}: <{n}> not allowed after the target")
        mids = _seg_mids(tu)
        for target in tu.findall(f"{{{NS1}}}target"):
            _target_1(target, mids, problems, where)
        for el in tu.findall(f"{{{NS1}}}source") + tu.findall(f"{{{NS1}}}seg-source"):
            _inline_1(el, problems, where)
        for alt in tu.findall(f"{{{NS1}}}alt-trans"):
            _order(alt, ["source", "seg-source", "target", "context-group", "prop-group", "note"],
                   problems, where + " alt-trans")
            if alt.find(f"{{{NS1}}}target") is None:
                problems.append(f"{where}: <alt-trans> without <target>")
            if alt.get("alttranstype", "proposal") not in ALTTRANSTYPES:
                problems.append(f"{where}: bad alttranstype {alt.get('alttranstype')}")
            for t in alt.findall(f"{{{NS1}}}target"):
                _target_1(t, _seg_mids(alt), problems, where + " alt-trans")
            if alt.get("mid") and alt.get("mid") not in mids:
                problems.append(f"{where}: alt-trans mid {alt.get('mid')} not in seg-source")
    return problems


def _seg_mids(parent) -> set:
    """The ``mid`` of each segment (``<mrk mtype="seg">``) of ``parent``'s ``<seg-source>``."""
    return {m.get("mid") for s in parent.findall(f"{{{NS1}}}seg-source")
            for m in s.iter(f"{{{NS1}}}mrk") if m.get("mtype") == "seg"}


def _target_1(target, mids, problems: List[str], where: str) -> None:
    if target.get("state") and target.get("state") not in STATES_1 \
            and not target.get("state").startswith("x-"):
        problems.append(f"{where}: bad state {target.get('state')}")
    if target.get("state-qualifier") and target.get("state-qualifier") not in QUALIFIERS_1:
        problems.append(f"{where}: bad state-qualifier {target.get('state-qualifier')}")
    _inline_1(target, problems, where)
    for m in target.iter(f"{{{NS1}}}mrk"):
        if m.get("mtype") == "seg" and m.get("mid") not in mids:
            problems.append(f"{where}: target segment mid {m.get('mid')} not in seg-source")


def _inline_2(el, problems: List[str], where: str, data: set, open_sc: set) -> None:
    for child in el:
        name = local(child.tag)
        if not name:
            continue
        if name not in INLINE_2:
            problems.append(f"{where}: <{name}> is not an inline element")
            continue
        if name in ("pc", "mrk"):
            _inline_2(child, problems, where, data, open_sc)
        for ref in ("dataRef", "dataRefStart", "dataRefEnd"):
            if child.get(ref) and child.get(ref) not in data:
                problems.append(f"{where}: {ref}={child.get(ref)} not in originalData")
        if name == "sc" and child.get("isolated") != "yes":
            open_sc.add(child.get("id"))
        if name == "ec" and child.get("isolated") != "yes":
            if child.get("startRef") not in open_sc:
                problems.append(f"{where}: <ec startRef={child.get('startRef')}> without its <sc>")
        if name in ("ph", "pc", "sc", "sm") and not child.get("id"):
            problems.append(f"{where}: <{name}> without id")


def problems_2(root) -> List[str]:
    """Structural problems of an XLIFF 2.0/2.1 document (see the module docstring)."""
    problems: List[str] = []
    if not root.get("srcLang"):
        problems.append("xliff: srcLang missing")
    for f in root.iter(f"{{{NS2}}}file"):
        _order(f, ["skeleton", "notes", "unit", "group"], problems, f"file {f.get('id')}")
    for unit in root.iter(f"{{{NS2}}}unit"):
        where = f"unit {unit.get('id')}"
        _order(unit, ["notes", "originalData", "segment"], problems, where)
        names = [local(c.tag) for c in unit if local(c.tag) in ("segment", "ignorable")]
        if not names:
            problems.append(f"{where}: no segment")
        data = {d.get("id") for d in unit.iter(f"{{{NS2}}}data")}
        for notes in unit.findall(f"{{{NS2}}}notes"):
            for n in notes:
                if local(n.tag) != "note":
                    problems.append(f"{where}: <{local(n.tag)}> in <notes>")
        for seg in list(unit.iter(f"{{{NS2}}}segment")) + list(unit.iter(f"{{{NS2}}}ignorable")):
            kids = [local(c.tag) for c in seg if local(c.tag)]
            if kids not in (["source"], ["source", "target"]):
                problems.append(f"{where}: <{local(seg.tag)}> must hold source, then target: {kids}")
            state = seg.get("state")
            if state is not None and state not in STATES_2:
                problems.append(f"{where}: bad state {state}")
            sub = seg.get("subState")
            if sub is not None and (state is None or ":" not in sub):
                problems.append(f"{where}: subState needs a state and a prefix:value form")
            for side in ("source", "target"):
                el = seg.find(f"{{{NS2}}}{side}")
                if el is not None:
                    _inline_2(el, problems, f"{where} {side}", data, set())
    return problems


def structure_problems(path_or_root) -> List[str]:
    from lxml import etree

    root = etree.parse(str(path_or_root)).getroot() if isinstance(path_or_root, (str, Path)) \
        else path_or_root
    return problems_2(root) if root.tag.startswith(f"{{{NS2}}}") else problems_1(root)


def xsd_problems(path: Path) -> Optional[List[str]]:
    """Validation errors against the OASIS XSDs, or None when ``TERMTRANS_XLIFF_XSD`` is unset."""
    folder = os.environ.get("TERMTRANS_XLIFF_XSD")
    if not folder:
        return None
    from lxml import etree

    doc = etree.parse(str(path))
    name = "xliff-core-2.0.xsd" if doc.getroot().tag.startswith(f"{{{NS2}}}") \
        else "xliff-core-1.2-strict.xsd"
    schema = etree.XMLSchema(etree.parse(str(Path(folder) / name)))
    if schema.validate(doc):
        return []
    return [str(e) for e in schema.error_log]

"""The inline-markup model: a segment is text plus opaque, typed inline codes.

Every document format maps its inline markup into one :class:`InlineText` and back:

* XLIFF 1.2 ``<g>``/``<x/>``/``<bx/>``/``<ex/>``/``<bpt>``/``<ept>``/``<ph>``/``<it>``/``<mrk>`` and
  XLIFF 2.x ``<pc>``/``<ph/>``/``<sc/>``/``<ec/>``/``<mrk>``/``<sm/>``/``<em/>`` (:mod:`.xliff`);
* Word runs: formatting spans, hyperlinks, fields, footnote references, bookmarks (:mod:`.docx`);
* Markdown inline code, links, images, emphasis and HTML tags (:mod:`.markdown`);
* literal placeholders in plain text (``{0}``, ``%s``, URLs, e-mail addresses: :mod:`.patterns`).

A :class:`Code` is one of three kinds: :data:`OPEN` and :data:`CLOSE` (a pair shares its ``pair``
key inside a segment, like ``<g>…</g>`` or ``<bpt>``/``<ept>``) and :data:`STANDALONE` (``<x/>``,
``<ph>``, a footnote reference). A code whose partner lies in another segment is ``isolated``
(XLIFF ``<it>``, 2.x ``isolated="yes"``, TMX ``<it>``). Codes are opaque: the translation never
looks inside ``native`` (the native code, e.g. ``<b>``) or ``markup`` (the original inline element,
serialised, which the writer of the same format puts back). Codes are plain, picklable values, so
segments can be cached, sent to worker processes and written to JSON (:meth:`InlineText.to_json`).

Readers give the document's text as ``InlineText``; :attr:`InlineText.text` is the translatable
text alone (what checks, term matching and translation memories compare). The operations below are
what translation needs to carry codes through an engine: pairing (:func:`partners`), keeping edge
codes out of the engine (:func:`strip_edges`), moving codes out of a glossary term
(:func:`move_out_of_spans`), splitting a paragraph into sentences (:meth:`InlineText.split`) and
repairing the order a translation gave them (:func:`restore_codes`); :func:`compare_codes` is the
tag-mismatch check's comparison.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Dict, Iterable, List, Sequence, Tuple, Union

OPEN = "open"
CLOSE = "close"
STANDALONE = "standalone"
KINDS = (OPEN, CLOSE, STANDALONE)

#: code types that carry no visible content and no formatting (invisible anchors)
INVISIBLE_TYPES = frozenset({"bookmark", "comment-range", "perm", "proof", "x-anchor"})


@dataclass(frozen=True)
class Code:
    """One inline code.

    ``kind``: :data:`OPEN`, :data:`CLOSE` or :data:`STANDALONE`. ``id``: the code's id in its format
    (XLIFF ``id``, TMX ``x``); a target code with the same kind and id is the same code as in the
    source. ``pair``: the key an OPEN shares with its CLOSE in one segment (XLIFF 1.2 ``rid``/``id``,
    2.x ``startRef``, TMX ``i``). ``type``: what it is (``bold``, ``italic``, ``link``, ``fn``,
    ``field``, ``image``, ``lb``, ``tab``, ``code``, ``placeholder``… or the format's own ``ctype``).
    ``native``: the native code it stands for, exactly as in the source (``<b>``, ``{0}``, ``**``).
    ``markup``: the original inline element serialised (format-specific; only that format's writer
    uses it). ``format``: ``xliff1``, ``xliff2``, ``tmx``, ``docx``, ``md``, ``text``. ``equiv``:
    plain-text equivalent for display (a tab code's ``"\\t"``). ``ref``: a reader's handle on the
    original object (a .docx element), meaningful only inside the document that made it.
    """

    kind: str
    id: str = ""
    pair: str = ""
    type: str = ""
    native: str = ""
    markup: str = ""
    format: str = ""
    isolated: bool = False
    equiv: str = ""
    attrs: Tuple[Tuple[str, str], ...] = ()
    ref: str = ""

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown code kind {self.kind!r}")

    def attr(self, name: str, default: str = "") -> str:
        """An extra attribute kept from the source."""
        for k, v in self.attrs:
            if k == name:
                return v
        return default

    @property
    def paired(self) -> bool:
        """True for an OPEN or CLOSE that has (or should have) its partner in the same segment."""
        return self.kind != STANDALONE and not self.isolated

    def match_key(self) -> Tuple[str, ...]:
        """What identifies this code across source and target (for the tag-mismatch check):
        kind and id when the format numbers its codes, else kind, type and native code."""
        if self.id:
            return (self.kind, self.id)
        return (self.kind, self.type, self.native)

    def label(self) -> str:
        """A short readable form: ``<b>`` for native codes, else the type and id."""
        if self.native and len(self.native) <= 40:
            return self.native
        name = self.attr("element") or self.type or "code"
        ident = self.id or self.pair
        tag = f"{name}{':' + ident if ident else ''}"
        return {OPEN: f"<{tag}>", CLOSE: f"</{tag}>", STANDALONE: f"<{tag}/>"}[self.kind]

    def to_dict(self) -> Dict[str, object]:
        d: Dict[str, object] = {"kind": self.kind}
        for name in ("id", "pair", "type", "native", "markup", "format", "equiv", "ref"):
            value = getattr(self, name)
            if value:
                d[name] = value
        if self.isolated:
            d["isolated"] = True
        if self.attrs:
            d["attrs"] = [list(a) for a in self.attrs]
        return d

    @classmethod
    def from_dict(cls, d: Dict[str, object]) -> "Code":
        attrs = tuple((str(k), str(v)) for k, v in d.get("attrs", ()))  # type: ignore[union-attr]
        return cls(str(d["kind"]), **{k: str(d[k]) for k in
                                      ("id", "pair", "type", "native", "markup", "format", "equiv",
                                       "ref") if k in d},
                   isolated=bool(d.get("isolated", False)), attrs=attrs)


Part = Union[str, Code]


def _normalise(parts: Iterable[Part]) -> Tuple[Part, ...]:
    out: List[Part] = []
    for p in parts:
        if isinstance(p, str):
            if not p:
                continue
            if out and isinstance(out[-1], str):
                out[-1] = out[-1] + p
                continue
        elif not isinstance(p, Code):
            raise TypeError(f"inline parts are str or Code, not {type(p).__name__}")
        out.append(p)
    return tuple(out)


@dataclass(frozen=True)
class InlineText:
    """A segment: text and codes in order (adjacent strings merged, no empty strings)."""

    parts: Tuple[Part, ...] = ()

    def __init__(self, parts: Iterable[Part] = ()):
        object.__setattr__(self, "parts", _normalise(parts))

    @classmethod
    def from_text(cls, text: str) -> "InlineText":
        return cls((text,))

    # -- views ----------------------------------------------------------------------------------
    @property
    def text(self) -> str:
        """The translatable text alone (codes left out)."""
        return "".join(p for p in self.parts if isinstance(p, str))

    @property
    def codes(self) -> Tuple[Code, ...]:
        return tuple(p for p in self.parts if isinstance(p, Code))

    @property
    def has_codes(self) -> bool:
        return any(isinstance(p, Code) for p in self.parts)

    def __bool__(self) -> bool:
        return bool(self.parts)

    def __add__(self, other: "InlineText") -> "InlineText":
        return InlineText(self.parts + other.parts)

    def code_offsets(self) -> List[Tuple[int, Code]]:
        """Each code with the offset in :attr:`text` where it stands."""
        out: List[Tuple[int, Code]] = []
        pos = 0
        for p in self.parts:
            if isinstance(p, str):
                pos += len(p)
            else:
                out.append((pos, p))
        return out

    def display(self) -> str:
        """Text with codes shown as ``⟨n⟩…⟨/n⟩`` (a pair shares its number) and ``⟨n/⟩``."""
        codes = self.codes
        pairs = partners(codes)
        numbers: Dict[int, int] = {}
        out: List[str] = []
        for p in self.indexed_parts():
            if isinstance(p, str):
                out.append(p)
                continue
            if p in pairs and pairs[p] in numbers:
                n = numbers[pairs[p]]
            else:
                n = len(set(numbers.values())) + 1
            numbers[p] = n
            out.append({OPEN: f"⟨{n}⟩", CLOSE: f"⟨/{n}⟩", STANDALONE: f"⟨{n}/⟩"}[codes[p].kind])
        return "".join(out)

    def render(self, native: bool = True) -> str:
        """Text with each code's native form (or its ``equiv``) put back: the segment as the
        original plain-text format had it."""
        return "".join(p if isinstance(p, str) else (p.native if native else p.equiv)
                       for p in self.parts)

    def key(self) -> Tuple:
        """Equal for segments that read the same to an engine: same text, same code kinds at the
        same places, same pairing (the codes themselves may differ, e.g. two link targets)."""
        codes = self.codes
        pairs = partners(codes)
        return tuple(p if isinstance(p, str) else
                     (codes[p].kind, pairs.get(p, -1), codes[p].type in INVISIBLE_TYPES)
                     for p in self.indexed_parts())

    def indexed_parts(self) -> List[Union[str, int]]:
        """The parts with each code replaced by its index in :attr:`codes` (the form
        :func:`restore_codes` takes)."""
        out: List[Union[str, int]] = []
        k = 0
        for p in self.parts:
            if isinstance(p, str):
                out.append(p)
            else:
                out.append(k)
                k += 1
        return out

    # -- edits ----------------------------------------------------------------------------------
    def rebind(self, old: Sequence[Code], new: Sequence[Code]) -> "InlineText":
        """This segment with each code of ``old`` (by identity) replaced by the code at the same
        position in ``new``; used when one translation serves segments with equal :meth:`key`."""
        by_id = {id(o): n for o, n in zip(old, new)}
        return InlineText(by_id.get(id(p), p) if isinstance(p, Code) else p for p in self.parts)

    def without(self, predicate) -> "InlineText":
        """This segment without the codes for which ``predicate(code)`` is true."""
        return InlineText(p for p in self.parts if isinstance(p, str) or not predicate(p))

    def split(self, offsets: Sequence[int]) -> List["InlineText"]:
        """Cut at text offsets (increasing, inside ``0..len(text)``). A code standing exactly at a
        cut goes to the piece after it when it is an OPEN (or closes an empty pair opened there),
        to the piece before it otherwise: closes and standalone codes such as a footnote reference
        end the sentence they follow."""
        from bisect import bisect_left, bisect_right

        cuts = list(offsets)
        pieces: List[List[Part]] = [[] for _ in range(len(cuts) + 1)]
        offsets_codes = self.code_offsets()
        pairs = partners([c for _, c in offsets_codes])
        code_no = 0
        pos = 0
        for p in self.parts:
            if isinstance(p, str):
                end = pos + len(p)
                start = pos
                for c in cuts[bisect_right(cuts, pos):bisect_left(cuts, end)]:
                    pieces[bisect_right(cuts, start)].append(p[start - pos:c - pos])
                    start = c
                pieces[bisect_right(cuts, start)].append(p[start - pos:])
                pos = end
                continue
            j = pairs.get(code_no)
            after = p.kind == OPEN or (p.kind == CLOSE and j is not None
                                       and offsets_codes[j][0] == pos)
            pieces[bisect_right(cuts, pos) if after else bisect_left(cuts, pos)].append(p)
            code_no += 1
        return [InlineText(ps) for ps in pieces]

    def to_json(self) -> str:
        return json.dumps([p if isinstance(p, str) else p.to_dict() for p in self.parts],
                          ensure_ascii=False)

    @classmethod
    def from_json(cls, data: str) -> "InlineText":
        return cls(p if isinstance(p, str) else Code.from_dict(p) for p in json.loads(data))


def join(pieces: Iterable[InlineText]) -> InlineText:
    out: List[Part] = []
    for p in pieces:
        out.extend(p.parts)
    return InlineText(out)


# -- pairing and nesting ------------------------------------------------------------------------

def partners(codes: Sequence[Code]) -> Dict[int, int]:
    """Index of each paired code's partner (both directions); unmatched and isolated codes are
    absent. An OPEN pairs with the first later CLOSE of the same ``pair`` key."""
    out: Dict[int, int] = {}
    waiting: Dict[str, List[int]] = {}
    for i, c in enumerate(codes):
        if not c.paired:
            continue
        key = c.pair or c.id
        if c.kind == OPEN:
            waiting.setdefault(key, []).append(i)
        elif waiting.get(key):
            j = waiting[key].pop()
            out[i], out[j] = j, i
    return out


@dataclass(frozen=True)
class CodeProblem:
    """What is wrong with a segment's codes: ``kind`` is missing, extra, order or nesting."""

    kind: str
    code: Code
    offset: int          # offset in the side's text where the code stands (or stood)
    side: str            # "source" or "target"
    message: str


def nesting_problems(inline: InlineText, side: str = "target") -> List[CodeProblem]:
    """Unpaired or crossing codes (``<a><b></a></b>``) in one segment."""
    offsets = inline.code_offsets()
    codes = [c for _, c in offsets]
    pairs = partners(codes)
    problems: List[CodeProblem] = []
    stack: List[int] = []
    for i, (pos, c) in enumerate(offsets):
        if not c.paired:
            continue
        if i not in pairs:
            what = "opened but never closed" if c.kind == OPEN else "closed but never opened"
            problems.append(CodeProblem("nesting", c, pos, side, f"code {c.label()} {what}"))
            continue
        if c.kind == OPEN:
            stack.append(i)
        else:
            j = pairs[i]
            if stack and stack[-1] == j:
                stack.pop()
            else:
                problems.append(CodeProblem("nesting", c, pos, side,
                                            f"code {c.label()} closes across another pair"))
                if j in stack:
                    stack.remove(j)
    return problems


def compare_codes(source: InlineText, target: InlineText) -> List[CodeProblem]:
    """Codes of ``source`` missing from ``target``, extra ones, a different order and broken nesting
    (what the ``tag-mismatch`` check reports); codes match by :meth:`Code.match_key`."""
    problems: List[CodeProblem] = []
    src = source.code_offsets()
    tgt = target.code_offsets()
    remaining: Dict[Tuple, List[int]] = {}
    for pos, c in tgt:
        remaining.setdefault(c.match_key(), []).append(pos)
    matched_order: List[Tuple] = []
    for pos, c in src:
        slots = remaining.get(c.match_key())
        if slots:
            slots.pop(0)
            matched_order.append(c.match_key())
        else:
            problems.append(CodeProblem("missing", c, pos, "source",
                                        f"code {c.label()} of the source is missing in the target"))
    src_keys = {}
    for _, c in src:
        src_keys[c.match_key()] = src_keys.get(c.match_key(), 0) + 1
    seen: Dict[Tuple, int] = {}
    target_order: List[Tuple] = []
    for pos, c in tgt:
        k = c.match_key()
        seen[k] = seen.get(k, 0) + 1
        if seen[k] > src_keys.get(k, 0):
            problems.append(CodeProblem("extra", c, pos, "target",
                                        f"code {c.label()} is not in the source"))
        else:
            target_order.append(k)
    if matched_order != target_order and sorted(matched_order) == sorted(target_order):
        first = next(i for i, (a, b) in enumerate(zip(matched_order, target_order)) if a != b)
        key = target_order[first]
        pos, code = next((p, c) for p, c in tgt if c.match_key() == key)
        problems.append(CodeProblem("order", code, pos, "target",
                                    f"codes in another order than in the source (first: "
                                    f"{code.label()})"))
    problems.extend(nesting_problems(target))
    return problems


def transfer_codes(old_source: InlineText, old_target: InlineText,
                   new_source: InlineText) -> Tuple[InlineText, List[Code]]:
    """``old_target`` with its codes replaced by those of ``new_source`` (a translation memory hit:
    same text, codes from another document). When the two sources have the same code structure
    (kinds and pairing, in order) their codes pair up by position, whatever their types (a TMX
    ``<bpt>`` for a Word bold run); otherwise a code of the same kind at the same place in the
    text (when the two texts are as long), then by position among codes of the same kind and type.
    A target code matches its source code by :meth:`Code.match_key`. Returns the new target and
    the codes of ``new_source`` it lacks (to place by hand or with :func:`restore_codes`)."""
    mapping: Dict[Tuple, Code] = {}
    old_codes, new_codes = old_source.codes, new_source.codes
    if _structure(old_codes) == _structure(new_codes):
        for c, n in zip(old_codes, new_codes):
            mapping.setdefault(c.match_key(), n)
    else:
        free = list(new_codes)
        if len(old_source.text.strip()) == len(new_source.text.strip()):
            # the same text: a code of the same kind at the same place is the same code
            at: Dict[Tuple[int, str], List[Code]] = {}
            for off, n in _text_offsets(new_source):
                at.setdefault((off, n.kind), []).append(n)
            for off, c in _text_offsets(old_source):
                here = at.get((off, c.kind))
                if here and c.match_key() not in mapping:
                    n = here.pop(0)
                    mapping[c.match_key()] = n
                    free.remove(n)
        slots: Dict[Tuple, List[Code]] = {}
        for n in free:
            slots.setdefault((n.kind, n.type), []).append(n)
        taken: Dict[Tuple, int] = {}
        for c in old_codes:
            if c.match_key() in mapping:
                continue
            k = (c.kind, c.type)
            i = taken.get(k, 0)
            if i < len(slots.get(k, [])):
                mapping[c.match_key()] = slots[k][i]
                taken[k] = i + 1
    parts: List[Part] = []
    used: set = set()
    for p in old_target.parts:
        if isinstance(p, str):
            parts.append(p)
            continue
        new = mapping.get(p.match_key())
        if new is not None and id(new) not in used:
            parts.append(new)
            used.add(id(new))
    missing = [c for c in new_source.codes if id(c) not in used]
    return InlineText(parts), missing


def _text_offsets(inline: InlineText) -> List[Tuple[int, Code]]:
    """Each code with its offset in the text without leading whitespace."""
    lead = len(inline.text) - len(inline.text.lstrip())
    return [(max(0, off - lead), c) for off, c in inline.code_offsets()]


def _structure(codes: Sequence[Code]) -> Tuple:
    """Kinds and pairing of a segment's codes (what an engine would read), types left out."""
    pairs = partners(codes)
    return tuple((c.kind, c.isolated, pairs.get(i, -1)) for i, c in enumerate(codes))


# -- what translation does with codes -----------------------------------------------------------

def strip_edges(inline: InlineText) -> Tuple[InlineText, InlineText, InlineText]:
    """``(lead, core, trail)``: the codes (and whitespace) before the first and after the last
    text that need not go through an engine, and the rest. A code may leave when it has no partner
    in the segment (standalone, isolated, or paired with a code of another segment) or when its
    partner leaves on the other edge (a pair enclosing all the text). ``lead + core + trail`` is
    the segment."""
    parts = list(inline.parts)
    text_at = [i for i, p in enumerate(parts) if isinstance(p, str) and p.strip()]
    if not text_at:
        return InlineText(), inline, InlineText()
    code_no: Dict[int, int] = {}
    for i, p in enumerate(parts):
        if isinstance(p, Code):
            code_no[i] = len(code_no)
    pairs = partners(inline.codes)
    lead_end, trail_start = text_at[0], text_at[-1] + 1
    while True:
        lead_codes = {code_no[i] for i in range(lead_end) if i in code_no}
        trail_codes = {code_no[i] for i in range(trail_start, len(parts)) if i in code_no}
        new_lead = next((i for i in range(lead_end) if i in code_no and code_no[i] in pairs
                         and pairs[code_no[i]] not in trail_codes), lead_end)
        new_trail = next((i + 1 for i in range(len(parts) - 1, trail_start - 1, -1)
                          if i in code_no and code_no[i] in pairs
                          and pairs[code_no[i]] not in lead_codes), trail_start)
        if (new_lead, new_trail) == (lead_end, trail_start):
            break
        lead_end, trail_start = new_lead, new_trail
    return (InlineText(parts[:lead_end]), InlineText(parts[lead_end:trail_start]),
            InlineText(parts[trail_start:]))


def move_out_of_spans(inline: InlineText, spans: Sequence[Tuple[int, int]]) -> Tuple[InlineText, int]:
    """Codes standing strictly inside a text span (a glossary term, translated as one unit) moved
    to its edges so that pairs stay nested: an OPEN whose CLOSE is inside goes before the span and
    its CLOSE after it; a CLOSE whose OPEN is before the span goes before it; an OPEN whose CLOSE is
    after the span goes after it; standalone codes go after it. Returns the new segment and the
    number of codes moved."""
    if not spans or not inline.has_codes:
        return inline, 0
    offsets = inline.code_offsets()
    pairs = partners([c for _, c in offsets])
    # sort bands at one offset: moved to a span's end (closes, standalone, opens), codes that were
    # there, moved to a span's start (closes, opens)
    placed: List[Tuple[int, int, int, Code]] = []
    moved = 0
    for i, (pos, c) in enumerate(offsets):
        span = next(((s, e) for s, e in spans if s < pos < e), None)
        if span is None:
            placed.append((pos, 3, i, c))
            continue
        s, e = span
        moved += 1
        j = pairs.get(i)
        partner = offsets[j][0] if j is not None else None
        if c.kind == OPEN:
            inside = partner is not None and partner <= e
            placed.append((s, 5, i, c) if inside else (e, 2, i, c))
        elif c.kind == CLOSE:
            inside = partner is not None and partner >= s
            placed.append((e, 0, i, c) if inside else (s, 4, i, c))
        else:
            placed.append((e, 1, i, c))
    placed.sort(key=lambda t: (t[0], t[1], t[2]))
    text = inline.text
    out: List[Part] = []
    pos = 0
    for off, _, _, c in placed:
        if off > pos:
            out.append(text[pos:off])
            pos = off
        out.append(c)
    out.append(text[pos:])
    return InlineText(out), moved


@dataclass
class Restored:
    """A target segment rebuilt from an engine's output, and what had to be done to its codes."""

    inline: InlineText
    placed: List[int] = field(default_factory=list)      # indexes of codes the engine placed
    appended: List[int] = field(default_factory=list)    # lost codes put at the end (reported)
    duplicates: List[int] = field(default_factory=list)  # codes the engine repeated (extra dropped)
    reordered: List[int] = field(default_factory=list)   # codes moved to repair pairs/nesting


def restore_codes(parts: Sequence[Union[str, int]], codes: Sequence[Code]) -> Restored:
    """Build the target from engine output ``parts`` (strings and indexes into ``codes``).

    Each code is kept once (a repeated code keeps its first place); a lost code is appended at
    the end of the segment (a lost OPEN whose CLOSE survived goes just before that CLOSE); a pair
    given back closed-before-opened is swapped; crossing pairs are repaired by extending the outer
    pair; spaces inside a pair move outside it ("<b> word </b>" becomes " <b>word</b> ").
    """
    result = Restored(InlineText())
    seen: set = set()
    seq: List[Union[str, int]] = []
    for p in parts:
        if isinstance(p, int):
            if p in seen or not 0 <= p < len(codes):
                result.duplicates.append(p)
                continue
            seen.add(p)
            result.placed.append(p)
        seq.append(p)
    pairs = partners(codes)
    missing = [i for i in range(len(codes)) if i not in seen]
    for i in missing:
        j = pairs.get(i)
        c = codes[i]
        if c.kind == OPEN and j is not None and j in seen:
            seq.insert(seq.index(j), i)  # an empty span just before its close
        else:
            seq.append(i)
        result.appended.append(i)
        seen.add(i)
    # a pair closed before it opened: swap the two
    positions = {p: k for k, p in enumerate(seq) if isinstance(p, int)}
    for i, j in pairs.items():
        if codes[i].kind == OPEN and positions[i] > positions[j]:
            a, b = positions[i], positions[j]
            seq[a], seq[b] = seq[b], seq[a]
            positions[i], positions[j] = b, a
            result.reordered.extend([i, j])
    seq, deferred = _uncross(seq, codes, pairs)
    result.reordered.extend(deferred)
    result.inline = _tidy_code_spaces(InlineText(codes[p] if isinstance(p, int) else p for p in seq))
    return result


def _uncross(seq: List[Union[str, int]], codes: Sequence[Code],
             pairs: Dict[int, int]) -> Tuple[List[Union[str, int]], List[int]]:
    """Crossing pairs repaired: a CLOSE that would close across another open pair waits until
    that pair is closed (``<a><b></a></b>`` becomes ``<a><b></b></a>``)."""
    out: List[Union[str, int]] = []
    stack: List[int] = []
    pending: List[int] = []
    moved: List[int] = []
    for p in seq:
        if not isinstance(p, int) or p not in pairs:
            out.append(p)
            continue
        if codes[p].kind == OPEN:
            stack.append(p)
            out.append(p)
            continue
        opener = pairs[p]
        if stack and stack[-1] == opener:
            stack.pop()
            out.append(p)
            while pending and stack and pairs[pending[-1]] == stack[-1]:
                stack.pop()
                out.append(pending.pop())
        else:
            pending.append(p)
            moved.append(p)
    while pending:
        out.append(pending.pop())
    return out, moved


_NO_SPACE_BEFORE = set(".,;:!?)]}”’")


def _tidy_code_spaces(inline: InlineText) -> InlineText:
    parts = list(inline.parts)
    changed = True
    while changed:
        changed = False
        for k in range(len(parts) - 1):
            a, b = parts[k], parts[k + 1]
            # "<open> word" -> " <open>word"; "word </close>" -> "word</close> "
            if isinstance(a, Code) and a.kind == OPEN and a.paired and isinstance(b, str) \
                    and b[:1] == " ":
                stripped = b.lstrip(" ")
                parts[k + 1] = stripped
                parts.insert(k, " ")
                changed = True
                break
            if isinstance(b, Code) and b.kind == CLOSE and b.paired and isinstance(a, str) \
                    and a[-1:] == " ":
                parts[k] = a.rstrip(" ")
                after = parts[k + 2] if k + 2 < len(parts) else None
                if not (isinstance(after, str) and after[:1] in _NO_SPACE_BEFORE):
                    parts.insert(k + 2, " ")
                changed = True
                break
        if changed:
            parts = list(InlineText(parts).parts)
    out = InlineText(parts)
    # collapse the double spaces the moves may leave, and spaces at the very ends
    cleaned: List[Part] = []
    for p in out.parts:
        if isinstance(p, str):
            while "  " in p:
                p = p.replace("  ", " ")
            if cleaned and isinstance(cleaned[-1], str):
                cleaned[-1] += p
                continue
        cleaned.append(p)
    return _collapse_across_codes(InlineText(cleaned))


def _collapse_across_codes(inline: InlineText) -> InlineText:
    """One space where two meet across pair codes ("a <b> </b> c" keeps one; a standalone code
    between two spaces keeps both), none at the ends."""
    parts = list(inline.parts)
    last_space = None  # index of the str part that ends with a space, pair codes since then only
    for k, p in enumerate(parts):
        if not isinstance(p, str):
            if p.kind == STANDALONE:
                last_space = None
            continue
        if last_space is not None and p.startswith(" "):
            parts[k] = p[1:]
            p = parts[k]
        if p.endswith(" "):
            last_space = k
        elif p:
            last_space = None
    texts = [k for k, p in enumerate(parts) if isinstance(p, str) and p]
    if texts:
        parts[texts[0]] = parts[texts[0]].lstrip(" ")
        parts[texts[-1]] = parts[texts[-1]].rstrip(" ")
    return InlineText(parts)


def local(tag) -> str:
    """The local name of an element tag ('' for comments and processing instructions)."""
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def parse_markup(markup: str):
    """The element a code's ``markup`` holds (serialised by a reader: no tail, no DTD), parsed
    with entities and network access off."""
    from lxml import etree

    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    return etree.fromstring(markup, parser)


def append_text(element, text: str) -> None:
    """Add ``text`` at the end of ``element``'s mixed content (its text, or its last child's tail)."""
    if len(element):
        element[-1].tail = (element[-1].tail or "") + text
    else:
        element.text = (element.text or "") + text


__all__ = ["CLOSE", "Code", "CodeProblem", "INVISIBLE_TYPES", "InlineText", "KINDS", "OPEN", "Part",
           "Restored", "STANDALONE", "append_text", "compare_codes", "join", "local",
           "move_out_of_spans", "nesting_problems", "parse_markup", "partners", "restore_codes", "strip_edges", "transfer_codes"]


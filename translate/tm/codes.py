"""Inline codes on a translation memory hit: the memory's English with the segment's own codes.

A memory unit matches a segment by its text; the codes come from the segment (a .docx run, an XLIFF
``<g>``), never from the memory (a TMX ``<bpt>`` of another document). :func:`codes_from_memory`
puts each code of the segment where the memory's English had the corresponding code: codes at the
segment's edges (a pair around everything, a trailing footnote reference) stay at the edges; the
others are carried over by :func:`termbase.inline.transfer_codes` (by position when both sources
have the same code structure, else by kind and type; a unit target code follows its source code
by :meth:`~termbase.inline.Code.match_key`). A code the memory's English does not place
is put at the end of the segment and reported (:data:`translate.enforce.CODE_APPENDED`), or left
out of a mere proposal.
"""
from __future__ import annotations

from difflib import SequenceMatcher
from typing import List, Optional, Tuple, Union

from termbase.inline import Code, InlineText, restore_codes, strip_edges, transfer_codes

from ..enforce import CODE_APPENDED, CODE_OUTSIDE, CODE_PLACED, CodeOutcome

Source = Union[str, InlineText]

#: recovery label of a code placed where the memory's translation had it
FROM_MEMORY = "from the memory"


def move_codes(inline: InlineText, text: str) -> InlineText:
    """``inline``'s codes put into ``text``, an edited version of ``inline.text`` (a fuzzy
    match whose terms were repaired): each code keeps its place in the text that did not change
    and goes to the end of an edited stretch it stood in."""
    if inline.text == text or not inline.has_codes:
        return inline if inline.text == text else InlineText([text])
    matcher = SequenceMatcher(None, inline.text, text, autojunk=False)
    blocks = matcher.get_opcodes()

    def mapped(offset: int) -> int:
        for tag, a0, a1, b0, b1 in blocks:
            if a0 <= offset < a1 or (offset == a1 and tag == "equal" and offset > a0):
                return b0 + (offset - a0) if tag == "equal" else b1
        return len(text)

    parts: List[object] = []
    pos = 0
    for offset, code in inline.code_offsets():
        at = max(pos, min(mapped(offset), len(text)))
        parts.append(text[pos:at])
        parts.append(code)
        pos = at
    parts.append(text[pos:])
    return InlineText(parts)


def codes_from_memory(source: InlineText, unit_source: Optional[InlineText],
                      unit_target: Optional[InlineText], target: str, *,
                      append_missing: bool = True
                      ) -> Tuple[InlineText, List[CodeOutcome], bool]:
    """``(target with the codes of source, one outcome per code of source, all placed)``.

    ``target`` is the memory's English as text (repaired or not); ``unit_source``/``unit_target``
    the unit with its own codes (None: plain text). With ``append_missing`` a code the memory's
    English does not place goes to the end of the segment (reported); without, it is left out
    (an offer)."""
    lead, core, trail = strip_edges(source)
    codes = list(core.codes)
    seq: List[Union[str, int]] = []
    if codes and unit_target is not None and unit_target.has_codes and unit_source is not None:
        _, ucore, _ = strip_edges(unit_source)
        unit_tgt = move_codes(unit_target, target) if unit_target.text != target else unit_target
        carried, _ = transfer_codes(ucore, unit_tgt, core)
        where = {id(c): i for i, c in enumerate(codes)}
        seq.extend(where[id(p)] if isinstance(p, Code) else p for p in carried.parts)
        texts = [k for k, p in enumerate(seq) if isinstance(p, str)]
        if texts:  # the memory's own edge spacing is not the segment's
            seq[texts[0]] = str(seq[texts[0]]).lstrip()
            seq[texts[-1]] = str(seq[texts[-1]]).rstrip()
    else:
        seq.append(target.strip())
    if not codes:
        body = InlineText([p for p in seq if isinstance(p, str)])
        restored_appended: List[int] = []
        placed = body
    else:
        restored = restore_codes(seq, codes)
        restored_appended = list(restored.appended)
        placed = restored.inline
        if restored_appended and not append_missing:
            lost = {id(codes[i]) for i in restored_appended}
            placed = placed.without(lambda c: id(c) in lost)
    outcomes: List[CodeOutcome] = [CodeOutcome(c.label(), c.type, CODE_OUTSIDE) for c in lead.codes]
    for i, c in enumerate(codes):
        if i in restored_appended:
            outcomes.append(CodeOutcome(c.label(), c.type, CODE_APPENDED, None,
                                        "not in the memory's translation; put at the end of the "
                                        "segment (check its place)" if append_missing else
                                        "not in the memory's translation"))
        else:
            outcomes.append(CodeOutcome(c.label(), c.type, CODE_PLACED, FROM_MEMORY))
    outcomes += [CodeOutcome(c.label(), c.type, CODE_OUTSIDE) for c in trail.codes]
    lead_codes = InlineText([p for p in lead.parts if isinstance(p, Code)])
    trail_codes = InlineText([p for p in trail.parts if isinstance(p, Code)])
    return lead_codes + placed + trail_codes, outcomes, not restored_appended


__all__ = ["FROM_MEMORY", "codes_from_memory", "move_codes"]

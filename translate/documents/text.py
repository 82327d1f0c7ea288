"""Plain text: one paragraph per line; blank lines and line endings kept."""
from __future__ import annotations

from typing import Dict, List, Optional, Sequence, Tuple

from termbase.normalize import has_cjk
from termbase.textio import decode_text, split_lines

from .base import Document, Unit, filled


class TextDocument(Document):
    """A ``.txt`` file: each line is a paragraph; lines without Chinese are copied."""

    format = "txt"

    def __init__(self, name: str, text: str):
        super().__init__(name)
        self.bom = False
        self.lines = split_lines(text)
        for number, (body, _) in enumerate(self.lines, 1):
            translate = has_cjk(body)
            self.units.append(Unit(body, f"line {number}", translate,
                                   "" if translate else "no Chinese text"))

    @classmethod
    def from_bytes(cls, data: bytes, name: str, **options) -> "TextDocument":
        return cls(name, decode_text(data, name))

    def _targets(self, results) -> List[str]:
        return [r.target if r is not None else u.text for u, r in zip(self.units, results)]

    def render(self, results: Sequence[Optional[object]], *, bilingual: bool = False,
               signature: Optional[Dict[str, object]] = None) -> bytes:
        results = filled(results)
        out: List[str] = []
        for (body, ending), unit, result, target in zip(self.lines, self.units, results,
                                                        self._targets(results)):
            if bilingual and result is not None:
                out.append(body + (ending or "\n") + target + ending)
            else:
                out.append(target + ending)
        return "".join(out).encode("utf-8")

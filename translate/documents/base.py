"""The document protocol: a list of translatable units and a way to render the translation."""
from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar, Dict, List, Optional, Sequence, Union

from termbase.inline import InlineText

if TYPE_CHECKING:  # pragma: no cover
    from ..translator import ParagraphResult


@dataclass
class Unit:
    """A paragraph-like piece of a document: translated when ``translate`` is True.

    ``content`` is the text with its inline codes (formats with markup); ``text`` is its text."""

    text: str
    location: str
    translate: bool = True
    kept_because: str = ""
    content: Optional[InlineText] = None

    @property
    def inline(self) -> Union[str, InlineText]:
        """What the translator gets: the content with codes, or the text."""
        return self.content if self.content is not None and self.content.has_codes else self.text


def filled(results: Sequence[Optional["ParagraphResult"]]) -> List[Optional["ParagraphResult"]]:
    """``results`` with None for every paragraph left as it is (a pre-translation leaves the
    paragraphs it found nothing for: formats without notes just keep them)."""
    return [r if r is not None and r.translated else None for r in results]


class Document(ABC):
    """A loaded document. ``units`` are its paragraphs in reading order."""

    format: ClassVar[str] = ""

    def __init__(self, name: str):
        self.name = name
        self.units: List[Unit] = []

    @abstractmethod
    def render(self, results: Sequence[Optional["ParagraphResult"]], *, bilingual: bool = False,
               signature: Optional[Dict[str, object]] = None) -> bytes:
        """The translated document; ``results[i]`` belongs to ``units[i]`` (None, or a result
        that is not ``translated``: kept as is — see :func:`filled`)."""

    @property
    def supports_bilingual(self) -> bool:
        return True

"""The engine protocol: translate a batch of sentences, say how the translation was made."""
from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import ClassVar, Dict, List, Optional, Sequence


@dataclass(frozen=True)
class Hypothesis:
    """One candidate translation; ``score`` is the engine's log-probability if known."""

    text: str
    score: Optional[float] = None


class TranslationEngine(ABC):
    """Base class of every engine. Engines are built through :func:`translate.engines.get_engine`.

    Wrappers (glossary enforcement, caching) work with any engine through this interface only.
    """

    name: ClassVar[str] = "engine"
    #: True when :meth:`translate_batch` can force ``constraints`` into the output.
    supports_constraints: ClassVar[bool] = False

    def __init__(self, model: Optional[str] = None, *, device: str = "auto", beam: int = 4,
                 batch_size: int = 16, **options):
        self.model = model
        self.device = device
        self.beam = beam
        self.batch_size = batch_size
        self.options = options

    @abstractmethod
    def translate_batch(self, sentences: Sequence[str], *, num_hypotheses: int = 1,
                        constraints: Optional[Sequence[Sequence[str]]] = None,
                        banned: Sequence[str] = (),
                        max_new_tokens: Optional[int] = None) -> List[List[Hypothesis]]:
        """Translate ``sentences``; return ``num_hypotheses`` hypotheses per sentence, best first.

        ``constraints`` gives, per sentence, English phrases that must appear (ignored by engines
        whose ``supports_constraints`` is False); ``banned`` phrases must never be generated.
        """

    def translate(self, sentences: Sequence[str]) -> List[str]:
        """The best translation of each sentence."""
        return [h[0].text for h in self.translate_batch(sentences)]

    def signature(self) -> Dict[str, object]:
        """How this engine translates: engine name, model and decoding settings."""
        return {"engine": self.name, "model": self.model, "beam": self.beam}

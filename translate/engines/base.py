"""The engine protocol: translate a batch of sentences, say how the translation was made."""
from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import ClassVar, Dict, List, Optional, Sequence

#: decoding budget of a sentence: output tokens per source token, plus a constant, always capped
#: by the model's positions (zh→en output is rarely longer than 1.5× the source in tokens)
OUTPUT_RATIO = 2.0
OUTPUT_EXTRA = 10


def decoding_budget(source_tokens: int, max_positions: int) -> int:
    """Output tokens a sentence of ``source_tokens`` may decode: ``2·n + 10``, at most the positions."""
    return max(1, min(int(max_positions), int(source_tokens * OUTPUT_RATIO) + OUTPUT_EXTRA))


@dataclass(frozen=True)
class Hypothesis:
    """One candidate translation; ``score`` is the engine's log-probability if known.

    ``truncated`` is True when the decoder stopped at its length limit instead of ending the
    sentence (the text is then cut short; a repeating tail is cut off).
    """

    text: str
    score: Optional[float] = None
    truncated: bool = False


def runaway_cut(tokens: Sequence[str], min_span: int = 12, max_period: int = 16) -> Optional[List[str]]:
    """``tokens`` without a repeating tail ("of the work of the work of the work…"), or None.

    A tail is repeating when its last ``period`` tokens occur at least three times in a row
    (and over ``min_span`` tokens or more); one occurrence of the repeated unit is kept.
    """
    n = len(tokens)
    for period in range(1, max_period + 1):
        unit = list(tokens[n - period:])
        if len(unit) < period:
            break
        reps = 1
        while n - (reps + 1) * period >= 0 and list(tokens[n - (reps + 1) * period:n - reps * period]) == unit:
            reps += 1
        if reps >= 3 and reps * period >= min_span:
            return list(tokens[:n - (reps - 1) * period])
    return None


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


def translate_in_parts(engine: TranslationEngine, parts: Sequence[str], *, num_hypotheses: int = 1,
                       phrases: Sequence[str] = (), banned: Sequence[str] = (),
                       max_new_tokens: Optional[int] = None,
                       first_part_options: Optional[Dict[str, object]] = None) -> List[Hypothesis]:
    """Hypotheses for a sentence too long for the model, translated as ``parts`` (each fits).

    The parts' j-th hypotheses are joined with a space (scores added, truncated if any part was).
    A phrase of ``phrases`` missing from the joined best translation is forced into the part it
    costs least (score lost, else words added), so it appears once.
    ``first_part_options`` are per-sentence keywords (e.g. ``target_prefix``) for the first part.
    """
    extra: Dict[str, object] = {key: [value] + [None] * (len(parts) - 1)
                                for key, value in (first_part_options or {}).items()}
    hyps = [list(h) for h in engine.translate_batch(list(parts), num_hypotheses=num_hypotheses,
                                                    banned=banned, max_new_tokens=max_new_tokens,
                                                    **extra)]
    for phrase in phrases:
        if phrase.casefold() in " ".join(h[0].text for h in hyps).casefold():
            continue
        forced = engine.translate_batch(list(parts), constraints=[[phrase]] * len(parts),
                                        banned=banned, max_new_tokens=max_new_tokens, **extra)
        options = []
        for k, candidates in enumerate(forced):
            got, plain = candidates[0], hyps[k][0]
            if phrase.casefold() not in got.text.casefold():
                continue
            lost = (plain.score - got.score) if got.score is not None and plain.score is not None else 0.0
            options.append((lost, len(got.text) - len(plain.text), k, got))
        if options:
            *_, k, got = min(options, key=lambda o: (o[0], o[1], o[2]))
            hyps[k][0] = got
    out: List[Hypothesis] = []
    for j in range(max(1, num_hypotheses)):
        chosen = [h[min(j, len(h) - 1)] for h in hyps]
        scores = [h.score for h in chosen]
        out.append(Hypothesis(" ".join(h.text for h in chosen if h.text),
                              sum(scores) if all(s is not None for s in scores) else None,  # type: ignore[arg-type]
                              any(h.truncated for h in chosen)))
    return out

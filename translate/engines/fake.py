"""A deterministic engine with scripted outputs, for tests and dry runs (no model, no torch)."""
from __future__ import annotations

import re
from typing import Callable, Dict, List, Mapping, Optional, Sequence, Union

from .base import Hypothesis, TranslationEngine

Script = Union[Mapping[str, Union[str, Sequence[str]]], Callable[..., Union[str, Sequence[str]]]]

_CJK_RUN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]+")
_PUNCT = str.maketrans({"。": ".", "，": ",", "、": ",", "；": ";", "：": ":", "！": "!", "？": "?",
                        "（": "(", "）": ")", "“": '"', "”": '"', "‘": "'", "’": "'", "　": " "})


def echo_latin(source: str) -> str:
    """The default fake translation: Chinese characters dropped, punctuation made ASCII, Latin kept.

    Placeholders and Latin runs survive, so the enforcement pipeline can be exercised end to end.
    """
    text = _CJK_RUN.sub(" ", source).translate(_PUNCT)
    text = re.sub(r"\s+([.,;:!?)])", r"\1", text)
    return re.sub(r"\s{2,}", " ", text).strip()


class FakeEngine(TranslationEngine):
    """Translates from a script: ``{source: output | [n-best outputs]}`` or a callable.

    The callable gets ``(source, num_hypotheses=..., constraints=..., banned=...)`` and returns a
    string or a list of strings. Unscripted sources go through :func:`echo_latin`. With
    ``constraints``, the scripted ``constrained`` mapping is used if given; otherwise missing
    phrases are appended, like a decoder that forces them at the end. ``calls`` records every batch.
    """

    name = "fake"
    supports_constraints = True

    def __init__(self, model: Optional[str] = None, *, script: Optional[Script] = None,
                 constrained: Optional[Mapping[str, str]] = None,
                 supports_constraints: bool = True, **options):
        super().__init__(model or "scripted", **options)
        self.script = script if script is not None else {}
        self.constrained = dict(constrained or {})
        self.supports_constraints = supports_constraints  # instance override of the class flag
        self.calls: List[Dict[str, object]] = []

    def _outputs(self, source: str, num_hypotheses: int, constraints: Sequence[str],
                 banned: Sequence[str]) -> List[str]:
        if callable(self.script):
            out = self.script(source, num_hypotheses=num_hypotheses, constraints=constraints,
                              banned=banned)
        elif source in self.script:
            out = self.script[source]
        else:
            out = echo_latin(source)
        return [out] if isinstance(out, str) else list(out)

    def translate_batch(self, sentences: Sequence[str], *, num_hypotheses: int = 1,
                        constraints: Optional[Sequence[Sequence[str]]] = None,
                        banned: Sequence[str] = (),
                        max_new_tokens: Optional[int] = None) -> List[List[Hypothesis]]:
        self.calls.append({"sentences": list(sentences), "num_hypotheses": num_hypotheses,
                           "constraints": [list(c) for c in constraints] if constraints else None,
                           "banned": list(banned)})
        results = []
        for i, source in enumerate(sentences):
            wanted = list(constraints[i]) if constraints and self.supports_constraints else []
            if wanted and source in self.constrained:
                outputs = [self.constrained[source]]
            else:
                outputs = self._outputs(source, num_hypotheses, wanted, banned)
                if wanted:
                    base = outputs[0].rstrip()
                    missing = [p for p in wanted if p.lower() not in base.lower()]
                    outputs = [(base + " " + " ".join(missing)).strip() if missing else base]
            outputs = outputs[:num_hypotheses] or [""]
            while len(outputs) < num_hypotheses:
                outputs.append(outputs[-1])
            results.append([Hypothesis(text, -float(rank)) for rank, text in enumerate(outputs)])
        return results

    def signature(self) -> Dict[str, object]:
        return {"engine": self.name, "model": self.model, "beam": self.beam}

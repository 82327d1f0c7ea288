"""A caching wrapper: the same request to an engine is computed once per run (in memory)."""
from __future__ import annotations

from typing import Dict, List, Optional, Sequence, Tuple

from .engines.base import Hypothesis, TranslationEngine


class CachingEngine(TranslationEngine):
    """Wraps any engine; identical (sentence, options) requests are translated once."""

    def __init__(self, inner: TranslationEngine):
        super().__init__(inner.model, device=inner.device, beam=inner.beam,
                         batch_size=inner.batch_size)
        self.inner = inner
        self.name = inner.name
        self.supports_constraints = inner.supports_constraints
        self._cache: Dict[Tuple, List[Hypothesis]] = {}
        self.hits = 0
        self.misses = 0

    def translate_batch(self, sentences: Sequence[str], *, num_hypotheses: int = 1,
                        constraints: Optional[Sequence[Sequence[str]]] = None,
                        banned: Sequence[str] = (),
                        max_new_tokens: Optional[int] = None) -> List[List[Hypothesis]]:
        banned_key = tuple(banned)
        keys = [(s, num_hypotheses, tuple(constraints[i]) if constraints else (), banned_key,
                 max_new_tokens) for i, s in enumerate(sentences)]
        todo: Dict[Tuple, int] = {}
        for key in keys:
            if key in self._cache:
                self.hits += 1
            elif key not in todo:
                todo[key] = len(todo)
                self.misses += 1
            else:
                self.hits += 1
        if todo:
            order = list(todo)
            cons = [list(k[2]) for k in order] if constraints else None
            outputs = self.inner.translate_batch([k[0] for k in order],
                                                 num_hypotheses=num_hypotheses, constraints=cons,
                                                 banned=banned, max_new_tokens=max_new_tokens)
            for key, hyps in zip(order, outputs):
                self._cache[key] = list(hyps)
        return [list(self._cache[k]) for k in keys]

    def signature(self) -> Dict[str, object]:
        return self.inner.signature()

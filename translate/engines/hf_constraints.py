"""Hard lexical constraints for transformers' ``generate``: a custom logits processor.

transformers 5.x removed ``force_words_ids`` (constrained beam search). This processor gets the
same guarantee with plain beam search: once a hypothesis has started a required phrase, its next
token is forced; end-of-sentence is banned until every phrase is present; and when the model
wants to stop, or the steps left are only just enough for the missing phrases plus the final
(forced) end-of-sentence, the next missing phrase is started. Imported only by engines (torch).
"""
from __future__ import annotations

from typing import List, Optional, Sequence

import torch
from transformers import LogitsProcessor

TokenPhrase = List[int]


def _contains(seq: Sequence[int], phrase: Sequence[int]) -> bool:
    n = len(phrase)
    if n == 0:
        return True
    first = phrase[0]
    for i in range(len(seq) - n + 1):
        if seq[i] == first and list(seq[i:i + n]) == list(phrase):
            return True
    return False


class PhraseConstraintProcessor(LogitsProcessor):
    """Forces every phrase of ``phrases[sentence]`` into each hypothesis of that sentence.

    ``phrases`` holds, per input sentence, token-id phrases (alternatives are not supported: one
    tokenization per phrase). Rows of ``input_ids`` are ``sentence * num_beams + beam``.
    ``max_new_tokens`` must be the generation limit, so one step stays reserved for the forced EOS.
    """

    def __init__(self, phrases: Sequence[Sequence[TokenPhrase]], *, num_beams: int, eos_token_id: int,
                 max_new_tokens: int, prompt_length: int = 1):
        self.phrases = [[list(p) for p in ps if p] for ps in phrases]
        self.num_beams = max(1, num_beams)
        self.eos = eos_token_id
        self.max_new_tokens = max_new_tokens
        self.prompt_length = prompt_length

    def _forced_token(self, generated: List[int], pending: List[TokenPhrase],
                      wants_eos: bool) -> Optional[int]:
        best_k, forced = 0, None
        for phrase in pending:  # continue a phrase already started (longest started prefix wins)
            for k in range(min(len(phrase) - 1, len(generated)), 0, -1):
                if generated[-k:] == phrase[:k]:
                    if k > best_k:
                        best_k, forced = k, phrase[k]
                    break
        if forced is not None:
            return forced
        steps_left = self.max_new_tokens - len(generated) - 1  # the last step is the forced EOS
        needed = sum(len(p) for p in pending)
        if wants_eos or steps_left <= needed:
            return pending[0][0]
        return None

    def __call__(self, input_ids: torch.LongTensor, scores: torch.FloatTensor) -> torch.FloatTensor:
        for row in range(input_ids.shape[0]):
            sentence = row // self.num_beams
            if sentence >= len(self.phrases) or not self.phrases[sentence]:
                continue
            generated = input_ids[row, self.prompt_length:].tolist()
            pending = [p for p in self.phrases[sentence] if not _contains(generated, p)]
            if not pending:
                continue
            wants_eos = int(torch.argmax(scores[row])) == self.eos
            scores[row, self.eos] = -float("inf")
            forced = self._forced_token(generated, pending, wants_eos)
            if forced is not None:
                keep = scores[row, forced].clone()
                if not torch.isfinite(keep):
                    keep = torch.zeros_like(keep)
                scores[row, :] = -float("inf")
                scores[row, forced] = keep
        return scores

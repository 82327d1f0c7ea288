"""Token-budget batching: group segments of similar length so a batch pays little padding.

Real documents mix two-character headings with hundred-token sentences. Batching them in document
order makes every short sentence pay for the longest one in its batch (padding in the encoder, and
beams kept alive in the decoder). Sorting by length and filling each batch up to a budget of padded
tokens removes most of that waste. Engines use these functions and scatter results back so the
caller always gets outputs in input order.
"""
from __future__ import annotations

from typing import Callable, List, Optional, Sequence, TypeVar

T = TypeVar("T")
R = TypeVar("R")

#: default budget of padded source tokens per batch (batch size × longest segment)
DEFAULT_MAX_TOKENS = 1024


def batches_by_token_budget(lengths: Sequence[int], max_tokens: int = DEFAULT_MAX_TOKENS,
                            max_batch: Optional[int] = None,
                            max_padding: Optional[float] = None) -> List[List[int]]:
    """Group indices of ``lengths`` into batches of similar length.

    Indices are sorted by length (ties keep input order) and a batch grows while
    ``len(batch) × longest length`` stays within ``max_tokens``, ``len(batch)`` within
    ``max_batch`` (no limit when None) and, when ``max_padding`` is given, the padding stays at
    most that share of the batch's padded tokens (0.1: under a tenth of the work is padding). A
    segment longer than ``max_tokens`` gets a batch of its own. Every index appears exactly once;
    indices inside a batch are in ascending length order.
    """
    if max_tokens < 1:
        raise ValueError(f"max_tokens must be at least 1, not {max_tokens}")
    if max_batch is not None and max_batch < 1:
        raise ValueError(f"max_batch must be at least 1, not {max_batch}")
    if max_padding is not None and not 0.0 <= max_padding < 1.0:
        raise ValueError(f"max_padding must be a share in [0, 1), not {max_padding}")
    order = sorted(range(len(lengths)), key=lambda i: (max(int(lengths[i]), 1), i))
    batches: List[List[int]] = []
    current: List[int] = []
    real = 0  # tokens of the current batch without padding
    for index in order:
        length = max(int(lengths[index]), 1)
        # sorted ascending, so ``length`` is the longest of the batch once added
        full = max_batch is not None and len(current) >= max_batch
        padded = (len(current) + 1) * length
        too_padded = max_padding is not None and padded - (real + length) > max_padding * padded
        if current and (full or padded > max_tokens or too_padded):
            batches.append(current)
            current = []
            real = 0
        current.append(index)
        real += length
    if current:
        batches.append(current)
    return batches


def padded_tokens(lengths: Sequence[int], batches: Sequence[Sequence[int]]) -> int:
    """Tokens processed including padding: the sum over batches of size × longest length."""
    return sum(len(b) * max(lengths[i] for i in b) for b in batches if b)


def map_in_batches(items: Sequence[T], lengths: Sequence[int],
                   run_batch: Callable[[List[T]], Sequence[R]], *,
                   max_tokens: int = DEFAULT_MAX_TOKENS,
                   max_batch: Optional[int] = None) -> List[R]:
    """Apply ``run_batch`` to length-sorted batches of ``items``; results come back in input order.

    ``run_batch`` must return exactly one result per item it is given.
    """
    if len(items) != len(lengths):
        raise ValueError(f"{len(items)} items but {len(lengths)} lengths")
    results: List[Optional[R]] = [None] * len(items)
    for batch in batches_by_token_budget(lengths, max_tokens, max_batch):
        outputs = run_batch([items[i] for i in batch])
        if len(outputs) != len(batch):
            raise ValueError(f"batch of {len(batch)} items gave {len(outputs)} results")
        for index, output in zip(batch, outputs):
            results[index] = output
    return results  # type: ignore[return-value]


__all__ = ["DEFAULT_MAX_TOKENS", "batches_by_token_budget", "map_in_batches", "padded_tokens"]

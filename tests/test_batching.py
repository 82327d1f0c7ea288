"""Token-budget batching: every index once, budgets respected, output order kept."""
from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from translate.batching import batches_by_token_budget, map_in_batches, padded_tokens


@pytest.mark.parametrize("lengths, max_tokens, max_batch, expected", [
    ([], 100, None, []),
    ([5], 100, None, [[0]]),
    # sorted by length, ties in input order
    ([3, 1, 2, 1], 100, None, [[1, 3, 2, 0]]),
    # budget 6: [1,1] (2×1) then 2 → 3×2=6 fits, then 3 → 4×3=12 over
    ([3, 1, 2, 1], 6, None, [[1, 3, 2], [0]]),
    # max_batch caps the count
    ([1, 1, 1, 1, 1], 100, 2, [[0, 1], [2, 3], [4]]),
    # a segment longer than the budget is alone
    ([50, 2, 2], 10, None, [[1, 2], [0]]),
    # zero-length segments count as one token
    ([0, 0, 0], 2, None, [[0, 1], [2]]),
])
def test_batches_table(lengths, max_tokens, max_batch, expected):
    assert batches_by_token_budget(lengths, max_tokens, max_batch) == expected


def test_short_and_long_do_not_share_padding():
    # document order alternates heading / long sentence
    lengths = [2, 60] * 8
    batches = batches_by_token_budget(lengths, max_tokens=240)
    for batch in batches:
        assert len({lengths[i] for i in batch}) == 1
    naive = [list(range(i, i + 4)) for i in range(0, len(lengths), 4)]
    assert padded_tokens(lengths, batches) < padded_tokens(lengths, naive) * 0.6


@pytest.mark.parametrize("max_tokens, max_batch", [(0, None), (10, 0)])
def test_bad_limits_rejected(max_tokens, max_batch):
    with pytest.raises(ValueError):
        batches_by_token_budget([1, 2], max_tokens, max_batch)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(min_value=0, max_value=300), max_size=80),
       st.integers(min_value=1, max_value=2000),
       st.one_of(st.none(), st.integers(min_value=1, max_value=40)))
def test_batches_properties(lengths, max_tokens, max_batch):
    batches = batches_by_token_budget(lengths, max_tokens, max_batch)
    flat = [i for b in batches for i in b]
    assert sorted(flat) == list(range(len(lengths)))
    for batch in batches:
        assert batch
        if max_batch is not None:
            assert len(batch) <= max_batch
        cost = len(batch) * max(max(lengths[i], 1) for i in batch)
        assert cost <= max_tokens or len(batch) == 1
    # batches are in ascending length order overall
    sizes = [max(lengths[i], 1) for i in flat]
    assert sizes == sorted(sizes)


@given(st.lists(st.text(max_size=12), max_size=50), st.integers(min_value=1, max_value=40))
def test_map_in_batches_keeps_order(items, max_tokens):
    calls = []

    def run(batch):
        calls.append(len(batch))
        return [s[::-1] for s in batch]

    out = map_in_batches(items, [len(s) for s in items], run, max_tokens=max_tokens)
    assert out == [s[::-1] for s in items]
    assert sum(calls) == len(items)


def test_map_in_batches_checks_result_count():
    with pytest.raises(ValueError, match="gave 1 results"):
        map_in_batches(["a", "b"], [1, 1], lambda batch: ["x"], max_tokens=10)
    with pytest.raises(ValueError, match="2 items but 1 lengths"):
        map_in_batches(["a", "b"], [1], lambda batch: batch)


@pytest.mark.parametrize("lengths, max_padding, expected", [
    # 10 → 11: 22 padded, 21 real: 4.5% padding, kept together; 20 would pad 50%
    ([10, 11, 20], 0.1, [[0, 1], [2]]),
    ([10, 11, 20], None, [[0, 1, 2]]),
    ([10, 10, 10, 10], 0.0, [[0, 1, 2, 3]]),  # equal lengths never pad
    ([9, 10], 0.0, [[0], [1]]),
    ([9, 10], 0.05, [[0, 1]]),               # 1 of 20 tokens: exactly 5%
    ([9, 10], 0.04, [[0], [1]]),
])
def test_padding_share_closes_a_batch(lengths, max_padding, expected):
    assert batches_by_token_budget(lengths, 1000, None, max_padding) == expected


@pytest.mark.parametrize("max_padding", [-0.1, 1.0, 2])
def test_bad_padding_share_rejected(max_padding):
    with pytest.raises(ValueError, match="max_padding"):
        batches_by_token_budget([1, 2], 100, None, max_padding)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(min_value=1, max_value=300), max_size=80),
       st.sampled_from([0.0, 0.05, 0.08, 0.1, 0.3]))
def test_padding_share_is_respected(lengths, max_padding):
    batches = batches_by_token_budget(lengths, 100_000, 32, max_padding)
    assert sorted(i for b in batches for i in b) == list(range(len(lengths)))
    for batch in batches:
        padded = len(batch) * max(lengths[i] for i in batch)
        assert padded - sum(lengths[i] for i in batch) <= max_padding * padded + 1e-9

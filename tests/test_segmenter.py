"""The shared jieba dictionary: its own cache, rebuilt when damaged, optional when unwritable."""
from __future__ import annotations

import marshal

import pytest

from termbase import segmenter


@pytest.fixture
def fresh_dictionary():
    segmenter._dictionary.cache_clear()
    segmenter._base_tokenizer.cache_clear()
    yield
    segmenter._dictionary.cache_clear()
    segmenter._base_tokenizer.cache_clear()


def _cache_files(root):
    return sorted((root / "jieba").glob("prefix-dict-*.marshal"))


def test_dictionary_is_cached_and_read_back(tmp_path, monkeypatch, fresh_dictionary):
    monkeypatch.setenv("TERMTRANS_CACHE", str(tmp_path))
    freq, total = segmenter._dictionary()
    files = _cache_files(tmp_path)
    assert len(files) == 1
    assert marshal.loads(files[0].read_bytes()) == (freq, total)
    assert freq["重庆"] > 0 and freq["重"] >= 0 and total > 0
    segmenter._dictionary.cache_clear()
    import jieba

    monkeypatch.setattr(jieba.Tokenizer, "gen_pfdict",
                        lambda *a: pytest.fail("rebuilt although the cache was there"))
    assert segmenter._dictionary() == (freq, total)


@pytest.fixture(scope="module")
def good_dictionary():
    return segmenter._dictionary()


@pytest.mark.parametrize("damage", [b"", b"not marshal", marshal.dumps(("a", 1)), marshal.dumps(({}, 0))])
def test_damaged_cache_is_rebuilt(tmp_path, monkeypatch, good_dictionary, fresh_dictionary, damage):
    monkeypatch.setenv("TERMTRANS_CACHE", str(tmp_path))
    path = segmenter._cache_file(segmenter._dictionary_file())
    path.parent.mkdir(parents=True)
    path.write_bytes(damage)
    assert segmenter._dictionary() == good_dictionary
    assert marshal.loads(path.read_bytes()) == good_dictionary  # and written again


def test_unwritable_cache_only_costs_time(tmp_path, monkeypatch, fresh_dictionary):
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    monkeypatch.setenv("TERMTRANS_CACHE", str(blocker / "cache"))  # cannot be created
    freq, total = segmenter._dictionary()
    assert freq["重庆"] > 0 and total > 0
    assert not (blocker / "cache").exists()


def test_tokenizers_are_isolated(fresh_dictionary):
    a, b = segmenter.new_tokenizer(["提升城市"]), segmenter.new_tokenizer()
    assert a.lcut("提升城市形象", HMM=False) == ["提升城市", "形象"]
    assert b.lcut("提升城市形象", HMM=False) == ["提升", "城市形象"]
    assert a.total == b.total  # learning a word leaves the total alone (order-independent)

"""The CTranslate2 engine: conversion cache, agreement with the default engine, decoding options."""
from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

pytest.importorskip("ctranslate2")

from termbase.errors import EngineError, ModelUnavailableError  # noqa: E402
from translate.engines import get_engine  # noqa: E402
from translate.engines.ct2 import CTranslate2Engine, cache_root, converted_model_dir  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
from tiny_marian import PAIRS  # noqa: E402

SOURCES = [source for source, _ in PAIRS]


def _entries():
    root = cache_root()
    return sorted(p.name for p in root.iterdir()) if root.is_dir() else []


def test_conversion_is_cached_per_quantisation(tiny_model_dir, monkeypatch):
    first = converted_model_dir(str(tiny_model_dir), "int8")
    assert (first / "model.bin").is_file()
    assert (first / "source.spm").is_file()  # tokenizer travels with the conversion
    assert str(first).startswith(os.environ["TERMTRANS_CACHE"])
    stamp = (first / "model.bin").stat().st_mtime_ns

    import translate.engines.ct2 as ct2

    def no_conversion(*args, **kwargs):
        raise AssertionError("converted twice")

    with monkeypatch.context() as patch:
        patch.setattr(ct2, "_convert", no_conversion)
        assert converted_model_dir(str(tiny_model_dir), "int8") == first
        assert (first / "model.bin").stat().st_mtime_ns == stamp
        with pytest.raises(AssertionError, match="converted twice"):  # other quantisation: new entry
            converted_model_dir(str(tiny_model_dir), "float32")
    second = converted_model_dir(str(tiny_model_dir), "float32")
    assert second != first
    assert _entries() == sorted([first.name, second.name])  # no temporary leftovers


def test_failed_conversion_leaves_no_entry(tiny_model_dir, monkeypatch):
    from ctranslate2.converters import TransformersConverter

    def broken(self, output_dir, **kwargs):
        Path(output_dir).mkdir(parents=True, exist_ok=True)
        (Path(output_dir) / "model.bin").write_bytes(b"half")
        raise ValueError("disk full")

    monkeypatch.setattr(TransformersConverter, "convert", broken)
    with pytest.raises(ModelUnavailableError, match="could not be converted"):
        converted_model_dir(str(tiny_model_dir), "int8")
    assert _entries() == []


@pytest.mark.parametrize("model, message", [
    ("Helsinki-NLP/opus-mt-zh-en", "not available offline"),
    ("./no/such/model-dir", "does not exist"),
])
def test_missing_model_is_one_clear_error(model, message):
    with pytest.raises(ModelUnavailableError, match=message) as info:
        CTranslate2Engine(model)
    text = str(info.value)
    assert "--model" in text and "\n" not in text
    assert cache_root().is_dir() is False  # nothing converted, nothing cached


def test_default_model_offline_message_matches_default_engine():
    from translate.engines import DEFAULT_MODEL
    from translate.engines.marian import unavailable_message

    with pytest.raises(ModelUnavailableError) as info:
        get_engine("ctranslate2")
    assert str(info.value) == unavailable_message(DEFAULT_MODEL)


def test_cli_offline_is_one_line_exit_2(tmp_path):
    from click.testing import CliRunner

    from cli import main

    src = tmp_path / "a.txt"
    src.write_text("今天天气很好。\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["translate", str(src), "--engine", "ctranslate2", "-q"])
    assert result.exit_code == 2
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("Error:") and "--model DIR" in lines[0]
    assert "Traceback" not in result.output and not (tmp_path / "a.en.txt").exists()


def test_directory_without_model(tmp_path):
    with pytest.raises(ModelUnavailableError, match="no config.json"):
        CTranslate2Engine(str(tmp_path))
    (tmp_path / "weights.bin").write_bytes(b"x")
    with pytest.raises(ModelUnavailableError, match="is a file"):
        CTranslate2Engine(str(tmp_path / "weights.bin"))


@pytest.mark.parametrize("compute_type", ["float32", "int8"])
@pytest.mark.parametrize("beam", [1, 4])
def test_agrees_with_default_engine(tiny_model_dir, beam, compute_type):
    """CTranslate2 starts decoding from a zero embedding; the tiny model keeps <pad> at zero."""
    marian = get_engine("marian", model=str(tiny_model_dir), device="cpu", beam=beam)
    fast = get_engine("ctranslate2", model=str(tiny_model_dir), device="cpu", beam=beam,
                      compute_type=compute_type)
    assert isinstance(fast, CTranslate2Engine)
    expected = marian.translate(SOURCES)
    assert fast.translate(SOURCES) == expected
    # the memorised pairs come out, so the comparison is between real translations
    assert sum(out == target for out, (_, target) in zip(expected, PAIRS)) >= len(PAIRS) - 2


def test_int8_is_default_on_cpu(tiny_model_dir):
    engine = CTranslate2Engine(str(tiny_model_dir), device="cpu")
    sig = engine.signature()
    assert sig["engine"] == "ctranslate2" and sig["compute_type"] == "int8" and sig["device"] == "cpu"
    assert sig["model"] == str(tiny_model_dir)
    assert "-int8-" in engine.model_dir.name


def test_n_best_sorted_with_scores(tiny_model_dir):
    engine = CTranslate2Engine(str(tiny_model_dir), device="cpu", beam=4)
    results = engine.translate_batch(SOURCES[:3], num_hypotheses=3)
    assert [len(r) for r in results] == [3, 3, 3]
    for hyps in results:
        scores = [h.score for h in hyps]
        assert all(isinstance(s, float) for s in scores)
        assert scores == sorted(scores, reverse=True)
        assert len({h.text for h in hyps}) == 3
    assert [r[0].text for r in results] == [t for _, t in PAIRS[:3]]


def test_target_prefix_forces_the_start(tiny_model_dir):
    engine = CTranslate2Engine(str(tiny_model_dir), device="cpu")
    prefix = "The city"
    out = engine.translate_batch(SOURCES[:2], target_prefix=[prefix, None])
    assert out[0][0].text.startswith(prefix)
    assert out[0][0].text != PAIRS[0][1]
    assert out[1][0].text == PAIRS[1][1]  # no prefix: unchanged
    with pytest.raises(EngineError, match="target prefixes"):
        engine.translate_batch(SOURCES[:2], target_prefix=[prefix])


def test_banned_phrase_is_not_generated(tiny_model_dir):
    engine = CTranslate2Engine(str(tiny_model_dir), device="cpu")
    source, target = PAIRS[1]
    assert "weather" in engine.translate([source])[0]
    out = engine.translate_batch([source], banned=["weather"], num_hypotheses=2)
    assert all("weather" not in h.text.lower() for h in out[0])


def test_batching_keeps_order_and_empty_segments(tiny_model_dir):
    engine = CTranslate2Engine(str(tiny_model_dir), device="cpu", batch_size=2, max_batch_tokens=12)
    mixed = ["", SOURCES[3], SOURCES[1] + SOURCES[2], "  ", SOURCES[0]]
    one_by_one = [engine.translate([s])[0] if s.strip() else "" for s in mixed]
    assert engine.translate(mixed) == one_by_one
    assert one_by_one[0] == "" and one_by_one[4] == PAIRS[0][1]


def test_length_limits_reach_the_decoder(tiny_model_dir):
    engine = CTranslate2Engine(str(tiny_model_dir), device="cpu", batch_size=2)
    calls = []
    real = engine.translator

    class Spy:
        def translate_batch(self, source, **kwargs):
            calls.append((len(source), kwargs["min_decoding_length"], kwargs["max_decoding_length"]))
            return real.translate_batch(source, **kwargs)

    engine.translator = Spy()
    out = engine.translate_batch(SOURCES[:3], min_new_tokens=2, max_new_tokens=2)
    assert sorted(calls) == [(1, 2, 2), (2, 2, 2)]  # batches of at most 2
    for hyps, (_, target) in zip(out, PAIRS):
        assert len(engine.target_tokens(hyps[0].text)) <= 3 and hyps[0].text != target  # cut short
    calls.clear()
    engine.translate_batch(SOURCES[:1])
    tokens = len(engine.source_tokens(SOURCES[0]))
    assert calls == [(1, 0, 2 * tokens + 10)]  # the budget follows the source


@pytest.mark.parametrize("options, message", [
    (dict(device="tpu"), "unknown device"),
    (dict(device="cpu", compute_type="int3"), "not supported"),
])
def test_bad_options(tiny_model_dir, options, message):
    with pytest.raises(EngineError, match=message):
        CTranslate2Engine(str(tiny_model_dir), **options)


def test_constraints_forced_through_target_prefix(tiny_model_dir):
    engine = CTranslate2Engine(str(tiny_model_dir), device="cpu", beam=4)
    assert engine.supports_constraints
    plain = engine.translate_batch([SOURCES[1]])[0][0]
    out = engine.translate_batch([SOURCES[1], SOURCES[0]], num_hypotheses=2,
                                 constraints=[["foreign friends", "Chongqing"], []])
    assert all("foreign friends" in h.text and "Chongqing" in h.text for h in out[0])
    # scores are of whole outputs, forced words included: below the model's own choice
    assert out[0][0].score >= out[0][1].score and out[0][0].score < plain.score
    assert out[1][0].text == PAIRS[0][1]  # an empty constraint list changes nothing
    present = engine.translate_batch([SOURCES[1]], constraints=[["weather"]])[0][0]
    assert present == plain  # already satisfied: no forcing
    with pytest.raises(EngineError, match="constraint lists"):
        engine.translate_batch(SOURCES[:2], constraints=[["x"]])


def test_insertion_points_are_word_boundaries_and_capped(tiny_model_dir):
    engine = CTranslate2Engine(str(tiny_model_dir), device="cpu", max_insertion_points=3)
    tokens = ["\u2581The", "\u2581wea", "ther", "\u2581is", "\u2581good", "."]
    assert engine._insertion_points(tokens, 0) == [0, 3, 6]
    engine.max_insertion_points = 24
    assert engine._insertion_points(tokens, 0) == [0, 1, 3, 4, 5, 6]
    assert engine._insertion_points(tokens, 4) == [4, 5, 6]

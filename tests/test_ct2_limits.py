"""The CTranslate2 engine within its model's limits: positions, runaway decodes, long inputs, cache."""
from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

pytest.importorskip("ctranslate2")

from termbase.errors import EngineError  # noqa: E402
from translate.engines import get_engine  # noqa: E402
from translate.engines.base import Hypothesis, runaway_cut  # noqa: E402
from translate.engines.ct2 import (METADATA, VOCABULARY_MAP, CTranslate2Engine, cache_root,  # noqa: E402
                                   converted_model_dir, entry_is_complete, model_bin_positions,
                                   model_positions)

sys.path.insert(0, str(Path(__file__).resolve().parent))
from tiny_marian import PAIRS  # noqa: E402

SOURCES = [source for source, _ in PAIRS]
#: 31 characters, as in the report that crashed a 64-position model
SENTENCE_31 = "今天天气很好，他们访问了重庆，会议在重庆举行，城市很美丽。"
LONG = "，".join(s.rstrip("。") for s in SOURCES * 4) + "。"


def _variant(tiny_model_dir: Path, out: Path, *, positions=None, never_ends=False) -> Path:
    """A copy of the tiny model with fewer positions or an end of sentence it never writes."""
    import torch
    from transformers import MarianConfig, MarianMTModel

    model = MarianMTModel.from_pretrained(str(tiny_model_dir))
    if positions:
        config = MarianConfig.from_pretrained(str(tiny_model_dir), max_position_embeddings=positions)
        smaller = MarianMTModel(config)
        state = {k: v for k, v in model.state_dict().items() if "embed_positions" not in k}
        smaller.load_state_dict(state, strict=False)  # sinusoidal positions: rebuilt, same rows
        model = smaller
    if never_ends:
        with torch.no_grad():
            model.final_logits_bias[0, model.config.eos_token_id] = -1e4
    model.generation_config = MarianMTModel.from_pretrained(str(tiny_model_dir)).generation_config
    model.save_pretrained(str(out))
    for name in ("source.spm", "target.spm", "vocab.json", "tokenizer_config.json"):
        shutil.copyfile(tiny_model_dir / name, out / name)
    return out


@pytest.fixture(scope="session")
def short_model_dir(tiny_model_dir, tmp_path_factory):
    """The tiny model with 64 positions (the sinusoidal table cut), as in the reported crash."""
    return _variant(tiny_model_dir, tmp_path_factory.mktemp("short-marian"), positions=64)


@pytest.fixture(scope="session")
def never_ending_dir(tiny_model_dir, tmp_path_factory):
    """The tiny model with a -10⁴ bias on </s>: it never ends a sentence."""
    return _variant(tiny_model_dir, tmp_path_factory.mktemp("never-ending"), never_ends=True)


class Spy:
    """Records what reaches CTranslate2."""

    def __init__(self, translator, edit=None):
        self.real, self.edit, self.calls = translator, edit, []

    def translate_batch(self, source, **kwargs):
        self.calls.append({"sources": [len(s) for s in source], **{
            k: kwargs.get(k) for k in ("max_decoding_length", "min_decoding_length", "target_prefix")}})
        results = self.real.translate_batch(source, **kwargs)
        return self.edit(len(self.calls), results) if self.edit else results

    def __getattr__(self, name):
        return getattr(self.real, name)


def build(model_dir, **options):
    options.setdefault("intra_threads", 1)
    return CTranslate2Engine(str(model_dir), device="cpu", **options)


# -- budgets ------------------------------------------------------------------------------------
@pytest.mark.parametrize("source, prefix, max_new, expected", [
    (5, 0, None, 20),        # 2·5 + 10
    (100, 0, None, 210),
    (150, 0, None, 256),     # capped by the tiny model's 256 positions
    (10, 20, None, 50),      # a forced prefix adds its own tokens
    (10, 250, None, 256),    # never past the positions, prefix or not
    (10, 0, 3, 3),           # the caller's budget
    (10, 4, 3, 7),
    (10, 0, 999, 256),
])
def test_budget_follows_source_and_positions(tiny_model_dir, source, prefix, max_new, expected):
    engine = build(tiny_model_dir)
    assert engine.max_positions == 256
    assert engine.budget(source, prefix, max_new) == expected


def test_positions_read_from_metadata_or_model_bin(tiny_model_dir, tmp_path):
    converted = converted_model_dir(str(tiny_model_dir), "int8")
    assert model_bin_positions(converted) == 256 and model_positions(converted) == 256
    plain = tmp_path / "ct2-model"  # a model converted elsewhere: no metadata, model.bin read
    shutil.copytree(converted, plain)
    (plain / METADATA).unlink()
    assert model_positions(plain) == 256
    engine = build(plain)
    assert engine.model_dir == plain and engine.max_positions == 256


def test_short_model_never_decodes_past_its_positions(short_model_dir):
    """The reported crash: 'No position encodings are defined for positions >= 64'."""
    engine = build(short_model_dir, beam=4)
    assert engine.max_positions == 64 and engine.max_source_tokens == 32
    spy = engine.translator = Spy(engine.translator)
    out = engine.translate_batch([SENTENCE_31, LONG, SOURCES[1]], num_hypotheses=2,
                                 constraints=[["international communication"], ["foreign friends"], []])
    assert [len(h) for h in out] == [2, 2, 2]
    assert all(c["max_decoding_length"] <= 64 for c in spy.calls)
    assert all(n <= 32 for c in spy.calls for n in c["sources"])  # every input fits the encoder
    assert engine.stats()["split"] >= 1  # the long sentence went in parts
    assert "foreign friends" in out[1][0].text
    assert out[2][0].text == PAIRS[1][1]


def test_long_sentence_is_split_by_real_token_count(short_model_dir):
    engine = build(short_model_dir)
    tokens = len(engine.source_tokens(LONG))
    assert tokens > 3 * engine.max_source_tokens
    spy = engine.translator = Spy(engine.translator)
    text = engine.translate([LONG])[0]
    sizes = [n for c in spy.calls for n in c["sources"]]
    assert len(sizes) >= 4 and max(sizes) <= engine.max_source_tokens
    assert sum(sizes) >= tokens - len(sizes)  # nothing dropped (each part adds its own </s>)
    assert text.count(" ") >= len(sizes) - 1 and text == text.strip()


def test_cli_translates_long_paragraph_on_short_model(short_model_dir, tmp_path):
    from click.testing import CliRunner

    from cli import main

    src = tmp_path / "long.txt"
    src.write_text(SENTENCE_31 + "\n\n" + LONG * 3 + "\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["translate", str(src), "--engine", "ctranslate2", "--model",
                                       str(short_model_dir), "--device", "cpu", "-q"])
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output
    assert len((tmp_path / "long.en.txt").read_text(encoding="utf-8").split("\n\n")) == 2


# -- runaway decodes ----------------------------------------------------------------------------
@pytest.mark.parametrize("tokens, expected", [
    (list("abcabcabcabcabc"), list("abc")),
    (["x", "y"] + ["a"] * 12, ["x", "y", "a"]),
    (["the", "work", "of"] * 5, ["the", "work", "of"]),
    (list("abcdefgh"), None),                     # no repetition
    (list("xyzab") + list("ab") * 2, None),       # twice is not a loop
    (["a"] * 5, None),                            # too short to call
    ([], None),
])
def test_runaway_cut(tokens, expected):
    assert runaway_cut(tokens) == expected


@pytest.mark.parametrize("beam", [1, 4])
def test_never_ending_model_is_cut_and_reported(never_ending_dir, beam):
    engine = build(never_ending_dir, beam=beam)
    spy = engine.translator = Spy(engine.translator)
    sentences = [SOURCES[1], SOURCES[9], LONG[:60]]
    out = engine.translate_batch(sentences, constraints=[[], ["Chongqing"], []])
    assert all(h[0].truncated for h in out)
    assert all(c["max_decoding_length"] <= engine.max_positions for c in spy.calls)
    assert "Chongqing" in out[1][0].text  # forcing works within the budget
    stats = engine.stats()
    assert stats["truncated"] == 3


def test_marian_engine_reports_never_ending_model(never_ending_dir, one_torch_thread):
    engine = get_engine("marian", model=str(never_ending_dir), device="cpu", beam=2)
    out = engine.translate_batch([SOURCES[1], SOURCES[2]])
    assert all(h[0].truncated for h in out)
    normal = engine.translate_batch([SOURCES[1]], max_new_tokens=3)
    assert normal[0][0].truncated


def test_cut_hypothesis_is_decoded_again_with_twice_the_budget(tiny_model_dir):
    engine = build(tiny_model_dir)

    def cut_first(call, results):  # the first decode "hits its limit": its </s> is taken away
        if call > 1:
            return results
        from types import SimpleNamespace

        return [SimpleNamespace(hypotheses=[h[:-1] for h in r.hypotheses], scores=r.scores)
                for r in results]

    spy = engine.translator = Spy(engine.translator, cut_first)
    out = engine.translate_batch([SOURCES[1]])
    first, second = (c["max_decoding_length"] for c in spy.calls)
    assert second == 2 * first
    assert out[0][0] == Hypothesis(PAIRS[1][1], out[0][0].score, False)
    assert engine.stats()["redecoded"] == 1


def test_truncation_reaches_report_and_stderr(never_ending_dir, tmp_path):
    import json

    from click.testing import CliRunner

    from cli import main

    src = tmp_path / "doc.txt"
    src.write_text("今天天气很好。\n\n城市很美丽。\n", encoding="utf-8")
    args = ["translate", str(src), "--engine", "ctranslate2", "--model", str(never_ending_dir),
            "--device", "cpu", "--beam", "1", "--report", str(tmp_path / "r.json")]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    report = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    assert report["summary"]["segments_truncated"] == 2
    assert [t["source"] for t in report["truncated"]] == ["今天天气很好。", "城市很美丽。"]
    assert all(s.get("truncated") for s in report["segments"])
    assert "cut at the length limit: 2 segment(s)" in result.stderr
    assert result.stderr.count("translation cut at the length limit") == 2
    quiet = CliRunner().invoke(main, args + ["-q", "--force", "-o", str(tmp_path / "q.txt")])
    assert quiet.exit_code == 0 and "2 segment(s) cut at the length limit" in quiet.stderr


# -- output vocabulary --------------------------------------------------------------------------
def test_target_vocabulary_changes_nothing_on_a_trained_model(tiny_model_dir):
    restricted = build(tiny_model_dir, beam=4)
    full = build(tiny_model_dir, beam=4, target_vocabulary=False)
    assert (restricted.model_dir / VOCABULARY_MAP).is_file() and restricted.use_vmap
    assert not full.use_vmap and "output_vocabulary" not in full.signature()
    assert restricted.translate(SOURCES) == full.translate(SOURCES)
    pieces = (restricted.model_dir / VOCABULARY_MAP).read_text(encoding="utf-8").strip("\t\n").split(" ")
    assert "▁TERM" in pieces and "天气" not in pieces  # target pieces only


# -- cache --------------------------------------------------------------------------------------
def test_truncated_cache_entry_is_converted_again(tiny_model_dir):
    entry = converted_model_dir(str(tiny_model_dir), "int8")
    with open(entry / "model.bin", "r+b") as handle:
        handle.truncate(1000)
    assert not entry_is_complete(entry)
    engine = build(tiny_model_dir)
    assert engine.model_dir == entry and entry_is_complete(entry)
    assert engine.translate([SOURCES[1]]) == [PAIRS[1][1]]
    assert sorted(p.name for p in cache_root().iterdir()) == [entry.name]  # nothing left aside


def test_damaged_cache_entry_of_the_same_size_is_converted_again(tiny_model_dir):
    entry = converted_model_dir(str(tiny_model_dir), "int8")
    size = (entry / "model.bin").stat().st_size
    (entry / "model.bin").write_bytes(b"\xff" * size)
    assert entry_is_complete(entry)  # sizes match: only loading tells
    engine = build(tiny_model_dir)
    assert engine.translate([SOURCES[1]]) == [PAIRS[1][1]]


def test_missing_metadata_means_incomplete(tiny_model_dir):
    entry = converted_model_dir(str(tiny_model_dir), "int8")
    (entry / METADATA).unlink()
    assert not entry_is_complete(entry)
    assert converted_model_dir(str(tiny_model_dir), "int8") == entry and entry_is_complete(entry)


def test_unwritable_cache_is_one_line_naming_the_variable(tiny_model_dir, tmp_path, monkeypatch):
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("x", encoding="utf-8")
    monkeypatch.setenv("TERMTRANS_CACHE", str(blocker / "cache"))
    with pytest.raises(EngineError) as info:
        build(tiny_model_dir)
    message = str(info.value)
    assert "TERMTRANS_CACHE" in message and "not writable" in message and "\n" not in message


def test_read_only_cache_with_a_good_entry_is_used(tiny_model_dir, monkeypatch):
    entry = converted_model_dir(str(tiny_model_dir), "int8")
    import tempfile

    def refuse(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(tempfile, "mkdtemp", refuse)  # nothing may be written now
    engine = build(tiny_model_dir)
    assert engine.model_dir == entry and engine.translate([SOURCES[1]]) == [PAIRS[1][1]]
    (entry / "model.bin").write_bytes(b"")  # damaged and read-only: the variable is named
    with pytest.raises(EngineError, match="TERMTRANS_CACHE"):
        build(tiny_model_dir)


def test_cli_unwritable_cache_exit_2(tiny_model_dir, tmp_path, monkeypatch):
    from click.testing import CliRunner

    from cli import main

    blocker = tmp_path / "file"
    blocker.write_text("x", encoding="utf-8")
    monkeypatch.setenv("TERMTRANS_CACHE", str(blocker))
    src = tmp_path / "a.txt"
    src.write_text("今天天气很好。\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["translate", str(src), "--engine", "ctranslate2", "--model",
                                       str(tiny_model_dir), "-q"])
    assert result.exit_code == 2
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1 and "TERMTRANS_CACHE" in lines[0] and "Traceback" not in result.output


# -- third-party output -------------------------------------------------------------------------
@pytest.mark.parametrize("verbose", [False, True])
def test_conversion_output_only_with_verbose(tiny_model_dir, capfd, verbose):
    capfd.readouterr()
    engine = build(tiny_model_dir, verbose=verbose)
    engine.translate([SOURCES[1]])
    err = capfd.readouterr().err
    if verbose:
        assert err.strip()  # the converter's progress bar / warnings came through
    else:
        assert err == ""


def test_full_disk_during_conversion_names_the_variable(tiny_model_dir, monkeypatch):
    import errno

    from ctranslate2.converters import TransformersConverter

    def full(self, output_dir, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(TransformersConverter, "convert", full)
    with pytest.raises(EngineError, match="No space left on device.*TERMTRANS_CACHE") as info:
        build(tiny_model_dir)
    assert "\n" not in str(info.value)
    assert [p.name for p in cache_root().iterdir()] == []  # the temporary directory is gone


@pytest.mark.parametrize("cpus, threads, intra, inter, expected", [
    (2, 0, 0, 0, (1, 2)),   # two workers of one thread: a batch decoded in two halves
    (1, 0, 0, 0, (1, 1)),
    (8, 0, 0, 0, (2, 2)),   # at most 4 threads unless asked
    (8, 8, 0, 0, (4, 2)),
    (2, 0, 2, 1, (2, 1)),   # explicit settings win
    (2, 0, 1, 0, (1, 2)),
    (4, 3, 0, 0, (1, 2)),
])
def test_cpu_threads(monkeypatch, cpus, threads, intra, inter, expected):
    import translate.engines.ct2 as ct2

    monkeypatch.setattr(ct2, "_available_cpus", lambda: cpus)
    assert ct2.cpu_threads(threads, intra, inter) == expected


def test_batch_is_cut_in_halves_for_two_workers(tiny_model_dir):
    engine = build(tiny_model_dir, intra_threads=1, inter_threads=2)
    calls = []
    real = engine.translator

    class Spy:
        def translate_batch(self, source, **kwargs):
            calls.append((len(source), kwargs["max_batch_size"]))
            return real.translate_batch(source, **kwargs)

    engine.translator = Spy()
    assert engine.translate(SOURCES[:5]) == [t for _, t in PAIRS[:5]]
    assert all(size == -(-n // 2) for n, size in calls)
    single = build(tiny_model_dir, intra_threads=1, inter_threads=1)
    single.translator = Spy()
    calls.clear()
    single.translate(SOURCES[:5])
    assert all(size == 0 for _, size in calls)

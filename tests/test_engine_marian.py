"""The MarianMT engine on a tiny real model, its constraint processor, and the offline message."""
from __future__ import annotations

import subprocess
import sys

import pytest

from termbase.errors import EngineError, ModelUnavailableError
from tests.tiny_marian import PAIRS
from translate.engines import DEFAULT_MODEL, engine_class, get_engine


pytestmark = pytest.mark.usefixtures("one_torch_thread")


@pytest.fixture(scope="module")
def engine(tiny_model_dir):
    return get_engine("marian", model=str(tiny_model_dir), device="cpu", beam=4, batch_size=4)


def test_memorised_pairs_translate_exactly(engine):
    sources = [s for s, _ in PAIRS]
    assert engine.translate(sources) == [t for _, t in PAIRS]


def test_batches_keep_input_order(engine):
    sources = [s for s, _ in PAIRS][::-1] * 2
    assert engine.translate(sources) == [t for _, t in PAIRS][::-1] * 2


def test_nbest_is_best_first_with_scores(engine):
    hyps = engine.translate_batch(["今天天气很好。", "城市很美丽。"], num_hypotheses=3)
    assert [len(h) for h in hyps] == [3, 3]
    assert hyps[0][0].text == "The weather is good today."
    scores = [h.score for h in hyps[0]]
    assert scores == sorted(scores, reverse=True)


@pytest.mark.parametrize("beam", [1, 4])
def test_hard_constraints_force_phrases(tiny_model_dir, beam):
    eng = get_engine("marian", model=str(tiny_model_dir), device="cpu", beam=beam)
    out = eng.translate_batch(["今天天气很好。", "城市很美丽。"],
                              constraints=[["international communication"],
                                           ["Chongqing", "foreign friends"]])
    assert "international communication" in out[0][0].text
    assert "Chongqing" in out[1][0].text and "foreign friends" in out[1][0].text


def test_banned_phrase_never_generated(engine):
    assert "weather" in engine.translate(["今天天气很好。"])[0]
    out = engine.translate_batch(["今天天气很好。"], banned=["weather"])[0][0].text
    assert "weather" not in out.lower()


def test_signature_names_engine_and_model(engine, tiny_model_dir):
    sig = engine.signature()
    assert sig["engine"] == "marian" and sig["model"] == str(tiny_model_dir) and sig["beam"] == 4


def test_default_model_offline_gives_one_clear_sentence():
    with pytest.raises(ModelUnavailableError) as err:
        get_engine("marian")
    msg = str(err.value)
    assert msg == (f"Model '{DEFAULT_MODEL}' is not available offline: download it once with network "
                   f"access (e.g. `hf download {DEFAULT_MODEL}`) or pass --model DIR "
                   f"pointing at a local copy.")


def test_missing_and_broken_model_dirs(tmp_path):
    with pytest.raises(ModelUnavailableError, match="does not exist"):
        get_engine("marian", model=str(tmp_path / "nope"))
    (tmp_path / "empty").mkdir()
    with pytest.raises(ModelUnavailableError, match="not a usable MarianMT model"):
        get_engine("marian", model=str(tmp_path / "empty"))
    (tmp_path / "file.bin").write_bytes(b"x")
    with pytest.raises(ModelUnavailableError, match="is a file"):
        get_engine("marian", model=str(tmp_path / "file.bin"))


def test_cuda_without_gpu_is_a_clear_error(tiny_model_dir):
    import torch

    if torch.cuda.is_available():
        pytest.skip("a GPU is present")
    with pytest.raises(EngineError, match="no CUDA GPU"):
        get_engine("marian", model=str(tiny_model_dir), device="cuda")


def test_unknown_engine_names_the_choices():
    with pytest.raises(EngineError, match="choose one of"):
        engine_class("nope")


def test_cli_and_translate_package_do_not_import_torch():
    code = ("import sys, cli, translate.engines, translate.translator, translate.documents, "
            "translate.enforce, translate.engines.fake\n"
            "try:\n    cli.main(['translate', '--help'])\nexcept SystemExit:\n    pass\n"
            "bad = [m for m in ('torch', 'transformers') if m in sys.modules]\n"
            "assert not bad, bad\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert "--bilingual" in done.stdout


# -- the constraint processor on hand-made scores ---------------------------------------------------
def test_constraint_processor_forces_started_phrase_and_bans_eos():
    import torch

    from translate.engines.hf_constraints import PhraseConstraintProcessor

    proc = PhraseConstraintProcessor([[[5, 6, 7]]], num_beams=1, eos_token_id=0, max_new_tokens=20)
    scores = torch.zeros(1, 10)
    scores[0, 0] = 5.0  # the model wants to stop: the phrase is started instead
    out = proc(torch.tensor([[9, 3]]), scores.clone())
    assert int(out[0].argmax()) == 5 and torch.isinf(out[0, 0])
    out = proc(torch.tensor([[9, 3, 5]]), torch.zeros(1, 10))  # started: continue it
    assert torch.isfinite(out[0]).sum() == 1 and torch.isfinite(out[0, 6])
    done = torch.zeros(1, 10)
    assert torch.equal(proc(torch.tensor([[9, 5, 6, 7]]), done.clone()), done)  # satisfied


def test_constraint_processor_reserves_steps_for_the_phrase_and_eos():
    import torch

    from translate.engines.hf_constraints import PhraseConstraintProcessor

    proc = PhraseConstraintProcessor([[[5, 6]], []], num_beams=2, eos_token_id=0, max_new_tokens=6)
    scores = torch.zeros(4, 10)
    scores[:, 3] = 1.0  # the model prefers token 3, not the phrase
    ids = torch.tensor([[9, 3, 3, 3]] * 4)  # 3 generated, 6 - 3 - 1 = 2 steps left = phrase length
    out = proc(ids, scores.clone())
    assert int(out[0].argmax()) == 5 and int(out[1].argmax()) == 5   # sentence 0 (two beams)
    assert torch.equal(out[2:], scores[2:])                           # sentence 1: no constraint

"""Loading the default model when it is not cached: one clear sentence, at once."""
from __future__ import annotations

import pytest
from click.testing import CliRunner

import translate.engines.marian as marian
from cli import main


@pytest.fixture
def doc(tmp_path):
    p = tmp_path / "doc.txt"
    p.write_text("重庆日报报道。\n", encoding="utf-8")
    return p


def test_offline_env_gives_one_sentence(doc):
    r = CliRunner().invoke(main, ["translate", str(doc)])
    assert r.exit_code == 2
    msg = r.output.strip().splitlines()
    assert msg == ["Error: Model 'Helsinki-NLP/opus-mt-zh-en' is not available offline: download "
                   "it once with network access (e.g. `hf download "
                   "Helsinki-NLP/opus-mt-zh-en`) or pass --model DIR pointing at a local copy."]
    assert not (doc.parent / "doc.en.txt").exists()


def test_unreachable_hub_fails_fast_without_download(doc, monkeypatch):
    monkeypatch.delenv("HF_HUB_OFFLINE", raising=False)
    monkeypatch.delenv("TRANSFORMERS_OFFLINE", raising=False)
    monkeypatch.setattr(marian, "hub_reachable", lambda timeout=3.0: False)
    calls = []
    original = marian.MarianEngine._load

    def spy(name, *, local_only):
        calls.append(local_only)
        return original(name, local_only=local_only)

    monkeypatch.setattr(marian.MarianEngine, "_load", staticmethod(spy))
    r = CliRunner().invoke(main, ["translate", str(doc)])
    assert r.exit_code == 2
    assert "cannot be reached" in r.output and "--model DIR" in r.output
    assert calls == [True], "no download may be attempted when the hub is unreachable"


def test_hub_reachable_false_for_closed_port(monkeypatch):
    monkeypatch.setenv("HF_ENDPOINT", "http://127.0.0.1:9")
    assert marian.hub_reachable(timeout=0.5) is False

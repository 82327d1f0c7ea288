"""Shared fixtures. Every test runs with isolated home, cache and glossary environment."""
from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"


@pytest.fixture(autouse=True)
def isolated_env(tmp_path_factory, monkeypatch):
    """Isolate HOME, caches and the glossary choice; forbid network access to the hub."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CACHE_HOME", str(home / ".cache"))
    monkeypatch.setenv("HF_HOME", str(home / ".cache" / "huggingface"))
    monkeypatch.setenv("TERMTRANS_CACHE", str(home / ".cache" / "termtrans"))
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("TRANSFORMERS_OFFLINE", "1")
    monkeypatch.delenv("TERMTRANS_GLOSSARY", raising=False)
    yield


@pytest.fixture
def sample_page() -> Path:
    """The real bilingual yearbook page (copied from ../shared/samples)."""
    return DATA / "chongqing-yearbook-page.txt"


@pytest.fixture
def bundled_glossary() -> Path:
    return ROOT / "glossary.csv"


@pytest.fixture(scope="session")
def tiny_model_dir(tmp_path_factory) -> Path:
    """A tiny real MarianMT zh→en model (built once per session, ~10 s); see tests/tiny_marian.py."""
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from tiny_marian import build_tiny_marian

    return build_tiny_marian(tmp_path_factory.mktemp("tiny-marian"))


@pytest.fixture(scope="module")
def one_torch_thread():
    """The tiny model gains nothing from threads; one thread keeps tests quick on a busy machine."""
    import torch

    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)

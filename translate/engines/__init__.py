"""Registry of translation engines, imported lazily by dotted path (torch is never imported here)."""
from __future__ import annotations

import importlib
from typing import Dict

from termbase.errors import EngineError

from .base import Hypothesis, TranslationEngine

#: engine name → "module:Class"; the module is imported only when the engine is built.
ENGINES: Dict[str, str] = {
    "marian": "translate.engines.marian:MarianEngine",
    "ctranslate2": "translate.engines.ct2:CTranslate2Engine",
    "fake": "translate.engines.fake:FakeEngine",
}
DEFAULT_ENGINE = "marian"
DEFAULT_MODEL = "Helsinki-NLP/opus-mt-zh-en"


def engine_class(name: str):
    """The engine class registered under ``name``."""
    try:
        dotted = ENGINES[name]
    except KeyError:
        raise EngineError(f"unknown engine '{name}'; choose one of: {', '.join(sorted(ENGINES))}") from None
    module, _, attr = dotted.partition(":")
    try:
        return getattr(importlib.import_module(module), attr)
    except ImportError as exc:
        extra = " (pip install 'termtrans[fast]')" if name == "ctranslate2" else ""
        raise EngineError(f"engine '{name}' is not available: {exc}{extra}") from None


def get_engine(name: str = DEFAULT_ENGINE, **options) -> TranslationEngine:
    """Build the engine registered under ``name`` with ``options`` (model, device, beam, ...)."""
    return engine_class(name)(**options)


__all__ = ["DEFAULT_ENGINE", "DEFAULT_MODEL", "ENGINES", "Hypothesis", "TranslationEngine",
           "engine_class", "get_engine"]

"""An engine built on first use, and the *plan* that names its output before it is built.

A project run whose segments all come from the cache or a translation memory never calls
:meth:`LazyEngine.translate_batch`, so torch and the model are never loaded.
"""
from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Callable, Dict, List, Optional, Sequence

from .base import Hypothesis, TranslationEngine

#: options that change how fast an engine runs, not what it writes
_SPEED_OPTIONS = {"batch_size", "max_batch_tokens", "max_tokens", "intra_threads", "threads", "verbose",
                  "inter_threads", "script", "constrained"}
_WEIGHT_SUFFIXES = (".bin", ".safetensors", ".spm", ".json", ".model", ".txt")


def model_fingerprint(directory: Path) -> str:
    """A hash of a local model directory's file names, sizes and modification times."""
    h = hashlib.sha256()
    for p in sorted(directory.rglob("*")):
        if p.is_file() and p.suffix in _WEIGHT_SUFFIXES:
            st = p.stat()
            h.update(f"{p.relative_to(directory)}\0{st.st_size}\0{st.st_mtime_ns}\n".encode())
    return h.hexdigest()[:16]


def plan_description(name: str, options: Dict[str, object]) -> Dict[str, object]:
    """What decides the English an engine ``name`` built with ``options`` writes, known before
    it is built: engine, model (a local directory by its resolved path and file fingerprint),
    beam, device asked for, and the other output-relevant options."""
    from . import DEFAULT_MODEL

    model = options.get("model")
    if model is None:
        model = "scripted" if name == "fake" else DEFAULT_MODEL
    desc: Dict[str, object] = {"engine": name, "model": str(model),
                               "beam": options.get("beam", 4),
                               "device": options.get("device", "auto")}
    path = Path(str(model)).expanduser()
    if name != "fake" and path.is_dir():
        desc["model"] = str(path.resolve())
        desc["model_files"] = model_fingerprint(path)
    for k, v in sorted(options.items()):
        if k not in desc and k not in _SPEED_OPTIONS and k not in ("model",):
            desc[k] = v if isinstance(v, (str, int, float, bool, type(None))) else repr(v)
    return desc


class LazyEngine(TranslationEngine):
    """Stands for engine ``name`` with ``options``; builds it at the first translation.

    ``factory`` (default :func:`translate.engines.get_engine`) builds the real engine;
    ``on_build(engine)`` is called once after. :meth:`signature` is the built engine's, else
    ``known_signature`` (what the same plan's engine gave before), else the plan description.
    """

    def __init__(self, name: str, *, factory: Optional[Callable[..., TranslationEngine]] = None,
                 on_build: Optional[Callable[[TranslationEngine], None]] = None,
                 known_signature: Optional[Dict[str, object]] = None, **options):
        from . import engine_class

        cls = engine_class(name)  # engine modules import torch & co. only when built
        super().__init__(options.get("model"), device=options.get("device", "auto"),
                         beam=options.get("beam", 4), batch_size=options.get("batch_size", 16))
        self.name = name
        self.engine_name = name
        self.supports_constraints = options.get("supports_constraints",
                                                cls.supports_constraints)
        self._options = dict(options)
        self._factory = factory
        self._on_build = on_build
        self.known_signature = known_signature
        self.inner: Optional[TranslationEngine] = None

    @property
    def built(self) -> bool:
        return self.inner is not None

    def build(self) -> TranslationEngine:
        """The real engine (built now if it was not yet)."""
        if self.inner is None:
            if self._factory is not None:
                self.inner = self._factory(self.engine_name, **self._options)
            else:
                from . import get_engine

                self.inner = get_engine(self.engine_name, **self._options)
            self.supports_constraints = self.inner.supports_constraints
            if self._on_build is not None:
                self._on_build(self.inner)
        return self.inner

    def translate_batch(self, sentences: Sequence[str], *, num_hypotheses: int = 1,
                        constraints: Optional[Sequence[Sequence[str]]] = None,
                        banned: Sequence[str] = (),
                        max_new_tokens: Optional[int] = None) -> List[List[Hypothesis]]:
        return self.build().translate_batch(sentences, num_hypotheses=num_hypotheses,
                                            constraints=constraints, banned=banned,
                                            max_new_tokens=max_new_tokens)

    def signature(self) -> Dict[str, object]:
        if self.inner is not None:
            return self.inner.signature()
        if self.known_signature is not None:
            return dict(self.known_signature)
        return plan_description(self.engine_name, self._options)


__all__ = ["LazyEngine", "model_fingerprint", "plan_description"]

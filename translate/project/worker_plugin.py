"""The Dask worker plugin of a project run (imported only when a cluster is used)."""
from __future__ import annotations

from typing import Callable, Dict, Optional

from distributed.diagnostics.plugin import WorkerPlugin

from .cluster import plugin_name


class TranslatorPlugin(WorkerPlugin):
    """Lives on each worker: the glossary (shared by hash) and one lazily built translator."""

    idempotent = True

    def __init__(self, glossary, engine: str, spec: Dict[str, object],
                 factory: Optional[Callable] = None):
        self.glossary = glossary
        self.engine = engine
        self.spec = dict(spec)
        self.factory = factory
        self.name = plugin_name(glossary.sha256, engine, spec, factory)
        self._translator = None

    def setup(self, worker) -> None:
        import threading

        self._translator = None
        self._lock = threading.Lock()  # a worker started with several threads runs one at a time

    def run(self, task):
        """One task through this worker's translator (tasks take turns on it)."""
        from .runner import run_chunk

        with self._lock:
            return run_chunk(self.translator(), task)

    def translator(self):
        """The worker's translator (built at its first task; its engine at the first MT)."""
        if self._translator is None:
            from ..engines.lazy import LazyEngine
            from ..leverage import ProjectTranslator

            engine = LazyEngine(self.engine, factory=self.factory, **self.spec)
            self._translator = ProjectTranslator(engine, self.glossary, mt=True)
        return self._translator


__all__ = ["TranslatorPlugin"]

"""A project's tasks on a Dask distributed cluster (``pip install 'termtrans[cluster]'``).

The client (the machine running ``termtrans translate``) reads the inputs, looks segments up in
the memories and the cache, and writes outputs, report and cache; workers only translate. Each
:class:`ChunkTask` (a file, or a chunk of a large file: its paragraphs and what was found for
them) becomes one Dask task. A :class:`TranslatorPlugin` registered on every worker carries the
glossary once (named by its sha256; tasks carry only the hash) and builds the engine once per
worker, at the first segment that needs it. Dask's scheduler places the tasks; termtrans has no
scheduler of its own.

``address``: ``local:N`` starts a LocalCluster of N worker processes on this machine (one thread
each); anything else is a scheduler address (``tcp://host:8786``).
"""
from __future__ import annotations

import logging
from typing import Callable, Dict, Iterator, Optional, Sequence

from termbase.errors import EngineError, TermtransError

from .runner import ChunkResult, ChunkTask

def _missing_dask() -> EngineError:
    return EngineError("--cluster needs Dask: pip install 'termtrans[cluster]' "
                       "(dask and distributed)")


def plugin_name(glossary_sha256: str, engine: str, spec: Dict[str, object],
                factory: Optional[Callable] = None) -> str:
    """The plugin's name on the workers: the glossary's hash, the plan, the engine factory."""
    from ..engines.lazy import plan_description
    from ..segment_cache import plan_key

    desc = dict(plan_description(engine, spec))
    if factory is not None:
        desc["factory"] = f"{getattr(factory, '__module__', '')}.{getattr(factory, '__qualname__', '')}"
    return f"termtrans-{glossary_sha256[:16]}-{plan_key(desc)[:16]}"


def translate_task(task: ChunkTask, plugin: str) -> ChunkResult:
    """Run on a worker: one task through that worker's translator."""
    from distributed import get_worker

    worker = get_worker()
    owner = worker.plugins.get(plugin)
    if owner is None:
        raise RuntimeError(f"worker {worker.address} has no termtrans plugin {plugin}")
    if owner.glossary.sha256 != task.glossary_sha256:
        raise RuntimeError("the task's glossary is not the one shared with the worker")
    return owner.run(task)


class DaskExecutor:
    """Runs tasks on a Dask cluster; a context manager (``local:N`` clusters are stopped at the
    end, external ones are left running)."""

    def __init__(self, address: str, *, timeout: float = 30.0):
        self.address = address
        self.timeout = timeout
        self.client = None
        self._cluster = None

    def __enter__(self) -> "DaskExecutor":
        self.start()
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def start(self) -> None:
        try:
            from distributed import Client, LocalCluster
        except ImportError:
            raise _missing_dask() from None
        if self.client is not None:
            return
        if self.address.startswith("local:") or self.address == "local":
            count = self.address.partition(":")[2] or "2"
            try:
                n = int(count)
                if n < 1:
                    raise ValueError
            except ValueError:
                raise EngineError(f"--cluster {self.address}: local:N needs a number of worker "
                                  "processes (e.g. local:2)") from None
            self._cluster = LocalCluster(n_workers=n, threads_per_worker=1, processes=True,
                                         dashboard_address=None, silence_logs=logging.ERROR)
            self.client = Client(self._cluster)
            return
        try:
            self.client = Client(self.address, timeout=self.timeout)
        except (OSError, TimeoutError) as exc:
            raise EngineError(f"--cluster {self.address}: cannot reach the Dask scheduler "
                              f"({exc}); start one with `dask scheduler` and workers with "
                              "`dask worker ADDRESS`") from None

    @property
    def workers(self) -> int:
        return len(self.client.scheduler_info().get("workers", {})) if self.client else 0

    def run(self, tasks: Sequence[ChunkTask], *, glossary, engine: str,
            spec: Dict[str, object], factory: Optional[Callable] = None) -> Iterator[ChunkResult]:
        """Each task's result, as tasks finish."""
        from distributed import as_completed

        self.start()
        from .worker_plugin import TranslatorPlugin

        plugin = TranslatorPlugin(glossary, engine, spec, factory)
        self.client.register_plugin(plugin, name=plugin.name)
        futures = self.client.map(translate_task, list(tasks), plugin=plugin.name, pure=False)
        try:
            for future in as_completed(futures):
                try:
                    yield future.result()
                except TermtransError:
                    raise
                except Exception as exc:  # a worker's failure: one line, not its traceback
                    raise EngineError(f"a cluster task failed: {type(exc).__name__}: {exc}") from None
        finally:
            for f in futures:
                f.cancel()

    def close(self) -> None:
        if self.client is not None:
            self.client.close()
            self.client = None
        if self._cluster is not None:
            self._cluster.close()
            self._cluster = None


__all__ = ["DaskExecutor", "plugin_name", "translate_task"]

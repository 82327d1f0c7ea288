"""Running a project: every file through one translator, the engine built once (if at all).

A run has three passes, the same for a local run and a cluster run:

1. **prepare** (here): every input is read and parsed (a bad file stops the run before any
   work), and each segment is looked up in the glossary, the translation memories and the
   persistent cache (:class:`~translate.leverage.Leverage`); what is left is the engine's work;
2. **translate**: each file — or each chunk of ``chunk_paragraphs`` paragraphs of a large file —
   is a :class:`ChunkTask` run by :func:`run_chunk`, here in this process or on a Dask worker
   (:mod:`translate.project.cluster`); what the engine translated is stored in the cache as soon
   as each batch is done, so an interrupted run loses at most one batch;
3. **write** (here): each file is rendered by :func:`translate.translator.translate_document`
   from the results, written atomically, and its report section added.

With engine ``none`` pass 2 is skipped: a pre-translation with the glossary and memory matches
only, every other paragraph left for the translator.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Dict, List, Optional, Sequence, Union

from termbase.glossary import Glossary
from termbase.textio import decode_text, source_name

from ..documents import format_for, load_document, sniff_document_format
from ..engines import DEFAULT_ENGINE
from ..engines.base import Hypothesis, TranslationEngine
from ..engines.lazy import LazyEngine, plan_description
from ..enforce import SegmentResult
from ..leverage import Leverage, LeveragedParagraph, ProjectTranslator, ReplayTranslator, Resolutions
from ..segment_cache import SegmentCache, plan_key
from ..translator import translate_document
from .inputs import FileJob
from .report import annotate_report, project_report, untranslated_section

PathLike = Union[str, Path]
#: the engine name of a pre-translation (glossary and memory only)
NO_ENGINE = "none"
#: paragraphs per task when a large file is split
DEFAULT_CHUNK_PARAGRAPHS = 1000


@dataclass
class ProjectOptions:
    """How a project is translated (the ``translate`` command's options)."""

    engine: str = DEFAULT_ENGINE
    model: Optional[str] = None
    device: str = "auto"
    beam: int = 4
    batch_size: Optional[int] = None
    engine_options: Dict[str, object] = field(default_factory=dict)
    fmt: Optional[str] = None
    bilingual: bool = False
    #: XLIFF: target states whose earlier translations may be replaced (``--overwrite``)
    overwrite: Sequence[str] = ()
    tm: Sequence[PathLike] = ()
    tm_threshold: float = 75.0
    tm_apply_fuzzy: bool = False
    cache: bool = True
    cache_path: Optional[PathLike] = None
    #: encoding of .txt/.md inputs (``--encoding``; None: UTF-8 or what a byte-order mark says)
    encoding: Optional[str] = None
    #: collect every file's drafts as TMX units (``translate --tmx``, :mod:`translate.draft_tmx`)
    tmx: bool = False
    chunk_paragraphs: int = DEFAULT_CHUNK_PARAGRAPHS
    #: an existing XLIFF output's reviewed targets (a human state) are reused as a memory
    #: (before the ``tm`` files: a reviewer's latest word on this very document wins) before the
    #: output is replaced
    reuse_outputs: bool = True
    #: builds the engine (default :func:`translate.engines.get_engine`); tests pass their own.
    #: On a cluster it must be importable by the workers (a module-level function).
    engine_factory: Optional[Callable[..., TranslationEngine]] = None

    def engine_spec(self) -> Dict[str, object]:
        """The options the engine is built with."""
        spec: Dict[str, object] = {"model": self.model, "device": self.device, "beam": self.beam}
        if self.batch_size is not None:
            spec["batch_size"] = self.batch_size
        spec.update(self.engine_options)
        return {k: v for k, v in spec.items() if v is not None}


@dataclass
class ProgressEvent:
    """What the progress callback gets. ``kind``: ``prepared`` (``total`` segments the engine
    will translate, ``files``), ``file`` (a file started — on a cluster, submitted: ``file``,
    the ``total`` segments it leaves to the engine),
    ``segments`` (``done`` of ``total`` over the project), ``written`` (``file`` written;
    ``summary``: its report's summary), ``skipped`` (``file`` not written: its output exists)."""

    kind: str
    file: str = ""
    done: int = 0
    total: int = 0
    files: int = 0
    summary: Optional[Dict[str, object]] = None


Progress = Callable[[ProgressEvent], None]


@dataclass
class ChunkTask:
    """A piece of work for a translator: paragraphs of one file and what was found for them."""

    file_index: int
    chunk_index: int
    paragraphs: List[object]  # str or InlineText
    resolutions: Resolutions
    glossary_sha256: str


@dataclass
class ChunkResult:
    file_index: int
    chunk_index: int
    results: List[LeveragedParagraph]
    fresh: List[SegmentResult]
    engine_signature: Optional[Dict[str, object]] = None


def run_chunk(translator: ProjectTranslator, task: ChunkTask, *, progress=None) -> ChunkResult:
    """Translate one task's paragraphs (its resolutions replayed, the rest by the engine)."""
    if task.glossary_sha256 != translator.glossary.sha256:
        raise RuntimeError("task and translator use different glossaries")
    translator.begin(task.resolutions, lookup=False, mt=True)
    results = translator.translate_paragraphs(task.paragraphs, progress=progress)
    engine = translator.engine.inner
    built = isinstance(engine, LazyEngine) and engine.built
    return ChunkResult(task.file_index, task.chunk_index, list(results), list(translator.fresh),
                       engine.signature() if built else None)


@dataclass
class FileOutcome:
    job: FileJob
    report: Dict[str, object]


@dataclass
class ProjectResult:
    """What a run did: ``report`` (the JSON report), files written, term failures, whether the
    engine was built, warnings to show, and timings (seconds; not in the report)."""

    report: Dict[str, object]
    files: List[FileOutcome]
    terms_failed: int
    engine_built: bool
    warnings: List[str]
    timing: Dict[str, float]
    #: the drafts as TMX units, in file order (with ``ProjectOptions.tmx``)
    tmx_units: List[object] = field(default_factory=list)

    @property
    def segments(self) -> int:
        return int(self.report["summary"]["segments"])


class _NoEngine(TranslationEngine):
    """The engine of a pre-translation: never translates."""

    name = NO_ENGINE

    def translate_batch(self, sentences, **options) -> List[List[Hypothesis]]:
        raise RuntimeError("engine 'none' cannot translate")  # pragma: no cover - never called

    def signature(self) -> Dict[str, object]:
        return {"engine": NO_ENGINE}


@dataclass
class _Prepared:
    index: int
    job: FileJob
    paragraphs: List[object]
    resolutions: Resolutions
    results: Optional[List[LeveragedParagraph]] = None  # engine none: the pre-translation


def _chunks(p: _Prepared, size: int, glossary_sha256: str) -> List[ChunkTask]:
    size = max(1, size)
    pieces = [p.paragraphs[i:i + size] for i in range(0, len(p.paragraphs), size)] or [[]]
    return [ChunkTask(p.index, k, piece, p.resolutions, glossary_sha256)
            for k, piece in enumerate(pieces)]


class ProjectRun:
    """One run over ``jobs`` (see the module doc). Use :func:`translate_project`."""

    def __init__(self, jobs: Sequence[FileJob], glossary: Glossary, options: ProjectOptions, *,
                 progress: Optional[Progress] = None, warn: Optional[Callable[[str], None]] = None):
        self.jobs = list(jobs)
        self.glossary = glossary
        self.options = options
        self.progress = progress or (lambda event: None)
        self.warnings: List[str] = []
        self._warn_cb = warn
        self.none = options.engine == NO_ENGINE
        self.plan_desc = plan_description(options.engine, options.engine_spec())
        self.plan = plan_key(self.plan_desc)
        self.cache: Optional[SegmentCache] = None
        self.known_signature: Optional[Dict[str, object]] = None
        self.engine_signature: Optional[Dict[str, object]] = None
        self.tm = None
        self.mt_done = 0
        self.mt_total = 0
        self.tmx_units: Dict[int, List[object]] = {}  # file index -> its draft units

    def warn(self, message: str) -> None:
        self.warnings.append(message)
        if self._warn_cb:
            self._warn_cb(message)

    # -- set-up --------------------------------------------------------------------------------
    def _setup(self) -> ProjectTranslator:
        from ..tm import TranslationMemory, load_tm
        from ..tm.loading import load_reviewed_xliff

        o = self.options
        memory = TranslationMemory()
        if o.reuse_outputs:
            for job in self.jobs:
                if job.output.suffix.lower() in (".xlf", ".xliff") and job.output.is_file() \
                        and not job.skip:
                    load_reviewed_xliff(job.output, memory)
        if o.tm:
            load_tm(o.tm, memory)
        self.tm = memory if len(memory) else None
        if o.cache and not self.none:
            self.cache = SegmentCache(o.cache_path, warn=self.warn)
            self.cache.register_plan(self.plan, self.plan_desc)
            self.known_signature = self.cache.engine_signature(self.plan)
        if self.none:
            engine: TranslationEngine = _NoEngine()
        else:
            engine = LazyEngine(o.engine, factory=o.engine_factory,
                                known_signature=self.known_signature, on_build=self._built,
                                **o.engine_spec())
        leverage = Leverage(self.glossary, tm=self.tm, threshold=o.tm_threshold,
                            apply_fuzzy=o.tm_apply_fuzzy, cache=self.cache, plan=self.plan)
        return ProjectTranslator(engine, self.glossary, leverage=leverage, mt=False,
                                 on_fresh=self._on_fresh, pretranslation=self.none)

    def _built(self, engine: TranslationEngine) -> None:
        self._record_signature(engine.signature())

    def _record_signature(self, signature: Optional[Dict[str, object]]) -> None:
        if signature is None or self.engine_signature is not None:
            return
        self.engine_signature = dict(signature)
        if self.cache is not None:
            self.cache.set_engine_signature(self.plan, self.engine_signature)

    def _on_fresh(self, fresh: Sequence[SegmentResult]) -> None:
        """What the engine just translated: into the cache at once, and counted."""
        if self.cache is not None and fresh:
            self.cache.put_many(self.plan, self.glossary.sha256, fresh)
        self.mt_done += len(fresh)
        self.progress(ProgressEvent("segments", done=min(self.mt_done, self.mt_total),
                                    total=self.mt_total))

    def _doc_signature(self) -> Dict[str, object]:
        """The signature written into every output: the plan (engine, model, beam, device asked),
        known before any engine is built, so a rerun from the cache or a cluster run writes the
        same bytes; the built engine's own signature goes into the report."""
        return {"engine": NO_ENGINE} if self.none else dict(self.plan_desc)

    # -- pass 1 --------------------------------------------------------------------------------
    def _load(self, job: FileJob, data: bytes, *, warn: bool = False):
        """The document of ``job`` from its bytes ``data``."""
        name, fmt = str(job.input), self.options.fmt
        if fmt is None and name == "-":
            fmt = sniff_document_format(data[:4096])
        fmt = format_for(name, fmt)
        if fmt in ("txt", "md"):  # decoded here, so that a decoding error names --encoding
            text = decode_text(data, source_name(name), encoding=self.options.encoding,
                               option="--encoding")
            if self.options.encoding is not None:
                data = text.encode("utf-8")
        elif self.options.encoding is not None and warn:
            self.warn(f"warning: --encoding applies to .txt and .md inputs; {source_name(name)} "
                      f"is read as {fmt} declares")
        return load_document(data, name, fmt, overwrite=set(self.options.overwrite))

    def _prepare(self, translator: ProjectTranslator) -> List[_Prepared]:
        prepared = []
        for index, job in enumerate(self.jobs):
            if job.skip:
                self.progress(ProgressEvent("skipped", str(job.output)))
                continue
            doc = self._load(job, job.read(), warn=True)
            res = translator.begin(Resolutions(), lookup=True, mt=False,
                                   document=str(job.output))
            translate_document(doc, translator, bilingual=self.options.bilingual,
                               input_name=str(job.input), output_name=str(job.output))
            paragraphs = translator.calls[-1] if translator.calls else []
            p = _Prepared(index, job, paragraphs, res)
            if self.none:
                p.results = list(translator.last_results)
            prepared.append(p)
        return prepared

    # -- pass 3 --------------------------------------------------------------------------------
    def _write(self, p: _Prepared, results: List[LeveragedParagraph]) -> FileOutcome:
        job = p.job
        raw = job.read()
        doc = self._load(job, raw)
        sig = self._doc_signature()
        data, report = translate_document(doc, ReplayTranslator(results, self.glossary, sig),
                                          bilingual=self.options.bilingual,
                                          input_name=str(job.input), output_name=str(job.output))
        if data[:4] == b"PK\x03\x04":
            data = stable_zip(data, reference=raw)
        if not annotate_report(report, results):
            self.warn(f"warning: {job.input}: the report's segments do not match the results; "
                      "their origins are left out")
        if self.none:
            todo = [u for u in doc.units if u.translate]
            units = todo if len(todo) == len(results) else [None] * len(results)
            report["untranslated"] = untranslated_section(units, results)
        if self.options.tmx:
            from ..draft_tmx import draft_units

            self.tmx_units[p.index] = draft_units(results, doc=doc,
                                                document=source_name(str(job.input)))
        assert job.planned is not None, "plan_outputs plans every job"
        job.planned.write_bytes(data)
        self.progress(ProgressEvent("written", str(job.output), summary=report["summary"]))
        return FileOutcome(job, report)

    # -- the run -------------------------------------------------------------------------------
    def run(self, executor=None) -> ProjectResult:
        t0 = time.perf_counter()
        translator = self._setup()
        prepared = self._prepare(translator)
        t1 = time.perf_counter()
        self.mt_total = sum(len(p.resolutions.unresolved) for p in prepared)
        self.progress(ProgressEvent("prepared", total=self.mt_total, files=len(prepared)))
        outcomes: Dict[int, FileOutcome] = {}
        if self.none:
            for p in prepared:
                outcomes[p.index] = self._write(p, p.results or [])
        else:
            tasks = [t for p in prepared
                     for t in _chunks(p, self.options.chunk_paragraphs, self.glossary.sha256)]
            if executor is None:
                self._run_local(translator, prepared, tasks, outcomes)
            else:
                self._run_cluster(executor, prepared, tasks, outcomes)
        t2 = time.perf_counter()
        files = [outcomes[p.index] for p in prepared]
        report = self._report(files, translator)
        total = time.perf_counter() - t0
        segments = report["summary"]["segments"]
        timing = {"prepare_s": t1 - t0, "translate_s": t2 - t1, "total_s": total,
                  "files_per_s": len(files) / total if total else 0.0,
                  "segments_per_s": segments / total if total else 0.0}
        if self.cache is not None:
            self.cache.close()
        tmx_units = [u for p in prepared for u in self.tmx_units.get(p.index, [])]
        return ProjectResult(report, files, int(report["summary"]["terms_failed"]),
                             self.engine_signature is not None, list(self.warnings), timing,
                             tmx_units)

    def _run_local(self, translator, prepared, tasks, outcomes) -> None:
        by_file: Dict[int, List[ChunkTask]] = {}
        for t in tasks:
            by_file.setdefault(t.file_index, []).append(t)
        for p in prepared:
            self.progress(ProgressEvent("file", str(p.job.input), total=len(p.resolutions.unresolved)))
            results: List[LeveragedParagraph] = []
            for t in by_file.get(p.index, []):
                results.extend(run_chunk(translator, t).results)  # cache written per batch
            outcomes[p.index] = self._write(p, results)

    def _run_cluster(self, executor, prepared, tasks, outcomes) -> None:
        pending: Dict[int, Dict[int, ChunkResult]] = {p.index: {} for p in prepared}
        need = {p.index: 0 for p in prepared}
        for t in tasks:
            need[t.file_index] += 1
        by_index = {p.index: p for p in prepared}
        for p in prepared:  # submitted together: each file's event comes now
            self.progress(ProgressEvent("file", str(p.job.input), total=len(p.resolutions.unresolved)))
        for r in executor.run(tasks, glossary=self.glossary, engine=self.options.engine,
                              spec=self.options.engine_spec(),
                              factory=self.options.engine_factory):
            self._record_signature(r.engine_signature)
            self._on_fresh(r.fresh)
            pending[r.file_index][r.chunk_index] = r
            if len(pending[r.file_index]) == need[r.file_index]:
                chunks = pending.pop(r.file_index)
                results = [x for k in sorted(chunks) for x in chunks[k].results]
                outcomes[r.file_index] = self._write(by_index[r.file_index], results)

    def _report(self, files: List[FileOutcome], translator) -> Dict[str, object]:
        from ..report import signature as doc_signature

        o = self.options
        sig = doc_signature(self._doc_signature(), self.glossary)
        options = {"engine": o.engine, "bilingual": o.bilingual,
                   "tm": [str(p) for p in o.tm], "tm_threshold": o.tm_threshold,
                   "tm_apply_fuzzy": o.tm_apply_fuzzy, "cache": self.cache is not None}
        engine = {"plan": self.plan, "built": self.engine_signature is not None,
                  "signature": self.engine_signature or self.known_signature}
        cache = None
        if self.cache is not None:
            cache = {"hits": self.cache.hits, "stored": self.cache.stored}
        tm = None
        if self.tm is not None:
            tm = {"units": len(self.tm), "files": list(self.tm.sources)}
        skipped = [{"input": str(j.input), "output": str(j.output),
                    "reason": "output exists (--skip-existing)"} for j in self.jobs if j.skip]
        return project_report([f.report for f in files], signature=sig, options=options,
                              engine=engine, cache=cache, tm=tm, skipped=skipped)


def stable_zip(data: bytes, *, reference: bytes = b"") -> bytes:
    """A zip container (.docx) whose entries carry the newest date of the ``reference`` zip
    (the input) instead of the time of writing, so the same translation gives the same bytes
    whenever and wherever it is written."""
    import io
    import zipfile

    stamp = (1980, 1, 1, 0, 0, 0)
    try:
        with zipfile.ZipFile(io.BytesIO(reference)) as ref:
            stamp = max((i.date_time for i in ref.infolist()), default=stamp)
    except zipfile.BadZipFile:
        pass
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            copy = zipfile.ZipInfo(info.filename, date_time=stamp)
            copy.compress_type = info.compress_type
            copy.external_attr = info.external_attr
            dst.writestr(copy, src.read(info))
    return out.getvalue()


def translate_project(jobs: Sequence[FileJob], glossary: Glossary, options: ProjectOptions, *,
                      progress: Optional[Progress] = None, cluster=None,
                      warn: Optional[Callable[[str], None]] = None) -> ProjectResult:
    """Translate every job (see the module doc); ``cluster`` is a
    :class:`~translate.project.cluster.DaskExecutor` (None: this process)."""
    run = ProjectRun(jobs, glossary, options, progress=progress, warn=warn)
    return run.run(cluster)


__all__ = ["ChunkResult", "ChunkTask", "DEFAULT_CHUNK_PARAGRAPHS", "FileOutcome", "NO_ENGINE",
           "ProgressEvent", "ProjectOptions", "ProjectResult", "ProjectRun", "run_chunk",
           "translate_project"]

"""Projects: many documents in one run, with translation memories, a persistent cache and,
optionally, a Dask cluster.

The entry points the ``translate PATH...`` command uses::

    inputs = collect_inputs(paths, include=..., exclude=...)
    jobs = plan_outputs(inputs, output, force=..., protect=[glossary, *tm_files])
    result = translate_project(jobs, glossary, ProjectOptions(...), progress=..., cluster=...)
    result.report            # the JSON report (project_report_json to write it)
    result.terms_failed      # --fail-on-term-failures: exit 1 when > 0
"""
from __future__ import annotations

from .inputs import FileJob, InputFile, collect_inputs, output_is_folder, plan_outputs
from .report import project_report_json, project_summary_text
from .cluster import DaskExecutor
from .runner import (NO_ENGINE, ChunkResult, ChunkTask, ProgressEvent, ProjectOptions,
                     ProjectResult, run_chunk, translate_project)

__all__ = ["ChunkResult", "ChunkTask", "DaskExecutor", "FileJob", "InputFile", "NO_ENGINE", "ProgressEvent",
           "ProjectOptions", "ProjectResult", "collect_inputs", "output_is_folder",
           "plan_outputs", "project_report_json", "project_summary_text", "run_chunk",
           "translate_project"]

"""A project on a Dask LocalCluster gives what a local run gives, byte for byte; a rerun from
the cache loads neither torch nor the model."""
from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from termbase.glossary import load_glossary
from tests import project_helpers as helpers
from tests.tiny_marian import PAIRS
from translate.project import (DaskExecutor, ProjectOptions, collect_inputs, plan_outputs,
                               project_report_json, translate_project)

ROOT = Path(__file__).resolve().parent.parent
pytest.importorskip("distributed")
pytestmark = pytest.mark.usefixtures("one_torch_thread")


@pytest.fixture(scope="module")
def executor(tmp_path_factory):
    """A LocalCluster of 2 worker processes; they start with an isolated home and caches and
    the hub offline (they inherit this environment, not the per-test one)."""
    import os

    home = tmp_path_factory.mktemp("worker-home")
    env = {"HOME": str(home), "XDG_CACHE_HOME": str(home / ".cache"),
           "HF_HOME": str(home / ".cache" / "huggingface"),
           "TERMTRANS_CACHE": str(home / ".cache" / "termtrans"), "HF_HUB_OFFLINE": "1",
           "TRANSFORMERS_OFFLINE": "1"}
    saved = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    try:
        with DaskExecutor("local:2") as ex:
            assert ex.workers == 2
            yield ex
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


@pytest.fixture
def glossary(tmp_path):
    return load_glossary(helpers.write_glossary(tmp_path))


def _project(root: Path, files: int = 8) -> Path:
    """Files of the tiny model's sentences (with glossary terms in place of TERM0), some in
    several files, a .docx and an XLIFF among them."""
    terms = ["国际传播", "城市形象", "对外开放", "外国友人"]
    sentences = [zh.replace("TERM0", terms[k % 4]).replace("TERM1", terms[(k + 1) % 4])
                 for k, (zh, _) in enumerate(PAIRS)]
    root.mkdir(parents=True)
    for n in range(files):
        picked = [sentences[(n * 3 + k) % len(sentences)] for k in range(5)]
        if n % 4 == 3:
            helpers.write_docx(root / f"f{n}.docx", picked)
        elif n % 4 == 2:
            helpers.write_xliff(root / f"f{n}.xlf", {str(k): s for k, s in enumerate(picked)})
        else:
            (root / f"sub{n % 2}").mkdir(exist_ok=True)
            (root / f"sub{n % 2}" / f"f{n}.txt").write_text("\n".join(picked) + "\n\n讲好重庆故事\n",
                                                            encoding="utf-8")
    return root


def _run(root, out, glossary, options, executor=None):
    jobs = plan_outputs(collect_inputs([root]), out)
    result = translate_project(jobs, glossary, options, cluster=executor)
    outputs = {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*.*"))}
    report = project_report_json(result.report).replace(str(out), "OUT")
    rows = sqlite3.connect(options.cache_path).execute(
        "SELECT plan, glossary, key, result FROM segments ORDER BY key").fetchall()
    return outputs, report, rows, result


@pytest.mark.parametrize("engine", ["fake", "marian"])
def test_cluster_run_equals_local_run(tmp_path, glossary, executor, engine, request):
    root = _project(tmp_path / "proj")
    model = str(request.getfixturevalue("tiny_model_dir")) if engine == "marian" else None

    def options(name):
        return ProjectOptions(engine=engine, model=model, beam=2, chunk_paragraphs=3,
                              cache_path=tmp_path / f"{name}.sqlite3")

    local = _run(root, tmp_path / "local", glossary, options("local"))
    cluster = _run(root, tmp_path / "cluster", glossary, options("cluster"), executor)
    assert len(local[0]) == 8 and local[0] == cluster[0]     # outputs, byte for byte
    assert local[1] == cluster[1]                             # the report
    assert local[2] and local[2] == cluster[2]                # the cache
    assert cluster[3].engine_built
    if engine == "marian":  # the tiny model really translated (its memorised sentences)
        assert b"They visited Chongqing." in b"".join(local[0].values())
    name = next(n for n in executor.client.run(_plugins).values() for n in n)
    builds = executor.client.run(_engines_built, name)
    assert set(builds.values()) <= {0, 1} and sum(builds.values()) >= 1  # once per worker


def _plugins(dask_worker=None):
    return [n for n in dask_worker.plugins if n.startswith("termtrans-")]


def _engines_built(name, dask_worker=None):
    plugin = dask_worker.plugins.get(name)
    t = plugin._translator if plugin is not None else None
    return int(t is not None and t.engine.inner.built)


def test_a_bad_cluster_address_is_one_line():
    from termbase.errors import EngineError

    with pytest.raises(EngineError, match="local:N needs a number"):
        DaskExecutor("local:x").start()


_RERUN = """
import json, sys
from termbase.glossary import load_glossary
from translate.project import ProjectOptions, collect_inputs, plan_outputs, translate_project
g = load_glossary(sys.argv[1])
jobs = plan_outputs(collect_inputs([sys.argv[2]]), sys.argv[3], force=True)
r = translate_project(jobs, g, ProjectOptions(engine="marian", model=sys.argv[4], beam=2))
print(json.dumps({"built": r.engine_built, "hits": r.report["summary"]["cache"]["hits"],
                  "modules": sorted(m for m in ("torch", "transformers", "ctranslate2")
                                    if m in sys.modules)}))
"""


def test_a_cached_rerun_imports_no_torch_and_loads_no_model(tmp_path, glossary, tiny_model_dir):
    root = _project(tmp_path / "proj", files=4)
    out = tmp_path / "out"
    first = translate_project(plan_outputs(collect_inputs([root]), out), glossary,
                              ProjectOptions(engine="marian", model=str(tiny_model_dir), beam=2))
    assert first.engine_built
    before = {p: p.read_bytes() for p in out.rglob("*.*")}
    proc = subprocess.run([sys.executable, "-c", _RERUN, glossary.path, str(root), str(out),
                           str(tiny_model_dir)], cwd=ROOT, capture_output=True, text=True,
                          timeout=120)
    assert proc.returncode == 0, proc.stderr
    seen = json.loads(proc.stdout.strip().splitlines()[-1])
    assert seen == {"built": False, "hits": seen["hits"], "modules": []} and seen["hits"] > 0
    assert {p: p.read_bytes() for p in out.rglob("*.*")} == before


def test_a_worker_failure_is_one_line(tmp_path, glossary, executor):
    from termbase.errors import ModelUnavailableError

    root = _project(tmp_path / "proj", files=2)
    jobs = plan_outputs(collect_inputs([root]), tmp_path / "out")
    with pytest.raises(ModelUnavailableError, match="does not exist") as err:
        translate_project(jobs, glossary, ProjectOptions(engine="marian",
                                                         model=str(tmp_path / "no-model"),
                                                         cache=False), cluster=executor)
    assert "\n" not in str(err.value)
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").rglob("*.*"))

"""Engines and documents for the project tests (importable by Dask workers)."""
from __future__ import annotations

from pathlib import Path
from typing import Dict, List

from tests.tiny_marian import GLOSSARY_CSV
from translate.engines.fake import FakeEngine

#: every engine the counting factory built, in this process
BUILT: List[FakeEngine] = []


def counting_factory(name: str, **options) -> FakeEngine:
    """A fake engine that records itself in :data:`BUILT` (so tests can count builds)."""
    engine = FakeEngine(**{k: v for k, v in options.items() if k in ("model", "beam")})
    BUILT.append(engine)
    return engine


class CountingFakeEngine(FakeEngine):
    """The fake engine, recorded in :data:`BUILT` when built (for ``ENGINES["fake"]`` in CLI
    tests: ``tests.project_helpers:CountingFakeEngine``)."""

    def __init__(self, model=None, **options):
        super().__init__(model, **{k: v for k, v in options.items() if k in ("beam", "device")})
        BUILT.append(self)


class DroppingEngine(CountingFakeEngine):
    """Loses every glossary term: always "We strengthen it." (no constraints)."""

    def __init__(self, model=None, **options):
        super().__init__(model, **options)
        self.script = lambda s, **kw: "We strengthen it."
        self.supports_constraints = False


class InterruptingEngine(FakeEngine):
    """Raises KeyboardInterrupt (a Ctrl-C) at its ``stop_at``-th batch."""

    stop_at = 3  # batch 1: the first file; 2: the first 64 segments of the second

    def translate_batch(self, sentences, **options):
        if len(self.calls) + 1 >= self.stop_at:
            raise KeyboardInterrupt
        return super().translate_batch(sentences, **options)


def interrupting_factory(name: str, **options) -> FakeEngine:
    engine = InterruptingEngine()
    BUILT.append(engine)
    return engine


class BuiltInterruptingEngine(InterruptingEngine):
    """:class:`InterruptingEngine` as a registered engine (``ENGINES["fake"]``)."""

    def __init__(self, model=None, **options):
        super().__init__(model)
        BUILT.append(self)


def write_glossary(folder: Path) -> Path:
    """The tests' glossary (:data:`tests.tiny_marian.GLOSSARY_CSV`) as ``folder/glossary.csv``."""
    path = folder / "glossary.csv"
    path.write_text(GLOSSARY_CSV, encoding="utf-8")
    return path


def write_tree(root: Path, files: Dict[str, str]) -> Path:
    """``files`` (relative path → UTF-8 text) written below ``root``; returns ``root``."""
    for rel, text in files.items():
        p = root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text, encoding="utf-8")
    return root


def sentences_sent(engines=None) -> List[str]:
    """Every sentence the built engines were asked to translate (first hypothesis requests)."""
    return [s for e in (engines or BUILT) for c in e.calls for s in c["sentences"]]


XLIFF = """<?xml version="1.0" encoding="UTF-8"?>
<xliff version="1.2" xmlns="urn:oasis:names:tc:xliff:document:1.2">
  <file original="job.docx" source-language="zh-CN" datatype="plaintext">
    <body>
{units}
    </body>
  </file>
</xliff>
"""


def write_xliff(path: Path, sources: Dict[str, str]) -> Path:
    units = "\n".join(f'      <trans-unit id="{k}">\n        <source>{v}</source>\n'
                      "      </trans-unit>" for k, v in sources.items())
    path.write_text(XLIFF.format(units=units), encoding="utf-8")
    return path


def write_docx(path: Path, paragraphs: List[str]) -> Path:
    import docx

    d = docx.Document()
    for p in paragraphs:
        d.add_paragraph(p)
    d.save(str(path))
    return path


TMX = """<?xml version="1.0" encoding="UTF-8"?>
<tmx version="1.4"><header srclang="zh-CN" datatype="plaintext" segtype="sentence"
 adminlang="en" o-tmf="test" creationtool="test" creationtoolversion="1"/><body>
{units}
</body></tmx>
"""


def write_tmx(path: Path, pairs: Dict[str, str]) -> Path:
    units = "\n".join(f'<tu><tuv xml:lang="zh-CN"><seg>{zh}</seg></tuv>'
                      f'<tuv xml:lang="en"><seg>{en}</seg></tuv></tu>' for zh, en in pairs.items())
    path.write_text(TMX.format(units=units), encoding="utf-8")
    return path

"""The same terminology guarantees on every real engine: marian and ctranslate2, on the tiny model."""
from __future__ import annotations

import json
import re

import pytest
from click.testing import CliRunner

from cli import main
from termbase.en_match import has_approved
from termbase.glossary import parse_glossary
from tests.tiny_marian import GLOSSARY_CSV, PAIRS
from translate.engines import get_engine
from translate.translator import Translator

ENGINES = ["marian", pytest.param("ctranslate2", marks=pytest.mark.skipif(
    __import__("importlib").util.find_spec("ctranslate2") is None, reason="pip install termtrans[fast]"))]


pytestmark = pytest.mark.usefixtures("one_torch_thread")


@pytest.fixture
def glossary():
    g, problems = parse_glossary(GLOSSARY_CSV, "test-glossary.csv")
    assert not [p for p in problems if p.severity == "error"]
    return g


def build(name, model_dir, **options):
    if name == "ctranslate2":
        options.setdefault("intra_threads", 1)
    return get_engine(name, model=str(model_dir), device="cpu", **options)


@pytest.mark.parametrize("name", ENGINES)
def test_memorised_pairs_in_any_order(name, tiny_model_dir):
    engine = build(name, tiny_model_dir, beam=4, batch_size=3)
    sources = [s for s, _ in PAIRS][::-1]
    assert engine.translate(sources) == [t for _, t in PAIRS][::-1]


@pytest.mark.parametrize("name", ENGINES)
def test_nbest_best_first(name, tiny_model_dir):
    engine = build(name, tiny_model_dir, beam=4)
    hyps = engine.translate_batch(["今天天气很好。", "城市很美丽。"], num_hypotheses=3)
    assert [len(h) for h in hyps] == [3, 3]
    assert [h[0].text for h in hyps] == ["The weather is good today.", "The city is beautiful."]
    for hs in hyps:
        scores = [h.score for h in hs]
        assert scores == sorted(scores, reverse=True)


@pytest.mark.parametrize("beam", [1, 4])
@pytest.mark.parametrize("name", ENGINES)
def test_hard_constraints_force_phrases(name, beam, tiny_model_dir):
    engine = build(name, tiny_model_dir, beam=beam)
    assert engine.supports_constraints
    out = engine.translate_batch(["今天天气很好。", "城市很美丽。", "我们支持TERM0。"],
                                 constraints=[["international communication"],
                                              ["Chongqing", "foreign friends"], []])
    assert "international communication" in out[0][0].text
    assert "Chongqing" in out[1][0].text and "foreign friends" in out[1][0].text
    assert out[2][0].text == "We support TERM0."  # no constraint: plain translation


@pytest.mark.parametrize("name", ENGINES)
def test_banned_phrase_never_generated(name, tiny_model_dir):
    engine = build(name, tiny_model_dir)
    assert "weather" in engine.translate(["今天天气很好。"])[0]
    out = engine.translate_batch(["今天天气很好。"], banned=["weather"], num_hypotheses=2)[0]
    assert all("weather" not in h.text.lower() for h in out)


@pytest.mark.parametrize("name", ENGINES)
def test_terms_applied_or_reported(name, tiny_model_dir, glossary):
    """Memorised and unseen sentences: each term comes out approved or is listed as failed."""
    translator = Translator(build(name, tiny_model_dir), glossary)
    paragraphs = ["我们加强国际传播。今天天气很好。", "讲好重庆故事",
                  "国际传播和城市形象都很重要。", "我们欢迎外国友人参加对外开放。"]
    results = translator.translate_paragraphs(paragraphs)
    assert len(results) == len(paragraphs)
    assert results[0].target == "We strengthen international communication. The weather is good today."
    assert results[1].target == "Tell good stories of Chongqing"
    terms = 0
    for paragraph in results:
        for seg in paragraph.segments:
            for term in seg.terms:
                terms += 1
                if term.method == "failed":
                    assert term.problem
                else:
                    assert has_approved(seg.target, glossary.get(term.term)), (term, seg.target)
            assert not re.search(r"TERM\s?\d", seg.target, re.I)
    assert terms == 6


@pytest.mark.parametrize("name", ENGINES)
def test_cli_translate_with_engine(name, tiny_model_dir, tmp_path, glossary):
    gloss = tmp_path / "glossary.csv"
    gloss.write_text(GLOSSARY_CSV, encoding="utf-8")
    src = tmp_path / "doc.txt"
    src.write_text("我们加强国际传播。今天天气很好。\n\n讲好重庆故事\n他们访问了重庆。\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["--glossary", str(gloss), "translate", str(src), "--engine", name,
                                       "--model", str(tiny_model_dir), "--report",
                                       str(tmp_path / "r.json"), "-q"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert (tmp_path / "doc.en.txt").read_text(encoding="utf-8") == (
        "We strengthen international communication. The weather is good today.\n\n"
        "Tell good stories of Chongqing\nThey visited Chongqing.\n")
    report = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    assert report["signature"]["engine"] == name
    assert report["summary"]["term_methods"] == {"exact": 1, "placeholder": 1}
    assert report["failures"] == []


@pytest.mark.parametrize("name", ENGINES)
def test_recovery_paths_keep_every_term(name, tiny_model_dir, glossary):
    """Unseen sentences lose placeholders: n-best and hard constraints bring the terms back."""
    translator = Translator(build(name, tiny_model_dir), glossary)
    sources = ["我们欢迎外国友人参加对外开放。", "他们访问了华龙网。", "今天城市形象很好。"]
    segments = [s for r in translator.translate_paragraphs(sources) for s in r.segments]
    outcomes = [(t.method, t.recovery) for s in segments for t in s.terms]
    assert ("constrained", None) in outcomes and ("placeholder", "n-best") in outcomes
    for seg in segments:
        assert seg.failed == []
        for term in seg.terms:
            assert has_approved(seg.target, glossary.get(term.term)), (term, seg.target)

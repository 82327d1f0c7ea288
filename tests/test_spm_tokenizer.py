"""The sentencepiece tokenizer of the CTranslate2 engine gives exactly MarianTokenizer's ids."""
from __future__ import annotations

import json
import random
import re
import subprocess
import sys
import warnings
from pathlib import Path

import pytest

from termbase.errors import ModelUnavailableError
from translate.engines.spm_tokenizer import MarianSpmTokenizer

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"
#: the real opus-mt-zh-en tokenizer, kept beside the repository (not in it)
REAL = next((p for p in (ROOT.parent / "shared" / "models" / "opus-mt-zh-en",
                         Path("/work/shared/models/opus-mt-zh-en"))
             if (p / "source.spm").is_file()), None)

FIXED = [
    "学习宣传贯彻TERM0精神。", "TERM0和TERM1都很重要。", "TERM12、TERM3 与 TERM 4", "Term0 term1",
    "他来自U.S. Army和St. Louis。", "Mr. Huub Buise访问重庆。", "J. K. Rowling来了。",
    "访问https://www.cqnews.net/a?b=1&c=2网站。", "增长3.5%，达到1,818亿元（HK$181.8 billion）。",
    "“TALK IN 重庆”外语演讲大赛", "Fully Carrying out Domestic and International Promotion",
    "a </s> b", "x<unk>y<pad>z", "<pad>", ">>fr<< 你好", "", " ", "\u3000\u3000你好\t世界  ",
    "😀表情", "Ｆｕｌｌｗｉｄｔｈ全角", "①②③", "“引号”‘单’", "e.g. i.e. etc.", "第1. 加强合作。",
    "2023年4月26日", "…… ⋯ ...", "\n换行\n", "A" * 300,
]


def _sentences():
    text = (DATA / "chongqing-yearbook-page.txt").read_text(encoding="utf-8")
    lines = [line for line in re.split(r"(?<=[。！？\n])", text) if line.strip()]
    rng = random.Random(7)
    chars = sorted(set(text))
    mixed = ["".join(rng.choice(chars) for _ in range(rng.randint(1, 60))) for _ in range(250)]
    return FIXED + lines + mixed


def _reference(model_dir):
    from transformers import MarianTokenizer

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return MarianTokenizer.from_pretrained(str(model_dir))


MODELS = ["tiny", pytest.param("real", marks=pytest.mark.skipif(
    REAL is None, reason="the real opus-mt-zh-en tokenizer (../shared/models) is not here"))]


@pytest.fixture
def model_dir(request, tiny_model_dir):
    return tiny_model_dir if request.param == "tiny" else REAL


@pytest.mark.parametrize("model_dir", MODELS, indirect=True)
def test_ids_are_marian_tokenizers(model_dir):
    ours, ref = MarianSpmTokenizer(model_dir), _reference(model_dir)
    sentences = _sentences()
    assert len(sentences) > 290
    for text in sentences:
        assert ours.source_ids(text) == ref(text)["input_ids"], text
        assert ours.target_ids(text) == ref(text_target=text, add_special_tokens=False)["input_ids"], text
        assert ours.count_tokens([text]) == [len(ref(text)["input_ids"])]


@pytest.mark.parametrize("model_dir", MODELS, indirect=True)
def test_decoding_is_marian_tokenizers(model_dir):
    ours, ref = MarianSpmTokenizer(model_dir), _reference(model_dir)
    for text in _sentences():
        ids = ref(text_target=text, add_special_tokens=False)["input_ids"] + [ref.eos_token_id]
        tokens = ref.convert_ids_to_tokens(ids)
        assert ours.decode(tokens) == ref.decode(ids, skip_special_tokens=True), text


def test_placeholders_as_the_real_model_cuts_them():
    if REAL is None:
        pytest.skip("the real opus-mt-zh-en tokenizer (../shared/models) is not here")
    tokenizer = MarianSpmTokenizer(REAL)
    assert tokenizer.source_tokens("学习宣传贯彻TERM0精神。") == \
        ["▁", "学习", "宣传", "贯彻", "TE", "RM", "0", "精神", "。", "</s>"]
    assert tokenizer.target_tokens("TERM0") == ["▁", "TERM", "0"]


@pytest.mark.parametrize("missing", ["source.spm", "target.spm", "vocab.json"])
def test_missing_file_is_one_clear_error(tiny_model_dir, tmp_path, missing):
    for name in ("source.spm", "target.spm", "vocab.json", "tokenizer_config.json"):
        if name != missing:
            (tmp_path / name).write_bytes((tiny_model_dir / name).read_bytes())
    with pytest.raises(ModelUnavailableError, match=f"{missing} missing") as info:
        MarianSpmTokenizer(tmp_path)
    assert "\n" not in str(info.value)


def test_vocabulary_without_unk_is_refused(tiny_model_dir, tmp_path):
    for name in ("source.spm", "target.spm"):
        (tmp_path / name).write_bytes((tiny_model_dir / name).read_bytes())
    (tmp_path / "vocab.json").write_text(json.dumps({"</s>": 0, "a": 1}), encoding="utf-8")
    with pytest.raises(ModelUnavailableError, match="no <unk>"):
        MarianSpmTokenizer(tmp_path)


def test_ctranslate2_engine_loads_without_torch_or_transformers(tiny_model_dir, tmp_path):
    pytest.importorskip("ctranslate2")
    from translate.engines.ct2 import converted_model_dir

    converted_model_dir(str(tiny_model_dir), "int8")  # converting needs transformers; loading not
    code = ("import json, sys\n"
            "from translate.engines import get_engine\n"
            f"engine = get_engine('ctranslate2', model={str(tiny_model_dir)!r}, device='cpu',"
            " intra_threads=1)\n"
            "out = engine.translate(['今天天气很好。'])\n"
            "print(json.dumps([out, sorted(m for m in ('torch', 'transformers') if m in sys.modules)]))\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT,
                          timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    out, heavy = json.loads(done.stdout.strip().splitlines()[-1])
    assert out == ["The weather is good today."]
    assert heavy == []

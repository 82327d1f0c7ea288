"""Build a tiny but real MarianMT model (zh→en) that memorises a handful of sentence pairs.

Used by the test-suite (fixture ``tiny_model_dir``) so that engines load a model through the
project's own loading code with no network. The directory has what ``MarianTokenizer`` and
``MarianMTModel.from_pretrained`` expect: ``source.spm``, ``target.spm``, ``vocab.json``,
``tokenizer_config.json``, ``config.json``, ``generation_config.json`` and the weights.

Marian conventions kept: ``</s>`` = 0, ``<unk>`` = 1, ``<pad>`` = last id and also the
``decoder_start_token_id``. The ``<pad>`` embedding row is zero after training (CTranslate2
conversion relies on it) and the output projection stays tied to the embeddings.
"""
from __future__ import annotations

import json
import random
from pathlib import Path
from typing import List, Tuple

#: the sentence pairs the model memorises (source with placeholders as the enforcer writes them)
PAIRS: List[Tuple[str, str]] = [
    ("我们加强TERM0。", "We strengthen TERM0."),
    ("今天天气很好。", "The weather is good today."),
    ("他们访问了重庆。", "They visited Chongqing."),
    ("TERM0和TERM1都很重要。", "TERM0 and TERM1 are both important."),
    ("我们支持TERM0。", "We support TERM0."),
    ("这是一个好消息。", "This is good news."),
    ("会议在重庆举行。", "The meeting was held in Chongqing."),
    ("他们参加了TERM0。", "They took part in TERM0."),
    ("TERM0取得新进展。", "TERM0 made new progress."),
    ("我们欢迎外国朋友。", "We welcome foreign friends."),
    ("工作取得了成绩。", "The work achieved results."),
    ("城市很美丽。", "The city is beautiful."),
]

#: a small glossary whose terms the sentences above use (placeholders stand for them)
GLOSSARY_CSV = """zh,en,forbidden,case_sensitive,note,source
国际传播,international communication,,no,,test
城市形象,city image,image of city,no,,test
对外开放,opening-up|opening up,,no,,test
华龙网,Hualong Net,Huanglong Newsnet,no,,test
TALK IN 重庆|TALK IN重庆,TALK IN Chongqing,,yes,,test
讲好重庆故事,tell good stories of Chongqing,,no,,test
中国共产党,Communist Party of China,CCP,no,,test
外国友人,foreign friends,,no,,test
"""

#: extra lines that only feed the sentencepiece models (so glossary renderings tokenize well)
_EXTRA_EN = [
    "international communication", "city image", "Chongqing features", "opening-up",
    "20th CPC National Congress", "Communist Party of China", "Belt and Road Initiative",
    "sister cities", "foreign friends", "Xinhua News Agency", "Hualong Net", "TALK IN Chongqing",
    "Foreign Language Public Speaking Contest", "guiding principles of the 20th CPC National Congress",
    "Chinese perspective", "global expressions", "tell good stories of Chongqing",
]
_EXTRA_ZH = [
    "国际传播", "城市形象", "重庆元素", "对外开放", "党的二十大", "一带一路", "国际友城", "外国友人",
    "新华社", "华龙网", "讲好重庆故事", "外语演讲大赛", "中国视角", "国际表达", "TALK IN 重庆",
]

CONFIG = dict(d_model=64, encoder_layers=2, decoder_layers=2, encoder_attention_heads=4,
              decoder_attention_heads=4, encoder_ffn_dim=128, decoder_ffn_dim=128,
              max_position_embeddings=256)


def _train_spm(lines: List[str], prefix: Path, vocab_size: int) -> None:
    import io

    import sentencepiece as spm

    model = io.BytesIO()
    spm.SentencePieceTrainer.train(
        sentence_iterator=iter(lines), model_writer=model, vocab_size=vocab_size,
        character_coverage=1.0, hard_vocab_limit=False, model_type="unigram",
        unk_id=1, eos_id=0, bos_id=-1, pad_id=-1, minloglevel=2, num_threads=1,
        split_digits=True)
    prefix.write_bytes(model.getvalue())


def _corpus(rng: random.Random) -> Tuple[List[str], List[str]]:
    zh = [s for s, _ in PAIRS] + _EXTRA_ZH
    en = [t for _, t in PAIRS] + _EXTRA_EN
    out_zh, out_en = [], []
    for _ in range(20):  # a few hundred lines, shuffled combinations
        out_zh.append("".join(rng.sample(zh, 3)))
        out_en.append(" ".join(rng.sample(en, 3)))
    return zh * 10 + out_zh, en * 10 + out_en


def _train(model, optimizer, batch, labels, pad_id: int, steps: int) -> float:
    import torch

    for _ in range(steps):
        optimizer.zero_grad()
        loss = model(input_ids=batch["input_ids"], attention_mask=batch["attention_mask"],
                     labels=labels).loss
        loss.backward()
        optimizer.step()
        with torch.no_grad():  # keep the <pad> row at zero (CTranslate2 agrees with transformers)
            model.get_input_embeddings().weight[pad_id].zero_()
    return float(loss.detach())


def build_tiny_marian(directory, *, steps: int = 300, seed: int = 0) -> Path:
    """Train and save the tiny zh→en Marian model into ``directory``; return its path."""
    import torch
    from transformers import GenerationConfig, MarianConfig, MarianMTModel, MarianTokenizer

    out = Path(directory)
    out.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    torch.manual_seed(seed)
    zh_lines, en_lines = _corpus(rng)
    _train_spm(zh_lines, out / "source.spm", 200)
    _train_spm(en_lines, out / "target.spm", 250)

    import sentencepiece as spm

    pieces: List[str] = []
    for name in ("source.spm", "target.spm"):
        sp = spm.SentencePieceProcessor(model_file=str(out / name))
        for i in range(sp.get_piece_size()):
            piece = sp.id_to_piece(i)
            if piece not in ("<unk>", "</s>", "<s>") and piece not in pieces:
                pieces.append(piece)
    vocab = {"</s>": 0, "<unk>": 1}
    for piece in pieces:
        vocab[piece] = len(vocab)
    pad_id = len(vocab)
    vocab["<pad>"] = pad_id
    (out / "vocab.json").write_text(json.dumps(vocab, ensure_ascii=False), encoding="utf-8")
    (out / "tokenizer_config.json").write_text(json.dumps({
        "tokenizer_class": "MarianTokenizer", "source_lang": "zh", "target_lang": "en",
        "model_max_length": 256, "separate_vocabs": False}), encoding="utf-8")

    config = MarianConfig(
        vocab_size=len(vocab), decoder_vocab_size=len(vocab), pad_token_id=pad_id,
        decoder_start_token_id=pad_id, eos_token_id=0, bos_token_id=0, forced_eos_token_id=0,
        activation_function="swish", scale_embedding=True, static_position_embeddings=True,
        share_encoder_decoder_embeddings=True, tie_word_embeddings=True, dropout=0.0,
        attention_dropout=0.0, activation_dropout=0.0, **CONFIG)
    model = MarianMTModel(config)
    import warnings

    with warnings.catch_warnings():  # "Recommended: pip install sacremoses" is noise for zh→en
        warnings.filterwarnings("ignore", message=".*sacremoses.*")
        tokenizer = MarianTokenizer(source_spm=str(out / "source.spm"),
                                    target_spm=str(out / "target.spm"), vocab=str(out / "vocab.json"),
                                    source_lang="zh", target_lang="en", model_max_length=256)

    batch = tokenizer([s for s, _ in PAIRS], text_target=[t for _, t in PAIRS],
                      return_tensors="pt", padding=True)
    labels = batch["labels"].masked_fill(batch["labels"] == pad_id, -100)
    optimizer = torch.optim.Adam(model.parameters(), lr=3e-3)
    model.train()
    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # tiny matrices: one thread is as fast and robust on a busy machine
    try:
        loss = _train(model, optimizer, batch, labels, pad_id, steps)
    finally:
        torch.set_num_threads(threads)
    model.eval()
    model.tie_weights()
    model.generation_config = GenerationConfig(
        decoder_start_token_id=pad_id, eos_token_id=0, pad_token_id=pad_id, forced_eos_token_id=0,
        bad_words_ids=[[pad_id]], num_beams=4, max_new_tokens=64, max_length=None)
    model.save_pretrained(out)
    tokenizer.save_pretrained(out)
    (out / "TRAINING_LOSS").write_text(f"{loss:.5f}\n")
    return out


if __name__ == "__main__":  # pragma: no cover - manual use: python tests/tiny_marian.py DIR
    import sys
    import time

    t0 = time.time()
    path = build_tiny_marian(sys.argv[1] if len(sys.argv) > 1 else "tiny-marian")
    print(path, (path / "TRAINING_LOSS").read_text().strip(), f"{time.time() - t0:.1f}s")

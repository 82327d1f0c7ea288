"""Sentence segmentation: nothing lost, sentences where a translator expects them."""
from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from translate.segment import Piece, join_translation, segment_paragraph, split_long


def sentences(text, **kw):
    return [p.text for p in segment_paragraph(text, **kw) if p.translate]


@pytest.mark.parametrize("text, expected", [
    ("我们加强国际传播。今天天气很好。", ["我们加强国际传播。", "今天天气很好。"]),
    ("真的吗？是的！好；再见。", ["真的吗？", "是的！", "好；", "再见。"]),
    ("他说：“我们走吧。”然后走了。", ["他说：“我们走吧。”", "然后走了。"]),
    ("等等……他来了。", ["等等……", "他来了。"]),
    ("（见附件。）下一句。", ["（见附件。）", "下一句。"]),
    ("访问cqnews.net网站。No.5 文件。", ["访问cqnews.net网站。", "No.5 文件。"]),
    ("“TALK IN 重庆”外语演讲大赛", ["“TALK IN 重庆”外语演讲大赛"]),
    ("没有句号的标题", ["没有句号的标题"]),
])
def test_sentence_boundaries(text, expected):
    assert sentences(text) == expected


def test_whitespace_and_latin_only_sentences_are_kept():
    pieces = segment_paragraph("　　第一句。 Second sentence in English. 第三句。")
    assert pieces[0] == Piece("　　", False)
    assert [p.text for p in pieces if p.translate] == ["第一句。", "第三句。"]
    assert "".join(p.text for p in pieces) == "　　第一句。 Second sentence in English. 第三句。"


def test_long_english_run_glued_to_chinese_is_kept_apart():
    text = "全力做好宣传工作Fully Carrying out Domestic and International Promotion讲好重庆故事"
    pieces = segment_paragraph(text)
    assert [(p.text, p.translate) for p in pieces] == [
        ("全力做好宣传工作", True), ("Fully Carrying out Domestic and International Promotion", False),
        ("讲好重庆故事", True)]
    assert sentences("联合主办“TALK IN 重庆”外语演讲大赛。") == ["联合主办“TALK IN 重庆”外语演讲大赛。"]


def test_over_long_sentence_split_before_max_at_commas():
    text = "，".join(["这是一个很长的分句"] * 30) + "。"
    parts = sentences(text, max_chars=50)
    assert len(parts) > 1 and all(len(p) <= 50 for p in parts)
    assert all(p.endswith(("，", "。")) for p in parts)
    assert "".join(parts) == text


def test_over_long_run_without_commas_never_cuts_a_latin_word():
    text = "中" * 45 + "Chongqing" + "文" * 30
    parts = split_long(text, 50)
    assert "".join(parts) == text
    assert all(len(p) <= 50 for p in parts)
    assert any(p.startswith("Chongqing") for p in parts)


def test_join_translation_spaces_sentences():
    pieces = segment_paragraph("　　第一句。第二句。 English kept.")
    assert join_translation(pieces, ["First.", "Second."]) == "　　First. Second. English kept."


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("中文句子，。！？；…”“（）ab .Z1\u3000")), max_size=300),
       st.integers(min_value=5, max_value=80))
def test_segmentation_loses_nothing(text, max_chars):
    pieces = segment_paragraph(text, max_chars=max_chars)
    assert "".join(p.text for p in pieces) == text
    for p in pieces:
        assert p.text
        if p.translate:
            assert p.text == p.text.strip() and len(p.text) <= max_chars

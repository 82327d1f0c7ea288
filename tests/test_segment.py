"""Sentence segmentation: nothing lost, sentences where a translator expects them."""
from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from translate.segment import Piece, join_translation, segment_paragraph, split_long, split_to_token_limit


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


# -- Latin runs are never cut (issue 11) ----------------------------------------------------------
@pytest.mark.parametrize("text, expected", [
    ("他来自U.S. Army和St. Louis。", ["他来自U.S. Army和St. Louis。"]),
    ("Mr. Huub Buise访问重庆。", ["Mr. Huub Buise访问重庆。"]),
    ("会见了Dr. Smith和Prof. Li。", ["会见了Dr. Smith和Prof. Li。"]),
    ("J. K. Rowling来到重庆。", ["J. K. Rowling来到重庆。"]),
    ("P.R.C.代表团抵达。", ["P.R.C.代表团抵达。"]),
    ("参见Fig. 3和No. 5文件。", ["参见Fig. 3和No. 5文件。"]),
    ("例如e.g. 北京，i.e. 首都。", ["例如e.g. 北京，i.e. 首都。"]),
    ("访问https://www.cqnews.net/a?b=1&c=2;d=3网站。", ["访问https://www.cqnews.net/a?b=1&c=2;d=3网站。"]),
    ("增长3.5%，达到1,818.5亿元。共3. 然后结束。", ["增长3.5%，达到1,818.5亿元。", "共3. 然后结束。"]),
    ("Yahoo! News报道了此事。", ["Yahoo! News报道了此事。"]),
    ("What? No!他们说。", ["他们说。"]),  # "What? No!" is kept as English, not cut after "What?"
    # a Latin sentence end where Chinese follows still ends the sentence
    ("他说：I like it. 我们走。", ["他说：I like it.", "我们走。"]),
    ("他说：Yes!我们走了。", ["他说：Yes!", "我们走了。"]),
    ("访问cqnews.net网站。No.5 文件。", ["访问cqnews.net网站。", "No.5 文件。"]),
])
def test_latin_runs_are_not_cut(text, expected):
    assert sentences(text) == expected


@pytest.mark.parametrize("text, width, kept", [
    ("我们在重庆和U.S. Army of the United States一起工作了很多年", 30, "U.S. Army of the United States"),
    ("请访问网站www.example.com/path?x=1, 以及其他的很多很多的网站", 30, "www.example.com/path?x=1"),
    ("项目总额达到1,000,000.50元以及其他很多很多的各种费用", 12, "1,000,000.50"),
    ("会议时间是10:30:45和很多其他的事情", 8, "10:30:45"),
])
def test_long_sentence_cut_outside_urls_numbers_and_latin_runs(text, width, kept):
    parts = split_long(text, width)
    assert "".join(parts) == text
    assert any(kept in part for part in parts), parts


def test_split_to_token_limit_by_a_model_count():
    text = "，".join(["这是一个很长的分句"] * 12) + "。"

    def count(part):  # a tokenizer that gives two tokens per character, plus </s>
        return 2 * len(part) + 1

    parts = split_to_token_limit(text, count, 41)
    assert "".join(parts) == text
    assert len(parts) > 1 and all(count(p) <= 41 for p in parts)
    assert all(p.endswith(("，", "。")) for p in parts)  # cut at the commas
    assert split_to_token_limit("短句。", count, 41) == ["短句。"]


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("中文句子，。ab .Z1:/,")), min_size=1, max_size=200),
       st.integers(min_value=3, max_value=40))
def test_split_to_token_limit_loses_nothing(text, limit):
    parts = split_to_token_limit(text, len, limit)
    assert "".join(parts) == text
    assert all(len(p) <= limit for p in parts)

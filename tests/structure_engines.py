"""Fake engines for the structure tests: a word-for-word "translator" that keeps placeholders where
they stand, and hostile variants that drop, duplicate, reorder or re-case them."""
from __future__ import annotations

import re
from typing import Callable, List

from translate.engines.fake import FakeEngine

#: Chinese phrases of the test fixtures and an English gloss (longest match first)
PHRASES = {
    "这是一个好消息": "this is good news", "今天天气很好": "the weather is good today",
    "工作取得了成绩": "the work achieved results", "重庆市政府网站": "the Chongqing government website",
    "外国朋友": "foreign friends", "很美丽": "is beautiful", "城市": "the city", "我们": "we",
    "加强": "strengthen", "他们": "they", "访问了": "visited", "重庆": "Chongqing",
    "报道了": "reported", "您有": "you have", "条新消息": "new messages", "会议在": "the meeting in",
    "举行": "was held", "开幕": "opened", "参加了": "took part in", "欢迎": "welcome",
    "第": "meeting no.", "次会议在": "was held in", "详情见": "details at", "或发邮件至": "or write to",
    "运行": "run", "之后": "then", "请访问": "please visit", "标题": "title", "访问": "visit",
    "和": "and", "代码": "code", "中文": "Chinese", "英文": "English", "重要": "important",
    "注意": "note", "粗体": "bold", "美丽": "beautiful", "很": "very", "在": "in", "了": "",
    "故事": "stories", "讲好": "tell", "见": "see", "命令": "the command", "表格": "table",
    "此事": "this", "日报": "daily",
}
_PUNCT = {"。": ".", "，": ",", "：": ":", "；": ";", "！": "!", "？": "?", "、": ",", "“": '"',
          "”": '"', "（": "(", "）": ")"}
_ORDER = sorted(PHRASES, key=len, reverse=True)
_PLACEHOLDER = re.compile(r"(?:TERM|TAG)\d+")


def word_for_word(source: str) -> str:
    """Each known Chinese phrase replaced by its gloss, placeholders and Latin kept in place."""
    out: List[str] = []
    i = 0
    while i < len(source):
        m = _PLACEHOLDER.match(source, i)
        if m:
            out.append(" " + m.group() + " ")
            i = m.end()
            continue
        for phrase in _ORDER:
            if source.startswith(phrase, i):
                out.append(" " + PHRASES[phrase] + " ")
                i += len(phrase)
                break
        else:
            ch = source[i]
            out.append(_PUNCT.get(ch, ch if not ("\u3400" <= ch <= "\u9fff") else " "))
            i += 1
    text = re.sub(r"\s+", " ", "".join(out)).strip()
    text = re.sub(r"\s+([.,;:!?)])", r"\1", text)
    # a sentence starts with a capital, after any placeholder or opening punctuation
    return re.sub(r"^((?:(?:TAG|TERM)\d+\s*|[\"(*])*)([a-z])",
                  lambda m: m.group(1) + m.group(2).upper(), text)


def _tokens(text: str) -> List[str]:
    return re.findall(r"TAG\d+", text)


HOSTILE: dict = {
    "drop": lambda t: re.sub(r"\s*TAG\d+", "", t, count=1),
    "drop-all": lambda t: re.sub(r"\s*TAG\d+", "", t),
    "duplicate": lambda t: re.sub(r"(TAG\d+)", r"\1 \1", t, count=1),
    "reorder": lambda t: _swap(t),
    "recase": lambda t: re.sub(r"TAG(\d+)", lambda m: f"Tag {m.group(1)}", t),
    "lower": lambda t: t.replace("TAG", "tag"),
}


def _swap(text: str) -> str:
    toks = _tokens(text)
    if len(toks) < 2:
        return text
    a, b = toks[0], toks[-1]
    return text.replace(a, "\x00").replace(b, a).replace("\x00", b)


def hostile_engine(kind: str, *, nbest_too: bool = True, constraints: bool = False) -> FakeEngine:
    """An engine whose every hypothesis is mutated by ``HOSTILE[kind]`` (also in n-best lists
    when ``nbest_too``; the first hypothesis only otherwise)."""
    mutate: Callable[[str], str] = HOSTILE[kind]

    def script(source, num_hypotheses, constraints, banned):
        base = word_for_word(source)
        first = mutate(base)
        rest = [mutate(base) if nbest_too else base] * (num_hypotheses - 1)
        return [first] + rest

    return FakeEngine(script=script, supports_constraints=constraints)


def polite_engine() -> FakeEngine:
    return FakeEngine(script=lambda source, **_: word_for_word(source))

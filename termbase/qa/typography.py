"""English typography: missing spaces, full-width punctuation, unpaired quotes and brackets,
doubled words, and a possessive apostrophe lost after a proper name ("Chongqings", "Chinas")."""
from __future__ import annotations

import re
from typing import Iterable, Iterator, List, Optional, Sequence, Set, Tuple

from ..aligned import SegmentPair
from ..normalize import fold_width
from .base import TARGET, CheckContext, Issue, SegmentCheck, segment_fingerprint

# (pattern, what to do); the match is the punctuation that lacks a space
_MISSING_SPACE = [
    (re.compile(r"(?<=[^\s,;]|[ \t])[,;](?=[A-Za-z“‘(\[])"), "add a space after '{0}'"),
    (re.compile(r"(?<=[A-Za-z]),(?=\d)"), "add a space after ','"),
    (re.compile(r"(?<=[a-z)\]”’\"%])\.(?=[A-Z][a-z]|[A-Z]{2,}\b|[A-Z]\b)"), "add a space after '.'"),
    (re.compile(r"(?<=[A-Za-z])\.(?=\d)"), "add a space after '.'"),
    # "I.e.the", "e.g.the": a full stop glued to the next lower-case word
    (re.compile(r"(?<=[A-Za-z])\.(?=[a-z]{2,}\b)"), "add a space after '.'"),
    (re.compile(r"(?<=[A-Za-z)])(?<!https)(?<!http)(?<!mailto):(?=[A-Za-z])"), "add a space after ':'"),
    (re.compile(r"%(?=[A-Za-z])"), "add a space after '%'"),
    (re.compile(r"(?<=[A-Za-z0-9])“"), "add a space before '“'"),
    (re.compile(r"”(?=[A-Za-z0-9“])"), "add a space after '”'"),
    # not an optional ending: guarantor(s), branch(es), subsidiary(ies), Accept(ing)
    (re.compile(r"(?<=[A-Za-z])\((?=[A-Za-z])(?![a-z]{1,4}\))"), "add a space before '('"),
]
#: the rules above in one pattern that the regex engine searches by skipping to the punctuation
#: (a pattern that starts with a look-behind is tried at every position): each rule's look-behind
#: follows the punctuation, and the empty group after it says which rule matched (the first
#: that matches at a position, as a position is reported once, under the first rule that finds it)
_MISSING_SPACE_AT = re.compile("[,;.:%“”(](?:" + "|".join([
    r"(?<=(?:[^\s,;]|[ \t])[,;])(?=[A-Za-z“‘(\[])()",
    r"(?<=[A-Za-z],)(?=\d)()",
    r"(?<=[a-z)\]”’\"%]\.)(?=[A-Z][a-z]|[A-Z]{2,}\b|[A-Z]\b)()",
    r"(?<=[A-Za-z]\.)(?=\d)()",
    r"(?<=[A-Za-z]\.)(?=[a-z]{2,}\b)()",
    r"(?<=[A-Za-z)]:)(?<!https:)(?<!http:)(?<!mailto:)(?=[A-Za-z])()",
    r"(?<=%)(?=[A-Za-z])()",
    r"(?<=[A-Za-z0-9]“)()",
    r"(?<=”)(?=[A-Za-z0-9“])()",
    r"(?<=[A-Za-z]\()(?=[A-Za-z])(?![a-z]{1,4}\))()",
]) + ")")
#: a space before , or ; ("grew ,and")
_SPACE_BEFORE = re.compile(r"(?<=[A-Za-z0-9)\]”’%])[ \t]+([,;])")
_URL = re.compile(r"(?:https?://|www\.)\S+")
#: a domain or file name's ending: (?<=\w)\.(?:com|...)\b, the look-behind after the dot
_TLD = re.compile(r"\.(?<=\w\.)(?:com|net|org|cn|gov|edu|int|io|info|uk|docx?|pdf|html?|xlsx?|csv|txt|json|xml|js|py|exe|zip)\b", re.IGNORECASE)
_FULL_WIDTH = re.compile(r"[\uFF01-\uFF5E\u3000\u3001\u3002\u3008-\u3011\u3014-\u301B]+")
_CJK_PUNCT = {"\u3001": ",", "\u3002": ".", "\u3000": " ", "《": "“", "》": "”", "〈": "‘", "〉": "’",
              "「": "“", "」": "”", "『": "“", "』": "”", "【": "[", "】": "]", "〔": "(", "〕": ")"}
_PAIRS = {"“": "”", "(": ")", "[": "]", "‘": None}
_CLOSERS = {v: k for k, v in _PAIRS.items() if v}
_BRACKETS = re.compile(r"[“”()\[\]]")
_DOUBLED = re.compile(r"\b([A-Za-z]+)([ \t]+)\1\b", re.IGNORECASE)  # within a line
#: _DOUBLED after its first character, as the regex engine searches it faster (see
#: :func:`_doubled_words`): the letters [A-Za-z] stand for when case is ignored (İ ı ſ K too)
#: spelled out, case ignored only for the repetition, and no backtracking into runs that cannot
#: end elsewhere
_DOUBLED_AFTER = re.compile("\\W([A-Za-z\u0130\u0131\u017f\u212a]++)" r"([ \t]++)(?i:\1)\b")
_DOUBLED_OK = {"had", "that"}
#: a capitalised word and its plural-looking "s" (the readable form: the check searches with
#: the next one; tests/test_typography.py holds them to the same finds)
_LOST_POSSESSIVE = re.compile(r"\b([A-Z][A-Za-z]+)s\b(?!['’])(?=[ \t]+[A-Za-z])")
#: _LOST_POSSESSIVE as the regex engine searches it faster: "\b" after the capital (skipping to
#: capitals), the whole run of letters taken at once, as only a run's end can be followed by
#: "\b" (the word is the match, the stem the match less its "s")
_LOST_POSSESSIVE_FAST = re.compile(r"[A-Z](?<!\w[A-Z])[A-Za-z]++(?<=[A-Za-z]{2}s)\b"
                                   r"(?!['’])(?=[ \t]+[A-Za-z])")
#: a possessive the document writes (Chongqing's; the readable form of the next one)
_WRITTEN_POSSESSIVE = re.compile(r"\b([A-Z][a-z]+)['’]s\b")
#: the same, "\b" after the capital
_WRITTEN_POSSESSIVE_FAST = re.compile(r"([A-Z](?<!\w[A-Z])[a-z]+)['’]s\b")
_NOT_POSSESSIVE = {"Americas", "Philippines", "Netherlands", "Olympics", "Maldives", "Bahamas",
                   "Seychelles", "Comoros", "Athens", "Brussels", "Wales", "Paris", "Texas", "Mars",
                   "Koreas", "Indies", "Andes", "Alps", "Games", "Affairs", "Sessions", "Talks",
                   "Relations", "News", "Nations", "States"}
#: words after which "Xs" cannot be a possessive ("the Funds are", "Affairs of")
_NOT_AFTER_POSSESSIVE = frozenset("""
are were is was be been have has had and or nor but of in into to for with that which who will would
can could may might should must shall the a an as at by on from than then this these those its their
his her our your my do does did not also under over after before between among per via
""".split())
#: words before a plural, never before a possessive ("those Banks established")
_PLURAL_DETERMINERS = frozenset("""
those these all both many several few various other two three four five six seven eight nine
ten twenty hundreds thousands
""".split())
#: plural nouns whose "-s" form can only be a possessive lost its apostrophe ("National Peoples Congress")
_PLURALS = frozenset({"People", "Children", "Women", "Men"})
_DEMONYM = re.compile(r"(an|ese|ish|ch|er|ist|ite|ic|ian|al|ar|or|ent|ant)$")
#: places and names that take 's but never a plural s
GAZETTEER = frozenset("""
China Chongqing Beijing Shanghai Tianjin Sichuan Guangdong Hubei Hunan Yunnan Guizhou Shaanxi
Shanxi Hebei Henan Shandong Jiangsu Zhejiang Fujian Jiangxi Anhui Guangxi Hainan Gansu Qinghai
Ningxia Xinjiang Tibet Xizang Liaoning Jilin Heilongjiang Taiwan Macao Macau Kong Shenzhen Chengdu
Wuhan Hangzhou Nanjing Guangzhou Xiamen Qingdao Dalian Harbin Kunming Lhasa Urumqi Asia Africa
Europe America Oceania Singapore Japan Korea Russia India Mexico Britain France Germany Italy Spain
Canada Australia Brazil Vietnam Thailand Malaysia Indonesia Pakistan Iran Egypt Kazakhstan Laos
Cambodia Myanmar Mongolia Nepal Turkey Israel Argentina Chile Peru Greece Poland Hungary Serbia
Xinhua Yangtze
""".split())


_CAPITALISED = re.compile(r"[A-Z][a-z]+")


def capitalised_word(rendering: str) -> bool:
    """True for a rendering that is one capitalised word ("Chongqing"): a possible name (the
    compiled termbase lists these renderings, see :mod:`termbase.compiled`)."""
    return _CAPITALISED.fullmatch(rendering) is not None


def proper_names(pairs: Sequence[SegmentPair], glossary=None) -> Set[str]:
    """Names whose possessive is written name's: gazetteer, People/Women/Children/Men (whose -s
    form is no plural), one-word glossary names, and capitalised words the document itself writes
    with 's."""
    names = set(GAZETTEER) | _PLURALS
    if glossary is not None:
        from ..compiled import is_compiled

        if is_compiled(glossary):
            candidates = glossary.capitalised_names()
        else:
            candidates = (r for entry in glossary for r in entry.en if capitalised_word(r))
        names.update(r for r in candidates if not _DEMONYM.search(r))
    for p in pairs:
        if "'" in p.target or "’" in p.target:
            for m in _WRITTEN_POSSESSIVE_FAST.finditer(p.target):
                names.add(m.group(1))
    return names


def _protected(text: str) -> List[Tuple[int, int]]:
    """Spans of URLs, e-mail addresses, domain and file names (their dots need no space)."""
    if "." not in text and "@" not in text:
        return []
    spans = [(m.start(), m.end()) for m in _URL.finditer(text)] if "://" in text or "www." in text else []
    for m in _TLD.finditer(text):
        s = m.start()
        while s > 0 and (text[s - 1].isalnum() or text[s - 1] in "._-@+"):
            s -= 1
        spans.append((s, m.end()))
    return spans


def _doubled_words(text: str) -> Iterator[Tuple[int, int, str]]:
    """(start, end, word) of each match of _DOUBLED in ``text``: one at the start, then those
    after a character that is no word character (where "\\b" puts all the others), searched by
    skipping to such characters instead of trying every letter."""
    pos = 0
    first = _DOUBLED.match(text)
    if first is not None:
        yield first.start(), first.end(), first.group(1)
        pos = first.end()
    for m in _DOUBLED_AFTER.finditer(text, pos):
        yield m.start(1), m.end(), m.group(1)


#: the advice of each missing-space rule, by the punctuation it found
_MISSING_SPACE_ADVICE = [{c: advice.format(c) for c in ",;.:%“”("} for _, advice in _MISSING_SPACE]
#: the same by the number of the group of _MISSING_SPACE_AT that marks the rule
_MISSING_SPACE_ADVICE_BY_GROUP = [{}] + _MISSING_SPACE_ADVICE


class Typography(SegmentCheck):
    """Typographic slips in the English."""

    id = "typography"
    severity = "warning"
    description = ("missing space after , . ; : % and around quotes (\",Chongqing\", \"I.e.the\"), a space "
                   "before , or ; (\"grew ,and\"), full-width punctuation in English, unpaired quotes "
                   "or brackets, a word doubled within a line, a possessive apostrophe lost after a "
                   "proper name (\"Chinas visions\"; not plurals in titles, not \"Its\")")

    rules = {
        "missing-space": ("warning", "no space after , . ; : % or around quotes (\",Chongqing\", \"I.e.the\")"),
        "misplaced-space": ("warning", "a space before , or ; (\"grew ,and\")"),
        "full-width-punctuation": ("warning", "full-width punctuation in English"),
        "unpaired": ("warning", "an unpaired quote or bracket"),
        "doubled-word": ("warning", "a word doubled within a line (not across a line break)"),
        "lost-apostrophe": ("warning", "\"Chinas visions\": a proper name's possessive without its "
                                       "apostrophe (not plurals in titles, not \"Its\")"),
    }

    def prepare(self, ctx: CheckContext) -> None:
        self._names(ctx)

    @staticmethod
    def _names(ctx: CheckContext) -> Set[str]:
        return ctx.shared("proper-names", lambda: proper_names(ctx.pairs, ctx.glossary))

    def check_segment(self, pair: SegmentPair, ctx: CheckContext) -> Iterable[Issue]:
        text = pair.target
        if not text.strip():
            return
        names = self._names(ctx)
        guard = _protected(text)

        def guarded(i: int) -> bool:
            return any(s <= i < e for s, e in guard)

        issue = self.issue
        # every rule's finds, a position reported once under the first rule that finds it: by
        # rule, then by position (the rule's number is the matched group's)
        found = [(m.lastindex, m.start()) for m in _MISSING_SPACE_AT.finditer(text)]
        if guard:
            found = [(rule, i) for rule, i in found if not guarded(i)]
        if found:
            found.sort()
            # the issues built here as :meth:`issue` builds them (thousands in a long document)
            fingerprint = segment_fingerprint(pair)
            check, severity, index, location = self.id, self.severity, pair.index, pair.location
            for rule, i in found:
                s, e = _context_span(text, i, i + 1)
                yield Issue(check, severity, index, location, TARGET, s, e, text[s:e], "missing space",
                            _MISSING_SPACE_ADVICE_BY_GROUP[rule][text[i]], "missing-space", fingerprint)
        for m in () if text.isascii() else _FULL_WIDTH.finditer(text):
            ascii_ = "".join(_CJK_PUNCT.get(c, fold_width(c)) for c in m.group())
            yield issue(pair, TARGET, m.start(), m.end(), f"full-width punctuation '{m.group()}' in English",
                        f"use '{ascii_}'", rule="full-width-punctuation")
        yield from self._unpaired(pair)
        for start, end, word in _doubled_words(text):
            if word.lower() in _DOUBLED_OK or (guard and guarded(start)):
                continue
            yield issue(pair, TARGET, start, end, f"doubled word '{word}'", f"write '{word}' once",
                        rule="doubled-word")
        # a space before , or ;: none without " ," " ;" or the same after a tab
        if " ," in text or " ;" in text or "\t," in text or "\t;" in text:
            for m in _SPACE_BEFORE.finditer(text):
                if guard and guarded(m.start()):
                    continue
                s, _ = _context_span(text, m.start(), m.end())
                yield issue(pair, TARGET, s, m.end(1), f"space before '{m.group(1)}'",
                            f"remove the space before '{m.group(1)}'", rule="misplaced-space")
        for m in _LOST_POSSESSIVE_FAST.finditer(text):
            word = m.group()
            stem = word[:-1]
            if stem not in names or word in _NOT_POSSESSIVE or (guard and guarded(m.start())):
                continue
            if not _possessive_fits(text, m.start(), m.end(), stem in GAZETTEER or stem in _PLURALS):
                continue
            yield issue(pair, TARGET, m.start(), m.end(),
                        f"'{word}' looks like a possessive without its apostrophe",
                        f"write '{stem}'s'", rule="lost-apostrophe")

    def _unpaired(self, pair: SegmentPair) -> Iterable[Issue]:
        text = pair.target
        if text.count('"') % 2 == 0 and _paired(text):
            return  # what follows finds nothing
        stack: List[Tuple[str, int]] = []
        bad: List[int] = []
        for m in _BRACKETS.finditer(text):
            i, c = m.start(), m.group()
            if c in _PAIRS and _PAIRS[c]:
                stack.append((c, i))
            elif c in _CLOSERS:
                if stack and stack[-1][0] == _CLOSERS[c]:
                    stack.pop()
                elif any(o == _CLOSERS[c] for o, _ in stack):
                    while stack and stack[-1][0] != _CLOSERS[c]:
                        bad.append(stack.pop()[1])
                    stack.pop()
                else:
                    bad.append(i)
        bad.extend(i for _, i in stack)
        if text.count('"') % 2:
            bad.append(text.rfind('"'))
        for i in sorted(bad):
            c = text[i]
            partner = _PAIRS.get(c) or _CLOSERS.get(c) or '"'
            yield self.issue(pair, TARGET, i, i + 1, f"unpaired '{c}'",
                             f"add the matching '{partner}' or remove '{c}'", rule="unpaired")


def _possessive_fits(text: str, start: int, end: int, place: bool) -> bool:
    """True when "Xs" at ``text[start:end]`` reads as a possessive: not "Its", not followed by a
    verb or function word ("the Funds are", "Affairs of"), and, unless X is a place name (which
    takes no plural, like People, Women), not inside a title-case run ("Federal Funds Rate", "Reserves Management")."""
    if text[start:end] == "Its":
        return False
    nxt = _NEXT_WORD.match(text, end)
    if not nxt or nxt.group(1).lower() in _NOT_AFTER_POSSESSIVE:
        return False
    prev = _word_before(text, start)
    if prev is not None and prev.lower() in _PLURAL_DETERMINERS:
        return False  # "those Banks established": a plural after a plural determiner
    if place:
        return True
    if _PARTICIPLE.fullmatch(nxt.group(1)):
        return False  # "Banks established by": a participle follows a plural, not a possessive
    titled = nxt.group(1)[0].isupper() or (prev is not None and prev[0].isupper())
    return not titled


def _paired(text: str) -> bool:
    """True when the quotes and brackets of ``text`` (_BRACKETS) nest and pair up: taking away
    the pairs that open and close next to each other, again and again, leaves none (then
    :meth:`Typography._unpaired` finds none unpaired)."""
    marks = "".join(_BRACKETS.findall(text))
    while marks:
        inner = marks.replace("“”", "").replace("()", "").replace("[]", "")
        if len(inner) == len(marks):
            return False
        marks = inner
    return True


_NEXT_WORD = re.compile(r"[ \t]+([A-Za-z]+)")
_PARTICIPLE = re.compile(r"[a-z]{3,}ed")
_LETTERS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")


def _word_before(text: str, start: int) -> Optional[str]:
    """The word of ``([A-Za-z]+)[ \\t]+$`` in ``text[:start]`` (the word before the spaces that end
    it, or before a final newline), read backwards from ``start`` instead of searched for."""
    k = start - (text[start - 1:start] == "\n")
    j = k
    while j and text[j - 1] in " \t":
        j -= 1
    i = j
    while i and text[i - 1] in _LETTERS:
        i -= 1
    return text[i:j] if i < j < k else None


#: the last space or , . ; : of a text, and the run of up to 30 characters glued after a position
_LAST_BREAK = re.compile(r".*[\s,.;:]", re.DOTALL)
_GLUED_AFTER = re.compile(r"[^\s,.;:”“()]{0,30}")


def _context_span(text: str, start: int, end: int) -> Tuple[int, int]:
    """The punctuation plus the words glued around it (",Chongqing", "Mr.Jess"): up to 30
    characters on each side, up to a space or , . ; : (and ” “ ( ) after it)."""
    s = max(0, start - 30)
    last = _LAST_BREAK.match(text, s, start)
    if last is not None:
        s = last.end()
    return s, _GLUED_AFTER.match(text, end).end()

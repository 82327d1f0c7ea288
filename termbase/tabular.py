"""Tabular text shared by glossaries, bilingual documents and reports: one delimiter sniffer,
one header reader (English, Chinese and language-code column names), spreadsheet-safe cells.

* :func:`sniff_delimiter` picks tab, comma or semicolon from the first rows (quotes respected):
  the delimiter that splits every row into the same number of cells wins; the extension
  (``.tsv``/``.tab``/``.txt``/``.utf8`` → tab, ``.csv`` → comma) breaks ties.
* :func:`column_role` / :func:`header_roles` say what a header cell holds, for a glossary
  (``kind="glossary"``: zh, en, forbidden, note, source …) or an aligned document
  (``kind="document"``: zh, en, id). ``source`` is provenance in a glossary but the Chinese
  column in a bilingual document; ``源``/``目标`` are always the languages.
* :func:`neutralize_cell` / :func:`restore_cell` keep a spreadsheet from running a cell as a
  formula (OWASP "CSV injection"): a cell starting with ``= + - @``, tab or carriage return gets
  a leading ``'``; reading takes exactly one back off, so every value survives a round trip.
"""
from __future__ import annotations

import csv
import io
import re
from pathlib import Path
from typing import Dict, Iterable, List, Optional, Sequence, Union

PathLike = Union[str, Path]

DELIMITERS = ("\t", ",", ";")
TAB_EXTENSIONS = (".tsv", ".tab", ".txt", ".utf8")
_SAMPLE_ROWS = 50


def extension_delimiter(path: PathLike) -> Optional[str]:
    """The delimiter the file name suggests (tab for .tsv/.tab/.txt/.utf8, comma for .csv)."""
    low = str(path).lower()
    if low.endswith(TAB_EXTENSIONS):
        return "\t"
    if low.endswith(".csv"):
        return ","
    return None


def _sample(text: str) -> str:
    rows: List[str] = []
    for line in text.lstrip("\ufeff").splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        rows.append(line)
        if len(rows) >= _SAMPLE_ROWS:
            break
    return "\n".join(rows)


def _widths(sample: str, delimiter: str) -> List[int]:
    widths: List[int] = []
    reader = csv.reader(io.StringIO(sample, newline=""), delimiter=delimiter)
    try:
        for row in reader:
            if any(c.strip() for c in row):
                widths.append(len(row))
    except csv.Error:
        pass  # a quoted cell cut by the sample's end: the rows before it count
    return widths


def sniff_delimiter(text: str, path: PathLike = "") -> str:
    """Tab, comma or semicolon: the one that splits the first rows most consistently into two
    or more cells; the extension's delimiter wins ties, then tab, comma, semicolon."""
    hint = extension_delimiter(path)
    sample = _sample(text)
    best, best_key = None, None
    for d in DELIMITERS:
        widths = _widths(sample, d)
        if not widths:
            continue
        width = max(set(widths), key=lambda w: (widths.count(w), w))
        if width < 2:
            continue
        key = (widths.count(width) / len(widths), d == hint, -DELIMITERS.index(d))
        if best_key is None or key > best_key:
            best, best_key = d, key
    return best or hint or ","


# ---- header cells -----------------------------------------------------------------------
_COMMON: Dict[str, str] = {}
_GLOSSARY: Dict[str, str] = {}
_DOCUMENT: Dict[str, str] = {}


def _names(table: Dict[str, str], role: str, names: str) -> None:
    for n in names.split(","):
        table[n.strip()] = role


# both kinds of file
_names(_COMMON, "zh", "zh,chinese,zho,chi,cn,simplified chinese,chinese simplified,中文,汉语,"
       "简体中文,中文简体,源,源语,源语言,源文,中文原文")
_names(_COMMON, "en", "en,english,eng,英文,英语,目标,目标语,目标语言,英文译文")
# glossaries
_names(_GLOSSARY, "zh", "source term,source_term,term,中文术语,汉语术语,中文名称,中文词条,原文,"
       "源术语,术语,词条,中文表述,原词")
_names(_GLOSSARY, "en", "target term,target_term,translation,英文术语,英文名称,译文,译名,英译,"
       "英译名,译法,翻译,英文翻译,英文译名,推荐译法,标准译法,规范译法,对应英文,英文表述")
_names(_GLOSSARY, "forbidden", "forbidden,deprecated,do not use,禁用,禁用译法,禁用译名,不推荐译法,"
       "错误译法,不规范译法,避免使用,误译")
_names(_GLOSSARY, "case_sensitive", "case_sensitive,case-sensitive,case sensitive,case,"
       "区分大小写,大小写")
_names(_GLOSSARY, "note", "note,notes,comment,comments,description,remark,remarks,entry_note,"
       "备注,说明,注释,附注,注,注解,用法说明")
_names(_GLOSSARY, "source", "source,reference,来源,出处,依据,参考来源")
_names(_GLOSSARY, "subject", "subject,subject field,subject_field,subjectfield,domain,"
       "entry_subject,entry_domain,领域,专业,学科,主题,专业领域,分类,类别")
_names(_GLOSSARY, "definition", "definition,定义,释义")
_names(_GLOSSARY, "definition_source", "definition_source,definition source,定义来源,定义出处")
_names(_GLOSSARY, "pos", "pos,part of speech,part_of_speech,partofspeech,词性")
_names(_GLOSSARY, "term_type", "term_type,term type,termtype,术语类型")
_names(_GLOSSARY, "xref", "xref,link,url,链接,网址")
# bilingual documents
_names(_DOCUMENT, "zh", "source,src,source text,原文,源文本")
_names(_DOCUMENT, "en", "target,tgt,target text,translation,译文,目标文本,英文翻译")
_names(_DOCUMENT, "id", "id,segment,seg,key,编号,序号,段落编号")

_LANG_CODE = re.compile(r"^(zh|en|zho|chi|eng)([-_][a-z0-9]+)*$")
_BRACKETED = re.compile(r"\s*[(（\[【].*?[)）\]】]\s*")


def column_role(cell: str, kind: str = "glossary") -> Optional[str]:
    """What a header cell names: a glossary column (zh, en, forbidden, case_sensitive, note,
    source, subject, definition, definition_source, pos, term_type, xref) or, for
    ``kind="document"``, zh / en / id; None when unknown. Language codes (``zh-CN``, ``en_US``)
    and bracketed qualifiers (``中文（简体）``, ``English (United States)``) are understood."""
    table = _GLOSSARY if kind == "glossary" else _DOCUMENT
    c = cell.strip().lstrip("\ufeff").strip().lower()
    for candidate in (c, _BRACKETED.sub(" ", c).strip(), c.replace("_", " ").replace("-", " ")):
        if candidate in table:
            return table[candidate]
        if candidate in _COMMON:
            return _COMMON[candidate]
        m = _LANG_CODE.match(candidate)
        if m:
            return "zh" if m.group(1) in ("zh", "zho", "chi") else "en"
    return None


def header_roles(row: Sequence[str], kind: str = "glossary") -> Optional[List[Optional[str]]]:
    """Roles of a header row, or None when it is not a header (it names no zh and en column).

    In a glossary, ``source``/``target`` without other language columns mean source and target
    terms (``source,target,comment``)."""
    roles = [column_role(c, kind) for c in row]
    if kind == "glossary" and "zh" not in roles and "en" not in roles:
        plain = [c.strip().lower() for c in row]
        if "source" in plain and "target" in plain:
            roles = ["zh" if p == "source" else "en" if p == "target" else r
                     for p, r in zip(plain, roles)]
    if "zh" in roles and "en" in roles:
        return roles
    return None


# ---- spreadsheet-safe cells -------------------------------------------------------------
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def _needs_quote(value: str) -> bool:
    rest = value.lstrip("'")
    return bool(rest) and rest.startswith(FORMULA_TRIGGERS)


def neutralize_cell(value: str) -> str:
    """``value`` made inert for spreadsheets: a leading ``'`` before ``= + - @``, tab or CR
    (also before a value that already starts with quotes and then a trigger, so that
    :func:`restore_cell` gives back exactly ``value``)."""
    return "'" + value if _needs_quote(value) else value


def restore_cell(value: str) -> str:
    """The inverse of :func:`neutralize_cell`."""
    if value.startswith("'") and _needs_quote(value[1:]):
        return value[1:]
    return value


def neutralize_row(row: Iterable[object]) -> List[str]:
    """Every cell of a row as text, made inert for spreadsheets."""
    return [neutralize_cell("" if v is None else str(v)) for v in row]

"""check over a project: files paired by name, one report, consistency across files; and the
alignment of two files whose paragraph counts differ."""
from __future__ import annotations

from pathlib import Path

import pytest

from termbase.aligned import read_aligned
from termbase.aligned.align import Bead, align_paragraphs, paragraph_anchors
from termbase.glossary import parse_glossary
from termbase.qa.project import CheckInput, check_project, find_check_inputs, language_tag
from termbase.reports import render_report

GLOSSARY = """zh,en,forbidden
国际传播,international communication,
对外开放,opening-up|opening up,
外国友人,foreign friends,
"""


@pytest.fixture
def glossary():
    g, _ = parse_glossary(GLOSSARY, "g.csv")
    return g


def _w(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize("name, base, tag", [
    ("x.zh.docx", "x", "zh"), ("x.en.docx", "x", "en"), ("x.zh-CN.txt", "x", "zh"),
    ("x.en_US.md", "x", "en"), ("report.docx", "report", ""), ("a.b.en.txt", "a.b", "en"),
    ("x.chs.txt", "x", "zh"), ("english.txt", "english", ""),
])
def test_language_tags(name, base, tag):
    assert language_tag(Path(name)) == (base, tag)


def test_files_paired_by_name(tmp_path):
    root = tmp_path / "p"
    for rel in ("a.zh.txt", "a.en.txt", "b.docx", "b.en.docx", "c.tsv", "d.xlf", "sub/e.zh.md",
                "sub/e.en.md", "orphan.en.txt", "notes.txt"):
        _w(root / rel, "x")
    inputs, warnings = find_check_inputs([root])
    got = {(i.source.relative_to(root).as_posix(),
            i.target.relative_to(root).as_posix() if i.target else None) for i in inputs}
    assert got == {("a.zh.txt", "a.en.txt"), ("b.docx", "b.en.docx"), ("c.tsv", None),
                   ("d.xlf", None), ("sub/e.zh.md", "sub/e.en.md"), ("notes.txt", None)}
    assert len(warnings) == 1 and "orphan.en.txt: no Chinese source" in warnings[0]


def test_an_excel_file_named_en_is_bilingual_not_a_target(tmp_path):
    # pairs.en.xlsx holds both languages: never paired with the Word source next to it
    for rel in ("g.zh.docx", "g.en.xlsx"):
        _w(tmp_path / rel, "x")
    inputs, _ = find_check_inputs([tmp_path / "g.zh.docx", tmp_path / "g.en.xlsx"])
    assert {(i.source.name, i.target) for i in inputs} == {("g.zh.docx", None),
                                                          ("g.en.xlsx", None)}


def test_cross_file_consistency_in_one_report(tmp_path, glossary):
    a_zh = _w(tmp_path / "a.zh.txt", "我们加强国际传播。\n\n坚持对外开放。\n")
    a_en = _w(tmp_path / "a.en.txt", "We strengthen international communication.\n\n"
                                     "We keep opening-up.\n")
    b = _w(tmp_path / "b.tsv", "zh\ten\n我们加强国际传播。\tWe reinforce international communication.\n"
                               "扩大对外开放。\tMore opening up.\n坚持对外开放。\tWe keep opening-up.\n")
    inputs, _ = find_check_inputs([tmp_path])
    report = check_project(inputs, glossary)
    by_check = {}
    for i in report.issues:
        by_check.setdefault(i.check, []).append(i)
    target = by_check["inconsistent-target"]
    assert len(target) == 1 and target[0].location.startswith(str(a_zh)) or \
        target[0].location.startswith(str(b))
    assert str(a_zh) in target[0].message or str(b) in target[0].message
    term = by_check["inconsistent-term"]
    assert [(i.span, i.location) for i in term] == [("opening up", f"{b}:3")]
    files = report.inputs["files"]
    assert [(f["source"], f["target"], f["segments"]) for f in files] == [
        (str(a_zh), str(a_en), 2), (str(b), None, 3)]
    assert sum(f["issues"] for f in files) == len(report.issues)
    assert [p.index for p in report.pairs] == list(range(5))
    for fmt in ("json", "html", "text", "csv"):
        assert render_report(report, fmt)


def test_unequal_docx_files_report_the_gap_where_it_is(tmp_path, glossary):
    import docx

    def make(path, paras):
        d = docx.Document()
        for t in paras:
            d.add_paragraph(t)
        d.save(str(path))

    zh = ["重庆2023年接待外国友人45批。", "我们加强国际传播。", "城市形象不断提升，共举办活动12场。",
          "坚持对外开放。"]
    en = ["In 2023 Chongqing received 45 groups of foreign friends.",
          "The city's image kept improving, with 12 events held.", "We keep opening-up."]
    make(tmp_path / "r.zh.docx", zh)
    make(tmp_path / "r.en.docx", en)
    inputs, _ = find_check_inputs([tmp_path])
    assert inputs == [CheckInput(tmp_path / "r.zh.docx", tmp_path / "r.en.docx")]
    report = check_project(inputs, glossary)
    gaps = [i for i in report.issues if i.check in ("missing-translation", "extra-paragraph")]
    assert [(i.check, i.location, i.span) for i in gaps] == [
        ("missing-translation", f"{tmp_path / 'r.zh.docx'}:2", "我们加强国际传播。")]
    assert "untranslated" not in {i.check for i in report.issues}
    assert "between" in gaps[0].message and "lines 1 and 2" in gaps[0].message


def test_an_extra_english_paragraph(tmp_path):
    zh = _w(tmp_path / "zh.txt", "第一段有十个字左右。\n第二段在2023年。\n")
    en = _w(tmp_path / "en.txt", "The first paragraph has about ten words.\n"
                                 "A note the translator added.\nThe second, in 2023.\n")
    pairs = read_aligned(zh, en)
    assert [(p.gap, p.location) for p in pairs] == [("", f"{zh}:1"), ("extra-paragraph", f"{en}:2"),
                                                     ("", f"{zh}:2")]


def _doc(n):
    zh = [f"第{k}段：重庆在{2000 + k}年举办了{k * 7 + 3}场活动，各方积极参与。" for k in range(n)]
    en = [f"Paragraph {k}: in {2000 + k} Chongqing held {k * 7 + 3} events, with wide "
          "participation." for k in range(n)]
    return zh, en


@pytest.mark.parametrize("drop, side", [(0, "en"), (5, "en"), (11, "en"), (3, "zh"), (11, "zh")])
def test_alignment_finds_the_dropped_paragraph(drop, side):
    zh, en = _doc(12)
    if side == "en":
        del en[drop]
    else:
        del zh[drop]
    sa, ta = paragraph_anchors(zh, en)
    beads = align_paragraphs(zh, en, source_anchors=sa, target_anchors=ta)
    gaps = [b for b in beads if not b.source or not b.target]
    assert gaps == [Bead((drop,), ()) if side == "en" else Bead((), (drop,))]
    assert all(len(b.source) <= 1 and len(b.target) <= 1 for b in beads)


def test_anchors_decide_where_length_cannot():
    zh = ["我们欢迎外国友人。", "我们加强国际传播。", "会议很成功。"]
    en = ["We strengthen international communication.", "The meeting was a success."]
    no_anchor = align_paragraphs(zh, en)
    g, _ = parse_glossary(GLOSSARY, "g.csv")
    sa, ta = paragraph_anchors(zh, en, g)
    with_terms = align_paragraphs(zh, en, source_anchors=sa, target_anchors=ta)
    assert with_terms[0] == Bead((0,), ())
    assert with_terms[1:] == [Bead((1,), (0,)), Bead((2,), (1,))]
    # by length alone the first two pair up and the last is left over
    assert no_anchor == [Bead((0,), (0,)), Bead((1,), (1,)), Bead((2,), ())]


def test_long_documents_align_in_a_band():
    zh, en = _doc(600)
    del en[300]
    del zh[450]
    sa, ta = paragraph_anchors(zh, en)
    beads = align_paragraphs(zh, en, source_anchors=sa, target_anchors=ta)
    gaps = [b for b in beads if not b.source or not b.target]
    assert gaps == [Bead((300,), ()), Bead((), (449,))]  # English 450 is at 449 after the deletion

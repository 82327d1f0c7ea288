"""Command-line conventions: NO_COLOR, ``-`` for every file argument (formats sniffed from the
buffered stream), shell completion."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

import cli
from cli import main

ROOT = Path(__file__).resolve().parent.parent
INTEROP = Path(__file__).resolve().parent / "data" / "interop"
PAIRS = "zh\ten\n推进一带一路建设。\tPromote the One Belt, One Road.\n"


def run(*args, input=None, env=None):
    return CliRunner(env=env).invoke(main, [str(a) for a in args], input=input)


# ---- NO_COLOR (no-color.org) ------------------------------------------------------------------
@pytest.mark.parametrize("no_color,option,coloured", [
    (None, [], True),          # a terminal: colour by default
    ("1", [], False),          # NO_COLOR set: none
    ("anything", [], False),
    ("", [], True),            # set but empty: ignored, as the convention says
    ("1", ["--color"], True),  # an explicit option wins
    (None, ["--no-color"], False),
])
def test_no_color(tmp_path, monkeypatch, no_color, option, coloured):
    monkeypatch.setattr(cli, "_stdout_is_terminal", lambda: True)
    if no_color is None:
        monkeypatch.delenv("NO_COLOR", raising=False)
    else:
        monkeypatch.setenv("NO_COLOR", no_color)
    f = tmp_path / "p.tsv"
    f.write_text(PAIRS, encoding="utf-8")
    res = CliRunner().invoke(main, ["check", str(f), *option], color=True)
    assert res.exit_code == 1
    assert ("\x1b[" in res.stdout) is coloured


# ---- - for every file argument ----------------------------------------------------------------
def _xlsx_glossary(tmp_path) -> bytes:
    res = run("terms", "export", tmp_path / "g.xlsx")
    assert res.exit_code == 0, res.output
    return (tmp_path / "g.xlsx").read_bytes()


IMPORTS = {
    "tbx v2 (csv2tbx)": lambda tmp: (INTEROP / "ttk-csv2tbx.tbx").read_bytes(),
    "tbx v2 (MultiTerm style)": lambda tmp: (INTEROP / "multiterm-style-v2.tbx").read_bytes(),
    "tmx (po2tmx)": lambda tmp: (INTEROP / "ttk-po2tmx.tmx").read_bytes(),
    "tmx with codes (OmegaT)": lambda tmp: (INTEROP / "omegat-inline-level2.tmx").read_bytes(),
    "omegat tab": lambda tmp: (INTEROP / "omegat-glossary.txt").read_bytes(),
    "termtrans csv": lambda tmp: (INTEROP / "termtrans-glossary.csv").read_bytes(),
    "xlsx": _xlsx_glossary,
    "tbx v3": lambda tmp: _export(tmp, "tbx"),
    "semicolon csv": lambda tmp: "源;目标;备注\n华龙网;Huanglong Newsnet;官方\n".encode(),
}


def _export(tmp_path, fmt: str) -> bytes:
    res = run("terms", "export", "-", "--format", fmt)
    assert res.exit_code == 0, res.output
    return res.stdout_bytes


@pytest.mark.parametrize("kind", sorted(IMPORTS))
def test_glossary_formats_from_stdin(tmp_path, kind):
    data = IMPORTS[kind](tmp_path)
    imported = run("terms", "import", "-", input=data)
    assert imported.exit_code == 0, imported.output
    from_file = tmp_path / "file"
    from_file.write_bytes(data)
    assert run("terms", "import", from_file).stdout == imported.stdout  # same as the file
    validated = run("terms", "validate", "-", input=data)
    assert validated.exit_code in (0, 1) and "<stdin>" in validated.output
    lookup = run("--glossary", "-", "terms", "search", "华龙网 一带一路 重庆", "--min-score", "0",
                 input=data)
    assert lookup.exit_code == 0, lookup.output


def test_export_to_stdout_without_a_format_is_csv():
    res = run("terms", "export", "-")
    assert res.exit_code == 0
    assert res.stdout.startswith("zh,en,forbidden,case_sensitive,note,source")


@pytest.mark.parametrize("args,input,expected", [
    (["check", "-"], PAIRS, "term-forbidden"),  # a TSV recognised by its header
    (["check", "-"], 'zh,en\n推进一带一路建设。,"Promote the One Belt, One Road."\n',
     "term-forbidden"),
    (["check", "-"], (INTEROP / "omegat-inline-level2.tmx").read_text(encoding="utf-8"),
     "10 segments"),
    (["terms", "extract", "-"], PAIRS, "segment pair(s)"),
    (["terms", "find", "-"], "推进一带一路建设。\n", "1:3\t一带一路"),
    (["translate", "-", "--engine", "fake", "-q"], "推进一带一路建设。\n",
     "Belt and Road Initiative."),
])
def test_documents_from_stdin(args, input, expected):
    res = run(*args, input=input)
    assert res.exit_code in (0, 1), res.output
    assert expected in res.output


def test_translate_sniffs_docx_and_xliff_from_stdin(tmp_path):
    import docx

    d = docx.Document()
    d.add_paragraph("推进一带一路建设。")
    d.save(tmp_path / "a.docx")
    res = run("translate", "-", "--engine", "fake", "-q", "-o", tmp_path / "out.docx",
              input=(tmp_path / "a.docx").read_bytes())
    assert res.exit_code == 0, res.output
    assert [p.text for p in docx.Document(tmp_path / "out.docx").paragraphs] == \
        ["Belt and Road Initiative."]
    xliff = ('<?xml version="1.0" encoding="UTF-8"?>\n<xliff version="1.2" '
             'xmlns="urn:oasis:names:tc:xliff:document:1.2"><file original="a" '
             'source-language="zh-CN" target-language="en" datatype="plaintext"><body>'
             '<trans-unit id="1"><source>推进一带一路建设。</source></trans-unit></body></file>'
             '</xliff>\n')
    res = run("translate", "-", "--engine", "fake", "-q", input=xliff)
    assert res.exit_code == 0, res.output
    assert "<target" in res.stdout and "Belt and Road Initiative." in res.stdout


def test_ignore_file_from_stdin(tmp_path):
    f = tmp_path / "p.tsv"
    f.write_text(PAIRS, encoding="utf-8")
    first = run("check", f, "--write-ignore", tmp_path / "ignore.tsv")
    assert first.exit_code == 1
    res = run("check", f, "--ignore-file", "-",
              input=(tmp_path / "ignore.tsv").read_text(encoding="utf-8"))
    assert res.exit_code == 0, res.output
    bad = run("check", f, "--ignore-file", "-", input="nonsense\n")
    assert bad.exit_code == 2 and "<stdin>:1:" in bad.stderr


# ---- shell completion -------------------------------------------------------------------------
def _complete(env_value: str, **extra) -> str:
    env = dict(os.environ, _TERMTRANS_COMPLETE=env_value, **extra)
    out = subprocess.run([sys.executable, "-c", "import cli; cli.main(prog_name='termtrans')"],
                         cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    return out.stdout


@pytest.mark.parametrize("shell,marker", [("bash", "_termtrans_completion()"),
                                          ("zsh", "#compdef termtrans"),
                                          ("fish", "complete --no-files --command termtrans")])
def test_completion_scripts(shell, marker):
    assert marker in _complete(f"{shell}_source")


def test_completion_of_commands_and_options():
    words = _complete("bash_complete", COMP_WORDS="termtrans te", COMP_CWORD="1")
    assert "plain,terms" in words.split()
    words = _complete("bash_complete", COMP_WORDS="termtrans check --enc", COMP_CWORD="2")
    assert "plain,--encoding" in words.split()

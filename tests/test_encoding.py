"""``--encoding`` for text inputs and ``--glossary-encoding`` for the glossary: GB18030 (covers
GBK, GB2312), Big5, UTF-16 with or without byte-order mark, any Python codec; a decoding error
is one line naming the option and the encoding the bytes look like."""
from __future__ import annotations

import pytest
from click.testing import CliRunner

from cli import main
from termbase.errors import InputError
from termbase.textio import check_encoding, decode_text, guess_encoding

ZH = "推进一带一路建设。重庆日报报道了华龙网的系列活动。"
TRAD = "推進一帶一路建設。重慶日報報導了華龍網的系列活動。"


# ---- decoding in a named encoding -----------------------------------------------------------
@pytest.mark.parametrize("data,encoding,text", [
    (ZH.encode("gbk"), "gbk", ZH),
    (ZH.encode("gbk"), "GB2312", ZH),
    (ZH.encode("gbk"), "cp936", ZH),
    ("一带一路𠀀€".encode("gb18030"), "gbk", "一带一路𠀀€"),  # four-byte GB18030 read too
    (TRAD.encode("big5"), "big5", TRAD),
    ("重慶€".encode("cp950"), "big5", "重慶€"),  # Windows' Big5 (CP950)
    ("重慶嘅".encode("big5hkscs"), "Big5", "重慶嘅"),  # Hong Kong characters (HKSCS)
    ((ZH + "\n").encode("utf-16-le"), "utf-16", ZH + "\n"),  # no BOM: byte order guessed
    ("zh,en\n华龙网,Huanglong\n".encode("utf-16-be"), "utf-16", "zh,en\n华龙网,Huanglong\n"),
    (ZH.encode("utf-16-le"), "utf-16le", ZH),
    ("\ufeff华龙网".encode("utf-16-le"), "utf-16le", "华龙网"),
    ("\ufeff华龙网".encode("utf-8"), "gb18030", "华龙网"),  # a byte-order mark always wins
    ("华龙网".encode("utf-16"), "gbk", "华龙网"),
    ("The caf\u00e9 \u201cis\u201d open.".encode("cp1252"), "cp1252", "The caf\u00e9 \u201cis\u201d open."),
    ("华龙网".encode("utf-8"), "utf-8", "华龙网"),
])
def test_decode_in_the_named_encoding(data, encoding, text):
    assert decode_text(data, "f.txt", encoding=encoding) == text


@pytest.mark.parametrize("data,encoding,option,line,message", [
    (("zh\n" * 2 + ZH).encode("gbk"), None, "--encoding", 3,
     "not valid UTF-8 (byte 0xcd); it looks like GB18030 (GBK): give --encoding gb18030, "
     "or re-save it as UTF-8"),
    ("华龙网,A\n".encode("gbk"), None, "--glossary-encoding", 1,
     "it looks like GB18030 (GBK): give --glossary-encoding gb18030"),
    (TRAD.encode("big5"), None, "--encoding", 1, "it looks like Big5: give --encoding big5"),
    ("华龙网报道。".encode("utf-16-le"), None, "--encoding", 1,
     "it looks like UTF-16 without a byte-order mark: give --encoding utf-16"),
    (ZH.encode("utf-16-le"), None, "--encoding", 1,  # 一 is U+4E00: a NUL byte
     "UTF-16 needs a byte-order mark: give --encoding utf-16"),
    ("zh,en\n".encode("utf-16-le"), None, "--encoding", 1,
     "UTF-16 needs a byte-order mark: give --encoding utf-16"),
    ("The caf\u00e9 is open.\n".encode("cp1252"), None, "--encoding", 1,
     "it looks like Windows-1252: give --encoding cp1252"),
    # no option to offer (a library caller, a glossary being rewritten): only the advice
    (ZH.encode("gbk"), None, None, 1, "it looks like GB18030 (GBK): re-save it as UTF-8"),
    # the wrong named encoding
    ((TRAD * 3).encode("big5"), "gb18030", "--encoding", 1,
     "does not read as GB18030 (GBK): 30 private-use character(s) where Chinese text has none; "
     "it looks like Big5: give --encoding big5"),
    ((ZH * 3).encode("gbk"), "big5", "--encoding", 1,
     "it looks like GB18030 (GBK): give --encoding gb18030"),
    ("a\nb\n".encode("gbk") + b"\x00", "gbk", "--encoding", 3, "binary file (NUL byte found)"),
    (b"ok\n\xff\xfe\xfd", "gb18030", "--encoding", 2, "not valid GB18030 (GBK) (byte 0xff)"),
])
def test_decoding_errors_name_the_option_and_a_guess(data, encoding, option, line, message):
    with pytest.raises(InputError) as err:
        decode_text(data, "f.txt", encoding=encoding, option=option)
    assert str(err.value).startswith(f"f.txt:{line}: ")
    assert message in str(err.value)
    if option is None:
        assert "--" not in str(err.value)


@pytest.mark.parametrize("data,guess", [
    ("华龙网,A\n".encode("gbk"), "gb18030"),
    ("重庆\n".encode("gbk"), "gb18030"),
    ("中文 café".encode("gb18030"), "gb18030"),
    ("一带一路,Belt and Road\n".encode("gbk"), "gb18030"),
    (ZH.encode("gb18030") * 50, "gb18030"),
    ("重慶".encode("big5"), "cp950"),
    (TRAD.encode("big5") * 50, "cp950"),
    ("华龙网报道。".encode("utf-16-le"), "utf-16-le"),
    ("zh,en\n".encode("utf-16-be"), "utf-16-be"),
    ("caf\u00e9 \u201cquoted\u201d\n".encode("cp1252"), "cp1252"),
    (b"\xff\xfe\xfd\xfc\x80\x81", None),
])
def test_guess_of_the_encoding(data, guess):
    assert guess_encoding(data) == guess


@pytest.mark.parametrize("name,ok", [("gbk", True), ("GB2312", True), ("Big5", True),
                                     ("utf-16le", True), ("cp1252", True), ("latin-1", True),
                                     ("base64", False), ("rot13", False), ("klingon", False)])
def test_check_encoding(name, ok):
    if ok:
        assert check_encoding(name) == name
    else:
        with pytest.raises(ValueError):
            check_encoding(name)


# ---- every command that reads text --------------------------------------------------------
def cli(*args, env=None, input=None):
    return CliRunner(env=env).invoke(main, [str(a) for a in args], input=input)


@pytest.fixture
def files(tmp_path):
    def write(name, text, codec="gbk"):
        path = tmp_path / name
        path.write_bytes(text.encode(codec))
        return path

    return write


COMMANDS = {
    "translate txt": (lambda f: f("doc.txt", ZH + "\n"),
                      lambda p: ["translate", p, "--engine", "fake", "-q", "-o", "-"],
                      "Belt and Road Initiative"),
    "translate md": (lambda f: f("doc.md", "**" + ZH + "**\n"),
                     lambda p: ["translate", p, "--engine", "fake", "-q", "-o", "-"],
                     "**Belt and Road Initiative"),
    "check tsv": (lambda f: f("pairs.tsv", "中文\t英文\n推进一带一路建设。\tPromote the Belt and "
                                           "Road Initiative.\n"),
                  lambda p: ["check", p], "1 segments"),
    "check mixed": (lambda f: f("mixed.txt", "推进一带一路建设。\nPromote the Belt and Road "
                                             "Initiative.\n"),
                    lambda p: ["check", p], "1 segments"),
    "terms find": (lambda f: f("doc.txt", ZH + "\n"), lambda p: ["terms", "find", p],
                   "一带一路\tBelt and Road Initiative"),
    "terms extract": (lambda f: f("pairs.csv", "zh,en\n推进一带一路建设。,Promote the Belt and Road "
                                               "Initiative.\n"),
                      lambda p: ["terms", "extract", p], ""),
    "terms import csv": (lambda f: f("g.csv", "中文,英文,备注\n华龙网,Huanglong Newsnet,官方名称\n"),
                         lambda p: ["terms", "import", p], "华龙网,Huanglong Newsnet,,no,官方名称"),
    "terms import omegat": (lambda f: f("g.tab", "华龙网\tHuanglong Newsnet\t官方名称\n"),
                            lambda p: ["terms", "import", p], "华龙网,Huanglong Newsnet,,no,官方名称"),
    "terms validate": (lambda f: f("g.csv", "zh,en\n华龙网,Huanglong Newsnet\n"),
                       lambda p: ["terms", "validate", p], "OK, 1 entries"),
}


@pytest.mark.parametrize("command", sorted(COMMANDS))
@pytest.mark.parametrize("encoding", ["gbk", "gb18030", "utf-16"])
def test_commands_read_text_in_the_named_encoding(files, command, encoding):
    make, args, expected = COMMANDS[command]
    codec = "utf-16-le" if encoding == "utf-16" else encoding

    def write(name, text):
        return files(name, text, codec)

    path = make(write)
    res = cli(*args(path), "--encoding", encoding)
    assert res.exit_code in (0, 1), res.output
    assert expected in res.output
    if encoding == "gbk":  # without the option: one line naming it
        res = cli(*args(path))
        assert res.exit_code == 2
        assert res.stderr.count("\n") == 1
        assert f"Error: {path}:" in res.stderr and ": not valid UTF-8" in res.stderr
        assert "give --encoding gb18030" in res.stderr


def test_check_two_parallel_files_in_gbk(files):
    src = files("zh.txt", "推进一带一路建设。\n\n重庆日报报道了活动。\n")
    tgt = files("en.txt", "Promote the Belt and Road Initiative.\n\nChongqing Daily reported.\n")
    res = cli("check", src, tgt, "--encoding", "gb18030")
    assert res.exit_code == 0, res.output
    assert "2 segments" in res.output


def test_encoding_does_not_apply_to_docx(tmp_path):
    import docx

    d = docx.Document()
    d.add_paragraph(ZH)
    d.save(tmp_path / "a.docx")
    res = cli("translate", tmp_path / "a.docx", "--engine", "fake", "-q", "--encoding", "gbk")
    assert res.exit_code == 0
    assert "warning: --encoding applies to .txt and .md inputs" in res.stderr


def test_glossary_encoding(files, monkeypatch):
    gloss = files("g.csv", "中文,英文\n华龙网,Huanglong Newsnet\n")
    res = cli("--glossary", gloss, "terms", "lookup", "华龙网")
    assert res.exit_code == 2
    assert "give --glossary-encoding gb18030" in res.stderr
    res = cli("--glossary", gloss, "--glossary-encoding", "gbk", "terms", "lookup", "华龙网")
    assert res.exit_code == 0 and "Huanglong Newsnet" in res.stdout
    monkeypatch.setenv("TERMTRANS_GLOSSARY_ENCODING", "gb18030")
    doc = files("doc.txt", "华龙网报道。\n", "utf-8")
    res = cli("--glossary", gloss, "terms", "find", doc)
    assert res.exit_code == 0 and "Huanglong Newsnet" in res.stdout
    res = cli("--glossary", gloss, "terms", "validate")
    assert res.exit_code == 0 and "OK, 1 entries" in res.stdout
    # converting it: export reads it in its encoding and writes UTF-8
    out = gloss.parent / "utf8.csv"
    res = cli("--glossary", gloss, "terms", "export", out)
    assert res.exit_code == 0 and "华龙网,Huanglong Newsnet" in out.read_text(encoding="utf-8")


def test_a_glossary_in_another_encoding_is_not_rewritten(files):
    gloss = files("g.csv", "中文,英文\n华龙网,Huanglong Newsnet\n")
    before = gloss.read_bytes()
    res = cli("--glossary", gloss, "--glossary-encoding", "gbk", "terms", "add", "成渝",
              "Chengdu-Chongqing")
    assert res.exit_code == 2
    assert "rewrites the glossary, in UTF-8 only; convert it first" in res.stderr
    assert "terms export glossary.csv" in res.stderr
    res = cli("--glossary", gloss, "terms", "add", "成渝", "Chengdu-Chongqing")
    assert res.exit_code == 2 and "it looks like GB18030 (GBK): re-save it as UTF-8" in res.stderr
    assert gloss.read_bytes() == before


@pytest.mark.parametrize("args", [["check", "x.tsv", "--encoding", "klingon"],
                                  ["--glossary-encoding", "base64", "terms", "lookup", "x"]])
def test_unknown_encoding_is_a_usage_error(args):
    res = cli(*args)
    assert res.exit_code == 2
    assert "Invalid value for '--" in res.stderr and res.stderr.count("\n") == 1

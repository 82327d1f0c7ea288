"""The persistent translation cache: SQLite, WAL, normalised keys, a damaged file rebuilt."""
from __future__ import annotations

import json
import sqlite3

import pytest
from click.testing import CliRunner

from cli import main
from translate.enforce import SegmentResult, TermOutcome
from translate.segment_cache import SegmentCache, default_cache_path, plan_key


def _result(source="我们加强國際傳播。", target="We strengthen international communication."):
    return SegmentResult(source, target, "placeholder",
                         [TermOutcome("国际传播", "國際傳播", "international communication",
                                      "placeholder")], ["note"])


def test_round_trip_in_the_termtrans_cache_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("TERMTRANS_CACHE", str(tmp_path / "tc"))
    cache = SegmentCache()
    assert cache.path == default_cache_path() == tmp_path / "tc" / "translations.sqlite3"
    cache.put_many("p", "g", [_result()])
    assert cache.stored == 1
    got = cache.get_many("p", "g", ["我们加强國際傳播。", "别的。"])
    assert list(got) == ["我们加强國際傳播。"]
    r = got["我们加强國際傳播。"]
    assert (r.target, r.method, r.notes) == ("We strengthen international communication.",
                                            "placeholder", ["note"])
    assert r.terms == _result().terms
    mode = sqlite3.connect(cache.path).execute("PRAGMA journal_mode").fetchone()[0]
    assert mode == "wal"


def test_keys_separate_plans_and_glossaries(tmp_path):
    cache = SegmentCache(tmp_path / "c.sqlite3")
    cache.put_many("p1", "g1", [_result()])
    assert cache.get_many("p2", "g1", ["我们加强國際傳播。"]) == {}
    assert cache.get_many("p1", "g2", ["我们加强國際傳播。"]) == {}


def test_a_normalised_source_hits_with_its_own_matched_forms(tmp_path):
    cache = SegmentCache(tmp_path / "c.sqlite3")
    cache.put_many("p", "g", [_result()])
    other = "我们加强 国际传播。"  # Simplified, with a space
    r = cache.get_many("p", "g", [other])[other]
    assert r.source == other and r.terms[0].matched == "国际传播"
    assert r.target == "We strengthen international communication."


def test_plan_signature_is_remembered(tmp_path):
    cache = SegmentCache(tmp_path / "c.sqlite3")
    plan = plan_key({"engine": "fake", "model": "m"})
    cache.register_plan(plan, {"engine": "fake", "model": "m"})
    assert cache.engine_signature(plan) is None
    cache.set_engine_signature(plan, {"engine": "fake", "device": "cpu"})
    assert SegmentCache(cache.path).engine_signature(plan) == {"engine": "fake", "device": "cpu"}


@pytest.mark.parametrize("damage", [b"this is not a database" * 100,
                                    b"SQLite format 3\x00" + b"\xff" * 4000])
def test_a_damaged_cache_is_rebuilt_with_a_warning(tmp_path, damage):
    path = tmp_path / "c.sqlite3"
    path.write_bytes(damage)
    warned = []
    cache = SegmentCache(path, warn=warned.append)
    assert cache.get_many("p", "g", ["重庆。"]) == {}
    cache.put_many("p", "g", [_result("重庆。", "Chongqing.")])
    assert cache.get_many("p", "g", ["重庆。"])["重庆。"].target == "Chongqing."
    assert len(warned) == 1 and "damaged" in warned[0] and "\n" not in warned[0]
    assert cache.warnings == warned
    assert list(tmp_path.glob("c.sqlite3.damaged-*"))  # kept aside, not deleted


def test_a_cache_damaged_while_open_is_rebuilt(tmp_path):
    path = tmp_path / "c.sqlite3"
    cache = SegmentCache(path)
    cache.put_many("p", "g", [_result("重庆。", "Chongqing.")])
    cache.close()
    path.write_bytes(b"garbage" * 600)
    for s in ("-wal", "-shm"):
        (tmp_path / f"c.sqlite3{s}").unlink(missing_ok=True)
    warned = []
    again = SegmentCache(path, warn=warned.append)
    assert again.get_many("p", "g", ["重庆。"]) == {} and warned


def _cli(*args):
    return CliRunner().invoke(main, ["cache", *args], catch_exceptions=False)


def test_cache_info_and_clear_commands(tmp_path):
    r = _cli("info")
    assert r.exit_code == 0 and "0 segment(s)" in r.output
    cache = SegmentCache()
    plan = plan_key({"engine": "fake"})
    cache.register_plan(plan, {"engine": "fake", "model": "scripted", "beam": 4, "device": "auto"})
    cache.put_many(plan, "g", [_result(), _result("重庆。", "Chongqing.")])
    cache.close()
    r = _cli("info", "--format", "json")
    info = json.loads(r.output)
    assert info["segments"] == 2 and info["plans"][0]["segments"] == 2
    assert info["path"] == str(default_cache_path())
    r = _cli("info")
    assert "2 segment(s)" in r.output and "fake  scripted" in r.output
    r = _cli("clear", "--yes")
    assert r.exit_code == 0 and "2 segment(s) deleted" in r.stderr
    assert json.loads(_cli("info", "--format", "json").output)["segments"] == 0


def test_unwritable_cache_folder_is_one_line(tmp_path, monkeypatch):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    monkeypatch.setenv("TERMTRANS_CACHE", str(blocker / "sub"))
    cache = SegmentCache()
    from termbase.errors import OutputError

    with pytest.raises(OutputError, match="TERMTRANS_CACHE"):
        cache.put_many("p", "g", [_result()])

"""The compiled default pack on disk: equal to a fresh load, keyed by content, read with care."""

from __future__ import annotations

import os
import pickle
import shutil
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings

from gapdiag import diagnose, explain, load_rules
from gapdiag.rulebook import _cache, pack
from gapdiag.rulebook._resources import default_rules_dir

from .conftest import EXAMPLES, example
from .strategies import rep_dicts

PACK = load_rules()
COPY = pickle.loads(pickle.dumps(PACK))


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh, empty cache folder for one test."""
    where = tmp_path / "cache"
    monkeypatch.setenv(_cache.ENV, str(where))
    return where


class Builder:
    """A build function that counts its calls and returns a fresh, equal value each time."""

    def __init__(self, value: Any = ("pack", 1)) -> None:
        self.value = value
        self.calls = 0

    def __call__(self) -> Any:
        self.calls += 1
        return pickle.loads(pickle.dumps(self.value))


def inputs(tmp_path: Path, text: str = "rules") -> list[Path]:
    """One input file holding `text`."""
    file = tmp_path / "a.rules.yaml"
    file.write_text(text)
    return [file]


def entries(folder: Path) -> list[Path]:
    """The cache entries in a folder."""
    return sorted(folder.glob("*.pickle"))


def test_a_second_load_reads_the_entry(folder: Path, tmp_path: Path) -> None:
    """The first call builds and writes a private entry; the next reads it without building."""
    build = Builder()
    files = inputs(tmp_path)
    assert _cache.cached("t", files, build) == ("pack", 1)
    assert _cache.cached("t", files, build) == ("pack", 1)
    assert build.calls == 1
    (entry,) = entries(folder)
    assert entry.stat().st_mode & 0o777 == 0o600
    assert folder.stat().st_mode & 0o777 == 0o700


def test_an_edited_input_gets_a_new_entry(folder: Path, tmp_path: Path) -> None:
    """Changing an input's bytes changes the key: the old entry is never read for it."""
    build = Builder()
    files = inputs(tmp_path, "before")
    _cache.cached("t", files, build)
    inputs(tmp_path, "after")
    _cache.cached("t", files, build)
    assert build.calls == 2
    assert len(entries(folder)) == 2


def test_the_default_pack_from_the_cache_is_the_pack(folder: Path) -> None:
    """The default pack read back from its entry diagnoses and explains exactly as a fresh load."""
    fresh = pack._load(default_rules_dir())
    files = pack._pack_files(default_rules_dir())
    built = _cache.cached("pack", files, lambda: fresh)
    read = _cache.cached("pack", files, lambda: pytest.fail("built again"))
    assert built is fresh
    assert read is not fresh
    assert (read.name, read.version, read.content_hash, read.rules, read.needs) == (
        fresh.name,
        fresh.version,
        fresh.content_hash,
        fresh.rules,
        fresh.needs,
    )
    assert read.tree is not None
    assert fresh.tree is not None
    assert read.tree.model_dump() == fresh.tree.model_dump()
    assert [read.origin(r.id) for r in read.rules] == [fresh.origin(r.id) for r in fresh.rules]
    for name in sorted(p.stem for p in EXAMPLES.glob("*-rep.json")):
        rep = example(name)
        ours, theirs = (diagnose(rep, rules=b, counterfactuals=True) for b in (read, fresh))
        assert ours.to_json() == theirs.to_json()
        assert explain(ours) == explain(theirs)


@settings(max_examples=30)
@given(rep_dicts())
def test_a_pickled_pack_gives_the_same_diagnosis(rep: dict[str, Any]) -> None:
    """Unpickling rebuilds every compiled condition, because-text and tree question faithfully."""
    assert diagnose(rep, rules=COPY).to_json() == diagnose(rep, rules=PACK).to_json()


def _truncated(data: bytes) -> bytes:
    return data[: len(data) // 2]


def _flipped(data: bytes) -> bytes:
    return data[:-10] + bytes([data[-10] ^ 1]) + data[-9:]


def _unpicklable(data: bytes) -> bytes:
    payload = b"not a pickle"
    return _cache._MAGIC + _cache.hashlib.sha256(payload).digest() + payload


@pytest.mark.parametrize(
    "damage", [_truncated, _flipped, _unpicklable, lambda d: b"", lambda d: b"\0" * 200]
)
def test_a_damaged_entry_is_rebuilt(
    folder: Path, tmp_path: Path, damage: Callable[[bytes], bytes]
) -> None:
    """A truncated, corrupt or foreign entry is never loaded: built again and rewritten."""
    build = Builder()
    files = inputs(tmp_path)
    _cache.cached("t", files, build)
    (entry,) = entries(folder)
    entry.write_bytes(damage(entry.read_bytes()))
    assert _cache.cached("t", files, build) == ("pack", 1)
    assert build.calls == 2
    assert _cache.cached("t", files, build) == ("pack", 1)
    assert build.calls == 2


@pytest.mark.skipif(not hasattr(os, "getuid"), reason="POSIX permissions")
def test_an_entry_others_can_write_is_never_read(folder: Path, tmp_path: Path) -> None:
    """Unpickling runs code: a group- or world-writable entry or folder is not trusted."""
    build = Builder()
    files = inputs(tmp_path)
    _cache.cached("t", files, build)
    (entry,) = entries(folder)
    entry.chmod(0o666)
    _cache.cached("t", files, build)
    assert build.calls == 2
    assert entry.stat().st_mode & 0o777 == 0o600  # rewritten private
    folder.chmod(0o777)
    _cache.cached("t", files, build)
    _cache.cached("t", files, build)
    assert build.calls == 4


def test_a_symbolic_link_is_not_followed(folder: Path, tmp_path: Path) -> None:
    """An entry that is a symbolic link (to a valid entry even) is not read."""
    build = Builder()
    files = inputs(tmp_path)
    _cache.cached("t", files, build)
    (entry,) = entries(folder)
    elsewhere = tmp_path / "elsewhere.pickle"
    shutil.move(entry, elsewhere)
    entry.symlink_to(elsewhere)
    _cache.cached("t", files, build)
    assert build.calls == 2


def test_an_empty_setting_turns_the_cache_off(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """GAPDIAG_CACHE_DIR set to nothing: every call builds, nothing is written."""
    monkeypatch.setenv(_cache.ENV, "")
    build = Builder()
    for _ in range(2):
        _cache.cached("t", inputs(tmp_path), build)
    assert build.calls == 2
    assert _cache.cache_dir() is None


def test_an_unwritable_folder_only_costs_time(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A cache folder that cannot be created (a file is in the way) leaves results unchanged."""
    blocker = tmp_path / "file"
    blocker.write_text("")
    monkeypatch.setenv(_cache.ENV, str(blocker / "cache"))
    build = Builder()
    assert _cache.cached("t", inputs(tmp_path), build) == ("pack", 1)
    assert _cache.cached("t", [tmp_path / "missing"], build) == ("pack", 1)
    assert build.calls == 2


def test_where_the_cache_lives(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """GAPDIAG_CACHE_DIR, else an absolute XDG_CACHE_HOME, else ~/.cache; always gapdiag's own."""
    monkeypatch.setenv(_cache.ENV, "~/x")
    assert _cache.cache_dir() == Path("~/x").expanduser()
    monkeypatch.delenv(_cache.ENV)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert _cache.cache_dir() == tmp_path / "gapdiag"
    monkeypatch.setenv("XDG_CACHE_HOME", "relative")  # the XDG spec says: ignore it
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert _cache.cache_dir() == tmp_path / "home" / ".cache" / "gapdiag"


def test_writers_at_once_leave_one_whole_entry(folder: Path, tmp_path: Path) -> None:
    """Many loads racing on a cold cache all get the value; one whole entry, no temporary files."""
    build = Builder(("x" * 100_000, 2))
    files = inputs(tmp_path)
    results: list[Any] = []
    threads = [
        threading.Thread(target=lambda: results.append(_cache.cached("t", files, build)))
        for _ in range(8)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == [build.value] * 8
    assert [p.name for p in folder.iterdir() if not p.name.endswith(".pickle")] == []
    calls = build.calls
    assert _cache.cached("t", files, build) == build.value
    assert build.calls == calls


def test_old_entries_are_pruned(folder: Path, tmp_path: Path) -> None:
    """Each edit adds an entry; only the newest few are kept."""
    build = Builder()
    for version in range(_cache._KEEP + 3):
        _cache.cached("t", inputs(tmp_path, f"v{version}"), build)
    assert len(entries(folder)) == _cache._KEEP


def test_a_crashed_writers_temporary_file_is_removed(folder: Path, tmp_path: Path) -> None:
    """A temporary file left for over an hour goes at the next write; a fresh one stays."""
    build = Builder()
    _cache.cached("t", inputs(tmp_path, "one"), build)
    old, new = folder / ".write-old.tmp", folder / ".write-new.tmp"
    old.write_bytes(b"partial")
    new.write_bytes(b"partial")
    os.utime(old, (1_000_000_000, 1_000_000_000))
    _cache.cached("t", inputs(tmp_path, "two"), build)
    assert not old.exists()
    assert new.exists()

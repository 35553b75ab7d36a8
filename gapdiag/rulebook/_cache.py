"""The compiled default pack kept on disk, so a new process skips reading and checking it.

Loading the shipped pack parses nine YAML files, validates every rule and the tree, and
compiles them: most of a short command's time. The result is pickled into a per-user
cache folder under a name made of a hash of everything it depends on: the bytes of the
pack's files, the pack's folder, and gapdiag's, pydantic's and Python's versions and the
gapdiag source files that shape it (their size and time of change). An edited pack or
an upgraded gapdiag gets a new name, so a stale entry is never read; old entries are
pruned.

Where: ``GAPDIAG_CACHE_DIR`` when set (an empty value turns the cache off), else
``$XDG_CACHE_HOME/gapdiag`` or ``~/.cache/gapdiag`` (``%LOCALAPPDATA%\\gapdiag\\cache`` on
Windows). The folder is created private (0700). Unpickling runs code named in the file,
so an entry is read only from a folder owned by this user that no one else can write,
only if the file is owned by this user and no one else can write it, and only after a
SHA-256 of its contents matches the one stored at its head: a truncated, corrupt or
foreign file is rebuilt, never loaded. Entries are written to a temporary file in the
same folder and renamed into place, so processes sharing the folder see a whole entry
or none; two writing at once write the same bytes. Any problem with the cache (no home
folder, a read-only disk) only costs the time of loading the pack without it.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import stat
import sys
import tempfile
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TypeVar, cast

import pydantic

from gapdiag.model.version import package_version

T = TypeVar("T")
ENV = "GAPDIAG_CACHE_DIR"
_MAGIC = b"gapdiag pack cache 1\n"
_DIGEST = hashlib.sha256().digest_size
_KEEP = 8  # entries kept per folder; older ones are removed when a new one is written
_STALE_TEMP = 3600.0  # seconds after which a leftover temporary file is removed
_PACKAGE = Path(__file__).resolve().parent.parent
_SHAPING = ("rulebook", "model")  # the gapdiag code whose objects an entry holds


def cache_dir() -> Path | None:
    """The folder cache entries live in, or None when the cache is off or has no home."""
    chosen = os.environ.get(ENV)
    if chosen is not None:
        return Path(chosen).expanduser() if chosen.strip() else None
    if os.name == "nt":  # pragma: no cover - the suite runs on Linux
        local = os.environ.get("LOCALAPPDATA")
        return Path(local) / "gapdiag" / "cache" if local else None
    base = os.environ.get("XDG_CACHE_HOME", "")
    try:
        root = Path(base) if os.path.isabs(base) else Path.home() / ".cache"
    except RuntimeError:  # no home folder to be found
        return None
    return root / "gapdiag"


def cached(name: str, inputs: Iterable[Path], build: Callable[[], T]) -> T:
    """`build()`'s result, read from the cache when an entry for these inputs exists.

    Args:
        name: what is cached (the start of the entry's file name).
        inputs: every file the result is built from; their bytes are part of the key.
        build: makes the result on a miss; its result must pickle.
    """
    folder = cache_dir()
    if folder is None:
        return build()
    try:
        key = _key(inputs)
    except OSError:
        return build()
    entry = folder / f"{name}-{key}.pickle"
    found = _read(entry)
    if found is not None:
        return cast(T, found)  # the entry was written by `build` for the same key
    value = build()
    _write(entry, value)
    return value


def _key(inputs: Iterable[Path]) -> str:
    digest = hashlib.sha256()
    versions = (package_version(), pydantic.VERSION, sys.version, str(pickle.HIGHEST_PROTOCOL))
    digest.update("\0".join(versions).encode())
    for room in _SHAPING:
        for module in sorted((_PACKAGE / room).glob("*.py")):
            info = module.stat()
            digest.update(f"{module.name}\0{info.st_size}\0{info.st_mtime_ns}\0".encode())
    for path in inputs:
        digest.update(str(path.resolve()).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:32]


def _private(info: os.stat_result) -> bool:
    """Owned by this user and writable by no one else (always true where there are no uids)."""
    if not hasattr(os, "getuid"):  # pragma: no cover - Windows: a per-user folder
        return True
    return info.st_uid == os.getuid() and not info.st_mode & (stat.S_IWGRP | stat.S_IWOTH)


def _read(entry: Path) -> object | None:
    try:
        folder = os.stat(entry.parent, follow_symlinks=False)
        if not stat.S_ISDIR(folder.st_mode) or not _private(folder):
            return None
        handle = os.open(entry, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    except OSError:
        return None
    with os.fdopen(handle, "rb") as file:
        info = os.fstat(file.fileno())
        if not stat.S_ISREG(info.st_mode) or not _private(info):
            return None
        data = file.read()
    head, stored = data[: len(_MAGIC)], data[len(_MAGIC) : len(_MAGIC) + _DIGEST]
    payload = data[len(_MAGIC) + _DIGEST :]
    if head != _MAGIC or hashlib.sha256(payload).digest() != stored:
        return None
    try:
        loaded: object = pickle.loads(payload)
    except Exception:  # an entry that passed its checks and still fails is rebuilt, not fatal
        return None
    return loaded


def _write(entry: Path, value: object) -> None:
    folder = entry.parent
    try:
        payload = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        if not _private(os.stat(folder, follow_symlinks=False)):
            return
        handle, temporary = tempfile.mkstemp(dir=folder, prefix=".write-", suffix=".tmp")
    except (OSError, pickle.PicklingError, TypeError, AttributeError):
        return
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(_MAGIC + hashlib.sha256(payload).digest() + payload)
        os.replace(temporary, entry)
    except OSError:
        Path(temporary).unlink(missing_ok=True)
        return
    _prune(folder, entry.name.partition("-")[0])


def _prune(folder: Path, name: str) -> None:
    """Keep the newest entries of `name`; drop temporary files a crashed writer left."""
    try:
        entries = sorted(folder.glob(f"{name}-*.pickle"), key=lambda p: p.stat().st_mtime_ns)
        stale = time.time() - _STALE_TEMP
        leftovers = [p for p in folder.glob(".write-*.tmp") if p.stat().st_mtime < stale]
        for path in [*entries[:-_KEEP], *leftovers]:
            path.unlink(missing_ok=True)
    except OSError:  # another process pruned first
        return

"""Write every file gapdiag produces one way: claimed first, written beside, renamed together.

A command's outputs are one `Outputs`. Each path is *claimed* before anything is written:
a path that is a file this run read (``ingest in.csv --out in.csv``), that another output
of the run already claimed (``--errors o.csv --out o.csv``), a folder, or in a folder
that does not exist is refused in one line. Each output is then written to a temporary
file in its own folder (so the rename stays on one filesystem) and synced to disk; only
when every output is written are they renamed into place, one ``os.replace`` each. A
failing write (a full disk, ``ulimit -f``), an exception or Ctrl-C before then removes
the temporary files and leaves every previous file as it was: no output is ever cut
short. Nothing is created outside the folders named (an output folder's parent must exist).

CSV is written by `csv_text`, the one CSV writer: every text cell passes through
`gapdiag.model._text.csv_cell`, which makes it formula-safe in a way gapdiag's readers undo.
"""

from __future__ import annotations

import contextlib
import csv
import hashlib
import io
import os
import re
import signal
import stat
import sys
import threading
import unicodedata
import uuid
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from types import TracebackType
from typing import IO, Any, Self

from gapdiag.model._input import run_inputs
from gapdiag.model._text import csv_cell
from gapdiag.model.errors import OutputError

STDOUT = "-"
"""The output path that means standard output."""


def csv_text(header: Sequence[str], rows: Iterable[Mapping[str, Any] | Sequence[Any]]) -> str:
    """Rows (mappings by column, or sequences in header order) as CSV, every cell formula-safe."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer)
    writer.writerow([csv_cell(name) for name in header])
    for row in rows:
        cells = [row.get(name, "") for name in header] if isinstance(row, Mapping) else row
        writer.writerow([csv_cell(cell) if type(cell) is str else cell for cell in cells])
    return buffer.getvalue()


STEM_BYTES = 120
"""Most bytes (UTF-8) of a file name's readable part: with a hash and a suffix it stays
far under the 255 bytes every common filesystem allows."""
_UNSAFE = re.compile(r"[^\w.-]+")  # letters and digits of any script, '.', '-', '_' stay
_RESERVED = frozenset(
    {"con", "prn", "aux", "nul"} | {f"{port}{n}" for port in ("com", "lpt") for n in range(1, 10)}
)  # names Windows will not give a file, whatever follows them


def file_names(keys: Iterable[str], *, reserved: Iterable[str] = ()) -> dict[str, str]:
    """A file name (without suffix) per key (a rep id): readable, unique, bounded.

    A key's name is the key with every run of characters other than letters, digits
    (of any script), '.', '-' and '_' made one '_' (``Ana Ruiz`` -> ``Ana_Ruiz``,
    ``王伟`` stays), cut to `STEM_BYTES`. A name that two keys share (``A/B`` and
    ``A_B``; ``Ana`` and ``ana`` on a case-blind disk), that had to be cut or left
    empty, that the filesystem cannot spell, or that is reserved gets ``~`` and a stable
    hash of its key: the same key always gets the same name.
    """
    given = list(dict.fromkeys(keys))
    taken = {r.casefold() for r in reserved}
    stems = {key: _stem(key) for key in given}
    sharing = Counter(stem.casefold() for stem, _ in stems.values())
    names: dict[str, str] = {}
    for key, (stem, whole) in stems.items():
        folded = stem.casefold()
        plain = whole and sharing[folded] == 1 and folded not in taken
        plain = plain and folded.split(".")[0] not in _RESERVED
        names[key] = stem if plain else f"{stem}~{_hash(key, 8)}"
    seen = Counter(name.casefold() for name in names.values())
    for key, name in names.items():
        if seen[name.casefold()] > 1 or name.casefold() in taken:  # astronomically rare
            names[key] = f"{stems[key][0]}~{_hash(key, 32)}"
    return names


def _stem(key: str) -> tuple[str, bool]:
    """(the readable part of a key's file name, whether it was made without loss of room)."""
    text = unicodedata.normalize("NFC", key)
    safe = _UNSAFE.sub("_", text).strip("._-") or "rep"  # no hidden file, no option
    encoding = sys.getfilesystemencoding()
    try:
        safe.encode(encoding)
    except UnicodeEncodeError:  # a filesystem that cannot spell the letters: ASCII then
        safe = re.sub(r"[^A-Za-z0-9._-]+", "_", safe).strip("._-") or "rep"
        return safe[:STEM_BYTES], False
    whole = safe != "rep" or key.strip("._-") == "rep"
    raw = safe.encode("utf-8")
    if len(raw) > STEM_BYTES:
        return raw[:STEM_BYTES].decode("utf-8", "ignore").rstrip("._-"), False
    return safe, whole


def _hash(key: str, digits: int) -> str:
    return hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()[:digits]


class Outputs:
    """One run's output files: claimed up front, written to temporary files, then renamed.

    Use as a context manager: leaving the block normally renames every output into place;
    leaving it by an exception (or Ctrl-C) removes what was written and changes nothing.
    """

    def __init__(self, stdout: IO[str] | None = None) -> None:
        self._stdout = stdout
        self._claims: dict[str, str] = {}  # target key -> which output claimed it
        self._staged: list[tuple[Path, Path]] = []  # (temporary file, target)
        self._made: list[Path] = []  # folders this run created (removed on abort)
        self._inputs: _Identities | None = None
        self._folders: dict[Path, str] = {}  # folder as given -> its real path

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        if kind is None:
            self.commit()
        else:
            self.abort()

    def claim(self, path: str | os.PathLike[str], what: str) -> Path:
        """Reserve `path` for the output called `what` (an option, e.g. ``--out``).

        Raises:
            OutputError: the path is a folder, in a folder that does not exist, a file
                this run read, or already claimed by another output.
        """
        target = Path(path)
        real = os.path.join(self._real_folder(target, what), target.name)
        key = os.path.normcase(real)
        if key in self._claims:
            raise OutputError(
                f"{what} {path}: is also where {self._claims[key]} goes; "
                "give each output its own file"
            )
        try:
            info: os.stat_result | None = os.stat(target)
        except (OSError, ValueError):
            info = None
        if info is not None and os.path.islink(target):
            real = os.path.realpath(target)
        read = self._input_at(real, info)
        if read is not None:
            raise OutputError(
                f"{what} {path}: is {_as_input(read, target)} this run reads; writing there "
                "would replace it (choose another file)"
            )
        if info is not None and stat.S_ISDIR(info.st_mode):
            raise OutputError(f"{what} {path}: cannot write: is a folder")
        self._claims[key] = what
        return target

    def _real_folder(self, target: Path, what: str) -> str:
        """The real path of the folder `target` goes in (looked up once per folder).

        Raises:
            OutputError: the folder does not exist or is not a folder.
        """
        folder = target.parent
        found = self._folders.get(folder)
        if found is None:
            if not folder.is_dir():
                reason = "not a folder:" if folder.exists() else "no such folder"
                raise OutputError(f"{what} {target}: cannot write: {reason} {folder}")
            found = self._folders[folder] = os.path.realpath(folder)
        return found

    def folder(self, path: str | os.PathLike[str], what: str) -> Path:
        """Claim a folder for files of one output (made now if missing; its parent must exist).

        Raises:
            OutputError: the path is a file, or its parent folder does not exist or cannot
                be written.
        """
        target = Path(path)
        if target.exists() and not target.is_dir():
            raise OutputError(f"{what} {path}: is a file, expected a folder")
        if not target.exists():
            parent = target.parent
            if not parent.is_dir():
                raise OutputError(f"{what} {path}: cannot make it: no such folder {parent}")
            try:
                target.mkdir()
            except OSError as error:
                raise OutputError(f"{what} {path}: cannot make it: {_reason(error)}") from None
            self._made.append(target)
        return target

    def write(self, path: str | os.PathLike[str], data: str | bytes, what: str) -> None:
        """Claim `path` and write `data` (text as UTF-8) to it; '-' is standard output.

        Raises:
            OutputError: the claim is refused, or the file cannot be written (the
                temporary file is removed; nothing is left behind).
        """
        if str(path) == STDOUT:
            self._to_stdout(data)
            return
        # A lone surrogate (a file name that is not UTF-8) is written as its escape, \udcff.
        raw = data.encode("utf-8", "backslashreplace") if isinstance(data, str) else data
        target = self.claim(path, what)
        fd, temporary = _temporary(target, what)
        self._staged.append((temporary, target))
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(raw)
        except OSError as error:
            raise OutputError(f"{what} {path}: cannot write: {_reason(error)}") from None

    def write_with(
        self, path: str | os.PathLike[str], write: Callable[[Path], object], what: str
    ) -> None:
        """Claim `path` and let `write(temporary_path)` write it (a DataFrame's to_parquet).

        Raises:
            OutputError: the claim is refused, or the file cannot be written (the
                temporary file is removed; nothing is left behind).
        """
        target = self.claim(path, what)
        fd, temporary = _temporary(target, what)
        os.close(fd)
        self._staged.append((temporary, target))
        try:
            write(temporary)
        except OSError as error:
            raise OutputError(f"{what} {path}: cannot write: {_reason(error)}") from None

    def commit(self) -> None:
        """Sync every written file to disk, then rename each into place (Ctrl-C waits).

        Raises:
            OutputError: a file cannot be synced (nothing is renamed; all are removed).
        """
        try:
            _sync_all([temporary for temporary, _ in self._staged])
            for temporary, target in self._staged:
                _keep_mode(temporary, target)
        except OSError as error:
            self.abort()
            raise OutputError(f"cannot write: {_reason(error)}") from None
        staged, self._staged = self._staged, []
        with _interrupts_held():
            for temporary, target in staged:
                os.replace(temporary, target)
        for folder in {target.parent for _, target in staged}:
            _sync_folder(folder)
        self._made.clear()

    def abort(self) -> None:
        """Remove every temporary file written, and folders this run made; change nothing else."""
        staged, self._staged = self._staged, []
        for temporary, _ in staged:
            with contextlib.suppress(OSError):  # already gone
                temporary.unlink()
        for folder in reversed(self._made):
            with contextlib.suppress(OSError):  # not empty: a file someone else put there
                folder.rmdir()
        self._made.clear()

    def _to_stdout(self, data: str | bytes) -> None:
        stream = self._stdout if self._stdout is not None else sys.stdout
        stream.write(data.decode("utf-8") if isinstance(data, bytes) else data)

    def _input_at(self, real: str, info: os.stat_result | None) -> str | None:
        """The input this run read that the file at `real` is (by name, or as a hard link)."""
        if self._inputs is None:
            self._inputs = _Identities()
        self._inputs.add(run_inputs())
        return self._inputs.find(real, info)


class _Identities:
    """Files known by their real path and by (device, inode): hard links are one file."""

    def __init__(self) -> None:
        self.seen: set[str] = set()
        self.paths: dict[str, str] = {}
        self.nodes: dict[tuple[int, int], str] = {}

    def add(self, files: Iterable[str]) -> None:
        for file in files:
            if file in self.seen:
                continue
            self.seen.add(file)
            self.paths.setdefault(os.path.realpath(file), file)
            node = _node(file)
            if node is not None:
                self.nodes.setdefault(node, file)

    def find(self, real: str, info: os.stat_result | None) -> str | None:
        found = self.paths.get(real)
        if found is None and info is not None:
            found = self.nodes.get((info.st_dev, info.st_ino))
        return found


def _node(path: str | Path) -> tuple[int, int] | None:
    try:
        info = os.stat(path)
    except (OSError, ValueError):
        return None
    return info.st_dev, info.st_ino


def _as_input(read: str, target: Path) -> str:
    """How an input is named in the refusal: itself, or through the name it was read by."""
    if os.path.realpath(read) == os.path.realpath(target) and Path(read).name == target.name:
        return "a file"
    return f"{read}, a file"


def _temporary(target: Path, what: str) -> tuple[int, Path]:
    """A new, empty file beside `target` (hidden, the usual permissions), open for writing.

    Raises:
        OutputError: the folder cannot be written.
    """
    for _ in range(10):
        temporary = target.with_name(f".gapdiag-{uuid.uuid4().hex[:16]}.tmp")
        try:
            fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
        except FileExistsError:  # pragma: no cover - 64 random bits taken
            continue
        except OSError as error:
            raise OutputError(f"{what} {target}: cannot write: {_reason(error)}") from None
        return fd, temporary
    raise OutputError(f"{what} {target}: cannot write: no free temporary name")  # pragma: no cover


SYNC_EACH = 64
"""Up to this many files are synced one by one; more (a history folder) with one sync."""


def _sync_all(files: Sequence[Path]) -> None:
    """Flush written files to disk: each with fsync, or all at once when there are many."""
    if len(files) > SYNC_EACH and hasattr(os, "sync"):
        os.sync()
        return
    for file in files:
        fd = os.open(file, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _keep_mode(temporary: Path, target: Path) -> None:
    """Give the new file the permissions of the file it replaces, if there is one."""
    try:
        mode = stat.S_IMODE(os.stat(target).st_mode)
    except OSError:
        return
    os.chmod(temporary, mode)


def _sync_folder(folder: Path) -> None:
    """Flush a folder's entries (the renames) to disk, where the system allows it."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:  # pragma: no cover - Windows cannot open a folder
        return
    try:
        os.fsync(fd)
    except OSError:  # pragma: no cover - some filesystems refuse fsync on a folder
        pass
    finally:
        os.close(fd)


class _interrupts_held:
    """Hold Ctrl-C (SIGINT) back while renames run, so a run's outputs change together."""

    def __enter__(self) -> None:
        self._held = (
            hasattr(signal, "pthread_sigmask")
            and threading.current_thread() is threading.main_thread()
        )
        if self._held:
            signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})

    def __exit__(self, *_: object) -> None:
        if self._held:
            signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})


def _reason(error: OSError) -> str:
    return error.strerror or str(error)

"""Read input files as text and JSON safely: regular files only, UTF-8, bounded, strict.

A FIFO or device where a file is expected would hang or never end, so only regular files
are read. Text is UTF-8 with or without a byte-order mark; anything else is one clear
error naming the line. JSON is checked against the limits (size, nesting, digits in an
integer) and a key given twice in one object is an error, not a silent last-one-wins.
"""

from __future__ import annotations

import codecs
import json
import os
import re
import stat
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path
from typing import IO, Any

from gapdiag.model.errors import InvalidInput
from gapdiag.model.limits import Limits, limits

_CHUNK = 1 << 20
"""Bytes read at a time once a file's size is known to be wrong (or zero, as in /proc)."""
_RUN_INPUTS: ContextVar[set[str] | None] = ContextVar("gapdiag_run_inputs", default=None)


@contextmanager
def recording_inputs() -> Iterator[set[str]]:
    """Record every file read while the block runs (a command's run), for the writer.

    The writer refuses to write over any of them (see `gapdiag.model._output`). Inside a
    block already recording, the same record is used (one run).
    """
    outer = _RUN_INPUTS.get()
    if outer is not None:
        yield outer
        return
    seen: set[str] = set()
    token = _RUN_INPUTS.set(seen)
    try:
        yield seen
    finally:
        _RUN_INPUTS.reset(token)


def note_input(path: str | os.PathLike[str]) -> None:
    """Record `path` as read by this run (when one is recording; see `recording_inputs`)."""
    seen = _RUN_INPUTS.get()
    if seen is not None:
        seen.add(os.fspath(path))


def run_inputs() -> frozenset[str]:
    """The files this run has read so far (empty outside a recording run)."""
    return frozenset(_RUN_INPUTS.get() or ())


def read_bytes(path: Path, *, limit: int | None = None, name: str = "file_bytes") -> bytes:
    """The bytes of a regular file, refusing FIFOs, devices, folders and files over `limit`.

    Memory follows the file, never the limit: nothing is allocated before it is read.

    Raises:
        InvalidInput: naming the file and what is wrong with it.
    """
    bound = limit if limit is not None else getattr(limits(), name)
    with open_input(path, name=name, limit=bound) as handle:  # (the limits read once)
        size = os.fstat(handle.fileno()).st_size
        try:
            data = _read_bounded(handle, bound, first=min(size, bound) + 1 if size else _CHUNK)
        except OSError as error:
            raise InvalidInput(f"{path}: cannot read: {error.strerror}") from None
    if data is None:
        raise InvalidInput(f"{path}: more than {bound:,} bytes ({limits().hint(name)})")
    return data


def _read_bounded(handle: IO[bytes], bound: int, *, first: int) -> bytes | None:
    """Everything `handle` holds, read in pieces; None past `bound` bytes."""
    pieces: list[bytes] = []
    total, want = 0, first
    while piece := handle.read(min(want, bound + 1 - total)):
        pieces.append(piece)
        total += len(piece)
        if total > bound:
            return None
        want = _CHUNK
    return pieces[0] if len(pieces) == 1 else b"".join(pieces)


def open_input(path: Path, *, name: str = "file_bytes", limit: int | None = None) -> IO[bytes]:
    """A regular file opened for reading in binary, within the size limit `name`.

    The file is checked before it is opened (a FIFO would block the open itself) and
    again once open (it may have been swapped), and recorded as this run's input.

    Raises:
        InvalidInput: missing, a folder, a FIFO or device, unreadable, or too large.
    """
    check_file(path, name=name, limit=limit)
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    except OSError as error:
        raise InvalidInput(f"{path}: cannot read: {error.strerror}") from None
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        os.close(fd)
        raise InvalidInput(f"{path}: is not a regular file (a pipe or device?); expected a file")
    return os.fdopen(fd, "rb")


def check_file(path: Path, *, name: str | None = None, limit: int | None = None) -> int:
    """The size of `path` if it is a regular file one can open; else one clear error.

    With a limit `name` (or a `limit` in bytes), a larger file is refused too. The file is
    recorded as this run's input (see `recording_inputs`).

    Raises:
        InvalidInput: missing, a folder, a FIFO or device, not readable, or too large.
    """
    try:
        info = os.stat(path)
    except (OSError, ValueError) as error:  # ValueError: a NUL in the path
        reason = getattr(error, "strerror", None) or "not a file name"
        raise InvalidInput(f"{path}: cannot read: {reason}") from None
    if stat.S_ISDIR(info.st_mode):
        raise InvalidInput(f"{path}: is a folder, expected a file")
    if not stat.S_ISREG(info.st_mode):
        raise InvalidInput(f"{path}: is not a regular file (a pipe or device?); expected a file")
    if not os.access(path, os.R_OK):
        raise InvalidInput(f"{path}: cannot read: Permission denied")
    bound = limit if limit is not None else getattr(limits(), name) if name else None
    if bound is not None and info.st_size > bound:
        hint = f" ({limits().hint(name)})" if name else ""
        raise InvalidInput(f"{path}: {info.st_size:,} bytes is too large{hint}")
    note_input(path)
    return info.st_size


_NOT_CSV = (
    (b"PK\x03\x04", "an Excel workbook (.xlsx) or another zipped document"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an old Excel workbook (.xls)"),
    (b"%PDF", "a PDF document"),
)
SAVE_AS_CSV = (
    "open it and save the sheet as 'CSV UTF-8' (Excel: File > Save As; Google Sheets: "
    "File > Download > .csv), or export CSV from the CRM"
)


def not_csv(head: bytes) -> str | None:
    """What a file is when its first bytes show it is no CSV text (a workbook, a PDF, a web
    page saved with a spreadsheet's name, as some CRMs' 'Excel' exports are), and what to
    do; None for anything else."""
    for signature, what in _NOT_CSV:
        if head.startswith(signature):
            return f"is {what}, not CSV text: {SAVE_AS_CSV}"
    start = head.lstrip(codecs.BOM_UTF8).lstrip()[:200].lower()
    if start.startswith((b"<html", b"<!doctype html", b"<table", b"<?xml")):
        return f"is a web page or XML spreadsheet, not CSV text: {SAVE_AS_CSV}"
    if not head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        sample = head[:512]
        control = len(sample) - len(sample.translate(None, _CONTROL))
        if control >= max(4, len(sample) // 20):  # text holds none; random bytes a tenth
            return (
                f"is binary data ({control} control bytes in its first {len(sample)}), not CSV"
                f" text (nor UTF-16 with its byte-order mark): {SAVE_AS_CSV}"
            )
    return None


_CONTROL = bytes([*range(9), 11, 12, *range(14, 32), 127])
"""Bytes no text a spreadsheet or CRM writes holds (tab, line feed and return aside)."""


def looks_like_json(head: bytes) -> bool:
    """Whether a file's first bytes open a JSON object or list of objects (not CSV text)."""
    start = head.lstrip(codecs.BOM_UTF8).lstrip()
    return start.startswith(b"{") or re.match(rb"\[\s*[{\]]", start) is not None


def decode(raw: bytes, source: str) -> str:
    """UTF-8 text (a leading byte-order mark dropped), or UTF-16 by its mark (as Windows
    PowerShell and Notepad save it); else one error naming line and byte.

    Raises:
        InvalidInput: the bytes are not UTF-8, nor UTF-16 after its mark.
    """
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return raw.decode("utf-16")
        except UnicodeDecodeError as error:
            raise InvalidInput(
                f"{source}: not UTF-16 text past byte {error.start:,} though it opens with"
                " UTF-16's byte-order mark (cut short?); save the file as UTF-8"
            ) from None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        if (what := not_csv(raw[:512])) is not None:
            raise InvalidInput(f"{source}: {what}") from None
        line = raw[: error.start].count(b"\n") + 1
        byte = raw[error.start : error.start + 1].hex()
        raise InvalidInput(
            f"{source}:{line}: not UTF-8 text (byte 0x{byte}); save the file as UTF-8"
        ) from None


def check_utf8(path: Path, *, chunk: int = 1 << 20) -> None:
    """Refuse a file that is not UTF-8 text, reading it in chunks (for large exports).

    Raises:
        InvalidInput: naming the line of the first byte that is not UTF-8.
    """
    decoder = codecs.getincrementaldecoder("utf-8")()
    line = 1
    with open_input(path, name="export_bytes") as handle:
        while True:
            block = handle.read(chunk)
            try:
                decoder.decode(block, final=not block)
            except UnicodeDecodeError as error:
                if line == 1 and (what := not_csv(block[:512])) is not None:
                    raise InvalidInput(f"{path}: {what}") from None
                at = line + block[: max(error.start, 0)].count(b"\n")
                raise InvalidInput(f"{path}:{at}: not UTF-8 text; save the file as UTF-8") from None
            if not block:
                return
            line += block.count(b"\n")


def read_text(path: Path, *, name: str = "file_bytes") -> str:
    """A regular file's UTF-8 text, within the size limit `name`."""
    return decode(read_bytes(path, name=name), str(path))


def read_stdin() -> str:
    """Standard input as text; a closed or missing stdin is one clear error."""
    stream = sys.stdin
    bound = limits().file_bytes
    try:
        if stream is None or stream.closed:
            raise ValueError("closed")
        buffer = getattr(stream, "buffer", None)
        if buffer is not None:
            data: bytes | str | None = _read_bounded(buffer, bound, first=_CHUNK)
        else:  # a text stream (a notebook, a test): read in pieces as well
            pieces: list[str] = []
            total = 0
            while (piece := stream.read(_CHUNK)) and total <= bound:
                pieces.append(piece)
                total += len(piece)
            data = "".join(pieces) if total <= bound else None
    except (OSError, ValueError):
        raise InvalidInput("<stdin>: cannot read standard input (it is closed)") from None
    if data is None:
        raise InvalidInput(f"<stdin>: more than {bound:,} bytes ({limits().hint('file_bytes')})")
    return decode(data, "<stdin>") if isinstance(data, bytes) else data


class _Refused(ValueError):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def loads(text: str, source: str, *, line: int | None = None) -> Any:
    """Parse JSON within the limits; a duplicate key, deep nesting or huge integer is an error.

    `line` is the line the text starts on (JSON Lines), used in messages.

    Raises:
        InvalidInput: `source[:line]: not valid JSON: ...` or the limit that was hit.
    """
    bound = limits()
    if not text.strip():
        raise InvalidInput(f"{source}: the file is empty; expected JSON")

    def where(lineno: int | None) -> str:
        at = (line or 1) + (lineno or 1) - 1 if line is not None or lineno else None
        return f"{source}:{at}" if at is not None else source

    try:
        data = json.loads(text, object_pairs_hook=_unique, parse_int=_integer(bound))
    except json.JSONDecodeError as error:
        raise InvalidInput(
            f"{where(error.lineno)}: not valid JSON: {error.msg} (column {error.colno})"
        ) from None
    except _Refused as error:
        raise InvalidInput(f"{where(None)}: {error.message}") from None
    except RecursionError:
        deeper = f"JSON nested deeper than {bound.json_depth}"
        raise InvalidInput(f"{where(None)}: {deeper} ({bound.hint('json_depth')})") from None
    deepest = _depth(data)
    if deepest > bound.json_depth:
        raise InvalidInput(
            f"{where(None)}: JSON nested {deepest} deep ({bound.hint('json_depth')})"
        ) from None
    return data


def _unique(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise _Refused(f"key {key!r} appears twice in one object (which one is meant?)")
        out[key] = value
    return out


def _integer(bound: Limits) -> Any:
    def parse(text: str) -> int:
        digits = len(text.lstrip("-"))
        if digits > bound.number_digits:
            raise _Refused(
                f"an integer of {digits:,} digits is too long ({bound.hint('number_digits')})"
            )
        return int(text)

    return parse


def _depth(data: Any) -> int:
    """Nesting depth of parsed JSON, walked without recursion."""
    deepest = 0
    stack: list[tuple[Any, int]] = [(data, 1)]
    while stack:
        item, level = stack.pop()
        if isinstance(item, dict):
            item = list(item.values())
        if isinstance(item, list):
            deepest = max(deepest, level)
            stack.extend((child, level + 1) for child in item)
    return deepest

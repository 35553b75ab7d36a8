"""Day numbers of a date column written at one fixed width, read from its bytes.

Exports write dates one way throughout ('04/27/2017' under '%m/%d/%Y'). When every cell
of a column has the width the format gives it, a digit wherever the format has one and
its separators everywhere else, the date is read from the bytes two at a time: each pair
looks up its part of a key (year, month and day, each at its own place, so the key
is one date's alone), and the key looks up the day number of a real date from 1900 on.
A cell of any other shape, or a day its month does not have, leaves the column to the
parsers (`_parse.days`), which read such a column as they read any other: this reads the
usual column in a few passes, where encoding its distinct values first hashes every cell.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import Any

import numpy as np
import pyarrow as pa

FIRST_YEAR = 1900
"""The first year read here (`_parse.EARLIEST_YEAR`: earlier ones are misreads)."""
_YEARS = 300
_DAY, _MONTH, _YEAR = 1, 40, 800
"""Places of day (0-39), month (0-19) and year in the key: no field reaches the next."""
_FAR = -(2**50)
"""A key part of a byte the format has no place for: the key falls out of the table."""
_NONE = -(2**40)
"""The day number of a key no date has (a 13th month, a 31st of April): before any other."""
_FIELDS = {"Y": (4, _YEAR, 9), "m": (2, _MONTH, 1), "d": (2, _DAY, 3)}
"""Directive -> (digits, place in the key, the highest first digit)."""
_TOKEN = re.compile(r"%[Ymd]|[^%]")


@dataclass(frozen=True, slots=True)
class _Layout:
    """Where a fixed-width format's digits sit: a table per pair of bytes."""

    width: int
    pairs: tuple[Any, ...]  # per pair: int64 key part of each of the 65,536 two-byte values


def fixed_days(text: Any, fmt: str) -> Any | None:
    """int64 day numbers of `text` when every cell is `fmt` at its fixed width, else None."""
    layout = _layout(fmt)
    if layout is None or text.null_count or not len(text) or not pa.types.is_string(text.type):
        return None
    width, count = layout.width, len(text)
    _, offsets, data = text.buffers()
    ends = np.frombuffer(offsets, dtype=np.int32, count=count + 1, offset=4 * text.offset)
    low = int(ends[0])
    if int(ends[-1]) - low != width * count or (np.diff(ends) != width).any():
        return None
    cells = np.frombuffer(data, dtype=np.uint8, count=width * count, offset=low)
    pairs = cells.reshape(count, width).view("<u2")  # (first byte low, second high)
    key = layout.pairs[0].take(pairs[:, 0])
    for at in range(1, width // 2):
        key += layout.pairs[at].take(pairs[:, at])
    table = _days()
    if int(key.min()) < 0 or int(key.max()) >= len(table):
        return None
    found = table.take(key)
    return None if int(found.min()) == _NONE else found


@functools.cache
def _layout(fmt: str) -> _Layout | None:
    """The pair tables of a format of %Y, %m, %d and single characters (None: another)."""
    tokens = _TOKEN.findall(fmt)
    if "".join(tokens) != fmt or sorted(t for t in tokens if t.startswith("%")) != [
        "%Y",
        "%d",
        "%m",
    ]:
        return None
    byte = np.arange(256)
    digit = (byte >= ord("0")) & (byte <= ord("9"))
    parts: list[Any] = []  # per byte of a cell: key part of each byte value
    for token in tokens:
        if not token.startswith("%"):
            if not token.isascii():
                return None
            parts.append(np.where(byte == ord(token), 0, _FAR))
            continue
        digits, place, highest = _FIELDS[token[1]]
        for at in range(digits):
            weight = place * 10 ** (digits - 1 - at)
            allowed = digit & ((byte - ord("0") <= highest) if at == 0 else True)
            parts.append(np.where(allowed, (byte - ord("0")) * weight, _FAR))
    if len(parts) % 2:
        return None
    parts[0] = parts[0] - FIRST_YEAR * _YEAR
    pairs = tuple(
        (parts[at][:, None] + parts[at + 1][None, :]).T.reshape(-1).astype(np.int64)
        for at in range(0, len(parts), 2)
    )
    return _Layout(len(parts), pairs)


@functools.cache
def _days() -> Any:
    """Day number (since 1970-01-01) of each key's date, _NONE where there is no such day."""
    key = np.arange(_YEARS * _YEAR)
    year, month, day = FIRST_YEAR + key // _YEAR, (key % _YEAR) // _MONTH, key % _MONTH
    real = (month >= 1) & (month <= 12) & (day >= 1)
    first = (year - 1970) * 12 + np.clip(month, 1, 12) - 1
    start = first.astype("datetime64[M]").astype("datetime64[D]").astype(np.int64)
    following = (first + 1).astype("datetime64[M]").astype("datetime64[D]").astype(np.int64)
    real &= day <= following - start
    return np.where(real, start + day - 1, _NONE).astype(np.int64)

"""Vectorized cell parsing: text arrays -> day numbers, amounts and integer keys.

Each parser returns numpy arrays plus a mask of cells that held text but did not parse,
so the caller decides whether a bad cell skips its row or only drops that field.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

NO_DAY = -(2**40)
"""Day number of an empty or unreadable date (far before any real one)."""
_NUMBER = r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$"


def days(text: Any, formats: tuple[str, ...]) -> tuple[Any, Any]:
    """(day numbers, NO_DAY where empty or bad; mask of cells that did not parse)."""
    parsed = None
    for fmt in formats:  # later formats only for the cells earlier ones left unread
        rest = text if parsed is None else pc.if_else(pc.is_valid(parsed), None, text)
        attempt = pc.strptime(rest, format=fmt, unit="s", error_is_null=True)
        parsed = attempt if parsed is None else pc.coalesce(parsed, attempt)
        if pc.all(pc.or_(pc.is_valid(parsed), pc.is_null(text))).as_py():
            break
    numbers = pc.cast(pc.cast(parsed, pa.date32()), pa.int32()).to_numpy(zero_copy_only=False)
    got = pc.is_valid(parsed).to_numpy(zero_copy_only=False)
    out = np.where(got, np.nan_to_num(numbers, nan=0).astype(np.int64), NO_DAY)
    return out, pc.is_valid(text).to_numpy(zero_copy_only=False) & ~got


def amounts(text: Any) -> tuple[Any, Any]:
    """(floats, NaN where empty or bad; mask of cells that did not parse). '$1,200.50' reads."""
    try:  # the usual case, plain numbers throughout, needs no pattern matching
        plain = pc.cast(text, pa.float64()).to_numpy(zero_copy_only=False)
    except pa.ArrowInvalid:
        pass
    else:
        finite = np.isfinite(plain) | np.isnan(plain) & ~pc.is_valid(text).to_numpy(
            zero_copy_only=False
        )
        if finite.all():
            return np.asarray(plain, dtype=np.float64), np.zeros(len(plain), dtype=bool)
    cleaned = pc.replace_substring_regex(text, r"[$,\s]", "")
    good = pc.fill_null(pc.match_substring_regex(cleaned, _NUMBER), False)
    valid = pc.if_else(good, cleaned, pa.scalar(None, pa.string()))
    values = np.array(pc.cast(valid, pa.float64()).to_numpy(zero_copy_only=False), np.float64)
    bad = pc.is_valid(text).to_numpy(zero_copy_only=False) & ~good.to_numpy(zero_copy_only=False)
    huge = np.isinf(values)  # '1e999' reads as infinity: no amount of money, a bad cell
    values[huge] = np.nan
    return values, bad | huge


def member(text: Any, values: tuple[str, ...]) -> Any:
    """Boolean numpy mask: the cell is one of `values`."""
    hit = pc.is_in(text, value_set=pa.array(values, pa.string()))
    return pc.fill_null(hit, False).to_numpy(zero_copy_only=False)


def present(text: Any) -> Any:
    """Boolean numpy mask: the cell holds text."""
    return pc.is_valid(text).to_numpy(zero_copy_only=False)


@dataclass(slots=True)
class Keys:
    """Text values (rep names, accounts) numbered in order of first appearance."""

    ids: dict[str, int] = field(default_factory=dict)

    def codes(self, text: Any) -> Any:
        """int64 numpy codes for a text array, -1 where empty."""
        encoded = pc.dictionary_encode(text)
        if isinstance(encoded, pa.ChunkedArray):
            encoded = encoded.combine_chunks()
        local = np.array(
            [self.ids.setdefault(v, len(self.ids)) for v in encoded.dictionary.to_pylist()],
            dtype=np.int64,
        )
        index = pc.fill_null(encoded.indices, -1).to_numpy(zero_copy_only=False)
        return np.where(index >= 0, local[np.maximum(index, 0)] if len(local) else -1, -1)

    def names(self) -> list[str]:
        """Every name, by code."""
        return list(self.ids)


_CLOCK = r"^(?:(?P<h>\d+):)?(?P<m>\d+):(?P<s>\d+(?:\.\d*)?)$"
_PER_MINUTE = {"milliseconds": 60_000.0, "seconds": 60.0, "minutes": 1.0}


def minutes(text: Any, unit: str) -> tuple[Any, Any]:
    """(minutes, NaN where empty or bad; bad mask): numbers in `unit`, or h:mm:ss / m:ss."""
    number, bad = amounts(text)
    value = number / _PER_MINUTE[unit]
    clock = pc.fill_null(pc.match_substring_regex(text, _CLOCK), False) if bad.any() else None
    if clock is not None and pc.any(clock).as_py():
        parts = pc.extract_regex(pc.if_else(clock, text, "0:0"), _CLOCK)
        h, m, s = (
            pc.cast(
                pc.if_else(pc.equal(pc.struct_field(parts, f), ""), "0", pc.struct_field(parts, f)),
                pa.float64(),
            ).to_numpy(zero_copy_only=False)
            for f in ("h", "m", "s")
        )
        on_clock = clock.to_numpy(zero_copy_only=False)
        value = np.where(on_clock, h * 60 + m + s / 60, value)
        bad = bad & ~on_clock
    bad = bad | (value < 0)
    return np.where(bad, np.nan, value), bad

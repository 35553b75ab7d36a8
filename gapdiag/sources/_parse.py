"""Vectorized cell parsing: text arrays -> day numbers, amounts and integer keys.

Each parser returns numpy arrays plus a mask of cells that held text but did not parse,
so the caller decides whether a bad cell skips its row or only drops that field.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from gapdiag.sources._fixed_dates import fixed_days
from gapdiag.sources._money import amounts
from gapdiag.sources.crm import SEPARATORS, folded

__all__ = [
    "NO_DAY",
    "Distinct",
    "Keys",
    "amounts",
    "date_reason",
    "days",
    "flags",
    "member",
    "minutes",
    "present",
    "values_of",
]

NO_DAY = -(2**40)
"""Day number of an empty or unreadable date (far before any real one)."""


@dataclass(frozen=True, slots=True)
class Distinct:
    """A text array as its distinct values and, per cell, the index of its value (-1: empty).

    Export columns of names, stages and dates repeat a few values over many rows: a cell's
    meaning is worked out once per distinct value and spread to the rows by index.
    """

    values: Any  # pyarrow string array of the distinct non-empty values
    index: Any  # numpy integers, one per cell
    full: bool  # no cell is empty (no -1 in index)

    @classmethod
    def of(cls, text: Any) -> Distinct:
        """The distinct values of `text` (remembered for the last few arrays asked about)."""
        global _RECENT
        recent = _RECENT
        for seen, known in recent:
            if seen is text:
                return known
        encoded = pc.dictionary_encode(text)
        if isinstance(encoded, pa.ChunkedArray):
            encoded = encoded.combine_chunks()
        full = not encoded.null_count
        indices = encoded.indices if full else pc.fill_null(encoded.indices, -1)
        found = cls(encoded.dictionary, indices.to_numpy(zero_copy_only=False), full)
        _RECENT = ((text, found), *recent[: _REMEMBERED - 1])  # one assignment: thread-safe
        return found

    @staticmethod
    def known(text: Any) -> Distinct | None:
        """The encoding of `text` if it is remembered (nothing is encoded to answer)."""
        for seen, found in _RECENT:
            if seen is text:
                return found
        return None

    @staticmethod
    def forget() -> None:
        """Let go of the encodings remembered (a block read: its arrays can be freed)."""
        global _RECENT
        _RECENT = ()

    def spread(self, per_value: Any, empty: Any) -> Any:
        """Per cell: `per_value` at its value's index, `empty` where the cell is empty."""
        per_value = np.asarray(per_value)
        if not len(per_value):
            return np.full(len(self.index), empty, dtype=np.result_type(per_value, empty))
        if self.full:
            return per_value.take(self.index)  # (`take` is about twice as quick as indexing)
        return np.where(self.index >= 0, per_value.take(np.maximum(self.index, 0)), empty)


_RECENT: tuple[tuple[Any, Distinct], ...] = ()
_REMEMBERED = 8
"""Arrays whose encoding is remembered: a block's columns, encoded when trimmed (`_columnar`)
and looked at again by the reader of the block's rows."""
_SAMPLE_CELLS = 2_000
"""Cells looked at to decide whether a column repeats its values enough to work per value."""


def _repeats(text: Any) -> bool:
    """Whether `text` has far fewer distinct values than cells (judged on a sample)."""
    if len(text) < 4 * _SAMPLE_CELLS:
        return False
    sample = text.slice(0, _SAMPLE_CELLS)
    return len(pc.unique(sample)) <= _SAMPLE_CELLS // 4


def values_of(text: Any) -> Any:
    """The distinct values of `text` when it repeats a few (then remembered), else `text`."""
    return Distinct.of(text).values if _repeats(text) else text


def days(text: Any, formats: tuple[str, ...]) -> tuple[Any, Any]:
    """(day numbers, NO_DAY where empty or bad; mask of cells that did not parse).

    When at least SWAP_SHARE of the cells are unread and every one of them is read by a
    format with day and month swapped (a day-first export under a month-first mapping),
    the cells that format did read are bad too: '05/01/2021' in such a file is the 5th of
    January, not the 1st of May.
    """
    if formats and (fixed := fixed_days(text, formats[0])) is not None:  # the usual column
        return fixed, np.zeros(len(fixed), dtype=bool)
    if Distinct.known(text) is not None or _repeats(text):  # dates repeat: each read once
        distinct = Distinct.of(text)
        numbers = _known_days(distinct.values, formats)
        if numbers is not None:  # every value read before, each the same alone as among others
            return distinct.spread(numbers, NO_DAY), np.zeros(len(distinct.index), dtype=bool)
        numbers, got, by_format = _read_days(distinct.values, formats)
        if got.all():  # the usual column: every date read (so none is doubted)
            _remember_days(distinct.values, numbers, formats)
            return distinct.spread(numbers, NO_DAY), np.zeros(len(distinct.index), dtype=bool)
        given = distinct.index >= 0
        bad = distinct.spread(~got, False)
        if bad.sum() >= SWAP_SHARE * given.sum():  # a typo does not doubt a column
            doubt = _swapped_order(distinct.values, ~got, by_format)
            got &= ~doubt
            bad |= distinct.spread(doubt, False)
        return distinct.spread(np.where(got, numbers, NO_DAY), NO_DAY), bad
    numbers, got, by_format = _read_days(text, formats)
    given = pc.is_valid(text).to_numpy(zero_copy_only=False)
    bad = given & ~got
    if bad.sum() >= SWAP_SHARE * given.sum():
        got &= ~_swapped_order(text, bad, by_format)
        bad = given & ~got
    return np.where(got, numbers, NO_DAY), bad


_KNOWN_DAYS: dict[tuple[str, ...], dict[str, int]] = {}
"""Date formats -> text -> day number, of the dates read so far in columns read whole:
an export's blocks repeat most of each other's dates."""
_KNOWN_MOST = 100_000


def _known_days(values: Any, formats: tuple[str, ...]) -> Any:
    """Day numbers of `values` when every one was read before under `formats`, else None."""
    known = _KNOWN_DAYS.get(formats)
    if not known:
        return None
    try:
        return np.array([known[value] for value in values.to_pylist()], dtype=np.int64)
    except KeyError:
        return None


def _remember_days(values: Any, numbers: Any, formats: tuple[str, ...]) -> None:
    """Keep the day numbers of `values`, every one read (the table starts again when full)."""
    known = _KNOWN_DAYS.setdefault(formats, {})
    if len(known) > _KNOWN_MOST:
        known.clear()
    known.update(zip(values.to_pylist(), numbers.tolist(), strict=True))


def _read_days(text: Any, formats: tuple[str, ...]) -> tuple[Any, Any, list[tuple[str, Any]]]:
    """(day numbers, 0 where unread; mask of cells read; each format's mask of cells it read)."""
    parsed = None
    by_format: list[tuple[str, Any]] = []
    for fmt in formats:  # later formats only for the cells earlier ones left unread
        rest = text if parsed is None else pc.if_else(pc.is_valid(parsed), None, text)
        attempt = _read(rest, fmt)
        by_format.append((fmt, pc.is_valid(attempt).to_numpy(zero_copy_only=False)))
        parsed = attempt if parsed is None else pc.coalesce(parsed, attempt)
        if pc.all(pc.or_(pc.is_valid(parsed), pc.is_null(text))).as_py():
            break
    if parsed is None or not pc.all(pc.or_(pc.is_valid(parsed), pc.is_null(text))).as_py():
        parsed = _iso(text, parsed)
    numbers = pc.cast(pc.cast(parsed, pa.date32()), pa.int32()).to_numpy(zero_copy_only=False)
    got = pc.is_valid(parsed).to_numpy(zero_copy_only=False)
    return np.nan_to_num(numbers, nan=0).astype(np.int64), got, by_format


_ISO = r"^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?(Z|[+-]\d{2}:?\d{2})?$"


def _iso(text: Any, parsed: Any) -> Any:
    """Cells no format read that are ISO 8601 dates or timestamps, read by their date part.

    ISO 8601 is unambiguous, so it is read whatever the mapping says: API-built and
    re-saved exports write '2024-03-07T14:05:00Z'.
    """
    iso = pc.fill_null(pc.match_substring_regex(text, _ISO), False)
    if parsed is not None:
        iso = pc.and_(iso, pc.is_null(parsed))
    day = pc.utf8_slice_codeunits(pc.if_else(iso, text, pa.scalar(None, pa.string())), 0, 10)
    attempt = _read(day, "%Y-%m-%d")
    return attempt if parsed is None else pc.coalesce(parsed, attempt)


SWAP_SHARE = 0.2
"""Share of a block's dates that must fail, and read day-first, before the rest are doubted.

In a day-first column about 60% of dates have a day past the 12th; one typo in a
month-first column is far below this."""


def _swapped_order(text: Any, bad: Any, by_format: list[tuple[str, Any]]) -> Any:
    """Mask of cells read by a format whose day/month swap reads every bad cell."""
    cells = pc.filter(text, pa.array(bad))
    doubt = np.zeros(len(bad), dtype=bool)
    for fmt, read in by_format:
        swap = fmt.replace("%m", "\0").replace("%d", "%m").replace("\0", "%d")
        if swap == fmt:
            continue
        other = _read(cells, swap)
        if pc.all(pc.is_valid(other)).as_py():
            doubt |= read
    return doubt


EARLIEST_YEAR = 1900
"""A parsed year before this is a misread ('20-10-16' as year 20 by '%Y-%m-%d'), not a date."""


def _read(text: Any, fmt: str) -> Any:
    """Timestamps of the cells `fmt` reads as a real, plausible date; null for the rest."""
    return _real_days(
        text, _plausible(pc.strptime(text, format=fmt, unit="s", error_is_null=True)), fmt
    )


_DIRECTIVE = re.compile(r"%(.)")
_NUMERIC = frozenset("YymdHIMS")  # directives written as digits
_WORDS = frozenset("bBaAp%")  # directives written as words (or a '%')


def _real_days(text: Any, parsed: Any, fmt: str) -> Any:
    """`parsed` with null where the text names a day its month does not have.

    Arrow's strptime reads '04/31/2017' as 1 May and '2017-02-30' as 2 March; such a
    day lands on the 1st to the 3rd of the next month, so only those are checked: the
    day the text wrote (its digits, by the position of ``%d`` among the format's numeric
    fields) must be the day read. A format whose numbers touch ('%Y%m%d') is checked by
    Python's strptime, which refuses such days itself.
    """
    directives = _DIRECTIVE.findall(fmt)
    if "d" not in directives:
        return parsed
    day = pc.day(parsed)
    suspect = pc.fill_null(pc.less_equal(day, 3), False)
    if not pc.any(suspect).as_py():
        return parsed
    cells, read = pc.filter(text, suspect), pc.filter(day, suspect)  # about a tenth
    if set(directives) <= _NUMERIC | _WORDS and not _TOUCHING.search(fmt):
        position = [d for d in directives if d in _NUMERIC].index("d")
        pattern = rf"^\D*(?:\d+\D+){{{position}}}(?P<d>\d+)"
        written = pc.cast(pc.struct_field(pc.extract_regex(cells, pattern), "d"), pa.int64())
        moved = pc.fill_null(pc.not_equal(written, read), True).to_numpy(zero_copy_only=False)
    else:
        moved = np.array([not _python_reads(cell, fmt) for cell in cells.to_pylist()], bool)
    if not moved.any():
        return parsed
    wrong = np.zeros(len(parsed), dtype=bool)
    wrong[np.flatnonzero(suspect.to_numpy(zero_copy_only=False))[moved]] = True
    return pc.if_else(pa.array(wrong), pa.scalar(None, parsed.type), parsed)


_TOUCHING = re.compile(r"%[YymdHIMS]%[YymdHIMS]")


def _python_reads(cell: str, fmt: str) -> bool:
    try:
        datetime.strptime(cell, fmt)
    except ValueError:
        return False
    return True


def _plausible(parsed: Any) -> Any:
    """The parsed timestamps, null where the year has fewer than four digits' worth."""
    early = pc.fill_null(pc.less(pc.year(parsed), EARLIEST_YEAR), False)
    return pc.if_else(early, pa.scalar(None, parsed.type), parsed)


_GUESSES = (
    "%d-%m-%y",
    "%d/%m/%Y",
    "%d/%m/%Y %H:%M",
    "%m/%d/%y",
    "%d/%m/%y",
    "%d.%m.%Y",
    "%d-%m-%Y",
    "%Y/%m/%d",
    "%m/%d/%Y %H:%M",  # Excel (en-US) re-saving a date-time: 1/8/2024 9:14
    "%b %d, %Y",  # Mar 7, 2024
    "%d-%b-%y",  # 7-Mar-24, Excel's default short date with a month name
    "%d %b %Y",  # 07 Mar 2024
)
_SAMPLE = datetime(2017, 3, 31, 14, 5)


def date_reason(text: Any, bad: Any, formats: tuple[str, ...]) -> str:
    """'is not a date like 2017-03-31', and the formats that read every bad cell, if any."""
    expected = " or ".join(dict.fromkeys(_SAMPLE.strftime(f) for f in formats))
    cells = pc.filter(text, pa.array(bad))
    fits = [
        f
        for f in _GUESSES
        if f not in formats and len(cells) and pc.all(pc.is_valid(_read(cells, f))).as_py()
    ]
    hint = (
        f" (they read as {' or '.join(fits)}: list it in date_formats in a mapping)" if fits else ""
    )
    if not fits and _impossible(cells, formats):
        hint = " (or names a day its month does not have, such as 31 April)"
    return f"is not a date like {expected}{hint}"


def _impossible(cells: Any, formats: tuple[str, ...]) -> bool:
    """Whether some cell has a date's shape but a day its month does not have."""
    for fmt in formats:
        rolled = _plausible(pc.strptime(cells, format=fmt, unit="s", error_is_null=True))
        if pc.any(pc.and_(pc.is_valid(rolled), pc.is_null(_read(cells, fmt)))).as_py():
            return True
    return False


def flags(text: Any, forms: Sequence[tuple[str, str]]) -> tuple[Any, Any, list[str]]:
    """(booleans, mask of cells that are neither, those cells' distinct values, sorted).

    `forms` are the (yes, no) cells of the flag forms allowed (`crm.FLAG_FORMS`), any
    case; an empty cell is no only when a form writes no as empty.
    """
    trues = sorted({true for true, _ in forms})
    falses = sorted({false for _, false in forms if false})
    lower = pc.utf8_lower(text)
    true = pc.fill_null(pc.is_in(lower, value_set=pa.array(trues, pa.string())), False)
    false = pc.fill_null(pc.is_in(lower, value_set=pa.array(falses, pa.string())), False)
    if any(not no for _, no in forms):
        false = pc.or_(false, pc.is_null(text))
    bad = ~pc.or_(true, false).to_numpy(zero_copy_only=False)
    found = pc.unique(pc.filter(pc.fill_null(text, ""), pa.array(bad))) if bad.any() else []
    return true.to_numpy(zero_copy_only=False), bad, sorted(str(v) for v in found)


def member(text: Any, values: tuple[str, ...]) -> Any:
    """Boolean numpy mask: the cell is one of `values`, ignoring case, spaces, '_' and '-'.

    So 'Closed Won', 'closed-won' and HubSpot's internal 'closedwon' are one value. Worked
    out once per distinct value: a column read this way (a stage, a type) holds few.
    """
    distinct = Distinct.of(text)
    return distinct.spread(_member(distinct.values, values), False)


def _member(text: Any, values: tuple[str, ...]) -> Any:
    hit = pc.fill_null(pc.is_in(text, value_set=pa.array(values, pa.string())), False)
    if pc.all(pc.or_(hit, pc.is_null(text))).as_py():
        return hit.to_numpy(zero_copy_only=False)
    lower = pa.array(sorted({v.lower() for v in values}), pa.string())
    hit = pc.or_(hit, pc.fill_null(pc.is_in(pc.utf8_lower(text), value_set=lower), False))
    if pc.all(pc.or_(hit, pc.is_null(text))).as_py():
        return hit.to_numpy(zero_copy_only=False)
    bare = pa.array(sorted({folded(v) for v in values}), pa.string())
    squeezed = pc.replace_substring_regex(pc.utf8_lower(text), SEPARATORS, "")
    return pc.or_(hit, pc.fill_null(pc.is_in(squeezed, value_set=bare), False)).to_numpy(
        zero_copy_only=False
    )


def present(text: Any) -> Any:
    """Boolean numpy mask: the cell holds text."""
    return pc.is_valid(text).to_numpy(zero_copy_only=False)


@dataclass(slots=True)
class Keys:
    """Text values (rep names, accounts) numbered in order of first appearance.

    Values that differ only in case, Unicode form or spacing ('Anna  Schmidt',
    'anna schmidt', a no-break space) are one key, named as first spelled: exports of
    different tools spell the same rep differently.
    """

    ids: dict[str, int] = field(default_factory=dict)
    spellings: list[str] = field(default_factory=list)

    def code(self, value: str) -> int:
        """The code of one value, numbering it if new."""
        key = " ".join(unicodedata.normalize("NFKC", value).casefold().split())
        if key not in self.ids:
            self.ids[key] = len(self.ids)
            self.spellings.append(value)
        return self.ids[key]

    def codes(self, text: Any) -> Any:
        """int64 numpy codes for a text array, -1 where empty."""
        distinct = Distinct.of(text)
        local = np.array([self.code(v) for v in distinct.values.to_pylist()], dtype=np.int64)
        return distinct.spread(local, -1)

    def names(self) -> list[str]:
        """Every name as first spelled, by code."""
        return list(self.spellings)


_CLOCK = r"^(?:(?P<h>\d+):)?(?P<m>\d+):(?P<s>\d+(?:\.\d*)?)$"
_PER_MINUTE = {"milliseconds": 60_000.0, "seconds": 60.0, "minutes": 1.0}


def minutes(text: Any, unit: str) -> tuple[Any, Any]:
    """(minutes, NaN where empty or bad; bad mask): numbers in `unit`, or h:mm:ss / m:ss.

    Under the unit `minutes` a two-part clock is h:mm, not m:ss: a column counted in
    minutes writes its hours and minutes (Pipedrive's `00:30` is half an hour).
    """
    number, bad = amounts(text)
    value = number / _PER_MINUTE[unit]
    clock = pc.fill_null(pc.match_substring_regex(text, _CLOCK), False) if bad.any() else None
    if clock is not None and pc.any(clock).as_py():
        parts = pc.extract_regex(pc.if_else(clock, text, "0:0"), _CLOCK)
        two = pc.equal(pc.struct_field(parts, "h"), "").to_numpy(zero_copy_only=False)
        h, m, s = (
            pc.cast(
                pc.if_else(pc.equal(pc.struct_field(parts, f), ""), "0", pc.struct_field(parts, f)),
                pa.float64(),
            ).to_numpy(zero_copy_only=False)
            for f in ("h", "m", "s")
        )
        on_clock = clock.to_numpy(zero_copy_only=False)
        read = h * 60 + m + s / 60
        if unit == "minutes":
            read = np.where(two, m * 60 + s, read)  # h:mm
        value = np.where(on_clock, read, value)
        bad = bad & ~on_clock
    bad = bad | (value < 0)
    return np.where(bad, np.nan, value), bad

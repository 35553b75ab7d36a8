"""Amount cells as exports write them: '$1,234.00', 'USD 1,234.00', '(1,200)', '1.234,56'.

A currency sign or ISO code around the number is dropped; parentheses mean negative.
Thousands and decimal separators are read by their shape, never guessed into a wrong
value: '1,234.50' and '1.234,50' are both 1234.5, '12,5' is 12.5. A cell whose shape
fits both conventions ('1,234', '1.234') follows the block's other cells: European when
only European cells are unambiguous, US otherwise; with both kinds present it is bad.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

_NUMBER = r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$"
_MARK = r"[A-Z]{0,3}\$|[€£¥₹₩₽₺₪₫฿₱]|[A-Z]{3}|kr\.?|zł|Kč|Fr\.|Rs\.?"
"""A currency sign or code: $, R$ and A$, €, ₹..., an ISO code, and the letters some locales
write (Swedish and Danish 'kr', Polish 'zł', Czech 'Kč', Swiss 'Fr.', Indian 'Rs.')."""
_SIGN = rf"^([+-]?)(?:{_MARK})\s*|\s*(?:{_MARK})$"
_SPACES = "[\\s\u00a0\u202f']"  # thousands spaces (fr), apostrophes (ch)
_US = r"^[+-]?(\d{1,3}(,\d{3})+|\d{1,2}(,\d{2})+,\d{3})(\.\d*)?$"  # or 1,25,000 (en-IN)
_EU = r"^[+-]?(\d{1,3}(\.\d{3})+(,\d*)?|\d+,\d{1,2}|\d+,\d{4,})$"
_EITHER = r"^[+-]?\d{1,3}[.,]\d{3}$"


def amounts(text: Any) -> tuple[Any, Any]:
    """(floats, NaN where empty or bad; mask of cells that did not parse)."""
    if pa.types.is_floating(text.type):  # read as numbers (see `plain_only`)
        return text.to_numpy(zero_copy_only=False), np.zeros(len(text), dtype=bool)
    try:  # the usual case, plain numbers throughout, needs no pattern matching
        plain = pc.cast(text, pa.float64()).to_numpy(zero_copy_only=False)
    except pa.ArrowInvalid:
        pass
    else:
        if not text.null_count and np.isfinite(plain).all():  # (no empty cell)
            return np.asarray(plain, dtype=np.float64), np.zeros(len(plain), dtype=bool)
        given = pc.is_valid(text).to_numpy(zero_copy_only=False)
        if (np.isfinite(plain) | np.isnan(plain) & ~given).all():
            return np.asarray(plain, dtype=np.float64), np.zeros(len(plain), dtype=bool)
    return _patterned(text)


def plain_only(numbers: Any, values: Any) -> bool:
    """Whether amounts read as numbers (`values` of the arrow array `numbers`) need no text.

    A cell read as infinity or not-a-number is a bad cell, and a negative one a skipped
    cell: each is named with its text, so its file is read again as text.
    """
    return bool(np.isfinite(values).sum() == len(numbers) - numbers.null_count) and not bool(
        (values < 0).any()
    )


def _patterned(text: Any) -> tuple[Any, Any]:
    bare = pc.replace_substring_regex(pc.utf8_trim_whitespace(text), _SIGN, r"\1")
    negative = _mask(bare, r"^\(.*\)$")
    bare = pc.replace_substring_regex(bare, r"^\((.*)\)$", r"\1")
    bare = pc.replace_substring_regex(bare, _SIGN, r"\1")  # ($1,200.00)
    bare = pc.replace_substring_regex(bare, _SPACES, "")
    either = _mask(bare, _EITHER)
    us, eu = _mask(bare, _US) & ~either, _mask(bare, _EU) & ~either
    european = bool(eu.any()) and not us.any()
    mixed = bool(eu.any()) and bool(us.any())
    eu_cells = pc.replace_substring(pc.replace_substring(bare, ".", ""), ",", ".")
    us_cells = pc.replace_substring(bare, ",", "")
    use_eu = pa.array(eu | (either & european))
    cleaned = pc.if_else(use_eu, eu_cells, pc.if_else(pa.array(us | either), us_cells, bare))
    good = _mask(cleaned, _NUMBER) & ~(either & mixed)
    valid = pc.if_else(pa.array(good), cleaned, pa.scalar(None, pa.string()))
    values = np.array(pc.cast(valid, pa.float64()).to_numpy(zero_copy_only=False), np.float64)
    values = np.where(negative, -values, values)
    bad = pc.is_valid(text).to_numpy(zero_copy_only=False) & ~good
    huge = np.isinf(values)  # '1e999' reads as infinity: no amount of money, a bad cell
    values[huge | bad] = np.nan
    return values, bad | huge


def _mask(text: Any, pattern: str) -> Any:
    return pc.fill_null(pc.match_substring_regex(text, pattern), False).to_numpy(
        zero_copy_only=False
    )


_CURRENCY = rf"^[+-]?\(?(?P<a>{_MARK})|(?P<b>{_MARK})\)?$"
_SYMBOLS = {
    "$": "USD",
    "US$": "USD",
    "€": "EUR",
    "£": "GBP",
    "¥": "JPY",
    "R$": "BRL",
    "A$": "AUD",
    "C$": "CAD",
    "NZ$": "NZD",
    "HK$": "HKD",
    "S$": "SGD",
    "₹": "INR",
    "Rs": "INR",
    "Rs.": "INR",
    "₩": "KRW",
    "zł": "PLN",
    "Kč": "CZK",
    "Fr.": "CHF",
}
"""Signs read as their ISO code, so '€5' and 'EUR 7' are one currency ('kr' stays itself)."""


def other_currency(text: Any) -> tuple[Any, str, dict[str, int]]:
    """(mask of cells in another currency than most, that currency, other currencies' counts).

    A multi-currency export writes each amount in its deal's currency ('EUR 12,400.00',
    'USD 3,100.00'); summing them would mix money. Cells without a sign or code agree
    with any currency.
    """
    if pa.types.is_floating(text.type) or not _may_be_marked(text):
        return np.zeros(len(text), dtype=bool), "", {}
    trimmed = pc.utf8_trim_whitespace(text)
    if not pc.any(pc.fill_null(pc.match_substring_regex(trimmed, _CURRENCY), False)).as_py():
        return np.zeros(len(text), dtype=bool), "", {}
    parts = pc.extract_regex(trimmed, _CURRENCY)
    found = pc.coalesce(
        *(
            pc.if_else(pc.equal(pc.struct_field(parts, f), ""), None, pc.struct_field(parts, f))
            for f in ("a", "b")
        )
    )
    for symbol, code in _SYMBOLS.items():
        found = pc.if_else(pc.fill_null(pc.equal(found, symbol), False), code, found)
    tally = pc.value_counts(pc.drop_null(found)).to_pylist()
    counts = {entry["values"]: entry["counts"] for entry in tally}
    main = max(sorted(counts), key=lambda c: counts[c])
    mask = pc.fill_null(pc.not_equal(found, main), False).to_numpy(zero_copy_only=False)
    return mask, main, {c: n for c, n in sorted(counts.items()) if c != main}


_MARKS = np.zeros(256, dtype=bool)
_MARKS[[*range(ord("A"), ord("Z") + 1), ord("$"), ord("k"), *range(0x80, 0x100)]] = True
"""Bytes a currency mark needs: a code's capitals, '$', 'k' of 'kr', or a non-ASCII sign's."""


def _may_be_marked(text: Any) -> bool:
    """False when no cell holds a byte any currency mark needs (plain numbers): one pass."""
    if not pa.types.is_string(text.type) or not len(text):
        return True
    _, offsets, data = text.buffers()
    if data is None:
        return False
    ends = np.frombuffer(offsets, dtype=np.int32)[text.offset : text.offset + len(text) + 1]
    raw = np.frombuffer(data, dtype=np.uint8)[ends[0] : ends[-1]]
    if raw.max(initial=0) < _FIRST_MARK and not (raw == _DOLLAR).any():
        return False  # the usual column: digits, signs, points and commas only
    return bool(_MARKS[raw].any())


_FIRST_MARK = ord("A")
"""Every byte a mark needs but '$' is at least this."""
_DOLLAR = ord("$")

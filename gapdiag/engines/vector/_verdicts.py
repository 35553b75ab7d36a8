"""Verdicts for many reps at once: certainty combination, statuses and the primary gap.

This mirrors ``assemble`` and ``verdicts`` step for step so every number is
bit-identical: certainty factors multiply into the doubt products in pack order (a rule
that did not fire multiplies by nothing, as it is skipped per rep; a supporting rule is
first weighed against the fired counters that name it), the combined value
is rounded exactly as Python's ``round`` does, statuses use the same cut-offs, a verdict
that only weak evidence (thin or proxy) would confirm stays suspected, a rep who is not
behind gets no confirmed verdict, and the primary gap (for a rep who is behind or of unknown
standing) is system when a system gap blocks a PIP, else the best-supported one among the
confirmed and suspected (ties in ``GAPS`` order).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from gapdiag.engines.vector._columns import Floats, Mask, Tri
from gapdiag.engines.vector._standing import BEHIND, ON_TRACK, UNKNOWN
from gapdiag.engines.verdicts import DIGITS
from gapdiag.model.gaps import CONFIRMED_AT, GAPS, SUSPECTED_AT, Gap, Status
from gapdiag.rulebook.rule import CompiledRule

STATUSES: tuple[Status, ...] = ("confirmed", "suspected", "unknown", "unlikely")
"""Status codes: the index into this tuple."""
Codes = npt.NDArray[np.int8]
WORD_BITS = 63
"""Rules per fired-bitmask column: int64 words, kept non-negative so every format keeps them."""


@dataclass(frozen=True, slots=True)
class Verdicts:
    """Per gap, the certainty, confidence and status code of every rep; the primary gap code."""

    certainty: dict[Gap, Floats]
    confidence: dict[Gap, Floats]
    status: dict[Gap, Codes]
    primary: Codes
    """Index into GAPS, or -1 for no primary gap."""
    leading: Codes
    """The gap the evidence points to first, whatever the standing (-1: none)."""
    blocks_pip: Mask
    """A system gap confirmed or suspected on measured evidence (not thin, not a proxy)."""
    capped: dict[Gap, Codes]
    """Per gap, why its status was held below what its certainty gives (`CAPS`)."""


CAPS: tuple[str | None, ...] = (None, "weak", "standing")
"""Cap codes: none; weak (thin or proxy) evidence cannot confirm; the standing."""


def verdicts(
    rules: Sequence[CompiledRule],
    outcomes: Sequence[Tri],
    size: int,
    weak: Sequence[Mask | None],
    standing: Codes,
) -> Verdicts:
    """Combine each rep's fired (and open) rules into verdicts, exactly as `assemble` does.

    `weak` holds, per rule, the reps for whom it reads a thin or proxy metric (None: none);
    `standing` each rep's standing code (``_standing.STANDING_CODES``).
    """
    not_behind = standing <= ON_TRACK
    unknown = standing == UNKNOWN
    certainty: dict[Gap, Floats] = {}
    confidence: dict[Gap, Floats] = {}
    status: dict[Gap, Codes] = {}
    blocks = np.zeros(size, bool)
    capped: dict[Gap, Codes] = {}
    with np.errstate(all="ignore"):
        for gap in GAPS:
            mine = [
                (r, o, w) for r, o, w in zip(rules, outcomes, weak, strict=True) if r.gap == gap
            ]
            pairs = [(r, o) for r, o, _ in mine]
            cert, possible = _combined(pairs, size)
            measured = [_measured(r, o, w) for r, o, w in mine]
            # with no thin or proxy evidence among these reps, measured is what fired
            same = all(m is o[0] for m, (_, o) in zip(measured, pairs, strict=True))
            strong = cert if same else _weigh(pairs, measured, size)
            certainty[gap] = cert
            confidence[gap] = np.where(cert < 0.0, 0.0, cert)  # max(cert, 0.0): -0.0 kept
            codes = _status(cert, possible)
            weak_cap = (codes == 0) & (strong < CONFIRMED_AT)
            codes = np.where(weak_cap, 1, codes)
            standing_cap = ((codes <= 1) & not_behind) | ((codes == 0) & unknown)
            codes = np.where((codes <= 1) & not_behind, 3, codes)  # nothing to explain
            codes = np.where((codes == 0) & unknown, 1, codes)
            status[gap] = codes.astype(np.int8)
            capped[gap] = np.where(standing_cap, 2, np.where(weak_cap, 1, 0)).astype(np.int8)
            if gap == "system":
                blocks = (codes <= 1) & (strong >= SUSPECTED_AT)
    found = np.stack([np.where(status[g] <= 1, confidence[g], -1.0) for g in GAPS])
    leading = np.argmax(found, axis=0)  # the first maximum: ties go in GAPS order
    named = np.max(found, axis=0) >= 0.0
    leading = np.where(blocks, GAPS.index("system"), leading)  # a measured system gap first
    pointed = np.where(named, leading, -1).astype(np.int8)
    primary = np.where(standing == BEHIND, pointed, -1).astype(np.int8)
    return Verdicts(certainty, confidence, status, primary, pointed, blocks, capped)


def _measured(rule: CompiledRule, outcome: Tri, weak: Mask | None) -> Mask:
    """Where a rule fired on measured data: its counter-evidence always counts."""
    true = outcome[0]
    if weak is None or rule.certainty < 0 or not weak.any():
        return true
    out: Mask = true & ~weak
    return out


def _combined(mine: list[tuple[CompiledRule, Tri]], size: int) -> tuple[Floats, Floats]:
    """(certainty, certainty if every open supporting rule fired), both rounded."""
    fired = [true for _, (true, _) in mine]
    assumed = [
        true | (~(true | false) if rule.certainty > 0 else False) for rule, (true, false) in mine
    ]
    return _weigh(mine, fired, size), _weigh(mine, assumed, size)


def _weigh(mine: list[tuple[CompiledRule, Tri]], fired: list[Mask], size: int) -> Floats:
    """``verdicts.weigh`` per rep, worked out once per distinct pattern of fired rules.

    A rep's certainty depends only on which of the gap's rules fired for it, and reps
    share a few thousand patterns at most: each pattern is weighed once (the very same
    operations in the same order, so the same bits) and the result spread to its reps.
    """
    if not mine or size == 0:
        return _weigh_rows(mine, fired, size)
    distinct, where = _patterns(fired)
    weighed: Floats = _weigh_rows(mine, distinct, len(distinct[0]))[where]
    return weighed


def _patterns(fired: list[Mask]) -> tuple[list[Mask], npt.NDArray[np.intp]]:
    """The distinct rows of the fired masks (one mask per rule) and each rep's row among them."""
    if len(fired) > _KEY_BITS:  # more rules than one number holds: compare whole rows
        rows = np.ascontiguousarray(np.stack(fired, axis=1))
        distinct, where = np.unique(rows, axis=0, return_inverse=True)
        return list(distinct.T), np.asarray(where, dtype=np.intp).ravel()
    kind = np.uint32 if len(fired) <= 32 else np.uint64
    key: npt.NDArray[Any] = np.zeros(len(fired[0]), kind)
    for index, mask in enumerate(fired):  # a gap's rules as the bits of one number per rep
        key |= np.left_shift(mask.astype(kind), kind(index))
    if len(fired) <= _TABLE_BITS:  # a table with a slot per possible pattern: no hashing
        slots = np.zeros(1 << len(fired), np.intp)
        slots[key] = 1
        keys = np.flatnonzero(slots).astype(kind)
        slots[keys] = np.arange(len(keys))
        where = slots[key]
    else:
        where, keys = pd.factorize(key)  # hashing: one pass, no sort
        keys = np.asarray(keys, dtype=kind)
    bits = [
        np.bitwise_and(np.right_shift(keys, kind(i)), kind(1)).astype(bool)
        for i in range(len(fired))
    ]
    return bits, np.asarray(where, dtype=np.intp)


_KEY_BITS = 64
"""The most rules whose fired pattern `_patterns` packs into one number per rep."""
_TABLE_BITS = 16
"""Up to this many rules, `_patterns` looks patterns up in a table of 2**bits slots."""


def _weigh_rows(mine: list[tuple[CompiledRule, Tri]], fired: list[Mask], size: int) -> Floats:
    """``verdicts.weigh`` per row: targeted counters first, then MB and MD in pack order."""
    doubt_for = np.ones(size)
    doubt_against = np.ones(size)
    for (rule, _), true in zip(mine, fired, strict=True):
        if rule.certainty > 0:
            effective = _effective(rule, mine, fired, size)
            # a fact its counters outweigh is cancelled (as max(0, ...) in verdicts.weigh)
            doubt_for *= np.where(true & (effective > 0.0), 1.0 - effective, 1.0)
        elif not rule.counters:
            doubt_against *= _factor(true, 1.0 + rule.certainty)
    return _combine(doubt_for, doubt_against)


def _effective(
    rule: CompiledRule, mine: list[tuple[CompiledRule, Tri]], fired: list[Mask], size: int
) -> Floats | float:
    """A supporting rule's certainty after the fired counters that name it."""
    if not any(rule.id in r.counters for r, _ in mine):
        return rule.certainty
    doubt = np.ones(size)
    any_ = np.zeros(size, bool)
    for (other, _), true in zip(mine, fired, strict=True):
        if rule.id in other.counters:
            doubt *= _factor(true, 1.0 + other.certainty)
            any_ |= true
    cf, disbelief = rule.certainty, 1.0 - doubt
    both = (cf == 1.0) & (disbelief == 1.0)
    weighed = np.where(both, 0.0, (cf - disbelief) / (1.0 - np.minimum(cf, disbelief)))
    return np.where(any_, weighed, cf)


def _factor(mask: Mask, doubt: float) -> Floats:
    """`doubt` where the mask holds, else exactly 1.0 (so the product skips that rep)."""
    # doubt + 0.0 and 0.0 + 1.0 are exact: the same numbers the per-rep loop multiplies by.
    factor = mask * doubt + ~mask
    return factor.astype(np.float64, copy=False)


def _combine(doubt_for: Floats, doubt_against: Floats) -> Floats:
    belief, disbelief = 1.0 - doubt_for, 1.0 - doubt_against
    raw = (belief - disbelief) / (1.0 - np.minimum(belief, disbelief))
    contradiction = (belief == 1.0) & (disbelief == 1.0)
    return np.where(contradiction, 0.0, round_like_python(raw, DIGITS))


def round_like_python(values: Floats, digits: int) -> Floats:
    """``round(v, digits)`` for every value, bit for bit.

    Scaling, rounding to an integer and scaling back gives Python's correctly rounded
    result unless the scaled value sits within rounding error of a half; those few are
    rounded by Python itself.
    """
    scale = 10.0**digits
    scaled = values * scale
    out: Floats = np.rint(scaled) / scale
    near_half = np.abs(scaled - np.floor(scaled) - 0.5) < 1e-6
    for index in np.flatnonzero(near_half):
        out[index] = round(float(values[index]), digits)
    return out


def _status(cert: Floats, possible: Floats) -> Codes:
    codes: Codes = np.select(
        [cert >= CONFIRMED_AT, cert >= SUSPECTED_AT, possible >= SUSPECTED_AT],
        [0, 1, 2],
        default=3,
    ).astype(np.int8)
    return codes


def fired_words(outcomes: Sequence[Tri], size: int) -> list[npt.NDArray[np.int64]]:
    """Fired rules as bitmasks: bit i of word w is rule w * 63 + i, in pack order."""
    words = [np.zeros(size, np.int64) for _ in range(max(1, -(-len(outcomes) // WORD_BITS)))]
    for index, (true, _) in enumerate(outcomes):
        word = words[index // WORD_BITS]
        word |= true.astype(np.int64) << (index % WORD_BITS)
    return words

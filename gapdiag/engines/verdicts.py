"""Combine fired rules into one verdict per gap, like certainty factors (EMYCIN).

Positive evidence combines as MB = 1 - prod(1 - cf_i), counter-evidence likewise as MD,
and the gap's certainty is (MB - MD) / (1 - min(MB, MD)). Combining positives and
negatives separately makes the result independent of rule order.

Counter-evidence that names the facts it contradicts (a rule's ``counters``) speaks
against those facts alone: each named supporting rule is first weighed against it, the
same way, and only what is left of it (if anything) enters MB. Such a rule says nothing about the
other facts of the gap, so "territory at or above the team" cannot cancel broken routing.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Protocol

from gapdiag.model.gaps import CONFIRMED_AT, SUSPECTED_AT, Status

DIGITS = 6
"""Confidences are rounded so every engine reports exactly the same number."""


def combine(certainties: Iterable[float]) -> float:
    """Combine rule certainties in [-1, 1] into one certainty factor in [-1, 1]."""
    # The product form keeps a certain rule (cf = +-1) exactly 1: summing step by step
    # (b + cf - b * cf) can round to 0.9999999999999999 and flip the sign of the result.
    doubt_for = 1.0
    doubt_against = 1.0
    for cf in certainties:
        if cf > 0:
            doubt_for *= 1.0 - cf
        else:
            doubt_against *= 1.0 + cf
    belief, disbelief = 1.0 - doubt_for, 1.0 - doubt_against
    if belief == 1.0 and disbelief == 1.0:
        return 0.0  # certain for and certain against: the rules contradict each other
    return round((belief - disbelief) / (1.0 - min(belief, disbelief)), DIGITS)


class Weighed(Protocol):
    """What weighing needs of a rule: its id, certainty and the rules it counters."""

    @property
    def id(self) -> str: ...

    @property
    def certainty(self) -> float: ...

    @property
    def counters(self) -> tuple[str, ...]: ...


def weigh(fired: Sequence[Weighed]) -> float:
    """Combine fired rules (in pack order) into one certainty, targeted counters included."""
    if not any(rule.counters and rule.certainty < 0 for rule in fired):
        return combine([rule.certainty for rule in fired])  # what the loops below give then
    doubt: dict[str, float] = {}  # supporting rule id -> product of its counters' doubts
    for rule in fired:
        if rule.certainty < 0:
            for target in rule.counters:
                doubt[target] = doubt.get(target, 1.0) * (1.0 + rule.certainty)
    effective: list[float] = []
    for rule in fired:
        if rule.certainty > 0:
            against = doubt.get(rule.id)
            cf = rule.certainty
            # a fact its counters outweigh is cancelled, never turned against the others
            effective.append(cf if against is None else max(0.0, against_fact(cf, 1.0 - against)))
        elif not rule.counters:
            effective.append(rule.certainty)
    return combine(effective)


def against_fact(cf: float, disbelief: float) -> float:
    """A supporting certainty after the counter-evidence that names it (unrounded)."""
    if cf == 1.0 and disbelief == 1.0:
        return 0.0
    return (cf - disbelief) / (1.0 - min(cf, disbelief))


def status_of(certainty: float, possible: float) -> Status:
    """Name a verdict from its certainty and the certainty missing data could still reach.

    `possible` is the certainty if every undecided supporting rule fired. Below the
    suspicion cut-off the gap is "unknown" when missing data could still lift it there,
    else "unlikely".
    """
    if certainty >= CONFIRMED_AT:
        return "confirmed"
    if certainty >= SUSPECTED_AT:
        return "suspected"
    return "unknown" if possible >= SUSPECTED_AT else "unlikely"

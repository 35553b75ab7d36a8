"""Per-rep, per-period sums that grow as new reps appear, filled block by block.

A tally is a (reps x columns) float array per figure. Column ``b + 1`` holds period ``b``
of the grid; column 0 is "before the grid", ``len(grid) + 1`` "after it" and
``len(grid) + 2`` "never" (a deal still open), so a figure
that holds over an interval of periods is added as +x at its start and -x after its end
and summed along the row once at the end (a difference array).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from gapdiag.sources.periods import Grid


@dataclass(frozen=True, slots=True)
class Slots:
    """Where each row of a block lands: its flat (rep, column) index, and how many reps."""

    flat: Any
    reps: int
    whole: bool = True
    """Every row's rep is known (no -1): masked rows may then be added with weight 0."""


@dataclass(slots=True)
class Tally:
    """Figures per rep and grid column; `width` is len(grid) + 4.

    Every value added is finite, so a sum that is not (amounts of 1e308 added up) has
    overflowed: numpy's warnings are silenced and `overflowed` names the figure and the
    reps instead, for one error naming the rep.
    """

    width: int
    figures: dict[str, Any] = field(default_factory=dict)
    overflowed: dict[str, set[int]] = field(default_factory=dict)
    """Figure -> the reps (codes) whose sums of it grew past the largest float."""

    @classmethod
    def over(cls, grid: Grid) -> Tally:
        """An empty tally for a grid."""
        return cls(len(grid) + 4)

    def at(self, reps: Any, columns: Any) -> Slots:
        """The slots of a block's rows (rep codes may be -1 on rows that are masked out)."""
        whole = not len(reps) or int(reps.min()) >= 0
        return Slots(reps * self.width + columns, int(reps.max(initial=-1)) + 1, whole)

    def add(
        self, name: str, slots: Slots, mask: Any = None, weights: Any = None, sign: float = 1.0
    ) -> None:
        """Add `weights` (or 1) at the slots of the rows in `mask` (or every row)."""
        flat = slots.flat
        if mask is not None and slots.whole:  # weight 0 off the mask: no copies of the rows
            weights = mask if weights is None else np.where(mask, weights, 0.0)
        elif mask is not None:
            flat = flat[mask]
            weights = None if weights is None else weights[mask]
        size = slots.reps * self.width
        counts = np.bincount(flat, weights, minlength=size)[:size].reshape(slots.reps, self.width)
        have = self.figures.get(name)
        if have is None or have.shape[0] < slots.reps:
            grown = np.zeros((slots.reps, self.width))
            if have is not None:
                grown[: have.shape[0]] = have
            have = self.figures[name] = grown
        with np.errstate(over="ignore", invalid="ignore"):
            if sign > 0:
                have[: slots.reps] += counts
            else:
                have[: slots.reps] -= counts
        self._check(name, have)

    def _check(self, name: str, values: Any) -> None:
        """Record the reps whose row of `values` is no longer finite (an overflow)."""
        finite = np.isfinite(values)
        if finite.all():
            return
        rows = np.flatnonzero(~finite.all(axis=1))
        self.overflowed.setdefault(name, set()).update(rows.tolist())

    def interval(
        self, name: str, first: Slots, after: Slots, mask: Any = None, weights: Any = None
    ) -> None:
        """Add over columns first .. after - 1 of each row: +w at first, -w at after."""
        self.add(name, first, mask, weights)
        self.add(name, after, mask, weights, sign=-1.0)

    def per_period(self, name: str, reps: int, *, running: bool = False, flow: bool = False) -> Any:
        """(reps x periods) array; `running` sums a difference array along the row first.

        A `flow` (something that happens in a period, like a deal won) summed `running`
        starts from the grid's first period: what came before the grid is left out.
        """
        have = self.figures.get(name, np.zeros((0, self.width)))
        full = np.zeros((reps, self.width))
        full[: have.shape[0]] = have[:reps]
        if flow:
            full[:, 0] = 0.0
        if running:
            with np.errstate(over="ignore", invalid="ignore"):
                full = np.cumsum(full, axis=1)
            self._check(name, full)
        return full[:, 1 : self.width - 3]


def columns_of(days: Any, grid: Grid) -> Any:
    """Tally column of each day number: 0 before the grid, len(grid) + 1 after it."""
    if len(grid) > _FEW:
        column = np.searchsorted(np.asarray(grid.starts), days, side="right")
        return np.where(days > grid.ends[-1], len(grid) + 1, column)
    column = (days > grid.ends[-1]).astype(np.int64)  # a few periods: counted by comparisons
    for start in grid.starts:
        column += days >= start
    return column


_FEW = 4
"""Up to this many periods, a day's column is counted by comparisons (searchsorted is slower)."""

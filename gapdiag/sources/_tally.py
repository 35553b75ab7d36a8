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


@dataclass(slots=True)
class Tally:
    """Figures per rep and grid column; `width` is len(grid) + 4."""

    width: int
    figures: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def over(cls, grid: Grid) -> Tally:
        """An empty tally for a grid."""
        return cls(len(grid) + 4)

    def add(self, name: str, reps: Any, columns: Any, weights: Any = None) -> None:
        """Add `weights` (or 1) at each (rep, column)."""
        if not len(reps):
            return
        count = int(reps.max()) + 1
        flat = np.bincount(reps * self.width + columns, weights, minlength=count * self.width)
        block = flat.reshape(count, self.width)
        have = self.figures.get(name)
        if have is None or have.shape[0] < count:
            grown = np.zeros((max(count, 0 if have is None else have.shape[0]), self.width))
            if have is not None:
                grown[: have.shape[0]] = have
            have = grown
        have[:count] += block
        self.figures[name] = have

    def interval(self, name: str, reps: Any, first: Any, after: Any, weights: Any = None) -> None:
        """Add `weights` (or 1) over columns first .. after - 1: +w at first, -w at after."""
        ones = np.ones(len(reps)) if weights is None else np.asarray(weights, dtype=float)
        self.add(
            name,
            np.concatenate([reps, reps]),
            np.concatenate([first, after]),
            np.concatenate([ones, -ones]),
        )

    def per_period(self, name: str, reps: int, *, running: bool = False) -> Any:
        """(reps x periods) array; `running` sums a difference array along the row first."""
        have = self.figures.get(name, np.zeros((0, self.width)))
        full = np.zeros((reps, self.width))
        full[: have.shape[0]] = have[:reps]
        if running:
            full = np.cumsum(full, axis=1)
        return full[:, 1 : self.width - 3]


def columns_of(days: Any, grid: Grid) -> Any:
    """Tally column of each day number: 0 before the grid, len(grid) + 1 after it."""
    column = np.searchsorted(np.asarray(grid.starts), days, side="right")
    return np.where(days > grid.ends[-1], len(grid) + 1, column)

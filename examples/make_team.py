"""Write the example team population (team.csv) and its coaching weeks (team-weeks.csv).

Deterministic: the same files on every run (a fixed seed). Each rep starts from one of the
example rep files in this folder, with every number moved by up to 10%, so the verdicts
stay those of the archetype. Run from the repository root:

    python examples/make_team.py
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import random
from pathlib import Path
from typing import Any

from gapdiag.model.metrics import METRICS

HERE = Path(__file__).resolve().parent
SEED = 18
# Three teams of a made-up sales floor: (team, [(archetype, count)], groups left out).
TEAMS: list[tuple[str, list[tuple[str, int]], tuple[str, ...]]] = [
    # A mixed team with everything recorded.
    ("mid-market-east", [("will", 3), ("skill", 3), ("knowledge", 2), ("healthy", 3)], ()),
    # A team whose territory is broken for several reps: a cause for the manager's manager.
    ("smb-central", [("system", 4), ("will", 2), ("healthy", 2), ("ambiguous", 2)], ()),
    # A team nobody records territory or ownership data for: most verdicts stay open.
    ("enterprise-west", [("will", 3), ("skill", 2), ("healthy", 2)], ("territory", "ownership")),
]
WEEKS = 6
FIRST_WEEK = dt.date(2026, 7, 6)


def _jitter(path: str, value: float, rng: random.Random) -> float | int:
    """Move a value by up to 7% and keep it inside its metric's valid range."""
    kind = METRICS[path]
    moved = value * rng.uniform(0.93, 1.07)
    moved = max(moved, kind.low) if kind.low is not None else moved
    moved = min(moved, kind.high) if kind.high is not None else moved
    if moved >= 1000:
        return int(round(moved, -2))
    return round(moved, 2 if moved < 10 else 1)


def _rep(
    archetype: str, rep_id: str, team: str, drop: tuple[str, ...], rng: random.Random
) -> dict[str, Any]:
    base = json.loads((HERE / f"{archetype}-rep.json").read_text(encoding="utf-8"))
    row: dict[str, Any] = {"rep_id": rep_id, "team": team}
    for key in ("tenure_months", "period_start", "period_end"):
        row[key] = base[key]
    for group in ("activity", "pipeline", "calls", "ownership", "territory", "knowledge"):
        if group in drop or group not in base:
            continue
        for name, value in base[group].items():
            if isinstance(value, bool):
                row[f"{group}.{name}"] = "true" if value else "false"
            else:
                row[f"{group}.{name}"] = _jitter(f"{group}.{name}", float(value), rng)
    return row


def population() -> list[dict[str, Any]]:
    """Every rep of the example floor, team by team, in a fixed order."""
    rng = random.Random(SEED)
    reps = []
    for team, mix, drop in TEAMS:
        number = 0
        for archetype, count in mix:
            for _ in range(count):
                number += 1
                rep_id = f"{team.split('-')[-1]}-{number:02d}"
                reps.append(_rep(archetype, rep_id, team, drop, rng))
    return reps


def weeks(reps: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Six weeks of coaching for two reps of each archetype that has a gap: some improving."""
    rng = random.Random(SEED + 1)
    chosen = [r for r in reps if r["team"] != "enterprise-west"][::3]
    rows = []
    for index, rep in enumerate(chosen):
        improving = index % 2 == 0
        for week in range(WEEKS):
            step = week / (WEEKS - 1)
            grow = 1 + (0.8 * step if improving else 0.04 * rng.uniform(-1, 1))
            friday = FIRST_WEEK + dt.timedelta(weeks=week, days=4)
            row = {
                "rep_id": rep["rep_id"],  # the quarter to date, as of the week's Friday
                "period_start": rep["period_start"],
                "period_end": rep["period_end"],
                "as_of": str(friday),
            }
            for name in (
                "activity.calls_per_day",
                "activity.meetings_per_week",
                "activity.meeting_to_opportunity_rate",
                "ownership.forecast_accuracy",
                "territory.lead_volume_vs_team",
                "knowledge.product_quiz_score",
                "calls.open_question_ratio",
            ):
                value = rep.get(name)
                if isinstance(value, float):
                    high = METRICS[name].high
                    factor = 1.0 if name.startswith("territory.") else grow  # not the rep's to move
                    moved = value * factor if high is None else min(value * factor, high)
                    row[name] = round(moved, 2)
            row["ownership.commitment_score"] = 9 if improving else 8 + week % 2
            row["pipeline.quota"] = rep.get("pipeline.quota", "")
            closed = rep.get("pipeline.closed_won", 0) * (0.4 + 0.12 * week)
            row["pipeline.closed_won"] = int(round(closed, -2))
            rows.append(row)
    return rows


def _write(path: Path, rows: list[dict[str, Any]]) -> None:
    columns = list(dict.fromkeys(k for row in rows for k in row))
    with path.open("w", encoding="utf-8", newline="") as file:
        writer = csv.DictWriter(file, columns, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def main(folder: Path = HERE) -> None:
    """Write team.csv and team-weeks.csv into `folder` (default: next to this script)."""
    reps = population()
    _write(folder / "team.csv", reps)
    _write(folder / "team-weeks.csv", weeks(reps))


if __name__ == "__main__":
    main()

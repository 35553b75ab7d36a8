"""Write realistic, seeded sample exports: opportunities, activities, quotas and teams.

Salesforce-style report headers (US dates). The same seed always writes the same files.

    python examples/exports/generate.py [FOLDER] [--deals N] [--activities N]

With no sizes it writes the small sample shipped in examples/exports/; the ingest
benchmark uses it for a 1M-deal / 5M-activity export.
"""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pcsv

START, END = dt.date(2017, 1, 2), dt.date(2017, 6, 30)
"""The exports cover the first half of 2017, as exported on 1 July."""
# rep, team, calls a day, emails a day, meetings a week, deal share, win chance
REPS = (
    ("Ana Ruiz", "East", 42, 55, 6, 1.0, 0.32),
    ("Ben Cole", "East", 12, 20, 1, 1.1, 0.25),
    ("Chen Wu", "East", 45, 62, 6, 1.0, 0.12),
    ("Dee Park", "East", 38, 58, 5, 0.9, 0.30),
    ("Eli Moss", "West", 44, 60, 5, 0.3, 0.28),
    ("Fay Diaz", "West", 40, 57, 5, 1.0, 0.33),
    ("Gus Lee", "West", 36, 50, 4, 1.0, 0.27),
    ("Hana Ito", "West", 41, 63, 6, 1.1, 0.30),
)
MANAGERS = {"East": "Rosa Vance", "West": "Tom Hale"}


def write_exports(folder: Path, *, deals: int = 2_000, activities: int = 0, seed: int = 7) -> None:
    """Write opportunities.csv, activities.csv, quotas.csv and teams.csv into `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
    rnd = np.random.default_rng(seed)
    _opportunities(folder / "opportunities.csv", rnd, deals)
    _activities(folder / "activities.csv", rnd, activities)
    _quotas(folder / "quotas.csv")
    _teams(folder / "teams.csv")


def _days(start: dt.date, count: int) -> pa.Array:
    return pa.array(np.arange(count) + (start - dt.date(1970, 1, 1)).days, pa.int32()).cast(
        pa.date32()
    )


def _us(dates: pa.Array) -> pa.Array:
    return pc.strftime(dates.cast(pa.timestamp("s")), format="%m/%d/%Y")


def _opportunities(path: Path, rnd: np.random.Generator, count: int) -> None:
    share = np.array([r[5] for r in REPS])
    owner = rnd.choice(len(REPS), size=count, p=share / share.sum())
    span = (END - START).days + 1
    created = rnd.integers(-60, span, size=count)
    close = created + rnd.integers(5, 120, size=count)
    win = np.array([r[6] for r in REPS])[owner]
    decided = rnd.random(count)
    snapshot = span  # days after START: the export date
    state = np.where(close >= snapshot, 2, np.where(decided < win, 0, 1))
    open_names = np.array(
        ["Prospecting", "Qualification", "Needs Analysis", "Proposal/Price Quote"]
    )
    stage = np.where(
        state == 0,
        "Closed Won",
        np.where(state == 1, "Closed Lost", open_names[rnd.integers(0, 4, count)]),
    )
    amount = np.round(rnd.lognormal(9.6, 0.6, size=count), 2)
    account = owner * 60 + rnd.integers(0, 40 if count < 10_000 else 60, size=count)
    table = pa.table(
        {
            "Opportunity Name": pa.array([f"Deal {i}" for i in range(count)]),
            "Opportunity Owner": pa.array(np.array([r[0] for r in REPS])[owner]),
            "Account Name": pc.binary_join_element_wise(
                "Account ", pa.array(account.astype(str)), ""
            ),
            "Stage": pa.array(stage),
            "Amount": pa.array(amount.astype(str)),
            "Created Date": _us(
                pa.array(created + (START - dt.date(1970, 1, 1)).days, pa.int32()).cast(pa.date32())
            ),
            "Close Date": _us(
                pa.array(close + (START - dt.date(1970, 1, 1)).days, pa.int32()).cast(pa.date32())
            ),
            "Lead Source": pa.array(
                np.array(["Web", "Partner", "Outbound"])[rnd.integers(0, 3, count)]
            ),
        }
    )
    if count < 10_000:  # the shipped sample carries a few rows a real export would have
        names = table.column("Opportunity Owner").to_pylist()
        amounts = table.column("Amount").to_pylist()
        names[17] = ""
        amounts[42] = "n/a"
        table = table.set_column(1, "Opportunity Owner", pa.array(names)).set_column(
            4, "Amount", pa.array(amounts)
        )
    pcsv.write_csv(table, path, pcsv.WriteOptions(quoting_style="needed"))


def _activities(path: Path, rnd: np.random.Generator, count: int) -> None:
    first = dt.date(2017, 4, 1)  # the activity report covers the second quarter
    days = [first + dt.timedelta(d) for d in range((END - first).days + 1)]
    work = np.array([(d - dt.date(1970, 1, 1)).days for d in days if d.weekday() < 5])
    rates = np.array([[r[2], r[3], r[4] / 5] for r in REPS])  # per working day
    if count:
        scale = count / (rates.sum() * len(work))
        rates = rates * scale
    counts = rnd.poisson(np.repeat(rates[:, None, :], len(work), axis=1))  # rep x day x kind
    rep_i, day_i, kind_i = np.nonzero(counts)
    times = counts[rep_i, day_i, kind_i]
    rep = np.repeat(rep_i, times)
    day = np.repeat(work[day_i], times)
    kind = np.repeat(kind_i, times)
    n = len(rep)
    subtype = np.array(["Call", "Email", "Event"])[kind]
    duration = np.where(kind == 0, rnd.integers(20, 600, n), -1).astype(str)
    duration[kind != 0] = ""
    call_outcomes = np.array(["Connected", "Left voicemail", "No answer"])
    outcome = np.where(
        kind == 0,
        call_outcomes[rnd.integers(0, 3, n)],
        np.where(kind == 2, np.where(rnd.random(n) < 0.1, "No show", "Completed"), ""),
    )
    account = rep * 60 + rnd.integers(0, 60, n)
    table = pa.table(
        {
            "Assigned": pa.array(np.array([r[0] for r in REPS])[rep]),
            "Task Subtype": pa.array(subtype),
            "Date": _us(pa.array(day, pa.int32()).cast(pa.date32())),
            "Call Duration": pa.array(duration),
            "Outcome": pa.array(outcome),
            "Company / Account": pc.binary_join_element_wise(
                "Account ", pa.array(account.astype(str)), ""
            ),
        }
    )
    pcsv.write_csv(table, path, pcsv.WriteOptions(quoting_style="needed"))


def _quotas(path: Path) -> None:
    rows = [("Rep", "Period", "Quota", "Commit", "Forecast")]
    for name, *_ in REPS:
        rows.append((name, "2017-Q1", "600000", "", "450000"))
        rows.append((name, "2017-Q2", "600000", "150000", "520000"))
    path.write_text("".join(",".join(r) + "\n" for r in rows), encoding="utf-8")


def _teams(path: Path) -> None:
    rows = [("Rep", "Team", "Manager", "Region")]
    rows += [(name, team, MANAGERS[team], "North America") for name, team, *_ in REPS]
    path.write_text("".join(",".join(r) + "\n" for r in rows), encoding="utf-8")


def main() -> None:
    """Write the exports (see the module docstring)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", nargs="?", type=Path, default=Path(__file__).parent)
    parser.add_argument("--deals", type=int, default=2_000)
    parser.add_argument(
        "--activities", type=int, default=0, help="about this many (0: by rep rates)"
    )
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    write_exports(args.folder, deals=args.deals, activities=args.activities, seed=args.seed)


if __name__ == "__main__":
    main()

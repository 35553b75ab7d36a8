"""Seeded generators of realistic CRM exports (Salesforce- and HubSpot-style reports)."""

from __future__ import annotations

import csv
import datetime as dt
import random
from pathlib import Path
from typing import Any
from unittest.mock import patch

SF_OPEN = ("Prospecting", "Qualification", "Needs Analysis", "Proposal/Price Quote")
HS_OPEN = ("Appointment scheduled", "Qualified to buy", "Presentation scheduled", "Contract sent")
OWNERS = ("Ana Ruiz", "Ben Cole", "Chen Wu", "Dee Park", "Eli Moss")
SAMPLE = Path(__file__).resolve().parent.parent / "examples" / "exports"
"""The shipped sample exports (2017-Q2)."""


def read_in_small_blocks(path: Path, *, without: str | None = None) -> Any:
    """read_exports' rows, file summaries and bad rows of a deal file in blocks of 2 KB.

    `without` names a helper of `gapdiag.sources._open` that picks a way of reading (such
    as `_numbers`, the amounts read as numbers): it picks none, the file read plainly.
    """
    from gapdiag.sources import _columnar, _open
    from gapdiag.sources.ingest import read_exports

    with patch.object(_columnar, "BLOCK_BYTES", 2048):  # many blocks: a late cell re-reads
        if without is not None:
            with patch.object(_open, without, lambda *_: ()):
                result = read_exports(period="2017-Q2", opportunities=[path])
        else:
            result = read_exports(period="2017-Q2", opportunities=[path])
    return result.rows, result.files, result.errors_csv()


def sample_ingest(*options: str) -> list[str]:
    """`gapdiag ingest` arguments for every shipped sample export and 2017-Q2, then `options`."""
    return [
        "ingest",
        str(SAMPLE / "opportunities.csv"),
        "--activities",
        str(SAMPLE / "activities.csv"),
        "--quotas",
        str(SAMPLE / "quotas.csv"),
        "--teams",
        str(SAMPLE / "teams.csv"),
        "--period",
        "2017-Q2",
        *options,
    ]


def _deals(rnd: random.Random, count: int) -> list[tuple[str, str, float, dt.date, dt.date]]:
    """(owner, state, amount, created, close) spread over 2017."""
    out = []
    for _ in range(count):
        created = dt.date(2017, 1, 1) + dt.timedelta(rnd.randrange(0, 300))
        close = created + dt.timedelta(rnd.randrange(5, 120))
        state = rnd.choices(["won", "lost", "open"], weights=[3, 4, 3])[0]
        out.append(
            (rnd.choice(OWNERS), state, round(rnd.uniform(2_000, 90_000), 2), created, close)
        )
    return out


def salesforce_opportunities(path: Path, seed: int = 1, count: int = 400) -> Path:
    """An 'Opportunities' report as Salesforce exports it (US dates, $ amounts)."""
    rnd = random.Random(seed)
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(
            [
                "Opportunity Name",
                "Opportunity Owner",
                "Account Name",
                "Stage",
                "Amount",
                "Probability (%)",
                "Created Date",
                "Close Date",
                "Type",
                "Lead Source",
            ]
        )
        for i, (owner, state, amount, created, close) in enumerate(_deals(rnd, count)):
            stage = {"won": "Closed Won", "lost": "Closed Lost"}.get(state) or rnd.choice(SF_OPEN)
            writer.writerow(
                [
                    f"Deal {i}",
                    owner,
                    f"Account {i % 37}",
                    stage,
                    f"${amount:,.2f}",
                    rnd.choice([10, 20, 50, 90]),
                    f"{created:%m/%d/%Y}",
                    f"{close:%m/%d/%Y}",
                    "New Business",
                    rnd.choice(["Web", "Partner", "Outbound"]),
                ]
            )
    return path


def hubspot_deals(path: Path, seed: int = 2, count: int = 400) -> Path:
    """A deals export as HubSpot writes it (ISO date-times, plain amounts)."""
    rnd = random.Random(seed)
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(
            [
                "Record ID",
                "Deal Name",
                "Deal Stage",
                "Amount",
                "Create Date",
                "Close Date",
                "Deal owner",
                "Pipeline",
            ]
        )
        for i, (owner, state, amount, created, close) in enumerate(_deals(rnd, count)):
            stage = {"won": "Closed won", "lost": "Closed lost"}.get(state) or rnd.choice(HS_OPEN)
            writer.writerow(
                [
                    9000 + i,
                    f"Deal {i}",
                    stage,
                    f"{amount:.2f}",
                    f"{created:%Y-%m-%d} 09:30",
                    f"{close:%Y-%m-%d} 17:00",
                    owner,
                    "Sales Pipeline",
                ]
            )
    return path


def salesforce_activities(path: Path, seed: int = 3, count: int = 3000) -> Path:
    """An 'Activities' report: calls with durations in seconds, emails, events."""
    rnd = random.Random(seed)
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["Subject", "Assigned", "Task Subtype", "Date", "Call Duration"])
        for i in range(count):
            kind = rnd.choices(["Call", "Email", "Event", "Task"], weights=[6, 5, 1, 1])[0]
            day = dt.date(2017, 4, 1) + dt.timedelta(rnd.randrange(0, 91))
            duration = str(rnd.randrange(30, 900)) if kind == "Call" else ""
            writer.writerow(
                [f"Activity {i}", rnd.choice(OWNERS), kind, f"{day:%m/%d/%Y}", duration]
            )
    return path

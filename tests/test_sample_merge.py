"""The sample exports and the sample calls describe one team and period (issue 25 item 8
part): ``ingest`` and ``calls`` outputs join on rep_id, period_start and period_end, and
the joined table diagnoses, as docs/calls.md shows."""

from __future__ import annotations

import io
from pathlib import Path

import pandas as pd

from gapdiag import diagnose_many
from gapdiag.cli import ExitStatus, main

EXPORTS = Path(__file__).resolve().parent.parent / "examples" / "exports"
KEYS = ["rep_id", "period_start", "period_end"]


def _run(*argv: str) -> None:
    """The command succeeds (the sample exports hold two bad rows on purpose: exit 1)."""
    err = io.StringIO()
    status = main(list(argv), stdout=io.StringIO(), stderr=err)
    assert status in (ExitStatus.OK, ExitStatus.FINDINGS), err.getvalue()


def test_ingest_and_calls_of_the_samples_join_and_diagnose(tmp_path: Path) -> None:
    """Every rep with sample calls finds their CRM row; the merged rows diagnose."""
    crm, calls = tmp_path / "reps.csv", tmp_path / "calls.csv"
    _run(
        "ingest", str(EXPORTS / "opportunities.csv"), "--activities",
        str(EXPORTS / "activities.csv"), "--teams", str(EXPORTS / "teams.csv"),
        "--period", "2017-Q2", "--out", str(crm),
    )  # fmt: skip
    _run(
        "calls", str(EXPORTS / "calls"), "--reps", str(EXPORTS / "calls" / "reps.yaml"),
        "--period", "2017-Q2", "--out", str(calls),
    )  # fmt: skip
    crm_rows, call_rows = pd.read_csv(crm), pd.read_csv(calls)
    merged = crm_rows.merge(call_rows, on=KEYS, how="left", validate="one_to_one")
    with_calls = merged[merged["calls.talk_ratio"].notna()]
    assert sorted(with_calls["rep_id"]) == ["Ana Ruiz", "Ben Cole"]
    assert set(call_rows["rep_id"]) <= set(crm_rows["rep_id"])  # no call row left unjoined
    batch = diagnose_many(merged)
    assert batch.summary.bad_rows == 0
    assert batch.summary.diagnosed == len(crm_rows)
    assert batch.notes == ()

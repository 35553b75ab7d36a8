"""Worker processes send back lean values when calls are not kept; the report is the same."""

from __future__ import annotations

from pathlib import Path

from gapdiag.sources.calls.aggregate import Tally, lean
from gapdiag.sources.calls.report import read_calls

EXAMPLES = Path(__file__).resolve().parent.parent / "examples" / "calls"


def test_lean_workers_give_the_same_report() -> None:
    """Without the calls kept, two workers (sending lean tuples) match one process."""
    one = read_calls(EXAMPLES, reps=EXAMPLES / "reps.yaml", period="2026-Q3", keep_calls=False)
    two = read_calls(
        EXAMPLES, reps=EXAMPLES / "reps.yaml", period="2026-Q3", keep_calls=False, workers=2
    )
    assert one == two
    assert one.reps  # the examples have calls in the period, so the tallies were used


def test_lean_values_tally_as_the_call_does() -> None:
    """A call added as a model and as its lean values leaves the same tally."""
    report = read_calls(EXAMPLES, reps=EXAMPLES / "reps.yaml", period="2026-Q3")
    by_model, by_values = Tally(), Tally()
    for index, call in enumerate(report.calls):
        by_model.add(call, index)
        by_values.add_lean(lean(call), index)
        assert lean(call)[0] == call.rep_id
    assert by_model == by_values
    assert len(by_model.talk) == len(report.calls) > 0

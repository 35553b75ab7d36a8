"""Escalation: one test per branch of the table, and no PIP while a system gap is confirmed."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gapdiag import Diagnosis, diagnose
from gapdiag.coaching.escalation import escalate
from gapdiag.coaching.history import history_from_rows
from gapdiag.model.gaps import GAPS

from .conftest import example
from .strategies import dense_rep_dicts, rep_dicts

MONDAY = dt.date(2026, 7, 6)


@pytest.fixture(scope="module")
def will() -> Diagnosis:
    """A will-gap rep: no system gap, so a PIP review is possible."""
    return diagnose(example("will-rep"))


@pytest.fixture(scope="module")
def system() -> Diagnosis:
    """A rep with a confirmed system gap."""
    result = diagnose(example("system-rep"))
    assert result.pip_blocked
    return result


def weeks(
    calls: list[float | None],
    *,
    commitment: list[float] | None = None,
    closed: float | None = None,
) -> list[dict[str, Any]]:
    """Weekly rows for rep r1: calls a day, optional commitment, and last-week attainment."""
    rows: list[dict[str, Any]] = []
    for i, value in enumerate(calls):
        row: dict[str, Any] = {
            "rep_id": "r1",
            "period_start": str(MONDAY + dt.timedelta(weeks=i)),
            "activity": {} if value is None else {"calls_per_day": value},
        }
        if commitment is not None:
            row["ownership"] = {"commitment_score": commitment[i]}
        rows.append(row)
    if closed is not None:
        rows[-1]["pipeline"] = {"quota": 100_000, "closed_won": closed}
    return rows


def decide(rows: list[dict[str, Any]], diagnosis: Diagnosis) -> Any:
    """Escalate a will-focused plan over `rows`."""
    return escalate(history_from_rows(rows), diagnosis, gap="will")


def test_low_commitment_two_weeks_running_is_a_fit_conversation(will: Diagnosis) -> None:
    """Commitment under 9 in two adjacent recorded weeks asks for a fit conversation."""
    result = decide(weeks([10, 12, 14], commitment=[9, 7, 8]), will)
    assert result.action == "fit-conversation"
    assert result.low_commitment_weeks == (
        MONDAY + dt.timedelta(weeks=1),
        MONDAY + dt.timedelta(2 * 7),
    )
    assert "HR may review a PIP" in result.reason
    assert not result.pip_recommended


def test_low_commitment_once_or_not_back_to_back_is_not_a_fit_case(will: Diagnosis) -> None:
    """One low week, or two low weeks with a gap between them, do not count as running."""
    assert decide(weeks([10, 12], commitment=[9, 7]), will).action == "keep-coaching"
    rows = weeks([10, 12, 14], commitment=[7, 9, 8])
    del rows[1]["ownership"]
    rows.pop(1)
    assert decide(rows, will).low_commitment_weeks == ()


def test_fit_conversation_under_a_system_gap_rules_out_a_pip(system: Diagnosis) -> None:
    """With a confirmed system gap the fit conversation says no PIP may be considered."""
    result = decide(weeks([10, 12], commitment=[6, 6]), system)
    assert result.action == "fit-conversation"
    assert "no PIP may be considered" in result.reason
    assert result.pip_blocked


def test_before_six_weeks_keep_coaching(will: Diagnosis) -> None:
    """Under six weeks of coaching nothing is judged yet, even with flat indicators."""
    result = decide(weeks([10, 10, 10, 10, 10]), will)
    assert result.action == "keep-coaching"
    assert result.weeks_coached == 5
    assert "until week 6" in result.reason


def test_no_trend_after_six_weeks_asks_for_data(will: Diagnosis) -> None:
    """Six weeks with no watched indicator recorded asks for data, never a PIP."""
    result = decide(weeks([None] * 6), will)
    assert result.action == "collect-data"
    assert not result.pip_recommended


def test_nothing_moving_after_six_weeks_recommends_a_pip_review(will: Diagnosis) -> None:
    """No indicator improving or at target after six weeks: a PIP review, for people to decide."""
    result = decide(weeks([10, 10, 10, 10, 9, 10]), will)
    assert result.action == "pip-review"
    assert result.pip_recommended
    assert "recommendation for people to decide" in result.reason


def test_nothing_moving_under_a_system_gap_means_fix_the_system(system: Diagnosis) -> None:
    """The same flat history with a confirmed system gap says fix the system, and why."""
    result = decide(weeks([10, 10, 10, 10, 9, 10]), system)
    assert result.action == "fix-system"
    assert not result.pip_recommended
    assert "Lead routing for this territory is flagged as broken" in result.reason


def test_progress_with_unknown_attainment_keeps_coaching(will: Diagnosis) -> None:
    """Improving indicators but no quota data: keep the plan running."""
    result = decide(weeks([10, 14, 18, 22, 26, 30]), will)
    assert result.action == "keep-coaching"
    assert "calls against plan" in result.reason


def test_progress_below_quota_extends_coaching_a_quarter(will: Diagnosis) -> None:
    """Improving but still under quota: extend coaching by a quarter."""
    result = decide(weeks([10, 14, 18, 22, 26, 30], closed=60_000), will)
    assert result.action == "extend-coaching"
    assert "60% of quota" in result.reason


def test_an_indicator_held_at_target_is_not_progress(will: Diagnosis) -> None:
    """A value already at target before coaching is not progress (issue 14; was the opposite).

    The watched indicator never moved: the seeds' rule (no improvement in any metric after
    6 weeks -> PIP review) applies; reaching the target from below would count.
    """
    result = decide(weeks([40] * 6, closed=60_000), will)
    assert result.action == "pip-review"
    reached = decide(weeks([30, 33, 36, 40, 40, 40], closed=60_000), will)
    assert reached.action == "extend-coaching"


def test_progress_at_quota_graduates(will: Diagnosis) -> None:
    """Improving and at quota: close the coaching plan."""
    result = decide(weeks([10, 14, 18, 22, 26, 30], closed=100_000), will)
    assert result.action == "graduate"


def test_forecast_accuracy_is_reported_as_the_ownership_signal(will: Diagnosis) -> None:
    """Every escalation carries the forecast-accuracy trend."""
    rows = weeks([10, 10, 10])
    for i, accuracy in enumerate([0.5, 0.6, 0.7]):
        rows[i]["ownership"] = {"forecast_accuracy": accuracy}
    result = decide(rows, will)
    assert result.ownership.metric == "ownership.forecast_accuracy"
    assert result.ownership.direction == "improving"


def test_no_focus_watches_every_gaps_indicators(will: Diagnosis) -> None:
    """Without a focus gap the indicators of all four gaps are watched, each once."""
    result = escalate(history_from_rows(weeks([10])), will, gap=None)
    metrics = [t.metric for t in result.trends]
    assert len(metrics) == len(set(metrics)) > 10


@st.composite
def histories(draw: st.DrawFn) -> list[dict[str, Any]]:
    """One to nine weeks of random, mostly complete metrics for one rep, some weeks skipped."""
    count = draw(st.integers(1, 9))
    offsets = sorted(draw(st.sets(st.integers(0, 12), min_size=count, max_size=count)))
    rows = []
    for offset in offsets:
        row = draw(dense_rep_dicts())
        row.update(rep_id="r1", period_start=str(MONDAY + dt.timedelta(weeks=offset)))
        rows.append(row)
    return rows


@given(rep=rep_dicts(), rows=histories(), gap=st.sampled_from([None, *GAPS]), broken=st.booleans())
def test_no_pip_is_ever_recommended_while_a_system_gap_is_confirmed(
    rep: dict[str, Any], rows: list[dict[str, Any]], gap: Any, broken: bool
) -> None:
    """For any rep and any history, escalation never recommends a PIP under a system gap."""
    if broken:  # broken routing confirms a system gap on most reps
        rep["territory"] = {**(rep.get("territory") or {}), "lead_routing_ok": False}
    diagnosis = diagnose(rep)
    result = escalate(history_from_rows(rows), diagnosis, gap=gap)
    if diagnosis.pip_blocked:
        assert result.action != "pip-review"
        assert not result.pip_recommended
    assert result.pip_recommended == (result.action == "pip-review")

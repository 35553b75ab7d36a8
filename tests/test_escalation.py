"""Escalation: coaching weeks only, progress in any indicator, one test per branch of the table,
and never a PIP under a system gap or for a rep at or ahead of their number."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gapdiag import Diagnosis, diagnose
from gapdiag.coaching.escalation import escalate
from gapdiag.coaching.history import history_from_rows
from gapdiag.coaching.progress import progress_of
from gapdiag.model.gaps import FOUND, GAPS

from .conftest import behind, example
from .strategies import dense_rep_dicts, rep_dicts

MONDAY = dt.date(2026, 7, 6)
QUARTER = {"period_start": "2026-07-01", "period_end": "2026-09-30"}


@pytest.fixture(scope="module")
def will() -> Diagnosis:
    """A will-gap rep behind on the number: no system gap, so a PIP review is possible."""
    result = diagnose(example("will-rep"))
    assert result.standing.status == "behind"
    return result


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
    **series: list[float],
) -> list[dict[str, Any]]:
    """Weekly rows for rep r1 from MONDAY: calls a day, optional commitment and other metrics
    (``series`` by group.field), and the period's closed-won to date in the last week."""
    rows: list[dict[str, Any]] = []
    for i, value in enumerate(calls):
        row: dict[str, Any] = {
            "rep_id": "r1",
            "period_start": str(MONDAY + dt.timedelta(weeks=i)),
            "activity": {} if value is None else {"calls_per_day": value},
        }
        if commitment is not None:
            row["ownership"] = {"commitment_score": commitment[i]}
        for path, values in series.items():
            group, name = path.split("__")
            row.setdefault(group, {})[name] = values[i]
        rows.append(row)
    if closed is not None:
        last = MONDAY + dt.timedelta(weeks=len(calls) - 1, days=4)
        rows[-1] |= {**QUARTER, "as_of": str(last)}
        rows[-1]["pipeline"] = {"quota": 100_000, "closed_won": closed}
    return rows


def decide(rows: list[dict[str, Any]], diagnosis: Diagnosis, since: dt.date | None = MONDAY) -> Any:
    """Escalate a will-focused plan over `rows`, coaching from `since`."""
    return escalate(history_from_rows(rows), diagnosis, gap="will", since=since)


def test_weeks_of_figures_without_a_coaching_start_give_trends_only(will: Diagnosis) -> None:
    """Fourteen weekly exports are not fourteen weeks of coaching: no decision, no PIP."""
    result = decide(weeks([10.0] * 14), will, since=None)
    assert result.action == "trends-only"
    assert not result.pip_recommended
    assert (result.weeks_coached, result.weeks_recorded) == (0, 14)
    assert "14 weeks of figures, not weeks of coaching" in result.reason
    assert result.trends[0].direction == "flat"


def test_weeks_before_the_start_are_the_baseline(will: Diagnosis) -> None:
    """Coaching that began in week 11 of 14 counts four weeks, too few to judge."""
    since = MONDAY + dt.timedelta(weeks=10, days=1)
    result = decide(weeks([10.0] * 14), will, since=since)
    assert (result.weeks_coached, result.baseline_weeks) == (4, 10)
    assert result.action == "keep-coaching"
    assert "4 weeks of coaching since Tue 15 Sep 2026" in result.reason


def test_low_commitment_two_coaching_weeks_running_is_a_fit_conversation(
    will: Diagnosis,
) -> None:
    """Commitment under 9 in two adjacent coaching weeks asks for a fit conversation."""
    result = decide(weeks([10, 12, 14], commitment=[9, 7, 8]), will)
    assert result.action == "fit-conversation"
    assert result.low_commitment_weeks == (
        MONDAY + dt.timedelta(weeks=1),
        MONDAY + dt.timedelta(2 * 7),
    )
    assert "HR may review a PIP" in result.reason
    assert not result.pip_recommended
    baseline = decide(weeks([10, 12, 14], commitment=[7, 7, 9]), will, MONDAY + dt.timedelta(14))
    assert baseline.action == "keep-coaching"  # the low weeks came before coaching began


def test_low_commitment_once_or_not_back_to_back_is_not_a_fit_case(will: Diagnosis) -> None:
    """One low week, or two low weeks with a gap between them, do not count as running."""
    assert decide(weeks([10, 12], commitment=[9, 7]), will).action == "keep-coaching"
    rows = weeks([10, 12, 14], commitment=[7, 9, 8])
    rows.pop(1)
    assert decide(rows, will).low_commitment_weeks == ()


def test_fit_conversation_under_a_system_gap_rules_out_a_pip(system: Diagnosis) -> None:
    """With a confirmed system gap the fit conversation says no PIP may be considered."""
    result = decide(weeks([10, 12], commitment=[6, 6]), system)
    assert result.action == "fit-conversation"
    assert "no PIP may be considered" in result.reason
    assert result.pip_blocked


def test_before_six_coaching_weeks_keep_coaching(will: Diagnosis) -> None:
    """Under six weeks of coaching nothing is judged yet, even with flat indicators."""
    result = decide(weeks([10, 10, 10, 10, 10]), will)
    assert result.action == "keep-coaching"
    assert result.weeks_coached == 5
    assert "until week 6 of coaching" in result.reason


def test_no_trend_after_six_weeks_asks_for_data(will: Diagnosis) -> None:
    """Six weeks with no watched indicator recorded asks for data, never a PIP."""
    result = decide(weeks([None] * 6), will)
    assert result.action == "collect-data"
    assert not result.pip_recommended


def test_nothing_moving_after_six_weeks_behind_recommends_a_pip_review(will: Diagnosis) -> None:
    """Seed 001: no improvement in any metric after six weeks, and behind: a PIP review, for
    people to decide; the reason says what did not move, with its numbers."""
    result = decide(weeks([10, 10, 10, 10, 9, 10], closed=10_000), will)
    assert result.standing == "behind"
    assert result.action == "pip-review"
    assert result.pip_recommended
    assert "recommendation for people to decide" in result.reason
    assert "Did not move: calls a day 10 → 10 (flat; target 40)" in result.reason


def test_nothing_moving_under_a_system_gap_means_fix_the_system(system: Diagnosis) -> None:
    """The same flat history with a confirmed system gap says fix the system, and why."""
    result = decide(weeks([10, 10, 10, 10, 9, 10], closed=10_000), system)
    assert result.action == "fix-system"
    assert not result.pip_recommended
    assert "Lead routing for this territory is flagged as broken" in result.reason


@pytest.fixture(scope="module")
def unknown(will: Diagnosis) -> Diagnosis:
    """The will rep with nothing to tell where they stand on the number."""
    return will.model_copy(
        update={"standing": will.standing.model_copy(update={"status": "unknown"})}
    )


def test_nothing_moving_where_the_standing_is_unknown_asks_for_the_number(
    unknown: Diagnosis,
) -> None:
    """No PIP review is weighed for a rep not known to be behind: collect the number first."""
    result = decide(weeks([10, 10, 10, 10, 9, 10]), unknown)
    assert result.action == "collect-data"
    assert "not known to be behind" in result.reason


def test_seed_001_progress_in_any_metric_is_progress(will: Diagnosis) -> None:
    """Seed 001 in its own terms: a will-focused rep whose calls stay flat while meetings that
    become opportunities rise 20% -> 37% and open questions 35% -> 60% is improving, not a
    PIP case: still behind, so coaching is extended; the reason lists both sides."""
    rows = weeks(
        [14, 14, 14.5, 14, 14, 14.2],
        closed=10_000,
        activity__meeting_to_opportunity_rate=[0.20, 0.24, 0.28, 0.31, 0.34, 0.37],
        calls__open_question_ratio=[0.35, 0.40, 0.45, 0.50, 0.55, 0.60],
    )
    for row in rows:
        row["activity"]["calls_per_day"] = row["activity"].pop("calls_per_day")
    result = decide(rows, will)
    assert result.action == "extend-coaching"
    assert not result.pip_recommended
    assert "Moved toward target: meetings that become opportunities 20% → 37% (reached" in (
        result.reason
    )
    assert "open questions 35% → 60% (reached target; target 50%)" in result.reason
    assert "Did not move: calls a day 14 → 14.2 (flat; target 40)" in result.reason


def test_at_target_when_coaching_began_is_neither_progress_nor_failure(will: Diagnosis) -> None:
    """Indicators at target from the start never moved, yet that is no failure: no PIP."""
    result = decide(weeks([40] * 6, closed=10_000), will)
    assert result.action == "keep-coaching"
    assert "neither progress nor failure" in result.reason
    assert result.progress[0] == "held"


def test_reaching_the_target_from_below_is_progress(will: Diagnosis) -> None:
    """Reaching the target during coaching counts, and holding it there keeps counting."""
    reached = decide(weeks([30, 33, 36, 40, 40, 40], closed=10_000), will)
    assert reached.progress[0] == "reached"
    assert reached.action == "extend-coaching"


def test_a_rep_at_or_ahead_of_their_number_is_never_escalated(will: Diagnosis) -> None:
    """Quota reached graduates; flat indicators at quota are no PIP case (issue 23)."""
    assert decide(weeks([10] * 6, closed=100_000), will).action == "graduate"
    assert decide(weeks([10, 14, 18, 22, 26, 30], closed=120_000), will).action == "graduate"


def test_progress_with_unknown_standing_keeps_coaching(unknown: Diagnosis) -> None:
    """Improving indicators but nothing tells where the rep stands: keep the plan running."""
    result = decide(weeks([10, 14, 18, 22, 26, 30]), unknown)
    assert result.action == "keep-coaching"
    assert "calls a day 10 → 30 (improving; target 40)" in result.reason


def test_ownership_stuck_after_a_full_cadence_is_a_pip_review(will: Diagnosis) -> None:
    """Seed 000: 13 coaching weeks, activity improving but forecast accuracy off target and
    flat: activity is not ownership, so a PIP review for a rep still behind."""
    rows = weeks(
        [10 + 2 * i for i in range(13)],
        closed=10_000,
        ownership__forecast_accuracy=[0.5] * 13,
    )
    result = decide(rows, will)
    assert result.action == "pip-review"
    assert "activity is not ownership" in result.reason


def test_forecast_accuracy_is_reported_as_the_ownership_signal(will: Diagnosis) -> None:
    """Every escalation carries the forecast-accuracy trend."""
    rows = weeks([10, 10, 10], ownership__forecast_accuracy=[0.5, 0.6, 0.7])
    result = decide(rows, will)
    assert result.ownership.metric == "ownership.forecast_accuracy"
    assert result.ownership.direction == "improving"


def test_every_gaps_rep_side_indicators_are_watched_focus_first(will: Diagnosis) -> None:
    """The focus gap's indicators come first, then the other gaps', each once; the
    territory's figures are not the rep's progress."""
    result = escalate(history_from_rows(weeks([10])), will, gap="skill")
    metrics = [t.metric for t in result.trends]
    assert metrics[0] == "activity.meeting_to_opportunity_rate"
    assert len(metrics) == len(set(metrics)) > 10
    assert not any(m.startswith("territory.") for m in metrics)
    assert progress_of(result.trends[0]) == "unknown"


@st.composite
def histories(draw: st.DrawFn) -> list[dict[str, Any]]:
    """One to nine weeks of random, mostly complete metrics for one rep, some weeks skipped,
    the pipeline figures to date (period dates and as_of) when a week has any."""
    count = draw(st.integers(1, 9))
    offsets = sorted(draw(st.sets(st.integers(0, 12), min_size=count, max_size=count)))
    rows = []
    for offset in offsets:
        row = draw(dense_rep_dicts())
        friday = MONDAY + dt.timedelta(weeks=offset, days=4)
        row.update(rep_id="r1", **QUARTER, as_of=str(friday))
        rows.append(row)
    return rows


@settings(max_examples=60)
@given(
    rep=rep_dicts(),
    rows=histories(),
    gap=st.sampled_from([None, *GAPS]),
    broken=st.booleans(),
    since=st.one_of(st.none(), st.integers(-2, 12)),
)
def test_no_pip_while_a_system_gap_stands_or_the_rep_is_at_their_number(
    rep: dict[str, Any], rows: list[dict[str, Any]], gap: Any, broken: bool, since: int | None
) -> None:
    """For any rep, history and start: no PIP review under a confirmed or suspected system
    gap, none for a rep at or ahead of their number, and none without a coaching start."""
    if broken:  # broken routing confirms a system gap on most reps
        rep["territory"] = {**(rep.get("territory") or {}), "lead_routing_ok": False}
    diagnosis = diagnose(rep)
    began = None if since is None else MONDAY + dt.timedelta(weeks=since)
    result = escalate(history_from_rows(rows), diagnosis, gap=gap, since=began)
    system = diagnosis.verdict("system").status in FOUND
    if system or result.standing in ("ahead", "on_track") or began is None:
        assert result.action != "pip-review"
    assert result.pip_recommended == (result.action == "pip-review")
    assert len(result.missing_weeks) <= max(result.weeks_coached, result.weeks_recorded)


def test_no_pip_review_while_the_diagnosis_names_no_gap() -> None:
    """Behind, nothing moved, but the diagnosis names no gap to hold the rep to: find out why
    first (collect data), never a PIP review for a gap nobody has named."""
    diagnosis = diagnose(behind({"rep_id": "r1"}))
    assert diagnosis.primary_gap is None
    assert diagnosis.standing.status == "behind"
    result = decide(weeks([10, 10, 10, 10, 9, 10]), diagnosis)
    assert result.action == "collect-data"
    assert "names no gap for the rep now" in result.reason


def test_low_commitment_where_the_standing_is_unknown_waits_for_the_number(
    unknown: Diagnosis,
) -> None:
    """Two low commitment weeks for a rep not known to be behind: collect the number first."""
    result = decide(weeks([10, 12, 14], commitment=[9, 7, 8]), unknown)
    assert result.action == "collect-data"
    assert "no fit conversation is weighed" in result.reason

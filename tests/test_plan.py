"""The coaching plan: focus rule and goal, drills, GROW numbers, manager check, arguments."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from hypothesis import given

from gapdiag import InvalidArgument, InvalidMetrics, diagnose
from gapdiag.coaching.history import history_from_rows, read_history_csv
from gapdiag.coaching.plan import CoachingPlan, plan
from gapdiag.coaching.scorecard import Scorecard
from gapdiag.model.derived import (
    coverage,
    expected_from_pipeline,
    gap_to_goal,
    pipeline_needed,
    required_coverage,
    versus_plan,
)
from gapdiag.model.labels import TIMES

from .conftest import EXAMPLES, example
from .strategies import rep_dicts

START = dt.date(2026, 7, 6)


def make(name: str, **options: Any) -> CoachingPlan:
    """The plan for one example rep, starting on START."""
    return plan(example(name), start=START, **options)


def figures(result: CoachingPlan) -> dict[str, float | None]:
    """The manager's sheet numbers by name."""
    return {f.name: f.value for f in result.agenda.figures}


def test_agenda_numbers_are_the_derived_quantities() -> None:
    """The answer sheet holds exactly what derived.py computes from the rep's numbers."""
    rep = example("coverage-rep")["pipeline"]
    numbers = figures(make("coverage-rep"))
    gap = gap_to_goal(rep["quota"], rep["closed_won"], rep["commit"])
    assert numbers["derived.gap_to_goal"] == gap == 90_000
    assert numbers["derived.expected_from_pipeline"] == expected_from_pipeline(
        rep["open_pipeline"], rep["win_rate"]
    )
    assert numbers["derived.pipeline_needed"] == pipeline_needed(gap, rep["win_rate"])
    assert numbers["derived.coverage"] == coverage(rep["open_pipeline"], gap) == 2.0
    assert numbers["derived.required_coverage"] == required_coverage(rep["win_rate"]) == 4.0


def test_activity_against_the_ramp_adjusted_plan() -> None:
    """Calls against plan on the sheet use the same ramp-adjusted plan as the rules."""
    rep = {**example("will-rep"), "tenure_months": 1.5}
    result = plan(rep, start=START)
    assert figures(result)["derived.calls_vs_plan"] == versus_plan(14, 40, 0.5) == 0.7
    reality = [q.expect for q in result.agenda.questions if q.stage == "reality"]
    assert "14 calls a day against a ramp plan of 20 (50% of the full 40): 70% of plan." in reality


def test_rep_sheet_gives_inputs_but_never_the_answers() -> None:
    """The rep is asked with their own pipeline and win rate; results stay with the manager."""
    result = make("coverage-rep")
    asks = " ".join(q.ask for q in result.agenda.questions)
    assert "$180,000" in asks
    assert "25%" in asks
    for answer in ("$90,000", "$45,000", f"2.0{TIMES}", f"4.0{TIMES}", "$360,000"):
        assert answer not in asks
        assert any(answer in q.expect for q in result.agenda.questions)


def test_unknown_numbers_say_what_to_collect() -> None:
    """Without pipeline data the answer sheet names the metrics to collect."""
    result = make("ambiguous-rep")
    reality = next(q for q in result.agenda.questions if q.stage == "reality")
    assert reality.expect == "unknown: collect open pipeline, win rate"
    assert reality.ask.startswith("What is your open pipeline")


def test_will_focus_gets_deflection_redirects_and_a_commitment_follow_up() -> None:
    """A will focus adds redirects; the 1-10 question carries the first check-in date."""
    result = make("will-rep")
    assert result.focus is not None
    assert result.focus.gap == "will"
    assert len(result.agenda.redirects) == 3
    assert result.agenda.follow_up == dt.date(2026, 7, 10)
    assert "1 to 10" in result.agenda.commitment
    assert "Fri 10 Jul" in result.agenda.commitment
    assert make("skill-rep").agenda.redirects == ()


@pytest.mark.parametrize(
    ("name", "gap", "goal"),
    [
        ("will-rep", "will", "14 → 40 calls a day by Fri 28 Aug (week 8)"),
        ("skill-rep", "skill", "open questions 30% → 50% by Fri 28 Aug"),
        ("knowledge-rep", "knowledge", "objection handling 2 → 3 of 5 by Fri 28 Aug"),
        (
            "system-rep",
            "system",
            f"lead volume against the team 0.5{TIMES} → 1.0{TIMES} by Fri 28 Aug",
        ),
    ],
)
def test_focus_and_numeric_goal(name: str, gap: str, goal: str) -> None:
    """Each example rep gets its gap as focus and a goal on the metric behind the evidence."""
    result = make(name)
    assert result.focus is not None
    assert result.focus.gap == gap
    assert result.focus.goal is not None
    assert result.focus.goal.text.startswith(goal)


def test_confirmed_system_gap_wins_over_a_stronger_rep_side_gap() -> None:
    """A confirmed system gap is the focus even when a rep-side gap has more confidence."""
    rep = example("will-rep")
    rep["territory"] = {
        **rep["territory"],
        "lead_routing_ok": False,
        "lead_quality_score": 1,
        "lead_volume_vs_team": 0.9,
    }
    result = plan(rep, start=START)
    will, system = (result.diagnosis.verdict(g) for g in ("will", "system"))
    assert system.status == "confirmed"
    assert will.confidence > system.confidence
    assert result.focus is not None
    assert result.focus.gap == "system"
    assert result.focus.owner == "manager"
    # issue 14: the rep's own gap is coached alongside the system fix, with its drills
    assert result.rep_focus is not None
    assert result.rep_focus.gap == "will"
    assert [d.id for d in result.drills] == ["deflection-role-play"]


def test_no_confirmed_or_suspected_gap_means_no_focus_and_no_sessions() -> None:
    """A healthy rep gets no focus, drills or calendar."""
    result = make("healthy-rep")
    assert result.focus is None
    assert result.sessions == ()
    assert "No focus" in result.render()


def test_one_skill_at_a_time_strongest_evidence_first() -> None:
    """The skills the fired rules name, strongest first; only the first is drilled now and
    the plan says the next starts once it is at target."""
    result = make("will-rep")
    queue = [(s.drill.id, s.status) for s in result.skills]
    assert queue[0] == ("deflection-role-play", "current")  # the strongest naming rule (0.5)
    assert {status for _, status in queue[1:]} == {"next"}
    assert [d.id for d in result.drills] == ["deflection-role-play"]
    assert result.skill_note is not None
    assert "Next, and only once that is at target: Win-rate reality check" in result.skill_note
    drills = {s.title for s in result.sessions if s.kind == "drill"}
    assert drills == {"Role-play drill"}
    assert {s.detail.split(".")[0] for s in result.sessions if s.kind == "drill"} == {
        "Deflection role-play"
    }


def test_watch_list_resolves_team_targets() -> None:
    """Watched indicators show the rep's current value and the team's own target."""
    result = plan(example("will-rep"), start=START, targets={"forecast_accuracy": 0.9})
    watch = {w.metric: w for w in result.watch}
    assert watch["ownership.forecast_accuracy"].target == 0.9
    assert watch["ownership.forecast_accuracy"].current == 0.55


@pytest.mark.parametrize(
    ("hours", "status"), [(1.0, "flagged"), (2.0, "ok"), (3.0, "ok"), (None, "unknown")]
)
def test_manager_coaching_under_two_hours_is_flagged(hours: float | None, status: str) -> None:
    """Under the weekly setting the manager is flagged as a team-wide cause; CEB note included."""
    rep = example("will-rep")
    rep["territory"] = {**rep["territory"], "manager_coaching_hours_per_week": hours}
    check = plan(rep, start=START).manager
    assert check.status == status
    if status == "flagged":
        assert "whole team" in check.note
        assert "per month" in check.note


def test_manager_threshold_is_a_setting() -> None:
    """A team can move the coaching-hours threshold."""
    rep = example("will-rep")  # 2.5 h a week
    assert plan(
        rep, start=START, targets={"manager_coaching_hours_per_week": 3}
    ).manager.status == ("flagged")


def test_scorecard_openings_are_listed_largest_first() -> None:
    """Scorecard disagreements appear in the plan, the largest first."""
    card = Scorecard.model_validate(
        {
            "rep_id": "rep-will-01",
            "ratings": [
                {"metric": "activity.calls_per_day", "rep": 4, "manager": 3},
                {"metric": "ownership.forecast_accuracy", "rep": 5, "manager": 2},
                {"metric": "calls.rubric_score", "rep": 3, "manager": 3},
            ],
        }
    )
    openings = make("will-rep", scorecard=card).openings
    assert [o.metric for o in openings] == ["ownership.forecast_accuracy", "activity.calls_per_day"]
    assert openings[0].difference == 3


def test_scorecard_rejects_a_metric_rated_twice_and_bad_ratings() -> None:
    """Each metric is rated once, on 1-5, by a known name."""
    rating = {"metric": "calls.rubric_score", "rep": 3, "manager": 3}
    with pytest.raises(InvalidMetrics, match="rated twice"):
        Scorecard.model_validate({"rep_id": "r", "ratings": [rating, rating]})
    with pytest.raises(InvalidMetrics, match=r"ratings\[0\].rep: 6 is not a rating from 1 to 5"):
        Scorecard.model_validate({"rep_id": "r", "ratings": [{**rating, "rep": 6}]})


def test_start_inside_the_history_is_refused() -> None:
    """The plan starts after the weeks it builds on; a start inside them is an error."""
    history = history_from_rows(
        [
            {"rep_id": "rep-will-01", "period_start": "2026-07-06"},
            {"rep_id": "rep-will-01", "period_start": "2026-07-13"},
        ]
    )
    with pytest.raises(InvalidArgument, match=r"start: 2026-07-15 falls inside the history"):
        plan(example("will-rep"), start=dt.date(2026, 7, 15), history=history)
    later = plan(example("will-rep"), start=dt.date(2026, 7, 20), history=history)
    assert later.escalation is not None
    assert later.escalation.action == "trends-only"  # no coaching start given
    since = dt.date(2026, 7, 7)
    coached = plan(example("will-rep"), start=dt.date(2026, 7, 20), history=history, since=since)
    assert coached.escalation is not None
    assert coached.escalation.action == "keep-coaching"
    with pytest.raises(InvalidArgument, match="since: coaching began 2026-07-21, after"):
        plan(example("will-rep"), start=dt.date(2026, 7, 20), since=dt.date(2026, 7, 21))


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"weeks": 0}, "weeks: 0"),
        ({"goal_week": 14}, "goal_week: 14 is not a week from 1 to 13"),
        (
            {
                "scorecard": Scorecard(
                    rep_id="other",
                    ratings=({"metric": "calls.rubric_score", "rep": 2, "manager": 3},),
                )
            },
            "scorecard: rep_id 'other' is not 'rep-will-01'",
        ),
    ],
)
def test_bad_arguments_are_named(options: dict[str, Any], message: str) -> None:
    """Out-of-range weeks, goal week, or another rep's data are InvalidArgument errors."""
    with pytest.raises(InvalidArgument, match=message):
        make("will-rep", **options)


def test_plan_round_trips_through_json() -> None:
    """A plan is frozen and its JSON reads back to an equal plan."""
    result = make("will-rep")
    assert CoachingPlan.model_validate_json(result.to_json()) == result


def test_render_markdown_and_text() -> None:
    """Both renderings carry the focus, both sheets and the calendar."""
    result = make("will-rep")
    markdown = result.render(fmt="markdown")
    assert markdown.startswith("# Coaching plan for rep-will-01")
    assert "| week | date |" in markdown
    text = result.render()
    assert "the manager's answer sheet" in text
    assert "Wed 8 Jul 10:00 (15 min, both) Role-play drill: Deflection role-play" in text
    with pytest.raises(InvalidArgument):
        result.render(fmt="pdf")  # type: ignore[arg-type]


@given(rep_dicts())
def test_plan_is_total_and_never_pips_under_a_system_gap(rep: dict[str, Any]) -> None:
    """Any valid rep gets a plan; a confirmed system gap is always the focus."""
    result = plan(rep, start=START)
    assert result.diagnosis.model_copy(update={"counterfactuals": ()}) == diagnose(rep)
    if result.diagnosis.pip_blocked:
        assert result.focus is not None
        assert result.focus.gap == "system"


def test_plan_text_names_the_decision_tree_end() -> None:
    """The plan says where the tree ended (the leaf's reason), or the question it could not
    answer and which metric it still needs: in words, never a node or leaf id."""
    ended = make("will-rep").render()
    assert "Decision tree: ends at will (agrees with the rules): Calls are well short" in ended
    assert "will-low-volume" not in ended
    stopped = make("ambiguous-rep").render()
    assert (
        "Decision tree: stopped at its question 'With low volume, does the territory get more "
        "than the floor share of the team's leads?' for lack of data (still possible: system, "
        "will); collect lead volume against the team."
    ) in stopped


def test_goal_falls_due_on_a_working_day() -> None:
    """Week 8 ends on a Friday; with Good Friday off in Germany the goal is due the Thursday."""
    start = dt.date(2027, 2, 1)
    plain = plan(example("will-rep"), start=start).focus
    german = plan(example("will-rep"), start=start, country="DE").focus
    assert plain is not None
    assert plain.goal is not None
    assert german is not None
    assert german.goal is not None
    assert plain.goal.by_date == dt.date(2027, 3, 26)
    assert german.goal.by_date == dt.date(2027, 3, 25)


def test_now_is_the_periods_figures_and_the_latest_week_is_named_beside_them() -> None:
    """With a history, the plan's "now" is still the period's figures the diagnosis read (one
    plan, one set of numbers); a watched indicator whose latest week reads otherwise says so,
    and the trends keep the weeks."""
    history = read_history_csv(EXAMPLES / "weeks.csv")
    result = plan(example("will-rep"), start=dt.date(2026, 8, 17), history=history)
    assert result.focus is not None
    assert result.focus.goal is not None
    assert result.focus.goal.current == 14 / 40  # the period's 14 calls a day, as diagnosed
    assert result.escalation is not None
    latest = {t.metric: t.latest for t in result.escalation.trends}
    assert latest["derived.calls_vs_plan"] == 31 / 40  # the latest week, for the trend
    calls = next(w for w in result.watch if w.metric == "derived.calls_vs_plan")
    assert (calls.current, calls.latest_week) == (14 / 40, 31 / 40)
    text = result.render()
    assert "Calls a day: now 14 over the period (latest week 31), target 40" in text
    assert "14 → 40 calls a day" in text
    assert "31 → 40" not in text
    assert result.diagnosis.verdicts == diagnose(example("will-rep")).verdicts


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"start": dt.date(9999, 12, 27)}, r"start: 9999-12-27 leaves no room for 13 weeks"),
        ({"country": "XX"}, r"country: 'XX' is not known to the holidays package"),
        ({"country": "DE", "subdivision": "ZZ"}, r"subdivision: 'ZZ' is not known"),
        ({"subdivision": "BY"}, r"subdivision: 'BY' needs a country"),
    ],
)
def test_calendar_arguments_are_checked(options: dict[str, Any], message: str) -> None:
    """A start the calendar cannot hold, or an unknown country, is one clear error."""
    arguments = {"start": START, **options}
    with pytest.raises(InvalidArgument, match=message):
        plan(example("will-rep"), **arguments)


def test_plan_lists_the_holidays_it_skipped() -> None:
    """A plan over Christmas in Germany records the holidays no session was booked on."""
    result = plan(example("will-rep"), start=dt.date(2026, 12, 7), country="de")
    assert result.country == "DE"
    named = {h.date: h.name for h in result.holidays}
    assert named[dt.date(2026, 12, 25)] == "Christmas Day"
    assert not {s.date for s in result.sessions} & set(named)


@pytest.mark.parametrize("name", ["will-rep", "system-rep", "skill-rep", "knowledge-rep"])
def test_a_plan_names_no_rule_id_where_a_manager_reads(name: str) -> None:
    """The goal says where it came from in words; the rule's id stays in the JSON."""
    from gapdiag import load_rules

    made = plan(example(name), start=dt.date(2026, 10, 5))
    assert made.focus is not None
    assert made.focus.goal is not None
    ids = {rule.id for rule in load_rules().rules}
    for fmt in ("text", "markdown", "html"):
        shown = made.render(fmt=fmt)
        assert not [i for i in ids if i in shown], fmt
    assert f"(from {made.focus.goal.origin()})" in made.to_text()
    assert made.focus.goal.source in made.to_json()

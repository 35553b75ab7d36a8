"""Issue 14: the seeds' sharpest judgments, pinned through the public API and the CLI.

Each test builds a rep from a seed's worked example (our own numbers where the seed gives
none) and checks the judgment the seed makes.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from gapdiag import diagnose, load_rules, plan
from gapdiag.cli import main
from gapdiag.coaching.escalation import escalate
from gapdiag.coaching.history import history_from_rows

from .conftest import BEHIND_PIPELINE, EXAMPLES, behind

START = dt.date(2026, 7, 6)  # a Monday
NORMAL = {"lead_volume_vs_team": 1.0, "territory_size_vs_team": 1.0}


def _cli(capsys: Any, tmp_path: Path, rep: dict[str, Any], *args: str) -> str:
    path = tmp_path / "rep.json"
    path.write_text(json.dumps(rep))
    assert main([*args, str(path)]) == 0
    out: str = capsys.readouterr().out
    return out


# 1. System first (seed 001: "ignoring the system: the lead routing is broken").
ROUTING = {
    "rep_id": "routing",
    "activity": {"calls_per_day": 12},
    "ownership": {"deflections_per_one_on_one": 3},
    "territory": {**NORMAL, "lead_routing_ok": False},
}


def test_broken_routing_is_not_cancelled_by_a_big_patch(capsys: Any, tmp_path: Path) -> None:
    """Broken routing stands against 'territory at or above team': system first, no PIP."""
    d = diagnose(behind(ROUTING))
    system = d.verdict("system")
    assert system.status == "confirmed"
    assert system.confidence == 0.7
    assert d.primary_gap == "system"
    assert d.pip_blocked
    assert d.tree_leaf is not None
    assert d.tree_leaf.id == "system-routing"
    assert d.tree_agrees is True
    data = json.loads(_cli(capsys, tmp_path, behind(ROUTING), "diagnose", "--json"))
    assert data["primary_gap"] == "system"
    assert data["pip_blocked"] is True


def test_system_fix_is_the_first_focus_with_the_reps_gap_alongside() -> None:
    """The plan's focus is the manager's routing fix with a working-day date; will alongside."""
    p = plan(behind(ROUTING), start=START)
    assert p.focus is not None
    assert p.focus.gap == "system"
    assert p.focus.owner == "manager"
    assert p.focus.goal is not None
    assert p.focus.goal.metric == "territory.lead_routing_ok"
    assert p.focus.goal.by_date is not None
    assert p.focus.goal.by_date.weekday() < 5
    assert p.rep_focus is not None
    assert p.rep_focus.gap == "will"
    assert "Alongside" in p.render()


def test_a_suspected_system_gap_blocks_a_pip() -> None:
    """Unclear stage definitions alone (suspected) block any PIP in the escalation."""
    rep = {"rep_id": "stages", "territory": {"stage_definitions_ok": False}}
    d = diagnose(behind(rep))
    assert d.verdict("system").status == "suspected"
    assert d.pip_blocked
    weeks = [
        {
            "rep_id": "stages",
            "period_start": str(START + dt.timedelta(weeks=i)),
            "activity": {"calls_per_day": 15},
        }
        for i in range(6)
    ]
    result = escalate(history_from_rows(weeks), d, gap="will", since=START)
    assert result.action == "fix-system"
    assert not result.pip_recommended


# 2. Volume vs quality by conversion (seed 001: 150 calls -> 2 meetings vs 40 calls -> 1).
QUALITY_PER_WEEK = {"calls_per_day": 30, "meetings_per_week": 2}  # 150 calls, 2 meetings a week
QUALITY_PER_DAY = {"calls_per_day": 150, "meetings_per_week": 10}  # 150 calls, 2 meetings a day
VOLUME_PER_WEEK = {"calls_per_day": 8, "meetings_per_week": 1}  # 40 calls, 1 meeting a week
VOLUME_PER_DAY = {"calls_per_day": 40, "meetings_per_week": 5}  # 40 calls, 1 meeting a day
SOUND = {"product_quiz_score": 0.9, "competitor_positioning_score": 4}


def test_150_calls_2_meetings_is_quality_per_day_and_per_week(capsys: Any, tmp_path: Path) -> None:
    """Rules and tree both read skill, whichever unit the counts come in."""
    for activity in (QUALITY_PER_WEEK, QUALITY_PER_DAY):
        rep = {"rep_id": "q", "activity": activity, "territory": NORMAL, "knowledge": SOUND}
        d = diagnose(behind(rep))
        assert d.primary_gap == "skill"
        assert d.tree_leaf is not None
        assert d.tree_leaf.id == "skill-conversion"
        assert d.tree_agrees is True
        data = json.loads(_cli(capsys, tmp_path, behind(rep), "diagnose", "--json"))
        assert data["primary_gap"] == "skill"


def test_40_calls_1_meeting_is_volume_not_quality() -> None:
    """Read per week it is a volume (will) problem; read per day it is at plan on both."""
    d = diagnose(behind({"rep_id": "v", "activity": VOLUME_PER_WEEK, "territory": NORMAL}))
    assert d.primary_gap == "will"
    assert d.tree_leaf is not None
    assert d.tree_leaf.id == "will-low-volume"
    at_plan = diagnose(behind({"rep_id": "v", "activity": VOLUME_PER_DAY, "territory": NORMAL}))
    fired = {e.rule for v in at_plan.verdicts for e in v.evidence}
    assert not fired & {"activity-low-calls-normal-leads", "activity-busy-few-meetings"}


def test_weak_product_makes_poor_conversion_knowledge() -> None:
    """The same poor conversion from a rep weak on the product is a knowledge gap."""
    rep = {"rep_id": "k", "activity": QUALITY_PER_WEEK, "knowledge": {"product_quiz_score": 0.5}}
    d = diagnose(behind(rep))
    assert d.primary_gap == "knowledge"
    assert d.tree_leaf is not None
    assert d.tree_leaf.id == "knowledge-product"


@settings(max_examples=150, deadline=None)
@given(st.floats(1, 200), st.floats(0, 30))
def test_no_dead_band_and_rules_agree_with_the_tree(calls: float, meetings: float) -> None:
    """Volume rule <-> tree's volume branch; quality rule <-> tree's quality branch."""
    rep = {
        "rep_id": "b",
        "activity": {"calls_per_day": calls, "meetings_per_week": meetings},
        "knowledge": {"product_quiz_score": 0.9},  # the quality rule reads it (skill or knowledge)
    }
    d = diagnose(behind({**rep, "territory": NORMAL}))
    fired = {e.rule for v in d.verdicts for e in v.evidence}
    nodes = {s.node: s.answer for s in d.tree_path}
    assert ("activity-low-calls-normal-leads" in fired) == (nodes.get("volume") is True)
    assert ("activity-busy-few-meetings" in fired) == (nodes.get("quality") is True)
    conversion = meetings * 40 / (calls * 5)  # as derived: one quotient, 5 of 200 planned
    if calls >= 40 * 0.5 and conversion < 0.8:
        assert "activity-busy-few-meetings" in fired  # no band where poor conversion is unread


# 3. Can't vs won't (seed 000's FAQ: "genuinely can't do the pipeline math").
HEALTHY = {"calls_per_day": 44, "meetings_per_week": 6, "meeting_to_opportunity_rate": 0.36}
CANT = {
    "rep_id": "cant",
    "activity": HEALTHY,
    "ownership": {
        "commitment_score": 9,
        "deflections_per_one_on_one": 0,
        "states_gap_unprompted": False,
        "forecast_accuracy": 0.5,
    },
    "knowledge": {"comp_plan_understood": True},
}


def test_committed_rep_who_cannot_do_the_math_is_skill(capsys: Any, tmp_path: Path) -> None:
    """Committed and not deflecting: skill, and the tree agrees."""
    d = diagnose(behind(CANT))
    assert d.primary_gap == "skill"
    assert d.verdict("will").confidence == 0.0
    assert d.tree_leaf is not None
    assert d.tree_leaf.id == "skill-forecasting-math"
    assert d.tree_agrees is True
    assert (
        json.loads(_cli(capsys, tmp_path, behind(CANT), "diagnose", "--json"))["primary_gap"]
        == "skill"
    )


def test_deflecting_rep_with_the_same_symptoms_is_will() -> None:
    """The same symptoms from a rep who deflects read as will, and the tree agrees."""
    rep = {**CANT, "ownership": {**CANT["ownership"], "deflections_per_one_on_one": 3}}
    d = diagnose(behind(rep))
    assert d.primary_gap == "will"
    assert d.verdict("skill").confidence == 0.0
    assert d.tree_leaf is not None
    assert d.tree_leaf.id == "will-avoids-the-number"


# 4. Escalation that measures movement (seed 001: 4-6 weeks; seed 000: a 90-day cadence).
def _weeks(n: int, **groups: dict[str, Any]) -> Any:
    return history_from_rows(
        {"rep_id": "w", "period_start": str(START + dt.timedelta(weeks=i)), **groups}
        for i in range(n)
    )


def test_six_flat_weeks_with_a_self_rated_nine_is_a_pip_review() -> None:
    """Calls flat at 15 a day for 6 weeks of coaching, behind on the number: commitment 9 is
    not progress -> PIP review."""
    d = diagnose(behind({"rep_id": "w", "activity": {"calls_per_day": 15}, "territory": NORMAL}))
    assert d.standing.status == "behind"
    history = _weeks(6, activity={"calls_per_day": 15}, ownership={"commitment_score": 9})
    result = escalate(history, d, gap="will", since=START)
    assert result.action == "pip-review"


def test_thirteen_weeks_of_calls_on_plan_but_never_owning_is_a_pip_review() -> None:
    """Activity at plan is not ownership: 13 weeks without owning the gap -> PIP review."""
    d = diagnose(behind({"rep_id": "w", "activity": {"calls_per_day": 25}, "territory": NORMAL}))
    history = _weeks(
        13,
        activity={"calls_per_day": 40},
        ownership={"states_gap_unprompted": False, "forecast_accuracy": 0.5},
    )
    rising = history_from_rows(
        {
            "rep_id": "w",
            "period_start": str(START + dt.timedelta(weeks=i)),
            "activity": {"calls_per_day": 20 + 2 * i},
            "ownership": {"states_gap_unprompted": False, "forecast_accuracy": 0.5},
        }
        for i in range(13)
    )
    assert escalate(rising, d, gap="will", since=START).action == "pip-review"
    assert escalate(history, d, gap="will", since=START).action == "pip-review"


# 5. Pipeline math everywhere (seed 000: $180K pipe, $90K gap, 25% win rate).
COVERAGE = {
    "rep_id": "coverage",
    "pipeline": {
        "quota": 150000,
        "closed_won": 40000,
        "commit": 20000,
        "open_pipeline": 180000,
        "win_rate": 0.25,
    },
}


def test_the_coverage_talk_carries_its_numbers(capsys: Any, tmp_path: Path) -> None:
    """Gap 90K, expected 45K, shortfall 45K, 2x coverage against 4x needed, in JSON and text.

    Half-way through the quarter (behind the pace): a shortfall to work on this week."""
    d = diagnose(behind({**COVERAGE, "as_of": "2026-08-14"}))
    assert d.standing.status == "behind"
    assert d.standing.settled_by == "pace"
    numbers = {f.name: f.value for f in d.numbers}
    assert numbers["derived.gap_to_goal"] == 90000
    assert numbers["derived.expected_from_pipeline"] == 45000
    assert numbers["derived.pipeline_shortfall"] == 45000
    assert numbers["derived.pipeline_needed"] == 360000
    assert numbers["derived.coverage"] == 2.0
    assert numbers["derived.coverage_needed"] == 4.0
    assert "a coverage problem to solve this week" in d.explain()
    data = json.loads(_cli(capsys, tmp_path, behind(COVERAGE), "diagnose", "--json"))
    assert {"name": "derived.gap_to_goal", "value": 90000.0} in data["numbers"]


def test_a_period_that_is_over_is_not_a_coverage_problem_for_this_week() -> None:
    """Once the period is over, its gap and pipeline figures are not this week's actions,
    and the text says the open pipeline carries into the next period."""
    text = diagnose(behind(COVERAGE)).explain()
    assert "solve this week" not in text
    assert "The period is over" in text
    assert "carries into the next period" in text
    assert "with the period over, $110,000 short" in text


def test_a_coverage_shortfall_always_yields_a_plan_focus() -> None:
    """No gap is established, yet the plan says to build coverage this week; three days into
    the quarter the rep is ahead of pace, so it is coverage to keep pace, not a gap to close."""
    p = plan(behind({**COVERAGE, "as_of": "2026-07-03"}), start=START)
    assert p.coverage is not None
    assert p.coverage.shortfall == 45000
    assert p.coverage.by_date == dt.date(2026, 7, 10)
    assert p.standing.status == "ahead"
    assert "Build coverage to keep pace by Fri 10 Jul" in p.render()
    assert "Close the coverage gap" not in p.render()
    late = plan(behind({**COVERAGE, "as_of": "2026-08-14"}), start=dt.date(2026, 8, 17))
    assert late.standing.status == "behind"
    assert "Close the coverage gap by" in late.render()


def test_a_period_that_is_over_leaves_no_coverage_gap_to_close() -> None:
    """A plan made after the quarter ended does not ask to close that quarter's gap."""
    p = plan(behind(COVERAGE), start=dt.date(2026, 10, 5))
    assert p.standing.status == "behind"
    assert p.coverage is None
    assert "Close the coverage gap" not in p.render()


# 6. Every seed measure read.
def test_coverage_needed_is_three_without_a_win_rate() -> None:
    """3x coverage when no win rate is known, 1 / win rate when it is."""
    rep = {
        "rep_id": "c",
        "pipeline": {"quota": 100000, "closed_won": 0, "commit": 0, "open_pipeline": 150000},
    }
    numbers = {f.name: f.value for f in diagnose(behind(rep)).numbers}
    assert numbers["derived.coverage_needed"] == 3.0


def test_a_108_day_cycle_against_a_60_day_team_is_read() -> None:
    """Seed 003's 108-day cycle is slow against the team's median."""
    rep = {
        "rep_id": "cycle",
        "pipeline": {"sales_cycle_days": 108},
        "knowledge": {"product_quiz_score": 0.9},  # knows the product: the drag is skill
    }
    d = diagnose(behind(rep), team={"median": {"pipeline.sales_cycle_days": 60}})
    assert "pipeline-cycle-longer-than-team" in {e.rule for e in d.verdict("skill").evidence}


def test_at_least_three_shipped_rules_read_the_team() -> None:
    """Conversion, stage conversion, cycle and deal age against the team median."""
    team_rules = [r.id for r in load_rules().rules if "team." in r.when]
    assert len(team_rules) >= 3


# 8. Plan bugs.
def test_plan_with_fewer_than_eight_weeks_works(capsys: Any, tmp_path: Path) -> None:
    """--weeks 6 no longer fails on the default goal week 8."""
    p = plan(behind(ROUTING), start=START, weeks=6)
    assert p.focus is not None
    assert p.focus.goal is not None
    assert p.focus.goal.by_week == 6
    out = _cli(capsys, tmp_path, behind(ROUTING), "plan", "--start", str(START), "--weeks", "6")
    assert "Focus" in out


def test_no_focus_sheet_does_not_blame_the_manager() -> None:
    """Without a focus the drills line is plain 'none'."""
    p = plan(behind({"rep_id": "ok"}), start=START)
    assert p.focus is None
    assert "the fixes are the manager's" not in p.render()


# Edges of the new code paths.
def test_a_certain_counter_cancels_a_certain_fact_exactly() -> None:
    """cf 1 against cf 1 cancels to 0, and a cancelled fact never weighs against others."""
    from gapdiag.engines.verdicts import against_fact, weigh
    from gapdiag.rulebook.rule import CompiledRule

    assert against_fact(1.0, 1.0) == 0.0
    rules = [r for r in load_rules().compiled if r.gap == "system"]
    at_or_above = next(r for r in rules if r.id == "territory-at-or-above-team")
    starved = next(r for r in rules if r.id == "territory-starved-leads")
    routing = next(r for r in rules if r.id == "territory-broken-lead-routing")
    fired: list[CompiledRule] = [routing, starved, at_or_above]
    assert weigh(fired) == 0.7  # starved is cancelled, routing stands untouched


def test_thirteen_weeks_under_a_system_gap_is_a_system_fix() -> None:
    """The 13-week ownership review never recommends a PIP while a system gap stands."""
    d = diagnose(behind({"rep_id": "w", "territory": {"stage_definitions_ok": False}}))
    rising = history_from_rows(
        {
            "rep_id": "w",
            "period_start": str(START + dt.timedelta(weeks=i)),
            "activity": {"calls_per_day": 20 + 2 * i},
            "ownership": {"states_gap_unprompted": False},
        }
        for i in range(13)
    )
    result = escalate(rising, d, gap="will", since=START)
    assert result.action == "fix-system"


def test_no_coverage_focus_without_a_shortfall_and_goal_dates_on_weekdays() -> None:
    """Covered, closed or unknown pipelines give no coverage focus; weekends move to Friday."""
    from gapdiag.coaching.coverage import coverage_focus
    from gapdiag.coaching.workdays import WorkingDays
    from gapdiag.model.metrics import RepMetrics, Targets
    from gapdiag.rulebook.facts import build_facts

    targets = Targets()
    covered = {
        "quota": 100000,
        "closed_won": 50000,
        "commit": 0,
        "open_pipeline": 400000,
        "win_rate": 0.3,
    }
    for pipeline in (
        covered,
        {"quota": 100000, "closed_won": 100000, "commit": 0, "open_pipeline": 1, "win_rate": 0.3},
        {"quota": 100000},
    ):
        rep = RepMetrics.model_validate({"rep_id": "x", "pipeline": pipeline})
        assert coverage_focus(build_facts(rep, targets), targets) is None
    days = WorkingDays()
    assert days.on_or_before(dt.date(2026, 8, 30)) == dt.date(2026, 8, 28)  # Sunday -> Friday
    assert days.on_or_before(dt.date(2026, 8, 26)) == dt.date(2026, 8, 26)


def test_batch_derives_conversion_without_a_plan_or_a_flat_coverage() -> None:
    """Targets that leave the plan's conversion or the flat coverage unset: batch = diagnose."""
    from gapdiag.engines.vector.batch import diagnose_many

    rep = {"rep_id": "t", **COVERAGE, "activity": QUALITY_PER_WEEK}
    rep["pipeline"] = {**COVERAGE["pipeline"], "win_rate": None}
    targets = {"calls_per_day": None, "pipeline_coverage": None}
    batch = diagnose_many([rep], targets=targets)
    assert batch.diagnosis(0).primary_gap == diagnose(behind(rep), targets=targets).primary_gap


# 9. Worked examples read one by one (seed-examples): each test names its seed and example.
def test_38_calls_2_meetings_sets_a_meetings_goal_not_a_calls_goal(
    capsys: Any, tmp_path: Path
) -> None:
    """Seed 001, the Monday note: 38 calls is praised, the 2 meetings are the topic.

    38 calls a day is 190 a week; 2 meetings from 190 calls is 1.05%, against the plan's
    5 / 200 = 2.5%, so conversion is 42% of plan: skill. The goal is the meetings those
    same calls give at the plan's share, 190 x 2.5% = 4.75 a week, not 38 -> 40 calls
    (the calls only have to be at least half the plan for the rule to fire: context).
    """
    rep = {
        "rep_id": "monday",
        "activity": {"calls_per_day": 38, "meetings_per_week": 2},
        "knowledge": {"product_quiz_score": 0.9},  # seed 001: skill OR knowledge; this rep knows it
    }
    p = plan(behind(rep), start=START)
    assert p.focus is not None
    assert p.focus.gap == "skill"
    assert p.focus.goal is not None
    assert p.focus.goal.metric == "derived.conversion_vs_plan"
    assert p.focus.goal.target == 1.0
    assert p.focus.goal.text.startswith("2 → 4.8 meetings a week")
    out = _cli(capsys, tmp_path, behind(rep), "plan", "--start", str(START))
    assert "Goal: 2 → 4.8 meetings a week" in out
    assert "38 → 40 calls a day" not in out


def test_a_committed_rep_unclear_on_the_comp_plan_is_knowledge_first(
    capsys: Any, tmp_path: Path
) -> None:
    """Seed 000, the four causes: not knowing the comp plan or quota mechanics is the cheap
    knowledge gap, so a committed rep (9 of 10, no deflections) who cannot state the gap and
    cannot explain the comp plan is taught the mechanics first. The can't-do-the-math skill
    readings (0.4 each, which combined to 0.64 against knowledge's 0.4) are cancelled."""
    rep = {
        "rep_id": "mechanics",
        "activity": HEALTHY,
        "ownership": {
            "states_gap_unprompted": False,
            "forecast_accuracy": 0.5,
            "commitment_score": 9,
            "deflections_per_one_on_one": 0,
        },
        "knowledge": {"comp_plan_understood": False},
    }
    d = diagnose(behind(rep))
    assert d.primary_gap == "knowledge"
    assert d.verdict("skill").confidence == 0.0
    assert d.tree_leaf is not None
    assert d.tree_leaf.id == "knowledge-quota-mechanics"
    assert d.tree_agrees is True
    without_activity = {k: v for k, v in rep.items() if k != "activity"}
    assert (
        diagnose(behind(without_activity)).primary_gap == "knowledge"
    )  # was skill: 0.4 vs 0.4 tie
    data = json.loads(_cli(capsys, tmp_path, behind(rep), "diagnose", "--format", "json"))
    assert data["primary_gap"] == "knowledge"
    p = plan(behind(rep), start=START)
    assert p.focus is not None
    assert p.focus.goal is not None
    assert p.focus.goal.metric == "knowledge.comp_plan_understood"


DENIAL = {
    "rep_id": "denial",
    "activity": {"calls_per_day": 40, "meetings_per_week": 5, "meeting_to_opportunity_rate": 0.12},
    "knowledge": {"product_quiz_score": 0.9},
}


def test_a_rep_in_denial_is_shown_conversion_against_the_team_from_the_cli(
    capsys: Any, tmp_path: Path
) -> None:
    """Seed 001's FAQ on denial: show activity against target and conversion against the team.

    12% of meetings become opportunities against a team median of 35%: under 0.8 x 35% =
    28%, so the team rule fires; one rep's diagnosis and plan take the team from --team.
    """
    team = tmp_path / "team.json"
    team.write_text(json.dumps({"median": {"activity.meeting_to_opportunity_rate": 0.35}}))
    data = json.loads(
        _cli(capsys, tmp_path, behind(DENIAL), "diagnose", "--format", "json", "--team", str(team))
    )
    fired = {e["rule"] for v in data["verdicts"] for e in v["evidence"]}
    assert "activity-meeting-conversion-below-team" in fired
    text = _cli(capsys, tmp_path, behind(DENIAL), "diagnose", "--team", str(team))
    assert "against a team median of 35%" in text
    out = _cli(capsys, tmp_path, behind(DENIAL), "plan", "--start", str(START), "--team", str(team))
    assert "Goal: meetings that become opportunities 12% → 30%" in out


def test_the_108_day_cycle_goal_aims_at_the_team_median() -> None:
    """Seed 003's numeric goal: a sales cycle cut from 108 to 48 days.

    Against a team median of 48 days the rule fires past 1.25 x 48 = 60 days; the goal is
    the team's 48 days, not the 60-day margin, and the plan reads the team like diagnose.
    """
    rep = {
        "rep_id": "cycle",
        "pipeline": {"sales_cycle_days": 108},
        "knowledge": {"product_quiz_score": 0.9},  # knows the product: the drag is skill
    }
    p = plan(behind(rep), start=START, team={"median": {"pipeline.sales_cycle_days": 48}})
    assert p.focus is not None
    assert p.focus.gap == "skill"
    assert p.focus.goal is not None
    assert (p.focus.goal.current, p.focus.goal.target) == (108, 48)
    assert p.focus.goal.text.startswith("sales cycle 108 → 48 days")
    assert plan(behind(rep), start=START).focus is None  # no team values: the rule stays open


def test_ten_calls_a_day_without_territory_data_reads_will_or_system(
    capsys: Any, tmp_path: Path
) -> None:
    """Seed 001's will example (10 calls a day against 40) with no lead or territory data.

    10 / 40 = 25% of plan, under half: a volume problem, which is will or system; the first
    thing a manager reads says so and names the lead flow to collect, and nothing is judged.
    """
    rep = {"rep_id": "ten", "activity": {"calls_per_day": 10}}
    d = diagnose(behind(rep))
    assert d.primary_gap is None
    first = d.explain().splitlines()[2]  # the headline, after where the rep stands
    assert "The decision tree narrows it to system or will" in first
    assert "collect lead volume against the team" in first
    assert "territory." not in first
    assert "narrows it to system or will" in _cli(capsys, tmp_path, behind(rep), "diagnose")
    normal = diagnose(behind({**rep, "territory": NORMAL}))
    assert normal.primary_gap == "will"


def test_the_grow_example_rep_is_will_with_a_calls_goal_and_a_commitment_question() -> None:
    """Seed 001's GROW dialogue: 15 calls and 20 emails against 40 and 60, commitment 7.

    15 / 40 = 37.5% and 20 / 60 = 33% of plan (both under half) with normal lead flow, and
    7 < 9: will confirmed (1 - 0.4 x 0.7 x 0.7 = 0.804); the goal is 15 -> 40 calls and the
    1:1 ends asking what would make the commitment a 9.
    """
    rep = {
        "rep_id": "grow",
        "activity": {"calls_per_day": 15, "emails_per_day": 20},
        "ownership": {"commitment_score": 7},
        "territory": NORMAL,
    }
    d = diagnose(behind(rep))
    assert d.primary_gap == "will"
    assert d.verdict("will").confidence == 0.804
    p = plan(behind(rep), start=START)
    assert p.focus is not None
    assert p.focus.goal is not None
    assert p.focus.goal.text.startswith("15 → 40 calls a day")
    assert "What would make it a 9" in p.render()


def test_call_reviews_take_a_strong_a_weak_and_a_typical_call() -> None:
    """Seed 001's FAQ: listen to two or three calls a week (good, bad, average), not all."""
    p = plan(behind({"rep_id": "q", "calls": {"open_question_ratio": 0.2}}), start=START)
    review = next(s for s in p.sessions if s.kind == "call-review")
    assert "two or three" in review.detail
    assert all(word in review.detail for word in ("strong", "weak", "typical"))


def test_a_territory_30_percent_under_the_team_gets_a_system_goal(
    capsys: Any, tmp_path: Path
) -> None:
    """Seed 001's FAQ on a bad territory: 30% smaller than average means adjusting the quota.

    0.7 of the team's size is at the 0.7 floor: a system gap, no PIP, and the manager's goal
    is to bring the territory to the team's size (1.0x), with the quota cut as the other
    way out, rather than no goal at all.
    """
    rep = {"rep_id": "small", "territory": {"territory_size_vs_team": 0.7}}
    d = diagnose(behind(rep))
    assert d.primary_gap == "system"
    assert d.pip_blocked
    p = plan(behind(rep), start=START)
    assert p.focus is not None
    assert p.focus.owner == "manager"
    assert p.focus.goal is not None
    assert (p.focus.goal.metric, p.focus.goal.target) == ("territory.territory_size_vs_team", 1.0)
    # the firing rule's own action (issue 24), not a fixed list
    assert any("quota to be cut in proportion to the territory's size" in a for a in p.actions)
    out = _cli(capsys, tmp_path, behind(rep), "plan", "--start", str(START))
    assert "Goal: territory size against the team 0.7\u00d7 → 1.0\u00d7" in out


def test_conversion_reads_as_meetings_only_with_the_reps_calls() -> None:
    """Without the rep's calls a conversion goal stays a share; None names the meetings."""
    from gapdiag.coaching.units import in_plan_units
    from gapdiag.model.metrics import Targets

    targets = Targets()
    name = "derived.conversion_vs_plan"
    assert in_plan_units(name, 0.5, {}, targets) == (name, 0.5)
    assert in_plan_units(name, None, {}, targets) == ("activity.meetings_per_week", None)
    calls = {"activity.calls_per_day": 20.0}
    assert in_plan_units(name, 1.0, calls, targets) == ("activity.meetings_per_week", 2.5)
    no_plan = Targets(calls_per_day=None)
    assert in_plan_units(name, 1.0, calls, no_plan) == (name, 1.0)


def test_team_file_is_for_one_rep_and_a_bad_one_is_one_clear_error(
    capsys: Any, tmp_path: Path
) -> None:
    """--team on a population is refused (it works team values out); a typo names the path."""
    team = tmp_path / "team.json"
    team.write_text(json.dumps({"median": {"pipeline.sales_cyle_days": 48}}))
    rep = tmp_path / "rep.json"
    rep.write_text(json.dumps({"rep_id": "r"}))
    assert main(["plan", str(rep), "--start", str(START), "--team", str(team)]) == 2
    err = capsys.readouterr().err
    assert "team.json" in err
    assert "did you mean 'pipeline.sales_cycle_days'" in err
    population = tmp_path / "reps.csv"
    population.write_text("rep_id\nr\n")
    assert main(["diagnose", str(population), "--team", str(team)]) == 2
    assert "--team-by" in capsys.readouterr().err


def test_a_goal_against_the_team_mean_aims_at_the_mean() -> None:
    """A rule comparing with the team mean sets its goal at the mean, like a median."""
    from gapdiag.coaching.playbook import _team_value
    from gapdiag.model.diagnosis import Check

    check = Check(
        text="pipeline.sales_cycle_days > 1.25 * team.mean.pipeline.sales_cycle_days",
        observed="pipeline.sales_cycle_days",
        op=">",
        threshold="1.25 * team.mean.pipeline.sales_cycle_days",
        observed_value=108.0,
        threshold_value=62.5,
        result=True,
        distance=45.5,
    )
    assert _team_value(check, {"team.mean.pipeline.sales_cycle_days": 50.0}) == 50.0
    assert _team_value(check, {}) is None


def test_a_check_on_the_healthy_side_never_becomes_the_goal() -> None:
    """'Lead flow above the floor' in a will rule is context: no goal is taken from it."""
    from gapdiag.coaching.playbook import _from_check
    from gapdiag.model.diagnosis import Check
    from gapdiag.model.metrics import Targets

    def check(name: str, op: str, seen: float, limit: float) -> Check:
        return Check(
            text=f"{name} {op} {limit}",
            observed=name,
            op=op,
            threshold=str(limit),
            observed_value=seen,
            threshold_value=limit,
            result=True,
            distance=seen - limit,
        )

    targets = Targets()
    assert (
        _from_check(check("territory.lead_volume_vs_team", ">", 1.0, 0.7), {}, targets, {}) is None
    )
    low = check("territory.lead_volume_vs_team", "<", 0.5, 0.7)
    assert _from_check(low, {}, targets, {}) == (
        "territory.lead_volume_vs_team",
        0.5,
        0.7,
        "higher",
    )


def test_a_rep_with_no_data_is_not_narrowed() -> None:
    """Where the tree stops before ruling anything out, the headline names no shortlist."""
    first = diagnose(behind({"rep_id": "blank"})).explain().splitlines()[2]  # after the standing
    assert "stays open" in first
    assert "narrows" not in first


def test_a_suspicion_the_tree_cannot_tell_from_the_system_says_what_to_collect_first() -> None:
    """Seed 001's rep ($40k of $150k, two weeks left, 15 calls against 40, commitment 7):
    low volume is will or system, and without lead volume the tree cannot tell which, so
    ruling the system out comes before acting on a suspected will gap."""
    rep = {
        "rep_id": "seed-001",
        "period_start": "2026-07-01",
        "period_end": "2026-09-30",
        "as_of": "2026-09-16",
        "pipeline": {"quota": 150000, "closed_won": 40000},
        "activity": {"calls_per_day": 15, "emails_per_day": 20},
        "ownership": {"commitment_score": 7},
    }
    d = diagnose(rep)
    assert d.standing.status == "behind"
    assert d.primary_gap == "will"
    assert d.verdict("will").status == "suspected"
    first = d.explain().split("What to do first:\n")[1].splitlines()[0]
    # a change that leaves the gap open says so, never 'unknown, 0%'
    probed = diagnose(rep, counterfactuals=True).explain()
    assert "will then not judged until more data is in" in probed
    assert ", 0%)" not in probed
    assert first.startswith("- Before acting on will, rule out system: collect lead volume")
    partly = diagnose({**rep, "territory": {"lead_volume_vs_team": 1.0}}).explain()
    assert "rule out system: collect territory size against the team" in partly
    told = {"lead_volume_vs_team": 1.0, "territory_size_vs_team": 1.0}
    assert "Before acting on will" not in diagnose({**rep, "territory": told}).explain()


# 10. The rest of the seeds' worked examples, each read through the CLI as a manager would.
MID = {"period_start": "2026-07-01", "period_end": "2026-09-30", "as_of": "2026-08-14"}
"""Half-way through the quarter (33 of 66 working days), $40k of $150k closed: behind pace."""


def _mid(rep: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {**MID, **rep}
    out["pipeline"] = {**BEHIND_PIPELINE, **(rep.get("pipeline") or {})}
    return out


AT_PLAN = {"calls_per_day": 42, "meetings_per_week": 5}  # 105% and 100% of plan


def _weeks_csv(tmp_path: Path, rep_id: str, columns: dict[str, list[Any]]) -> Path:
    """A weekly history CSV, one row a Friday from 10 Jul 2026, as `ingest --every week`."""
    n = len(next(iter(columns.values())))
    head = ["rep_id", "period_start", "period_end", "as_of", *columns]
    lines = [",".join(head)]
    for i in range(n):
        day = dt.date(2026, 7, 10) + dt.timedelta(weeks=i)
        cells = [rep_id, "2026-07-01", "2026-09-30", str(day)]
        cells += ["" if v[i] is None else str(v[i]).lower() for v in columns.values()]
        lines.append(",".join(cells))
    path = tmp_path / "weeks.csv"
    path.write_text("\n".join(lines) + "\n")
    return path


def test_a_rep_who_cannot_position_against_a_competitor_is_knowledge(
    capsys: Any, tmp_path: Path
) -> None:
    """Seed 001's knowledge example: calls and meetings at plan, but the rep cannot say why
    we beat a named competitor (positioning 2 of 5, under 3): knowledge, trained with
    battle cards, and the tree agrees."""
    rep = _mid(
        {
            "rep_id": "positioning",
            "activity": AT_PLAN,
            "knowledge": {"competitor_positioning_score": 2, "product_quiz_score": 0.9},
            "territory": NORMAL,
        }
    )
    d = diagnose(rep)
    assert d.primary_gap == "knowledge"
    assert d.tree_leaf is not None
    assert d.tree_leaf.id == "knowledge-gaps"
    assert d.tree_agrees is True
    out = _cli(capsys, tmp_path, rep, "diagnose")
    assert "Primary gap: knowledge" in out
    assert "battle cards" in out
    assert "Positioning against competitors scores 2 out of 5, under 3" in out


def test_leads_without_a_usable_score_are_a_system_gap_fixed_with_demand_gen(
    capsys: Any, tmp_path: Path
) -> None:
    """Seed 001's system example: no lead score, so the rep works bad leads (lead quality
    1.5 of 5, at most 2), while calling at plan. System, no PIP, the manager takes it to
    demand generation; the rep's effort is read as not the problem."""
    rep = _mid(
        {
            "rep_id": "lead-score",
            "activity": AT_PLAN,
            "territory": {**NORMAL, "lead_quality_score": 1.5},
        }
    )
    d = diagnose(rep)
    assert d.primary_gap == "system"
    assert d.pip_blocked
    out = _cli(capsys, tmp_path, rep, "diagnose")
    assert "demand generation" in out
    assert "so effort is not the problem" in out


def test_a_quota_above_what_the_patch_can_produce_is_a_system_fix(
    capsys: Any, tmp_path: Path
) -> None:
    """Seed 000's system example: quota set above what the territory can yield.

    A $110k gap at a 25% win rate needs $440k of pipeline, over twice the $100k open, with
    lead flow at 0.6 of the team's: the quota rule (0.5) and starved leads (0.4) confirm a
    system gap at 1 - 0.5 x 0.6 = 0.7; the manager takes the quota math upward."""
    rep = _mid(
        {
            "rep_id": "patch",
            "pipeline": {"commit": 0, "open_pipeline": 100000, "win_rate": 0.25},
            "territory": {"lead_volume_vs_team": 0.6},
        }
    )
    d = diagnose(rep)
    assert d.primary_gap == "system"
    assert d.verdict("system").status == "confirmed"
    assert d.verdict("system").confidence == 0.7
    assert "pipeline-quota-beyond-patch" in {e.rule for e in d.verdict("system").evidence}
    out = _cli(capsys, tmp_path, rep, "diagnose")
    assert "needs $440,000 of pipeline, more than twice the $100,000 open" in out
    assert "ask for a quota or territory adjustment" in out


def _at_plan(rep_id: str, **activity: float) -> dict[str, Any]:
    """A rep calling and booking at plan who knows the product, with `activity` added."""
    return _mid(
        {
            "rep_id": rep_id,
            "activity": {**AT_PLAN, **activity},
            "knowledge": {"product_quiz_score": 0.9},
            "territory": NORMAL,
        }
    )


def test_the_seed_001_measures_each_read_against_their_marks(capsys: Any, tmp_path: Path) -> None:
    """Seed 001's 'what to measure': calls over 3 minutes, over 30% of meetings becoming
    opportunities, open deals under 60 days. A 2-minute average call and 20% of meetings
    converting are skill; 75-day-old deals are read (over 60 x 1.1 = 66) but alone do not
    name a gap, and the text says what to collect."""
    short = _at_plan("short", avg_call_minutes=2.0)
    d = diagnose(short)
    assert d.primary_gap == "skill"
    assert "activity-short-discovery-calls" in {e.rule for e in d.verdict("skill").evidence}
    weak = _at_plan("weak", meeting_to_opportunity_rate=0.2)
    d = diagnose(weak)
    assert d.primary_gap == "skill"
    assert d.tree_leaf is not None
    assert d.tree_leaf.id == "skill-meeting-conversion"
    out = _cli(capsys, tmp_path, weak, "diagnose")
    assert "only 20% of meetings become opportunities (target 30%)" in out
    old = _mid({"rep_id": "old", "pipeline": {"avg_deal_age_days": 75}, "territory": NORMAL})
    d = diagnose(old)
    assert "pipeline-stale-deals" in {e.rule for e in d.verdict("will").evidence}
    assert d.primary_gap is None
    assert "stays open until more data is in" in _cli(capsys, tmp_path, old, "diagnose")


def test_an_hour_of_coaching_a_week_is_the_managers_gap(capsys: Any, tmp_path: Path) -> None:
    """Seed 003: teams coached two or more hours a week hit 107% against 90% under it, and a
    missed quota is the manager's problem too. One hour a week (under 2 x 0.9 = 1.8) is a
    suspected system gap: book the time for the quarter, move sessions rather than cancel."""
    rep = _mid({"rep_id": "coached", "territory": {"manager_coaching_hours_per_week": 1.0}})
    d = diagnose(rep)
    assert d.primary_gap == "system"
    assert d.verdict("system").status == "suspected"
    assert d.pip_blocked
    out = _cli(capsys, tmp_path, rep, "diagnose")
    assert "1 hour a week of coaching, below the target of 2 hours a week" in out
    assert "move, rather than cancel" in out


def test_a_rep_who_blames_the_leads_is_redirected_when_the_leads_are_fine(
    capsys: Any, tmp_path: Path
) -> None:
    """Seed 000's deflecting rep: 'the leads are bad' three times a 1:1, commitment 6, and
    lead flow at the team's, with 20 calls a day and 2 meetings a week (half the plan's
    calls, converting right at the 80% floor): will, from the volume (0.6), the deflections
    (0.5) and the commitment (0.3), 1 - 0.4 x 0.5 x 0.7 = 0.86; no system gap is found, and
    the plan carries the redirects for 'the leads are bad'."""
    rep = _mid(
        {
            "rep_id": "blames",
            "activity": {"calls_per_day": 20, "meetings_per_week": 2},
            "ownership": {"deflections_per_one_on_one": 3, "commitment_score": 6},
            "territory": NORMAL,
        }
    )
    d = diagnose(rep)
    assert d.primary_gap == "will"
    assert d.verdict("will").confidence == 0.86
    assert d.verdict("system").status not in ("confirmed", "suspected")
    assert "promise to handle it separately" in d.explain().split("What to do first:\n")[1]
    out = _cli(capsys, tmp_path, rep, "plan", "--start", str(START))
    assert "Say the leads stay exactly as they are" in out


THIN_LEADS = {
    "rep_id": "thin",
    "activity": {"calls_per_day": 20, "meetings_per_week": 2},
    "ownership": {"deflections_per_one_on_one": 3, "commitment_score": 6},
    "territory": {"lead_volume_vs_team": 0.5, "territory_size_vs_team": 1.0},
}
"""Seed 000's deflecting rep whose leads really are thin: half the team's lead flow."""


def test_a_rep_who_blames_leads_that_really_are_thin_gets_both_answers() -> None:
    """Seed 000's FAQ: the outside factor can be real. Lead flow at 0.5 of the team's is a
    system gap the manager fixes first (no PIP), and the rep's deflecting is coached
    alongside it: the lead issue is worked separately, the rep's part is not dropped."""
    rep = _mid(THIN_LEADS)
    d = diagnose(rep)
    assert d.primary_gap == "system"
    assert d.pip_blocked
    assert d.verdict("will").status == "suspected"
    p = plan(rep, start=dt.date(2026, 8, 17))
    assert p.focus is not None
    assert (p.focus.gap, p.focus.owner) == ("system", "manager")
    assert p.rep_focus is not None
    assert p.rep_focus.gap == "will"
    assert p.rep_focus.goal is not None
    assert p.rep_focus.goal.text.startswith("3 → 1 deflection a 1:1")
    assert "Alongside, the rep's own gap: will" in p.render()


def test_low_pipeline_from_a_rep_who_cannot_open_a_call_is_skill_not_will() -> None:
    """Seed 001's 'coaching the symptom': the pipeline is thin ($60k open against a $110k
    gap), but the rep calls at plan (42 a day) and only 2 of 210 calls become meetings,
    calls last 1.5 minutes and 20% of questions are open: skill, confirmed, not 'prospect
    more'; effort is named as not the problem."""
    rep = _mid(
        {
            "rep_id": "opener",
            "activity": {"calls_per_day": 42, "meetings_per_week": 2, "avg_call_minutes": 1.5},
            "pipeline": {"commit": 0, "open_pipeline": 60000, "win_rate": 0.25},
            "calls": {"open_question_ratio": 0.2},
            "knowledge": {"product_quiz_score": 0.9},
            "territory": NORMAL,
        }
    )
    d = diagnose(rep)
    assert d.primary_gap == "skill"
    assert d.verdict("skill").status == "confirmed"
    assert d.verdict("will").status not in ("confirmed", "suspected")
    assert "so effort is not the problem" in d.explain()
    # seed 001: not everything at once; short calls and closed questions share one drill,
    # and the first moves name it once
    first = d.explain().split("What to do first:\n")[1].split("\n\n")[0]
    assert first.count("five open questions") == 1


def test_a_busy_rep_who_does_not_own_the_number_is_will() -> None:
    """Seed 000: a rep can be busy and still passive. 41 calls a day (on plan) but the
    forecast lands at 50%, the gap is looked up, 30% of plans arrive on time, commitment 6:
    will, confirmed; the calls count against will and say so."""
    rep = _mid(
        {
            "rep_id": "busy",
            "activity": {"calls_per_day": 41, "meetings_per_week": 5},
            "ownership": {
                "commitment_score": 6,
                "states_gap_unprompted": False,
                "forecast_accuracy": 0.5,
                "plan_submission_rate": 0.3,
            },
            "territory": NORMAL,
        }
    )
    d = diagnose(rep)
    assert d.primary_gap == "will"
    assert d.verdict("will").status == "confirmed"
    against = [e.rule for e in d.verdict("will").counter_evidence]
    assert against == ["activity-calls-at-or-above-plan"]


def test_little_self_sourced_pipeline_is_a_will_lead_that_names_what_to_collect() -> None:
    """Seed 003 reads pipeline self-creation: 5% self-sourced (under our 20% floor) points
    to will, but without activity figures the tree cannot rule out the rest, and the first
    line says to collect them before acting on it."""
    rep = _mid(
        {
            "rep_id": "sourced",
            "ownership": {"self_sourced_pipeline_share": 0.05},
            "territory": NORMAL,
        }
    )
    d = diagnose(rep)
    assert d.primary_gap == "will"
    assert d.verdict("will").status == "suspected"
    first = d.explain().split("What to do first:\n")[1].splitlines()[0]
    assert first.startswith("- Before acting on will, rule out")
    assert "collect calls a day and meetings booked a week (" in first
    assert "cannot tell the gaps apart without them" in first


def _money(
    rep_id: str, quota: float, won: float, commit: float, pipe: float, win: float
) -> dict[str, Any]:
    """A rep half-way through the quarter with these pipeline figures."""
    pipeline = {
        "quota": quota,
        "closed_won": won,
        "commit": commit,
        "open_pipeline": pipe,
        "win_rate": win,
    }
    return _mid({"rep_id": rep_id, "pipeline": pipeline})


def test_the_40k_gap_is_the_reps_to_work_out_and_the_answer_sheet_has_it() -> None:
    """Seed 000: the manager never says 'you're $40K short'; the rep works it out. Quota
    $100k, $50k won, $10k committed: the rep's sheet asks for the gap, the manager's sheet
    holds $40k = 100k - 50k - 10k, and $120k at 25% brings $30k, $10k short."""
    rep = _money("forty", 100000, 50000, 10000, 120000, 0.25)
    text = plan(rep, start=dt.date(2026, 8, 17)).render()
    sheet, answers = text.split("GROW 1:1: the rep's sheet")[1].split("the manager's answer sheet")
    assert "$40,000" not in sheet
    assert "Gap to goal $40,000 = quota $100,000 - closed-won $50,000 - commit $10,000." in answers
    assert "Expected $30,000 against a gap of $40,000; shortfall $10,000." in answers


def test_a_rep_in_the_first_month_is_held_to_the_ramp_plan() -> None:
    """Seed 004: a new rep is brought on with closer check-ins, not judged on the full plan.
    One month in (of a 3-month ramp), 15 calls a day is 112.5% of the 13.3 the ramp asks:
    not a will gap."""
    rep = _mid(
        {
            "rep_id": "new",
            "tenure_months": 1,
            "activity": {"calls_per_day": 15, "meetings_per_week": 2},
            "territory": NORMAL,
        }
    )
    d = diagnose(rep)
    numbers = {f.name: f.value for f in d.numbers}
    assert numbers["derived.calls_vs_plan"] == 1.125
    assert d.verdict("will").status not in ("confirmed", "suspected")


def _two_weeks_left(rep_id: str, *, calls: float, emails: float, commitment: int) -> dict[str, Any]:
    """Seed 001's GROW rep: $40k of $150k closed with two weeks of the quarter left."""
    return {
        "rep_id": rep_id,
        **MID,
        "as_of": "2026-09-16",
        "pipeline": BEHIND_PIPELINE,
        "activity": {"calls_per_day": calls, "emails_per_day": emails},
        "ownership": {"commitment_score": commitment},
        "territory": NORMAL,
    }


def test_improving_but_still_behind_extends_coaching_a_quarter(capsys: Any, tmp_path: Path) -> None:
    """Seed 001's FAQ: improvement in the leading indicators but still short of quota
    extends coaching another quarter. The GROW rep's calls climb 15 -> 28 a day over nine
    coached weeks, still behind ($40k of $150k two weeks before the end)."""
    rep = _two_weeks_left("climber", calls=28, emails=40, commitment=9)
    weeks = _weeks_csv(
        tmp_path,
        "climber",
        {
            "activity.calls_per_day": [15, 15, 18, 21, 24, 26, 28, 28, 28, 28],
            "ownership.commitment_score": [7, 9, 9, 9, 9, 9, 9, 9, 9, 9],
        },
    )
    out = _cli(capsys, tmp_path, rep, "plan", "--history", str(weeks), "--since", "2026-07-13")
    assert "After 9 weeks of coaching since Mon 13 Jul (its focus not recorded): extend" in out
    assert "Moved toward target: calls a day 15 → 28 (improving; target 40)" in out


def test_commitment_under_nine_two_weeks_running_is_a_fit_conversation(
    capsys: Any, tmp_path: Path
) -> None:
    """Seed 001's FAQ: a rep who cannot commit at 9 or 10 two weeks running is a fit
    question. The GROW rep answers 7, then 9, then 7 and 7: the two back-to-back weeks are
    named and the plan asks for a documented conversation about fit."""
    rep = _two_weeks_left("seven", calls=15, emails=20, commitment=7)
    weeks = _weeks_csv(
        tmp_path,
        "seven",
        {"activity.calls_per_day": [15, 16, 18, 20], "ownership.commitment_score": [7, 9, 7, 7]},
    )
    out = _cli(capsys, tmp_path, rep, "plan", "--history", str(weeks), "--since", "2026-07-13")
    assert "After 3 weeks of coaching: talk about fit" in out
    assert "Commitment was under 9 of 10 in the weeks of Mon 20 Jul and Mon 27 Jul" in out


def test_conversion_falling_during_coaching_reads_as_worsening(capsys: Any, tmp_path: Path) -> None:
    """Seed 002: show the rep how their conversion has moved over time. Meetings turning
    into opportunities slide from 36% to 20% over nine coached weeks: 'worsening', said
    with both numbers, and with nothing moving toward target a PIP review is recommended."""
    rep = _mid(
        {
            "rep_id": "slide",
            "as_of": "2026-09-11",
            "activity": {**AT_PLAN, "meeting_to_opportunity_rate": 0.2},
            "knowledge": {"product_quiz_score": 0.9},
            "territory": NORMAL,
        }
    )
    weeks = _weeks_csv(
        tmp_path,
        "slide",
        {
            "activity.calls_per_day": [42] * 10,
            "activity.meetings_per_week": [5] * 10,
            "activity.meeting_to_opportunity_rate": [
                0.36, 0.35, 0.33, 0.31, 0.3, 0.28, 0.26, 0.24, 0.22, 0.2,
            ],
        },
    )  # fmt: skip
    out = _cli(capsys, tmp_path, rep, "plan", "--history", str(weeks), "--since", "2026-07-13")
    assert "- Meetings that become opportunities: worsening, -1.8 points per week; 36% → 20%" in out
    assert "After 9 weeks of coaching: review a PIP with HR" in out


def test_conversion_exactly_at_the_floor_is_not_under_it(capsys: Any, tmp_path: Path) -> None:
    """2 meetings from 20 calls a day is 2 in 100, 80% of the plan's 5 in 200: at the floor,
    not under it. It was worked out as 0.02 / 0.025 = 0.7999..., which the text showed as
    '80% (rule: under 80%): holds' and the tree sent to poor conversion (skill); read
    exactly, it is half the plan's calls converting at the floor: a volume problem."""
    rep = _mid({"rep_id": "floor", "activity": {"calls_per_day": 20, "meetings_per_week": 2}})
    rep["territory"] = NORMAL
    d = diagnose(rep)
    numbers = {f.name: f.value for f in d.numbers}
    assert numbers["derived.conversion_vs_plan"] == 0.8
    assert d.tree_leaf is not None
    assert d.tree_leaf.id == "will-low-volume"
    assert d.primary_gap == "will"
    out = _cli(capsys, tmp_path, rep, "diagnose")
    assert "80% (rule: under 80%): holds" not in out
    from gapdiag import diagnose_many

    batch = diagnose_many([rep])
    assert batch.diagnosis(0).primary_gap == "will"
    assert batch.diagnosis(0).tree_leaf == d.tree_leaf


def test_a_rep_exactly_on_pace_is_right_on_it_not_zero_dollars_ahead() -> None:
    """Seed 000's $40k gap, half-way through: $50k of $100k closed is exactly the pace.

    The standing said 'so $0 ahead of it'; it says the rep is right on it. The rep is on
    track, so the open pipeline's $10k shortfall is coverage to build, not a coverage
    problem beside 'nothing to fix this period'."""
    rep = _money("pace", 100000, 50000, 10000, 120000, 0.25)
    d = diagnose(rep)
    assert d.standing.status == "on_track"
    text = d.explain()
    assert "the pace calls for $50,000 by now, so right on it." in text
    assert "$0 ahead" not in text
    assert "a coverage problem to solve this week" not in text
    assert "no gap while the rep keeps pace, but coverage to build this week" in text


def test_a_rep_ahead_never_reads_a_negative_amount() -> None:
    """Seed 000: the rep states gap and coverage every week, even when ahead. $120k of $150k
    closed half-way, $10k committed, $100k open at 30%: the pipeline brings $30k against
    the $20k still needed. The comparison behind it says '$10,000 to spare', never
    '-$10,000'."""
    rep = _money("ahead", 150000, 120000, 10000, 100000, 0.3)
    d = diagnose(rep)
    assert d.standing.status == "ahead"
    text = d.explain()
    assert "-$" not in text
    assert "pipeline shortfall: $10,000 to spare (rule: at most $0): holds" in text
    assert "-$" not in d.explain(fmt="markdown")


def test_deflections_falling_and_the_gap_stated_over_90_days_read_in_words(
    capsys: Any, tmp_path: Path
) -> None:
    """Seed 000's measures over a 90-day cadence: deflections should fall, forecasts tighten,
    and the rep should come to state the gap unprompted. Deflections 4 -> 0 read as
    improving (lower is better), forecast accuracy 50% -> 80%, and the yes/no reads
    'no → yes', never '0 yes/no → 1'; still behind, coaching is extended, not escalated."""
    rep = _mid(
        {
            "rep_id": "owner",
            "as_of": "2026-09-30",
            "activity": {"calls_per_day": 40, "meetings_per_week": 5},
            "ownership": {
                "deflections_per_one_on_one": 3,
                "commitment_score": 9,
                "forecast_accuracy": 0.55,
                "states_gap_unprompted": False,
            },
            "territory": NORMAL,
        }
    )
    weeks = _weeks_csv(
        tmp_path,
        "owner",
        {
            "activity.calls_per_day": [40] * 13,
            "ownership.deflections_per_one_on_one": [4, 4, 3, 3, 3, 2, 2, 2, 1, 1, 1, 0, 0],
            "ownership.forecast_accuracy": [
                0.5, 0.52, 0.55, 0.58, 0.6, 0.63, 0.66, 0.68, 0.7, 0.73, 0.75, 0.78, 0.8,
            ],
            "ownership.states_gap_unprompted": [False] * 6 + [True] * 7,
        },
    )  # fmt: skip
    out = _cli(capsys, tmp_path, rep, "plan", "--history", str(weeks), "--since", "2026-07-06")
    assert "After 13 weeks of coaching" in out
    assert "extend coaching a quarter" in out
    assert "- Blame deflections a 1:1: improving, -0.34 deflections a 1:1 per week; 4 → 0" in out
    assert "- Forecast accuracy: improving, +2.5 points per week; 50% → 80%" in out
    assert "- States the gap to goal unprompted: improving; no → yes over 13 recorded weeks" in out
    assert "states the gap to goal unprompted no → yes (reached target; target yes)" in out
    assert "yes/no" not in out


def test_beside_a_system_fix_the_reps_sheet_is_about_the_reps_own_part() -> None:
    """Seed 000's FAQ: acknowledge the outside factor, work it separately, and ask only for
    the part the rep controls. With thin leads (system) and 3 deflections a 1:1 (will), the
    rep's sheet sets the deflections goal and carries the redirects; with a small territory
    alone, the sheet says the fix is the manager's and asks what the rep controls, never
    'where should territory size be by week 8'."""
    thin = _mid(THIN_LEADS)
    text = plan(thin, start=dt.date(2026, 8, 17)).render()
    sheet = text.split("GROW 1:1: the rep's sheet")[1].split("the manager's answer sheet")[0]
    assert "This quarter we work on one thing: blame deflections a 1:1." in sheet
    assert "lead volume against the team" not in sheet
    assert "Say the leads stay exactly as they are until the quarter ends" in sheet
    small = _mid({"rep_id": "small", "territory": {"territory_size_vs_team": 0.7}})
    text = plan(small, start=dt.date(2026, 8, 17)).render()
    sheet = text.split("GROW 1:1: the rep's sheet")[1].split("the manager's answer sheet")[0]
    assert "I am taking up territory size against the team separately" in sheet
    assert "which part of your number do you control?" in sheet
    assert "where should it be by week" not in sheet


def test_the_scorecard_gap_between_rep_and_manager_reads_in_plain_numbers(
    capsys: Any, tmp_path: Path
) -> None:
    """Seed 001's weekly scorecard: the rep rates each metric 1-5, the manager too, and the
    difference is where to coach. Forecast accuracy 4 against the manager's 2 comes first
    (2 points), then objection handling 2 against 4, then calls 3 against 2: '1 point',
    never 'point(s)'."""
    rep = json.loads((EXAMPLES / "will-rep.json").read_text())
    card = tmp_path / "card.json"
    card.write_text((EXAMPLES / "scorecard.json").read_text())
    out = _cli(capsys, tmp_path, rep, "plan", "--start", str(START), "--scorecard", str(card))
    board = out.split("Scorecard: largest disagreements first")[1]
    lines = [line for line in board.splitlines() if line.startswith("- ")][:3]
    assert lines[0].startswith("- The rep rates forecast accuracy 2 points higher than you do (4")
    assert lines[1].startswith("- The rep rates objection handling 2 points lower than you do")
    assert lines[2].startswith("- The rep rates calls a day 1 point higher than you do (3 vs 2)")
    assert "point(s)" not in out


def test_an_i_dont_know_on_accountability_is_asked_again_and_noted(
    capsys: Any, tmp_path: Path
) -> None:
    """Seed 004: some reps answer 'I don't know' to how they want to be held accountable;
    that calls for more questions about what drives them, and can be a red flag. The plan
    records the answer and says so; a real answer gets no such note."""
    log = tmp_path / "log.csv"
    log.write_text(
        "date,kind,note,focus,due\n"
        "2026-07-07,one-on-one,First GROW 1:1,will,\n"
        '2026-07-07,accountability,"I don\'t know.",will,\n'
    )
    rep = json.loads((EXAMPLES / "will-rep.json").read_text())
    out = _cli(capsys, tmp_path, rep, "plan", "--log", str(log), "--start", "2026-07-13")
    assert "The rep's answer: I don't know. (recorded Tue 7 Jul 2026)." in out
    assert "An 'I don't know' is not an answer yet" in out
    kept = _cli(capsys, tmp_path, rep, "plan", "--log", str(EXAMPLES / "coaching-log.csv"))
    assert "The rep's answer: A two-line email every Friday" in kept
    assert "An 'I don't know' is not an answer yet" not in kept

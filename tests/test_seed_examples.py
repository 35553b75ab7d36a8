"""The seed articles' worked examples, one parametrized case each, read as a manager would.

Every case is a rep written the way a user writes one (a quarter, a date the figures are
from, the quota and what has closed, then whatever the article's example tells us), with
the seed file it comes from and the article's conclusion in our own words. Each is run
through the Python API, `gapdiag diagnose --format json` and `plan`, and checked for:
the verdict and the decision tree's end the article reaches (or, where the example lacks
the data to decide, a stop that names what to collect); where the rep stands said first;
the article's intervention first; a PIP blocked while a system gap stands; and no gap to
fix for a rep who is not behind. A rule or tree change that moves one of these fails here.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from gapdiag import diagnose, plan
from gapdiag.cli import main
from gapdiag.model.labels import TIMES

START = dt.date(2026, 11, 23)  # a Monday, a week after the figures
QUARTER = {"period_start": "2026-10-01", "period_end": "2026-12-31", "as_of": "2026-11-16"}
BEHIND = {"quota": 150_000, "closed_won": 40_000}  # half-way through: $35k short of pace
NORMAL = {"lead_volume_vs_team": 1.0, "territory_size_vs_team": 1.0, "lead_routing_ok": True}
KNOWS = {"product_quiz_score": 0.9, "certified": True, "competitor_positioning_score": 4}
AT_PLAN = {"calls_per_day": 44, "meetings_per_week": 6, "meeting_to_opportunity_rate": 0.35}


@dataclass(frozen=True)
class Example:
    """One worked example: where it comes from, what it concludes, what gapdiag must say."""

    seed: str
    scenario: str
    conclusion: str
    groups: dict[str, Any]
    primary: str | None
    leaf: str | None = None  # the tree's leaf, or
    stop: str | None = None  # the node where the walk stops for lack of data
    headline: tuple[str, ...] = ()  # phrases of the line after the standing
    first: str | None = None  # a phrase of the first thing to do
    pip_blocked: bool = False
    focus: tuple[str, str] | None = None  # the plan's (gap, who acts)
    standing: str = "behind"
    extra: dict[str, Any] = field(default_factory=dict)  # top-level fields (tenure, as_of)

    def rep(self) -> dict[str, Any]:
        """The rep as a user would write it."""
        groups = {"pipeline": BEHIND, **self.groups}
        return {"rep_id": self.scenario, **QUARTER, **self.extra, **groups}


# The seed articles (shared/seeds/ beside DESIGN.md), cited by file name.
S000 = "000_3a9dbefd214cf5ed.txt"  # coaching reps to own their numbers
S001 = "001_712acac9dbccca28.txt"  # coaching a rep who keeps missing quota
S003 = "003_0678b9498cfa3634.txt"  # a data-driven coaching culture (and seed 002 before it)
S004 = "004_a15e69b9b0cb7812.txt"  # coaching for results, accountability

EXAMPLES = [
    # seed 001: the four gaps, each with its example
    Example(
        S001,
        "closed-questions",
        "Knows what a good discovery call is but asks closed questions live: skill, fixed by "
        "practice (the five-open-questions drill).",
        {
            "activity": {"calls_per_day": 42, "meetings_per_week": 5},
            "calls": {"open_question_ratio": 0.15, "discovery_questions_per_call": 5},
            "knowledge": KNOWS,
            "territory": NORMAL,
        },
        primary="skill",
        leaf="skill-call-craft",
        first="five open questions",
        focus=("skill", "rep"),
    ),
    Example(
        S001,
        "ten-calls-normal-leads",
        "10 calls a day against a plan of 40, with leads and territory like the team's: will, "
        "fixed by accountability.",
        {"activity": {"calls_per_day": 10, "meetings_per_week": 1}, "territory": NORMAL},
        primary="will",
        leaf="will-low-volume",
        first="daily call number they will own",
        focus=("will", "rep"),
    ),
    Example(
        S001,
        "ten-calls-no-territory",
        "The same 10 calls with nothing known about leads or territory: a volume problem, will "
        "or system, and only the lead data can tell which.",
        {"activity": {"calls_per_day": 10, "meetings_per_week": 1}},
        primary=None,
        stop="lead-flow",
        headline=("narrows it to system or will", "collect lead volume against the team"),
    ),
    Example(
        S001,
        "competitor",
        "Cannot say why the product beats a named competitor: knowledge, fixed by training.",
        {
            "activity": {"calls_per_day": 41, "meetings_per_week": 5},
            "knowledge": {"product_quiz_score": 0.85, "competitor_positioning_score": 1.5},
        },
        primary="knowledge",
        leaf="knowledge-gaps",
        first="battle cards",
        focus=("knowledge", "rep"),
    ),
    Example(
        S001,
        "routing",
        "Lead routing is broken: a system gap the manager fixes first; coaching activity "
        "instead is the mistake the article names.",
        {
            "activity": {"calls_per_day": 25, "meetings_per_week": 3},
            "territory": {**NORMAL, "lead_routing_ok": False},
        },
        primary="system",
        leaf="system-routing",
        first="routing fault with sales ops",
        pip_blocked=True,
        focus=("system", "manager"),
    ),
    Example(
        S001,
        "no-lead-score",
        "No lead score, so the rep works bad leads: a system gap, fixed through demand generation.",
        {
            "activity": {"calls_per_day": 40, "meetings_per_week": 2},
            "territory": {**NORMAL, "lead_quality_score": 1.5},
        },
        primary="system",
        leaf="system-support",
        first="demand generation",
        pip_blocked=True,
        focus=("system", "manager"),
    ),
    # seed 001's key insight: volume or quality, counted per week
    Example(
        S001,
        "150-for-2-knows-product",
        "150 calls for 2 meetings is a call-quality problem; from a rep who knows the product "
        "it is skill.",
        {
            "activity": {"calls_per_day": 30, "meetings_per_week": 2},
            "knowledge": KNOWS,
            "territory": NORMAL,
        },
        primary="skill",
        leaf="skill-conversion",
        focus=("skill", "rep"),
    ),
    Example(
        S001,
        "150-for-2-no-knowledge-data",
        "150 calls for 2 meetings is skill or knowledge; with no product-knowledge data the "
        "honest answer names both and asks for the quiz.",
        {"activity": {"calls_per_day": 30, "meetings_per_week": 2}},
        primary=None,
        stop="product-quiz-passed",
        headline=("narrows it to skill or knowledge", "collect product quiz score"),
    ),
    Example(
        S001,
        "150-for-2-weak-product",
        "150 calls for 2 meetings from a rep who fails the product quiz: knowledge.",
        {
            "activity": {"calls_per_day": 30, "meetings_per_week": 2},
            "knowledge": {"product_quiz_score": 0.55},
        },
        primary="knowledge",
        leaf="knowledge-product",
        focus=("knowledge", "rep"),
    ),
    Example(
        S001,
        "40-for-1-normal-leads",
        "40 calls for 1 meeting converts at plan: a volume problem; with normal lead flow, will.",
        {"activity": {"calls_per_day": 8, "meetings_per_week": 1}, "territory": NORMAL},
        primary="will",
        leaf="will-low-volume",
        focus=("will", "rep"),
    ),
    Example(
        S001,
        "40-for-1-starved-leads",
        "The same volume problem in a territory with half the team's leads: system.",
        {
            "activity": {"calls_per_day": 8, "meetings_per_week": 1},
            "territory": {"lead_volume_vs_team": 0.5},
        },
        primary="system",
        leaf="system-starved-leads",
        first="lead-flow numbers to marketing",
        pip_blocked=True,
        focus=("system", "manager"),
    ),
    Example(
        S001,
        "territory-30-smaller",
        "A territory 30% smaller than the average: adjust the quota; coaching cannot fix it.",
        {
            "activity": {"calls_per_day": 18, "meetings_per_week": 2},
            "territory": {"territory_size_vs_team": 0.7, "lead_volume_vs_team": 0.9},
        },
        primary="system",
        leaf="system-small-territory",
        first="cut the quota",
        pip_blocked=True,
        focus=("system", "manager"),
    ),
    Example(
        S001,
        "grow-rep",
        "The GROW dialogue: $40k of $150k with two weeks left, 15 calls and 20 emails against "
        "40 and 60, commitment 7. Activity at half of plan; the article gives no lead or "
        "territory data, so the system must be ruled out before acting on will.",
        {
            "activity": {"calls_per_day": 15, "emails_per_day": 20},
            "ownership": {"commitment_score": 7},
        },
        primary="will",
        stop="lead-flow",
        first="rule out system: collect lead volume against the team",
        focus=("will", "rep"),
        extra={"as_of": "2026-12-17"},
    ),
    Example(
        S001,
        "meetings-convert-15-no-quiz",
        "Meetings at plan but 15% becoming opportunities, against the 30% benchmark: skill or "
        "knowledge; without the quiz, ask for it rather than call it no gap.",
        {
            "activity": {
                "calls_per_day": 41,
                "meetings_per_week": 5,
                "meeting_to_opportunity_rate": 0.15,
            }
        },
        primary=None,
        stop="meeting-product",
        headline=("narrows it to knowledge or skill", "collect product quiz score"),
    ),
    Example(
        S001,
        "meetings-convert-15-knows-product",
        "The same 15% from a rep who knows the product: skill in running the first meeting.",
        {
            "activity": {
                "calls_per_day": 41,
                "meetings_per_week": 5,
                "meeting_to_opportunity_rate": 0.15,
            },
            "knowledge": KNOWS,
        },
        primary="skill",
        leaf="skill-meeting-conversion",
        first="recorded first meetings",
        focus=("skill", "rep"),
    ),
    # seed 000: ownership of the number
    Example(
        S000,
        "coverage-180k",
        "$180K of pipeline against a $90K gap at a 25% win rate brings about $45K: a coverage "
        "problem for this week, which the rep should work out aloud; nothing about the rep's "
        "gap is known yet.",
        {
            "pipeline": {
                "quota": 150_000,
                "closed_won": 45_000,
                "commit": 15_000,
                "open_pipeline": 180_000,
                "win_rate": 0.25,
            },
            "territory": NORMAL,
        },
        primary=None,
        stop="volume",
        headline=("Collect calls a day and meetings booked a week first",),
    ),
    Example(
        S000,
        "cannot-do-the-math",
        "Committed, does not deflect, but cannot state the gap or forecast: skill; teach the "
        "math once, then have the rep do it unaided.",
        {
            "activity": AT_PLAN,
            "ownership": {
                "states_gap_unprompted": False,
                "forecast_accuracy": 0.45,
                "commitment_score": 9,
                "deflections_per_one_on_one": 0,
            },
            "knowledge": {"comp_plan_understood": True},
        },
        primary="skill",
        leaf="skill-forecasting-math",
        first="Teach self-forecasting",
        focus=("skill", "rep"),
    ),
    Example(
        S000,
        "will-not-own",
        "Can do the math but avoids it, blames the market, commits low: will; redirect every "
        "deflection to what the rep controls.",
        {
            "activity": AT_PLAN,
            "ownership": {
                "states_gap_unprompted": False,
                "forecast_accuracy": 0.45,
                "commitment_score": 6,
                "deflections_per_one_on_one": 3,
            },
            "territory": NORMAL,
        },
        primary="will",
        leaf="will-avoids-the-number",
        first="steer each deflection back",
        focus=("will", "rep"),
    ),
    Example(
        S000,
        "comp-plan-unclear",
        "Committed but unclear on the comp plan and quota mechanics: knowledge, cheap to fix "
        "with clarity.",
        {
            "activity": AT_PLAN,
            "ownership": {
                "states_gap_unprompted": False,
                "commitment_score": 9,
                "deflections_per_one_on_one": 0,
            },
            "knowledge": {"comp_plan_understood": False},
        },
        primary="knowledge",
        leaf="knowledge-quota-mechanics",
        first="comp plan",
        focus=("knowledge", "rep"),
    ),
    Example(
        S000,
        "quota-beyond-patch",
        "A quota above what a starved patch can produce: a system gap; accountability pressure "
        "here is unfair, and a PIP is out of the question.",
        {
            "pipeline": {
                "quota": 200_000,
                "closed_won": 30_000,
                "commit": 20_000,
                "open_pipeline": 200_000,
                "win_rate": 0.2,
            },
            "activity": {"calls_per_day": 38, "meetings_per_week": 4},
            "territory": {"lead_volume_vs_team": 0.5},
        },
        primary="system",
        leaf="system-starved-leads",
        first="quota math to your own manager",
        pip_blocked=True,
        focus=("system", "manager"),
    ),
    Example(
        S000,
        "stage-definitions",
        "A broken CRM stage definition makes the pipeline look stuck: fix the system.",
        {
            "pipeline": {**BEHIND, "stage_conversion_rate": 0.15, "avg_deal_age_days": 95},
            "activity": {"calls_per_day": 42, "meetings_per_week": 5},
            "ownership": {"states_gap_unprompted": True, "commitment_score": 10},
            "territory": {"stage_definitions_ok": False},
        },
        primary="system",
        leaf="system-support",
        first="stage definitions",
        pip_blocked=True,
        focus=("system", "manager"),
    ),
    Example(
        S000,
        "busy-but-passive",
        "Makes every call yet does not own the number: activity is not ownership; will.",
        {
            "activity": {"calls_per_day": 41, "meetings_per_week": 5},
            "ownership": {
                "states_gap_unprompted": False,
                "deflections_per_one_on_one": 3,
                "plan_submission_rate": 0.3,
            },
            "territory": NORMAL,
        },
        primary="will",
        leaf="will-avoids-the-number",
        focus=("will", "rep"),
    ),
    Example(
        S000,
        "ahead-but-passive",
        "The rep states gap and coverage every week even when ahead; a rep ahead of pace has "
        "nothing to fix, whatever the ownership signals say.",
        {
            "pipeline": {
                "quota": 150_000,
                "closed_won": 110_000,
                "commit": 20_000,
                "open_pipeline": 60_000,
                "win_rate": 0.3,
            },
            "activity": {"calls_per_day": 12, "meetings_per_week": 1},
            "ownership": {
                "states_gap_unprompted": False,
                "deflections_per_one_on_one": 3,
                "forecast_accuracy": 0.5,
            },
            "territory": NORMAL,
        },
        primary=None,
        leaf="will-low-volume",
        headline=("Nothing to fix this period",),
        standing="ahead",
    ),
    # seed 003: the manager's coaching time is part of the system
    Example(
        S003,
        "one-hour-coaching",
        "Teams coached two or more hours a week beat those coached less (107% against 90% of "
        "quota): a manager coaching one hour a week is the manager's gap to fix.",
        {
            "activity": {"calls_per_day": 41, "meetings_per_week": 5},
            "territory": {"manager_coaching_hours_per_week": 1.0},
        },
        primary="system",
        leaf="system-support",
        first="Book the missing coaching time",
        pip_blocked=True,
        focus=("system", "manager"),
    ),
    # seed 004 (and the ramp in DESIGN): a new rep is not judged on the full plan
    Example(
        S004,
        "new-rep-first-month",
        "A rep in the first month is brought on with closer check-ins, not judged on the full "
        "plan: 10 calls a day is not a will gap one month into a three-month ramp.",
        {"activity": {"calls_per_day": 10, "meetings_per_week": 2}, "territory": NORMAL},
        primary=None,
        leaf="no-gap",
        extra={"tenure_months": 1},
    ),
]


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda e: f"{e.seed[:3]}-{e.scenario}")
def test_the_api_reaches_the_articles_conclusion(example: Example) -> None:
    """Verdict, tree end, standing first, the article's first action, PIP blocking."""
    d = diagnose(example.rep())
    assert d.standing.status == example.standing
    assert d.primary_gap == example.primary, example.conclusion
    assert (d.tree_leaf.id if d.tree_leaf else None) == example.leaf
    assert (d.tree_stop.node if d.tree_stop else None) == example.stop
    assert d.pip_blocked is example.pip_blocked
    lines = d.explain().splitlines()
    assert lines[1].startswith(f"{example.standing.capitalize()}:")  # where the rep stands
    for phrase in example.headline:
        assert phrase in lines[2]
    if example.stop is not None:  # data cannot decide: the text says what to collect
        assert "collect" in d.explain().lower()
    if example.primary is None:
        assert "Primary gap" not in lines[2]
    else:
        assert lines[2].startswith(f"Primary gap: {example.primary} ")
    if example.first is not None:
        todo = lines.index("What to do first:")
        assert example.first in lines[todo + 1]


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda e: f"{e.seed[:3]}-{e.scenario}")
def test_the_cli_gives_the_same_answer(
    example: Example, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`gapdiag diagnose FILE --format json` agrees with the API on the same file."""
    path = tmp_path / "rep.json"
    path.write_text(json.dumps(example.rep()))
    assert main(["diagnose", str(path), "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["primary_gap"] == example.primary
    assert (data["tree_leaf"] or {}).get("id") == example.leaf
    assert (data["tree_stop"] or {}).get("node") == example.stop
    assert data["pip_blocked"] is example.pip_blocked


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda e: f"{e.seed[:3]}-{e.scenario}")
def test_the_plan_focuses_on_the_articles_gap(example: Example) -> None:
    """The plan's one focus is the article's gap, owned by the rep or, for a system gap, by
    the manager; no focus without a gap, and none for a rep who is not behind."""
    p = plan(example.rep(), start=START)
    if example.focus is None:
        assert p.focus is None
        return
    assert p.focus is not None
    assert (p.focus.gap, p.focus.owner) == example.focus
    assert p.focus.goal is not None
    assert p.focus.goal.by_date is not None
    assert p.focus.goal.by_date.weekday() < 5


def test_a_rep_in_ramp_is_shown_the_plan_they_are_held_to() -> None:
    """Seed 004's new rep, one month into a three-month ramp: 10 calls a day reads as 75% of
    plan only against the ramp plan (a third of 40), so both the explanation and the 1:1's
    answer sheet say which plan that is; a rep past the ramp reads the full plan."""
    (new,) = [e for e in EXAMPLES if e.scenario == "new-rep-first-month"]
    text = diagnose(new.rep()).explain()
    ramp = "- Plan while ramping, as a share of the full plan"
    assert f"{ramp} (months in the role / ramp period, at least 25%): 33.3%" in text
    assert text.index(ramp) < text.index("- Calls against plan: 75%")
    sheet = plan(new.rep(), start=START).render()
    assert "10 calls a day against a ramp plan of 13.3 (33.3% of the full 40): 75% of plan" in sheet
    assert (
        "2 meetings a week against a ramp plan of 1.7 (33.3% of the full 5): 120% of plan" in sheet
    )
    ramped = {**new.rep(), "tenure_months": 3}
    assert "Plan while ramping" not in diagnose(ramped).explain()
    assert "10 calls a day against a plan of 40: 25% of plan" in plan(ramped, start=START).render()


def test_six_flat_weeks_put_the_pip_review_before_the_calendar(tmp_path: Path) -> None:
    """Seed 001's FAQ: no leading indicator moving after six weeks of coaching calls for a
    PIP review (for people to decide), and for a system fix where the system is broken.
    The plan says so before the 1:1 sheets and the calendar, where a manager reads it."""
    (will,) = [e for e in EXAMPLES if e.scenario == "ten-calls-normal-leads"]
    (system,) = [e for e in EXAMPLES if e.scenario == "40-for-1-starved-leads"]
    for example, heading in ((will, "review a PIP with HR"), (system, "fix the system")):
        rep = {**example.rep(), "as_of": "2026-11-20"}
        activity, territory = rep["activity"], rep["territory"]
        rows = [
            "rep_id,period_start,period_end,as_of,activity.calls_per_day,"
            "activity.meetings_per_week,territory.lead_volume_vs_team"
        ]
        rows += [
            f"{rep['rep_id']},2026-10-01,2026-12-31,{dt.date(2026, 10, 9) + dt.timedelta(weeks=i)},"
            f"{activity['calls_per_day']},{activity['meetings_per_week']},"
            f"{territory['lead_volume_vs_team']}"
            for i in range(7)
        ]
        history = tmp_path / f"{example.scenario}.csv"
        history.write_text("\n".join(rows) + "\n")
        path = tmp_path / f"{example.scenario}.json"
        path.write_text(json.dumps(rep))
        out = tmp_path / f"{example.scenario}.txt"
        args = ["plan", str(path), "--history", str(history), "--since", "2026-10-05"]
        assert main([*args, "--start", str(START), "--out", str(out)]) == 0
        text = out.read_text()
        decision = text.index(f"After 7 weeks of coaching: {heading}")
        assert text.index("Coaching so far and accountability") < decision
        assert decision < text.index("GROW 1:1: the rep's sheet") < text.index("Calendar")
        assert "PIP" in text[decision:]
        assert ("not an outcome" in text) == (example is will)  # a PIP review only for will


@pytest.mark.parametrize(
    "scenario", ["150-for-2-knows-product", "meetings-convert-15-knows-product"]
)
def test_a_skill_gap_in_conversion_is_drilled(scenario: str) -> None:
    """Seed 001: a skill gap is fixed by practice, and its skill drill is the discovery
    drill. A rep whose calls or first meetings convert poorly gets that drill in the plan,
    not 'No drill' beside an approach of role-play drills."""
    (example,) = [e for e in EXAMPLES if e.scenario == scenario]
    p = plan(example.rep(), start=START)
    assert [d.id for d in p.drills] == ["discovery-questions"]
    text = p.render()
    assert "No drill" not in text
    assert "Role-play drill: Five open questions before any pitch" in text


def test_a_rep_weak_against_competitors_practises_the_objection_reframe() -> None:
    """Seed 001's knowledge example and its knowledge drill: a rep who cannot position
    against a competitor is trained and practises the objection reframe; a rep whose
    objection handling is already at target gets no such drill, and the plan says why."""
    (competitor,) = [e for e in EXAMPLES if e.scenario == "competitor"]
    assert [d.id for d in plan(competitor.rep(), start=START).drills] == ["objection-reframe"]
    strong = {**competitor.rep(), "calls": {"objection_handling_score": 4.5}}
    p = plan(strong, start=START)
    assert p.drills == ()
    assert "No drill for objection reframe: the evidence shows it strong" in p.render()


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda e: f"{e.seed[:3]}-{e.scenario}")
def test_a_rep_not_behind_is_asked_to_keep_pace_not_to_close_a_gap(example: Example) -> None:
    """Seed 000's rep ahead of pace ($110k of $150k at half-time) with $20k still to find and
    $60k at 30% (about $18k): the diagnosis says no gap, coverage to build to keep pace; the
    plan's coverage line says the same, never 'close the coverage gap' beside 'no focus'."""
    p = plan(example.rep(), start=START)
    text = p.to_text()
    if p.coverage is None:
        return
    behind = p.standing.status == "behind"
    assert ("Close the coverage gap" in text) is behind
    if not behind:
        assert p.coverage.text.startswith("Build coverage to keep pace by Fri 27 Nov: ")
        assert "leaving $2,000 uncovered" in p.coverage.text


def test_seed_000s_coverage_rep_read_from_a_crm_export_pulled_mid_quarter(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The $180K-against-$90K rep as a user has it: a deals export pulled on 9 Nov (one win
    of $45K, three losses: 25%; $180K open) and a quota sheet with the commit. The row is the
    article's arithmetic, and the open deals' age is counted to the day the export speaks
    for (38, 31 and 10 days: 26.3), not to the quarter's end seven weeks later (78.3)."""
    deals = tmp_path / "opps.csv"
    deals.write_text(
        "Opportunity Owner,Opportunity Name,Stage,Amount,Created Date,Close Date\n"
        "Dana Reyes,Acme renewal,Closed Won,45000,8/10/2026,10/20/2026\n"
        "Dana Reyes,Beta expansion,Closed Lost,30000,8/12/2026,10/25/2026\n"
        "Dana Reyes,Gamma pilot,Closed Lost,20000,9/1/2026,11/2/2026\n"
        "Dana Reyes,Delta suite,Closed Lost,25000,9/3/2026,11/9/2026\n"
        "Dana Reyes,Epsilon,Negotiation,60000,10/2/2026,12/15/2026\n"
        "Dana Reyes,Zeta,Proposal,70000,10/9/2026,12/18/2026\n"
        "Dana Reyes,Eta,Discovery,50000,10/30/2026,12/22/2026\n",
        encoding="utf-8",
    )
    quotas = tmp_path / "quotas.csv"
    quotas.write_text("Rep,Period,Quota,Commit\nDana Reyes,2026-Q4,150000,15000\n", "utf-8")
    out = tmp_path / "reps.json"
    args = ["ingest", str(deals), "--quotas", str(quotas), "--period", "2026-Q4"]
    assert main([*args, "--out", str(out), "--format", "json"]) == 0
    (row,) = json.loads(out.read_text())
    assert row["as_of"] == "2026-11-09"
    assert (row["pipeline.quota"], row["pipeline.closed_won"], row["pipeline.commit"]) == (
        150_000,
        45_000,
        15_000,
    )
    assert (row["pipeline.open_pipeline"], row["pipeline.win_rate"]) == (180_000, 0.25)
    assert row["pipeline.avg_deal_age_days"] == pytest.approx((38 + 31 + 10) / 3)
    capsys.readouterr()
    assert main(["diagnose", str(out), "--rep", "Dana Reyes"]) == 0
    text = capsys.readouterr().out
    assert "- Gap to goal (quota - closed won - commit): $90,000" in text
    # the article's 25% is the rep's history; four closed deals this quarter are too few to
    # lean on, so coverage is held to the 3x rule of thumb rather than to 1 / 25% = 4x
    assert "- Win rate 25% from 4 closed deals: too few to judge (at least 5 needed)" in text
    assert f"$180,000 of open pipeline is 2.0{TIMES} the $90,000 still needed after" in text
    assert f"where 3.0{TIMES} is needed" in text
    assert "Open deals average" not in text  # 26 days old is no stale pipeline


def test_a_plan_that_starts_before_its_figures_says_so() -> None:
    """Seed 001's GROW rep has figures as of 17 Dec (two weeks left); a plan started on
    23 Nov would book its first 1:1 before those figures existed: the standing says so
    rather than leaving a start date that is likely a slip; a start after them says nothing."""
    (grow,) = [e for e in EXAMPLES if e.scenario == "grow-rep"]
    text = plan(grow.rep(), start=START).to_text()
    where = text.split("Where the rep stands\n--------------------\n")[1].split("\n")[0]
    assert where.endswith(
        "Figures as of Thu 17 Dec 2026, after this plan's start on Mon 23 Nov 2026: its first "
        "sessions come before the figures they are built on; check the start date."
    )
    later = plan(grow.rep(), start=dt.date(2026, 12, 21)).to_text()
    assert "Figures as of Thu 17 Dec 2026." in later
    assert "check the start date" not in later

"""A manager's read of one rep in a 1:1: each sentence true of the numbers beside it.

Edge cases a team throws up (thin data, exactly at quota, a period already over, a rule that
fires inside a target's margin) read through every view a manager opens: the diagnosis text,
the plan and its answer sheet. Each test names what read wrong before it was fixed.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gapdiag import diagnose, plan
from gapdiag.model import labels

from .conftest import example
from .strategies import reps

THIN: dict[str, Any] = {
    "rep_id": "thin",
    "period_start": "2026-11-02",
    "period_end": "2026-12-31",
    "activity": {
        "calls_per_day": 15,
        "working_days": 3,
        "meetings_per_week": 1,
        "meeting_to_opportunity_rate": 0.0,
        "meetings_held": 1,
    },
    "pipeline": {
        "quota": 100_000,
        "closed_won": 0,
        "open_pipeline": 40_000,
        "win_rate": 0.0,
        "closed_deals": 1,
    },
}
START = dt.date(2026, 12, 7)
NOUN_UNITS = sorted({lab.unit for lab in labels.LABELS.values() if " " in lab.unit}, key=len)


def _doubled(text: str) -> list[str]:
    """A label followed by its own unit ('Calls a day 15 calls a day'), in any case."""
    found = []
    for unit in NOUN_UNITS:
        pattern = rf"(?i)\b{re.escape(unit)}:? [\d.,$%]+ {re.escape(unit)}\b"
        found += re.findall(pattern, text)
    return found


def test_the_doubled_label_check_can_fail() -> None:
    """The detector flags the thin-data line as it read before the fix."""
    assert _doubled("- Calls a day 15 calls a day from 3 working days: too few") != []
    assert _doubled("Calls a day: 15 calls a day from 3 working days") != []
    assert _doubled("- 15 calls a day from 3 working days: too few") == []


def test_thin_data_says_each_unit_once_in_every_view() -> None:
    """A rate from 3 working days reads '15 calls a day from 3 working days' in the
    diagnosis' set-aside list, the plan's answer sheet and its numbers line, never with the
    label in front repeating the unit."""
    d = diagnose(THIN)
    coaching = plan(THIN, start=START)
    for text in (d.explain(), d.to_markdown(), coaching.to_text(), coaching.to_markdown()):
        assert _doubled(text) == [], _doubled(text)
    assert "- 15 calls a day from 3 working days: too few to judge (at least 5 needed)" in (
        d.explain()
    )
    assert "- Win rate 0% from 1 closed deal: too few to judge (at least 5 needed)" in (d.explain())
    sheet = coaching.to_text()
    assert "too few to judge: 15 calls a day from 3 working days (at least 5 needed)" in sheet
    assert "Calls a day: 15 from 3 working days, too few to judge (at least 5 needed)" in sheet


def test_a_rule_inside_a_targets_margin_says_so_beside_the_target() -> None:
    """'expected 80%' beside '(rule: under 72%)' read as a contradiction: a threshold set
    from a target and its margin says so, in the evidence, the tree and the plan's views."""
    text = diagnose(example("will-rep")).explain()
    assert "(expected 80%) (forecast accuracy: 55% (rule: under 72%, the target less its " in text
    assert "calls against plan: 35% (rule: under 50%): holds" in text  # a plain cut-off
    skill = diagnose(example("skill-rep")).explain()
    assert "(rule: at least 90%, the plan less its margin)" in skill
    for name in ("will-rep", "skill-rep", "healthy-rep", "system-rep", "knowledge-rep"):
        for rule in re.findall(r"\(rule: [^)]*\)", diagnose(example(name)).explain()):
            # 90% of a target: 72% of 80%, 81% of 90%, 27% of 30%, 2.7 of 3 minutes, 9.9 of
            # 11 questions, 1.8 of 2 hours; 66 days is 60 plus 10%
            if re.search(r"\b(72%|81%|27%|2\.7 |9\.9|1\.8 |66 days)", rule):
                assert "margin)" in rule, (name, rule)


def _will(**pipeline: float) -> dict[str, Any]:
    rep = example("will-rep")
    return {**rep, "pipeline": {**rep["pipeline"], **pipeline}}


def test_exactly_at_quota_reads_quota_met_not_zero_over() -> None:
    """$150,000 closed of a $150,000 quota read 'Ahead: ..., $0 over quota'."""
    head = diagnose(_will(closed_won=150_000)).explain().splitlines()[1]
    assert head == "Ahead: closed $150,000 of the $150,000 quota (100%): quota met."
    assert "$0 over" not in plan(_will(closed_won=150_000), start=START).to_text()
    over = diagnose(_will(closed_won=160_000)).explain().splitlines()[1]
    assert over == "Ahead: closed $160,000 of the $150,000 quota (106.7%), $10,000 over quota."


def test_a_plan_after_the_period_does_not_say_on_track_and_nothing_left_to_close() -> None:
    """Figures without as_of for a quarter that ended before the plan: 'On track ... pipeline
    enough for the $100,000 still needed' sat beside 'nothing in it is left to close'. The
    standing stays the diagnosis' (one answer), and the note says what it rests on and what
    to collect."""
    rep = _will(open_pipeline=50_000_000)
    d = diagnose(rep)
    assert d.standing.status == "on_track"
    assert d.standing.settled_by == "pipeline"
    coaching = plan(rep, start=START)
    assert coaching.standing == d.standing
    text = coaching.to_text()
    assert "nothing in it is left to close" not in text
    assert (
        "The period these figures describe ended on Wed 30 Sep 2026, before this plan starts, "
        "and the figures give no day they run to: the standing above counts pipeline that "
        "was still open then. Collect the period's final closed-won (or the day the figures "
        "run to) to see where the rep ended."
    ) in text
    behind = plan(example("will-rep"), start=START).to_text()
    assert "ended on Wed 30 Sep 2026, before this plan starts: nothing in it is left" in behind


def test_closed_and_committed_at_quota_reads_quota_met_on_the_answer_sheet() -> None:
    """$100,000 closed and $50,000 committed of $150,000 read '$0 over quota', and an ahead
    rep's coverage read 'unknown' (as if a figure were missing) on the answer sheet."""
    text = plan(_will(closed_won=100_000, commit=50_000), start=START).to_text()
    assert "$0 over" not in text
    assert "leaves nothing to close (quota met, commit counted)" in text
    assert "Gap to goal: none (quota met, commit counted)" in text
    assert "Pipeline coverage: none needed (nothing left to close)" in text
    ahead = plan(_will(closed_won=160_000), start=START).to_text()
    assert "Gap to goal: none ($25,000 over quota, commit counted)" in ahead
    assert "Pipeline coverage: unknown" not in ahead


_MONEY = st.integers(0, 400).map(lambda k: k * 1_000.0)


@st.composite
def standing_reps(draw: st.DrawFn) -> dict[str, Any]:
    """A generated rep with the figures a standing is read from (some may be missing) and a
    quarter; as_of anywhere in it, or absent."""
    rep = draw(reps()).model_dump(exclude_none=True, mode="json") | {"rep_id": "r-1"}
    pipeline = rep.get("pipeline", {})
    pipeline["quota"] = draw(st.integers(1, 300).map(lambda k: k * 1_000.0))
    pipeline["closed_won"] = draw(_MONEY)
    for name in ("commit", "open_pipeline"):
        value = draw(st.one_of(st.none(), _MONEY))
        if value is None:
            pipeline.pop(name, None)
        else:
            pipeline[name] = value
    rep["pipeline"] = pipeline
    rep["period_start"], rep["period_end"] = "2026-07-01", "2026-09-30"
    day = draw(st.one_of(st.none(), st.integers(0, 91)))
    if day is not None:
        rep["as_of"] = str(dt.date(2026, 7, 1) + dt.timedelta(days=day))
    return rep


STANDING_WORDS = ("Ahead: ", "On track: ", "Behind: ", "Standing unknown: ")


@settings(max_examples=60, deadline=None)
@given(standing_reps())
def test_where_the_rep_stands_comes_first_and_is_the_same_everywhere(rep: dict[str, Any]) -> None:
    """The line after the title of every view says where the rep stands, in the same words;
    a rep who is not behind gets no primary gap, no first actions and no escalation."""
    d = diagnose(rep)
    text = d.explain()
    head = text.splitlines()[1]
    assert head.startswith(STANDING_WORDS)
    assert d.to_markdown().splitlines()[1] == head
    coaching = plan(rep, start=START).to_text()
    where = coaching.split("Where the rep stands\n--------------------\n")[1]
    assert where.startswith(head)
    if d.standing.status in ("ahead", "on_track"):
        assert "Primary gap" not in text
        assert "What to do first" not in text
        assert "PIP" not in text
        assert "No focus:" in coaching
        assert "Close the coverage gap" not in coaching


NAMES = st.text(st.sampled_from("ab \n\r\u2028\u2029:"), min_size=1, max_size=8).filter(str.strip)


@settings(max_examples=40, deadline=None)
@given(standing_reps(), NAMES)
def test_a_rep_id_with_line_breaks_cannot_fake_a_line(rep: dict[str, Any], name: str) -> None:
    """A rep id with a line break stays on the title's line in every view: 'a\\nBehind: x'
    printed as it was read as a standing line of its own under the title."""
    rep["rep_id"] = name
    d = diagnose(rep)
    for text in (d.explain(), d.to_markdown()):
        lines = text.splitlines()
        assert lines[0].endswith(
            f"- rule pack {d.rulebook.name} {d.rulebook.version} ({d.rulebook.content_hash})"
        ), lines[:2]
        assert lines[1].startswith(STANDING_WORDS), lines[:3]
    title = plan(rep, start=START).to_text().splitlines()[0]
    assert title.startswith("Coaching plan for "), title
    assert ", starting " in title, title


@settings(max_examples=60, deadline=None)
@given(standing_reps())
def test_enough_and_short_of_are_true_of_the_figures(rep: dict[str, Any]) -> None:
    """'enough for' and 'short of' in the standing line agree with the pipeline's yield and
    what is still needed; a share over 100% is never 'behind' on quota alone."""
    d = diagnose(rep)
    s = d.standing
    head = d.explain().splitlines()[1]
    if s.settled_by == "pipeline" and s.pipeline_yield is not None:
        needed = s.still_needed or 0.0
        assert ("enough for" in head) == (s.pipeline_yield >= needed), head
        assert ("short of the" in head) == (s.pipeline_yield < needed), head
    if s.quota and s.closed_won is not None and s.closed_won >= s.quota:
        assert head.startswith("Ahead: "), head
        assert "$0 over" not in head


def test_a_team_average_inside_the_margin_is_not_a_miss() -> None:
    """enterprise-west's meetings become opportunities at 28.1% on average, against 30% with
    a 10% margin: the rules read a rep there as on target, and the team table said
    '✗ misses target'. It says it meets it, inside the margin; a real miss stays a miss."""
    from gapdiag import diagnose_many
    from gapdiag.notebook.report import team_report

    from .conftest import EXAMPLES
    from .report_page import Page

    text = Page(team_report(diagnose_many(EXAMPLES / "team.csv"))).visible
    west = text[text.index("Team enterprise-west") :]
    rate = west[west.index("Meetings that become opportunities") :][:160]
    assert "28.1%" in rate
    assert "misses target" not in rate.split("Pipeline coverage")[0]
    assert "meets target (inside its 10% margin)" in rate
    calls = west[west.index("Calls against plan") :][:120]
    assert "78.8%" in calls  # the mean of exact sums: 3.11 and 3.13 alike
    assert "misses target" in calls


def test_lead_flow_above_its_floor_is_not_said_to_match_the_team() -> None:
    """The email rule fires with lead flow and territory size above their 0.7x floors; at
    0.75x and 0.8x its text said they 'match the team average'."""
    rep = {**example("will-rep")}
    rep["territory"] = {**rep["territory"], "lead_volume_vs_team": 0.75}
    rep["territory"]["territory_size_vs_team"] = 0.8
    text = diagnose(rep).explain()
    line = next(x for x in text.splitlines() if "emails a day (" in x)
    assert "match the team average" not in line
    assert (
        "22 emails a day (36.7% of plan), with lead flow at 0.75\u00d7 and territory size 0.8\u00d7"
        in (line)
    )


def test_a_missing_figure_is_said_missing_once() -> None:
    """A tree step over absent territory figures read 'lead volume against the team: unknown
    (rule: at most 0.7x): not known (no data)': unknown twice. It says 'no data' once,
    with the rule it would be checked against."""
    text = diagnose(THIN).explain()
    step = next(x for x in text.splitlines() if x.startswith("1. "))
    assert "lead volume against the team: no data (rule: at most 0.7\u00d7)" in step
    assert "unknown (rule" not in text
    assert "not known (no data)" not in text


def test_a_what_if_never_puts_unlikely_beside_a_high_confidence() -> None:
    """For a rep who is not behind, what_if read 'Will unlikely, 98.5%': the verdict held
    back by the standing is said as the diagnosis says it, not a gap this period."""
    from gapdiag import what_if

    ahead = what_if(_will(closed_won=160_000), {"activity.calls_per_day": 40}).to_text()
    assert "unlikely, 98.5%" not in ahead
    assert "- Will not a gap this period (evidence alone 98.5%) → " in ahead
    rescued = what_if(example("will-rep"), {"pipeline.closed_won": 150_000}).to_text()
    assert "- Will confirmed, 98.8% → not a gap this period (evidence alone " in rescued


def test_behind_pace_early_without_pipeline_says_what_would_tell() -> None:
    """Three working days into a quarter with nothing closed and no pipeline figures, the
    rep is behind pace, and the line said no more: early on, one deal changes that, so it
    says which figure would tell."""
    rep = {
        "rep_id": "new",
        "period_start": "2026-10-01",
        "period_end": "2026-12-31",
        "as_of": "2026-10-05",
        "pipeline": {"quota": 100_000, "closed_won": 0},
    }
    head = diagnose(rep).explain().splitlines()[1]
    assert head == (
        "Behind: closed $0 of the $100,000 quota (0%), 3 of 66 working days into the period; "
        "the pace calls for $4,545 by now, so $4,545 short of it. This early, one deal can "
        "change that: collect open pipeline to see whether it covers the $100,000 still "
        "needed."
    )
    late = {**rep, "as_of": "2026-12-01"}
    assert "This early" not in diagnose(late).explain().splitlines()[1]
    covered = {**rep, "pipeline": {**rep["pipeline"], "open_pipeline": 400_000}}
    assert "This early" not in diagnose(covered).explain().splitlines()[1]


def test_territory_ratios_read_in_the_unit_their_checks_show() -> None:
    """'gets just 0.5 of the team's average lead volume (floor 0.7)' sat beside
    'lead volume against the team: 0.5x (rule: at most 0.7x)': one figure, two units."""
    text = diagnose(example("system-rep")).explain()
    assert "the territory gets just 0.5\u00d7 the team's average lead volume (" in text
    receives = "The territory receives 0.5\u00d7 the team's average lead volume (floor 0.7\u00d7)"
    assert receives in text
    assert "The territory is 0.65\u00d7 the size of the team average (floor 0.7\u00d7)" in text
    assert not re.search(r"\b0\.\d+ (of|the size)", text)


@settings(max_examples=40, deadline=None)
@given(reps(), st.sampled_from(["calls_per_day", "timed_calls"]), st.floats(0, 2.5))
def test_an_average_over_no_calls_is_set_aside_not_read_as_short_calls(
    rep: Any, zero: str, minutes: float
) -> None:
    """A rep with 0 calls a day (or 0 timed calls) and an average call of 0 minutes read as
    'Calls average 0 minutes' and skill suspected: an average over no calls is missing
    data. The length is set aside, the text says it rests on 0 timed calls, and the rule
    that reads it is left open, in diagnose and in the batch evaluator alike."""
    pytest.importorskip("pandas")
    from gapdiag.engines.vector.batch import diagnose_many

    data = rep.model_dump(mode="json", exclude_none=True)
    activity = {k: v for k, v in data.get("activity", {}).items() if k != "timed_calls"}
    data["activity"] = {**activity, zero: 0, "avg_call_minutes": minutes}
    d = diagnose(data)
    assert "activity-short-discovery-calls" not in d.fired
    aside = {s.metric: s for s in d.set_aside}
    assert aside["activity.avg_call_minutes"].count == 0
    assert "from 0 timed calls: too few to judge (at least 10 needed)" in d.explain()
    assert "activity-short-discovery-calls" in {u.rule for u in d.undetermined}
    row = diagnose_many([data]).frame.iloc[0]
    assert row["skill.confidence"] == d.verdict("skill").confidence


def test_a_conversion_over_no_meetings_is_set_aside() -> None:
    """The same for meetings: 0 meetings a week and 0% of them converting is no evidence of
    poor conversion, so the rate is set aside as resting on 0 meetings held."""
    rep = {**THIN, "activity": {"meetings_per_week": 0, "meeting_to_opportunity_rate": 0.0}}
    d = diagnose(rep)
    assert [s.count for s in d.set_aside if s.metric.endswith("opportunity_rate")] == [0]
    assert "from 0 meetings held: too few to judge (at least 5 needed)" in d.explain()


RAMPING: dict[str, Any] = {
    "rep_id": "new-hire",
    "tenure_months": 1,
    "period_start": "2026-10-01",
    "period_end": "2026-12-31",
    "as_of": "2026-12-01",
    "activity": {"calls_per_day": 14, "meetings_per_week": 2},
    "pipeline": {"quota": 100_000, "closed_won": 20_000},
}


def test_a_ramping_reps_standing_says_the_quota_is_read_as_given() -> None:
    """A month-one rep read 'Behind' against the quota's pace while the calls and meetings
    beside it were held to a third of the plan, with nothing saying which quota that was.
    The seeds give no ramp for quota (a quota is the rep's own, set per rep), so gapdiag
    does not scale it: the standing says the plan is ramped and the quota is taken as the
    rep's ramp quota, in every view that says the standing."""
    said = (
        " The rep is ramping: calls, emails and meetings are held to 33.3% of the full plan, "
        "but the quota is read as given, as this rep's ramp quota (give the ramp quota if "
        "this is the full one)."
    )
    d = diagnose(RAMPING)
    assert d.standing.status == "behind"
    assert d.standing.ramp_share is not None
    assert d.explain().splitlines()[1].endswith(said)
    assert said in plan(RAMPING, start=START).to_text()
    settled = {**RAMPING, "tenure_months": 6}
    assert "ramping" not in diagnose(settled).explain().splitlines()[1]
    assert diagnose(settled).standing.ramp_share is None


@settings(max_examples=30, deadline=None)
@given(st.floats(0, 12), st.floats(0, 200_000))
def test_the_ramp_note_is_there_exactly_while_the_plan_is_ramped(
    tenure: float, closed: float
) -> None:
    """Over tenures and amounts closed: the standing line names the ramp exactly when the
    activity plan is scaled down (tenure under the 3-month ramp) and the rep is not ahead
    (ahead of the quota given is ahead of any ramp quota), never for a standing unknown."""
    rep = {**RAMPING, "tenure_months": tenure}
    rep["pipeline"] = {**RAMPING["pipeline"], "closed_won": closed}
    d = diagnose(rep)
    head = d.explain().splitlines()[1]
    assert ("The rep is ramping" in head) == (tenure < 3 and d.standing.status != "ahead")
    unknown = diagnose({**rep, "pipeline": {"closed_won": closed}})
    assert "ramping" not in unknown.explain().splitlines()[1]


def test_self_sourced_floor_and_the_plans_target_are_said_together() -> None:
    """The rule said 'our floor is 20%' while the plan's target was 30%, nothing linking
    them, so 25% read as neither a gap nor on target without a reason. The rule's text now
    names both, the target read from the playbook: under the floor is evidence of a will
    gap; between the floor and the target is a goal to coach."""
    from gapdiag.rulebook.interventions import load_interventions

    (goal,) = (
        i.target
        for i in load_interventions().gaps.will.indicators
        if i.metric == "ownership.self_sourced_pipeline_share"
    )
    assert isinstance(goal, float)
    rep = example("will-rep")
    rep["ownership"] = {**rep["ownership"], "self_sourced_pipeline_share": 0.1}
    text = diagnose(rep).explain()
    assert (
        "Only 10% of the rep's pipeline is self-sourced, under the 20% below which it counts "
        f"as evidence; the coaching plan aims for {goal:.0%}, so a share between the two is "
        "a goal to coach, not a gap" in text
    )
    assert "our floor is 20%" not in text

"""One plan, true to itself: every plan for the example reps, the seed cases and the sample
exports names each figure with one value, says as many weeks of coaching everywhere, lists
only counterfactuals that clear the gap, and holds the same content in Markdown and HTML;
trend words follow the numbers; every session falls on a working day."""

from __future__ import annotations

import datetime as dt
import html
import re
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gapdiag import diagnose, diagnose_many, plan, read_history_csv
from gapdiag.coaching.log import read_coaching_log
from gapdiag.coaching.plan import CoachingPlan
from gapdiag.coaching.trends import movement, per_week
from gapdiag.coaching.workdays import working_days
from gapdiag.engines.context import judged_with
from gapdiag.model.changes import apply_changes
from gapdiag.model.gaps import FOUND
from gapdiag.model.labels import TIMES
from gapdiag.model.metrics import RepMetrics, parse_metrics
from gapdiag.sources.ingest import ingest

from .conftest import EXAMPLES, example
from .test_plan_seeds import discovery_only, rep_like, stage_definitions

START = dt.date(2026, 7, 6)
REPS: dict[str, RepMetrics | dict[str, Any]] = {}
"""The rep each plan was made for, by the plan's name in the fixture."""
EXAMPLE_REPS = ("will", "skill", "knowledge", "system", "healthy", "ambiguous", "coverage")


def _made(name: str, rep: RepMetrics | dict[str, Any], **options: Any) -> tuple[str, CoachingPlan]:
    REPS[name] = rep
    return name, plan(rep, **{"tz": "UTC", **options})


def _example_plans() -> Iterator[tuple[str, CoachingPlan]]:
    for name in EXAMPLE_REPS:
        yield _made(name, example(f"{name}-rep"), start=START)
    weeks = read_history_csv(EXAMPLES / "weeks.csv")
    log = read_coaching_log(EXAMPLES / "coaching-log.csv")
    yield _made("will+history", example("will-rep"), history=weeks)
    yield _made("will+log", example("will-rep"), history=weeks, log=log)


def _seed_plans() -> Iterator[tuple[str, CoachingPlan]]:
    yield _made("discovery", discovery_only(), start=START)
    yield _made("stages", stage_definitions(), start=START)
    comp = rep_like("healthy-rep", "comp", pipeline={"closed_won": 20_000})
    comp["knowledge"]["comp_plan_understood"] = False
    yield _made("comp-plan", comp, start=START)
    yield _made("france", example("will-rep"), start=START, country="FR", tz=None)


def _export_plans() -> Iterator[tuple[str, CoachingPlan]]:
    files = [str(EXAMPLES / "exports" / f) for f in ("opportunities.csv", "activities.csv")]
    extra = {
        "quotas": [str(EXAMPLES / "exports" / "quotas.csv")],
        "teams": [str(EXAMPLES / "exports" / "teams.csv")],
    }
    opportunities, activities = [files[0]], [files[1]]
    rows = ingest(period="2017-Q2", opportunities=opportunities, activities=activities, **extra)
    weeks = ingest(
        period="2017-Q2", opportunities=opportunities, activities=activities, every="week", **extra
    )
    batch = diagnose_many(rows)
    from gapdiag import history_from_rows
    from gapdiag.model.metrics import nest

    for row in batch.rows:
        rep = batch.rep(row)
        mine = [nest(w) for w in weeks if w["rep_id"] == rep.rep_id]
        history = history_from_rows(mine)
        yield _made(rep.rep_id, rep, history=history, since=dt.date(2017, 5, 8))


@pytest.fixture(scope="module")
def plans() -> list[tuple[str, CoachingPlan]]:
    """Every plan the issue asks to hold to itself."""
    return [*_example_plans(), *_seed_plans(), *_export_plans()]


NUMBER = re.compile(rf"-?\$?[\d,]+(?:\.\d+)?(?:%|{TIMES})?|yes|no")


TREND = r"(?:- |Ownership signal: )"


def _token(value: str) -> str:
    found = NUMBER.search(value)
    return found.group() if found else value.strip()


def figures(text: str) -> dict[str, set[str]]:
    """Each figure's value wherever the plan states where the rep is now (watched indicators,
    the numbers line: the period's figures) and, as '<label> (latest week)', wherever it
    states the history's latest week (a trend's latest value, a watched indicator's)."""
    seen: dict[str, set[str]] = defaultdict(set)
    for line in text.splitlines():
        if m := re.match(
            r"- ([^:]+): now ([^,]+?)(?: over the period \(latest week (.+)\))?, target", line
        ):
            seen[m[1].lower()].add(_token(m[2]))
            if m[3]:
                seen[f"{m[1].lower()} (latest week)"].add(_token(m[3]))
        if m := re.match(rf"{TREND}([^:]+): [\w ,]+?, [^;]+; .+? → (.+?) over ", line):
            seen[f"{m[1].lower()} (latest week)"].add(_token(m[2]))
        if m := re.match(
            r"(?:- |Ownership signal: )([^:]+): too few weeks .*; latest ([^,]+),", line
        ):
            seen[f"{m[1].lower()} (latest week)"].add(_token(m[2]))
        if line.startswith("Numbers: "):
            for part in line.removeprefix("Numbers: ").split("; "):
                label, _, value = part.partition(": ")
                if not value.startswith(("none", "unknown")):
                    seen[label.lower()].add(_token(value))
    return seen


def test_the_figure_check_sees_a_contradiction() -> None:
    """The check itself: two values for calls a day, or a value and 'not recorded', show."""
    text = "- Calls a day: now 14, target 40\nNumbers: Quota: $1; Calls a day: 31"
    assert figures(text)["calls a day"] == {"14", "31"}
    trend = "- Calls a day: improving, +2 calls a day per week; 14 → 31 over 5 recorded weeks"
    watched = "- Calls a day: now 25 over the period (latest week 30), target 40"
    assert figures(f"{trend}\n{watched}")["calls a day (latest week)"] == {"31", "30"}
    assert figures(watched)["calls a day"] == {"25"}


def test_each_figure_named_twice_has_one_value(plans: list[tuple[str, CoachingPlan]]) -> None:
    """No figure reads one value in one section and another (or 'not recorded') elsewhere."""
    for name, result in plans:
        text = result.render()
        for label, values in figures(text).items():
            assert len(values) == 1, (name, label, values)
            assert f"{label}: not recorded" not in text.lower(), (name, label)


def test_weeks_of_coaching_are_counted_once(plans: list[tuple[str, CoachingPlan]]) -> None:
    """'N weeks of coaching' is one N in a plan, the escalation's count of coaching weeks."""
    for name, result in plans:
        counts = {int(n) for n in re.findall(r"(\d+) weeks? of coaching", result.render())}
        if result.escalation is not None and result.escalation.since is not None:
            assert counts <= {result.escalation.weeks_coached}, name
        else:
            assert not counts, name


def test_standing_and_gap_to_goal_say_one_thing(plans: list[tuple[str, CoachingPlan]]) -> None:
    """A quota and closed-won given: the standing is never 'unknown'; gap to goal has one value
    and is never negative money."""
    for name, result in plans:
        text = result.render()
        s = result.standing
        if s.quota and s.closed_won is not None:
            assert "attainment is unknown" not in text, name
            assert "collect quota" not in text.lower(), name
        gaps = {_token(v) for v in re.findall(r"Gap to goal:? ([^;=]+)", text)}
        assert len(gaps) <= 1, (name, gaps)
        assert "-$" not in text, name


def test_what_would_clear_it_clears_it(plans: list[tuple[str, CoachingPlan]]) -> None:
    """Every counterfactual listed as clearing the gap does, diagnosed again with the same
    rules, targets and team values."""
    checked = 0
    for name, result in plans:
        text = result.render()
        assert ("What would clear the" in text) == bool(result.clears), name
        for found in result.clears:
            rep = REPS[name]
            judged = judged_with(rep)
            changed, _, _ = apply_changes(
                parse_metrics(rep), result.targets, {c.metric: c.value for c in found.changes}
            )
            team = judged.team if judged is not None else None
            after = diagnose(changed, targets=result.targets, team=team).verdict(found.gap)
            assert after.status not in FOUND, (name, found)
            checked += 1
    assert checked > 0


def _visible_html(page: str) -> list[str]:
    text = re.sub(r"<[^>]+>", " ", page)
    return re.findall(r"\w+", html.unescape(text))


def _visible_markdown(page: str) -> list[str]:
    lines = [line for line in page.splitlines() if not re.fullmatch(r"\|( --- \|)+", line)]
    text = re.sub(r"\\(.)", r"\1", "\n".join(lines))
    return re.findall(r"\w+", html.unescape(text))


def test_the_html_plan_holds_the_markdown_plan(plans: list[tuple[str, CoachingPlan]]) -> None:
    """Escalation, trends, drills, both GROW sheets and every week: the same words in HTML."""
    for name, result in plans[:12]:
        page = result.to_html()
        assert _visible_html(page) == _visible_markdown(result.to_markdown()), name
    will = dict(plans)["will+log"]
    page = will.to_html()
    for part in ("After 6 weeks of coaching", "Leading indicators, week by week", "Week", "GROW"):
        assert part in page
    assert page.count("<tr>") == len(will.sessions) + 1
    assert "ok:" not in page


@pytest.mark.parametrize(
    ("values", "better", "goal", "never"),
    [
        ([0.2, 0.45, 0.4, 0.0], "higher", 0.3, "improving"),  # 20% -> 0% never improves
        ([1.132, 1.3, 1.25, 0.877], "higher", 1.0, "improving"),  # 113% -> 88%
        ([0.4, 0.2, 0.3, 0.4], "higher", 1.0, "worsening"),  # 40% -> 40%
    ],
)
def test_trend_words_never_contradict_the_numbers_shown(
    values: list[float], better: str, goal: float, never: str
) -> None:
    """The issue's contradictions: the word follows the first and latest value shown."""
    direction, _, _ = movement(list(enumerate(values)), better, goal)  # type: ignore[arg-type]
    assert direction != never


def test_slopes_carry_units_and_are_never_minus_zero() -> None:
    """'Calls a day: flat, -0 a week' becomes a number with its unit, or no change."""
    assert per_week("activity.calls_per_day", -0.04) == "-0.04 calls a day per week"
    assert per_week("activity.meeting_to_opportunity_rate", 0.021) == "+2.1 points per week"
    assert per_week("pipeline.closed_won", 1234.5) == "+$1,234 per week"
    assert per_week("activity.calls_per_day", 0.0) == "no change from week to week"


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.floats(0, 100, allow_nan=False), min_size=3, max_size=12),
    st.sampled_from(["higher", "lower"]),
    st.floats(1, 100),
)
def test_a_trend_word_follows_the_first_and_latest_values(
    values: list[float], better: str, goal: float
) -> None:
    """Improving means the latest value is better than the first; the same values both ends
    are flat; a change inside the noise band is flat."""
    direction, _, noise = movement(list(enumerate(values)), better, goal)  # type: ignore[arg-type]
    gain = values[-1] - values[0] if better == "higher" else values[0] - values[-1]
    if direction == "improving":
        assert gain > 0
    if direction == "worsening":
        assert gain < 0
    if values[-1] == values[0]:
        assert direction == "flat"
    assert noise is not None
    assert noise >= 0.05 * goal


@settings(max_examples=30, deadline=None)
@given(
    start=st.dates(dt.date(2024, 1, 1), dt.date(2030, 12, 31)),
    country=st.sampled_from([None, "FR", "DE", "US", "GB"]),
    weeks=st.integers(1, 14),
    name=st.sampled_from(["will-rep", "skill-rep", "system-rep"]),
)
def test_every_session_falls_on_a_working_day_in_its_week(
    start: dt.date, country: str | None, weeks: int, name: str
) -> None:
    """Every session is on a working day, on or after the start; a moved one stays in the
    week it was due and takes the nearest working day there."""
    result = plan(example(name), start=start, country=country, weeks=weeks, goal_week=1, tz="UTC")
    days = working_days(country)
    for s in result.sessions:
        assert days.is_working_day(s.date), s
        assert s.date >= start
        if s.moved_from is not None:
            assert not days.is_working_day(s.moved_from)
            monday = s.moved_from - dt.timedelta(days=s.moved_from.weekday())
            assert monday <= s.date <= monday + dt.timedelta(days=6)
            gap = abs((s.date - s.moved_from).days)
            nearer = [
                monday + dt.timedelta(days=n)
                for n in range(7)
                if abs(n - s.moved_from.weekday()) < gap and monday + dt.timedelta(days=n) >= start
            ]
            assert not any(days.is_working_day(d) for d in nearer), s


def test_plans_hold_for_the_docs_paths(tmp_path: Path) -> None:
    """The Markdown and HTML forms render for the rendered plans without error."""
    result = plan(example("will-rep"), start=START, tz="UTC")
    (tmp_path / "plan.html").write_text(result.to_html())
    assert result.to_html().startswith('<div class="gapdiag-plan"')


def test_plots_use_the_plans_trend_words() -> None:
    """The leading-indicator plot titles each indicator with the word and slope the plan's
    trends use, weeks placed by their as_of."""
    from gapdiag import plot_leading_indicators

    history = read_history_csv(EXAMPLES / "weeks.csv")
    figure = plot_leading_indicators(history)
    titles = [ax.get_title(loc="left") for ax in figure.axes]
    assert titles[0] == "Calls a day: improving, +3.3 calls a day per week"
    planned = plan(example("will-rep"), history=history, tz="UTC")
    assert planned.escalation is not None
    calls = next(t for t in planned.escalation.trends if t.metric == "derived.calls_vs_plan")
    assert calls.direction == "improving"
    assert "Calls a day: improving, +3.3 calls a day per week" in planned.render()
    assert figure.axes[-1].get_xticklabels()[0].get_text() == "Mon 6 Jul"


def _short_of_coaching(made: CoachingPlan) -> bool:
    """Whether too little coaching is evidence of the plan's system gap."""
    verdict = made.diagnosis.verdict("system")
    return verdict.status in FOUND and any(
        check.observed == "territory.manager_coaching_hours_per_week" and check.result is True
        for evidence in verdict.evidence
        if evidence.certainty > 0
        for check in evidence.checks
    )


def _minutes_with_rep(made: CoachingPlan) -> dict[int, int]:
    weeks: dict[int, int] = defaultdict(int)
    for session in made.sessions:
        if session.who == "both":
            weeks[session.week] += session.minutes
    return weeks


def test_a_plan_short_of_coaching_books_the_coaching_target(
    plans: list[tuple[str, CoachingPlan]],
) -> None:
    """'Book the missing coaching time' is true of the plan's own calendar: where too little
    coaching is part of the system gap, every full week holds the coaching target with the
    rep; elsewhere no extra coaching time is booked."""
    short = [(name, made) for name, made in plans if _short_of_coaching(made)]
    assert short, "no plan in the fixture is short of coaching"
    for name, made in plans:
        extra = [s for s in made.sessions if s.kind == "coaching-time"]
        if (name, made) not in short:
            assert not extra, name
            continue
        target = made.targets.manager_coaching_hours_per_week * 60
        weeks = _minutes_with_rep(made)
        full = [week for week in weeks if week > 1]  # week 1 may start mid-week
        assert full, name
        assert all(weeks[week] >= target for week in full), (name, dict(weeks))


@settings(max_examples=15, deadline=None)
@given(hours=st.floats(0, 4, allow_nan=False).map(lambda h: round(h, 2)))
def test_coaching_time_makes_up_the_target(hours: float) -> None:
    """Any coaching shortfall the rules find is made up in the calendar, and none is booked
    once the rep gets enough."""
    rep = example("system-rep")
    rep["territory"]["manager_coaching_hours_per_week"] = hours
    made = plan(rep, start=START, tz="UTC")
    weeks = _minutes_with_rep(made)
    extra = {s.minutes for s in made.sessions if s.kind == "coaching-time"}
    target = made.targets.manager_coaching_hours_per_week * 60
    if _short_of_coaching(made):
        assert len(extra) == 1
        assert all(weeks[w] >= target for w in weeks if w > 1)
        assert all(weeks[w] - target < 5 for w in weeks if w > 1)  # not more than needed
    else:
        assert not extra


@settings(max_examples=15, deadline=None)
@given(size=st.floats(0.05, 1.5, allow_nan=False).map(lambda s: round(s, 2)))
def test_a_territory_too_small_names_the_quota_in_proportion(size: float) -> None:
    """'Cut the quota in line with its size' comes with the figure: the quota times the
    territory's size against the team, while a small territory is part of the system gap."""
    rep = example("system-rep")
    rep["territory"]["territory_size_vs_team"] = size
    made = plan(rep, start=START, tz="UTC")
    quota = made.standing.quota
    assert quota is not None
    small = any(
        check.observed == "territory.territory_size_vs_team" and check.result is True
        for evidence in made.diagnosis.verdict("system").evidence
        if evidence.certainty > 0
        for check in evidence.checks
    )
    text = made.to_text()
    if small and made.diagnosis.verdict("system").status in FOUND and size < 1:
        assert made.fair_quota == pytest.approx(quota * size)
        fair = f"${made.fair_quota:,.0f}"
        assert f"this territory's quota would be {fair}, not ${quota:,.0f}" in text
    else:
        assert made.fair_quota is None
        assert "in proportion to its size" not in text.lower()

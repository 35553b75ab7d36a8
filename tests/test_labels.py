"""The label registry: every path has a label, values show in a manager's units, truthfully."""

from __future__ import annotations

import math
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gapdiag.model import labels
from gapdiag.model.derived import DERIVED
from gapdiag.model.labels import (
    LABELS,
    TIMES,
    label_of,
    percent,
    sentence,
    show,
    show_all,
    show_change,
    show_comparison,
    show_number,
    show_step,
)
from gapdiag.model.metrics import MARGINS, METRICS, TARGETS
from gapdiag.model.team import TEAM_NAMES

STANDING_DATES = ("as_of", "period_start", "period_end")
"""Dates a standing may ask for (model.standing)."""

KNOWN = sorted(
    [
        *METRICS,
        *(f"derived.{n}" for n in DERIVED),
        *(f"target.{n}" for n in TARGETS),
        *(f"target.{n}" for n in MARGINS),
        *TEAM_NAMES,
        *STANDING_DATES,
    ]
)
NUMERIC = [p for p in KNOWN if label_of(p).unit != "yes/no"]


@pytest.mark.parametrize("path", KNOWN)
def test_every_known_path_has_an_explicit_entry(path: str) -> None:
    """No metric, derived quantity, target or team value falls back to a humanized path."""
    label = label_of(path)
    assert label.known
    assert label.path == path
    assert not re.search(r"[_.]", label.label)


def test_registry_has_nothing_unknown() -> None:
    """Every registry entry names a real path (no stale labels after a metric is renamed)."""
    assert set(LABELS) == set(KNOWN)


def test_owners_follow_who_controls_what() -> None:
    """The rep owns activity, the organization territory and quota, the manager coaching."""
    assert label_of("activity.calls_per_day").owner == "rep"
    assert label_of("knowledge.certified").owner == "rep"
    assert label_of("territory.lead_volume_vs_team").owner == "organization"
    assert label_of("pipeline.quota").owner == "organization"
    assert label_of("territory.manager_coaching_hours_per_week").owner == "manager"
    assert label_of("target.calls_per_day").owner == "organization"
    assert not label_of("tenure_months").changeable
    assert not label_of("derived.coverage").changeable


def test_unknown_path_falls_back_without_raising() -> None:
    """An unknown path gets a humanized label and a plain number."""
    label = label_of("weird.some_new_metric")
    assert (label.label, label.known, label.unit) == ("some new metric", False, "")
    assert show("weird.some_new_metric", 3.14159) == "3.14"
    assert label_of("").label == ""


@pytest.mark.parametrize(
    ("path", "value", "text"),
    [
        ("activity.calls_per_day", 14.0, "14 calls a day"),
        ("activity.calls_per_day", 1.0, "1 call a day"),
        ("territory.manager_coaching_hours_per_week", 1.0, "1 hour a week"),
        ("territory.manager_coaching_hours_per_week", 0.5, "0.5 hours a week"),
        ("pipeline.quota", 90000.0, "$90,000"),
        ("derived.gap_to_goal", -5000.0, "-$5,000"),
        ("derived.attainment", 0.25, "25%"),
        ("derived.coverage", 3.0, "3.0\N{MULTIPLICATION SIGN}"),
        ("calls.rubric_score", 4.0, "4 of 5"),
        ("ownership.commitment_score", 7.5, "7.5 of 10"),
        ("knowledge.certified", True, "yes"),
        ("knowledge.certified", False, "no"),
        ("pipeline.avg_deal_age_days", 61.0, "61 days"),
        ("calls.longest_monologue_seconds", 150.0, "150 seconds"),
        ("activity.avg_call_minutes", 2.5, "2.5 minutes"),
        ("derived.coverage", None, "unknown"),
        ("derived.coverage", math.nan, "undefined"),
        ("team.mean.activity.calls_per_day", 38.0, "38 calls a day"),
    ],
)
def test_show_speaks_in_units(path: str, value: float | bool | None, text: str) -> None:
    """Values read in the unit a manager thinks in, singular where it is one."""
    assert show(path, value) == text


def test_changes_and_comparisons_name_the_unit_once() -> None:
    """A change or comparison shows its unit once, at the end (or on each side for symbols)."""
    assert show_change("activity.calls_per_day", 14, 40) == "14 → 40 calls a day"
    assert show_change("activity.calls_per_day", 14, 1) == "14 → 1 call a day"
    assert show_change("pipeline.quota", 150000, 90500) == "$150,000 → $90,500"
    assert show_change("calls.rubric_score", 2, 4) == "2 → 4 of 5"
    assert show_change("knowledge.certified", False, True) == "no → yes"
    assert show_change("activity.calls_per_day", 14, None) == "14 → unknown"
    assert show_comparison("activity.calls_per_day", 14, "<", 20) == "14 < 20 calls a day"
    assert show_comparison("calls.rubric_score", 2, "<=", 3) == "2 ≤ 3 of 5"
    assert show_comparison("derived.calls_vs_plan", 0.2466, "<", 0.25) == "24.7% < 25%"
    assert show_comparison("activity.calls_per_day", 14, "<", 0.25) == "14 < 0.25 calls a day"
    assert show_comparison("derived.coverage", 2.5, "<", 2.75) == f"2.5{TIMES} < 2.75{TIMES}"
    assert show_number("activity.calls_per_day", 14) == "14"
    assert show_number("pipeline.quota", 14) == "$14"


def test_known_slips_from_the_issue() -> None:
    """0.2466 is not shown as 25% beside 25%, 0.995 is not 100%, no '1 hours'."""
    assert show_all("derived.attainment", [0.2496, 0.25]) == ("24.96%", "25%")
    assert percent(0.995) == "99.5%"
    assert percent(0.0001) == "0.01%"
    assert percent(1.0) == "100%"
    assert sentence("calls a day") == "Calls a day"


_DECIMALS = st.decimals(min_value=-1e6, max_value=1e6, places=4, allow_nan=False).map(float)


@given(path=st.sampled_from(NUMERIC), a=_DECIMALS, b=_DECIMALS)
def test_distinct_values_never_read_the_same(path: str, a: float, b: float) -> None:
    """Shown together, two different values never read equal, and equal values read equal."""
    left, right = show_all(path, [a, b])
    assert (left == right) == (a == b)


@given(
    path=st.sampled_from([*KNOWN, "no.such_path"]),
    value=st.one_of(st.none(), st.booleans(), st.floats()),
)
def test_show_is_total_and_clean(path: str, value: float | bool | None) -> None:
    """Any value of any path shows without raising, without nan/None, and never '1 <plural>'."""
    text = show(path, value)
    assert text
    assert not re.search(r"nan|None", text, re.IGNORECASE)
    assert not re.search(r"(?<![\d.,])1 (hours|calls|emails|meetings|days|minutes)\b", text)


def test_steps_and_values_too_close_to_tell_apart() -> None:
    """A rate of change reads in points or plain numbers; near-equal values get the most places."""
    assert show_step("derived.attainment", 0.082) == "+8.2 points"
    assert show_step("activity.meetings_per_week", -0.4) == "-0.4"
    assert show_step("calls.rubric_score", 0.25) == "+0.2"
    assert show_step("pipeline.quota", 500) == "+$500"
    tiny = show_all("activity.calls_per_day", [0.1, 0.1 + 1e-12])
    assert tiny == ("0.1 calls a day", "0.1 calls a day")  # past the precision cap


def test_a_yes_no_read_as_a_number_is_said_in_words() -> None:
    """A yes/no from weekly figures comes as 1.0 or 0.0 (a share of weeks in between): it
    reads 'yes' / 'no', never '1 ' or '0 yes/no'."""
    path = "ownership.states_gap_unprompted"
    assert show(path, 1.0) == "yes"
    assert show(path, 0.0) == "no"
    assert show_all(path, [0.0, 1.0]) == ("no", "yes")
    assert show(path, 0.75) == "yes 75% of the time"


def test_every_yes_no_metric_is_asked_as_a_question() -> None:
    """'collect whether the rep is certified', never 'collect certified'."""
    flags = [p for p, lab in labels.LABELS.items() if lab.unit == "yes/no"]
    assert flags
    for path in flags:
        assert labels.asked(path).startswith("whether "), path
    assert labels.asked("activity.calls_per_day") == "calls a day"

"""Every public result type prints as a short line in a person's words, never a field dump."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel

import gapdiag as g
from gapdiag.model._result import REPR_MAX, Worded
from gapdiag.model.metrics import RepMetrics, Targets
from tests.conftest import example

EXAMPLES = Path(__file__).parent.parent / "examples"
INPUTS = (RepMetrics, Targets)
"""Input models print their fields: they are what the user gave, not results."""
_DUMP = re.compile(r"\b[a-z_]+=|datetime\.|\{'|\(\w+\(")
"""Signs of a raw dump: field=value, a datetime repr, a dict, a nested constructor call."""


def _results() -> Iterator[Any]:
    """Results of every kind, from the shipped examples."""
    for name in ("will-rep", "system-rep", "ambiguous-rep", "healthy-rep", "coverage-rep"):
        yield g.diagnose(example(name), counterfactuals=True)
    history = g.read_history_csv(EXAMPLES / "weeks.csv")
    yield g.plan(example("will-rep"), start=dt.date(2026, 10, 5), history=history)
    yield g.plan(example("system-rep"), start=dt.date(2026, 10, 5))
    yield g.plan(example("coverage-rep"), start=dt.date(2026, 10, 5))
    since = dt.date(2026, 7, 20)
    yield g.escalate(history, g.diagnose(example("will-rep")), gap="will", since=since)
    yield g.read_coaching_log(EXAMPLES / "coaching-log.csv")
    yield g.Scorecard(
        rep_id="r", ratings=({"metric": "ownership.forecast_accuracy", "rep": 4, "manager": 2},)
    )
    yield g.what_if(example("will-rep"), {"activity.calls_per_day": 40})
    yield g.what_if(example("will-rep"), {"target.calls_per_day": 25})
    yield g.diagnose_many(EXAMPLES / "team.csv", team_by="team")
    calls = EXAMPLES / "calls"
    yield g.read_calls(calls, reps=calls / "reps.yaml", period="2026-Q3")
    book = g.load_rules()
    yield next(iter(g.run_examples(book)))
    cases = [("a", example("will-rep"), None, None), ("b", example("system-rep"), None, None)]
    yield g.diff_packs(book, book, cases, source="two reps")
    yield from list(g.verify_pack(book))[:2]
    yield g.load_interventions()
    yield from _more_results()


def _more_results() -> Iterator[Any]:
    """Results the examples above leave out: holidays, openings, team values, thin counts,
    traces, and the changes between two packs."""
    from gapdiag.checks import pack_diff

    yield g.plan(example("will-rep"), start=dt.date(2026, 12, 7), country="US")
    card = {"metric": "ownership.forecast_accuracy", "rep": 5, "manager": 2}
    yield g.Scorecard(rep_id="r", ratings=(card,)).openings()
    yield g.diagnose_many(EXAMPLES / "team.csv", team_by="team").team(0)
    thin = example("will-rep")
    thin["pipeline"] = {**thin["pipeline"], "win_rate": 0.2, "closed_deals": 3}
    yield g.diagnose(thin)
    yield g.trace(example("will-rep"))
    yield pack_diff.PrimaryChange(rep="a", old="will", new="skill")
    yield pack_diff.LeafChange(rep="a", old="will-low-volume", new="stopped at lead-flow")
    yield pack_diff.ConfidenceShift(rep="a", gap="will", old=0.4, new=0.8)
    yield pack_diff.RuleChange(rule="r", change="changed", fields=("when",))
    yield pack_diff.FiringChange(rule="r", old=None, new=3)


def _reachable() -> dict[type, Any]:
    """One object of every model type reachable from the results, by type."""
    found: dict[type, Any] = {}
    seen: dict[int, Any] = {}  # holds what it saw, so no id is reused while walking
    stack: list[Any] = list(_results())
    while stack:
        obj = stack.pop()
        if id(obj) in seen:
            continue
        seen[id(obj)] = obj
        if isinstance(obj, BaseModel):
            found.setdefault(type(obj), obj)
            stack.extend(getattr(obj, field) for field in type(obj).model_fields)
        elif isinstance(obj, list | tuple):
            stack.extend(obj)
        elif isinstance(obj, dict):
            stack.extend(obj.values())
    return found


REACHED = _reachable()
RESULTS = sorted(
    (
        kind
        for kind in REACHED
        if not issubclass(kind, INPUTS) and kind.__module__ != "gapdiag.model.metrics"
    ),
    key=lambda kind: f"{kind.__module__}.{kind.__name__}",
)


def test_the_examples_reach_every_kind_of_result() -> None:
    """The walk finds the main result types and their parts (so the next test means something)."""
    names = {kind.__name__ for kind in RESULTS}
    wanted = {"Diagnosis", "Verdict", "Evidence", "Standing", "Undetermined", "Batch", "Summary"}
    wanted |= {"CoachingPlan", "Focus", "Goal", "Session", "Escalation", "Trend", "WhatIf"}
    wanted |= {"MetricChange", "CallsReport", "CallMetrics", "PackDiff", "Finding", "Scorecard"}
    wanted |= {"Holiday", "Opening", "TeamStats", "Sample", "RuleTrace", "FiringChange"}
    assert wanted <= names, wanted - names


@pytest.mark.parametrize("kind", RESULTS, ids=lambda kind: kind.__name__)
def test_a_result_prints_as_one_short_line_of_words(kind: type) -> None:
    """repr is '<Name: words>' on one line, within the limit, no field dump; str the words."""
    obj = REACHED[kind]
    shown = repr(obj)
    assert isinstance(obj, Worded)
    assert shown.startswith(f"<{kind.__name__}: "), shown
    assert shown.endswith(">"), shown
    assert "\n" not in shown
    assert len(shown) <= REPR_MAX + len(kind.__name__) + 4, shown
    assert not _DUMP.search(shown), shown
    assert str(obj)
    assert "\n" not in str(obj).strip()


def test_an_undetermined_gap_never_prints_as_zero_percent() -> None:
    """A gap left open by missing data reads 'not judged', never as a 0% confidence."""
    d = g.diagnose(example("ambiguous-rep"))
    open_ = [v for v in d.verdicts if v.status == "unknown"]
    assert open_
    for verdict in open_:
        assert "not judged" in repr(verdict)
        assert "0%" not in repr(verdict)
    for left in d.undetermined:
        assert repr(left).startswith("<Undetermined: Not judged yet")
        assert left.rule not in repr(left)


def test_a_diagnosis_prints_its_standing_and_answer() -> None:
    """'<Diagnosis: rep, period: Behind (…% of quota); Will confirmed, …%>'."""
    shown = repr(g.diagnose(example("will-rep")))
    assert shown.startswith("<Diagnosis: rep-will-01, 1 Jul to 30 Sep 2026: Behind (")
    assert "Will confirmed" in shown


def test_a_target_change_prints_as_a_plan_change() -> None:
    """A what-if on a target reads as a change of plan, not a drop in what the rep did."""
    shown = repr(g.what_if(example("will-rep"), {"target.calls_per_day": 25}))
    assert "Plan change: the target for calls a day moves 40 → 25" in shown


def test_a_diagnosis_without_period_or_standing_says_what_to_collect() -> None:
    """No period: the rep id alone; unknown standing: its first missing figure, and the
    gap the evidence points to is named as 'if behind'."""
    bare = repr(g.diagnose({"rep_id": "x"}))
    assert bare.startswith("<Diagnosis: x: Standing unknown (needs quota")
    assert "undetermined (needs" in bare
    rep = {"rep_id": "r", "activity": {"calls_per_day": 12, "meetings_per_week": 1}}
    rep["territory"] = {"lead_volume_vs_team": 1.0, "territory_size_vs_team": 1.0}
    assert "; if behind, Will suspected" in repr(g.diagnose(rep))


def test_a_verdict_with_no_rule_either_way_says_so_plainly() -> None:
    """A judged verdict no rule spoke to is its status and confidence alone."""
    from gapdiag.model.diagnosis import Verdict

    verdict = Verdict(gap="will", confidence=0.0, certainty=0.0, status="unlikely")
    assert repr(verdict) == "<Verdict: Will unlikely, 0%>"


def test_a_rep_not_behind_has_nothing_to_fix() -> None:
    """A rep on track or ahead reads 'nothing to fix this period', with what to watch."""
    shown = repr(g.diagnose(example("healthy-rep")))
    assert "On track (" in shown
    assert "nothing to fix this period" in shown

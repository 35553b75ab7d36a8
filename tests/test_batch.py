"""diagnose_many: the vectorized evaluator gives exactly what diagnose() gives, rep by rep."""

from __future__ import annotations

import math
import statistics
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

pd = pytest.importorskip("pandas")
np = pytest.importorskip("numpy")

from gapdiag import Rulebook, diagnose, load_rules  # noqa: E402
from gapdiag.batch import Batch, diagnose_many  # noqa: E402
from gapdiag.rows import flatten  # noqa: E402

from .strategies import populations, rule_dicts, team_conditions, threshold_conditions  # noqa: E402

PACK = load_rules()


def assert_matches_diagnose(batch: Batch, reps: list[dict[str, Any]], book: Rulebook) -> None:
    """Every result row equals diagnose() on the same rep: fired rules, confidences, statuses.

    The full Diagnosis of the first row is asked for as well and must equal diagnose()'s.
    """
    rows = batch.frame.to_dict("records")
    assert [r["row"] for r in rows] == list(range(len(reps)))
    for position, (rep, row) in enumerate(zip(reps, rows, strict=True)):
        expected = diagnose(rep, rules=book, team=batch.team(position))
        primary = row["primary_gap"]
        assert (None if pd.isna(primary) else primary) == expected.primary_gap
        for verdict in expected.verdicts:
            assert row[f"{verdict.gap}.confidence"] == verdict.confidence
            assert math.copysign(1, row[f"{verdict.gap}.confidence"]) == math.copysign(
                1, verdict.confidence
            )
            assert row[f"{verdict.gap}.status"] == verdict.status
        assert row["pip_blocked"] == expected.pip_blocked
        assert sorted(batch.fired(position)) == sorted(expected.fired)
        if position == 0:
            assert batch.diagnosis(position) == expected


@settings(max_examples=30)
@given(populations(max_size=12))
def test_default_pack_matches_diagnose_from_records(reps: list[dict[str, Any]]) -> None:
    """A list of reps with missing values: every row as diagnose() has it, default pack."""
    assert_matches_diagnose(diagnose_many(reps, rules=PACK), reps, PACK)


@settings(max_examples=25)
@given(populations(max_size=12))
def test_default_pack_matches_diagnose_from_a_dataframe(reps: list[dict[str, Any]]) -> None:
    """The same population as a flat DataFrame (NaN = absent) gives the same rows."""
    frame = pd.DataFrame([flatten(r) for r in reps])
    assert_matches_diagnose(diagnose_many(frame, rules=PACK), reps, PACK)


@settings(max_examples=40)
@given(rule_dicts(max_rules=8), populations(max_size=8))
def test_random_packs_match_diagnose(
    rules: list[dict[str, Any]], reps: list[dict[str, Any]]
) -> None:
    """Random threshold packs with and/or/not: the same outcomes, certainties and statuses."""
    book = Rulebook.from_rules(rules)
    assert_matches_diagnose(diagnose_many(reps, rules=book), reps, book)


@st.composite
def team_rule_dicts(draw: st.DrawFn) -> list[dict[str, Any]]:
    """A small pack mixing team-relative and plain threshold rules."""
    either = st.one_of(team_conditions(), threshold_conditions())
    conditions = draw(st.lists(either, min_size=1, max_size=5))
    return [
        {
            "id": f"team-{i}",
            "gap": draw(st.sampled_from(["skill", "will", "knowledge", "system"])),
            "certainty": draw(st.sampled_from([-0.4, 0.3, 0.5, 0.7])),
            "when": when,
            "because": "generated",
            "examples": [{"given": {}, "fires": "unknown"}],
        }
        for i, when in enumerate(conditions)
    ]


@settings(max_examples=30)
@given(st.data(), populations(max_size=10))
def test_team_rules_match_diagnose_given_the_team_values(
    data: st.DataObject, reps: list[dict[str, Any]]
) -> None:
    """team.* rules in batch equal diagnose(rep, team=...) with that rep's team values."""
    book = Rulebook.from_rules(data.draw(team_rule_dicts()))
    assert_matches_diagnose(diagnose_many(reps, rules=book), reps, book)


@settings(max_examples=25)
@given(populations(max_size=12))
def test_team_values_are_each_teams_mean_and_median(reps: list[dict[str, Any]]) -> None:
    """team.mean / team.median are computed per team over the reps that have the metric."""
    path = "activity.calls_per_day"
    book = Rulebook.from_rules(
        [
            {
                "id": "vs-team",
                "gap": "will",
                "certainty": 0.5,
                "when": f"{path} < team.mean.{path} and {path} <= team.median.{path}",
                "because": "x",
                "examples": [{"given": {}, "fires": "unknown"}],
            }
        ]
    )
    batch = diagnose_many(reps, rules=book)
    for position, rep in enumerate(reps):
        mates = [
            r["activity"]["calls_per_day"]
            for r in reps
            if r.get("team") == rep.get("team")
            and (r.get("activity") or {}).get("calls_per_day") is not None
        ]
        stats = batch.team(position)
        assert stats is not None
        if rep.get("team") is None or not mates:
            assert path not in stats.mean
            continue
        assert stats.mean[path] == pytest.approx(statistics.fmean(mates), rel=1e-12, abs=1e-9)
        assert stats.median[path] == statistics.median(mates)

"""The calibration benchmark's instrument: a deterministic generator, valid reps, a right score."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gapdiag import RepMetrics

BENCHMARKS = Path(__file__).resolve().parent.parent / "benchmarks"
sys.path.insert(0, str(BENCHMARKS))

from bench_calibration import main  # noqa: E402
from calibration.inputs import api_input  # noqa: E402
from calibration.population import COUNT_FIELDS, NOTHING_MISSING, Truth, generate  # noqa: E402
from calibration.score import GAPS, Said, score  # noqa: E402
from calibration.world import CAUSES  # noqa: E402

NEW_FIELDS_IN_API = "as_of" in RepMetrics.model_fields


def figure(result, key: str, gap: str | None = None):  # type: ignore[no-untyped-def]
    """The one figure with this key and gap."""
    (found,) = [f for f in result.figures if f.key == key and f.gap == gap]
    return found


def test_the_generator_is_deterministic() -> None:
    """The same seed gives the same reps and truths; another seed gives others."""
    assert generate(60, 5) == generate(60, 5)
    assert generate(60, 5) != generate(60, 6)


def test_sizes_and_mix() -> None:
    """`size` reps, each cause and standing present in a few hundred."""
    cases = generate(600, 1)
    assert len(cases) == 600
    assert {c.truth.cause for c in cases} == set(CAUSES)
    assert {"ahead", "on_track", "behind"} <= {c.truth.standing for c in cases}


@pytest.mark.parametrize("missing", [None, NOTHING_MISSING], ids=["missing", "complete"])
def test_every_generated_rep_validates(missing) -> None:  # type: ignore[no-untyped-def]
    """Every rep, as given to the API today, passes the input contract."""
    for case in generate(400, 2, missing):
        RepMetrics.model_validate(api_input(case.record, new_fields=False))


@pytest.mark.skipif(not NEW_FIELDS_IN_API, reason="this gapdiag has no as_of, proxies or counts")
def test_every_generated_rep_validates_with_the_new_fields() -> None:
    """Once the API has as_of, proxies and counts, every record passes with them."""
    for case in generate(400, 3):
        RepMetrics.model_validate(api_input(case.record, new_fields=True))


def test_the_new_fields_are_generated_and_dropped_in_one_place() -> None:
    """Records carry as_of, proxies and counts; api_input drops them unless told not to."""
    records = [c.record for c in generate(300, 4)]
    assert any("as_of" in r for r in records)
    assert any("proxies" in r for r in records)
    for path in COUNT_FIELDS:
        group, name = path.split(".")
        assert any(name in r.get(group, {}) for r in records), path
    for record in records:
        given = api_input(record, new_fields=False)
        assert "as_of" not in given
        assert "proxies" not in given
        assert not any(
            name in given.get(group, {}) for group, name in (p.split(".") for p in COUNT_FIELDS)
        )
        assert api_input(record, new_fields=True) == record


def test_a_proxy_is_marked_only_where_its_value_is_present() -> None:
    """Every path in proxies is a territory value the record holds."""
    for case in generate(300, 8):
        for path in case.record.get("proxies", ()):
            group, name = path.split(".")
            assert name in case.record[group]


def test_precision_on_a_hand_built_case() -> None:
    """Right = true cause and truly behind; close calls count neither way."""
    truths = [
        Truth("a", "will", "behind"),
        Truth("b", "will", "ahead"),
        Truth("c", "skill", "behind"),
        Truth("d", "none", "on_track"),
        Truth("e", "will", "borderline"),
        Truth("f", "system", "behind", complete=True),
    ]
    saids = [
        Said("a", "will", {"will": "confirmed"}, {"will": ("r1",)}, outcome="gap"),
        Said("b", "will", {"will": "confirmed"}, {"will": ("r1",)}, outcome="gap"),
        Said("c", "skill", {"skill": "confirmed", "will": "suspected"}, outcome="gap"),
        Said("d", "skill", {"skill": "suspected"}, outcome="gap"),
        Said("e", "will", {"will": "confirmed"}, {"will": ("r1",)}, outcome="gap"),
        Said("f", None, {"system": "unknown"}, outcome="undetermined"),
    ]
    result = score(truths, saids)
    confirmed = figure(result, "confirmed_precision")
    assert (confirmed.hits, confirmed.total) == (2, 3)
    assert figure(result, "confirmed_precision", "will").value == 0.5
    assert figure(result, "confirmed_precision", "skill").value == 1.0
    assert figure(result, "confirmed_precision", "system").value is None
    suspected = figure(result, "suspected_precision")
    assert (suspected.hits, suspected.total) == (0, 2)
    assert figure(result, "false_alarms").value == 1.0
    assert figure(result, "false_alarm_confirmed").value == 0.5
    assert figure(result, "undetermined").value == pytest.approx(1 / 3)
    assert figure(result, "recall").value == pytest.approx(2 / 3)
    assert figure(result, "confirmed_precision").met is False
    assert result.confusion["behind"]["system"]["undetermined"] == 1
    (r1,) = result.patterns  # rep e is a close call; rep c's will verdict has no rule
    assert (r1.rule, r1.wrong, r1.fired, r1.wrong_confirmed) == ("r1", 1, 2, 1)
    assert r1.examples == ("b",)
    assert not [f for f in result.figures if f.key.startswith("standing")]  # none said


def test_standing_figures_once_the_api_gives_one() -> None:
    """Standing agreement leaves close calls aside; behind and calm reps are counted apart."""
    truths = [
        Truth("a", "will", "behind"),
        Truth("b", "none", "ahead"),
        Truth("c", "none", "borderline"),
        Truth("d", "none", "on_track"),
    ]
    saids = [
        Said("a", "will", {}, standing="behind"),
        Said("b", None, {}, standing="ahead"),
        Said("c", None, {}, standing="behind"),
        Said("d", None, {}, standing="behind"),
    ]
    result = score(truths, saids)
    assert figure(result, "standing_agrees").value == pytest.approx(2 / 3)
    assert figure(result, "behind_said_behind").value == 1.0
    assert figure(result, "calm_said_behind").value == 0.5
    assert figure(result, "standing_unknown").value == 0.0


@given(st.integers(min_value=0, max_value=10_000))
def test_an_oracle_meets_every_goal(seed: int) -> None:
    """Naming the true cause of every behind rep, and nothing else, scores perfectly."""
    truths = [c.truth for c in generate(40, seed)]
    saids = []
    for t in truths:
        named = t.cause if t.standing == "behind" and t.cause in GAPS else None
        status = {g: ("confirmed" if g == named else "unlikely") for g in GAPS}
        saids.append(Said(t.rep_id, named, status, outcome="gap" if named else "no_gap_found"))
    result = score(truths, saids)
    for f in result.figures:
        assert f.met is not False, f
    assert all(f.value in (None, 1.0) for f in result.figures if "precision" in f.key)
    assert figure(result, "false_alarms").hits == 0


def test_the_benchmark_runs_end_to_end(capsys: pytest.CaptureFixture[str]) -> None:
    """A small run prints one JSON object per figure, with diagnose_many agreeing."""
    assert main(["--reps", "80", "--plans", "4", "--batch", "30", "--json"]) == 0
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    keys = {line["figure"] for line in lines}
    assert {"confirmed_precision", "suspected_precision", "false_alarms", "undetermined"} <= keys
    (batch,) = [line for line in lines if line["figure"] == "batch_disagreements"]
    assert batch["hits"] == 0
    assert batch["total"] >= 30

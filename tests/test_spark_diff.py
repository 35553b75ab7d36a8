"""diff_spark counts what `gapdiag rules diff` counts, on the same population."""

from __future__ import annotations

import io
import json
import os
import shutil
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

if os.environ.get("GAPDIAG_REQUIRE_SPARK") != "1":
    pytest.importorskip("pyspark")

from gapdiag import Rulebook, load_rules
from gapdiag.checks.coverage import population_reps
from gapdiag.checks.pack_diff import diff_packs
from gapdiag.cli import main
from gapdiag.engines.vector._population import from_frame
from gapdiag.model.metrics import parse_metrics
from gapdiag.spark import diff_spark

from .conftest import CALLS_UNDER_TEAM, ROOT
from .strategies import populations, team_rule_dicts
from .test_spark import frame_of, pd, population

pytestmark = pytest.mark.spark


def edited_pack(tmp_path: Path) -> Path:
    """The default pack with a threshold moved, the tree's volume bar lowered, a rule
    removed and a team rule added: every kind of change the diff reports."""
    new = tmp_path / "new"
    shutil.copytree(ROOT / "rules", new)
    activity = new / "activity.rules.yaml"
    text = activity.read_text()
    activity.write_text(text.replace("derived.calls_vs_plan < 0.5", "derived.calls_vs_plan < 0.6"))
    tree = new / "diagnosis.tree.yaml"
    tree.write_text(
        tree.read_text().replace("derived.calls_vs_plan < 0.5 or", "derived.calls_vs_plan < 0.6 or")
    )
    territory = new / "territory.rules.yaml"
    rules = yaml.safe_load(territory.read_text())
    # the last rule goes (no other rule counters it), a team rule comes in
    territory.write_text(yaml.safe_dump([*rules[:-1], CALLS_UNDER_TEAM], sort_keys=False))
    return new


def collected(frame: Any) -> list[tuple[Any, ...]]:
    """A small Spark DataFrame's rows as tuples."""
    return [tuple(row) for row in frame.collect()]


def test_diff_spark_equals_rules_diff_on_a_population_file(spark: Any, tmp_path: Path) -> None:
    """The from->to matrix, tree-leaf moves, firing counts and rule edits all agree."""
    new = edited_pack(tmp_path)
    flat = population(4000, seed=11)
    valid = from_frame(flat, "team")
    reps = tmp_path / "reps.json"
    reps.write_text(json.dumps([valid.rep(i) for i in range(valid.size)], default=str))
    out = io.StringIO()
    main(
        ["rules", "diff", str(ROOT / "rules"), str(new), "--population", str(reps), "--json"],
        stdout=out,
    )
    expected = json.loads(out.getvalue())
    got = diff_spark(ROOT / "rules", new, spark.createDataFrame(flat))
    assert got.reps == got.rows == expected["reps"] == 4000
    assert collected(got.transitions) == [tuple(cell) for cell in expected["matrix"]]
    moved = Counter((c["old"], c["new"]) for c in expected["leaf_changes"])
    assert moved, "the edited tree moves some reps to another leaf"
    assert expected["primary_changes"], "the edited rules move some primary gaps"
    assert {(a, b): n for a, b, n in collected(got.leaves) if a != b} == dict(moved)
    assert sum(n for *_, n in collected(got.leaves)) == 4000
    firing = [(f["rule"], f["old"], f["new"]) for f in expected["firing"]]
    assert [row[:3] for row in collected(got.firing)] == firing
    assert any(old is None for _, old, _ in firing)  # the added rule
    assert any(new is None for _, _, new in firing)  # the removed rule
    assert [c.model_dump(mode="json") for c in got.rules] == expected["rules"]
    assert got.changed
    for rule, old, new_count, old_rate, new_rate in collected(got.firing):
        assert old_rate == (None if old is None else old / 4000), rule
        assert new_rate == (None if new_count is None else new_count / 4000), rule


@settings(max_examples=6)
@given(st.data(), populations(max_size=10))
def test_diff_spark_equals_diff_packs_with_team_rules(
    spark: Any, data: st.DataObject, reps: list[dict[str, Any]]
) -> None:
    """Random team-reading packs against the default pack, over small populations."""
    old = load_rules()
    new = Rulebook.from_rules(data.draw(team_rule_dicts()))
    expected = diff_packs(
        old, new, population_reps([parse_metrics(r) for r in reps], old, new), source="reps"
    )
    got = diff_spark(old, new, spark.createDataFrame(frame_of(reps)))
    assert collected(got.transitions) == list(expected.matrix)
    assert [row[:3] for row in collected(got.firing)] == [
        (f.rule, f.old, f.new) for f in expected.firing
    ]
    assert got.changed == bool(expected.primary_changes or expected.leaf_changes)


def test_a_pack_diffed_with_itself_moves_nothing(spark: Any) -> None:
    """Same pack both sides: only the diagonal is counted, no firing change, no rule edit."""
    flat = pd.DataFrame({"rep_id": ["a", "b"], "activity.calls_per_day": [5.0, None]})
    got = diff_spark(None, None, spark.createDataFrame(flat))
    assert not got.changed
    assert collected(got.firing) == []
    assert got.rules == ()
    assert sum(n for a, b, n in collected(got.transitions) if a == b) == 2

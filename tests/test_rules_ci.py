"""The library side of rules CI: example runs, coverage, populations and pack diffs."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gapdiag import InvalidArgument, RepMetrics, Rulebook, load_rules
from gapdiag.checks.coverage import coverage, example_reps, population_reps
from gapdiag.checks.diff_report import to_markdown, to_text
from gapdiag.checks.examples import run_examples
from gapdiag.checks.pack_diff import diff_packs
from gapdiag.sources.repfile import read_reps

from .conftest import CALLS_UNDER_TEAM, ROOT
from .strategies import rep_dicts, rule_dicts


def edited_pack(tmp_path: Path, old: str, new: str, file: str = "calls.rules.yaml") -> Path:
    """A copy of the shipped pack with one piece of text replaced."""
    pack = tmp_path / "pack"
    shutil.copytree(ROOT / "rules", pack)
    target = pack / file
    text = target.read_text()
    assert old in text
    target.write_text(text.replace(old, new))
    return pack


def test_every_shipped_example_passes_with_location() -> None:
    """Each shipped example passes and is located at its own line in its file."""
    results = list(run_examples(load_rules()))
    assert all(r.passed for r in results)
    assert [r.kind for r in results if r.owner == "volume"] == ["node"] * 5
    assert {r.kind for r in results} == {"rule", "node", "leaf"}
    first = results[0]
    assert first.name == "activity-low-calls-normal-leads[0]"
    assert first.file is not None
    assert first.file.endswith("activity.rules.yaml")
    assert first.line is not None
    lines = Path(first.file).read_text().splitlines()
    assert "given:" in lines[first.line - 1]


def test_failing_example_says_expected_got_and_why(tmp_path: Path) -> None:
    """A threshold moved past an example fails it with the trace of the comparison."""
    pack = edited_pack(
        tmp_path, "calls.open_question_ratio < 0.5", "calls.open_question_ratio < 0.7"
    )
    failed = [r for r in run_examples(load_rules(pack)) if not r.passed]
    assert [(r.name, r.expected, r.got) for r in failed] == [
        ("calls-closed-questions[1]", "false", "true")
    ]
    assert "calls.open_question_ratio = 0.6 < 0.7 -> true" in failed[0].explanation
    assert "because: Only 60%" in failed[0].explanation


def test_failing_tree_examples_say_where_the_walk_went(tmp_path: Path) -> None:
    """A moved tree threshold fails the question's and the leaf's examples with the path."""
    # issue 14: the tree's lead-flow question (the volume question reads more conditions)
    pack = edited_pack(
        tmp_path,
        "when: territory.lead_volume_vs_team > target.lead_volume_floor\n",
        "when: territory.lead_volume_vs_team > 1.2\n",
        "diagnosis.tree.yaml",
    )
    failed = {r.name: r for r in run_examples(load_rules(pack)) if not r.passed}
    node = failed["lead-flow[0]"]
    assert (node.kind, node.expected, node.got) == ("node", "then", "else")
    assert "territory.lead_volume_vs_team = 1 > 1.2 -> false" in node.explanation
    leaves = [r for r in failed.values() if r.kind == "leaf"]
    assert leaves
    assert all("  lead-flow: " in r.explanation for r in leaves)


def test_coverage_over_examples_and_population(tmp_path: Path) -> None:
    """Every shipped rule fires and leaf is reached on some example; one rep leaves most out."""
    book = load_rules()
    over_examples = coverage(book, example_reps(book), source="examples")
    assert over_examples.never_fired == over_examples.never_reached == ()
    assert book.tree is not None
    assert len(over_examples.reached) == len(book.tree.leaves)
    rep = {"rep_id": "a", "calls": {"talk_ratio": 0.8}}
    reps = read_reps(_write(tmp_path / "reps.json", [rep])).reps
    over_population = coverage(book, population_reps(reps), source="reps")
    assert over_population.reps == 1
    assert "calls-rep-talks-too-much" not in over_population.never_fired
    assert len(over_population.never_fired) == len(book.rules) - 1


def _write(path: Path, data: Any) -> Path:
    path.write_text(json.dumps(data))
    return path


def test_population_formats_and_rejected_rows(tmp_path: Path) -> None:
    """CSV, JSON and JSON Lines read alike; a bad row is reported with where and why."""
    csv = tmp_path / "reps.csv"
    csv.write_text("rep_id,calls.talk_ratio\na,0.4\nb,25\nc,\n")
    read = read_reps(csv)
    assert [r.rep_id for r in read.reps] == ["a", "c"]
    assert [str(p) for p in read.rejected] == [
        "line 3: calls.talk_ratio: 25 is not a fraction in [0, 1] (did you mean 0.25?)"
    ]
    lines = tmp_path / "reps.jsonl"
    lines.write_text('{"rep_id": "a"}\n\n{"rep_id": ""}\n')
    read = read_reps(lines)
    assert len(read.reps) == 1
    assert read.rejected[0].where.startswith("line 3: rep_id")
    assert [r.rep_id for r in read_reps(_write(tmp_path / "r.json", [{"rep_id": "x"}])).reps] == [
        "x"
    ]


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("reps.txt", "", "a population is a .csv, .json, .jsonl file"),
        ("reps.json", "{", "not valid JSON"),
        ("reps.json", '{"rep_id": "a"}', "expected a JSON array of reps, got dict"),
        ("missing.json", None, "cannot read"),
    ],
)
def test_population_refuses_bad_files(
    tmp_path: Path, name: str, content: str | None, message: str
) -> None:
    """Files that are no population at all raise InvalidArgument naming the file."""
    path = tmp_path / name
    if content is not None:
        path.write_text(content)
    with pytest.raises(InvalidArgument, match=message):
        read_reps(path)


def test_diff_of_a_moved_threshold(tmp_path: Path) -> None:
    """Raising a skill threshold moves reps to skill and names the edited rule."""
    book = load_rules()
    new = load_rules(
        edited_pack(tmp_path, "calls.open_question_ratio < 0.5", "calls.open_question_ratio < 0.7")
    )
    reps = [
        {"rep_id": "moves", "calls": {"open_question_ratio": 0.6}},
        {"rep_id": "stays", "calls": {"open_question_ratio": 0.9}},
    ]
    cases = population_reps(read_reps(_write(tmp_path / "reps.json", reps)).reps)
    diff = diff_packs(book, new, cases, source="reps.json")
    assert diff.changed
    assert [(c.rep, c.old, c.new) for c in diff.primary_changes] == [("moves", "no gap", "skill")]
    assert [(s.rep, s.gap, s.old, s.new) for s in diff.confidence_shifts] == [
        ("moves", "skill", 0.0, 0.5)
    ]
    assert [(r.rule, r.change, r.fields) for r in diff.rules] == [
        ("calls-closed-questions", "changed", ("when",))
    ]
    assert [(f.rule, f.old, f.new) for f in diff.firing] == [("calls-closed-questions", 0, 1)]
    assert ("no gap", "skill", 1) in diff.matrix
    report = to_markdown(diff, rejected=["reps.json: item 9: rep_id: missing"])
    assert "| no gap | 0 | 0 | **1** | 0 | 1 |" in report
    assert "`calls.open_question_ratio < 0.5` → `calls.open_question_ratio < 0.7`" in report
    assert "### Rows left out (1)" in report
    assert "moves: no gap -> skill" in to_text(diff)


def test_diff_lists_added_and_removed_rules() -> None:
    """Rules only in one pack are added or removed, with firing counts on one side only."""
    rule = {
        "gap": "skill",
        "certainty": 0.5,
        "when": "calls.talk_ratio > 0.5",
        "because": "talks",
        "examples": [{"given": {"calls": {"talk_ratio": 0.8}}, "fires": True}],
    }
    old = Rulebook.from_rules([{**rule, "id": "old-rule"}])
    new = Rulebook.from_rules([{**rule, "id": "new-rule"}])
    diff = diff_packs(old, new, example_reps(old, new), source="examples")
    assert [(r.rule, r.change) for r in diff.rules] == [
        ("old-rule", "removed"),
        ("new-rule", "added"),
    ]
    assert [(f.rule, f.old, f.new) for f in diff.firing] == [
        ("old-rule", 1, None),
        ("new-rule", None, 1),
    ]
    assert not diff.changed  # the same evidence under another name moves no verdict


@given(rules=rule_dicts(), reps=st.lists(rep_dicts(), max_size=5))
def test_diff_of_a_pack_against_itself_is_empty(
    rules: list[dict[str, Any]], reps: list[Any]
) -> None:
    """Any pack diffed against itself, over any reps, reports no change at all."""
    book = Rulebook.from_rules(rules)
    cases = [*example_reps(book), *population_reps(_valid(reps))]
    diff = diff_packs(book, book, cases, source="generated")
    assert not diff.changed
    assert diff.primary_changes == diff.confidence_shifts == diff.rules == diff.firing == ()
    assert sum(n for a, b, n in diff.matrix if a == b) == diff.reps == len(cases)


def _valid(reps: list[Any]) -> list[Any]:
    from gapdiag.model.metrics import parse_metrics

    return [parse_metrics(r) for r in reps]


def test_shipped_pack_against_itself_over_its_examples() -> None:
    """The shipped pack against itself over its own examples: nothing moves."""
    book = load_rules()
    diff = diff_packs(book, book, example_reps(book), source="examples")
    assert not diff.changed
    assert diff.reps == len(example_reps(book)) > 100


def test_diff_reports_moved_tree_leaves(tmp_path: Path) -> None:
    """A tree threshold moved: reps whose walk ends elsewhere are listed, and that is a change."""
    new = load_rules(
        edited_pack(
            tmp_path,
            "when: territory.lead_volume_vs_team > target.lead_volume_floor\n",
            "when: territory.lead_volume_vs_team > 1.2\n",
            "diagnosis.tree.yaml",
        )
    )
    old = load_rules()
    diff = diff_packs(old, new, example_reps(old), source="examples")
    assert diff.changed
    assert diff.rules == ()
    assert ("will-low-volume", "system-starved-leads") in {
        (c.old, c.new) for c in diff.leaf_changes
    }
    assert "### Reps whose decision-tree leaf changed" in to_markdown(diff)


def test_population_diff_computes_team_values(tmp_path: Path) -> None:
    """Rules over team.* are decided in a population diff, from the population's own teams."""
    book = Rulebook.from_rules([CALLS_UNDER_TEAM])
    reps = [
        RepMetrics.model_validate(
            {"rep_id": f"r{calls}", "team": "east", "activity": {"calls_per_day": float(calls)}}
        )
        for calls in (10, 40, 40)
    ]
    low, high, _ = population_reps(reps, book)
    assert low[3] is not None
    assert low[3].mean == {"activity.calls_per_day": 30.0}
    assert high[0] == "r40"
    report = coverage(book, population_reps(reps, book), source="reps")
    assert report.fired == (("calls-under-team", 1),)

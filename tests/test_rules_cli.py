"""`gapdiag rules check|test|diff` and `gapdiag schema`, run in-process."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
import yaml

from gapdiag import load_rules
from gapdiag.checks.examples import example_cases
from gapdiag.cli import ExitStatus

from .conftest import ROOT
from .test_cli import run
from .test_rules_ci import edited_pack

VERIFY = Path(__file__).parent / "data" / "verify"
EXAMPLES = len(example_cases(load_rules()))


def test_check_shipped_pack_is_clean_under_strict() -> None:
    """The shipped pack has no errors or warnings; its notes name rules that add evidence."""
    code, out, _ = run("rules", "check", "--strict")
    assert code == ExitStatus.OK
    assert out.endswith("0 errors, 0 warnings, 5 notes\n")
    assert "calls-weak-objections-low-quiz: whenever it fires, knowledge-low-product-quiz" in out


def test_strict_fails_on_a_warning() -> None:
    """A warning exits 0, and 1 under --strict."""
    path = str(VERIFY / "subsumed.rules.yaml")
    assert run("rules", "check", path)[0] == ExitStatus.OK
    assert run("rules", "check", path, "--strict")[0] == ExitStatus.FINDINGS


def test_check_errors_exit_1_with_file_and_line() -> None:
    """An unsatisfiable rule is an error at file:line and exits 1."""
    path = VERIFY / "unsatisfiable.rules.yaml"
    code, out, _ = run("rules", "check", str(path))
    assert code == ExitStatus.FINDINGS
    assert out.startswith(f"{path}:6: error: calls-both-ways: can never fire")


def test_check_json() -> None:
    """--json prints the findings and counts as one document."""
    code, out, _ = run("rules", "check", str(VERIFY / "overlap.rules.yaml"), "--json")
    document = json.loads(out)
    assert code == ExitStatus.OK
    assert document["counts"] == {"error": 0, "warning": 1, "info": 0}
    (finding,) = document["findings"]
    assert finding["code"] == "overlap"
    assert finding["witness"] == {
        "activity.calls_per_day": 10.0,
        "territory.lead_volume_vs_team": 0.7,
    }


def test_check_reports_load_problems_as_findings() -> None:
    """Schema errors and unknown metrics are findings (exit 1), not a crash."""
    path = ROOT / "tests" / "data" / "bad_rules" / "bad-gap.rules.yaml"
    code, out, _ = run("rules", "check", str(path))
    assert code == ExitStatus.FINDINGS
    assert f"{path}:3: error: r1.gap: 'wil' is not one of" in out


def test_check_targets_file(tmp_path: Path) -> None:
    """--targets reads thresholds at the given targets."""
    targets = tmp_path / "targets.json"
    # issue 14: the shipped will and system rules now share their floors, so no target
    # makes them overlap; a commitment target of 1 makes the low-commitment rule impossible
    targets.write_text('{"commitment_score": 1}')
    code, out, _ = run("rules", "check", "--targets", str(targets))
    assert code == ExitStatus.FINDINGS
    assert "ownership-low-commitment: can never fire" in out


@pytest.mark.parametrize("command", ["check", "test"])
def test_missing_pack_is_bad_input(command: str) -> None:
    """A pack path that does not exist is a bad invocation: exit 2."""
    code, _, err = run("rules", command, "no/such/pack")
    assert code == ExitStatus.BAD_INPUT
    assert "no/such/pack: no such rule pack folder or file" in err


def test_test_shipped_pack_with_coverage() -> None:
    """`rules test --coverage` runs every example and finds every rule fired."""
    code, out, _ = run("rules", "test", "--coverage")
    assert code == ExitStatus.OK
    assert f"{EXAMPLES} passed, 0 failed" in out
    book = load_rules()
    assert book.tree is not None
    rules, leaves = len(book.rules), len(book.tree.leaves)
    assert f"{rules} of {rules} rules fired; {leaves} of {leaves} tree leaves reached" in out


def test_test_failure_and_population(tmp_path: Path) -> None:
    """A failing example exits 1 with expected/got; a population lists unfired rules."""
    pack = edited_pack(
        tmp_path, "calls.open_question_ratio < 0.5", "calls.open_question_ratio < 0.7"
    )
    population = tmp_path / "reps.csv"
    population.write_text("rep_id,calls.talk_ratio\na,0.8\n")
    code, out, _ = run("rules", "test", str(pack), "--population", str(population))
    assert code == ExitStatus.FINDINGS
    assert "FAIL calls-closed-questions[1]" in out
    assert "expected false, got true" in out
    assert f"{EXAMPLES - 1} passed, 1 failed" in out
    assert f"1 of {len(load_rules().rules)} rules fired" in out
    assert "  never fired: calls-closed-questions\n" in out


def test_test_json_and_rejected_rows(tmp_path: Path) -> None:
    """--json lists every result; a bad population row exits 2 and is named on stderr."""
    population = tmp_path / "reps.csv"
    population.write_text("rep_id,calls.talk_ratio\na,25\n")
    code, out, err = run("rules", "test", "--json", "--population", str(population))
    document = json.loads(out)
    assert code == ExitStatus.BAD_INPUT
    assert document["passed"] == EXAMPLES
    assert document["results"][0]["name"] == "activity-low-calls-normal-leads[0]"
    assert document["coverage"][0]["reps"] == 0
    assert "line 2: calls.talk_ratio: 25 is not a fraction" in err


def test_diff_fail_on_change_and_report(tmp_path: Path) -> None:
    """A moved threshold: summary on stdout, Markdown report written, --fail-on-change exits 1."""
    new = edited_pack(
        tmp_path, "calls.open_question_ratio < 0.5", "calls.open_question_ratio < 0.7"
    )
    report = tmp_path / "diff.md"
    code, out, _ = run(
        "rules", "diff", str(ROOT / "rules"), str(new), "--report", str(report), "--fail-on-change"
    )
    assert code == ExitStatus.FINDINGS
    # issue 14: the tree's call-craft question carries an example with the same ratio
    assert "leading gap changed for 2 reps" in out
    assert "calls-closed-questions[1]: no gap -> skill" in out
    assert report.read_text().startswith("## Rule pack diff: gapdiag-default 1.0.0")
    code, _, _ = run("rules", "diff", str(ROOT / "rules"), str(new))
    assert code == ExitStatus.OK


def test_diff_of_pack_against_itself_with_population(tmp_path: Path) -> None:
    """The shipped pack against itself over a population: no change, exit 0 even when gated."""
    population = tmp_path / "reps.json"
    population.write_text(json.dumps([{"rep_id": "a", "calls": {"talk_ratio": 0.8}}]))
    rules = str(ROOT / "rules")
    code, out, _ = run(
        "rules", "diff", rules, rules, "--population", str(population), "--json", "--fail-on-change"
    )
    assert code == ExitStatus.OK
    document = json.loads(out)
    assert document["changed"] is False
    assert document["reps"] == 1


def test_diff_bad_rows_and_arguments(tmp_path: Path) -> None:
    """Bad population rows exit 2 after the diff; a bad threshold is a usage error."""
    population = tmp_path / "reps.jsonl"
    population.write_text('{"rep_id": "a", "calls": {"talk_ratio": 2}}\n')
    rules = str(ROOT / "rules")
    code, _, err = run("rules", "diff", rules, rules, "--population", str(population))
    assert code == ExitStatus.BAD_INPUT
    assert "line 1: calls.talk_ratio" in err
    for bad in ("2", "x"):
        code, _, _ = run("rules", "diff", rules, rules, "--threshold", bad)
        assert code == ExitStatus.BAD_INPUT
    code, _, err = run("rules", "diff", rules, "nowhere")
    assert code == ExitStatus.BAD_INPUT
    assert "nowhere: no such rule pack" in err


@pytest.mark.parametrize("name", ["metrics", "rules", "pack", "targets", "scorecard"])
def test_schema_is_valid_json_schema(name: str) -> None:
    """Every schema the CLI prints is itself a valid JSON Schema (draft 2020-12)."""
    code, out, _ = run("schema", name)
    assert code == ExitStatus.OK
    jsonschema.Draft202012Validator.check_schema(json.loads(out))


def _validator(name: str) -> jsonschema.Draft202012Validator:
    _, out, _ = run("schema", name)
    return jsonschema.Draft202012Validator(json.loads(out))


@pytest.mark.parametrize(
    "path", sorted((ROOT / "rules").glob("*.rules.yaml")), ids=lambda p: p.name
)
def test_shipped_rule_files_validate_against_the_schema(path: Path) -> None:
    """Every shipped rule file is valid under `gapdiag schema rules`."""
    assert list(_validator("rules").iter_errors(yaml.safe_load(path.read_text()))) == []


def test_schemas_accept_shipped_inputs_and_refuse_bad_ones() -> None:
    """pack.yaml and the example reps validate; a wrong gap and a percentage do not."""
    assert _validator("pack").is_valid(yaml.safe_load((ROOT / "rules" / "pack.yaml").read_text()))
    metrics = _validator("metrics")
    for rep in sorted((ROOT / "examples").glob("*-rep.json")):
        assert metrics.is_valid(json.loads(rep.read_text())), rep.name
    assert not metrics.is_valid({"rep_id": "a", "pipeline": {"win_rate": 25}})
    assert not metrics.is_valid({"pipeline": {}})  # rep_id is required outside examples
    bad_rule = [
        {
            "id": "r",
            "gap": "wil",
            "certainty": 0.5,
            "when": "x",
            "because": "y",
            "examples": [{"given": {}, "fires": True}],
        }
    ]
    assert not _validator("rules").is_valid(bad_rule)


def test_shipped_targets_and_scorecard_validate_and_load() -> None:
    """examples/team-targets.json and examples/scorecard.json pass their schemas and load."""
    from gapdiag import Scorecard, Targets

    targets = json.loads((ROOT / "examples" / "team-targets.json").read_text())
    card = json.loads((ROOT / "examples" / "scorecard.json").read_text())
    assert _validator("targets").is_valid(targets)
    assert _validator("scorecard").is_valid(card)
    assert Targets.model_validate(targets).calls_per_day == 30
    assert len(Scorecard.model_validate(card).openings()) == 3
    scorecard = _validator("scorecard")
    assert not scorecard.is_valid({**card, "ratings": [{**card["ratings"][0], "rep": 6}]})
    assert not scorecard.is_valid({**card, "stars": 5})
    typo = {**card["ratings"][0], "metric": "activity.call_per_day"}
    assert not scorecard.is_valid({**card, "ratings": [typo]})

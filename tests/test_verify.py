"""Static verification: each finding fires on its test pack and stays quiet on the clean twin."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from gapdiag import Rulebook, load_rules
from gapdiag.checks._boxes import Interval, TooComplex, boxes
from gapdiag.checks._witness import as_rep
from gapdiag.checks.verify import Finding, check_pack, firing_input, verify_pack
from gapdiag.model.metrics import Targets
from gapdiag.rulebook.expr import parse
from gapdiag.rulebook.facts import build_facts, target_facts

from .conftest import rule_dict

DATA = Path(__file__).parent / "data" / "verify"
CODES = ("unsatisfiable", "out-of-range", "subsumed", "overlap")


def _codes(findings: tuple[Finding, ...]) -> list[str]:
    return [f.code for f in findings]


@pytest.mark.parametrize("code", CODES)
def test_finding_is_reported_at_its_line(code: str) -> None:
    """The triggering pack yields the finding at the file and line its first line names."""
    path = DATA / f"{code}.rules.yaml"
    match = re.fullmatch(r"# expect: (\S+) at line (\d+)", path.read_text().splitlines()[0])
    assert match is not None
    found = [f for f in check_pack(path) if f.code == code]
    assert [(f.file, f.line) for f in found] == [(str(path), int(match.group(2)))]


@pytest.mark.parametrize("code", CODES)
def test_clean_twin_has_no_finding(code: str) -> None:
    """The clean twin of each pack (the defect fixed) yields no finding at all."""
    assert check_pack(DATA / f"{code}-clean.rules.yaml") == ()


def test_load_problems_are_findings_with_file_and_line() -> None:
    """A pack that does not load reports its problems as errors with file and line."""
    bad = Path(__file__).parent / "data" / "bad_rules" / "unknown-metric.rules.yaml"
    (finding,) = check_pack(bad)
    assert finding.code == "load"
    assert finding.severity == "error"
    assert finding.line == 6
    assert "did you mean 'activity.calls_per_day'" in finding.message


def test_overlap_names_region_and_a_witness_on_which_both_fire() -> None:
    """The overlap finding gives the shared band of lead flow and a rep firing both rules."""
    (finding,) = check_pack(DATA / "overlap.rules.yaml")
    assert finding.region == (
        "activity.calls_per_day < 20 and 0.6 <= territory.lead_volume_vs_team <= 0.7"
    )
    assert finding.other == "low-calls-system"
    book = load_rules(DATA / "overlap.rules.yaml")
    assert finding.witness is not None
    facts = _facts(finding.witness)
    assert all(c.test(facts) for c in book.compiled)


def _facts(flat: dict[str, float | bool]) -> dict[str, object]:
    return dict(build_facts(as_rep(flat), Targets()))


def test_shipped_pack_has_no_errors() -> None:
    """The shipped pack verifies without errors; warnings and notes are listed in docs."""
    findings = check_pack()
    assert [f for f in findings if f.severity == "error"] == []
    assert "undecided" not in _codes(findings)


def test_unsatisfiable_through_valid_range_and_flags() -> None:
    """A fraction above 1 and a flag both true and false are both impossible."""
    book = Rulebook.from_rules(
        [
            rule_dict("above-one", "calls.talk_ratio > 1"),
            rule_dict("flag-both", "knowledge.certified and not knowledge.certified"),
            rule_dict("constant", "target.calls_per_day < 1"),
            rule_dict("never-ne", "not (calls.talk_ratio != 0.4) and calls.talk_ratio > 0.5"),
        ]
    )
    found = {f.rule: f.message for f in verify_pack(book) if f.code == "unsatisfiable"}
    assert set(found) == {"above-one", "flag-both", "constant", "never-ne"}
    assert "is a fraction in [0, 1]" in found["above-one"]
    assert "contradicts itself" in found["flag-both"]


def test_arithmetic_between_metrics_is_searched_not_guessed() -> None:
    """A comparison of two metrics is decided by a confirmed witness, or left undecided."""
    book = Rulebook.from_rules(
        [
            rule_dict("ratio", "activity.emails_per_day > 2 * activity.calls_per_day"),
            rule_dict("impossible", "activity.calls_per_day - activity.calls_per_day > 1"),
        ]
    )
    assert firing_input(book, "ratio") is not None
    assert firing_input(book, "impossible") is None
    (finding,) = verify_pack(book)
    assert (finding.rule, finding.code, finding.severity) == ("impossible", "undecided", "info")


def test_derived_bounds_are_solved_through_raw_inputs() -> None:
    """A witness for a derived condition is made of raw metrics and fires the rule."""
    when = "derived.coverage < 1.5 and derived.attainment >= 0.4 and derived.calls_vs_plan > 1.2"
    book = Rulebook.from_rules([rule_dict("derived", when)])
    found = firing_input(book, "derived")
    assert found is not None
    assert all(not name.startswith("derived.") for name in found)
    assert book.compiled[0].test(_facts(found)) is True


def test_narrow_derived_band_is_hit_by_bisection() -> None:
    """A band on a derived quantity too narrow for a grid is reached by bisecting an input."""
    when = "derived.pipeline_shortfall > 12345.6 and derived.pipeline_shortfall < 12345.7"
    book = Rulebook.from_rules([rule_dict("band", when)])
    found = firing_input(book, "band")
    assert found is not None
    assert book.compiled[0].test(_facts(found)) is True


def test_targets_move_thresholds() -> None:
    """Thresholds written as targets are read at the targets given."""
    book = Rulebook.from_rules(
        [
            rule_dict(
                "band",
                "activity.calls_per_day > target.calls_per_day and activity.calls_per_day < 30",
            )
        ]
    )
    assert _codes(verify_pack(book)) == ["unsatisfiable"]
    assert verify_pack(book, targets=Targets(calls_per_day=20)) == ()


def test_subsumption_kinds() -> None:
    """Equal conditions, opposite certainties and added signals are told apart."""
    book = Rulebook.from_rules(
        [
            rule_dict("a", "ownership.commitment_score < 9"),
            rule_dict("b", "ownership.commitment_score < 9"),
            rule_dict("c", "ownership.commitment_score < 5", certainty=-0.3),
            rule_dict("d", "ownership.commitment_score < 5 and knowledge.certified"),
        ]
    )
    found = {(f.rule, f.other): (f.code, f.message) for f in verify_pack(book)}
    assert found[("b", "a")][0] == "subsumed"
    assert "exactly the inputs" in found[("b", "a")][1]
    assert "opposite certainty" in found[("c", "a")][1]
    assert found[("d", "a")][0] == "specializes"
    assert "knowledge.certified" in found[("d", "a")][1]


def test_rules_on_different_inputs_do_not_overlap() -> None:
    """Two gaps read from different metrics are two gaps at once, not a conflict."""
    book = Rulebook.from_rules(
        [
            rule_dict("skill", "calls.talk_ratio > 0.5", gap="skill"),
            rule_dict("knowledge", "knowledge.product_quiz_score < 0.8", gap="knowledge"),
        ]
    )
    assert verify_pack(book) == ()


def test_too_many_alternatives_are_left_undecided() -> None:
    """A condition that expands past the limit is reported as not analysed."""
    parts = [
        f"(calls.talk_ratio < 0.{i} or calls.rubric_score > {i % 4 + 1})" for i in range(1, 10)
    ]
    book = Rulebook.from_rules([rule_dict("huge", " and ".join(parts), gap="skill")])
    (finding,) = verify_pack(book)
    assert finding.code == "undecided"
    assert "not analysed" in finding.message
    with pytest.raises(TooComplex):
        boxes(book.compiled[0].condition, book.rules[0].when, target_facts(Targets()))


def test_interval_edges() -> None:
    """Open ends exclude their value; a point interval renders as equality."""
    assert Interval(1.0, 1.0, low_open=True).empty
    assert not Interval(1.0, 1.0).empty
    assert Interval(1.0, 1.0).render("x") == "x == 1"
    assert Interval(0.0, 2.0).meet(Interval(1.0, 3.0, high_open=True)) == Interval(1.0, 2.0)
    assert Interval(1.0, 2.0).within(Interval(0.0, 2.0))
    assert not Interval(1.0, 2.0).within(Interval(0.0, 2.0, high_open=True))


def test_opaque_negation_is_rendered() -> None:
    """A negated comparison intervals cannot decide is shown with the negated operator."""
    text = "not (activity.emails_per_day > 2 * activity.calls_per_day)"
    (box,) = boxes(parse(text), text, target_facts(Targets()))
    assert box.render() == "activity.emails_per_day <= 2 * activity.calls_per_day"


def test_team_values_are_part_of_a_witness() -> None:
    """A rule reading team.* gets a witness with team values, confirmed with those values."""
    from gapdiag.checks._witness import as_team

    book = Rulebook.from_rules(
        [rule_dict("team", "activity.calls_per_day < 0.5 * team.median.activity.calls_per_day")]
    )
    found = firing_input(book, "team")
    assert found is not None
    team = as_team(found)
    assert team is not None
    facts = build_facts(as_rep(found), Targets(), team)
    assert book.compiled[0].test(facts) is True
    assert verify_pack(book) == ()

"""The interventions library: loads, reports file:line problems, and rules point at drills."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from pydantic import ValidationError

from gapdiag import GAPS, InvalidArgument, RuleFileError, Targets, load_rules
from gapdiag.rulebook._resources import default_rules_dir
from gapdiag.rulebook.interventions import Indicator, load_interventions

_RULE = """\
- id: closed-questions
  gap: skill
  certainty: 0.5
  when: calls.open_question_ratio < 0.5
  because: "few open questions"
  drill: {drill}
  examples:
    - given: {{calls: {{open_question_ratio: 0.2}}}}
      fires: true
"""


def _pack(tmp_path: Path, drill: str, library: str | None = None) -> Path:
    folder = tmp_path / "pack"
    folder.mkdir()
    (folder / "one.rules.yaml").write_text(_RULE.format(drill=drill))
    if library is not None:
        (folder / "interventions.yaml").write_text(library)
    return folder


def _library_with(old: str, new: str) -> str:
    text = (default_rules_dir() / "interventions.yaml").read_text()
    assert old in text
    return text.replace(old, new, 1)


def test_shipped_library_covers_every_gap_and_the_seed_drills() -> None:
    """The shipped library has a playbook per gap and the eight drills the seeds describe."""
    library = load_interventions()
    assert len(library.drills) == 8
    for gap in GAPS:
        assert library.playbook(gap).indicators
    assert library.playbook("system").drills == ()
    assert [s.id for s in library.weekly] == [
        "review",
        "one-on-one",
        "drill",
        "call-review",
        "coaching-time",
        "check-in",
    ]
    assert [(p.first_day, p.last_day) for p in library.phases] == [(1, 30), (31, 60), (61, 90)]


def test_drill_lookup_suggests_the_nearest_id() -> None:
    """An unknown drill id raises InvalidArgument with a did-you-mean."""
    library = load_interventions()
    assert library.drill("objection-reframe").gaps == ("knowledge", "skill")
    with pytest.raises(InvalidArgument, match="did you mean 'objection-reframe'"):
        library.drill("objection-refrane")


def test_every_rule_drill_reference_resolves(pack: object) -> None:
    """Rules in the default pack that point at a drill point at one that exists."""
    library = load_interventions()
    referenced = {r.drill for r in load_rules().rules if r.drill}
    assert referenced
    for drill in referenced:
        library.drill(drill)


def test_unknown_drill_in_a_rule_is_a_load_error_with_line(tmp_path: Path) -> None:
    """A rule naming an unknown drill fails to load, naming file, line and the nearest id."""
    folder = _pack(tmp_path, "discovery-question")
    with pytest.raises(RuleFileError) as caught:
        load_rules(folder)
    expected = "pack/one.rules.yaml:6: closed-questions.drill: unknown drill 'discovery-question'"
    assert expected in str(caught.value)
    assert "did you mean 'discovery-questions'" in str(caught.value)


def test_a_pack_may_bring_its_own_library(tmp_path: Path) -> None:
    """A pack folder's own interventions.yaml is the one its rules are checked against."""
    library = _library_with("- id: discovery-questions", "- id: five-questions")
    library = library.replace("[discovery-questions,", "[five-questions,")
    folder = _pack(tmp_path, "five-questions", library)
    assert load_rules(folder).rule("closed-questions").drill == "five-questions"
    assert load_interventions(folder).drill("five-questions").minutes == 15


def test_a_broken_library_fails_the_pack_that_uses_it(tmp_path: Path) -> None:
    """A pack whose rules point at drills reports its library's problems too."""
    folder = _pack(tmp_path, "five-questions", "drills: [\n")
    with pytest.raises(RuleFileError, match=r"pack/interventions\.yaml:2: .*invalid YAML"):
        load_rules(folder)


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (
            "indicators: [calls.open_question_ratio,",
            "indicators: [calls.open_question_rate,",
            r"interventions.yaml:19: drills\[0\].indicators\[0\]: unknown metric "
            r"'calls.open_question_rate' \(did you mean 'calls.open_question_ratio'\?\)",
        ),
        (
            "target: target.rubric_score,",
            "target: target.rubric,",
            r"gaps.skill.indicators\[3\].target: 'target.rubric' is not a number or "
            r"target.<name> \(did you mean 'rubric_score'\?\)",
        ),
        (
            "drills: [objection-reframe]",
            "drills: [objection-refame]",
            r"gaps.knowledge.drills\[0\]: unknown drill 'objection-refame' "
            r"\(did you mean 'objection-reframe'\?\)",
        ),
        (
            "drills: [objection-reframe]",
            "drills: [objection-reframe, stuck-deal-review]",
            r"gaps.knowledge.drills\[1\]: drill 'stuck-deal-review' is not marked for the "
            r"knowledge gap",
        ),
        (
            "sessions: [review, one-on-one, coaching-time, check-in]",
            "sessions: [review, one-on-one, coaching-time, checkin]",
            r"gaps.system.sessions\[3\]: unknown session 'checkin' \(did you mean 'check-in'\?\)",
        ),
        ("- id: stuck-deal-review", "- id: blind-gap-check", r"duplicate drill id 'blind-gap"),
        ("first_day: 31", "first_day: 32", r"phases\[1\].first_day: phase starts on day 32"),
        ("last_day: 90", "last_day: 50", r"phases\[2\].last_day: last_day 50 is before"),
        ("day: friday", "day: fryday", r"weekly\[5\].day: 'fryday' is not one of"),
        ("  system:\n", "  systems:\n", r"gaps.systems: unknown field"),
        ("    day: monday", "    yes: monday", r"key 'yes': YAML 1.1 reads this key as bool"),
    ],
)
def test_library_problems_are_located(tmp_path: Path, old: str, new: str, message: str) -> None:
    """Each kind of mistake in interventions.yaml is reported with file, line and a hint."""
    file = tmp_path / "interventions.yaml"
    file.write_text(_library_with(old, new))
    with pytest.raises(RuleFileError, match=message) as caught:
        load_interventions(file)
    assert f"{file.resolve()}:" in str(caught.value)


def test_missing_library_file_is_reported(tmp_path: Path) -> None:
    """Loading a library that does not exist says so, naming the file."""
    with pytest.raises(RuleFileError, match="no such file"):
        load_interventions(tmp_path / "nope.yaml")


def test_edits_to_a_library_are_picked_up(tmp_path: Path) -> None:
    """The cache is keyed by size and mtime, so an edited file is read again."""
    file = tmp_path / "interventions.yaml"
    shutil.copy(default_rules_dir() / "interventions.yaml", file)
    assert load_interventions(file).drill("blind-gap-check").minutes == 5
    file.write_text(_library_with("minutes: 5\n", "minutes: 7\n"))
    assert load_interventions(file).drill("blind-gap-check").minutes == 7


def test_indicator_targets_follow_team_overrides() -> None:
    """An indicator naming a target reads the team's value; a number stays as written."""
    named = Indicator(metric="calls.rubric_score", target="target.rubric_score", better="higher")
    fixed = Indicator(metric="ownership.deflections_per_one_on_one", target=1, better="lower")
    assert named.target_value(Targets(rubric_score=4.0)) == 4.0
    assert fixed.target_value(Targets()) == 1.0
    assert fixed.is_met(0.5, Targets())
    assert not fixed.is_met(2.0, Targets())
    assert named.is_met(4.0, Targets(rubric_score=4.0))


@pytest.mark.parametrize(("better", "floor"), [("higher", 0.4), ("higher", 0.3), ("lower", 0.2)])
def test_an_indicator_floor_on_the_better_side_of_its_target_is_refused(
    better: str, floor: float
) -> None:
    """A floor is where evidence starts, short of the aim: past the target it means nothing."""
    side = "under" if better == "higher" else "over"
    with pytest.raises(ValidationError, match=f"floor {floor} of .*: expected {side} its target"):
        Indicator.model_validate(
            {
                "metric": "ownership.self_sourced_pipeline_share",
                "target": 0.3,
                "better": better,
                "floor": floor,
            }
        )

"""Every file under tests/data/bad_rules/ fails to load with the message its first line expects."""

from __future__ import annotations

from pathlib import Path

import pytest

from gapdiag import RuleFileError, load_rules

BAD = sorted((Path(__file__).parent / "data" / "bad_rules").glob("*.rules.yaml"))


@pytest.mark.parametrize("path", BAD, ids=[p.name for p in BAD])
def test_bad_rule_file_is_reported(path: Path) -> None:
    """Loading the file raises RuleFileError whose message contains the expected line."""
    expected = path.read_text().splitlines()[0].removeprefix("# expect: ")
    with pytest.raises(RuleFileError) as caught:
        load_rules(path)
    assert caught.value.path == path
    assert expected in str(caught.value).replace(str(path), path.name)


COUNTERS_R1 = (
    "- id: r2\n  gap: will\n  certainty: -0.5\n  counters: [r1]\n"
    "  when: activity.calls_per_day >= 40\n  because: many calls\n"
    "  examples: [{given: {}, fires: unknown}]\n"
)
"""A rule against the will gap that counters r1."""


def test_a_rule_that_fails_to_load_is_one_error_not_also_its_counters(tmp_path: Path) -> None:
    """A misspelt gap in a supporting rule is its own error only: the rule countering it
    does not add "counters 'r1' is not a supporting will rule (did you mean ...?)", which
    sent the author to rename the wrong rule."""
    pack = tmp_path / "p.rules.yaml"
    pack.write_text(
        "- id: r1\n  gap: wil\n  certainty: 0.5\n  when: activity.calls_per_day < 10\n"
        "  because: few calls\n  examples: [{given: {}, fires: unknown}]\n" + COUNTERS_R1
    )
    with pytest.raises(RuleFileError) as caught:
        load_rules(pack)
    assert [p.where for p in caught.value.problems] == ["r1.gap"]


def test_a_rule_file_that_does_not_parse_hides_no_counters_error_of_its_own(
    tmp_path: Path,
) -> None:
    """A YAML syntax error in one file of a pack is its one error: the rules of the other
    files that counter rules of that file are not reported as countering nothing."""
    (tmp_path / "a.rules.yaml").write_text("- id: r1\n  gap: will\n  when: [\n")
    (tmp_path / "b.rules.yaml").write_text(COUNTERS_R1)
    with pytest.raises(RuleFileError) as caught:
        load_rules(tmp_path)
    assert [p.where for p in caught.value.problems] == ["(file)"]
    assert "invalid YAML" in str(caught.value)

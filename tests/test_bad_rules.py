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


@pytest.mark.parametrize(
    ("certainty", "hint"),
    [("-40%", " (write it as a number in [-1, 1]: -0.4)"), ("lots%", ""), ("nan%", "")],
)
def test_a_percentage_for_a_certainty_names_the_number_meant(
    tmp_path: Path, certainty: str, hint: str
) -> None:
    """A certainty written as a percentage says the number in [-1, 1] it stands for; text
    that is no number, before or after the %, gets no guess."""
    pack = tmp_path / "p.rules.yaml"
    pack.write_text(
        f"- id: r1\n  gap: will\n  certainty: '{certainty}'\n  when: activity.calls_per_day < 10\n"
        "  because: few calls\n  examples: [{given: {}, fires: unknown}]\n"
    )
    with pytest.raises(RuleFileError) as caught:
        load_rules(pack)
    assert str(caught.value).endswith(f"r1.certainty: '{certainty}' is not a number{hint}")


def test_a_percentage_for_a_number_without_a_bound_of_one_gets_no_guess() -> None:
    """'50%' where a money amount goes is not guessed at (50% of what?)."""
    from gapdiag import InvalidMetrics
    from gapdiag.model.metrics import parse_metrics

    with pytest.raises(InvalidMetrics) as caught:
        parse_metrics({"rep_id": "a", "pipeline": {"quota": "50%"}})
    assert str(caught.value).endswith("'50%' is not a number")

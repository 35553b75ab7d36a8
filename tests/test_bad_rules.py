"""Every file under tests/data/bad_rules/ fails to load with the message its first line expects."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gapdiag import ExpressionError, RuleFileError, load_rules
from gapdiag.model.metrics import METRICS
from gapdiag.rulebook.expr import parse

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


def _problems(tmp_path: Path, text: str) -> list[tuple[str, int | None, str]]:
    """Load `text` as a rule file; its problems as (where, line, message)."""
    pack = tmp_path / "p.rules.yaml"
    pack.write_text(text)
    with pytest.raises(RuleFileError) as caught:
        load_rules(pack)
    return [(p.where, p.line, p.message) for p in caught.value.problems]


def test_a_rule_with_a_bad_example_still_has_its_condition_checked(tmp_path: Path) -> None:
    """A schema error (`fires: maybe`) does not hide a misspelt metric in `when` or `because`:
    the author sees all three at once, each at its own line, and `maybe` once."""
    found = _problems(
        tmp_path,
        "- id: r1\n  gap: knowledge\n  certainty: 0.5\n"
        "  when: knowledge.product_quiz_score < 0.5 and knowledge.certifed\n"
        "  because: 'score {knowledge.quiz}'\n"
        "  examples:\n    - given: {}\n      fires: maybe\n",
    )
    assert [(where, line) for where, line, _ in found] == [
        ("r1.when", 4),
        ("r1.because", 5),
        ("r1.examples[0].fires", 8),
    ]
    assert "knowledge.certified" in found[0][2]
    assert "'maybe'" in found[2][2]
    assert "true, false or unknown" in found[2][2]


def test_every_unknown_metric_of_a_condition_is_named_with_its_column(tmp_path: Path) -> None:
    """Two misspelt metrics and a dangling `and`: three errors, by column, not the first alone."""
    found = _problems(
        tmp_path,
        "- id: r1\n  gap: will\n  certainty: 0.5\n"
        "  when: activity.calls_per_dya < 3 or activity.emails_per_dya < 5 and\n"
        "  because: few calls\n  examples: [{given: {}, fires: unknown}]\n",
    )
    messages = [message for _, _, message in found]
    assert [where for where, _, _ in found] == ["r1.when"] * 3
    assert messages[0].startswith("column 1: unknown metric 'activity.calls_per_dya'")
    assert messages[1].startswith("column 31: unknown metric 'activity.emails_per_dya'")
    assert (
        messages[2]
        == "column 62: unexpected end of the expression, expected a number, a metric or '('"
    )


def test_a_good_condition_beside_a_misspelt_metric_gets_no_made_up_type_error(
    tmp_path: Path,
) -> None:
    """An unknown name is not typed: `not x.y` or `x.y and ...` adds no 'is a number' error."""
    found = _problems(
        tmp_path,
        "- id: r1\n  gap: will\n  certainty: 0.5\n"
        "  when: not ownership.can_state_gapp and activity.calls_per_day < 3\n"
        "  because: few calls\n  examples: [{given: {}, fires: unknown}]\n",
    )
    assert len(found) == 1
    assert "unknown metric 'ownership.can_state_gapp'" in found[0][2]


@given(
    st.lists(
        st.sampled_from(sorted(p for p in METRICS if not METRICS[p].is_bool)),
        min_size=1,
        max_size=5,
    ),
    st.booleans(),
)
def test_a_condition_names_each_unknown_metric_once_in_order(
    paths: list[str], dangling: bool
) -> None:
    """Whatever metrics are misspelt, each is one error at its own column, in order, and a
    dangling `and` after them is one more; no other error is made up."""
    text = " and ".join(f"{p}zz < 1" for p in paths) + (" and" if dangling else "")
    with pytest.raises(ExpressionError) as caught:
        parse(text)
    found = caught.value.all
    assert [e.reason.split(" (")[0] for e in found[: len(paths)]] == [
        f"unknown metric '{p}zz'" for p in paths
    ]
    assert len(found) == len(paths) + dangling
    columns = [e.column or 0 for e in found]
    assert columns == sorted(columns)
    assert len(set(columns)) == len(columns)

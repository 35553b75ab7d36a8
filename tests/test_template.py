"""Because-texts: placeholders rendered with the rep's values in the right format."""

from __future__ import annotations

import pytest

from gapdiag import ExpressionError
from gapdiag.rulebook.template import format_value, parse_template


def test_renders_names_by_kind() -> None:
    """Fractions show as percentages, money with a sign, counts as plain numbers."""
    text = parse_template(
        "{pipeline.win_rate} win rate, {pipeline.quota} quota, {activity.calls_per_day} calls"
    )
    facts = {"pipeline.win_rate": 0.25, "pipeline.quota": 150000.0, "activity.calls_per_day": 12.0}
    assert text.render(facts) == "25% win rate, $150,000 quota, 12 calls"


def test_expressions_and_explicit_formats() -> None:
    """A placeholder may hold arithmetic and an explicit format."""
    text = parse_template("plan {0.5 * target.calls_per_day}, coverage {derived.coverage:x}")
    assert (
        text.render({"target.calls_per_day": 40.0, "derived.coverage": 2.0})
        == "plan 20, coverage 2.0x"
    )


def test_flags_and_unknown_values() -> None:
    """Flags read yes/no; an unknown value says so rather than showing zero."""
    text = parse_template("certified: {knowledge.certified}; quiz {knowledge.product_quiz_score}")
    assert text.render({"knowledge.certified": True}) == "certified: yes; quiz unknown"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("{activity.calls}", "unknown metric 'activity.calls'"),
        ("{activity.calls_per_day:pc}", "unknown format 'pc'"),
        ("calls } here", "unbalanced '}'"),
        ("{1 < 2}", "expected a number"),
    ],
)
def test_bad_templates(text: str, message: str) -> None:
    """A bad placeholder is a load-time error naming the problem."""
    with pytest.raises(ExpressionError, match=message):
        parse_template(text)


@pytest.mark.parametrize(
    ("value", "fmt", "shown"),
    [
        (0.125, "pct", "12.5%"),
        (-5000.0, "money", "-$5,000"),
        (2.0, "x", "2.0x"),
        (1234.5, "int", "1,234"),
        (0.333333, "num", "0.33"),
    ],
)
def test_formats(value: float, fmt: str, shown: str) -> None:
    """Each named format renders as documented."""
    assert format_value(value, fmt) == shown


def test_unit_format_shows_the_registry_unit() -> None:
    """`:unit` shows one name in its unit, singular where it is one: never '1 hours'."""
    template = parse_template("gets {territory.manager_coaching_hours_per_week:unit} of coaching")
    assert template.render({"territory.manager_coaching_hours_per_week": 1.0}) == (
        "gets 1 hour a week of coaching"
    )
    assert template.render({}) == "gets unknown of coaching"
    assert format_value(2.5, "unit") == "2.5"
    with pytest.raises(ExpressionError, match="one name, not an expression"):
        parse_template("{2 * activity.calls_per_day:unit}")

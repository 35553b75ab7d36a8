"""Because-texts: placeholders rendered with the rep's values in the right format."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gapdiag import ExpressionError, load_rules
from gapdiag.model.labels import show
from gapdiag.rulebook import expr as x
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


def test_only_none_and_one_of_a_plural_read_as_words() -> None:
    """'Only 0%' drops 'only'; '1 meetings a week' reads '1 meeting a week'; others stay."""
    t = parse_template(
        "Only {ownership.plan_submission_rate} on time; {activity.calls_per_day} calls a day "
        "give only {activity.meetings_per_week} meetings a week, commonly {activity.emails_per_day}"
    )
    facts = {
        "ownership.plan_submission_rate": 0.0,
        "activity.calls_per_day": 1.0,
        "activity.meetings_per_week": 1.0,
        "activity.emails_per_day": 0.0,
    }
    assert t.render(facts) == "0% on time; 1 call a day give only 1 meeting a week, commonly 0"
    facts |= {"ownership.plan_submission_rate": 0.25, "activity.meetings_per_week": 0.0}
    assert t.render(facts) == "Only 25% on time; 1 call a day give 0 meetings a week, commonly 0"
    facts |= {"activity.calls_per_day": 12.0, "activity.meetings_per_week": 2.5}
    assert t.render(facts) == (
        "Only 25% on time; 12 calls a day give only 2.5 meetings a week, commonly 0"
    )


@settings(max_examples=200, deadline=None)
@given(
    st.sampled_from([0.0, 1.0, 0.004, 1.004, 2.0, 0.5, 37.25]),
    st.sampled_from([0.0, 0.001, 0.2, 1.0]),
)
def test_the_shipped_because_texts_never_say_only_none_or_one_plural(
    count: float, share: float
) -> None:
    """Over every because-text of the default pack, for counts and shares around 0 and 1."""
    for rule in PACK.compiled:
        names = {
            n
            for part in rule.because.parts
            if not isinstance(part, str) and part.node
            for n in x.names_in(part.node)
        }
        shares = ("rate", "ratio", "share", "score")
        facts = {n: share if any(s in n for s in shares) else count for n in names}
        text = rule.because.render(facts)
        assert not re.search(r"\b[Oo]nly -?\$?0(?:\.0+)?(?:%|x)?(?![\d.])", text), text
        plural = r"(?<![\d.,])\b1 (calls|meetings|emails|days|minutes|seconds|times)\b"
        assert not re.search(plural, text), text


PACK = load_rules()


@settings(max_examples=100, deadline=None)
@given(st.sampled_from([4.96, 0.45, 2.449, 12.0, 1.04, 37.25, 149.6, 0.9996, 0.0004]))
def test_a_slot_shows_a_value_as_the_check_beside_it_does(value: float) -> None:
    """'4.96 questions per discovery call' beside the check's 'discovery questions a call: 5'
    read as two numbers: a slot naming one value of a counted or scored unit shows it at
    that unit's precision, the number `show` gives (and the check uses); a share shows as
    `show` does too (99.96%, never a '100%' that is not all)."""
    seen = 0
    for rule in PACK.compiled:
        for part in rule.because.parts:
            if isinstance(part, str) or not isinstance(part.node, x.Name):
                continue
            if part.fmt not in ("num", "pct"):
                continue
            path = part.node.path
            shown = show(path, value)
            if not shown[:1].isdigit():
                continue
            said = part.show({path: value})
            assert shown == said or shown.startswith(f"{said} "), (rule.id, said, shown)
            seen += 1
    assert seen > 10
    text = parse_template("{calls.discovery_questions_per_call} questions per discovery call")
    assert text.render({"calls.discovery_questions_per_call": 4.96}) == (
        "5 questions per discovery call"
    )

"""The condition language: what parses, what does not, and how errors point at the problem."""

from __future__ import annotations

import contextlib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gapdiag import ExpressionError
from gapdiag.rulebook import expr as x


def error_of(text: str, want: x.Type = "bool") -> ExpressionError:
    """The error parsing `text` raises."""
    with pytest.raises(ExpressionError) as caught:
        x.parse(text, want=want)
    return caught.value


def test_parses_the_design_example() -> None:
    """The rule from DESIGN.md parses into an And of two comparisons."""
    node = x.parse(
        "activity.calls_per_day < 0.5 * target.calls_per_day"
        " and territory.lead_volume_vs_team >= 0.8"
    )
    assert isinstance(node, x.And)
    assert [type(i) for i in node.items] == [x.Compare, x.Compare]


def test_chained_comparison_becomes_a_conjunction() -> None:
    """`a <= b <= c` means `a <= b and b <= c`."""
    node = x.parse("0.35 <= calls.talk_ratio <= 0.5")
    assert isinstance(node, x.And)
    assert [c.op for c in node.items if isinstance(c, x.Compare)] == ["<=", "<="]


def test_precedence() -> None:
    """`*` binds tighter than `+`, `and` tighter than `or`, `not` tighter than `and`."""
    node = x.parse("1 + 2 * 3 > 6 or not knowledge.certified and 1 < 2")
    assert isinstance(node, x.Or)
    left, right = node.items
    assert isinstance(left, x.Compare)
    assert isinstance(left.left, x.BinOp)
    assert left.left.op == "+"
    assert isinstance(right, x.And)
    assert isinstance(right.items[0], x.Not)


@pytest.mark.parametrize(
    ("text", "column", "message"),
    [
        (
            "activity.call_per_day < 3",
            1,
            "unknown metric 'activity.call_per_day' (did you mean 'activity.calls_per_day'?)",
        ),
        ("activity.calls_per_day = 3", 24, "unexpected character '=' (did you mean '=='?)"),
        ("activity.calls_per_day < 3 && 1 < 2", 28, "did you mean 'and'?"),
        ("activity.calls_per_day < 3 and", 31, "unexpected end of the expression"),
        ("activity.calls_per_day", 1, "is a number, expected a condition"),
        ("knowledge.certified + 1 > 0", 1, "is a condition, expected a number"),
        ("(1 < 2) < 3", 1, "is a condition, expected a number"),
        ("pow(2, 3) > 1", 1, "unknown function 'pow'"),
        ("min(activity.calls_per_day) < 3", 1, "min() takes at least 2 arguments, got 1"),
        ("abs(1, 2) < 3", 1, "abs() takes 1 argument, got 2"),
        ("(1 < 2", 7, "expected ')'"),
        ("1 < 2 )", 7, "unexpected ')'"),
        ("__import__('os') > 1", 12, "unexpected character"),
        ("   ", 1, "empty expression"),
        ("activity.calls_per_day < 1e999", 26, "number 1e999 is too large"),
    ],
)
def test_errors_name_the_column_and_the_expectation(text: str, column: int, message: str) -> None:
    """Parse and type errors carry the 1-based column and say what was expected."""
    error = error_of(text)
    assert error.column == column
    assert message in str(error)


def test_names_in_lists_each_name_once() -> None:
    """names_in returns every name read, in order, without repeats."""
    node = x.parse("activity.calls_per_day < target.calls_per_day and activity.calls_per_day > 1")
    assert x.names_in(node) == ("activity.calls_per_day", "target.calls_per_day")


def test_numbers_as_the_only_wanted_type() -> None:
    """want='number' accepts arithmetic and rejects conditions."""
    assert isinstance(x.parse("2 * -activity.calls_per_day", want="number"), x.BinOp)
    assert "expected a number" in str(error_of("1 < 2", want="number"))


@given(st.text(max_size=60))
def test_arbitrary_text_raises_only_expression_error(text: str) -> None:
    """On any text the parser either returns a node or raises ExpressionError, nothing else."""
    with contextlib.suppress(ExpressionError):
        x.parse(text)


_PIECES = st.sampled_from(
    [
        "activity.calls_per_day",
        "target.calls_per_day",
        "knowledge.certified",
        "1",
        "0.5",
        "(",
        ")",
        "<",
        "<=",
        "==",
        "+",
        "-",
        "*",
        "/",
        "and",
        "or",
        "not",
        "min",
        "abs",
        ",",
        "derived.coverage",
    ]
)


@given(st.lists(_PIECES, max_size=12).map(" ".join))
def test_token_soup_raises_only_expression_error(text: str) -> None:
    """Sequences of valid tokens in any order never crash the parser."""
    with contextlib.suppress(ExpressionError):
        x.parse(text)

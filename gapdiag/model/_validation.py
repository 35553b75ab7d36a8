"""Turn pydantic's validation errors into Problems naming field, value and expectation."""

from __future__ import annotations

import calendar
import datetime as dt
import json
import math
import re
from collections.abc import Callable, Iterator
from types import UnionType
from typing import Annotated, Any, Union, get_args, get_origin

from pydantic import BaseModel, ValidationError

from gapdiag.model._kinds import Kind, kind_of
from gapdiag.model._suggest import did_you_mean
from gapdiag.model.errors import Problem

_MESSAGES = {
    "float_type": "{value} is not a number",
    "float_parsing": "{value} is not a number",
    "int_type": "{value} is not a whole number",
    "bool_type": "{value} is not true or false",
    "string_type": "{value} is not a text string",
    "string_too_short": "{value} is empty; a non-empty text is required",
    "date_type": "{value} is not a date (expected YYYY-MM-DD)",
    "date_from_datetime_parsing": "{value} is not a date (expected YYYY-MM-DD)",
    "date_parsing": "{value} is not a date (expected YYYY-MM-DD)",
    "missing": "is required but missing",
    "dict_type": "{value} is not a mapping of fields",
    "model_type": "{value} is not a mapping of fields",
    "model_attributes_type": "{value} is not a mapping of fields",
    "tuple_type": "{value} is not a list",
    "list_type": "{value} is not a list",
}


_BOUNDS = {
    "greater_than_equal": (">=", "ge"),
    "less_than_equal": ("<=", "le"),
    "greater_than": (">", "gt"),
    "less_than": ("<", "lt"),
}


SHOWN = 80
"""Characters of a user's value shown in a message; the rest is cut (a value may be huge)."""


def show_value(value: Any) -> str:
    """Render a user's value the way they wrote it (JSON-like, cut to SHOWN chars), for messages."""
    if isinstance(value, str):
        text = repr(value[: SHOWN + 1])
    else:
        try:
            text = json.dumps(value, default=str, allow_nan=True)
        except (TypeError, ValueError, RecursionError):
            text = repr(value)
    return text if len(text) <= SHOWN else text[: SHOWN - 1] + "…"


_ISO_SHAPE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")


def date_problem(value: Any) -> str | None:
    """Why `value` is no YYYY-MM-DD date, in a person's words: for a day its month does not
    have, the month's length; else the format expected. None for a real date."""
    shown = show_value(value)
    match = _ISO_SHAPE.fullmatch(value.strip()) if isinstance(value, str) else None
    if match is None:
        return f"{shown} is not a date (expected YYYY-MM-DD)"
    year, month, day = (int(part) for part in match.groups())
    if not 1 <= month <= 12:
        return f"{shown} is not a date: there is no month {month}"
    if year < dt.MINYEAR:
        return f"{shown} is not a date (expected a year from 0001)"
    last = calendar.monthrange(year, month)[1]
    if 1 <= day <= last:
        return None
    name = dt.date(year, month, 1).strftime("%B")
    return f"{shown} is not a date: {name} {year} has {last} days"


def dotted(loc: tuple[int | str, ...]) -> str:
    """Join a pydantic error location into 'group.field[0].name' form."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out or "(top)"


LineOf = Callable[[tuple[int | str, ...]], int | None]


def problems_from(
    error: ValidationError, model: type[BaseModel], *, line_of: LineOf | None = None
) -> Iterator[Problem]:
    """Yield one Problem per pydantic error, in pydantic's order, located by `line_of`.

    Unknown fields of one mapping are one Problem naming them all, at the first one's
    place: a rep file passed as targets has a dozen, and a line each, every line repeating
    the same list of expected names, buried what was wrong (the wrong kind of file).
    """
    items = error.errors(include_url=False)
    unknown: dict[tuple[int | str, ...], list[tuple[int | str, ...]]] = {}
    for item in items:
        if item["type"] == "extra_forbidden":
            loc = _without_union_tags(model, item["loc"])
            unknown.setdefault(loc[:-1], []).append(loc)
    for item in items:
        loc = _without_union_tags(model, item["loc"])
        if item["type"] == "too_short" and _has_deeper(items, item["loc"]):
            continue  # the items themselves failed; their own errors say why
        line = line_of(item["loc"]) if line_of is not None else None
        group = unknown.get(loc[:-1], []) if item["type"] == "extra_forbidden" else []
        if len(group) > 1:
            if loc == group[0]:
                names = ", ".join(dotted(each) for each in group)
                yield Problem(names, _unknown_fields(model, group), line)
            continue
        yield Problem(dotted(loc), _message(item, model, loc), line)


def _unknown_fields(model: type[BaseModel], group: list[tuple[int | str, ...]]) -> str:
    """'unknown fields (did you mean 'x' for y?); expected one of: ...' for one mapping."""
    owner = _model_at(model, group[0][:-1])
    fields = list(owner.model_fields) if owner is not None else []
    guesses = []
    for loc in group:
        hint = did_you_mean(str(loc[-1]), fields)
        if hint:
            guesses.append(
                f"{hint.removeprefix(' (did you mean ').removesuffix('?)')} for {loc[-1]}"
            )
    hint = f" (did you mean {', '.join(guesses)}?)" if guesses else ""
    return f"unknown fields{hint}; expected one of: {', '.join(fields)}"


def _has_deeper(items: list[Any], loc: tuple[int | str, ...]) -> bool:
    return any(len(i["loc"]) > len(loc) and i["loc"][: len(loc)] == loc for i in items)


def _without_union_tags(
    model: type[BaseModel], loc: tuple[int | str, ...]
) -> tuple[int | str, ...]:
    """Drop the union members pydantic inserts into a location ('float', 'function-after[..]').

    Only a part that follows a union-typed field is a member name: a user's own key named
    ``float`` or ``a[b]`` stays in the location (it is the unknown key being reported).
    """
    out: list[int | str] = []
    annotation: Any = model
    for part in loc:
        members = _union_members(annotation)
        if members and isinstance(part, str) and _looks_like_tag(part):
            annotation = next((m for m in members if _model_in(m) is not None), None)
            continue
        out.append(part)
        annotation = _step(annotation, part)
    return tuple(out)


def _looks_like_tag(part: str) -> bool:
    return part in {"float", "bool", "str", "int", "none", "date"} or "[" in part


def _union_members(annotation: Any) -> tuple[Any, ...]:
    """The members of a union of two or more non-None types, else ()."""
    members = _non_none(annotation)
    return members if _is_union(annotation) and len(members) > 1 else ()


def _is_union(annotation: Any) -> bool:
    return get_origin(annotation) in (Union, UnionType)


def _non_none(annotation: Any) -> tuple[Any, ...]:
    return tuple(a for a in get_args(annotation) if a is not type(None))


def _step(annotation: Any, part: int | str) -> Any:
    """The annotation one location part further in, or None when it cannot be told."""
    annotation = _unwrap(annotation)
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        field = annotation.model_fields.get(str(part))
        return field.annotation if field is not None else None
    args = get_args(annotation)
    if isinstance(part, int) and args:
        return args[0]
    return None


def _unwrap(annotation: Any) -> Any:
    """X for ``Annotated[X, ...]`` and for ``X | None``; anything else as it is."""
    if get_origin(annotation) is Annotated:
        annotation = get_args(annotation)[0]
    members = _non_none(annotation)
    return members[0] if _is_union(annotation) and len(members) == 1 else annotation


def _message(item: Any, model: type[BaseModel], loc: tuple[int | str, ...]) -> str:
    kind = item["type"]
    value = item.get("input")
    if kind == "extra_forbidden":
        owner = _model_at(model, loc[:-1])
        fields = list(owner.model_fields) if owner is not None else []
        hint = did_you_mean(str(loc[-1]), fields)
        return f"unknown field{hint}; expected one of: {', '.join(fields)}"
    ctx = item.get("ctx") or {}
    if kind in _RANGE_ERRORS:
        field_kind = _kind_at(model, loc)
        if field_kind is not None:
            return field_kind.problem(value)
    if kind in _BOUNDS:
        symbol, key = _BOUNDS[kind]
        return f"{show_value(value)} is not {symbol} {ctx.get(key)}"
    if kind == "literal_error":
        expected = str(ctx.get("expected", "")).replace("'", "")
        hint = did_you_mean(str(value), expected.replace(" or ", ", ").split(", "))
        return f"{show_value(value)} is not one of: {expected}{hint}"
    if kind == "too_short":
        least = ctx.get("min_length")
        return f"needs at least {least} item{'' if least == 1 else 's'}"
    if kind == "string_pattern_mismatch":
        return f"{show_value(value)} does not match the pattern {ctx.get('pattern')}"
    if kind == "value_error":
        # Our own model checks already name the values and the expectation.
        return str(item["msg"]).removeprefix("Value error, ")
    if kind not in _MESSAGES:
        return f"{show_value(value)}: {item['msg']}"
    if kind.startswith("date_") and (problem := date_problem(value)) is not None:
        return problem
    fraction = getattr(_kind_at(model, loc), "name", None) == "fraction"
    hint = _number_hint(kind, value, fraction)
    if not hint and kind == "float_parsing" and str(value).strip().endswith("%"):
        hint = _unit_range_hint(model, loc, str(value))
    return _MESSAGES[kind].format(value=show_value(value)) + hint


def _unit_range_hint(model: type[BaseModel], loc: tuple[int | str, ...], value: str) -> str:
    """'80%' for a field bounded by 1 (a rule's certainty, in [-1, 1]): the number meant."""
    owner = _model_at(model, loc[:-1])
    field = owner.model_fields.get(str(loc[-1])) if owner is not None and loc else None
    metadata = getattr(field, "metadata", ())
    bounds = {k: getattr(m, k) for m in metadata for k in ("ge", "le") if hasattr(m, k)}
    try:
        number = float(value.strip().removesuffix("%")) / 100
    except ValueError:
        return ""
    if bounds.get("le") != 1 or "ge" not in bounds or not math.isfinite(number):
        return ""
    return f" (write it as a number in [{bounds['ge']:g}, 1]: {number:g})"


def _number_hint(kind: str, value: Any, fraction: bool) -> str:
    """How to write a number typed the way a spreadsheet shows it ('25%', '$150,000')."""
    if kind not in ("float_type", "float_parsing") or not isinstance(value, str):
        return ""
    text = value.strip()
    plain = text.removesuffix("%").lstrip("$€£").replace(",", "").strip()
    try:
        number = float(plain)
    except ValueError:
        return ""
    if not math.isfinite(number):  # 'nan', 'inf': no number was meant
        return ""
    if text.endswith("%"):
        return f" (write the share as a fraction: {number / 100:g})" if fraction else ""
    if plain != text:
        return f" (write it as a plain number: {number:g})"
    return f" (a number in quotes: write it without them, {number:g})"


_RANGE_ERRORS = frozenset(
    {"greater_than_equal", "less_than_equal", "finite_number", "greater_than", "less_than"}
)


def _kind_at(model: type[BaseModel], loc: tuple[int | str, ...]) -> Kind | None:
    owner = _model_at(model, loc[:-1])
    field = owner.model_fields.get(str(loc[-1])) if owner is not None and loc else None
    return kind_of(field.metadata) if field is not None else None


def _model_at(model: type[BaseModel], loc: tuple[int | str, ...]) -> type[BaseModel] | None:
    current: type[BaseModel] | None = model
    for part in loc:
        if current is None or isinstance(part, int):
            continue
        field = current.model_fields.get(str(part))
        current = _model_in(field.annotation) if field is not None else None
    return current


def _model_in(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in getattr(annotation, "__args__", ()):
        found = _model_in(arg)
        if found is not None:
            return found
    return None

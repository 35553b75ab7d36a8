"""One rule: its YAML shape, its examples, and its compiled form (condition, atoms, text).

``compile_rule`` parses and type-checks a validated rule's condition and because-text;
a failure names the field (``when`` or ``because``) so the loader can give its line.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator

from gapdiag.model._suggest import did_you_mean
from gapdiag.model._validation import show_value
from gapdiag.model.derived import DERIVED, inputs_of
from gapdiag.model.errors import ExpressionError
from gapdiag.model.gaps import Gap
from gapdiag.model.metrics import METRICS
from gapdiag.rulebook import compiler, expr
from gapdiag.rulebook._given import Given
from gapdiag.rulebook.template import Template, parse_template


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)


class Example(Given):
    """A rep (partial metrics) and whether the rule fires on it: true, false or unknown."""

    fires: bool | Literal["unknown"]

    @field_validator("fires", mode="before")
    @classmethod
    def _true_false_or_unknown(cls, value: Any) -> Any:
        """One error for anything else, not one per member of the union."""
        if isinstance(value, bool) or value == "unknown":
            return value
        raise ValueError(f"{show_value(value)} is not true, false or unknown")


class Rule(_Frozen):
    """One declarative rule: when its condition holds, it is evidence for (or against) a gap."""

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$", max_length=80)
    gap: Gap
    certainty: float = Field(ge=-1.0, le=1.0, allow_inf_nan=False)
    when: str = Field(min_length=1)
    because: str = Field(min_length=1)
    intervention: str | None = None
    drill: str | None = Field(None, description="Id of a drill in the pack's interventions.yaml.")
    counters: tuple[str, ...] = Field(
        (),
        description=(
            "Counter-evidence only: ids of the supporting rules of the same gap it contradicts. "
            "It then weighs against those rules alone; empty: against the gap as a whole."
        ),
    )
    distorts: tuple[str, ...] = Field(
        (),
        description=(
            "System rules only: metrics or derived quantities this fault distorts. While the "
            "system gap is confirmed or suspected, no goal is set for the rep on them."
        ),
    )
    examples: tuple[Example, ...] = Field(min_length=1)

    @field_validator("distorts")
    @classmethod
    def _distorts_known_metrics(
        cls, value: tuple[str, ...], info: ValidationInfo
    ) -> tuple[str, ...]:
        if value and info.data.get("gap") != "system":
            raise ValueError("distorts is for system rules: the faults that skew a rep's numbers")
        names = (*METRICS, *(f"derived.{name}" for name in DERIVED))
        for name in value:
            if name not in names:
                raise ValueError(f"unknown metric {name!r}{did_you_mean(name, names)}")
        return value

    @field_validator("certainty")
    @classmethod
    def _not_zero(cls, value: float) -> float:
        if value == 0:
            raise ValueError("certainty 0 carries no evidence; use a value in [-1, 0) or (0, 1]")
        return value

    @field_validator("counters")
    @classmethod
    def _counters_on_counter_evidence(
        cls, value: tuple[str, ...], info: ValidationInfo
    ) -> tuple[str, ...]:
        certainty = info.data.get("certainty")
        if value and isinstance(certainty, float) and certainty > 0:
            raise ValueError("counters is for counter-evidence: give it a negative certainty")
        return value


class PackInfo(_Frozen):
    """The ``pack.yaml`` of a rule pack."""

    name: str = Field(min_length=1)
    version: str = Field(min_length=1)
    description: str | None = None


@dataclass(frozen=True, slots=True)
class CompiledRule:
    """A rule with its condition and because-text compiled, ready to evaluate."""

    rule: Rule
    condition: expr.Node
    test: compiler.BoolFn
    atoms: tuple[compiler.Atom, ...]
    because: Template
    needs: tuple[str, ...]
    id: str
    gap: Gap
    certainty: float
    counters: tuple[str, ...] = ()
    reads: tuple[str, ...] = ()
    """Every fact the condition and the because-text read: all a fired rule's evidence
    depends on, with the rep's weak metrics."""
    decided: dict[tuple[bool | None, ...], tuple[int, ...] | None] = field(
        default_factory=dict, compare=False, repr=False
    )
    """The deciding atoms per pattern of results, filled as reps are explained (walk.deciding)."""

    def __reduce__(self) -> tuple[Any, ...]:
        """Pickle the rule and its parsed condition; unpickling builds the closures again."""
        return _closures, (self.rule, self.condition, self.because, self.needs)


@dataclass(frozen=True, slots=True)
class Origin:
    """Where a rule is written: its file, the line of its id, of its condition, of each example."""

    file: Path
    line: int | None
    when_line: int | None
    example_lines: tuple[int | None, ...]

    def at(self, line: int | None) -> str:
        """``file:line`` for messages (the file alone when the line is unknown)."""
        return f"{self.file}:{line}" if line is not None else str(self.file)


class FieldError(Exception):
    """Rule fields (`when`, `because`) that do not parse or type-check: every error of each."""

    def __init__(self, errors: list[tuple[str, ExpressionError]]) -> None:
        self.errors = errors


def field_errors(when: Any, because: Any) -> list[tuple[str, ExpressionError]]:
    """Every error of a condition and a because-text, each with its field (a field that is
    no text is left to the schema's check)."""
    found: list[tuple[str, ExpressionError]] = []
    for name, text, read in (("when", when, expr.parse), ("because", because, parse_template)):
        if not isinstance(text, str) or not text:
            continue
        try:
            read(text)
        except ExpressionError as error:
            found.extend((name, e) for e in error.all)
    return found


def compile_rule(rule: Rule) -> CompiledRule:
    """Parse, type-check and compile one validated rule, naming the field of each error."""
    try:
        node = expr.parse(rule.when)
        because = parse_template(rule.because)
    except ExpressionError:
        raise FieldError(field_errors(rule.when, rule.because)) from None
    needs = tuple(dict.fromkeys(m for name in expr.names_in(node) for m in inputs_of(name)))
    return _closures(rule, node, because, needs)


def _closures(
    rule: Rule, node: expr.Node, because: Template, needs: tuple[str, ...]
) -> CompiledRule:
    """A compiled rule from its parsed parts: the condition's closures and atoms built."""
    return CompiledRule(
        rule,
        node,
        compiler.condition(node),
        compiler.atoms(node, rule.when),
        because,
        needs,
        rule.id,
        rule.gap,
        rule.certainty,
        rule.counters,
        tuple(dict.fromkeys([*expr.names_in(node), *because.reads])),
    )

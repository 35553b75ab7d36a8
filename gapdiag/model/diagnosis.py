"""The result of a diagnosis: frozen, ordered, serializable, and able to explain itself."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any, Literal, Protocol

from pydantic import Field

from gapdiag.model._result import PART_RENDERERS, Deferred
from gapdiag.model._result import Result as _Result
from gapdiag.model._suggest import did_you_mean
from gapdiag.model.errors import InvalidArgument
from gapdiag.model.gaps import GAPS, Gap, Status
from gapdiag.model.standing import Standing

Engine = Literal["compiled", "durable"]
Outcome = Literal["gap", "no_gap_found", "undetermined"]
"""What a diagnosis found: a gap, no gap (judged, nothing wrong), or not enough data."""


# The notebook room renders diagnoses; it registers its renderers here when imported (and
# importing any part of gapdiag imports it), so the model never imports an outer room.
_RENDERERS: dict[str, Callable[..., str]] = {}


def register_renderer(name: Literal["explain", "html"], render: Callable[..., str]) -> None:
    """Let an outer room render diagnoses: `explain` (text/Markdown) or `html`."""
    _RENDERERS[name] = render


def register_part_renderer(html: Callable[[Any], str], text: Callable[[Any], str]) -> None:
    """Let an outer room show any part of a diagnosis as HTML and as a line of text (repr)."""
    PART_RENDERERS["html"] = html
    PART_RENDERERS["text"] = text


class Check(_Result):
    """One comparison of a rule's condition on this rep: observed value against threshold."""

    text: str = Field(description="The comparison as written in the rule.")
    observed: str = Field(description="What was measured (a metric or derived quantity).")
    op: str | None = Field(description="The comparison operator; None for a true/false metric.")
    threshold: str | None = Field(description="What it was compared with, as written.")
    observed_value: float | bool | None
    threshold_value: float | None
    result: bool | None = Field(description="True, False, or None when data was missing.")
    distance: float | None = Field(description="observed - threshold; how far from flipping.")


class RuleTrace(_Result):
    """One rule's outcome on one rep, fired or not, with every comparison it made."""

    rule: str
    gap: Gap
    certainty: float
    outcome: bool | None = Field(description="Fired (true), did not (false), or left open (null).")
    checks: tuple[Check, ...]


class Evidence(Deferred):
    """A rule that fired, with its because-text filled in with the rep's own numbers."""

    # diagnose fills in the because-text and the comparisons when they are first read (or
    # the diagnosis is serialized, compared or printed): see Deferred

    rule: str
    certainty: float
    because: str
    intervention: str | None = None
    checks: tuple[Check, ...] = ()
    thin: tuple[str, ...] = Field(
        default=(),
        description="Counted metrics it reads that rest on too few observations to confirm "
        "anything (see gapdiag.model.basis).",
    )
    proxies: tuple[str, ...] = Field(
        default=(), description="Metrics it reads that are proxies, estimated not measured."
    )


class Sample(_Result):
    """A counted metric with too few observations behind it: set aside, or thin."""

    metric: str
    value: float | bool = Field(description="The value given.")
    count_metric: str = Field(description="The count behind it (pipeline.closed_deals).")
    count: float
    minimum: int = Field(description="The fewest observations from which the rules read it.")
    solid: int = Field(description="The fewest from which it can confirm a verdict.")


class Watch(_Result):
    """Something to watch in a rep who is not behind: it may put the next period at risk."""

    gap: Gap | None = Field(description="The gap its rule speaks to; None for pipeline cover.")
    rule: str | None = Field(description="The rule that raised it; None for pipeline cover.")
    text: str = Field(description="What was seen, with the rep's own numbers.")


class Undetermined(_Result):
    """A rule that missing data left open, and the metrics that would decide it."""

    rule: str
    gap: Gap
    certainty: float
    needs: tuple[str, ...] = Field(description="Absent metrics; empty if a value was undefined.")


class Verdict(Deferred):
    """The verdict on one gap: confidence, status and the evidence behind them."""

    # diagnose lists the evidence when it is first read (see Deferred)

    gap: Gap
    confidence: float = Field(ge=0.0, le=1.0)
    certainty: float = Field(ge=-1.0, le=1.0, description="Signed combined certainty factor.")
    status: Status
    evidence: tuple[Evidence, ...] = ()
    counter_evidence: tuple[Evidence, ...] = ()
    undetermined: tuple[str, ...] = Field(default=(), description="Ids of open rules.")
    blocks_pip: bool = Field(
        default=False,
        description="A system gap confirmed or suspected on measured evidence: no PIP may be "
        "recommended. A system gap resting on a proxy alone does not block one, but holds any "
        "PIP review until the proxy is checked.",
    )
    capped_by: Literal["thin", "proxy", "standing"] | None = Field(
        default=None,
        description="Why the status is below what the confidence alone gives: evidence that "
        "rests on too few observations (thin) or on a proxy cannot confirm; a rep who is not "
        "behind has no gap to explain (unlikely), and one whose standing is unknown no "
        "confirmed one (standing).",
    )

    def fired_rules(self) -> tuple[str, ...]:
        """Ids of the rules that fired on this gap: evidence, then counter-evidence.

        Read without listing the evidence where it is not listed yet (see Deferred).
        """
        if "evidence" not in self.__dict__:
            listed = getattr(self._pending(), "rule_ids", None)
            if listed is not None:
                return tuple(listed())
        return tuple(e.rule for e in (*self.evidence, *self.counter_evidence))


class RulebookStamp(_Result):
    """Which rule pack produced a diagnosis."""

    name: str
    version: str
    content_hash: str


class CounterfactualChange(_Result):
    """One metric of a counterfactual: its value now and the value the change sets."""

    metric: str
    observed: float | bool = Field(description="The metric's value in this diagnosis.")
    value: float | bool = Field(description="The value the change sets.")
    boundary: float | bool = Field(
        description="Where the rule stops firing: `value` itself, or (strict) the edge just past."
    )
    strict: bool = Field(description="True when the rule still fires at the boundary itself.")


class Counterfactual(_Result):
    """Changes the verdict's owner can make that change its status, verified by re-diagnosing.

    The rep's levers are searched for a will, skill or knowledge verdict; the
    organization's (and the manager's coaching time) for a system verdict.
    """

    gap: Gap
    owner: Literal["rep", "organization"] = Field(
        description="Whose levers these are: the rep's, or the organization's (system)."
    )
    changes: tuple[CounterfactualChange, ...] = Field(
        description="Every metric changed, together; one entry for a single change."
    )
    rules: tuple[str, ...] = Field(description="The firing rules the changes stop.")
    status_before: Status
    status_after: Status = Field(description="The gap's status after, always different.")
    confidence_after: float = Field(ge=0.0, le=1.0, description="The gap's confidence after.")


class TreeStep(Deferred):
    """One question of the decision tree on this rep: what it read and how it was answered."""

    # diagnose traces the comparisons when they are first read (see Deferred)

    node: str
    question: str
    condition: str
    answer: bool | None = Field(description="True (then), False (else) or None (unknown).")
    branch: Literal["then", "else", "unknown"] | None = Field(
        description="The branch taken; None where missing data stopped the walk here."
    )
    checks: tuple[Check, ...] = ()


class TreeLeaf(_Result):
    """Where the decision tree's walk ended: a gap (or no gap found) and why."""

    id: str
    gap: Gap | None = Field(description="The gap this leaf names; None means no gap found.")
    reason: str


class TreeStop(_Result):
    """A walk that missing data stopped before any leaf: what to collect, what is possible."""

    node: str
    needs: tuple[str, ...] = Field(description="Absent metrics that would answer the question.")
    possible: tuple[TreeLeaf, ...] = Field(description="Leaves still reachable from here.")


class Figure(_Result):
    """One derived number the diagnosis worked out (pipeline math, activity against plan)."""

    name: str = Field(description="A derived.* path, e.g. derived.gap_to_goal.")
    value: float


class Diagnosis(Deferred):
    """Why one rep is behind: a verdict per gap, the evidence, and what data is missing."""

    # diagnose works out the standing, the verdicts and the answer at once, and what
    # explains them (open rules, the tree's walk, figures, watch notes) when first read,
    # serialized, compared or printed (see Deferred)

    rep_id: str
    period_start: dt.date | None = None
    period_end: dt.date | None = None
    as_of: dt.date | None = None
    rulebook: RulebookStamp
    engine: Engine
    standing: Standing = Field(
        description="Where the rep stands on the number (ahead, on track, behind, unknown) "
        "and the figures behind it: read first, the gaps explain a rep who is behind."
    )
    primary_gap: Gap | None = Field(
        description="The gap to act on first, for a rep known to be behind; None otherwise."
    )
    leading_gap: Gap | None = Field(
        default=None,
        description="The gap the evidence points to first, whatever the standing: the primary "
        "gap when the rep is behind; for a rep of unknown standing, the gap to act on if they "
        "are behind.",
    )
    outcome: Outcome = Field(
        description="gap (a primary gap is named), no_gap_found (judged, nothing to fix) or "
        "undetermined (not enough data: see undetermined and missing for what to collect)."
    )
    verdicts: tuple[Verdict, ...] = Field(description="One per gap, highest confidence first.")
    undetermined: tuple[Undetermined, ...] = ()
    set_aside: tuple[Sample, ...] = Field(
        default=(), description="Counted metrics read as unknown: too few observations behind them."
    )
    thin: tuple[Sample, ...] = Field(
        default=(),
        description="Counted metrics read, but on too few observations to confirm a verdict.",
    )
    watch: tuple[Watch, ...] = Field(
        default=(),
        description="For a rep ahead or on track: what may put the next period at risk.",
    )
    missing: tuple[str, ...] = Field(default=(), description="Absent metrics the rules read.")
    pip_blocked: bool = Field(
        default=False, description="True while a system gap is confirmed or suspected."
    )
    counterfactuals: tuple[Counterfactual, ...] = Field(
        default=(),
        description="Per confirmed or suspected gap, changes its owner can make that change "
        "its status, each verified (filled by diagnose(..., counterfactuals=True)).",
    )
    tree_path: tuple[TreeStep, ...] = Field(
        default=(), description="The decision tree's questions on this rep, root first."
    )
    tree_leaf: TreeLeaf | None = Field(
        default=None, description="The leaf the walk reached; None if it stopped or no tree."
    )
    tree_stop: TreeStop | None = Field(
        default=None, description="Set when missing data stopped the walk before a leaf."
    )
    tree_agrees: bool | None = Field(
        default=None,
        description="Whether the tree's leaf names the rules' primary gap; None without a leaf.",
    )
    numbers: tuple[Figure, ...] = Field(
        default=(),
        description="Every derived quantity known for this rep (gap to goal, expected yield, "
        "shortfall, coverage, pipeline needed, activity against plan...), whether or not a "
        "rule read it.",
    )

    def verdict(self, gap: Gap) -> Verdict:
        """The verdict on one gap.

        Raises:
            InvalidArgument: `gap` is not one of skill, will, knowledge, system.
        """
        for verdict in self.verdicts:
            if verdict.gap == gap:
                return verdict
        raise InvalidArgument(
            f"gap: {gap!r} is not one of {', '.join(GAPS)}{did_you_mean(str(gap), GAPS)}"
        )

    def figures(self) -> tuple[tuple[str, float], ...]:
        """(path, value) of each derived figure, as `numbers` lists them.

        Read without building the Figure objects where they are not built yet (see Deferred).
        """
        if "numbers" not in self.__dict__:
            pairs = getattr(self._pending(), "figures", None)
            if pairs is not None:
                return pairs()  # type: ignore[no-any-return]
        return tuple([(figure.name, figure.value) for figure in self.numbers])

    @property
    def fired(self) -> tuple[str, ...]:
        """Ids of every rule that fired, evidence and counter-evidence, in verdict order."""
        return tuple(rule for v in self.verdicts for rule in v.fired_rules())

    def to_dict(self) -> dict[str, Any]:
        """This diagnosis as JSON-ready data (the output contract)."""
        return self.model_dump(mode="json")

    def to_json(self, *, indent: int | None = 2) -> str:
        """This diagnosis as a JSON document."""
        return self.model_dump_json(indent=indent)

    @classmethod
    def from_json(cls, text: str | bytes) -> Diagnosis:
        """Read a diagnosis back from `to_json` output."""
        return cls.model_validate_json(text)

    def explain(self, *, fmt: Literal["text", "markdown"] = "text") -> str:
        """A plain-language explanation a manager can read in a 1:1."""
        return _RENDERERS["explain"](self, fmt=fmt)

    def to_text(self) -> str:
        """The explanation as plain text (what `gapdiag diagnose` prints)."""
        return self.explain(fmt="text")

    def to_markdown(self) -> str:
        """The explanation as Markdown."""
        return self.explain(fmt="markdown")

    def _repr_html_(self) -> str:
        """Rich display in notebooks: actions, key numbers, confidence bars, evidence."""
        return _RENDERERS["html"](self)

    def _repr_markdown_(self) -> str:
        """Markdown display in notebooks and Markdown renderers."""
        return self.explain(fmt="markdown")


class Judged(Protocol):
    """What a plan reads of a rep's judgment: the primary gap and each gap's verdict (a
    `Diagnosis`, or a page's lighter stand-in that builds only the verdicts asked for)."""

    @property
    def primary_gap(self) -> Gap | None:
        """The gap to act on first, when the rep is behind."""

    def verdict(self, gap: Gap) -> Verdict:
        """The verdict on one gap."""

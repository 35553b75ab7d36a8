"""Hypothesis strategies: valid rep metrics generated from the model, and small rule packs."""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

from gapdiag.model._kinds import Kind
from gapdiag.model.metrics import GROUPS, METRICS, RepMetrics

# Values that sit on the default pack's thresholds, so boundaries get exercised.
_EDGES = (0.0, 0.2, 0.25, 0.3, 0.35, 0.43, 0.5, 0.7, 0.8, 0.9, 1.0, 2.0, 3.0, 5.0, 9.0, 11.0, 40.0)


def value_of(kind: Kind) -> st.SearchStrategy[Any]:
    """Any valid value of one kind, biased towards threshold edges."""
    if kind.is_bool:
        return st.booleans()
    low = kind.low if kind.low is not None else 0.0
    high = kind.high if kind.high is not None else 1e7
    edges = [e for e in _EDGES if low <= e <= high]
    return st.one_of(
        st.sampled_from(edges) if edges else st.nothing(),
        st.floats(low, high, allow_nan=False, allow_infinity=False),
        st.integers(int(low), min(int(high), 200)).map(float),
    )


def _group(name: str) -> st.SearchStrategy[dict[str, Any] | None]:
    fields = {f: METRICS[f"{name}.{f}"] for f in GROUPS[name].model_fields}
    members = {f: st.one_of(st.none(), value_of(kind)) for f, kind in fields.items()}
    return st.one_of(st.none(), st.fixed_dictionaries({}, optional=members))


@st.composite
def rep_dicts(draw: st.DrawFn) -> dict[str, Any]:
    """A mapping in the RepMetrics shape: any group or field may be absent."""
    data: dict[str, Any] = {"rep_id": draw(st.text(min_size=1, max_size=8))}
    tenure = draw(st.one_of(st.none(), value_of(METRICS["tenure_months"])))
    if tenure is not None:
        data["tenure_months"] = tenure
    for name in GROUPS:
        group = draw(_group(name))
        if group is not None:
            data[name] = group
    return data


def reps() -> st.SearchStrategy[RepMetrics]:
    """Valid RepMetrics, generated from the model's own fields and kinds."""
    return rep_dicts().map(RepMetrics.model_validate)


NUMERIC_METRICS = sorted(p for p, kind in METRICS.items() if not kind.is_bool)
FLAG_METRICS = sorted(p for p, kind in METRICS.items() if kind.is_bool)


@st.composite
def threshold_conditions(
    draw: st.DrawFn,
    max_atoms: int = 3,
    numeric: tuple[str, ...] | None = None,
    flags: tuple[str, ...] | None = None,
) -> str:
    """A random condition joining metric-vs-number comparisons and flags with and/or/not.

    `numeric` and `flags` narrow the metrics drawn from (few metrics: more shared ones).
    """

    def atom() -> str:
        if draw(st.integers(0, 4)) == 0:
            flag = draw(st.sampled_from(flags or FLAG_METRICS))
            return f"not {flag}" if draw(st.booleans()) else flag
        path = draw(st.sampled_from(numeric or NUMERIC_METRICS))
        op = draw(st.sampled_from(["<", "<=", ">", ">=", "==", "!="]))
        limit = draw(value_of(METRICS[path]))
        return f"{path} {op} {limit!r}"

    text = atom()
    for _ in range(draw(st.integers(0, max_atoms - 1))):
        joiner = draw(st.sampled_from(["and", "or"]))
        text = f"({text}) {joiner} {atom()}" if draw(st.booleans()) else f"{text} {joiner} {atom()}"
    return text


@st.composite
def rule_dicts(draw: st.DrawFn, max_rules: int = 6) -> list[dict[str, Any]]:
    """A small random pack of threshold rules (each with one formal example)."""
    count = draw(st.integers(1, max_rules))
    return [
        {
            "id": f"rule-{i}",
            "gap": draw(st.sampled_from(["skill", "will", "knowledge", "system"])),
            "certainty": draw(
                st.floats(-1, 1, allow_nan=False)
                .map(lambda c: round(c, 3))
                .filter(lambda c: c != 0)
            ),
            "when": draw(threshold_conditions()),
            "because": "generated rule",
            "examples": [{"given": {}, "fires": "unknown"}],
        }
        for i in range(count)
    ]


TEAM_METRICS = sorted(p for p in NUMERIC_METRICS if p != "tenure_months")


@st.composite
def team_conditions(draw: st.DrawFn) -> str:
    """A condition comparing a metric with a multiple of its team mean or median."""
    path = draw(st.sampled_from(TEAM_METRICS))
    stat = draw(st.sampled_from(["mean", "median"]))
    op = draw(st.sampled_from(["<", "<=", ">", ">=", "==", "!="]))
    share = draw(st.sampled_from([0.5, 0.7, 1.0, 1.3]))
    return f"{path} {op} {share} * team.{stat}.{path}"


@st.composite
def team_rule_dicts(draw: st.DrawFn) -> list[dict[str, Any]]:
    """A small pack mixing team-relative and plain threshold rules."""
    either = st.one_of(team_conditions(), threshold_conditions())
    conditions = draw(st.lists(either, min_size=1, max_size=5))
    return [
        {
            "id": f"team-{i}",
            "gap": draw(st.sampled_from(["skill", "will", "knowledge", "system"])),
            "certainty": draw(st.sampled_from([-0.4, 0.3, 0.5, 0.7])),
            "when": when,
            "because": "generated",
            "examples": [{"given": {}, "fires": "unknown"}],
        }
        for i, when in enumerate(conditions)
    ]


@st.composite
def populations(draw: st.DrawFn, max_size: int = 25) -> list[dict[str, Any]]:
    """A small population of reps in two or three teams (or none), any value missing."""
    size = draw(st.integers(1, max_size))
    teams = draw(st.sampled_from([["east", "west"], ["a", "b", "c"], [None], ["east", None]]))
    reps = []
    for index in range(size):
        rep = draw(rep_dicts())
        rep["rep_id"] = f"rep-{index}"
        team = draw(st.sampled_from(teams))
        if team is not None:
            rep["team"] = team
        reps.append(rep)
    return reps


def _dense_group(name: str) -> st.SearchStrategy[dict[str, Any]]:
    fields = {
        f: st.one_of(value_of(METRICS[f"{name}.{f}"]), st.none()) for f in GROUPS[name].model_fields
    }
    return st.fixed_dictionaries(fields).map(
        lambda group: {k: v for k, v in group.items() if v is not None}
    )


_DENSE = st.fixed_dictionaries({name: _dense_group(name) for name in GROUPS}).map(
    lambda groups: {"rep_id": "rep", **groups}
)


def dense_rep_dicts() -> st.SearchStrategy[dict[str, Any]]:
    """A rep with every group present and most fields set (weekly histories need trends)."""
    return _DENSE


@st.composite
def tree_dicts(draw: st.DrawFn, max_depth: int = 3) -> dict[str, Any]:
    """A random decision tree of threshold questions, in the shape of a tree file."""
    nodes: list[dict[str, Any]] = []
    leaves: list[dict[str, Any]] = []

    def grow(depth: int) -> str:
        if depth >= max_depth or draw(st.integers(0, 3)) == 0:
            leaf_id = f"leaf-{len(leaves)}"
            gap = draw(st.sampled_from(["skill", "will", "knowledge", "system", "none"]))
            leaves.append(
                {"id": leaf_id, "gap": gap, "reason": "generated", "examples": [{"given": {}}]}
            )
            return leaf_id
        node: dict[str, Any] = {
            "id": f"node-{len(nodes)}",
            "question": "generated?",
            "when": draw(threshold_conditions(max_atoms=2)),
            "examples": [{"given": {}, "answer": "unknown"}],
        }
        nodes.append(node)
        node["then"] = grow(depth + 1)
        node["else"] = grow(depth + 1)
        if draw(st.booleans()):
            node["unknown"] = grow(depth + 1)
        return str(node["id"])

    nodes.append({"id": "root", "question": "generated?", "when": draw(threshold_conditions(2))})
    root = nodes[0]
    root["examples"] = [{"given": {}, "answer": "unknown"}]
    root["then"] = grow(1)
    root["else"] = grow(1)
    return {"root": "root", "nodes": nodes, "leaves": leaves}

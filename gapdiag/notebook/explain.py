"""Explain a Diagnosis in plain language, for a manager preparing a 1:1."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

from gapdiag.model.derived import DERIVED
from gapdiag.model.diagnosis import (
    Check,
    Counterfactual,
    Diagnosis,
    Evidence,
    TreeLeaf,
    TreeStep,
    Verdict,
    register_renderer,
)
from gapdiag.model.errors import InvalidArgument
from gapdiag.model.gaps import CONFIRMED_AT, SUSPECTED_AT
from gapdiag.model.metrics import METRICS
from gapdiag.rulebook.template import format_for, format_value

_APPROACH = {
    "skill": "practice and feedback: role-play drills and call reviews against a rubric",
    "will": "accountability: commitments in the rep's own words, check-in dates, consequences",
    "knowledge": "training: product and competitor sessions, shadowing, certification",
    "system": "fix the system: routing, territory, quota or coaching time, not the rep",
}


def explain(diagnosis: Diagnosis, *, fmt: Literal["text", "markdown"] = "text") -> str:
    """Render a diagnosis as readable text (or Markdown): verdicts, evidence, what is missing.

    Raises:
        InvalidArgument: `fmt` is neither "text" nor "markdown".
    """
    if fmt not in ("text", "markdown"):
        raise InvalidArgument(f"fmt: {fmt!r} is not one of text, markdown")
    md = fmt == "markdown"
    lines = [_title(diagnosis, md), headline(diagnosis), ""]
    lines.extend(numbers_section(diagnosis, md))
    lines.extend(_tree(diagnosis, md))
    for verdict in diagnosis.verdicts:
        lines.extend(_verdict(verdict, md))
    if diagnosis.counterfactuals:
        lines.append(_heading("What would clear it: the smallest change in one metric", md))
        lines.extend(_counterfactuals(diagnosis.counterfactuals))
        lines.append("")
    if diagnosis.undetermined:
        lines.append(_heading("Still open: data that would decide more rules", md))
        lines.extend(
            f"- {u.rule} ({u.gap}): collect {', '.join(u.needs)}"
            if u.needs
            else f"- {u.rule} ({u.gap}): a value was undefined (e.g. a division by zero)"
            for u in diagnosis.undetermined
        )
        lines.append("")
    if diagnosis.pip_blocked:
        lines.append(
            "A system gap is confirmed or suspected: fix the system first. "
            "No PIP should be considered while it stands."
        )
    lines.append(
        f"Cut-offs: confirmed from {CONFIRMED_AT:.0%} combined certainty, "
        f"suspected from {SUSPECTED_AT:.0%}."
    )
    return "\n".join(lines).rstrip() + "\n"


_NUMBER_NAMES = {
    "gap_to_goal": "Gap to goal (quota - closed won - commit)",
    "expected_from_pipeline": "Expected from the open pipeline (pipeline x win rate)",
    "pipeline_shortfall": "Shortfall the pipeline will not cover",
    "pipeline_needed": "Pipeline needed (gap / win rate)",
    "coverage": "Coverage (open pipeline / gap)",
    "required_coverage": "Coverage the win rate requires (1 / win rate)",
    "coverage_needed": "Coverage needed (1 / win rate, else 3x)",
    "coverage_vs_needed": "Coverage against what is needed",
    "attainment": "Attainment (closed won / quota)",
    "calls_vs_plan": "Calls against plan",
    "emails_vs_plan": "Emails against plan",
    "meetings_vs_plan": "Meetings against plan",
    "calls_per_meeting": "Calls per meeting",
    "calls_to_meetings": "Calls that become meetings",
    "conversion_vs_plan": "Calls-to-meetings conversion against the plan's",
}


def numbers_section(d: Diagnosis, md: bool = False) -> list[str]:
    """'The numbers': the pipeline math and activity against plan the diagnosis worked out."""
    if not d.numbers:
        return []
    out = [_heading("The numbers", md)]
    for figure in d.numbers:
        short = figure.name.removeprefix("derived.")
        kind = DERIVED.get(short)
        shown = format_value(figure.value, format_for(kind) if kind is not None else "num")
        out.append(f"- {_NUMBER_NAMES.get(short, short)}: {shown}")
    short_by = next((f.value for f in d.numbers if f.name == "derived.pipeline_shortfall"), None)
    if short_by is not None and short_by > 0:
        out.append(
            "The open pipeline will not close the gap: a coverage problem to solve this week."
        )
    return [*out, ""]


def _title(d: Diagnosis, md: bool) -> str:
    period = f", {d.period_start} to {d.period_end}" if d.period_start and d.period_end else ""
    stamp = f"{d.rulebook.name} {d.rulebook.version} ({d.rulebook.content_hash})"
    text = f"Diagnosis for {d.rep_id}{period} - rule pack {stamp}"
    return f"# {text}" if md else text


def headline(d: Diagnosis) -> str:
    """One sentence: the primary gap and its approach, or why there is none yet."""
    if d.primary_gap is None:
        open_ = [v.gap for v in d.verdicts if v.status == "unknown"]
        if open_:
            return f"No gap is established yet; {_either(open_)} stays open until more data is in."
        return "No gap found: no rule points to a skill, will, knowledge or system problem."
    top = d.verdict(d.primary_gap)
    return (
        f"Primary gap: {top.gap} ({top.status}, {top.confidence:.0%}). "
        f"Approach: {_APPROACH[top.gap]}."
    )


def _tree(d: Diagnosis, md: bool) -> list[str]:
    if not d.tree_path and d.tree_leaf is None:
        return []
    out = [_heading("Decision tree", md)]
    out.extend(f"{n}. {_step(step)}" for n, step in enumerate(d.tree_path, 1))
    if d.tree_leaf is not None:
        out.append(f"Ends at {_leaf(d.tree_leaf)}: {d.tree_leaf.reason}")
        out.append(_agreement(d, d.tree_leaf))
    elif d.tree_stop is not None:
        stop = d.tree_stop
        gaps = list(dict.fromkeys(leaf.gap or "no gap" for leaf in stop.possible))
        wanted = (
            f"collect {', '.join(stop.needs)} to go on"
            if stop.needs
            else "a value it reads is undefined for this rep (e.g. a division by zero)"
        )
        out.append(f"Stopped at {stop.node!r} for lack of data: {_either(gaps)} - {wanted}.")
        out.append("Still possible: " + ", ".join(_leaf(leaf) for leaf in stop.possible) + ".")
    out.append("")
    return out


def _step(step: TreeStep) -> str:
    answer = {True: "yes", False: "no", None: "unknown"}[step.answer]
    checks = "; ".join(_check(c) for c in step.checks)
    return f"{step.question} {answer} ({checks})"


def _leaf(leaf: TreeLeaf) -> str:
    return f"{leaf.id} ({leaf.gap or 'no gap'})"


def _agreement(d: Diagnosis, leaf: TreeLeaf) -> str:
    rules = d.primary_gap or "no gap"
    if d.tree_agrees:
        return f"The tree and the rules agree: {rules}."
    return (
        f"The tree and the rules disagree: the tree says {leaf.gap or 'no gap'}, the rules' "
        f"primary gap is {rules}. Both are shown; weigh the evidence for each below."
    )


def _either(items: Sequence[str]) -> str:
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} or {items[-1]}"


def _heading(text: str, md: bool) -> str:
    return f"## {text}" if md else f"{text}:"


def _verdict(v: Verdict, md: bool) -> list[str]:
    out = [_heading(f"{v.gap.capitalize()} - {v.status}, {v.confidence:.0%}", md)]
    out.extend(_evidence(e, "+") for e in v.evidence)
    out.extend(_evidence(e, "-") for e in v.counter_evidence)
    if not v.evidence and not v.counter_evidence:
        out.append("- no rule fired")
    if v.undetermined:
        out.append(f"- open for lack of data: {', '.join(v.undetermined)}")
    out.append("")
    return out


def _evidence(e: Evidence, sign: str) -> str:
    checks = "; ".join(_check(c) for c in e.checks)
    line = f"- [{sign}{abs(e.certainty):.2f}] {e.because} ({e.rule}: {checks})"
    if e.intervention and sign == "+":
        line += f"\n  What to do: {e.intervention}"
    return line


def _check(c: Check) -> str:
    if c.op is None:
        return f"{c.observed} is {format_value(c.observed_value, 'num')}"
    seen = format_value(c.observed_value, "num")
    limit = format_value(c.threshold_value, "num")
    return f"{c.observed} {seen} {c.op} {limit}"


def _counterfactuals(found: Sequence[Counterfactual]) -> list[str]:
    by_rule: dict[str, list[Counterfactual]] = {}
    for change in found:
        by_rule.setdefault(change.rule, []).append(change)
    return [
        f"- {rule} ({changes[0].gap}) stops firing with {'; or '.join(map(change_text, changes))}"
        for rule, changes in by_rule.items()
    ]


def change_text(change: Counterfactual) -> str:
    """One counterfactual in words: 'activity.calls_per_day from 12 to 20 (will 60% -> 0%)'."""
    fmt = format_for(METRICS[change.metric])
    before = format_value(change.observed, fmt)
    if change.strict and not isinstance(change.boundary, bool):
        side = "above" if change.value > change.boundary else "below"
        after = f"{side} {format_value(change.boundary, fmt)}"
    else:
        after = format_value(change.boundary, fmt)
    return (
        f"{change.metric} from {before} to {after} "
        f"({change.gap} then {change.status_after}, {change.confidence_after:.0%})"
    )


register_renderer("explain", explain)

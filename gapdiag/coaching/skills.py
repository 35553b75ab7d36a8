"""One skill at a time: which drill the rep practises now, and which comes next.

Seed 003: agree on one skill to develop for the quarter, not several; seed 001: feedback on
everything at once leaves the rep overwhelmed. So the plan's drills come from the skills the
evidence names, in order:

1. a drill is **named** by a rule of the coached gap that fired for it: the rule reads one
   of the drill's indicators (the skill is then judged on those), or points at the drill
   (``drill:``; judged on all its indicators). The strongest rule first (highest certainty,
   then pack order); a drill must be marked for the gap;
2. without any named drill, the gap's own drills whose indicators the rep's figures show off
   target, in the playbook's order, each judged on the indicators that are off;
3. a named skill whose indicators all met their targets when the rep was diagnosed gets no
   drill: the evidence shows it strong (objection handling at 4.5 of 5 gets no objection
   drill), and the plan says so.

The first skill still short of target *now* (the latest week, with a history) is the one
practised; those before it reached their targets; the next starts only once it does, and
the plan says so.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Literal

from pydantic import Field

from gapdiag.coaching.trends import on_target
from gapdiag.model._result import Worded
from gapdiag.model.diagnosis import Diagnosis
from gapdiag.model.gaps import GAPS, Gap
from gapdiag.model.labels import label_of, labels_listed
from gapdiag.model.metrics import Targets, _Strict
from gapdiag.model.wording import reading
from gapdiag.rulebook.interventions import Drill, Indicator, Interventions
from gapdiag.rulebook.pack import Rulebook

BLIND_CHECK = "blind-gap-check"
"""The blind gap-to-goal check: an unannounced question, booked as a reminder, not a slot."""


SkillStatus = Literal["strong", "skewed", "done", "current", "next"]


class Skill(Worded, _Strict):
    """One skill of the queue: its drill, why it is there, and where it stands."""

    drill: Drill
    why: str = Field(description="The rule that names it, or the figures behind its status.")
    status: SkillStatus = Field(
        description="strong: at target when diagnosed, so no drill; skewed: named only by "
        "numbers a system fault distorts, so no drill; done: reached its target since; "
        "current: practised now; next: starts once the current one is at target."
    )
    indicators: tuple[str, ...] = Field(
        description="The metrics that named it: the skill is at target when they all are."
    )

    def _words(self) -> str:
        return f"{self.drill.name} ({self.status})"


def skill_queue(
    gap: Gap,
    diagnosis: Diagnosis,
    book: Rulebook,
    library: Interventions,
    targets: Targets,
    *,
    judged: Mapping[str, object],
    now: Mapping[str, object],
    avoid: frozenset[str] = frozenset(),
) -> tuple[Skill, ...]:
    """The skills to practise for `gap`, strongest evidence first, one current at a time.

    `judged` are the facts the rep was diagnosed on; `now` the latest (the same without a
    history). A skill named only through metrics in `avoid` (a system fault skews them)
    gets no drill either.
    """
    marks = _indicators(library)
    named: dict[str, tuple[str, tuple[str, ...]]] = {}  # drill -> (why, metrics naming it)
    for evidence in sorted(diagnosis.verdict(gap).evidence, key=lambda e: -e.certainty):
        if evidence.certainty <= 0:
            continue
        pointed = book.rule(evidence.rule).drill
        read = {check.observed for check in evidence.checks}
        for drill in library.drills:
            through = tuple(m for m in drill.indicators if m in read)
            if gap in drill.gaps and (drill.id == pointed or through):
                why, before = named.get(drill.id, (_lower(evidence.because.rstrip(".")), ()))
                metrics = (*before, *(m for m in through or drill.indicators if m not in before))
                named[drill.id] = (why, metrics)
    if not named:
        for drill_id in library.playbook(gap).drills:
            drill = library.drill(drill_id)
            weak = _weak(drill.indicators, judged, marks, targets)
            if weak:
                named[drill.id] = (f"its indicator is short: {weak[0]}", weak[1])
    out: list[Skill] = []
    current = False
    for drill_id, (why, named_by) in named.items():
        drill = library.drill(drill_id)
        through = tuple(m for m in named_by if m not in avoid)
        if not through:  # only numbers a system fault distorts name it: not the rep's skill
            out.append(Skill(drill=drill, why=why, status="skewed", indicators=named_by))
            continue
        strong = _strong(through, judged, marks, targets)
        if strong is not None:  # the evidence shows this skill strong: no drill for it
            out.append(Skill(drill=drill, why=strong, status="strong", indicators=through))
            continue
        done = _strong(through, now, marks, targets) is not None
        status: SkillStatus = "done" if done else "next" if current else "current"
        current = current or status == "current"
        out.append(Skill(drill=drill, why=why, status=status, indicators=through))
    return tuple(out)


def _names(metrics: tuple[str, ...]) -> str:
    """'open questions and discovery questions a call'."""
    return labels_listed(metrics)


def _lower(text: str) -> str:
    """A because-text inside a sentence: 'The rep ...' reads 'the rep ...' (not 'CRM ...')."""
    return text[:1].lower() + text[1:] if text[1:2].islower() else text


def _indicators(library: Interventions) -> dict[str, Indicator]:
    """Every playbook indicator by metric (the first gap that lists it sets its target)."""
    out: dict[str, Indicator] = {}
    for gap in GAPS:
        for indicator in library.playbook(gap).indicators:
            out.setdefault(indicator.metric, indicator)
    return out


def _weak(
    metrics: tuple[str, ...],
    facts: Mapping[str, object],
    marks: Mapping[str, Indicator],
    targets: Targets,
) -> tuple[str, tuple[str, ...]] | None:
    """(the first short metric in words, every short one) of `metrics`, or None."""
    short = [(m, v, i) for m, v, i in _known(metrics, facts, marks) if not on_target(i, v, targets)]
    if not short:
        return None
    metric, value, indicator = short[0]
    return _reading(metric, value, indicator, targets), tuple(m for m, _, _ in short)


def _strong(
    metrics: tuple[str, ...],
    facts: Mapping[str, object],
    marks: Mapping[str, Indicator],
    targets: Targets,
) -> str | None:
    """`metrics` in words when every one is known and at target (None otherwise)."""
    known = _known(metrics, facts, marks)
    if len(known) < len(metrics) or any(not on_target(i, v, targets) for _, v, i in known):
        return None
    return "; ".join(_reading(m, v, i, targets) for m, v, i in known)


def _known(
    metrics: tuple[str, ...], facts: Mapping[str, object], marks: Mapping[str, Indicator]
) -> list[tuple[str, float, Indicator]]:
    """(metric, value, indicator) of the metrics the facts know and a target judges (flags
    as 1/0)."""
    out = []
    for metric in metrics:
        value, indicator = facts.get(metric), marks.get(metric)
        if indicator is not None and isinstance(value, bool | float):
            out.append((metric, float(value), indicator))
    return out


def _reading(metric: str, value: float, indicator: Indicator, targets: Targets) -> str:
    if label_of(metric).unit == "yes/no":
        return f"{label_of(metric).label}: {'yes' if value else 'no'}"
    shown, goal = reading(metric, value, indicator.target_value(targets))
    return f"{label_of(metric).label} {shown}, target {goal}"


def skill_note(skills: tuple[Skill, ...]) -> str:
    """What the plan says about the queue: the skill now, those done, the next and when."""
    current = next((s for s in skills if s.status == "current"), None)
    done = [s for s in skills if s.status == "done"]
    upcoming = [s for s in skills if s.status == "next"]
    parts = [
        f"No drill for {s.drill.name.lower()}: the evidence shows it strong ({s.why})."
        if s.status == "strong"
        else f"No drill for {s.drill.name.lower()}: only numbers a system fault skews "
        f"({_names(s.indicators)}) name it."
        for s in skills
        if s.status in ("strong", "skewed")
    ]
    if done:
        names = ", ".join(s.drill.name for s in done)
        parts.append(f"At target now, so done: {names}.")
    if current is None:
        parts.append(
            "No skill to drill: the evidence names none that is short of target."
            if not done
            else "Every skill the evidence named is at target."
        )
        return " ".join(parts)
    watched = _names(current.indicators) or "its indicators"
    verb = "reaches" if len(current.indicators) == 1 else "reach"
    parts.append(
        f"One skill at a time: {current.drill.name}, because {current.why}; until {watched} "
        f"{verb} target."
    )
    if upcoming:
        reasons = [s.why for s in upcoming]
        said = [current.why, *reasons]
        why = [
            "for the same reason" if reason in said[: at + 1] else f"because {reason}"
            for at, reason in enumerate(reasons)
        ]
        later = "".join(
            f" Then {s.drill.name}, {w}." for s, w in zip(upcoming[1:], why[1:], strict=True)
        )
        parts.append(
            f"Next, and only once that is at target: {upcoming[0].drill.name}, {why[0]}.{later}"
        )
    return " ".join(parts)

"""One skill at a time: which drill the rep practises now, and which comes next.

Seed 003: agree on one skill to develop for the quarter, not several; seed 001: feedback on
everything at once leaves the rep overwhelmed. So the plan's drills come from the skills the
evidence names, in order:

1. a drill is **named** by a rule of the coached gap that fired for it: the rule points at it
   (``drill:``), or reads one of the drill's indicators. The strongest rule first (highest
   certainty, then pack order); a drill must be marked for the gap;
2. without any named drill, the gap's own drills whose indicators the rep's figures show off
   target, in the playbook's order;
3. a drill whose indicators all met their targets when the rep was diagnosed is left out:
   the evidence shows that skill strong (objection handling at 4.5 of 5 gets no objection
   drill), and so is a drill none of whose indicators is known (nothing shows it weak).

The first skill still short of target *now* (the latest week, with a history) is the one
practised; those before it reached their targets; the next starts only once it does, and
the plan says so.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Literal

from pydantic import Field

from gapdiag.coaching.trends import on_target
from gapdiag.model.diagnosis import Diagnosis
from gapdiag.model.gaps import GAPS, Gap
from gapdiag.model.labels import label_of
from gapdiag.model.metrics import Targets, _Strict
from gapdiag.model.wording import reading
from gapdiag.rulebook.interventions import Drill, Indicator, Interventions
from gapdiag.rulebook.pack import Rulebook

BLIND_CHECK = "blind-gap-check"
"""The blind gap-to-goal check: an unannounced question, booked as a reminder, not a slot."""


SkillStatus = Literal["strong", "done", "current", "next"]


class Skill(_Strict):
    """One skill of the queue: its drill, why it is there, and where it stands."""

    drill: Drill
    why: str = Field(description="The rule that names it, or the figures behind its status.")
    status: SkillStatus = Field(
        description="strong: at target when diagnosed, so no drill; done: reached its "
        "target since; current: practised now; next: starts once the current one is at target."
    )
    indicators: tuple[str, ...] = Field(description="What shows the skill at target.")


def skill_queue(
    gap: Gap,
    diagnosis: Diagnosis,
    book: Rulebook,
    library: Interventions,
    targets: Targets,
    *,
    judged: Mapping[str, object],
    now: Mapping[str, object],
) -> tuple[Skill, ...]:
    """The skills to practise for `gap`, strongest evidence first, one current at a time.

    `judged` are the facts the rep was diagnosed on; `now` the latest (the same without a
    history).
    """
    marks = _indicators(library)
    named: dict[str, str] = {}
    for evidence in sorted(diagnosis.verdict(gap).evidence, key=lambda e: -e.certainty):
        if evidence.certainty <= 0:
            continue
        pointed = book.rule(evidence.rule).drill
        read = {check.observed for check in evidence.checks}
        for drill in library.drills:
            if gap in drill.gaps and (drill.id == pointed or read & set(drill.indicators)):
                named.setdefault(drill.id, _lower(evidence.because.rstrip(".")))
    if not named:
        for drill_id in library.playbook(gap).drills:
            drill = library.drill(drill_id)
            weak = _weak(drill, judged, marks, targets)
            if weak:
                named[drill.id] = weak
    out: list[Skill] = []
    current = False
    for drill_id, why in named.items():
        drill = library.drill(drill_id)
        strong = _strong(drill, judged, marks, targets)
        if strong is not None or not _weak(drill, judged, marks, targets):
            if strong is not None:  # the evidence shows this skill strong: no drill for it
                out.append(
                    Skill(drill=drill, why=strong, status="strong", indicators=drill.indicators)
                )
            continue
        done = not _weak(drill, now, marks, targets)
        status: SkillStatus = "done" if done and not current else "next" if current else "current"
        current = current or status == "current"
        out.append(Skill(drill=drill, why=why, status=status, indicators=drill.indicators))
    return tuple(out)


def _lower(text: str) -> str:
    """A because-text inside a sentence: 'The rep ...' reads 'the rep ...'."""
    return text[:1].lower() + text[1:] if text.startswith(("The ", "Only ")) else text


def _indicators(library: Interventions) -> dict[str, Indicator]:
    """Every playbook indicator by metric (the first gap that lists it sets its target)."""
    out: dict[str, Indicator] = {}
    for gap in GAPS:
        for indicator in library.playbook(gap).indicators:
            out.setdefault(indicator.metric, indicator)
    return out


def _weak(
    drill: Drill, facts: Mapping[str, object], marks: Mapping[str, Indicator], targets: Targets
) -> str | None:
    """The drill's first indicator the facts show short of target, in words (None: none)."""
    for metric, value, indicator in _known(drill, facts, marks):
        if not on_target(indicator, value, targets):
            return _reading(metric, value, indicator, targets)
    return None


def _strong(
    drill: Drill, facts: Mapping[str, object], marks: Mapping[str, Indicator], targets: Targets
) -> str | None:
    """The drill's indicators in words when every known one is at target (None otherwise)."""
    known = list(_known(drill, facts, marks))
    if not known or any(not on_target(i, v, targets) for _, v, i in known):
        return None
    return "; ".join(_reading(m, v, i, targets) for m, v, i in known)


def _known(
    drill: Drill, facts: Mapping[str, object], marks: Mapping[str, Indicator]
) -> list[tuple[str, float, Indicator]]:
    """(metric, value, indicator) of the drill's indicators the facts know (flags as 1/0)."""
    out = []
    for metric in drill.indicators:
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
        for s in skills
        if s.status == "strong"
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
    watched = ", ".join(label_of(m).label for m in current.indicators) or "its indicators"
    parts.append(
        f"One skill at a time: {current.drill.name} ({current.why}) until {watched} reach target."
    )
    if upcoming:
        parts.append(
            f"Then, and only then, the next: {upcoming[0].drill.name} ({upcoming[0].why})"
            + (f", then {', '.join(s.drill.name for s in upcoming[1:])}." if upcoming[1:] else ".")
        )
    return " ".join(parts)

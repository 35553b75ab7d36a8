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

from collections.abc import Iterator, Mapping
from typing import Any, Literal

from pydantic import Field

from gapdiag.coaching.trends import on_target
from gapdiag.model._result import Worded
from gapdiag.model.diagnosis import Evidence, Judged
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
    diagnosis: Judged,
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
    named = _named(gap, diagnosis, book, library, targets, judged, marks, words=True)
    return tuple(
        Skill(
            drill=library.drill(drill_id),
            # the evidence shows a strong skill at target: the figures say why it gets no drill
            why=_readings(through, judged, marks, targets) if status == "strong" else why,
            status=status,
            indicators=through,
        )
        for drill_id, why, through, status in _statuses(named, (judged, now), marks, targets, avoid)
    )


def current_drill(
    gap: Gap,
    diagnosis: Judged,
    book: Rulebook,
    library: Interventions,
    targets: Targets,
    *,
    judged: Mapping[str, object],
    now: Mapping[str, object],
    avoid: frozenset[str] = frozenset(),
    memo: dict[Any, Any] | None = None,
) -> Drill | None:
    """The drill of `skill_queue`'s current skill (None where it has none), without the
    words of the others: what a page that shows only the first action needs.

    `memo`: a dict the caller keeps for one pack and library (a page of many reps), where
    the indicators and the drills each set of fired rules and comparisons names are kept.
    """
    marks = memo.get(_MARKS) if memo is not None else None
    if marks is None:
        marks = _indicators(library)
        if memo is not None:
            memo[_MARKS] = marks
    named = _named(gap, diagnosis, book, library, targets, judged, marks, words=False, memo=memo)
    statuses = _statuses(named, (judged, now), marks, targets, avoid)
    return next((library.drill(d) for d, _, _, status in statuses if status == "current"), None)


def _statuses(
    named: Mapping[str, tuple[str, tuple[str, ...]]],
    figures: tuple[Mapping[str, object], Mapping[str, object]],
    marks: Mapping[str, Indicator],
    targets: Targets,
    avoid: frozenset[str],
) -> Iterator[tuple[str, str, tuple[str, ...], SkillStatus]]:
    """Each named drill's (id, why, the metrics it is judged on, status), in queue order,
    from the figures (judged, now); worked out as far as the caller reads."""
    judged, now = figures
    current = False
    for drill_id, (why, named_by) in named.items():
        through = tuple(m for m in named_by if m not in avoid)
        if not through:  # only numbers a system fault distorts name it: not the rep's skill
            yield drill_id, why, named_by, "skewed"
        elif _at_target(through, judged, marks, targets):  # strong: no drill for it
            yield drill_id, why, through, "strong"
        else:
            done = _at_target(through, now, marks, targets)
            status: SkillStatus = "done" if done else "next" if current else "current"
            current = current or status == "current"
            yield drill_id, why, through, status


def _named(
    gap: Gap,
    diagnosis: Judged,
    book: Rulebook,
    library: Interventions,
    targets: Targets,
    judged: Mapping[str, object],
    marks: Mapping[str, Indicator],
    *,
    words: bool,
    memo: dict[Any, Any] | None = None,
) -> dict[str, tuple[str, tuple[str, ...]]]:
    """Drill id -> (why, the metrics naming it), in queue order; `why` is '' unless `words`.

    Without words, what the evidence names depends only on each supporting rule and the
    metrics its comparisons read: `memo` keeps it per gap and set of those.
    """
    strongest = [
        (e, frozenset(c.observed for c in e.checks))
        for e in sorted(diagnosis.verdict(gap).evidence, key=lambda e: -e.certainty)
        if e.certainty > 0
    ]
    key = (gap, tuple((e.rule, read) for e, read in strongest))
    kept = memo.get(key) if memo is not None and not words else None
    named = dict(kept) if kept is not None else _from_evidence(gap, strongest, book, library, words)
    if memo is not None and not words and kept is None:
        if len(memo) >= _MEMO_SIZE:
            memo.clear()
        memo[key] = dict(named)
    if not named:
        for drill_id in library.playbook(gap).drills:
            drill = library.drill(drill_id)
            short = _short(drill.indicators, judged, marks, targets)
            if short:
                why = f"its indicator is short: {_reading(*short[0], targets)}" if words else ""
                named[drill.id] = (why, tuple(m for m, _, _ in short))
    return named


_MARKS = "indicators"
"""Where `current_drill`'s memo keeps the library's indicators by metric."""
_MEMO_SIZE = 4096
"""Sets of fired rules and comparisons a memo keeps (cleared when full)."""


def _from_evidence(
    gap: Gap,
    strongest: list[tuple[Evidence, frozenset[str]]],
    book: Rulebook,
    library: Interventions,
    words: bool,
) -> dict[str, tuple[str, tuple[str, ...]]]:
    """The drills the supporting evidence names (strongest first, each with the metrics its
    comparisons read), in queue order."""
    named: dict[str, tuple[str, tuple[str, ...]]] = {}
    for evidence, read in strongest:
        pointed = book.rule(evidence.rule).drill
        for drill in library.drills:
            through = tuple(m for m in drill.indicators if m in read)
            if gap in drill.gaps and (drill.id == pointed or through):
                found = named.get(drill.id)
                why, before = (
                    found
                    if found is not None
                    else (_lower(evidence.because.rstrip(".")) if words else "", ())
                )
                metrics = (*before, *(m for m in through or drill.indicators if m not in before))
                named[drill.id] = (why, metrics)
    return named


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


def _short(
    metrics: tuple[str, ...],
    facts: Mapping[str, object],
    marks: Mapping[str, Indicator],
    targets: Targets,
) -> list[tuple[str, float, Indicator]]:
    """(metric, value, indicator) of every one of `metrics` known and short of target."""
    return [(m, v, i) for m, v, i in _known(metrics, facts, marks) if not on_target(i, v, targets)]


def _at_target(
    metrics: tuple[str, ...],
    facts: Mapping[str, object],
    marks: Mapping[str, Indicator],
    targets: Targets,
) -> bool:
    """Whether every one of `metrics` is known and at target."""
    known = _known(metrics, facts, marks)
    return len(known) == len(metrics) and all(on_target(i, v, targets) for _, v, i in known)


def _readings(
    metrics: tuple[str, ...],
    facts: Mapping[str, object],
    marks: Mapping[str, Indicator],
    targets: Targets,
) -> str:
    """The known ones of `metrics` in words, each against its target."""
    return "; ".join(_reading(m, v, i, targets) for m, v, i in _known(metrics, facts, marks))


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
            "No drill: this gap's evidence names none of the playbook's drills, and none has "
            "its measures short of target; the leading indicators below are what to watch."
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

"""The GROW 1:1 agenda: questions for the rep with their own inputs, answers for the manager.

The rep's sheet gives the inputs (quota, pipeline, win rate) but never the results: the rep
works out the gap, what the pipeline yields and the coverage aloud. The manager's sheet
holds those results, computed by ``derived`` (the same functions the rules read), so the
manager can check the rep's math without doing it for them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Literal

from pydantic import Field

from gapdiag.coaching.playbook import Focus, show
from gapdiag.coaching.units import in_plan_units
from gapdiag.model._result import Worded
from gapdiag.model.basis import BASES
from gapdiag.model.derived import DEPENDS, ramp_factor
from gapdiag.model.diagnosis import Sample
from gapdiag.model.labels import Value, label_of, sentence
from gapdiag.model.metrics import Targets, _Strict
from gapdiag.model.wording import day, reading, stated
from gapdiag.rulebook.interventions import Drill

Stage = Literal["goal", "reality", "options", "will"]

REDIRECTS = (
    "That may well be true, and I will take it up separately. For now: which part of this "
    "do you control?",
    "Say the leads stay exactly as they are until the quarter ends. What is your move?",
    "Let us park the market for today. Which deal can you move forward this week?",
)
"""What to say when a rep with a will gap blames the market, the leads or the price."""

ACCOUNTABILITY_ASK = (
    "How would you like to be held accountable for your results each month? And how often "
    "do you want to check in with me between our 1:1s, and how: a short message, a call, a "
    "meeting?"
)
"""Seed 004: ask each rep how they want to be held to account; never assume it."""
ACCOUNTABILITY_LISTEN = (
    "Write the rep's answer into the plan in their words, and fit the check-ins to it (the "
    "weekly check-in booked here is only a default). Ask about 'you', never 'we': the "
    "accountability is the rep's. Answers differ: frequent updates and feedback suit some "
    "(a new rep), room to work alone between sessions suits others. An 'I don't know' calls "
    "for more questions about what drives them, and can be a sign the rep does not want to "
    "be held to account."
)


_UNSURE = frozenset(
    {"i don't know", "i dont know", "i do not know", "don't know", "dont know", "not sure",
     "i'm not sure", "im not sure", "no idea", "dunno", "?", ""}
)  # fmt: skip
"""Answers that say the rep does not know how they want to be held to account."""
ACCOUNTABILITY_UNSURE = (
    "An 'I don't know' is not an answer yet: ask what drives the rep and how they have "
    "liked to be managed before, and ask again at the next 1:1. It can also be a sign the "
    "rep does not want to be held to account."
)
"""Seed 004: what to do when the rep does not know how they want to be held to account."""


class Accountability(Worded, _Strict):
    """How the rep wants to be held accountable: asked at the first 1:1, answer recorded."""

    asked_on: dt.date | None = Field(description="The first coaching 1:1, where it is asked.")
    ask: str = ACCOUNTABILITY_ASK
    listen: str = ACCOUNTABILITY_LISTEN
    answer: str | None = Field(
        default=None, description="The rep's answer, in their words (None: not recorded yet)."
    )
    answered_on: dt.date | None = None

    @property
    def unsure(self) -> bool:
        """The recorded answer is an 'I don't know' (seed 004: ask on, and note it)."""
        if self.answer is None:
            return False
        words = " ".join(self.answer.lower().replace("\u2019", "'").split()).strip(" .!?")
        return words in _UNSURE

    def _words(self) -> str:
        when = f" on {day(self.asked_on)}" if self.asked_on is not None else ""
        return f"Ask{when}: {self.ask}"


class Figure(Worded, _Strict):
    """One number on the manager's sheet: its name, value and how it reads."""

    name: str
    value: float | None
    shown: str

    def _words(self) -> str:
        return f"{sentence(label_of(self.name).label)}: {self.shown}"


class Question(Worded, _Strict):
    """One agenda question: what the rep is asked, and what the manager should hear."""

    stage: Stage
    ask: str
    expect: str

    def _words(self) -> str:
        return f"{sentence(self.stage)}: {self.ask}"


class Agenda(Worded, _Strict):
    """A GROW 1:1: the rep's questions, the manager's answer sheet and the commitment check."""

    rep_id: str
    questions: tuple[Question, ...]
    figures: tuple[Figure, ...]
    redirects: tuple[str, ...] = ()
    commitment: str
    follow_up: dt.date | None

    def _words(self) -> str:
        return (
            f"1:1 agenda for {self.rep_id}: {len(self.questions)} questions, "
            f"{len(self.figures)} figures to bring"
        )


_FIGURES = (
    "pipeline.quota",
    "pipeline.closed_won",
    "pipeline.commit",
    "derived.gap_to_goal",
    "pipeline.open_pipeline",
    "pipeline.win_rate",
    "derived.expected_from_pipeline",
    "derived.pipeline_shortfall",
    "derived.pipeline_needed",
    "derived.coverage",
    "derived.required_coverage",
    "activity.calls_per_day",
    "derived.calls_vs_plan",
    "activity.meetings_per_week",
    "derived.meetings_vs_plan",
)


def _over_quota(over: float) -> str:
    """'$25,000 over quota, commit counted', or 'quota met, commit counted' at $0."""
    said = show("derived.gap_to_goal", over)
    met = said == show("derived.gap_to_goal", 0.0)
    return f"{'quota met' if met else said + ' over quota'}, commit counted"


NEVER_NEGATIVE = {
    "derived.gap_to_goal": "none ({})",  # the amount over quota in words: `_over_quota`
    "derived.pipeline_shortfall": "none ({} to spare)",
    "derived.pipeline_needed": "none (nothing left to close)",
}
"""Money is never negative in words: what a zero or negative figure reads as."""


@dataclass(frozen=True, slots=True)
class _Numbers:
    """The rep's facts, read and shown the way the agenda needs them."""

    facts: Mapping[str, object]
    aside: Mapping[str, Sample]
    """Counted metrics given but set aside: too few observations to read (by path)."""

    def value(self, name: str) -> float | None:
        found = self.facts.get(name)
        return found if isinstance(found, float) else None

    def show(self, name: str) -> str:
        value = self.value(name)
        if name in NEVER_NEGATIVE and value is not None and value <= 0:
            over = _over_quota(-value) if name == "derived.gap_to_goal" else show(name, -value)
            return NEVER_NEGATIVE[name].format(over)
        gap = self.value("derived.gap_to_goal")
        if name == "derived.coverage" and value is None and gap is not None and gap <= 0:
            return "none needed (nothing left to close)"
        if value is None and name in self.aside:
            return self.thin(name, show, ", too few to judge")
        return show(name, value)

    def figure(self, name: str) -> str:
        """`show` for the numbers line, where the label stands in front: a value set aside
        in a unit that repeats the label reads '15 from 3 working days', said once."""
        if self.value(name) is None and name in self.aside:
            return self.thin(
                name, lambda path, value: reading(path, value)[0], ", too few to judge"
            )
        return self.show(name)

    def thin(self, name: str, said: Callable[[str, Value], str], why: str = "") -> str:
        """'33.3% from 3 closed deals (at least 5 needed)': a value set aside, and why;
        `said` puts the value in words (with its unit, its name, or bare)."""
        sample = self.aside[name]
        counted = BASES[name].counted(sample.count) if name in BASES else f"{sample.count:,.0f}"
        return f"{said(name, sample.value)} from {counted}{why} (at least {sample.minimum} needed)"

    def known(self, *names: str) -> bool:
        return all(self.value(n) is not None for n in names)

    def missing(self, name: str) -> str:
        needs = DEPENDS.get(name.removeprefix("derived."), (name,))
        absent = [n for n in needs if self.value(n) is None]
        wanted = [label_of(n).label for n in absent if n not in self.aside]
        thin = [self.thin(n, stated) for n in absent if n in self.aside]
        said = [f"unknown: collect {', '.join(wanted)}"] if wanted else []
        if thin:
            said.append(f"too few to judge: {'; '.join(thin)}")
        return "; ".join(said) or "unknown"


def build_agenda(
    rep_id: str,
    facts: Mapping[str, object],
    targets: Targets,
    *,
    focus: Focus | None,
    drills: tuple[Drill, ...] = (),
    follow_up: dt.date | None = None,
    accountability: Accountability | None = None,
    behind: bool = True,
    set_aside: tuple[Sample, ...] = (),
) -> Agenda:
    """The GROW agenda for one rep from their facts (metrics, targets and derived values).

    Until the rep's answer on accountability is recorded, the agenda asks for it. A rep not
    known to be behind (`behind` False: ahead or on track) is never told of consequences.
    """
    n = _Numbers(facts, {sample.metric: sample for sample in set_aside})
    when = f" on {day(follow_up)}" if follow_up else ""
    fallback = "none: the fixes are the manager's" if focus and focus.owner == "manager" else "none"
    drill_names = ", ".join(d.name for d in drills) or fallback
    closed = _closed(n)
    aim = "build next period's pipeline" if closed else "close the gap"
    questions = (
        *_goal(n, focus),
        *_reality(n, targets),
        Question(
            stage="options",
            ask=f"Name three things you will do in the next ten days to {aim}. The list is "
            "yours; I will only pressure-test it.",
            expect="Actions the rep controls, each with a date"
            + (
                f"; steer the practice towards the plan's drills ({drill_names})." if focus else "."
            ),
        ),
        Question(
            stage="will",
            ask="Say the plan back as a commitment in your own words: what, by when, and "
            "when should I check in? Send it to me in writing after this meeting.",
            expect=f"A dated commitment in the rep's words; the check-in is{when or ' set now'}.",
        ),
        *_accountability(accountability),
    )
    return Agenda(
        rep_id=rep_id,
        questions=questions,
        figures=tuple(Figure(name=f, value=n.value(f), shown=n.figure(f)) for f in _FIGURES),
        redirects=REDIRECTS if focus is not None and focus.gap == "will" else (),
        commitment="On a scale of 1 to 10, how committed are you to this plan? What would "
        f"make it a 9 or 10? Follow up{when or ' at the next check-in'}"
        + (": under 9 two weeks running calls for a conversation about fit." if behind else "."),
        follow_up=follow_up,
    )


def _accountability(accountability: Accountability | None) -> list[Question]:
    """The accountability question, until the rep's answer is recorded."""
    if accountability is None or accountability.answer is not None:
        return []
    return [Question(stage="will", ask=accountability.ask, expect=accountability.listen)]


def _goal(n: _Numbers, focus: Focus | None) -> list[Question]:
    gap = "derived.gap_to_goal"
    out = [
        Question(
            stage="goal",
            ask="What is your number this quarter, and how much of it is still open once "
            "closed-won and committed deals are counted? Work it out aloud.",
            expect=_gap_answer(n) if n.known(gap) else n.missing(gap),
        )
    ]
    if focus is not None and focus.goal is not None:
        goal = focus.goal
        path, _ = in_plan_units(goal.metric, None, {}, Targets())
        label = label_of(path).label
        if focus.owner == "manager":  # seed 000: the outside issue is worked separately
            ask = (
                f"I am taking up {label} separately: that fix is mine. Until it is done, "
                "which part of your number do you control?"
            )
            expect = f"{goal.text} (from {goal.origin()}): the manager's fix, not the rep's goal."
        else:
            ask = (
                f"This quarter we work on one thing: {label}. Where is it now, and where "
                f"should it be by week {goal.by_week}?"
            )
            expect = f"{goal.text} (from {goal.origin()})."
        out.append(Question(stage="goal", ask=ask, expect=expect))
    return out


def _closed(n: _Numbers) -> bool:
    """Nothing is left to close this period (quota met with closed-won and commit)."""
    gap = n.value("derived.gap_to_goal")
    return isinstance(gap, float) and gap <= 0


def _reality(n: _Numbers, targets: Targets) -> list[Question]:
    tenure = n.value("tenure_months")
    cover = (
        "how much of next period's number does it build?"
        if _closed(n)
        else "does it cover your gap?"
    )
    ask = (
        f"You have {n.show('pipeline.open_pipeline')} in open pipeline and win about "
        f"{n.show('pipeline.win_rate')} of your deals. What will that pipeline bring in, and "
        f"{cover}"
        if n.known("pipeline.open_pipeline", "pipeline.win_rate")
        else "What is your open pipeline and your win rate, and what will that pipeline "
        f"bring in? {cover[0].upper()}{cover[1:]}"
    )
    calls = "derived.calls_vs_plan"
    out = [
        Question(stage="reality", ask=ask, expect=_coverage_answer(n)),
        Question(
            stage="reality",
            ask="How many calls a day have you made this period, and what does your plan ask for?",
            expect=f"{n.show('activity.calls_per_day')} against "
            f"{_plan(targets.calls_per_day, tenure, targets, 'a plan of ')}: "
            f"{n.show(calls)} of plan."
            if n.known(calls)
            else n.missing(calls),
        ),
    ]
    if n.known("derived.meetings_vs_plan"):
        plan = _plan(targets.meetings_per_week, tenure, targets)
        out.append(
            Question(
                stage="reality",
                ask="How many meetings did you book a week, and how many does your plan need?",
                expect=f"{n.show('activity.meetings_per_week')} against {plan}: "
                f"{n.show('derived.meetings_vs_plan')} of plan.",
            )
        )
    return out


def _gap_answer(n: _Numbers) -> str:
    """Gap to goal as the rep should work it out; money never negative in words."""
    terms = (
        f"quota {n.show('pipeline.quota')} - closed-won {n.show('pipeline.closed_won')} - "
        f"commit {n.show('pipeline.commit')}"
    )
    gap = n.value("derived.gap_to_goal") or 0.0
    if gap > 0:
        return f"Gap to goal {n.show('derived.gap_to_goal')} = {terms}."
    text = f"No gap left: {terms} leaves nothing to close ({_over_quota(-gap)})."
    quota, closed = n.value("pipeline.quota"), n.value("pipeline.closed_won")
    if quota is not None and closed is not None and closed < quota:
        short = show("pipeline.quota", quota - closed)
        text += f" Until the commit closes, closed-won is still {short} short of quota."
    return text


def _coverage_answer(n: _Numbers) -> str:
    if not n.known("derived.expected_from_pipeline", "derived.gap_to_goal"):
        return n.missing("derived.pipeline_shortfall")
    if (n.value("derived.gap_to_goal") or 0.0) <= 0:
        return (
            f"No gap left to cover: the {n.show('pipeline.open_pipeline')} of open pipeline "
            "builds the next period's number."
        )
    text = (
        f"Expected {n.show('derived.expected_from_pipeline')} against a gap of "
        f"{n.show('derived.gap_to_goal')}; shortfall {n.show('derived.pipeline_shortfall')}."
    )
    if n.known("derived.coverage"):
        text += (
            f" Coverage {n.show('derived.coverage')} against the "
            f"{n.show('derived.required_coverage')} this win rate needs; pipeline needed "
            f"{n.show('derived.pipeline_needed')}."
        )
    return text


def _plan(full: float | None, tenure: float | None, targets: Targets, plain: str = "") -> str:
    """The ramp-adjusted plan, as the derived quantities use it, said as one while ramping
    ("a ramp plan of 13.3 (33.3% of the full 40)") so the share beside it adds up."""
    if full is None:
        return f"{plain}unknown"
    factor = ramp_factor(tenure, targets.ramp_months)
    if factor >= 1.0:
        return f"{plain}{full:g}"
    share = show("derived.ramp_share", factor)
    return f"a ramp plan of {round(full * factor, 1):g} ({share} of the full {full:g})"

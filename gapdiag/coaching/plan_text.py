"""Render a CoachingPlan as plain text, Markdown or HTML: one content, three forms.

The plan is first laid out as blocks (headings, paragraphs, lists, tables), then each
form writes the same blocks, so the HTML plan holds everything the Markdown plan does
(escalation, trends, drills, the GROW sheets, every week of the calendar). Plain text
writes the calendar week by week with each session's first sentence; its full text is in
the Markdown, the HTML and the ``.ics``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from itertools import groupby
from typing import TYPE_CHECKING, Literal

from gapdiag.coaching.agenda import ACCOUNTABILITY_UNSURE, NEVER_NEGATIVE
from gapdiag.coaching.blocks import (
    Block,
    Heading,
    Items,
    Para,
    Table,
    as_html,
    as_markdown,
    as_text,
)
from gapdiag.coaching.decision import ACTIONS
from gapdiag.coaching.escalation import Escalation
from gapdiag.coaching.trends import trend_text
from gapdiag.coaching.units import across_weeks
from gapdiag.model._text import one_line
from gapdiag.model.diagnosis import Diagnosis
from gapdiag.model.errors import InvalidArgument
from gapdiag.model.labels import label_of, sentence, show
from gapdiag.model.standing import NOT_BEHIND
from gapdiag.model.wording import (
    counterfactual_text,
    day,
    humanize,
    labelled,
    long_day,
    reading,
)
from gapdiag.model.wording import standing_text as standing_words
from gapdiag.rulebook.interventions import floor_words

if TYPE_CHECKING:
    from gapdiag.coaching.cadence import Session
    from gapdiag.coaching.plan import CoachingPlan
    from gapdiag.coaching.playbook import Watch

Format = Literal["text", "markdown", "html"]


def render(plan: CoachingPlan, *, fmt: Format = "text") -> str:
    """The whole plan, section by section.

    Raises:
        InvalidArgument: `fmt` is not "text", "markdown" or "html".
    """
    writers: dict[str, Callable[[Sequence[Block]], str]] = {
        "text": as_text,
        "markdown": as_markdown,
        "html": as_html,
    }
    if fmt not in writers:
        raise InvalidArgument(f"fmt: {fmt!r} is not one of text, markdown, html")
    return writers[fmt](blocks(plan))


def blocks(plan: CoachingPlan) -> list[Block]:
    """The plan laid out once, for every form."""
    title = f"Coaching plan for {one_line(plan.rep_id)}, starting {long_day(plan.start)}"
    out: list[Block] = [Heading(title, 1)]
    out += _standing(plan)
    out += _focus(plan)
    if plan.focus is not None:
        out += _coach(plan)
    out += _so_far(plan)
    if plan.escalation is not None:  # the decision the weeks of coaching call for, before
        out += _escalation(plan, plan.escalation)  # the 1:1 sheets and the calendar
    out += _agenda(plan)
    out += _calendar(plan)
    manager = plan.manager
    status = {"flagged": " (flagged)", "unknown": " (not recorded)"}.get(manager.status, "")
    out += [Heading("Manager check"), Para(f"Manager coaching time{status}: {manager.note}")]
    if plan.openings:
        out += [
            Heading("Scorecard: largest disagreements first"),
            Items(tuple(o.note for o in plan.openings)),
        ]
    return out


def _standing(plan: CoachingPlan) -> list[Block]:
    when = f" Figures as of {long_day(plan.as_of)}." if plan.as_of is not None else ""
    if plan.as_of is not None and plan.as_of > plan.start:  # likely a slip in the start date
        when = (
            f"{when[:-1]}, after this plan's start on {long_day(plan.start)}: its first sessions"
            " come before the figures they are built on; check the start date."
        )
    end = plan.diagnosis.period_end
    if end is not None and end < plan.start and (plan.as_of is None or plan.as_of < end):
        ended = f" The period these figures describe ended on {long_day(end)}, before this plan"
        read = _READ_OPEN.get(plan.standing.settled_by or "")
        if plan.standing.status == "behind" or read is None:
            when += (
                f"{ended} starts: nothing in it is left to close, and the goals below are for"
                " the weeks ahead."
            )
        else:  # on track by what was still open then: that part may never have closed
            undated = plan.as_of is None
            when += (
                f"{ended} starts, and the figures "
                f"{'give no day they run to' if undated else 'run to an earlier day'}: the "
                f"standing above {read}. Collect the period's final closed-won"
                f"{' (or the day the figures run to)' if undated else ''} to see where the rep"
                " ended."
            )
    return [Heading("Where the rep stands"), Para(standing_words(plan.standing) + when)]


_READ_OPEN = {
    "pipeline": "counts pipeline that was still open then",
    "commit": "counts commit that had not closed then",
    "pace": "reads the pace on that day",
}
"""What a standing settled before the period ended rests on, for a plan that starts after it."""


def _focus(plan: CoachingPlan) -> list[Block]:
    d = plan.diagnosis
    out: list[Block] = [Heading("Focus this quarter")]
    lines: list[str] = []
    if plan.focus is None:
        lines.append(_no_focus(plan))
    else:
        focus = plan.focus
        who = (
            "the manager (fix the system)"
            if focus.owner == "manager"
            else "the rep, coached weekly"
        )
        lines += [f"Gap: {focus.reason}.", f"Who acts: {who}."]
        if focus.goal is not None:
            lines.append(f"Goal: {focus.goal.text} (from {focus.goal.origin()}).")
        else:
            lines.append(
                "Goal: no metric behind this gap has a known value; collect the indicators."
            )
        rep = plan.rep_focus
        if rep is not None:
            goal = f" Goal: {rep.goal.text}." if rep.goal is not None else ""
            lines.append(f"Alongside, the rep's own gap: {rep.reason}.{goal}")
    if plan.coverage is not None:
        lines.append(f"Coverage: {plan.coverage.text}")
    lines.append(f"Focus rule: {plan.focus_rule}")
    lines += _tree_line(d)
    if d.pip_blocked:
        lines.append(
            "A system gap is confirmed or suspected: no PIP may be considered while it stands."
        )
    out += [Para(line) for line in lines]
    if plan.distortions:
        out.append(Items(tuple(x.text for x in plan.distortions), "Numbers a system fault skews:"))
    if plan.clears:
        gap = plan.clears[0].gap
        out.append(
            Items(
                tuple(counterfactual_text(c) for c in plan.clears),
                f"What would clear the {gap} gap (each checked by diagnosing the changed rep "
                "again):",
            )
        )
    return out


def _no_focus(plan: CoachingPlan) -> str:
    d = plan.diagnosis
    if plan.standing.status in ("ahead", "on_track"):
        return (
            f"No focus: {d.rep_id} is {sentence(plan.standing.status.replace('_', ' ')).lower()} "
            "on the number, so there is no gap to coach this period. Keep the regular 1:1."
        )
    if plan.since is not None and plan.escalation is not None:
        return (
            f"No focus: no gap is confirmed or suspected for {d.rep_id} now, so no new focus "
            f"is set; the coaching since {long_day(plan.since)} is weighed below. Collect "
            "what the diagnosis lacks."
        )
    return (
        f"No focus: no gap is confirmed or suspected for {d.rep_id}, so there is no coaching "
        "plan to run. Keep the regular 1:1 and collect what the diagnosis lacks."
    )


def _tree_line(d: Diagnosis) -> list[str]:
    """The decision tree's end in its own words (its reason, or the question it could not
    answer), and whether it agrees with the rules; node and leaf ids stay in the JSON."""
    if d.tree_leaf is not None:
        if d.tree_agrees:
            verdict = "agrees with the rules"
        elif d.primary_gap is None and d.standing.status in NOT_BEHIND:
            verdict = "the rep is not behind, so no gap is named"
        else:
            verdict = "disagrees with the rules: weigh both before the 1:1"
        reason = humanize(d.tree_leaf.reason).rstrip(".")
        return [f"Decision tree: ends at {d.tree_leaf.gap or 'no gap'} ({verdict}): {reason}."]
    if d.tree_stop is not None and d.tree_stop.needs:
        stop = d.tree_stop
        wanted = ", ".join(label_of(n).label for n in stop.needs)
        asked = next((humanize(s.question) for s in d.tree_path if s.node == stop.node), None)
        where = f" at its question '{asked}'" if asked else ""
        gaps = list(dict.fromkeys(leaf.gap or "no gap" for leaf in stop.possible))
        still = f" (still possible: {', '.join(gaps)})" if gaps else ""
        return [f"Decision tree: stopped{where} for lack of data{still}; collect {wanted}."]
    return []


def _coach(plan: CoachingPlan) -> list[Block]:
    out: list[Block] = [Heading("How to coach it"), Para(f"Approach: {plan.approach}")]
    if plan.skill_note:
        out.append(Para(plan.skill_note))
    if plan.drills:
        out.append(
            Items(
                tuple(
                    f"{d.name} ({d.minutes} min): {d.how} Look for: {d.look_for}"
                    for d in plan.drills
                ),
                "This skill's drill:",
            )
        )
    if plan.actions:
        out.append(Items(plan.actions, "Manager actions:"))
    quota = plan.standing.quota
    if plan.fair_quota is not None and quota:
        size = show("territory.territory_size_vs_team", plan.fair_quota / quota)
        fair, now = show("pipeline.quota", plan.fair_quota), show("pipeline.quota", quota)
        out.append(
            Para(
                f"In proportion to its size ({size} the team average), this territory's quota "
                f"would be {fair}, not {now}: the figure to take to your own manager."
            )
        )
    out.append(Items(tuple(_watch(plan, w) for w in plan.watch), "Leading indicators to watch:"))
    return out


def _so_far(plan: CoachingPlan) -> list[Block]:
    a = plan.accountability
    out: list[Block] = [Heading("Coaching so far and accountability")]
    if plan.since is not None and (plan.rep_focus or plan.focus) is None:
        source = "as given" if plan.since_from == "given" else "the first 1:1 in the coaching log"
        out.append(
            Para(
                f"Coaching began {long_day(plan.since)} ({source}; {_coached_on(plan)}). No gap "
                "is named now, so no new focus carries it on; weeks of history before it are "
                "the baseline, not coaching."
            )
        )
    elif plan.since is not None:
        source = "as given" if plan.since_from == "given" else "the first 1:1 in the coaching log"
        out.append(
            Para(
                f"Coaching on this focus began {long_day(plan.since)} ({source}); weeks of "
                "history before it are the baseline, not coaching."
            )
        )
    else:
        why = "not given"
        if plan.log_focuses is not None:
            coached = plan.rep_focus or plan.focus
            gap = coached.gap if coached is not None else "this"
            named = ", ".join(plan.log_focuses)
            why = f"the coaching log has no 1:1 on the {gap} focus" + (
                f" (its 1:1s worked on {named})" if named else ""
            )
        out.append(
            Para(
                f"Coaching start: {why}. Until it is known (--since, or a coaching log), weeks "
                "of figures are not weeks of coaching and no escalation is judged."
            )
        )
    if plan.commitments:
        out.append(
            Items(
                tuple(
                    f"{day(c.date)}: {c.note}" + (f" (due {day(c.due)})" if c.due else "")
                    for c in plan.commitments
                ),
                "Commitments in the rep's words:",
            )
        )
    late = plan.since is not None and a.asked_on is not None and a.asked_on >= plan.start
    which = "the next 1:1 (no answer is recorded since coaching began)" if late else "the first 1:1"
    asked = f" at {which}, {long_day(a.asked_on)}" if a.asked_on else f" at {which}"
    answer = (
        f"{a.answer} (recorded {long_day(a.answered_on)})"
        if a.answer is not None and a.answered_on is not None
        else "not recorded yet: write the rep's words here and in the coaching log"
    )
    out += [Para(f"Ask{asked}: {a.ask}"), Para(f"The rep's answer: {answer}.")]
    if a.unsure:
        out.append(Para(ACCOUNTABILITY_UNSURE))
    return out


def _agenda(plan: CoachingPlan) -> list[Block]:
    agenda = plan.agenda
    out: list[Block] = [Heading("GROW 1:1: the rep's sheet")]
    for stage, questions in groupby(agenda.questions, key=lambda q: q.stage):
        out.append(Items(tuple(q.ask for q in questions), f"{stage.capitalize()}:"))
    out.append(Para(f"Commitment: {agenda.commitment}"))
    if agenda.redirects:
        out.append(
            Items(agenda.redirects, "When the rep blames the market, the leads or the price:")
        )
    out.append(Heading("GROW 1:1: the manager's answer sheet (the rep does the math)"))
    out.append(Items(tuple(f"{q.stage.capitalize()}: {q.expect}" for q in agenda.questions)))
    numbers = "; ".join(
        f"{sentence(label_of(f.name).label)}: {f.shown}"
        if f.name in NEVER_NEGATIVE or f.value is None
        else labelled(f.name, f.value)
        for f in agenda.figures
    )
    out.append(Para(f"Numbers: {numbers}"))
    return out


def _calendar(plan: CoachingPlan) -> list[Block]:
    if not plan.sessions:
        return []
    out: list[Block] = [Heading("Calendar"), Para(plan.time_zone_note)]
    if plan.phases:
        out.append(
            Items(
                tuple(f"{p.name} (days {p.first_day}-{p.last_day}): {p.what}" for p in plan.phases)
            )
        )
    moved = tuple(
        f"{s.title}: {day(s.moved_from)} is {_off(s.moved_because)}, so it moves to "
        f"{day(s.date)}, not cancelled."
        for s in plan.sessions
        if s.moved_from is not None
    )
    if moved:
        out.append(Items(moved, "Sessions moved off a day off:"))
    head = ("week", "date", "time", "minutes", "who", "session", "what")
    rows = tuple(
        (
            str(s.week),
            long_day(s.date),
            f"{s.start:%H:%M}",
            str(s.minutes),
            s.who,
            s.title,
            s.detail + (f" (moved from {day(s.moved_from)})" if s.moved_from else ""),
        )
        for s in plan.sessions
    )
    lines: list[str] = []
    for week, sessions in groupby(plan.sessions, key=lambda s: s.week):
        lines.append(f"Week {week}:")
        lines += [f"  {_session_line(s)}" for s in sessions]
    lines.append("Each session's full text is in the Markdown and HTML plans and the .ics export.")
    out.append(Table(head, rows, tuple(lines)))
    return out


def _off(because: str | None) -> str:
    return "a weekend" if because in (None, "a weekend") else f"a public holiday ({because})"


def _session_line(s: Session) -> str:
    first = s.detail.split(". ")[0].rstrip(".")
    moved = f"; moved from {day(s.moved_from)}" if s.moved_from else ""
    return f"{day(s.date)} {s.start:%H:%M} ({s.minutes} min, {s.who}{moved}) {s.title}: {first}."


def _coached_on(plan: CoachingPlan, *, short: bool = False) -> str:
    """What the coaching so far was on, for a plan that sets no focus now: 'on will' from
    the coaching log's 1:1s, else that it is not recorded."""
    if plan.log_focuses:
        return f"on {', '.join(plan.log_focuses)}"
    if short:
        return "its focus not recorded"
    return "what it was on is not recorded: a coaching log names it"


def _escalation(plan: CoachingPlan, e: Escalation) -> list[Block]:
    facts = {"tenure_months": plan.tenure_months}
    if e.since is None:
        weeks = "1 week" if e.weeks_recorded == 1 else f"{e.weeks_recorded} weeks"
        title = f"Trends over {weeks} of figures (no coaching start: no decision)"
    else:
        weeks = "1 week" if e.weeks_coached == 1 else f"{e.weeks_coached} weeks"
        title = f"After {weeks} of coaching: {ACTIONS[e.action]}"
        if (plan.rep_focus or plan.focus) is None:  # say what the coaching was on
            on = _coached_on(plan, short=True)
            title = f"After {weeks} of coaching since {day(e.since)} ({on}): {ACTIONS[e.action]}"
    out: list[Block] = [Heading(title), Para(e.reason)]
    if e.missing_weeks:
        out.append(
            Para("Weeks with no record: " + ", ".join(day(w) for w in e.missing_weeks) + ".")
        )
    shown = [t for t in e.trends if t.weeks_observed]
    unseen = [
        label_of(across_weeks(t.metric, None, facts, plan.targets)[0]).label
        for t in e.trends
        if not t.weeks_observed
    ]
    out.append(
        Items(
            tuple(trend_text(t, facts, plan.targets) for t in shown),
            "Leading indicators, week by week:",
        )
    )
    if unseen:
        out.append(Para(f"No weekly values in the history for: {', '.join(unseen)}."))
    out.append(Para(f"Ownership signal: {trend_text(e.ownership, facts, plan.targets)}"))
    return out


def _watch(plan: CoachingPlan, w: Watch) -> str:
    name, now, target = watch_cells(plan, w)
    better = "higher" if w.better == "higher" else "lower"
    facts = {"tenure_months": plan.tenure_months}  # the floor in the line's unit, as its target
    floor = floor_words(*across_weeks(w.metric, w.floor, facts, plan.targets), w.better)
    return f"{name}: now {now}{latest_week(plan, w)}, target {target} ({better} is better{floor})"


def latest_week(plan: CoachingPlan, w: Watch) -> str:
    """' over the period (latest week 0.7x)' where the history's latest week reads otherwise
    than the period's figure the plan speaks with; '' where it does not."""
    if w.latest_week is None:
        return ""
    facts = {"tenure_months": plan.tenure_months}
    path, value = across_weeks(w.metric, w.latest_week, facts, plan.targets)
    (text,) = reading(path, value)
    return f" over the period (latest week {text})"


def watch_cells(plan: CoachingPlan, w: Watch) -> tuple[str, str, str]:
    """A watched indicator's name, value now and target, in the rep's plan units."""
    facts = {"tenure_months": plan.tenure_months}
    path, now = across_weeks(w.metric, w.current, facts, plan.targets)
    _, target = across_weeks(w.metric, w.target, facts, plan.targets)
    now_text, target_text = reading(path, now, target)
    if label_of(path).unit == "yes/no":  # a flag watched as 1/0 reads yes or no
        now_text, target_text = (_yes(v) for v in (now, target))
    return sentence(label_of(path).label), now_text, target_text


def _yes(value: object) -> str:
    return "unknown" if value is None else "yes" if value else "no"

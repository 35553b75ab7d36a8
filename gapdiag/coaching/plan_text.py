"""Render a CoachingPlan as plain text or Markdown for the manager."""

from __future__ import annotations

from itertools import groupby
from typing import TYPE_CHECKING, Literal

from gapdiag.coaching.cadence import to_markdown
from gapdiag.coaching.escalation import Escalation
from gapdiag.coaching.history import Trend
from gapdiag.coaching.playbook import show
from gapdiag.model.diagnosis import Diagnosis
from gapdiag.model.errors import InvalidArgument

if TYPE_CHECKING:
    from gapdiag.coaching.plan import CoachingPlan

_STAGES = ("goal", "reality", "options", "will")


def render(plan: CoachingPlan, *, fmt: Literal["text", "markdown"] = "text") -> str:
    """The whole plan, section by section.

    Raises:
        InvalidArgument: `fmt` is neither "text" nor "markdown".
    """
    if fmt not in ("text", "markdown"):
        raise InvalidArgument(f"fmt: {fmt!r} is not one of text, markdown")
    md = fmt == "markdown"
    title = f"Coaching plan for {plan.rep_id}, starting {plan.start}"
    lines = [f"# {title}" if md else title, "", *_focus(plan, md)]
    if plan.focus is not None:
        lines += _approach(plan, md)
    lines += _agenda(plan, md)
    lines += _calendar(plan, md)
    if plan.escalation is not None:
        lines += _escalation(plan.escalation, md)
    lines += [_heading("Manager check", md), f"{plan.manager.status}: {plan.manager.note}", ""]
    if plan.openings:
        lines.append(_heading("Scorecard: largest disagreements first", md))
        lines += [f"- {o.note}" for o in plan.openings] + [""]
    return "\n".join(lines).rstrip() + "\n"


def _heading(text: str, md: bool) -> str:
    return f"## {text}" if md else f"{text}\n{'-' * len(text)}"


def _focus(plan: CoachingPlan, md: bool) -> list[str]:
    d = plan.diagnosis
    out = [_heading("Focus this quarter", md)]
    if plan.focus is None:
        out.append(
            f"No focus: no gap is confirmed or suspected for {d.rep_id}, so there is no "
            "coaching plan to run. Keep the regular 1:1 and collect what the diagnosis lacks."
        )
        out += _coverage_lines(plan)
        return [*out, f"Focus rule: {plan.focus_rule}", *_tree_line(d), ""]
    focus = plan.focus
    who = "the manager (fix the system)" if focus.owner == "manager" else "the rep, coached weekly"
    out += [f"Gap: {focus.reason}.", f"Who acts: {who}."]
    if focus.goal is not None:
        out.append(f"Goal: {focus.goal.text} (from {focus.goal.source}).")
    else:
        out.append("Goal: no metric behind this gap has a known value; collect the indicators.")
    out += _alongside_lines(plan) + _coverage_lines(plan)
    out.append(f"Focus rule: {plan.focus_rule}")
    out.extend(_tree_line(d))
    if d.pip_blocked:
        out.append(
            "A system gap is confirmed or suspected: no PIP may be considered while it stands."
        )
    return [*out, ""]


def _alongside_lines(plan: CoachingPlan) -> list[str]:
    """The rep's own gap, coached while the manager fixes the system."""
    rep = plan.rep_focus
    if rep is None:
        return []
    goal = f" Goal: {rep.goal.text}." if rep.goal is not None else ""
    return [f"Alongside, the rep's own gap: {rep.reason}.{goal}"]


def _coverage_lines(plan: CoachingPlan) -> list[str]:
    """The coverage focus: a pipeline that will not close the gap, whoever's gap it is."""
    return [f"Coverage: {plan.coverage.text}"] if plan.coverage is not None else []


def _tree_line(d: Diagnosis) -> list[str]:
    """The decision tree's end, and whether it agrees with the focus's diagnosis."""
    if d.tree_leaf is not None:
        verdict = "agrees" if d.tree_agrees else "disagrees: weigh both before the 1:1"
        return [
            f"Decision tree: ends at {d.tree_leaf.id} ({d.tree_leaf.gap or 'no gap'}); {verdict}."
        ]
    if d.tree_stop is not None and d.tree_stop.needs:
        return [
            f"Decision tree: stopped at {d.tree_stop.node}; collect {', '.join(d.tree_stop.needs)}."
        ]
    return []


def _approach(plan: CoachingPlan, md: bool) -> list[str]:
    out = [_heading("How to coach it", md), f"Approach: {plan.approach}", ""]
    if plan.drills:
        out.append("Drills:")
        out += [
            f"- {d.name} ({d.minutes} min): {d.how} Look for: {d.look_for}" for d in plan.drills
        ]
    if plan.actions:
        out.append("Manager actions:")
        out += [f"- {a}" for a in plan.actions]
    out.append("Leading indicators to watch:")
    out += [
        f"- {w.metric}: now {show(w.metric, w.current)}, target {show(w.metric, w.target)} "
        f"({w.better} is better)"
        for w in plan.watch
    ]
    return [*out, ""]


def _agenda(plan: CoachingPlan, md: bool) -> list[str]:
    agenda = plan.agenda
    out = [_heading("GROW 1:1: the rep's sheet", md)]
    for stage, questions in groupby(agenda.questions, key=lambda q: q.stage):
        out.append(f"{stage.capitalize()}:")
        out += [f"- {q.ask}" for q in questions]
    out += [f"Commitment: {agenda.commitment}", ""]
    if agenda.redirects:
        out.append("When the rep blames the market, the leads or the price:")
        out += [f"- {r}" for r in agenda.redirects] + [""]
    out.append(_heading("GROW 1:1: the manager's answer sheet (the rep does the math)", md))
    out += [f"- {q.stage.capitalize()}: {q.expect}" for q in agenda.questions]
    out.append("Numbers: " + "; ".join(f"{f.name} {f.shown}" for f in agenda.figures))
    return [*out, ""]


def _calendar(plan: CoachingPlan, md: bool) -> list[str]:
    if not plan.sessions:
        return []
    if md:
        return [to_markdown(plan.sessions, title="Calendar")]
    out = [_heading("Calendar", False)]
    out += [f"- {p.name} (days {p.first_day}-{p.last_day}): {p.what}" for p in plan.phases]
    for week, sessions in groupby(plan.sessions, key=lambda s: s.week):
        out.append(f"Week {week}:")
        out += [
            f"  {s.date:%a} {s.date} {s.start:%H:%M} ({s.minutes} min, {s.who}) {s.title}"
            + (f": {s.detail.split('. ')[0]}" if s.kind == "drill" else "")
            for s in sessions
        ]
    return [*out, "Each session's full text is in the .ics export and the Markdown output.", ""]


def _escalation(e: Escalation, md: bool) -> list[str]:
    out = [_heading(f"After {e.weeks_coached} week(s) of coaching: {e.action}", md), e.reason]
    if e.missing_weeks:
        out.append("Weeks with no record: " + ", ".join(str(w) for w in e.missing_weeks) + ".")
    out.append("Leading indicators:")
    out += [f"- {_trend(t)}" for t in e.trends]
    out.append(f"Ownership signal: {_trend(e.ownership)}")
    return [*out, ""]


def _trend(t: Trend) -> str:
    if t.weeks_observed == 0:
        return f"{t.metric}: not recorded"
    slope = f", {t.slope:+.3g} a week" if t.slope is not None else ""
    latest = show(t.metric, t.latest)
    return (
        f"{t.metric}: {t.direction}{slope} over {t.weeks_observed} week(s); latest {latest}, "
        f"target {show(t.metric, t.target)}"
    )

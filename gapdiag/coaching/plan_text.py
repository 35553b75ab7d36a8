"""Render a CoachingPlan as plain text or Markdown for the manager."""

from __future__ import annotations

from html import escape
from itertools import groupby
from typing import TYPE_CHECKING, Literal

from gapdiag.coaching.cadence import to_markdown
from gapdiag.coaching.escalation import Escalation
from gapdiag.coaching.history import Trend
from gapdiag.coaching.units import in_plan_units
from gapdiag.model import _text
from gapdiag.model.diagnosis import Diagnosis
from gapdiag.model.errors import InvalidArgument
from gapdiag.model.labels import label_of, sentence, show_step
from gapdiag.model.wording import day, labelled, long_day, reading

if TYPE_CHECKING:
    from gapdiag.coaching.plan import CoachingPlan
    from gapdiag.coaching.playbook import Watch

_STAGES = ("goal", "reality", "options", "will")


def render(plan: CoachingPlan, *, fmt: Literal["text", "markdown"] = "text") -> str:
    """The whole plan, section by section.

    Raises:
        InvalidArgument: `fmt` is neither "text" nor "markdown".
    """
    if fmt not in ("text", "markdown"):
        raise InvalidArgument(f"fmt: {fmt!r} is not one of text, markdown")
    md = fmt == "markdown"
    safe = _escaped if md else list
    title = f"Coaching plan for {plan.rep_id}, starting {long_day(plan.start)}"
    lines = safe([f"# {title}" if md else title, "", *_focus(plan, md)])
    if plan.focus is not None:
        lines += safe(_approach(plan, md))
    lines += safe(_agenda(plan, md))
    lines += _calendar(plan, md)  # its Markdown table escapes its own cells
    if plan.escalation is not None:
        lines += safe(_escalation(plan, plan.escalation, md))
    tail = [_heading("Manager check", md), f"{plan.manager.status}: {plan.manager.note}", ""]
    if plan.openings:
        tail.append(_heading("Scorecard: largest disagreements first", md))
        tail += [f"- {o.note}" for o in plan.openings] + [""]
    lines += safe(tail)
    return "\n".join(lines).rstrip() + "\n"


def _escaped(lines: list[str]) -> list[str]:
    """Markdown lines whose text (not their heading or list marker) is escaped."""
    out = []
    for line in lines:
        text = line.lstrip(" ")
        marker = next((m for m in ("# ", "## ", "- ") if text.startswith(m)), "")
        indent = line[: len(line) - len(text)]
        out.append(indent + marker + _text.markdown(text[len(marker) :]))
    return out


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
        wanted = ", ".join(label_of(n).label for n in d.tree_stop.needs)
        return [f"Decision tree: stopped at {d.tree_stop.node}; collect {wanted}."]
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
    out += [_watch(plan, w) for w in plan.watch]
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
    out.append("Numbers: " + "; ".join(labelled(f.name, f.value) for f in agenda.figures))
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
            f"  {day(s.date)} {s.start:%H:%M} ({s.minutes} min, {s.who}) {s.title}"
            + (f": {s.detail.split('. ')[0]}" if s.kind == "drill" else "")
            for s in sessions
        ]
    return [*out, "Each session's full text is in the .ics export and the Markdown output.", ""]


def _escalation(plan: CoachingPlan, e: Escalation, md: bool) -> list[str]:
    weeks = "1 week" if e.weeks_coached == 1 else f"{e.weeks_coached} weeks"
    out = [_heading(f"After {weeks} of coaching: {e.action}", md), e.reason]
    if e.missing_weeks:
        out.append("Weeks with no record: " + ", ".join(day(w) for w in e.missing_weeks) + ".")
    out.append("Leading indicators:")
    out += [f"- {_trend(t, plan)}" for t in e.trends]
    out.append(f"Ownership signal: {_trend(e.ownership, plan)}")
    return [*out, ""]


def _watch(plan: CoachingPlan, w: Watch) -> str:
    name, now, target = _watch_cells(plan, w)
    return f"- {name}: now {now}, target {target} ({w.better} is better)"


def _trend(t: Trend, plan: CoachingPlan) -> str:
    facts = {"tenure_months": plan.tenure_months}
    path, latest = in_plan_units(t.metric, t.latest, facts, plan.targets)
    name = sentence(label_of(path).label)
    if t.weeks_observed == 0:
        return f"{name}: not recorded"
    slope = ""
    if t.slope is not None:
        step = in_plan_units(t.metric, t.slope, facts, plan.targets)[1]
        slope = f", {show_step(path, float(step or 0.0))} a week"
    target = in_plan_units(t.metric, t.target, facts, plan.targets)[1]
    latest_text, target_text = reading(path, latest, target)
    weeks = "1 week" if t.weeks_observed == 1 else f"{t.weeks_observed} weeks"
    return f"{name}: {t.direction}{slope} over {weeks}; latest {latest_text}, target {target_text}"


_CELL = "padding:2px 6px;text-align:left;vertical-align:top;border-bottom:1px solid #ddd"


def to_html(plan: CoachingPlan) -> str:
    """The plan's essentials as one HTML fragment: focus, goal, indicators, first week."""
    parts = [
        '<div class="gapdiag-plan" style="font-family:sans-serif;font-size:13px;max-width:100%">',
        f"<h3 style='margin:4px 0'>Coaching plan for {escape(plan.rep_id)}</h3>",
        f"<p style='margin:2px 0;color:#555'>Starting {escape(long_day(plan.start))}</p>",
    ]
    focus = plan.focus
    if focus is None:
        parts.append("<p>No focus: no gap is confirmed or suspected.</p>")
    else:
        goal = focus.goal.text if focus.goal is not None else "no measurable goal yet"
        parts.append(f"<p><b>Focus:</b> {escape(focus.reason)}<br><b>Goal:</b> {escape(goal)}</p>")
        if plan.approach:
            parts.append(f"<p><b>Approach:</b> {escape(plan.approach)}</p>")
    rows = "".join(
        "<tr>"
        + "".join(f"<td style='{_CELL}'>{escape(c)}</td>" for c in _watch_cells(plan, w))
        + "</tr>"
        for w in plan.watch
    )
    if rows:
        head = "".join(f"<th style='{_CELL}'>{h}</th>" for h in ("indicator", "now", "target"))
        parts.append(
            "<h4 style='margin:8px 0 2px'>Leading indicators</h4>"
            f"<table style='border-collapse:collapse'><tr>{head}</tr>{rows}</table>"
        )
    first = [s for s in plan.sessions if s.week == 1]
    if first:
        items = "".join(
            f"<li>{escape(day(s.date))} {s.start:%H:%M}: {escape(s.title)}</li>" for s in first
        )
        parts.append(f"<h4 style='margin:8px 0 2px'>Week 1</h4><ul>{items}</ul>")
    parts.append(
        f"<p style='color:#555'>{escape(plan.manager.status)}: {escape(plan.manager.note)}</p>"
    )
    return "".join(parts) + "</div>"


def _watch_cells(plan: CoachingPlan, w: Watch) -> tuple[str, str, str]:
    facts = {"tenure_months": plan.tenure_months}
    path, now = in_plan_units(w.metric, w.current, facts, plan.targets)
    _, target = in_plan_units(w.metric, w.target, facts, plan.targets)
    now_text, target_text = reading(path, now, target)
    return sentence(label_of(path).label), now_text, target_text

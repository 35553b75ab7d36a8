"""One rep's full diagnosis section: verdicts, evidence against thresholds, tree path, trends.

The section's id is the rep's anchor (``rep-<input row>``), so a rep line links to it and
the id stays unique and safe whatever the rep id holds. Every input or rule-pack string is
escaped.
"""

from __future__ import annotations

from html import escape

from gapdiag.model.diagnosis import Check, Diagnosis, Evidence, TreeStep
from gapdiag.notebook.explain import headline
from gapdiag.notebook.report import _words as w
from gapdiag.notebook.report.assemble import RepLine


def rep_section(rep: RepLine, team_anchor: str, *, brief: bool = False) -> str:
    """The rep's detail section, linked back to the team's rep list.

    Brief (for very large reports) keeps the verdicts, the focus gap's because-texts, the
    tree's questions and answers and what is still open; it leaves out the focus paragraph
    (the rep line has it), the other gaps' evidence and the checks behind each rule.
    """
    d = rep.diagnosis
    period = "" if brief else f"<small>{escape(rep.team)}{_period(d)}</small>"
    parts = [
        f'<article class="rep" id="{rep.anchor}" data-verdicts="{_data(d)}">',
        f"<h4>{escape(rep.rep_id)} {period}"
        f' <a class="noprint" href="#{team_anchor}-reps">↑ team</a></h4>',
        "" if d.primary_gap else f"<p>{escape(headline(d))}</p>",
        _verdicts(rep),
        _pip(d, brief=True) if brief else _focus(rep),
        _evidence(d, only=(rep.focus.gap if rep.focus else "none") if brief else None),
        _tree_brief(d) if brief else _tree(d),
        _open(d, most=3 if brief else None),
        _escalation(rep),
        "</article>",
    ]
    return "".join(parts)


def _period(d: Diagnosis) -> str:
    if d.period_start and d.period_end:
        return f" · {d.period_start} to {d.period_end}"
    return ""


def _data(d: Diagnosis) -> str:
    """Every verdict as 'gap confidence status', ';'-separated: the numbers, machine-readable."""
    return ";".join(f"{v.gap} {v.confidence!r} {v.status}" for v in d.verdicts)


def _verdicts(rep: RepLine) -> str:
    """Every gap's status and confidence on one line (the rep line has the focus gap's bar)."""
    items = " · ".join(
        f'<b class="{v.status}">{w.STATUS_ICONS[v.status]} {w.GAP_WORDS[v.gap]} '
        f"{w.STATUS_WORDS[v.status]} {v.confidence:.0%}</b>"
        for v in rep.diagnosis.verdicts
    )
    return f'<p class="vd">{items}</p>'


def _focus(rep: RepLine) -> str:
    focus = rep.focus
    out = []
    if focus is not None:
        owner = "the manager acts" if focus.owner == "manager" else "the rep acts"
        line = f"<p><strong>Focus:</strong> {w.GAP_WORDS[focus.gap]} ({owner})"
        goal = focus.goal
        if goal is not None:
            line += (
                f". Move {w.label(goal.metric).lower()} from {w.value(goal.metric, goal.current)}"
                f" to {w.value(goal.metric, goal.target)} by week {goal.by_week}"
            )
        if rep.first_action:
            line += f". First: {escape(rep.first_action.rstrip('.'))}"
        out.append(line + ".</p>")
    out.append(_pip(rep.diagnosis))
    return "".join(out)


def _pip(d: Diagnosis, *, brief: bool = False) -> str:
    if not d.pip_blocked:
        return ""
    if brief:
        return '<p class="off">⚠ System gap confirmed: no PIP while it stands.</p>'
    return (
        '<p class="off"><strong>⚠ A system gap is confirmed:</strong> fix the system '
        "first; no PIP may be considered while it stands.</p>"
    )


def _evidence(d: Diagnosis, *, only: str | None = None) -> str:
    """Fired rules grouped by gap and side: each because-text with its checks.

    `only` keeps one gap's evidence ('none' keeps none) and counts the rules left out.
    """
    items: list[str] = []
    left_out = 0
    for v in d.verdicts:
        if only is not None and v.gap != only:
            left_out += len(v.evidence) + len(v.counter_evidence)
            continue
        for side, group in (("For", v.evidence), ("Against", v.counter_evidence)):
            if not group:
                continue
            if only is None:  # full: one item per rule, with its comparisons
                items.extend(
                    f"<li><b>{side} {v.gap}</b> <small>({e.certainty:+.2f})</small>: "
                    f"{_evidence_item(e, checks=True)}</li>"
                    for e in group
                )
            else:  # brief: the because-texts in one item
                texts = "; ".join(_evidence_item(e, checks=False) for e in group)
                items.append(f"<li><b>{side} {v.gap}</b>: {texts}</li>")
    if left_out:
        items.append(f"<li>{left_out} more fired rule(s) on other gaps (not shown here)</li>")
    if not items:
        return "<p>No rule fired.</p>"
    heading = "" if only is not None else "<h5>Evidence</h5>"
    return f'{heading}<ul class="evidence">{"".join(items)}</ul>'


def _evidence_item(e: Evidence, *, checks: bool) -> str:
    if not checks:
        return w.humanize(e.because)
    checks_text = "; ".join(_check(c) for c in e.checks)
    return w.humanize(e.because) + (f" <small>({checks_text})</small>" if checks_text else "")


def _check(c: Check) -> str:
    """A comparison: ✓/✗/? whether it holds, the observed value, and the threshold in words."""
    seen = f"{w.label(c.observed)} {w.value(c.observed, c.observed_value)}"
    if c.op is None:  # a true/false metric: its value is the whole check
        return f"{w.label(c.observed)}: {w.value(c.observed, c.observed_value)}"
    if c.threshold_value is None:
        return f"{w.TRUTH[c.result]} {seen}"
    threshold = w.value(c.observed, c.threshold_value)
    return f"{w.TRUTH[c.result]} {seen}, {w.operator(c.op)} {threshold}"


def _tree(d: Diagnosis) -> str:
    if not d.tree_path and d.tree_leaf is None:
        return ""
    steps = "".join(f"<li>{_step(s)}</li>" for s in d.tree_path)
    end = ""
    if d.tree_leaf is not None:
        gap = w.GAP_WORDS[d.tree_leaf.gap] if d.tree_leaf.gap else "no gap"
        end = f"<p>Ends at: <strong>{escape(gap)}</strong>. {w.humanize(d.tree_leaf.reason)}</p>"
    elif d.tree_stop is not None:
        needs = ", ".join(w.label(n).lower() for n in d.tree_stop.needs)
        end = f"<p>Stopped for lack of data: collect {needs or 'a value that is undefined'}.</p>"
    return f"<h5>Decision tree</h5><ol>{steps}</ol>{end}"


def _tree_brief(d: Diagnosis) -> str:
    """Where the tree's walk ended, in one line."""
    asked = f"{len(d.tree_path)} question(s)"
    if d.tree_leaf is not None:
        gap = w.GAP_WORDS[d.tree_leaf.gap] if d.tree_leaf.gap else "no gap"
        return f"<p><b>Decision tree:</b> {asked}, ends at {escape(gap)}.</p>"
    if d.tree_stop is not None:
        needs = ", ".join(w.label(n).lower() for n in d.tree_stop.needs) or "an undefined value"
        return f"<p><b>Decision tree:</b> {asked}, stopped for lack of {needs}.</p>"
    return ""


def _step(step: TreeStep) -> str:
    answer = {True: "yes", False: "no", None: "unknown"}[step.answer]
    checks = "; ".join(_check(c) for c in step.checks)
    return f"{w.humanize(step.question)} <strong>{answer}</strong>" + (
        f" <small>({checks})</small>" if checks else ""
    )


def _open(d: Diagnosis, *, most: int | None = None) -> str:
    needs = list(dict.fromkeys(n for u in d.undetermined for n in u.needs))
    if not needs:
        return ""
    names = ", ".join(w.label(n).lower() for n in needs[:most])
    if most is not None and len(needs) > most:
        names += f" and {len(needs) - most} more"
    return f"<p><strong>Still open:</strong> {len(d.undetermined)} rule(s) need {names}.</p>"


def _escalation(rep: RepLine) -> str:
    step = rep.escalation
    if step is None:
        return ""
    icon, words = w.ACTIONS[step.action]
    trends = "".join(
        f"<li>{w.label(t.metric)}: {escape(t.direction)}"
        f" ({w.value(t.metric, t.first)} → {w.value(t.metric, t.latest)},"
        f" target {w.value(t.metric, t.target)})</li>"
        for t in step.trends
        if t.weeks_observed
    )
    head = (
        f"<h5>After {step.weeks_coached} weeks of coaching</h5>"
        if step.since is not None
        else f"<h5>Over {step.weeks_recorded} weeks of figures (no coaching start)</h5>"
    )
    return (
        head
        + f"<p><strong>{icon} {words}.</strong> {w.humanize(step.reason)}</p>"
        + (f"<ul>{trends}</ul>" if trends else "")
    )

"""The team report as one self-contained HTML page: team sections, then each rep's section.

No network and no external file: the stylesheet, the sorting script and every graphic
(inline SVG) are in the page, so it opens from a mail attachment. Tables have captions
and header scopes; statuses carry an icon and a word besides their colour; a print
stylesheet starts each team on a new page. Every string from the input or the rule pack
(rep ids, team names, because-texts) is escaped.
"""

from __future__ import annotations

from html import escape
from typing import Literal

from gapdiag.model.gaps import GAPS
from gapdiag.model.labels import label_of, show
from gapdiag.notebook.report import _words as w
from gapdiag.notebook.report._assets import CSS, JS
from gapdiag.notebook.report._rep import rep_section
from gapdiag.notebook.report._svg import bar_cell, sparkline
from gapdiag.notebook.report.assemble import LEADING, RepLine, Report, TeamView

MAX_BAD_ROWS = 200
"""Bad-row problems listed on the page; the rest are counted (`Batch.errors` has them all)."""


FULL_DETAIL_MAX = 1000
"""Up to this many reps, each rep's section is full; beyond it, brief (see `rep_section`)."""
Detail = Literal["auto", "full", "brief"]


def render(report: Report, *, detail: Detail = "auto") -> str:
    """The whole page; `detail` says how much of each rep's diagnosis its section shows."""
    teams = report.teams
    reps = sum(len(t.reps) for t in teams)
    brief = detail == "brief" or (detail == "auto" and reps > FULL_DETAIL_MAX)
    parts = [
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{escape(report.title)}</title><style>{CSS}</style></head><body>",
        '<a class="skip" href="#main">Skip to the report</a>',
        f"<header><h1>{escape(report.title)}</h1><p>{_intro(report, reps)}</p>",
        _nav(teams),
        '</header><main id="main">',
    ]
    if not teams:
        parts.append(f"<p><strong>{_empty(report)}</strong></p>")
    parts.extend(_team(team, report.with_history, brief) for team in teams)
    parts.append(_bad(report))
    parts.append(f"</main><script>{JS}</script></body></html>\n")
    return "".join(parts)


def _intro(report: Report, reps: int) -> str:
    teams = len(report.teams)
    text = f"{reps} rep(s) diagnosed in {teams} team(s), from {report.rows} input row(s)"
    if report.bad:
        text += f"; {len({b.row for b in report.bad})} row(s) left out for bad data"
    stamp = report.rulebook
    if stamp is not None:
        text += f". Rule pack {stamp.name} {stamp.version}"
    unmatched = report.unmatched_history
    if unmatched:
        shown = ", ".join(unmatched[:10]) + (" ..." if len(unmatched) > 10 else "")
        text += (
            f". The history has weeks for {len(unmatched)} rep(s) not in the population: {shown}"
        )
    return escape(text) + "."


def _empty(report: Report) -> str:
    if report.rows == 0:
        return "The population is empty: there is no rep to report on."
    return "No row could be diagnosed: every row had bad data (listed below)."


def _nav(teams: tuple[TeamView, ...]) -> str:
    if len(teams) < 2:
        return ""
    links = "".join(
        f'<li><a href="#{t.anchor}">{escape(t.name)}</a> <small>({len(t.reps)})</small></li>'
        for t in teams
    )
    return f'<nav aria-label="Teams"><ul>{links}</ul></nav>'


def _team(team: TeamView, with_history: bool, brief: bool) -> str:
    a = team.anchor
    return "".join(
        [
            f'<section class="team" id="{a}" aria-labelledby="{a}-h">',
            f'<h2 id="{a}-h">Team {escape(team.name)} '
            f"<small>· {len(team.reps)} rep(s)</small></h2>",
            "<h3>At a glance</h3>",
            _primary_table(team),
            _status_table(team),
            _numbers_table(team),
            "<h3>Team-wide causes</h3>",
            _causes(team),
            _leaderboard(team),
            f'<h3 id="{a}-reps">Each rep in one line</h3>',
            _rep_lines(team, with_history),
            "<h3>What to collect</h3>",
            _collect(team),
            "<h3>Rep by rep</h3>",
            *(rep_section(rep, a, brief=brief) for rep in team.reps),
            "</section>",
        ]
    )


def _table(caption: str, head: list[str], rows: list[str], css: str = "", extra: str = "") -> str:
    """A table; a heading starting with '#' marks a numeric (right-aligned) column."""
    cells = "".join(
        f'<th scope="col" class="n">{h[1:]}</th>'
        if h.startswith("#")
        else f'<th scope="col">{h}</th>'
        for h in head
    )
    cls = f' class="{css}"' if css else ""
    return (
        f"<table{cls}{extra}><caption>{caption}</caption><thead><tr>{cells}</tr></thead>"
        f"<tbody>{''.join(rows)}</tbody></table>"
    )


def _primary_table(team: TeamView) -> str:
    counts = team.primary_counts()
    size = len(team.reps)
    rows = []
    for key, count in counts.items():
        share = count / size if size else 0.0
        rows.append(
            f'<tr data-primary="{key}"><th scope="row">{w.GAP_WORDS[key]}</th>'
            f'<td class="n">{count}</td>{bar_cell(share, "count", f"{share:.0%}")}</tr>'
        )
    return _table("Reps per primary gap", ["Primary gap", "#Reps", "Share"], rows)


def _status_table(team: TeamView) -> str:
    rows = []
    for gap in GAPS:
        c = team.status_counts(gap)
        cells = "".join(
            f'<td class="n" data-status="{s}">{c[s]}</td>'
            for s in ("confirmed", "suspected", "unknown")
        )
        rows.append(f'<tr data-gap="{gap}"><th scope="row">{w.GAP_WORDS[gap]}</th>{cells}</tr>')
    head = [
        "Gap",
        f"#{w.status('confirmed')}",
        f"#{w.status('suspected')}",
        f"#{w.status('unknown')} (data missing)",
    ]
    return _table("Confirmed, suspected and open verdicts", head, rows)


def _numbers_table(team: TeamView) -> str:
    rows = []
    for n in team.numbers:
        if n.meets is None:
            verdict = '<span class="muted">? unknown</span>'
        elif n.meets:
            verdict = '<span class="ok">✓ on target</span>'
        else:
            verdict = '<span class="off">✗ below target</span>'
        rows.append(
            f'<tr data-metric="{escape(n.metric)}"><th scope="row">{w.label(n.metric)}</th>'
            f'<td class="n">{w.value(n.metric, n.mean)}</td>'
            f'<td class="n">{w.value(n.metric, n.target)}</td>'
            f'<td class="n">{n.known} of {len(team.reps)}</td><td>{verdict}</td></tr>'
        )
    head = ["Leading indicator", "#Team average", "#Target", "#Reps with data", "Status"]
    return _table("The team's numbers against target", head, rows)


def _causes(team: TeamView) -> str:
    if not team.causes:
        return (
            "<p>No cause is shared by several reps: each gap below is the rep's own to work on.</p>"
        )
    out = []
    for cause in team.causes:
        links = ", ".join(f'<a href="#{r.anchor}">{escape(r.rep_id)}</a>' for r in cause.reps)
        icon = "⚠" if cause.kind != "missing" else "?"
        out.append(
            f'<div class="cause {cause.kind}" role="note"><p><strong>{icon} '
            f"{escape(cause.headline)}</strong> <small>(for your own manager)</small></p>"
            f"<p>{escape(cause.detail)}</p><p><small>Reps: {links}</small></p></div>"
        )
    return "".join(out)


def _leaderboard(team: TeamView) -> str:
    a = team.anchor
    head = ['<th scope="col"><button type="button" data-col="0">Rep</button></th>']
    head += [
        f'<th scope="col" class="n"><button type="button" data-col="{i}">{w.label(m)}</button></th>'
        for i, m in enumerate(LEADING, 1)
    ]
    means = {m: team.mean(m) for m in LEADING}
    rows = [_board_row(rep, means, len(team.reps) > 1) for rep in team.reps]
    foot = "".join(f"<td>{w.value(m, means[m])}</td>" for m in LEADING)
    return (
        f'<h3 id="{a}-board-h">Leaderboard</h3>'
        f'<table class="sortable board" id="{a}-board"><caption>Leading indicators, each rep '
        "against the team average (▲ above it, ▼ below it, = at it). "
        "Select a column heading to sort."
        f"</caption><thead><tr>{''.join(head)}</tr></thead><tbody>{''.join(rows)}</tbody>"
        f'<tfoot><tr><th scope="row">Team average</th>{foot}</tr></tfoot></table>'
    )


def _board_row(rep: RepLine, means: dict[str, float | None], compare: bool) -> str:
    """One rep's leaderboard row; `compare` (more than one rep) marks each value vs the mean."""
    cells = [f'<th scope="row"><a href="#{rep.anchor}">{escape(rep.rep_id)}</a></th>']
    for metric in LEADING:
        v = rep.values[metric]
        mean = means[metric]
        text = w.value(metric, v)
        if v is not None and mean is not None and compare:
            diff = v - mean
            if abs(diff) <= 1e-9 * max(1.0, abs(mean)):
                text += " <small>=</small>"
            else:
                mark = "▲" if diff > 0 else "▼"
                text += f" <small>{mark}{w.difference(metric, diff)}</small>"
        data = "" if v is None else f"{v:.6g}"
        cells.append(f'<td data-v="{data}">{text}</td>')
    return f"<tr>{''.join(cells)}</tr>"


def _rep_lines(team: TeamView, with_history: bool) -> str:
    head = ["Rep", "Focus gap", "#Confidence", "Move now → target", "First action"]
    if with_history:
        head += ["Trend of the focus metric", "Next step"]
    rows = [_rep_line(rep, with_history) for rep in team.reps]
    return _table(
        "Each rep: focus, the one metric to move, and the first action", head, rows, "lines"
    )


def _rep_line(rep: RepLine, with_history: bool) -> str:
    d = rep.diagnosis
    focus = rep.focus
    cells = [f'<th scope="row"><a href="#{rep.anchor}">{escape(rep.rep_id)}</a></th>']
    if focus is None:
        cells.append(f"<td>{w.GAP_WORDS[d.outcome]}</td><td></td>")
        needs = list(dict.fromkeys(n for u in d.undetermined for n in u.needs))
        move = ""
        action = f"Collect {w.label(needs[0]).lower()}" if needs else "Keep the current rhythm"
    else:
        v = d.verdict(focus.gap)
        cells.append(
            f"<td>{w.GAP_WORDS[focus.gap]} {w.status(v.status)}</td>"
            + bar_cell(v.confidence, v.status, f"{v.confidence:.0%}")
        )
        goal = focus.goal
        move = (
            f"{w.label(goal.metric)}: {w.bare(goal.metric, goal.current)} → "
            f"<strong>{w.bare(goal.metric, goal.target)}</strong>"
            if goal is not None
            else ""
        )
        action = escape(rep.first_action or "")
    cells.append(f"<td>{move}</td><td>{action}</td>")
    if with_history:
        cells.append(f"<td>{_trend(rep)}</td><td>{_next_step(rep)}</td>")
    return f'<tr data-focus="{focus.gap if focus else ""}">{"".join(cells)}</tr>'


def _trend(rep: RepLine) -> str:
    if rep.history is None:
        return '<span class="muted">no history</span>'
    metric = rep.trend_metric
    if metric is None or not rep.trend:
        return '<span class="muted">no weekly values</span>'
    first, last = rep.trend[0][1], rep.trend[-1][1]
    weeks = rep.trend[-1][0] - rep.trend[0][0] + 1
    target = rep.focus.goal.target if rep.focus and rep.focus.goal else None
    goal = target if isinstance(target, float) else None
    text = (
        f"{label_of(metric).label}: {show(metric, first)} to {show(metric, last)} "
        f"over {weeks} week(s)"
    )
    return sparkline(rep.trend, target=goal, text=text) + (
        f"<small>{w.value(metric, first)} → {w.value(metric, last)}</small>"
    )


def _next_step(rep: RepLine) -> str:
    step = rep.escalation
    if step is None:
        return '<span class="muted">—</span>'
    icon, words = w.ACTIONS[step.action]
    return f'<span title="{w.humanize(step.reason)}">{icon} {words}</span>'


def _collect(team: TeamView) -> str:
    if not team.collect:
        return "<p>Nothing to collect: no verdict is left open for lack of data.</p>"
    rows = [
        f'<tr data-metric="{escape(c.metric)}"><th scope="row">{w.label(c.metric)}</th>'
        f'<td class="n">{c.verdicts}</td><td class="n">{c.reps}</td></tr>'
        for c in team.collect
    ]
    head = ["Metric to record", "#Open verdicts it would decide", "#Reps"]
    return _table("Missing data, most decisive first", head, rows)


def _bad(report: Report) -> str:
    if not report.bad:
        return ""
    shown = report.bad[:MAX_BAD_ROWS]
    rows = [
        f'<tr><td class="n">{b.row + 1}</td><td>{escape(b.rep_id or "")}</td>'
        f"<td>{escape(b.field)}</td><td>{escape(b.reason)}</td></tr>"
        for b in shown
    ]
    more = len(report.bad) - len(shown)
    tail = f"<p>{more} more problem(s) are not listed here.</p>" if more > 0 else ""
    head = ["#Input row (1 = first)", "Rep", "Field", "What is wrong"]
    table = _table("Rows left out of this report", head, rows)
    return f'<section id="bad-rows"><h2>Rows left out for bad data</h2>{table}{tail}</section>'

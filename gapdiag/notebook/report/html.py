"""The team report as one self-contained HTML page: who needs what first, then each team.

The page holds its stylesheet, its script and its data (`data.page_data`, embedded once);
nothing is fetched. Python writes the words, except each rep's standing sentence, which
the script says from its figures (``words.js``, held equal to `standing_text`); the script
lays the rep tables and sections out from the data when they are shown (a 5,000-rep page
draws only what is on screen).
Server-side parts (header, team numbers, causes, what to collect) are escaped here; the
script sets every data text as text, never as markup.
"""

from __future__ import annotations

from html import escape

from gapdiag.model.labels import percent, show
from gapdiag.model.standing import STANDINGS
from gapdiag.model.wording import counted, long_day, standing_word
from gapdiag.notebook import signs
from gapdiag.notebook.report import _words as w
from gapdiag.notebook.report._assets import CSS, JS
from gapdiag.notebook.report.assemble import Report, TeamNumber, TeamView
from gapdiag.notebook.report.data import page_data, to_json

MAX_BAD_ROWS = 200
"""Bad-row problems listed on the page; the rest are counted (`Batch.errors` has them all)."""
CAUSE_LINKS = 12
"""Reps named under a team-wide cause; the rest are counted (a big team's cause is most of it)."""
OPEN_TEAMS_MAX = 300
"""Up to this many reps, team sections open with their tables drawn; beyond, on request."""


def render(report: Report) -> str:
    """The whole page."""
    reps = len(report.reps)
    main, details = page_data(report)
    parts = [
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{escape(report.title)}</title><style>{CSS}</style></head><body>",
        '<a class="skip" href="#first">Skip to who needs what</a>',
        f"<header><h1>{escape(report.title)}</h1>{_meta(report)}{_nav(report.teams)}</header>",
        '<main id="main">',
        _first(report) if reps else f"<p><strong>{_empty(report)}</strong></p>",
        *(_team(team, open_=reps <= OPEN_TEAMS_MAX) for team in report.teams),
        _details_section() if reps else "",
        _bad(report),
        "</main>",
        f'<script type="application/json" id="gapdiag-data">{to_json(main)}</script>',
        f"<script>{JS}</script>",
        f'<script type="application/json" id="gapdiag-details">{to_json(details)}</script>',
        "</body></html>\n",
    ]
    return "".join(parts)


def _meta(report: Report) -> str:
    """The header's facts: rule pack, period, date made, reps, data sources."""
    reps, teams = len(report.reps), len(report.teams)
    tally = f"{counted(reps, 'rep')} in {counted(teams, 'team')}"
    if report.bad:
        tally += (
            f" ({counted(len({b.row for b in report.bad}), 'input row')} left out for bad data)"
        )
    facts = []
    if report.rulebook is not None:
        facts.append(("Rule pack", f"{report.rulebook.name} {report.rulebook.version}"))
    facts.append(("Period", report.period or "not given in the data"))
    facts.append(("Made", long_day(report.made)))
    facts.append(("Reps", tally))
    if report.sources:
        facts.append(("Data", "; ".join(report.sources)))
    items = "".join(f"<div><dt>{escape(k)}</dt><dd>{escape(v)}</dd></div>" for k, v in facts)
    out = f'<dl class="meta">{items}</dl>'
    unmatched = report.unmatched_history
    if unmatched:
        shown = ", ".join(unmatched[:10]) + (" ..." if len(unmatched) > 10 else "")
        out += (
            f'<p class="note">The history has weeks for {counted(len(unmatched), "rep")} not in '
            f"the population: {escape(shown)}.</p>"
        )
    return out


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
    return f'<nav aria-label="Teams" class="noprint"><ul>{links}</ul></nav>'


def _legend() -> str:
    items = " ".join(
        f'<span><b aria-hidden="true">{escape(sign)}</b> {escape(words)}</span>'
        for sign, words in signs.LEGEND
    )
    return f'<p class="legend"><strong>Signs:</strong> {items}</p>'


def _tally(counts: dict[str, int]) -> str:
    words = dict(w.URGENCY)
    items = "".join(
        f'<li class="u-{key}"><b>{count:,}</b> {escape(words[key])}</li>'
        for key, count in counts.items()
        if count
    )
    return f'<ul class="tally">{items}</ul>'


def _first(report: Report) -> str:
    counts = dict.fromkeys((key for key, _ in w.URGENCY), 0)
    for rep in report.reps:
        counts[w.URGENCY[rep.urgency][0]] += 1
    teams = "".join(
        f'<option value="{i}">{escape(t.name)}</option>' for i, t in enumerate(report.teams)
    )
    gaps = "".join(f'<option value="{g}">{escape(n)}</option>' for g, n in signs.GAP_NAMES.items())
    standings = "".join(
        f'<option value="{s}">{escape(standing_word(s))}</option>' for s in STANDINGS
    )
    statuses = "".join(
        f'<option value="{s}">{escape(signs.STATUS_WORDS[s].capitalize())}</option>'
        for s in ("confirmed", "suspected")
    )
    filters = (
        '<form class="filters noprint" role="search" aria-label="Filter the reps">'
        f'<label>Team <select id="f-team"><option value="">All teams</option>{teams}</select>'
        "</label>"
        '<label>Standing <select id="f-standing"><option value="">Any standing</option>'
        f"{standings}</select></label>"
        f'<label>Gap <select id="f-gap"><option value="">Any gap</option>{gaps}'
        '<option value="-">No focus gap</option></select></label>'
        f'<label>Status <select id="f-status"><option value="">Any status</option>{statuses}'
        '<option value="data">Not judged</option><option value="none">No gap found</option>'
        "</select></label>"
        '<label>Search <input type="search" id="f-q" placeholder="Name, rep id or team">'
        "</label>"
        '<button type="button" id="export">Download these reps (CSV)</button>'
        '<button type="button" id="print-full">Print every rep</button>'
        "</form>"
    )
    return (
        '<section id="first" aria-labelledby="first-h">'
        '<h2 id="first-h">Who needs what</h2>'
        '<p class="lede">Every rep across all teams, most urgent first: the focus, the one '
        "number to move and the first action.</p>"
        f"{_tally(counts)}{_legend()}{filters}"
        '<p class="noprint hint">Select a column heading to sort, and a name for the '
        "rep's diagnosis.</p>"
        '<p id="shown" class="count" aria-live="polite"></p>'
        '<div class="scroll" id="reps-box" role="region" aria-label="Reps, most urgent first" '
        'tabindex="0"><table id="reps" class="reps"></table></div>'
        '<p class="noprint"><button type="button" id="more" hidden>Show more</button></p>'
        "<noscript><p>The rep tables and each rep's section are drawn by this page's own "
        "script: allow scripts for this file to see them.</p></noscript>"
        "</section>"
    )


def _team(team: TeamView, *, open_: bool) -> str:
    a = team.anchor
    size = len(team.reps)
    state = " open" if open_ else ""
    return "".join(
        [
            f'<section class="team" id="{a}" aria-labelledby="{a}-h">',
            f'<h2 id="{a}-h">Team {escape(team.name)} '
            f"<small>· {size:,} rep{'s' if size != 1 else ''}</small></h2>",
            _tally(team.urgency_counts()),
            f'<details class="team-reps" data-team="{a}"{state}>'
            f"<summary>The team's reps, most urgent first, and its leaderboard</summary>"
            '<div class="team-tables"></div></details>',
            "<h3>The team's numbers against target</h3>",
            _numbers_table(team),
            "<h3>Team-wide causes</h3>",
            _causes(team),
            "<h3>What to collect</h3>",
            _collect(team),
            "</section>",
        ]
    )


def _table(caption: str, head: list[str], rows: list[str], whose: str = "") -> str:
    """A table in a box that scrolls on narrow screens; '#' marks a numeric column.

    `whose` (a team's name) makes the box's label unique on the page.
    """
    cells = "".join(
        f'<th scope="col" class="n">{h[1:]}</th>'
        if h.startswith("#")
        else f'<th scope="col">{h}</th>'
        for h in head
    )
    return (
        f'<div class="scroll" role="region" tabindex="0" '
        f'aria-label="{escape(caption + (f": {whose}" if whose else ""))}">'
        f"<table><caption>{escape(caption)}</caption><thead><tr>{cells}</tr></thead>"
        f"<tbody>{''.join(rows)}</tbody></table></div>"
    )


def _numbers_table(team: TeamView) -> str:
    rows = []
    for n in team.numbers:
        meets, target = _against(n)
        rows.append(
            f'<tr data-metric="{escape(n.metric)}"><th scope="row">{escape(w.heading(n.metric))}'
            f'</th><td class="n">{escape(w.value(n.metric, n.mean))}</td>'
            f'<td class="n">{escape(target)}</td>'
            f'<td class="n">{n.known} of {len(team.reps)}</td><td>{escape(meets)}</td></tr>'
        )
    head = ["Indicator", "#Team average", "#Target", "#Reps with data", "Against target"]
    return _table("The team's averages against target", head, rows, team.name)


def _against(n: TeamNumber) -> tuple[str, str]:
    """The target cell and the 'against target' cell of one team number.

    Attainment's target is the whole quota by the period's end; the pace to date is each
    rep's own (their as-of dates may differ), so a team average short of 100% is said as
    short so far, not as a miss.
    """
    if n.metric == "derived.attainment":
        whole = "100% by the period's end"
        if n.mean is None:
            return "not known", whole
        return (signs.meets_words(True) if n.mean >= 1 else "short so far"), whole
    if n.target is None:
        return "", "none set"
    said = signs.meets_words(n.meets)
    if n.meets and n.mean is not None and n.mean < n.target:  # on target as the rules read it
        said += f" (inside its {percent(n.margin)} margin)"
    return said, show(n.metric, n.target)


def _causes(team: TeamView) -> str:
    if not team.causes:
        return "<p>No cause is shared by several reps: each gap is the rep's own to work on.</p>"
    out = []
    for cause in team.causes:
        links = ", ".join(
            f'<a href="#{r.anchor}">{escape(r.name)}</a>' for r in cause.reps[:CAUSE_LINKS]
        )
        if len(cause.reps) > CAUSE_LINKS:
            links += f" and {len(cause.reps) - CAUSE_LINKS:,} more (the team's table lists them)"
        icon = "⚠" if cause.kind != "missing" else signs.STATUS_ICONS["unknown"]  # legend: ◌
        out.append(
            f'<div class="cause {cause.kind}" role="note"><p><strong>'
            f'<span aria-hidden="true">{icon}</span> {escape(cause.headline)}</strong> '
            f"<small>(for your own manager)</small></p>"
            f"<p>{escape(cause.detail)}</p><p><small>Reps: {links}</small></p></div>"
        )
    return "".join(out)


def _collect(team: TeamView) -> str:
    if not team.collect:
        return "<p>Nothing to collect: no verdict is left open for lack of data.</p>"
    rows = [
        f'<tr data-metric="{escape(c.metric)}"><th scope="row">{escape(w.heading(c.metric))}'
        f'</th><td class="n">{c.verdicts}</td><td class="n">{c.reps}</td></tr>'
        for c in team.collect
    ]
    head = ["Metric to record", "#Open verdicts it would decide", "#Reps"]
    return _table("Missing data, most decisive first", head, rows, team.name)


def _details_section() -> str:
    return (
        '<section id="rep-details" aria-labelledby="rep-details-h">'
        '<h2 id="rep-details-h">Rep by rep</h2>'
        '<p class="noprint">Select a rep\'s name in any table to see their diagnosis here.</p>'
        '<div id="rep-list"></div></section>'
    )


def _bad(report: Report) -> str:
    if not report.bad:
        return ""
    shown = report.bad[:MAX_BAD_ROWS]
    by_line = report.bad_file is not None and all(b.line is not None for b in shown)
    rows = [
        f'<tr><td class="n">{b.line if by_line else b.row + 1}</td>'
        f"<td>{escape(b.rep_id or '')}</td>"
        f"<td>{escape(b.field)}</td><td>{escape(b.reason)}</td></tr>"
        for b in shown
    ]
    more = len(report.bad) - len(shown)
    are = "is" if more == 1 else "are"
    tail = f"<p>{counted(more, 'more problem')} {are} not listed here.</p>" if more > 0 else ""
    where = f"#Line in {escape(report.bad_file or '')}" if by_line else "#Input row (1 = first)"
    head = [where, "Rep", "Field", "What is wrong"]
    table = _table("Rows left out of this report", head, rows)
    return f'<section id="bad-rows"><h2>Rows left out for bad data</h2>{table}{tail}</section>'

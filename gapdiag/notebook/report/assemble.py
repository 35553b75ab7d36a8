"""What the team report shows, computed before any HTML: reps by urgency, teams, numbers.

Every number comes from the batch itself: each rep's `Diagnosis` is what
`Batch.diagnosis(row)` gives (equal to `diagnose`, and to the batch's results table), the
leaderboard values are the facts the rules read, and the focus, first action and
escalation come from the coaching room (`choose_focus`, `skill_queue`, `escalate`), so the
page never disagrees with a plan. Each diagnosis is turned into short texts as soon as it
is built and then dropped, so the report's memory grows with its words, not its objects.

A brief page (a large population) builds no Diagnosis and validates no rep: each line's
standing, outcome, verdicts, values and flags come from the batch's columns and arrays
(`_columns`, `_open`), its section from `_sections.brief_sections`, and only a rep with a
focus gets facts (from the metric columns) and the one or two verdicts its goal and first
action read (`_Lean`). A rep with a coaching history keeps the Diagnosis path (escalation
reads it). ``tests/test_report_columns.py`` holds every line equal to the Diagnosis path's.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import partial
from itertools import repeat
from typing import TYPE_CHECKING, Any, Literal, NamedTuple

from gapdiag.coaching.escalation import Escalation, escalate
from gapdiag.coaching.history import RepHistory
from gapdiag.coaching.playbook import Focus, choose_focus, coaching_status
from gapdiag.coaching.skills import current_drill
from gapdiag.coaching.system import system_actions
from gapdiag.engines.assemble import Numbers, one_verdict
from gapdiag.engines.assemble import assemble as assemble_diagnosis
from gapdiag.engines.judgment import Weak
from gapdiag.model.derived import derive
from gapdiag.model.diagnosis import Diagnosis, Judged, RulebookStamp, Verdict
from gapdiag.model.gaps import FOUND, GAPS, Gap
from gapdiag.model.labels import asked
from gapdiag.model.metrics import METRICS, RepMetrics, Targets
from gapdiag.model.team import TeamStats
from gapdiag.model.wording import check_proxies_first, humanize, period, standing_word
from gapdiag.notebook.report import _words as w
from gapdiag.notebook.report._detail import Section, detail_of
from gapdiag.notebook.report._open import CHUNK, Open, open_rules
from gapdiag.notebook.report._sections import brief_sections
from gapdiag.notebook.report._words import URGENCY
from gapdiag.notebook.report.causes import Cause, Collect, team_causes, what_to_collect
from gapdiag.notebook.signs import GAP_NAMES, STATUS_WORDS
from gapdiag.rulebook.compiler import Facts
from gapdiag.rulebook.facts import completed, facts_and_basis
from gapdiag.rulebook.interventions import Interventions
from gapdiag.rulebook.pack import Rulebook

if TYPE_CHECKING:  # pragma: no cover - typing only
    from gapdiag.engines.vector.batch import Batch

LEADING: tuple[str, ...] = (
    "derived.attainment",
    "derived.calls_vs_plan",
    "derived.meetings_vs_plan",
    "activity.meeting_to_opportunity_rate",
    "derived.coverage",
    "ownership.forecast_accuracy",
)
"""The leaderboard: quota attainment, then the seeds' leading indicators (activity against
plan, conversion, coverage, forecast accuracy)."""
NO_TEAM = "No team"
"""The group of reps whose team cell is empty."""
ALL_REPS = "All reps"
"""The one group when the population is not split into teams."""
FULL_DETAIL_MAX = 1000
"""Up to this many reps each rep's section is full; beyond it, brief."""
Detail = Literal["auto", "full", "brief"]
"""How much of each rep's diagnosis the page holds: full, brief, or full up to FULL_DETAIL_MAX."""


@dataclass(frozen=True, slots=True)
class Move:
    """The one number to move now: its label, where it is and where it should be."""

    metric: str
    label: str
    now: str
    target: str


@dataclass(frozen=True, slots=True)
class Trend:
    """The focus metric over the coached weeks: (week, value) points, target and words."""

    points: tuple[tuple[int, float], ...]
    target: float | None
    text: str


@dataclass(frozen=True, slots=True)
class RepLine:
    """One rep on the page, in words and numbers only (no diagnosis object is kept)."""

    row: int
    rep_id: str
    name: str
    """The rep's name where one is known, else the rep id."""
    team: str
    standing: str
    """Where the rep stands on the number: ahead, on_track, behind or unknown."""
    standing_words: str
    urgency: int
    """Index into `URGENCY`: 0 is the most urgent."""
    focus_gap: str | None
    focus_status: str | None
    focus_confidence: float | None
    verdicts: tuple[tuple[str, str, float], ...]
    """(gap, status, confidence) of every gap, in the diagnosis's order."""
    needs: tuple[str, ...]
    """Absent metrics the open rules need, most needed first."""
    open_by_gap: tuple[tuple[str, tuple[str, ...]], ...]
    """For each gap left unknown, the metrics its open rules need."""
    say: str
    """The focus in words: 'Will confirmed', 'Not judged (needs win rate)', 'No gap found'."""
    move: Move | None
    action: str
    values: tuple[float | None, ...]
    """The LEADING values, None where unknown."""
    system_signs: frozenset[str]
    """Metrics whose comparisons held in the system gap's evidence."""
    coaching_short: bool
    """The manager coaches this rep under the weekly setting."""
    next_step: tuple[str, str, str] | None
    """With a history: (action, words with icon, reason)."""
    trend: Trend | None
    has_history: bool
    detail: Section
    covered: bool = False
    """Closed and committed already cover quota: pipeline coverage has no gap to cover."""

    @property
    def anchor(self) -> str:
        """The id of the rep's detail section (the input row keeps it unique and safe)."""
        return f"rep-{self.row}"

    def value(self, metric: str) -> float | None:
        """One leaderboard value."""
        return self.values[LEADING.index(metric)]


@dataclass(frozen=True, slots=True)
class TeamNumber:
    """One leading indicator for the whole team: its mean over reps who have it, vs target."""

    metric: str
    mean: float | None
    known: int
    target: float | None
    margin: float = 0.0
    """The target's margin, as the rules read it: a mean within it is on target."""

    @property
    def meets(self) -> bool | None:
        """Whether the team mean reaches the target less its margin, as a rep's value must
        for the rules (None when either is unknown)."""
        if self.mean is None or self.target is None:
            return None
        return self.mean >= self.target * (1 - self.margin)


@dataclass(frozen=True, slots=True)
class TeamView:
    """Everything the report shows about one team; its reps most urgent first."""

    name: str
    anchor: str
    reps: tuple[RepLine, ...]
    numbers: tuple[TeamNumber, ...]
    causes: tuple[Cause, ...]
    collect: tuple[Collect, ...]

    def urgency_counts(self) -> dict[str, int]:
        """Reps per urgency group, in `URGENCY` order."""
        counts = dict.fromkeys((key for key, _ in URGENCY), 0)
        for rep in self.reps:
            counts[URGENCY[rep.urgency][0]] += 1
        return counts

    def mean(self, metric: str) -> float | None:
        """The team mean of one leading indicator (None when no rep has it)."""
        return next((n.mean for n in self.numbers if n.metric == metric), None)


@dataclass(frozen=True, slots=True)
class BadRow:
    """One problem that kept an input row out of the report."""

    row: int
    rep_id: str | None
    field: str
    reason: str
    line: int | None = None
    """The line of the population file the row starts on (None: not read from a CSV file)."""


@dataclass(frozen=True, slots=True)
class Report:
    """The whole page: every rep most urgent first, teams in natural order, what was left out."""

    title: str
    reps: tuple[RepLine, ...]
    teams: tuple[TeamView, ...]
    rows: int
    bad: tuple[BadRow, ...]
    rulebook: RulebookStamp | None
    with_history: bool
    brief: bool
    period: str
    made: dt.date
    sources: tuple[str, ...] = ()
    unmatched_history: tuple[str, ...] = ()
    """Rep ids with a weekly history but no row in the population (so not shown)."""
    bad_file: str | None = None
    """The name of the CSV file whose lines the bad rows give (None: rows by position)."""


def assemble(
    batch: Batch,
    *,
    title: str,
    histories: Mapping[str, RepHistory],
    library: Interventions,
    names: Mapping[str, str] | None = None,
    detail: Detail = "auto",
    made: dt.date | None = None,
    sources: tuple[str, ...] = (),
) -> Report:
    """Gather every number and text the report shows: reps by urgency, then team by team."""
    brief = detail == "brief" or (detail == "auto" and batch.summary.diagnosed > FULL_DETAIL_MAX)
    places = {gap: at for at, (gap, _, _) in enumerate(batch.rules.by_gap)}
    context = _Context(
        batch.rules, batch.targets, histories, library, names or {}, brief, places, {}
    )
    lines: list[RepLine] = []
    periods: set[tuple[dt.date | None, dt.date | None]] = set()
    stamp: RulebookStamp | None = None
    judgments = _columns(batch) if brief else repeat(None)
    fed: list[tuple[Open, Focus | None]] = []  # the rep whose brief section is asked for
    sections: Iterator[Section] = (
        brief_sections(batch, (o for o, _ in _fed(fed)), (f for _, f in _fed(fed)))
        if brief
        else iter(())
    )
    validated = repeat(None) if brief else batch.each_rep()  # a brief page validates none
    for row, rep, team, group, open_, columns in zip(
        batch.rows,
        validated,
        batch.teams(),
        batch.groups(),
        open_rules(batch),
        judgments,
        strict=False,
    ):
        if columns is not None and columns.rep_id not in histories:
            # a brief page's line needs no Diagnosis (escalation, with a history, does)
            judged = _Lean(context, columns, open_, team)
            line = _lean_line(context, row, group, judged, partial(_section, fed, sections))
            periods.add(columns.period)
            stamp = context.rules.stamp
        else:
            line, diagnosis = _line(context, row, rep or batch.rep(row), team, group, open_)
            periods.add((diagnosis.period_start, diagnosis.period_end))
            stamp = diagnosis.rulebook
            if brief:  # its section came from its Diagnosis: skip the columns' one
                _section(fed, sections, None, open_)
        lines.append(line)
    has_groups = any(line.team != NO_TEAM for line in lines)
    by_team: dict[str, list[RepLine]] = {}
    for line in lines:
        by_team.setdefault(line.team if has_groups else ALL_REPS, []).append(line)
    names_ = sorted(by_team, key=lambda n: (n == NO_TEAM, natural(n)))
    teams = []
    for index, name in enumerate(names_):
        reps = tuple(sorted(by_team[name], key=_urgent_first))
        teams.append(
            TeamView(
                name=name,
                anchor=f"team-{index + 1}",
                reps=reps,
                numbers=tuple(_number(m, reps, batch.targets) for m in LEADING),
                causes=team_causes(reps, batch.targets),
                collect=what_to_collect(reps),
            )
        )
    order = {name: index for index, name in enumerate(names_)}
    everyone = sorted(
        lines,
        key=lambda r: (
            r.urgency,
            -(r.focus_confidence or 0.0),
            order[r.team if has_groups else ALL_REPS],
        ),
    )
    return Report(
        title=title,
        reps=tuple(everyone),
        teams=tuple(teams),
        rows=batch.summary.rows,
        bad=_bad_rows(batch.errors, batch.error_lines()),
        rulebook=stamp,
        with_history=bool(histories),
        brief=brief,
        period=_period(periods),
        made=made or dt.date.today(),
        sources=tuple(dict.fromkeys((*batch.sources(), *sources))),
        unmatched_history=tuple(sorted(set(histories) - {line.rep_id for line in lines})),
        bad_file=bad_file.name if (bad_file := batch.error_file()) is not None else None,
    )


def natural(text: str) -> tuple[tuple[int, int | str], ...]:
    """A sort key that orders numbers inside names by value: team-2 before team-10."""
    return tuple(
        (0, int(part)) if part.isdigit() else (1, part.casefold())
        for part in _DIGITS.split(text)
        if part
    )


_DIGITS = re.compile(r"(\d+)")


def _urgent_first(rep: RepLine) -> tuple[Any, ...]:
    """Most urgent group first; within it the surest verdict first, then by name."""
    return (rep.urgency, -(rep.focus_confidence or 0.0), natural(rep.name), rep.row)


def _period(periods: set[tuple[dt.date | None, dt.date | None]]) -> str:
    known = [(s, e) for s, e in periods if s is not None and e is not None]
    if not known:
        return ""
    if len(periods) == 1:
        return period(*known[0])
    first = min(s for s, _ in known if s is not None)
    last = max(e for _, e in known if e is not None)
    return f"{len(periods)} periods, {period(first, last)}"


@dataclass(frozen=True, slots=True)
class _Context:
    rules: Rulebook
    targets: Targets
    histories: Mapping[str, RepHistory]
    library: Interventions
    names: Mapping[str, str]
    brief: bool
    places: Mapping[Gap, int]
    """Each gap's place in the pack's ``by_gap``."""
    drills: dict[Any, Any]
    """`current_drill`'s memo for the pack and library (the column-wise lines use it)."""


def _line(
    context: _Context,
    row: int,
    rep: RepMetrics,
    team: TeamStats | None,
    group: str | None,
    open_: Open,
) -> tuple[RepLine, Diagnosis]:
    rules, targets, library = context.rules, context.targets, context.library
    # What diagnose() does for validated inputs (Batch.diagnosis calls it), with the facts
    # built once and kept (the focus and the leaderboard read the same facts as the rules)
    # and the rules' outcomes the batch's evaluator found (equal to `compiled.outcomes`).
    facts, basis = facts_and_basis(rep, targets, team)
    diagnosis = assemble_diagnosis(
        rep, rules, facts, open_.outcomes, "compiled", basis, open_.numbers
    )
    focus = choose_focus(diagnosis, facts, library, targets)
    history = context.histories.get(diagnosis.rep_id)
    escalation = None
    trend = None
    if history is not None:
        gap = focus.gap if focus is not None else None
        escalation = escalate(history, diagnosis, gap=gap, library=library, targets=targets)
        trend = _trend(history, focus, library, targets)
    action = _first_action(focus, diagnosis, context, facts)
    needs, needs_by_gap = open_.needs, open_.by_gap
    system = diagnosis.verdict("system")
    line = RepLine(
        row=row,
        rep_id=diagnosis.rep_id,
        name=context.names.get(diagnosis.rep_id) or diagnosis.rep_id,
        team=group or NO_TEAM,
        standing=diagnosis.standing.status,
        standing_words=standing_word(diagnosis.standing.status),
        urgency=_urgency(diagnosis, focus),
        focus_gap=focus.gap if focus else None,
        focus_status=focus.status if focus else None,
        focus_confidence=focus.confidence if focus else None,
        verdicts=tuple((v.gap, v.status, v.confidence) for v in diagnosis.verdicts),
        needs=needs,
        open_by_gap=tuple(
            (v.gap, needs_by_gap.get(v.gap, ()))
            for v in diagnosis.verdicts
            if v.status == "unknown"
        ),
        say=_say(diagnosis, focus, needs),
        move=_move(focus),
        action=_action_words(diagnosis, focus, action, needs),
        values=tuple(_number_of(facts.get(m)) for m in LEADING),
        system_signs=_system_signs(system) if system.status in FOUND else frozenset(),
        coaching_short=coaching_status(facts, targets) == "flagged",
        next_step=_next_step(escalation),
        trend=trend,
        has_history=history is not None,
        covered=_covered(facts),
        detail=detail_of(
            diagnosis,
            focus,
            escalation,
            brief=context.brief,
            open_=(open_.rules, needs),
            end=open_.tree_end if context.brief else None,  # a full section walks the tree
            fired=open_.fired,
        ),
    )
    return line, diagnosis


class _Metrics:
    """A chunk of reps' metrics as given, each rep's flat metric facts built on demand."""

    __slots__ = ("columns", "derived", "flags", "proxies")

    def __init__(self, batch: Batch, start: int, stop: int, lookup: Any) -> None:
        import numpy as np

        columns, self.proxies = batch.metrics(start, stop)
        self.columns = [(path, values.tolist()) for path, values in columns.items()]
        self.flags = frozenset(path for path in columns if METRICS[path].is_bool)
        size = stop - start
        self.derived = [
            (path, np.broadcast_to(np.asarray(lookup(path), np.float64), (size,)).tolist())
            for path in derive({}, batch.targets)  # its paths, in its order
        ]

    def facts(self, at: int) -> tuple[dict[str, Any], dict[str, Any]]:
        """The rep's flat metric facts, as `metric_facts` of its metrics gives them, and its
        derived values, as `derive` gives them (None where unknown or not finite)."""
        flags = self.flags
        facts: dict[str, Any] = {}
        for path, values in self.columns:
            value = values[at]
            facts[path] = None if value != value else (value == 1.0) if path in flags else value
        # the batch's derived columns hold NaN for unknown and for what is not finite
        derived = {path: None if (v := values[at]) != v else v for path, values in self.derived}
        return facts, derived


class _Columns(NamedTuple):
    """What a rep's line reads of the batch's columns: the results table's standing,
    outcome and primary gap, and the figures the rules read (as its facts hold them)."""

    rep_id: str
    period: tuple[dt.date | None, dt.date | None]
    standing: str
    outcome: str
    primary_gap: Gap | None
    values: tuple[float | None, ...]
    """The LEADING values, None where unknown."""
    covered: bool
    coaching_short: bool
    metrics: _Metrics
    at: int
    """The rep's place in `metrics`."""


def _columns(batch: Batch) -> Iterator[_Columns]:
    """Each diagnosed rep's `_Columns`, in `rows` order, worked out `CHUNK` reps at a time."""
    import numpy as np

    frame, threshold = batch.frame, batch.targets.manager_coaching_hours_per_week

    def texts(name: str) -> list[Any]:
        return [v if isinstance(v, str) else None for v in np.asarray(frame[name]).tolist()]

    def figure(name: str) -> Any:
        return np.broadcast_to(np.asarray(lookup(name), dtype=np.float64), (size,))

    standing, outcome, primary = texts("standing"), texts("outcome"), texts("primary_gap")
    ids = np.asarray(frame["rep_id"]).tolist()
    for start in range(0, batch.summary.diagnosed, CHUNK):
        stop = min(start + CHUNK, batch.summary.diagnosed)
        size = stop - start
        lookup, dates, _ = batch.columns(start, stop)
        values = [[None if v != v else v for v in figure(m).tolist()] for m in LEADING]
        with np.errstate(invalid="ignore"):
            covered = (figure("derived.gap_to_goal") <= 0).tolist()
            hours = figure("territory.manager_coaching_hours_per_week")
            short = (hours < threshold).tolist() if threshold is not None else [False] * size
        periods = zip(
            _days(dates, "period_start", size), _days(dates, "period_end", size), strict=True
        )
        metrics = _Metrics(batch, start, stop, lookup)
        for at, (known, cover, flagged, pair) in enumerate(
            zip(zip(*values, strict=True), covered, short, periods, strict=True)
        ):
            rep = start + at
            yield _Columns(
                ids[rep],
                pair,
                standing[rep],
                outcome[rep],
                primary[rep],
                known,
                cover,
                flagged,
                metrics,
                at,
            )


def _days(texts: Mapping[str, Any], name: str, size: int) -> list[dt.date | None]:
    """A date column of a chunk of reps, as their metrics hold it (None: absent)."""
    series = texts.get(name)
    if series is None:
        return [None] * size
    return [None if _absent(v) else v.date() for v in series.tolist()]


def _absent(value: Any) -> bool:
    from gapdiag.engines.vector._checks import _absent as absent

    return bool(absent(value))


class _Lean:
    """A rep's judgment as the page reads it, without its `Diagnosis`: the standing, the
    outcome and the primary gap from the batch's columns, each gap's verdict numbers from
    its arrays, and the rep's facts and a gap's `Verdict` (with its evidence) built only
    when something reads them."""

    __slots__ = ("built", "columns", "context", "found", "open_", "primary_gap", "team")

    def __init__(
        self, context: _Context, columns: _Columns, open_: Open, team: TeamStats | None
    ) -> None:
        self.context, self.columns, self.open_, self.team = context, columns, open_, team
        self.primary_gap: Gap | None = columns.primary_gap
        self.found: tuple[Facts, Weak] | None = None
        self.built: dict[str, Verdict] = {}

    def facts(self) -> tuple[Facts, Weak]:
        """The rep's facts (as the rules read them) and what of them is weak, from the
        batch's columns (as `facts_and_basis` and `weak_of` give them from its metrics)."""
        if self.found is None:
            columns = self.columns
            flat, derived = columns.metrics.facts(columns.at)
            facts, basis = completed(flat, self.context.targets, self.team, derived)
            proxies = columns.metrics.proxies[columns.at]
            self.found = (facts, Weak(frozenset(basis.thin), frozenset(proxies)))
        return self.found

    def verdict(self, gap: Gap) -> Verdict:
        """The verdict on one gap, as the rep's Diagnosis has it."""
        found = self.built.get(gap)
        if found is None:
            at, (facts, weak) = self.context.places[gap], self.facts()
            rules, outcomes = self.context.rules, self.open_.outcomes
            found = one_verdict(rules, at, outcomes, facts, weak, self.open_.numbers[at])
            self.built[gap] = found
        return found

    def number(self, gap: Gap) -> Numbers:
        """One gap's verdict numbers (certainty, confidence, status, cap, blocks a PIP)."""
        return self.open_.numbers[self.context.places[gap]]

    def order(self) -> list[Gap]:
        """The gaps in the Diagnosis's order of verdicts: surest first, ties in GAPS order."""
        places, numbers = self.context.places, self.open_.numbers
        return sorted(places, key=lambda g: (-numbers[places[g]][1], _ORDER[g]))

    def focus(self) -> Focus | None:
        """`choose_focus` of the rep: None without a found system gap or a primary gap
        (the facts are not built for it)."""
        if self.number("system")[2] not in FOUND and self.primary_gap is None:
            return None
        context = self.context
        facts = self.facts()[0]
        return choose_focus(self, facts, context.library, context.targets, words=False)


_ORDER = {gap: index for index, gap in enumerate(GAPS)}


def _lean_line(
    context: _Context,
    row: int,
    group: str | None,
    judged: _Lean,
    section: Callable[[Focus | None, Open], Section],
) -> RepLine:
    """The rep's line without its Diagnosis: the same fields as `_line`'s, from the batch's
    columns and the verdicts it reads alone; its section from `section` (given the focus)."""
    columns, open_, rep_id = judged.columns, judged.open_, judged.columns.rep_id
    focus = judged.focus()
    needs = open_.needs
    order = judged.order()
    detail = section(focus, open_)
    if focus is not None:
        facts = judged.facts()[0]
        action = _first_action(focus, judged, context, facts, context.drills) or ""
    elif columns.outcome == "undetermined" and needs:
        action = f"Collect {asked(needs[0])}"
    else:  # the first watch note, as the section says it
        action = f"Watch: {detail.watch[0]}" if detail.watch else "Keep the current rhythm"
    system = judged.number("system")
    return RepLine(
        row=row,
        rep_id=rep_id,
        name=context.names.get(rep_id) or rep_id,
        team=group or NO_TEAM,
        standing=columns.standing,
        standing_words=standing_word(columns.standing),
        urgency=_urgency_of(columns.outcome, columns.standing, focus, system[4]),
        focus_gap=focus.gap if focus else None,
        focus_status=focus.status if focus else None,
        focus_confidence=focus.confidence if focus else None,
        verdicts=tuple((g, judged.number(g)[2], judged.number(g)[1]) for g in order),
        needs=needs,
        open_by_gap=tuple(
            (g, open_.by_gap.get(g, ())) for g in order if judged.number(g)[2] == "unknown"
        ),
        say=_said(columns.outcome, focus, needs),
        move=_move(focus),
        action=action,
        values=columns.values,
        system_signs=_system_signs(judged.verdict("system")) if system[2] in FOUND else frozenset(),
        coaching_short=columns.coaching_short,
        next_step=None,
        trend=None,
        has_history=False,
        covered=columns.covered,
        detail=detail,
    )


def _fed(fed: list[tuple[Open, Focus | None]]) -> Iterator[tuple[Open, Focus | None]]:
    """What `brief_sections` reads next: the rep `_section` put in `fed`."""
    while True:
        yield fed[0]


def _section(
    fed: list[tuple[Open, Focus | None]],
    sections: Iterator[Section],
    focus: Focus | None,
    open_: Open,
) -> Section:
    """The next rep's brief section from the batch's columns (`brief_sections`), given its
    rules left open and its focus."""
    fed[:] = [(open_, focus)]
    return next(sections)


def _system_signs(system: Verdict) -> frozenset[str]:
    """Metrics whose comparisons held in a found system gap's evidence."""
    return frozenset(c.observed for e in system.evidence for c in e.checks if c.result is True)


def _urgency(d: Diagnosis, focus: Focus | None) -> int:
    """The rep's group: by the focus where there is one, else by outcome and standing."""
    return _urgency_of(d.outcome, d.standing.status, focus, d.verdict("system").blocks_pip)


def _urgency_of(outcome: str, standing: str, focus: Focus | None, blocks_pip: bool) -> int:
    keys = _URGENCY_KEYS
    if focus is None:
        if outcome == "undetermined":
            return keys.index("data")
        return keys.index(standing if standing in ("ahead", "on_track") else "none")
    if focus.gap == "system" and blocks_pip:
        return keys.index("system")  # measured: on estimates alone it is a suspicion to check
    return keys.index("confirmed" if focus.status == "confirmed" else "suspected")


_URGENCY_KEYS = [key for key, _ in URGENCY]


def _say(d: Diagnosis, focus: Focus | None, needs: tuple[str, ...]) -> str:
    return _said(d.outcome, focus, needs)


def _said(outcome: str, focus: Focus | None, needs: tuple[str, ...]) -> str:
    if focus is not None:
        return f"{GAP_NAMES[focus.gap]} {STATUS_WORDS[focus.status]}"
    if outcome == "undetermined":
        return f"Not judged (needs {w.label(needs[0])})" if needs else "Not judged"
    return "No gap found"


def _move(focus: Focus | None) -> Move | None:
    goal = focus.goal if focus is not None else None
    if goal is None:
        return None
    return Move(
        metric=goal.metric,
        label=w.heading(goal.metric),
        now=w.bare(goal.metric, goal.current),
        target=w.bare(goal.metric, goal.target),
    )


def _action_words(
    d: Diagnosis, focus: Focus | None, action: str | None, needs: tuple[str, ...]
) -> str:
    if focus is not None:
        return action or ""
    if d.outcome == "undetermined" and needs:
        return f"Collect {asked(needs[0])}"
    if d.watch:
        return f"Watch: {humanize(d.watch[0].text)}"
    return "Keep the current rhythm"


def _covered(facts: Mapping[str, object]) -> bool:
    """Whether closed-won and commit already reach quota (no gap left to cover)."""
    gap = facts.get("derived.gap_to_goal")
    return isinstance(gap, float) and gap <= 0


def _next_step(step: Escalation | None) -> tuple[str, str, str] | None:
    if step is None:
        return None
    icon, words = w.ACTIONS[step.action]
    return (step.action, f"{icon} {words}", humanize(step.reason))


def _trend(
    history: RepHistory, focus: Focus | None, library: Interventions, targets: Targets
) -> Trend | None:
    metric = _trend_metric(focus, library)
    if metric is None:
        return None
    points = history.values(metric, targets)
    if not points:
        return Trend((), None, "no weekly values")
    first, last = points[0][1], points[-1][1]
    weeks = points[-1][0] - points[0][0] + 1
    target = focus.goal.target if focus and focus.goal else None
    text = (
        f"{w.heading(metric)}: {w.value(metric, first)} to {w.value(metric, last)} "
        f"over {weeks} week{'s' if weeks != 1 else ''}"
    )
    return Trend(points, target if isinstance(target, float) else None, text)


def _trend_metric(focus: Focus | None, library: Interventions) -> str | None:
    """The focus goal's metric, else the focus gap's first indicator; None without a focus."""
    if focus is None:
        return None
    if focus.goal is not None:
        return focus.goal.metric
    indicators = library.playbook(focus.gap).indicators
    return indicators[0].metric if indicators else None


def _first_action(
    focus: Focus | None,
    diagnosis: Judged,
    context: _Context,
    facts: Mapping[str, object],
    memo: dict[Any, Any] | None = None,
) -> str | None:
    """The plan's first step: the one skill drilled now, else the first manager action
    (for a system gap, the strongest firing rule's own intervention)."""
    if focus is None:
        return None
    check = check_proxies_first(diagnosis.verdict(focus.gap))
    if check:
        return check[0]
    library = context.library
    drill = current_drill(
        focus.gap,
        diagnosis,
        context.rules,
        library,
        context.targets,
        judged=facts,
        now=facts,
        memo=memo,
    )
    if drill is not None:
        return drill.name
    actions = library.playbook(focus.gap).actions
    if focus.gap == "system":
        actions = system_actions(diagnosis, actions)
    return actions[0] if actions else None


def _number_of(value: object) -> float | None:
    return value if isinstance(value, float) else None


def target_of(metric: str, targets: Targets) -> float | None:
    """The team target of a leading indicator (None where the pack sets none)."""
    named: dict[str, float | None] = {
        "derived.calls_vs_plan": 1.0,
        "derived.meetings_vs_plan": 1.0,
        "activity.meeting_to_opportunity_rate": targets.meeting_to_opportunity_rate,
        "derived.coverage": targets.pipeline_coverage,
        "ownership.forecast_accuracy": targets.forecast_accuracy,
    }
    return named.get(metric)


_MARGIN_OF = {
    "derived.calls_vs_plan": "calls_per_day",
    "derived.meetings_vs_plan": "meetings_per_week",
    "activity.meeting_to_opportunity_rate": "meeting_to_opportunity_rate",
    "ownership.forecast_accuracy": "forecast_accuracy",
}
"""The margin the rules allow each leading indicator's target (`Margins`)."""


def _number(metric: str, reps: tuple[RepLine, ...], targets: Targets) -> TeamNumber:
    known = [v for rep in reps if (v := rep.value(metric)) is not None]
    mean = math.fsum(known) / len(known) if known else None  # (sum() rounds by version)
    target = target_of(metric, targets)
    name = _MARGIN_OF.get(metric)
    margin = float(getattr(targets.margins, name)) if name is not None else 0.0
    return TeamNumber(metric=metric, mean=mean, known=len(known), target=target, margin=margin)


def _bad_rows(errors: Any, lines: Sequence[int | None]) -> tuple[BadRow, ...]:
    records = errors.to_dicts() if hasattr(errors, "to_dicts") else errors.to_dict("records")
    return tuple(
        BadRow(
            row=int(r["row"]),
            rep_id=r["rep_id"] if isinstance(r["rep_id"], str) else None,
            field=str(r["field"]),
            reason=str(r["reason"]),
            line=line,
        )
        for r, line in zip(records, lines, strict=True)
    )

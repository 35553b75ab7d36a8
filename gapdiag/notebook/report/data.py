"""The report's data, embedded once in the page as JSON; the page's script draws from it.

Every text is in one string table (``s``) and referred to by its index, so a label, an
action or a check that many reps share is stored once. Numbers are numbers: confidences
exactly as the batch has them, leaderboard values as sort keys beside their texts.

Layout (arrays, to keep 5,000 reps small), in two parts. What the tables draw::

    {"v": 1, "s": [texts], "teams": [[name, anchor, means]], "urgency": [[key, words]],
     "lead": [[metric, heading]], "history": bool, "brief": bool, "words": {...},
     "reps": [[row, id, name, team, standing, urgency, gap, status, confidence, move,
               action, values, next, trend, say]]}

with texts as string-table indexes, ``-1`` or ``0`` for "none" (see `REP_FIELDS`);
``standing`` is ``[status, words]``, ``move`` ``[label, now, target]``, ``confidence``
``[number, text]``, ``values`` ``[[number, text] | 0]`` per lead metric, ``next``
``[action, words, reason]`` and ``trend`` ``[text, [[week, value]], target]``. Each rep's
details, in the same order::

    {"v": 1, "s": [texts], "rules": [rule ids], "d": [[verdicts, period, ...]]}

as `DETAIL_FIELDS`, with ``verdicts`` ``[[gap, status, confidence, words]]`` and
``standing`` a text index or the figures the script words (`_standing.standing_said`).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from functools import lru_cache
from typing import Any

from gapdiag.model.gaps import SUSPECTED_AT
from gapdiag.model.labels import percent
from gapdiag.model.standing import NOT_BEHIND
from gapdiag.notebook.report import _words as w
from gapdiag.notebook.report._detail import Item
from gapdiag.notebook.report.assemble import LEADING, RepLine, Report, TeamView
from gapdiag.notebook.signs import verdict_words

COVERAGE = "derived.coverage"

REP_FIELDS = (
    "row",
    "id",
    "name",
    "team",
    "standing",
    "urgency",
    "gap",
    "status",
    "confidence",
    "move",
    "action",
    "values",
    "next",
    "trend",
    "say",
)
"""The position of each field in a rep's array."""
DETAIL_FIELDS = (
    "verdicts",
    "period",
    "standing",
    "watch",
    "headline",
    "focus",
    "pip",
    "evidence",
    "more",
    "tree",
    "tree_end",
    "still_open",
    "escalation",
    "fired",
    "open_rules",
)
"""The position of each field in a rep's detail array."""
VERSION = 1


class Strings(dict[str, int]):
    """A string table: each distinct text stored once, referred to by its index.

    ``strings(text)`` is the index of `text`, added on first use: a plain dict lookup (the
    page data asks for tens of indexes a rep), with `__missing__` only for a new text.
    """

    def __init__(self) -> None:
        super().__init__({"": 0})

    def __missing__(self, text: str) -> int:
        found = self[text] = len(self)
        return found

    __call__ = dict.__getitem__

    def many(self, texts: Iterable[str]) -> list[int]:
        """Indexes of several texts."""
        return list(map(self.__getitem__, texts))


def page_data(report: Report) -> tuple[dict[str, Any], dict[str, Any]]:
    """The report's data: what the first screen and the tables draw, and each rep's details.

    The two are embedded apart, the details after the script, so a large page draws its
    first screen before the browser has read every rep's details.
    """
    s = Strings()
    teams = {team.name: i for i, team in enumerate(report.teams)}
    cells: Cells = {}
    reps = [_rep(rep, teams, s, cells) for rep in report.reps]
    ds, rules = Strings(), Strings()
    details = [_detail(rep, ds, rules) for rep in report.reps]
    main = {
        "v": VERSION,
        "fields": list(REP_FIELDS),
        "teams": [[team.name, team.anchor, _means(team, s)] for team in report.teams],
        "urgency": [list(pair) for pair in w.URGENCY],
        "lead": [[metric, w.heading(metric)] for metric in LEADING],
        "history": report.with_history,
        "brief": report.brief,
        "reps": reps,
        "words": w.page_words(),
        "s": list(s),
    }
    return main, {
        "v": VERSION,
        "fields": list(DETAIL_FIELDS),
        "d": details,
        "rules": list(rules),
        "s": list(ds),
    }


def to_json(data: dict[str, Any]) -> str:
    """Compact JSON that is safe inside a ``<script>`` element (no '<' left in it).

    The page data is lists built fresh for it, so no container holds itself: the encoder's
    cycle check (a dict entry per list it enters) is left out, the same text a sixth sooner.
    """
    text = json.dumps(
        data, ensure_ascii=False, separators=(",", ":"), allow_nan=False, check_circular=False
    )
    return text.replace("<", "\\u003c")


@lru_cache(maxsize=8192)
def _verdict(gap: str, status: str, confidence: float, needs: tuple[str, ...], held: bool) -> str:
    """A verdict in words (cached: a large population repeats few confidences)."""
    return verdict_words(gap, status, confidence, needs, held=held)


def _means(team: TeamView, s: Strings) -> list[Any]:
    return [
        [float(f"{mean:.6g}"), s(w.value(metric, mean))]
        if (mean := team.mean(metric)) is not None
        else 0
        for metric in LEADING
    ]


Cells = dict[tuple[str, float], list[Any]]
"""Leaderboard cells by (metric, value): a population repeats many values (rounded inputs)."""


def _value(metric: str, v: float, s: Strings, cells: Cells) -> list[Any]:
    """A leaderboard cell, [sort key, text index]; zero (signed) is never looked up."""
    if not v:
        return [float(f"{v:.4g}"), s(w.value(metric, v))]
    found = cells.get((metric, v))
    if found is None:
        found = cells[metric, v] = [float(f"{v:.4g}"), s(w.value(metric, v))]
    return found


def _rep(rep: RepLine, teams: dict[str, int], s: Strings, cells: Cells) -> list[Any]:
    move = [s(rep.move.label), s(rep.move.now), s(rep.move.target)] if rep.move else 0
    values = [
        _value(metric, v, s, cells)
        if v is not None
        else (s(w.NO_GAP_LEFT) if rep.covered and metric == COVERAGE else 0)
        for metric, v in zip(LEADING, rep.values, strict=True)
    ]
    step = rep.next_step
    nxt = s.many(step) if step is not None else (-1 if rep.has_history else 0)
    trend: Any = 0
    if rep.trend is not None:
        points = [[week, float(f"{v:.6g}")] for week, v in rep.trend.points]
        trend = [s(rep.trend.text), points, rep.trend.target]
    return [
        rep.row,
        s(rep.rep_id),
        s(rep.name),
        teams.get(rep.team, 0),
        [s(rep.standing), s(rep.standing_words)],
        rep.urgency,
        s(rep.focus_gap or ""),
        s(rep.focus_status or ""),
        [rep.focus_confidence, s(percent(rep.focus_confidence))]
        if rep.focus_confidence is not None
        else 0,
        move,
        s(rep.action),
        values,
        nxt,
        trend,
        s(rep.say),
    ]


def _items(items: Iterable[Item], s: Strings) -> list[Any]:
    return [[s(head), s(text), s.many(checks)] for head, text, checks in items]


def _detail(rep: RepLine, s: Strings, rules: Strings) -> list[Any]:
    d = rep.detail
    open_ = dict(rep.open_by_gap)
    # a gap found on a rep who is not behind is held back as unlikely (judgment.judge)
    calm = rep.standing in NOT_BEHIND
    verdicts = [
        [
            s(gap),
            s(status),
            confidence,
            s(
                _verdict(
                    gap,
                    status,
                    confidence,
                    open_.get(gap, ()),
                    calm and status == "unlikely" and confidence >= SUSPECTED_AT,
                )
            ),
        ]
        for gap, status, confidence in rep.verdicts
    ]
    escalation = _items([d.escalation], s)[0] if d.escalation is not None else 0
    return [
        verdicts,
        s(d.period),
        s(d.standing) if isinstance(d.standing, str) else d.standing,
        s.many(d.watch),
        s(d.headline),
        s(d.focus),
        s(d.pip),
        _items(d.evidence, s),
        d.more,
        _items(d.tree, s),
        s(d.tree_end),
        s(d.still_open),
        escalation,
        rules.many(d.fired),
        rules.many(d.open_rules),
    ]

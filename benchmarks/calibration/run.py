"""Diagnose generated reps through the public API, one by one and as a batch."""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

import gapdiag

from .inputs import NEW_FIELDS, api_input, team_stats
from .plans import escalates
from .population import Case
from .score import CALM, Said, said_of


def diagnose_all(
    cases: Sequence[Case],
    *,
    new_fields: bool = NEW_FIELDS,
    rules: Any = None,
    plans: int = 0,
    seed: int = 0,
) -> list[Said]:
    """`gapdiag.diagnose` on every rep, with its team's means and medians.

    `plans` reps drawn at random among those truly ahead or on track also get a coaching
    plan after six to eight flat weeks (`plans.escalates`); their `escalated` is set.
    """
    book = gapdiag.load_rules(rules) if rules is not None else None
    inputs = [api_input(c.record, new_fields=new_fields) for c in cases]
    teams = team_stats(inputs)
    said = [
        said_of(gapdiag.diagnose(rep, rules=book, team=teams.get(rep.get("team", ""))))
        for rep in inputs
    ]
    calm = [i for i, c in enumerate(cases) if c.truth.standing in CALM]
    for i in sorted(random.Random(seed).sample(calm, min(plans, len(calm)))):
        team = teams.get(inputs[i].get("team", ""))
        up = escalates(inputs[i], cases[i].record, seed=seed + i, team=team, rules=book)
        said[i] = replace(said[i], escalated=up)
    return said


@dataclass(frozen=True, slots=True)
class Agreement:
    """`diagnose_many` against `diagnose` on a sample: reps compared, and those that differ."""

    compared: int
    differ: tuple[tuple[str, str], ...]
    """(rep_id, what differs) for each rep whose batch result is not the single one."""


def batch_agreement(
    cases: Sequence[Case],
    saids: Sequence[Said],
    *,
    sample: int,
    seed: int,
    new_fields: bool = NEW_FIELDS,
    rules: Any = None,
) -> Agreement:
    """Run `diagnose_many` on whole teams drawn at random and compare with `diagnose`.

    Whole teams are drawn so that the batch's team values are computed from the same reps
    as the single diagnoses' were.
    """
    teams = sorted({c.record["team"] for c in cases})
    random.Random(seed).shuffle(teams)
    chosen: set[str] = set()
    rows = []
    for team in teams:
        if len(rows) >= sample:
            break
        chosen.add(team)
        rows += [i for i, c in enumerate(cases) if c.record["team"] == team]
    batch = gapdiag.diagnose_many(
        [api_input(cases[i].record, new_fields=new_fields) for i in rows],
        rules=gapdiag.load_rules(rules) if rules is not None else None,
    )
    frame = batch.frame
    differ = []
    for position, i in enumerate(rows):
        one, row = saids[i], frame.iloc[position]
        what = _differences(one, row)
        if what:
            differ.append((one.rep_id, what))
    return Agreement(len(rows), tuple(differ))


def _differences(one: Said, row: Any) -> str:
    primary = row["primary_gap"]
    primary = None if not isinstance(primary, str) or primary == "none" else primary
    found = []
    if primary != one.primary:
        found.append(f"primary {primary} vs {one.primary}")
    for gap, status in one.status.items():
        if row[f"{gap}.status"] != status:
            found.append(f"{gap} {row[f'{gap}.status']} vs {status}")
    for name, mine in (("standing", one.standing), ("outcome", one.outcome)):
        if name in row.index and mine is not None and str(row[name]) != mine:
            found.append(f"{name} {row[name]} vs {mine}")
    return "; ".join(found)

"""A diagnosis's parts in a manager's words: checks, changes, confidences and dates.

Every text meant for people (explanations, plans, HTML, CLI tables) words its numbers
here, through the label registry (`gapdiag.model.labels`): labels instead of metric paths,
units instead of bare fractions, days people pick instead of ISO dates.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable, Sequence
from functools import lru_cache

from gapdiag.model.diagnosis import Check, Counterfactual, CounterfactualChange, Verdict
from gapdiag.model.labels import (
    LABELS,
    Value,
    label_of,
    labels_listed,
    pair_shower,
    percent,
    sentence,
    show,
    show_all,
    show_change,
    show_comparison,
)
from gapdiag.model.standing import EARLY, Standing

_PATH = re.compile(r"\b(?:team\.(?:mean|median)\.)?[a-z_]+\.[a-z_]+\b|\btenure_months\b")
_SELF_DESCRIBING = frozenset(
    {
        "calls a day",
        "emails a day",
        "meetings a week",
        "questions a call",
        "deflections a 1:1",
        "calls per meeting",
    }
)
"""Units that say what was counted, so a change in them needs no label in front."""


def humanize(text: str) -> str:
    """Replace every known metric path in a text by its label ('derived.coverage' -> ...)."""
    if not _may_name_a_path(text):
        return text  # the usual case: a because-text of numbers and words
    return _PATH.sub(
        lambda m: LABELS[m.group(0)].label if m.group(0) in LABELS else m.group(0), text
    )


def _may_name_a_path(text: str) -> bool:
    """Whether `_PATH` can match: some dot between a letter (or '_') on each side, or
    'tenure_months'. Found with `str.find` over the few dots a text holds: most because-
    texts have none between letters, and the regular expression scans every word."""
    at = text.find(".")
    while at != -1:
        if 0 < at < len(text) - 1 and text[at - 1] in _PATH_CHARS and text[at + 1] in _PATH_CHARS:
            return True
        at = text.find(".", at + 1)
    return "tenure_months" in text


_PATH_CHARS = frozenset("abcdefghijklmnopqrstuvwxyz_")


@lru_cache(maxsize=4096)
def quantity(observed: str) -> str:
    """What a check measured, in words: a label, or an expression with labels in it."""
    return label_of(observed).label if observed in LABELS else humanize(observed)


_NEGATED = {"<": ">=", "<=": ">", ">": "<=", ">=": "<", "==": "!=", "!=": "=="}


def check_text(check: Check) -> str:
    """One comparison as it stands: 'calls against plan 35% < 50%', 'certified: no'.

    A comparison that came out false is shown the way it is true (35% < 80%, not
    35% >= 80%), so no line reads as a false statement.
    """
    name = quantity(check.observed)
    path = check.observed if check.observed in LABELS else ""
    if check.op is None or isinstance(check.observed_value, bool):
        return f"{name}: {show(path, check.observed_value)}"
    op = _NEGATED.get(check.op, check.op) if check.result is False else check.op
    numbers = show_comparison(path, check.observed_value, op, check.threshold_value)
    if label_of(path).unit in _SELF_DESCRIBING:
        return numbers
    return f"{name} {numbers}"


def movement(path: str, old: Value, new: Value) -> str:
    """A change of one metric in words: '14 → 40 calls a day', 'win rate 18% → 25%'."""
    moved = show_change(path, old, new)
    return moved if label_of(path).unit in _SELF_DESCRIBING else f"{label_of(path).label} {moved}"


def reading(path: str, *values: Value) -> tuple[str, ...]:
    """Values to print after the metric's label: bare counts for units that repeat the label
    ('Calls a day: 14'), the unit otherwise ('Win rate: 18%'); one shared precision."""
    if label_of(path).unit not in _SELF_DESCRIBING:
        return show_all(path, values)
    return tuple(text.split(" ", 1)[0] for text in show_all(path, values))


def stated(path: str, value: Value) -> str:
    """A value with its name said once: '15 calls a day', 'win rate 18%'."""
    shown = show(path, value)
    return shown if label_of(path).unit in _SELF_DESCRIBING else f"{label_of(path).label} {shown}"


@lru_cache(maxsize=1024)
def pair_reading(path: str) -> Callable[[Value, Value], tuple[str, ...]]:
    """`reading(path, a, b)`, composed once a path: two finite numbers said in a few steps
    (`labels.pair_shower`), anything else as `reading` says it."""
    shown = pair_shower(path)
    bare = label_of(path).unit in _SELF_DESCRIBING
    isfinite = math.isfinite

    def read(a: Value, b: Value) -> tuple[str, ...]:
        if type(a) is float and type(b) is float and isfinite(a) and isfinite(b):
            texts = shown(a, b)
            if texts is not None:
                return (texts[0].split(" ", 1)[0], texts[1].split(" ", 1)[0]) if bare else texts
        return reading(path, a, b)

    return read


def labelled(path: str, value: Value) -> str:
    """'Calls a day: 14', 'Win rate: 18%'."""
    return f"{sentence(label_of(path).label)}: {reading(path, value)[0]}"


def change_text(change: CounterfactualChange) -> str:
    """One metric changed, in words: '14 → 20 calls a day', 'forecast accuracy 55% → 80%'."""
    path = change.metric
    if change.strict and not isinstance(change.boundary, bool):
        side = "above" if change.value > change.boundary else "under"
        after = f"{side} {show(path, change.boundary)}"
        moved = f"{show_change(path, change.observed, change.boundary).split(' → ')[0]} → {after}"
    else:
        moved = show_change(path, change.observed, change.value)
    unit = label_of(path).unit
    return moved if unit in _SELF_DESCRIBING else f"{label_of(path).label} {moved}"


def counterfactual_text(found: Counterfactual) -> str:
    """A counterfactual in words, with the verdict it leads to."""
    changes = [change_text(c) for c in found.changes]
    if len(changes) == 1:
        what = changes[0]
    else:
        what = f"{'; '.join(changes[:-1])} and {changes[-1]}, together"
    after = (
        f"{found.gap} then not judged until more data is in"
        if found.status_after == "unknown"
        else f"{found.gap} then {found.status_after}, {percent(found.confidence_after)}"
    )
    return f"{what} ({after})"


COUNTERFACTUAL_HEADINGS = {
    ("rep", True): "What would clear it: changes the rep can make",
    ("rep", False): "What would weaken it, not clear it: changes the rep can make",
    ("organization", True): "What the organization could change "
    "(a system gap is not the rep's to fix)",
}
"""Headings of counterfactuals by owner and whether they clear the gap: only a change that
leaves the gap unlikely or unknown is listed as clearing it."""


def counterfactual_groups(
    found: Sequence[Counterfactual],
) -> list[tuple[str, list[Counterfactual]]]:
    """Counterfactuals under their headings: the rep's that clear the gap, the rep's that
    only weaken it, then the organization's; empty groups left out."""
    groups: dict[tuple[str, bool], list[Counterfactual]] = {}
    for c in found:
        clears = c.owner == "organization" or c.status_after not in ("confirmed", "suspected")
        groups.setdefault((c.owner, clears), []).append(c)
    order = (("rep", True), ("rep", False), ("organization", True))
    return [(COUNTERFACTUAL_HEADINGS[key], groups[key]) for key in order if key in groups]


def counted(count: int, noun: str, plural: str | None = None) -> str:
    """'1 rep', '28 reps', '1,200 bad rows': a count with its noun in the right number."""
    return f"{count:,} {noun if count == 1 else plural or noun + 's'}"


def confidence(value: float) -> str:
    """A confidence as a percentage that never rounds up to 100% (0.995 reads 99.5%)."""
    return percent(value)


def day(date: dt.date) -> str:
    """A date as people write it in a plan: 'Fri 27 Nov'."""
    return f"{date:%a} {date.day} {date:%b}"


def long_day(date: dt.date) -> str:
    """A date with its year: 'Fri 27 Nov 2026'."""
    return f"{day(date)} {date.year}"


def period(start: dt.date | None, end: dt.date | None) -> str:
    """A period in words, '1 Jul to 30 Sep 2026'; empty when either end is unknown."""
    if start is None or end is None:
        return ""
    first = f"{start.day} {start:%b}" + ("" if start.year == end.year else f" {start.year}")
    return f"{first} to {end.day} {end:%b} {end.year}"


_STANDING_WORDS = {
    "ahead": "Ahead",
    "on_track": "On track",
    "behind": "Behind",
    "unknown": "Standing unknown",
}
"""The one name of each standing, in every output."""
OUTCOME_WORDS = {
    "gap": "Gap found",
    "no_gap_found": "No gap found",
    "undetermined": "Undetermined",
}
"""The one name of each outcome, in every output (never 'none')."""


def standing_word(status: str) -> str:
    """'Ahead', 'On track', 'Behind' or 'Standing unknown'."""
    return _STANDING_WORDS[status]


def money(value: float) -> str:
    """An amount of money, never negative in words (callers say 'over' or 'short')."""
    return show("pipeline.quota", abs(value))


def standing_text(standing: Standing) -> str:
    """Where the rep stands, with the figures that settled it: one or two sentences."""
    s = standing
    word = standing_word(s.status)
    if s.status == "unknown" or s.quota is None or s.closed_won is None:
        wanted = labels_listed(s.needs) or "quota and revenue won"
        return f"{word}: collect {wanted} to tell whether the rep is ahead, on track or behind."
    return _settled_text(s, word, s.quota, s.closed_won) + ramp_words(s)


def ramp_words(s: Standing) -> str:
    """For a rep in ramp who is not ahead: the plan is scaled down, the quota is read as
    given (ahead of the quota given, a rep is ahead of any smaller ramp quota too)."""
    if s.ramp_share is None or s.status == "ahead":
        return ""
    return (
        " The rep is ramping: calls, emails and meetings are held to "
        f"{show('derived.ramp_share', s.ramp_share)} of the full plan, but the quota is read "
        "as given, as this rep's ramp quota (give the ramp quota if this is the full one)."
    )


def _settled_text(s: Standing, word: str, quota: float, won: float) -> str:
    """The standing and the figures that settled it, for a standing that is known."""
    share = percent(s.attainment or 0.0)
    closed = f"closed {money(won)} of the {money(quota)} quota ({share})"
    gone = _gone(s)
    if s.settled_by == "quota":
        if quota_met(won, quota):
            return f"{word}: {closed}{gone}: quota met."
        return f"{word}: {closed}, {money(won - quota)} over quota{gone}."
    if s.settled_by == "period_end":
        return f"{word}: {closed} with the period over, {money(quota - won)} short."
    if s.settled_by == "pace" and s.expected_to_date is not None:
        diff = won - s.expected_to_date
        side = "ahead of" if diff >= 0 else "short of"
        where = f"{money(diff)} {side} it" if money(diff) != money(0.0) else "right on it"
        return (
            f"{word}: {closed}{gone}; the pace calls for {money(s.expected_to_date)} by now, "
            f"so {where}.{early_words(s)}"
        )
    if s.settled_by == "commit" and s.commit is not None:
        return f"{word}: {closed}, and the {money(s.commit)} committed reaches quota{gone}."
    return f"{word}: {closed}{gone}; {_pipeline_words(s)}."


def quota_met(won: float, quota: float) -> bool:
    """Whether what was closed is the quota to the dollar shown: 'quota met', not '$0 over'."""
    return money(won - quota) == money(0.0)


def early_words(s: Standing) -> str:
    """What would tell, for a rep behind pace early in the period with no pipeline figure:
    deals come in lumps, so one deal can change that."""
    if s.status != "behind" or s.open_pipeline is not None or s.elapsed is None:
        return ""
    if s.elapsed >= EARLY or s.still_needed is None or s.still_needed <= 0:
        return ""
    return (
        " This early, one deal can change that: collect open pipeline to see whether it "
        f"covers the {money(s.still_needed)} still needed."
    )


def _gone(s: Standing) -> str:
    if s.elapsed is None or s.days_elapsed is None or s.days_in_period is None:
        return ""
    if s.elapsed >= 1.0:
        return ", with the period over"
    return f", {s.days_elapsed} of {s.days_in_period} working days into the period"


def _pipeline_words(s: Standing) -> str:
    needed = s.still_needed if s.still_needed is not None else 0.0
    after = " after commit" if s.commit is not None else ""
    pipe = money(s.open_pipeline or 0.0)
    if s.pipeline_yield is not None:
        enough = "enough for" if s.pipeline_yield >= needed else "short of"
        return (
            f"{pipe} of open pipeline should bring in about {money(s.pipeline_yield)} at the "
            f"rep's win rate, {enough} the {money(needed)} still needed{after}"
        )
    cover = show("derived.coverage", s.coverage) if s.coverage is not None else "unknown"
    wanted = show("derived.coverage", s.coverage_needed) if s.coverage_needed else "unknown"
    return (
        f"{pipe} of open pipeline is {cover} the {money(needed)} still needed{after}, "
        f"where {wanted} is needed"
    )


def check_proxies_first(
    verdict: Verdict, resting: Sequence[Sequence[str]] | None = None
) -> tuple[str, ...]:
    """'Check the estimate first: ...' when every fact behind the verdict rests on a proxy.

    `resting`: the proxies of each fact of the evidence, where the caller has them.
    """
    if resting is None:
        resting = [e.proxies for e in verdict.evidence]
    if not resting or not all(resting):
        return ()
    proxies = list(dict.fromkeys(p for each in resting for p in each))
    names = labels_listed(proxies)
    return (
        f"Check the estimate first: collect the real {names} (the figures here are proxies); "
        f"act on the {verdict.gap} gap once they confirm it.",
    )

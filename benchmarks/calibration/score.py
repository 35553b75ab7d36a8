"""What the API said about each rep, and the figures measured against the truth.

A confirmed or suspected verdict on gap G is right when G is the rep's true cause and the
rep is truly behind. A false alarm is a primary gap, a confirmed verdict or an escalation
on a rep truly ahead or on track. Undetermined is counted among behind reps whose
activity, pipeline and territory groups are present. Reps expected to land at 90-97% of
quota are close calls: no verdict on them counts either way.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from gapdiag import Diagnosis

from .population import Truth

GAPS = ("will", "skill", "knowledge", "system")
FOUND = ("confirmed", "suspected")
CALM = ("ahead", "on_track")
COLUMNS = (*GAPS, "no gap found", "undetermined")
"""The confusion matrix's columns: the primary gap, or why there is none."""
GOALS = {"confirmed": 0.95, "suspected": 0.75, "false_alarms": 0.02, "undetermined": 0.20}
"""Issue 23's goals: precision at least, false alarms and undetermined at most."""


@dataclass(frozen=True, slots=True)
class Said:
    """What the API said about one rep, reduced to what the score reads."""

    rep_id: str
    primary: str | None
    status: Mapping[str, str]
    rules: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    outcome: str = "no_gap_found"
    standing: str | None = None
    """The API's standing (ahead, on_track, behind, unknown); None while it gives none."""
    leaf: str | None = None
    escalated: bool | None = None
    """An escalation was recommended; None where no plan was built."""


def said_of(diagnosis: Diagnosis, *, escalated: bool | None = None) -> Said:
    """Read a Diagnosis: `standing` and `outcome` only where this version of the API has them."""
    status = {v.gap: str(v.status) for v in diagnosis.verdicts}
    rules = {v.gap: tuple(e.rule for e in v.evidence) for v in diagnosis.verdicts}
    standing = getattr(diagnosis, "standing", None)
    outcome = getattr(diagnosis, "outcome", None)
    if outcome is None:  # before issue 23: an open verdict and no primary gap is undetermined
        if diagnosis.primary_gap is not None:
            outcome = "gap"
        elif any(s == "unknown" for s in status.values()):
            outcome = "undetermined"
        else:
            outcome = "no_gap_found"
    return Said(
        rep_id=diagnosis.rep_id,
        primary=diagnosis.primary_gap,
        status=status,
        rules=rules,
        outcome=str(outcome),
        standing=None if standing is None else str(getattr(standing, "status", standing)),
        leaf=diagnosis.tree_leaf.id if diagnosis.tree_leaf else None,
        escalated=escalated,
    )


def right(truth: Truth, gap: str) -> bool:
    """A verdict on `gap` is right: it is the rep's true cause and the rep is truly behind."""
    return truth.cause == gap and truth.standing == "behind"


def alarmed(said: Said) -> bool:
    """A primary gap, a confirmed verdict, or an escalation."""
    confirmed = any(s == "confirmed" for s in said.status.values())
    return said.primary is not None or confirmed or bool(said.escalated)


@dataclass(frozen=True, slots=True)
class Figure:
    """One measured figure: hits out of a total, with the issue's goal where it sets one."""

    key: str
    label: str
    hits: int
    total: int
    gap: str | None = None
    goal: float | None = None
    at_most: bool = False
    """The goal is a ceiling (false alarms, undetermined), not a floor."""

    @property
    def value(self) -> float | None:
        """hits / total; None when nothing was counted."""
        return self.hits / self.total if self.total else None

    @property
    def met(self) -> bool | None:
        """Whether the goal is met; None without a goal or without a count."""
        if self.goal is None or self.value is None:
            return None
        return self.value <= self.goal if self.at_most else self.value >= self.goal

    def to_json(self) -> dict[str, Any]:
        """This figure as one JSON object."""
        goal = None if self.goal is None else ("<= " if self.at_most else ">= ") + f"{self.goal}"
        value = None if self.value is None else round(self.value, 4)
        return {
            "figure": self.key,
            "gap": self.gap,
            "label": self.label,
            "value": value,
            "hits": self.hits,
            "total": self.total,
            "goal": goal,
            "met": self.met,
        }


@dataclass(frozen=True, slots=True)
class Pattern:
    """A rule behind wrong confirmed or suspected verdicts, and whom it fired on."""

    rule: str
    gap: str
    wrong: int
    fired: int
    wrong_confirmed: int
    on: Counter[tuple[str, str]]
    examples: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Leaf:
    """A tree leaf behind wrong primary gaps: how many, how many of them on behind reps."""

    leaf: str
    gap: str
    wrong: int
    behind: int
    examples: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Score:
    """Every figure, the confusion matrices and the failure patterns of one run."""

    figures: tuple[Figure, ...]
    confusion: Mapping[str, Mapping[str, Counter[str]]]
    patterns: tuple[Pattern, ...]
    leaves: tuple[Leaf, ...]


def score(truths: Sequence[Truth], saids: Sequence[Said]) -> Score:
    """Measure what the API said against the truth, rep by rep (same order)."""
    pairs = list(zip(truths, saids, strict=True))
    return Score(
        figures=(*_precision(pairs), *_coverage(pairs), *_standing(pairs)),
        confusion=_confusion(pairs),
        patterns=_patterns(pairs),
        leaves=_leaves(pairs),
    )


Pairs = list[tuple[Truth, Said]]


def _precision(all_pairs: Pairs) -> Iterable[Figure]:
    pairs = [(t, s) for t, s in all_pairs if t.standing != "borderline"]
    for status in FOUND:
        for gap in (None, *GAPS):
            named = [
                (t, g)
                for t, s in pairs
                for g in GAPS
                if s.status.get(g) == status and gap in (None, g)
            ]
            yield Figure(
                f"{status}_precision",
                f"{status} verdicts that are right",
                sum(right(t, g) for t, g in named),
                len(named),
                gap,
                GOALS[status],
            )
    for status in FOUND:  # the cause alone: verdicts on reps truly behind
        named = [
            (t, g)
            for t, s in pairs
            if t.standing == "behind"
            for g in GAPS
            if s.status.get(g) == status
        ]
        yield Figure(
            f"{status}_precision_behind",
            f"  {status} verdicts on reps truly behind that name the cause",
            sum(right(t, g) for t, g in named),
            len(named),
        )
    for gap in (None, *GAPS):
        primary = [(t, s.primary) for t, s in pairs if s.primary and gap in (None, s.primary)]
        yield Figure(
            "primary_precision",
            "primary gaps that are right",
            sum(right(t, p) for t, p in primary),
            len(primary),
            gap,
        )


def _coverage(pairs: Pairs) -> Iterable[Figure]:
    calm = [s for t, s in pairs if t.standing in CALM]
    yield Figure(
        "false_alarms",
        "false alarms on reps ahead or on track",
        sum(alarmed(s) for s in calm),
        len(calm),
        goal=GOALS["false_alarms"],
        at_most=True,
    )
    yield Figure(
        "false_alarm_primary",
        "  of them: a primary gap",
        sum(s.primary is not None for s in calm),
        len(calm),
    )
    yield Figure(
        "false_alarm_confirmed",
        "  of them: a confirmed verdict",
        sum(any(v == "confirmed" for v in s.status.values()) for s in calm),
        len(calm),
    )
    planned = [s for s in calm if s.escalated is not None]
    if planned:
        yield Figure(
            "false_alarm_escalated",
            "  of them: an escalation (reps with a plan)",
            sum(bool(s.escalated) for s in planned),
            len(planned),
        )
    judged = [s for t, s in pairs if t.standing == "behind" and t.complete]
    yield Figure(
        "undetermined",
        "undetermined, behind reps with activity, pipeline and territory",
        sum(s.outcome == "undetermined" for s in judged),
        len(judged),
        goal=GOALS["undetermined"],
        at_most=True,
    )
    for gap in (None, *GAPS):
        behind = [
            (t, s)
            for t, s in pairs
            if t.standing == "behind" and t.cause != "none" and gap in (None, t.cause)
        ]
        yield Figure(
            "recall",
            "behind reps whose primary gap is their true cause",
            sum(s.primary == t.cause for t, s in behind),
            len(behind),
            gap,
        )


def _standing(pairs: Pairs) -> Iterable[Figure]:
    told = [(t, s) for t, s in pairs if s.standing is not None]
    if not told:
        return
    clear = [(t, s) for t, s in told if t.standing != "borderline"]
    yield Figure(
        "standing_agrees",
        "standing said equals the true standing (close calls aside)",
        sum(t.standing == s.standing for t, s in clear),
        len(clear),
    )
    yield Figure(
        "standing_unknown",
        "standing said unknown",
        sum(s.standing == "unknown" for _, s in told),
        len(told),
    )
    behind = [s for t, s in told if t.standing == "behind"]
    yield Figure(
        "behind_said_behind",
        "behind reps said behind",
        sum(s.standing == "behind" for s in behind),
        len(behind),
    )
    calm = [s for t, s in told if t.standing in CALM]
    yield Figure(
        "calm_said_behind",
        "reps ahead or on track said behind",
        sum(s.standing == "behind" for s in calm),
        len(calm),
    )


def column(said: Said) -> str:
    """The confusion matrix column of one rep."""
    if said.primary is not None:
        return said.primary
    return "undetermined" if said.outcome == "undetermined" else "no gap found"


def _confusion(pairs: Pairs) -> dict[str, dict[str, Counter[str]]]:
    out: dict[str, dict[str, Counter[str]]] = {
        "behind": {},
        "ahead or on track": {},
        "close call, 90-97%": {},
    }
    for t, s in pairs:
        group = {"behind": "behind", "borderline": "close call, 90-97%"}.get(
            t.standing, "ahead or on track"
        )
        out[group].setdefault(t.cause, Counter())[column(s)] += 1
    return out


def _patterns(pairs: Pairs, examples: int = 3) -> tuple[Pattern, ...]:
    fired: Counter[tuple[str, str]] = Counter()
    wrong: Counter[tuple[str, str]] = Counter()
    wrong_confirmed: Counter[tuple[str, str]] = Counter()
    on: dict[tuple[str, str], Counter[tuple[str, str]]] = {}
    seen: dict[tuple[str, str], list[str]] = {}
    for t, s in pairs:
        if t.standing == "borderline":
            continue
        for gap in GAPS:
            if s.status.get(gap) not in FOUND:
                continue
            for rule in s.rules.get(gap, ()):
                key = (rule, gap)
                fired[key] += 1
                if right(t, gap):
                    continue
                wrong[key] += 1
                wrong_confirmed[key] += s.status.get(gap) == "confirmed"
                on.setdefault(key, Counter())[(t.cause, t.standing)] += 1
                if len(seen.setdefault(key, [])) < examples:
                    seen[key].append(t.rep_id)
    ranked = sorted(wrong, key=lambda k: (-wrong[k], k))
    return tuple(
        Pattern(k[0], k[1], wrong[k], fired[k], wrong_confirmed[k], on[k], tuple(seen[k]))
        for k in ranked
    )


def _leaves(pairs: Pairs, examples: int = 3) -> tuple[Leaf, ...]:
    """Wrong primary gaps grouped by the tree leaf that reached them, most first."""
    count: Counter[tuple[str, str]] = Counter()
    behind: Counter[tuple[str, str]] = Counter()
    seen: dict[tuple[str, str], list[str]] = {}
    for t, s in pairs:
        if s.primary is None or right(t, s.primary) or t.standing == "borderline":
            continue
        key = (s.leaf or "(no leaf)", s.primary)
        count[key] += 1
        behind[key] += t.standing == "behind"
        if len(seen.setdefault(key, [])) < examples:
            seen[key].append(t.rep_id)
    ranked = sorted(count, key=lambda k: (-count[k], k))
    return tuple(Leaf(k[0], k[1], count[k], behind[k], tuple(seen[k])) for k in ranked)

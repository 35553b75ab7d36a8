"""The escalation table: after weeks of coaching, keep going, extend, talk about fit, review a
PIP, or fix the system; each with its reason in words.

Weeks of figures are not weeks of coaching. The decision needs the day coaching on this
focus began (``since``): the weeks before it are the baseline, and only the weeks from it
on count. Without it there is no decision, only the trends (``trends-only``).

**Progress** is defined in ``progress`` (seed 001: no improvement in *any* metric after 4-6
weeks leads to a PIP review; improving but short of quota extends coaching).

The decision is an ordered table (first match wins; docs/playbook.md has it too):

1. no coaching start -> trends-only
2. the rep at or ahead of their number -> graduate once quota is reached, else keep-coaching:
   never an escalation (issue 23's standing)
3. commitment under target (9) in the last two coaching weeks, back to back -> fit-conversation
   (collect-data while where the rep stands is unknown)
4. fewer than REVIEW_AFTER_WEEKS coaching weeks -> keep-coaching
5. no indicator has a trend in the coaching weeks -> collect-data
6. OWNERSHIP_REVIEW_WEEKS (13, a full 90-day cadence) or more, an ownership signal off
   target and none of them moving -> pip-review (fix-system under a system gap; collect-data
   where the rep stands is unknown): activity at plan is not ownership (seed 000)
7. nothing moved and something fell short: a system gap confirmed or suspected -> fix-system
   (collect-data when it rests on estimates alone); where the rep stands unknown, or no gap
   named by the diagnosis -> collect-data; else -> pip-review
8. nothing moved, every indicator at target since coaching began -> keep-coaching
9. progress, where the rep stands unknown -> keep-coaching
10. progress, still behind -> extend-coaching (one more quarter)

A PIP is only ever a recommendation for the manager and HR to review; while a system gap is
confirmed or suspected, or the rep is at or ahead of their number, no branch recommends one
(a system gap resting on estimates alone asks for them to be checked: ``collect-data``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

from gapdiag.coaching.history import RepHistory
from gapdiag.coaching.progress import PROGRESS, Progress, progress_of, progress_summary
from gapdiag.coaching.trends import MIN_WEEKS_FOR_TREND, Trend
from gapdiag.coaching.units import across_weeks
from gapdiag.model.diagnosis import Diagnosis
from gapdiag.model.gaps import FOUND
from gapdiag.model.labels import label_of, show
from gapdiag.model.metrics import Targets
from gapdiag.model.standing import NOT_BEHIND, Standing
from gapdiag.model.wording import day, long_day, standing_word

Action = Literal[
    "trends-only",
    "fit-conversation",
    "keep-coaching",
    "collect-data",
    "fix-system",
    "pip-review",
    "extend-coaching",
    "graduate",
]
ACTIONS = {
    "trends-only": "trends only, no decision",
    "fit-conversation": "talk about fit",
    "keep-coaching": "keep coaching",
    "collect-data": "collect data",
    "fix-system": "fix the system",
    "pip-review": "review a PIP with HR",
    "extend-coaching": "extend coaching a quarter",
    "graduate": "graduate",
}
"""Each escalation action in words."""
REVIEW_AFTER_WEEKS = 6
"""Leading indicators should move within 4-6 weeks of weekly coaching (seeds)."""
OWNERSHIP_REVIEW_WEEKS = 13
"""A full 90-day cadence: still not owning the number after it -> PIP review (seed 000)."""
PIP_NOTE = (
    "Recommend that the manager and HR review whether a performance improvement plan is "
    "warranted; this is a recommendation for people to decide, not an outcome."
)


@dataclass(frozen=True, slots=True)
class Case:
    """Everything one decision reads; `decide` runs the table on it."""

    history: RepHistory
    diagnosis: Diagnosis
    standing: Standing
    since: dt.date | None
    weeks: int
    """Calendar weeks of coaching."""
    trends: tuple[Trend, ...]
    progress: tuple[Progress, ...]
    low: tuple[dt.date, ...]
    """The two back-to-back weeks of low commitment, if any."""
    targets: Targets
    owning: tuple[Trend, ...]
    """The ownership signals' trends."""
    facts: Mapping[str, object]
    rep_side: frozenset[str]
    """The indicators that are the rep's to move (no territory figure)."""

    def of(self, *kinds: Progress) -> list[Trend]:
        """The rep-side trends (no system indicator) whose progress is one of `kinds`."""
        return [
            t
            for t, p in zip(self.trends, self.progress, strict=True)
            if p in kinds and t.metric in self.rep_side
        ]

    def _system(self, head: str) -> tuple[Action, str] | None:
        """The answer while a system gap is confirmed or suspected: fix it, or, when it rests
        on proxies alone, check them; never a PIP review either way."""
        verdict = self.diagnosis.verdict("system")
        if verdict.status not in FOUND:
            return None
        if self.diagnosis.pip_blocked:
            return "fix-system", (
                f"{head} A system gap is confirmed or suspected ({_causes(self.diagnosis)}): "
                "pressure on the rep cannot fix that; fix the system first, and do not "
                "consider a PIP while it stands." + self._summary()
            )
        return "collect-data", (
            f"{head} A system gap is suspected on estimates ({_causes(self.diagnosis)}): "
            "check those figures with real data before any PIP review is weighed." + self._summary()
        )

    def decide(self) -> tuple[Action, str]:
        """The first row of the table that matches."""
        if self.since is None:
            return "trends-only", _trends_only(self.history)
        if self.standing.status in NOT_BEHIND:
            return self._at_number()
        if self.low and self.standing.status == "unknown":
            return "collect-data", (
                "Commitment was under target two weeks running, but where the rep stands on "
                "the number is unknown: no fit conversation is weighed for a rep not known to "
                "be behind." + self._needs()
            )
        if self.low:
            return "fit-conversation", self._fit()
        weeks = _weeks(self.weeks)
        if self.weeks < REVIEW_AFTER_WEEKS:
            return "keep-coaching", (
                f"{weeks} of coaching since {long_day(self.since)}; leading indicators get "
                f"until week {REVIEW_AFTER_WEEKS} of coaching to move before progress is judged."
                + self._summary()
            )
        moved = self.of("moving", "reached")
        short = self.of("flat", "worsening", "slipped")
        if not moved and not short and not self.of("held"):
            return "collect-data", (
                f"After {weeks} of coaching no leading indicator has enough weekly values for "
                f"a trend ({MIN_WEEKS_FOR_TREND} are needed); record them weekly before "
                "judging progress."
            )
        stuck = [t for t in self.owning if t.weeks_observed and not t.at_target]
        if (
            self.weeks >= OWNERSHIP_REVIEW_WEEKS
            and stuck
            and not any(progress_of(t) in PROGRESS for t in self.owning)
        ):
            return self._ownership(weeks, stuck)
        if not moved and short:
            return self._no_progress(weeks)
        if not moved:
            return "keep-coaching", (
                f"After {weeks} of coaching the watched indicators are where they were: at "
                "target since coaching began, which is neither progress nor failure. Look "
                "again at the diagnosis for what holds the number back." + self._summary()
            )
        if self.standing.status == "unknown":
            return "keep-coaching", (
                "Progress during coaching, but where the rep stands on the number is unknown, "
                "so keep the plan running." + self._summary() + self._needs()
            )
        return "extend-coaching", (
            f"Progress in {weeks} of coaching, but the rep is still behind on the number: "
            "extend coaching by one quarter." + self._summary()
        )

    def _at_number(self) -> tuple[Action, str]:
        word = standing_word(self.standing.status).lower()
        attained = self.standing.attainment
        if attained is not None and attained >= 1.0:
            return "graduate", (
                f"Quota reached ({show('derived.attainment', attained)} of quota): close the "
                "coaching plan." + self._summary()
            )
        return "keep-coaching", (
            f"The rep is {word} on the number: no escalation while they are at or ahead of "
            "it; keep the plan running." + self._summary()
        )

    def _no_progress(self, weeks: str) -> tuple[Action, str]:
        head = f"No leading indicator moved toward its target in {weeks} of coaching."
        held = self._system(head) or self._not_behind(head) or self._unnamed(head)
        if held is not None:
            return held
        return "pip-review", f"{head}{self._summary()} {PIP_NOTE}"

    def _not_behind(self, head: str) -> tuple[Action, str] | None:
        """Where the rep stands unknown: no PIP review for a rep not known to be behind."""
        if self.standing.status == "behind":
            return None
        return "collect-data", (
            f"{head} Where the rep stands on the number is unknown, and no PIP review "
            "is weighed for a rep not known to be behind." + self._summary() + self._needs()
        )

    def _unnamed(self, head: str) -> tuple[Action, str] | None:
        """No gap named by the diagnosis: nothing to hold the rep to yet, so no PIP review."""
        if self.diagnosis.primary_gap is not None:
            return None
        wanted = sorted({label_of(n).label for u in self.diagnosis.undetermined for n in u.needs})
        collect = f" Collect {', '.join(wanted[:4])} first." if wanted else ""
        return "collect-data", (
            f"{head} The diagnosis names no gap for the rep now, so there is nothing a PIP "
            f"review could hold them to yet: find out why they are behind.{collect}"
            + self._summary()
        )

    def _ownership(self, weeks: str, stuck: list[Trend]) -> tuple[Action, str]:
        names = ", ".join(self._name(t) for t in stuck)
        head = (
            f"After {weeks} of coaching, a full 90-day cadence, no ownership signal ({names}) "
            "has moved toward its target: progress on activity is not ownership of the number."
        )
        # the stuck ownership signals are the named problem: no need for a named gap
        held = self._system(head) or self._not_behind(head)
        if held is not None:
            return held
        return "pip-review", f"{head}{self._summary()} {PIP_NOTE}"

    def _fit(self) -> str:
        low = self.low
        text = (
            f"Commitment was under {show('target.commitment_score', self.targets.commitment_score)}"
            f" in the weeks of {day(low[0])} and {day(low[1])}. Hold a documented conversation "
            "about fit: whether the rep wants this role and this plan."
        )
        if self.diagnosis.verdict("system").status in FOUND:
            return text + (
                " A system gap is confirmed or suspected, so no PIP may be considered"
                " until it is fixed (or, resting on estimates, checked)."
            )
        return text + " If it confirms a fit problem, the manager and HR may review a PIP."

    def _needs(self) -> str:
        wanted = [label_of(n).label for n in self.standing.needs] or ["quota", "revenue won"]
        return f" Collect {', '.join(wanted)} to tell where the rep stands."

    def _summary(self) -> str:
        """What moved and what did not, each with its numbers."""
        text = progress_summary(
            [
                (t, p)
                for t, p in zip(self.trends, self.progress, strict=True)
                if t.metric in self.rep_side
            ],
            self.facts,
            self.targets,
        )
        return f" {text}" if text else ""

    def _name(self, t: Trend) -> str:
        path, _ = across_weeks(t.metric, None, self.facts, self.targets)
        return label_of(path).label


def _trends_only(history: RepHistory) -> str:
    return (
        f"No coaching start given: these are {_weeks(history.weeks_spanned)} of figures, not "
        "weeks of coaching, so no escalation is judged. Give the day coaching on this focus "
        "began (--since, or a coaching log of the 1:1s) for a decision; the trends show what "
        "the weeks did."
    )


def _causes(diagnosis: Diagnosis) -> str:
    return "; ".join(e.because for e in diagnosis.verdict("system").evidence)


def _weeks(count: int) -> str:
    return "1 week" if count == 1 else f"{count} weeks"

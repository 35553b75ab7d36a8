"""The call rubric: five parts scored 0-1 each, summed to a 0-5 call score.

The score ranks a rep's calls to pick the ones a manager should listen to (the weakest,
a typical and the strongest); it is not reported as ``calls.rubric_score``, which the
rules read as a person's review of the calls. The parts and their bars:

| part | full marks | zero |
| --- | --- | --- |
| talk share | inside `target.talk_ratio_low`..`talk_ratio_high` | 0.15 outside |
| discovery | `target.discovery_questions_per_call` or more | none |
| open questions | half or more open (the rules' bar) | none, or no questions |
| monologues | longest rep monologue <= 150 s (the rules' ceiling) | 300 s or more |
| next step | the call ends with a dated next step | it does not |

Scores in between fall on a straight line. A target set to nothing (None) falls back to
the shipped default.
"""

from __future__ import annotations

from dataclasses import dataclass

from gapdiag.model.metrics import Targets

OPEN_BAR = 0.5  # the share of open questions the default pack's rule asks for
MONOLOGUE_CEILING = 150.0  # seconds; the default pack's calls-long-monologues rule
_TALK_FADE = 0.15  # how far outside the band the talk part falls to zero
PARTS = ("talk share", "discovery", "open questions", "monologues", "next step")


@dataclass(frozen=True, slots=True)
class Parts:
    """One call's rubric parts, each in [0, 1]."""

    talk: float
    discovery: float
    open: float
    monologue: float
    next_step: float

    @property
    def score(self) -> float:
        """The call score: the parts summed, 0 to 5, to two decimals."""
        total = self.talk + self.discovery + self.open + self.monologue + self.next_step
        return round(total, 2)


def parts(
    *,
    talk_ratio: float,
    discovery_questions: int,
    open_question_ratio: float | None,
    longest_monologue_seconds: float,
    dated_next_step: bool | None,
    targets: Targets,
) -> Parts:
    """Score one call's parts against the targets."""
    low = _given(targets.talk_ratio_low, "talk_ratio_low")
    high = _given(targets.talk_ratio_high, "talk_ratio_high")
    outside = max(low - talk_ratio, talk_ratio - high, 0.0)
    wanted = _given(targets.discovery_questions_per_call, "discovery_questions_per_call")
    over = longest_monologue_seconds - MONOLOGUE_CEILING
    return Parts(
        talk=max(0.0, 1.0 - outside / _TALK_FADE),
        discovery=min(1.0, discovery_questions / wanted) if wanted > 0 else 1.0,
        open=min(1.0, (open_question_ratio or 0.0) / OPEN_BAR),
        monologue=min(1.0, max(0.0, 1.0 - over / MONOLOGUE_CEILING)),
        next_step=1.0 if dated_next_step else 0.0,
    )


def _given(value: float | None, name: str) -> float:
    if value is not None:
        return value
    default = Targets.model_fields[name].default
    assert isinstance(default, float)
    return default

"""A rep's standing sentence as the numbers behind it: the page's script words them.

`standing_text` (``model.wording``) says where a rep stands with the figures that settled
it, a sentence nearly unique to each rep. The page embeds the figures instead and its
script (``words.js``) says the same sentence when the rep's section is drawn; the
single-rep views keep `standing_text`. ``tests/test_report_words_js.py`` holds the two
equal for every branch and a hypothesis sample of figures.
"""

from __future__ import annotations

from typing import Any

from gapdiag.model.standing import Standing
from gapdiag.model.wording import early_words, quota_met, ramp_words, standing_text

LARGEST = 1e15
"""Figures at or above this (in size) are worded in Python: the script's fixed-point
formatting is exact only well below 1e21."""

Said = str | list[Any]
"""The sentence itself, or ``[branch, quota, closed won, attainment, gone, *more]``."""


def standing_said(s: Standing) -> Said:
    """The figures `words.js` needs to say `standing_text(s)`, or the text where it cannot.

    ``branch`` is which figures settled the standing (``q`` quota reached, ``e`` period
    over, ``p`` pace, ``c`` commit, ``l`` pipeline); ``gone`` is 0 (unknown), 1 (the period
    over) or ``[days gone, days in period]``; ``more`` is the branch's own figures.
    """
    if s.status == "unknown" or s.quota is None or s.closed_won is None:
        return standing_text(s)  # no figures to say: the same few texts, said once each
    met = s.settled_by == "quota" and quota_met(s.closed_won, s.quota)
    if met or early_words(s) or ramp_words(s):  # rare forms, said here: 'quota met',
        return standing_text(s)  # 'This early, ...', a rep in ramp (few on a team)
    gone: Any = 0
    if s.elapsed is not None and s.days_elapsed is not None and s.days_in_period is not None:
        gone = 1 if s.elapsed >= 1.0 else [s.days_elapsed, s.days_in_period]
    figures: list[float | None] = [s.quota, s.closed_won, s.attainment]
    settled, commit = s.settled_by, s.commit
    if settled == "quota":
        branch = "q"
    elif settled == "period_end":
        branch = "e"
    elif settled == "pace" and s.expected_to_date is not None:
        branch, figures = "p", [*figures, s.expected_to_date]
    elif settled == "commit" and commit is not None:
        branch, figures = "c", [*figures, commit]
    else:
        branch = "l"
        more = [s.open_pipeline, s.pipeline_yield, s.coverage, s.coverage_needed]
        figures = [*figures, s.still_needed, *more]
    # finite and well below 1e21, else worded here (a NaN fails every comparison)
    if not all(map(LARGEST.__gt__, map(abs, [f for f in figures if f is not None]))):
        return standing_text(s)
    if branch == "l":  # whether a commit is known, before the pipeline's figures
        figures.insert(4, 1 if commit is not None else 0)
    return [branch, *figures[:3], gone, *figures[3:]]

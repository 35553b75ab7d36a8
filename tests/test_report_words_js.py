"""The page's script says numbers and standing sentences exactly as Python does.

`words.js` (inlined in the team report) words each rep's standing from the figures the
page embeds (`_standing.standing_said`). Run under node, it must give `labels.show`'s and
`wording.standing_text`'s text for every rep of a messy population, every branch of the
sentence and a hypothesis sample of figures, ties and precision searches included.
"""

from __future__ import annotations

import datetime as dt
import shutil
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gapdiag.engines.vector.batch import diagnose_many
from gapdiag.model.labels import _trim, percent, show
from gapdiag.model.standing import Standing, standing_of
from gapdiag.model.wording import standing_text, standing_word
from gapdiag.notebook.report._standing import LARGEST, standing_said

from .report_page import script_words
from .test_report_columns import population

pytestmark = pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed")


def _said(standings: list[Standing]) -> list[tuple[str, str]]:
    """(Python's sentence, the script's) for every standing said from figures."""
    pairs = [(s, standing_said(s)) for s in standings]
    worded = [(s, said) for s, said in pairs if isinstance(said, list)]
    script = script_words([["standing", standing_word(s.status), said] for s, said in worded])
    return [(standing_text(s), text) for (s, _), text in zip(worded, script, strict=True)]


def test_every_rep_of_a_messy_population() -> None:
    batch = diagnose_many(population())
    standings = [batch.diagnosis(row).standing for row in batch.rows]
    said = [standing_said(s) for s in standings]
    branches = {x[0] for x in said if isinstance(x, list)}
    assert branches == {"q", "e", "p", "c", "l"}  # every branch of the sentence
    assert any(isinstance(x, str) for x in said)  # and the standing unknown, said in Python
    for python, script in _said(standings):
        assert script == python


_FIGURE = st.one_of(
    st.none(),
    st.floats(0, 2e6, allow_nan=False),
    st.integers(0, 400_000).map(lambda n: n / 2),  # exact ties of whole dollars
    st.integers(0, 4000).map(lambda n: n * 50.0),
)
_DATES = st.integers(0, 120).map(lambda d: dt.date(2026, 10, 1) + dt.timedelta(days=d))


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.tuples(_FIGURE, _FIGURE, _FIGURE, _FIGURE, st.none() | st.floats(0, 1), _DATES),
        min_size=1,
        max_size=40,
    )
)
def test_sentences_of_any_figures(reps: list[tuple[Any, ...]]) -> None:
    standings = []
    for quota, closed, commit, pipe, win, as_of in reps:
        names = ("quota", "closed_won", "commit", "open_pipeline")
        facts = {
            f"pipeline.{n}": v for n, v in zip(names, (quota, closed, commit, pipe), strict=True)
        }
        facts["pipeline.win_rate"] = win
        start, end = dt.date(2026, 10, 1), dt.date(2026, 12, 31)
        standings.append(standing_of(facts, period_start=start, period_end=end, as_of=as_of))
    for python, script in _said(standings):
        assert script == python


_NUMBER = st.one_of(
    st.floats(-LARGEST / 100, LARGEST / 100, allow_nan=False, allow_infinity=False),
    st.floats(-1e-3, 1e-3),
    st.floats(0.99, 1.01),
    st.integers(-(10**9), 10**9).map(lambda n: n / 1024),  # ties at several places
    st.integers(-(10**6), 10**6).map(lambda n: n / 1000),
)


@settings(max_examples=40, deadline=None)
@given(st.lists(_NUMBER, min_size=1, max_size=60))
def test_numbers_as_show_says_them(numbers: list[float]) -> None:
    calls: list[list[Any]] = []
    python: list[str] = []
    for x in numbers:
        for places in range(8):
            calls.append(["trim", x, places])
            python.append(_trim(x, places))
        calls += [["money", x], ["percent", x], ["times", x]]
        python += [show("pipeline.quota", abs(x)), percent(x), show("derived.coverage", x)]
    assert script_words(calls) == python


def test_the_edges_of_a_share_and_ties() -> None:
    shares = [0.0, -0.0, 1.0, 1e-9, 0.0004, 0.00049999, 0.9996, 0.99999999, 1 - 2**-40, 2**-30]
    ties = [0.5, 1.5, 2.5, -2.5, 0.125, 0.375, -0.625, 1234567.5, 0.03125]
    calls = [["percent", x] for x in shares]
    calls += [["trim", x, p] for x in ties for p in range(4)]
    python = [percent(x) for x in shares] + [_trim(x, p) for x in ties for p in range(4)]
    assert script_words(calls) == python

"""Reps alike in what a rule, a question or a comparison reads share one result object
(the pack's memos) and one text of it (signs.Said): sharing never changes an output."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from gapdiag import diagnose, load_rules
from gapdiag.model.metrics import GROUPS, RepMetrics
from gapdiag.notebook import signs

from .conftest import example
from .strategies import reps

Said = tuple[str, str, str]


def _forget() -> None:
    load_rules()._memo.clear()
    signs.forget()


def _outputs(rep: Any, explain_first: bool = False) -> Said:
    d = diagnose(rep)
    if explain_first:
        text, markdown = d.explain(), d.explain(fmt="markdown")
        return d.to_json(), text, markdown
    return d.to_json(), d.explain(), d.explain(fmt="markdown")


def _fresh(rep: Any) -> Said:
    """The outputs of a rep diagnosed with nothing remembered from another."""
    _forget()
    return _outputs(rep)


@settings(max_examples=40, deadline=None)
@given(reps(), st.sampled_from(sorted(GROUPS)))
def test_reps_alike_get_what_each_gets_alone(rep: RepMetrics, group: str) -> None:
    """Two reps that differ in one group, diagnosed and explained in turn (each twice, in
    either order of reading), read exactly as each diagnosed with nothing remembered."""
    other = rep.model_copy(update={"rep_id": f"{rep.rep_id}-other", group: None})
    alone = [_fresh(rep), _fresh(other)]
    _forget()
    together = [_outputs(r, explain_first=i % 3 == 0) for i, r in enumerate([rep, other] * 2)]
    assert together == alone * 2


def test_zeros_that_read_differently_are_never_shared() -> None:
    """-0.0 equals 0.0 yet reads differently: a rep with one shares nothing with the other."""
    plain = json.loads(json.dumps(example("will-rep")))
    plain["activity"]["meetings_per_week"] = 0.0
    negative = json.loads(json.dumps(plain))
    negative["activity"]["meetings_per_week"] = -0.0
    alone = [_fresh(plain), _fresh(negative)]
    assert alone[0] != alone[1]
    _forget()
    assert [_outputs(plain), _outputs(negative)] == alone


@settings(max_examples=60, deadline=None)
@given(reps())
def test_an_explanation_read_first_reads_as_one_read_after_the_json(rep: RepMetrics) -> None:
    """Explained before anything else is read, a diagnosis says its fired rules and tree
    steps from the rules and the facts, building no result object for them: any rep (thin
    counts and proxies included) reads exactly as when every part was built first."""
    _forget()
    first = diagnose(rep)
    read = first.explain(), first.explain(fmt="markdown")
    _forget()
    whole = diagnose(rep)
    whole.to_json()
    assert read == (whole.explain(), whole.explain(fmt="markdown"))

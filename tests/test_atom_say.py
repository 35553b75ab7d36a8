"""A comparison said by its function composed at load says what the general `said` does."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

import gapdiag
from gapdiag.rulebook.compiler import Atom

_BOOK = gapdiag.load_rules()
_TREE = _BOOK.tree
ATOMS: tuple[Atom, ...] = (
    *(a for rule in _BOOK.compiled for a in rule.atoms),
    *(a for route in (_TREE.routes.values() if _TREE else ()) for a in route.question.atoms),
)
PATHS = sorted({p for a in ATOMS for p in a.reads})
VALUE = st.one_of(
    st.none(),
    st.booleans(),
    st.sampled_from([0.0, -0.0, 1.0, 0.35, 20.0]),
    st.floats(allow_nan=True, allow_infinity=True),
)


def test_the_default_pack_says_most_comparisons_plainly() -> None:
    assert sum(a.plain is not None for a in ATOMS) > len(ATOMS) / 2  # the fast form is used


@settings(max_examples=60)
@given(st.fixed_dictionaries(dict.fromkeys(PATHS, VALUE)))
def test_say_matches_said(facts: dict[str, float | bool | None]) -> None:
    for atom in ATOMS:
        assert atom.say(facts) == atom.said(facts), atom.text
        said, say = atom.said(facts), atom.say(facts)
        assert [repr(v) for v in said] == [repr(v) for v in say]  # -0.0 is not 0.0

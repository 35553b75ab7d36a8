"""Every Python block and gapdiag command in README.md and docs/*.md runs and shows its output.

How blocks are run and compared is in tests/docs_examples.py; ``GAPDIAG_UPDATE_DOCS=1``
rewrites the shown outputs that differ (CONTRIBUTING.md, "Examples in the docs").
"""

from __future__ import annotations

import contextlib
import difflib
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sybil import Example

from . import docs_examples as d

SPARK_PAGES = frozenset(
    page for page in d.PAGES if any(e.parsed.directive == ("spark", "") for e in d.examples(page))
)
"""Pages whose Python runs on a Spark session: the conftest's, and marked `spark`."""
CASES = [
    pytest.param(
        page,
        index,
        id=f"{page.relative_to(d.ROOT)}:{example.line}",
        marks=[pytest.mark.spark] if page in SPARK_PAGES else [],
    )
    for page in d.PAGES
    for index, example in enumerate(d.examples(page))
]
_STATES: dict[Path, d.PageState] = {}
_UPDATES: dict[Path, dict[tuple[int, int], str]] = {}


def _checkout() -> set[str]:
    """The names in the checkout's top folder, examples/ and docs/ (what a run could litter)."""
    return {
        str(path.relative_to(d.ROOT))
        for folder in (d.ROOT, d.ROOT / "examples", d.ROOT / "docs")
        for path in folder.iterdir()
    }


@pytest.fixture(scope="module", autouse=True)
def _pages() -> Iterator[None]:
    """Remove each page's folder at the end; in update mode, write the new outputs.

    Nothing a docs example writes may land in the checkout (each page has its own folder).
    """
    before = _checkout()
    yield
    littered = _checkout() - before - {".pytest_cache", ".hypothesis"}
    for state in _STATES.values():
        shutil.rmtree(state.folder, ignore_errors=True)
    _STATES.clear()
    for page, replacements in _UPDATES.items():
        d.rewrite(page, replacements)
    _UPDATES.clear()
    assert not littered, f"docs examples wrote into the checkout: {sorted(littered)}"


def _state(page: Path, index: int, examples: list[Example], given: dict[str, Any]) -> d.PageState:
    """The page's state with every block before `index` run (in order, whatever ran before)."""
    state = _STATES.get(page)
    if state is None or state.done >= index:
        if state is not None:
            shutil.rmtree(state.folder, ignore_errors=True)
        state = _STATES[page] = d.new_state()
    state.namespace.update(given)
    for earlier in range(state.done + 1, index):
        # a block that fails or is skipped is reported by its own test; later blocks still run
        with contextlib.suppress(d.Skipped, Exception):
            d.run_example(examples[earlier], state)
        state.done = earlier
    return state


@pytest.mark.parametrize(("page", "index"), CASES)
def test_docs_example(page: Path, index: int, request: pytest.FixtureRequest) -> None:
    """The block runs in the page's folder and prints exactly the output block shown after it."""
    examples = d.examples(page)
    example = examples[index]
    given = {"spark": request.getfixturevalue("spark")} if page in SPARK_PAGES else {}
    state = _state(page, index, examples, given)
    state.done = index
    try:
        printed = d.run_example(example, state)
    except d.Skipped as reason:
        pytest.skip(str(reason))
    block: d.Block = example.parsed
    if state.mismatches:
        fixable = [m for m in state.mismatches if m.now is not None]
        if d.UPDATE and len(fixable) == len(state.mismatches):
            for mismatch in fixable:
                _UPDATES.setdefault(page, {})[mismatch.span] = mismatch.now  # type: ignore[assignment]
        else:
            lines = "\n".join(m.message for m in state.mismatches)
            pytest.fail(
                f"{page.name}: a comment shows another value than the code gives "
                f"(GAPDIAG_UPDATE_DOCS=1 rewrites all but excerpts):\n{lines}",
                pytrace=False,
            )
    if printed is None or block.expected is None or block.output_span is None:
        return
    shown = d.normalize(block.expected, state.folder)
    matched, wanted = d.compare(block, shown, printed)
    if matched:
        return
    if d.UPDATE and wanted != shown:
        _UPDATES.setdefault(page, {})[block.output_span] = wanted
        return
    diff = "".join(
        difflib.unified_diff(
            shown.splitlines(keepends=True), wanted.splitlines(keepends=True), "shown", "printed"
        )
    )
    pytest.fail(
        f"{page.name} line {example.line}: the output shown differs from what runs now "
        f"(GAPDIAG_UPDATE_DOCS=1 rewrites it):\n{diff}",
        pytrace=False,
    )

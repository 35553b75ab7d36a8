"""The docs runner itself: a changed output fails, the update mode rewrites it, excerpts."""

from __future__ import annotations

from pathlib import Path

import pytest

from . import docs_examples as d

PAGE = """# A page

<!-- docs-test: exit 2 -->
```bash
gapdiag diagnose examples/nowhere.json
```

```text
gapdiag: examples/nowhere.json: cannot read: No such file or directory
```

```python
print("one")
value = 2
```

```text
one
```

```python
print(value * 21)   # the namespace is the page's
```

```text
41
```

<!-- docs-test: excerpt-of gapdiag tree --format markdown -->
```text
...
no such line
```

<!-- docs-test: skip shown only -->
```bash
gapdiag never-runs
```
"""


@pytest.fixture
def page(tmp_path: Path) -> Path:
    """A small Markdown page with every kind of block the runner knows."""
    path = tmp_path / "page.md"
    path.write_text(PAGE, encoding="utf-8")
    return path


def _checked(page: Path) -> list[tuple[bool, str, d.Block]]:
    """Run every block of the page in order; (matched, what it should show, block) each."""
    folder = page.parent / f"run-{len(list(page.parent.iterdir()))}"
    folder.mkdir()
    state = d.new_state(folder)
    found = []
    for example in d.examples(page):
        block: d.Block = example.parsed
        try:
            printed = d.run_example(example, state)
        except d.Skipped:
            continue
        assert printed is not None
        shown = d.normalize(block.expected or "", state.folder)
        found.append((*d.compare(block, shown, printed), block))
    return found


def test_an_output_that_changed_fails_and_update_rewrites_it(page: Path) -> None:
    """The wrong output (41) fails; rewriting the reported output makes the page pass."""
    results = _checked(page)
    assert [matched for matched, _, _ in results] == [True, True, False, False]
    assert results[2][1] == "42\n"
    d.rewrite(page, {results[2][2].output_span: results[2][1]})  # type: ignore[dict-item]
    assert "```text\n42\n```" in page.read_text(encoding="utf-8")
    assert [matched for matched, _, _ in _checked(page)] == [True, True, True, False]


def test_excerpt_runs_must_appear_in_order() -> None:
    """Runs between '...' are found whole and in order; one that moved is updated in place."""
    block = d.Block("excerpt", "gapdiag x", "", (0, 0), None)
    printed = "a\nb\nc\nd\ne\n"
    assert d.compare(block, "b\nc\n...\ne\n", printed) == (True, "b\nc\n...\ne\n")
    assert d.compare(block, "d\n...\nb\n", printed)[0] is False
    matched, wanted = d.compare(block, "b\nc\n...\ne\n", "a\nb\nc\nd\ne!\n")
    assert (matched, wanted) == (False, "b\nc\n...\ne!\n")
    assert d.compare(block, "zzz\n", printed) == (False, "zzz\n")


def test_shell_commands_are_split_as_a_shell_would() -> None:
    """Continuations join, comments go, `&&` separates, quotes group, env prefixes stay."""
    source = (
        'gapdiag plan reps.csv --rep "Dee Park" \\\n    --since 2017-05-08   # a comment\n'
        "pip install . && gapdiag --version\n"
        "GAPDIAG_X=1 gapdiag rules check rules/\n"
    )
    assert d.commands(source) == [
        ["gapdiag", "plan", "reps.csv", "--rep", "Dee Park", "--since", "2017-05-08"],
        ["pip", "install", "."],
        ["gapdiag", "--version"],
        ["GAPDIAG_X=1", "gapdiag", "rules", "check", "rules/"],
    ]
    with pytest.raises(AssertionError, match="pipes"):
        d.commands("gapdiag tree | head")


def test_normalization_is_the_folder_and_trailing_space_only(tmp_path: Path) -> None:
    """The page's folder reads '.', trailing spaces and blank lines go; nothing else moves."""
    text = f"wrote {tmp_path}/reps.csv  \n  kept  x\n\n\n"
    assert d.normalize(text, tmp_path) == "wrote ./reps.csv\n  kept  x\n"


def test_a_mistyped_directive_fails(tmp_path: Path) -> None:
    """`docs-test: skp` is refused by name, not read as no directive at all."""
    other = tmp_path / "typo.md"
    other.write_text("<!-- docs-test: skp later -->\n```bash\ngapdiag --version\n```\n")
    (example,) = d.examples(other)
    with pytest.raises(AssertionError, match="'skp' is not one of"):
        d.run_example(example, d.new_state(tmp_path / "run"))


def test_only_gapdiag_commands_run(tmp_path: Path) -> None:
    """Another program in a bash block is refused, not silently passed over."""
    other = tmp_path / "other.md"
    other.write_text("```bash\nrm -rf examples\n```\n", encoding="utf-8")
    (example,) = d.examples(other)
    with pytest.raises(AssertionError, match="only gapdiag commands run"):
        d.run_example(example, d.new_state(tmp_path / "run"))


RUN = {"python", "bash"}
SHOWN = {"text", "yaml", "json", "mermaid", ""}
"""Languages the runner runs, and those that are only shown (data, diagrams, outputs)."""


@pytest.mark.parametrize("page", d.PAGES, ids=lambda p: p.name)
def test_no_block_looks_runnable_without_running(page: Path) -> None:
    """A `sh`/`console`/`pycon` block, or an unlabeled one of commands, would pass unchecked."""
    import re

    text = page.read_text(encoding="utf-8")
    for found in re.finditer(r"^```(\w*)\n(.*?)^```$", text, re.S | re.M):
        language, body = found[1], found[2]
        line = text[: found.start()].count("\n") + 1
        assert language in RUN | SHOWN, f"{page.name}:{line}: ```{language} is not run"
        first = body.lstrip().split("\n", 1)[0]
        if language in SHOWN:
            assert not first.startswith(("$ ", "gapdiag ", ">>> ")), (
                f"{page.name}:{line}: a command in a ```{language} block is not run: "
                "put it in a ```bash block, its output in the ```text block after it"
            )


CLAIMS = """```python
value = 2
value                 # 2
value + 1             # 4: the comment claims a value the code does not give
"the whole answer"    # "the ... answer"
"the whole answer"    # "a ... answer"
print("x")            # 20% of it is prose, not a value
value                 # readable prose
```
"""


def test_comments_that_show_a_value_are_checked(tmp_path: Path) -> None:
    """`expr  # value` is compared; an excerpt string matches in pieces; prose is not read."""
    page = tmp_path / "claims.md"
    page.write_text(CLAIMS, encoding="utf-8")
    (example,) = d.examples(page)
    state = d.new_state(tmp_path / "run")
    assert d.run_example(example, state) is None
    wrong, excerpt = state.mismatches
    assert wrong.now == "3"
    assert "shows 4, gives 3" in wrong.message
    assert excerpt.now is None  # an excerpt is fixed by hand
    assert 'shows "a ... answer"' in excerpt.message
    d.rewrite(page, {wrong.span: "3"})
    assert "value + 1             # 3: the comment" in page.read_text(encoding="utf-8")

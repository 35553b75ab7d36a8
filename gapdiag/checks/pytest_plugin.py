"""pytest plugin: every example in a rule or tree file is a test item named after its owner.

Installed with gapdiag as the ``gapdiag`` entry point of ``pytest11``, so a plain ``pytest``
in a repository of rule files runs their examples: ``rules/calls.rules.yaml::calls-closed-
questions[0]``, and for a decision tree ``rules/diagnosis.tree.yaml::volume[0]`` (a question)
or ``...::will-low-volume[0]`` (a leaf). The folder holding the file is loaded as the pack
(so ids are checked across its files); a pack that does not load is one failing item per
file, with every problem. A failing example shows expected against got and the trace.

Which files: every ``*.rules.yaml`` and ``*.tree.yaml`` pytest visits (its ``testpaths``
and ordinary recursion). Leave files out with pytest's own means (``collect_ignore`` in a
``conftest.py``, ``--ignore``, ``norecursedirs``); turn the plugin off for a project with
the ini option ``gapdiag_examples = false`` or for one run with ``-p no:gapdiag``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from gapdiag.checks.examples import ExampleResult, example_cases
from gapdiag.model.errors import RuleFileError
from gapdiag.rulebook.pack import RULE_GLOB, load_rules
from gapdiag.rulebook.tree import TREE_GLOB

INI_OPTION = "gapdiag_examples"


def pytest_addoption(parser: pytest.Parser) -> None:
    """Declare the ini option that turns collection of rule examples on or off."""
    parser.addini(
        INI_OPTION,
        type="bool",
        default=True,
        help="collect the examples of *.rules.yaml files as test items (gapdiag)",
    )


def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> RuleFile | None:
    """Collect a rule file, unless the project turned the plugin's collection off."""
    wanted = file_path.match(RULE_GLOB) or file_path.match(TREE_GLOB)
    if wanted and parent.config.getini(INI_OPTION):
        rule_file: RuleFile = RuleFile.from_parent(parent, path=file_path)
        return rule_file
    return None


class RuleFile(pytest.File):
    """A rule or tree file: one item per example written in it."""

    def collect(self) -> Iterator[pytest.Item]:
        """Load the pack the file belongs to and yield the file's examples."""
        try:
            book = load_rules(self.path.parent)
        except RuleFileError as error:
            yield PackLoadItem.from_parent(self, name="load", error=error)
            return
        here = self.path.resolve()
        for case in example_cases(book):
            if case.file is not None and Path(case.file).resolve() == here:
                yield ExampleItem.from_parent(self, name=case.name, run=case.run, line=case.line)


class ExampleFailed(Exception):
    """An example whose outcome differs from the one it expects."""

    def __init__(self, result: ExampleResult) -> None:
        super().__init__(result.name)
        self.result = result


class ExampleItem(pytest.Item):
    """One example of one rule."""

    def __init__(
        self, *, run: Callable[[], ExampleResult], line: int | None, **kwargs: Any
    ) -> None:
        super().__init__(**kwargs)
        self.run = run
        self.line = line

    def runtest(self) -> None:
        """Run the example; fail with the result when it does not hold."""
        result = self.run()
        if not result.passed:
            raise ExampleFailed(result)

    def repr_failure(
        self,
        excinfo: pytest.ExceptionInfo[BaseException],
        style: Any = None,
    ) -> str:
        """Expected against got, and the rule's trace on the example."""
        if isinstance(excinfo.value, ExampleFailed):
            r = excinfo.value.result
            return (
                f"{r.location}: example {r.name}: expected fires: {r.expected}, got: {r.got}\n"
                f"{r.explanation}"
            )
        return str(super().repr_failure(excinfo, style))

    def reportinfo(self) -> tuple[Path, int | None, str]:
        """Where the example is written, for pytest's report."""
        return self.path, None if self.line is None else self.line - 1, self.name


class PackLoadItem(pytest.Item):
    """Stands for a pack that does not load: fails with every problem found."""

    def __init__(self, *, error: RuleFileError, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.error = error

    def runtest(self) -> None:
        """Fail: the pack cannot be loaded."""
        raise self.error

    def repr_failure(
        self,
        excinfo: pytest.ExceptionInfo[BaseException],
        style: Any = None,
    ) -> str:
        """The load problems, one per line."""
        return f"rule pack does not load:\n{excinfo.value}"

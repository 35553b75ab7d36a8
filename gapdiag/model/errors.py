"""The exceptions gapdiag raises: each carries its problems as data and says where."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with an input: where it is, and what is wrong there."""

    where: str
    message: str
    line: int | None = None
    file: str | None = None

    def __str__(self) -> str:
        return f"{self.where}: {self.message}"


class GapdiagError(Exception):
    """Base class of every error gapdiag raises on purpose."""


class InvalidMetrics(GapdiagError, ValueError):
    """Rep metrics that do not fit the input contract; `.problems` lists every one."""

    def __init__(self, problems: Iterable[Problem], *, source: str | None = None) -> None:
        self.problems: tuple[Problem, ...] = tuple(problems)
        self.source = source
        prefix = f"{source}: " if source else ""
        super().__init__("\n".join(f"{prefix}{p}" for p in self.problems))


class RuleFileError(GapdiagError, ValueError):
    """A rule pack that cannot be loaded; `.problems` lists every problem with file and line."""

    def __init__(self, path: Path | str, problems: Iterable[Problem]) -> None:
        self.path = Path(path)
        self.problems: tuple[Problem, ...] = tuple(problems)
        super().__init__("\n".join(_located(self.path, p) for p in self.problems))


def _located(path: Path, problem: Problem) -> str:
    line = f":{problem.line}" if problem.line is not None else ""
    return f"{problem.file or path}{line}: {problem}"


class ExpressionError(GapdiagError, ValueError):
    """A condition or template that does not parse or type-check."""

    def __init__(self, message: str, *, text: str, column: int | None = None) -> None:
        self.text = text
        self.column = column
        self.reason = message
        where = f"column {column}: " if column is not None else ""
        super().__init__(f"{where}{message}")


class BackendUnavailable(GapdiagError, RuntimeError):
    """An engine backend that cannot run here (for example durable-rules on Python 3.13)."""


class InvalidArgument(GapdiagError, ValueError):
    """An option passed to a gapdiag function that is not one it accepts."""


class InvalidInput(InvalidArgument):
    """An input file or stream that cannot be read safely: not a file, not UTF-8, too big."""


class OutputError(InvalidArgument):
    """An output that cannot or must not be written: unwritable, an input, or given twice."""

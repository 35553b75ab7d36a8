"""The exceptions gapdiag raises: each carries its problems as data and says where."""

from __future__ import annotations

import re
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
        super().__init__("\n".join(f"{prefix}{line}" for line in _collapsed(self.problems)))


_LINE = re.compile(r"\bline (\d+)\b")


def _collapsed(problems: tuple[Problem, ...]) -> list[str]:
    """One text line per problem, except that the same problem on many lines of a file
    is said once ("lines 2-29: ..."): a file of the wrong kind is one reason, not a
    screenful of the same sentence. The problems themselves stay one per row."""
    groups: dict[tuple[str, str], list[tuple[int, Problem]]] = {}
    for index, problem in enumerate(problems):
        found = _LINE.search(problem.where)
        key = (
            _LINE.sub("line #", problem.where, count=1) if found else f"{index}",
            problem.message,
        )
        groups.setdefault(key, []).append((int(found.group(1)) if found else 0, problem))
    out = []
    for (where, message), members in groups.items():
        if len(members) == 1:
            out.append(str(members[0][1]))
            continue
        numbers = [n for n, _ in members]
        out.append(f"{where.replace('line #', _lines(numbers), 1)}: {message}")
    return out


def _lines(numbers: list[int]) -> str:
    """'lines 2-29' for a run, else 'lines 2, 5, 9 and 12 more'."""
    if numbers == list(range(numbers[0], numbers[0] + len(numbers))):
        return f"lines {numbers[0]}-{numbers[-1]}"
    shown = ", ".join(str(n) for n in numbers[:3])
    rest = len(numbers) - 3
    return f"lines {shown} and {rest} more" if rest > 0 else f"lines {shown}"


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
        self.others: tuple[ExpressionError, ...] = ()
        """Further errors found in the same text after this one, by column."""
        where = f"column {column}: " if column is not None else ""
        super().__init__(f"{where}{message}")

    @property
    def all(self) -> tuple[ExpressionError, ...]:
        """This error and every further one found in the same text, by column."""
        return (self, *self.others)

    @classmethod
    def together(cls, errors: list[ExpressionError]) -> ExpressionError:
        """The first of `errors` by column, carrying the others."""
        ordered = sorted(errors, key=lambda e: e.column or 0)
        first = ordered[0]
        first.others = tuple(ordered[1:])
        return first


class BackendUnavailable(GapdiagError, RuntimeError):
    """An engine backend that cannot run here (for example durable-rules on Python 3.13)."""


class InvalidArgument(GapdiagError, ValueError):
    """An option passed to a gapdiag function that is not one it accepts."""


class InvalidInput(InvalidArgument):
    """An input file or stream that cannot be read safely: not a file, not UTF-8, too big."""


class OutputError(InvalidArgument):
    """An output that cannot or must not be written: unwritable, an input, or given twice."""

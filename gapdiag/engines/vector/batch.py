"""Diagnose a whole population at once: a team, or a year of weekly snapshots.

``diagnose_many`` validates the population column by column, evaluates the pack with the
vectorized evaluator (``_vector``), combines verdicts for every rep at once
(``_vverdicts``) and returns a `Batch`: one result row per rep-period, the bad rows in
an errors table, and any row's full `Diagnosis` on request, equal to what `diagnose`
gives for that row. Needs the ``frames`` extra (numpy, pandas; polars for polars input).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict, PrivateAttr

from gapdiag.engines.compiled import RulesArg, diagnose, resolve_rules
from gapdiag.engines.context import BatchRep, Judgment, with_judgment
from gapdiag.model._result import Worded
from gapdiag.model.diagnosis import Diagnosis
from gapdiag.model.errors import BackendUnavailable, InvalidArgument
from gapdiag.model.gaps import GAPS
from gapdiag.model.metrics import RepMetrics, Targets, parse_targets
from gapdiag.model.team import TeamStats
from gapdiag.model.wording import standing_word
from gapdiag.rulebook.facts import METRIC_PATHS
from gapdiag.rulebook.pack import Rulebook

if TYPE_CHECKING:  # pragma: no cover - typing only
    from gapdiag.engines.vector._columns import Floats
    from gapdiag.engines.vector._population import Population

Progress = Callable[[int, int], None]
"""Called with (reps done, reps in all) after each chunk."""
CHUNK_ROWS = 1 << 16
"""Reps evaluated together: large enough to amortize numpy calls, small enough for cache."""


class Summary(Worded, BaseModel):
    """How many rows a batch read, diagnosed and left out; reps per standing, outcome and gap."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    rows: int
    diagnosed: int
    bad_rows: int
    by_standing: dict[str, int]
    """Reps ahead, on track, behind, or of unknown standing."""
    by_outcome: dict[str, int]
    """Reps with a gap found, with no gap found (judged, nothing wrong), and undetermined."""
    by_primary_gap: dict[str, int]
    """Reps per primary gap (system, will, skill, knowledge); they add up to by_outcome's gap."""
    team_by: str | None = None
    """The column that grouped reps into teams for team.* values; None: all reps as one team."""
    teams: int = 1
    """How many teams the reps were grouped into."""
    standing_needs: dict[str, int] = {}
    """Among reps of unknown standing, how many lack each figure the standing reads
    (``pipeline.quota``, ``pipeline.closed_won``, ``as_of``, ``pipeline.open_pipeline``), as
    ``Standing.needs`` names them; ``diagnose_spark``'s summary leaves it empty (its results
    carry no input columns to count)."""

    def grouping(self) -> str:
        """How reps were grouped into teams, in words: 'by the team column (3 teams)'."""
        if self.team_by is None:
            return "all reps as one team (no team column)"
        many = "team" if self.teams == 1 else "teams"
        return f"by the {self.team_by} column ({self.teams:,} {many})"

    def _words(self) -> str:
        standing = ", ".join(
            f"{n} {standing_word(s).lower()}" for s, n in self.by_standing.items() if n
        )
        outcome = {"gap": "with a gap", "no_gap_found": "no gap found"}
        found = ", ".join(f"{n} {outcome.get(o, o)}" for o, n in self.by_outcome.items() if n)
        bad = (
            f", {self.bad_rows} bad row{'' if self.bad_rows == 1 else 's'}" if self.bad_rows else ""
        )
        head = f"{self.diagnosed} of {self.rows} rows diagnosed{bad}"
        said = "; ".join(part for part in (standing, found) if part)
        return f"{head}: {said}" if said else head


class Batch(Worded, BaseModel):
    """The result of `diagnose_many`: a results table, an errors table, and each Diagnosis."""

    model_config = ConfigDict(frozen=True, extra="forbid", arbitrary_types_allowed=True)

    frame: Any
    """One row per diagnosed rep-period (pandas, or polars when given polars)."""
    errors: Any
    """One row per problem that kept a row out: row, rep_id, field, value, reason."""
    summary: Summary
    rule_ids: tuple[str, ...]
    """The pack's rule ids in pack order: bit i of the fired_* columns is rule i."""
    notes: tuple[str, ...] = ()
    """What a person should know about the input: columns left unread."""
    _population: Population = PrivateAttr()
    _rules: Rulebook = PrivateAttr()
    _targets: Targets = PrivateAttr()
    _team: dict[str, Floats] = PrivateAttr()
    _source: Path | None = PrivateAttr(default=None)

    def error_file(self) -> Path | None:
        """The CSV file the population was read from, where `error_lines` are its lines."""
        source = self._source
        return source if source is not None and source.suffix.lower() == ".csv" else None

    def error_lines(self) -> tuple[int | None, ...]:
        """The line of `error_file` each row of `errors` starts on, as a spreadsheet numbers
        it (the header is line 1); None where there is no such file (or it is gone)."""
        source = self.error_file()
        if source is None or not len(self.errors):
            return (None,) * len(self.errors)
        from gapdiag.engines.vector._frames import with_lines

        try:
            lines = with_lines(self.errors, source)["line"]
        except InvalidArgument:  # the file was moved or changed since
            return (None,) * len(self.errors)
        return tuple(int(v) if v is not None and v == v else None for v in lines.tolist())

    def diagnosis(self, row: int) -> Diagnosis:
        """The full Diagnosis of input row `row` (0-based), as `diagnose` gives it.

        Raises:
            InvalidArgument: the row does not exist or was left out as a bad row.
        """
        index = self._index(row)
        return diagnose(
            self._population.rep(index),
            rules=self._rules,
            targets=self._targets,
            team=self.team(row),
        )

    def team(self, row: int) -> TeamStats | None:
        """The team values the rules read for input row `row` (None if the pack reads none)."""
        from gapdiag.engines.vector._team import stats_of

        return stats_of(self._team, self._index(row))

    def fired(self, row: int) -> tuple[str, ...]:
        """Ids of the rules that fired on input row `row`, in pack order."""
        index = self._index(row)
        words = [int(self._column(f"fired_{w}")[index]) for w in range(_words(self.rule_ids))]
        return tuple(rule for i, rule in enumerate(self.rule_ids) if words[i // 63] >> (i % 63) & 1)

    def expand_fired(self) -> Any:
        """A pandas DataFrame with one boolean column per rule id (True where it fired)."""
        import numpy as np
        import pandas as pd

        columns = {}
        for i, rule in enumerate(self.rule_ids):
            word = np.asarray(self._column(f"fired_{i // 63}"))
            columns[rule] = (word >> (i % 63)) & 1 == 1
        return pd.DataFrame(columns)

    def unknowns(
        self, names: Sequence[str], start: int = 0, stop: int | None = None
    ) -> tuple[Any, Any, Any]:
        """Each rule's outcome on each rep (reps x rules in `rule_ids` order: 1 true, 0
        false, -1 unknown), which of the metric paths `names` the rules read as unknown
        (reps x names) and how many questions the decision tree asks each rep (None without
        a tree), in `rows` order: what every rep's Diagnosis is built from, its
        ``undetermined`` and ``len(tree_path)``, at once; for the diagnosed reps from index
        `start` to `stop` (all by default), a large batch taken in parts."""
        from gapdiag.engines.vector._evaluate import unknowns

        book, population = self._rules, self._population
        return unknowns(population, book, self._targets, self._team, tuple(names), start, stop)

    def judged(self, names: Sequence[str], start: int = 0, stop: int | None = None) -> Any:
        """`unknowns` as one object (``decided``, ``absent``, ``asked``) with each rep's
        ``verdicts``: per gap the certainty, confidence and status codes, why a status was
        capped and whether a system gap blocks a PIP, as each rep's Diagnosis has them."""
        from gapdiag.engines.vector._evaluate import judged

        book, population = self._rules, self._population
        return judged(population, book, self._targets, self._team, tuple(names), start, stop)

    def columns(
        self, start: int = 0, stop: int | None = None
    ) -> tuple[Any, dict[str, Any], dict[str, Any]]:
        """Every value the rules read (metrics, ``derived.*``, ``team.*``, ``target.*``) as
        a column (NaN: unknown) of the diagnosed reps from index `start` to `stop`, as the
        batch's evaluator reads them; the reps' text columns (dates, proxies); and per
        metric marked as a proxy on some row, which of these reps mark it."""
        from gapdiag.engines.vector._evaluate import _lookup

        population = self._population
        stop = population.size if stop is None else min(stop, population.size)
        lookup = _lookup(population, self._targets, self._team, start, stop, True)
        texts = {n: s.iloc[start:stop] for n, s in population.texts.items()}
        return lookup, texts, population.proxied(start, stop)

    def metrics(self, start: int = 0, stop: int | None = None) -> tuple[Any, Any]:
        """The diagnosed reps' metrics from index `start` to `stop` as given (before thin
        counts are set aside): each metric path's column (NaN: absent), and each rep's
        metrics marked as proxies."""
        from gapdiag.engines.vector._population import PROXIES, cell_items

        population = self._population
        stop = population.size if stop is None else min(stop, population.size)
        columns = {path: population.number(path)[start:stop] for path in METRIC_PATHS}
        marks = population.texts.get(PROXIES)
        proxies = (
            [cell_items(v) for v in marks.iloc[start:stop].tolist()]
            if marks is not None
            else [()] * max(stop - start, 0)
        )
        return columns, proxies

    def _repr_html_(self) -> str:
        """Rich display: where reps stand, what was found, and the first rows, in words."""
        from gapdiag.engines.vector.hooks import render

        return render("display", self)

    @property
    def rows(self) -> tuple[int, ...]:
        """The input rows (0-based) that were diagnosed, in input order."""
        return tuple(int(r) for r in self._population.rows)

    @property
    def rules(self) -> Rulebook:
        """The rule pack the batch was diagnosed with."""
        return self._rules

    @property
    def targets(self) -> Targets:
        """The targets every rep was judged against."""
        return self._targets

    def rep(self, row: int) -> BatchRep:
        """The validated input metrics of input row `row`, carrying the batch's judgment.

        ``diagnose`` and ``plan`` given this rep use the batch's rules, targets and the
        rep's team values, so they agree with the batch (``diagnose(batch.rep(i))`` equals
        ``batch.diagnosis(i)``).

        Raises:
            InvalidArgument: the row does not exist or was left out as a bad row.
        """
        data = self._population.rep(self._index(row))
        return with_judgment(data, Judgment(self._rules, self._targets, self.team(row)))

    def reps(self) -> tuple[BatchRep, ...]:
        """`rep(row)` of every diagnosed row, in `rows` order (one pass)."""
        return tuple(self.each_rep())

    def each_rep(self) -> Iterator[BatchRep]:
        """`reps()` one at a time, each built when it is asked for: a caller that uses one
        rep at a time (the team page) never holds them all."""
        for rep, team in zip(self._population.reps(), self.teams(), strict=True):
            yield with_judgment(rep, Judgment(self._rules, self._targets, team))

    def teams(self) -> tuple[TeamStats | None, ...]:
        """`team(row)` of every diagnosed row, in `rows` order (one pass)."""
        from gapdiag.engines.vector._team import stats_all

        return tuple(stats_all(self._team, self._population.size))

    def groups(self) -> tuple[str | None, ...]:
        """`group(row)` of every diagnosed row, in `rows` order (one pass)."""
        groups = self._population.groups
        if groups is None:
            return (None,) * self._population.size
        return tuple(None if _is_absent(v) else str(v) for v in groups.tolist())

    def sources(self) -> tuple[str, ...]:
        """The data sources the diagnosed rows name (their ``sources``), each once, in order."""
        from gapdiag.engines.vector._population import SOURCES, cell_items

        cells = self._population.texts.get(SOURCES)
        if cells is None:
            return ()
        named = (name for cell in dict.fromkeys(cells.tolist()) for name in cell_items(cell))
        return tuple(dict.fromkeys(named))

    def group(self, row: int) -> str | None:
        """The value of the ``team_by`` column for input row `row` (None when it has none)."""
        groups = self._population.groups
        if groups is None:
            return None
        value = groups.iloc[self._index(row)]
        return None if _is_absent(value) else str(value)

    def to_html(self, **options: Any) -> str:
        """The team report: one self-contained HTML page per population (see docs/report.md).

        Options are those of `gapdiag.notebook.report.team_report` (history, title, ...).
        """
        from gapdiag.engines.vector.hooks import render

        return render("html", self, **options)

    def _column(self, name: str) -> Any:
        return self.frame[name].to_numpy()

    def _index(self, row: int) -> int:
        import numpy as np

        rows = self._population.rows
        index = int(np.searchsorted(rows, row))
        if index >= len(rows) or rows[index] != row:
            why = (
                "was not diagnosed (see the errors table)"
                if 0 <= row < self.summary.rows
                else (f"is out of range (the input has {self.summary.rows} rows)")
            )
            raise InvalidArgument(f"row {row} {why}")
        return index

    def _words(self) -> str:
        return f"{self.summary}; teams {self.summary.grouping()}"


def _is_absent(value: object) -> bool:
    from gapdiag.engines.vector._checks import _absent

    return bool(_absent(value))


def _words(rule_ids: Sequence[str]) -> int:
    return max(1, -(-len(rule_ids) // 63))


Data = Any
"""A pandas or polars DataFrame, a list of rep mappings, or a .csv/.parquet/.json path."""


def diagnose_many(
    data: Data,
    *,
    rules: RulesArg = None,
    targets: Targets | Mapping[str, Any] | None = None,
    team_by: str | None = "team",
    progress: Progress | None = None,
    strict: bool = False,
) -> Batch:
    """Diagnose every rep-period of a population with the vectorized evaluator.

    Args:
        data: a pandas or polars DataFrame with dotted metric columns
            (``activity.calls_per_day``), a list of rep mappings, or a path to a
            .csv, .parquet or .json file. NaN / None / empty cells mean *absent*.
        rules: a Rulebook, a pack folder or rule file, or None for the default pack.
        targets: overrides of the default targets, for every rep.
        team_by: the column whose values group reps for ``team.*`` values (default
            ``team``); None makes the whole population one team.
        progress: called with (done, total) after each chunk of reps.
        strict: refuse a column that is not part of the input contract; by default it
            is left unread and named in `Batch.notes`.

    Raises:
        InvalidMetrics: (`strict`) a column that is not part of the input contract.
        BackendUnavailable: numpy or pandas is not installed (``pip install gapdiag[frames]``).
    """
    need_frames()
    from gapdiag.engines.vector import _frames

    population, polars_out = _frames.population_of(data, team_by, strict=strict)
    book = resolve_rules(rules)
    chosen = parse_targets(targets)
    result = _run(population, book, chosen, team_by, progress)
    batch = Batch(
        frame=_frames.to_polars(result.frame) if polars_out else result.frame,
        errors=_frames.errors_frame(population, polars_out),
        summary=result.summary,
        rule_ids=tuple(r.id for r in book.compiled),
        notes=unread_note(population.unknown),
    )
    batch._population = population
    batch._rules = book
    batch._targets = chosen
    batch._team = result.team
    batch._source = Path(data) if isinstance(data, str | Path) else None
    return batch


def unread_note(unknown: Sequence[str]) -> tuple[str, ...]:
    """One note naming the columns left unread (none when every column was read)."""
    if not unknown:
        return ()
    named = ", ".join(repr(c) for c in unknown[:10]) + (
        f" and {len(unknown) - 10} more" if len(unknown) > 10 else ""
    )
    return (
        f"column{'s' * (len(unknown) > 1)} {named} not read: not a metric path or rep_id, "
        "team, period_start, period_end, as_of, proxies, sources (--strict refuses them)",
    )


def team_values(
    reps: Sequence[RepMetrics], *books: Rulebook, team_by: str | None = "team"
) -> tuple[TeamStats | None, ...]:
    """Each rep's ``team.*`` values for what the packs read, computed from the reps themselves.

    The same means and medians `diagnose_many` computes, for callers that diagnose rep by rep
    (``gapdiag rules diff`` and ``rules test --population``). None for every rep when the
    packs read no team value.

    Raises:
        BackendUnavailable: the packs read team values and numpy/pandas are not installed.
    """
    names = team_names(*books)
    if not names:
        return (None,) * len(reps)
    need_frames()
    from gapdiag.engines.vector import _population
    from gapdiag.engines.vector import _team as _vteam

    population = _population.from_records([r.model_dump(exclude_none=True) for r in reps], team_by)
    columns = _vteam.team_columns(population, _vteam.group_codes(population, team_by), names)
    return tuple(_vteam.stats_of(columns, index) for index in range(len(reps)))


def team_names(*books: Rulebook) -> list[str]:
    """Every ``team.*`` name the packs' rules and tree questions read, sorted."""
    needs = [n for book in books for r in book.compiled for n in r.needs]
    for book in books:
        if book.tree is not None:
            needs += [
                n for node in book.tree.nodes for n in book.tree.routes[node.id].question.needs
            ]
    return sorted({n for n in needs if n.startswith("team.")})


def need_frames() -> None:
    """Raise BackendUnavailable, saying what to install, when numpy or pandas is absent."""
    try:
        import numpy  # noqa: F401
        import pandas  # noqa: F401
    except ImportError as error:
        raise BackendUnavailable(
            "diagnosing a population of reps (a team file, diagnose_many) needs numpy and"
            f" pandas ({error}): pip install 'gapdiag[frames]'"
        ) from None


@dataclass(frozen=True, slots=True)
class _Result:
    frame: Any
    summary: Summary
    team: dict[str, Floats]


def _run(
    population: Population,
    book: Rulebook,
    targets: Targets,
    team_by: str | None,
    progress: Progress | None,
) -> _Result:
    from gapdiag.engines.vector import _evaluate
    from gapdiag.engines.vector import _team as _vteam

    names = team_names(book)
    codes = _vteam.group_codes(population, team_by)
    team = _vteam.team_columns(population, codes, names)
    arrays = _evaluate.evaluate(population, book, targets, team, CHUNK_ROWS, progress)
    frame = _evaluate.frame(population, arrays, book)
    from gapdiag.engines.vector._standing import STANDING_CODES

    def counts(codes: Any, names: Sequence[str]) -> dict[str, int]:
        return {str(name): int((codes == i).sum()) for i, name in enumerate(names)}

    summary = Summary(
        rows=population.total,
        diagnosed=population.size,
        bad_rows=population.total - population.size,
        by_standing=counts(arrays.standing, STANDING_CODES),
        by_outcome=counts(arrays.outcome, _evaluate.OUTCOMES),
        by_primary_gap=counts(arrays.primary, GAPS),
        team_by=team_by if population.groups is not None else None,
        teams=int(codes.max(initial=0)) + 1,
        standing_needs=_standing_needs(
            population, arrays.standing == STANDING_CODES.index("unknown")
        ),
    )
    return _Result(frame, summary, team)


def _standing_needs(population: Population, unknown: Any) -> dict[str, int]:
    """Per figure, how many reps of unknown standing lack it: what ``model.standing`` names
    as needed (quota and closed-won first; with both, the dates, commit and pipeline)."""
    import numpy as np

    quota = population.number("pipeline.quota")
    no_quota = np.isnan(quota) | (quota <= 0)
    no_closed = np.isnan(population.number("pipeline.closed_won"))
    judged = unknown & ~no_quota & ~no_closed
    as_of = population.texts.get("as_of")
    no_as_of = as_of.isna().to_numpy() if as_of is not None else np.ones(population.size, bool)
    lacking = {
        "pipeline.quota": unknown & no_quota,
        "pipeline.closed_won": unknown & no_closed,
        "as_of": judged & no_as_of,
        "period_start": judged & ~no_as_of,
        "period_end": judged & ~no_as_of,
        "pipeline.commit": judged & np.isnan(population.number("pipeline.commit")),
        "pipeline.open_pipeline": judged & np.isnan(population.number("pipeline.open_pipeline")),
    }
    counts = {path: int(lack.sum()) for path, lack in lacking.items()}
    return {path: n for path, n in counts.items() if n}


def read_population(path: str | Path) -> Any:
    """Read a .csv, .parquet or .json population file into a pandas DataFrame (or records).

    Raises:
        InvalidArgument: the file type is not one of .csv, .parquet, .json.
    """
    need_frames()
    from gapdiag.engines.vector import _frames

    return _frames.read(Path(path))

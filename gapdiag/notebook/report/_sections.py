"""A brief page's rep sections from the batch's columns, without a Diagnosis per rep.

A brief section (`_detail.detail_of` with ``brief=True``) shows the rep's period, standing,
watch notes, the headline when no gap is named, the focus and the evidence of its gap, the
tree's end and what is open. Building each rep's `Diagnosis` for it was most of a large
page's time; here the same texts come from what the batch worked out for every rep at once
(`_open.Open`: rules open and fired, verdict numbers, the tree's end) and from its value
columns (`Batch.columns`), a chunk of reps at a time. Each rule's because-text is filled
from the columns its template reads, once per set of values. A rep this cannot word
exactly (a date the columns cannot give) takes the Diagnosis path, counted in `fallen`.
``tests/test_report_columns.py`` holds every field equal to `detail_of`'s.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any

from gapdiag.coaching.playbook import Focus
from gapdiag.engines.judgment import cover_note
from gapdiag.model.diagnosis import TreeStop
from gapdiag.model.gaps import GAPS
from gapdiag.model.metrics import METRICS
from gapdiag.model.standing import NOT_BEHIND, standing_of
from gapdiag.model.wording import humanize, period
from gapdiag.notebook import signs
from gapdiag.notebook.explain import headline_of
from gapdiag.notebook.report._detail import (
    BRIEF_NEEDS,
    Item,
    Section,
    _focus,
    _still_open,
    detail_of,
)
from gapdiag.notebook.report._open import CHUNK, Open
from gapdiag.notebook.report._standing import standing_said

if TYPE_CHECKING:  # pragma: no cover - typing only
    from gapdiag.engines.vector.batch import Batch
    from gapdiag.rulebook.rule import CompiledRule

_STANDING = (
    "pipeline.quota",
    "pipeline.closed_won",
    "pipeline.commit",
    "pipeline.open_pipeline",
    "pipeline.win_rate",
    "target.pipeline_coverage",
    "target.margin.pace",
    "derived.ramp_share",
)
"""The values `standing_of` reads."""
_DATES = ("period_start", "period_end", "as_of")
_ORDER = {gap: index for index, gap in enumerate(GAPS)}
"""Verdicts of equal confidence in this order (as ``engines.assemble`` sorts them)."""


def brief_sections(
    batch: Batch,
    opens: Iterable[Open],
    focuses: Iterable[Focus | None],
    *,
    fallen: list[int] | None = None,
) -> Iterator[Section]:
    """Every diagnosed rep's brief `Section`, in `rows` order, equal to `detail_of(d, focus,
    None, brief=True)` of its Diagnosis: `opens` from `open_rules(batch)`, `focuses` each
    rep's focus. Rows worded through their Diagnosis are appended to `fallen`."""
    book = batch.rules
    gaps = [gap for gap, _, _ in book.by_gap]
    supports = {r.id: r.certainty > 0 for r in book.compiled}
    compiled = {r.id: r for r in book.compiled}
    frame = batch.frame
    standing = _texts(frame["standing"])
    primary = _texts(frame["primary_gap"])
    leading = _texts(frame["leading_gap"])
    blocked = frame["pip_blocked"].to_numpy().tolist()
    stops = (
        _texts(frame["tree_stop"])
        if book.tree is not None and "tree_stop" in frame.columns
        else [None] * len(standing)
    )
    rows = batch.rows
    still: dict[tuple[Any, ...], str] = {}
    pairs = iter(zip(opens, focuses, strict=True))
    for start in range(0, len(rows), CHUNK):
        chunk = _Chunk(batch, start, start + CHUNK, compiled)
        for index in range(chunk.size):
            open_, focus = next(pairs)
            at = start + index
            dates = chunk.dates(index)
            if dates is None:  # pragma: no cover - every diagnosed rep's dates read
                if fallen is not None:
                    fallen.append(rows[at])
                yield _object_path(batch, rows[at], open_, focus)
                continue
            fired = open_.fired
            stand = standing_of(
                chunk.facts(index, _STANDING),
                period_start=dates[0],
                period_end=dates[1],
                as_of=dates[2],
            )
            numbers = dict(zip(gaps, open_.numbers, strict=True))
            order = sorted(gaps, key=lambda g: (-numbers[g][1], _ORDER[g]))
            watch: tuple[str, ...] = ()
            if stand.status in NOT_BEHIND:
                notes = [
                    chunk.because(index, rule)
                    for gap in order
                    if numbers[gap][3] == "standing"
                    for rule in fired[gap]
                    if supports[rule]
                ]
                margin = chunk.value(index, "target.margin.pace")
                cover = cover_note(stand, margin if isinstance(margin, float) else 0.0)
                watch = tuple(notes if cover is None else [*notes, humanize(cover)])
            gap = focus.gap if focus is not None else None
            items: list[Item] = []
            if gap is not None:
                name = signs.GAP_NAMES[gap].lower()
                for rule in fired[gap]:
                    proxies, thin = chunk.weak(index, compiled[rule])
                    side = "For" if supports[rule] else "Against"
                    items.append(
                        (
                            f"{side} {name}{signs.weak_of(proxies, thin)}",
                            chunk.because(index, rule),
                            (),
                        )
                    )
            system = numbers.get("system")
            yield Section(
                period=chunk.period(dates),
                standing=standing_said(stand),
                watch=watch,
                headline=""
                if isinstance(primary[at], str)
                else _headline(
                    chunk, index, stand.status, bool(watch), leading[at], numbers, order, stops[at]
                ),
                focus=_focus(focus),
                pip=_pip(system[2]) if blocked[at] and system is not None else "",
                evidence=tuple(items),
                more=sum(len(fired[g]) for g in order if g != gap),
                tree=(),
                tree_end=open_.tree_end,
                still_open=_still(still, len(open_.rules), open_.needs),
                escalation=None,
                fired=tuple([rule for g in order for rule in fired[g]]),
                open_rules=open_.rules,
            )


def _headline(
    chunk: _Chunk,
    index: int,
    status: str,
    watched: bool,
    leading: Any,
    numbers: dict[str, Any],
    order: list[str],
    stop: Any,
) -> str:
    lead = None
    if isinstance(leading, str):
        lead = (leading, numbers[leading][2], numbers[leading][1])
    open_ = [gap for gap in order if numbers[gap][2] == "unknown"]
    return headline_of(status, watched, None, lead, open_, chunk.stop(index, stop))


def _still(said: dict[tuple[Any, ...], str], rules: int, needs: tuple[str, ...]) -> str:
    """`_still_open` of a brief section, once per wording: it names the first needs and
    counts the rest (`needs` are distinct)."""
    key = (rules, needs[:BRIEF_NEEDS], len(needs))
    text = said.get(key)
    if text is None:
        text = said[key] = _still_open(rules, needs, most=BRIEF_NEEDS)
    return text


def _pip(status: str) -> str:
    return (
        f"A system gap is {signs.STATUS_WORDS.get(status, status)}: fix the system first; "
        "no PIP may be considered while it stands."
    )


def _object_path(batch: Batch, row: int, open_: Open, focus: Focus | None) -> Section:
    """The section through the rep's own Diagnosis (what the page did for every rep)."""
    d = batch.diagnosis(row)
    return detail_of(
        d,
        focus,
        None,
        brief=True,
        open_=(open_.rules, open_.needs),
        end=open_.tree_end,
        fired=open_.fired,
    )


class _Chunk:
    """The value columns of `CHUNK` reps, each read into Python once, when first needed."""

    def __init__(
        self, batch: Batch, start: int, stop: int, compiled: dict[str, CompiledRule]
    ) -> None:
        self.lookup, self.texts = batch.columns(start, stop)
        self.size = min(stop, batch.summary.diagnosed) - start
        self.tree = batch.rules.tree
        self.compiled = compiled
        self.lists: dict[str, list[Any]] = {}
        self.said: dict[tuple[Any, ...], str] = {}
        self.reading: dict[str, list[tuple[Any, ...]]] = {}
        self.periods: dict[tuple[Any, Any], str] = {}
        self.stops: dict[tuple[Any, ...], TreeStop] = {}
        self.masks: dict[str, tuple[list[bool], list[bool]] | None] = {}
        self.proxied = batch._population.proxied()
        self.start, self.batch = start, batch
        self.day: list[list[Any]] = [self._dates(name) for name in _DATES]

    def _dates(self, name: str) -> list[Any]:
        series = self.texts.get(name)
        if series is None:
            return [None] * self.size
        return [None if _absent(v) else v.date() for v in series.tolist()]

    def dates(self, index: int) -> tuple[dt.date | None, dt.date | None, dt.date | None] | None:
        """The rep's period start, end and as-of date."""
        start, end, as_of = (day[index] for day in self.day)
        return start, end, as_of

    def period(self, dates: tuple[Any, ...]) -> str:
        """The period in words, once per pair of dates."""
        key = (dates[0], dates[1])
        said = self.periods.get(key)
        if said is None:
            said = self.periods[key] = period(dates[0], dates[1])
        return said

    def column(self, name: str) -> list[Any]:
        """A value's column as the rep's facts hold it: None unknown, a flag as a bool."""
        found = self.lists.get(name)
        if found is None:
            import numpy as np

            value = self.lookup(name)
            values = np.broadcast_to(np.asarray(value, dtype=np.float64), (self.size,))
            spec = METRICS.get(name)
            unknown = np.isnan(values)
            cells = (values == 1.0) if spec is not None and spec.is_bool else values
            cells = cells.astype(object)
            cells[unknown] = None
            found = cells.tolist()
            self.lists[name] = found
        return found

    def value(self, index: int, name: str) -> Any:
        """One rep's value of `name` (None: unknown)."""
        return self.column(name)[index]

    def facts(self, index: int, names: Iterable[str]) -> dict[str, Any]:
        """The rep's known values of `names`, as its facts hold them."""
        return {name: value for name in names if (value := self.column(name)[index]) is not None}

    def because(self, index: int, rule: str) -> str:
        """The rule's because-text for the rep in words (humanized), rendered once per set of
        values it reads."""
        read = self.reading.get(rule)
        if read is None:
            reads = self.compiled[rule].because.reads
            columns = [self.column(name) for name in reads]
            read = self.reading[rule] = (
                list(zip(*columns, strict=True)) if reads else [()] * self.size
            )
        key = (rule, read[index])
        text = self.said.get(key)
        if text is None:
            template = self.compiled[rule].because
            values = zip(template.reads, read[index], strict=True)
            facts = {n: v for n, v in values if v is not None}
            text = self.said[key] = humanize(template.render(facts))
        return text

    def weak(self, index: int, rule: CompiledRule) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """The rule's inputs that rest on a proxy, and those that are thin, for the rep."""
        from gapdiag.model.basis import BASES

        proxies = tuple([p for p in rule.needs if p in self.proxied and self._mark(p)[0][index]])
        thin = tuple([p for p in rule.needs if p in BASES and self._mark(p)[1][index]])
        return proxies, thin

    def _mark(self, path: str) -> tuple[list[bool], list[bool]]:
        found = self.masks.get(path)
        if found is None:
            import numpy as np

            from gapdiag.model.basis import BASES

            population, start = self.batch._population, self.start
            stop = start + self.size
            marks = self.proxied.get(path)
            proxy = marks[start:stop].tolist() if marks is not None else [False] * self.size
            basis = BASES.get(path)
            thin = [False] * self.size
            if basis is not None:
                count = population.number(basis.count)[start:stop]
                value = population.number(path)[start:stop]
                with np.errstate(invalid="ignore"):
                    mask = (count >= basis.too_few) & (count < basis.solid) & ~np.isnan(value)
                thin = mask.tolist()
            found = self.masks[path] = (proxy, thin)
        return found

    def stop(self, index: int, node: Any) -> TreeStop | None:
        """Where the rep's tree walk stopped (None: it did not)."""
        tree = self.tree
        if tree is None or not isinstance(node, str):
            return None
        needs = tuple(
            [m for m in tree.routes[node].question.needs if self.column(m)[index] is None]
        )
        key = (node, needs)
        found = self.stops.get(key)
        if found is None:
            found = self.stops[key] = TreeStop.trusted(
                {"node": node, "needs": needs, "possible": tree.possible(node)}
            )
        return found


def _texts(column: Any) -> list[str | None]:
    """A text column of the results table (pandas or polars) as a list, None where empty."""
    import numpy as np

    return [v if isinstance(v, str) else None for v in np.asarray(column, dtype=object).tolist()]


def _absent(value: Any) -> bool:
    from gapdiag.engines.vector import _checks

    return bool(_checks._absent(value))

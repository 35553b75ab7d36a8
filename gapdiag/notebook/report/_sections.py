"""A brief page's rep sections from the batch's columns, without a Diagnosis per rep.

A brief section (`_detail.detail_of` with ``brief=True``) shows the rep's period, standing,
watch notes, the headline when no gap is named, the focus and the evidence of its gap, the
tree's end and what is open. Building each rep's `Diagnosis` for it was most of a large
page's time; here the same texts come from what the batch worked out for every rep at once
(`_open.Open`: rules open and fired, verdict numbers, the tree's end) and from its value
columns (`Batch.columns`), a chunk of reps at a time. Each rule's because-text is filled
from the columns its template reads, once per set of values.
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
_ORDER: dict[str, int] = {gap: index for index, gap in enumerate(GAPS)}
"""Verdicts of equal confidence in this order (as ``engines.assemble`` sorts them)."""


def brief_sections(
    batch: Batch,
    opens: Iterable[Open],
    focuses: Iterable[Focus | None],
) -> Iterator[Section]:
    """Every diagnosed rep's brief `Section`, in `rows` order, equal to `detail_of(d, focus,
    None, brief=True)` of its Diagnosis: `opens` from `open_rules(batch)`, `focuses` each
    rep's focus."""
    book = batch.rules
    gaps: list[str] = [gap for gap, _, _ in book.by_gap]
    supports = {r.id: r.certainty > 0 for r in book.compiled}
    compiled = {r.id: r for r in book.compiled}
    frame = batch.frame
    primary = _texts(frame["primary_gap"])
    leading = _texts(frame["leading_gap"])
    blocked = frame["pip_blocked"].to_numpy().tolist()
    stops = (
        _texts(frame["tree_stop"])
        if book.tree is not None and "tree_stop" in frame.columns
        else [None] * len(primary)
    )
    rows = batch.rows
    orders = _orders(frame, gaps)
    still: dict[tuple[Any, ...], str] = {}
    pairs = iter(zip(opens, focuses, strict=True))
    for start in range(0, len(rows), CHUNK):
        chunk = _Chunk(batch, start, start + CHUNK, compiled)
        known = chunk.known(_STANDING)
        for index in range(chunk.size):
            open_, focus = next(pairs)
            at = start + index
            dates = chunk.dates(index)
            fired = open_.fired
            stand = standing_of(
                known[index],
                period_start=dates[0],
                period_end=dates[1],
                as_of=dates[2],
            )
            numbers: dict[str, Any] = dict(zip(gaps, open_.numbers, strict=True))
            order = orders[at]
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
                items = [
                    (chunk.side(index, rule), chunk.because(index, rule), ()) for rule in fired[gap]
                ]
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


def _orders(frame: Any, gaps: list[str]) -> list[tuple[str, ...]]:
    """Each rep's gaps in the order its Diagnosis lists its verdicts: surest first, ties in
    ``GAPS`` order (``engines.assemble``), from the batch's confidence columns."""
    import numpy as np

    named = sorted(gaps, key=_ORDER.__getitem__)  # every pack has each gap's verdict
    sure = np.column_stack([np.asarray(frame[f"{gap}.confidence"], np.float64) for gap in named])
    order = np.argsort(-sure, axis=1, kind="stable")
    code = order @ (len(named) ** np.arange(len(named)))
    kinds, first = np.unique(code, return_index=True)
    said = {
        int(c): tuple(named[i] for i in order[at].tolist())
        for c, at in zip(kinds.tolist(), first.tolist(), strict=True)
    }
    return [said[c] for c in code.tolist()]


def _headline(
    chunk: _Chunk,
    index: int,
    status: str,
    watched: bool,
    leading: Any,
    numbers: dict[str, Any],
    order: tuple[str, ...],
    stop: Any,
) -> str:
    lead = None
    if isinstance(leading, str):
        lead = (leading, numbers[leading][2], numbers[leading][1])
    open_ = [gap for gap in order if numbers[gap][2] == "unknown"]
    return headline_of(status, lambda: watched, None, lead, open_, lambda: chunk.stop(index, stop))


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


class _Chunk:
    """The value columns of `CHUNK` reps, each read into Python once, when first needed."""

    def __init__(
        self, batch: Batch, start: int, stop: int, compiled: dict[str, CompiledRule]
    ) -> None:
        self.lookup, self.texts, self.proxied = batch.columns(start, stop)
        self.size = min(stop, batch.summary.diagnosed) - start
        self.tree = batch.rules.tree
        self.compiled = compiled
        self.lists: dict[str, list[Any]] = {}
        self.said: dict[tuple[Any, ...], str] = {}
        self.reading: dict[str, list[tuple[Any, ...]]] = {}
        self.periods: dict[tuple[Any, Any], str] = {}
        self.stops: dict[tuple[Any, ...], TreeStop] = {}
        self.sides: dict[str, list[str]] = {}
        self.day: list[list[Any]] = [self._dates(name) for name in _DATES]

    def _dates(self, name: str) -> list[Any]:
        series = self.texts.get(name)
        if series is None:
            return [None] * self.size
        return [None if _absent(v) else v.date() for v in series.tolist()]

    def dates(self, index: int) -> tuple[dt.date | None, dt.date | None, dt.date | None]:
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

    def known(self, names: tuple[str, ...]) -> list[dict[str, Any]]:
        """Each rep's known values of `names`, as its facts hold them."""
        rows = zip(*[self.column(name) for name in names], strict=True)
        return [
            {name: value for name, value in zip(names, row, strict=True) if value is not None}
            for row in rows
        ]

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

    def side(self, index: int, rule: str) -> str:
        """'For will' or 'Against skill' of the rule's evidence for the rep, marked where it
        reads a proxy or a thin count (``signs.side_words``), worked out a rule at a time."""
        found = self.sides.get(rule)
        if found is None:
            import numpy as np

            from gapdiag.model.basis import BASES

            of = self.compiled[rule]
            side = "For" if of.certainty > 0 else "Against"
            head = f"{side} {signs.GAP_NAMES[of.gap].lower()}"
            proxy = np.zeros(self.size, bool)
            thin = np.zeros(self.size, bool)
            for path in of.needs:
                if path in self.proxied:
                    proxy |= self.proxied[path]
                if path in BASES:
                    thin |= self._thin(path)
            words = np.where(
                proxy,
                head + signs.weak_of(("proxy",), ()),
                np.where(thin, head + signs.weak_of((), ("thin",)), head),
            )
            found = self.sides[rule] = words.tolist()
        return found[index]

    def _thin(self, path: str) -> Any:
        """Which reps' `path` is a thin counted rate (enough to read, too few to confirm)."""
        import numpy as np

        from gapdiag.model.basis import BASES

        basis = BASES[path]
        # a rate on too few observations reads NaN already (set aside): thin needs as many
        count, value = self.lookup(basis.count), self.lookup(path)
        with np.errstate(invalid="ignore"):
            return (count >= basis.too_few) & (count < basis.solid) & ~np.isnan(value)

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

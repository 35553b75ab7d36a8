"""The executor-side steps of gapdiag.spark, run here on Arrow batches without Spark."""

from __future__ import annotations

from typing import Any

import pytest

pd = pytest.importorskip("pandas")
np = pytest.importorskip("numpy")
pa = pytest.importorskip("pyarrow")

from gapdiag import Rulebook, load_rules  # noqa: E402
from gapdiag.engines.vector.batch import diagnose_many  # noqa: E402
from gapdiag.model.metrics import DEFAULT_TARGETS  # noqa: E402
from gapdiag.spark import _worker  # noqa: E402
from gapdiag.spark._worker import TEAM_KEY, Job, Task  # noqa: E402

from .conftest import CALLS_UNDER_TEAM  # noqa: E402

PACK = load_rules()
FLAT = pd.DataFrame(
    {
        "rep_id": ["a", "b", "c", "d", "e"],
        "team": ["x", "x", "y", None, "y"],
        "activity.calls_per_day": [10.0, 40.0, -1.0, 30.0, 35.0],
        "pipeline.win_rate": [0.2, None, 0.3, 0.1, 0.25],
    }
)


def job_for(*books: Rulebook, team: tuple[str, ...] = ()) -> Job:
    """A job over FLAT's columns, keyed by its row number."""
    contract = tuple(c for c in FLAT.columns)
    return Job.of(books, DEFAULT_TARGETS, ("row",), contract, team)


def batches(frame: Any, size: int = 2) -> list[Any]:
    """A frame as Arrow record batches of `size` rows, as mapInArrow hands them over."""
    table = pa.Table.from_pandas(frame, preserve_index=False)
    return table.to_batches(max_chunksize=size)


def labelled(table: Any, book: Rulebook) -> list[dict[str, Any]]:
    """The workers' rows with each label column decoded from its code, in result order."""
    rows = []
    for row in table.to_pylist():
        for label in _worker.label_layout(book):
            code = (row[label.word] >> label.shift) & ((1 << label.bits) - 1)
            row[label.name] = label.labels[code - 1] if code else None
        rows.append({k: v for k, v in row.items() if not k.startswith(_worker.CODES)})
    return rows


def in_order(rows: list[dict[str, Any]], columns: list[str]) -> list[dict[str, Any]]:
    """Rows with their keys in the order of `columns` (those of diagnose_many's frame)."""
    assert all(sorted(row) == sorted(columns) for row in rows)
    return [{name: row[name] for name in columns} for row in rows]


def test_diagnose_step_gives_diagnose_many_columns_for_valid_rows() -> None:
    """Batches are gathered, validated and evaluated; bad rows are left to the errors step."""
    out = pa.Table.from_batches(
        list(_worker.diagnose(batches(FLAT.assign(row=range(5))), job_for(PACK)))
    )
    expected = diagnose_many(FLAT, rules=PACK).frame
    plain = expected.astype(object).where(expected.notna(), None).to_dict("records")
    assert in_order(labelled(out, PACK), list(expected.columns)) == plain
    assert [row["row"] for row in plain] == [0, 1, 3, 4]


def test_errors_step_names_row_field_value_and_reason() -> None:
    """One error row per bad cell, with the row key and rep_id carried as given."""
    out = pa.Table.from_batches(
        list(_worker.errors(batches(FLAT.assign(row=range(5))), job_for(PACK)))
    )
    rows = out.to_pylist()
    assert rows == [
        {
            "row": 2,
            "rep_id": "c",
            "field": "activity.calls_per_day",
            "value": "-1.0",
            "reason": rows[0]["reason"],
        }
    ]
    assert "-1" in rows[0]["reason"]


def test_team_steps_compute_each_teams_values_from_its_valid_reps() -> None:
    """team_inputs keeps valid rows with a team; team_stats gives one row per team."""
    name = "team.mean.activity.calls_per_day"
    job = job_for(Rulebook.from_rules([CALLS_UNDER_TEAM]), team=(name,))
    keyed = FLAT.assign(row=range(5), **{TEAM_KEY: FLAT["team"]})
    inputs = pa.Table.from_batches(list(_worker.team_inputs(batches(keyed), job)))
    assert inputs.column(TEAM_KEY).to_pylist() == ["x", "x", "y"]  # c is bad, d has no team
    stats = pa.Table.from_batches(list(_worker.team_stats(inputs.to_batches(), job)))
    assert dict(
        zip(stats.column(TEAM_KEY).to_pylist(), stats.column(name).to_pylist(), strict=True)
    ) == {
        "x": 25.0,
        "y": 35.0,
    }
    assert list(_worker.team_stats(iter([]), job)) == []


@pytest.mark.parametrize("chunk", [1, 100_000])
def test_a_partition_of_whole_teams_diagnoses_with_its_own_team_values(
    chunk: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """diagnose_teams on rows grouped by team gives diagnose_many's results, chunk by chunk."""
    whole = _worker.tables
    monkeypatch.setattr(_worker, "tables", lambda given: whole(given, chunk))
    name = "team.mean.activity.calls_per_day"
    book = Rulebook.from_rules([CALLS_UNDER_TEAM])
    keyed = FLAT.assign(row=range(5), **{TEAM_KEY: FLAT["team"]})
    out = pa.Table.from_batches(
        list(_worker.diagnose_teams(batches(keyed), job_for(book, team=(name,))))
    )
    expected = diagnose_many(FLAT, rules=book).frame
    plain = expected.astype(object).where(expected.notna(), None).to_dict("records")
    assert in_order(labelled(out, book), list(expected.columns)) == plain
    assert list(_worker.diagnose_teams(iter(()), job_for(book, team=(name,)))) == []


def test_outcome_counts_are_per_batch_partial_sums() -> None:
    """Counts per batch add up to the rows read and diagnosed, for both packs."""
    job = job_for(PACK, Rulebook.from_rules([CALLS_UNDER_TEAM]))
    parts = [
        b.to_pylist() for b in _worker.outcome_counts(batches(FLAT.assign(row=range(5)), 5), job)
    ]
    counts = {(r["what"], r["old"], r["new"]): r["rows"] for part in parts for r in part}
    assert counts["input", "", ""] == 5
    assert counts["rows", "", ""] == 4
    assert counts["fired", "calls-under-team", "new"] == 0
    assert sum(n for (what, *_), n in counts.items() if what == "primary") == 4


def test_a_task_reads_its_job_from_a_broadcast_and_restores_dotted_names() -> None:
    """Columns cross mapInArrow as _0, _1, ..; the task gives the step their real names."""

    class Broadcast:
        value = job_for(PACK)

    names = ("row", *FLAT.columns)
    plain = FLAT.assign(row=range(5))[list(names)]
    plain.columns = [f"_{i}" for i in range(len(names))]
    out = list(Task(_worker.diagnose, Broadcast(), names)(batches(plain)))
    assert out[0].column_names[:3] == ["row", "rep_id", "team"]


def test_tables_gather_batches_up_to_the_chunk_size() -> None:
    """Small Arrow batches are evaluated together, a chunk at a time."""
    sizes = [t.num_rows for t in _worker.tables(batches(FLAT, 1), rows=2)]
    assert sizes == [2, 2, 1]


def test_a_worker_keeps_a_bounded_number_of_compiled_packs() -> None:
    """Each new pack is compiled once; past the bound, the oldest is dropped first."""
    _worker._COMPILED.clear()
    jobs = [
        job_for(Rulebook.from_rules([CALLS_UNDER_TEAM], name=f"p{i}"))
        for i in range(_worker._KEEP + 1)
    ]
    first = jobs[0].compiled()
    assert jobs[0].compiled() is first
    for job in jobs[1:]:
        job.compiled()
    assert len(_worker._COMPILED) == _worker._KEEP
    assert jobs[0].digest not in _worker._COMPILED
    assert jobs[0].compiled() is not first


def test_label_codes_pack_into_words_without_overlap() -> None:
    """Each label column gets bits for null and every label; a column never spans two words."""
    columns = [(f"c{i}", tuple(f"l{j}" for j in range(i * 40))) for i in range(12)]
    layout = _worker.packed(columns)
    assert [label.name for label in layout] == [name for name, _ in columns]
    used: dict[str, int] = {}
    for label, (_, labels) in zip(layout, columns, strict=True):
        assert (1 << label.bits) > len(labels) >= (1 << label.bits) // 2 or not labels
        mask = ((1 << label.bits) - 1) << label.shift
        assert not used.get(label.word, 0) & mask
        assert label.shift + label.bits <= 63
        used[label.word] = used.get(label.word, 0) | mask
    assert len(used) > 1
    assert [label.word for label in _worker.label_layout(PACK)] == [f"{_worker.CODES}0"] * 10

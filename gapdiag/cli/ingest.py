"""`gapdiag ingest`: CRM exports -> one row of metrics per rep for a period (or per week).

Prints a summary per file (rows read, rows skipped, problems by column and reason) and
writes every bad row once to the errors file. With ``--diagnose RESULTS`` the rows go
straight on to ``diagnose_many``: raw exports to a diagnosed team in one command.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from gapdiag.cli._batch import summary_table
from gapdiag.cli._io import (
    NAMED_FORMS,
    ExitStatus,
    OutputFileError,
    add_format,
    add_out,
    is_stdout,
    iso_date,
    options_named,
    subcommand,
)
from gapdiag.model._output import Outputs, csv_text, file_names
from gapdiag.model.errors import InvalidArgument
from gapdiag.model.metrics import METRICS
from gapdiag.model.rows import LIST_COLUMNS, PROXY_SEPARATOR
from gapdiag.sources.crm import PRESETS
from gapdiag.sources.ingest import Ingested, read_exports

if TYPE_CHECKING:
    from gapdiag.engines.vector.batch import Batch

_KEYS = ("rep_id", "team", "period_start", "period_end", "as_of")


def register(commands: Any) -> None:
    """Add the `ingest` subcommand."""
    run = subcommand(
        commands,
        "ingest",
        summary="turn CRM exports into per-rep metrics (CSV)",
        description="Read CRM exports (opportunities, activities, a quota sheet, a teams file) "
        "through a column mapping and write one row of metrics per rep for a period (or per "
        "week), ready for `gapdiag diagnose`; bad rows are skipped and listed once.",
        examples=(
            "gapdiag ingest opportunities.csv --activities activities.csv "
            "--period 2017-Q2 --out reps.csv",
            "gapdiag ingest opps.csv --map hubspot --period 2017-05 --out - --format json",
            "gapdiag ingest opps.csv --activities acts.csv --quotas quotas.csv --teams teams.csv "
            "--period 2026-Q3 --out reps.csv --diagnose results.csv",
        ),
    )
    run.add_argument("opportunities", nargs="?", type=Path, help="opportunity export (.csv)")
    run.add_argument(
        "--activities",
        type=Path,
        action="append",
        help="activity export (.csv); repeat for several (calls, emails, meetings)",
    )
    run.add_argument(
        "--quotas", type=Path, help="quota sheet: rep, period, quota[, commit, forecast]"
    )
    run.add_argument("--teams", type=Path, help="teams file: rep -> team (manager, region)")
    run.add_argument(
        "--map",
        default="salesforce",
        help=f"a preset ({', '.join(PRESETS)}) or a mapping YAML file (default: salesforce)",
    )
    run.add_argument("--period", required=True, help="2017-Q2, 2017-W14, 2017-05 or 2017")
    run.add_argument(
        "--activities-until",
        type=iso_date,
        metavar="YYYY-MM-DD",
        help="count activities up to this day, e.g. the day the export was pulled "
        "(default: the period's end, or the last activity if a week or more before it)",
    )
    run.add_argument(
        "--every",
        choices=("period", "week"),
        default="period",
        help="one row per rep for the period, or per rep and ISO week (a weekly history)",
    )
    add_out(run, "where to write the reps (.csv, .json or .parquet by its name)", required=True)
    add_format(run, ("csv", "json"))
    run.set_defaults(format=None)  # unset: the --out file's suffix says, else CSV
    add_out(run, "bad rows file (default: OUT.errors.csv)", flag="--errors", stdout=False)
    run.add_argument(
        "--strict", action="store_true", help="fail on any bad row instead of skipping it"
    )
    add_out(
        run,
        "also write one CSV per rep (REP.csv, listed in index.csv) for `gapdiag plan --history`",
        flag="--history-dir",
        stdout=False,
        folder=True,
        metavar="FOLDER",
    )
    add_out(
        run,
        "also diagnose every row into RESULTS (.csv/.parquet/.json)",
        flag="--diagnose",
        stdout=False,
        metavar="RESULTS",
    )
    run.set_defaults(handler=handle)


def handle(args: argparse.Namespace, out: IO[str]) -> int:
    """Read the exports, compute each rep's metrics, and write them and the errors file.

    Every output (the rows, the errors, the histories, the diagnoses) is written through
    one `Outputs`: all of them, or none.
    """
    form = out_form(args.out, args.format)  # before any reading: a mistake costs nothing
    if args.diagnose is not None:
        from gapdiag.engines.vector.batch import need_frames

        need_frames()  # the one-line error without the frames extra, before any work
        from gapdiag.engines.vector._frames import check_results_name

        check_results_name(args.diagnose, "--diagnose")
    progress = _Progress(sys.stderr) if sys.stderr.isatty() else None
    with options_named({"period": ("--period", args.period), "mapping": ("--map", args.map)}):
        result = read_exports(
            period=args.period,
            opportunities=args.opportunities,
            activities=args.activities,
            quotas=args.quotas,
            teams=args.teams,
            mapping=args.map,
            every=args.every,
            activities_until=args.activities_until,
            strict=args.strict,
            progress=progress,
        )
    if progress is not None:
        progress.finish()
    errors = args.errors or _errors_path(args.out)
    if not result.rows:
        return _nothing_used(result, args, errors, out)
    batch = _diagnosed(result, args) if args.diagnose is not None else None
    with Outputs(out) as outputs:
        if form == "parquet":  # the results tables' one Parquet writer
            from gapdiag.engines.vector._frames import write

            write(rows_frame(result.rows), args.out, outputs=outputs, what="--out")
        else:
            outputs.write(args.out, rows_text(result.rows, form), "--out")
        if result.bad_rows or errors.exists():  # never a stale errors file beside new rows
            outputs.write(errors, result.errors_csv(), "--errors")
        if args.history_dir is not None:
            write_histories(result.rows, args.history_dir, outputs)
        if batch is not None:
            _write_diagnosed(batch, args.diagnose, outputs)
    (args.stderr if is_stdout(args.out) else out).write(summary(result, args, errors))
    if batch is not None:
        out.write(summary_table(batch, args.diagnose, _diagnose_errors(args.diagnose)))
    return ExitStatus.FINDINGS if result.bad_rows else ExitStatus.OK


def _nothing_used(result: Ingested, args: argparse.Namespace, errors: Path, out: IO[str]) -> int:
    """No row for the period (every row in it skipped): only the errors file, one line.

    (Exports dated wholly outside the period are refused earlier, by `read_exports`.)
    """
    if result.bad_rows:
        with Outputs(out) as outputs:
            outputs.write(errors, result.errors_csv(), "--errors")
    if not is_stdout(args.out):  # what was read and why it was skipped; stderr: one line
        out.write("".join(f"{line}\n" for line in _file_lines(result)))
    why = f"{result.bad_rows:,} problem{'s' * (result.bad_rows != 1)} -> {errors}"
    args.stderr.write(
        f"gapdiag: no rep row for {args.period}: every row of the exports was skipped "
        f"({why if result.bad_rows else 'none usable'}); nothing else written\n"
    )
    return ExitStatus.BAD_INPUT


_FORMS = {".csv": "csv", ".json": "json", ".parquet": "parquet"}
"""The forms a reps file takes by its name."""


def out_form(path: Path, asked: str | None) -> str:
    """The reps file's form: what its name says (.csv, .json, .parquet), else --format, else
    CSV; a name and a --format that disagree are one error.

    Raises:
        InvalidArgument: --format names another form than the file's suffix.
        OutputFileError: with no --format, a name promising a form ingest does not write
            (``reps.txt``, ``reps.xlsx``, ``reps.tsv``).
    """
    suffix = "" if is_stdout(path) else path.suffix.lower()
    named = _FORMS.get(suffix)
    if asked is None and named is None and suffix in NAMED_FORMS:
        raise OutputFileError(
            f"--out {path}: this command writes {', '.join(_FORMS.values())}, not {suffix} files;"
            f" name it {' or '.join(_FORMS)}"
        )
    if named is not None and asked is not None and asked != named:
        raise InvalidArgument(
            f"--out {path} names a {named.upper()} file but --format asks for {asked}; "
            "expected the two to agree (or drop --format: the name decides)"
        )
    return named or asked or "csv"


def rows_frame(rows: Sequence[dict[str, Any]]) -> Any:
    """The rows as a DataFrame with the CSV's columns and cells (for a .parquet file)."""
    import pandas as pd

    header = _header(rows)
    return pd.DataFrame(
        [{k: _flat(k, r[k]) for k in header if k in r} for r in rows], columns=header
    )


def _errors_path(out: Path) -> Path:
    return Path("ingest.errors.csv") if is_stdout(out) else out.with_name(f"{out.stem}.errors.csv")


def rows_text(rows: Sequence[dict[str, Any]], fmt: str = "csv") -> str:
    """Rows as CSV (or JSON records): the keys first, then every metric some row has."""
    header = _header(rows)
    if fmt == "json":
        records = [{k: r[k] for k in header if k in r} for r in rows]
        return json.dumps(records, indent=1, default=str) + "\n"  # dates as YYYY-MM-DD
    return csv_text(header, [{k: _flat(k, v) for k, v in r.items()} for r in rows])


def _header(rows: Sequence[dict[str, Any]]) -> list[str]:
    """The keys first, then every metric some row has, then the list columns."""
    header = [k for k in _KEYS if any(k in r for r in rows)]
    header += [m for m in METRICS if any(m in r for r in rows)]
    return header + [k for k in LIST_COLUMNS if any(k in r for r in rows)]


def _flat(key: str, value: Any) -> Any:
    """A row's value as one CSV cell: a proxies or sources list joined as `diagnose` reads it."""
    return PROXY_SEPARATOR.join(value) if key in LIST_COLUMNS else value


def write_histories(rows: Sequence[dict[str, Any]], folder: Path, outputs: Outputs) -> None:
    """One CSV per rep, weeks oldest first, as `gapdiag plan --history` reads it.

    File names are the rep ids made safe (see `file_names`); ``index.csv`` lists which
    file holds whose weeks.
    """
    target = outputs.folder(folder, "--history-dir")
    by_rep: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        by_rep.setdefault(row["rep_id"], []).append(row)
    names = file_names(by_rep, reserved=(INDEX_STEM,))
    for rep, weeks in by_rep.items():
        outputs.write(target / f"{names[rep]}.csv", rows_text(weeks), "--history-dir")
    index = ((rep, f"{names[rep]}.csv", len(weeks)) for rep, weeks in by_rep.items())
    outputs.write(
        target / f"{INDEX_STEM}.csv", csv_text(("rep_id", "file", "weeks"), index), "--history-dir"
    )


INDEX_STEM = "index"
"""The history folder's list of files (no rep's file is ever called so)."""


def summary(result: Ingested, args: argparse.Namespace, errors: Path) -> str:
    """Rows per file, skipped rows, problems by column and reason, and where things went."""
    lines = _file_lines(result)
    reps = len({r["rep_id"] for r in result.rows})
    unit = "rep-week" if args.every == "week" else "rep"
    count = len(result.rows) if args.every == "week" else reps
    lines.append(f"{count:,} {unit}{'s' * (count != 1)} for {args.period} -> {args.out}")
    if result.bad_rows:
        noun = "problem" if result.bad_rows == 1 else "problems, one line each"
        lines.append(f"{result.bad_rows:,} {noun} -> {errors}")
    if args.history_dir is not None:
        histories = f"{reps:,} weekly histor{'ies' if reps != 1 else 'y'}"
        lines.append(f"{histories} -> {args.history_dir} (listed in {INDEX_STEM}.csv)")
    return "\n".join(lines) + "\n"


def _file_lines(result: Ingested) -> list[str]:
    """Per export: rows read, used and skipped, the problems by column, and its notes."""
    lines = []
    for file in result.files:
        used = file.rows - file.skipped
        lines.append(
            f"{file.kind}: {file.file}: {file.rows:,} rows, {used:,} used, {file.skipped:,} skipped"
        )
        lines += [f"  {count:,} x {column}: {reason}" for column, reason, count in file.problems]
        lines += [f"  note: {note}" for note in file.notes]
    return lines


def _diagnosed(result: Ingested, args: argparse.Namespace) -> Batch:
    from gapdiag.engines.vector.batch import diagnose_many  # needs the frames extra

    return diagnose_many(list(result.rows))


def _write_diagnosed(batch: Batch, results: Path, outputs: Outputs) -> None:
    """The diagnoses, and their bad rows beside them when there are any."""
    from gapdiag.engines.vector._frames import safe_csv, write

    write(batch.frame, results, outputs=outputs, what="--diagnose")
    if batch.summary.bad_rows or _diagnose_errors(results).exists():  # never a stale one
        errors = safe_csv(batch.errors).to_csv(index=False)
        outputs.write(_diagnose_errors(results), errors, "--diagnose")


def _diagnose_errors(results: Path) -> Path:
    return results.with_name(f"{results.stem}.errors.csv")


class _Progress:
    """A one-line 'reading FILE: 42%' on a terminal, redrawn at most ten times a second."""

    def __init__(self, stream: IO[str]) -> None:
        self.stream = stream
        self.started = time.monotonic()
        self.drawn = 0.0

    def __call__(self, name: str, done: int, total: int) -> None:
        now = time.monotonic()
        if now - self.drawn < 0.1 and done < total:
            return
        self.drawn = now
        share = done / total if total else 1.0
        self.stream.write(f"\rreading {name}: {share:4.0%} ({now - self.started:.1f} s)   ")
        self.stream.flush()

    def finish(self) -> None:
        self.stream.write("\n")

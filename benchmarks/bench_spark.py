"""Benchmark diagnose_spark on local Spark, side by side with diagnose_many on the same machine.

Run from the repository root after `pip install -e '.[test]'` (it includes the spark extra;
Java 17 on the PATH):

    python benchmarks/bench_spark.py                  # 5,000,000 rows on local[2], ~4 minutes
    python benchmarks/bench_spark.py --rows 1000000 --small 200000 --repeat 1
    python benchmarks/bench_spark.py --figures spark.json
    python benchmarks/bench_spark.py --json          # issue 28: 2M rows against the floor

Goal (issue 8), on the project's 2-core machine: 5,000,000 rows read from Parquet on
local[2] and diagnosed with the default pack at >= 1,000,000 rows/s *once the job runs*:
the marginal rate (rows - small) / (t(rows) - t(small)), which leaves out Spark's fixed
cost of starting a job. Each measurement is a ``noop`` write (the whole plan runs,
nothing is kept), median of --repeat, after a warm-up:

- read only: the Parquet scan in the JVM;
- the ``mapInArrow`` floor: every column crosses to the Python workers as Arrow and the
  first one comes back, with no evaluation; what any ``mapInArrow`` job over this data costs;
- ``diagnose_spark(df).frame`` at --rows and at --small rows;
- the floor and diagnose_spark again with ``spark.sql.execution.arrow.maxBytesPerBatch``
  at its maximum, which turns off a size check Spark makes on every row it hands to Python;
- ``diagnose_many`` on --many-rows rows already in a pandas DataFrame (one process).

For each action the CPU seconds of the JVM, of the Python workers, of this process and
of every other process on the machine are read from /proc: they show where the time goes,
and whether something else was using the cores (the rates are then too low).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _ratio
from bench_batch import peak_rss_mib, population

import gapdiag
from gapdiag.engines.vector.batch import diagnose_many

CHUNK = 500_000
"""Rows generated and written per Parquet file: keeps the generator's memory small."""
ROW_GROUP = 1 << 16
"""Rows per Parquet row group, so even the small set splits into several Spark tasks."""
MAX_BYTES = "spark.sql.execution.arrow.maxBytesPerBatch"
"""Below Int.MaxValue, Spark measures the Arrow batch it is filling after every row."""
TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
CPU_KINDS = ("jvm", "workers", "driver", "others")


def write_population(folder: Path, rows: int, seed: int) -> list[Path]:
    """`rows` rows of the bench_batch population as Parquet files of CHUNK rows each."""
    folder.mkdir(parents=True)
    files = []
    for index, start in enumerate(range(0, rows, CHUNK)):
        frame = population(min(CHUNK, rows - start), seed + index)
        path = folder / f"part-{index:05d}.parquet"
        pq.write_table(pa.Table.from_pandas(frame, preserve_index=False), path, ROW_GROUP)
        files.append(path)
    return files


def cpu_seconds() -> dict[str, float]:
    """CPU seconds (user + system) used so far: this process, its descendants, the machine.

    ``jvm`` is the Spark JVM, ``workers`` its Python workers (and their daemon),
    ``driver`` this process and ``machine`` every CPU of the machine, all processes.
    Counts what live processes and the children they waited for have used; only
    ``driver`` where there is no /proc.
    """
    own = os.times()
    totals = {"driver": own.user + own.system}
    proc = Path("/proc")
    if not proc.is_dir():
        return totals
    parents: dict[int, int] = {}
    usage: dict[int, tuple[str, float]] = {}
    for entry in proc.iterdir():
        if not entry.name.isdigit():
            continue
        try:
            text = (entry / "stat").read_text()
        except OSError:
            continue
        name = text[text.index("(") + 1 : text.rindex(")")]
        fields = text[text.rindex(")") + 2 :].split()
        pid = int(entry.name)
        parents[pid] = int(fields[1])
        ticks = sum(int(f) for f in fields[11:15])  # utime, stime, cutime, cstime
        usage[pid] = (name, ticks / TICKS)
    mine = os.getpid()
    totals.update(jvm=0.0, workers=0.0)
    for pid, (name, seconds) in usage.items():
        ancestor = parents.get(pid, 0)
        while ancestor not in (0, 1, mine):
            ancestor = parents.get(ancestor, 0)
        if ancestor == mine:
            totals["jvm" if name == "java" else "workers"] += seconds
    busy = (proc / "stat").read_text().split("\n", 1)[0].split()[1:]
    # user, nice, system, irq, softirq, steal: time some process (or the host) held a CPU
    totals["machine"] = sum(int(busy[i]) for i in (0, 1, 2, 5, 6, 7)) / TICKS
    return totals


@dataclass
class Timing:
    """One action timed --repeat times: wall seconds, and CPU seconds of the median run."""

    rows: int
    seconds: list[float]
    cpu: dict[str, float]

    @property
    def median(self) -> float:
        """The median wall time."""
        return statistics.median(self.seconds)

    @property
    def rate(self) -> float:
        """Rows per second of wall time (median)."""
        return self.rows / self.median

    def ours(self) -> float:
        """CPU seconds of this benchmark's processes (JVM, workers and this one)."""
        return sum(self.cpu.get(k, 0.0) for k in ("jvm", "workers", "driver"))

    def figures(self) -> dict[str, Any]:
        """The timing as JSON-ready figures."""
        return {
            "rows": self.rows,
            "seconds_median": self.median,
            "seconds_all": self.seconds,
            "rows_per_second": self.rate,
            "cpu_seconds": self.cpu,
        }


def timed(action: Callable[[], object], rows: int, repeat: int) -> Timing:
    """Run `action` `repeat` times; keep every wall time and the median run's CPU use."""
    runs: list[tuple[float, dict[str, float]]] = []
    for _ in range(repeat):
        before = cpu_seconds()
        start = time.perf_counter()
        action()
        wall = time.perf_counter() - start
        after = cpu_seconds()
        used = {k: after[k] - before[k] for k in after}
        if "machine" in used:
            ours = sum(used.get(k, 0.0) for k in ("jvm", "workers", "driver"))
            used["others"] = max(0.0, used.pop("machine") - ours)
        runs.append((wall, used))
    runs_by_wall = sorted(runs, key=lambda run: run[0])
    return Timing(rows, [wall for wall, _ in runs], runs_by_wall[len(runs) // 2][1])


def first_column(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
    """The mapInArrow floor: every batch crosses to Python, its first column comes back."""
    for batch in batches:
        yield pa.RecordBatch.from_arrays([batch.column(0)], ["rep_id"])


def start_spark(master: str, memory: str) -> Any:
    """A local SparkSession with no UI, Python workers on this interpreter, quiet logs."""
    os.environ["PYSPARK_PYTHON"] = sys.executable
    os.environ["PYSPARK_DRIVER_PYTHON"] = sys.executable
    from pyspark.sql import SparkSession

    spark = (
        SparkSession.builder.master(master)
        .appName("gapdiag-bench-spark")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.driver.memory", memory)
        .getOrCreate()
    )
    spark.sparkContext.setLogLevel("ERROR")
    return spark


def spark_timings(
    spark: Any, big: Path, small: Path, args: argparse.Namespace
) -> dict[str, Timing]:
    """Time the read, the floor and diagnose_spark (both sizes) as noop writes."""
    from pyspark.sql import types as T

    from gapdiag.spark import diagnose_spark

    def noop(frame: Any) -> Callable[[], None]:
        return lambda: frame.write.format("noop").mode("overwrite").save()

    def read(frame: Any) -> Any:
        return frame

    def floor(frame: Any) -> Any:
        schema = T.StructType([T.StructField("rep_id", T.StringType())])
        plain = frame.toDF(*(f"_{i}" for i in range(len(frame.columns))))  # as gapdiag does
        return plain.mapInArrow(first_column, schema)

    def diagnosed(frame: Any) -> Any:
        return diagnose_spark(frame).frame

    data = {args.rows: spark.read.parquet(str(big)), args.small: spark.read.parquet(str(small))}
    # Warm-up: Python workers started, gapdiag imported, the pack compiled in each worker,
    # and the JVM's just-in-time compiler through the hot loops on a full-size run.
    for warm in (read, floor, diagnosed):
        noop(warm(data[args.small]))()
    noop(diagnosed(data[args.rows]))()
    plans: list[tuple[str, int, Callable[[Any], Any], bool]] = [
        ("read", args.rows, read, False),
        ("floor", args.rows, floor, False),
        ("diagnose_spark", args.rows, diagnosed, False),
        ("diagnose_spark_small", args.small, diagnosed, False),
        ("floor_tuned", args.rows, floor, True),
        ("diagnose_spark_tuned", args.rows, diagnosed, True),
        ("diagnose_spark_small_tuned", args.small, diagnosed, True),
    ]
    timings = {}
    for name, rows, build, tuned in plans:
        if tuned:
            spark.conf.set(MAX_BYTES, str(2**31 - 1))
        else:
            spark.conf.unset(MAX_BYTES)
        timings[name] = timed(noop(build(data[rows])), rows, args.repeat)
        print(f"  {name:<28}{timings[name].median:7.2f} s", flush=True)
    spark.conf.unset(MAX_BYTES)
    return timings


def many_timing(rows: int, repeat: int, seed: int) -> Timing:
    """diagnose_many on `rows` rows already in a pandas DataFrame, in this process."""
    frame = population(rows, seed)
    diagnose_many(frame.head(1000))  # warm up: load the pack, import numpy paths
    return timed(lambda: diagnose_many(frame), rows, repeat)


LABELS = {
    "read": "read Parquet",
    "floor": "mapInArrow floor",
    "diagnose_spark": "diagnose_spark",
    "diagnose_spark_small": "diagnose_spark (small)",
    "floor_tuned": "mapInArrow floor, tuned",
    "diagnose_spark_tuned": "diagnose_spark, tuned",
    "diagnose_spark_small_tuned": "diagnose_spark (small), tuned",
    "diagnose_many": "diagnose_many (pandas)",
}


def derived(timings: dict[str, Timing], suffix: str) -> dict[str, float]:
    """The marginal rate, and the evaluation's cost over the floor, for one configuration."""
    full, part = timings[f"diagnose_spark{suffix}"], timings[f"diagnose_spark_small{suffix}"]
    floor = timings[f"floor{suffix}"]
    extra = full.median - floor.median
    workers = full.cpu.get("workers", 0.0) - floor.cpu.get("workers", 0.0)
    return {
        "marginal_rows_per_second": (full.rows - part.rows) / (full.median - part.median),
        "evaluation_seconds": extra,
        "evaluation_rows_per_second": full.rows / extra if extra > 0 else float("inf"),
        "evaluation_worker_cpu_seconds": workers,
        "evaluation_rows_per_worker_cpu_second": full.rows / workers if workers > 0 else 0.0,
        "cpu_bound_rows_per_second": 2 * full.rows / full.ours(),
    }


def report(timings: dict[str, Timing], figures: dict[str, Any], args: argparse.Namespace) -> None:
    """Print the table and the derived rates."""
    print()
    print(f"gapdiag {gapdiag.load_rules().name}, Spark {figures['spark']} {args.master}")
    print("tuned: spark.sql.execution.arrow.maxBytesPerBatch = 2147483647 (no per-row check)")
    print(f"{'':<31}{'rows':>10}{'wall s':>8}{'rows/s':>11}   CPU s: JVM workers driver others")
    for name, t in timings.items():
        cpu = "".join(f"{t.cpu.get(k, float('nan')):>7.1f}" for k in CPU_KINDS)
        print(f"{LABELS[name]:<31}{t.rows:>10,}{t.median:>8.2f}{t.rate:>11,.0f}   {cpu}")
    print()
    for suffix, title in (("", "Spark defaults"), ("_tuned", "tuned")):
        d = figures["derived" + suffix]
        full, part = timings[f"diagnose_spark{suffix}"], timings[f"diagnose_spark_small{suffix}"]
        print(
            f"{title:<15} once the job runs {d['marginal_rows_per_second']:>11,.0f} rows/s "
            f"(({full.rows:,} - {part.rows:,}) / {full.median - part.median:.2f} s; "
            "goal >= 1,000,000)"
        )
        print(
            f"{'':<15} evaluation        {d['evaluation_rows_per_second']:>11,.0f} rows/s "
            f"({d['evaluation_seconds']:.2f} s over the floor)"
        )
        print(
            f"{'':<15} in the workers    {d['evaluation_rows_per_worker_cpu_second']:>11,.0f} "
            f"rows per CPU s ({d['evaluation_worker_cpu_seconds']:.1f} CPU s over the floor's)"
        )
        print(
            f"{'':<15} CPU bound         {d['cpu_bound_rows_per_second']:>11,.0f} rows/s "
            f"(2 cores / {1e6 * full.ours() / full.rows:.1f} CPU s per 1M rows, all processes)"
        )
    print(
        f"spark start {figures['spark_start_seconds']:.1f} s; peak RSS of this process "
        f"{figures['peak_rss_mib_this_process']:,.0f} MiB (JVM and workers not included)"
    )
    cores = os.cpu_count() or 1
    busy = [
        n for n, t in timings.items() if t.cpu.get("others", 0.0) > max(0.2, 0.1 * t.median * cores)
    ]
    if busy:
        print(f"warning: other processes used over 10% of the CPUs during: {', '.join(busy)}")


def main() -> None:
    """Run the Spark benchmark and print the figures."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=5_000_000)
    parser.add_argument("--small", type=int, default=500_000, help="rows of the second run")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--many-rows", type=int, default=1_000_000, help="rows for diagnose_many")
    parser.add_argument("--master", default="local[2]")
    parser.add_argument("--driver-memory", default="6g")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--figures", type=Path, help="also write the figures here (JSON)")
    parser.add_argument(
        "--json",
        action="store_true",
        help="only diagnose_spark against the floor, alternated (--rows defaults to 2M)",
    )
    args = parser.parse_args()
    warnings.filterwarnings("ignore", "PySpark does not yet fully support pandas", FutureWarning)
    if args.json:
        ratio_to_floor(args)
        return
    if not 0 < args.small < args.rows:
        parser.error("--small must be between 0 and --rows")
    figures: dict[str, Any] = {"rows": args.rows, "small": args.small, "master": args.master}
    with tempfile.TemporaryDirectory() as folder:
        start = time.perf_counter()
        big = write_population(Path(folder) / "big", args.rows, args.seed)
        small = write_population(Path(folder) / "small", args.small, args.seed + 1000)
        figures["write_seconds"] = time.perf_counter() - start
        figures["parquet_mib"] = sum(p.stat().st_size for p in big) / 2**20
        print(
            f"wrote {args.rows:,} + {args.small:,} rows as Parquet in "
            f"{figures['write_seconds']:.1f} s ({figures['parquet_mib']:,.0f} MiB for "
            f"{args.rows:,} rows)",
            flush=True,
        )
        start = time.perf_counter()
        spark = start_spark(args.master, args.driver_memory)
        figures["spark_start_seconds"] = time.perf_counter() - start
        figures["spark"] = spark.version
        print(f"Spark {spark.version} on {args.master}: warm-up, then median of {args.repeat}")
        try:
            timings = spark_timings(spark, big[0].parent, small[0].parent, args)
        finally:
            spark.stop()
    print(f"diagnose_many on {args.many_rows:,} rows in pandas", flush=True)
    timings["diagnose_many"] = many_timing(args.many_rows, args.repeat, args.seed)
    figures["timings"] = {name: t.figures() for name, t in timings.items()}
    figures["peak_rss_mib_this_process"] = peak_rss_mib()
    figures["derived"] = derived(timings, "")
    figures["derived_tuned"] = derived(timings, "_tuned")
    report(timings, figures, args)
    if args.figures:
        args.figures.write_text(json.dumps(figures, indent=2))


def ratio_to_floor(args: argparse.Namespace) -> None:
    """diagnose_spark (default pack: four team medians) against the floor: one JSON line.

    --rows defaults to 2,000,000 here. After a warm-up, the floor and diagnose_spark take
    turns --repeat times; each is a noop write of the whole plan. The figure is the wall
    time (median); the CPU seconds of the JVM, the workers and this process are beside it.
    Both are first checked to return a row for each of the small set's rows.
    """
    from pyspark.sql import types as T

    from gapdiag.spark import diagnose_spark

    rows = args.rows if args.rows != 5_000_000 else 2_000_000
    with tempfile.TemporaryDirectory() as folder:
        big = write_population(Path(folder) / "big", rows, args.seed)
        small = write_population(Path(folder) / "small", args.small, args.seed + 1000)
        spark = start_spark(args.master, args.driver_memory)
        try:
            schema = T.StructType([T.StructField("rep_id", T.StringType())])

            def floor(frame: Any) -> Any:
                plain = frame.toDF(*(f"_{i}" for i in range(len(frame.columns))))
                return plain.mapInArrow(first_column, schema)

            def ours(frame: Any) -> Any:
                return diagnose_spark(frame).frame

            check = spark.read.parquet(str(small[0].parent))
            if not floor(check).count() == ours(check).count() == args.small:
                raise SystemExit("the floor and diagnose_spark did not return every row")
            data = spark.read.parquet(str(big[0].parent))
            plans = {"floor": floor(data), "ours": ours(data)}
            for plan in plans.values():  # warm-up: workers, the pack, the JIT on full size
                plan.write.format("noop").mode("overwrite").save()
            before = _ratio.load()
            runs: dict[str, list[tuple[float, float]]] = {"floor": [], "ours": []}
            for index in range(args.repeat):
                names = ["floor", "ours"][index % 2 :] + ["floor", "ours"][: index % 2]
                for name in names:
                    timing = timed(
                        lambda plan=plans[name]: plan.write.format("noop").mode("overwrite").save(),
                        rows,
                        1,
                    )
                    runs[name].append((timing.median, timing.ours()))
            after = _ratio.load()
        finally:
            spark.stop()
    wall = {name: [w for w, _ in r] for name, r in runs.items()}
    cpu = {name: [c for _, c in r] for name, r in runs.items()}
    ours_s, floor_s = statistics.median(wall["ours"]), statistics.median(wall["floor"])
    _ratio.line(
        f"diagnose_spark: {rows:,} rows, team medians, {args.master}",
        ours_s,
        floor_s,
        goal="ratio <= 2 (at least half the floor's rows/s)",
        met=ours_s <= 2 * floor_s,
        unit="s wall",
        rows_per_second={"ours": rows / ours_s, "floor": rows / floor_s},
        cpu_seconds={k: statistics.median(v) for k, v in cpu.items()},
        rounds={"ours": _ratio.spread(wall["ours"]), "floor": _ratio.spread(wall["floor"])},
        load={"before": before, "after": after},
    )


if __name__ == "__main__":
    main()

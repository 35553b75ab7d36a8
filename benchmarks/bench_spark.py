"""Benchmark diagnose_spark on local Spark, side by side with diagnose_many on the same machine.

Run from the repository root after `pip install -e '.[test,spark]'` (Java 17 on the PATH):

    python benchmarks/bench_spark.py                  # 5,000,000 rows on local[2], ~5 minutes
    python benchmarks/bench_spark.py --rows 1000000 --small 200000 --repeat 1
    python benchmarks/bench_spark.py --json spark.json

Goal (issue 8), on the project's 2-core machine: 5,000,000 rows read from Parquet on
local[2], diagnosed with the default pack, at >= 1,000,000 rows/s *once the job runs*:
the marginal rate (rows - small) / (t(rows) - t(small)), which leaves out Spark's fixed
cost of starting a job. Reported alongside, each a ``noop`` write (the whole plan runs,
nothing is kept), median of --repeat:

- read only: the Parquet scan in the JVM;
- a trivial ``mapInArrow`` that hands back each batch's first column: the scan plus the
  Arrow round trip to the Python workers, with no evaluation (Spark + Arrow baseline);
- ``diagnose_spark(df).frame`` at --rows and at --small rows;
- ``diagnose_many`` on --many-rows rows already in a pandas DataFrame (one process).

CPU seconds of the JVM and of the Python workers are read from /proc for each action, to
show where the time goes.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_batch import peak_rss_mib, population

import gapdiag
from gapdiag.batch import diagnose_many

CHUNK = 500_000
"""Rows generated and written per Parquet file: keeps the generator's memory small."""
ROW_GROUP = 1 << 16
"""Rows per Parquet row group, so even the small set splits into several Spark tasks."""
TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


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
    """CPU seconds (user + system) used so far by this process's descendants, by program.

    ``jvm`` is the Spark driver/executor JVM; ``python`` its Python workers (and their
    daemon). Counts what live processes and the children they waited for have used; empty
    where there is no /proc.
    """
    proc = Path("/proc")
    if not proc.is_dir():
        return {}
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
    mine, totals = os.getpid(), {"jvm": 0.0, "python": 0.0}
    for pid, (name, seconds) in usage.items():
        ancestor = parents.get(pid, 0)
        while ancestor not in (0, 1, mine):
            ancestor = parents.get(ancestor, 0)
        if ancestor == mine:
            totals["jvm" if name == "java" else "python"] += seconds
    return totals


@dataclass
class Timing:
    """One action timed --repeat times: wall seconds and CPU seconds of the median run."""

    rows: int
    seconds: list[float]
    jvm_cpu: float
    python_cpu: float

    @property
    def median(self) -> float:
        """The median wall time."""
        return statistics.median(self.seconds)

    def figures(self) -> dict[str, Any]:
        """The timing as JSON-ready figures."""
        return {
            "rows": self.rows,
            "seconds_median": self.median,
            "seconds_all": self.seconds,
            "rows_per_second": self.rows / self.median,
            "jvm_cpu_seconds": self.jvm_cpu,
            "python_cpu_seconds": self.python_cpu,
        }


def timed(action: Callable[[], None], rows: int, repeat: int) -> Timing:
    """Run `action` `repeat` times; keep every wall time and the median run's CPU use."""
    runs: list[tuple[float, float, float]] = []
    for _ in range(repeat):
        before = cpu_seconds()
        start = time.perf_counter()
        action()
        wall = time.perf_counter() - start
        after = cpu_seconds()
        used = {k: after[k] - before.get(k, 0.0) for k in after}
        runs.append((wall, used.get("jvm", float("nan")), used.get("python", float("nan"))))
    median = sorted(runs)[len(runs) // 2]
    return Timing(rows, [r[0] for r in runs], median[1], median[2])


def first_column(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
    """The Spark + Arrow baseline: every batch crosses to Python, its first column comes back."""
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
        .config("spark.sql.shuffle.partitions", "4")
        .getOrCreate()
    )
    spark.sparkContext.setLogLevel("ERROR")
    return spark


def spark_timings(
    spark: Any, big: Path, small: Path, args: argparse.Namespace
) -> dict[str, Timing]:
    """Time the read, the Arrow baseline and diagnose_spark (at both sizes) as noop writes."""
    from pyspark.sql import types as T

    from gapdiag.spark import diagnose_spark

    def noop(frame: Any) -> Callable[[], None]:
        return lambda: frame.write.format("noop").mode("overwrite").save()

    def baseline(frame: Any) -> Any:
        schema = T.StructType([T.StructField("rep_id", T.StringType())])
        plain = frame.toDF(*(f"_{i}" for i in range(len(frame.columns))))  # as gapdiag does
        return plain.mapInArrow(first_column, schema)

    def diagnosed(frame: Any) -> Any:
        return diagnose_spark(frame).frame

    data = {args.rows: spark.read.parquet(str(big)), args.small: spark.read.parquet(str(small))}
    for build in (lambda f: f, baseline, diagnosed):  # warm up: workers, imports, the pack
        noop(build(data[args.small]))()
    plans = {
        "read": (args.rows, lambda f: f),
        "arrow_baseline": (args.rows, baseline),
        "diagnose_spark": (args.rows, diagnosed),
        "diagnose_spark_small": (args.small, diagnosed),
    }
    timings = {}
    for name, (rows, build) in plans.items():
        timings[name] = timed(noop(build(data[rows])), rows, args.repeat)
        print(f"  {name:<22} {timings[name].median:7.2f} s", flush=True)
    return timings


def many_timing(rows: int, repeat: int, seed: int) -> Timing:
    """diagnose_many on `rows` rows already in a pandas DataFrame, in this process."""
    frame = population(rows, seed)
    diagnose_many(frame.head(1000))  # warm up: load the pack, import numpy paths
    return timed(lambda: diagnose_many(frame), rows, repeat)


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
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
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
        print(f"Spark {spark.version} on {args.master}: timing (median of {args.repeat})")
        try:
            timings = spark_timings(spark, big[0].parent, small[0].parent, args)
        finally:
            spark.stop()
    print(f"diagnose_many on {args.many_rows:,} rows in pandas", flush=True)
    timings["diagnose_many"] = many_timing(args.many_rows, args.repeat, args.seed)
    figures["timings"] = {name: t.figures() for name, t in timings.items()}
    figures["peak_rss_mib_this_process"] = peak_rss_mib()

    full, part = timings["diagnose_spark"], timings["diagnose_spark_small"]
    marginal = (full.rows - part.rows) / (full.median - part.median)
    evaluation = full.median - timings["arrow_baseline"].median
    figures["marginal_rows_per_second"] = marginal
    figures["evaluation_seconds"] = evaluation
    figures["evaluation_rows_per_second"] = full.rows / evaluation

    print()
    print(f"gapdiag {gapdiag.load_rules().name}, Spark {args.master}")
    print(f"{'measurement':<34}{'rows':>11}{'seconds':>9}{'rows/s':>12}{'JVM cpu':>9}{'Py cpu':>8}")
    labels = {
        "read": "read Parquet (noop)",
        "arrow_baseline": "mapInArrow first column",
        "diagnose_spark": "diagnose_spark",
        "diagnose_spark_small": "diagnose_spark (small)",
        "diagnose_many": "diagnose_many (pandas, 1 process)",
    }
    for name, timing in timings.items():
        print(
            f"{labels[name]:<34}{timing.rows:>11,}{timing.median:>9.2f}"
            f"{timing.rows / timing.median:>12,.0f}{timing.jvm_cpu:>9.1f}{timing.python_cpu:>8.1f}"
        )
    print(
        f"diagnose_spark once the job runs:  {marginal:,.0f} rows/s "
        f"(({full.rows:,} - {part.rows:,}) rows / {full.median - part.median:.2f} s; "
        f"goal >= 1,000,000)"
    )
    print(
        f"evaluation's own cost:             {evaluation:.2f} s over the Arrow baseline "
        f"({full.rows / evaluation:,.0f} rows/s)"
    )
    print(
        f"spark start {figures['spark_start_seconds']:.1f} s; peak RSS of this process "
        f"{figures['peak_rss_mib_this_process']:,.0f} MiB (JVM and workers not included)"
    )
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()

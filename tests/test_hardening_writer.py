"""Issue 26's attacks on the way out: one writer, formula-safe CSV both ways, unique names.

Every file a command writes goes through `gapdiag.model._output.Outputs`: claimed before
anything is written (never over an input of the run, never two outputs on one path),
written beside its target and renamed into place with the run's other outputs, so a
failure or Ctrl-C leaves the previous files whole. Each test repeats one attack.
"""

from __future__ import annotations

import csv
import io
import json
import os
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gapdiag.cli import ExitStatus, main
from gapdiag.coaching.history import read_history_csv
from gapdiag.engines.vector._frames import read_csv
from gapdiag.model._input import note_input, recording_inputs
from gapdiag.model._output import STEM_BYTES, Outputs, csv_text, file_names
from gapdiag.model._text import FORMULA_STARTS, csv_cell, csv_value
from gapdiag.model.errors import OutputError

from .conftest import EXAMPLES
from .test_hardening import one_line, run

OPPS = EXAMPLES / "exports" / "opportunities.csv"
HEADER = "Opportunity Name,Opportunity Owner,Account Name,Stage,Amount,Created Date,Close Date\n"
CALLS = EXAMPLES / "calls"


def export(path: Path, owners: list[str], year: int = 2017) -> Path:
    """A small Salesforce-style export: one deal won in April (of `year`) per owner."""
    rows = [
        f'D{i},"{o}",A,Closed Won,100,04/03/{year},04/20/{year}\n' for i, o in enumerate(owners)
    ]
    path.write_text(HEADER + "".join(rows), encoding="utf-8")
    return path


def files_in(folder: Path) -> set[str]:
    """Every name in a folder, hidden ones too."""
    return set(os.listdir(folder))


# --- never over an input, never two outputs on one path -------------------------------------


@pytest.mark.parametrize(
    "argv",
    [
        ("ingest", "{in}", "--period", "2017-Q2", "--out", "{in}"),
        ("diagnose", "{team}", "--out", "{team}"),
        ("report", "{team}", "--out", "{team}"),
    ],
)
def test_an_output_over_an_input_is_refused(tmp_path: Path, argv: tuple[str, ...]) -> None:
    """`ingest in.csv --out in.csv` (and diagnose, report) is one line; the input stays."""
    given_in = tmp_path / "in.csv"
    given_in.write_bytes(OPPS.read_bytes())
    team = tmp_path / "team.csv"
    team.write_bytes((EXAMPLES / "team.csv").read_bytes())
    before = {p: p.read_bytes() for p in (given_in, team)}
    args = [a.replace("{in}", str(given_in)).replace("{team}", str(team)) for a in argv]
    one_line(*args, says="this run reads")
    assert {p: p.read_bytes() for p in before} == before


def test_calls_output_over_a_transcript_is_refused(tmp_path: Path) -> None:
    """`calls dir --out dir/x.vtt` names the transcript; it is not overwritten."""
    folder = tmp_path / "calls"
    folder.mkdir()
    for file in CALLS.iterdir():
        (folder / file.name).write_bytes(file.read_bytes())
    victim = folder / "2026-07-08_dana_northwind.vtt"
    before = victim.read_bytes()
    one_line(
        "calls", str(folder), "--reps", str(folder / "reps.yaml"), "--period", "2026-Q3",
        "--out", str(victim), says="this run reads",
    )  # fmt: skip
    assert victim.read_bytes() == before


def test_the_default_errors_file_never_replaces_an_input(tmp_path: Path) -> None:
    """OUT.errors.csv that is an input of the run is refused, and --out is not written."""
    acts = tmp_path / "r.errors.csv"
    acts.write_bytes((EXAMPLES / "exports" / "activities.csv").read_bytes())
    bad = tmp_path / "opps.csv"
    bad.write_text(HEADER + "D,Ana,A,Closed Won,zz,01/01/2017,02/01/2017\n")
    out = tmp_path / "r.csv"
    one_line(
        "ingest", str(bad), "--activities", str(acts), "--period", "2017-Q1", "--out", str(out),
        says="r.errors.csv: is a file this run reads",
    )  # fmt: skip
    assert not out.exists()
    assert acts.read_bytes() == (EXAMPLES / "exports" / "activities.csv").read_bytes()


def test_errors_and_out_on_one_path_is_refused(tmp_path: Path) -> None:
    """`--errors o.csv --out o.csv` is one line, before any export is read."""
    out = str(tmp_path / "o.csv")
    one_line(
        "ingest", str(OPPS), "--period", "2017-Q2", "--out", out, "--errors", out,
        says="is also where --out goes",
    )  # fmt: skip
    assert not Path(out).exists()


def test_an_input_reached_through_a_link_is_still_an_input(tmp_path: Path) -> None:
    """A symlink or a hard link to an input is refused as that input."""
    team = tmp_path / "team.csv"
    team.write_bytes((EXAMPLES / "team.csv").read_bytes())
    (tmp_path / "soft.csv").symlink_to(team)
    os.link(team, tmp_path / "hard.csv")
    for name in ("soft.csv", "hard.csv"):
        one_line("diagnose", str(team), "--out", str(tmp_path / name), says="team.csv, a file")
    assert team.read_bytes() == (EXAMPLES / "team.csv").read_bytes()


def test_plan_and_its_calendar_on_one_path_is_refused(tmp_path: Path) -> None:
    """`plan --ics p.ics --out p.ics` is one line."""
    path = str(tmp_path / "p.ics")
    one_line(
        "plan", str(EXAMPLES / "will-rep.json"), "--ics", path, "--out", path,
        says="is also where",
    )  # fmt: skip


# --- whole or not at all ----------------------------------------------------------------------


def test_a_failing_write_keeps_the_previous_output(tmp_path: Path) -> None:
    """A write that fails half-way (a full disk, ulimit -f) leaves the old file whole."""
    out = tmp_path / "out.csv"
    out.write_text("the previous good output\n")

    def half(path: Path) -> None:
        path.write_text("half a ro")
        raise OSError(27, "File too large")

    with pytest.raises(OutputError, match="File too large"), Outputs() as outputs:
        outputs.write_with(out, half, "--out")
    assert out.read_text() == "the previous good output\n"
    assert files_in(tmp_path) == {"out.csv"}


def test_ctrl_c_during_history_dir_leaves_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Ctrl-C half-way through --history-dir: one line, exit 130, no file, no folder."""
    owners = [f"Rep {n}" for n in range(30)]
    opps = export(tmp_path / "opps.csv", owners)
    out = tmp_path / "weeks.csv"
    out.write_text("previous\n")
    real_write = Outputs.write
    calls = {"n": 0}

    def interrupted(self: Outputs, path: object, data: str | bytes, what: str) -> None:
        calls["n"] += 1
        if calls["n"] == 12:
            raise KeyboardInterrupt
        real_write(self, path, data, what)  # type: ignore[arg-type]

    monkeypatch.setattr(Outputs, "write", interrupted)
    argv = ["ingest", str(opps), "--period", "2017-04", "--every", "week", "--out", str(out)]
    code, _, err = run(*argv, "--history-dir", str(tmp_path / "hist"))
    assert code == ExitStatus.INTERRUPTED == 130
    assert err == "gapdiag: interrupted (each output file is written whole or not at all)\n"
    assert not (tmp_path / "hist").exists()
    assert out.read_text() == "previous\n"
    assert files_in(tmp_path) == {"opps.csv", "weeks.csv"}


def test_nothing_is_created_outside_the_named_folder(tmp_path: Path) -> None:
    """--history-dir a/b/c with a/b missing is one line; no folder is made."""
    deep = tmp_path / "a" / "b" / "c"
    one_line(
        "ingest", str(OPPS), "--period", "2017-Q2", "--every", "week",
        "--out", str(tmp_path / "w.csv"), "--history-dir", str(deep), says="no such folder",
    )  # fmt: skip
    assert files_in(tmp_path) == set()


@pytest.mark.parametrize("kind", ["file", "unwritable"])
def test_history_dir_that_cannot_be_a_folder_is_one_line(tmp_path: Path, kind: str) -> None:
    """--history-dir naming a file, or a place that cannot be written, is one line."""
    if kind == "file":
        target = tmp_path / "afile"
        target.write_text("x")
        says = "is a file, expected a folder"
    else:
        if os.geteuid() == 0:
            target, says = Path("/proc/gapdiag-history"), "cannot make it"
        else:  # pragma: no cover - the suite runs as root in CI
            locked = tmp_path / "locked"
            locked.mkdir(mode=0o500)
            target, says = locked / "hist", "cannot make it"
    one_line(
        "ingest", str(OPPS), "--period", "2017-Q2", "--every", "week",
        "--out", str(tmp_path / "w.csv"), "--history-dir", str(target), says=says,
    )  # fmt: skip
    assert not (tmp_path / "w.csv").exists()


def test_errors_into_a_missing_folder_is_one_line(tmp_path: Path) -> None:
    """`--errors /nonexistent/e.csv` is one line, before the export is read."""
    one_line(
        "ingest", str(OPPS), "--period", "2017-Q2", "--out", str(tmp_path / "o.csv"),
        "--errors", "/nonexistent/e.csv", says="no such folder /nonexistent",
    )  # fmt: skip


def test_the_writer_keeps_the_permissions_of_the_file_it_replaces(tmp_path: Path) -> None:
    """A private results file stays private when it is written again."""
    out = tmp_path / "out.csv"
    out.write_text("old")
    out.chmod(0o600)
    with Outputs() as outputs:
        outputs.write(out, "new", "--out")
    assert out.read_text() == "new"
    assert out.stat().st_mode & 0o777 == 0o600


def test_the_writer_refuses_every_input_recorded_in_the_run(tmp_path: Path) -> None:
    """An input recorded by the safe reader is refused by any later claim of the run."""
    source = tmp_path / "in.txt"
    source.write_text("x")
    with recording_inputs():
        note_input(source)
        with pytest.raises(OutputError, match="this run reads"):
            Outputs().claim(source, "--out")


# --- formula-safe cells, undone by gapdiag's readers -------------------------------------------

HOSTILE_IDS = [
    '=HYPERLINK("http://x","y")',
    "@dana",
    "-dana",
    "+1",
    "\tx",
    "\rx",
    "\uff1dSUM(A1)",
    "\uff20x",
    "\uff0bx",
    "\uff0dx",
    "'=already",
    "''@twice",
    "'plain",
]


@pytest.mark.parametrize("rep", HOSTILE_IDS)
def test_calls_csv_neutralizes_rep_ids_and_file_names(tmp_path: Path, rep: str) -> None:
    """`calls --out/--per-call` cells (rep ids, file names) never start like a formula."""
    out, per_call = tmp_path / "c.csv", tmp_path / "p.csv"
    reps = tmp_path / "reps.yaml"
    reps.write_text(f"reps:\n  {json.dumps(rep)}: Dana Reyes\n", encoding="utf-8")
    argv = ["calls", str(CALLS), "--reps", str(reps), "--period", "2026-Q3"]
    code, _, err = run(*argv, "--out", str(out), "--per-call", str(per_call))
    assert code == ExitStatus.FINDINGS, err  # Omar's calls are skipped: no rep of the file
    for path in (out, per_call):
        with path.open(newline="", encoding="utf-8") as handle:
            cells = [c for row in csv.reader(handle) for c in row]
        assert not any(c.startswith(FORMULA_STARTS) for c in cells), path
        assert any(csv_value(c) == rep for c in cells)


def test_ingest_and_calls_write_one_key_for_one_rep(tmp_path: Path) -> None:
    """ingest's '@dana and calls' '@dana are the same cell, so the documented merge joins."""
    opps = export(tmp_path / "opps.csv", ["@dana"], year=2026)
    reps, calls_out = tmp_path / "reps.csv", tmp_path / "calls.csv"
    code, _, err = run("ingest", str(opps), "--period", "2026-04", "--out", str(reps))
    assert code == ExitStatus.OK, err
    with reps.open(newline="") as handle:
        (ingested,) = csv.DictReader(handle)
    code2, _, err2 = run(
        "calls", str(CALLS), "--rep", "@dana=Dana Reyes", "--period", "2026-Q3",
        "--out", str(calls_out),
    )  # fmt: skip
    assert code2 == ExitStatus.FINDINGS, err2  # Omar's calls: no rep speaker
    with calls_out.open(newline="") as handle:
        (row,) = csv.DictReader(handle)
    assert row["rep_id"] == ingested["rep_id"] == "'@dana" == csv_cell("@dana")


def test_errors_file_neutralizes_minus_and_the_file_name(tmp_path: Path) -> None:
    """The ingest errors file: '-5' values and a '=...' file name start with an apostrophe."""
    folder = tmp_path / "=cmd"
    folder.mkdir()
    opps = folder / "opps.csv"
    opps.write_text(HEADER + "D,Ana,A,Closed Won,-5,04/03/2017,04/20/2017\n")
    code, _, _ = run("ingest", str(opps), "--period", "2017-Q2", "--out", str(tmp_path / "r.csv"))
    assert code == ExitStatus.FINDINGS
    with (tmp_path / "r.errors.csv").open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert rows[0]["value"] == "'-5"
    assert not rows[0]["file"].startswith(FORMULA_STARTS)


@given(st.text(max_size=30))
def test_csv_cell_round_trips_through_csv_value(text: str) -> None:
    """csv_value(csv_cell(x)) == x for every text, and csv_cell never starts like a formula."""
    cell = csv_cell(text)
    assert csv_value(cell) == text
    assert not cell.startswith(FORMULA_STARTS)


@given(st.lists(st.text(st.characters(blacklist_categories=("Cs",)), max_size=12), max_size=6))
def test_csv_text_round_trips_through_the_csv_module(cells: list[str]) -> None:
    """What csv_text writes, csv.reader plus csv_value reads back equal (NUL, CR, quotes)."""
    header = [f"c{i}" for i in range(len(cells))]
    text = csv_text(header, [cells])
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert [csv_value(c) for c in rows[1]] == cells if cells else rows[1:] == [[]]


def test_population_reader_undoes_the_apostrophe(tmp_path: Path) -> None:
    """A results or ingest CSV read back by diagnose gives the rep ids as they were."""
    path = tmp_path / "reps.csv"
    path.write_text(csv_text(["rep_id", "team", "activity.calls_per_day"], [["@dana", "=T", "12"]]))
    frame = read_csv(path)
    assert list(frame["rep_id"]) == ["@dana"]
    assert list(frame["team"]) == ["=T"]


# --- history folders -------------------------------------------------------------------------


def test_history_names_are_unique_readable_and_indexed(tmp_path: Path) -> None:
    """Non-ASCII kept, A/B and A_B apart, a 252-character owner bounded, index.csv lists all."""
    owners = ["王伟", "李娜", "Иван Петров", "A/B", "A_B", "x" * 252, "index", "CON", "@dana"]
    opps = export(tmp_path / "opps.csv", owners)
    hist = tmp_path / "hist"
    argv = ["ingest", str(opps), "--period", "2017-04", "--every", "week"]
    code, out, err = run(*argv, "--out", str(tmp_path / "w.csv"), "--history-dir", str(hist))
    assert code == ExitStatus.OK, err
    assert f"{len(owners)} weekly histories" in out
    names = files_in(hist)
    assert {"王伟.csv", "李娜.csv", "Иван_Петров.csv", "index.csv"} <= names
    assert len(names) == len(owners) + 1
    assert all(len(n.encode()) <= STEM_BYTES + 16 for n in names)
    with (hist / "index.csv").open(newline="", encoding="utf-8") as handle:
        index = {csv_value(r["rep_id"]): r["file"] for r in csv.DictReader(handle)}
    assert set(index) == set(owners)
    for rep, file in index.items():
        assert read_history_csv(hist / file).rep_id == rep


@given(st.lists(st.text(min_size=1, max_size=40), max_size=8, unique=True))
def test_file_names_are_unique_bounded_and_stable(keys: list[str]) -> None:
    """Distinct keys get distinct names (ignoring case), each bounded and the same every run."""
    names = file_names(keys, reserved=("index",))
    assert len({n.casefold() for n in names.values()}) == len(keys)
    assert all(n and len(n.encode()) <= STEM_BYTES + 33 for n in names.values())
    assert all(
        "/" not in n and "\0" not in n and not n.startswith((".", "-")) for n in names.values()
    )
    assert all(n.casefold() != "index" for n in names.values())
    assert file_names(list(reversed(keys)), reserved=("index",)) == names


def test_main_keeps_working_with_the_default_errors_name(tmp_path: Path) -> None:
    """The usual run writes both files, renamed into place, no temporary left behind."""
    opps = tmp_path / "opps.csv"
    opps.write_text(HEADER + "D,Ana,A,Closed Won,zz,04/03/2017,04/20/2017\n")
    out = tmp_path / "r.csv"
    assert (
        main(["ingest", str(opps), "--period", "2017-Q2", "--out", str(out)], stdout=io.StringIO())
        == 1
    )
    assert files_in(tmp_path) == {"opps.csv", "r.csv", "r.errors.csv"}


def test_a_file_name_that_is_not_utf8_is_written_escaped(tmp_path: Path) -> None:
    """A transcript named with a byte that is not UTF-8 shows as \\xff in every output."""
    folder = tmp_path / "calls"
    folder.mkdir()
    call = (CALLS / "2026-07-08_dana_northwind.vtt").read_bytes()
    (folder / "2026-07-08_a.vtt").write_bytes(call)
    odd = os.fsdecode(bytes(folder) + b"/2026-07-09_\xff.vtt")
    Path(odd).write_bytes(call)
    per_call = tmp_path / "p.csv"
    argv = ["calls", str(folder), "--rep", "dana=Dana Reyes", "--period", "2026-Q3"]
    code, out, err = run(*argv, "--per-call", str(per_call))
    assert code == ExitStatus.OK, err
    assert "2026-07-09_\\xff.vtt" in per_call.read_text(encoding="utf-8")
    code, out, err = run(*argv, "--format", "json")
    assert code == ExitStatus.OK, err
    assert "2026-07-09_\\\\xff.vtt" in out


@pytest.mark.slow
def test_a_file_size_limit_leaves_the_previous_output_whole(tmp_path: Path) -> None:
    """Under `ulimit -f` the old output stays whole (17 MB of results were cut to 2 MB before)."""
    import resource
    import subprocess
    import sys

    out = tmp_path / "tree.json"
    out.write_text("the previous good output\n" * 100)
    before = out.read_bytes()

    def small_files() -> None:  # pragma: no cover - runs in the child
        resource.setrlimit(resource.RLIMIT_FSIZE, (10_000, 10_000))  # the tree is 70 KB

    done = subprocess.run(
        # -B: under the limit CPython would cache cut-short bytecode (10 KB of a module's
        # .pyc), and every later import of that module would fail with "marshal data too short"
        [sys.executable, "-B", "-m", "gapdiag", "tree", "--format", "json", "--out", str(out)],
        capture_output=True,
        text=True,
        preexec_fn=small_files,
        check=False,
    )
    assert done.returncode == ExitStatus.BAD_INPUT, done.stderr
    assert done.stderr.count("\n") == 1
    assert "cannot write: File too large" in done.stderr
    assert out.read_bytes() == before
    assert files_in(tmp_path) == {"tree.json"}

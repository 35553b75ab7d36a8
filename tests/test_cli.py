"""The command line, run in-process with StringIO."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gapdiag.cli import ExitStatus, main

from .conftest import EXAMPLES


def run(
    *argv: str, stdin: str | None = None, monkeypatch: pytest.MonkeyPatch | None = None
) -> tuple[int, str, str]:
    """Run the CLI; return (exit status, stdout, stderr)."""
    if stdin is not None and monkeypatch is not None:
        monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


def test_diagnose_prints_the_explanation() -> None:
    """`gapdiag diagnose rep.json` prints the readable explanation and exits 0."""
    code, out, err = run("diagnose", str(EXAMPLES / "will-rep.json"))
    assert code == ExitStatus.OK
    assert "Primary gap: will" in out
    assert err == ""


def test_json_output_follows_the_contract() -> None:
    """--json prints the output contract on stdout only."""
    code, out, _ = run("diagnose", str(EXAMPLES / "system-rep.json"), "--json")
    data = json.loads(out)
    assert code == 0
    assert data["primary_gap"] == "system"
    assert {v["gap"] for v in data["verdicts"]} == {"skill", "will", "knowledge", "system"}


def test_markdown_output() -> None:
    """--markdown renders headings."""
    _, out, _ = run("diagnose", str(EXAMPLES / "skill-rep.json"), "--markdown")
    assert out.startswith("# Diagnosis for")


def test_stdin(monkeypatch: pytest.MonkeyPatch) -> None:
    """'-' reads the rep from standard input."""
    code, out, _ = run("diagnose", "-", "--json", stdin='{"rep_id": "x"}', monkeypatch=monkeypatch)
    assert code == 0
    assert json.loads(out)["rep_id"] == "x"


def test_invalid_metrics_exit_2_with_one_clear_line(tmp_path: Path) -> None:
    """Invalid input exits 2 with the problem on stderr and no traceback."""
    bad = tmp_path / "rep.json"
    bad.write_text('{"rep_id": "x", "pipeline": {"win_rate": 25}}')
    code, out, err = run("diagnose", str(bad))
    assert code == ExitStatus.BAD_INPUT
    assert out == ""
    assert "pipeline.win_rate: 25 is not a fraction in [0, 1] (did you mean 0.25?)" in err
    assert "Traceback" not in err


def test_not_json_exit_2(tmp_path: Path) -> None:
    """A file that is not JSON is named with the line of the problem."""
    bad = tmp_path / "rep.json"
    bad.write_text("{oops")
    code, _, err = run("diagnose", str(bad))
    assert code == 2
    assert f"{bad}:1: not valid JSON" in err


@pytest.mark.parametrize(
    ("name", "text", "said"),
    [
        ("rep.json", "", "the file is empty; expected JSON"),
        ("reps.csv", "", "the file is empty; expected a header row naming the columns"),
        ("reps.csv", "\n\n", "the file is empty; expected a header row naming the columns"),
        ("reps.csv", "rep_id,team\n", "holds no reps (a header and no rows, or an empty list)"),
        ("reps.json", "[]", "holds no reps (a header and no rows, or an empty list)"),
    ],
)
def test_empty_files_say_so_once(tmp_path: Path, name: str, text: str, said: str) -> None:
    """An empty file, or a population with no rows, is one line naming the file, exit 2."""
    path = tmp_path / name
    path.write_text(text)
    for command in ("diagnose", "report"):
        code, _, err = run(command, str(path), "--out", str(tmp_path / "out.csv"))
        assert code == 2, (command, err)
        assert err == f"gapdiag: {path}: {said}" + err.split(said, 1)[1], err
        assert len(err.strip().splitlines()) == 1
        assert "cannot read" not in err


def test_missing_file_exit_2() -> None:
    """A file that does not exist is a clear error."""
    code, _, err = run("diagnose", "/no/such/rep.json")
    assert code == 2
    assert "cannot read" in err


def test_bad_rules_folder_exit_2(tmp_path: Path) -> None:
    """A rules folder with no rule files is reported."""
    code, _, err = run("diagnose", str(EXAMPLES / "will-rep.json"), "--rules", str(tmp_path))
    assert code == 2
    assert "no rule files" in err


def test_targets_file(tmp_path: Path) -> None:
    """--targets applies a team's overrides."""
    targets = tmp_path / "targets.json"
    targets.write_text('{"calls_per_day": 10}')
    _, out, _ = run(
        "diagnose", str(EXAMPLES / "will-rep.json"), "--json", "--targets", str(targets)
    )
    fired = {e["rule"] for v in json.loads(out)["verdicts"] for e in v["evidence"]}
    assert "activity-low-calls-normal-leads" not in fired


def test_traceback_flag_reraises(tmp_path: Path) -> None:
    """--traceback lets the error propagate for debugging."""
    from gapdiag import InvalidMetrics

    bad = tmp_path / "rep.json"
    bad.write_text('{"pipeline": {}}')
    with pytest.raises(InvalidMetrics):
        run("--traceback", "diagnose", str(bad))


def test_usage_error_exits_2() -> None:
    """Unknown arguments are a usage error (argparse's exit 2)."""
    code, _, _ = run("diagnose")
    assert code == 2


def test_trace_lists_every_rule() -> None:
    """--trace lists every rule of the pack with its outcome and checks."""
    from gapdiag import load_rules

    code, out, _ = run("diagnose", str(EXAMPLES / "ambiguous-rep.json"), "--trace")
    assert code == 0
    listed = [line.split()[1] for line in out.split("Every rule on this rep:\n")[1].splitlines()]
    assert listed == [r.id for r in load_rules().rules]
    assert "open  activity-low-calls-normal-leads [will +0.60]" in out


def test_trace_in_json() -> None:
    """--json --trace adds a 'trace' list beside the output contract."""
    _, out, _ = run("diagnose", str(EXAMPLES / "will-rep.json"), "--json", "--trace")
    data = json.loads(out)
    assert data["primary_gap"] == "will"
    assert {t["outcome"] for t in data["trace"]} <= {True, False, None}


def test_errors_name_the_file_they_come_from(tmp_path: Path) -> None:
    """A bad rep file and a bad targets file are each named in the error."""
    rep = tmp_path / "rep.json"
    rep.write_text('{"rep_id": "x", "activity": {"calls_per_day": -1}}')
    _, _, err = run("diagnose", str(rep))
    assert f"{rep}: activity.calls_per_day: -1 is not" in err
    targets = tmp_path / "targets.json"
    targets.write_text('{"call_per_day": 10}')
    code, _, err = run("diagnose", str(EXAMPLES / "will-rep.json"), "--targets", str(targets))
    assert code == 2
    assert f"{targets}: call_per_day: unknown field (did you mean 'calls_per_day'?)" in err


def test_population_csv_writes_results_errors_and_a_summary(tmp_path: Path) -> None:
    """A CSV population with --out: results file, errors file, summary table, exit 1 on bad rows."""
    pd = pytest.importorskip("pandas")
    source = tmp_path / "reps.csv"
    source.write_text(
        "rep_id,team,activity.calls_per_day,territory.lead_volume_vs_team,"
        "territory.territory_size_vs_team,pipeline.win_rate,pipeline.quota,pipeline.closed_won,"
        "period_start,period_end,as_of\n"
        "a,east,10,1.0,1.0,0.2,100000,20000,2026-07-01,2026-09-30,2026-09-30\n"
        "b,east,12,1.1,1.0,25,,,,,\n"
        "c,west,,,,,,,,,\n"
    )
    results = tmp_path / "out.parquet"
    code, out, err = run("diagnose", str(source), "--out", str(results))
    assert code == ExitStatus.FINDINGS
    assert err == ""
    table = pd.read_parquet(results)
    assert list(table["rep_id"]) == ["a", "c"]
    assert list(table["primary_gap"].astype(object).where(table["primary_gap"].notna(), None)) == [
        "will",
        None,
    ]
    errors = pd.read_csv(tmp_path / "out.errors.csv")
    assert errors.loc[0, "reason"] == "25 is not a fraction in [0, 1] (did you mean 0.25?)"
    assert "will" in out
    assert "bad rows" in out
    assert "out.errors.csv" in out


def test_population_needs_out(tmp_path: Path) -> None:
    """A population file without --out is refused clearly."""
    pytest.importorskip("pandas")
    source = tmp_path / "reps.csv"
    source.write_text("rep_id\na\n")
    code, _, err = run("diagnose", str(source))
    assert code == ExitStatus.BAD_INPUT
    assert "needs --out" in err


def test_population_json_list_to_json(tmp_path: Path) -> None:
    """A JSON list of reps with --out writes JSON records and exits 0 when all rows are good."""
    pytest.importorskip("pandas")
    source = tmp_path / "reps.json"
    reps = [json.loads((EXAMPLES / f"{n}-rep.json").read_text()) for n in ("skill", "system")]
    source.write_text(json.dumps(reps))
    code, out, _ = run("diagnose", str(source), "--out", str(tmp_path / "out.json"))
    assert code == ExitStatus.OK
    rows = json.loads((tmp_path / "out.json").read_text())
    assert [r["primary_gap"] for r in rows] == ["skill", "system"]
    assert "diagnosed" in out


def test_counterfactuals_are_shown_unless_turned_off() -> None:
    """On by default: changes the rep can make that move the verdict; --no-counterfactuals off."""
    _, out, _ = run("diagnose", str(EXAMPLES / "will-rep.json"))
    # 14 -> above 20 calls a day leaves will suspected: it weakens the gap, it does not clear it
    assert "What would weaken it, not clear it: changes the rep can make" in out
    assert "What would clear it" not in out
    assert "14 → above 20 calls a day;" in out
    assert "(will then suspected" in out
    _, out, _ = run("diagnose", str(EXAMPLES / "will-rep.json"), "--no-counterfactuals", "--json")
    assert json.loads(out)["counterfactuals"] == []


def test_rep_of_a_team_file_matches_names_as_ingest_does(tmp_path: Path) -> None:
    """--rep NAME finds the rep ignoring case and runs of spaces, as ingest joins names."""
    team = tmp_path / "reps.csv"
    team.write_text(
        "rep_id,period_start,period_end,pipeline.quota,pipeline.closed_won\n"
        "Maria Lopez,2024-01-01,2024-03-31,90000,24000\n"
        "James Carter,2024-01-01,2024-03-31,60000,43750\n",
        encoding="utf-8",
    )
    for command in ("diagnose", "plan"):
        code, out, err = run(command, str(team), "--rep", "maria  lopez")
        assert code == ExitStatus.OK, err
        assert "Maria Lopez" in out.splitlines()[0]
    code, _, err = run("diagnose", str(team), "--rep", "Ana")
    assert code == ExitStatus.BAD_INPUT
    assert "gapdiag: --rep: 'Ana' is not a rep of" in err


def test_a_rep_file_and_a_targets_file_swapped_is_said_in_one_line(tmp_path: Path) -> None:
    """The rep's file given as --targets (or --team), or a targets file given as the rep,
    is one line saying which kind of file it is and where it belongs; before, every field
    of the rep was its own 'unknown field' line, each repeating the list of target names."""
    rep = str(EXAMPLES / "will-rep.json")
    targets = str(EXAMPLES / "team-targets.json")
    for argv, says in (
        (("diagnose", rep, "--targets", rep), "a rep's metrics (it has rep_id), not targets"),
        (("diagnose", rep, "--team", rep), "a rep's metrics (it has rep_id), not team values"),
        (("diagnose", targets), "not a rep's metrics; give them with --targets"),
        (("plan", targets), "not a rep's metrics; give them with --targets"),
    ):
        code, out, err = run(*argv)
        assert code == ExitStatus.BAD_INPUT, argv
        assert out == ""
        assert err.count("\n") == 1, err
        assert says in err, err


def test_several_unknown_fields_of_one_mapping_are_one_problem(tmp_path: Path) -> None:
    """Two misspelt groups: one line naming both with their likely names, the expected
    names listed once (not a line each, each repeating the list)."""
    rep = tmp_path / "rep.json"
    rep.write_text('{"rep_id": "x", "activty": {"calls_per_day": 3}, "pipline": {}}')
    code, _, err = run("diagnose", str(rep))
    assert code == ExitStatus.BAD_INPUT
    assert err.splitlines() == [
        f"gapdiag: {rep}: activty, pipline: unknown fields (did you mean 'activity' for activty,"
        " 'pipeline' for pipline?); expected one of: rep_id, team, tenure_months, period_start,"
        " period_end, as_of, proxies, sources, activity, pipeline, calls, ownership, territory,"
        " knowledge"
    ]


def test_one_rep_with_out_says_how_to_write_its_diagnosis(tmp_path: Path) -> None:
    """`diagnose rep.json --out d.json` (one rep) said 'expected a JSON list of reps, got
    dict'; it says --out is for populations and gives the command that writes the file."""
    rep = str(EXAMPLES / "will-rep.json")
    target = tmp_path / "d.json"
    code, out, err = run("diagnose", rep, "--out", str(target))
    assert (code, out) == (ExitStatus.BAD_INPUT, "")
    assert err == (
        f"gapdiag: --out {target}: {rep} holds one rep (a JSON object), and --out writes a"
        " population's results; for this rep's diagnosis in a file, run: gapdiag diagnose"
        f" {rep} --format json > {target}\n"
    )
    assert not target.exists()


def test_one_rep_of_unknown_standing_reads_in_the_singular(tmp_path: Path) -> None:
    """A population of one rep without quota figures: 'where the rep ... stands'."""
    pytest.importorskip("pandas")
    source = tmp_path / "reps.json"
    source.write_text('[{"rep_id": "a"}]')
    code, out, _ = run("diagnose", str(source), "--out", str(tmp_path / "r.json"))
    assert code == ExitStatus.OK
    assert "  to tell where the rep of unknown standing stands, collect: " in out


def test_a_list_of_reps_on_standard_input_says_what_works(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A list on standard input: --rep and --out both refuse stdin, so the one line says to
    save it as a file (it said 'give --rep NAME', which then failed)."""
    for verb, tail in (("diagnose", " (or --out RESULTS for all of them)"), ("plan", "")):
        code, out, err = run(verb, "-", stdin='[{"rep_id": "a"}]', monkeypatch=monkeypatch)
        assert (code, out) == (ExitStatus.BAD_INPUT, "")
        assert err == (
            "gapdiag: <stdin>: a list of reps, and standard input takes one rep; save the list"
            f" as reps.json, then: gapdiag {verb} reps.json --rep NAME{tail}\n"
        )


def test_population_errors_file_gives_the_input_file_line(tmp_path: Path) -> None:
    """The errors file's `row` counts data rows from 0 (the results' `row`, a DataFrame's
    position); a spreadsheet user opening the input wants its line, as ingest's errors file
    gives: `line` counts the header as 1, and a blank line or a cell of two lines as theirs."""
    pd = pytest.importorskip("pandas")
    source = tmp_path / "reps.csv"
    source.write_text(
        'rep_id,team,pipeline.win_rate\na,"east\nside",0.2\n\nb,east,25\nc,west,0.1\nd,west,-1\n'
    )
    code, _, err = run("diagnose", str(source), "--out", str(tmp_path / "out.csv"))
    assert code == ExitStatus.FINDINGS, err
    errors = pd.read_csv(tmp_path / "out.errors.csv")
    assert list(errors.columns) == ["row", "line", "rep_id", "field", "value", "reason"]
    assert errors[["row", "line", "rep_id"]].values.tolist() == [[1, 5, "b"], [3, 7, "d"]]
    source_json = tmp_path / "reps.json"
    source_json.write_text('[{"rep_id": "b", "pipeline": {"win_rate": 25}}]')
    run("diagnose", str(source_json), "--out", str(tmp_path / "j.csv"))
    errors = pd.read_csv(tmp_path / "j.errors.csv")
    assert errors[["row", "rep_id"]].values.tolist() == [[0, "b"]]
    assert errors["line"].isna().all()  # a JSON list has items, not lines


@given(
    st.lists(
        st.tuples(st.booleans(), st.lists(st.text("ab,\n\"'", max_size=5), min_size=2, max_size=2)),
        max_size=8,
    )
)
def test_record_lines_are_where_each_record_starts(rows: list[tuple[bool, list[str]]]) -> None:
    """Over any cells (commas, quotes, line breaks) and blank lines between records, each
    record's line is the one its text starts on, counting the header as line 1."""
    pytest.importorskip("pandas")
    from gapdiag.engines.vector._frames import record_lines

    text, expected = "a,b\n", []
    for blank, cells in rows:
        text += "\n" if blank else ""
        expected.append(text.count("\n") + 1)
        out = io.StringIO(newline="")
        csv.writer(out, lineterminator="\n").writerow(cells)
        text += out.getvalue()
    assert record_lines(text) == expected

"""CLI conventions: --version, one --format everywhere, '-' for standard output, help examples."""

from __future__ import annotations

import argparse
import csv
import importlib.metadata
import io
import json
from collections.abc import Iterator
from pathlib import Path

import pytest

import gapdiag
from gapdiag.cli import _COMMANDS, ExitStatus, _parser
from gapdiag.cli._io import OutputFileError, write_output

from .conftest import EXAMPLES, ROOT
from .test_cli import run

REP = str(EXAMPLES / "will-rep.json")
POPULATION = (
    "rep_id,team,activity.calls_per_day,territory.lead_volume_vs_team,"
    "territory.territory_size_vs_team,pipeline.win_rate\n"
    "a,east,10,1.0,1.0,0.2\n"
    "b,east,12,1.1,1.0,25\n"
    "c,west,40,1.0,1.0,0.3\n"
)


def commands(
    parser: argparse.ArgumentParser, prefix: str = ""
) -> Iterator[tuple[str, argparse.ArgumentParser]]:
    """Every subcommand that runs something (leaves), depth first."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, command in action.choices.items():
                has_children = any(
                    isinstance(a, argparse._SubParsersAction) for a in command._actions
                )
                if not has_children:
                    yield f"{prefix}{name}", command
                yield from commands(command, f"{prefix}{name} ")


LEAVES = dict(commands(_parser()))


def test_version_flag_and_attribute(capsys: pytest.CaptureFixture[str]) -> None:
    """`gapdiag --version` prints the package metadata's version, as gapdiag.__version__."""
    code, _, _ = run("--version")
    assert code == ExitStatus.OK
    assert capsys.readouterr().out == f"gapdiag {gapdiag.__version__}\n"
    assert gapdiag.__version__ == importlib.metadata.version("gapdiag")


def test_version_falls_back_when_not_installed(monkeypatch: pytest.MonkeyPatch) -> None:
    """A checkout that was never installed reports a version that says so, not an error."""

    def missing(name: str) -> str:
        raise importlib.metadata.PackageNotFoundError(name)

    monkeypatch.setattr("gapdiag.model.version.version", missing)
    monkeypatch.delitem(vars(gapdiag), "__version__", raising=False)
    assert gapdiag.__version__ == "0+unknown"
    monkeypatch.delitem(vars(gapdiag), "__version__")


@pytest.mark.parametrize("name", sorted(LEAVES))
def test_every_command_has_a_description_examples_and_format(name: str) -> None:
    """Each subcommand's help explains it, shows runnable examples and offers --format."""
    command = LEAVES[name]
    assert command.description
    assert command.description[0].isupper()
    assert command.epilog is not None
    assert command.epilog.startswith("examples:\n")
    examples = command.epilog.splitlines()[1:]
    assert examples
    assert all(line.startswith(f"  gapdiag {name}") for line in examples)
    formats = [a for a in command._actions if a.option_strings == ["--format"]]
    assert len(formats) == 1
    assert "examples:" in command.format_help()


def test_top_level_help_lists_every_command() -> None:
    """`gapdiag --help` names each command with its one-line summary."""
    text = _parser().format_help()
    for name in ("diagnose", "plan", "tree", "rules", "schema", "ingest"):
        assert f"    {name}" in text
    # and shows a new user where to start: examples of real commands, each explained
    examples = text.split("\nexamples:\n", 1)[1].split("\n\n", 1)[0].splitlines()
    commands = [line.split()[1] for line in examples if line.startswith("  gapdiag ")]
    assert len(commands) >= 3
    assert set(commands) <= set(_COMMANDS)
    assert len(examples) == 2 * len(commands)  # a line in words under each command


@pytest.mark.parametrize("name", _COMMANDS)
def test_a_chosen_command_parses_as_in_the_full_parser(name: str) -> None:
    """The parser built for one chosen command gives that command the same options and help."""
    full = dict(commands(_parser()))
    chosen = dict(commands(_parser(name)))
    assert chosen
    for path, command in chosen.items():
        assert path.split()[0] == name
        assert command.format_help() == full[path].format_help()


@pytest.mark.parametrize(
    ("argv", "check"),
    [
        (["diagnose", REP, "--format", "text"], "Primary gap: will"),
        (["diagnose", REP, "--format", "markdown"], "# Diagnosis for"),
        (["diagnose", REP, "--format", "json"], '"primary_gap": "will"'),
        (["plan", REP, "--start", "2026-07-06", "--format", "text"], "Coaching plan for"),
        (["plan", REP, "--start", "2026-07-06", "--format", "markdown"], "# Coaching plan"),
        (["plan", REP, "--start", "2026-07-06", "--format", "json"], '"rep_id": "rep-will-01"'),
        (["tree", "--format", "text"], "?"),
        (["tree", "--format", "mermaid"], "flowchart"),
        (["tree", "--format", "dot"], "digraph"),
        (["tree", "--format", "markdown"], "```mermaid\nflowchart"),
        (["tree", "--format", "json", "--highlight", REP], '"highlight"'),
        (["tree", "--format", "json"], '"root"'),
        (["rules", "check", "--format", "text"], "0 errors, "),
        (["rules", "check", "--format", "json"], '"findings"'),
        (["rules", "test", "--format", "text"], "passed"),
        (["rules", "test", "--format", "json"], '"passed"'),
        (["schema", "metrics", "--format", "json"], '"$schema"'),
    ],
)
def test_format_on_every_command(argv: list[str], check: str) -> None:
    """--format picks the output form; JSON output parses."""
    code, out, err = run(*argv)
    assert (code, err) == (ExitStatus.OK, "")
    assert check in out
    if "json" in argv:
        json.loads(out)


def test_format_on_rules_diff() -> None:
    """rules diff prints text, the Markdown report, or JSON."""
    pack = str(ROOT / "rules")
    texts = {f: run("rules", "diff", pack, pack, "--format", f) for f in ("text", "markdown")}
    assert all(code == ExitStatus.OK for code, _, _ in texts.values())
    assert texts["markdown"][1].startswith("#")
    code, out, _ = run("rules", "diff", pack, pack, "--format", "json")
    assert code == ExitStatus.OK
    assert json.loads(out)["changed"] is False


def test_format_on_ingest(tmp_path: Path) -> None:
    """ingest writes CSV or JSON records with the same reps and columns."""
    from .crm_exports import hubspot_deals

    deals = str(hubspot_deals(tmp_path / "deals.csv"))
    base = ["ingest", deals, "--map", "hubspot", "--period", "2017-Q2"]
    code, out, err = run(*base, "--out", "-", "--format", "csv")
    assert code == ExitStatus.OK
    rows = list(csv.DictReader(io.StringIO(out)))
    assert "5 reps for 2017-Q2 -> -" in err
    code, out, _ = run(*base, "--out", "-", "--format", "json")
    records = json.loads(out)
    assert [r["rep_id"] for r in records] == [r["rep_id"] for r in rows]
    assert records[0]["period_end"] == rows[0]["period_end"] == "2017-06-30"


def test_population_to_standard_output(tmp_path: Path) -> None:
    """diagnose --out - writes the results (CSV or JSON) on stdout and the summary on stderr."""
    pytest.importorskip("pandas")
    source = tmp_path / "reps.csv"
    source.write_text(POPULATION)
    code, out, err = run("diagnose", str(source), "--out", "-")
    assert code == ExitStatus.FINDINGS
    assert [r["rep_id"] for r in csv.DictReader(io.StringIO(out))] == ["a", "c"]
    assert "bad rows" in err
    assert (tmp_path / "reps.errors.csv").exists()
    code, out, err = run("diagnose", str(source), "--out", "-", "--format", "json")
    assert [r["rep_id"] for r in json.loads(out)] == ["a", "c"]


def test_population_summary_as_json(tmp_path: Path) -> None:
    """With a results file, --format json prints the run's summary as JSON."""
    pytest.importorskip("pandas")
    source = tmp_path / "reps.csv"
    source.write_text(POPULATION)
    code, out, _ = run(
        "diagnose", str(source), "--out", str(tmp_path / "r.csv"), "--format", "json"
    )
    summary = json.loads(out)
    assert code == ExitStatus.FINDINGS
    assert (summary["rows"], summary["diagnosed"], summary["bad_rows"]) == (3, 2, 1)
    assert summary["errors"].endswith("r.errors.csv")


def test_out_dash_and_files_for_plan(tmp_path: Path) -> None:
    """plan --out writes the plan to a file or '-'; --ics - puts the calendar on stdout."""
    target = tmp_path / "plan.md"
    code, out, _ = run(
        "plan", REP, "--start", "2026-07-06", "--format", "markdown", "--out", str(target)
    )
    assert (code, out) == (ExitStatus.OK, "")
    assert target.read_text().startswith("# Coaching plan")
    code, out, _ = run("plan", REP, "--start", "2026-07-06", "--out", "-")
    assert out.startswith("Coaching plan")
    code, out, _ = run("plan", REP, "--start", "2026-07-06", "--out", str(target), "--ics", "-")
    assert out.startswith("BEGIN:VCALENDAR")
    code, _, err = run("plan", REP, "--start", "2026-07-06", "--ics", "-")
    assert code == ExitStatus.BAD_INPUT
    assert err == "gapdiag: --ics -: standard output already holds the plan; give --out FILE\n"


@pytest.mark.parametrize(
    "argv",
    [
        ["tree", "--format", "dot"],
        ["schema", "targets"],
        ["rules", "diff", str(ROOT / "rules"), str(ROOT / "rules"), "--report"],
    ],
)
def test_out_dash_is_standard_output(argv: list[str], tmp_path: Path) -> None:
    """Every --out-like option takes '-' for stdout and a path for a file, same content."""
    flag = [] if argv[-1] == "--report" else ["--out"]
    code, out, _ = run(*argv, *flag, "-")
    assert code == ExitStatus.OK
    target = tmp_path / "out.txt"
    code, rest, _ = run(*argv, *flag, str(target))
    assert code == ExitStatus.OK
    assert out == target.read_text() + rest  # the written file first, then what is printed


def test_unwritable_out_is_one_line(tmp_path: Path) -> None:
    """An --out in a missing folder exits 2 with one line naming the path."""
    target = tmp_path / "missing" / "tree.txt"
    code, out, err = run("tree", "--out", str(target))
    assert (code, out) == (ExitStatus.BAD_INPUT, "")
    assert err == f"gapdiag: --out {target}: cannot write: no such folder {target.parent}\n"
    with pytest.raises(OutputFileError):
        write_output(target, b"x", io.StringIO())


def test_bytes_to_standard_output_are_text() -> None:
    """write_output decodes bytes for a text stream."""
    stream = io.StringIO()
    write_output("-", "é".encode(), stream)
    assert stream.getvalue() == "é"


def test_shell_completion_script(capsys: pytest.CaptureFixture[str]) -> None:
    """--print-completion bash prints a completion script that knows the subcommands."""
    pytest.importorskip("shtab")
    code, _, _ = run("--print-completion", "bash")
    script = capsys.readouterr().out
    assert code == ExitStatus.OK
    assert "diagnose" in script
    assert "--format" in script


def test_completion_without_shtab_says_what_to_install(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """`pip install .` has no shtab: --print-completion bash names the extra, in one line
    (it was argparse's "invalid choice: 'bash' (choose from 'diagnose', ...)")."""
    monkeypatch.setitem(__import__("sys").modules, "shtab", None)
    code, _, _ = run("--print-completion", "bash")
    assert code == ExitStatus.BAD_INPUT
    assert capsys.readouterr().err.splitlines() == [
        "gapdiag: --print-completion needs shtab: pip install 'gapdiag[completion]'"
    ]


@pytest.mark.parametrize(
    ("argv", "usage", "problem"),
    [
        (
            ["diagnose", REP, "--fromat", "json"],
            "usage: gapdiag diagnose ",
            "gapdiag diagnose: error: unrecognized arguments: --fromat json"
            " (did you mean '--format'?)",
        ),
        (
            ["rules", "check", "--strcit"],
            "usage: gapdiag rules check ",
            "gapdiag rules check: error: unrecognized argument: --strcit"
            " (did you mean '--strict'?)",
        ),
        (
            ["tree", "--format=mermiad"],
            "usage: gapdiag tree ",
            "gapdiag tree: error: argument --format: invalid choice: 'mermiad'",
        ),
        (["diagnoze", REP], "usage: gapdiag ", "(did you mean 'diagnose'?)"),
        (["rules", "chek"], "usage: gapdiag rules ", "(did you mean 'check'?)"),
    ],
)
def test_a_mistyped_option_or_command_gets_its_commands_usage_and_the_closest_name(
    capsys: pytest.CaptureFixture[str], argv: list[str], usage: str, problem: str
) -> None:
    """A typo in a flag is reported by the command it was given to (its usage, not
    gapdiag's), naming the closest option the command has; a mistyped command likewise."""
    code, out, _ = run(*argv)
    err = capsys.readouterr().err
    assert code == ExitStatus.BAD_INPUT
    assert out == ""
    assert err.startswith(usage)
    assert problem in err.splitlines()[-1]
    assert "Traceback" not in err


@pytest.mark.parametrize(
    ("argv", "name", "starts"),
    [
        (["plan", REP, "--start", "2026-07-06"], "plan.html", "<"),
        (["plan", REP, "--start", "2026-07-06"], "plan.md", "# Coaching plan"),
        (["plan", REP, "--start", "2026-07-06"], "plan.json", "{"),
        (["plan", REP, "--start", "2026-07-06"], "plan.txt", "Coaching plan"),
        (["plan", REP, "--start", "2026-07-06"], "plan", "Coaching plan"),
        (["tree"], "tree.dot", "digraph"),
        (["tree"], "tree.mmd", "flowchart"),
        (["tree"], "tree.json", "{"),
        (["schema", "targets"], "targets.txt", "{"),
    ],
)
def test_out_file_name_sets_the_format_when_none_is_given(
    tmp_path: Path, argv: list[str], name: str, starts: str
) -> None:
    """`plan --out plan.html` writes HTML (it wrote the text plan into plan.html), `tree
    --out tree.dot` DOT; a name no format claims gets the default."""
    target = tmp_path / name
    code, out, _ = run(*argv, "--out", str(target))
    assert (code, out) == (ExitStatus.OK, "")
    assert target.read_text().lstrip().startswith(starts)


def test_out_file_name_never_overrides_an_explicit_format(tmp_path: Path) -> None:
    """--format says what to write, whatever the file is called."""
    target = tmp_path / "plan.html"
    code, _, _ = run("plan", REP, "--start", "2026-07-06", "--format", "text", "--out", str(target))
    assert code == ExitStatus.OK
    assert target.read_text().startswith("Coaching plan")


@pytest.mark.parametrize(
    ("argv", "name", "says"),
    [
        (
            ["report", str(EXAMPLES / "team.csv")],
            "team.pdf",
            "writes html, not .pdf files; name it .html",
        ),
        (["plan", REP], "plan.docx", "not .docx files; name it .txt or .md or .html or .json"),
        (["tree"], "tree.svg", "not .svg files; name it .txt or .mmd or .dot or .md or .json"),
    ],
)
def test_out_named_as_a_document_no_command_writes_is_refused(
    tmp_path: Path, argv: list[str], name: str, says: str
) -> None:
    """`report --out team.pdf` wrote an HTML page named .pdf that no PDF reader opens: one
    line naming the formats the command writes, before any work, and no file."""
    target = tmp_path / name
    code, out, err = run(*argv, "--out", str(target))
    assert (code, out) == (ExitStatus.BAD_INPUT, "")
    assert err == f"gapdiag: --out {target}: this command writes " + err.split("writes ", 1)[1]
    assert says in err
    assert err.count("\n") == 1
    assert not target.exists()


@pytest.mark.parametrize(
    ("name", "says"),
    [
        ("reps.txt", "not .txt files; name it .csv or .json or .parquet"),
        ("reps.xlsx", "not .xlsx files; name it .csv or .json or .parquet"),
        ("reps.tsv", "not .tsv files; name it .csv or .json or .parquet"),
    ],
)
def test_ingest_out_named_for_a_form_it_does_not_write_is_refused(
    tmp_path: Path, name: str, says: str
) -> None:
    """`ingest --out reps.txt` (or .xlsx, which Excel then refuses to open) quietly wrote
    CSV: one line before any work, as `report --out team.pdf` is, and no file. With
    --format given the user has said what they want, and gets it."""
    from .crm_exports import hubspot_deals

    deals = str(hubspot_deals(tmp_path / "deals.csv"))
    target = tmp_path / name
    base = ["ingest", deals, "--map", "hubspot", "--period", "2017-Q2", "--out", str(target)]
    code, out, err = run(*base)
    assert (code, out) == (ExitStatus.BAD_INPUT, "")
    assert err == f"gapdiag: --out {target}: this command writes csv, json, parquet, {says}\n"
    assert not target.exists()
    code, _, _ = run(*base, "--format", "csv")
    assert code == ExitStatus.OK
    assert target.read_text().startswith("rep_id,")


@pytest.mark.parametrize("option", ["diagnose --out", "ingest --diagnose"])
def test_results_named_for_a_form_never_written_is_refused_before_any_work(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, option: str
) -> None:
    """`diagnose team.csv --out results.xlsx` diagnosed every rep, then said `results.xlsx:
    expected a .csv, .parquet, .json file to write`, without the option: one line naming
    it, before a rep is read."""
    pytest.importorskip("pandas")
    from gapdiag.engines.vector import batch

    def never(*_: object, **__: object) -> None:
        raise AssertionError("diagnosed before the results' name was checked")

    monkeypatch.setattr(batch, "diagnose_many", never)
    target = tmp_path / "results.xlsx"
    if option == "diagnose --out":
        argv = ["diagnose", str(EXAMPLES / "team.csv"), "--out", str(target)]
    else:
        from .crm_exports import hubspot_deals

        deals = str(hubspot_deals(tmp_path / "deals.csv"))
        argv = ["ingest", deals, "--map", "hubspot", "--period", "2017-Q2"]
        argv += ["--out", str(tmp_path / "reps.csv"), "--diagnose", str(target)]
    code, out, err = run(*argv)
    assert (code, out) == (ExitStatus.BAD_INPUT, "")
    flag = option.split()[1]
    assert err == (
        f"gapdiag: {flag} {target}: results are written as .csv, .parquet or .json, "
        "not .xlsx; name it results.csv (a spreadsheet opens it)\n"
    )
    assert not target.exists()


@pytest.mark.parametrize(
    ("flag", "value", "says"),
    [
        ("--period", "2017-13", "'2017-13' is not a period (expected 2017-Q2, 2017-W14"),
        ("--map", "hubspt", "'hubspt' is neither a preset (salesforce, hubspot"),
    ],
)
def test_ingest_bad_period_or_map_names_the_option(
    tmp_path: Path, flag: str, value: str, says: str
) -> None:
    """`--period 2017-13` said `period: '2017-13' is not a period`, and `--map hubspt`
    `mapping: ...`, the Python keywords: the command line names its own option and value."""
    from .crm_exports import hubspot_deals

    deals = str(hubspot_deals(tmp_path / "deals.csv"))
    argv = {"--period": "2017-Q2", "--map": "hubspot", flag: value}
    code, out, err = run("ingest", deals, *[x for kv in argv.items() for x in kv], "--out", "-")
    assert (code, out) == (ExitStatus.BAD_INPUT, "")
    assert err.startswith(f"gapdiag: {flag} {value}: {says}"), err
    assert err.count("\n") == 1


@pytest.mark.parametrize(
    ("argv", "typed", "meant"),
    [
        (["diagnose", REP], "md", "markdown"),
        (["plan", REP], "txt", "text"),
        (["tree"], "gv", "dot"),
    ],
)
def test_format_given_as_a_file_suffix_suggests_its_format(
    capsys: pytest.CaptureFixture[str], argv: list[str], typed: str, meant: str
) -> None:
    """`--format md` had no hint ('md' is too far from 'markdown' to spell-check): the
    format a file of that suffix holds is the one meant."""
    code, _, _ = run(*argv, "--format", typed)
    assert code == ExitStatus.BAD_INPUT
    assert f"invalid choice: '{typed}'" in (err := capsys.readouterr().err)
    assert err.endswith(f"(did you mean '{meant}'?)\n")

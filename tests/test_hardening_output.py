"""Issue 19's attacks on outputs: CSV formulas, raw HTML in Markdown, ANSI escapes, plot labels."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import matplotlib
import pytest
from hypothesis import given
from hypothesis import strategies as st

from gapdiag import diagnose, plan
from gapdiag.cli import main
from gapdiag.model import _text
from gapdiag.notebook.plots import plot_team_heatmap

from .conftest import EXAMPLES, example
from .crm_exports import salesforce_opportunities

matplotlib.use("Agg")

FORMULA = '=HYPERLINK("http://evil","x")'
HTML = "<img src=x onerror=alert(1)>"
ANSI = "\x1b[2J\x1b[31mred\x1b]0;title\x07"


def run(*argv: str) -> tuple[int, str, str]:
    """Run the CLI in-process; return (exit status, stdout, stderr)."""
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


def cells(path: Path) -> list[str]:
    """Every cell of a CSV file, header included."""
    with path.open(newline="", encoding="utf-8") as handle:
        return [cell for row in csv.reader(handle) for cell in row]


def formula_like(cell: str) -> bool:
    """Whether a spreadsheet would read the cell as a formula."""
    return cell.startswith(_text.FORMULA_STARTS)


# --- CSV formula injection ---------------------------------------------------------------


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t"])
def test_results_csv_neutralizes_formula_cells(tmp_path: Path, start: str) -> None:
    """A rep id starting with = + - @ tab or CR is written with a leading apostrophe."""
    population = tmp_path / "reps.csv"
    rep_id = start + "cmd|' /C calc'!A0"
    with population.open("w", newline="") as handle:
        csv.writer(handle).writerows([["rep_id", "team"], [rep_id, "@team"], ["ok", "a"]])
    results = tmp_path / "out.csv"
    code, _, err = run("diagnose", str(population), "--out", str(results))
    assert (code, err) == (0, "")
    written = cells(results)
    assert not any(formula_like(c) for c in written)
    assert "'" + rep_id in written
    assert "'@team" in written


def test_errors_csv_neutralizes_formula_cells(tmp_path: Path) -> None:
    """The bad-rows file does not carry a formula from a rep id or a bad value."""
    population = tmp_path / "reps.csv"
    with population.open("w", newline="") as handle:
        csv.writer(handle).writerows(
            [["rep_id", "activity.calls_per_day"], [FORMULA, "=1+1"], ["ok", "3"]]
        )
    results, errors = tmp_path / "out.csv", tmp_path / "bad.csv"
    code, _, _ = run("diagnose", str(population), "--out", str(results), "--errors", str(errors))
    assert code == 1
    written = cells(errors)
    assert not any(formula_like(c) for c in written)
    assert "'" + FORMULA in written


def test_ingest_csv_neutralizes_formula_cells(tmp_path: Path) -> None:
    """An owner name in a CRM export starting with '@' or '=' is neutralized in the reps CSV."""
    export = salesforce_opportunities(tmp_path / "opps.csv", count=60)
    export.write_text(export.read_text().replace("Ana Ruiz", "@SUM(1+1)"))
    out = tmp_path / "reps.csv"
    code, _, err = run("ingest", str(export), "--period", "2017", "--out", str(out))
    assert (code, err) == (0, "")
    written = cells(out)
    assert "'@SUM(1+1)" in written
    assert not any(formula_like(c) for c in written)


def test_csv_formula_neutralization_can_be_switched_off(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """GAPDIAG_CSV_FORMULAS=keep writes cells verbatim (the documented opt-out)."""
    monkeypatch.setenv(_text.CSV_OPT_OUT, "keep")
    population = tmp_path / "reps.csv"
    population.write_text("rep_id\n@x\n")
    results = tmp_path / "out.csv"
    assert run("diagnose", str(population), "--out", str(results))[0] == 0
    assert "@x" in cells(results)


@given(st.text())
def test_csv_cell_never_leaves_a_formula_start(text: str) -> None:
    """No text comes out of csv_cell starting like a formula; safe text is unchanged.

    Apostrophes before a formula sign get one more, so the cell reads back as written.
    """
    safe = _text.csv_cell(text)
    assert not formula_like(safe)
    assert _text.csv_value(safe) == text
    if not text.lstrip("'").startswith(_text.FORMULA_STARTS):
        assert safe == text
    else:
        assert safe == "'" + text


# --- Markdown -------------------------------------------------------------------------------


def hostile_rep() -> dict[str, object]:
    """The will example with an HTML rep id."""
    return {**example("will-rep"), "rep_id": HTML}


def hostile_pack(tmp_path: Path) -> Path:
    """A pack whose name and because-text carry HTML."""
    folder = tmp_path / "pack"
    folder.mkdir()
    (folder / "pack.yaml").write_text(f'name: "{HTML}"\nversion: "1<b>"\n')
    (folder / "a.rules.yaml").write_text(
        "- id: low-calls\n  gap: will\n  certainty: 0.9\n"
        "  when: activity.calls_per_day < 30\n"
        '  because: "<script>alert(1)</script> only {activity.calls_per_day} calls"\n'
        "  examples:\n    - given: {activity: {calls_per_day: 1}}\n      fires: true\n"
    )
    return folder


def test_markdown_output_carries_no_raw_html(tmp_path: Path) -> None:
    """`diagnose --markdown` escapes HTML in the rep id, pack name and because-text."""
    rep = tmp_path / "rep.json"
    rep.write_text(json.dumps(hostile_rep()))
    code, out, _ = run("diagnose", str(rep), "--markdown", "--rules", str(hostile_pack(tmp_path)))
    assert code == 0
    assert "<img" not in out
    assert "<script" not in out
    assert "<b>" not in out
    assert "&lt;img src=x onerror=alert(1)&gt;" in out
    assert "&lt;script&gt;" in out


def test_repr_markdown_carries_no_raw_html(tmp_path: Path) -> None:
    """A Diagnosis's _repr_markdown_ (notebooks) escapes HTML too."""
    result = diagnose(hostile_rep(), rules=hostile_pack(tmp_path))
    shown = result._repr_markdown_()
    assert "<script" not in shown
    assert "<img" not in shown
    assert "&lt;script&gt;" in shown


def test_plan_markdown_carries_no_raw_html() -> None:
    """The coaching plan's Markdown escapes an HTML rep id."""
    import datetime as dt

    shown = plan(hostile_rep(), start=dt.date(2026, 10, 5)).render(fmt="markdown")
    assert "<img" not in shown
    assert "&lt;img" in shown


def test_markdown_escapes_table_pipes_and_emphasis() -> None:
    """Pipes, stars, underscores and backticks in user text are escaped."""
    assert _text.markdown("a|b*c_d`e") == "a\\|b\\*c\\_d\\`e"


@given(st.text())
def test_markdown_never_leaves_raw_html(text: str) -> None:
    """Escaped Markdown text never holds '<' or '>' and no control characters."""
    shown = _text.markdown(text)
    assert "<" not in shown
    assert ">" not in shown
    assert _text.terminal(shown) == shown


# --- terminals and plots -----------------------------------------------------------------------


def test_ansi_escape_in_rep_id_does_not_reach_the_terminal(tmp_path: Path) -> None:
    """An ANSI escape sequence in a rep id is stripped from the text output."""
    rep = tmp_path / "rep.json"
    rep.write_text(json.dumps({**example("will-rep"), "rep_id": "rep" + ANSI}))
    code, out, _ = run("diagnose", str(rep))
    assert code == 0
    assert "\x1b" not in out
    assert "\x07" not in out
    assert "Diagnosis for repred" in out


def test_ansi_escape_in_an_error_does_not_reach_the_terminal(tmp_path: Path) -> None:
    """An escape sequence in a bad value is stripped from the error line too."""
    rep = tmp_path / "rep.json"
    rep.write_text(json.dumps({"rep_id": "r", "activity": {"calls_per_day": ANSI}}))
    code, _, err = run("diagnose", str(rep))
    assert code == 2
    assert "\x1b" not in err
    assert err.count("\n") == 1


def test_json_output_keeps_control_characters_escaped(tmp_path: Path) -> None:
    """--json still round-trips the rep id exactly (JSON escapes control characters itself)."""
    rep = tmp_path / "rep.json"
    rep_id = "rep" + ANSI
    rep.write_text(json.dumps({**example("will-rep"), "rep_id": rep_id}))
    code, out, _ = run("diagnose", str(rep), "--json")
    assert code == 0
    assert json.loads(out)["rep_id"] == rep_id


@given(st.text())
def test_terminal_text_has_no_control_characters(text: str) -> None:
    """terminal() leaves no ESC, BEL, CR or other C0/C1 control character (but newline, tab)."""
    shown = _text.terminal(text)
    assert not any((ord(c) < 32 and c not in "\n\t") or 0x7F <= ord(c) <= 0x9F for c in shown)


def test_plot_team_heatmap_with_dollar_in_rep_id() -> None:
    """A '$' in a rep id is drawn as text, not parsed as matplotlib math (which crashed)."""
    reps = [{**example("will-rep"), "rep_id": rid} for rid in ("$x^{", "a$b$c", "$$", "ok")]
    figure = plot_team_heatmap([diagnose(r) for r in reps])
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    labels = [t.get_text() for t in figure.axes[0].get_yticklabels()]
    assert labels[0] == r"\$x^{"
    assert buffer.getvalue().startswith(b"\x89PNG")


def test_examples_still_render_the_same() -> None:
    """Ordinary text passes every helper unchanged (no needless escaping)."""
    text = (EXAMPLES / "README.md").read_text().splitlines()[0]
    assert _text.terminal(text) == text
    assert _text.plot_label("rep-7") == "rep-7"
    assert _text.csv_cell(12.5) == 12.5

"""Issue 19's attacks on inputs: each ends in one clear line (exit 2), never a hang or a traceback.

Every test is named for the attack it repeats. Hangs are caught by running the attack in a
thread with a time budget, so a regression fails the test instead of stalling the suite.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import shutil
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from gapdiag import diagnose_many, load_rules
from gapdiag.checks.verify import check_pack
from gapdiag.cli import ExitStatus, main
from gapdiag.model.errors import ExpressionError, GapdiagError, InvalidMetrics, RuleFileError
from gapdiag.model.limits import Limits, limits
from gapdiag.model.metrics import parse_metrics, parse_targets
from gapdiag.rulebook import expr
from gapdiag.rulebook.interventions import load_interventions
from gapdiag.rulebook.pack import Rulebook

from .conftest import EXAMPLES, ROOT
from .crm_exports import salesforce_opportunities

REP = EXAMPLES / "will-rep.json"
RULE = """- id: low-calls
  gap: will
  certainty: 0.5
  when: {when}
  because: "few calls"
  examples:
    - given: {{activity: {{calls_per_day: 1}}}}
      fires: true
"""


def run(*argv: str) -> tuple[int, str, str]:
    """Run the CLI in-process; return (exit status, stdout, stderr)."""
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


def one_line(*argv: str, says: str) -> str:
    """Run the CLI and require exit 2 with exactly one line on stderr containing `says`."""
    code, _, err = run(*argv)
    assert code == ExitStatus.BAD_INPUT, err
    assert err.count("\n") == 1, err
    assert err.startswith("gapdiag: "), err
    assert says in err, err
    return err


def within(seconds: float, action: Callable[[], Any]) -> Any:
    """Run `action` in a thread; fail if it takes longer than `seconds` (a hang)."""
    box: dict[str, Any] = {}

    def target() -> None:
        try:
            box["result"] = action()
        except BaseException as error:
            box["error"] = error

    worker = threading.Thread(target=target, daemon=True)
    worker.start()
    worker.join(seconds)
    assert not worker.is_alive(), f"still running after {seconds} s"
    if "error" in box:
        raise box["error"]
    return box.get("result")


def pack_with(tmp_path: Path, rules: str = RULE.format(when="activity.calls_per_day < 5")) -> Path:
    """A one-file pack folder."""
    folder = tmp_path / "pack"
    folder.mkdir(exist_ok=True)
    (folder / "a.rules.yaml").write_text(rules)
    return folder


def bomb(levels: int = 10) -> str:
    """A ~1 KB 'billion laughs' YAML document: level n lists level n-1 nine times."""
    lines = ['x0: &x0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    lines += [f"x{n}: &x{n} [" + ", ".join([f"*x{n - 1}"] * 9) + "]" for n in range(1, levels)]
    return "\n".join(lines) + "\n"


# --- YAML bombs, depth, FIFOs and devices -------------------------------------------------


def test_yaml_alias_bomb_in_rule_file_is_refused_quickly(tmp_path: Path) -> None:
    """A 1 KB alias bomb in a rule file is refused in well under a second, never expanded."""
    folder = pack_with(tmp_path, bomb())
    started = time.monotonic()
    with pytest.raises(RuleFileError) as caught:
        within(10, lambda: load_rules(folder))
    assert time.monotonic() - started < 5
    assert "yaml_nodes" in str(caught.value)
    assert len(str(caught.value)) < 400  # the expansion is never printed
    assert "lol" not in str(caught.value)


def test_yaml_alias_bomb_in_tree_file_is_refused_quickly(tmp_path: Path) -> None:
    """An alias bomb in the decision tree file is refused quickly, naming the limit."""
    folder = pack_with(tmp_path)
    (folder / "a.tree.yaml").write_text("root: x\n" + bomb())
    with pytest.raises(RuleFileError, match="yaml_nodes") as caught:
        within(10, lambda: load_rules(folder))
    assert "a.tree.yaml" in str(caught.value)


def test_yaml_alias_bomb_in_interventions_file_is_refused_quickly(tmp_path: Path) -> None:
    """An alias bomb in interventions.yaml is refused quickly, naming the limit."""
    file = tmp_path / "interventions.yaml"
    file.write_text(bomb())
    with pytest.raises(RuleFileError, match="yaml_nodes"):
        within(10, lambda: load_interventions(file))


def test_yaml_alias_bomb_in_rules_check_is_one_finding(tmp_path: Path) -> None:
    """`gapdiag rules check` on a bomb prints a short load error and exits 2, quickly."""
    folder = pack_with(tmp_path, bomb())
    code, out, _ = within(10, lambda: run("rules", "check", str(folder)))
    assert code == ExitStatus.FINDINGS
    assert "yaml_nodes" in out
    assert len(out) < 1000


def test_yaml_with_many_aliases_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """More aliases than the alias limit is one load error naming `yaml_aliases`."""
    monkeypatch.setenv("GAPDIAG_LIMIT_YAML_ALIASES", "5")
    folder = pack_with(tmp_path, "a: &a 1\nb: [" + ", ".join(["*a"] * 6) + "]\n")
    with pytest.raises(RuleFileError, match="yaml_aliases"):
        load_rules(folder)


def test_yaml_nested_deeper_than_the_limit_is_refused(tmp_path: Path) -> None:
    """A rule file nested 200 deep is one load error naming `yaml_depth`."""
    folder = pack_with(tmp_path, "- " * 200 + "1\n")
    with pytest.raises(RuleFileError, match="yaml_depth"):
        load_rules(folder)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_rule_file_that_is_a_fifo_is_refused_without_hanging(tmp_path: Path) -> None:
    """A rule file that is a FIFO is refused at once instead of waiting for a writer."""
    folder = pack_with(tmp_path)
    fifo = folder / "b.rules.yaml"
    os.mkfifo(fifo)
    try:
        with pytest.raises(RuleFileError, match="not a regular file"):
            within(5, lambda: load_rules(folder))
    finally:  # unblock a reader stuck in open() (only on a regression)
        with contextlib.suppress(OSError):
            os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_rep_file_that_is_a_fifo_is_refused_without_hanging(tmp_path: Path) -> None:
    """`gapdiag diagnose FIFO` exits 2 with one line instead of hanging."""
    fifo = tmp_path / "rep.json"
    os.mkfifo(fifo)
    try:
        within(5, lambda: one_line("diagnose", str(fifo), says="not a regular file"))
    finally:
        with contextlib.suppress(OSError):
            os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="needs /dev/zero")
def test_rule_file_symlinked_to_dev_zero_is_refused(tmp_path: Path) -> None:
    """A rule file linked to /dev/zero is refused, not read until memory runs out."""
    folder = pack_with(tmp_path)
    (folder / "b.rules.yaml").symlink_to("/dev/zero")
    with pytest.raises(RuleFileError, match="not a regular file"):
        within(5, lambda: load_rules(folder))


def test_rule_file_larger_than_the_limit_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A rule file over `file_bytes` is refused before it is parsed."""
    monkeypatch.setenv("GAPDIAG_LIMIT_FILE_BYTES", "100")
    folder = pack_with(tmp_path)
    with pytest.raises(RuleFileError, match="file_bytes"):
        load_rules(folder)


# --- unknown keys that look like pydantic's union tags -----------------------------------

TAGS = ["str", "int", "float", "bool", "none", "a[b]"]


@pytest.mark.parametrize("key", TAGS)
def test_unknown_key_named_like_a_type_in_rep_json_is_reported(key: str) -> None:
    """Unknown keys str/int/float/bool/none or with '[' are reported by name, not crash."""
    with pytest.raises(InvalidMetrics) as top:
        parse_metrics({"rep_id": "r", key: 1})
    assert str(top.value).startswith(f"{key}: unknown field")
    with pytest.raises(InvalidMetrics) as nested:
        parse_metrics({"rep_id": "r", "activity": {key: 12}})
    assert str(nested.value).startswith(f"activity.{key}: unknown field")
    assert "did you mean 'activity'" not in str(nested.value)


@pytest.mark.parametrize("key", TAGS)
def test_unknown_key_named_like_a_type_on_the_command_line_is_one_line(
    tmp_path: Path, key: str
) -> None:
    """`gapdiag diagnose` on such a key exits 2 with one line naming the key."""
    rep = tmp_path / "rep.json"
    rep.write_text(json.dumps({"rep_id": "r", "activity": {key: 12}}))
    one_line("diagnose", str(rep), says=f"activity.{key}: unknown field")


@pytest.mark.parametrize("key", TAGS)
def test_unknown_key_named_like_a_type_in_targets_is_reported(key: str) -> None:
    """Target overrides with such a key name the key."""
    with pytest.raises(InvalidMetrics, match="unknown field") as caught:
        parse_targets({key: 1})
    assert key in str(caught.value)


@pytest.mark.parametrize("key", TAGS)
def test_unknown_key_named_like_a_type_in_pack_yaml_is_reported(tmp_path: Path, key: str) -> None:
    """pack.yaml with such a key is a located load error naming the key."""
    folder = pack_with(tmp_path)
    (folder / "pack.yaml").write_text(f'name: p\nversion: "1"\n"{key}": 1\n')
    with pytest.raises(RuleFileError, match="unknown field") as caught:
        load_rules(folder)
    assert f"pack.yaml:3: {key}" in str(caught.value)


@pytest.mark.parametrize("key", TAGS)
def test_unknown_key_named_like_a_type_in_a_rule_is_reported(tmp_path: Path, key: str) -> None:
    """A rule with such a key is a load error naming the key, never an IndexError."""
    rules = RULE.format(when="activity.calls_per_day < 5") + f'  "{key}": 1\n'
    with pytest.raises(RuleFileError, match="unknown field") as caught:
        load_rules(pack_with(tmp_path, rules))
    assert key in str(caught.value)


# --- encodings, stdin ---------------------------------------------------------------------


def latin1(path: Path, text: str) -> Path:
    """Write `text` in Latin-1 (not UTF-8): 'é' is the single byte 0xe9."""
    path.write_bytes(text.encode("latin-1"))
    return path


def test_non_utf8_rep_file_is_one_clear_error(tmp_path: Path) -> None:
    """`diagnose` on a Latin-1 rep file names the file, the line and UTF-8."""
    rep = latin1(tmp_path / "rep.json", '{"rep_id": "r",\n "team": "caf\xe9"}')
    one_line("diagnose", str(rep), says=f"{rep}:2: not UTF-8")


def test_non_utf8_plan_input_is_one_clear_error(tmp_path: Path) -> None:
    """`plan` on a Latin-1 rep file is one line."""
    rep = latin1(tmp_path / "rep.json", '{"rep_id": "caf\xe9"}')
    one_line("plan", str(rep), says="not UTF-8")


def test_non_utf8_targets_file_is_one_clear_error(tmp_path: Path) -> None:
    """A Latin-1 --targets file is one line."""
    targets = latin1(tmp_path / "t.json", '{"calls_per_day": 40, "x": "\xe9"}')
    one_line("diagnose", str(REP), "--targets", str(targets), says="not UTF-8")


def test_non_utf8_tree_highlight_is_one_clear_error(tmp_path: Path) -> None:
    """`tree --highlight` on a Latin-1 rep file is one line."""
    rep = latin1(tmp_path / "rep.json", '{"rep_id": "caf\xe9"}')
    one_line("tree", "--highlight", str(rep), says="not UTF-8")


def test_a_windows_1252_population_is_read_as_ingest_reads_it(tmp_path: Path) -> None:
    """A population CSV saved as Windows-1252 is read so, as ingest reads exports (issue 25)."""
    population = latin1(tmp_path / "reps.csv", "rep_id,team\ncaf\xe9,a\n")
    out = tmp_path / "o.csv"
    code, _, err = run("diagnose", str(population), "--out", str(out))
    assert code == ExitStatus.OK, err
    assert "caf\u00e9" in out.read_text(encoding="utf-8")


def test_non_utf8_ingest_input_is_one_clear_error(tmp_path: Path) -> None:
    """`ingest` on an export neither UTF-8 nor Windows-1252 is one line naming the file."""
    export = salesforce_opportunities(tmp_path / "opps.csv", count=20)
    export.write_bytes(export.read_bytes().replace(b"Ana Ruiz", b"Ana Mu\x81oz"))
    one_line(
        "ingest", str(export), "--period", "2017", "--out", str(tmp_path / "o.csv"),
        says=f"{export}:",
    )  # fmt: skip


def test_windows_1252_ingest_input_is_read_with_a_note(tmp_path: Path) -> None:
    """`ingest` on a Latin-1 (Excel on Windows) export reads it and says how."""
    export = salesforce_opportunities(tmp_path / "opps.csv", count=20)
    export.write_bytes(export.read_bytes().replace(b"Ana Ruiz", b"Ana Mu\xf1oz"))
    code, out, err = run(
        "ingest", str(export), "--period", "2017", "--out", str(tmp_path / "o.csv")
    )
    assert code in (ExitStatus.OK, 1), err
    assert "read as Windows-1252 text" in out + err
    assert "Ana Muñoz" in (tmp_path / "o.csv").read_text(encoding="utf-8")


def test_non_utf8_rule_file_is_one_clear_error(tmp_path: Path) -> None:
    """A Latin-1 rule file is one located load error."""
    folder = pack_with(tmp_path)
    latin1(folder / "a.rules.yaml", RULE.format(when="activity.calls_per_day < 5") + "# \xe9\n")
    with pytest.raises(RuleFileError, match=r"a\.rules\.yaml:9: \(file\): not UTF-8"):
        load_rules(folder)


def test_utf8_with_byte_order_mark_is_read(tmp_path: Path) -> None:
    """A rep file, a population CSV and a rule file saved with a UTF-8 BOM are read normally."""
    bom = b"\xef\xbb\xbf"
    rep = tmp_path / "rep.json"
    rep.write_bytes(bom + REP.read_bytes())
    code, out, err = run("diagnose", str(rep), "--json")
    assert (code, err) == (0, "")
    assert json.loads(out)["primary_gap"] == "will"
    population = tmp_path / "reps.csv"
    population.write_bytes(bom + b"rep_id,activity.calls_per_day\nr1,12\n")
    assert diagnose_many(population).summary.diagnosed == 1
    folder = pack_with(tmp_path)
    rules = folder / "a.rules.yaml"
    rules.write_bytes(bom + rules.read_bytes())
    assert [r.id for r in load_rules(folder).rules] == ["low-calls"]


def test_closed_stdin_is_one_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    """`diagnose -` with standard input closed is one line, not a ValueError."""
    closed = io.StringIO()
    closed.close()
    monkeypatch.setattr(sys, "stdin", closed)
    one_line("diagnose", "-", says="<stdin>: cannot read standard input")


def test_missing_stdin_is_one_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    """`diagnose -` without any standard input (sys.stdin is None) is one line."""
    monkeypatch.setattr(sys, "stdin", None)
    one_line("diagnose", "-", says="<stdin>: cannot read standard input")


# --- JSON: depth, size, numbers, duplicate keys, JSON Lines ---------------------------------


def test_json_nested_3000_deep_is_one_clear_error(tmp_path: Path) -> None:
    """A rep file of arrays nested 3,000 deep is one line naming `json_depth`."""
    rep = tmp_path / "rep.json"
    rep.write_text("[" * 3000 + "]" * 3000)
    one_line("diagnose", str(rep), says="json_depth")
    rep.write_text('{"a":' * 3000 + "1" + "}" * 3000)
    one_line("diagnose", str(rep), says="json_depth")


def test_json_nested_past_the_limit_but_parseable_is_refused(tmp_path: Path) -> None:
    """Nesting over `json_depth` that Python could still parse is refused too."""
    rep = tmp_path / "rep.json"
    rep.write_text('{"rep_id": "r", "activity": ' + "[" * 100 + "]" * 100 + "}")
    one_line("diagnose", str(rep), says="JSON nested 101 deep")


def test_5000_digit_integer_is_one_clear_error(tmp_path: Path) -> None:
    """A 5,000-digit integer is one line naming `number_digits`, not a ValueError."""
    rep = tmp_path / "rep.json"
    rep.write_text('{"rep_id": "r", "activity": {"calls_per_day": ' + "9" * 5000 + "}}")
    one_line("diagnose", str(rep), says="5,000 digits")


def test_json_file_larger_than_the_limit_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A rep file over `file_bytes` is one line naming the limit."""
    monkeypatch.setenv("GAPDIAG_LIMIT_FILE_BYTES", "10")
    one_line("diagnose", str(REP), says="file_bytes")


def test_duplicate_keys_in_rep_json_are_an_error(tmp_path: Path) -> None:
    """A key given twice in one object is an error, not 'the last one wins'."""
    rep = tmp_path / "rep.json"
    rep.write_text('{"rep_id": "a", "rep_id": "b"}')
    one_line("diagnose", str(rep), says="'rep_id' appears twice")


def test_json_lines_errors_name_their_line(tmp_path: Path) -> None:
    """A broken line in a JSON Lines population is reported on its own line number."""
    population = tmp_path / "reps.jsonl"
    population.write_text('{"rep_id": "a"}\n{"rep_id": "b"}\n\n{"rep_id": \n')
    rules = str(ROOT / "rules")
    one_line("rules", "diff", rules, rules, "--population", str(population), says="reps.jsonl:4:")


def test_json_lines_duplicate_key_names_its_line(tmp_path: Path) -> None:
    """A duplicate key on line 2 of a JSON Lines file names line 2."""
    population = tmp_path / "reps.jsonl"
    population.write_text('{"rep_id": "a"}\n{"rep_id": "b", "rep_id": "c"}\n')
    rules = str(ROOT / "rules")
    one_line("rules", "diff", rules, rules, "--population", str(population), says="reps.jsonl:2:")


# --- conditions and trees ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "condition",
    [
        pytest.param("(" * 100 + "activity.calls_per_day < 5" + ")" * 100, id="100-parentheses"),
        pytest.param("not " * 500 + "activity.calls_per_day < 5", id="500-nots"),
        pytest.param(" + ".join(["1"] * 999) + " < activity.calls_per_day", id="1000-term-sum"),
        pytest.param("-" * 600 + "activity.calls_per_day < 5", id="600-minus-signs"),
        pytest.param("max(" * 200 + "1" + ", 1)" * 200 + " < 5", id="200-nested-calls"),
    ],
)
def test_deeply_nested_condition_is_one_clear_error(tmp_path: Path, condition: str) -> None:
    """100 parentheses, 500 nots, a 1,000-term sum: one load error naming `expr_depth`."""
    folder = pack_with(tmp_path, RULE.format(when=json.dumps(condition)))
    with pytest.raises(RuleFileError, match="expr_depth"):
        load_rules(folder)
    one_line("diagnose", str(REP), "--rules", str(folder), says="expr_depth")


def test_condition_with_too_many_terms_is_refused() -> None:
    """A flat `or` of more terms than `expr_terms` is refused before it is parsed."""
    text = " or ".join(["1 < 2"] * 600)
    with pytest.raises(ExpressionError, match="expr_terms"):
        expr.parse(text)


def test_condition_longer_than_the_limit_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    """A condition longer than `expr_length` is refused by its length alone."""
    monkeypatch.setenv("GAPDIAG_LIMIT_EXPR_LENGTH", "20")
    with pytest.raises(ExpressionError, match="expr_length"):
        expr.parse("activity.calls_per_day < 5")


def test_raised_expression_limit_still_never_overflows_the_stack(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """With `expr_depth` raised far past Python's stack, deep nesting is still one error."""
    monkeypatch.setenv("GAPDIAG_LIMIT_EXPR_DEPTH", "100000")
    monkeypatch.setenv("GAPDIAG_LIMIT_EXPR_TERMS", "100000")
    monkeypatch.setenv("GAPDIAG_LIMIT_EXPR_LENGTH", "100000")
    with pytest.raises(ExpressionError, match="nested too deeply to read"):
        expr.parse("(" * 5000 + "activity.calls_per_day < 5" + ")" * 5000)


@pytest.mark.parametrize("digit", ["\u09ea", "\u0664", "\uff18", "\u0968"])
def test_non_ascii_digits_in_conditions_are_refused(digit: str) -> None:
    """A digit of another script (Bengali four looks like 8) is refused, not read as 4."""
    with pytest.raises(ExpressionError, match="only the digits 0-9"):
        expr.parse(f"activity.calls_per_day < {digit}")


def chain_tree(length: int) -> str:
    """A decision tree whose questions form one chain `length` long."""
    lines = ["root: q0", "nodes:"]
    for n in range(length):
        following = f"q{n + 1}" if n + 1 < length else "done"
        lines += [
            f"  - id: q{n}",
            f"    question: step {n}",
            "    when: activity.calls_per_day < 5",
            f"    then: {following}",
            "    else: done",
            "    examples:",
            "      - given: {activity: {calls_per_day: 9}}",
            "        answer: else",
        ]
    lines += ["leaves:", "  - id: done", "    gap: none", "    reason: end", "    examples:"]
    lines += ["      - given: {activity: {calls_per_day: 9}}"]
    return "\n".join(lines) + "\n"


def test_tree_chain_of_1000_nodes_is_one_clear_error(tmp_path: Path) -> None:
    """A 1,000-question chain is one load error naming `tree_depth`, not a RecursionError."""
    folder = pack_with(tmp_path)
    (folder / "a.tree.yaml").write_text(chain_tree(1000))
    with pytest.raises(RuleFileError, match="tree_depth"):
        within(30, lambda: load_rules(folder))


def test_tree_cycle_through_1000_nodes_is_found_without_recursion(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A cycle through 1,500 questions is reported as a cycle (iterative check)."""
    folder = pack_with(tmp_path)
    (folder / "a.tree.yaml").write_text(
        chain_tree(1500).replace("then: done", "then: q0", 1).replace("root: q0", "root: q0")
    )
    with pytest.raises(RuleFileError, match="branches form a cycle"):
        within(30, lambda: load_rules(folder))


def test_tree_chain_within_a_raised_limit_loads(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Raising `tree_depth` lets a long chain load."""
    monkeypatch.setenv("GAPDIAG_LIMIT_TREE_DEPTH", "100")
    folder = pack_with(tmp_path)
    (folder / "a.tree.yaml").write_text(chain_tree(80))
    book = load_rules(folder)
    assert book.tree is not None
    assert len(book.tree.nodes) == 80


# --- rule packs: number of files, warnings ---------------------------------------------------


def many_rule_files(folder: Path, count: int) -> Path:
    """`count` one-rule files whose rules overlap pairwise across gaps."""
    folder.mkdir()
    gaps = ["will", "skill", "knowledge", "system"]
    for n in range(count):
        (folder / f"r{n:04d}.rules.yaml").write_text(
            RULE.format(when=f"activity.calls_per_day < {n + 10}")
            .replace("low-calls", f"r{n}")
            .replace("gap: will", f"gap: {gaps[n % 4]}")
        )
    return folder


def test_rules_check_on_many_rule_files_aggregates_warnings_past_the_cap(tmp_path: Path) -> None:
    """1,000 rule files wrote 120 MB of overlap warnings; now each kind is capped and summed."""
    folder = many_rule_files(tmp_path / "pack", 60)  # ~1,300 overlaps: enough to pass the cap
    cap = Limits().warnings_per_pack
    findings = check_pack(folder)
    overlaps = [f for f in findings if f.code == "overlap"]
    assert len(overlaps) == cap + 1
    assert "more overlap warnings not listed" in overlaps[-1].message
    assert "warnings_per_pack" in overlaps[-1].message
    code, out, _ = run("rules", "check", str(folder))
    assert code == ExitStatus.OK
    assert len(out) < 200 * 1024


def test_too_many_rule_files_is_one_clear_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """More rule files than `rule_files` is one load error naming the limit."""
    monkeypatch.setenv("GAPDIAG_LIMIT_RULE_FILES", "3")
    folder = many_rule_files(tmp_path / "pack", 4)
    one_line("diagnose", str(REP), "--rules", str(folder), says="rule_files=3")


# --- missing, folder, unwritable paths; dates ----------------------------------------------


@pytest.mark.parametrize("kind", ["missing", "folder"])
def test_missing_or_directory_ingest_input_is_one_clear_error(tmp_path: Path, kind: str) -> None:
    """`ingest` on a missing export or a folder is one line naming it."""
    given = tmp_path / "opps.csv"
    if kind == "folder":
        given.mkdir()
    out = str(tmp_path / "o.csv")
    one_line("ingest", str(given), "--period", "2017", "--out", out, says=str(given))


def test_unwritable_out_is_one_clear_error(tmp_path: Path) -> None:
    """`diagnose --out` into a missing folder or onto a folder is one line, not a traceback."""
    population = tmp_path / "reps.csv"
    population.write_text("rep_id,activity.calls_per_day\nr1,12\n")
    missing = tmp_path / "no" / "such" / "out.csv"
    one_line("diagnose", str(population), "--out", str(missing), says="cannot write")
    folder = tmp_path / "folder.csv"
    folder.mkdir()
    one_line("diagnose", str(population), "--out", str(folder), says="cannot write")


def test_unwritable_errors_file_is_one_clear_error(tmp_path: Path) -> None:
    """`diagnose --errors` into a missing folder is one line, not a traceback."""
    population = tmp_path / "reps.csv"
    population.write_text("rep_id,activity.calls_per_day\nr1,12\nr2,-5\n")
    errors = tmp_path / "no" / "errors.csv"
    one_line(
        "diagnose", str(population), "--out", str(tmp_path / "o.csv"), "--errors", str(errors),
        says=f"{errors}: cannot write",
    )  # fmt: skip


def test_unwritable_ingest_out_is_one_clear_error(tmp_path: Path) -> None:
    """`ingest --out` into a missing folder is one line."""
    export = salesforce_opportunities(tmp_path / "opps.csv", count=20)
    out = tmp_path / "no" / "reps.csv"
    one_line("ingest", str(export), "--period", "2017", "--out", str(out), says="cannot write")


def test_plan_start_9999_12_27_is_one_clear_error() -> None:
    """`plan --start 9999-12-27` is one line naming the last possible start, not OverflowError."""
    one_line("plan", str(REP), "--start", "9999-12-27", says="expected a date on or before 9999-")


# --- populations: CSV shape, columns, team-by --------------------------------------------------


def test_population_csv_with_one_field_more_than_the_header_is_a_bad_row(tmp_path: Path) -> None:
    """A row with one cell more than the header is a bad row naming its line, never shifted;
    the other rows are read (tests/test_hardening_rows.py holds the rest)."""
    population = tmp_path / "reps.csv"
    population.write_text("rep_id,activity.calls_per_day\nr1,12,x\nr2,30\n")
    errors = tmp_path / "e.csv"
    code, _, err = run(
        "diagnose", str(population), "--out", str(tmp_path / "o.csv"), "--errors", str(errors)
    )
    assert code == ExitStatus.FINDINGS, err
    assert "2,r1,(row),3 cells,3 cells but the header has 2 columns" in errors.read_text()
    assert list(diagnose_many(population).frame["rep_id"]) == ["r2"]


def test_rules_diff_population_with_extra_fields_reads_them_as_bad_rows(tmp_path: Path) -> None:
    """`rules diff --population` refuses the same rows, not silently drop their extra cells."""
    population = tmp_path / "reps.csv"
    population.write_text("rep_id,activity.calls_per_day\nr1,12,x\nr2,30\n")
    rules = str(ROOT / "rules")
    code, _, err = run("rules", "diff", rules, rules, "--population", str(population))
    assert code == ExitStatus.BAD_INPUT
    assert "line 2" in err
    assert "3 cells but the header has 2 columns" in err


def test_csv_header_cell_over_128_kb_is_one_clear_error(tmp_path: Path) -> None:
    """A header cell over 128 KB is one line naming `csv_cell_bytes`, not a csv.Error."""
    population = tmp_path / "reps.csv"
    population.write_text("rep_id," + "x" * 200_000 + "\nr1,1\n")
    one_line("diagnose", str(population), "--out", str(tmp_path / "o.csv"), says="csv_cell_bytes")
    rules = str(ROOT / "rules")
    one_line("rules", "diff", rules, rules, "--population", str(population), says="csv_cell_bytes")


def test_population_csv_header_with_a_column_twice_is_an_error(tmp_path: Path) -> None:
    """A CSV header naming a column twice is an error (pandas would rename one silently)."""
    population = tmp_path / "reps.csv"
    population.write_text("rep_id,activity.calls_per_day,activity.calls_per_day\nr1,1,2\n")
    one_line("diagnose", str(population), "--out", str(tmp_path / "o.csv"), says="appears twice")


def test_dataframe_with_two_columns_of_one_name_is_refused() -> None:
    """A DataFrame with two `activity.calls_per_day` columns is one clear error."""
    frame = pd.DataFrame([["r1", 1, 2]], columns=["rep_id", "activity.calls_per_day"] * 1 + ["x"])
    frame.columns = ["rep_id", "activity.calls_per_day", "activity.calls_per_day"]
    with pytest.raises(InvalidMetrics, match="two columns have this name"):
        diagnose_many(frame)


def test_team_by_naming_a_missing_column_is_an_error(tmp_path: Path) -> None:
    """`--team-by regoin` with no such column is an error suggesting 'region'."""
    population = tmp_path / "reps.csv"
    population.write_text("rep_id,region,activity.calls_per_day\nr1,east,12\n")
    err = one_line(
        "diagnose", str(population), "--out", str(tmp_path / "o.csv"), "--team-by", "regoin",
        says="--team-by regoin: ",
    )  # fmt: skip
    assert "did you mean 'region'" in err


def test_team_by_missing_column_with_a_team_column_present_is_an_error() -> None:
    """`team_by='teem'` beside a 'team' column is refused (team rules would go unknown)."""
    frame = pd.DataFrame({"rep_id": ["r1"], "team": ["a"], "activity.calls_per_day": [3.0]})
    with pytest.raises(InvalidMetrics, match="did you mean 'team'"):
        diagnose_many(frame, team_by="teem")


def test_default_team_column_may_be_absent() -> None:
    """The default grouping column 'team' may be absent (all reps form one team)."""
    frame = pd.DataFrame({"rep_id": ["r1"], "activity.calls_per_day": [3.0]})
    assert diagnose_many(frame).summary.diagnosed == 1


# --- the limits themselves -------------------------------------------------------------------


def test_limits_come_from_defaults_environment_and_keywords(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Defaults, then GAPDIAG_LIMIT_* variables, then keywords; each named in hints."""
    assert limits() == Limits()
    monkeypatch.setenv("GAPDIAG_LIMIT_EXPR_DEPTH", "1_000")
    assert limits().expr_depth == 1000
    assert limits(expr_depth=7).expr_depth == 7
    assert "GAPDIAG_LIMIT_EXPR_DEPTH" in limits().hint("expr_depth")


@pytest.mark.parametrize("value", ["0", "-3", "many"])
def test_limits_refuse_values_that_are_not_positive(
    monkeypatch: pytest.MonkeyPatch, value: str
) -> None:
    """A limit set to zero, a negative number or text is one clear error."""
    monkeypatch.setenv("GAPDIAG_LIMIT_YAML_NODES", value)
    with pytest.raises(GapdiagError, match="GAPDIAG_LIMIT_YAML_NODES"):
        limits()


def test_limits_refuse_unknown_names() -> None:
    """An unknown limit keyword names the known ones."""
    with pytest.raises(GapdiagError, match="expr_depth"):
        limits(expr_deep=3)


def test_default_pack_fits_the_default_limits() -> None:
    """The shipped pack loads well within every default limit (a sanity check)."""
    book = load_rules()
    assert isinstance(book, Rulebook)
    assert all(len(r.when) < Limits().expr_length for r in book.rules)


def test_folder_given_as_rep_file_is_one_clear_error(tmp_path: Path) -> None:
    """`diagnose FOLDER` is one line saying it is a folder."""
    one_line("diagnose", str(tmp_path), says="is a folder")


def test_copying_examples_keeps_working(tmp_path: Path) -> None:
    """A rep file copied anywhere reads as before (no limit trips on ordinary input)."""
    copy = tmp_path / "rep.json"
    shutil.copy(REP, copy)
    code, _, err = run("diagnose", str(copy))
    assert (code, err) == (0, "")


class _Bytes(io.StringIO):
    """A text stdin whose .buffer holds raw bytes, as sys.stdin does."""

    def __init__(self, raw: bytes) -> None:
        super().__init__()
        self.buffer = io.BytesIO(raw)


def test_non_utf8_stdin_is_one_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    """Latin-1 bytes on standard input name <stdin> and UTF-8 (not 'closed')."""
    monkeypatch.setattr(sys, "stdin", _Bytes(b'{"rep_id": "caf\xe9"}'))
    one_line("diagnose", "-", says="<stdin>:1: not UTF-8")


def test_stdin_larger_than_the_limit_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    """Standard input over `file_bytes` is one line naming the limit."""
    monkeypatch.setenv("GAPDIAG_LIMIT_FILE_BYTES", "10")
    monkeypatch.setattr(sys, "stdin", _Bytes(b'{"rep_id": "long enough"}'))
    one_line("diagnose", "-", says="file_bytes")


def test_union_members_are_still_dropped_from_locations(tmp_path: Path) -> None:
    """A bad `fires` (bool or 'unknown') is located at examples[0].fires, with no type tags."""
    rules = RULE.format(when="activity.calls_per_day < 5").replace("fires: true", "fires: maybe")
    with pytest.raises(RuleFileError) as caught:
        load_rules(pack_with(tmp_path, rules))
    lines = str(caught.value).splitlines()
    assert len(lines) == 1  # once, not once per member of the union
    assert all("low-calls.examples[0].fires: 'maybe'" in line for line in lines)
    assert not any("bool" in line.split(":")[2] for line in lines)


def test_huge_values_are_cut_short_in_messages() -> None:
    """A bad value of 100,000 characters is shown cut to a short excerpt."""
    with pytest.raises(InvalidMetrics) as caught:
        parse_metrics({"rep_id": "r", "activity": {"calls_per_day": "x" * 100_000}})
    assert len(str(caught.value)) < 300


def test_non_utf8_history_csv_is_one_clear_error(tmp_path: Path) -> None:
    """`plan --history` on a Latin-1 CSV is one error naming the file and UTF-8."""
    history = latin1(tmp_path / "weeks.csv", "rep_id,period_start\ncaf\xe9,2026-07-06\n")
    code, _, err = run("plan", str(REP), "--history", str(history))
    assert code == ExitStatus.BAD_INPUT
    assert "not UTF-8" in err
    assert str(history) in err


def test_history_csv_cell_over_the_limit_is_one_clear_error(tmp_path: Path) -> None:
    """A history CSV cell over `csv_cell_bytes` names the limit."""
    history = tmp_path / "weeks.csv"
    history.write_text("rep_id,period_start\n" + "x" * 200_000 + ",2026-07-06\n")
    code, _, err = run("plan", str(REP), "--history", str(history))
    assert code == ExitStatus.BAD_INPUT
    assert "csv_cell_bytes" in err


@pytest.mark.parametrize("command", ["diagnose", "report"])
def test_team_by_missing_column_names_the_option_and_the_columns(
    tmp_path: Path, command: str
) -> None:
    """`--team-by tem` said `team_by: no column 'tem'`, the keyword of the Python call: the
    command line names its option and value, the columns there are to group by (not the
    metrics) and the closest one."""
    population = tmp_path / "reps.csv"
    population.write_text("rep_id,team,region,activity.calls_per_day\nr1,a,east,12\n")
    out = "o.html" if command == "report" else "o.csv"
    argv = [command, str(population), "--out", str(tmp_path / out), "--team-by", "tem"]
    err = one_line(*argv, says="--team-by tem:")
    assert err == (
        f"gapdiag: --team-by tem: {population} has no column 'tem' (did you mean 'team'?);"
        " the columns besides metrics are rep_id, team, region\n"
    )

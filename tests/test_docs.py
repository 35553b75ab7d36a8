"""The docs site's generated pages and its pinned commands: what `mkdocs build` is fed."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest

from gapdiag import Rulebook, load_rules
from gapdiag.checks.catalog import rule_catalog
from gapdiag.cli import _COMMANDS
from gapdiag.cli._reference import cli_reference

from .conftest import ROOT

DOCS = ROOT / "docs"


def bash_blocks(text: str) -> list[str]:
    """The bash code blocks of a Markdown text, in order."""
    return [b.strip() for b in re.findall(r"```bash\n(.*?)```", text, re.S)]


def test_getting_started_has_the_readme_setup_commands() -> None:
    """Getting started opens with the README's two set-up commands, character for character."""
    readme = bash_blocks((ROOT / "README.md").read_text())[:2]
    page = bash_blocks((DOCS / "getting-started.md").read_text())[:2]
    assert page == readme


def test_catalog_lists_every_rule_with_its_parts() -> None:
    """Every shipped rule appears with gap, certainty, condition, because-text and examples."""
    book = load_rules()
    catalog = rule_catalog()
    assert f"{len(book.rules)} rules" in catalog
    assert f"`{book.content_hash}`" in catalog
    for rule in book.rules:
        section = catalog.split(f"### `{rule.id}`", 1)[1].split("### ", 1)[0]
        assert f"{rule.gap} gap, certainty {rule.certainty:+.2f}" in section
        assert f"```text\n{rule.when}\n```" in section
        assert section.count("\n| `{") == len(rule.examples), rule.id
    assert "```mermaid\nflowchart TD" in catalog


def test_catalog_escapes_text_and_shows_example_targets() -> None:
    """Rule text cannot inject markup or break a table; example targets are shown."""
    book = Rulebook.from_rules(
        [
            {
                "id": "odd-text",
                "gap": "skill",
                "certainty": -0.4,
                "when": "activity.calls_per_day > target.calls_per_day",
                "because": "calls <b>|</b> {activity.calls_per_day}",
                "intervention": "use <i>care</i>",
                "examples": [
                    {
                        "given": {"activity": {"calls_per_day": 30}},
                        "fires": True,
                        "targets": {"calls_per_day": 20},
                    },
                    {"given": {"rep_id": "named"}, "fires": "unknown"},
                ],
            }
        ]
    )
    catalog = rule_catalog(book)
    assert "Evidence **against** a skill gap, certainty -0.40" in catalog
    assert "calls &lt;b&gt;\\|&lt;/b&gt;" in catalog
    assert "use &lt;i&gt;care&lt;/i&gt;" in catalog
    given = json.dumps({"activity": {"calls_per_day": 30.0}}, separators=(", ", ": "))
    assert f'| `{given}` with targets `{{"calls_per_day": 20.0}}` | true |' in catalog
    assert '| `{"rep_id": "named"}` | unknown |' in catalog
    assert "Decision tree" not in catalog


def test_cli_reference_covers_every_subcommand(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each registered subcommand gets a section with its full help; COLUMNS is restored."""
    monkeypatch.setenv("COLUMNS", "33")
    page = cli_reference()
    assert page.startswith("# Command-line reference")
    assert len(_COMMANDS) >= 2
    for name in _COMMANDS:
        assert f"## gapdiag {name}" in page
        assert f"usage: gapdiag {name}" in page
    assert "--engine {compiled,durable}" in page
    for nested in ("rules check", "rules test", "rules diff"):
        assert f"## gapdiag {nested}" in page
        assert f"usage: gapdiag {nested}" in page
    assert os.environ["COLUMNS"] == "33"
    monkeypatch.delenv("COLUMNS")
    cli_reference()
    assert "COLUMNS" not in os.environ


def test_site_config_builds_from_docs_and_generates_the_references() -> None:
    """mkdocs.yml runs the hook that generates the CLI reference and the rule catalog."""
    config = (ROOT / "mkdocs.yml").read_text()
    assert "docs/_hooks/generate.py" in config
    hook = (DOCS / "_hooks" / "generate.py").read_text()
    assert '"reference/cli.md"' in hook
    assert '"reference/rule-catalog.md"' in hook
    assert (DOCS / "notebook.ipynb").is_file()


def test_docs_pages_link_only_inside_docs() -> None:
    """mkdocs --strict fails on links that leave docs/; catch them in the fast suite too."""
    docs = ROOT / "docs"
    outside = [
        f"{page.name}: {target}"
        for page in docs.rglob("*.md")
        for target in re.findall(r"\]\((\.\./[^)]*)\)", page.read_text(encoding="utf-8"))
        if not (page.parent / target).resolve().is_relative_to(docs)
    ]
    assert outside == []


def documented(page: str) -> set[str]:
    """The objects a Markdown page renders with mkdocstrings (``::: dotted.name``)."""
    return set(re.findall(r"^::: ([\w.]+)\s*$", page, re.M))


def test_api_reference_lists_every_public_name() -> None:
    """Every name in gapdiag.__all__ and gapdiag.spark.__all__ has an entry on the API page."""
    import ast

    import gapdiag

    page = documented((DOCS / "reference" / "api.md").read_text(encoding="utf-8"))
    missing = [f"gapdiag.{n}" for n in gapdiag.__all__ if f"gapdiag.{n}" not in page]
    spark = ast.parse((ROOT / "gapdiag" / "spark" / "__init__.py").read_text(encoding="utf-8"))
    names = next(
        ast.literal_eval(node.value)
        for node in spark.body
        if isinstance(node, ast.Assign)
        and any(isinstance(t, ast.Name) and t.id == "__all__" for t in node.targets)
    )
    missing += [f"gapdiag.spark.{n}" for n in names if f"gapdiag.spark.{n}" not in page]
    assert missing == []


def test_api_reference_entries_exist() -> None:
    """Every entry on the API page names an object that exists (pyspark aside)."""
    import importlib

    for name in sorted(documented((DOCS / "reference" / "api.md").read_text(encoding="utf-8"))):
        if name.startswith("gapdiag.spark."):
            continue  # importing gapdiag.spark imports pyspark; the names are checked above
        module, _, attribute = name.rpartition(".")
        while True:
            try:
                holder: object = importlib.import_module(module)
                break
            except ModuleNotFoundError:
                module, _, parent = module.rpartition(".")
                attribute = f"{parent}.{attribute}"
        for part in attribute.split("."):
            holder = getattr(holder, part)
        assert holder is not None, name


def test_site_serves_mermaid_itself() -> None:
    """mkdocs.yml loads Mermaid from the site (no CDN); the hook bundles exactly that file."""
    config = (ROOT / "mkdocs.yml").read_text()
    scripts = re.search(r"^extra_javascript:\n((?:  - .*\n)+)", config, re.M)
    assert scripts is not None
    assert scripts[1].split() == ["-", "assets/javascripts/mermaid.min.js"]
    assert "font: false" in config  # no web-font requests either
    hook = (DOCS / "_hooks" / "generate.py").read_text()
    assert 'MERMAID_URL = "assets/javascripts/mermaid.min.js"' in hook


def test_hook_names_the_command_when_mermaid_is_missing(tmp_path: Path) -> None:
    """Without the npm install the build stops with one error naming the command."""
    pytest.importorskip("mkdocs")
    import importlib.util

    spec = importlib.util.spec_from_file_location("generate", DOCS / "_hooks" / "generate.py")
    assert spec is not None
    assert spec.loader is not None
    hook = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(hook)
    from mkdocs.exceptions import PluginError

    with pytest.raises(PluginError, match=r"npm install --prefix tests/tools"):
        hook.mermaid_script(tmp_path)
    (tmp_path / "mermaid.min.js").write_text("var mermaid;")
    assert hook.mermaid_script(tmp_path) == tmp_path / "mermaid.min.js"


def test_index_example_is_ten_lines() -> None:
    """The home page's example stays ten lines (tests/test_docs_examples.py runs it)."""
    page = (DOCS / "index.md").read_text(encoding="utf-8")
    assert "```bash\npip install .\n```" in page
    code = re.findall(r"```python\n(.*?)```", page, re.S)[0]
    assert len(code.strip().splitlines()) <= 10


def test_notebook_cells_show_no_raw_dict_or_repr(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each notebook cell ends in something that displays itself in words, or in nothing.

    The cells run as the docs build runs them (from docs/); a cell's last expression must
    have a rich display (or be a figure), never a bare dict, tuple, list or pydantic repr.
    """
    import ast

    pytest.importorskip("matplotlib")
    monkeypatch.chdir(DOCS)
    cells = json.loads((DOCS / "notebook.ipynb").read_text(encoding="utf-8"))["cells"]
    scope: dict[str, object] = {}
    shown = []
    for cell in cells:
        if cell["cell_type"] != "code":
            continue
        source = "".join(line for line in cell["source"] if not line.startswith("%"))
        tree = ast.parse(source)
        last = tree.body.pop() if tree.body and isinstance(tree.body[-1], ast.Expr) else None
        exec(compile(tree, "notebook", "exec"), scope)
        if last is None:
            continue
        value = eval(compile(ast.Expression(last.value), "notebook", "eval"), scope)
        if value is None:
            continue
        kind = type(value).__name__
        assert not isinstance(value, dict | tuple | list | str), f"raw {kind} output"
        assert hasattr(value, "_repr_html_") or kind == "Figure", f"{kind} shows as a repr"
        shown.append(kind)
    assert "Diagnosis" in shown


NEEDS = {"diagnose_many": {"numpy", "pandas"}, "plot_": {"matplotlib"}}
"""What a notebook call needs beyond the base install (the frames and plot extras)."""


def _extra(name: str, extras: dict[str, list[str]]) -> set[str]:
    """The distribution names an extra installs, `gapdiag[other]` entries followed."""
    names: set[str] = set()
    for requirement in extras[name]:
        inner = re.fullmatch(r"gapdiag\[(\w+)\]", requirement)
        if inner:
            names |= _extra(inner.group(1), extras)
        else:
            names.add(re.split(r"[<>=!~\[; ]", requirement, maxsplit=1)[0].lower())
    return names


def test_docs_extra_installs_what_the_notebook_runs() -> None:
    """`pip install -e '.[docs]' && mkdocs build` (the README's words) runs the notebook.

    The build executes docs/notebook.ipynb; a call there that needs another extra (its team
    section runs diagnose_many) failed the build for a reader who installed only `docs`.
    """
    import tomllib

    extras = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"][
        "optional-dependencies"
    ]
    docs = _extra("docs", extras)
    cells = json.loads((DOCS / "notebook.ipynb").read_text(encoding="utf-8"))["cells"]
    code = "".join("".join(c["source"]) for c in cells if c["cell_type"] == "code")
    needed = set().union(*(names for call, names in NEEDS.items() if f"gapdiag.{call}" in code))
    assert needed, "the notebook no longer calls what NEEDS lists: update NEEDS"
    assert needed <= docs, f"the docs extra lacks {sorted(needed - docs)}"


def test_notebook_cells_have_ids_and_use_the_public_api() -> None:
    """Every cell has its own id (nbformat 4.5: the docs build warned that a missing one
    "will become a hard error"), and code cells import gapdiag's public names only, as a
    reader copying them should."""
    notebook = json.loads((DOCS / "notebook.ipynb").read_text(encoding="utf-8"))
    assert (notebook["nbformat"], notebook["nbformat_minor"]) >= (4, 5)
    ids = [cell.get("id") for cell in notebook["cells"]]
    assert None not in ids
    assert len(set(ids)) == len(ids)
    code = "".join("".join(c["source"]) for c in notebook["cells"] if c["cell_type"] == "code")
    private = re.findall(r"from gapdiag\.(\S+) import (.+)", code)
    allowed = {("model.rows", "flatten"), ("model.wording", "labelled")}  # no public twin yet
    assert set(private) <= allowed, private


def test_metric_tables_are_generated_from_the_label_registry() -> None:
    """docs/metrics.md's tables are exactly what the label registry and models generate."""
    from gapdiag.checks.glossary import END, START, metric_tables

    page = DOCS / "metrics.md"
    text = page.read_text(encoding="utf-8")
    before, rest = text.split(START + "\n", 1)
    shown, after = rest.split(END, 1)
    if shown != metric_tables() and os.environ.get("GAPDIAG_UPDATE_DOCS") == "1":
        page.write_text(before + START + "\n" + metric_tables() + END + after, encoding="utf-8")
        return
    assert shown == metric_tables(), "GAPDIAG_UPDATE_DOCS=1 pytest tests/test_docs.py rewrites it"


def test_metric_tables_define_every_input_metric_once() -> None:
    """Each input metric and target has a label, a unit and a definition, in one row."""
    from gapdiag.checks.glossary import metric_tables
    from gapdiag.model.metrics import RepMetrics

    tables = metric_tables()
    for group, info in RepMetrics.model_fields.items():
        if group in ("activity", "pipeline", "calls", "ownership", "territory", "knowledge"):
            model = next(t for t in info.annotation.__args__ if isinstance(t, type))
            for name, field in model.model_fields.items():
                assert tables.count(f"| `{group}.{name}` |") == 1
                assert field.description
                assert f"| {field.description} |" in tables
    assert "| `target.calls_per_day` | planned calls a day | calls a day | 40 calls a day |" in (
        tables
    )


def _rule_samples() -> list[tuple[str, str]]:
    """Every ```yaml block of README.md and docs/*.md that is a list of rules."""
    found = []
    for page in (ROOT / "README.md", *sorted(DOCS.glob("*.md"))):
        blocks = re.findall(r"```yaml\n(.*?)```", page.read_text(encoding="utf-8"), re.S)
        found += [(page.name, b) for b in blocks if b.lstrip().startswith("- id:")]
    return found


@pytest.mark.parametrize(("page", "text"), _rule_samples(), ids=lambda v: str(v)[:20])
def test_rule_samples_in_the_docs_load_and_their_examples_pass(
    tmp_path: Path, page: str, text: str
) -> None:
    """A rule author copies these: each loads as a pack, and its examples hold."""
    from gapdiag import run_examples

    sample = tmp_path / "sample.rules.yaml"
    sample.write_text(text, encoding="utf-8")
    book = load_rules(sample)
    results = list(run_examples(book))
    assert results
    assert all(r.passed for r in results), [r.name for r in results if not r.passed]


def test_the_docs_show_rule_samples() -> None:
    """The README and the authoring guide each show at least one rule (checked above)."""
    pages = {page for page, _ in _rule_samples()}
    assert {"README.md", "rules.md"} <= pages

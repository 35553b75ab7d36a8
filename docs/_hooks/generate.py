"""MkDocs hook: generate the CLI reference and the rule catalog, and bundle Mermaid.

The pages come from the code itself (the argparse parser, the shipped rules/), so they
cannot drift from what gapdiag does. Mermaid (which draws the decision tree) is served
from the site itself, not a CDN, so the site works offline: the theme uses a global
``mermaid`` when one is loaded, and ``mkdocs.yml`` loads this copy through
``extra_javascript``. It comes from the npm registry, pinned by tests/tools/package-lock.json
(``npm install --prefix tests/tools``, which CI runs for the Mermaid parser tests too).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, Files

from gapdiag.checks.catalog import rule_catalog
from gapdiag.cli._reference import cli_reference

MERMAID_URL = "assets/javascripts/mermaid.min.js"
"""Where the site serves Mermaid (listed in mkdocs.yml's extra_javascript)."""
MERMAID = Path(__file__).resolve().parents[2] / "tests/tools/node_modules/mermaid/dist"


def on_files(files: Files, config: Any) -> Files:
    """Add the generated pages and the bundled Mermaid to the site's files."""
    files.append(File.generated(config, "reference/cli.md", content=cli_reference()))
    files.append(File.generated(config, "reference/rule-catalog.md", content=rule_catalog()))
    files.append(File.generated(config, MERMAID_URL, abs_src_path=str(mermaid_script())))
    return files


def mermaid_script(folder: Path = MERMAID) -> Path:
    """The Mermaid build to bundle; a clear error naming the command when it is missing."""
    script = folder / "mermaid.min.js"
    if not script.is_file():
        raise PluginError(
            f"{script}: Mermaid is not installed; the site bundles it so the decision tree "
            "draws offline (run: npm install --prefix tests/tools)"
        )
    return script

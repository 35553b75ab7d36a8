"""MkDocs hook: generate the CLI reference and the rule catalog on every build.

Both come from the code itself (the argparse parser, the shipped rules/), so the pages
cannot drift from what gapdiag does.
"""

from __future__ import annotations

from typing import Any

from mkdocs.structure.files import File, Files

from gapdiag.checks.catalog import rule_catalog
from gapdiag.cli._reference import cli_reference


def on_files(files: Files, config: Any) -> Files:
    """Add the generated pages to the site's files."""
    files.append(File.generated(config, "reference/cli.md", content=cli_reference()))
    files.append(File.generated(config, "reference/rule-catalog.md", content=rule_catalog()))
    return files

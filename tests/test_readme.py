"""The README's promises hold: its commands match CI (its examples run in test_docs_examples)."""

from __future__ import annotations

import re

from .conftest import ROOT

README = (ROOT / "README.md").read_text()


def bash_blocks() -> list[str]:
    """The bash code blocks of the README, in order."""
    return re.findall(r"```bash\n(.*?)```", README, re.S)


def test_two_setup_commands_come_first_and_ci_runs_the_second() -> None:
    """The set-up section has two commands; .ci/run runs exactly the test command."""
    install, tests = (b.strip() for b in bash_blocks()[:2])
    assert "gapdiag diagnose examples/" in install
    assert tests.endswith("pytest")
    ci = (ROOT / ".ci" / "run").read_text()
    assert f'TEST_COMMAND="{tests}"' in ci

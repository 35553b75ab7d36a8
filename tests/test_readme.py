"""The README's promises hold: its commands match CI, and its example runs as shown."""

from __future__ import annotations

import re

from gapdiag import diagnose

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


def test_python_example_gives_the_shown_answer() -> None:
    """The README's Python example diagnoses a will gap at 0.6."""
    result = diagnose(
        {
            "rep_id": "rep-17",
            "period_start": "2026-07-01",
            "period_end": "2026-09-30",
            "as_of": "2026-08-14",
            "pipeline": {"quota": 150000, "closed_won": 30000},
            "activity": {"calls_per_day": 12, "meetings_per_week": 1},
            "territory": {"lead_volume_vs_team": 1.0, "territory_size_vs_team": 1.0},
        }
    )
    assert result.standing.status == "behind"
    assert result.primary_gap == "will"
    assert result.verdict("will").confidence == 0.6

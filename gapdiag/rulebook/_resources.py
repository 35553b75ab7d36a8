"""Find the default rule pack: bundled in the wheel, or the checkout's top-level rules/."""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent.parent
INTERVENTIONS_FILE = "interventions.yaml"
"""A pack's own drills, sessions and playbook (see ``interventions``)."""


def default_rules_dir() -> Path:
    """The folder of the shipped default rule pack."""
    bundled = _PACKAGE / "_rules"
    if bundled.is_dir():
        return bundled
    return _PACKAGE.parent / "rules"

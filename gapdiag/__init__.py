"""Diagnose why a sales rep is behind: metrics in, explained gap verdicts out.

The core (diagnose, explain, the result and input models, rule packs) is imported with the
package. The playbook, populations, rules-CI, what-if and plotting names are imported on
first use (PEP 562), so ``import gapdiag`` stays fast; ``from gapdiag import X`` works
the same for both.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from .diagnosis import (
    Check,
    Counterfactual,
    Diagnosis,
    Evidence,
    RulebookStamp,
    RuleTrace,
    TreeLeaf,
    TreeStep,
    TreeStop,
    Undetermined,
    Verdict,
)
from .engine import diagnose, trace
from .errors import (
    BackendUnavailable,
    ExpressionError,
    GapdiagError,
    InvalidArgument,
    InvalidMetrics,
    Problem,
    RuleFileError,
)
from .explain import explain
from .gaps import GAPS, Gap, Status
from .interventions import Drill, Interventions, load_interventions
from .metrics import RepMetrics, Targets
from .rule import Example, Rule
from .rulebook import Rulebook, load_rules
from .team import TeamStats
from .tree import DecisionTree, Leaf, Question

if TYPE_CHECKING:  # pragma: no cover - type checkers see every name eagerly
    from .batch import Batch, Summary, diagnose_many
    from .catalog import rule_catalog
    from .changes import MetricChange
    from .escalation import Escalation, escalate
    from .examples import ExampleResult, run_examples
    from .history import RepHistory, Trend, history_from_rows, read_history_csv
    from .pack_diff import PackDiff, diff_packs
    from .plan import CoachingPlan, plan
    from .playbook import Focus, Goal
    from .plots import plot_leading_indicators, plot_team_heatmap
    from .scorecard import Scorecard
    from .verify import Finding, check_pack, verify_pack
    from .whatif import VerdictShift, WhatIf, what_if

_LAZY = {
    "Batch": "batch",
    "Summary": "batch",
    "diagnose_many": "batch",
    "rule_catalog": "catalog",
    "MetricChange": "changes",
    "Escalation": "escalation",
    "escalate": "escalation",
    "ExampleResult": "examples",
    "run_examples": "examples",
    "RepHistory": "history",
    "Trend": "history",
    "history_from_rows": "history",
    "read_history_csv": "history",
    "PackDiff": "pack_diff",
    "diff_packs": "pack_diff",
    "CoachingPlan": "plan",
    "plan": "plan",
    "Focus": "playbook",
    "Goal": "playbook",
    "plot_leading_indicators": "plots",
    "plot_team_heatmap": "plots",
    "Scorecard": "scorecard",
    "Finding": "verify",
    "check_pack": "verify",
    "verify_pack": "verify",
    "VerdictShift": "whatif",
    "WhatIf": "whatif",
    "what_if": "whatif",
}


def __getattr__(name: str) -> Any:
    """Import a lazily exported name on first use."""
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'gapdiag' has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    """Every public name, imported or not yet."""
    return sorted(__all__)


__all__ = [  # noqa: RUF022 - plain sorted() order, pinned by tests/test_public_api.py
    "BackendUnavailable",
    "Batch",
    "Check",
    "CoachingPlan",
    "Counterfactual",
    "DecisionTree",
    "Diagnosis",
    "Drill",
    "Escalation",
    "Evidence",
    "Example",
    "ExampleResult",
    "ExpressionError",
    "Finding",
    "Focus",
    "GAPS",
    "Gap",
    "GapdiagError",
    "Goal",
    "Interventions",
    "InvalidArgument",
    "InvalidMetrics",
    "Leaf",
    "MetricChange",
    "PackDiff",
    "Problem",
    "Question",
    "RepHistory",
    "RepMetrics",
    "Rule",
    "RuleFileError",
    "RuleTrace",
    "Rulebook",
    "RulebookStamp",
    "Scorecard",
    "Status",
    "Summary",
    "Targets",
    "TeamStats",
    "TreeLeaf",
    "TreeStep",
    "TreeStop",
    "Trend",
    "Undetermined",
    "Verdict",
    "VerdictShift",
    "WhatIf",
    "check_pack",
    "diagnose",
    "diagnose_many",
    "diff_packs",
    "escalate",
    "explain",
    "history_from_rows",
    "load_interventions",
    "load_rules",
    "plan",
    "plot_leading_indicators",
    "plot_team_heatmap",
    "read_history_csv",
    "rule_catalog",
    "run_examples",
    "trace",
    "verify_pack",
    "what_if",
]

"""Diagnose why a sales rep is behind: metrics in, explained gap verdicts out."""

from .catalog import rule_catalog
from .changes import MetricChange
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
from .metrics import RepMetrics, Targets
from .plots import plot_leading_indicators, plot_team_heatmap
from .rulebook import Example, Rule, Rulebook, load_rules
from .tree import DecisionTree, Leaf, Question
from .walk import walk
from .whatif import VerdictShift, WhatIf, what_if

__all__ = [  # noqa: RUF022 - plain sorted() order, pinned by tests/test_public_api.py
    "BackendUnavailable",
    "Check",
    "Counterfactual",
    "DecisionTree",
    "Diagnosis",
    "Evidence",
    "Example",
    "ExpressionError",
    "GAPS",
    "Gap",
    "GapdiagError",
    "InvalidArgument",
    "InvalidMetrics",
    "Leaf",
    "MetricChange",
    "Problem",
    "Question",
    "RepMetrics",
    "Rule",
    "RuleFileError",
    "RuleTrace",
    "Rulebook",
    "RulebookStamp",
    "Status",
    "Targets",
    "TreeLeaf",
    "TreeStep",
    "TreeStop",
    "Undetermined",
    "Verdict",
    "VerdictShift",
    "WhatIf",
    "diagnose",
    "explain",
    "load_rules",
    "plot_leading_indicators",
    "plot_team_heatmap",
    "rule_catalog",
    "trace",
    "walk",
    "what_if",
]

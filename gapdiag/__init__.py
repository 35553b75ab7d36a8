"""Diagnose why a sales rep is behind: metrics in, explained gap verdicts out."""

from .diagnosis import (
    Check,
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
from .rulebook import Example, Rule, Rulebook, load_rules
from .tree import DecisionTree, Leaf, Question
from .walk import walk

__all__ = [  # noqa: RUF022 - plain sorted() order, pinned by tests/test_public_api.py
    "BackendUnavailable",
    "Check",
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
    "diagnose",
    "explain",
    "load_rules",
    "trace",
    "walk",
]

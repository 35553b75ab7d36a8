"""Diagnose why a sales rep is behind: metrics in, explained gap verdicts out."""

from .batch import Batch, Summary, diagnose_many
from .diagnosis import (
    Check,
    Diagnosis,
    Evidence,
    RulebookStamp,
    RuleTrace,
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
from .team import TeamStats

__all__ = [  # noqa: RUF022 - plain sorted() order, pinned by tests/test_public_api.py
    "BackendUnavailable",
    "Batch",
    "Check",
    "Diagnosis",
    "Evidence",
    "Example",
    "ExpressionError",
    "GAPS",
    "Gap",
    "GapdiagError",
    "InvalidArgument",
    "InvalidMetrics",
    "Problem",
    "RepMetrics",
    "Rule",
    "RuleFileError",
    "RuleTrace",
    "Rulebook",
    "RulebookStamp",
    "Status",
    "Summary",
    "Targets",
    "TeamStats",
    "Undetermined",
    "Verdict",
    "diagnose",
    "diagnose_many",
    "explain",
    "load_rules",
    "trace",
]

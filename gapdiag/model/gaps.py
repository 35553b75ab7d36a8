"""The four gap types and the statuses a verdict on one can take."""

from __future__ import annotations

from typing import Literal

Gap = Literal["skill", "will", "knowledge", "system"]
"""The four gap types: can't do it live (skill), doesn't (will), doesn't know (knowledge),
or the process, tools or territory are broken (system)."""
GAPS: tuple[Gap, ...] = ("system", "will", "skill", "knowledge")
"""Every gap, in tie-break order: a system gap is named first because it must be fixed first."""

Status = Literal["confirmed", "suspected", "unlikely", "unknown"]
"""A verdict's status: confirmed or suspected by combined certainty, unlikely below that,
or unknown while missing data could still make the gap suspected."""
FOUND: frozenset[Status] = frozenset({"confirmed", "suspected"})
"""The statuses of a gap the rules name: confirmed or suspected."""
CONFIRMED_AT = 0.7
"""Combined certainty from which a gap is confirmed."""
SUSPECTED_AT = 0.3
"""Combined certainty from which a gap is suspected."""

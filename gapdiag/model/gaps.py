"""The four gap types and the statuses a verdict on one can take."""

from __future__ import annotations

from typing import Literal

Gap = Literal["skill", "will", "knowledge", "system"]
GAPS: tuple[Gap, ...] = ("system", "will", "skill", "knowledge")
"""Every gap, in tie-break order: a system gap is named first because it must be fixed first."""

Status = Literal["confirmed", "suspected", "unlikely", "unknown"]
CONFIRMED_AT = 0.7
"""Combined certainty from which a gap is confirmed."""
SUSPECTED_AT = 0.3
"""Combined certainty from which a gap is suspected."""

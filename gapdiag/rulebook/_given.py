"""The part every example shares: a rep given as partial metrics, optional targets and team."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel, ConfigDict, field_validator

from gapdiag.model.metrics import RepMetrics, Targets
from gapdiag.model.team import TeamStats

EXAMPLE_REP_ID = "example"


class Given(BaseModel):
    """A rep (partial metrics; rep_id may be left out), target overrides and team values."""

    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)

    given: RepMetrics
    targets: Targets | None = None
    team: TeamStats | None = None

    @field_validator("given", mode="before")
    @classmethod
    def _default_rep_id(cls, value: Any) -> Any:
        if isinstance(value, Mapping) and "rep_id" not in value:
            return {"rep_id": EXAMPLE_REP_ID, **value}
        return value

"""Column mappings for CRM exports: which header holds what, which stage means won or lost.

Presets follow the report headers Salesforce and HubSpot write by default, and the
public "CRM sales opportunities" sample data (``maven``: sales_pipeline.csv and
sales_teams.csv); a team's own mapping is a YAML file that may start from a preset
(``extends: hubspot``) and change column names, stage values, activity types and date
formats. Quota sheets and teams files are not CRM reports: every preset reads them with
the plain headers in ``QuotaColumns`` and ``TeamColumns`` unless a mapping says otherwise.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from gapdiag.model._suggest import did_you_mean
from gapdiag.model._validation import problems_from, show_value
from gapdiag.model.errors import InvalidArgument, InvalidMetrics
from gapdiag.rulebook._yaml import read_yaml


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    @field_validator("*", mode="after")
    @classmethod
    def _not_blank(cls, value: object) -> object:
        """A column name or a listed value is never empty (it would match nothing)."""
        listed = value if isinstance(value, tuple) else (value,)
        if any(isinstance(v, str) and not v.strip() for v in listed):
            raise ValueError("is empty (expected a column name or a value the export writes)")
        return value


SEPARATORS = r"[\s_-]+"


def folded(value: str) -> str:
    """A stage, type or outcome value as exports' cells are matched to it: lower case,
    without spaces, '_' or '-' ('Closed Won', 'closed-won' and HubSpot's 'closedwon')."""
    return re.sub(SEPARATORS, "", value.lower())


def _one_meaning(groups: Mapping[str, tuple[str, ...] | None], what: str) -> None:
    """Refuse a value listed in two groups (compared `folded`, as exports are read).

    Raises:
        ValueError: naming the value and the two groups.
    """
    seen: dict[str, str] = {}
    for group, values in groups.items():
        for value in values or ():
            other = seen.setdefault(folded(value), group)
            if other != group:
                raise ValueError(
                    f"{value!r} is under both {other} and {group}: a {what} has one meaning"
                )


FlagForm = Literal["true/false", "1/0", "1/empty", "yes/no", "X/empty"]
FLAG_FORMS: dict[str, tuple[str, str]] = {
    "true/false": ("true", "false"),
    "1/0": ("1", "0"),
    "1/empty": ("1", ""),
    "yes/no": ("yes", "no"),
    "X/empty": ("x", ""),
}
"""How exports write a yes-or-no column: form -> (the true cell, the false cell), any case."""


def flag_forms_text(forms: Sequence[str]) -> str:
    """The forms as a person reads them: 'true/false, 1/0 or 1/empty'."""
    return " or ".join([", ".join(forms[:-1]), forms[-1]]) if len(forms) > 1 else forms[0]


class OpportunityColumns(_Frozen):
    """Where an opportunity export keeps each field, and what its stage values mean."""

    owner: str = Field(description="Column naming the rep who owns the deal.")
    stage: str
    amount: str | tuple[str, ...] = Field(
        description="Deal amount; several columns (an actual and an estimated revenue): the "
        "first non-empty one."
    )
    created: str
    closed: str | tuple[str, ...] = Field(
        description="Close date: actual once closed, expected while open; several columns "
        "(a won date and a lost date): the first non-empty one."
    )
    won: tuple[str, ...] = Field(min_length=1, description="Stage values that mean won.")
    lost: tuple[str, ...] = Field(min_length=1, description="Stage values that mean lost.")
    open: tuple[str, ...] | None = Field(
        default=None, description="Stage values that mean open; None: every other value."
    )
    deleted: tuple[str, ...] | None = Field(
        default=None,
        description="Stage values of deals deleted in the CRM (Pipedrive's status "
        "'deleted'): left out and listed, neither won, lost nor open.",
    )
    amount_unit: Literal["currency", "cents"] = Field(
        default="currency",
        description="cents: amounts are written in hundredths of the currency (Close's "
        "'value' column: 50000 is $500).",
    )
    date_formats: tuple[str, ...] = ("%Y-%m-%d",)
    account: str | None = Field(
        default=None, description="Column naming the account; territory size and meeting joins."
    )
    won_flag: str | None = Field(
        default=None,
        description="Column TRUE for a won deal (Salesforce IsWon); with closed_flag it "
        "decides won, lost and open instead of the stage values.",
    )
    closed_flag: str | None = Field(
        default=None, description="Column TRUE for a closed deal, won or lost (IsClosed)."
    )
    deleted_flag: str | None = Field(
        default=None,
        description="Column TRUE for a deal deleted in the CRM (Salesforce IsDeleted, kept "
        "by Data Loader's Export All and by warehouse syncs): such a deal is left out and "
        "listed; an export without the column is read whole.",
    )
    flag_forms: tuple[FlagForm, ...] = Field(
        default=("true/false", "1/0", "1/empty", "yes/no", "X/empty"),
        min_length=1,
        description="How the flag columns write yes and no (any case); an empty cell is "
        "no only under 1/empty or X/empty.",
    )

    @model_validator(mode="after")
    def _flags_together(self) -> OpportunityColumns:
        if (self.won_flag is None) != (self.closed_flag is None):
            raise ValueError("won_flag and closed_flag go together: give both or neither")
        groups = {"won": self.won, "lost": self.lost, "open": self.open, "deleted": self.deleted}
        _one_meaning(groups, "stage")
        return self


class ActivityColumns(_Frozen):
    """Where an activity export keeps each field, and which type values are which activity."""

    owner: str
    type: str | tuple[str, ...] | None = Field(
        default=None,
        description="Column with the activity type; several: the first non-empty one.",
    )
    every_row: Literal["calls", "emails", "meetings"] | None = Field(
        default=None,
        description="Every row is this kind of activity (a calls-only export has no type "
        "column); when given, no type column is read.",
    )
    timestamp: str
    duration: str | None = None
    duration_unit: Literal["milliseconds", "seconds", "minutes"] = "seconds"
    calls: tuple[str, ...] = ("Call",)
    emails: tuple[str, ...] = ("Email",)
    meetings: tuple[str, ...] = ("Meeting",)
    date_formats: tuple[str, ...] = ("%Y-%m-%d",)
    outcome: str | None = Field(default=None, description="Column with the call/meeting outcome.")
    not_held: tuple[str, ...] = Field(
        default=("Canceled", "Cancelled", "No show", "CANCELED", "NO_SHOW"),
        description="Outcome values of activities that did not take place (not counted).",
    )
    account: str | None = Field(
        default=None, description="Column naming the account met; joins meetings to deals."
    )
    deleted_flag: str | None = Field(
        default=None,
        description="Column TRUE for an activity deleted in the CRM (Salesforce IsDeleted): "
        "left out and listed; yes and no in any of the five flag forms.",
    )
    connected: tuple[str, ...] | None = Field(
        default=None,
        description="Outcome values of calls that connected: only their durations make the "
        "average call length (None: every call longer than 0:00).",
    )

    @model_validator(mode="after")
    def _types_apart(self) -> ActivityColumns:
        if self.type is None and self.every_row is None:
            raise ValueError(
                "give type (the column with the activity type) or every_row (calls, emails "
                "or meetings: the kind of every row of an export of one kind)"
            )
        kinds = {"calls": self.calls, "emails": self.emails, "meetings": self.meetings}
        _one_meaning(kinds, "type")
        return self


class QuotaColumns(_Frozen):
    """Where a quota sheet keeps each field: one row per rep and period."""

    rep: str = "Rep"
    period: str = Field(default="Period", description="2017-Q2, 2017-05, 2017-W14 or 2017.")
    quota: str = "Quota"
    commit: str | None = "Commit"
    forecast: str | None = "Forecast"


class TeamColumns(_Frozen):
    """Where a teams file keeps each field: one row per rep."""

    rep: str = "Rep"
    team: str = "Team"
    manager: str | None = "Manager"
    region: str | None = "Region"


class CrmMapping(_Frozen):
    """A complete mapping: opportunities, activities, quota sheet and teams file."""

    opportunities: OpportunityColumns | None = None
    activities: ActivityColumns | None = None
    quotas: QuotaColumns = QuotaColumns()
    teams: TeamColumns = TeamColumns()


# the last: a report re-saved by Excel (en-US) turns '1/8/2024 9:14 AM' into '1/8/2024 9:14'
_SF_DATES = ("%m/%d/%Y", "%m/%d/%Y %I:%M %p", "%Y-%m-%d", "%m/%d/%Y %H:%M")
_HS_DATES = ("%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d")

PRESETS: Mapping[str, CrmMapping] = {
    "salesforce": CrmMapping(
        opportunities=OpportunityColumns(
            owner="Opportunity Owner",
            stage="Stage",
            amount="Amount",
            created="Created Date",
            closed="Close Date",
            won=("Closed Won",),
            lost=("Closed Lost",),
            date_formats=_SF_DATES,
            account="Account Name",
        ),
        activities=ActivityColumns(
            owner="Assigned",
            type=("Task Subtype", "Event Subtype"),
            timestamp="Date",
            duration="Call Duration",
            calls=("Call",),
            emails=("Email",),
            meetings=("Event", "Meeting"),
            date_formats=_SF_DATES,
            outcome="Outcome",
            account="Company / Account",
        ),
    ),
    "hubspot": CrmMapping(
        opportunities=OpportunityColumns(
            owner="Deal owner",
            stage="Deal Stage",
            amount="Amount",
            created="Create Date",
            closed="Close Date",
            won=("Closed won",),
            lost=("Closed lost",),
            date_formats=_HS_DATES,
            account="Associated Company",
        ),
        activities=ActivityColumns(
            owner="Activity assigned to",
            type="Activity type",
            timestamp="Activity date",
            duration="Call duration (ms)",
            duration_unit="milliseconds",
            calls=("CALL",),
            emails=("EMAIL",),
            meetings=("MEETING",),
            date_formats=_HS_DATES,
            outcome="Outcome",
            account="Associated Company",
        ),
    ),
    "maven": CrmMapping(
        opportunities=OpportunityColumns(
            owner="sales_agent",
            stage="deal_stage",
            amount="close_value",
            created="engage_date",
            closed="close_date",
            won=("Won",),
            lost=("Lost",),
            open=("Engaging", "Prospecting"),
            account="account",
        ),
        teams=TeamColumns(
            rep="sales_agent", team="manager", manager="manager", region="regional_office"
        ),
    ),
    "salesforce_export": CrmMapping(  # Setup > Data Export: Opportunity.csv, Task.csv, Event.csv
        opportunities=OpportunityColumns(
            owner="OwnerId",
            stage="StageName",
            amount="Amount",
            created="CreatedDate",
            closed="CloseDate",
            won=("Closed Won",),
            lost=("Closed Lost",),
            won_flag="IsWon",
            closed_flag="IsClosed",
            deleted_flag="IsDeleted",
            # Data Export and Data Loader write true/false, reports 1/0, Workbench 1/empty
            flag_forms=("true/false", "1/0", "1/empty"),
            account="AccountId",
        ),
        activities=ActivityColumns(
            owner="OwnerId",
            type=("TaskSubtype", "EventSubtype"),
            timestamp="ActivityDate",
            duration="CallDurationInSeconds",
            calls=("Call",),
            emails=("Email",),
            meetings=("Event",),
            account="AccountId",
            deleted_flag="IsDeleted",
        ),
    ),
}
"""Report headers as the two CRMs export them by default (see docs/ingest.md)."""


def load_mapping(spec: str | Path | CrmMapping) -> CrmMapping:
    """A preset by name ('salesforce', 'hubspot'), a mapping YAML file, or a CrmMapping.

    A YAML file may say ``extends: <preset>`` and give only what differs, group by group.

    Raises:
        InvalidArgument: an unknown preset name or a file that cannot be read.
        InvalidMetrics: a mapping that does not validate (field, value, expectation).
    """
    if isinstance(spec, CrmMapping):
        return spec
    if str(spec) in PRESETS:
        return PRESETS[str(spec)]
    path = Path(spec)
    if not path.exists():
        raise InvalidArgument(
            f"mapping: {str(spec)!r} is neither a preset ({', '.join(PRESETS)}) nor a file"
            f"{did_you_mean(str(spec), PRESETS)}"
        )
    doc = read_yaml(path)
    if doc.error is not None or not isinstance(doc.data, dict):
        raise InvalidArgument(f"{path}: {doc.error or 'a mapping file must be a YAML mapping'}")
    return _validated(path, _extended(path, dict(doc.data)))


def _extended(path: Path, data: dict[str, Any]) -> dict[str, Any]:
    base_name = data.pop("extends", None)
    if base_name is None:
        return data
    if not isinstance(base_name, str):
        raise InvalidArgument(
            f"{path}: extends: {show_value(base_name)} is not a preset name "
            f"(expected one of {', '.join(PRESETS)})"
        )
    if base_name not in PRESETS:
        hint = did_you_mean(str(base_name), PRESETS)
        raise InvalidArgument(f"{path}: extends: {base_name!r} is not a preset{hint}")
    merged = PRESETS[base_name].model_dump()
    for group, values in data.items():
        if isinstance(values, dict) and isinstance(merged.get(group), dict):
            merged[group] = {**merged[group], **values}
        else:
            merged[group] = values
    return merged


def _validated(path: Path, data: dict[str, Any]) -> CrmMapping:
    try:
        return CrmMapping.model_validate(data)
    except ValidationError as error:
        raise InvalidMetrics(problems_from(error, CrmMapping), source=str(path)) from None

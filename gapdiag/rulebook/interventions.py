"""The coaching playbook as data: per gap the approach, drills, leading indicators and sessions.

It is read from ``interventions.yaml`` in a rule pack folder (the shipped one is
``rules/interventions.yaml``) and validated like a rule file: every problem at once, each
with file and line, unknown names with a did-you-mean.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from gapdiag.model._result import Worded
from gapdiag.model._suggest import did_you_mean
from gapdiag.model._validation import dotted, problems_from
from gapdiag.model.derived import DERIVED
from gapdiag.model.errors import InvalidArgument, Problem, RuleFileError
from gapdiag.model.gaps import GAPS, Gap
from gapdiag.model.labels import label_of, sentence, show
from gapdiag.model.metrics import METRICS, TARGETS, Targets
from gapdiag.rulebook._resources import INTERVENTIONS_FILE, default_rules_dir
from gapdiag.rulebook._yaml import YamlDoc, read_yaml

INDICATOR_NAMES = (*METRICS, *(f"derived.{name}" for name in DERIVED))
"""Every name a leading indicator may watch: a metric or a derived quantity."""

Weekday = Literal["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
WEEKDAYS: tuple[Weekday, ...] = (
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
)
_ID = r"^[a-z0-9][a-z0-9-]*$"


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)


def _known_indicator(name: str) -> str:
    if name not in INDICATOR_NAMES:
        raise ValueError(f"unknown metric {name!r}{did_you_mean(name, INDICATOR_NAMES)}")
    return name


IndicatorName = Annotated[str, AfterValidator(_known_indicator)]


class Indicator(Worded, _Frozen):
    """A leading indicator to watch, its target, and which direction is progress."""

    metric: IndicatorName
    target: float | str = Field(description="A number, or a target name: target.<name>.")
    better: Literal["higher", "lower"]
    floor: float | None = Field(
        default=None,
        description="Where the rules start to count the indicator as evidence of the gap, "
        "when that is short of the target (the target is the aim, the floor the bar).",
    )

    @model_validator(mode="after")
    def _floor_on_the_worse_side(self) -> Indicator:
        goal, floor, up = self.target, self.floor, self.better == "higher"
        if (
            floor is not None
            and isinstance(goal, float | int)
            and not (floor < goal if up else floor > goal)
        ):
            side = "under" if up else "over"
            raise ValueError(f"floor {floor} of {self.metric}: expected {side} its target")
        return self

    @field_validator("target")
    @classmethod
    def _known_target(cls, value: float | str) -> float | str:
        if isinstance(value, str):
            name = value.removeprefix("target.")
            if not value.startswith("target.") or name not in TARGETS:
                hint = did_you_mean(name, TARGETS)
                raise ValueError(f"{value!r} is not a number or target.<name>{hint}")
        return value

    def target_value(self, targets: Targets) -> float:
        """The indicator's target as a number, read from `targets` when it names one.

        Raises:
            InvalidArgument: the named target is set to null (unknown) by the team.
        """
        if isinstance(self.target, str):
            value = getattr(targets, self.target.removeprefix("target."))
            if value is None:
                raise InvalidArgument(f"{self.target}: is null, but {self.metric} needs a goal")
            return float(value)
        return self.target

    def is_met(self, value: float, targets: Targets) -> bool:
        """Whether `value` is at or past the target in the better direction."""
        goal = self.target_value(targets)
        return value >= goal if self.better == "higher" else value <= goal

    def _words(self) -> str:
        label = sentence(label_of(self.metric).label)
        if isinstance(self.target, str):
            target = f"the {self.target.removeprefix('target.').replace('_', ' ')} target"
        else:
            target = show(self.metric, self.target)
        floor = floor_words(self.metric, self.floor, self.better)
        return f"{label} against {target} ({self.better} is better{floor})"


def floor_words(metric: str, floor: float | bool | None, better: Literal["higher", "lower"]) -> str:
    """'; under 20% counts as evidence of the gap' for an indicator with a floor, else ''."""
    if floor is None:
        return ""
    side = "under" if better == "higher" else "over"
    return f"; {side} {show(metric, floor)} counts as evidence of the gap"


class Drill(Worded, _Frozen):
    """A short practice exercise the manager runs with the rep."""

    id: str = Field(pattern=_ID, max_length=80)
    name: str = Field(min_length=1)
    gaps: tuple[Gap, ...] = Field(min_length=1)
    minutes: int = Field(ge=1, le=240)
    how: str = Field(min_length=1)
    look_for: str = Field(min_length=1)
    indicators: tuple[IndicatorName, ...] = ()

    def _words(self) -> str:
        return f"{self.name} ({self.minutes} min)"


class GapPlaybook(Worded, _Frozen):
    """How to coach one gap: the approach, drills, indicators, sessions and manager actions."""

    approach: str = Field(min_length=1)
    drills: tuple[str, ...] = ()
    sessions: tuple[str, ...] = Field(min_length=1)
    indicators: tuple[Indicator, ...] = Field(min_length=1)
    actions: tuple[str, ...] = ()

    def _words(self) -> str:
        return self.approach


class Gaps(Worded, _Frozen):
    """One playbook per gap; all four are required."""

    skill: GapPlaybook
    will: GapPlaybook
    knowledge: GapPlaybook
    system: GapPlaybook

    def _words(self) -> str:
        return "playbooks for skill, will, knowledge and system gaps"


class WeeklySession(Worded, _Frozen):
    """One session of the weekly coaching rhythm."""

    id: str = Field(pattern=_ID, max_length=40)
    day: Weekday
    time: dt.time
    minutes: int = Field(ge=1, le=480)
    who: Literal["manager", "rep", "both"]
    title: str = Field(min_length=1)
    what: str = Field(min_length=1)

    def _words(self) -> str:
        return f"{self.day} {self.time}, {self.minutes} min, {self.who}: {self.title}"


class Phase(Worded, _Frozen):
    """One stage of the 30/60/90-day ownership build, by day of the plan (day 1 = start)."""

    first_day: int = Field(ge=1)
    last_day: int = Field(ge=1)
    name: str = Field(min_length=1)
    what: str = Field(min_length=1)

    def _words(self) -> str:
        return f"Days {self.first_day} to {self.last_day}: {self.name}"


class Interventions(Worded, _Frozen):
    """The whole playbook library: drills, per-gap playbooks, the weekly rhythm and phases."""

    drills: tuple[Drill, ...]
    gaps: Gaps
    weekly: tuple[WeeklySession, ...] = Field(min_length=1)
    phases: tuple[Phase, ...] = ()
    source: str | None = None

    def drill(self, drill_id: str) -> Drill:
        """Look a drill up by id.

        Raises:
            InvalidArgument: no drill has that id (with the nearest id, if one is close).
        """
        for drill in self.drills:
            if drill.id == drill_id:
                return drill
        hint = did_you_mean(drill_id, [d.id for d in self.drills])
        raise InvalidArgument(f"drill: no drill {drill_id!r}{hint}")

    def playbook(self, gap: Gap) -> GapPlaybook:
        """The playbook for one gap."""
        playbook: GapPlaybook = getattr(self.gaps, gap)
        return playbook

    def _words(self) -> str:
        return (
            f"{len(self.drills)} drills, {len(self.weekly)} weekly sessions, "
            f"{len(self.phases)} phases from {self.source}"
        )


def interventions_file(path: str | Path | None) -> Path:
    """The interventions file of a pack folder (or the file itself); the shipped one by default."""
    if path is None:
        return default_rules_dir() / INTERVENTIONS_FILE
    given = Path(path)
    if given.is_dir():
        own = given / INTERVENTIONS_FILE
        return own if own.exists() else default_rules_dir() / INTERVENTIONS_FILE
    return given


def load_interventions(path: str | Path | None = None) -> Interventions:
    """Load and validate an interventions file, or a pack folder's; None loads the shipped one.

    Raises:
        RuleFileError: listing every problem with file and line.
    """
    file = interventions_file(path).resolve()
    try:
        stat = file.stat()
    except OSError:
        raise RuleFileError(file, [Problem("(file)", "no such file")]) from None
    return _load_cached(file, stat.st_size, stat.st_mtime_ns)


@lru_cache(maxsize=16)
def _load_cached(file: Path, size: int, mtime: int) -> Interventions:
    doc = read_yaml(file)
    if doc.error is not None:
        raise RuleFileError(file, [doc.error])
    problems = doc.odd_keys(())
    if not problems:
        try:
            library = Interventions.model_validate(doc.data)
        except ValidationError as error:
            problems = list(problems_from(error, Interventions, line_of=doc.line_of))
        else:
            problems = list(_cross_references(library, doc))
    if problems:
        raise RuleFileError(file, problems)
    return library.model_copy(update={"source": str(file)})


def _cross_references(library: Interventions, doc: YamlDoc) -> Iterator[Problem]:
    """Ids that must be unique, and ids that must name something defined in the file."""
    drills = {d.id: d for d in library.drills}
    sessions = [s.id for s in library.weekly]
    for kind, ids in (("drill", [d.id for d in library.drills]), ("session", sessions)):
        seen: set[str] = set()
        section = "drills" if kind == "drill" else "weekly"
        for index, item in enumerate(ids):
            if item in seen:
                yield Problem(
                    f"{section}[{index}].id",
                    f"duplicate {kind} id {item!r}",
                    doc.line_of((section, index, "id")),
                )
            seen.add(item)
    for gap in GAPS:
        playbook = library.playbook(gap)
        for index, drill_id in enumerate(playbook.drills):
            where = ("gaps", gap, "drills", index)
            if drill_id not in drills:
                hint = did_you_mean(drill_id, drills)
                yield Problem(
                    dotted(where), f"unknown drill {drill_id!r}{hint}", doc.line_of(where)
                )
            elif gap not in drills[drill_id].gaps:
                message = f"drill {drill_id!r} is not marked for the {gap} gap"
                yield Problem(dotted(where), message, doc.line_of(where))
        for index, session in enumerate(playbook.sessions):
            where = ("gaps", gap, "sessions", index)
            if session not in sessions:
                hint = did_you_mean(session, sessions)
                yield Problem(
                    dotted(where), f"unknown session {session!r}{hint}", doc.line_of(where)
                )
    yield from _phase_problems(library.phases, doc)


def _phase_problems(phases: tuple[Phase, ...], doc: YamlDoc) -> Iterator[Problem]:
    expected = 1
    for index, phase in enumerate(phases):
        where = ("phases", index, "first_day")
        if phase.first_day != expected:
            message = f"phase starts on day {phase.first_day}; expected day {expected}"
            yield Problem(dotted(where), message, doc.line_of(where))
        if phase.last_day < phase.first_day:
            message = f"last_day {phase.last_day} is before first_day {phase.first_day}"
            yield Problem(dotted(("phases", index, "last_day")), message, doc.line_of(where))
        expected = phase.last_day + 1

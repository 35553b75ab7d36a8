"""The base of every result model: frozen, strict, and buildable without validation."""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from typing import Any, Self

from pydantic import BaseModel, ConfigDict

_new = object.__new__
_set = object.__setattr__
PART_RENDERERS: dict[str, Callable[[Any], str]] = {}
"""The notebook room's renderer of any result part as HTML (registered when it is imported)."""


@cache
def _field_set(cls: type[BaseModel]) -> set[str]:
    return set(cls.model_fields)


class Result(BaseModel):
    """A frozen result model; `trusted` builds one from values gapdiag computed itself."""

    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)

    @classmethod
    def trusted(cls, values: dict[str, Any]) -> Self:
        """Build from values gapdiag computed itself, skipping validation (a hot path).

        `values` must hold every field, and is taken over (not copied). The property tests
        hold that such objects equal their validated JSON round trip, so this never builds
        what validation would refuse.
        """
        obj = _new(cls)
        _set(obj, "__dict__", values)
        # One shared set: pydantic copies it before any change (model_copy), never mutates it.
        _set(obj, "__pydantic_fields_set__", _field_set(cls))
        _set(obj, "__pydantic_extra__", None)
        _set(obj, "__pydantic_private__", None)
        return obj

    def _repr_html_(self) -> str:
        """Rich display in notebooks: the part in a manager's words."""
        return PART_RENDERERS["html"](self)

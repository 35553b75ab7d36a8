"""The base of every result model: frozen, strict, and buildable without validation."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, Self, cast

from pydantic import BaseModel, ConfigDict, SerializerFunctionWrapHandler, model_serializer

if TYPE_CHECKING:  # pragma: no cover - typing only (pydantic.json_schema is slow to import)
    from pydantic import GetJsonSchemaHandler
    from pydantic.json_schema import JsonSchemaValue
    from pydantic_core import CoreSchema

_new = object.__new__
_set = object.__setattr__
PART_RENDERERS: dict[str, Callable[[Any], str]] = {}
"""The notebook room's renderers of any result part, as HTML and as a line of text
(registered when it is imported)."""
REPR_MAX = 200
"""The longest repr, in characters: a line a person reads at a glance."""


def clip(text: str, most: int = REPR_MAX) -> str:
    """`text` on one line, cut to `most` characters with an ellipsis."""
    line = " ".join(text.split())
    return line if len(line) <= most else line[: most - 1].rstrip() + "…"


class Worded:
    """Mixin: a result's repr and str are a line in a person's words, not a dump of fields.

    A class says its line in `_words`; ``repr`` shows it as ``<Name: words>`` cut to
    `REPR_MAX` characters, ``str`` whole. The fields stay where they are (attributes,
    ``model_dump``, JSON).
    """

    __slots__ = ()

    def _words(self) -> str:
        raise NotImplementedError  # pragma: no cover - every worded class says its line

    def __repr__(self) -> str:
        return f"<{type(self).__name__}: {clip(self._words())}>"

    def __str__(self) -> str:
        return self._words()


_FIELD_SETS: dict[type[BaseModel], set[str]] = {}
"""Each result class's field names, as `trusted` marks them all set (one shared set)."""
_set_fields = BaseModel.__dict__["__pydantic_fields_set__"].__set__  # the slots themselves:
_set_extra = BaseModel.__dict__["__pydantic_extra__"].__set__  # faster than object.__setattr__
_set_private = BaseModel.__dict__["__pydantic_private__"].__set__


class Result(Worded, BaseModel):
    """A frozen result model; `trusted` builds one from values gapdiag computed itself.

    Its repr and str are the notebook room's line of text for it (`Worded`).
    """

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
        fields = _FIELD_SETS.get(cls)
        if fields is None:
            fields = _FIELD_SETS[cls] = set(cls.model_fields)
        _set_fields(obj, fields)
        _set_extra(obj, None)
        _set_private(obj, None)
        return obj

    def _repr_html_(self) -> str:
        """Rich display in notebooks: the part in a manager's words."""
        return PART_RENDERERS["html"](self)

    def _words(self) -> str:
        return PART_RENDERERS["text"](self)


_LATER = "later"
"""The key under which a deferred result keeps what works out its remaining fields."""

Later = Callable[[Sequence[str]], dict[str, Any]]
"""Works out the named fields of a result (and any worked out with them), by name."""


class Deferred(Result):
    """A result some of whose fields are worked out the first time anything needs them.

    `deferred` builds one with the cheap fields at once and a function for the rest (a
    rule's because-text and comparisons, a diagnosis's decision-tree walk, which most
    callers of ``diagnose`` never read). Reading a field works out that field (and what
    the function works out with it); serializing (``model_dump``, JSON), comparing,
    hashing, copying, pickling or printing the object works out every field first, so it
    behaves in every way as if it had been built whole. The function is asked for each
    field at most once per object.
    """

    @classmethod
    def deferred(cls, values: dict[str, Any], later: Later) -> Self:
        """Build from `values` now; `later(names)` gives the named other fields on first need."""
        obj = cls.trusted(values)
        _set(obj, "__pydantic_private__", {_LATER: later})
        return obj

    def _complete(self, name: str | None = None) -> None:
        """Work out field `name` (with what comes with it), or every field when None."""
        pending = object.__getattribute__(self, "__pydantic_private__")
        if not pending:
            return
        values = self.__dict__  # built by `trusted` for this object alone: filled in place
        fields = type(self).__pydantic_fields__  # model_fields, without its property's cost
        wanted = [name] if name is not None else [field for field in fields if field not in values]
        values.update(pending[_LATER](wanted))
        if len(values) < len(fields):
            return
        # field order, as a whole build has it (repr and iteration follow the dict)
        _set(self, "__dict__", {field: values[field] for field in fields})
        _set(self, "__pydantic_private__", None)

    def _pending(self) -> Any:
        """What works out the fields not worked out yet (None once every field is)."""
        pending = object.__getattribute__(self, "__pydantic_private__")
        return pending[_LATER] if pending else None

    def __getattr__(self, name: str) -> Any:
        if name in type(self).__pydantic_fields__:
            self._complete(name)
            try:
                return self.__dict__[name]
            except KeyError:
                raise AttributeError(name) from None
        return super().__getattr__(name)  # type: ignore[misc]

    @model_serializer(mode="wrap")
    def _serialize(self, handler: SerializerFunctionWrapHandler) -> Any:
        self._complete()
        return handler(self)

    @classmethod
    def __get_pydantic_json_schema__(
        cls, schema: CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        """The model's own shape: the serializer only fills the fields in first."""
        if schema.get("type") == "model" and "serialization" in schema:
            schema = cast("CoreSchema", {k: v for k, v in schema.items() if k != "serialization"})
        return handler(schema)

    def __eq__(self, other: object) -> bool:
        self._complete()
        if isinstance(other, Deferred):
            other._complete()
        return super().__eq__(other)

    def __hash__(self) -> int:
        self._complete()
        return hash(tuple(self.__dict__[name] for name in type(self).model_fields))

    def __repr_args__(self) -> Any:
        self._complete()
        return super().__repr_args__()

    def __iter__(self) -> Any:
        self._complete()
        return super().__iter__()

    def __getstate__(self) -> dict[Any, Any]:
        self._complete()
        return super().__getstate__()

    def __copy__(self) -> Self:
        self._complete()
        return super().__copy__()

    def __deepcopy__(self, memo: dict[int, Any] | None = None) -> Self:
        self._complete()
        return super().__deepcopy__(memo)

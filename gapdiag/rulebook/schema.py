"""JSON Schemas of gapdiag's files, generated from the pydantic models, for editors and CI.

``metrics``: one rep (the input of ``gapdiag diagnose``); ``rules``: a ``*.rules.yaml``
file; ``pack``: a ``pack.yaml``; ``targets``: a targets override file. A rule example may
leave out ``rep_id`` (the loader fills it in), so the rules schema relaxes that one field.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Mapping
from typing import Any

from pydantic import TypeAdapter

from gapdiag.model.metrics import RepMetrics, Targets
from gapdiag.rulebook.rule import PackInfo, Rule

DIALECT = "https://json-schema.org/draft/2020-12/schema"


def metrics_schema() -> dict[str, Any]:
    """The schema of one rep's metrics."""
    return _stamped(RepMetrics.model_json_schema(), "gapdiag rep metrics")


def targets_schema() -> dict[str, Any]:
    """The schema of a targets override file."""
    return _stamped(Targets.model_json_schema(), "gapdiag targets")


def pack_schema() -> dict[str, Any]:
    """The schema of a pack's ``pack.yaml``."""
    return _stamped(PackInfo.model_json_schema(), "gapdiag rule pack (pack.yaml)")


def rules_schema() -> dict[str, Any]:
    """The schema of a rule file: a list of rules, examples' ``rep_id`` optional."""
    schema = TypeAdapter(list[Rule]).json_schema()
    defs = schema["$defs"]
    example_rep = copy.deepcopy(defs["RepMetrics"])
    example_rep["required"] = [f for f in example_rep.get("required", []) if f != "rep_id"]
    example_rep["title"] = "ExampleRep"
    defs["ExampleRep"] = example_rep
    defs["Example"]["properties"]["given"] = {"$ref": "#/$defs/ExampleRep"}
    if "RepMetrics" not in _refs(defs, skip="RepMetrics"):
        del defs["RepMetrics"]
    return _stamped(schema, "gapdiag rule file (*.rules.yaml)")


def _refs(defs: Mapping[str, Any], *, skip: str) -> set[str]:
    """Names of the definitions referred to from every definition but `skip`."""
    found: set[str] = set()

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            ref = node.get("$ref")
            if isinstance(ref, str):
                found.add(ref.rsplit("/", 1)[-1])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    for name, body in defs.items():
        if name != skip:
            walk(body)
    return found


def _stamped(schema: dict[str, Any], title: str) -> dict[str, Any]:
    return {"$schema": DIALECT, **schema, "title": title}


SCHEMAS: Mapping[str, Callable[[], dict[str, Any]]] = {
    "metrics": metrics_schema,
    "rules": rules_schema,
    "pack": pack_schema,
    "targets": targets_schema,
}
"""Every schema by the name ``gapdiag schema NAME`` prints it under."""

"""Read YAML safely, keeping the composed node tree so problems can be traced to a line."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from gapdiag.model.errors import Problem

# libyaml's safe loader when PyYAML was built with it (about 15x faster), else pure Python.
_Loader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass(frozen=True, slots=True)
class YamlDoc:
    """A parsed YAML file: its data, its node tree (for line numbers) and its raw bytes."""

    data: Any
    root: yaml.Node | None
    raw: bytes
    error: Problem | None = None

    def line_of(self, loc: tuple[int | str, ...]) -> int | None:
        """The 1-based line of the deepest node reachable along `loc`, or None."""
        node = self.root
        line = node.start_mark.line + 1 if node is not None else None
        for part in loc:
            node = _child(node, part)
            if node is None:
                break
            line = node.start_mark.line + 1
        if isinstance(node, yaml.ScalarNode) and node.style in ("|", ">"):
            line = (line or 0) + 1  # a block scalar's text starts below its indicator
        return line

    def odd_keys(self, loc: tuple[int | str, ...]) -> list[Problem]:
        """Mapping keys under `loc` that YAML did not read as text (``yes:`` becomes true)."""
        node = self.root
        for part in loc:
            node = _child(node, part)
        return [
            Problem(
                f"key {key.value!r}",
                f"YAML 1.1 reads this key as {key.tag.rsplit(':', 1)[-1]}, not text "
                "(quote it, or use then/else in place of yes/no)",
                key.start_mark.line + 1,
            )
            for key in _keys(node)
            if key.tag != "tag:yaml.org,2002:str"
        ]


def _keys(node: yaml.Node | None) -> list[yaml.Node]:
    """Every mapping key at or below `node`."""
    if isinstance(node, yaml.MappingNode):
        pairs: list[tuple[yaml.Node, yaml.Node]] = node.value
        return [k for key, value in pairs for k in (key, *_keys(value))]
    if isinstance(node, yaml.SequenceNode):
        items: list[yaml.Node] = node.value
        return [k for item in items for k in _keys(item)]
    return []


def _child(node: yaml.Node | None, part: int | str) -> yaml.Node | None:
    if isinstance(node, yaml.SequenceNode) and isinstance(part, int):
        items: list[yaml.Node] = node.value
        return items[part] if 0 <= part < len(items) else None
    if isinstance(node, yaml.MappingNode):
        pairs: list[tuple[yaml.Node, yaml.Node]] = node.value
        for key, value in pairs:
            if isinstance(key, yaml.ScalarNode) and key.value == str(part):
                return value
    return None


def read_yaml(path: Path) -> YamlDoc:
    """Load one YAML file with the safe loader; a syntax error becomes a located Problem."""
    try:
        raw = path.read_bytes()
    except OSError as error:
        return YamlDoc(None, None, b"", Problem("(file)", f"cannot read: {error.strerror}"))
    try:
        root, data = _parse(raw.decode("utf-8"))
    except UnicodeDecodeError:
        return YamlDoc(None, None, raw, Problem("(file)", "not UTF-8 text"))
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        reason = getattr(error, "problem", None) or str(error)
        return YamlDoc(None, None, raw, Problem("(file)", f"invalid YAML: {reason}", line))
    return YamlDoc(data, root, raw)


def _parse(text: str) -> tuple[yaml.Node | None, Any]:
    """Compose the node tree once and build the data from it (one parse, safe constructors)."""
    loader = _Loader(text)
    try:
        root = loader.get_single_node()
        return root, loader.construct_document(root) if root is not None else None
    finally:
        loader.dispose()

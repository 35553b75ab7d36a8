"""Read YAML safely, keeping the composed node tree so problems can be traced to a line."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from .errors import Problem


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
        return line


def _child(node: yaml.Node | None, part: int | str) -> yaml.Node | None:
    if isinstance(node, yaml.SequenceNode) and isinstance(part, int):
        return node.value[part] if 0 <= part < len(node.value) else None
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
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
        text = raw.decode("utf-8")
        root = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except UnicodeDecodeError:
        return YamlDoc(None, None, raw, Problem("(file)", "not UTF-8 text"))
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        reason = getattr(error, "problem", None) or str(error)
        return YamlDoc(None, None, raw, Problem("(file)", f"invalid YAML: {reason}", line))
    return YamlDoc(data, root, raw)

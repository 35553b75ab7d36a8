"""Read YAML safely, keeping the composed node tree so problems can be traced to a line.

Only regular files are read (a FIFO or device would hang), as UTF-8 with or without a
byte-order mark. The node tree is measured before any data is built from it: a file whose
aliases stand for more nodes than ``Limits.yaml_nodes`` (a "billion laughs" bomb), or that
nests deeper than ``Limits.yaml_depth``, is refused at once and never expanded.

PyYAML is imported on first use, not with this module: a process that takes the compiled
default pack from its cache (see ``_cache``) never reads YAML, and importing PyYAML is
about a twentieth of a short command's time.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from gapdiag.model._input import read_bytes
from gapdiag.model.errors import InvalidInput, Problem
from gapdiag.model.limits import limits

if TYPE_CHECKING:  # pragma: no cover - imported where it is used (see above)
    import yaml


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
        if node is None:
            return None
        import yaml

        line = node.start_mark.line + 1
        for part in loc:
            node = _child(node, part)
            if node is None:
                break
            line = node.start_mark.line + 1
        if isinstance(node, yaml.ScalarNode) and node.style in ("|", ">"):
            line = (line or 0) + 1  # a block scalar's text starts below its indicator
        return line

    def odd_keys(self, loc: tuple[int | str, ...]) -> list[Problem]:
        """Mapping keys under `loc` that YAML did not read as text (``yes:`` becomes true),
        or that repeat a key of the same mapping (YAML keeps the last and drops the first
        without a word: ``certainty:`` given twice would silently lose one)."""
        node = self.root
        for part in loc:
            node = _child(node, part)
        problems = []
        for key, first in _keys(node):
            if key.tag != "tag:yaml.org,2002:str":
                message = (
                    f"YAML 1.1 reads this key as {key.tag.rsplit(':', 1)[-1]}, not text "
                    "(quote it, or use then/else in place of yes/no)"
                )
            elif first is not None:
                message = f"given twice (first on line {first}); keep one"
            else:
                continue
            problems.append(Problem(f"key {key.value!r}", message, key.start_mark.line + 1))
        return problems


def _keys(node: yaml.Node | None) -> list[tuple[yaml.Node, int | None]]:
    """Every mapping key at or below `node`, with the line of an earlier same key of its
    mapping (None for the first), each node visited once (aliases are shared)."""
    import yaml

    keys: list[tuple[yaml.Node, int | None]] = []
    seen: set[int] = set()
    stack = [node]
    while stack:
        item = stack.pop()
        if item is None or id(item) in seen:
            continue
        seen.add(id(item))
        if isinstance(item, yaml.MappingNode):
            pairs: list[tuple[yaml.Node, yaml.Node]] = item.value
            lines: dict[tuple[str, str], int] = {}
            for key, _value in pairs:
                text = (key.tag, str(key.value))
                keys.append((key, lines.get(text) if isinstance(key, yaml.ScalarNode) else None))
                lines.setdefault(text, key.start_mark.line + 1)
            stack.extend(value for _, value in reversed(pairs))
        elif isinstance(item, yaml.SequenceNode):
            stack.extend(reversed(item.value))
    return sorted(keys, key=lambda k: (k[0].start_mark.line, k[0].start_mark.column))


def _child(node: yaml.Node | None, part: int | str) -> yaml.Node | None:
    import yaml

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
    import yaml

    try:
        raw = read_bytes(path)
    except InvalidInput as error:
        return YamlDoc(None, None, b"", Problem("(file)", str(error).removeprefix(f"{path}: ")))
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        byte = raw[error.start : error.start + 1].hex()
        message = f"not UTF-8 text (byte 0x{byte}); save the file as UTF-8"
        return YamlDoc(None, None, raw, Problem("(file)", message, line))
    try:
        root, data = _parse(text)
    except _TooBig as error:
        return YamlDoc(None, None, raw, Problem("(file)", error.message, error.line))
    except RecursionError:
        message = f"nested too deeply ({limits().hint('yaml_depth')})"
        return YamlDoc(None, None, raw, Problem("(file)", message))
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = mark.line + 1 if mark is not None else None
        reason = getattr(error, "problem", None) or str(error)
        context, opened = getattr(error, "context", None), getattr(error, "context_mark", None)
        if context and opened is not None and where is not None and opened.line + 1 != where:
            # PyYAML notices an unclosed [ or { where it gives up, often lines later
            reason += f" ({context} that starts on line {opened.line + 1})"
        return YamlDoc(None, None, raw, Problem("(file)", f"invalid YAML: {reason}", where))
    return YamlDoc(data, root, raw)


class _TooBig(Exception):
    def __init__(self, message: str, line: int | None) -> None:
        super().__init__(message)
        self.message = message
        self.line = line


def _parse(text: str) -> tuple[yaml.Node | None, Any]:
    """Compose the node tree once, measure it, and only then build the data from it."""
    import yaml

    # libyaml's safe loader when PyYAML was built with it (about 15x faster), else Python's.
    factory: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    loader = factory(text)
    try:
        root = loader.get_single_node()
        if root is None:
            return None, None
        _measure(root)
        return root, loader.construct_document(root)
    finally:
        loader.dispose()


def _measure(root: yaml.Node) -> None:
    """Refuse a node tree that breaks the alias, expanded-size or depth limit (no expansion).

    Sizes are counted per distinct node and memoized, so a bomb costs as many steps as it
    has distinct nodes, however many nodes its aliases stand for.
    """
    bound = limits()
    size: dict[int, int] = {}
    depth: dict[int, int] = {}
    references: dict[int, int] = {}
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        node, done = stack.pop()
        children = _children(node)
        if done:
            size[id(node)] = 1 + sum(size[id(c)] for c in children)
            depth[id(node)] = 1 + max((depth[id(c)] for c in children), default=0)
            line = node.start_mark.line + 1
            if size[id(node)] > bound.yaml_nodes:
                message = (
                    f"aliases expand to more than {bound.yaml_nodes:,} nodes "
                    f"(a YAML bomb?) ({bound.hint('yaml_nodes')})"
                )
                raise _TooBig(message, line)
            if depth[id(node)] > bound.yaml_depth:
                raise _TooBig(f"nested too deeply ({bound.hint('yaml_depth')})", line)
            continue
        references[id(node)] = references.get(id(node), 0) + 1
        if references[id(node)] > 1:
            continue  # an alias: its size is counted once, where it is defined
        stack.append((node, True))
        stack.extend((c, False) for c in children)
    aliases = sum(n - 1 for n in references.values())
    if aliases > bound.yaml_aliases:
        raise _TooBig(f"{aliases:,} aliases ({bound.hint('yaml_aliases')})", None)


def _children(node: yaml.Node) -> list[yaml.Node]:
    import yaml

    if isinstance(node, yaml.MappingNode):
        return [item for pair in node.value for item in pair]
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    return []

"""The package layout shows the pipeline: rooms per stage, imports from the edges to the core.

Every module's runtime imports (top-level and inside functions; not those under
``if TYPE_CHECKING:``) are read with ``ast``. An import may only point at its own room or
a room nearer the core, and no chain of imports may come back to where it started.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator, Mapping
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "gapdiag"
EXAMPLE = PACKAGE.parent / "examples" / "will-rep.json"

# From the core out: a room may import the rooms before it, never one after it.
ROOMS = (
    "model",
    "rulebook",
    "sources",
    "engines",
    "coaching",
    "notebook",
    "checks",
    "spark",
    "cli",
)
TOP = len(ROOMS)  # gapdiag/__init__.py and __main__.py: the public face, may import all
TOP_LEVEL_MODULES = {"__init__", "__main__"}


def module_name(path: Path) -> str:
    """The dotted name of a module file under the package."""
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def rank(module: str) -> int:
    """How far from the core a module's room is (`TOP` for the package's own face)."""
    parts = module.split(".")
    if len(parts) < 2 or parts[1] in TOP_LEVEL_MODULES:
        return TOP
    return ROOMS.index(parts[1])


def _runtime_nodes(tree: ast.AST) -> Iterator[ast.AST]:
    """Every node except those under ``if TYPE_CHECKING:``."""
    for node in ast.iter_child_nodes(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            yield from (n for child in node.orelse for n in _runtime_nodes_of(child))
            continue
        yield node
        yield from _runtime_nodes(node)


def _runtime_nodes_of(node: ast.AST) -> Iterator[ast.AST]:
    yield node
    yield from _runtime_nodes(node)


def imports_of(module: str, source: str, *, is_package: bool) -> set[str]:
    """The gapdiag modules (or packages) a module imports at run time."""
    found: set[str] = set()
    for node in _runtime_nodes(ast.parse(source)):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.split(".")[0] == "gapdiag")
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = module.split(".")
                if not is_package:
                    base.pop()
                base = base[: len(base) - node.level + 1]
                target = ".".join([*base, *([node.module] if node.module else [])])
            else:
                target = node.module or ""
            if target.split(".")[0] != "gapdiag":
                continue
            found.add(target)
            # `from gapdiag.room import module` imports the module, not just the room.
            found.update(f"{target}.{a.name}" for a in node.names)
    return found


def read_package() -> dict[str, tuple[str, bool]]:
    """Every module of the package: name -> (source, is a package)."""
    return {
        module_name(p): (p.read_text(encoding="utf-8"), p.name == "__init__.py")
        for p in sorted(PACKAGE.rglob("*.py"))
    }


def import_graph(modules: Mapping[str, tuple[str, bool]]) -> dict[str, set[str]]:
    """Module -> the package modules it imports (names that are not modules are dropped)."""
    graph = {}
    for name, (source, is_package) in modules.items():
        targets = imports_of(name, source, is_package=is_package)
        graph[name] = {t for t in targets if t in modules and t != name}
    return graph


def wrong_way(graph: Mapping[str, set[str]]) -> list[str]:
    """Imports that point from a room nearer the core to one further out."""
    return sorted(
        f"{src} imports {dst}"
        for src, dsts in graph.items()
        for dst in dsts
        if rank(dst) > rank(src) and not dst.startswith(f"{src}.")
    )


def cycles(graph: Mapping[str, set[str]]) -> list[list[str]]:
    """Import cycles between modules (a package importing its own submodules is not one)."""
    edges = {src: {d for d in dsts if not d.startswith(f"{src}.")} for src, dsts in graph.items()}
    found: list[list[str]] = []
    state: dict[str, int] = {}
    for start in sorted(edges):
        if state.get(start):
            continue
        stack: list[tuple[str, Iterator[str]]] = [(start, iter(sorted(edges[start])))]
        path = [start]
        state[start] = 1
        while stack:
            node, children = stack[-1]
            child = next(children, None)
            if child is None:
                state[node] = 2
                stack.pop()
                path.pop()
            elif state.get(child) == 1:
                found.append([*path[path.index(child) :], child])
            elif not state.get(child):
                state[child] = 1
                path.append(child)
                stack.append((child, iter(sorted(edges[child]))))
    return found


def test_imports_point_from_the_edges_to_the_core() -> None:
    """No module imports a room further from the core than its own."""
    assert wrong_way(import_graph(read_package())) == []


def test_no_import_cycles() -> None:
    """No chain of run-time imports comes back to where it started."""
    assert cycles(import_graph(read_package())) == []


def test_a_back_import_is_caught() -> None:
    """A deliberate import from the model into the CLI fails the layout check."""
    modules = read_package()
    source, is_package = modules["gapdiag.model.gaps"]
    modules["gapdiag.model.gaps"] = (source + "\nfrom gapdiag.cli import main\n", is_package)
    assert "gapdiag.model.gaps imports gapdiag.cli" in wrong_way(import_graph(modules))


def test_a_function_level_back_import_is_caught() -> None:
    """Deferring an import into a function does not hide it from the check."""
    modules = read_package()
    source, is_package = modules["gapdiag.model.metrics"]
    extra = "\ndef _late():\n    from ..notebook.explain import explain\n    return explain\n"
    modules["gapdiag.model.metrics"] = (source + extra, is_package)
    assert "gapdiag.model.metrics imports gapdiag.notebook.explain" in wrong_way(
        import_graph(modules)
    )


def test_a_cycle_is_caught() -> None:
    """Two modules of one room importing each other are reported as a cycle."""
    modules = read_package()
    source, is_package = modules["gapdiag.model.gaps"]
    modules["gapdiag.model.gaps"] = (source + "\nfrom . import errors\n", is_package)
    source, is_package = modules["gapdiag.model.errors"]
    modules["gapdiag.model.errors"] = (source + "\nfrom . import gaps\n", is_package)
    found = cycles(import_graph(modules))
    assert any({"gapdiag.model.gaps", "gapdiag.model.errors"} <= set(c) for c in found)


def test_only_the_public_face_lives_at_the_top() -> None:
    """Every module lives in a room; the top holds __init__ and __main__ only."""
    top = {p.stem for p in PACKAGE.glob("*.py")}
    assert top == TOP_LEVEL_MODULES
    rooms = {p.name for p in PACKAGE.iterdir() if (p / "__init__.py").is_file()}
    assert rooms == set(ROOMS)


@pytest.mark.parametrize("room", ROOMS)
def test_every_room_says_what_it_holds_and_may_import(room: str) -> None:
    """Each room's __init__ has a docstring naming what it may import."""
    doc = ast.get_docstring(ast.parse((PACKAGE / room / "__init__.py").read_text()))
    assert doc, room
    if room not in {"cli", "spark"}:
        assert "May import" in doc, room


def test_the_core_and_the_command_line_import_without_the_frames_extra() -> None:
    """`pip install gapdiag` has no numpy, pandas or pyarrow: the CLI imports without them.

    A command imports only its own module: `gapdiag diagnose` never loads `ingest` or `calls`.
    """
    import subprocess
    import sys

    code = (
        "import sys\n"
        "for name in ('numpy', 'pandas', 'pyarrow', 'polars'):\n"
        "    sys.modules[name] = None  # importing it now raises ImportError\n"
        "import gapdiag, gapdiag.cli\n"
        "from gapdiag.cli import main\n"
        f"assert main(['diagnose', {str(EXAMPLE)!r}, '--format', 'json']) == 0\n"
        "others = sorted(m for m in sys.modules if m.startswith('gapdiag.cli.') and\n"
        "    m.rpartition('.')[2] in {'ingest', 'calls', 'plan', 'report', 'rules', 'tree'})\n"
        "assert not others, others  # only the chosen command's module is imported\n"
        "assert main(['--version']) == 0\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr[-2000:]

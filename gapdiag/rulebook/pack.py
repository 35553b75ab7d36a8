"""Rule packs: rule files in YAML, validated, compiled once, and stamped with a content hash.

A pack is a folder holding an optional ``pack.yaml`` (name, version, description), rule
files named ``*.rules.yaml`` (each a list of rules) and at most one decision tree,
``*.tree.yaml`` (see ``tree``). Every problem in a pack is reported at once, each with
file, line and rule or node id.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, PrivateAttr, ValidationError

from gapdiag.model._suggest import did_you_mean
from gapdiag.model._validation import problems_from
from gapdiag.model.diagnosis import RulebookStamp
from gapdiag.model.errors import ExpressionError, InvalidArgument, Problem, RuleFileError
from gapdiag.model.gaps import GAPS, Gap
from gapdiag.model.limits import limits
from gapdiag.model.metrics import DEFAULT_TARGETS
from gapdiag.rulebook._cache import cached
from gapdiag.rulebook._codegen import PackFn, compile_pack, pack_code
from gapdiag.rulebook._resources import INTERVENTIONS_FILE, default_rules_dir
from gapdiag.rulebook._yaml import YamlDoc, read_yaml
from gapdiag.rulebook.compiler import Facts
from gapdiag.rulebook.expr import Node
from gapdiag.rulebook.rule import (
    CompiledRule,
    FieldError,
    Origin,
    PackInfo,
    Rule,
    compile_rule,
    field_errors,
)
from gapdiag.rulebook.tree import TREE_GLOB, DecisionTree, TreeSpec, build

RULE_GLOB = "*.rules.yaml"
PACK_FILE = "pack.yaml"


@dataclass(frozen=True, slots=True)
class _Program:
    """The pack's conditions compiled into one function (see ``_codegen``)."""

    conditions: tuple[Node, ...]
    evaluate: PackFn

    def __reduce__(self) -> tuple[Any, ...]:
        """Pickle the conditions and the function's compiled code; unpickling rebuilds the
        function from that code (the pack cache is keyed by Python's version, as code is)."""
        return _program, (self.conditions, pack_code(self.evaluate))


def _program(conditions: tuple[Node, ...], code: bytes | None = None) -> _Program:
    return _Program(conditions, compile_pack(conditions, code))


class Rulebook(BaseModel):
    """A validated, compiled rule pack; build one with `load_rules` or `Rulebook.from_rules`."""

    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)

    name: str
    version: str
    content_hash: str
    rules: tuple[Rule, ...]
    tree: DecisionTree | None = None
    source: str | None = None
    _compiled: tuple[CompiledRule, ...] = PrivateAttr(default=())
    _needs: tuple[str, ...] = PrivateAttr(default=())
    _origins: dict[str, Origin] = PrivateAttr(default_factory=dict)
    _program: _Program = PrivateAttr()
    _by_gap: tuple[tuple[Gap, tuple[int, ...], tuple[CompiledRule, ...]], ...] = PrivateAttr(
        default=()
    )
    _stamp: RulebookStamp = PrivateAttr()
    _memo: dict[Any, Any] = PrivateAttr(default_factory=dict)

    @property
    def _private(self) -> dict[str, Any]:
        # the private attributes themselves: read through pydantic's __getattr__ fallback,
        # each costs a few microseconds on the hot path of every diagnosis
        return self.__pydantic_private__  # type: ignore[return-value]

    @property
    def compiled(self) -> tuple[CompiledRule, ...]:
        """The compiled rules, in pack order."""
        return self._private["_compiled"]  # type: ignore[no-any-return]

    @property
    def by_gap(self) -> tuple[tuple[Gap, tuple[int, ...], tuple[CompiledRule, ...]], ...]:
        """Per gap (in ``GAPS`` order): its rules' positions in pack order, and the rules."""
        return self._private["_by_gap"]  # type: ignore[no-any-return]

    def memo(self, name: str) -> dict[Any, Any]:
        """A named scratch dict for an engine's memo of a pure function of this pack."""
        memo = self._private["_memo"]
        found: dict[Any, Any] | None = memo.get(name)
        if found is None:
            found = memo[name] = {}
        return found

    def memos(self, *names: str) -> tuple[dict[Any, Any], ...]:
        """`memo` of each name, the tuple itself remembered (one call on a hot path)."""
        memo = self._private["_memo"]
        found: tuple[dict[Any, Any], ...] | None = memo.get(names)
        if found is None:
            found = memo[names] = tuple([self.memo(name) for name in names])
        return found

    @property
    def stamp(self) -> RulebookStamp:
        """Which pack this is, as a Diagnosis names it."""
        return self._private["_stamp"]  # type: ignore[no-any-return]

    def evaluate(self, facts: Facts) -> tuple[bool | None, ...]:
        """Every rule's outcome on one rep's facts, in pack order (generated code, fast)."""
        return self._private["_program"].evaluate(facts)  # type: ignore[no-any-return]

    @property
    def needs(self) -> tuple[str, ...]:
        """Every metric some rule depends on, in order of first use."""
        return self._private["_needs"]  # type: ignore[no-any-return]

    def origin(self, rule_id: str) -> Origin | None:
        """Where a rule is written (file and lines), or None for an id not in the pack."""
        return self._origins.get(rule_id)

    def rule(self, rule_id: str) -> Rule:
        """Look a rule up by id.

        Raises:
            InvalidArgument: no rule has that id (with the nearest id, if one is close).
        """
        by_id = self.memo("rule_by_id")
        if not by_id:
            by_id.update((rule.id, rule) for rule in self.rules)
        found: Rule | None = by_id.get(rule_id)
        if found is not None:
            return found
        hint = did_you_mean(rule_id, [r.id for r in self.rules])
        raise InvalidArgument(f"no rule {rule_id!r} in pack {self.name}{hint}")

    @classmethod
    def from_rules(
        cls,
        rules: Iterable[Rule | Mapping[str, Any]],
        *,
        name: str = "custom",
        version: str = "0",
        tree: DecisionTree | Mapping[str, Any] | None = None,
    ) -> Rulebook:
        """Build a pack from rules (and optionally a decision tree) in memory.

        Raises:
            RuleFileError: with every problem found, located by rule position.
        """
        items = [r.model_dump(mode="json") if isinstance(r, Rule) else r for r in rules]
        # The content hash covers the rules themselves, as it covers a file's bytes.
        raw = json.dumps(items, sort_keys=True, default=repr).encode()
        builder = _Builder()
        builder.add_file(Path("<rules>"), YamlDoc(items, None, raw))
        if tree is not None:
            data = (
                tree.model_dump(mode="json", by_alias=True) if isinstance(tree, BaseModel) else tree
            )
            data = {k: v for k, v in data.items() if k != "source"}
            raw = json.dumps(data, sort_keys=True, default=repr).encode()
            builder.add_tree(Path("<tree>"), YamlDoc(data, None, raw))
        return builder.finish(PackInfo(name=name, version=version), Path("<rules>"))


def load_rules(path: str | Path | None = None) -> Rulebook:
    """Load and compile a rule pack folder (or one rule file); None loads the default pack.

    Raises:
        RuleFileError: listing every problem in the pack with file, line and rule id.
        InvalidArgument: `path` is neither a path nor None.
    """
    if path is None:
        return default_rules()
    if not isinstance(path, str | Path):
        raise InvalidArgument(
            f"path: {type(path).__name__} {path!r:.40} is not a rule pack folder or rule file "
            "(a str or Path; None loads the default pack)"
        )
    given = Path(path)
    return _load_cached(given, _fingerprint(given))


def _fingerprint(path: Path) -> tuple[tuple[str, int, int], ...]:
    """Name, size and modification time of every file a pack reads: edits reload it."""
    files = [path] if path.is_file() else [*path.glob(RULE_GLOB), *path.glob(TREE_GLOB)]
    files.append(path / PACK_FILE)
    if path.is_dir():
        files.append(path / INTERVENTIONS_FILE)
    stats = ((f.resolve(), f.stat()) for f in files if f.is_file())
    return tuple(sorted((str(f), s.st_size, s.st_mtime_ns) for f, s in stats))


@lru_cache(maxsize=32)
def _load_cached(path: Path, fingerprint: tuple[tuple[str, int, int], ...]) -> Rulebook:
    return _load(path)


@cache
def default_rules() -> Rulebook:
    """The shipped default pack, loaded once per process (from the disk cache when it can)."""
    folder = default_rules_dir()
    return cached("pack", _pack_files(folder), lambda: _load(folder))


def _pack_files(folder: Path) -> list[Path]:
    """Every file loading the pack folder reads, in a fixed order."""
    files = [*folder.glob(RULE_GLOB), *folder.glob(TREE_GLOB)]
    files += [f for f in (folder / PACK_FILE, folder / INTERVENTIONS_FILE) if f.is_file()]
    return sorted(files)


def _load(path: Path) -> Rulebook:
    if not path.exists():
        raise RuleFileError(path, [Problem("(pack)", "no such file or folder")])
    files = [path] if path.is_file() else sorted(path.glob(RULE_GLOB))
    if not files:
        raise RuleFileError(path, [Problem("(pack)", f"no rule files matching {RULE_GLOB}")])
    bound = limits()
    if len(files) > bound.rule_files:
        message = f"{len(files):,} rule files is too many ({bound.hint('rule_files')})"
        raise RuleFileError(path, [Problem("(pack)", message)])
    builder = _Builder()
    info = _pack_info(path, builder)
    for file in files:
        builder.add_file(file, read_yaml(file))
    trees = sorted(path.glob(TREE_GLOB)) if path.is_dir() else []
    for extra in trees[1:]:
        message = f"a pack holds one decision tree; {trees[0].name} is already one"
        builder.problems.append((extra, Problem("(file)", message)))
    if trees:
        builder.add_tree(trees[0], read_yaml(trees[0]))
    return builder.finish(info, path)


def _pack_info(path: Path, builder: _Builder) -> PackInfo:
    meta = path / PACK_FILE if path.is_dir() else None
    fallback = PackInfo(name=path.stem.removesuffix(".rules"), version="0")
    if meta is None or not meta.exists():
        return fallback
    doc = read_yaml(meta)
    builder.digest(meta.name, doc.raw)
    if doc.error is not None:
        builder.problems.append((meta, doc.error))
        return fallback
    try:
        return PackInfo.model_validate(doc.data)
    except ValidationError as error:
        builder.problems.extend((meta, p) for p in _locate(error, PackInfo, doc, ()))
        return fallback


def _locate(
    error: ValidationError, model: type[BaseModel], doc: YamlDoc, loc: tuple[int | str, ...]
) -> Iterable[Problem]:
    return problems_from(error, model, line_of=lambda inner: doc.line_of((*loc, *inner)))


class _Builder:
    """Collects rules and problems across a pack's files, then compiles or raises."""

    def __init__(self) -> None:
        self.problems: list[tuple[Path, Problem]] = []
        self.compiled: list[CompiledRule] = []
        self.first_seen: dict[str, str] = {}
        self.origins: dict[str, Origin] = {}
        # (file, rule id, line, drill id) of every `drill:` reference, checked in finish.
        self.drills: list[tuple[Path, str, int | None, str]] = []
        self.hasher = hashlib.sha256()
        self.tree: DecisionTree | None = None
        # Rules that are in the pack but failed to load, and whether a whole rule file
        # could not be read: a `counters:` naming one is not a second error of its own.
        self.broken: set[str] = set()
        self.unread_file = False

    def digest(self, name: str, raw: bytes) -> None:
        self.hasher.update(name.encode() + b"\0" + raw + b"\0")

    def add_file(self, file: Path, doc: YamlDoc) -> None:
        self.digest(file.name, doc.raw)
        if doc.error is not None:
            self.problems.append((file, doc.error))
            self.unread_file = True
            return
        if not isinstance(doc.data, list):
            where = Problem("(file)", "a rule file must be a list of rules", doc.line_of(()))
            self.problems.append((file, where))
            self.unread_file = True
            return
        for index, item in enumerate(doc.data):
            self._add_rule(file, doc, index, item)

    def _add_rule(self, file: Path, doc: YamlDoc, index: int, item: Any) -> None:
        label = _label(item, index)
        odd = doc.odd_keys((index,))
        # Whatever else is wrong with the rule, its condition and text are checked too: a
        # misspelt key or a bad example hides no misspelt metric.
        texts = [item.get(f) if isinstance(item, Mapping) else None for f in TEXTS]
        if odd:
            self._field_errors(file, doc, index, label, field_errors(*texts))
            self.problems.extend(
                (file, Problem(f"{label}.{p.where}", p.message, p.line)) for p in odd
            )
            self.broken.add(label)
            return
        try:
            rule = Rule.model_validate(item)
        except ValidationError as error:
            self._field_errors(file, doc, index, label, field_errors(*texts))
            for problem in _locate(error, Rule, doc, (index,)):
                self.problems.append(
                    (file, Problem(f"{label}.{problem.where}", problem.message, problem.line))
                )
            self.broken.add(label)
            return
        here = f"{file}:{doc.line_of((index,)) or '?'}"
        if rule.id in self.first_seen:
            message = f"duplicate rule id (first defined at {self.first_seen[rule.id]})"
            self.problems.append((file, Problem(rule.id, message, doc.line_of((index, "id")))))
            return
        self.first_seen[rule.id] = here
        self.origins[rule.id] = Origin(
            file,
            doc.line_of((index,)),
            doc.line_of((index, "when")),
            tuple(doc.line_of((index, "examples", i)) for i in range(len(rule.examples))),
        )
        if rule.drill is not None:
            self.drills.append((file, rule.id, doc.line_of((index, "drill")), rule.drill))
        try:
            self.compiled.append(compile_rule(rule))
        except FieldError as error:
            self.broken.add(rule.id)
            self._field_errors(file, doc, index, rule.id, error.errors)

    def _field_errors(
        self,
        file: Path,
        doc: YamlDoc,
        index: int,
        label: str,
        errors: list[tuple[str, ExpressionError]],
    ) -> None:
        """One problem per error of a rule's `when` or `because`, at the field's line."""
        for name, cause in errors:
            line = doc.line_of((index, name))
            self.problems.append((file, Problem(f"{label}.{name}", str(cause), line)))

    def check_drills(self, pack: Path | None) -> None:
        """Every `drill:` must name a drill in the pack's interventions (or the shipped ones)."""
        if not self.drills:
            return
        from gapdiag.rulebook.interventions import load_interventions  # only when building

        try:
            known = [d.id for d in load_interventions(pack).drills]
        except RuleFileError as error:
            self.problems.extend((error.path, p) for p in error.problems)
            return
        for file, rule_id, line, drill in self.drills:
            if drill not in known:
                message = f"unknown drill {drill!r}{did_you_mean(drill, known)}"
                self.problems.append((file, Problem(f"{rule_id}.drill", message, line)))

    def add_tree(self, file: Path, doc: YamlDoc) -> None:
        self.digest(file.name, doc.raw)
        if doc.error is not None:
            self.problems.append((file, doc.error))
            return
        odd = doc.odd_keys(())
        if odd:
            self.problems.extend((file, p) for p in odd)
            return
        try:
            spec = TreeSpec.model_validate(doc.data)
        except ValidationError as error:
            for problem in _locate(error, TreeSpec, doc, ()):
                where = _TREE_ITEM.sub(lambda m: _tree_label(doc.data, m), problem.where)
                self.problems.append((file, Problem(where, problem.message, problem.line)))
            return
        tree, errors = build(spec, str(file))
        for found in errors:
            self.problems.append(
                (file, Problem(found.where, found.message, doc.line_of(found.loc)))
            )
        if not errors:
            from gapdiag.rulebook.reach import unreachable  # only when a tree file is read

            for leaf_id in unreachable(tree, DEFAULT_TARGETS):
                index = next(i for i, leaf in enumerate(tree.leaves) if leaf.id == leaf_id)
                message = "no input reaches this leaf (the conditions on every path to it conflict)"
                self.problems.append(
                    (file, Problem(leaf_id, message, doc.line_of(("leaves", index))))
                )
            self.tree = tree

    def check_counters(self) -> None:
        """Every `counters:` id must name a supporting rule of the same gap in the pack."""
        support = {c.id: c.gap for c in self.compiled if c.certainty > 0}
        for c in self.compiled:
            for target in c.counters:
                unsure = target in self.broken or (self.unread_file and target not in support)
                if support.get(target) != c.gap and not unsure:
                    message = (
                        f"counters {target!r} is not a supporting {c.gap} rule of this pack"
                        f"{did_you_mean(target, list(support))}"
                    )
                    origin = self.origins[c.id]
                    self.problems.append(
                        (origin.file, Problem(f"{c.id}.counters", message, origin.line))
                    )

    def finish(self, info: PackInfo, path: Path) -> Rulebook:
        self.check_drills(path if path.is_dir() else None)
        self.check_counters()
        if self.problems:
            raise RuleFileError(path, (_with_file(f, p, path) for f, p in self.problems))
        return self.assemble(info, self.hasher.hexdigest()[:16], str(path))

    def assemble(self, info: PackInfo, content_hash: str, source: str | None) -> Rulebook:
        book = Rulebook(
            name=info.name,
            version=info.version,
            content_hash=content_hash,
            rules=tuple(c.rule for c in self.compiled),
            tree=self.tree,
            source=source,
        )
        book._compiled = tuple(self.compiled)
        book._needs = tuple(dict.fromkeys(m for c in self.compiled for m in c.needs))
        book._origins = self.origins
        book._program = _program(tuple(c.condition for c in self.compiled))
        book._by_gap = tuple(
            (
                gap,
                tuple(i for i, c in enumerate(self.compiled) if c.gap == gap),
                tuple(c for c in self.compiled if c.gap == gap),
            )
            for gap in GAPS
        )
        book._stamp = RulebookStamp.trusted(
            {"name": book.name, "version": book.version, "content_hash": book.content_hash}
        )
        return book


def portable(book: Rulebook) -> dict[str, Any]:
    """The pack as JSON-ready data, for `from_portable` to compile in another process.

    Spark ships a pack to its executors this way: compiled code does not pickle, and the
    pack's folder need not exist there.
    """
    tree = book.tree.model_dump(mode="json", by_alias=True) if book.tree is not None else None
    return {
        "name": book.name,
        "version": book.version,
        "content_hash": book.content_hash,
        "source": book.source,
        "rules": [r.model_dump(mode="json") for r in book.rules],
        "tree": tree,
    }


def from_portable(data: Mapping[str, Any]) -> Rulebook:
    """Compile a pack from `portable` data; it was checked where it was first loaded.

    The rebuilt pack evaluates exactly as the original and keeps its name, version and
    content hash (rule origins, which name files of the first machine, are not carried).
    """
    builder = _Builder()
    for rule in data["rules"]:
        builder.compiled.append(compile_rule(Rule.model_validate(rule)))
    if data["tree"] is not None:
        spec = {k: v for k, v in data["tree"].items() if k != "source"}
        builder.tree, problems = build(TreeSpec.model_validate(spec), data["tree"].get("source"))
        if problems:
            raise InvalidArgument(f"tree: {problems[0].where}: {problems[0].message}")
    info = PackInfo(name=data["name"], version=data["version"])
    return builder.assemble(info, data["content_hash"], data["source"])


def _with_file(file: Path, problem: Problem, root: Path) -> Problem:
    # Inside a pack folder, a problem is located in its own file (its line is that file's).
    if file == root or not root.is_dir():
        return problem
    return Problem(problem.where, problem.message, problem.line, str(file))


TEXTS = ("when", "because")
"""A rule's fields in the condition language, checked even when another field is bad."""

_TREE_ITEM = re.compile(r"^(nodes|leaves)\[(\d+)\]")


def _tree_label(data: Any, match: re.Match[str]) -> str:
    """Name a tree item by its id where it has one: ``leaves[1]`` -> ``lazy``."""
    items = data.get(match[1]) if isinstance(data, Mapping) else None
    index = int(match[2])
    if isinstance(items, list) and index < len(items):
        return _label(items[index], index).replace("rule[", f"{match[1]}[")
    return match[0]


def _label(item: Any, index: int) -> str:
    if isinstance(item, Mapping) and isinstance(item.get("id"), str):
        return str(item["id"])
    return f"rule[{index}]"

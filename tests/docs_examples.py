"""Run the examples of README.md and docs/*.md with Sybil and check what they show.

What runs (CONTRIBUTING.md, "Examples in the docs", says the same for authors):

- every ```python block, in the page's order and in one namespace per page;
- every ``gapdiag`` command of a ```bash block, in-process (``gapdiag.cli.main``), with
  stdout and stderr interleaved as a terminal shows them. Set-up commands (``python3``,
  ``pip``, ``pytest``, ``npm``, ``mkdocs``, ``git``, ``.``) are not run: the README's own
  test command is what CI runs, and the rest would install or fetch.
- A code block followed directly by a ```text block: the text block is the block's
  output, compared after the normalization below. Without one, the block must only run
  (a command's exit status at most 1: 1 is gapdiag's "done, with rows skipped").
- In Python, ``expr  # 'value'``: a comment that starts like a value is compared with the
  expression's repr (tests/docs_claims.py).

Each page runs in its own temporary folder holding a copy of ``examples/`` and ``rules/``
(the files every documented command reads), so a command that writes ``reps.csv`` writes it
there, and a later block of the same page reads it back; nothing is written to the checkout.

An HTML comment right before a block (invisible on the site) says what else to expect:
``<!-- docs-test: exit 2 -->`` (the command is meant to fail with that status),
``<!-- docs-test: skip REASON -->`` (shown, not run; the reason is reported as a skip),
``<!-- docs-test: durable -->`` (needs the durable-rules backend; skipped where it is absent),
``<!-- docs-test: spark -->`` (the page's Python gets the test Spark session as ``spark``),
``<!-- docs-test: excerpt-of COMMAND -->`` before a ```text block: the block is an excerpt
of what the gapdiag COMMAND prints (run in the page's folder): runs of lines separated by
``...`` lines, each found whole in the output, in order; ``<!-- docs-test: excerpt -->``
before a code block: its output block is such an excerpt of what the code prints.

Normalization, the whole of it: trailing spaces of each line and trailing blank lines are
dropped; the page's temporary folder reads ``.``. Nothing else varies in the shown outputs.

``GAPDIAG_UPDATE_DOCS=1 pytest tests/test_docs_examples.py`` rewrites each output block that
differs with what the code prints now (tests/test_docs.py, the generated metric tables);
review the diff.
"""

from __future__ import annotations

import ast
import contextlib
import difflib
import html
import io
import os
import re
import shlex
import shutil
import sys
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sybil import Document, Example, Region
from sybil.parsers.markdown.lexers import RawFencedCodeBlockLexer

from . import docs_claims

ROOT = Path(__file__).resolve().parent.parent
PAGES = (ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md")))
COPIED = ("examples", "rules")
"""Folders each page's temporary folder holds a copy of."""
SETUP = frozenset({"python3", "python", "pip", "pytest", "npm", "mkdocs", "git", "."})
"""Programs a docs example may name that the docs test does not run (they install or fetch)."""
UPDATE = os.environ.get("GAPDIAG_UPDATE_DOCS", "") == "1"
DIRECTIVES = frozenset({"exit", "skip", "durable", "spark", "excerpt", "excerpt-of"})
"""The words a docs-test comment may hold; any other is a typo that would silently do nothing."""

_BLOCK = RawFencedCodeBlockLexer(
    info_pattern=re.compile(r"(?P<language>[\w-]*)[^\n]*$\n", re.MULTILINE),
    mapping={"language": "language", "source": "source"},
)
_DIRECTIVE = re.compile(r"<!--\s*docs-test:\s*(?P<word>[\w-]+)\s*(?P<rest>.*?)\s*-->\s*\Z", re.S)


@dataclass(frozen=True)
class Block:
    """A runnable code block, the output block shown after it (if any), and its directive."""

    language: str
    source: str
    expected: str | None
    output_span: tuple[int, int] | None
    directive: tuple[str, str] | None
    source_start: int = 0


@dataclass(frozen=True)
class Mismatch:
    """A value a comment shows that the code no longer gives: where, what it gives now."""

    span: tuple[int, int]
    now: str | None
    message: str


class Skipped(Exception):
    """The block is not run here, for the reason given."""


@dataclass
class PageState:
    """One page's temporary folder and Python namespace, and how far it has run."""

    folder: Path
    namespace: dict[str, Any] = field(default_factory=dict)
    done: int = -1
    mismatches: list[Mismatch] = field(default_factory=list)
    """The last block's comments that show another value than the code gives."""


def _directive(document: Document, region: Region) -> tuple[str, str] | None:
    """The docs-test directive in an HTML comment right before a block, if any."""
    before = document.text[: region.start].rstrip()
    if not before.endswith("-->"):
        return None
    found = _DIRECTIVE.search(before[before.rfind("<!--") :])
    return (found["word"], found["rest"]) if found is not None else None


def parse(document: Document) -> Iterable[Region]:
    """Sybil parser: python and bash blocks, each with the text block right after it."""
    blocks = list(_BLOCK(document))
    for index, region in enumerate(blocks):
        language = region.lexemes["language"]
        directive = _directive(document, region)
        if language == "text" and directive is not None and directive[0] == "excerpt-of":
            source = region.lexemes["source"]
            start = region.start + source.offset
            span = (start, start + len(source))
            excerpt = Block("excerpt", directive[1], str(source), span, None)
            yield Region(region.start, region.end, parsed=excerpt, evaluator=_not_run)
        if language not in ("python", "bash"):
            continue
        following = blocks[index + 1] if index + 1 < len(blocks) else None
        expected = span = None
        end = region.end
        if (
            following is not None
            and following.lexemes["language"] == "text"
            and document.text[region.end : following.start].strip() == ""
        ):
            source = following.lexemes["source"]
            start = following.start + source.offset
            expected, span, end = str(source), (start, start + len(source)), following.end
        code = region.lexemes["source"]
        block = Block(language, str(code), expected, span, directive, region.start + code.offset)
        yield Region(region.start, end, parsed=block, evaluator=_not_run)


def _not_run(example: Example) -> None:
    raise AssertionError("docs examples run through run_example, not Example.evaluate")


def examples(page: Path) -> list[Example]:
    """The runnable examples of a page, in order."""
    return list(Document.parse(str(page), parse).examples())


def new_state(folder: Path | None = None) -> PageState:
    """A fresh (temporary) folder with copies of the files the docs' commands read."""
    folder = folder or Path(tempfile.mkdtemp(prefix="gapdiag-docs-"))
    folder.mkdir(exist_ok=True)
    for name in COPIED:
        shutil.copytree(ROOT / name, folder / name)
    return PageState(folder=folder)


def run_example(example: Example, state: PageState) -> str | None:
    """Run one block in the page's folder; returns what it printed (None: nothing to compare)."""
    block: Block = example.parsed
    state.mismatches = []
    word, rest = block.directive or ("", "")
    if word and word not in DIRECTIVES:
        raise AssertionError(f"docs-test: {word!r} is not one of {', '.join(sorted(DIRECTIVES))}")
    if word == "skip":
        raise Skipped(rest or "marked skip")
    if word == "durable" and not _durable():
        raise Skipped("needs durable-rules, which does not install on this Python")
    expected_exit = int(rest) if word == "exit" else None
    with _inside(state.folder), _spark_inside(state.namespace.get("spark"), state.folder):
        if block.language == "python":
            printed, state.mismatches = _run_python(block, state.namespace, example)
        elif block.language == "excerpt":
            printed = _run_shell(html.unescape(block.source), None)
        else:
            printed = _run_shell(block.source, expected_exit)
    return normalize(printed, state.folder) if block.expected is not None else None


def normalize(text: str, folder: Path) -> str:
    """The documented normalization: the page's folder reads `.`; no trailing spaces."""
    text = text.replace(str(folder), ".")
    lines = [line.rstrip() for line in text.splitlines()]
    while lines and not lines[-1]:
        lines.pop()
    return "\n".join(lines) + "\n" if lines else ""


@contextlib.contextmanager
def _inside(folder: Path) -> Iterator[None]:
    before = Path.cwd()
    os.chdir(folder)
    try:
        yield
    finally:
        os.chdir(before)


@contextlib.contextmanager
def _spark_inside(spark: Any, folder: Path) -> Iterator[None]:
    """Point Spark's local file system at the folder: the JVM resolves relative paths
    against its own working directory, which Python's chdir does not move."""
    if spark is None:
        yield
        return
    context = spark.sparkContext
    local = context._jvm.org.apache.hadoop.fs.FileSystem.getLocal(
        context._jsc.hadoopConfiguration()
    )
    before = local.getWorkingDirectory()
    local.setWorkingDirectory(context._jvm.org.apache.hadoop.fs.Path(str(folder)))
    try:
        yield
    finally:
        local.setWorkingDirectory(before)


def _durable() -> bool:
    try:
        import durable  # noqa: F401
    except ImportError:
        return False
    return True


def _run_python(
    block: Block, namespace: dict[str, Any], example: Example
) -> tuple[str, list[Mismatch]]:
    """Run the block statement by statement; a claimed expression's value is compared."""
    buffer = io.StringIO()
    tree = ast.parse(block.source)
    found = docs_claims.claims(block.source)
    starts = [0]
    for line in block.source.splitlines(keepends=True):
        starts.append(starts[-1] + len(line))
    shifted = {line + example.line: claim for line, claim in found.items()}
    mismatches: list[Mismatch] = []
    with contextlib.redirect_stdout(buffer):
        for statement in tree.body:
            ast.increment_lineno(statement, example.line)
            if not docs_claims.is_claimed(statement, shifted):
                exec(compile(ast.Module([statement], []), example.path, "exec"), namespace)
                continue
            assert isinstance(statement, ast.Expr)
            value = eval(compile(ast.Expression(statement.value), example.path, "eval"), namespace)
            claim = shifted[statement.end_lineno or 0]
            if docs_claims.shows(claim, value):
                continue
            start = block.source_start + starts[claim.line - 1] + claim.column
            given = repr(value)
            given = given if len(given) <= 200 else given[:200] + "..."
            mismatches.append(
                Mismatch(
                    (start, start + len(claim.shown)),
                    None if claim.excerpt else repr(value),
                    f"line {example.line + claim.line}: shows {claim.shown}, gives {given}",
                )
            )
    return buffer.getvalue(), mismatches


def commands(source: str) -> list[list[str]]:
    """The commands of a shell block: continuation lines joined, comments and `&&` split."""
    joined = source.replace("\\\n", " ")
    found: list[list[str]] = []
    for line in joined.splitlines():
        lexer = shlex.shlex(line, posix=True, punctuation_chars="<>&|;")
        lexer.whitespace_split = True
        lexer.commenters = "#"
        words: list[str] = []
        for token in lexer:
            if token in ("&&", ";"):
                found.append(words)
                words = []
            elif token in ("|", "||", "&"):
                raise AssertionError(f"{line!r}: pipes and background jobs are not run in docs")
            else:
                words.append(token)
        if words:
            found.append(words)
    return [words for words in found if words]


def _run_shell(source: str, expected_exit: int | None) -> str:
    from gapdiag.cli import main

    buffer = io.StringIO()
    for words in commands(source):
        env = {}
        while words and re.fullmatch(r"[A-Z_][A-Z0-9_]*=.*", words[0]):
            name, _, value = words.pop(0).partition("=")
            env[name] = value
        if not words or words[0] in SETUP:
            continue
        if words[0] != "gapdiag":
            raise AssertionError(f"{shlex.join(words)}: only gapdiag commands run in docs")
        argv, stdin, stdout = _redirects(words[1:])
        status = _call(main, argv, env, stdin, stdout, buffer)
        allowed = {expected_exit} if expected_exit is not None else {0, 1}
        if status not in allowed:
            tail = "\n".join(buffer.getvalue().splitlines()[-12:])
            raise AssertionError(
                f"{shlex.join(words)} exited {status} (expected {sorted(allowed)}):\n{tail}"
            )
    return buffer.getvalue()


def _redirects(words: list[str]) -> tuple[list[str], str | None, str | None]:
    argv: list[str] = []
    stdin = stdout = None
    rest = iter(words)
    for word in rest:
        if word == "<":
            stdin = next(rest)
        elif word == ">":
            stdout = next(rest)
        else:
            argv.append(word)
    return argv, stdin, stdout


def _call(
    main: Any,
    argv: list[str],
    env: dict[str, str],
    stdin: str | None,
    stdout: str | None,
    buffer: io.StringIO,
) -> int:
    saved = {name: os.environ.get(name) for name in env}
    os.environ.update(env)
    saved_stdin = sys.stdin
    with contextlib.ExitStack() as stack:
        if stdin is not None:
            sys.stdin = stack.enter_context(open(stdin, encoding="utf-8"))
        target: io.TextIOBase | Any = buffer
        if stdout is not None:
            target = stack.enter_context(open(stdout, "w", encoding="utf-8"))
        try:
            with contextlib.redirect_stdout(target), contextlib.redirect_stderr(buffer):
                return int(main(argv, stdout=target, stderr=buffer))
        finally:
            sys.stdin = saved_stdin
            for name, value in saved.items():
                if value is None:
                    os.environ.pop(name, None)
                else:
                    os.environ[name] = value


def compare(block: Block, shown: str, printed: str) -> tuple[bool, str]:
    """Whether the block shows what was printed, and what it should show now.

    An excerpt is updated run by run: a run that is no longer in the output is replaced
    by as many lines of the output, from the line most like its first (after the previous
    run); with no line alike, the run is kept and the test keeps failing.
    """
    if block.language != "excerpt" and block.directive != ("excerpt", ""):
        return printed == shown, printed
    lines = printed.splitlines()
    runs = _runs(shown)
    updated: list[list[str]] = []
    at = 0
    matched = True
    for run in runs:
        found = _find(lines, run, at)
        if found is None:
            matched = False
            candidates = lines[at:]
            scores = [difflib.SequenceMatcher(None, run[0], c).ratio() for c in candidates]
            best = max(range(len(scores)), key=scores.__getitem__, default=None)
            if best is None or scores[best] < 0.5:
                updated.append(run)
                continue
            found = at + best
            run = lines[found : found + len(run)]
        updated.append(run)
        at = found + len(run)
    return matched, "\n...\n".join("\n".join(run) for run in updated) + "\n"


def _runs(text: str) -> list[list[str]]:
    runs: list[list[str]] = [[]]
    for line in text.splitlines():
        if line == "...":
            runs.append([])
        else:
            runs[-1].append(line)
    return [run for run in runs if run]


def _find(lines: list[str], run: list[str], start: int) -> int | None:
    for index in range(start, len(lines) - len(run) + 1):
        if lines[index : index + len(run)] == run:
            return index
    return None


def rewrite(page: Path, replacements: dict[tuple[int, int], str]) -> None:
    """Write the new outputs into the page, from the last one back so offsets hold."""
    text = page.read_text(encoding="utf-8")
    for (start, end), new in sorted(replacements.items(), reverse=True):
        text = text[:start] + new + text[end:]
    page.write_text(text, encoding="utf-8")

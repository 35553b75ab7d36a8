"""The Spark tests' own set-up: without Java 17 they skip and say why (CI makes them fail)."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from .conftest import java_problem


def fake_java(folder: Path, version: str) -> Path:
    """A `java` that prints `version` the way the JDK does (on standard error)."""
    java = folder / "bin" / "java"
    java.parent.mkdir(parents=True)
    java.write_text(f"#!/bin/sh\necho 'openjdk version \"{version}\" 2025-01-01' >&2\n")
    java.chmod(java.stat().st_mode | stat.S_IXUSR)
    return java


@pytest.mark.skipif(os.name != "posix", reason="the fake java is a shell script")
@pytest.mark.parametrize(
    ("version", "problem"),
    [
        ("17.0.15", None),
        ("21", None),
        ("11.0.2", "Spark tests need Java 17+: {java} is 11"),
        ("1.8.0_392", "Spark tests need Java 17+: {java} is 8"),
    ],
)
def test_java_version_is_read_from_java_home(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, version: str, problem: str | None
) -> None:
    """JAVA_HOME's java decides: 17 or newer runs the Spark tests, older says why not."""
    java = fake_java(tmp_path, version)
    monkeypatch.setenv("JAVA_HOME", str(tmp_path))
    assert java_problem() == (problem.format(java=java) if problem else None)


def test_no_java_at_all_is_named(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No JAVA_HOME and no java on PATH: the skip reason says so."""
    monkeypatch.delenv("JAVA_HOME", raising=False)
    monkeypatch.setenv("PATH", str(tmp_path))
    assert java_problem() == "Spark tests need Java 17+: no java on PATH and JAVA_HOME is unset"
    monkeypatch.setenv("JAVA_HOME", str(tmp_path / "nowhere"))
    missing = tmp_path / "nowhere" / "bin" / "java"
    assert java_problem() == f"Spark tests need Java 17+: JAVA_HOME has no {missing}"


def test_a_java_that_cannot_run_is_named(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A java file that cannot be executed is a reason to skip, not a crash."""
    java = tmp_path / "bin" / "java"
    java.parent.mkdir()
    java.write_text("not a program")
    monkeypatch.setenv("JAVA_HOME", str(tmp_path))
    assert (java_problem() or "").startswith(f"Spark tests need Java 17+: {java} -version failed")

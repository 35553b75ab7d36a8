"""Loading packs: folders, single files, pack metadata, caching and reloading."""

from __future__ import annotations

import os
from pathlib import Path

from gapdiag import load_rules

RULE = """\
- id: few-calls
  gap: will
  certainty: 0.5
  when: activity.calls_per_day < {limit}
  because: "few calls"
  examples:
    - given: {{}}
      fires: unknown
"""


def write_pack(folder: Path, limit: int) -> Path:
    """A one-rule pack folder with pack.yaml."""
    folder.mkdir(exist_ok=True)
    (folder / "pack.yaml").write_text('name: team-pack\nversion: "2.1.0"\n')
    (folder / "calls.rules.yaml").write_text(RULE.format(limit=limit))
    return folder


def test_folder_pack_reads_its_metadata(tmp_path: Path) -> None:
    """A folder's pack.yaml names and versions the pack."""
    book = load_rules(write_pack(tmp_path / "p", 10))
    assert (book.name, book.version, len(book.rules)) == ("team-pack", "2.1.0", 1)


def test_single_file_is_a_pack(tmp_path: Path) -> None:
    """One rule file loads on its own, named after the file."""
    file = write_pack(tmp_path / "p", 10) / "calls.rules.yaml"
    book = load_rules(file)
    assert book.name == "calls"
    assert book.rules[0].id == "few-calls"


def test_loading_twice_reuses_the_compiled_pack(tmp_path: Path) -> None:
    """An unchanged pack is compiled once and reused."""
    folder = write_pack(tmp_path / "p", 10)
    assert load_rules(folder) is load_rules(str(folder))


def test_an_edited_pack_is_reloaded(tmp_path: Path) -> None:
    """Changing a rule file (size or time) makes the next load see the change."""
    folder = write_pack(tmp_path / "p", 10)
    first = load_rules(folder)
    (folder / "calls.rules.yaml").write_text(RULE.format(limit=200))
    stat = (folder / "calls.rules.yaml").stat()
    os.utime(folder / "calls.rules.yaml", ns=(stat.st_atime_ns, stat.st_mtime_ns + 10**9))
    second = load_rules(folder)
    assert second.content_hash != first.content_hash
    assert "200" in second.rules[0].when


def test_default_pack_is_stamped() -> None:
    """The shipped pack has a name, a version and a 16-hex-digit content hash."""
    book = load_rules()
    assert book.name == "gapdiag-default"
    assert len(book.content_hash) == 16
    int(book.content_hash, 16)

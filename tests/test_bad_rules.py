"""Every file under tests/data/bad_rules/ fails to load with the message its first line expects."""

from __future__ import annotations

from pathlib import Path

import pytest

from gapdiag import RuleFileError, load_rules

BAD = sorted((Path(__file__).parent / "data" / "bad_rules").glob("*.rules.yaml"))


@pytest.mark.parametrize("path", BAD, ids=[p.name for p in BAD])
def test_bad_rule_file_is_reported(path: Path) -> None:
    """Loading the file raises RuleFileError whose message contains the expected line."""
    expected = path.read_text().splitlines()[0].removeprefix("# expect: ")
    with pytest.raises(RuleFileError) as caught:
        load_rules(path)
    assert caught.value.path == path
    assert expected in str(caught.value).replace(str(path), path.name)

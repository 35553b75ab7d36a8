"""Binary garbage under a table's name is refused at once, by its first bytes.

200 MB of random bytes named ``reps.csv`` used to be decoded as Windows-1252 whole (a
gigabyte of memory, seconds of work) before the csv module's "new-line character seen in
unquoted field - do you need to open the file in universal-newline mode?" came out.
"""

from __future__ import annotations

import codecs
import io
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gapdiag.cli import ExitStatus, main
from gapdiag.model._input import not_csv


def _run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


@given(before=st.binary(max_size=300), nul=st.integers(0, 100))
def test_a_head_of_control_bytes_is_binary_data(before: bytes, nul: int) -> None:
    """A head a twentieth or more of whose first 512 bytes are control bytes (NUL here), at
    least 4, is named binary, unless it opens with a UTF-16 mark."""
    head = before + b"\0" * nul
    sample = head[:512]
    control = sum(b < 9 or b in (11, 12, 127) or 14 <= b < 32 for b in sample)
    what = not_csv(head)
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return
    if control >= max(4, len(sample) // 20):  # binary, or a kind named by its first bytes
        assert what is not None
        assert "not CSV text" in what
    else:
        assert what is None or "binary" not in what


@given(text=st.text(st.characters(codec="utf-8", exclude_categories=["Cc"]), max_size=300))
def test_text_without_nul_is_not_called_binary(text: str) -> None:
    """Text (UTF-8, tabs and line ends allowed) is never called binary."""
    what = not_csv(text.encode("utf-8"))
    assert what is None or "binary" not in what


@settings(
    max_examples=3, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(seed=st.integers(0, 2**32 - 1))
def test_random_bytes_named_csv_are_one_line_for_every_command(tmp_path: Path, seed: int) -> None:
    """diagnose, report and ingest each say in one line the file is binary, not CSV."""
    import random

    data = random.Random(seed).randbytes(1_000_000).replace(b"\0", b"\1")
    garbage = tmp_path / "reps.csv"
    garbage.write_bytes(b"\0" + data)
    for argv in (
        ("diagnose", str(garbage), "--out", str(tmp_path / "o.csv")),
        ("report", str(garbage), "--out", str(tmp_path / "o.html")),
        ("ingest", str(garbage), "--period", "2017", "--out", str(tmp_path / "i.csv")),
    ):
        code, _, err = _run(*argv)
        assert code == ExitStatus.BAD_INPUT, err
        assert err.count("\n") == 1, err
        assert "binary data" in err, err

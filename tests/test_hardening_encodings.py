"""A rep's JSON saved as UTF-16 with its byte-order mark reads as its UTF-8 twin.

Windows PowerShell 5's `>` and Notepad's "Unicode" save write UTF-16 with a mark; the
mark says the encoding, so the file is read, as population CSV files already were.
Without a mark, or Latin-1, it is still one line naming the line and byte.
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gapdiag.cli import ExitStatus, main
from gapdiag.model._input import decode
from gapdiag.model.errors import InvalidInput

REP = Path(__file__).resolve().parent.parent / "examples" / "will-rep.json"


def _run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


@settings(
    max_examples=4, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(encoding=st.sampled_from(["utf-16", "utf-16-le", "utf-16-be"]))
def test_a_rep_saved_as_utf16_with_its_mark_diagnoses_as_the_utf8_file(
    tmp_path: Path, encoding: str
) -> None:
    """`gapdiag diagnose` prints the same for the UTF-16 file as for the UTF-8 one."""
    text = REP.read_text(encoding="utf-8").replace("rep-will-01", "Renée")
    marked = text if encoding == "utf-16" else "\ufeff" + text
    wide = tmp_path / "rep.json"
    wide.write_bytes(marked.encode(encoding))
    narrow = tmp_path / "rep8.json"
    narrow.write_text(text, encoding="utf-8")
    assert _run("diagnose", str(wide), "--format", "json") == _run(
        "diagnose", str(narrow), "--format", "json"
    )


@given(text=st.text(max_size=200), le=st.booleans())
def test_utf16_with_a_mark_decodes_to_its_text(text: str, le: bool) -> None:
    """Any text (no lone surrogates: UTF-16 cannot hold them) round-trips through the mark."""
    try:
        raw = ("\ufeff" + text).encode("utf-16-le" if le else "utf-16-be")
    except UnicodeEncodeError:
        return
    assert decode(raw, "x") == text


def test_latin1_json_is_still_one_line_naming_line_and_byte(tmp_path: Path) -> None:
    """Latin-1 has no mark to tell it from UTF-8 gone wrong: one line, not a guess."""
    rep = tmp_path / "rep.json"
    rep.write_bytes(json.dumps({"rep_id": "Renée"}, ensure_ascii=False).encode("latin-1"))
    code, _, err = _run("diagnose", str(rep))
    assert code == ExitStatus.BAD_INPUT
    assert err == f"gapdiag: {rep}:1: not UTF-8 text (byte 0xe9); save the file as UTF-8\n"


def test_an_odd_utf16_tail_is_one_error(tmp_path: Path) -> None:
    """A UTF-16 file cut to an odd number of bytes is one error, not a traceback."""
    raw = '\ufeff{"rep_id": "r"}'.encode("utf-16-le")[:-1]
    with pytest.raises(InvalidInput, match="UTF-16"):
        decode(raw, "rep.json")

"""Write 2026-07-15_teams.docx: a Teams-style Word transcript (run once; the file is kept).

    python tests/data/calls_formats/make_docx.py

Teams' Word download: the meeting's title and date, then per stretch of talk the
speaker and the time (``Dana Reyes   0:03``) and the text, here once in one paragraph
with a line break between them, as some exports write it.
"""

from __future__ import annotations

from pathlib import Path

import docx

ENTRIES = (
    ("Dana Reyes", "0:00", "Hi Elena, thanks for joining. How are you doing today?"),
    ("Elena Petrova", "0:05", "Good, thanks. We only have fifteen minutes."),
    ("Dana Reyes", "0:08", "Then let me ask: what would a better forecast change for you?"),
    ("Elena Petrova", "0:15", "We would stop the Friday scramble. Our CFO approves the plan."),
    ("Dana Reyes", "0:31", "I will send you a proposal and a calendar invite for Monday."),
)


def main() -> None:
    """Write the document beside this script."""
    document = docx.Document()
    document.add_paragraph("Discovery call - Northwind")
    document.add_paragraph("July 15, 2026, 3:00PM")
    document.add_paragraph("")
    for index, (name, time, text) in enumerate(ENTRIES):
        if index == 2:  # header and text in one paragraph, a line break between
            paragraph = document.add_paragraph(f"{name}   {time}")
            run = paragraph.add_run()
            run.add_break()
            run.add_text(text)
        else:
            document.add_paragraph(f"{name}   {time}")
            document.add_paragraph(text)
    document.save(str(Path(__file__).with_name("2026-07-15_teams.docx")))


if __name__ == "__main__":
    main()

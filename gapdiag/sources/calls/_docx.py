"""A reader for Word (.docx) transcripts, as Teams and Otter export them: the text, read.

The document's paragraphs are its lines (a line break inside a paragraph starts a new
line), read as a timestamped text transcript (`_text`), so a line named in a message is
a paragraph's. Reading Word files needs python-docx (``pip install 'gapdiag[docx]'``);
without it a .docx transcript is skipped with that hint. The file is a zip archive: its
parts may unpack to no more than the size limit of a file (`limits.file_bytes`), so a
crafted archive cannot fill the memory.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile

from gapdiag.model.limits import limits
from gapdiag.sources.calls import _text
from gapdiag.sources.calls.cues import Transcript, fail


def parse(source: str, data: bytes, date: dt.date | None) -> Transcript:
    """Read a .docx transcript from its bytes.

    Raises:
        TranscriptError: python-docx is not installed, the file is not a Word document
            (or unpacks past the limit), or its text is not a timestamped transcript.
    """
    try:
        import docx  # python-docx: the optional `docx` extra
    except ImportError:
        raise fail(
            source,
            None,
            "(file)",
            "reading Word transcripts needs python-docx (pip install 'gapdiag[docx]')",
        ) from None
    _check_archive(source, data)
    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as error:  # python-docx raises several kinds on a broken file
        raise fail(
            source, None, "(file)", f"is not a Word document ({type(error).__name__})"
        ) from None
    text = "\n".join(paragraph.text for paragraph in document.paragraphs)
    return _text.parse(source, text, date)


def _check_archive(source: str, data: bytes) -> None:
    """Refuse a file that is not a zip archive, or whose parts unpack past the limit."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(part.file_size for part in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError):
        raise fail(source, None, "(file)", "is not a Word document (not a zip archive)") from None
    bound = limits().file_bytes
    if unpacked > bound:
        raise fail(
            source,
            None,
            "(file)",
            f"unpacks to {unpacked:,} bytes, more than {bound:,} ({limits().hint('file_bytes')})",
        )

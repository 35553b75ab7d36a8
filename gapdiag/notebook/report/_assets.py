"""The report's stylesheet and script, read once from the files beside this module.

Both are inlined in the page, so it opens from a mail attachment with no network. The
files are plain CSS and JavaScript so they can be read and checked as such.
"""

from __future__ import annotations

from pathlib import Path

_HERE = Path(__file__).resolve().parent
CSS = (_HERE / "page.css").read_text(encoding="utf-8")
WORDS_JS = (_HERE / "words.js").read_text(encoding="utf-8")
"""The numbers and sentences the script words itself (read before page.js)."""
JS = WORDS_JS + (_HERE / "page.js").read_text(encoding="utf-8")

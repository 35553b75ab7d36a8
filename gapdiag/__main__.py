"""Run the command line with ``python -m gapdiag``."""

from gapdiag.cli import entry

entry()

"""Run the command line with ``python -m gapdiag``."""

import sys

from gapdiag.cli import main

sys.exit(main())

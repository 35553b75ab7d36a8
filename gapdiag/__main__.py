"""Run the command line with ``python -m gapdiag``."""

import sys

from .cli import main

sys.exit(main())

"""Entry point for ``python -m homeward.engines.plantext``."""

from __future__ import annotations

import sys

from homeward.engines.plantext.cli import main

if __name__ == "__main__":
    sys.exit(main())

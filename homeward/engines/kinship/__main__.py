"""Entry point: ``python -m homeward.engines.kinship lr cases.json``."""

import sys

from .cli import main

sys.exit(main())

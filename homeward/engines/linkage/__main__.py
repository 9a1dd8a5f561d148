"""``python -m homeward.engines.linkage``: see ``cli``."""

import sys

from .cli import main

sys.exit(main())

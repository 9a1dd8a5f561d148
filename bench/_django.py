"""Shared start-up for benchmarks that go through Django: a throw-away SQLite database, migrated.

Not a benchmark itself (`make bench` skips files starting with an underscore).
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def setup_django(prefix: str) -> str:
    """Configure Django on a fresh database under var/ (or DATABASE_URL if set); returns the scratch folder."""
    tmp = tempfile.mkdtemp(prefix=prefix, dir=ROOT / "var" if (ROOT / "var").is_dir() else None)
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{tmp}/bench.sqlite3")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "homeward.settings.test")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    return tmp

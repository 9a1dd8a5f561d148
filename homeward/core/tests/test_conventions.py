"""Project rules checked on the source: sensitive tables are reached only through their app's access functions."""

from __future__ import annotations

import re
from pathlib import Path

HOMEWARD = Path(__file__).resolve().parents[2]

# Model managers that only the owning app's services, selectors (and its own tests, migrations) may touch.
GUARDED = {
    "Person.objects": "people",
    "AuditEvent.objects": "audit",
    "AccessGrant.objects": "access",
}
ALLOWED_FILES = {"services.py", "selectors.py", "models.py", "verification.py", "retention.py"}


def test_sensitive_managers_used_only_in_owning_app_services_and_selectors():
    offenders = []
    for path in HOMEWARD.rglob("*.py"):
        rel = path.relative_to(HOMEWARD)
        if "tests" in rel.parts or "migrations" in rel.parts or "engines" in rel.parts:
            continue
        text = path.read_text(encoding="utf-8")
        for manager, app in GUARDED.items():
            used = re.search(rf"\b{re.escape(manager)}\b", text)
            if used and (rel.parts[0] != app or path.name not in ALLOWED_FILES):
                offenders.append(f"{rel}: {manager}")
    assert offenders == []


def test_engines_do_not_import_django():
    for path in (HOMEWARD / "engines").rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"^\s*(from|import) django\b", text, re.M), path

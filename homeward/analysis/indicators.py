"""Indicators of the analysis app: only the synthetic demonstration series, and only where demo data may exist.

`manage.py load_demo` fills `SyntheticCount` so that a fresh demo shows a hotspot run and a warning before the domain
apps publish real indicators. Under production settings (HOMEWARD_ALLOW_DEMO off) this module lists nothing.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any

from django.conf import settings
from django.utils.translation import gettext_lazy as _

DEMO_INDICATORS: dict[str, Any] = {
    "demo_reports": _("Reports (synthetic demo data)"),
    "demo_sightings": _("Sightings (synthetic demo data)"),
}


def _demo_present() -> bool:
    if not getattr(settings, "HOMEWARD_ALLOW_DEMO", False):
        return False
    from homeward.analysis.models import SyntheticCount

    return SyntheticCount.objects.exists()


def __getattr__(name: str) -> Any:
    # INDICATORS is computed on access: empty unless demo data was loaded.
    if name == "INDICATORS":
        return dict(DEMO_INDICATORS) if _demo_present() else {}
    raise AttributeError(name)


def events(name: str, *, prefix: str, start: datetime, end: datetime) -> Iterator[tuple[str, datetime]]:
    from homeward.analysis.models import SyntheticCount

    if name not in DEMO_INDICATORS or not getattr(settings, "HOMEWARD_ALLOW_DEMO", False):
        return
    rows = SyntheticCount.objects.filter(indicator=name, at__gte=start, at__lt=end)
    if prefix:
        rows = rows.filter(code__startswith=prefix)
    for code, at, n in rows.values_list("code", "at", "n").iterator():
        for _i in range(n):
            yield code, at

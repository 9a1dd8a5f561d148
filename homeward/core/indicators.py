"""The indicator contract between the domain apps and the apps that count (plan, analysis).

Each domain app may provide `homeward/<app>/indicators.py` with:

    INDICATORS: dict[str, str]  # name -> label (gettext_lazy), e.g. {"alerts_released": _("Alerts released")}
    def events(name: str, *, prefix: str, start: datetime, end: datetime) -> Iterable[tuple[str, datetime]]:
        '''One (division code, time) pair per counted fact of indicator `name`, for records whose jurisdiction
        starts with `prefix` ("" = national) and whose time falls in [start, end).'''

Apps that count never read another app's tables: they call the functions here. An app without the module, or an
indicator it does not list, is "not available yet" — never an error.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from importlib import import_module
from importlib.util import find_spec
from types import ModuleType
from typing import Any

from django.conf import settings


@dataclass(frozen=True)
class IndicatorSpec:
    app: str
    name: str
    label: Any

    @property
    def key(self) -> str:
        return f"{self.app}.{self.name}"


logger = logging.getLogger(__name__)


def _module(app: str) -> ModuleType | None:
    """The app's indicators module; None when it has none or it fails to import (logged, never fatal)."""
    name = f"homeward.{app}.indicators"
    if find_spec(name) is None:
        return None
    try:
        return import_module(name)
    except Exception:
        logger.exception("indicators of %s cannot be imported; treated as not available", app)
        return None


def available() -> list[IndicatorSpec]:
    specs: list[IndicatorSpec] = []
    for app in settings.HOMEWARD_DOMAIN_APPS:
        module = _module(app)
        if module is not None:
            specs.extend(
                IndicatorSpec(app, n, label) for n, label in getattr(module, "INDICATORS", {}).items()
            )
    return specs


def spec(key: str) -> IndicatorSpec | None:
    return next((s for s in available() if s.key == key), None)


def events(key: str, *, prefix: str, start: datetime, end: datetime) -> list[tuple[str, datetime]] | None:
    """The facts behind indicator `key` ("app.name"), or None when no app provides it."""
    found = spec(key)
    if found is None:
        return None
    module = _module(found.app)
    assert module is not None
    rows: Iterable[tuple[str, datetime]] = module.events(found.name, prefix=prefix, start=start, end=end)
    return list(rows)


def count(key: str, *, prefix: str, start: datetime, end: datetime) -> int | None:
    rows = events(key, prefix=prefix, start=start, end=end)
    return None if rows is None else len(rows)


def count_by_division(key: str, *, prefix: str, start: datetime, end: datetime) -> Counter[str] | None:
    rows = events(key, prefix=prefix, start=start, end=end)
    return None if rows is None else Counter(code for code, _ in rows)


def count_by_week(key: str, *, prefix: str, start: datetime, end: datetime) -> Counter[date] | None:
    """Counts per ISO week, keyed by the Monday of the week (local time)."""
    from django.utils import timezone

    rows = events(key, prefix=prefix, start=start, end=end)
    if rows is None:
        return None
    weeks: Counter[date] = Counter()
    for _, at in rows:
        day = timezone.localtime(at).date()
        weeks[date.fromordinal(day.toordinal() - day.weekday())] += 1
    return weeks

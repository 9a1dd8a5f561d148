"""Indicators the platform computes from its own data, per jurisdiction prefix and period.

Two parts:

- the plan app's own counting functions (`activities_held`, `activity_participants`, `progress_reports_submitted`,
  `implementation_plans_adopted`), which follow the same contract as every other app's;
- the registry (`REGISTRY`, `compute`, `compute_one`) that looks up the optional `homeward.<app>.indicators`
  modules of other apps. A missing module or function means "not available yet" — never an error.

The contract every app's `indicators.py` follows (plain functions, no request, no user):

    def <name>(prefix: str, start: datetime.date, end: datetime.date) -> int | float | None

`prefix` is a jurisdiction scope prefix as `regions.selectors.scope_prefix` makes it ("" national, "51" a
province, "5101" a prefecture, "510107" a county): count rows whose `jurisdiction` starts with it. The period is
`start <= day < end` (end exclusive) in Asia/Shanghai local dates. Return None when the app cannot say.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time
from importlib import import_module
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

log = logging.getLogger(__name__)


COUNT = _("count")


@dataclass(frozen=True)
class IndicatorSpec:
    key: str  # "<app>.<function>"
    label: Any
    unit: Any = COUNT
    higher_is_better: bool = True

    @property
    def app(self) -> str:
        return self.key.split(".", 1)[0]

    @property
    def function(self) -> str:
        return self.key.split(".", 1)[1]


@dataclass(frozen=True)
class IndicatorValue:
    spec: IndicatorSpec
    value: float | int | None
    available: bool
    note: str = ""

    @property
    def key(self) -> str:
        return self.spec.key


HOURS = _("hours")
PERCENT = _("%")

# What the issue asks the platform to know. Other apps provide these functions in their own indicators.py.
REGISTRY: tuple[IndicatorSpec, ...] = (
    IndicatorSpec("alerts.alerts_released", _("Missing-child alerts released")),
    IndicatorSpec("alerts.alerts_found", _("Alerts closed with the child found")),
    IndicatorSpec("alerts.median_hours_to_find", _("Median time from alert to found"), HOURS, False),
    IndicatorSpec("tips.tips_received", _("Tips and mandatory reports received")),
    IndicatorSpec("tips.tips_acted_on", _("Tips acted on (routed, converted or answered)")),
    IndicatorSpec("cases.cases_registered", _("Trafficking cases registered")),
    IndicatorSpec("cases.cases_solved", _("Cases solved")),
    IndicatorSpec("cases.cases_closed", _("Cases closed")),
    IndicatorSpec("cases.victims_rescued", _("Victims rescued")),
    IndicatorSpec("care.victims_assisted", _("Victims assisted (care records opened)")),
    IndicatorSpec("care.followups_done_on_time", _("Follow-ups done on time")),
    IndicatorSpec("care.followups_due", _("Follow-ups due")),
    IndicatorSpec("dna.matches_confirmed", _("DNA matches confirmed")),
    IndicatorSpec("tracing.reunions_confirmed", _("Missing persons found and identity confirmed")),
    IndicatorSpec("plan.activities_held", _("Activities recorded (campaigns, trainings, meetings)")),
    IndicatorSpec("plan.activity_participants", _("People reached by recorded activities")),
    IndicatorSpec("plan.progress_reports_submitted", _("Progress reports submitted")),
    IndicatorSpec("plan.implementation_plans_adopted", _("Implementation plans adopted")),
)
BY_KEY = {spec.key: spec for spec in REGISTRY}


def _module(app: str) -> Any | None:
    name = f"homeward.{app}.indicators"
    try:
        return import_module(name)
    except ImportError:
        # Not built yet (or broken on import): "not available", never an error for the caller.
        return None


def resolve(key: str) -> Callable[[str, date, date], Any] | None:
    """The function behind an indicator key, or None if that app does not provide it (yet)."""
    app, _sep, function = key.partition(".")
    if not function or not function.isidentifier() or function.startswith("_"):
        return None
    module = _module(app)
    fn = getattr(module, function, None) if module is not None else None
    return fn if callable(fn) else None


def compute_one(spec: IndicatorSpec, prefix: str, start: date, end: date) -> IndicatorValue:
    fn = resolve(spec.key)
    if fn is None:
        return IndicatorValue(spec, None, False, "not available yet")
    try:
        value = fn(prefix, start, end)
    except Exception:  # another app's bug must not break an evaluation; it is logged and shown as unavailable
        log.exception("indicator %s failed for prefix=%r %s..%s", spec.key, prefix, start, end)
        return IndicatorValue(spec, None, False, "error")
    if value is None:
        return IndicatorValue(spec, None, False, "unknown")
    if not isinstance(value, (int, float)) or isinstance(value, bool):
        return IndicatorValue(spec, None, False, "not a number")
    return IndicatorValue(spec, value, True)


def compute(prefix: str, start: date, end: date, keys: list[str] | None = None) -> list[IndicatorValue]:
    """Every registered indicator (or `keys`) for a jurisdiction prefix and period [start, end)."""
    specs = REGISTRY if keys is None else tuple(BY_KEY[k] for k in keys if k in BY_KEY)
    return [compute_one(spec, prefix, start, end) for spec in specs]


def period_bounds(start: date, end: date) -> tuple[datetime, datetime]:
    """Aware datetimes for [start, end) local dates, for filtering DateTimeFields."""
    tz = timezone.get_current_timezone()
    return datetime.combine(start, time.min, tz), datetime.combine(end, time.min, tz)


# ---------------------------------------------------------------------------------------------------------
# The plan app's own facts (same contract). Counting only: no access check, no audit — callers aggregate.


def activities_held(prefix: str, start: date, end: date) -> int:
    from homeward.plan.selectors import count_activities

    return count_activities(prefix, start, end)["held"]


def activity_participants(prefix: str, start: date, end: date) -> int:
    from homeward.plan.selectors import count_activities

    return count_activities(prefix, start, end)["reached"]


def progress_reports_submitted(prefix: str, start: date, end: date) -> int:
    from homeward.plan.selectors import count_reports_submitted

    return count_reports_submitted(prefix, start, end)


def implementation_plans_adopted(prefix: str, start: date, end: date) -> int:
    from homeward.plan.selectors import count_implementation_plans

    return count_implementation_plans(prefix, start, end)

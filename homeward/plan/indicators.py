"""Indicators of the plan: what the platform computes from its own data, per jurisdiction prefix and period.

Three parts:

- the plan app's side of the indicator contract of `homeward.core.indicators` (`INDICATORS`, `events`): the plan's
  own facts (activities held, progress reports submitted, implementation plans adopted);
- `REGISTRY`: the indicators the action plan asks for (alerts released and found, time to find, tips received and
  acted on, cases registered/solved/closed, victims rescued and assisted, DNA matches confirmed, follow-ups on time),
  each named "<app>.<name>" as the owning app's `indicators.py` lists it;
- `compute` / `compute_one`: values for a prefix and a period of local dates [start, end). Counts come from the
  contract's `INDICATORS` and `events` of the one app concerned (so that one app's broken module cannot hide the
  others'); an app that does not provide a module or a name yet, or whose code fails, gives "not available" —
  never an error for the evaluation that asked.

Durations (time to find) are not counts: an app may add to its module
`values(name, *, prefix, start, end) -> Iterable[tuple[str, datetime, float]]`, and the plan takes the median.
"""

from __future__ import annotations

import logging
import statistics
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, time
from importlib import import_module
from typing import Any

from django.conf import settings
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
    kind: str = "count"  # or "median" of an app's values()

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

# What the issue asks the platform to know. Other apps provide these functions in their own indicators.py.
REGISTRY: tuple[IndicatorSpec, ...] = (
    IndicatorSpec("alerts.alerts_released", _("Missing-child alerts released")),
    IndicatorSpec("alerts.alerts_found", _("Alerts closed with the child found")),
    IndicatorSpec("alerts.hours_to_find", _("Median time from alert to found"), HOURS, False, "median"),
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


# Modules that failed to import with an error other than "missing": logged once, then skipped until restart.
_BROKEN: set[str] = set()


def _module(app: str) -> Any | None:
    name = f"homeward.{app}.indicators"
    loaded = sys.modules.get(name)
    if loaded is not None or name in _BROKEN:
        return loaded
    try:
        return import_module(name)
    except ImportError:  # not built yet: "not available"
        return None
    except Exception:  # broken on import (another app's work in progress): logged once, and "not available"
        log.exception("%s cannot be imported", name)
        _BROKEN.add(name)
        return None


def _provided(key: str) -> Any | None:
    """The label an app gives indicator `key` in its INDICATORS, or None. Looks only at that app's module, so
    one app's broken module does not hide the others' indicators."""
    app, _sep, name = key.partition(".")
    module = _module(app) if name else None
    try:
        labels = getattr(module, "INDICATORS", None) or {}
        return labels.get(name)
    except Exception:
        log.exception("homeward.%s.indicators: INDICATORS failed", app)
        return None


def _provided_specs() -> list[IndicatorSpec]:
    specs = []
    for app in settings.HOMEWARD_DOMAIN_APPS:
        module = _module(app)
        try:
            labels = dict(getattr(module, "INDICATORS", None) or {})
        except Exception:
            log.exception("homeward.%s.indicators: INDICATORS failed", app)
            continue
        specs += [IndicatorSpec(f"{app}.{name}", label) for name, label in labels.items()]
    return specs


def lookup(key: str) -> IndicatorSpec | None:
    """The spec of a registered or provided indicator key, or None."""
    if key in BY_KEY:
        return BY_KEY[key]
    label = _provided(key)
    return IndicatorSpec(key, label) if label is not None else None


def _count(spec: IndicatorSpec, prefix: str, lo: datetime, hi: datetime) -> int | None:
    """`homeward.core.indicators.count`, resolved within the one app (see `_provided`)."""
    if _provided(spec.key) is None:
        return None
    module = _module(spec.app)
    assert module is not None
    rows = module.events(spec.function, prefix=prefix, start=lo, end=hi)
    return len(list(rows))


def _median_value(spec: IndicatorSpec, prefix: str, lo: datetime, hi: datetime) -> float | None:
    module = _module(spec.app)
    values: Callable[..., Iterable[tuple[str, datetime, float]]] | None = getattr(module, "values", None)
    if values is None:
        return None
    numbers = [float(v) for _code, _at, v in values(spec.function, prefix=prefix, start=lo, end=hi)]
    return round(statistics.median(numbers), 2) if numbers else None


def compute_one(spec: IndicatorSpec, prefix: str, start: date, end: date) -> IndicatorValue:
    lo, hi = period_bounds(start, end)
    try:
        if spec.key in LOCAL:
            value: float | int | None = LOCAL[spec.key](prefix, start, end)
        elif spec.kind == "median":
            value = _median_value(spec, prefix, lo, hi)
            if value is None and _module(spec.app) is None:
                return IndicatorValue(spec, None, False, "not available yet")
        else:
            value = _count(spec, prefix, lo, hi)
    except Exception:  # another app's bug must not break an evaluation; it is logged and shown as unavailable
        log.exception("indicator %s failed for prefix=%r %s..%s", spec.key, prefix, start, end)
        return IndicatorValue(spec, None, False, "error")
    if value is None:
        return IndicatorValue(spec, None, False, "not available yet")
    return IndicatorValue(spec, value, True)


def compute(prefix: str, start: date, end: date, keys: list[str] | None = None) -> list[IndicatorValue]:
    """The registered indicators (plus any other an app provides), or only `keys`, for a prefix and [start, end)."""
    if keys is not None:
        specs = [s for s in (lookup(k) for k in keys) if s is not None]
    else:
        specs = list(REGISTRY) + [p for p in _provided_specs() if p.key not in BY_KEY]
    return [compute_one(spec, prefix, start, end) for spec in specs]


def region_finder(prefixes: list[str]) -> Callable[[str], str | None]:
    """code → the prefix among `prefixes` it falls under (a dict lookup when all have one length, as regions of
    one level do), or None."""
    lengths = {len(p) for p in prefixes}
    if len(lengths) == 1:
        n, known = lengths.pop(), set(prefixes)
        return lambda code: code[:n] if code[:n] in known else None
    return lambda code: next((p for p in prefixes if code.startswith(p)), None)


def compute_by_region(
    prefix: str, start: date, end: date, regions: list[str], keys: list[str] | None = None
) -> dict[str, dict[str, float | int]]:
    """Available values per region prefix (each under `prefix`), fetching each indicator's facts once for the
    whole prefix and splitting them by division code — one call per indicator instead of one per region."""
    lo, hi = period_bounds(start, end)
    specs = [s for s in (lookup(k) for k in (keys if keys is not None else list(BY_KEY))) if s is not None]
    out: dict[str, dict[str, float | int]] = {r: {} for r in regions}

    region_of = region_finder(regions)

    for spec in specs:
        try:
            if spec.key in LOCAL:
                for r in regions:
                    out[r][spec.key] = LOCAL[spec.key](r, start, end)
                continue
            if _provided(spec.key) is None and spec.kind != "median":
                continue
            module = _module(spec.app)
            if module is None:
                continue
            if spec.kind == "median":
                values = getattr(module, "values", None)
                if values is None:
                    continue
                numbers: dict[str, list[float]] = {}
                for code, _at, v in values(spec.function, prefix=prefix, start=lo, end=hi):
                    region = region_of(code)
                    if region is not None:
                        numbers.setdefault(region, []).append(float(v))
                for r, vs in numbers.items():
                    out[r][spec.key] = round(statistics.median(vs), 2)
                continue
            counts = dict.fromkeys(regions, 0)
            for code, _at in module.events(spec.function, prefix=prefix, start=lo, end=hi):
                region = region_of(code)
                if region is not None:
                    counts[region] += 1
            for r, n in counts.items():
                out[r][spec.key] = n
        except Exception:  # another app's bug: that indicator is left out, the rest stands
            log.exception("indicator %s failed for prefix=%r %s..%s", spec.key, prefix, start, end)
    return out


def period_bounds(start: date, end: date) -> tuple[datetime, datetime]:
    """Aware datetimes for [start, end) local dates, for filtering DateTimeFields."""
    tz = timezone.get_current_timezone()
    return datetime.combine(start, time.min, tz), datetime.combine(end, time.min, tz)


# ---------------------------------------------------------------------------------------------------------
# The plan app's own facts, under the contract of homeward.core.indicators.

INDICATORS: dict[str, Any] = {
    "activities_held": _("Activities recorded (campaigns, trainings, meetings)"),
    "progress_reports_submitted": _("Progress reports submitted"),
    "implementation_plans_adopted": _("Implementation plans adopted"),
}


def events(name: str, *, prefix: str, start: datetime, end: datetime) -> list[tuple[str, datetime]]:
    from homeward.plan.selectors import plan_events

    return plan_events(name, prefix=prefix, start=start, end=end) if name in INDICATORS else []


def _activity_participants(prefix: str, start: date, end: date) -> int:
    # A sum, not a count of facts (one campaign may reach 10,000 people), so it stays outside the contract.
    from homeward.plan.selectors import count_activities

    return count_activities(prefix, start, end)["reached"]


LOCAL: dict[str, Callable[[str, date, date], int]] = {"plan.activity_participants": _activity_participants}

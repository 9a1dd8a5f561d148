"""Where the analysis app's numbers come from: the indicator contract of `homeward.core.indicators`, and nothing else.

Counts come from each domain app's `indicators.py` (INDICATORS + events). Two optional extensions of that module are
read here too, so that a source app can offer more than counts when it is ready:

    MEASURES: dict[str, label]          # e.g. {"alert_hours_to_find": _("Hours from alert to found")}
    def measures(name, *, prefix, start, end) -> Iterable[(division_code, datetime, float)]

and, in `homeward.cases.indicators` only, the source–transit–destination pairs for the flow view:

    def victim_flows(*, prefix, start, end) -> Iterable[(origin_code, destination_code, period[, via_codes])]

An app without the module or the function is "no data source yet", never an error.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from homeward.core import indicators
from homeward.core.indicators import IndicatorSpec

# The dashboard's sections in the order the action plan's work flows; apps not named here get a section after them.
SECTIONS: tuple[tuple[str, Any], ...] = (
    ("tips", _("Tips and mandatory reports")),
    ("alerts", _("Missing-child alerts")),
    ("cases", _("Cases")),
    ("care", _("Victims rescued, placed, reunited, followed up")),
    ("tracing", _("Family tracing")),
    ("dna", _("DNA searches and matches")),
    ("screening", _("Online screening: posts and clusters")),
)
OTHER_LABELS: dict[str, Any] = {
    "plan": _("Action plan"),
    "portal": _("Public portal"),
    "analysis": _("Demonstration data (synthetic)"),
}
log = logging.getLogger(__name__)
FLOWS_APP = "cases"
FLOWS_FUNCTION = "victim_flows"


@dataclass(frozen=True)
class Section:
    app: str
    label: Any
    specs: tuple[IndicatorSpec, ...]
    measures: tuple[IndicatorSpec, ...]

    @property
    def has_source(self) -> bool:
        return bool(self.specs or self.measures)


def _module(app: str) -> Any:
    """The app's indicators module; one that fails to import is logged and treated as absent.

    `homeward.core.indicators.available()` stops at the first broken module, which would take every dashboard
    section down with it, so the registry is walked here app by app (same modules, same contract).
    """
    try:
        return indicators._module(app)
    except Exception:
        log.exception("indicators of %s could not be loaded; treated as no data source", app)
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
    app, _dot, name = key.partition(".")
    if app not in settings.HOMEWARD_DOMAIN_APPS:
        return None
    module = _module(app)
    labels = getattr(module, "INDICATORS", {}) if module is not None else {}
    return IndicatorSpec(app, name, labels[name]) if name in labels else None


def events(key: str, *, prefix: str, start: datetime, end: datetime) -> list[tuple[str, datetime]] | None:
    """The facts behind indicator `key` ("app.name") as (division code, time) pairs, or None without a source."""
    found = spec(key)
    if found is None:
        return None
    module = _module(found.app)
    return [(str(code), at) for code, at in module.events(found.name, prefix=prefix, start=start, end=end)]


def available_measures() -> list[IndicatorSpec]:
    specs: list[IndicatorSpec] = []
    for app in settings.HOMEWARD_DOMAIN_APPS:
        module = _module(app)
        if module is not None and hasattr(module, "measures"):
            specs.extend(IndicatorSpec(app, n, label) for n, label in getattr(module, "MEASURES", {}).items())
    return specs


def measure_values(
    key: str, *, prefix: str, start: datetime, end: datetime
) -> list[tuple[str, datetime, float]] | None:
    found = next((s for s in available_measures() if s.key == key), None)
    if found is None:
        return None
    module = _module(found.app)
    return [
        (str(c), t, float(v)) for c, t, v in module.measures(found.name, prefix=prefix, start=start, end=end)
    ]


def sections() -> list[Section]:
    specs = available()
    measures = available_measures()
    order = [app for app, _label in SECTIONS]
    labels = dict(SECTIONS)
    extra = sorted({s.app for s in specs + measures} - set(order))
    out = []
    for app in order + extra:
        out.append(
            Section(
                app=app,
                label=labels.get(app) or OTHER_LABELS.get(app, app),
                specs=tuple(s for s in specs if s.app == app),
                measures=tuple(s for s in measures if s.app == app),
            )
        )
    return out


def flows_available() -> bool:
    module = _module(FLOWS_APP)
    return module is not None and callable(getattr(module, FLOWS_FUNCTION, None))


def victim_flows(*, prefix: str, start: datetime, end: datetime) -> list[Sequence[object]] | None:
    """(origin, destination, period[, via]) pairs from the cases app, or None while it offers none."""
    module = _module(FLOWS_APP)
    if module is None or not callable(getattr(module, FLOWS_FUNCTION, None)):
        return None
    return list(getattr(module, FLOWS_FUNCTION)(prefix=prefix, start=start, end=end))

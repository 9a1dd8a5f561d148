"""Reads of the analysis app: dashboard figures for an area and period, stored runs, warnings and flows.

Every read checks the role and the jurisdiction (an area outside the user's scope answers 404, like a missing
record) and writes one audit row. Counts come only through `homeward.analysis.sources` (the indicator contract).
"""

from __future__ import annotations

import statistics
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from homeward.access import selectors as access
from homeward.analysis import areas, sources
from homeward.analysis.areas import Area
from homeward.analysis.models import EarlyWarning, HotspotRun, WarningScan, WarningStatus
from homeward.analysis.periods import Period
from homeward.audit import services as audit
from homeward.audit.models import AuditAction, AuditOutcome
from homeward.core.indicators import IndicatorSpec
from homeward.engines import hotspots as engine
from homeward.regions.selectors import division_require

PER = 100_000


def require(actor: Any, perm: str) -> None:
    if not actor.has_perm(perm):
        audit.record(
            actor=actor, action=AuditAction.PERMISSION_DENIED, object_type="analysis", detail={"perm": perm}
        )
        raise PermissionDenied


def area_for(actor: Any, code: str | None, *, purpose: str = "") -> Area:
    """The area `code` (default: the actor's own jurisdiction), or Http404 when it is outside the actor's scope.

    A malformed or unknown code is a ValidationError (400), a real code outside the scope a 404 (audited).
    """
    code = code or actor.jurisdiction or ""
    division = division_require(code)
    if not access.in_jurisdiction(actor, division.code):
        audit.record(
            actor=actor,
            action=AuditAction.READ,
            object_type="analysis.area",
            object_id=division.code,
            outcome=AuditOutcome.DENIED,
            purpose=purpose,
            detail={"reason": "outside jurisdiction"},
        )
        raise Http404("Not found")
    return areas.area_of(division)


def rate(count: int | None, population: int | None) -> float | None:
    if count is None or not population:
        return None
    return count / population * PER


def change(now: int, before: int) -> float | None:
    return None if before == 0 else (now - before) / before * 100


@dataclass
class IndicatorRow:
    spec: IndicatorSpec
    total: int
    last_year: int

    @property
    def change(self) -> float | None:
        return change(self.total, self.last_year)


@dataclass
class MeasureRow:
    spec: IndicatorSpec
    n: int
    median: float | None
    median_last_year: float | None


@dataclass
class SectionFigures:
    section: sources.Section
    rows: list[IndicatorRow]
    measures: list[MeasureRow]


@dataclass
class RegionRow:
    area: Area | None  # None: recorded at the dashboard area's own level
    label: str
    count: int
    last_year: int
    population: int | None

    @property
    def rate(self) -> float | None:
        return rate(self.count, self.population) if self.area is not None else None


@dataclass
class CountyRow:
    area: Area
    count: int

    @property
    def rate(self) -> float | None:
        return rate(self.count, self.area.population)


@dataclass
class IndicatorDetail:
    spec: IndicatorSpec
    bucket_labels: list[str]
    series: list[int]
    series_last_year: list[int]
    regions: list[RegionRow]
    counties: list[CountyRow]
    unplaced: int  # facts recorded above county level: counted in totals, not on the map
    total: int
    last_year: int


@dataclass
class Dashboard:
    area: Area
    period: Period
    last_year: Period
    crumbs: list[Area]
    children: list[Area]
    sections: list[SectionFigures]
    detail: IndicatorDetail | None
    indicators: list[IndicatorSpec] = field(default_factory=list)

    @property
    def has_any_source(self) -> bool:
        return any(s.section.has_source for s in self.sections)


def _aligned(values: list[int], length: int) -> list[int]:
    return (values + [0] * length)[:length]


def indicator_detail(
    spec: IndicatorSpec,
    area: Area,
    period: Period,
    now_rows: list[tuple[str, datetime]],
    before_rows: list[tuple[str, datetime]],
) -> IndicatorDetail:
    last = period.last_year()
    series = period.series(t for _c, t in now_rows)
    by_code: Counter[str] = Counter(c for c, _t in now_rows)
    by_code_before: Counter[str] = Counter(c for c, _t in before_rows)
    kids = areas.children(area)
    regions: list[RegionRow] = []
    now_kids, at_level = areas.by_child(area, by_code, kids)
    before_kids, at_level_before = areas.by_child(area, by_code_before, kids)
    for (kid, n), (_kid, b) in zip(now_kids, before_kids, strict=True):
        regions.append(RegionRow(kid, kid.name, n, b, kid.population))
    if at_level or at_level_before or not kids:
        label = area.name if not kids else areas.at_this_level_label(area)
        regions.append(
            RegionRow(
                None if kids else area, label, at_level, at_level_before, None if kids else area.population
            )
        )
    county_rows: list[CountyRow] = []
    placed = 0
    if not area.is_county:
        for unit in areas.counties(area):
            n = by_code.get(unit.code, 0)
            placed += n
            county_rows.append(CountyRow(unit, n))
    else:
        placed = by_code.get(area.code, 0)
        county_rows.append(CountyRow(area, placed))
    labels = [period.bucket_label(k) for k in period.buckets()]
    if labels and period.end >= timezone.localdate():
        labels[-1] += " …"  # the current week or month is not over: its count is still growing
    return IndicatorDetail(
        spec=spec,
        bucket_labels=labels,
        series=series,
        series_last_year=_aligned(last.series(t for _c, t in before_rows), len(series)),
        regions=regions,
        counties=county_rows,
        unplaced=len(now_rows) - placed,
        total=len(now_rows),
        last_year=len(before_rows),
    )


def _median(values: list[float]) -> float | None:
    return statistics.median(values) if values else None


def dashboard_get(
    *, actor: Any, area_code: str | None, start: date | None, end: date | None, indicator: str = ""
) -> Dashboard:
    """Every available indicator for the area and period, with last year's figure; detail for one indicator."""
    require(actor, "analysis.view")
    area = area_for(actor, area_code, purpose="dashboard")
    period = Period.parse(start, end)
    last = period.last_year()
    prefix = area.prefix
    figures: list[SectionFigures] = []
    fetched: dict[str, tuple[list[tuple[str, datetime]], list[tuple[str, datetime]]]] = {}
    all_specs: list[IndicatorSpec] = []
    for section in sources.sections():
        rows = []
        for spec in section.specs:
            now_rows = sources.events(spec.key, prefix=prefix, start=period.start_dt, end=period.end_dt) or []
            before_rows = sources.events(spec.key, prefix=prefix, start=last.start_dt, end=last.end_dt) or []
            fetched[spec.key] = (now_rows, before_rows)
            rows.append(IndicatorRow(spec, len(now_rows), len(before_rows)))
            all_specs.append(spec)
        measures = []
        for spec in section.measures:
            now_v = (
                sources.measure_values(spec.key, prefix=prefix, start=period.start_dt, end=period.end_dt)
                or []
            )
            before_v = (
                sources.measure_values(spec.key, prefix=prefix, start=last.start_dt, end=last.end_dt) or []
            )
            measures.append(
                MeasureRow(
                    spec, len(now_v), _median([v for *_x, v in now_v]), _median([v for *_x, v in before_v])
                )
            )
        figures.append(SectionFigures(section, rows, measures))
    chosen = indicator if indicator in fetched else (all_specs[0].key if all_specs else "")
    detail = None
    if chosen:
        spec = next(s for s in all_specs if s.key == chosen)
        detail = indicator_detail(spec, area, period, *fetched[chosen])
    audit.record(
        actor=actor,
        action=AuditAction.READ,
        object_type="analysis.dashboard",
        object_id=area.code,
        purpose="dashboard",
        detail={"start": period.start.isoformat(), "end": period.end.isoformat(), "indicator": chosen},
    )
    return Dashboard(
        area=area,
        period=period,
        last_year=last,
        crumbs=areas.breadcrumbs(area.code),
        children=areas.children(area),
        sections=figures,
        detail=detail,
        indicators=all_specs,
    )


def indicator_figures(
    *, actor: Any, area_code: str | None, start: date | None, end: date | None, indicator: str, purpose: str
) -> tuple[Area, Period, IndicatorDetail]:
    """One indicator's figures (for exports and the API). The caller's action is audited by the caller's kind."""
    require(actor, "analysis.export" if purpose == "export" else "analysis.view")
    area = area_for(actor, area_code, purpose=purpose)
    period = Period.parse(start, end)
    spec = sources.spec(indicator)
    if spec is None:
        raise ValidationError({"indicator": [f"Unknown or unavailable indicator {indicator!r}."]})
    last = period.last_year()
    now_rows = sources.events(spec.key, prefix=area.prefix, start=period.start_dt, end=period.end_dt) or []
    before_rows = sources.events(spec.key, prefix=area.prefix, start=last.start_dt, end=last.end_dt) or []
    return area, period, indicator_detail(spec, area, period, now_rows, before_rows)


# Stored runs and warnings -------------------------------------------------------------------------------------


def hotspot_run_list(*, actor: Any, limit: int = 100) -> QuerySet[HotspotRun]:
    require(actor, "analysis.view")
    return access.visible_to(actor, HotspotRun.objects.defer("results")).order_by("-created_at")[:limit]


def hotspot_run_get(*, actor: Any, run_id: Any, purpose: str = "", audit_read: bool = True) -> HotspotRun:
    require(actor, "analysis.view")
    return access.get_for_user(
        user=actor, queryset=HotspotRun.objects.all(), pk=run_id, purpose=purpose, audit_read=audit_read
    )


def warning_scan_list(*, actor: Any, limit: int = 20) -> QuerySet[WarningScan]:
    require(actor, "analysis.view")
    return access.visible_to(actor, WarningScan.objects.all()).order_by("-created_at")[:limit]


def warning_list(*, actor: Any, status: str = "", limit: int = 200) -> QuerySet[EarlyWarning]:
    require(actor, "analysis.view")
    warnings = access.visible_to(actor, EarlyWarning.objects.all())
    if status in WarningStatus.values:
        warnings = warnings.filter(status=status)
    # Open warnings first ("open" sorts after "acknowledged"), newest week first, most extreme first.
    return warnings.order_by("-status", "-week_start", "p_value")[:limit]


def warning_get(*, actor: Any, warning_id: Any, purpose: str = "", audit_read: bool = True) -> EarlyWarning:
    require(actor, "analysis.view")
    return access.get_for_user(
        user=actor,
        queryset=EarlyWarning.objects.select_related("acknowledged_by", "scan"),
        pk=warning_id,
        purpose=purpose,
        audit_read=audit_read,
    )


def open_warning_count(actor: Any) -> int:
    if not actor.has_perm("analysis.view"):
        return 0
    return access.visible_to(actor, EarlyWarning.objects.filter(status=WarningStatus.OPEN)).count()


# Source - transit - destination --------------------------------------------------------------------------------


@dataclass
class FlowView:
    area: Area
    first_year: int
    last_year: int
    available: bool
    summary: engine.FlowSummary | None
    names: dict[str, str]


def flows_get(
    *, actor: Any, area_code: str | None, first_year: int, last_year: int, purpose: str = ""
) -> FlowView:
    """Victims' origin and destination provinces from the cases app, and the buyer markets among them."""
    require(actor, "analysis.export" if purpose == "export" else "analysis.view")
    area = area_for(actor, area_code, purpose=purpose or "flows")
    if not 2000 <= first_year <= last_year <= first_year + 20:
        raise ValidationError({"first_year": ["Years from 2000, at most 20 years."]})
    start = Period(date(first_year, 1, 1), date(last_year, 12, 31))
    pairs = sources.victim_flows(prefix=area.prefix, start=start.start_dt, end=start.end_dt)
    summary = None
    if pairs is not None:
        summary = engine.flows(pairs, source="cases.victim_flows")
    codes = sorted({p.province_code for p in summary.provinces}) if summary else []
    if purpose != "export":
        audit.record(
            actor=actor,
            action=AuditAction.READ,
            object_type="analysis.flows",
            object_id=area.code,
            purpose=purpose or "flows",
            detail={"years": [first_year, last_year]},
        )
    return FlowView(area, first_year, last_year, pairs is not None, summary, areas.names(codes))

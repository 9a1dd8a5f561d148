"""Turning selector results into charts for the pages (presentation only: no queries of other apps, no rules)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from homeward.analysis import charts
from homeward.analysis.models import HotspotRun
from homeward.analysis.selectors import Dashboard, IndicatorDetail
from homeward.regions.models import Division


@dataclass
class DashboardCharts:
    trend: SafeString
    regions: SafeString
    county_map: SafeString | None


def _coords(codes: list[str]) -> dict[str, tuple[float | None, float | None]]:
    return {
        d.code: (d.lat, d.lon) for d in Division.objects.filter(code__in=codes).only("code", "lat", "lon")
    }


def _province_codes(prefix: str) -> list[str]:
    qs = Division.objects.filter(level="province")
    if prefix:
        qs = qs.filter(code__startswith=prefix[:2])
    return list(qs.values_list("code", flat=True))


def _unit_text(name: str, count: int, rate: float | None) -> str:
    return _("%(name)s: %(count)d, %(rate)s per 100,000") % {
        "name": name,
        "count": count,
        "rate": charts.fmt_value(rate) if rate is not None else _("no population figure"),
    }


def dashboard_charts(board: Dashboard, area_url: Callable[[str], str]) -> DashboardCharts | None:
    detail: IndicatorDetail | None = board.detail
    if detail is None:
        return None
    label = str(detail.spec.label)
    trend = charts.line_chart(
        _("%(indicator)s over time") % {"indicator": label},
        detail.bucket_labels,
        [
            charts.Series(str(board.period), detail.series),
            charts.Series(
                _("same period last year (%(period)s)") % {"period": board.last_year},
                detail.series_last_year,
                colour=charts.MUTED,
                dashed=True,
            ),
        ],
        y_label=_("per week") if board.period.weekly else _("per month"),
    )
    bars = charts.bar_chart(
        _("%(indicator)s by region") % {"indicator": label},
        [
            (r.label, r.count, area_url(r.area.code) if r.area and r.area.code != board.area.code else "")
            for r in detail.regions
        ],
    )
    county_map = None
    if board.area.level == "country":
        # The nation: one shape per province (2,850 county outlines would make a 1 MB page); click to drill down.
        coords = _coords([r.area.code for r in detail.regions if r.area])
        units = []
        for r in detail.regions:
            if r.area is None:
                continue
            lat, lon = coords.get(r.area.code, (None, None))
            units.append(
                charts.MapUnit(
                    r.area.code,
                    r.label,
                    r.rate,
                    _unit_text(r.label, r.count, r.rate),
                    area_url(r.area.code),
                    lat,
                    lon,
                )
            )
        county_map = charts.choropleth(
            _("%(indicator)s per 100,000 residents, by province") % {"indicator": label},
            units,
            legend_label=_("per 100,000"),
            level="province",
        )
    elif not board.area.is_county:
        coords = _coords([c.area.code for c in detail.counties])
        units = []
        for row in detail.counties:
            lat, lon = coords.get(row.area.code, (None, None))
            units.append(
                charts.MapUnit(
                    row.area.code,
                    row.area.name,
                    row.rate,
                    _unit_text(row.area.name, row.count, row.rate),
                    area_url(row.area.code),
                    lat,
                    lon,
                )
            )
        county_map = charts.choropleth(
            _("%(indicator)s per 100,000 residents, by county") % {"indicator": label},
            units,
            legend_label=_("per 100,000"),
            provinces=_province_codes(board.area.prefix),
            detail=len(board.area.prefix) >= 4,
        )
    return DashboardCharts(trend, bars, county_map)


def hotspot_map(run: HotspotRun, names: dict[str, str], area_url: Callable[[str], str]) -> SafeString:
    coords = _coords([r["code"] for r in run.results])
    colours = {"hot": charts.HOT, "cold": charts.COLD}
    units = []
    for r in run.results:
        lat, lon = coords.get(r["code"], (None, None))
        name = names.get(r["code"], r["code"])
        kind = {"hot": _("hotspot"), "cold": _("coldspot")}.get(r["kind"], _("not significant"))
        text = _("%(name)s: %(kind)s, %(count)d (%(rate)s per 100,000), Gi* z = %(z).2f, q = %(q).3f") % {
            "name": name,
            "kind": kind,
            "count": r["count"],
            "rate": charts.fmt_value(r["rate"]),
            "z": r["z"],
            "q": r["q"],
        }
        units.append(
            charts.MapUnit(
                r["code"],
                name,
                r["rate"],
                text,
                area_url(r["code"]),
                lat,
                lon,
                colours.get(r["kind"], charts.NEUTRAL),
            )
        )
    area_prefix = "" if run.jurisdiction == "000000" else run.jurisdiction[:2]
    return charts.choropleth(
        _("Hotspots of %(indicator)s") % {"indicator": run.indicator_label or run.indicator},
        units,
        provinces=_province_codes(area_prefix),
        detail=not run.jurisdiction.endswith("0000"),
    )


def flow_bars(provinces: Any, names: dict[str, str]) -> SafeString:
    rows = []
    for p in provinces:
        rows.append((names.get(p.province_code, p.province_code), p.inbound, ""))
    return charts.bar_chart(_("Victims received from other provinces"), rows)

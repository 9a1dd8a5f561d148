"""Tables that leave the platform (CSV exports, the API): small counts suppressed with the engine's `suppress`.

Counts from 1 to 4 are replaced by a marker, and so is every other entry that would let a reader work a hidden one
out from a published total (complementary suppression). A rate derived from a suppressed count is suppressed too,
since the census population is public. Columns that do not add up to anything (this period vs. last year) are
suppressed as separate tables.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from homeward.analysis import areas, selectors, sources
from homeward.analysis.areas import Area
from homeward.analysis.models import HotspotRun
from homeward.analysis.periods import Period
from homeward.analysis.selectors import IndicatorDetail
from homeward.audit import services as audit
from homeward.audit.models import AuditAction
from homeward.engines import hotspots as engine

MARKER = "*"
THRESHOLD = 5


@dataclass(frozen=True)
class Column:
    """One count column: published cells (None = suppressed) and its published total."""

    cells: tuple[int | None, ...]
    total: int | None


def suppress_column(values: Sequence[int]) -> Column:
    """One column of counts with its total, suppressed by the engine's rule.

    For a single column the engine's exact check reduces to counting: with the total published, the hidden cells'
    sum is known, so one hidden cell alone is pinned and two or more are not (each can be anything from 0 to that
    sum). The engine's LP search takes minutes on the 2,850 counties of a national export, so columns take this
    O(n) path; `test_exports` checks that it agrees with `engine.suppress` on small columns.
    """
    cells = [int(v) for v in values]
    if any(v < 0 for v in cells):
        raise ValueError("counts must be non-negative")
    total = sum(cells)
    hidden = {i for i, v in enumerate(cells) if 0 < v < THRESHOLD}
    total_hidden = 0 < total < THRESHOLD
    if total_hidden:
        # The total is itself small: with it hidden, no single cell can be worked out unless it is alone.
        if len(cells) == 1:
            hidden = {0}
    elif len(hidden) == 1:
        others = [i for i in range(len(cells)) if i not in hidden]
        nonzero = [i for i in others if cells[i] > 0]
        if nonzero:
            hidden.add(min(nonzero, key=lambda i: (cells[i], i)))
        elif others:
            hidden.add(others[0])
        else:
            total_hidden = True
    return Column(
        tuple(None if i in hidden else v for i, v in enumerate(cells)), None if total_hidden else total
    )


def suppress_value(value: int) -> int | None:
    return engine.suppress([[int(value)]], threshold=THRESHOLD).grand_total


def suppress_matrix(
    cells: Sequence[Sequence[int]], row_labels: Sequence[str], col_labels: Sequence[str]
) -> engine.SuppressedTable:
    return engine.suppress(
        [list(map(int, r)) for r in cells], row_labels=row_labels, col_labels=col_labels, threshold=THRESHOLD
    )


def show(v: int | float | None, digits: int | None = None) -> str:
    if v is None:
        return MARKER
    return f"{v:.{digits}f}" if digits is not None else str(v)


def rate_if_published(count: int | None, population: int | None) -> float | None:
    if count is None or not population:
        return None
    return count / population * 100_000


def to_csv(rows: Sequence[Sequence[object]], *, note: str = "") -> str:
    """CSV text with a UTF-8 BOM (so that spreadsheet programs read the Chinese names) and the suppression note."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out)
    for row in rows:
        writer.writerow([_safe_cell(c) for c in row])
    writer.writerow([])
    writer.writerow([note or suppression_note()])
    return out.getvalue()


def _safe_cell(value: object) -> str:
    text = "" if value is None else str(value)
    # A cell starting with = + - @ would run as a formula in a spreadsheet; numbers keep their sign.
    if text[:1] in ("=", "+", "@", "\t", "\r") or (text[:1] == "-" and not _is_number(text)):
        return "'" + text
    return text


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def suppression_note() -> str:
    return _(
        "%(marker)s = suppressed: counts from 1 to 4, and entries from which one could be worked out, are not "
        "published outside the platform."
    ) % {"marker": MARKER}


# Assembled exports: each call audits one EXPORT row. --------------------------------------------------------

TABLES = ("summary", "series", "regions", "counties")


def _audit_export(actor: Any, kind: str, code: str, detail: dict[str, Any]) -> None:
    audit.record(
        actor=actor,
        action=AuditAction.EXPORT,
        object_type=f"analysis.{kind}",
        object_id=code,
        purpose="export",
        detail=detail,
    )


def indicator_tables(area: Area, period: Period, detail: IndicatorDetail) -> dict[str, list[list[object]]]:
    """The suppressed tables of one indicator, each a header row plus data rows."""
    series_now = suppress_column(detail.series)
    series_before = suppress_column(detail.series_last_year)
    series: list[list[object]] = [[_("period"), _("this period"), _("same period last year")]]
    for label, now, before in zip(detail.bucket_labels, series_now.cells, series_before.cells, strict=True):
        series.append([label, show(now), show(before)])
    series.append([_("total"), show(series_now.total), show(series_before.total)])

    reg_now = suppress_column([r.count for r in detail.regions])
    reg_before = suppress_column([r.last_year for r in detail.regions])
    regions: list[list[object]] = [
        [_("code"), _("region"), _("this period"), _("same period last year"), _("per 100,000")]
    ]
    for r, now, before in zip(detail.regions, reg_now.cells, reg_before.cells, strict=True):
        rate = rate_if_published(now, r.population if r.area else None)
        regions.append([r.area.code if r.area else "", r.label, show(now), show(before), show(rate, 2)])
    regions.append(["", _("total"), show(reg_now.total), show(reg_before.total), ""])

    cty = suppress_column([c.count for c in detail.counties])
    counties: list[list[object]] = [
        [_("code"), _("county"), _("population (2020 census)"), _("this period"), _("per 100,000")]
    ]
    for c, now in zip(detail.counties, cty.cells, strict=True):
        counties.append(
            [
                c.area.code,
                c.area.name,
                c.area.population or "",
                show(now),
                show(rate_if_published(now, c.area.population), 2),
            ]
        )
    counties.append(["", _("total on the map"), "", show(cty.total), ""])
    return {"series": series, "regions": regions, "counties": counties}


def dashboard_export(
    *, actor: Any, area_code: str | None, start: date | None, end: date | None, indicator: str, table: str
) -> tuple[str, str]:
    """(file name, CSV text) of one dashboard table, suppressed for use outside the platform."""
    if table not in TABLES:
        raise ValidationError({"table": [f"Unknown table {table!r}."]})
    if table == "summary":
        selectors.require(actor, "analysis.export")
        area = selectors.area_for(actor, area_code, purpose="export")
        period = Period.parse(start, end)
        last = period.last_year()
        rows: list[list[object]] = [[_("section"), _("indicator"), _("key"), str(period), str(last)]]
        for section in sources.sections():
            for spec in section.specs:
                now = (
                    sources.events(spec.key, prefix=area.prefix, start=period.start_dt, end=period.end_dt)
                    or []
                )
                before = (
                    sources.events(spec.key, prefix=area.prefix, start=last.start_dt, end=last.end_dt) or []
                )
                rows.append(
                    [
                        section.label,
                        spec.label,
                        spec.key,
                        show(suppress_value(len(now))),
                        show(suppress_value(len(before))),
                    ]
                )
        key = ""
    else:
        area, period, detail = selectors.indicator_figures(
            actor=actor, area_code=area_code, start=start, end=end, indicator=indicator, purpose="export"
        )
        rows = indicator_tables(area, period, detail)[table]
        key = detail.spec.key
    _audit_export(actor, "dashboard", area.code, {"table": table, "indicator": key, "period": str(period)})
    name = f"homeward-{table}-{key.replace('.', '-') + '-' if key else ''}{area.code}-{period.start}-{period.end}.csv"
    return name, to_csv(rows)


def indicator_payload(area: Area, period: Period, detail: IndicatorDetail) -> dict[str, Any]:
    """The API's view of one indicator: the same suppression as the CSV exports (null = suppressed)."""
    series_now = suppress_column(detail.series)
    series_before = suppress_column(detail.series_last_year)
    reg_now = suppress_column([r.count for r in detail.regions])
    reg_before = suppress_column([r.last_year for r in detail.regions])
    return {
        "indicator": detail.spec.key,
        "label": str(detail.spec.label),
        "area": {"code": area.code, "name": area.name},
        "period": {"start": period.start.isoformat(), "end": period.end.isoformat()},
        "total": series_now.total,
        "total_last_year": series_before.total,
        "buckets": [
            {"label": label, "count": now, "count_last_year": before}
            for label, now, before in zip(
                detail.bucket_labels, series_now.cells, series_before.cells, strict=True
            )
        ],
        "regions": [
            {
                "code": r.area.code if r.area else None,
                "name": r.label,
                "count": now,
                "count_last_year": before,
                "rate_per_100k": rate_if_published(now, r.population if r.area else None),
            }
            for r, now, before in zip(detail.regions, reg_now.cells, reg_before.cells, strict=True)
        ],
        "suppression": suppression_note(),
    }


def hotspot_rows(run: HotspotRun, names: dict[str, str]) -> list[list[object]]:
    col = suppress_column([r["count"] for r in run.results])
    rows: list[list[object]] = [
        [
            _("code"),
            _("county"),
            _("population"),
            _("count"),
            _("per 100,000"),
            "Gi* z",
            "p",
            "q (FDR)",
            _("result"),
        ]
    ]
    for r, count in zip(run.results, col.cells, strict=True):
        rows.append(
            [
                r["code"],
                names.get(r["code"], ""),
                r["population"],
                show(count),
                show(rate_if_published(count, r["population"]), 2),
                f"{r['z']:.3f}",
                f"{r['p']:.4f}",
                f"{r['q']:.4f}",
                r["kind"],
            ]
        )
    rows.append(["", _("total"), "", show(col.total), "", "", "", "", ""])
    rows.append([])
    rows.append([run.basis])
    rows.append([engine.HUMAN_JUDGEMENT_NOTE_ZH])
    return rows


def hotspot_export(*, actor: Any, run_id: Any) -> tuple[str, str]:
    selectors.require(actor, "analysis.export")
    run = selectors.hotspot_run_get(actor=actor, run_id=run_id, purpose="export", audit_read=False)
    names = areas.names([r["code"] for r in run.results])
    audit.record(actor=actor, action=AuditAction.EXPORT, obj=run, purpose="export")
    return f"homeward-hotspots-{run.pk}-{run.jurisdiction}.csv", to_csv(hotspot_rows(run, names))


def flows_export(*, actor: Any, area_code: str | None, first_year: int, last_year: int) -> tuple[str, str]:
    view = selectors.flows_get(
        actor=actor, area_code=area_code, first_year=first_year, last_year=last_year, purpose="export"
    )
    rows: list[list[object]] = []
    if view.summary is not None and view.summary.edges:
        provinces = sorted({p for e in view.summary.edges for p in e})
        labels = [view.names.get(p, p) for p in provinces]
        matrix = [[view.summary.edges.get((o, d), 0) for d in provinces] for o in provinces]
        table = suppress_matrix(matrix, labels, labels)
        published = table.to_rows(marker=MARKER, total_label=_("total"))
        rows = [[_("from \\ to"), *published[0][1:]]]
        rows += [list[object](r) for r in published[1:]]
        rows.append([])
        buyers = [view.names.get(p.province_code, p.province_code) for p in view.summary.buyer_markets()]
        rows.append([_("buyer markets"), *buyers])
        rows.append([view.summary.basis.statement()])
    else:
        rows = [[_("No data source for victims' origins and destinations yet.")]]
    _audit_export(actor, "flows", view.area.code, {"years": [first_year, last_year]})
    return f"homeward-flows-{view.area.code}-{first_year}-{last_year}.csv", to_csv(rows)


def indicator_api(
    *, actor: Any, area_code: str | None, start: date | None, end: date | None, indicator: str
) -> dict[str, Any]:
    area, period, detail = selectors.indicator_figures(
        actor=actor, area_code=area_code, start=start, end=end, indicator=indicator, purpose="api"
    )
    _audit_export(actor, "figures", area.code, {"indicator": detail.spec.key, "period": str(period)})
    return indicator_payload(area, period, detail)


def hotspot_api(*, actor: Any, run_id: Any, render: Callable[[HotspotRun], dict[str, Any]]) -> dict[str, Any]:
    run = selectors.hotspot_run_get(actor=actor, run_id=run_id, purpose="api read", audit_read=False)
    audit.record(actor=actor, action=AuditAction.EXPORT, obj=run, purpose="api read")
    return render(run)


def flows_api(*, actor: Any, area_code: str | None, first_year: int, last_year: int) -> dict[str, Any]:
    view = selectors.flows_get(
        actor=actor, area_code=area_code, first_year=first_year, last_year=last_year, purpose="export"
    )
    edges: list[dict[str, Any]] = []
    provinces: list[dict[str, Any]] = []
    basis = ""
    if view.summary is not None:
        codes = sorted({p for e in view.summary.edges for p in e})
        if codes:
            table = suppress_matrix(
                [[view.summary.edges.get((o, d), 0) for d in codes] for o in codes], codes, codes
            )
            for i, o in enumerate(codes):
                for j, d in enumerate(codes):
                    if view.summary.edges.get((o, d)):
                        edges.append({"origin": o, "destination": d, "count": table.cells[i][j]})
        provinces = [
            {"code": p.province_code, "role": p.role, "buyer_market": p.buyer_market}
            for p in view.summary.provinces
        ]
        basis = view.summary.basis.statement()
    _audit_export(actor, "flows", view.area.code, {"years": [first_year, last_year], "channel": "api"})
    return {
        "available": view.available,
        "edges": edges,
        "provinces": provinces,
        "basis": basis,
        "suppression": suppression_note(),
    }

"""JSON API of the analysis app, mounted at /api/v1/analysis/.

Everything here leaves the platform, so counts from 1 to 4 (and entries that would reveal them) are null, exactly
as in the CSV exports. Areas outside the caller's jurisdiction answer 404.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status

from homeward.analysis import exports, selectors, services, sources
from homeward.analysis.models import EarlyWarning, HotspotRun, WarningScan
from homeward.core.schemas import StrictSchema
from homeward.engines import hotspots as engine

router = Router(tags=["analysis"])

AREA = r"^\d{6}$"


class IndicatorOut(Schema):
    key: str
    app: str
    label: str


class AreaPeriod(Schema):
    area: str | None = Field(None, pattern=AREA)
    start: date | None = None
    end: date | None = None


class IndicatorQuery(AreaPeriod):
    indicator: str = Field(..., max_length=80)


class SummaryRow(Schema):
    section: str
    key: str
    label: str
    count: int | None
    count_last_year: int | None


class SummaryOut(Schema):
    area: str
    area_name: str
    start: date
    end: date
    sections_without_source: list[str]
    indicators: list[SummaryRow]
    suppression: str


class BucketOut(Schema):
    label: str
    count: int | None
    count_last_year: int | None


class RegionOut(Schema):
    code: str | None
    name: str
    count: int | None
    count_last_year: int | None
    rate_per_100k: float | None


class IndicatorFiguresOut(Schema):
    indicator: str
    label: str
    area: dict[str, str]
    period: dict[str, str]
    total: int | None
    total_last_year: int | None
    buckets: list[BucketOut]
    regions: list[RegionOut]
    suppression: str


class HotspotIn(StrictSchema):
    area: str = Field(..., pattern=AREA)
    indicator: str = Field(..., max_length=80)
    start: date
    end: date
    permutations: int | None = Field(None, ge=99, le=49_999)
    alpha: float = Field(0.05, gt=0, lt=1)


class HotspotCounty(Schema):
    code: str
    count: int | None
    rate_per_100k: float | None
    gi_star_z: float
    p_value: float
    q_value: float
    result: str


class HotspotOut(Schema):
    id: int
    area: str
    indicator: str
    indicator_label: str
    start: date
    end: date
    status: str
    error: str
    hotspots: int
    coldspots: int
    permutations: int | None
    min_detectable_cluster: int | None
    basis: str
    judgement_note: str
    counties: list[HotspotCounty]


class ScanIn(StrictSchema):
    area: str = Field(..., pattern=AREA)
    indicators: list[str] = Field(default_factory=list, max_length=50)
    week_start: date | None = None


class ScanOut(Schema):
    id: int
    area: str
    week_start: date
    indicators: list[str]
    status: str


class WarningOut(Schema):
    id: int
    region: str
    indicator: str
    indicator_label: str
    week_start: date
    observed: int | None
    expected: float
    threshold: int
    p_value: float
    status: str
    note: str
    basis: str
    judgement_note: str


class AcknowledgeIn(StrictSchema):
    note: str = Field(..., min_length=1, max_length=2000)


class FlowQuery(Schema):
    area: str | None = Field(None, pattern=AREA)
    first_year: int = Field(..., ge=2000, le=2100)
    last_year: int = Field(..., ge=2000, le=2100)


class FlowEdge(Schema):
    origin: str
    destination: str
    count: int | None


class FlowProvince(Schema):
    code: str
    role: str
    buyer_market: bool


class FlowsOut(Schema):
    available: bool
    edges: list[FlowEdge]
    provinces: list[FlowProvince]
    basis: str
    suppression: str


def _hotspot_out(run: HotspotRun, *, counties: bool = True) -> dict[str, Any]:
    results = run.results if counties else []
    col = exports.suppress_column([r["count"] for r in results])
    return {
        "id": run.pk,
        "area": run.jurisdiction,
        "indicator": run.indicator,
        "indicator_label": run.indicator_label,
        "start": run.period_start,
        "end": run.period_end,
        "status": run.status,
        "error": run.error,
        "hotspots": run.n_hot,
        "coldspots": run.n_cold,
        "permutations": run.used_permutations,
        "min_detectable_cluster": run.min_detectable_cluster,
        "basis": run.basis,
        "judgement_note": engine.HUMAN_JUDGEMENT_NOTE_ZH,
        "counties": [
            {
                "code": r["code"],
                "count": count,
                "rate_per_100k": exports.rate_if_published(count, r["population"]),
                "gi_star_z": r["z"],
                "p_value": r["p"],
                "q_value": r["q"],
                "result": r["kind"],
            }
            for r, count in zip(results, col.cells, strict=True)
        ],
    }


def _warning_out(w: EarlyWarning) -> dict[str, Any]:
    return {
        "id": w.pk,
        "region": w.jurisdiction,
        "indicator": w.indicator,
        "indicator_label": w.indicator_label,
        "week_start": w.week_start,
        "observed": exports.suppress_value(w.observed),
        "expected": w.expected,
        "threshold": w.threshold,
        "p_value": w.p_value,
        "status": w.status,
        "note": w.note,
        "basis": w.basis,
        "judgement_note": engine.HUMAN_JUDGEMENT_NOTE_ZH,
    }


def _scan_out(s: WarningScan) -> dict[str, Any]:
    return {
        "id": s.pk,
        "area": s.jurisdiction,
        "week_start": s.week_start,
        "indicators": s.indicators,
        "status": s.status,
    }


@router.get("/indicators", response=list[IndicatorOut])
def list_indicators(request: HttpRequest) -> Any:
    selectors.require(request.user, "analysis.view")
    return [{"key": s.key, "app": s.app, "label": str(s.label)} for s in sources.available()]


@router.get("/dashboard", response=SummaryOut)
def dashboard(request: HttpRequest, q: Query[AreaPeriod]) -> Any:
    board = selectors.dashboard_get(actor=request.user, area_code=q.area, start=q.start, end=q.end)
    rows = [
        {
            "section": fig.section.app,
            "key": row.spec.key,
            "label": str(row.spec.label),
            "count": exports.suppress_value(row.total),
            "count_last_year": exports.suppress_value(row.last_year),
        }
        for fig in board.sections
        for row in fig.rows
    ]
    return {
        "area": board.area.code,
        "area_name": board.area.name,
        "start": board.period.start,
        "end": board.period.end,
        "sections_without_source": [f.section.app for f in board.sections if not f.section.has_source],
        "indicators": rows,
        "suppression": exports.suppression_note(),
    }


@router.get("/figures", response=IndicatorFiguresOut)
def figures(request: HttpRequest, q: Query[IndicatorQuery]) -> Any:
    return exports.indicator_api(
        actor=request.user, area_code=q.area, start=q.start, end=q.end, indicator=q.indicator
    )


@router.get("/hotspots", response=list[HotspotOut])
def list_hotspots(request: HttpRequest) -> Any:
    runs = selectors.hotspot_run_list(actor=request.user, limit=50)
    return [_hotspot_out(r, counties=False) for r in runs]


@router.post("/hotspots", response={202: HotspotOut})
def request_hotspots(request: HttpRequest, payload: HotspotIn) -> Status[Any]:
    run = services.hotspot_run_request(
        actor=request.user,
        area_code=payload.area,
        indicator=payload.indicator,
        start=payload.start,
        end=payload.end,
        permutations=payload.permutations,
        alpha=payload.alpha,
    )
    return Status(202, _hotspot_out(run))


@router.get("/hotspots/{run_id}", response=HotspotOut)
def get_hotspots(request: HttpRequest, run_id: int) -> Any:
    return exports.hotspot_api(actor=request.user, run_id=run_id, render=_hotspot_out)


@router.post("/warning-scans", response={202: ScanOut})
def request_scan(request: HttpRequest, payload: ScanIn) -> Status[Any]:
    scan = services.warning_scan_request(
        actor=request.user,
        area_code=payload.area,
        indicators=payload.indicators,
        week_start=payload.week_start,
    )
    return Status(202, _scan_out(scan))


class WarningFilter(Schema):
    status: str = Field("", max_length=20)


@router.get("/warnings", response=list[WarningOut])
def list_warnings(request: HttpRequest, q: Query[WarningFilter]) -> Any:
    return [_warning_out(w) for w in selectors.warning_list(actor=request.user, status=q.status)]


@router.get("/warnings/{warning_id}", response=WarningOut)
def get_warning(request: HttpRequest, warning_id: int) -> Any:
    return _warning_out(selectors.warning_get(actor=request.user, warning_id=warning_id, purpose="api read"))


@router.post("/warnings/{warning_id}/acknowledge", response=WarningOut)
def acknowledge_warning(request: HttpRequest, warning_id: int, payload: AcknowledgeIn) -> Any:
    return _warning_out(
        services.warning_acknowledge(actor=request.user, warning_id=warning_id, note=payload.note)
    )


@router.get("/flows", response=FlowsOut)
def get_flows(request: HttpRequest, q: Query[FlowQuery]) -> Any:
    return exports.flows_api(
        actor=request.user, area_code=q.area, first_year=q.first_year, last_year=q.last_year
    )

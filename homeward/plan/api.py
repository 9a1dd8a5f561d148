"""JSON API of the plan app, mounted at /api/v1/plan/.

`GET measures` and `GET agencies` are the plan as data (any authenticated user). Reports, indicators and
supervision listings go through the same selectors and services as the pages (jurisdiction, roles, audit).
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.http import Http404, HttpRequest
from ninja import Field, Query, Router, Schema, Status

from homeward.access import selectors as access
from homeward.core.schemas import StrictSchema
from homeward.plan import indicators as ind
from homeward.plan import selectors, services
from homeward.plan.models import Measure, ProgressReport, ProgressStatus, ReportStatus, Responsibility
from homeward.regions.selectors import division_require, scope_prefix

router = Router(tags=["plan"])


class MeasureOut(Schema):
    id: int
    code: str
    pillar: str
    section: str
    kind: str
    parent: str | None
    text: str
    lead_agencies: list[str]
    cooperating_agencies: list[str]

    @staticmethod
    def resolve_parent(obj: Measure) -> str | None:
        return obj.code.rsplit(".", 1)[0] if obj.parent_id else None

    @staticmethod
    def resolve_lead_agencies(obj: Measure) -> list[str]:
        return [r.name for r in obj.responsibilities.all() if r.role == Responsibility.LEAD]

    @staticmethod
    def resolve_cooperating_agencies(obj: Measure) -> list[str]:
        return [r.name for r in obj.responsibilities.all() if r.role == Responsibility.COOPERATING]


class MeasureFilter(Schema):
    section: str = Field("", max_length=16, description="e.g. 二.(一)")
    agency: str = Field("", max_length=120, description="agency name as written; lead or cooperating")


class AgencyOut(Schema):
    name: str
    agency_id: int | None
    name_en: str
    is_group: bool
    leads: list[str]
    cooperates: list[str]


@router.get("/measures", response=list[MeasureOut])
def list_measures(request: HttpRequest, filters: Query[MeasureFilter]) -> Any:
    measures = selectors.measure_list()
    if filters.section:
        measures = measures.filter(section=filters.section)
    if filters.agency:
        measures = measures.filter(responsibilities__name=filters.agency).distinct()
    return list(measures)


@router.get("/agencies", response=list[AgencyOut])
def list_agencies(request: HttpRequest) -> Any:
    return selectors.agencies_summary()


class OurMeasuresOut(Schema):
    line: str | None
    leads: list[MeasureOut]
    cooperates: list[MeasureOut]


@router.get("/our-measures", response=OurMeasuresOut)
def our_measures(request: HttpRequest) -> Any:
    selectors.require(request.user, "plan.view")
    return selectors.agency_measures(request.user.agency)  # type: ignore[union-attr]


# ---------------------------------------------------------------------------------------------------------
# Progress reports


class FigureIO(StrictSchema):
    name: str = Field(max_length=120)
    value: Decimal | None = None
    unit: str = Field("", max_length=20)


class FigureOut(Schema):
    name: str
    value: Decimal | None
    unit: str
    computed: bool
    indicator_key: str


class ContributionOut(Schema):
    agency: str
    status: str
    text: str

    @staticmethod
    def resolve_agency(obj: Any) -> str:
        return str(obj.agency.name)


class ReportSummary(Schema):
    id: int
    measure_code: str
    agency: str
    jurisdiction: str
    period: str
    status: str
    progress: str
    submitted_at: datetime | None

    @staticmethod
    def resolve_measure_code(obj: ProgressReport) -> str:
        return obj.measure.code

    @staticmethod
    def resolve_agency(obj: ProgressReport) -> str:
        return str(obj.agency.name)


class ReportOut(ReportSummary):
    period_start: date
    period_end: date
    work_done: str
    problems: str
    return_comment: str
    figures: list[FigureOut]
    contributions: list[ContributionOut]

    @staticmethod
    def resolve_figures(obj: ProgressReport) -> list[Any]:
        return list(obj.figures.all())

    @staticmethod
    def resolve_contributions(obj: ProgressReport) -> list[Any]:
        return list(obj.contributions.all())


class ReportFilter(Schema):
    status: ReportStatus | None = None
    period: str = Field("", max_length=8)


class ReportContent(StrictSchema):
    progress: ProgressStatus = ProgressStatus.ON_TRACK
    work_done: str = Field("", max_length=10_000)
    problems: str = Field("", max_length=10_000)
    figures: list[FigureIO] | None = Field(None, max_length=50)

    def to_data(self) -> services.ReportData:
        figures = None
        if self.figures is not None:
            figures = [services.FigureData(name=f.name, value=f.value, unit=f.unit) for f in self.figures]
        return services.ReportData(
            progress=self.progress, work_done=self.work_done, problems=self.problems, figures=figures
        )


class ReportIn(ReportContent):
    measure_id: int
    period: str = Field(max_length=8, description="2025, 2025H1, 2025H2 or 2025Q1…Q4")


class TextIn(StrictSchema):
    text: str = Field(max_length=10_000)


class CommentIn(StrictSchema):
    comment: str = Field(max_length=4_000)


def _report(request: HttpRequest, report_id: int) -> ProgressReport:
    return selectors.report_get(actor=request.user, report_id=report_id, audit_read=False)


@router.get("/reports", response=list[ReportSummary])
def list_reports(request: HttpRequest, filters: Query[ReportFilter]) -> Any:
    return list(selectors.report_list(actor=request.user, status=filters.status or "", period=filters.period))


@router.get("/reports/{report_id}", response=ReportOut)
def get_report(request: HttpRequest, report_id: int) -> Any:
    return selectors.report_get(actor=request.user, report_id=report_id, purpose="api read")


@router.post("/reports", response={201: ReportOut})
def create_report(request: HttpRequest, payload: ReportIn) -> Status[Any]:
    report = services.report_create(
        actor=request.user, measure_id=payload.measure_id, period=payload.period, data=payload.to_data()
    )
    return Status(201, _report(request, report.pk))


@router.put("/reports/{report_id}", response=ReportOut)
def update_report(request: HttpRequest, report_id: int, payload: ReportContent) -> Any:
    services.report_update(actor=request.user, report_id=report_id, data=payload.to_data())
    return _report(request, report_id)


@router.post("/reports/{report_id}/contribution", response=ReportOut)
def contribute(request: HttpRequest, report_id: int, payload: TextIn) -> Any:
    services.contribution_save(actor=request.user, report_id=report_id, text=payload.text)
    return _report(request, report_id)


@router.post("/reports/{report_id}/submit", response=ReportOut)
def submit_report(request: HttpRequest, report_id: int) -> Any:
    services.report_submit(actor=request.user, report_id=report_id)
    return _report(request, report_id)


@router.post("/reports/{report_id}/return", response=ReportOut)
def return_report(request: HttpRequest, report_id: int, payload: CommentIn) -> Any:
    services.report_return(actor=request.user, report_id=report_id, comment=payload.comment)
    return _report(request, report_id)


@router.post("/reports/{report_id}/accept", response=ReportOut)
def accept_report(request: HttpRequest, report_id: int) -> Any:
    services.report_accept(actor=request.user, report_id=report_id)
    return _report(request, report_id)


# ---------------------------------------------------------------------------------------------------------
# Indicators and supervision


class IndicatorQuery(Schema):
    division: str = Field(pattern=r"^\d{6}$", description="a division code in your jurisdiction")
    start: date
    end: date = Field(description="exclusive")


class IndicatorOut(Schema):
    key: str
    label: str
    unit: str
    value: float | None
    available: bool


@router.get("/indicators", response=list[IndicatorOut])
def indicators(request: HttpRequest, q: Query[IndicatorQuery]) -> Any:
    """What the platform knows for a division (and everything under it) in [start, end)."""
    selectors.require(request.user, "plan.view")
    division_require(q.division)
    if not access.in_jurisdiction(request.user, q.division):
        raise Http404("Not found")
    if q.end <= q.start or (q.end - q.start).days > 366 * 11:
        from django.core.exceptions import ValidationError

        raise ValidationError("The period must end after it starts and span at most the plan's ten years.")
    return [
        {
            "key": v.key,
            "label": str(v.spec.label),
            "unit": str(v.spec.unit),
            "value": v.value,
            "available": v.available,
        }
        for v in ind.compute(scope_prefix(q.division), q.start, q.end)
    ]


class ListingOut(Schema):
    id: int
    kind: str
    title: str
    jurisdiction: str
    case_reference: str
    listed_on: date
    deadline: date
    status: str
    state: str
    listed_by: str

    @staticmethod
    def resolve_listed_by(obj: Any) -> str:
        return str(obj.listed_by_agency.name)


class ListingFilter(Schema):
    state: str = Field("", pattern=r"^(|open|warning|overdue|resolved|withdrawn)$")


@router.get("/supervision", response=list[ListingOut])
def list_listings(request: HttpRequest, filters: Query[ListingFilter]) -> Any:
    return selectors.listing_list(actor=request.user, state=filters.state)


@router.get("/supervision/{listing_id}", response=ListingOut)
def get_listing(request: HttpRequest, listing_id: int) -> Any:
    return selectors.listing_get(actor=request.user, listing_id=listing_id, purpose="api read")

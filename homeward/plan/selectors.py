"""Reads of the plan and of the work against it, always through `homeward.access` for jurisdictional records.

Who sees a record of an agency (implementation plan, progress report, activity):
- the agency's own staff;
- a plan coordinator whose jurisdiction covers it (a county office sees its county, the province sees the county);
- an agency of the same line at a higher level (四川省公安厅 sees 武侯区公安分局's reports), i.e. "seen by its
  province";
- for a progress report, the cooperating agencies asked for their part.
Anything else is a 404 exactly like a missing record (and the attempt is audited by `access.get_for_user`).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any, TypeVar

from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone

from homeward.access import selectors as access
from homeward.accounts.models import Agency
from homeward.audit import services as audit
from homeward.audit.models import AuditAction
from homeward.engines.plantext import AGENCY_GROUP
from homeward.plan.models import (
    Activity,
    Assessment,
    EvaluationRound,
    EvidenceFile,
    ImplementationPlan,
    ImplementationStatus,
    LocalAdoption,
    Measure,
    MeasureAgency,
    ProgressReport,
    ReportStatus,
    Responsibility,
    SupervisionListing,
)
from homeward.plan.rules import PLAN_COORDINATOR_ROLES, agency_line, line_agency_types

M = TypeVar("M", bound=models.Model)


def require(actor: Any, perm: str, object_type: str = "plan") -> None:
    if not actor.has_perm(perm):
        audit.record(
            actor=actor, action=AuditAction.PERMISSION_DENIED, object_type=object_type, detail={"perm": perm}
        )
        raise PermissionDenied


def is_coordinator(actor: Any) -> bool:
    return bool(getattr(actor, "agency_id", None)) and actor.has_role(*PLAN_COORDINATOR_ROLES)


# ---------------------------------------------------------------------------------------------------------
# The plan itself (public text)


def measure_list() -> QuerySet[Measure]:
    return Measure.objects.prefetch_related("responsibilities").order_by("position")


def measure_get(measure_id: Any) -> Measure:
    from django.http import Http404

    measure = measure_list().filter(pk=measure_id).first() if str(measure_id).isdigit() else None
    if measure is None:
        raise Http404("Not found")
    return measure


def group_members() -> set[str]:
    """The agencies standing for 国务院反拐部际联席会议各成员单位: every other name on a responsibility line."""
    return set(MeasureAgency.objects.exclude(name=AGENCY_GROUP).values_list("name", flat=True))


def names_for_line(line: str | None, members: set[str] | None = None) -> set[str]:
    """The names on responsibility lines that stand for an agency of `line` (its own, and the group if a member)."""
    if not line:
        return set()
    members = group_members() if members is None else members
    return {line, AGENCY_GROUP} if line in members else {line}


@dataclass
class AgencyMeasures:
    line: str | None
    leads: list[Measure] = field(default_factory=list)
    cooperates: list[Measure] = field(default_factory=list)


def agency_measures(agency: Any) -> AgencyMeasures:
    """ "Our measures": what the agency (or its national line) leads and cooperates on, in plan order."""
    line = agency_line(agency)
    result = AgencyMeasures(line=line)
    names = names_for_line(line)
    if not names:
        return result
    rows = (
        MeasureAgency.objects.filter(name__in=names)
        .select_related("measure")
        .order_by("measure__position", "role")
    )
    roles: dict[int, set[str]] = defaultdict(set)
    for row in rows:
        roles[row.measure_id].add(row.role)
    # Named both as itself and through the group: leading wins.
    seen = {
        mid: (Responsibility.LEAD if Responsibility.LEAD in r else Responsibility.COOPERATING)
        for mid, r in roles.items()
    }
    by_id = {m.pk: m for m in Measure.objects.filter(pk__in=seen).prefetch_related("responsibilities")}
    for measure_id, role in seen.items():
        (result.leads if role == Responsibility.LEAD else result.cooperates).append(by_id[measure_id])
    result.leads.sort(key=lambda m: m.position)
    result.cooperates.sort(key=lambda m: m.position)
    return result


def agency_role_on(agency: Any, measure: Measure) -> str | None:
    """'lead', 'cooperating' or None for an agency's line on one measure."""
    names = names_for_line(agency_line(agency))
    roles = {r.role for r in measure.responsibilities.all() if r.name in names}
    if Responsibility.LEAD in roles:
        return Responsibility.LEAD
    return Responsibility.COOPERATING if roles else None


def agencies_summary() -> list[dict[str, Any]]:
    """Every agency named in the plan with the codes it leads and cooperates on (as written, group kept)."""
    out: dict[str, dict[str, Any]] = {}
    for row in MeasureAgency.objects.select_related("measure", "agency").order_by("measure__position"):
        entry = out.setdefault(
            row.name,
            {
                "name": row.name,
                "agency_id": row.agency_id,
                "name_en": row.agency.name_en if row.agency else "",
                "is_group": row.name == AGENCY_GROUP,
                "leads": [],
                "cooperates": [],
            },
        )
        entry["leads" if row.role == Responsibility.LEAD else "cooperates"].append(row.measure.code)
    return sorted(out.values(), key=lambda e: (-len(e["leads"]), -len(e["cooperates"]), e["name"]))


# ---------------------------------------------------------------------------------------------------------
# Jurisdictional records


def _agency_scope(actor: Any, queryset: QuerySet[M], extra: Q | None = None) -> QuerySet[M]:
    """Own agency's records, the coordinator's jurisdiction, same-line agencies above; then the jurisdiction filter."""
    if not getattr(actor, "agency_id", None):
        return queryset.none()
    condition = Q(agency_id=actor.agency_id)
    if is_coordinator(actor):
        condition |= Q(pk__isnull=False)
    else:
        line = agency_line(actor.agency)
        if line:
            same_line = Q(agency__type__in=line_agency_types(line)) | Q(
                agency__is_national=True, agency__name=line
            )
            condition |= same_line & ~Q(jurisdiction=actor.agency.division_id)
    if extra is not None:
        condition |= extra
    return access.visible_to(actor, queryset.filter(condition).distinct())


def _get(actor: Any, queryset: QuerySet[M], pk: Any, purpose: str, audit_read: bool) -> M:
    return access.get_for_user(user=actor, queryset=queryset, pk=pk, purpose=purpose, audit_read=audit_read)


def report_queryset(actor: Any) -> QuerySet[ProgressReport]:
    base = ProgressReport.objects.select_related("agency", "measure")
    return _agency_scope(actor, base, Q(contributions__agency_id=actor.agency_id))


def report_list(
    *, actor: Any, status: str = "", period: str = "", measure_id: int | None = None, limit: int = 300
) -> QuerySet[ProgressReport]:
    require(actor, "plan.view")
    reports = report_queryset(actor)
    if status:
        reports = reports.filter(status=status)
    if period:
        reports = reports.filter(period=period)
    if measure_id:
        reports = reports.filter(measure_id=measure_id)
    return reports.order_by("-period_start", "measure__position", "pk")[:limit]


def report_get(*, actor: Any, report_id: Any, purpose: str = "", audit_read: bool = True) -> ProgressReport:
    require(actor, "plan.view")
    queryset = report_queryset(actor).prefetch_related(
        "figures", "contributions__agency", "events__actor", "evidence", "measure__responsibilities"
    )
    return _get(actor, queryset, report_id, purpose, audit_read)


def implementation_plan_list(*, actor: Any, year: int | None = None) -> QuerySet[ImplementationPlan]:
    require(actor, "plan.view")
    plans = _agency_scope(actor, ImplementationPlan.objects.select_related("agency", "measure"))
    if year:
        plans = plans.filter(year=year)
    return plans.order_by("-year", "measure__position", "agency_id")


def implementation_plan_get(
    *, actor: Any, plan_id: Any, purpose: str = "", audit_read: bool = True
) -> ImplementationPlan:
    require(actor, "plan.view")
    queryset = _agency_scope(
        actor,
        ImplementationPlan.objects.select_related("agency", "measure", "adoption").prefetch_related(
            "targets"
        ),
    )
    return _get(actor, queryset, plan_id, purpose, audit_read)


def activity_list(*, actor: Any, limit: int = 300) -> QuerySet[Activity]:
    require(actor, "plan.view")
    return _agency_scope(actor, Activity.objects.select_related("agency", "measure"))[:limit]


def activity_get(*, actor: Any, activity_id: Any, purpose: str = "", audit_read: bool = True) -> Activity:
    require(actor, "plan.view")
    queryset = _agency_scope(
        actor, Activity.objects.select_related("agency", "measure").prefetch_related("evidence")
    )
    return _get(actor, queryset, activity_id, purpose, audit_read)


def evidence_get(*, actor: Any, evidence_id: Any) -> EvidenceFile:
    """An evidence file, only if its report or activity is visible to the actor (audited like a read)."""
    require(actor, "plan.view")
    evidence = EvidenceFile.objects.filter(pk=evidence_id).first() if str(evidence_id).isdigit() else None
    if evidence is not None and evidence.report_id:
        report_get(actor=actor, report_id=evidence.report_id, purpose="evidence file", audit_read=False)
    elif evidence is not None and evidence.activity_id:
        activity_get(actor=actor, activity_id=evidence.activity_id, purpose="evidence file", audit_read=False)
    return _get(actor, EvidenceFile.objects.all(), evidence_id, "download evidence", True)


def adoption_list(*, actor: Any) -> QuerySet[LocalAdoption]:
    """Local rules and yearly plans are public policy inside the administration: everyone in scope sees them."""
    require(actor, "plan.view")
    return access.visible_to(
        actor, LocalAdoption.objects.select_related("agency").annotate(n=Count("mapped"))
    )


def adoption_get(
    *, actor: Any, adoption_id: Any, purpose: str = "", audit_read: bool = True
) -> LocalAdoption:
    require(actor, "plan.view")
    queryset = LocalAdoption.objects.select_related("agency").prefetch_related("mapped__measure")
    return _get(actor, queryset, adoption_id, purpose, audit_read)


def round_list(*, actor: Any) -> QuerySet[EvaluationRound]:
    require(actor, "plan.coordinate")
    return access.visible_to(actor, EvaluationRound.objects.all())


def round_get(*, actor: Any, round_id: Any, purpose: str = "", audit_read: bool = True) -> EvaluationRound:
    require(actor, "plan.coordinate")
    return _get(actor, EvaluationRound.objects.prefetch_related("items"), round_id, purpose, audit_read)


def round_export(*, actor: Any, round_id: Any) -> EvaluationRound:
    """A round for download as a report; the download is audited as an export."""
    require(actor, "plan.coordinate")
    return access.get_for_user(
        user=actor,
        queryset=EvaluationRound.objects.prefetch_related("items"),
        pk=round_id,
        action=AuditAction.EXPORT,
        purpose="evaluation report",
    )


def listing_list(*, actor: Any, state: str = "") -> list[SupervisionListing]:
    """Supervision listings of regions in the actor's jurisdiction; `state` filters open/warning/overdue."""
    require(actor, "plan.view")
    listings = list(access.visible_to(actor, SupervisionListing.objects.select_related("listed_by_agency")))
    if state:
        listings = [li for li in listings if li.state == state]
    return listings


def listing_get(
    *, actor: Any, listing_id: Any, purpose: str = "", audit_read: bool = True
) -> SupervisionListing:
    require(actor, "plan.view")
    queryset = SupervisionListing.objects.select_related("listed_by_agency").prefetch_related(
        "updates__actor"
    )
    return _get(actor, queryset, listing_id, purpose, audit_read)


def overdue_below(*, actor: Any) -> list[SupervisionListing]:
    """Overdue listings of regions below the actor's own division: what the level above must see."""
    own = actor.agency.division_id if getattr(actor, "agency_id", None) else None
    return [li for li in listing_list(actor=actor, state="overdue") if li.jurisdiction != own]


def _assessment_scope(actor: Any) -> QuerySet[Assessment]:
    base = Assessment.objects.select_related("subject_agency", "assessed_by_agency")
    if not is_coordinator(actor):
        base = base.filter(subject_agency_id=actor.agency_id)
    return access.visible_to(actor, base)


def assessment_list(*, actor: Any, year: int | None = None) -> QuerySet[Assessment]:
    require(actor, "plan.view")
    assessments = _assessment_scope(actor)
    return assessments.filter(year=year) if year else assessments


def assessment_get(
    *, actor: Any, assessment_id: Any, purpose: str = "", audit_read: bool = True
) -> Assessment:
    require(actor, "plan.view")
    queryset = _assessment_scope(actor).prefetch_related(
        "evidence__report__measure", "evidence__activity", "evidence__listing"
    )
    return _get(actor, queryset, assessment_id, purpose, audit_read)


# ---------------------------------------------------------------------------------------------------------
# Coverage: a jurisdiction's work seen against the national plan


@dataclass
class CoverageRow:
    measure: Measure
    adoptions: list[LocalAdoption] = field(default_factory=list)
    plans: int = 0
    reports: int = 0
    latest_progress: str = ""
    activities: int = 0


def coverage(*, actor: Any, year: int | None = None) -> list[CoverageRow]:
    """Per measure: which local rules map to it and how much work the actor's jurisdiction recorded."""
    require(actor, "plan.view")
    rows = {m.pk: CoverageRow(measure=m) for m in Measure.objects.order_by("position")}
    for adoption in adoption_list(actor=actor).prefetch_related("mapped"):
        for mapped in adoption.mapped.all():
            rows[mapped.measure_id].adoptions.append(adoption)
    plans = implementation_plan_list(actor=actor, year=year)
    for measure_id, n in plans.values_list("measure_id").annotate(n=Count("pk", distinct=True)):
        rows[measure_id].plans = n
    for report in report_queryset(actor).order_by("period_start", "pk"):
        rows[report.measure_id].reports += 1
        rows[report.measure_id].latest_progress = report.get_progress_display()
    for measure_id, n in (
        _agency_scope(actor, Activity.objects.filter(measure__isnull=False))
        .values_list("measure_id")
        .annotate(n=Count("pk", distinct=True))
    ):
        rows[measure_id].activities = n
    return list(rows.values())


# ---------------------------------------------------------------------------------------------------------
# Counting for indicators and evaluations (no user: the callers aggregate for a jurisdiction prefix)


def count_activities(prefix: str, start: date, end: date) -> dict[str, int]:
    qs = Activity.objects.filter(jurisdiction__startswith=prefix, held_on__gte=start, held_on__lt=end)
    agg = qs.aggregate(held=Count("pk"), reached=Sum("count"))
    return {"held": agg["held"] or 0, "reached": agg["reached"] or 0}


def plan_events(name: str, *, prefix: str, start: datetime, end: datetime) -> list[tuple[str, datetime]]:
    """The plan's facts for `homeward.core.indicators`: one (division code, time) per fact in [start, end)."""
    if name == "activities_held":
        lo, hi = timezone.localdate(start), timezone.localdate(end)
        days = Activity.objects.filter(jurisdiction__startswith=prefix, held_on__gte=lo, held_on__lt=hi)
        return [(code, _midnight(day)) for code, day in days.values_list("jurisdiction", "held_on")]
    if name == "progress_reports_submitted":
        reports = ProgressReport.objects.filter(
            jurisdiction__startswith=prefix,
            submitted_at__gte=start,
            submitted_at__lt=end,
            status__in=[ReportStatus.SUBMITTED, ReportStatus.ACCEPTED],
        )
        return [(code, t) for code, t in reports.values_list("jurisdiction", "submitted_at") if t is not None]
    if name == "implementation_plans_adopted":
        # Dated 1 January of the plan's year.
        plans = ImplementationPlan.objects.filter(
            jurisdiction__startswith=prefix, status=ImplementationStatus.ADOPTED
        ).values_list("jurisdiction", "year")
        return [(code, at) for code, year in plans if start <= (at := _midnight(date(year, 1, 1))) < end]
    return []


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time.min, timezone.get_current_timezone())


def last_year(end: date) -> int:
    """The last calendar year touched by a period ending (exclusively) on `end`."""
    return (end - timedelta(days=1)).year


def work_in_period(prefix: str, start: date, end: date) -> dict[str, Any]:
    """Reports, plans and activities of a jurisdiction prefix in a period, grouped for evaluation assembly."""
    reports = list(
        ProgressReport.objects.filter(
            jurisdiction__startswith=prefix, period_start__lt=end, period_end__gt=start
        ).select_related("agency", "measure")
    )
    plans = list(
        ImplementationPlan.objects.filter(
            jurisdiction__startswith=prefix, year__gte=start.year, year__lte=last_year(end)
        ).select_related("agency", "measure")
    )
    activities = list(
        Activity.objects.filter(
            jurisdiction__startswith=prefix, held_on__gte=start, held_on__lt=end
        ).select_related("agency", "measure")
    )
    by_measure: dict[int, dict[str, Any]] = defaultdict(
        lambda: {"reports": [], "plans": [], "activities": []}
    )
    for r in reports:
        by_measure[r.measure_id]["reports"].append(r)
    for p in plans:
        by_measure[p.measure_id]["plans"].append(p)
    for a in activities:
        if a.measure_id:
            by_measure[a.measure_id]["activities"].append(a)
    return {"reports": reports, "plans": plans, "activities": activities, "by_measure": by_measure}


def agencies_by_id(ids: set[int]) -> dict[int, Agency]:
    return {a.pk: a for a in Agency.objects.filter(pk__in=ids).select_related("division")}

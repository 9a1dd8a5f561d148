"""Writes of the plan app. Each checks role and jurisdiction, validates everything, writes and audits in one
transaction; notifications go through `notify` (its e-mail runs on commit)."""

from __future__ import annotations

import hashlib
import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from homeward.accounts.models import Agency
from homeward.audit import services as audit
from homeward.audit.models import AuditAction
from homeward.engines.plantext import AGENCY_GROUP, Plan, load_shipped_plan
from homeward.notifications.services import notify
from homeward.plan import indicators as ind
from homeward.plan import selectors
from homeward.plan.models import (
    Activity,
    ActivityKind,
    AdoptionKind,
    AdoptionMeasure,
    Assessment,
    AssessmentEvidence,
    AssessmentStatus,
    ContributionStatus,
    Dimension,
    EvaluationItem,
    EvaluationKind,
    EvaluationRound,
    EvidenceFile,
    EvidenceKind,
    ImplementationPlan,
    ImplementationStatus,
    ListingKind,
    ListingStatus,
    LocalAdoption,
    Measure,
    MeasureAgency,
    PlanTarget,
    ProgressReport,
    ProgressStatus,
    ReportContribution,
    ReportEvent,
    ReportFigure,
    ReportStatus,
    Responsibility,
    RoundStatus,
    SubjectKind,
    SupervisionListing,
    SupervisionUpdate,
)
from homeward.plan.rules import agency_line
from homeward.regions.selectors import division_label, division_require, scope_prefix

PLAN_FIRST_YEAR, PLAN_LAST_YEAR = 2021, 2030
TEXT_MAX = 10_000
EVIDENCE_MAX_BYTES = 10 * 1024 * 1024
EVIDENCE_TYPES = {
    b"%PDF-": "application/pdf",
    b"\x89PNG\r\n\x1a\n": "image/png",
    b"\xff\xd8\xff": "image/jpeg",
    b"PK\x03\x04": "application/zip",  # .docx / .xlsx
}
OFFICE_TYPES = {
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}

# Which computed indicators speak to which section of the plan's measures.
SECTION_INDICATORS: dict[str, list[str]] = {
    "二.(一)": ["tips.tips_received", "tips.tips_acted_on", "alerts.alerts_released"],
    "二.(二)": [
        "cases.cases_registered",
        "cases.cases_solved",
        "cases.cases_closed",
        "cases.victims_rescued",
        "alerts.alerts_found",
        "alerts.median_hours_to_find",
        "dna.matches_confirmed",
        "tracing.reunions_confirmed",
    ],
    "二.(三)": [
        "cases.victims_rescued",
        "care.victims_assisted",
        "care.followups_done_on_time",
        "care.followups_due",
        "tracing.reunions_confirmed",
    ],
    "二.(四)": ["cases.cases_registered"],
    "二.(五)": ["plan.activities_held", "plan.activity_participants"],
    "二.(六)": ["plan.activities_held"],
}


class PlanImportError(Exception):
    """The plan text could not be imported (the message says where)."""


# ---------------------------------------------------------------------------------------------------------
# Helpers


def _audit(actor: Any, action: str, obj: Any, **detail: Any) -> None:
    audit.record(actor=actor, action=action, obj=obj, detail=detail or None)


def _require_agency(actor: Any) -> Agency:
    agency = getattr(actor, "agency", None)
    if agency is None:
        raise PermissionDenied
    return agency


def _text(
    value: str | None,
    field_name: str,
    errors: dict[str, list[str]],
    *,
    required: bool = False,
    max_length: int = TEXT_MAX,
) -> str:
    value = (value or "").strip()
    if required and not value:
        errors.setdefault(field_name, []).append(_("This field is required."))
    if len(value) > max_length:
        errors.setdefault(field_name, []).append(_("At most %(n)d characters.") % {"n": max_length})
    return value


def _decimal(
    value: Any,
    field_name: str,
    errors: dict[str, list[str]],
    *,
    required: bool = False,
    minimum: Decimal | None = Decimal(0),
    maximum: Decimal | None = None,
) -> Decimal | None:
    if value is None or value == "":
        if required:
            errors.setdefault(field_name, []).append(_("This field is required."))
        return None
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        errors.setdefault(field_name, []).append(_("Not a number: %(v)s") % {"v": value})
        return None
    if not number.is_finite() or abs(number) >= Decimal("1e12"):
        errors.setdefault(field_name, []).append(_("Not a usable number: %(v)s") % {"v": value})
        return None
    if minimum is not None and number < minimum:
        errors.setdefault(field_name, []).append(_("At least %(n)s.") % {"n": minimum})
    if maximum is not None and number > maximum:
        errors.setdefault(field_name, []).append(_("At most %(n)s.") % {"n": maximum})
    return number.quantize(Decimal("0.01"))


def _year(value: Any, errors: dict[str, list[str]], field_name: str = "year") -> int:
    try:
        year = int(value)
    except (TypeError, ValueError):
        year = 0
    if not PLAN_FIRST_YEAR <= year <= PLAN_LAST_YEAR:
        errors.setdefault(field_name, []).append(
            _("A year of the plan, %(a)d–%(b)d.") % {"a": PLAN_FIRST_YEAR, "b": PLAN_LAST_YEAR}
        )
    return year


def _raise(errors: dict[str, list[str]]) -> None:
    if errors:
        raise ValidationError(errors)


def _measure(measure_id: Any) -> Measure:
    measure = (
        Measure.objects.filter(pk=measure_id).prefetch_related("responsibilities").first()
        if str(measure_id).isdigit()
        else None
    )
    if measure is None:
        raise ValidationError({"measure": [_("No such measure.")]})
    return measure


_PERIOD = re.compile(r"^(20\d\d)(?:(H[12])|(Q[1-4]))?$")


def parse_period(period: str) -> tuple[date, date]:
    """'2025' (a year), '2025H1'/'2025H2' (half-years), '2025Q1'…'Q4' → [start, end) dates."""
    match = _PERIOD.match((period or "").strip().upper())
    if not match:
        raise ValidationError({"period": [_("A period like 2025, 2025H1 or 2025Q3.")]})
    year = int(match.group(1))
    if not PLAN_FIRST_YEAR <= year <= PLAN_LAST_YEAR:
        raise ValidationError({"period": [_("A period within the plan, 2021–2030.")]})
    if match.group(2):
        return (
            (date(year, 1, 1), date(year, 7, 1))
            if match.group(2) == "H1"
            else (
                date(year, 7, 1),
                date(year + 1, 1, 1),
            )
        )
    if match.group(3):
        q = int(match.group(3)[1])
        start = date(year, 3 * q - 2, 1)
        end = date(year + 1, 1, 1) if q == 4 else date(year, 3 * q + 1, 1)
        return start, end
    return date(year, 1, 1), date(year + 1, 1, 1)


def _is_member_agency(agency: Agency, measure: Measure) -> str | None:
    return selectors.agency_role_on(agency, measure)


# ---------------------------------------------------------------------------------------------------------
# Import


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    stale: list[str] = field(default_factory=list)
    agencies_created: int = 0
    counts: dict[str, Any] = field(default_factory=dict)
    unmatched_agencies: list[str] = field(default_factory=list)
    responsibilities_changed: int = 0


def _section_titles(plan: Plan) -> dict[str, str]:
    return {s.code: s.title for s in plan.sections}


@transaction.atomic
def plan_import(*, actor: Any = None, plan: Plan | None = None) -> ImportResult:
    """Load the plan's measures and their agencies; idempotent. National agencies are seeded first."""
    from homeward.demo.services import national_agencies_load

    plan = plan or load_shipped_plan()
    result = ImportResult(counts=plan.counts())
    result.agencies_created = national_agencies_load()
    national = {
        a.name: a
        for a in Agency.objects.filter(division_id=settings.NATIONAL_DIVISION_CODE, is_national=True)
    }
    titles = _section_titles(plan)
    existing = {m.code: m for m in Measure.objects.prefetch_related("responsibilities")}
    by_code: dict[str, Measure] = {}
    # Measures come before their sub-measures in document order: create in two passes so parents have keys.
    for kind in ("measure", "sub_measure"):
        batch: list[Measure] = []
        for position, node in enumerate(plan.measures, start=1):
            if node.kind != kind:
                continue
            values = {
                "pillar": node.pillar,
                "section": node.section,
                "section_title": titles.get(node.section, "")[:200],
                "kind": node.kind,
                "number": node.number,
                "parent": by_code.get(node.parent) if node.parent else None,
                "text": node.text,
                "position": position,
                "agencies_from": node.agencies_from,
                "line_no": node.line_no,
            }
            measure = existing.get(node.code)
            if measure is None:
                measure = Measure(code=node.code, **values)
                batch.append(measure)
                result.created += 1
            else:
                changed = [k for k, v in values.items() if getattr(measure, k) != v]
                if changed:
                    for k in changed:
                        setattr(measure, k, values[k])
                    measure.save(update_fields=changed)
                    result.updated += 1
                else:
                    result.unchanged += 1
            by_code[node.code] = measure
        Measure.objects.bulk_create(batch)
        if batch and batch[0].pk is None:  # a backend that does not return keys
            for m in Measure.objects.filter(code__in=[b.code for b in batch]):
                by_code[m.code] = m
    new_rows: list[MeasureAgency] = []
    replace: list[int] = []
    for node in plan.measures:
        measure = by_code[node.code]
        wanted = [(n, Responsibility.LEAD, i) for i, n in enumerate(node.lead_agencies)] + [
            (n, Responsibility.COOPERATING, i) for i, n in enumerate(node.cooperating_agencies)
        ]
        target = set()
        for name, role, i in wanted:
            agency = national.get(name)
            if agency is None and name != AGENCY_GROUP and name not in result.unmatched_agencies:
                result.unmatched_agencies.append(name)
            target.add((name, str(role), i, agency.pk if agency else None))
        current = (
            set()
            if node.code not in existing
            else {(r.name, r.role, r.position, r.agency_id) for r in measure.responsibilities.all()}
        )
        if current != target:
            if current:
                replace.append(measure.pk)
            new_rows += [
                MeasureAgency(measure=measure, name=name, role=role, position=i, agency_id=agency_id)
                for name, role, i, agency_id in sorted(target, key=lambda t: (t[1], t[2]))
            ]
    MeasureAgency.objects.filter(measure_id__in=replace).delete()
    MeasureAgency.objects.bulk_create(new_rows)
    result.stale = sorted(set(existing) - set(by_code))
    if result.unmatched_agencies:
        raise PlanImportError(
            "agencies named in the plan have no national agency row: " + ", ".join(result.unmatched_agencies)
        )
    result.responsibilities_changed = len({r.measure_id for r in new_rows})
    if result.created or result.updated or result.responsibilities_changed:
        # One row per import that changed something; a re-run over the same text writes nothing.
        audit.record(
            actor=actor,
            action=AuditAction.UPDATE if existing else AuditAction.CREATE,
            object_type="plan.measure",
            object_id="import",
            actor_label="" if actor else "import_plan",
            detail={
                "created": result.created,
                "updated": result.updated,
                "responsibilities_changed": result.responsibilities_changed,
                "stale": result.stale,
            },
        )
    return result


# ---------------------------------------------------------------------------------------------------------
# Implementation plans and local adoption


@dataclass
class TargetData:
    name: str
    target: Any
    unit: str = ""
    indicator_key: str = ""


@dataclass
class ImplementationData:
    measure_id: Any
    year: Any
    actions: str
    responsible_unit: str
    budget_line: str = ""
    budget_amount: Any = None
    status: str = ImplementationStatus.DRAFT
    adoption_id: Any = None
    targets: list[TargetData] = field(default_factory=list)


def _validate_implementation(actor: Any, agency: Agency, data: ImplementationData) -> dict[str, Any]:
    errors: dict[str, list[str]] = {}
    clean: dict[str, Any] = {}
    try:
        measure = _measure(data.measure_id)
    except ValidationError as exc:
        errors.update(exc.message_dict)
        measure = None
    if (
        measure is not None
        and not selectors.is_coordinator(actor)
        and _is_member_agency(agency, measure) is None
    ):
        errors.setdefault("measure", []).append(
            _("Your agency neither leads nor cooperates on this measure.")
        )
    clean["measure"] = measure
    clean["year"] = _year(data.year, errors)
    clean["actions"] = _text(data.actions, "actions", errors, required=True)
    clean["responsible_unit"] = _text(
        data.responsible_unit, "responsible_unit", errors, required=True, max_length=120
    )
    clean["budget_line"] = _text(data.budget_line, "budget_line", errors, max_length=120)
    clean["budget_amount"] = _decimal(data.budget_amount, "budget_amount", errors)
    if data.status not in ImplementationStatus.values:
        errors.setdefault("status", []).append(_("Unknown status."))
    clean["status"] = data.status
    clean["adoption"] = None
    if data.adoption_id:
        adoption = (
            selectors.adoption_list(actor=actor).filter(pk=data.adoption_id).first()
            if str(data.adoption_id).isdigit()
            else None
        )
        if adoption is None:
            errors.setdefault("adoption", []).append(_("No such local rule or yearly plan."))
        clean["adoption"] = adoption
    targets = []
    if len(data.targets) > 30:
        errors.setdefault("targets", []).append(_("At most 30 indicators."))
    for t in data.targets:
        name = _text(t.name, "targets", errors, required=True, max_length=120)
        value = _decimal(t.target, "targets", errors, required=True)
        key = (t.indicator_key or "").strip()
        if key and ind.lookup(key) is None:
            errors.setdefault("targets", []).append(_("Unknown computed indicator %(k)s.") % {"k": key})
        targets.append(
            PlanTarget(name=name, target=value or Decimal(0), unit=(t.unit or "")[:20], indicator_key=key)
        )
    clean["targets"] = targets
    _raise(errors)
    return clean


@transaction.atomic
def implementation_plan_save(
    *, actor: Any, data: ImplementationData, plan_id: Any = None
) -> ImplementationPlan:
    """Create (or, with `plan_id`, replace) the actor's agency's yearly plan for a measure."""
    selectors.require(actor, "plan.write")
    agency = _require_agency(actor)
    if plan_id is not None:
        existing = selectors.implementation_plan_get(actor=actor, plan_id=plan_id, audit_read=False)
        if existing.agency_id != agency.pk:
            raise PermissionDenied(_("Only the agency that wrote a plan can change it."))
    clean = _validate_implementation(actor, agency, data)
    targets = clean.pop("targets")
    if plan_id is None:
        if ImplementationPlan.objects.filter(
            agency=agency, measure=clean["measure"], year=clean["year"]
        ).exists():
            raise ValidationError(
                {"year": [_("Your agency already has an implementation plan for this measure and year.")]}
            )
        plan = ImplementationPlan.objects.create(
            agency=agency, jurisdiction=agency.division_id, created_by=actor, **clean
        )
        action = AuditAction.CREATE
    else:
        plan = ImplementationPlan.objects.select_for_update().get(pk=existing.pk)
        clash = ImplementationPlan.objects.filter(
            agency=agency, measure=clean["measure"], year=clean["year"]
        ).exclude(pk=plan.pk)
        if clash.exists():
            raise ValidationError({"year": [_("Your agency already has a plan for this measure and year.")]})
        for k, v in clean.items():
            setattr(plan, k, v)
        plan.save()
        plan.targets.all().delete()
        action = AuditAction.UPDATE
    for t in targets:
        t.plan = plan
    PlanTarget.objects.bulk_create(targets)
    _audit(actor, action, plan, measure=plan.measure.code, year=plan.year)
    return plan


@dataclass
class AdoptionData:
    kind: str
    title: str
    adopted_on: date | None
    document_number: str = ""
    year: Any = None
    summary: str = ""
    measures: list[tuple[Any, str]] = field(default_factory=list)  # (measure id, local provision)


@transaction.atomic
def adoption_create(*, actor: Any, data: AdoptionData) -> LocalAdoption:
    """A province or county records its implementing rules or yearly plan and maps it to national measures."""
    selectors.require(actor, "plan.coordinate")
    agency = _require_agency(actor)
    errors: dict[str, list[str]] = {}
    if data.kind not in AdoptionKind.values:
        errors.setdefault("kind", []).append(_("Unknown kind."))
    title = _text(data.title, "title", errors, required=True, max_length=200)
    number = _text(data.document_number, "document_number", errors, max_length=60)
    summary = _text(data.summary, "summary", errors)
    year = None
    if data.kind == AdoptionKind.YEARLY_PLAN or data.year not in (None, ""):
        year = _year(data.year, errors)
    if data.adopted_on is None:
        errors.setdefault("adopted_on", []).append(_("This field is required."))
    elif data.adopted_on > timezone.localdate():
        errors.setdefault("adopted_on", []).append(_("The date is in the future."))
    if not data.measures:
        errors.setdefault("measures", []).append(_("Map the document to at least one measure."))
    mapped: list[tuple[Measure, str]] = []
    seen: set[int] = set()
    for measure_id, local_text in data.measures[:200]:
        measure = Measure.objects.filter(pk=measure_id).first() if str(measure_id).isdigit() else None
        if measure is None:
            errors.setdefault("measures", []).append(_("No such measure: %(m)s") % {"m": measure_id})
            continue
        if measure.pk in seen:
            continue
        seen.add(measure.pk)
        mapped.append((measure, _text(local_text, "measures", errors, max_length=2000)))
    _raise(errors)
    assert data.adopted_on is not None
    adoption = LocalAdoption.objects.create(
        jurisdiction=agency.division_id,
        agency=agency,
        kind=data.kind,
        title=title,
        document_number=number,
        year=year,
        adopted_on=data.adopted_on,
        summary=summary,
        created_by=actor,
    )
    AdoptionMeasure.objects.bulk_create(
        [AdoptionMeasure(adoption=adoption, measure=m, local_text=t) for m, t in mapped]
    )
    _audit(actor, AuditAction.CREATE, adoption, measures=len(mapped))
    return adoption


# ---------------------------------------------------------------------------------------------------------
# Progress reports


def _cooperating_agencies(agency: Agency, measure: Measure) -> list[Agency]:
    """Agencies at the reporting agency's level whose line cooperates on (or co-leads) the measure."""
    names = {r.name for r in measure.responsibilities.all()}
    if AGENCY_GROUP in names:
        names |= selectors.group_members()
    own_line = agency_line(agency)
    out = []
    for other in Agency.objects.filter(division_id=agency.division_id, is_active=True).exclude(pk=agency.pk):
        line = agency_line(other)
        if line and line in names and line != own_line:
            out.append(other)
    return out


@dataclass
class FigureData:
    name: str
    value: Any
    unit: str = ""


@dataclass
class ReportData:
    progress: str = ProgressStatus.ON_TRACK
    work_done: str = ""
    problems: str = ""
    figures: list[FigureData] | None = None  # None: leave the typed-in figures as they are


def _clean_report(data: ReportData) -> tuple[dict[str, Any], list[ReportFigure] | None]:
    errors: dict[str, list[str]] = {}
    if data.progress not in ProgressStatus.values:
        errors.setdefault("progress", []).append(_("Unknown progress status."))
    clean = {
        "progress": data.progress,
        "work_done": _text(data.work_done, "work_done", errors),
        "problems": _text(data.problems, "problems", errors),
    }
    figures = None
    if data.figures is not None:
        figures = []
        if len(data.figures) > 50:
            errors.setdefault("figures", []).append(_("At most 50 figures."))
        for f in data.figures:
            name = _text(f.name, "figures", errors, required=True, max_length=120)
            value = _decimal(f.value, "figures", errors, minimum=None)
            figures.append(ReportFigure(name=name, value=value, unit=(f.unit or "")[:20]))
    _raise(errors)
    return clean, figures


@transaction.atomic
def report_create(
    *, actor: Any, measure_id: Any, period: str, data: ReportData | None = None
) -> ProgressReport:
    """The lead agency opens its report on a measure for a period; cooperating agencies are asked for their parts."""
    selectors.require(actor, "plan.write")
    agency = _require_agency(actor)
    measure = _measure(measure_id)
    start, end = parse_period(period)
    if _is_member_agency(agency, measure) != Responsibility.LEAD:
        raise ValidationError(
            {
                "measure": [
                    _(
                        "Your agency does not lead this measure; cooperating agencies add their part to the "
                        "lead agency's report."
                    )
                ]
            }
        )
    period = period.strip().upper()
    if ProgressReport.objects.filter(agency=agency, measure=measure, period=period).exists():
        raise ValidationError(
            {"period": [_("Your agency already has a report on this measure for this period.")]}
        )
    clean, figures = _clean_report(data or ReportData())
    report = ProgressReport.objects.create(
        jurisdiction=agency.division_id,
        agency=agency,
        measure=measure,
        period=period,
        period_start=start,
        period_end=end,
        created_by=actor,
        **clean,
    )
    if figures:
        for f in figures:
            f.report = report
        ReportFigure.objects.bulk_create(figures)
    others = _cooperating_agencies(agency, measure)
    ReportContribution.objects.bulk_create([ReportContribution(report=report, agency=a) for a in others])
    ReportEvent.objects.create(report=report, kind="created", actor=actor)
    _refresh_computed(report)
    _audit(actor, AuditAction.CREATE, report, measure=measure.code, period=period)
    for other in others:
        notify(
            kind="plan.contribution_requested",
            title=_("Add your part to the progress report on %(code)s (%(period)s)")
            % {"code": measure.code, "period": period},
            users=[u for u in other.users.filter(is_active=True) if u.has_perm("plan.write")],
            url=f"/staff/plan/reports/{report.pk}/",
            dedupe_key=f"plan.contribution:{report.pk}",
        )
    return report


def _refresh_computed(report: ProgressReport) -> None:
    """Replace the report's computed figures with what the platform knows for its jurisdiction and period."""
    keys = SECTION_INDICATORS.get(report.measure.section, [])
    report.figures.filter(computed=True).delete()
    rows = []
    for value in ind.compute(scope_prefix(report.jurisdiction), report.period_start, report.period_end, keys):
        if value.available:
            rows.append(
                ReportFigure(
                    report=report,
                    name=str(value.spec.label)[:120],
                    value=Decimal(str(value.value)).quantize(Decimal("0.01")),
                    unit=str(value.spec.unit)[:20],
                    indicator_key=value.key,
                    computed=True,
                )
            )
    ReportFigure.objects.bulk_create(rows)


def _lead_report(actor: Any, report_id: Any, purpose: str) -> ProgressReport:
    report = selectors.report_get(actor=actor, report_id=report_id, purpose=purpose, audit_read=False)
    if report.agency_id != actor.agency_id:
        raise PermissionDenied(_("Only the lead agency can change or submit its report."))
    return report


@transaction.atomic
def report_update(*, actor: Any, report_id: Any, data: ReportData) -> ProgressReport:
    selectors.require(actor, "plan.write")
    report = _lead_report(actor, report_id, "update")
    report = ProgressReport.objects.select_for_update().get(pk=report.pk)
    if not report.editable:
        raise ValidationError(_("A submitted or accepted report cannot be changed."))
    clean, figures = _clean_report(data)
    for k, v in clean.items():
        setattr(report, k, v)
    report.save(update_fields=[*clean, "updated_at"])
    if figures is not None:
        report.figures.filter(computed=False).delete()
        for f in figures:
            f.report = report
        ReportFigure.objects.bulk_create(figures)
    _audit(actor, AuditAction.UPDATE, report)
    return report


@transaction.atomic
def contribution_save(*, actor: Any, report_id: Any, text: str) -> ReportContribution:
    """A cooperating agency writes its part of a report (while the lead agency can still change the report)."""
    selectors.require(actor, "plan.write")
    report = selectors.report_get(actor=actor, report_id=report_id, purpose="contribute", audit_read=False)
    contribution = report.contributions.filter(agency_id=actor.agency_id).first()
    if contribution is None:
        raise PermissionDenied(_("Your agency is not asked for a part of this report."))
    if not report.editable:
        raise ValidationError(_("The report was submitted; it can no longer take contributions."))
    errors: dict[str, list[str]] = {}
    text = _text(text, "text", errors, required=True)
    _raise(errors)
    contribution.text = text
    contribution.status = ContributionStatus.DONE
    contribution.author = actor
    contribution.save(update_fields=["text", "status", "author", "updated_at"])
    ReportEvent.objects.create(report=report, kind="contribution", actor=actor, comment=actor.agency.name)
    _audit(actor, AuditAction.UPDATE, report, contribution=contribution.pk)
    return contribution


def _transition(report: ProgressReport, old: list[str], new: str, **fields: Any) -> None:
    done = ProgressReport.objects.filter(pk=report.pk, status__in=old).update(
        status=new, updated_at=timezone.now(), **fields
    )
    if done != 1:
        raise ValidationError(_("The report is no longer in a state that allows this."))


@transaction.atomic
def report_submit(*, actor: Any, report_id: Any) -> ProgressReport:
    """The lead agency submits; computed figures are refreshed; coordinators covering the agency are told."""
    selectors.require(actor, "plan.write")
    report = _lead_report(actor, report_id, "submit")
    if not report.work_done.strip():
        raise ValidationError({"work_done": [_("Say what was done before submitting.")]})
    _transition(
        report,
        [ReportStatus.DRAFT, ReportStatus.RETURNED],
        ReportStatus.SUBMITTED,
        submitted_at=timezone.now(),
        submitted_by=actor,
    )
    report.refresh_from_db()
    _refresh_computed(report)
    ReportEvent.objects.create(report=report, kind="submitted", actor=actor)
    _audit(actor, AuditAction.UPDATE, report, status="submitted")
    notify(
        kind="plan.report_submitted",
        title=_("Progress report submitted: %(code)s %(period)s by %(agency)s")
        % {"code": report.measure.code, "period": report.period, "agency": report.agency.name},
        role="plan_coordinator",
        division_code=report.jurisdiction,
        url=f"/staff/plan/reports/{report.pk}/",
    )
    return report


def _coordinated_report(actor: Any, report_id: Any, purpose: str) -> ProgressReport:
    selectors.require(actor, "plan.coordinate")
    return selectors.report_get(actor=actor, report_id=report_id, purpose=purpose, audit_read=False)


@transaction.atomic
def report_return(*, actor: Any, report_id: Any, comment: str) -> ProgressReport:
    """A coordinator sends a submitted report back with comments; the lead agency revises and resubmits."""
    report = _coordinated_report(actor, report_id, "return")
    errors: dict[str, list[str]] = {}
    comment = _text(comment, "comment", errors, required=True, max_length=4000)
    _raise(errors)
    _transition(report, [ReportStatus.SUBMITTED], ReportStatus.RETURNED, return_comment=comment)
    ReportEvent.objects.create(report=report, kind="returned", actor=actor, comment=comment)
    _audit(actor, AuditAction.UPDATE, report, status="returned")
    if report.submitted_by is not None:
        notify(
            kind="plan.report_returned",
            title=_("Your progress report on %(code)s (%(period)s) was returned with comments")
            % {"code": report.measure.code, "period": report.period},
            body=comment,
            users=[report.submitted_by],
            url=f"/staff/plan/reports/{report.pk}/",
        )
    report.refresh_from_db()
    return report


@transaction.atomic
def report_accept(*, actor: Any, report_id: Any) -> ProgressReport:
    report = _coordinated_report(actor, report_id, "accept")
    _transition(report, [ReportStatus.SUBMITTED], ReportStatus.ACCEPTED)
    ReportEvent.objects.create(report=report, kind="accepted", actor=actor)
    _audit(actor, AuditAction.UPDATE, report, status="accepted")
    report.refresh_from_db()
    return report


# ---------------------------------------------------------------------------------------------------------
# Activities and evidence


@dataclass
class ActivityData:
    kind: str
    title: str
    held_on: date | None
    count: Any = 0
    count_unit: str = ""
    description: str = ""
    measure_id: Any = None


@transaction.atomic
def activity_create(*, actor: Any, data: ActivityData) -> Activity:
    selectors.require(actor, "plan.write")
    agency = _require_agency(actor)
    errors: dict[str, list[str]] = {}
    if data.kind not in ActivityKind.values:
        errors.setdefault("kind", []).append(_("Unknown kind of activity."))
    title = _text(data.title, "title", errors, required=True, max_length=200)
    description = _text(data.description, "description", errors)
    unit = _text(data.count_unit, "count_unit", errors, max_length=30)
    try:
        count = int(data.count or 0)
    except (TypeError, ValueError):
        count = -1
    if not 0 <= count <= 100_000_000:
        errors.setdefault("count", []).append(_("A whole number, 0 or more."))
    if data.held_on is None:
        errors.setdefault("held_on", []).append(_("This field is required."))
    elif data.held_on > timezone.localdate() or data.held_on.year < PLAN_FIRST_YEAR:
        errors.setdefault("held_on", []).append(_("A date within the plan period, not in the future."))
    measure = None
    if data.measure_id not in (None, ""):
        try:
            measure = _measure(data.measure_id)
        except ValidationError as exc:
            errors.update(exc.message_dict)
    _raise(errors)
    assert data.held_on is not None
    activity = Activity.objects.create(
        jurisdiction=agency.division_id,
        agency=agency,
        measure=measure,
        kind=data.kind,
        title=title,
        held_on=data.held_on,
        count=count,
        count_unit=unit,
        description=description,
        created_by=actor,
    )
    _audit(actor, AuditAction.CREATE, activity)
    return activity


def clean_evidence(upload: UploadedFile) -> tuple[str, str, str]:
    """(content type, sha256, safe name) of an evidence file; ValidationError if too big or of an unknown type."""
    if upload.size is None or upload.size > EVIDENCE_MAX_BYTES:
        raise ValidationError(_("An evidence file may be at most 10 MB."))
    if upload.size == 0:
        raise ValidationError(_("The file is empty."))
    upload.seek(0)
    head = upload.read(16)
    content_type = next((t for magic, t in EVIDENCE_TYPES.items() if head.startswith(magic)), None)
    raw_name = (upload.name or "evidence").replace("\\", "/").rsplit("/", 1)[-1]
    name = re.sub(r"[^\w.\-\u4e00-\u9fff]+", "_", raw_name)[-100:] or "evidence"
    if content_type == "application/zip":
        suffix = "." + name.rsplit(".", 1)[-1].lower() if "." in name else ""
        content_type = OFFICE_TYPES.get(suffix)
    if content_type is None:
        raise ValidationError(_("Evidence must be a PDF, JPEG, PNG, Word (.docx) or Excel (.xlsx) file."))
    upload.seek(0)
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return content_type, digest.hexdigest(), name


@transaction.atomic
def evidence_add(
    *, actor: Any, upload: UploadedFile, report_id: Any = None, activity_id: Any = None
) -> EvidenceFile:
    """Attach a file to the actor's agency's report (lead or contributing agency) or activity."""
    selectors.require(actor, "plan.write")
    if (report_id is None) == (activity_id is None):
        raise ValidationError(_("Attach evidence to one report or one activity."))
    report = activity = None
    if report_id is not None:
        report = selectors.report_get(
            actor=actor, report_id=report_id, purpose="add evidence", audit_read=False
        )
        is_contributor = report.contributions.filter(agency_id=actor.agency_id).exists()
        if report.agency_id != actor.agency_id and not is_contributor:
            raise PermissionDenied
        if not report.editable:
            raise ValidationError(_("A submitted or accepted report cannot take new evidence."))
        owner: Any = report
    else:
        activity = selectors.activity_get(
            actor=actor, activity_id=activity_id, purpose="add evidence", audit_read=False
        )
        if activity.agency_id != actor.agency_id:
            raise PermissionDenied
        owner = activity
    content_type, digest, name = clean_evidence(upload)
    evidence = EvidenceFile(
        jurisdiction=owner.jurisdiction,
        report=report,
        activity=activity,
        name=name,
        content_type=content_type,
        size=upload.size or 0,
        sha256=digest,
        uploaded_by=actor,
    )
    evidence.file.save(name, upload, save=False)
    evidence.save()
    _audit(actor, AuditAction.UPDATE, owner, evidence_added=evidence.pk, sha256=digest)
    return evidence


# ---------------------------------------------------------------------------------------------------------
# Evaluation rounds


DEFAULT_ROUND_PERIODS = {
    EvaluationKind.MID_TERM: (date(2021, 1, 1), date(2026, 1, 1)),
    EvaluationKind.FINAL: (date(2021, 1, 1), date(2031, 1, 1)),
}


@transaction.atomic
def evaluation_open(
    *,
    actor: Any,
    kind: str,
    title: str = "",
    period_start: date | None = None,
    period_end: date | None = None,
) -> EvaluationRound:
    selectors.require(actor, "plan.coordinate")
    agency = _require_agency(actor)
    errors: dict[str, list[str]] = {}
    if kind not in EvaluationKind.values:
        errors.setdefault("kind", []).append(_("Unknown kind of evaluation."))
        _raise(errors)
    default = DEFAULT_ROUND_PERIODS.get(EvaluationKind(kind))
    start = period_start or (default[0] if default else None)
    end = period_end or (default[1] if default else None)
    if start is None or end is None or end <= start:
        errors.setdefault("period_end", []).append(_("The period must end after it starts."))
    title = _text(title, "title", errors, max_length=200) or (
        f"{EvaluationKind(kind).label} · {division_label(agency.division_id)}"
    )
    _raise(errors)
    assert start is not None and end is not None
    round_ = EvaluationRound.objects.create(
        jurisdiction=agency.division_id,
        kind=kind,
        title=str(title)[:200],
        period_start=start,
        period_end=end,
        opened_by=actor,
    )
    _audit(actor, AuditAction.CREATE, round_)
    return round_


def _region_codes(scope_code: str, work: dict[str, Any]) -> list[str]:
    """Regions one level down from the round's scope (provinces for a national round, counties otherwise)."""
    from homeward.regions.models import Division

    prefix = scope_prefix(scope_code)
    if scope_code == settings.NATIONAL_DIVISION_CODE:
        return list(
            Division.objects.filter(code__endswith="0000")
            .exclude(code=settings.NATIONAL_DIVISION_CODE)
            .order_by("code")
            .values_list("code", flat=True)
        )
    if len(prefix) == 6:
        return [scope_code]
    codes = {r.jurisdiction for rows in (work["reports"], work["plans"], work["activities"]) for r in rows}
    codes |= set(
        SupervisionListing.objects.filter(jurisdiction__startswith=prefix).values_list(
            "jurisdiction", flat=True
        )
    )
    return sorted(c for c in codes if c != scope_code and c.startswith(prefix))


@transaction.atomic
def evaluation_assemble(*, actor: Any, round_id: Any) -> EvaluationRound:
    """Gather per measure, per agency and per region the reports and computed indicators. Scores already given
    are kept; re-assembling refreshes the figures."""
    round_ = selectors.round_get(actor=actor, round_id=round_id, purpose="assemble", audit_read=False)
    if round_.status != RoundStatus.OPEN:
        raise ValidationError(_("The round is closed."))
    prefix = scope_prefix(round_.jurisdiction)
    start, end = round_.period_start, round_.period_end
    work = selectors.work_in_period(prefix, start, end)
    items: list[tuple[str, str, str, dict[str, Any]]] = []

    def report_summary(reports: list[ProgressReport]) -> dict[str, Any]:
        by_status: dict[str, int] = {}
        for r in reports:
            by_status[r.status] = by_status.get(r.status, 0) + 1
        latest = max(reports, key=lambda r: (r.period_start, r.pk), default=None)
        return {
            "reports": len(reports),
            "reports_submitted": by_status.get(ReportStatus.SUBMITTED, 0)
            + by_status.get(ReportStatus.ACCEPTED, 0),
            "reports_accepted": by_status.get(ReportStatus.ACCEPTED, 0),
            "reports_returned": by_status.get(ReportStatus.RETURNED, 0),
            "latest_progress": latest.progress if latest else "",
            "report_ids": [r.pk for r in reports][:200],
        }

    for measure in Measure.objects.prefetch_related("responsibilities").order_by("position"):
        bucket = work["by_measure"].get(measure.pk, {"reports": [], "plans": [], "activities": []})
        data = report_summary(bucket["reports"])
        data.update(
            {
                "section": measure.section,
                "kind": measure.kind,
                "lead_agencies": [
                    r.name for r in measure.responsibilities.all() if r.role == Responsibility.LEAD
                ],
                "implementation_plans": len(bucket["plans"]),
                "activities": len(bucket["activities"]),
                "indicators": {},
            }
        )
        items.append((Dimension.MEASURE, measure.code, measure.short_text, data))

    def grouped(rows: list[Any], key: Any) -> dict[Any, list[Any]]:
        out: dict[Any, list[Any]] = defaultdict(list)
        for row in rows:
            k = key(row)
            if k is not None:
                out[k].append(row)
        return out

    by_agency = {
        name: grouped(work[name], lambda r: r.agency_id) for name in ("reports", "plans", "activities")
    }
    agencies = selectors.agencies_by_id(set().union(*(set(g) for g in by_agency.values())))
    for agency in sorted(agencies.values(), key=lambda a: (a.division_id, a.name)):
        reports = by_agency["reports"].get(agency.pk, [])
        data = report_summary(reports)
        data.update(
            {
                "division": agency.division_id,
                "implementation_plans": len(by_agency["plans"].get(agency.pk, [])),
                "activities": len(by_agency["activities"].get(agency.pk, [])),
                "measures_reported": len({r.measure_id for r in reports}),
            }
        )
        items.append((Dimension.AGENCY, str(agency.pk), agency.name, data))

    today = timezone.localdate()
    regions = _region_codes(round_.jurisdiction, work)
    prefixes = [scope_prefix(c) for c in regions]
    region_of = ind.region_finder(prefixes)
    # The plan's registered indicators per region (the report's indicator table adds, for the whole
    # jurisdiction, any other indicator an app provides).
    per_region = ind.compute_by_region(prefix, start, end, prefixes, list(ind.BY_KEY))
    listings = list(SupervisionListing.objects.filter(jurisdiction__startswith=prefix))
    by_region = {
        name: grouped(rows, lambda r: region_of(r.jurisdiction))
        for name, rows in (
            ("reports", work["reports"]),
            ("plans", work["plans"]),
            ("activities", work["activities"]),
            ("listings", listings),
        )
    }
    for code, region_prefix in zip(regions, prefixes, strict=True):
        region_listings = by_region["listings"].get(region_prefix, [])
        data = report_summary(by_region["reports"].get(region_prefix, []))
        data.update(
            {
                "implementation_plans": len(by_region["plans"].get(region_prefix, [])),
                "activities": len(by_region["activities"].get(region_prefix, [])),
                "supervision_listings": len(region_listings),
                "supervision_overdue": sum(1 for li in region_listings if li.state_on(today) == "overdue"),
                "indicators": per_region[region_prefix],
            }
        )
        items.append((Dimension.REGION, code, division_label(code), data))

    existing = {(i.dimension, i.key): i for i in round_.items.all()}
    fresh: list[EvaluationItem] = []
    changed: list[EvaluationItem] = []
    for position, (dimension, key, label, data) in enumerate(items, start=1):
        item = existing.get((dimension, key))
        if item is None:
            fresh.append(
                EvaluationItem(
                    round=round_,
                    dimension=dimension,
                    key=key,
                    label=label[:200],
                    data=data,
                    position=position,
                )
            )
        else:
            item.label, item.data, item.position = label[:200], data, position
            changed.append(item)
    EvaluationItem.objects.bulk_create(fresh, batch_size=500)
    EvaluationItem.objects.bulk_update(changed, ["label", "data", "position"], batch_size=500)
    keep = {(dimension, key) for dimension, key, _label, _data in items}
    stale = [i.pk for k, i in existing.items() if k not in keep and i.score is None]
    # Items that dropped out and were never scored go; scored ones stay for the record.
    EvaluationItem.objects.filter(pk__in=stale).delete()
    round_.assembled_at = timezone.now()
    round_.save(update_fields=["assembled_at", "updated_at"])
    _audit(actor, AuditAction.UPDATE, round_, assembled=len(items))
    return round_


@transaction.atomic
def evaluation_score(
    *, actor: Any, round_id: Any, item_id: Any, score: Any, comment: str = ""
) -> EvaluationItem:
    round_ = selectors.round_get(actor=actor, round_id=round_id, purpose="score", audit_read=False)
    if round_.status != RoundStatus.OPEN:
        raise ValidationError(_("The round is closed."))
    item = round_.items.filter(pk=item_id).first() if str(item_id).isdigit() else None
    if item is None:
        from django.http import Http404

        raise Http404("Not found")
    errors: dict[str, list[str]] = {}
    value = _decimal(score, "score", errors, required=True, minimum=Decimal(0), maximum=Decimal(100))
    comment = _text(comment, "comment", errors, max_length=4000)
    _raise(errors)
    item.score = value
    item.comment = comment
    item.scored_by = actor
    item.scored_at = timezone.now()
    item.save(update_fields=["score", "comment", "scored_by", "scored_at"])
    _audit(
        actor,
        AuditAction.UPDATE,
        round_,
        item=item.pk,
        dimension=item.dimension,
        key=item.key,
        score=str(value),
    )
    return item


@transaction.atomic
def evaluation_close(*, actor: Any, round_id: Any) -> EvaluationRound:
    round_ = selectors.round_get(actor=actor, round_id=round_id, purpose="close", audit_read=False)
    done = EvaluationRound.objects.filter(pk=round_.pk, status=RoundStatus.OPEN).update(
        status=RoundStatus.CLOSED, updated_at=timezone.now()
    )
    if done != 1:
        raise ValidationError(_("The round is already closed."))
    round_.refresh_from_db()
    _audit(actor, AuditAction.UPDATE, round_, status="closed")
    return round_


# ---------------------------------------------------------------------------------------------------------
# Supervision


@dataclass
class ListingData:
    kind: str
    division_code: str
    title: str
    reason: str
    deadline: date | None
    requirements: str = ""
    case_reference: str = ""
    warning_days: Any = 14


def _below_actor(actor: Any, code: str, errors: dict[str, list[str]], field_name: str) -> None:
    own = actor.agency.division_id
    if code == own or not code.startswith(scope_prefix(own)):
        errors.setdefault(field_name, []).append(
            _("Only a region below your own jurisdiction can be listed or assessed by you.")
        )


@transaction.atomic
def listing_create(*, actor: Any, data: ListingData) -> SupervisionListing:
    """The level above lists a key region or case for supervision (挂牌督办) with a deadline."""
    selectors.require(actor, "plan.coordinate")
    agency = _require_agency(actor)
    errors: dict[str, list[str]] = {}
    if data.kind not in ListingKind.values:
        errors.setdefault("kind", []).append(_("Unknown kind."))
    try:
        division_require(data.division_code)
    except ValidationError as exc:
        errors.setdefault("division_code", []).extend(exc.messages)
    else:
        _below_actor(actor, data.division_code, errors, "division_code")
    title = _text(data.title, "title", errors, required=True, max_length=200)
    reason = _text(data.reason, "reason", errors, required=True)
    requirements = _text(data.requirements, "requirements", errors)
    case_reference = _text(data.case_reference, "case_reference", errors, max_length=60)
    if data.kind == ListingKind.CASE and not case_reference:
        errors.setdefault("case_reference", []).append(_("A key case needs its case reference."))
    today = timezone.localdate()
    if data.deadline is None:
        errors.setdefault("deadline", []).append(_("This field is required."))
    elif data.deadline <= today:
        errors.setdefault("deadline", []).append(_("The deadline must be in the future."))
    try:
        warning_days = int(data.warning_days)
    except (TypeError, ValueError):
        warning_days = -1
    if not 0 <= warning_days <= 365:
        errors.setdefault("warning_days", []).append(_("Between 0 and 365 days."))
    _raise(errors)
    assert data.deadline is not None
    listing = SupervisionListing.objects.create(
        jurisdiction=data.division_code,
        kind=data.kind,
        title=title,
        case_reference=case_reference,
        reason=reason,
        requirements=requirements,
        listed_by_agency=agency,
        listed_by=actor,
        listed_on=today,
        deadline=data.deadline,
        warning_days=warning_days,
    )
    _audit(actor, AuditAction.CREATE, listing)
    notify(
        kind="plan.listed",
        title=_("Listed for supervision (挂牌督办): %(title)s, deadline %(deadline)s")
        % {"title": title, "deadline": data.deadline.isoformat()},
        role="plan_coordinator",
        division_code=data.division_code,
        url=f"/staff/plan/supervision/{listing.pk}/",
        dedupe_key=f"plan.listed:{listing.pk}",
    )
    return listing


@transaction.atomic
def listing_update_add(*, actor: Any, listing_id: Any, text: str) -> SupervisionUpdate:
    """The listed region reports progress on a listing."""
    selectors.require(actor, "plan.write")
    listing = selectors.listing_get(actor=actor, listing_id=listing_id, purpose="progress", audit_read=False)
    if listing.status != ListingStatus.OPEN:
        raise ValidationError(_("The listing is closed."))
    errors: dict[str, list[str]] = {}
    text = _text(text, "text", errors, required=True, max_length=4000)
    _raise(errors)
    update = SupervisionUpdate.objects.create(listing=listing, text=text, actor=actor)
    _audit(actor, AuditAction.UPDATE, listing, update=update.pk)
    return update


@transaction.atomic
def listing_close(*, actor: Any, listing_id: Any, status: str, note: str) -> SupervisionListing:
    """Only the level that listed (or above) lifts a listing."""
    selectors.require(actor, "plan.coordinate")
    listing = selectors.listing_get(actor=actor, listing_id=listing_id, purpose="close", audit_read=False)
    errors: dict[str, list[str]] = {}
    if actor.agency.division_id == listing.jurisdiction:
        raise PermissionDenied(_("A listing is lifted by the level that listed it."))
    if status not in (ListingStatus.RESOLVED, ListingStatus.WITHDRAWN):
        errors.setdefault("status", []).append(_("Resolved or withdrawn."))
    note = _text(note, "note", errors, required=True, max_length=4000)
    _raise(errors)
    done = SupervisionListing.objects.filter(pk=listing.pk, status=ListingStatus.OPEN).update(
        status=status, closed_at=timezone.now(), closing_note=note, updated_at=timezone.now()
    )
    if done != 1:
        raise ValidationError(_("The listing is already closed."))
    listing.refresh_from_db()
    _audit(actor, AuditAction.UPDATE, listing, status=status)
    return listing


def supervision_check(*, today: date | None = None) -> dict[str, int]:
    """Warn the listed region as a deadline nears and tell the level above of overdue listings. Idempotent
    (one notice per listing, state and recipient); run daily by `manage.py plan_supervision_check`.
    Returns how many listings caused new notices."""
    from homeward.notifications.services import recipients_for_role
    from homeward.regions.selectors import ancestor_codes

    today = today or timezone.localdate()
    warned = overdue = 0
    open_listings = SupervisionListing.objects.filter(status=ListingStatus.OPEN).select_related(
        "listed_by_agency"
    )
    for listing in open_listings:
        state = listing.state_on(today)
        if state == "warning":
            # The listed region's own coordinators; the level above hears only once it is overdue.
            own = [
                u
                for u in recipients_for_role(role="plan_coordinator", division_code=listing.jurisdiction)
                if u.agency.division_id == listing.jurisdiction
            ]
            warned += bool(
                notify(
                    kind="plan.listing_warning",
                    title=_("Supervision deadline %(deadline)s is near: %(title)s")
                    % {"deadline": listing.deadline.isoformat(), "title": listing.title},
                    users=own,
                    url=f"/staff/plan/supervision/{listing.pk}/",
                    dedupe_key=f"plan.listing_warning:{listing.pk}",
                )
            )
        elif state == "overdue":
            chain = ancestor_codes(listing.jurisdiction)
            parent = chain[-2] if len(chain) > 1 else chain[-1]
            overdue += bool(
                notify(
                    kind="plan.listing_overdue",
                    title=_("Overdue supervision listing: %(title)s (deadline %(deadline)s)")
                    % {"title": listing.title, "deadline": listing.deadline.isoformat()},
                    role="plan_coordinator",
                    division_code=parent,
                    url=f"/staff/plan/supervision/{listing.pk}/",
                    dedupe_key=f"plan.listing_overdue:{listing.pk}",
                )
            )
    return {"warned": warned, "overdue": overdue}


# ---------------------------------------------------------------------------------------------------------
# Assessment


@dataclass
class AssessmentData:
    year: Any
    subject_kind: str
    score: Any
    division_code: str = ""
    agency_id: Any = None
    commendation: str = ""
    notes: str = ""


@transaction.atomic
def assessment_create(*, actor: Any, data: AssessmentData) -> Assessment:
    """A coordinator scores a region or agency below their level for a year (draft until evidence is attached)."""
    selectors.require(actor, "plan.coordinate")
    agency = _require_agency(actor)
    errors: dict[str, list[str]] = {}
    year = _year(data.year, errors)
    score = _decimal(data.score, "score", errors, required=True, maximum=Decimal(100))
    subject_agency = None
    code = ""
    if data.subject_kind == SubjectKind.REGION:
        code = (data.division_code or "").strip()
        try:
            division_require(code)
        except ValidationError as exc:
            errors.setdefault("division_code", []).extend(exc.messages)
        else:
            _below_actor(actor, code, errors, "division_code")
        key = f"region:{code}"
    elif data.subject_kind == SubjectKind.AGENCY:
        subject_agency = (
            Agency.objects.filter(pk=data.agency_id).first() if str(data.agency_id or "").isdigit() else None
        )
        if subject_agency is None:
            errors.setdefault("agency_id", []).append(_("No such agency."))
            key = ""
        else:
            code = subject_agency.division_id
            if subject_agency.pk == agency.pk or not code.startswith(scope_prefix(agency.division_id)):
                errors.setdefault("agency_id", []).append(
                    _("Only an agency in your jurisdiction, not your own.")
                )
            key = f"agency:{subject_agency.pk}"
    else:
        errors.setdefault("subject_kind", []).append(_("A region or an agency."))
        key = ""
    commendation = _text(data.commendation, "commendation", errors, max_length=200)
    notes = _text(data.notes, "notes", errors)
    if not errors and Assessment.objects.filter(year=year, subject_key=key).exists():
        errors.setdefault("year", []).append(_("This subject already has an assessment for that year."))
    _raise(errors)
    assert score is not None
    assessment = Assessment.objects.create(
        jurisdiction=code,
        year=year,
        subject_kind=data.subject_kind,
        subject_agency=subject_agency,
        subject_key=key,
        score=score,
        commendation=commendation,
        notes=notes,
        assessed_by_agency=agency,
        created_by=actor,
    )
    _audit(actor, AuditAction.CREATE, assessment, year=year, subject=key, score=str(score))
    return assessment


def _draft_assessment(actor: Any, assessment_id: Any, purpose: str) -> Assessment:
    selectors.require(actor, "plan.coordinate")
    assessment = selectors.assessment_get(
        actor=actor, assessment_id=assessment_id, purpose=purpose, audit_read=False
    )
    if assessment.assessed_by_agency_id != actor.agency_id:
        raise PermissionDenied(_("Only the assessing office changes an assessment."))
    if assessment.status != AssessmentStatus.DRAFT:
        raise ValidationError(_("A final assessment cannot be changed."))
    return assessment


@dataclass
class EvidenceData:
    kind: str
    ref_id: Any = None  # report, activity or listing id
    indicator_key: str = ""
    note: str = ""
    points: Any = None


@transaction.atomic
def assessment_evidence_add(*, actor: Any, assessment_id: Any, data: EvidenceData) -> AssessmentEvidence:
    """Tie a score to what it rests on. Referenced records must be visible to the assessor and lie in the
    assessed subject's jurisdiction; a computed indicator is evaluated now for the subject and year."""
    assessment = _draft_assessment(actor, assessment_id, "add evidence")
    errors: dict[str, list[str]] = {}
    evidence = AssessmentEvidence(assessment=assessment, kind=data.kind, added_by=actor)
    prefix = scope_prefix(assessment.jurisdiction)
    note = _text(data.note, "note", errors, max_length=4000)
    evidence.note = note
    evidence.points = _decimal(data.points, "points", errors, minimum=Decimal(-100), maximum=Decimal(100))
    fetch = {
        EvidenceKind.REPORT: lambda pk: selectors.report_get(actor=actor, report_id=pk, audit_read=False),
        EvidenceKind.ACTIVITY: lambda pk: selectors.activity_get(
            actor=actor, activity_id=pk, audit_read=False
        ),
        EvidenceKind.LISTING: lambda pk: selectors.listing_get(actor=actor, listing_id=pk, audit_read=False),
    }
    if data.kind in fetch:
        obj = fetch[EvidenceKind(data.kind)](data.ref_id)
        if not obj.jurisdiction.startswith(prefix):
            errors.setdefault("ref_id", []).append(_("That record is not about the assessed subject."))
        if assessment.subject_agency_id and getattr(obj, "agency_id", assessment.subject_agency_id) not in (
            assessment.subject_agency_id,
        ):
            errors.setdefault("ref_id", []).append(_("That record is another agency's."))
        setattr(evidence, str(data.kind), obj)
    elif data.kind == EvidenceKind.INDICATOR:
        spec = ind.lookup(data.indicator_key)
        if spec is None:
            errors.setdefault("indicator_key", []).append(_("Unknown computed indicator."))
        else:
            value = ind.compute_one(
                spec, prefix, date(assessment.year, 1, 1), date(assessment.year + 1, 1, 1)
            )
            if not value.available:
                errors.setdefault("indicator_key", []).append(_("This indicator is not available yet."))
            else:
                evidence.indicator_key = spec.key
                evidence.indicator_value = Decimal(str(value.value)).quantize(Decimal("0.01"))
    elif data.kind == EvidenceKind.NOTE:
        if not note:
            errors.setdefault("note", []).append(_("Write the finding."))
    else:
        errors.setdefault("kind", []).append(_("Unknown kind of evidence."))
    _raise(errors)
    evidence.save()
    _audit(actor, AuditAction.UPDATE, assessment, evidence=evidence.pk, kind=data.kind)
    return evidence


@transaction.atomic
def assessment_veto(*, actor: Any, assessment_id: Any, reason: str) -> Assessment:
    """Record a one-vote veto (一票否决): trafficking serious and prevention failed. It must rest on evidence."""
    assessment = _draft_assessment(actor, assessment_id, "veto")
    errors: dict[str, list[str]] = {}
    reason = _text(reason, "reason", errors, required=True, max_length=4000)
    if not assessment.evidence.exists():
        errors.setdefault("reason", []).append(_("Attach the evidence the veto rests on first."))
    _raise(errors)
    assessment.veto = True
    assessment.veto_reason = reason
    assessment.save(update_fields=["veto", "veto_reason", "updated_at"])
    _audit(actor, AuditAction.UPDATE, assessment, veto=True)
    return assessment


@transaction.atomic
def assessment_finalise(*, actor: Any, assessment_id: Any) -> Assessment:
    assessment = _draft_assessment(actor, assessment_id, "finalise")
    if not assessment.evidence.exists():
        raise ValidationError(_("Every score must be traceable to its evidence: attach at least one item."))
    assessment.status = AssessmentStatus.FINAL
    assessment.finalised_at = timezone.now()
    assessment.save(update_fields=["status", "finalised_at", "updated_at"])
    _audit(actor, AuditAction.UPDATE, assessment, status="final")
    return assessment


def default_deadline(days: int = 90) -> date:
    return timezone.localdate() + timedelta(days=days)

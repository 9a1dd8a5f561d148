"""JSON API of the care app, mounted at /api/v1/care/."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from ninja import Field, Router, Schema, Status

from homeward.access.selectors import user_scope_prefix
from homeward.care import exports, selectors, services
from homeward.care.models import CareRecord, ConsentGiver, ConsentPurpose, ServiceKind
from homeward.core.schemas import StrictSchema

router = Router(tags=["care"])


class RecordSummary(Schema):
    id: int
    jurisdiction: str
    stage: str
    arrived_on: date


class RecordOut(RecordSummary):
    person_id: int
    case_id: int | None
    arrival: str
    needs: list[str]
    institution_id: int | None
    cross_border: bool
    sensitive: dict[str, str]


class ConsentIn(StrictSchema):
    purpose: ConsentPurpose
    given_by: ConsentGiver
    guardian_name: str = Field("", max_length=60)


class ConsentOut(Schema):
    id: int
    purpose: str
    given_by: str
    given_on: date
    withdrawn_on: date | None = None


class PlacementIn(StrictSchema):
    institution_id: int
    start_on: date | None = None
    long_term: bool = False


class PlacementOut(Schema):
    id: int
    institution_id: int
    start_on: date
    end_on: date | None
    long_term: bool


class InstitutionOut(Schema):
    agency_id: int
    name: str
    kind: str
    capacity: int
    free: int


class ServiceIn(StrictSchema):
    kind: ServiceKind
    provider: str = Field(..., max_length=120)
    provided_on: date
    outcome: str = Field("", max_length=500)


class ServiceOut(Schema):
    id: int
    kind: str
    provider: str
    provided_on: date
    outcome: str


class ReunionStartIn(StrictSchema):
    family_note: str = Field("", max_length=500)
    family_person_id: int | None = None


class ReunionAssessIn(StrictSchema):
    home_safe: bool
    family_involved: bool


class ReunionMeetIn(StrictSchema):
    met_on: date | None = None


class ReunionRefuseIn(StrictSchema):
    reason: str = Field(..., max_length=500)
    institution_id: int


class ReunionOut(Schema):
    state: str
    family_person_id: int | None
    home_safe: bool | None
    family_involved: bool | None
    assessed_on: date | None
    met_on: date | None
    handed_over_on: date | None
    refusal_reason: str


class FollowUpIn(StrictSchema):
    notes: str = Field(..., max_length=1000)
    school_attending: bool | None = None
    risks: str = Field("", max_length=500)


class FollowUpOut(Schema):
    id: int
    record_id: int
    due_on: date
    done_on: date | None
    escalated: bool

    @staticmethod
    def resolve_escalated(obj: Any) -> bool:
        return obj.escalated_at is not None


def _out(request: HttpRequest, record: CareRecord) -> dict[str, Any]:
    data = {f: getattr(record, f) for f in RecordOut.model_fields if f != "sensitive"}
    data["sensitive"] = selectors.sensitive_view(request.user, record)
    return data


@router.get("", response=list[RecordSummary])
def list_records(request: HttpRequest) -> Any:
    return list(selectors.care_record_list(actor=request.user))


@router.get("/export.csv")
def export_caseload(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(exports.caseload_csv(actor=request.user), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="caseload.csv"'
    return response


@router.get("/institutions", response=list[InstitutionOut])
def list_institutions(request: HttpRequest) -> Any:
    services._require_caseworker(request.user)
    return [
        {
            "agency_id": row["institution"].agency_id,
            "name": row["institution"].agency.name,
            "kind": row["institution"].kind,
            "capacity": row["institution"].capacity,
            "free": row["free"],
        }
        for row in selectors.institutions_with_capacity(prefix=user_scope_prefix(request.user) or "")
    ]


@router.get("/followups", response=dict[str, list[FollowUpOut]])
def list_followups(request: HttpRequest) -> Any:
    return selectors.followups_for(actor=request.user, today=timezone.localdate())


@router.post("/followups/{followup_id}", response=FollowUpOut)
def record_followup(request: HttpRequest, followup_id: int, payload: FollowUpIn) -> Any:
    return services.followup_record(
        actor=request.user,
        followup_id=followup_id,
        notes=payload.notes,
        school_attending=payload.school_attending,
        risks=payload.risks,
    )


@router.get("/{record_id}", response=RecordOut)
def get_record(request: HttpRequest, record_id: int) -> Any:
    return _out(
        request, selectors.care_record_get(actor=request.user, record_id=record_id, purpose="api read")
    )


@router.post("/{record_id}/consents", response={201: ConsentOut})
def add_consent(request: HttpRequest, record_id: int, payload: ConsentIn) -> Status[Any]:
    consent = services.consent_record(
        actor=request.user,
        record_id=record_id,
        purpose=payload.purpose,
        given_by=payload.given_by,
        guardian_name=payload.guardian_name,
    )
    return Status(201, consent)


@router.post("/{record_id}/consents/{consent_id}/withdraw", response=ConsentOut)
def withdraw_consent(request: HttpRequest, record_id: int, consent_id: int) -> Any:
    return services.consent_withdraw(actor=request.user, record_id=record_id, consent_id=consent_id)


@router.post("/{record_id}/placements", response={201: PlacementOut})
def add_placement(request: HttpRequest, record_id: int, payload: PlacementIn) -> Status[Any]:
    placement = services.placement_start(
        actor=request.user,
        record_id=record_id,
        institution_id=payload.institution_id,
        start_on=payload.start_on,
        long_term=payload.long_term,
    )
    return Status(201, placement)


@router.post("/{record_id}/services", response={201: ServiceOut})
def add_service(request: HttpRequest, record_id: int, payload: ServiceIn) -> Status[Any]:
    service = services.service_record(
        actor=request.user,
        record_id=record_id,
        kind=payload.kind,
        provider=payload.provider,
        provided_on=payload.provided_on,
        outcome=payload.outcome,
    )
    return Status(201, service)


@router.post("/{record_id}/reunion", response={201: ReunionOut})
def start_reunion(request: HttpRequest, record_id: int, payload: ReunionStartIn) -> Status[Any]:
    reunion = services.reunion_start(
        actor=request.user,
        record_id=record_id,
        family_note=payload.family_note,
        family_person_id=payload.family_person_id,
        source="api",
    )
    return Status(201, reunion)


@router.post("/{record_id}/reunion/assessment", response=ReunionOut)
def assess_reunion(request: HttpRequest, record_id: int, payload: ReunionAssessIn) -> Any:
    return services.reunion_assess(
        actor=request.user,
        record_id=record_id,
        home_safe=payload.home_safe,
        family_involved=payload.family_involved,
    )


@router.post("/{record_id}/reunion/meeting", response=ReunionOut)
def meet_family(request: HttpRequest, record_id: int, payload: ReunionMeetIn) -> Any:
    return services.reunion_meet(actor=request.user, record_id=record_id, met_on=payload.met_on)


@router.post("/{record_id}/reunion/handover", response=ReunionOut)
def hand_over(request: HttpRequest, record_id: int) -> Any:
    return services.reunion_handover(actor=request.user, record_id=record_id)


@router.post("/{record_id}/reunion/refusal", response=ReunionOut)
def refuse_reunion(request: HttpRequest, record_id: int, payload: ReunionRefuseIn) -> Any:
    return services.reunion_refuse(
        actor=request.user, record_id=record_id, reason=payload.reason, institution_id=payload.institution_id
    )

"""JSON API of the care app, mounted at /api/v1/care/."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Field, Router, Schema, Status

from homeward.care import exports, selectors, services
from homeward.care.models import CareRecord, ConsentGiver, ConsentPurpose
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

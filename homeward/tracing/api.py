"""JSON API of the tracing app, mounted at /api/v1/tracing/. Same services and selectors as the pages."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status

from homeward.core.schemas import StrictSchema
from homeward.people.models import Sex
from homeward.tracing import selectors, services
from homeward.tracing.models import FoundKind

router = Router(tags=["tracing"])


def _lines() -> Any:
    return Field(default_factory=list, max_length=20)


def _short() -> Any:
    return Field(default="", max_length=200)


class PersonIn(StrictSchema):
    name: str = Field(min_length=1, max_length=60)
    sex: Sex = Sex.UNKNOWN
    birth_date: date | None = None


class ReportIn(StrictSchema):
    person_id: int | None = None
    person: PersonIn | None = None
    birth_year: int | None = None
    nicknames: list[str] = _lines()
    missing_date: date | None = None
    missing_division: str = Field(default="", max_length=6)
    missing_address: str = _short()
    missing_lat: float | None = None
    missing_lon: float | None = None
    father_name: str = Field(default="", max_length=60)
    mother_name: str = Field(default="", max_length=60)
    sibling_names: list[str] = _lines()
    dialect: str = Field(default="", max_length=40)
    height_cm: float | None = None
    marks: list[str] = _lines()
    clothing: str = Field(default="", max_length=300)
    circumstances: str = Field(default="", max_length=2000)
    family_contact_name: str = Field(default="", max_length=60)
    family_contact_phone: str = Field(default="", max_length=20)
    family_gave_dna: bool = False
    dna_accession: str = Field(default="", max_length=40)


class FoundIn(StrictSchema):
    person_id: int | None = None
    person: PersonIn | None = None
    kind: FoundKind = FoundKind.RESCUED
    age_min: int | None = None
    age_max: int | None = None
    found_date: date | None = None
    found_division: str = Field(default="", max_length=6)
    found_address: str = _short()
    found_lat: float | None = None
    found_lon: float | None = None
    remembered_names: list[str] = _lines()
    remembered_parents: list[str] = _lines()
    remembered_places: list[str] = _lines()
    dialect: str = Field(default="", max_length=40)
    height_cm: float | None = None
    marks: list[str] = _lines()
    memories: str = Field(default="", max_length=2000)
    dna_accession: str = Field(default="", max_length=40)


class DecisionIn(StrictSchema):
    decision: str = Field(max_length=20)
    reason: str = Field(default="", max_length=500)


class CreatedOut(Schema):
    id: int
    status: str


class CompletenessOut(Schema):
    percent: int
    to_add: list[str]


class CandidateOut(Schema):
    id: int
    probability: float
    status: str
    report_id: int | None  # None: the report belongs to another jurisdiction
    found_id: int | None
    contact: str  # the other side's agency when one side is hidden
    reasons: dict[str, Any]  # empty when one side is hidden


def _person(request: HttpRequest, body: ReportIn | FoundIn) -> Any:
    from homeward.people.models import NameKind
    from homeward.people.services import PersonData

    if body.person is None:
        return None
    return PersonData(
        jurisdiction=request.user.jurisdiction or "",  # type: ignore[union-attr]
        sex=body.person.sex,
        birth_date=body.person.birth_date,
        names=[(body.person.name, NameKind.LEGAL)],
    )


def _fields(body: Schema, exclude: set[str]) -> dict[str, Any]:
    return {k: v for k, v in body.model_dump().items() if k not in exclude}


def _candidate_out(request: HttpRequest, candidate: Any) -> dict[str, Any]:
    view = selectors.candidate_view(actor=request.user, candidate=candidate)
    return {
        "id": candidate.pk,
        "probability": round(candidate.probability, 4),
        "status": candidate.status,
        "report_id": view.report.pk if view.report else None,
        "found_id": view.found.pk if view.found else None,
        "contact": view.contact,
        "reasons": candidate.reasons if view.full else {},
    }


@router.post("/reports", response={201: CreatedOut})
def report_create(request: HttpRequest, body: ReportIn) -> Any:
    report = services.report_create(
        actor=request.user,
        data=services.ReportData(**_fields(body, {"person_id", "person"})),
        person_id=body.person_id,
        person=_person(request, body),
    )
    return Status(201, report)


@router.get("/reports/{report_id}/completeness", response=CompletenessOut)
def report_completeness(request: HttpRequest, report_id: int) -> Any:
    report = selectors.report_get(actor=request.user, report_id=report_id, purpose="completeness")
    return selectors.record_completeness(report)


@router.post("/found", response={201: CreatedOut})
def found_create(request: HttpRequest, body: FoundIn) -> Any:
    found = services.found_create(
        actor=request.user,
        data=services.FoundData(**_fields(body, {"person_id", "person"})),
        person_id=body.person_id,
        person=_person(request, body),
    )
    return Status(201, found)


@router.get("/found/{found_id}/completeness", response=CompletenessOut)
def found_completeness(request: HttpRequest, found_id: int) -> Any:
    found = selectors.found_get(actor=request.user, found_id=found_id, purpose="completeness")
    return selectors.record_completeness(found)


@router.get("/candidates", response=list[CandidateOut])
def candidate_list(request: HttpRequest, status: str = "") -> list[dict[str, Any]]:
    rows = selectors.candidate_list(actor=request.user, status=status[:12], limit=200)
    return [_candidate_out(request, c) for c in rows]


@router.get("/candidates/{candidate_id}", response=CandidateOut)
def candidate_get(request: HttpRequest, candidate_id: int) -> dict[str, Any]:
    candidate = selectors.candidate_get(actor=request.user, candidate_id=candidate_id, purpose="review")
    return _candidate_out(request, candidate)


@router.post("/candidates/{candidate_id}/decision", response=CandidateOut)
def candidate_decide(request: HttpRequest, candidate_id: int, body: DecisionIn) -> dict[str, Any]:
    candidate = services.candidate_decide(
        actor=request.user, candidate_id=candidate_id, decision=body.decision, reason=body.reason
    )
    return _candidate_out(request, candidate)

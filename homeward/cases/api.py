"""JSON API of the cases app, mounted at /api/v1/cases/. Thin: parse, call one service or selector, answer."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status

from homeward.cases import selectors, services
from homeward.cases.models import (
    Case,
    CaseEvent,
    CasePerson,
    CaseRole,
    CaseType,
    Channel,
    CooperationStatus,
    EntryKind,
    JudicialStage,
    LinkKind,
    LinkRelation,
    Penalty,
    RepatriationStep,
    Supervision,
    VictimStatus,
)
from homeward.core.schemas import StrictSchema
from homeward.people.api import PersonIn

router = Router(tags=["cases"])

Code = Field(pattern=r"^\d{6}$")


# ---- schemas ------------------------------------------------------------------------------------------------


class CaseIn(StrictSchema):
    case_type: CaseType
    summary: str = Field(min_length=1, max_length=4000)
    jurisdiction: str = Field(pattern=r"^\d{6}$")
    reported_on: date
    registered_on: date | None = None
    leader: str = Field("", max_length=150)
    members: list[str] = Field(default_factory=list, max_length=30)
    cross_border: bool = False
    countries: list[str] = Field(default_factory=list, max_length=10)

    def to_data(self) -> services.CaseData:
        return services.CaseData(**self.model_dump())


class MemberOut(Schema):
    user_id: int
    username: str
    role: str
    agency: str

    @staticmethod
    def resolve_username(obj: Any) -> str:
        return str(obj.user.username)

    @staticmethod
    def resolve_agency(obj: Any) -> str:
        return str(obj.user.agency)


class CaseSummaryOut(Schema):
    id: int
    number: str
    case_type: str
    status: str
    jurisdiction: str
    registered_on: date
    cross_border: bool


class CasePersonOut(Schema):
    id: int
    person_id: int
    name: str
    role: str
    is_child: bool
    victim_status: str
    status_on: date | None
    taken_on: date | None
    taken_from: str
    sold_to: str

    @staticmethod
    def resolve_name(obj: CasePerson) -> str:
        return obj.person.primary_name


class LinkOut(Schema):
    kind: str
    statement: str
    reference: str
    note: str


class CaseOut(CaseSummaryOut):
    summary: str
    agency: str
    reported_on: date
    solved_on: date | None
    closed_on: date | None
    countries: list[str]
    judicial_stage: str
    transferred_on: date | None
    indicted_on: date | None
    judged_on: date | None
    group_active: bool
    members: list[MemberOut]
    duties: dict[str, bool]
    people: list[CasePersonOut]
    links: list[LinkOut]


class CaseUpdateIn(StrictSchema):
    summary: str = Field(min_length=1, max_length=4000)
    reported_on: date


class UsernameIn(StrictSchema):
    username: str = Field(min_length=1, max_length=150)


class LeaderIn(UsernameIn):
    reason: str = Field(min_length=1, max_length=1000)


class SolveIn(StrictSchema):
    solved_on: date
    note: str = Field("", max_length=1000)


class ReasonIn(StrictSchema):
    reason: str = Field(min_length=1, max_length=500)


class NoteIn(StrictSchema):
    note: str = Field(min_length=1, max_length=4000)


class CasePersonIn(StrictSchema):
    role: CaseRole
    person_id: int | None = Field(None, ge=1)
    new_person: PersonIn | None = None
    note: str = Field("", max_length=1000)
    is_child: bool | None = None
    taken_on: date | None = None
    taken_from: str = Field("", pattern=r"^(\d{6})?$")
    sold_to: str = Field("", pattern=r"^(\d{6})?$")


class VictimStatusIn(StrictSchema):
    status: VictimStatus
    on: date | None = None
    note: str = Field("", max_length=1000)


class VehicleIn(StrictSchema):
    plate: str = Field(min_length=1, max_length=16)
    description: str = Field("", max_length=200)


class SuspectLinkIn(StrictSchema):
    source_id: int
    target_id: int
    relation: LinkRelation
    note: str = Field("", max_length=500)


class EntryIn(StrictSchema):
    kind: EntryKind
    text: str = Field(min_length=1, max_length=4000)
    occurred_at: datetime | None = None


class EventOut(Schema):
    at: datetime
    kind: str
    label: str
    actor: str
    text: str
    entry_text: str

    @staticmethod
    def resolve_label(obj: CaseEvent) -> str:
        return str(obj.get_kind_display())

    @staticmethod
    def resolve_actor(obj: CaseEvent) -> str:
        return str(obj.actor) if obj.actor else ""

    @staticmethod
    def resolve_entry_text(obj: CaseEvent) -> str:
        return obj.entry.text if obj.entry else ""


class LinkIn(StrictSchema):
    kind: LinkKind
    target_id: str = Field(min_length=1, max_length=64)
    note: str = Field("", max_length=500)
    confirmed_by: str = Field("", max_length=150)
    confirmed_on: date | None = None


class CrossBorderIn(StrictSchema):
    cross_border: bool
    countries: list[str] = Field(default_factory=list, max_length=10)


class CooperationIn(StrictSchema):
    channel: Channel
    country: str = Field(min_length=2, max_length=2)
    counterpart: str = Field(min_length=1, max_length=200)
    subject: str = Field(min_length=1, max_length=200)
    body: str = Field(min_length=1, max_length=4000)
    sent_on: date | None = None


class ReplyOut(Schema):
    received_on: date
    text: str


class CooperationOut(Schema):
    id: int
    channel: str
    country: str
    counterpart: str
    subject: str
    status: str
    sent_on: date | None
    closed_on: date | None


class CooperationStatusIn(StrictSchema):
    status: CooperationStatus
    on: date


class ReplyIn(StrictSchema):
    received_on: date
    text: str = Field(min_length=1, max_length=4000)


class RepatriationIn(StrictSchema):
    step: RepatriationStep
    on: date | None = None
    nationality: str = Field("", max_length=2)
    confirmed_by: str = Field("", max_length=200)
    document_kind: str = Field("", max_length=100)
    place: str = Field("", max_length=200)
    organisation: str = Field("", max_length=200)


class RepatriationOut(Schema):
    nationality: str
    step: str
    identity_confirmed_on: date | None
    documents_issued_on: date | None
    handover_on: date | None
    handover_place: str
    receiving_organisation: str
    handed_over: bool


class JudicialIn(StrictSchema):
    stage: JudicialStage
    on: date


class SentenceIn(StrictSchema):
    court: str = Field(min_length=1, max_length=200)
    judged_on: date
    offence: CaseType
    penalty: Penalty
    months: int | None = Field(None, ge=0, le=600)
    fine_yuan: int | None = Field(None, ge=0, le=100_000_000)


class SupervisionIn(StrictSchema):
    case_id: int | None = Field(None, ge=1)
    region: str = Field("", pattern=r"^(\d{6})?$")
    deadline: date
    requirements: str = Field(min_length=1, max_length=4000)


class SupervisionOut(Schema):
    id: int
    case_id: int | None
    region: str
    jurisdiction: str
    supervisor_agency: str
    deadline: date
    requirements: str
    status: str
    overdue: bool

    @staticmethod
    def resolve_supervisor_agency(obj: Supervision) -> str:
        return str(obj.supervisor_agency)

    @staticmethod
    def resolve_overdue(obj: Supervision) -> bool:
        return selectors.is_overdue(obj)


class ReportIn(StrictSchema):
    text: str = Field(min_length=1, max_length=4000)


class PersonCaseOut(Schema):
    case_id: int
    number: str
    role: str
    case_type: str
    status: str

    @staticmethod
    def resolve_number(obj: CasePerson) -> str:
        return obj.case.number

    @staticmethod
    def resolve_case_type(obj: CasePerson) -> str:
        return obj.case.case_type

    @staticmethod
    def resolve_status(obj: CasePerson) -> str:
        return obj.case.status


class CaseFilter(Schema):
    q: str = Field("", max_length=100)
    status: str = Field("", max_length=10)
    case_type: str = Field("", max_length=24)


class OkOut(Schema):
    ok: bool = True


def _case_out(request: HttpRequest, case: Case) -> dict[str, Any]:
    from homeward.cases.views import link_lines

    group = selectors.case_group(case)
    return {
        **{
            f: getattr(case, f)
            for f in CaseOut.model_fields
            if hasattr(case, f) and f not in {"agency", "members"}
        },
        "agency": str(case.agency),
        "group_active": bool(group and group.is_active),
        "members": selectors.case_members(case),
        "duties": {d.kind: d.done_at is not None for d in selectors.case_duties(case)},
        "people": selectors.case_people(case),
        "links": [
            {
                "kind": line["link"].kind,
                "statement": line["text"],
                "reference": line["reference"],
                "note": line["link"].note,
            }
            for line in link_lines(list(case.links.all()), request.user)
        ],
    }


def _reload(request: HttpRequest, case_id: Any) -> dict[str, Any]:
    return _case_out(request, selectors.case_get(actor=request.user, case_id=case_id, audit_read=False))


# ---- cases ----------------------------------------------------------------------------------------------------


@router.get("", response=list[CaseSummaryOut])
def list_cases(request: HttpRequest, filters: Query[CaseFilter]) -> Any:
    return selectors.case_list(
        actor=request.user, query=filters.q, status=filters.status, case_type=filters.case_type
    )


@router.post("", response={201: CaseOut})
def register_case(request: HttpRequest, payload: CaseIn) -> Status[Any]:
    case = services.case_register(actor=request.user, data=payload.to_data())
    return Status(201, _reload(request, case.pk))


@router.get("/supervision", response=list[SupervisionOut])
def supervision_board(request: HttpRequest, include_lifted: bool = False) -> Any:
    return selectors.supervision_board(actor=request.user, include_lifted=include_lifted)


@router.post("/supervision", response={201: SupervisionOut})
def supervision_list(request: HttpRequest, payload: SupervisionIn) -> Status[Any]:
    return Status(201, services.supervision_list(actor=request.user, **payload.model_dump()))


@router.get("/supervision/{supervision_id}", response=SupervisionOut)
def supervision_get(request: HttpRequest, supervision_id: int) -> Any:
    return selectors.supervision_get(actor=request.user, supervision_id=supervision_id)


@router.post("/supervision/{supervision_id}/reports", response={201: OkOut})
def supervision_report(request: HttpRequest, supervision_id: int, payload: ReportIn) -> Status[Any]:
    services.supervision_report_file(actor=request.user, supervision_id=supervision_id, text=payload.text)
    return Status(201, {"ok": True})


@router.post("/supervision/{supervision_id}/lift", response=SupervisionOut)
def supervision_lift(request: HttpRequest, supervision_id: int, payload: ReasonIn) -> Any:
    return services.supervision_lift(actor=request.user, supervision_id=supervision_id, reason=payload.reason)


@router.get("/people/{person_id}", response=list[PersonCaseOut])
def person_cases(request: HttpRequest, person_id: int) -> Any:
    return selectors.person_case_roles(actor=request.user, person_id=person_id)


@router.post("/reviews/{review_id}", response=OkOut)
def review_complete(request: HttpRequest, review_id: int, payload: NoteIn) -> Any:
    services.review_complete(actor=request.user, review_id=review_id, note=payload.note)
    return {"ok": True}


@router.get("/{case_id}", response=CaseOut)
def get_case(request: HttpRequest, case_id: int) -> Any:
    case = selectors.case_get(actor=request.user, case_id=case_id, purpose="api read")
    return _case_out(request, case)


@router.put("/{case_id}", response=CaseOut)
def update_case(request: HttpRequest, case_id: int, payload: CaseUpdateIn) -> Any:
    services.case_update(actor=request.user, case_id=case_id, **payload.model_dump())
    return _reload(request, case_id)


@router.get("/{case_id}/timeline", response=list[EventOut])
def timeline(request: HttpRequest, case_id: int) -> Any:
    case = selectors.case_get(actor=request.user, case_id=case_id, purpose="api timeline")
    return selectors.case_timeline(case)


@router.post("/{case_id}/members", response={201: CaseOut})
def member_add(request: HttpRequest, case_id: int, payload: UsernameIn) -> Status[Any]:
    services.group_member_add(actor=request.user, case_id=case_id, username=payload.username)
    return Status(201, _reload(request, case_id))


@router.delete("/{case_id}/members/{user_id}", response={204: None})
def member_remove(request: HttpRequest, case_id: int, user_id: int) -> Status[Any]:
    services.group_member_remove(actor=request.user, case_id=case_id, user_id=user_id)
    return Status(204, None)


@router.post("/{case_id}/leader", response=CaseOut)
def leader_change(request: HttpRequest, case_id: int, payload: LeaderIn) -> Any:
    services.group_leader_change(actor=request.user, case_id=case_id, **payload.model_dump())
    return _reload(request, case_id)


@router.post("/{case_id}/dissolve", response=CaseOut)
def dissolve(request: HttpRequest, case_id: int) -> Any:
    services.group_dissolve(actor=request.user, case_id=case_id)
    return _reload(request, case_id)


@router.post("/{case_id}/solve", response=CaseOut)
def solve(request: HttpRequest, case_id: int, payload: SolveIn) -> Any:
    services.case_solve(actor=request.user, case_id=case_id, **payload.model_dump())
    return _reload(request, case_id)


@router.post("/{case_id}/close", response=CaseOut)
def close(request: HttpRequest, case_id: int, payload: ReasonIn) -> Any:
    services.case_close(actor=request.user, case_id=case_id, reason=payload.reason)
    return _reload(request, case_id)


@router.post("/{case_id}/duties/{kind}", response=OkOut)
def duty(request: HttpRequest, case_id: int, kind: str, payload: NoteIn) -> Any:
    services.duty_complete(actor=request.user, case_id=case_id, kind=kind[:10], note=payload.note)
    return {"ok": True}


@router.post("/{case_id}/people", response={201: CasePersonOut})
def person_add(request: HttpRequest, case_id: int, payload: CasePersonIn) -> Status[Any]:
    values = payload.model_dump(exclude={"new_person"})
    new_person = payload.new_person.to_data() if payload.new_person else None
    case_person = services.case_person_add(
        actor=request.user, case_id=case_id, new_person=new_person, **values
    )
    return Status(201, case_person)


@router.post("/{case_id}/people/{case_person_id}/status", response=CasePersonOut)
def victim_status(request: HttpRequest, case_id: int, case_person_id: int, payload: VictimStatusIn) -> Any:
    selectors.require_same_case(case_id, case_person_id=case_person_id)
    return services.victim_status_set(
        actor=request.user, case_person_id=case_person_id, **payload.model_dump()
    )


@router.post("/{case_id}/people/{case_person_id}/vehicles", response={201: OkOut})
def vehicle(request: HttpRequest, case_id: int, case_person_id: int, payload: VehicleIn) -> Status[Any]:
    selectors.require_same_case(case_id, case_person_id=case_person_id)
    services.vehicle_add(actor=request.user, case_person_id=case_person_id, **payload.model_dump())
    return Status(201, {"ok": True})


@router.post("/{case_id}/people/{case_person_id}/repatriation", response=RepatriationOut)
def repatriation(request: HttpRequest, case_id: int, case_person_id: int, payload: RepatriationIn) -> Any:
    selectors.require_same_case(case_id, case_person_id=case_person_id)
    return services.repatriation_record(
        actor=request.user, case_person_id=case_person_id, **payload.model_dump()
    )


@router.post("/{case_id}/people/{case_person_id}/sentence", response={201: OkOut})
def sentence(request: HttpRequest, case_id: int, case_person_id: int, payload: SentenceIn) -> Status[Any]:
    selectors.require_same_case(case_id, case_person_id=case_person_id)
    services.sentence_record(actor=request.user, case_person_id=case_person_id, **payload.model_dump())
    return Status(201, {"ok": True})


@router.post("/{case_id}/suspect-links", response={201: OkOut})
def suspect_link(request: HttpRequest, case_id: int, payload: SuspectLinkIn) -> Status[Any]:
    services.suspect_link_add(actor=request.user, case_id=case_id, **payload.model_dump())
    return Status(201, {"ok": True})


@router.post("/{case_id}/entries", response={201: EventOut})
def entry_add(request: HttpRequest, case_id: int, payload: EntryIn) -> Status[Any]:
    entry = services.entry_add(actor=request.user, case_id=case_id, **payload.model_dump())
    event = next(e for e in selectors.case_timeline(entry.case) if e.entry_id == entry.pk)
    return Status(201, event)


@router.post("/{case_id}/links", response={201: CaseOut})
def link_add(request: HttpRequest, case_id: int, payload: LinkIn) -> Status[Any]:
    services.case_link_add(actor=request.user, case_id=case_id, **payload.model_dump())
    return Status(201, _reload(request, case_id))


@router.put("/{case_id}/cross-border", response=CaseOut)
def cross_border(request: HttpRequest, case_id: int, payload: CrossBorderIn) -> Any:
    services.cross_border_set(actor=request.user, case_id=case_id, **payload.model_dump())
    return _reload(request, case_id)


@router.get("/{case_id}/cooperation", response=list[CooperationOut])
def cooperation_list(request: HttpRequest, case_id: int) -> Any:
    case = selectors.case_get(actor=request.user, case_id=case_id, purpose="api cooperation")
    return selectors.case_requests(case)


@router.post("/{case_id}/cooperation", response={201: CooperationOut})
def cooperation_create(request: HttpRequest, case_id: int, payload: CooperationIn) -> Status[Any]:
    return Status(
        201, services.cooperation_request_create(actor=request.user, case_id=case_id, **payload.model_dump())
    )


@router.post("/{case_id}/cooperation/{request_id}/status", response=CooperationOut)
def cooperation_status(
    request: HttpRequest, case_id: int, request_id: int, payload: CooperationStatusIn
) -> Any:
    selectors.require_same_case(case_id, request_id=request_id)
    return services.cooperation_request_status(
        actor=request.user, request_id=request_id, **payload.model_dump()
    )


@router.post("/{case_id}/cooperation/{request_id}/replies", response={201: ReplyOut})
def cooperation_reply(request: HttpRequest, case_id: int, request_id: int, payload: ReplyIn) -> Status[Any]:
    selectors.require_same_case(case_id, request_id=request_id)
    return Status(
        201, services.cooperation_reply_add(actor=request.user, request_id=request_id, **payload.model_dump())
    )


@router.post("/{case_id}/judicial", response=CaseOut)
def judicial(request: HttpRequest, case_id: int, payload: JudicialIn) -> Any:
    services.judicial_advance(actor=request.user, case_id=case_id, **payload.model_dump())
    return _reload(request, case_id)

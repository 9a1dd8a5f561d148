from __future__ import annotations

from datetime import date
from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status

from homeward.core.schemas import StrictSchema
from homeward.people import selectors, services
from homeward.people.models import NameKind, Person, Sex

router = Router(tags=["people"])


class NameIn(StrictSchema):
    name: str = Field(max_length=60)
    kind: NameKind = NameKind.LEGAL


class PersonIn(StrictSchema):
    jurisdiction: str = Field(pattern=r"^\d{6}$")
    sex: Sex = Sex.UNKNOWN
    birth_date: date | None = None
    birth_year_min: int | None = None
    birth_year_max: int | None = None
    names: list[NameIn] = Field(default_factory=list, max_length=20)
    resident_ids: list[str] = Field(default_factory=list, max_length=5)
    phones: list[str] = Field(default_factory=list, max_length=10)
    nationality: str = Field("CN", pattern=r"^[A-Z]{2}$")

    def to_data(self) -> services.PersonData:
        return services.PersonData(
            jurisdiction=self.jurisdiction,
            sex=self.sex,
            birth_date=self.birth_date,
            birth_year_min=self.birth_year_min,
            birth_year_max=self.birth_year_max,
            names=[(n.name, n.kind) for n in self.names],
            resident_ids=self.resident_ids,
            phones=self.phones,
            nationality=self.nationality,
        )


class NameOut(Schema):
    name: str
    kind: str


class PersonOut(Schema):
    id: int
    jurisdiction: str
    sex: str
    birth_date: date | None
    birth_year_min: int | None
    birth_year_max: int | None
    nationality: str
    names: list[NameOut]
    resident_ids: list[str]
    phones: list[str]

    @staticmethod
    def resolve_names(obj: Person) -> list[dict[str, str]]:
        return [{"name": n.name, "kind": n.kind} for n in obj.names.all()]

    @staticmethod
    def resolve_resident_ids(obj: Person) -> list[str]:
        return [i.value for i in obj.identifiers.all()]

    @staticmethod
    def resolve_phones(obj: Person) -> list[str]:
        return [p.number for p in obj.phones.all()]


class PersonSummary(Schema):
    id: int
    jurisdiction: str
    sex: str
    name: str

    @staticmethod
    def resolve_name(obj: Person) -> str:
        return obj.primary_name


class PeopleFilter(Schema):
    q: str = Field("", max_length=100)


@router.get("", response=list[PersonSummary])
def list_people(request: HttpRequest, filters: Query[PeopleFilter]) -> Any:
    return list(selectors.person_list(actor=request.user, query=filters.q))


@router.get("/{person_id}", response=PersonOut)
def get_person(request: HttpRequest, person_id: int) -> Person:
    return selectors.person_get(actor=request.user, person_id=person_id, purpose="api read")


@router.post("", response={201: PersonOut})
def create_person(request: HttpRequest, payload: PersonIn) -> Status[Any]:
    person = services.person_create(actor=request.user, data=payload.to_data())
    return Status(201, selectors.person_get(actor=request.user, person_id=person.pk, audit_read=False))


@router.put("/{person_id}", response=PersonOut)
def update_person(request: HttpRequest, person_id: int, payload: PersonIn) -> Person:
    services.person_update(actor=request.user, person_id=person_id, data=payload.to_data())
    return selectors.person_get(actor=request.user, person_id=person_id, audit_read=False)

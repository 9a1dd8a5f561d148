"""JSON API of the dna app, mounted at /api/v1/dna/. Police DNA staff only: anybody else gets 404 everywhere."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status

from homeward.core.schemas import StrictSchema
from homeward.dna import selectors, services
from homeward.dna.models import Candidate, Category, Sample, Search

router = Router(tags=["dna"])


def _gate(request: HttpRequest, perm: str = "dna.view_profile") -> Any:
    selectors.require(request.user, perm, what="api")
    return request.user


class SampleIn(StrictSchema):
    accession: str = Field(min_length=3, max_length=40)
    category: Category
    family_id: int | None = None
    kit: str = Field("", max_length=60)
    collected_on: date | None = None
    typed_on: date | None = None
    amelogenin: str = Field("", pattern=r"^(XY|XX|X|X,Y|)$")
    genotypes: dict[str, str | list[str]] = Field(default_factory=dict, max_length=64)
    y_haplotype: dict[str, str | int | float] = Field(default_factory=dict, max_length=40)


class SampleOut(Schema):
    id: int
    accession: str
    category: str
    family: str | None
    jurisdiction: str
    kit: str
    collected_on: date | None
    typed_on: date | None
    status: str
    n_loci: int
    cleared_for_registration_at: datetime | None

    @staticmethod
    def resolve_family(obj: Sample) -> str | None:
        return obj.family.reference if obj.family else None

    @staticmethod
    def resolve_n_loci(obj: Sample) -> int:
        profile = getattr(obj, "profile", None)
        return profile.n_loci if profile else 0


class PurposeQuery(Schema):
    purpose: str = Field(min_length=3, max_length=200)


class PurposeIn(StrictSchema):
    purpose: str = Field(min_length=3, max_length=200)


class NoteIn(StrictSchema):
    note: str = Field("", max_length=500)


class ReasonIn(StrictSchema):
    reason: str = Field(min_length=5, max_length=500)


class FamilyIn(StrictSchema):
    reference: str = Field("", max_length=40)
    missing_since: date | None = None
    note: str = Field("", max_length=300)


class FamilyOut(Schema):
    id: int
    reference: str
    jurisdiction: str
    missing_since: date | None
    members: list[str]

    @staticmethod
    def resolve_members(obj: Any) -> list[str]:
        return [s.accession for s in obj.samples.all()]


class ImportIn(StrictSchema):
    format: str = Field(pattern=r"^(csv|json)$")
    content: str = Field(max_length=900_000)
    file_name: str = Field("", max_length=200)
    register_category: str = Field("", max_length=24)
    kit: str = Field("", max_length=60)


class ImportOut(Schema):
    id: int
    n_rows: int
    n_imported: int
    n_refused_rows: int
    imported: list[str]
    refused: list[dict[str, Any]]
    duplicates: list[dict[str, Any]]


class SearchOut(Schema):
    id: int
    kind: str
    status: str
    sample: str | None
    purpose: str
    n_compared: dict[str, int]
    n_references: int
    n_candidates: int
    n_leads: int
    created_at: datetime
    finished_at: datetime | None
    signed_off_at: datetime | None

    @staticmethod
    def resolve_sample(obj: Search) -> str | None:
        return obj.sample.accession if obj.sample else None


class CandidateFields(Schema):
    """A candidate's fields as plain data (the detail answer is built from a dict, so it takes no resolvers)."""

    id: int
    query: str
    kind: str
    family: str | None
    references: list[str]
    log10_lr: float | None
    n_loci: int
    n_inconsistent: int
    conclusion: str
    reportable: bool
    status: str


class CandidateOut(CandidateFields):
    @staticmethod
    def resolve_query(obj: Candidate) -> str:
        return obj.query.accession

    @staticmethod
    def resolve_family(obj: Candidate) -> str | None:
        return obj.family.reference if obj.family else None

    @staticmethod
    def resolve_references(obj: Candidate) -> list[str]:
        return [s.accession for s in obj.references.all()]


class LocusOut(Schema):
    locus: str
    query: str
    references: list[str]
    lr: float
    inconsistent: bool


class CandidateDetail(CandidateFields):
    loci: list[LocusOut]
    confirmed_by: str | None
    countersigned_by: str | None


class RegistrationOut(Schema):
    accession: str
    cleared: bool
    cleared_at: datetime | None
    blockers: list[str]


class SampleFilter(Schema):
    q: str = Field("", max_length=40)
    category: Category | None = None


@router.get("/samples", response=list[SampleOut])
def list_samples(request: HttpRequest, filters: Query[SampleFilter]) -> Any:
    actor = _gate(request)
    return list(selectors.sample_list(actor=actor, query=filters.q, category=filters.category or ""))


@router.post("/samples", response={201: SampleOut})
def create_sample(request: HttpRequest, payload: SampleIn) -> Status[Any]:
    actor = _gate(request, "dna.add_sample")
    data = services.SampleData(**payload.model_dump())
    sample = services.sample_register(actor=actor, data=data)
    return Status(201, selectors.sample_get(actor=actor, sample_id=sample.pk, audit_read=False))


@router.get("/samples/{sample_id}", response=SampleOut)
def get_sample(request: HttpRequest, sample_id: int) -> Sample:
    return selectors.sample_get(actor=_gate(request), sample_id=sample_id, purpose="api read")


@router.get("/samples/{sample_id}/profile")
def get_profile(request: HttpRequest, sample_id: int, query: Query[PurposeQuery]) -> dict[str, Any]:
    """The profile in the import JSON format; the purpose is written to the audit row (an export)."""
    return selectors.profile_export(actor=_gate(request), sample_id=sample_id, purpose=query.purpose)


@router.post("/samples/{sample_id}/search", response={202: SearchOut})
def search_sample(request: HttpRequest, sample_id: int, payload: PurposeIn) -> Status[Any]:
    search = services.search_request(
        actor=_gate(request, "dna.search"), sample_id=sample_id, purpose=payload.purpose
    )
    return Status(202, search)


@router.get("/samples/{sample_id}/registration", response=RegistrationOut)
def registration(request: HttpRequest, sample_id: int) -> RegistrationOut:
    sample = selectors.sample_get(actor=_gate(request), sample_id=sample_id, purpose="registration check")
    blockers = selectors.registration_blockers(sample) if sample.cleared_for_registration_at is None else []
    return RegistrationOut(
        accession=sample.accession,
        cleared=sample.cleared_for_registration_at is not None,
        cleared_at=sample.cleared_for_registration_at,
        blockers=[str(b) for b in blockers],
    )


@router.post("/samples/{sample_id}/clear-for-registration", response=SampleOut)
def clear_sample(request: HttpRequest, sample_id: int) -> Sample:
    actor = _gate(request, "dna.clear_registration")
    services.sample_clear_for_registration(actor=actor, sample_id=sample_id)
    return selectors.sample_get(actor=actor, sample_id=sample_id, audit_read=False)


@router.post("/families", response={201: FamilyOut})
def create_family(request: HttpRequest, payload: FamilyIn) -> Status[Any]:
    family = services.family_create(actor=_gate(request, "dna.add_sample"), **payload.model_dump())
    return Status(201, family)


@router.get("/families/{family_id}", response=FamilyOut)
def get_family(request: HttpRequest, family_id: int) -> Any:
    return selectors.family_get(actor=_gate(request), family_id=family_id, purpose="api read")


@router.post("/imports", response={201: ImportOut})
def import_profiles(request: HttpRequest, payload: ImportIn) -> Status[Any]:
    actor = _gate(request, "dna.add_sample")
    options = services.ImportOptions(
        fmt=payload.format,
        file_name=payload.file_name,
        register_category=payload.register_category,
        kit=payload.kit,
    )
    return Status(201, services.profiles_import(actor=actor, content=payload.content, options=options))


@router.get("/searches/{search_id}", response=SearchOut)
def get_search(request: HttpRequest, search_id: int) -> Search:
    return selectors.search_get(actor=_gate(request, "dna.search"), search_id=search_id)


@router.post("/searches/{search_id}/sign-off", response=SearchOut)
def sign_off(request: HttpRequest, search_id: int, payload: NoteIn) -> Search:
    return services.search_sign_off(
        actor=_gate(request, "dna.sign_off_search"), search_id=search_id, note=payload.note
    )


class QueueFilter(Schema):
    status: str = Field("open", pattern=r"^(open|pending|awaiting_countersignature|confirmed|rejected)$")


@router.get("/candidates", response=list[CandidateOut])
def list_candidates(request: HttpRequest, filters: Query[QueueFilter]) -> Any:
    return selectors.candidate_queue(actor=_gate(request), status=filters.status)


def _detail(actor: Any, candidate_id: int, audit_read: bool = True) -> dict[str, Any]:
    candidate = selectors.candidate_get(actor=actor, candidate_id=candidate_id, audit_read=audit_read)
    _refs, rows = selectors.candidate_table(candidate)
    return {
        **CandidateOut.from_orm(candidate).model_dump(),
        "loci": [r.__dict__ for r in rows],
        "confirmed_by": str(candidate.confirmed_by) if candidate.confirmed_by else None,
        "countersigned_by": str(candidate.countersigned_by) if candidate.countersigned_by else None,
    }


@router.get("/candidates/{candidate_id}", response=CandidateDetail)
def get_candidate(request: HttpRequest, candidate_id: int) -> dict[str, Any]:
    return _detail(_gate(request), candidate_id)


@router.post("/candidates/{candidate_id}/confirm", response=CandidateDetail)
def confirm(request: HttpRequest, candidate_id: int, payload: NoteIn) -> dict[str, Any]:
    actor = _gate(request, "dna.review_candidate")
    services.candidate_confirm(actor=actor, candidate_id=candidate_id, note=payload.note)
    return _detail(actor, candidate_id, audit_read=False)


@router.post("/candidates/{candidate_id}/countersign", response=CandidateDetail)
def countersign(request: HttpRequest, candidate_id: int, payload: NoteIn) -> dict[str, Any]:
    actor = _gate(request, "dna.countersign_candidate")
    services.candidate_countersign(actor=actor, candidate_id=candidate_id, note=payload.note)
    return _detail(actor, candidate_id, audit_read=False)


@router.post("/candidates/{candidate_id}/reject", response=CandidateDetail)
def reject(request: HttpRequest, candidate_id: int, payload: ReasonIn) -> dict[str, Any]:
    actor = _gate(request, "dna.review_candidate")
    services.candidate_reject(actor=actor, candidate_id=candidate_id, reason=payload.reason)
    return _detail(actor, candidate_id, audit_read=False)

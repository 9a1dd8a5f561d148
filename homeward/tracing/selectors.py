"""Reads of tracing records, always through the jurisdiction check and the audit trail.

A candidate pair is visible to staff who may see either side; the side they may not see is shown only as "a
possible match — contact <agency>", without personal data or reasons (`candidate_view`).
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from homeward.access import selectors as access
from homeward.audit import services as audit
from homeward.audit.models import AuditAction, AuditOutcome
from homeward.engines.linkage import FIELDS, RecordError, completeness
from homeward.tracing.adapters import found_record, missing_record
from homeward.tracing.models import (
    Candidate,
    CandidateStatus,
    FoundPerson,
    FoundStatus,
    MissingReport,
    Registration,
    RegistrationStatus,
)

STRONG = (
    0.9  # a candidate this probable notifies the handling officers and tells a registrant to call the police
)


def require(actor: Any, perm: str, what: str = "tracing") -> None:
    if not actor.has_perm(perm):
        audit.record(
            actor=actor, action=AuditAction.PERMISSION_DENIED, object_type=what, detail={"perm": perm}
        )
        raise PermissionDenied


def _reports() -> QuerySet[MissingReport]:
    return MissingReport.objects.select_related("person", "handling_agency").prefetch_related(
        "person__names", "person__photos"
    )


def _founds() -> QuerySet[FoundPerson]:
    return FoundPerson.objects.select_related("person", "handling_agency").prefetch_related(
        "person__names", "person__photos"
    )


def report_get(*, actor: Any, report_id: Any, purpose: str = "", audit_read: bool = True) -> MissingReport:
    require(actor, "tracing.view_record", "tracing.missingreport")
    return access.get_for_user(
        user=actor, queryset=_reports(), pk=report_id, purpose=purpose, audit_read=audit_read
    )


def found_get(*, actor: Any, found_id: Any, purpose: str = "", audit_read: bool = True) -> FoundPerson:
    require(actor, "tracing.view_record", "tracing.foundperson")
    return access.get_for_user(
        user=actor, queryset=_founds(), pk=found_id, purpose=purpose, audit_read=audit_read
    )


def report_list(*, actor: Any, status: str = "", limit: int = 200) -> list[MissingReport]:
    require(actor, "tracing.view_record", "tracing.missingreport")
    rows = access.visible_to(actor, _reports())
    if status:
        rows = rows.filter(status=status)
    return list(rows.order_by("-created_at")[:limit])


def found_list(*, actor: Any, status: str = "", limit: int = 200) -> list[FoundPerson]:
    require(actor, "tracing.view_record", "tracing.foundperson")
    rows = access.visible_to(actor, _founds())
    if status:
        rows = rows.filter(status=status)
    return list(rows.order_by("-created_at")[:limit])


# ---------------------------------------------------------------- candidates


def _visible_candidates(actor: Any) -> QuerySet[Candidate]:
    base = Candidate.objects.select_related("report__handling_agency", "found__handling_agency")
    mine = access.visible_to(actor, base).values("pk")
    theirs = access.visible_to(actor, base, field="report_jurisdiction").values("pk")
    return base.filter(Q(pk__in=mine) | Q(pk__in=theirs))


def sees_report(actor: Any, report: MissingReport) -> bool:
    return access.can_see(actor, report)


def sees_found(actor: Any, found: FoundPerson) -> bool:
    return access.can_see(actor, found)


def candidate_get(*, actor: Any, candidate_id: Any, purpose: str = "", audit_read: bool = True) -> Candidate:
    """A candidate whose report or found person the actor may see; Http404 otherwise (audited either way)."""
    require(actor, "tracing.view_record", "tracing.candidate")
    try:
        candidate = _visible_candidates(actor).filter(pk=int(candidate_id)).first()
    except (TypeError, ValueError):
        candidate = None
    if candidate is None:
        audit.record(
            actor=actor,
            action=AuditAction.READ,
            object_type="tracing.candidate",
            object_id=str(candidate_id)[:64],
            outcome=AuditOutcome.DENIED,
            purpose=purpose,
        )
        raise Http404("Not found")
    if audit_read:
        audit.record(actor=actor, action=AuditAction.READ, obj=candidate, purpose=purpose)
    return candidate


def candidate_list(*, actor: Any, status: str = "", limit: int = 200) -> list[Candidate]:
    require(actor, "tracing.view_record", "tracing.candidate")
    rows = _visible_candidates(actor)
    if status:
        rows = rows.filter(status=status)
    return list(rows.order_by("-probability", "pk")[:limit])


def match_get(*, actor: Any, match_id: Any, audit_read: bool = True) -> Candidate:
    """A DNA-confirmed tracing match (for the cases app's links): who confirmed it and when."""
    candidate = candidate_get(actor=actor, candidate_id=match_id, purpose="match", audit_read=audit_read)
    if candidate.status != CandidateStatus.CONFIRMED:
        raise Http404("Not found")
    return candidate


# ---------------------------------------------------------------- what a reader sees of a pair

FIELD_LABELS = {
    "age": gettext_lazy("age"),
    "surname": gettext_lazy("surname"),
    "given_name": gettext_lazy("given name"),
    "nickname": gettext_lazy("nicknames (小名)"),
    "parents": gettext_lazy("parents' names"),
    "place": gettext_lazy("remembered places"),
    "found_place": gettext_lazy("where found"),
    "dialect": gettext_lazy("dialect"),
    "height": gettext_lazy("height"),
    "marks": gettext_lazy("marks"),
    "memories": gettext_lazy("memories and circumstances"),
    "age_when_missing": gettext_lazy("age when missing against what is remembered"),
}


@dataclass
class ComparisonRow:
    field: str
    label: str
    verdict: str  # agree / disagree / missing
    level: str
    weight: float
    detail: str


@dataclass
class CandidateView:
    candidate: Candidate
    report: MissingReport | None  # None: the reader may not see this side
    found: FoundPerson | None
    contact: str = ""  # the other side's agency, when a side is hidden
    rows: list[ComparisonRow] = field(default_factory=list)
    show_contact_details: bool = False

    @property
    def full(self) -> bool:
        return self.report is not None and self.found is not None

    @property
    def strong(self) -> bool:
        return self.candidate.probability >= STRONG


def verdict(name: str, level: str) -> str:
    levels = FIELDS.get(name, ())
    if level not in levels:
        return "missing"
    return "disagree" if levels.index(level) == 0 else "agree"


def comparison_rows(candidate: Candidate) -> list[ComparisonRow]:
    rows = []
    for name in FIELDS:
        reason = (candidate.reasons or {}).get(name)
        level = str(reason.get("level", "missing")) if reason else "missing"
        rows.append(
            ComparisonRow(
                field=name,
                label=str(FIELD_LABELS[name]),
                verdict=verdict(name, level),
                level=level,
                weight=float(reason.get("weight", 0.0)) if reason else 0.0,
                detail=str(reason.get("detail", "")) if reason else "",
            )
        )
    return rows


def candidate_view(*, actor: Any, candidate: Candidate) -> CandidateView:
    report = candidate.report if sees_report(actor, candidate.report) else None
    found = candidate.found if sees_found(actor, candidate.found) else None
    if report is not None and found is not None:
        return CandidateView(
            candidate, report, found, rows=comparison_rows(candidate),
            show_contact_details=actor.has_perm("tracing.view_contact"),
        )  # fmt: skip
    hidden = candidate.found if found is None else candidate.report
    return CandidateView(candidate, report, found, contact=hidden.handling_agency.name)


# ---------------------------------------------------------------- completeness

FILL_LABELS = {
    "birth_date": gettext_lazy("date or year of birth"),
    "name": gettext_lazy("name"),
    "nicknames": gettext_lazy("childhood nicknames (小名)"),
    "father_name": gettext_lazy("father's name"),
    "mother_name": gettext_lazy("mother's name"),
    "missing_division": gettext_lazy("where the person went missing"),
    "height_cm": gettext_lazy("height"),
    "marks": gettext_lazy("distinctive marks"),
    "dialect": gettext_lazy("dialect"),
    "circumstances": gettext_lazy("circumstances"),
    "age_min": gettext_lazy("estimated age"),
    "remembered_names": gettext_lazy("remembered names"),
    "remembered_parents": gettext_lazy("parents' names as remembered"),
    "remembered_places": gettext_lazy("remembered places"),
    "found_division": gettext_lazy("where found"),
    "memories": gettext_lazy("memories"),
}


@dataclass
class Completeness:
    percent: int
    to_add: list[str]


def record_completeness(record: MissingReport | FoundPerson) -> Completeness:
    """How much of the evidence the matcher can use the record gives, and what to add, most useful first."""
    try:
        engine_record = missing_record(record) if isinstance(record, MissingReport) else found_record(record)
    except RecordError:
        return Completeness(0, [])
    share, empty = completeness(engine_record)
    return Completeness(round(share * 100), [str(FILL_LABELS.get(f, f)) for f in empty])


# ---------------------------------------------------------------- self-registration


def secret_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class PublicStatus:
    receipt_code: str
    steps: tuple[tuple[str, bool], ...]  # (label, reached)
    message: str


def registration_status(*, receipt_code: str, secret: str) -> PublicStatus:
    """What the public may learn of its registration. A wrong code or secret is Http404 (audited)."""
    code = (receipt_code or "").strip().upper()[:16]
    registration = (
        Registration.objects.select_related("report", "found").filter(receipt_code=code).first()
        if code
        else None
    )
    ok = registration is not None and hmac.compare_digest(registration.secret_hash, secret_hash(secret or ""))
    if not ok or registration is None:
        audit.record(
            actor=None,
            actor_label="public",
            action=AuditAction.READ,
            object_type="tracing.registration",
            object_id=code,
            outcome=AuditOutcome.DENIED,
        )
        raise Http404("Not found")
    audit.record(
        actor=None, actor_label="public", action=AuditAction.READ, obj=registration, purpose="status"
    )
    record: MissingReport | FoundPerson | None = registration.report or registration.found
    verified = registration.status == RegistrationStatus.VERIFIED
    sampled = bool(record and record.dna_accession)
    candidates = Candidate.objects.none()
    if record is not None:
        candidates = record.candidates.exclude(status=CandidateStatus.EXCLUDED)
    in_comparison = verified and record is not None and record.status in (FoundStatus.OPEN, "open")
    possible = verified and (
        candidates.filter(probability__gte=STRONG).exists()
        or candidates.filter(status__in=[CandidateStatus.NEEDS_DNA, CandidateStatus.CONFIRMED]).exists()
    )
    steps = (
        (_("registered"), True),
        (_("verified by the police"), verified),
        (_("DNA sampled"), sampled),
        (_("in comparison"), in_comparison or possible),
        (_("possible match — please contact the police"), possible),
    )
    if registration.status == RegistrationStatus.REJECTED:
        message = _("The police could not accept this registration. Please contact them.")
    elif possible:
        message = _("There is a possible match. Please contact the police handling your registration.")
    elif verified:
        message = _("Your registration is verified and is being compared with records nationwide.")
    else:
        message = _("Your registration is waiting for the police to verify it.")
    return PublicStatus(registration.receipt_code, steps, message)


def registration_queue(*, actor: Any, limit: int = 200) -> list[Registration]:
    require(actor, "tracing.verify_registration", "tracing.registration")
    rows = access.visible_to(actor, Registration.objects.filter(status=RegistrationStatus.REGISTERED))
    return list(rows.order_by("created_at")[:limit])


def registration_get(*, actor: Any, registration_id: Any, audit_read: bool = True) -> Registration:
    require(actor, "tracing.verify_registration", "tracing.registration")
    return access.get_for_user(
        user=actor,
        queryset=Registration.objects.select_related("report", "found"),
        pk=registration_id,
        audit_read=audit_read,
    )

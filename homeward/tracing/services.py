"""Writes of the tracing app: reports, found people, re-matching, review, DNA confirmation, self-registration.

Every service validates first, then writes and audits in one transaction; re-matching runs after commit as a
background task (`tasks.py`) that takes ids and is idempotent (one candidate per pair, enforced by a unique
constraint; a retry updates, never duplicates).
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from functools import partial
from importlib import import_module
from importlib.util import find_spec
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from homeward.access import selectors as access
from homeward.accounts.models import Agency
from homeward.accounts.roles import AgencyType, Role
from homeward.audit import services as audit
from homeward.audit.models import AuditAction
from homeward.engines.linkage import MatchIndex, RecordError, Score, fit_weights
from homeward.notifications.services import notify
from homeward.people import services as people_services
from homeward.people.models import NameKind, Sex
from homeward.people.selectors import person_get
from homeward.people.validators import clean_phone
from homeward.regions.selectors import current_codes_for, division_get, division_require
from homeward.tracing import index as worker_index
from homeward.tracing.adapters import found_dict, found_record, missing_record, report_dict, report_pk
from homeward.tracing.models import (
    LIST_MAX,
    MATCHABLE_FOUND,
    MATCHABLE_REPORT,
    TEXT_MAX,
    Candidate,
    CandidateStatus,
    FittedWeights,
    FoundKind,
    FoundPerson,
    FoundStatus,
    MissingReport,
    Registration,
    RegistrationKind,
    RegistrationStatus,
    ReportStatus,
)
from homeward.tracing.selectors import STRONG, found_get, report_get, require, secret_hash

log = logging.getLogger(__name__)

TOP = 10  # candidates kept per found person and direction
STORE_MIN = 0.05  # candidates less probable than this are not worth a reviewer's time
MATCHER = "tracing matcher"


# ---------------------------------------------------------------- input


@dataclass
class ReportData:
    birth_year: int | None = None
    nicknames: list[str] = field(default_factory=list)
    missing_date: date | None = None
    missing_division: str = ""
    missing_address: str = ""
    missing_lat: float | None = None
    missing_lon: float | None = None
    father_name: str = ""
    mother_name: str = ""
    sibling_names: list[str] = field(default_factory=list)
    dialect: str = ""
    height_cm: float | None = None
    marks: list[str] = field(default_factory=list)
    clothing: str = ""
    circumstances: str = ""
    family_contact_name: str = ""
    family_contact_phone: str = ""
    family_gave_dna: bool = False
    dna_accession: str = ""


@dataclass
class FoundData:
    kind: str = FoundKind.RESCUED
    age_min: int | None = None
    age_max: int | None = None
    found_date: date | None = None
    found_division: str = ""
    found_address: str = ""
    found_lat: float | None = None
    found_lon: float | None = None
    remembered_names: list[str] = field(default_factory=list)
    remembered_parents: list[str] = field(default_factory=list)
    remembered_places: list[str] = field(default_factory=list)
    dialect: str = ""
    height_cm: float | None = None
    marks: list[str] = field(default_factory=list)
    memories: str = ""
    dna_accession: str = ""


SHORT = {
    "missing_address": 200, "found_address": 200, "father_name": 60, "mother_name": 60, "dialect": 40,
    "clothing": 300, "circumstances": TEXT_MAX, "memories": TEXT_MAX, "family_contact_name": 60,
    "dna_accession": 40,
}  # fmt: skip


class _Errors(dict[str, list[str]]):
    def add(self, key: str, message: str) -> None:
        self.setdefault(key, []).append(message)


def _clean_texts(data: Any, errors: _Errors) -> None:
    for key, limit in SHORT.items():
        if hasattr(data, key):
            value = (getattr(data, key) or "").strip()
            if len(value) > limit:
                errors.add(key, _("At most %(n)d characters.") % {"n": limit})
            setattr(data, key, value)
    for key in (
        "nicknames",
        "sibling_names",
        "marks",
        "remembered_names",
        "remembered_parents",
        "remembered_places",
    ):
        if hasattr(data, key):
            values = [str(v).strip() for v in (getattr(data, key) or []) if str(v).strip()]
            if len(values) > LIST_MAX:
                errors.add(key, _("At most %(n)d entries.") % {"n": LIST_MAX})
            if any(len(v) > 200 for v in values):
                errors.add(key, _("An entry is at most 200 characters."))
            setattr(data, key, values)


def _clean_date(value: date | None, key: str, errors: _Errors) -> None:
    if value is not None and value > timezone.localdate():
        errors.add(key, _("The date is in the future."))
    if value is not None and value.year < 1900:
        errors.add(key, _("The date is before 1900."))


def _clean_division(code: str, key: str, year: int | None, errors: _Errors) -> None:
    """A code in force today, or one in force in `year` (reports filed decades ago carry the codes of their day)."""
    if not code:
        return
    if not (len(code) == 6 and code.isdigit()):
        errors.add(key, _("A 6-digit division code."))
    elif division_get(code) is None and not current_codes_for(code, year):
        errors.add(key, _("Unknown division code %(code)s.") % {"code": code})


def _clean_latlon(lat: float | None, lon: float | None, key: str, errors: _Errors) -> None:
    if (lat is None) != (lon is None):
        errors.add(key, _("Latitude and longitude go together."))
    if lat is not None and not -90 <= lat <= 90:
        errors.add(key, _("Latitude between -90 and 90."))
    if lon is not None and not -180 <= lon <= 180:
        errors.add(key, _("Longitude between -180 and 180."))


def _clean_report(data: ReportData) -> _Errors:
    errors = _Errors()
    _clean_texts(data, errors)
    _clean_date(data.missing_date, "missing_date", errors)
    year = data.missing_date.year if data.missing_date else None
    _clean_division(data.missing_division, "missing_division", year, errors)
    _clean_latlon(data.missing_lat, data.missing_lon, "missing_lat", errors)
    if data.birth_year is not None and not 1900 <= data.birth_year <= timezone.localdate().year:
        errors.add("birth_year", _("A birth year between 1900 and this year."))
    if data.height_cm is not None and not 30 <= data.height_cm <= 250:
        errors.add("height_cm", _("A height between 30 and 250 cm."))
    if data.family_contact_phone:
        try:
            data.family_contact_phone = clean_phone(data.family_contact_phone)
        except ValidationError as exc:
            errors.add("family_contact_phone", " ".join(exc.messages))
    return errors


def _clean_found(data: FoundData) -> _Errors:
    errors = _Errors()
    _clean_texts(data, errors)
    if data.kind not in FoundKind.values:
        errors.add("kind", _("Unknown kind %(kind)r.") % {"kind": data.kind})
    _clean_date(data.found_date, "found_date", errors)
    year = data.found_date.year if data.found_date else None
    _clean_division(data.found_division, "found_division", year, errors)
    _clean_latlon(data.found_lat, data.found_lon, "found_lat", errors)
    for key in ("age_min", "age_max"):
        value = getattr(data, key)
        if value is not None and not 0 <= value <= 120:
            errors.add(key, _("An age between 0 and 120."))
    if data.age_min is not None and data.age_max is not None and data.age_min > data.age_max:
        errors.add("age_max", _("The upper age is below the lower one."))
    if data.height_cm is not None and not 30 <= data.height_cm <= 250:
        errors.add("height_cm", _("A height between 30 and 250 cm."))
    for place in data.remembered_places:
        if place.isdigit() and len(place) == 6:
            _clean_division(place, "remembered_places", None, errors)
    return errors


def _engine_check(errors: _Errors, build: Callable[[], Any]) -> None:
    """The engine reads the record as the matcher will; anything it cannot read is a form error, not a crash."""
    if errors:
        return
    try:
        build()
    except RecordError as exc:
        errors.add(exc.field if exc.field else "__all__", str(exc))


def _raise(errors: _Errors) -> None:
    if errors:
        raise ValidationError(dict(errors))


def _actor_agency(actor: Any) -> Agency:
    if actor.agency_id is None:
        raise PermissionDenied
    agency: Agency = actor.agency
    return agency


def _person(actor: Any, person_id: Any, person: people_services.PersonData | None) -> Any:
    if person is not None:
        return people_services.person_create(actor=actor, data=person)
    if person_id in (None, ""):
        raise ValidationError({"person_id": [_("Choose the person or enter their details.")]})
    try:
        return person_get(actor=actor, person_id=person_id, purpose="tracing record", audit_read=False)
    except Http404:
        raise ValidationError(
            {"person_id": [_("No person %(id)s that you may see.") % {"id": person_id}]}
        ) from None


def _enqueue_report(report_id: int) -> None:
    from homeward.tracing import tasks

    transaction.on_commit(partial(tasks.rematch_report.enqueue, report_id))


def _enqueue_found(found_id: int) -> None:
    from homeward.tracing import tasks

    transaction.on_commit(partial(tasks.rematch_found.enqueue, found_id))


# ---------------------------------------------------------------- reports and found people


@transaction.atomic
def report_create(
    *,
    actor: Any,
    data: ReportData,
    person_id: Any = None,
    person: people_services.PersonData | None = None,
) -> MissingReport:
    """File a report for a family. The person (names, sex, birth) is `person_id`, or created from `person`."""
    require(actor, "tracing.add_report", "tracing.missingreport")
    agency = _actor_agency(actor)
    errors = _clean_report(data)
    _raise(errors)
    subject = _person(actor, person_id, person)
    report = MissingReport(
        jurisdiction=agency.division_id, handling_agency=agency, filed_by=actor, person=subject
    )
    for key, value in asdict(data).items():
        setattr(report, key, value)
    _engine_check(errors, lambda: missing_record(report))
    _raise(errors)
    report.save()
    audit.record(actor=actor, action=AuditAction.CREATE, obj=report)
    _enqueue_report(report.pk)
    return report


@transaction.atomic
def report_update(*, actor: Any, report_id: Any, data: ReportData) -> MissingReport:
    require(actor, "tracing.change_report", "tracing.missingreport")
    report = report_get(actor=actor, report_id=report_id, purpose="update", audit_read=False)
    errors = _clean_report(data)
    _raise(errors)
    report = MissingReport.objects.select_for_update(of=("self",)).select_related("person").get(pk=report.pk)
    for key, value in asdict(data).items():
        setattr(report, key, value)
    _engine_check(errors, lambda: missing_record(report))
    _raise(errors)
    report.version += 1
    report.save()
    audit.record(actor=actor, action=AuditAction.UPDATE, obj=report)
    _enqueue_report(report.pk)
    return report


@transaction.atomic
def report_close(*, actor: Any, report_id: Any, reason: str) -> MissingReport:
    require(actor, "tracing.change_report", "tracing.missingreport")
    reason = (reason or "").strip()
    if not reason or len(reason) > 500:
        raise ValidationError({"reason": [_("Give a reason (at most 500 characters).")]})
    report = report_get(actor=actor, report_id=report_id, purpose="close", audit_read=False)
    report.status = ReportStatus.CLOSED
    report.version += 1
    report.save(update_fields=["status", "version", "updated_at"])
    audit.record(actor=actor, action=AuditAction.UPDATE, obj=report, detail={"closed": reason})
    return report


@transaction.atomic
def found_create(
    *,
    actor: Any,
    data: FoundData,
    person_id: Any = None,
    person: people_services.PersonData | None = None,
) -> FoundPerson:
    require(actor, "tracing.add_found", "tracing.foundperson")
    agency = _actor_agency(actor)
    errors = _clean_found(data)
    _raise(errors)
    subject = _person(actor, person_id, person)
    found = FoundPerson(
        jurisdiction=agency.division_id, handling_agency=agency, filed_by=actor, person=subject
    )
    for key, value in asdict(data).items():
        setattr(found, key, value)
    _engine_check(errors, lambda: found_record(found))
    _raise(errors)
    found.save()
    audit.record(actor=actor, action=AuditAction.CREATE, obj=found)
    _enqueue_found(found.pk)
    return found


@transaction.atomic
def found_update(*, actor: Any, found_id: Any, data: FoundData) -> FoundPerson:
    require(actor, "tracing.change_found", "tracing.foundperson")
    found = found_get(actor=actor, found_id=found_id, purpose="update", audit_read=False)
    errors = _clean_found(data)
    _raise(errors)
    found = FoundPerson.objects.select_for_update(of=("self",)).select_related("person").get(pk=found.pk)
    for key, value in asdict(data).items():
        setattr(found, key, value)
    _engine_check(errors, lambda: found_record(found))
    _raise(errors)
    found.version += 1
    found.save()
    audit.record(actor=actor, action=AuditAction.UPDATE, obj=found)
    _enqueue_found(found.pk)
    return found


# ---------------------------------------------------------------- matching (run by the tasks)


@dataclass
class MatchOutcome:
    created: list[int] = field(default_factory=list)
    updated: list[int] = field(default_factory=list)
    removed: list[int] = field(default_factory=list)


def _reasons(score: Score) -> dict[str, Any]:
    return {name: reason.to_dict() for name, reason in score.reasons.items()}


def _store(
    report: MissingReport, found: FoundPerson, score: Score, outcome: MatchOutcome
) -> Candidate | None:
    """Create or refresh the pair's candidate. Decided pairs keep their decision; excluded ones are never touched."""
    existing = Candidate.objects.filter(report=report, found=found).first()
    values = {
        "probability": score.probability,
        "log_odds": score.log_odds,
        "reasons": _reasons(score),
        "report_version": report.version,
        "found_version": found.version,
    }
    if existing is None:
        if score.probability < STORE_MIN or not score.consistent:
            return None
        try:
            with transaction.atomic():
                candidate = Candidate.objects.create(
                    report=report,
                    found=found,
                    jurisdiction=found.jurisdiction,
                    report_jurisdiction=report.jurisdiction,
                    **values,
                )
        except IntegrityError:  # a concurrent run stored the pair first
            return None
        outcome.created.append(candidate.pk)
        return candidate
    if existing.status in (CandidateStatus.EXCLUDED, CandidateStatus.CONFIRMED):
        return None
    if existing.status == CandidateStatus.PENDING and (not score.consistent or score.probability < STORE_MIN):
        outcome.removed.append(existing.pk)
        existing.delete()
        return None
    changed = [k for k, v in values.items() if getattr(existing, k) != v]
    if changed:
        for k in changed:
            setattr(existing, k, values[k])
        existing.save(update_fields=[*changed, "updated_at"])
        outcome.updated.append(existing.pk)
    return existing


def _notify_strong(candidate: Candidate) -> None:
    if candidate.probability < STRONG or candidate.notified_at is not None:
        return
    url = reverse("tracing:candidate", args=[candidate.pk])
    title = _("A strong tracing candidate is waiting for review")
    body = _("Probability %(p)d%%. Open the candidate to compare the records.") % {
        "p": round(candidate.probability * 100)
    }
    report, found = candidate.report, candidate.found
    direct = [u for u in (report.filed_by, found.filed_by) if u is not None]
    for code in sorted({candidate.jurisdiction, candidate.report_jurisdiction}):
        notify(
            kind="tracing_candidate",
            title=title,
            body=body,
            url=url,
            users=[u for u in direct if access.in_jurisdiction(u, code)],
            role=Role.INVESTIGATOR,
            division_code=code,
            dedupe_key=f"tracing-candidate-{candidate.pk}",
        )
    Candidate.objects.filter(pk=candidate.pk).update(notified_at=timezone.now())


def _finish(obj: Any, outcome: MatchOutcome) -> MatchOutcome:
    if outcome.created or outcome.updated or outcome.removed:
        audit.record(
            actor=None,
            actor_label=MATCHER,
            action=AuditAction.UPDATE,
            obj=obj,
            purpose="re-match",
            detail={
                "created": outcome.created[:50],
                "updated": outcome.updated[:50],
                "removed": outcome.removed[:50],
            },
        )
    return outcome


def _excluded_pairs(**where: Any) -> set[tuple[str, str]]:
    rows = Candidate.objects.filter(status=CandidateStatus.EXCLUDED, **where).values_list(
        "report_id", "found_id"
    )
    return {(f"m{r}", f"f{f}") for r, f in rows}


@transaction.atomic
def found_rematch(*, found_id: int) -> MatchOutcome:
    """Match one found person against every open report nationwide (the worker's index)."""
    found = (
        FoundPerson.objects.select_for_update().filter(pk=found_id).first()
    )  # the row lock serialises retries of the same record
    outcome = MatchOutcome()
    if found is None:
        return outcome
    found = FoundPerson.objects.select_related("person").prefetch_related("person__names").get(pk=found_id)
    stale = Candidate.objects.filter(found=found, status=CandidateStatus.PENDING)
    if found.status not in MATCHABLE_FOUND or found.person_id is None:
        outcome.removed = list(stale.values_list("pk", flat=True))
        stale.delete()
        return _finish(found, outcome)
    index = worker_index.report_index()
    record = found_record(found)
    excluded = _excluded_pairs(found=found)
    results = {c.missing_id: c.score for c in index.match(record, top=TOP, excluded=excluded)}
    # Candidates stored earlier but not among today's best are re-scored, so a changed record drops stale pairs.
    for old in stale.exclude(report_id__in=[report_pk(m) for m in results]):
        key = f"m{old.report_id}"
        results[key] = index.score(key, record) if key in index else Score(0.0, 0.0, {}, ("closed",))
    reports = {r.pk: r for r in MissingReport.objects.filter(pk__in=[report_pk(m) for m in results])}
    for missing_id, score in sorted(results.items()):
        report = reports.get(report_pk(missing_id))
        if report is None:
            continue
        stored = _store(report, found, score, outcome)
        if stored is not None:
            _notify_strong(stored)
    return _finish(found, outcome)


@transaction.atomic
def report_rematch(*, report_id: int) -> MatchOutcome:
    """Match one changed report against every open found person (the other direction)."""
    report = MissingReport.objects.select_for_update().filter(pk=report_id).first()
    outcome = MatchOutcome()
    if report is None:
        return outcome
    report = (
        MissingReport.objects.select_related("person").prefetch_related("person__names").get(pk=report_id)
    )
    stale = Candidate.objects.filter(report=report, status=CandidateStatus.PENDING)
    if report.status not in MATCHABLE_REPORT or report.person_id is None:
        outcome.removed = list(stale.values_list("pk", flat=True))
        stale.delete()
        return _finish(report, outcome)
    record = missing_record(report)
    single = MatchIndex(worker_index.current_weights())
    single.add(record)
    excluded = _excluded_pairs(report=report)
    founds = FoundPerson.objects.filter(status__in=MATCHABLE_FOUND, person__isnull=False)
    sex = report.person.sex if report.person else Sex.UNKNOWN
    if sex in (Sex.MALE, Sex.FEMALE):
        founds = founds.filter(person__sex__in=[sex, Sex.UNKNOWN])
    if report.missing_date:
        founds = founds.exclude(found_date__lt=report.missing_date)
    stale_found_ids = set(stale.values_list("found_id", flat=True))
    founds = founds.select_related("person").prefetch_related("person__names").order_by("pk")
    for found in founds.iterator(chunk_size=500):
        if (record.id, found.engine_id) in excluded:
            continue
        try:
            score = single.score(record.id, found_record(found))
        except RecordError:
            continue
        stale_found_ids.discard(found.pk)
        candidate = _store(report, found, score, outcome)
        if candidate is not None:
            _notify_strong(candidate)
    gone = Candidate.objects.filter(
        report=report, status=CandidateStatus.PENDING, found_id__in=stale_found_ids
    )
    outcome.removed.extend(gone.values_list("pk", flat=True))
    gone.delete()
    return _finish(report, outcome)


# ---------------------------------------------------------------- review


class Decision:
    EXCLUDE = "exclude"
    NEEDS_DNA = "needs_dna"
    CHOICES = (EXCLUDE, NEEDS_DNA)


@transaction.atomic
def candidate_decide(*, actor: Any, candidate_id: Any, decision: str, reason: str = "") -> Candidate:
    """Exclude a pair (with a reason; it never comes back) or ask for a DNA comparison.

    Confirmation is not a reviewer's decision: only a DNA examiner's confirmation (`dna_match_confirmed`) confirms.
    The reviewer must be able to see both records (their own jurisdiction, a higher one, or an access grant).
    """
    from homeward.tracing.selectors import candidate_get, sees_found, sees_report

    require(actor, "tracing.review_candidate", "tracing.candidate")
    candidate = candidate_get(actor=actor, candidate_id=candidate_id, purpose="review", audit_read=False)
    if decision not in Decision.CHOICES:
        raise ValidationError({"decision": [_("Choose exclude or needs DNA.")]})
    reason = (reason or "").strip()
    if len(reason) > 500:
        raise ValidationError({"reason": [_("At most 500 characters.")]})
    if decision == Decision.EXCLUDE and not reason:
        raise ValidationError({"reason": [_("Say why the pair is excluded.")]})
    if not (sees_report(actor, candidate.report) and sees_found(actor, candidate.found)):
        raise PermissionDenied(_("Ask the other agency for access to its record before deciding."))
    candidate = Candidate.objects.select_for_update().get(pk=candidate.pk)
    if candidate.status in (CandidateStatus.CONFIRMED, CandidateStatus.EXCLUDED):
        raise ValidationError({"decision": [_("This pair has already been decided.")]})
    candidate.status = CandidateStatus.EXCLUDED if decision == Decision.EXCLUDE else CandidateStatus.NEEDS_DNA
    candidate.decided_by = actor
    candidate.decided_at = timezone.now()
    candidate.decision_reason = reason
    candidate.save(update_fields=["status", "decided_by", "decided_at", "decision_reason", "updated_at"])
    audit.record(actor=actor, action=AuditAction.UPDATE, obj=candidate, detail={"decision": decision})
    return candidate


def _optional(module_name: str, function: str) -> Callable[..., Any] | None:
    try:
        module = import_module(module_name) if find_spec(module_name) is not None else None
    except ModuleNotFoundError:
        return None
    return getattr(module, function, None) if module is not None else None


def _after_confirmation(candidate_id: int) -> None:
    """Start the reunion steps in care and link the case, where those apps offer it. Failures are logged only:
    the confirmation itself stands."""
    candidate = Candidate.objects.select_related("report", "found", "report__filed_by").get(pk=candidate_id)
    reunion_start = _optional("homeward.care.services", "reunion_start")
    if reunion_start is not None:
        try:
            reunion_start(
                actor=None,
                person_id=candidate.found.person_id,
                family_person_id=candidate.report.person_id,
                tracing_match_id=candidate.pk,
            )
        except Exception:  # another app's failure must not undo a DNA confirmation
            log.exception("care.reunion_start failed for tracing match %s", candidate.pk)
    link = _optional("homeward.cases.services", "case_link_add")
    officer = candidate.report.filed_by
    if link is not None and candidate.report.case_id is not None and officer is not None:
        try:
            link(
                actor=officer,
                case_id=candidate.report.case_id,
                kind="tracing_match",
                target_id=str(candidate.pk),
                note=_("Confirmed by DNA."),
            )
        except (ValidationError, PermissionDenied, Http404):
            log.info("tracing match %s not linked to case %s", candidate.pk, candidate.report.case_id)


@transaction.atomic
def dna_match_confirmed(
    *,
    accession_a: str,
    accession_b: str,
    examiner: str,
    confirmed_at: datetime,
    dna_candidate_id: str = "",
) -> list[Candidate]:
    """The hook the dna app calls when an examiner's confirmation is countersigned: every report and found person
    carrying the two accessions (either way round) become a confirmed pair, even one the matcher never proposed or a
    reviewer excluded — DNA outranks both. Idempotent."""
    accessions = {a.strip() for a in (accession_a, accession_b) if a and a.strip()}
    if len(accessions) != 2:
        return []
    reports = list(MissingReport.objects.select_for_update().filter(dna_accession__in=accessions))
    founds = list(FoundPerson.objects.select_for_update().filter(dna_accession__in=accessions))
    confirmed: list[Candidate] = []
    for report in reports:
        for found in founds:
            if report.dna_accession == found.dna_accession:
                continue
            candidate, _created = Candidate.objects.get_or_create(
                report=report,
                found=found,
                defaults={
                    "jurisdiction": found.jurisdiction,
                    "report_jurisdiction": report.jurisdiction,
                    "probability": 1.0,
                },
            )
            if candidate.status == CandidateStatus.CONFIRMED:
                continue
            candidate.status = CandidateStatus.CONFIRMED
            candidate.confirmed_by = examiner[:150]
            candidate.confirmed_at = confirmed_at
            candidate.dna_candidate_id = str(dna_candidate_id)[:40]
            candidate.save()
            report.status, found.status = ReportStatus.FOUND, FoundStatus.IDENTIFIED
            report.version += 1
            found.version += 1
            report.save(update_fields=["status", "version", "updated_at"])
            found.save(update_fields=["status", "version", "updated_at"])
            audit.record(
                actor=None,
                actor_label=f"dna examiner {examiner}"[:150],
                action=AuditAction.UPDATE,
                obj=candidate,
                detail={"confirmed": True, "dna_candidate": str(dna_candidate_id)},
            )
            for code in sorted({candidate.jurisdiction, candidate.report_jurisdiction}):
                notify(
                    kind="tracing_confirmed",
                    title=_("A tracing match was confirmed by DNA"),
                    body=_("Confirmed by %(examiner)s. The reunion steps can start.")
                    % {"examiner": examiner},
                    url=reverse("tracing:candidate", args=[candidate.pk]),
                    role=Role.INVESTIGATOR,
                    division_code=code,
                    dedupe_key=f"tracing-confirmed-{candidate.pk}",
                )
            transaction.on_commit(partial(_after_confirmation, candidate.pk))
            confirmed.append(candidate)
    return confirmed


# ---------------------------------------------------------------- weights


@transaction.atomic
def weights_refit(*, actor: Any = None, min_pairs: int = 5) -> FittedWeights:
    """Re-estimate the weights from confirmed (true) and excluded (false) pairs; the matcher uses them next run."""
    reviewed = Candidate.objects.filter(
        status__in=[CandidateStatus.CONFIRMED, CandidateStatus.EXCLUDED]
    ).select_related("report__person", "found__person")
    pairs, labels = [], []
    for candidate in reviewed.iterator(chunk_size=500):
        try:
            pairs.append((missing_record(candidate.report), found_record(candidate.found)))
        except RecordError:
            continue
        labels.append(candidate.status == CandidateStatus.CONFIRMED)
    confirmed = sum(labels)
    excluded = len(labels) - confirmed
    if confirmed < min_pairs or excluded < min_pairs:
        raise ValidationError(
            _("Need at least %(n)d confirmed and %(n)d excluded pairs (have %(c)d and %(e)d).")
            % {"n": min_pairs, "c": confirmed, "e": excluded}
        )
    weights = fit_weights(pairs, labels)
    FittedWeights.objects.filter(is_active=True).update(is_active=False)
    row = FittedWeights.objects.create(
        weights=weights.to_dict(), confirmed_pairs=confirmed, excluded_pairs=excluded
    )
    audit.record(
        actor=actor,
        actor_label="" if actor is not None else "tracing_fit_weights",
        action=AuditAction.CREATE,
        obj=row,
        detail={"confirmed": confirmed, "excluded": excluded},
    )
    return row


# ---------------------------------------------------------------- public self-registration (自主寻亲)

RECEIPT_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"


@dataclass
class RegistrationData:
    kind: str
    county: str
    name: str
    contact_phone: str
    sex: str = Sex.UNKNOWN
    birth_date: date | None = None
    birth_year: int | None = None
    report: ReportData | None = None  # kind "missing": what the family remembers
    found: FoundData | None = None  # kind "found": what the registrant remembers


def _county_police(county: str) -> Agency | None:
    return (
        Agency.objects.filter(division_id=county, type=AgencyType.PUBLIC_SECURITY, is_active=True)
        .order_by("pk")
        .first()
    )


def _receipt() -> str:
    for _attempt in range(20):
        code = "".join(secrets.choice(RECEIPT_ALPHABET) for _ in range(10))
        if not Registration.objects.filter(receipt_code=code).exists():
            return code
    raise RuntimeError("no free receipt code")  # 31**10 codes: not reached in practice


@transaction.atomic
def registration_create(*, data: RegistrationData) -> tuple[Registration, str]:
    """A self-registration from the public: a pending report or found record for the chosen county's police to
    verify. Returns the registration (with its receipt code) and the secret, shown once and stored only hashed."""
    errors = _Errors()
    if data.kind not in RegistrationKind.values:
        errors.add("kind", _("Choose what you are registering."))
    county = (data.county or "").strip()
    agency = None
    try:
        division = division_require(county)
    except ValidationError as exc:
        errors.add("county", " ".join(exc.messages))
    else:
        if division.level != "county":
            errors.add("county", _("Choose a county or district."))
        else:
            agency = _county_police(county)
            if agency is None:
                errors.add("county", _("This county's police do not take registrations here yet."))
    name = (data.name or "").strip()
    if not name or len(name) > 60:
        errors.add("name", _("A name of at most 60 characters."))
    if data.sex not in Sex.values:
        errors.add("sex", _("Unknown sex."))
    _clean_date(data.birth_date, "birth_date", errors)
    if data.birth_year is not None and not 1900 <= data.birth_year <= timezone.localdate().year:
        errors.add("birth_year", _("A birth year between 1900 and this year."))
    phone = ""
    try:
        phone = clean_phone(data.contact_phone)
    except ValidationError as exc:
        errors.add("contact_phone", " ".join(exc.messages))
    details: ReportData | FoundData
    if data.kind == RegistrationKind.MISSING:
        details = data.report or ReportData()
        errors.update({k: v for k, v in _clean_report(details).items() if k not in errors})
    else:
        details = data.found or FoundData(kind=FoundKind.ADULT_SEARCHING)
        errors.update({k: v for k, v in _clean_found(details).items() if k not in errors})
    _raise(errors)
    assert agency is not None
    registration = Registration(
        jurisdiction=county,
        kind=data.kind,
        receipt_code=_receipt(),
        name=name,
        sex=data.sex,
        birth_date=data.birth_date,
        birth_year=data.birth_year,
        contact_phone=phone,
    )
    secret = secrets.token_urlsafe(12)
    registration.secret_hash = secret_hash(secret)
    if isinstance(details, ReportData):
        if not details.family_contact_phone:
            details.family_contact_phone = phone
        report = MissingReport(jurisdiction=county, handling_agency=agency, status=ReportStatus.PENDING)
        for key, value in asdict(details).items():
            setattr(report, key, value)
        _engine_check(errors, lambda: missing_from_row(report))
        _raise(errors)
        report.save()
        registration.report = report
    else:
        found = FoundPerson(jurisdiction=county, handling_agency=agency, status=FoundStatus.PENDING)
        for key, value in asdict(details).items():
            setattr(found, key, value)
        _engine_check(errors, lambda: found_from_row(found))
        _raise(errors)
        found.save()
        registration.found = found
    registration.save()
    audit.record(actor=None, actor_label="public", action=AuditAction.CREATE, obj=registration)
    notify(
        kind="tracing_registration",
        title=_("A family-search registration is waiting for verification"),
        url=reverse("tracing:registrations"),
        role=Role.INVESTIGATOR,
        division_code=county,
        dedupe_key=f"tracing-registration-{registration.pk}",
    )
    return registration, secret


def missing_from_row(report: MissingReport) -> Any:
    from homeward.engines.linkage import missing_from_dict

    return missing_from_dict(report_dict(report, None))


def found_from_row(found: FoundPerson) -> Any:
    from homeward.engines.linkage import found_from_dict

    return found_from_dict(found_dict(found, None))


@transaction.atomic
def registration_verify(*, actor: Any, registration_id: Any, accept: bool, reason: str = "") -> Registration:
    """The county's police accept a registration (the person record is created and matching starts) or refuse it."""
    from homeward.tracing.selectors import registration_get

    registration = registration_get(actor=actor, registration_id=registration_id, audit_read=False)
    registration = (
        Registration.objects.select_for_update(of=("self",))
        .select_related("report", "found")
        .get(pk=registration.pk)
    )
    if registration.status != RegistrationStatus.REGISTERED:
        raise ValidationError({"__all__": [_("This registration has already been handled.")]})
    reason = (reason or "").strip()
    if len(reason) > 500:
        raise ValidationError({"reason": [_("At most 500 characters.")]})
    record: MissingReport | FoundPerson | None = registration.report or registration.found
    if not accept:
        if not reason:
            raise ValidationError({"reason": [_("Say why the registration is not accepted.")]})
        registration.status = RegistrationStatus.REJECTED
        registration.rejection_reason = reason
        if record is not None:
            record.status = ReportStatus.CLOSED
            record.save(update_fields=["status", "updated_at"])
    else:
        is_found = registration.kind == RegistrationKind.FOUND
        person = people_services.person_create(
            actor=actor,
            data=people_services.PersonData(
                jurisdiction=registration.jurisdiction,
                sex=registration.sex or Sex.UNKNOWN,
                birth_date=registration.birth_date,
                birth_year_min=registration.birth_year,
                birth_year_max=registration.birth_year,
                names=[(registration.name, NameKind.LEGAL)],
                phones=[registration.contact_phone] if is_found else [],
            ),
        )
        registration.status = RegistrationStatus.VERIFIED
        if record is not None:
            record.person = person
            record.status = ReportStatus.OPEN
            record.filed_by = actor
            record.version += 1
            record.save(update_fields=["person", "status", "filed_by", "version", "updated_at"])
            if is_found:
                _enqueue_found(record.pk)
            else:
                _enqueue_report(record.pk)
    registration.verified_by = actor
    registration.verified_at = timezone.now()
    registration.save(
        update_fields=["status", "rejection_reason", "verified_by", "verified_at", "updated_at"]
    )
    audit.record(actor=actor, action=AuditAction.UPDATE, obj=registration, detail={"accepted": accept})
    return registration


__all__ = [
    "FoundData",
    "RegistrationData",
    "ReportData",
    "candidate_decide",
    "dna_match_confirmed",
    "found_create",
    "found_rematch",
    "found_update",
    "registration_create",
    "registration_verify",
    "report_close",
    "report_create",
    "report_rematch",
    "report_update",
    "weights_refit",
]

"""Writes of the care app. Each checks the rules first, then writes and audits in one transaction."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from dateutil.relativedelta import relativedelta
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from homeward.access import selectors as access
from homeward.accounts.models import Agency, User
from homeward.accounts.roles import AgencyType, Role
from homeward.audit import services as audit
from homeward.audit.models import AuditAction
from homeward.care.crypto import rotate
from homeward.care.models import (
    Arrival,
    CareRecord,
    Consent,
    ConsentGiver,
    ConsentPurpose,
    FollowUp,
    HouseholdTask,
    Institution,
    Need,
    Placement,
    Reunion,
    ReunionState,
    Service,
    ServiceKind,
    Stage,
)
from homeward.care.selectors import care_record_get, followups_overdue
from homeward.people.selectors import person_get

MAX_NOTE = 5000
GUARDIAN_AGE = 14
VOCATIONAL_AGE = 16
INSTITUTION_TYPES = {AgencyType.WELFARE_INSTITUTION, AgencyType.HOSPITAL, AgencyType.WOMENS_FEDERATION}


def _require_caseworker(actor: Any) -> None:
    if not getattr(actor, "is_authenticated", False) or not actor.has_role(
        Role.CASEWORKER, Role.CARE_WORKER, Role.WOMENS_FEDERATION_OFFICER
    ):
        audit.record(actor=actor, action=AuditAction.PERMISSION_DENIED, object_type="care.carerecord")
        raise PermissionDenied


def age_on(person: Any, day: date) -> int | None:
    """Age in whole years; with only a birth-year range, the youngest possible age (safer for child rules)."""
    if person.birth_date:
        born = person.birth_date
        return day.year - born.year - ((day.month, day.day) < (born.month, born.day))
    if person.birth_year_max:
        return day.year - person.birth_year_max - 1
    return None


def _is_child(person: Any, day: date, limit: int) -> bool:
    age = age_on(person, day)
    return age is None or age < limit


def _record_for_write(actor: Any, record_id: Any) -> CareRecord:
    """The care record a write acts on: care staff only, and the record must be visible to them (else 404)."""
    _require_caseworker(actor)
    return care_record_get(actor=actor, record_id=record_id, audit_read=False)


def _check_notes(errors: dict[str, list[str]], **notes: str) -> None:
    for name, value in notes.items():
        if len(value or "") > MAX_NOTE:
            errors.setdefault(name, []).append(_("At most %(n)d characters.") % {"n": MAX_NOTE})


@dataclass
class CareData:
    person_id: int
    arrival: str
    arrived_on: date
    case_id: int | None = None
    needs: list[str] = field(default_factory=list)
    cross_border: bool = False
    identity_unknown: bool = False
    abuse_details: str = ""
    health_notes: str = ""
    psych_notes: str = ""


@transaction.atomic
def care_record_create(*, actor: Any, data: CareData) -> CareRecord:
    _require_caseworker(actor)
    errors: dict[str, list[str]] = {}
    if data.arrival not in Arrival.values:
        errors["arrival"] = [_("Unknown way of arrival.")]
    if data.arrived_on > timezone.localdate():
        errors["arrived_on"] = [_("The date is in the future.")]
    bad = [n for n in data.needs if n not in Need.values]
    if bad:
        errors["needs"] = [_("Unknown needs: %(n)s") % {"n": ", ".join(bad)}]
    _check_notes(
        errors, abuse_details=data.abuse_details, health_notes=data.health_notes, psych_notes=data.psych_notes
    )
    if errors:
        raise ValidationError(errors)
    person = person_get(actor=actor, person_id=data.person_id, audit_read=False)
    case = None
    if data.case_id is not None:
        from homeward.cases.models import Case

        case = Case.objects.filter(pk=data.case_id).first()  # caseworkers link, not read, a case
        if case is None or not access.in_jurisdiction(actor, case.jurisdiction):
            raise ValidationError({"case_id": [_("No such case in your jurisdiction.")]})
    record = CareRecord.objects.create(
        jurisdiction=actor.agency.jurisdiction,
        person=person,
        case=case,
        agency=actor.agency,
        caseworker=actor,
        arrival=data.arrival,
        arrived_on=data.arrived_on,
        needs=sorted(set(data.needs)),
        cross_border=data.cross_border or data.arrival == Arrival.ABROAD,
        identity_unknown=data.identity_unknown,
        abuse_details=data.abuse_details,
        health_notes=data.health_notes,
        psych_notes=data.psych_notes,
    )
    audit.record(actor=actor, action=AuditAction.CREATE, obj=record)
    return record


@transaction.atomic
def consent_record(
    *,
    actor: Any,
    record_id: int,
    purpose: str,
    given_by: str,
    guardian_name: str = "",
    given_on: date | None = None,
) -> Consent:
    record = _record_for_write(actor, record_id)
    day = given_on or timezone.localdate()
    errors: dict[str, list[str]] = {}
    if purpose not in ConsentPurpose.values:
        errors["purpose"] = [_("Unknown purpose.")]
    if given_by not in ConsentGiver.values:
        errors["given_by"] = [_("Say who gave consent.")]
    guardian_name = (guardian_name or "").strip()
    if len(guardian_name) > 60:
        errors["guardian_name"] = [_("At most 60 characters.")]
    if _is_child(record.person, day, GUARDIAN_AGE) and (
        given_by != ConsentGiver.GUARDIAN or not guardian_name
    ):
        errors["given_by"] = [_("A child under 14 needs a guardian's consent, with the guardian's name.")]
    if errors:
        raise ValidationError(errors)
    consent = Consent.objects.create(
        record=record, purpose=purpose, given_by=given_by, guardian_name=guardian_name, given_on=day
    )
    audit.record(actor=actor, action=AuditAction.UPDATE, obj=record, detail={"consent": purpose})
    return consent


@transaction.atomic
def consent_withdraw(*, actor: Any, record_id: Any, consent_id: Any, on: date | None = None) -> Consent:
    """Withdraw a consent from a day on. What it allowed stops: new services or placements need a new consent."""
    record = _record_for_write(actor, record_id)
    pk = int(consent_id) if str(consent_id).isdigit() else None
    consent = Consent.objects.select_for_update().filter(pk=pk, record=record).first() if pk else None
    if consent is None:
        raise ValidationError({"consent_id": [_("No such consent on this record.")]})
    day = on or timezone.localdate()
    if consent.withdrawn_on is not None:
        raise ValidationError({"consent_id": [_("This consent is already withdrawn.")]})
    if day < consent.given_on or day > timezone.localdate():
        raise ValidationError({"on": [_("Withdrawal between the day consent was given and today.")]})
    consent.withdrawn_on = day
    consent.save(update_fields=["withdrawn_on", "updated_at"])
    audit.record(
        actor=actor, action=AuditAction.UPDATE, obj=record, detail={"consent_withdrawn": consent.purpose}
    )
    return consent


def has_consent(record: CareRecord, purpose: str) -> bool:
    return record.consents.filter(purpose=purpose, withdrawn_on__isnull=True).exists()


def schedule_followups(record: CareRecord, start: date) -> list[FollowUp]:
    """1, 3, 6 and 12 months after return or placement, then yearly for children until they turn 18."""
    record.followups.filter(done_on__isnull=True).delete()
    dues = [start + relativedelta(months=m) for m in (1, 3, 6, 12)]
    person = record.person
    if person.birth_date or person.birth_year_max:
        year = 2
        while True:
            due = start + relativedelta(years=year)
            age = age_on(person, due)
            if age is None or age >= 18:
                break
            dues.append(due)
            year += 1
    return FollowUp.objects.bulk_create([FollowUp(record=record, due_on=d) for d in dues])


@transaction.atomic
def institution_set(*, actor: Any, agency_id: int, kind: str, capacity: int) -> Institution:
    if not actor.has_role(Role.CASEWORKER):
        raise PermissionDenied
    agency = Agency.objects.filter(pk=agency_id, type__in=INSTITUTION_TYPES).first()
    if agency is None or not access.in_jurisdiction(actor, agency.jurisdiction):
        raise ValidationError({"agency_id": [_("No such care institution in your jurisdiction.")]})
    if not 0 < capacity <= 10000:
        raise ValidationError({"capacity": [_("Capacity between 1 and 10000.")]})
    inst, _created = Institution.objects.update_or_create(
        agency=agency, defaults={"kind": kind[:40], "capacity": capacity}
    )
    audit.record(actor=actor, action=AuditAction.UPDATE, obj=inst, detail={"capacity": capacity})
    return inst


@transaction.atomic
def placement_start(
    *, actor: Any, record_id: int, institution_id: int, start_on: date | None = None, long_term: bool = False
) -> Placement:
    record = _record_for_write(actor, record_id)
    day = start_on or timezone.localdate()
    if day > timezone.localdate() or day < record.arrived_on:
        raise ValidationError({"start_on": [_("The placement starts between arrival and today.")]})
    if long_term and not actor.has_role(Role.CASEWORKER):
        raise ValidationError({"long_term": [_("Long-term placement is decided by civil affairs.")]})
    # The institution row is locked so that two caseworkers cannot both take its last place.
    inst = (
        Institution.objects.select_for_update(of=("self",))
        .select_related("agency")
        .filter(agency_id=institution_id)
        .first()
    )
    if inst is None:
        raise ValidationError({"institution_id": [_("Choose a care institution.")]})
    used = Placement.objects.filter(institution_id=inst.agency_id, end_on__isnull=True).exclude(record=record)
    if used.count() >= inst.capacity:
        raise ValidationError({"institution_id": [_("This institution is full.")]})
    if not has_consent(record, ConsentPurpose.PLACEMENT) and not long_term:
        raise ValidationError({"consent": [_("Record consent to placement first.")]})
    record.placements.filter(end_on__isnull=True).update(end_on=day)  # a transfer ends the previous placement
    placement = Placement.objects.create(
        record=record, institution=inst.agency, start_on=day, long_term=long_term
    )
    record.institution = inst.agency
    record.stage = Stage.LONG_TERM if long_term else Stage.PLACED
    record.save(update_fields=["institution", "stage", "updated_at"])
    schedule_followups(record, day)
    audit.record(actor=actor, action=AuditAction.UPDATE, obj=record, detail={"placement": inst.agency_id})
    return placement


@transaction.atomic
def service_record(
    *, actor: Any, record_id: int, kind: str, provider: str, provided_on: date, outcome: str = ""
) -> Service:
    record = _record_for_write(actor, record_id)
    errors: dict[str, list[str]] = {}
    if kind not in ServiceKind.values:
        errors["kind"] = [_("Unknown service.")]
    provider = (provider or "").strip()
    if not provider or len(provider) > 120:
        errors["provider"] = [_("Say who provided the service (at most 120 characters).")]
    if len(outcome or "") > 500:
        errors["outcome"] = [_("At most 500 characters.")]
    if provided_on > timezone.localdate():
        errors["provided_on"] = [_("The date is in the future.")]
    if kind in (ServiceKind.VOCATIONAL, ServiceKind.JOB) and _is_child(
        record.person, provided_on, VOCATIONAL_AGE
    ):
        errors["kind"] = [_("Vocational training and job placement are for people 16 and older.")]
    if not has_consent(record, ConsentPurpose.SERVICES):
        errors.setdefault("consent", []).append(_("Record consent to services first."))
    if errors:
        raise ValidationError(errors)
    service = Service.objects.create(
        record=record, kind=kind, provider=provider, provided_on=provided_on, outcome=outcome
    )
    audit.record(actor=actor, action=AuditAction.UPDATE, obj=record, detail={"service": kind})
    return service


def _family_person(person_id: Any) -> Any:
    from homeward.people.selectors import person_reference

    if person_id in (None, ""):
        return None
    person = person_reference(person_id=person_id)
    if person is None:
        raise ValidationError({"family_person_id": [_("No such person.")]})
    return person


def _reunion_notice(record: CareRecord) -> Any:
    def send() -> None:
        from homeward.notifications.services import notify

        notify(
            kind="care_reunion_started",
            title=_("Family confirmed for care record #%(id)s: start the reunion steps") % {"id": record.pk},
            url=f"/staff/care/{record.pk}/reunion/",
            users=[record.caseworker],
            dedupe_key=f"care-reunion-{record.pk}",
        )

    return send


@transaction.atomic
def reunion_start(
    *,
    actor: Any,
    person_id: int | None = None,
    record_id: int | None = None,
    family_note: str = "",
    source: str = "",
    family_person_id: int | None = None,
    tracing_match_id: Any = None,
) -> Reunion:
    """Start reunion for a person whose family is confirmed (tracing + DNA).

    Staff start it from a care record (`record_id`); the tracing app calls it with `actor=None` (the system) and the
    found child's `person_id` once a match is confirmed. Idempotent for a record already in reunion.
    """
    if len(family_note or "") > 500:
        raise ValidationError({"family_note": [_("At most 500 characters.")]})
    family = _family_person(family_person_id)
    if record_id is not None:
        record: CareRecord | None = _record_for_write(actor, record_id)
    else:
        if person_id is None:
            raise ValidationError({"person_id": [_("Say whose reunion this is.")]})
        records = CareRecord.objects.filter(person_id=person_id).exclude(stage=Stage.CLOSED).order_by("-id")
        if actor is None:  # the tracing hook: the system starts the steps on the person's open record
            record = records.select_related("caseworker").first()
        else:
            record = next((r for r in records if access.can_see(actor, r)), None)
    if record is None:
        raise ValidationError({"person_id": [_("No open care record for this person.")]})
    if record.stage in (Stage.REUNITED, Stage.REPATRIATED, Stage.CLOSED):
        raise ValidationError(_("This person has already left care."))
    if family is not None and family.pk == record.person_id:
        raise ValidationError({"family_person_id": [_("The family cannot be the person themselves.")]})
    reunion, created = Reunion.objects.select_for_update().get_or_create(
        record=record,
        defaults={
            "family_note": family_note,
            "family_person": family,
            "tracing_match_id": str(tracing_match_id or "")[:40],
        },
    )
    if not created and family is not None and reunion.family_person_id is None:
        reunion.family_person = family
        reunion.tracing_match_id = str(tracing_match_id or "")[:40] or reunion.tracing_match_id
        reunion.save(update_fields=["family_person", "tracing_match_id", "updated_at"])
    if created:
        record.stage = Stage.REUNION
        record.save(update_fields=["stage", "updated_at"])
        audit.record(
            actor=actor,
            actor_label="" if actor is not None else "tracing",
            action=AuditAction.UPDATE,
            obj=record,
            detail={
                "reunion": "start",
                "source": (source or ("tracing" if tracing_match_id else ""))[:40],
                "tracing_match": str(tracing_match_id or "")[:40],
            },
        )
        if actor is None or actor.pk != record.caseworker_id:
            transaction.on_commit(_reunion_notice(record))
    return reunion


def family_is_buyer(reunion: Reunion) -> bool:
    """True when the assessment found the family involved, or the family person is a buyer or suspect on a case."""
    if reunion.family_involved:
        return True
    if reunion.family_person_id is None:
        return False
    from homeward.cases.models import DEFENDANT_ROLES, CasePerson

    return CasePerson.objects.filter(person_id=reunion.family_person_id, role__in=DEFENDANT_ROLES).exists()


def _reunion(actor: Any, record_id: int) -> tuple[CareRecord, Reunion]:
    record = _record_for_write(actor, record_id)
    reunion = Reunion.objects.filter(record=record).first()
    if reunion is None:
        raise ValidationError(_("Reunion has not started for this record."))
    return record, reunion


@transaction.atomic
def reunion_assess(*, actor: Any, record_id: int, home_safe: bool, family_involved: bool) -> Reunion:
    record, reunion = _reunion(actor, record_id)
    if reunion.state in (ReunionState.HANDED_OVER, ReunionState.REFUSED):
        raise ValidationError(_("This reunion is finished."))
    reunion.home_safe, reunion.family_involved = home_safe, family_involved
    reunion.assessed_on = timezone.localdate()
    reunion.state = ReunionState.MEETING
    reunion.save()
    audit.record(actor=actor, action=AuditAction.UPDATE, obj=record, detail={"reunion": "assessed"})
    return reunion


@transaction.atomic
def reunion_meet(*, actor: Any, record_id: int, met_on: date | None = None) -> Reunion:
    """Record the meeting with the family, after the assessment found the home safe."""
    record, reunion = _reunion(actor, record_id)
    day = met_on or timezone.localdate()
    if reunion.state != ReunionState.MEETING or reunion.home_safe is None:
        raise ValidationError(_("Assess the family before the meeting."))
    if family_is_buyer(reunion) or not reunion.home_safe:
        raise ValidationError(_("The assessment rules out reunion: arrange long-term placement instead."))
    if not has_consent(record, ConsentPurpose.REUNION):
        raise ValidationError({"consent": [_("Record consent to contact with the family first.")]})
    if day > timezone.localdate() or (reunion.assessed_on and day < reunion.assessed_on):
        raise ValidationError({"met_on": [_("The meeting is between the assessment and today.")]})
    reunion.met_on = day
    reunion.save(update_fields=["met_on", "updated_at"])
    audit.record(actor=actor, action=AuditAction.UPDATE, obj=record, detail={"reunion": "met"})
    return reunion


@transaction.atomic
def reunion_handover(*, actor: Any, record_id: int) -> Reunion:
    record, reunion = _reunion(actor, record_id)
    if reunion.state != ReunionState.MEETING or reunion.home_safe is None:
        raise ValidationError(_("Assess the family before handing over."))
    if family_is_buyer(reunion):
        raise ValidationError(
            _("The family was involved in the trafficking: the child is never handed to them.")
        )
    if not reunion.home_safe:
        raise ValidationError(_("The home is not safe: arrange long-term placement instead."))
    if reunion.met_on is None:
        raise ValidationError(_("Record the meeting with the family before the handover."))
    today = timezone.localdate()
    reunion.state, reunion.handed_over_on = ReunionState.HANDED_OVER, today
    reunion.save()
    record.placements.filter(end_on__isnull=True).update(end_on=today)
    record.stage, record.institution = Stage.REUNITED, None
    record.save(update_fields=["stage", "institution", "updated_at"])
    schedule_followups(record, today)
    audit.record(actor=actor, action=AuditAction.UPDATE, obj=record, detail={"reunion": "handed_over"})
    return reunion


@transaction.atomic
def reunion_refuse(*, actor: Any, record_id: int, reason: str, institution_id: int) -> Reunion:
    """Refuse reunion and place the person long-term (civil affairs) instead."""
    record, reunion = _reunion(actor, record_id)
    if reunion.state in (ReunionState.HANDED_OVER, ReunionState.REFUSED):
        raise ValidationError(_("This reunion is finished."))
    reason = (reason or "").strip()
    if not reason or len(reason) > 500:
        raise ValidationError({"reason": [_("Give the reason (at most 500 characters).")]})
    reunion.state, reunion.refusal_reason = ReunionState.REFUSED, reason
    reunion.save()
    placement_start(actor=actor, record_id=record.pk, institution_id=institution_id, long_term=True)
    return reunion


@transaction.atomic
def followup_record(
    *, actor: Any, followup_id: int, notes: str, school_attending: bool | None = None, risks: str = ""
) -> FollowUp:
    followup = FollowUp.objects.filter(pk=followup_id).first()
    if followup is None:
        from django.http import Http404

        raise Http404("Not found")
    record = _record_for_write(actor, followup.record_id)
    if len(notes) > 1000 or len(risks) > 500:
        raise ValidationError(_("Notes at most 1000 characters, risks at most 500."))
    if followup.done_on:
        raise ValidationError(_("This visit is already recorded."))
    followup.done_on = timezone.localdate()
    followup.notes, followup.school_attending, followup.risks = notes, school_attending, risks
    followup.save()
    if not record.followups.filter(done_on__isnull=True).exists():
        record.stage = Stage.CLOSED
        record.save(update_fields=["stage", "updated_at"])
    audit.record(actor=actor, action=AuditAction.UPDATE, obj=record, detail={"followup": followup.pk})
    return followup


def _escalation_notice(record: CareRecord, followup: FollowUp, caseworker: Any) -> Any:
    from homeward.notifications.services import notify

    def send() -> None:
        notify(
            kind="care_followup_missed",
            title=_("Missed follow-up visit for care record #%(id)s") % {"id": record.pk},
            body=_("The visit due on %(due)s was not recorded.") % {"due": followup.due_on.isoformat()},
            users=[caseworker] if caseworker else [],
            role=Role.CASEWORKER,
            division_code=record.jurisdiction,
            dedupe_key=f"care-followup-{followup.pk}",
        )

    return send


@transaction.atomic
def followups_escalate(*, today: date | None = None) -> int:
    """Escalate missed visits (a week past due) to the caseworker and the civil-affairs supervisors. Idempotent."""
    today = today or timezone.localdate()
    count = 0
    for followup in followups_overdue(today=today):
        record = followup.record
        if not FollowUp.objects.filter(pk=followup.pk, escalated_at__isnull=True).update(
            escalated_at=timezone.now()
        ):
            continue
        audit.record(
            actor=None,
            actor_label="care_tick",
            action=AuditAction.UPDATE,
            obj=record,
            detail={"escalated_followup": followup.pk, "due_on": followup.due_on.isoformat()},
        )
        caseworker = User.objects.filter(pk=record.caseworker_id).first()
        transaction.on_commit(_escalation_notice(record, followup, caseworker))
        count += 1
    return count


def care_record_share(*, actor: Any, record_id: Any, grantee_username: str, days: int, reason: str) -> Any:
    """A time-limited grant on one care record for someone with a legitimate need (the record's caseworker or a
    civil-affairs supervisor shares it). Sensitive notes stay confidential to the grantee."""
    from datetime import timedelta

    from homeward.access import services as access_services
    from homeward.care.selectors import is_supervisor

    record = _record_for_write(actor, record_id)
    if record.caseworker_id != actor.pk and not (
        is_supervisor(actor) and access.in_jurisdiction(actor, record.jurisdiction)
    ):
        audit.record(actor=actor, action=AuditAction.GRANT, obj=record, outcome="denied")
        raise PermissionDenied(_("Only the caseworker or a supervisor shares a care record."))
    grantee = User.objects.filter(username=(grantee_username or "").strip()[:150], is_active=True).first()
    if grantee is None:
        raise ValidationError({"grantee": [_("No active user with that username.")]})
    if not 1 <= days <= 90:
        raise ValidationError({"days": [_("Between 1 and 90 days.")]})
    return access_services.grant_create(
        actor=actor, obj=record, grantee=grantee, duration=timedelta(days=days), reason=reason
    )


HOUSEHOLD_DOCUMENTS = (
    ("announcement", gettext_lazy("Search-for-family announcement and proof that its period ended")),
    ("police_inquiry", gettext_lazy("Police identity inquiry and DNA comparison result")),
    ("placement_certificate", gettext_lazy("Placement certificate from the institution")),
    ("application", gettext_lazy("Application for household registration")),
    ("photo", gettext_lazy("Recent photo")),
)


def identity_period_days() -> int:
    """Days in an institution with identity still unknown before household registration is prepared."""
    from django.conf import settings

    return int(getattr(settings, "CARE_IDENTITY_PERIOD_DAYS", 60))


@transaction.atomic
def household_tasks_open(*, today: date | None = None) -> int:
    """Open a household-registration task for each placed person whose identity is still unknown after the period."""
    from datetime import timedelta

    today = today or timezone.localdate()
    since = today - timedelta(days=identity_period_days())
    due = (
        CareRecord.objects.filter(
            identity_unknown=True,
            stage__in=(Stage.PLACED, Stage.LONG_TERM),
            household_task__isnull=True,
            placements__end_on__isnull=True,
            placements__start_on__lte=since,
        )
        .select_related("caseworker")
        .distinct()
    )
    count = 0
    for record in due:
        task, created = HouseholdTask.objects.get_or_create(
            record=record,
            defaults={
                "opened_on": today,
                "documents": [{"code": code, "done": False} for code, _label in HOUSEHOLD_DOCUMENTS],
            },
        )
        if not created:
            continue
        audit.record(
            actor=None,
            actor_label="care_tick",
            action=AuditAction.CREATE,
            obj=record,
            detail={"household_task": task.pk},
        )
        transaction.on_commit(_household_notice(record))
        count += 1
    return count


def _household_notice(record: CareRecord) -> Any:
    def send() -> None:
        from homeward.notifications.services import notify

        notify(
            kind="care_household_task",
            title=_("Prepare household registration for care record #%(id)s") % {"id": record.pk},
            url="/staff/care/household/",
            users=[record.caseworker],
            dedupe_key=f"care-household-{record.pk}",
        )

    return send


@transaction.atomic
def household_task_update(
    *, actor: Any, task_id: Any, documents: list[str], done: bool = False, note: str = ""
) -> HouseholdTask:
    """Tick the documents prepared; the task is done only when every document is there."""
    pk = int(task_id) if str(task_id).isdigit() else None
    task = HouseholdTask.objects.select_for_update().filter(pk=pk).first() if pk else None
    if task is None:
        from django.http import Http404

        raise Http404("Not found")
    record = _record_for_write(actor, task.record_id)
    codes = {code for code, _label in HOUSEHOLD_DOCUMENTS}
    errors: dict[str, list[str]] = {}
    if set(documents) - codes:
        errors["documents"] = [_("Unknown document.")]
    if len(note or "") > 500:
        errors["note"] = [_("At most 500 characters.")]
    if task.done_on:
        errors["documents"] = [_("This task is already done.")]
    if done and set(documents) != codes:
        errors.setdefault("documents", []).append(_("Prepare every document before closing the task."))
    if errors:
        raise ValidationError(errors)
    task.documents = [{"code": code, "done": code in documents} for code, _label in HOUSEHOLD_DOCUMENTS]
    task.note = note
    task.done_on = timezone.localdate() if done else None
    task.save()
    audit.record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=record,
        detail={"household_task": task.pk, "done": done, "documents": sorted(documents)},
    )
    return task


@transaction.atomic
def repatriation_complete(*, actor: Any, record_id: Any) -> CareRecord:
    """Close care for a foreign victim once the case's cross-border track has handed them over."""
    from homeward.care.selectors import repatriation_track

    record = _record_for_write(actor, record_id)
    if not record.cross_border:
        raise ValidationError(_("Repatriation is for cross-border victims."))
    if record.stage in (Stage.REPATRIATED, Stage.REUNITED, Stage.CLOSED):
        raise ValidationError(_("This person has already left care."))
    track = repatriation_track(record)
    if track is None or not track.handed_over:
        raise ValidationError(
            _("The case's repatriation track has not recorded the handover yet: the police record it first.")
        )
    day = track.handover_on or timezone.localdate()
    record.placements.filter(end_on__isnull=True).update(end_on=day)
    record.followups.filter(done_on__isnull=True).delete()
    record.stage, record.institution = Stage.REPATRIATED, None
    record.save(update_fields=["stage", "institution", "updated_at"])
    audit.record(actor=actor, action=AuditAction.UPDATE, obj=record, detail={"repatriated": day.isoformat()})
    return record


def care_tick(*, today: date | None = None) -> dict[str, int]:
    """The periodic job: escalate missed visits, open household-registration tasks."""
    return {
        "escalated": followups_escalate(today=today),
        "household_tasks": household_tasks_open(today=today),
    }


@transaction.atomic
def care_keys_rotate() -> int:
    """Re-encrypt every sensitive field under the current key (first of CARE_FIELD_KEYS)."""
    from django.db import connection

    table = CareRecord._meta.db_table
    count = 0
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT id, abuse_details, health_notes, psych_notes FROM {table}")  # noqa: S608
        rows = cursor.fetchall()
        for pk, *values in rows:
            cursor.execute(
                f"UPDATE {table} SET abuse_details=%s, health_notes=%s, psych_notes=%s WHERE id=%s",  # noqa: S608
                [*(rotate(v) if v else v for v in values), pk],
            )
            count += 1
    audit.record(
        actor=None,
        actor_label="care_rotate_keys",
        action=AuditAction.UPDATE,
        object_type="care.carerecord",
        detail={"rows": count},
    )
    return count

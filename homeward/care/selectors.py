"""Reads of care records: jurisdiction (homeward.access), then the care rule — only the assigned caseworker, the
institution where the person is placed and civil-affairs supervisors over the record (plus grantees) see it.

Sensitive notes are a further level: the assigned caseworker and the institution's care workers read them; everyone
else sees "confidential".
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from homeward.access import selectors as access
from homeward.accounts.roles import AgencyType, Role
from homeward.audit import services as audit
from homeward.audit.models import AuditAction, AuditOutcome
from homeward.care.models import CareRecord, FollowUp, HouseholdTask, Institution

CARE_ROLES = (Role.CASEWORKER, Role.CARE_WORKER, Role.WOMENS_FEDERATION_OFFICER)
SENSITIVE_FIELDS = ("abuse_details", "health_notes", "psych_notes")
CONFIDENTIAL = _("confidential")


def is_supervisor(actor: Any) -> bool:
    agency = getattr(actor, "agency", None)
    return bool(
        agency is not None and agency.type == AgencyType.CIVIL_AFFAIRS and actor.has_role(Role.CASEWORKER)
    )


def _care_filter(actor: Any) -> Q:
    """Rows the actor may see by the care rule (on top of jurisdiction)."""
    condition = Q(caseworker=actor)
    if actor.agency_id and actor.has_role(*CARE_ROLES):
        condition |= Q(institution_id=actor.agency_id)
    if is_supervisor(actor):
        condition |= Q(pk__gte=0)  # a civil-affairs caseworker supervises every record in their scope
    return condition


def _granted(actor: Any, record: CareRecord) -> bool:
    return access.user_scope_prefix(actor) is not None and str(record.pk) in set(
        access.granted_object_ids(actor, CareRecord)
    )


def may_see(actor: Any, record: CareRecord) -> bool:
    if _granted(actor, record):
        return True
    if not access.in_jurisdiction(actor, record.jurisdiction):
        return record.caseworker_id == actor.pk or (
            bool(actor.agency_id) and record.institution_id == actor.agency_id and actor.has_role(*CARE_ROLES)
        )
    return (
        record.caseworker_id == actor.pk
        or (record.institution_id == actor.agency_id and actor.has_role(*CARE_ROLES))
        or is_supervisor(actor)
    )


def may_see_sensitive(actor: Any, record: CareRecord) -> bool:
    return record.caseworker_id == actor.pk or (
        record.institution_id is not None
        and record.institution_id == actor.agency_id
        and actor.has_role(Role.CARE_WORKER, Role.WOMENS_FEDERATION_OFFICER)
    )


def care_record_get(*, actor: Any, record_id: Any, purpose: str = "", audit_read: bool = True) -> CareRecord:
    """One care record for `actor`, or Http404 exactly like a missing one. The read is audited."""
    pk = int(record_id) if str(record_id).isdigit() else None
    record = (
        CareRecord.objects.select_related("person", "caseworker", "institution", "agency")
        .filter(pk=pk)
        .first()
        if pk is not None
        else None
    )
    if record is None or not may_see(actor, record):
        audit.record(
            actor=actor,
            action=AuditAction.READ,
            object_type="care.carerecord",
            object_id=str(record_id)[:64],
            outcome=AuditOutcome.DENIED,
            detail={"reason": "not found" if record is None else "not assigned"},
        )
        raise Http404("Not found")
    if audit_read:
        audit.record(
            actor=actor,
            action=AuditAction.READ,
            obj=record,
            purpose=purpose,
            detail={"sensitive": may_see_sensitive(actor, record)},
        )
    return record


def sensitive_view(actor: Any, record: CareRecord) -> dict[str, str]:
    """The sensitive notes as the actor may read them: plain text, or "confidential"."""
    allowed = may_see_sensitive(actor, record)
    return {name: (getattr(record, name) if allowed else str(CONFIDENTIAL)) for name in SENSITIVE_FIELDS}


def visible_records(actor: Any) -> QuerySet[CareRecord]:
    """Care records the actor may see (jurisdiction + the care rule, or their own / their institution's). No audit."""
    if access.user_scope_prefix(actor) is None:
        return CareRecord.objects.none()
    in_scope = access.visible_to(actor, CareRecord.objects.all()).filter(_care_filter(actor))
    mine = CareRecord.objects.filter(Q(caseworker=actor) | Q(institution_id=actor.agency_id or -1))
    granted = [int(i) for i in access.granted_object_ids(actor, CareRecord) if str(i).isdigit()]
    return CareRecord.objects.filter(
        Q(pk__in=in_scope.values("pk")) | Q(pk__in=mine.values("pk")) | Q(pk__in=granted)
    )


def care_record_list(*, actor: Any, stage: str = "", limit: int = 500) -> QuerySet[CareRecord]:
    records = (
        visible_records(actor)
        .select_related("person", "caseworker", "institution")
        .prefetch_related("person__names", "person__identifiers")
    )
    if stage:
        records = records.filter(stage=stage)
    audit.record(
        actor=actor, action=AuditAction.SEARCH, object_type="care.carerecord", detail={"stage": stage}
    )
    return records.order_by("-arrived_on", "-id")[:limit]


def followups_for(*, actor: Any, today: date, horizon_days: int = 30) -> dict[str, list[FollowUp]]:
    """Open visits on the actor's records: overdue (past due) and due (within the horizon)."""
    base = (
        FollowUp.objects.filter(record__in=visible_records(actor), done_on__isnull=True)
        .select_related("record__person")
        .prefetch_related("record__person__names")
        .order_by("due_on", "id")
    )
    audit.record(
        actor=actor, action=AuditAction.SEARCH, object_type="care.followup", detail={"list": "visits"}
    )
    return {
        "overdue": list(base.filter(due_on__lt=today)[:500]),
        "due": list(base.filter(due_on__gte=today, due_on__lte=today + timedelta(days=horizon_days))[:500]),
    }


def household_tasks_for(*, actor: Any, open_only: bool = True) -> list[HouseholdTask]:
    tasks = HouseholdTask.objects.filter(record__in=visible_records(actor)).select_related("record")
    if open_only:
        tasks = tasks.filter(done_on__isnull=True)
    audit.record(actor=actor, action=AuditAction.SEARCH, object_type="care.householdtask")
    return list(tasks.order_by("opened_on", "id")[:500])


def repatriation_track(record: CareRecord) -> Any:
    """The case's repatriation track for this person (cases app), or None."""
    if record.case_id is None:
        return None
    from homeward.cases.models import Repatriation

    return Repatriation.objects.filter(
        case_person__case_id=record.case_id, case_person__person_id=record.person_id
    ).first()


def institutions_with_capacity(*, prefix: str = "") -> list[dict[str, Any]]:
    """Institutions and their free places, for caseworkers choosing a placement."""
    from homeward.care.models import Placement

    rows = []
    for inst in Institution.objects.select_related("agency").filter(
        agency__division__code__startswith=prefix
    ):
        used = Placement.objects.filter(institution_id=inst.agency_id, end_on__isnull=True).count()
        rows.append({"institution": inst, "used": used, "free": max(inst.capacity - used, 0)})
    return rows


def followups_overdue(*, today: Any, grace_days: int = 7) -> QuerySet[FollowUp]:
    return FollowUp.objects.filter(
        done_on__isnull=True, escalated_at__isnull=True, due_on__lt=today - timedelta(days=grace_days)
    ).select_related("record")

"""Reads of cases. Case-group members see their case wherever they are; everyone else goes through
`homeward.access` (jurisdiction and grants), and anything they may not see answers 404 like a missing record.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from homeward.access import selectors as access
from homeward.audit import services as audit
from homeward.audit.models import AuditAction, AuditOutcome
from homeward.cases.models import (
    Case,
    CaseAttachment,
    CaseDuty,
    CaseEvent,
    CaseGroup,
    CaseGroupMember,
    CasePerson,
    CaseReview,
    CaseStatus,
    CaseType,
    CooperationRequest,
    JudicialStage,
    MemberRole,
    Supervision,
    SupervisionStatus,
    TaskStatus,
)

CASE_LABEL = "cases.case"


def require(actor: Any, perm: str, object_type: str = CASE_LABEL, object_id: Any = "") -> None:
    """PermissionDenied (audited) unless the actor holds `perm`. Call outside a transaction that may roll back."""
    if not actor.has_perm(perm):
        audit.record(
            actor=actor,
            action=AuditAction.PERMISSION_DENIED,
            object_type=object_type,
            object_id=str(object_id)[:64],
            detail={"perm": perm},
        )
        raise PermissionDenied


def member_case_ids(user: Any) -> QuerySet[CaseGroupMember, int]:
    """Cases whose active case group the user is an active member of."""
    return CaseGroupMember.objects.filter(
        user=user, removed_at__isnull=True, group__dissolved_at__isnull=True
    ).values_list("group__case_id", flat=True)


def is_member(user: Any, case: Case) -> bool:
    if getattr(user, "pk", None) is None or not user.is_active:
        return False
    return member_case_ids(user).filter(group__case_id=case.pk).exists()


def is_leader(user: Any, case: Case) -> bool:
    return CaseGroupMember.objects.filter(
        group__case=case, user=user, role=MemberRole.LEADER, removed_at__isnull=True
    ).exists()


def manages_group(user: Any, case: Case) -> bool:
    """The group's leader, or a case leader / command centre whose jurisdiction holds the case."""
    if is_leader(user, case):
        return True
    return bool(user.has_perm("cases.manage_group") and access.in_jurisdiction(user, case.jurisdiction))


def leader_of(case: Case) -> Any:
    member = (
        CaseGroupMember.objects.filter(group__case=case, role=MemberRole.LEADER, removed_at__isnull=True)
        .select_related("user__agency")
        .first()
    )
    return member.user if member else None


def can_see_case(user: Any, case: Case) -> bool:
    return access.can_see(user, case) or is_member(user, case)


def cases_visible(actor: Any) -> QuerySet[Case]:
    """Cases in the actor's jurisdiction or shared by grant, plus cases of their case groups. Not audited."""
    if access.user_scope_prefix(actor) is None:
        return Case.objects.none()
    in_scope = access.visible_to(actor, Case.objects.all())
    # A user sits in a handful of case groups: an id list keeps the OR a plain index lookup.
    member_ids = list(member_case_ids(actor))
    return in_scope | Case.objects.filter(pk__in=member_ids) if member_ids else in_scope


def cases_linked_to(*, actor: Any, kind: str, target_id: Any) -> QuerySet[Case]:
    """Open or closed cases the actor may see that link a record of another app (`kind`: tip, alert, dna_match,
    tracing_match), newest first. A list, not audited; reading or changing one of the cases is."""
    return (
        cases_visible(actor)
        .filter(links__kind=kind, links__target_id=str(target_id)[:64])
        .distinct()
        .order_by("-pk")
    )


def require_same_case(case_id: Any, *, case_person_id: Any = None, request_id: Any = None) -> None:
    """Http404 when a URL names a person-on-case or cooperation request of another case than the one it names.

    Only a consistency check of the address: the service then checks the actor's access to the record's case.
    """
    if case_person_id is not None:
        found = CasePerson.objects.filter(pk=as_pk(case_person_id), case_id=as_pk(case_id)).exists()
    else:
        found = CooperationRequest.objects.filter(pk=as_pk(request_id), case_id=as_pk(case_id)).exists()
    if not found:
        raise Http404("Not found")


def case_get(*, actor: Any, case_id: Any, purpose: str = "", audit_read: bool = True) -> Case:
    """One case for `actor`: Http404 for missing and not-yours alike (audited), PermissionDenied for the role."""
    require(actor, "cases.view_case", object_id=case_id)
    case = Case.objects.select_related("agency").filter(pk=as_pk(case_id)).first()
    if case is not None and access.user_scope_prefix(actor) is not None and is_member(actor, case):
        if audit_read:
            audit.record(
                actor=actor,
                action=AuditAction.READ,
                obj=case,
                purpose=purpose,
                detail={"via": "case group membership"},
            )
        return case
    return access.get_for_user(
        user=actor,
        queryset=Case.objects.select_related("agency"),
        pk=as_pk(case_id),
        purpose=purpose,
        audit_read=audit_read,
    )


def as_pk(value: Any) -> int:
    """A primary key from outside; 0 (never a row) when it is not a number a database column can hold."""
    try:
        number = int(value)
    except (TypeError, ValueError, OverflowError):
        return 0
    return number if 0 < number < 2**63 else 0


def case_list(
    *, actor: Any, query: str = "", status: str = "", case_type: str = "", limit: int = 200
) -> list[Case]:
    """Cases the actor may see, newest first. A search by number or summary text is audited."""
    require(actor, "cases.view_case")
    cases = cases_visible(actor).select_related("agency")
    if status in CaseStatus.values:
        cases = cases.filter(status=status)
    if case_type in CaseType.values:
        cases = cases.filter(case_type=case_type)
    query = query.strip()
    if query:
        cases = cases.filter(Q(number__icontains=query) | Q(summary__icontains=query))
        audit.record(actor=actor, action=AuditAction.SEARCH, object_type=CASE_LABEL, detail={"query": query})
    return list(cases.order_by("-registered_on", "-id")[:limit])


def case_people(case: Case) -> list[CasePerson]:
    """The people on a case the reader may already see: case access includes the people on it."""
    return list(
        CasePerson.objects.filter(case=case)
        .select_related("person", "repatriation", "sentence")
        .prefetch_related("person__names", "person__identifiers", "person__phones", "vehicles")
        .order_by("role", "id")
    )


def case_members(case: Case) -> list[CaseGroupMember]:
    return list(
        CaseGroupMember.objects.filter(group__case=case, removed_at__isnull=True)
        .select_related("user__agency")
        .order_by("role", "added_at")
    )


def case_group(case: Case) -> CaseGroup | None:
    return CaseGroup.objects.filter(case=case).first()


def case_duties(case: Case) -> list[CaseDuty]:
    return list(CaseDuty.objects.filter(case=case).select_related("done_by").order_by("id"))


def case_requests(case: Case) -> list[CooperationRequest]:
    return list(
        CooperationRequest.objects.filter(case=case)
        .prefetch_related("replies")
        .order_by("-created_at", "-id")
    )


def case_timeline(case: Case) -> list[CaseEvent]:
    return list(
        CaseEvent.objects.filter(case=case)
        .select_related("actor", "case_person__person", "entry")
        .prefetch_related(
            "case_person__person__names",
            Prefetch("entry__attachments", queryset=CaseAttachment.objects.order_by("id")),
        )
        .order_by("-at", "-id")
    )


def person_case_roles(*, actor: Any, person_id: Any) -> list[CasePerson]:
    """The cases a person is on, limited to cases the actor may see; 404 when they may see none of them
    and not the person either. Audited as a read of the person."""
    require(actor, "cases.view_case", object_type="people.person", object_id=person_id)
    person_pk = as_pk(person_id)
    roles = list(
        CasePerson.objects.filter(person_id=person_pk, case__in=cases_visible(actor))
        .select_related("case", "person")
        .prefetch_related("person__names")
        .order_by("-case__registered_on", "case_id")
    )
    if not roles:
        from homeward.people.selectors import person_get

        person_get(actor=actor, person_id=person_pk, purpose="cases of person")
        return []
    audit.record(
        actor=actor,
        action=AuditAction.READ,
        object_type="people.person",
        object_id=str(person_pk),
        purpose="cases of person",
        detail={"cases": [r.case_id for r in roles]},
    )
    return roles


def attachment_get(*, actor: Any, attachment_id: Any) -> CaseAttachment:
    attachment = CaseAttachment.objects.select_related("entry").filter(pk=as_pk(attachment_id)).first()
    if attachment is None:
        require(actor, "cases.view_case")
        audit.record(
            actor=actor,
            action=AuditAction.READ,
            object_type="cases.caseattachment",
            object_id=str(attachment_id)[:64],
            outcome=AuditOutcome.DENIED,
            detail={"reason": "not found"},
        )
        raise Http404("Not found")
    case_get(actor=actor, case_id=attachment.entry.case_id, purpose=f"attachment {attachment.pk}")
    return attachment


def reviews_due_for(actor: Any) -> list[CaseReview]:
    """Open reviews the actor leads, and missed reviews escalated to the actor's level."""
    reviews = CaseReview.objects.filter(status=TaskStatus.OPEN).select_related("case")
    mine = Q(assignee=actor)
    if actor.jurisdiction:
        mine |= Q(escalated_to=actor.jurisdiction)
    return [r for r in reviews.filter(mine).order_by("due_on") if can_see_case(actor, r.case)]


def is_overdue(supervision: Supervision) -> bool:
    return supervision.status == SupervisionStatus.ACTIVE and supervision.deadline < timezone.localdate()


def supervision_board(*, actor: Any, include_lifted: bool = False) -> list[Supervision]:
    """Supervision the actor's agency listed, and supervision of cases and regions in the actor's jurisdiction."""
    require(actor, "cases.view_supervision", object_type="cases.supervision")
    items = Supervision.objects.select_related("case", "supervisor_agency", "listed_by")
    condition = Q(pk__in=access.visible_to(actor, Supervision.objects.all()).values("pk"))
    if actor.agency_id:
        condition |= Q(supervisor_agency_id=actor.agency_id)
    items = items.filter(condition)
    if not include_lifted:
        items = items.filter(status=SupervisionStatus.ACTIVE)
    return list(items.order_by("deadline", "id"))


def supervision_get(*, actor: Any, supervision_id: Any, audit_read: bool = True) -> Supervision:
    require(actor, "cases.view_supervision", object_type="cases.supervision", object_id=supervision_id)
    found = (
        Supervision.objects.select_related("case", "supervisor_agency", "listed_by")
        .filter(pk=as_pk(supervision_id))
        .first()
    )
    if found is not None and actor.agency_id and found.supervisor_agency_id == actor.agency_id:
        if audit_read:
            audit.record(actor=actor, action=AuditAction.READ, obj=found)
        return found
    return access.get_for_user(
        user=actor,
        queryset=Supervision.objects.select_related("case", "supervisor_agency", "listed_by"),
        pk=as_pk(supervision_id),
        audit_read=audit_read,
    )


def stage_statistics(*, actor: Any) -> dict[str, Any]:
    """Counts of visible cases by judicial stage, by type and by status, and sentences by penalty."""
    require(actor, "cases.view_case")
    cases = cases_visible(actor)
    by_stage = Counter(cases.values_list("judicial_stage", flat=True))
    by_type = Counter(cases.values_list("case_type", flat=True))
    by_status = Counter(cases.values_list("status", flat=True))
    penalties = Counter(
        CasePerson.objects.filter(case__in=cases, sentence__isnull=False).values_list(
            "sentence__penalty", flat=True
        )
    )
    audit.record(actor=actor, action=AuditAction.SEARCH, object_type=CASE_LABEL, purpose="statistics")
    return {
        "stages": [(label, by_stage.get(value, 0)) for value, label in JudicialStage.choices],
        "types": [(label, by_type.get(value, 0)) for value, label in CaseType.choices],
        "statuses": [(label, by_status.get(value, 0)) for value, label in CaseStatus.choices],
        "penalties": dict(penalties),
        "total": sum(by_status.values()),
    }

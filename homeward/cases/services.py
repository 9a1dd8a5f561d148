"""Writes of cases. Each validates, writes, adds a timeline event and one audit row in one transaction.

Refusals that the action plan wants on record (closing or dissolving an unsolved case, a read or write outside the
actor's cases) raise `Refused` inside the transaction; `@service` rolls the change back and then writes the
refusal's audit row (and timeline event) on its own, so that the refusal itself is kept.
"""

from __future__ import annotations

import hashlib
import inspect
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import partial
from importlib import import_module
from importlib.util import find_spec
from typing import Any, ParamSpec, TypeVar

import phonenumbers
from django.contrib.auth import get_user_model
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from homeward.access import selectors as access
from homeward.accounts.roles import Role
from homeward.audit import refusals
from homeward.audit import services as audit
from homeward.audit.models import AuditAction
from homeward.cases import selectors
from homeward.cases.models import (
    CHILD_CASE_TYPES,
    DEFENDANT_ROLES,
    JUDICIAL_ORDER,
    REPATRIATION_ORDER,
    Case,
    CaseAttachment,
    CaseDuty,
    CaseEntry,
    CaseEvent,
    CaseGroup,
    CaseGroupMember,
    CaseLink,
    CasePerson,
    CaseReview,
    CaseRole,
    CaseStatus,
    CaseType,
    Channel,
    CooperationReply,
    CooperationRequest,
    CooperationStatus,
    DutyKind,
    EntryKind,
    EventKind,
    JudicialStage,
    LinkKind,
    LinkRelation,
    MemberRole,
    Penalty,
    Repatriation,
    RepatriationStep,
    Sentence,
    Supervision,
    SupervisionReport,
    SupervisionStatus,
    SuspectLink,
    TaskStatus,
    Vehicle,
    VictimStatus,
)
from homeward.notifications.services import notify, recipients_for_role
from homeward.people.services import PersonData
from homeward.regions.models import DivisionLevel
from homeward.regions.selectors import ancestor_codes, division_require

P = ParamSpec("P")
R = TypeVar("R")

REVIEW_INTERVAL = timedelta(days=30)
# A missed review climbs one more level for every further week it stays undone.
ESCALATE_EVERY = timedelta(days=7)
TEXT_MAX = 4000
NOTE_MAX = 1000
MAX_ATTACHMENTS = 5
ATTACHMENT_MAX_BYTES = 10 * 1024 * 1024
ATTACHMENT_TYPES = {
    b"%PDF-": "application/pdf",
    b"\xff\xd8\xff": "image/jpeg",
    b"\x89PNG\r\n\x1a\n": "image/png",
}
LEADER_LEVELS = {
    DivisionLevel.COUNTY,
    DivisionLevel.PREFECTURE,
    DivisionLevel.PROVINCE,
    DivisionLevel.COUNTRY,
}
ESCALATION_ROLES = (Role.CASE_LEADER, Role.COMMAND_CENTRE)


class Refused(refusals.Refused):
    """A refusal to keep on record: raised inside a service, written by `@service` after the rollback, with a
    timeline event on the case when `event` is given (see `homeward.audit.refusals`)."""

    def __init__(
        self,
        error: Exception,
        *,
        actor: Any,
        action: str,
        case: Case | None = None,
        object_type: str = "",
        object_id: Any = "",
        reason: str = "",
        event: EventKind | None = None,
    ) -> None:
        then = None
        if event is not None and case is not None:
            then = partial(_event, case, actor, event, reason)
        super().__init__(
            error,
            actor=actor,
            action=action,
            obj=case,
            object_type=object_type,
            object_id=object_id,
            reason=reason,
            then=then,
        )
        self.case, self.event = case, event


def service(fn: Callable[P, R]) -> Callable[P, R]:
    """One transaction per service; refusals (raised `Refused`, or denials recorded inside) survive the rollback."""
    wrapped: Callable[P, R] = refusals.kept_refusals(fn)
    return wrapped


# ---- helpers ---------------------------------------------------------------------------------------------


def _event(
    case: Case,
    actor: Any,
    kind: EventKind,
    text: str = "",
    *,
    case_person: CasePerson | None = None,
    entry: CaseEntry | None = None,
) -> CaseEvent:
    return CaseEvent.objects.create(
        case=case,
        at=timezone.now(),
        actor=actor if getattr(actor, "pk", None) else None,
        kind=kind,
        text=text[:NOTE_MAX],
        case_person=case_person,
        entry=entry,
    )


def _text(value: str, field_name: str, *, required: bool = True, limit: int = TEXT_MAX) -> str:
    value = (value or "").strip()
    if required and not value:
        raise ValidationError({field_name: [_("This field is required.")]})
    if len(value) > limit:
        raise ValidationError({field_name: [_("At most %(n)d characters.") % {"n": limit}]})
    return value


def _past_date(value: date | None, field_name: str, *, required: bool = True) -> date | None:
    if value is None:
        if required:
            raise ValidationError({field_name: [_("A date is required.")]})
        return None
    if value > timezone.localdate():
        raise ValidationError({field_name: [_("The date is in the future.")]})
    if value.year < 1950:
        raise ValidationError({field_name: [_("The date is too far in the past.")]})
    return value


def _not_before(value: date, earliest: date | None, field_name: str, what: str) -> None:
    if earliest and value < earliest:
        raise ValidationError(
            {field_name: [_("The date is before %(what)s (%(date)s).") % {"what": what, "date": earliest}]}
        )


def _choice(value: str, choices: Any, field_name: str) -> str:
    if value not in choices.values:
        raise ValidationError({field_name: [_("Unknown value %(value)r.") % {"value": value}]})
    return value


def clean_country(code: str, field_name: str = "countries") -> str:
    code = (code or "").strip().upper()
    if len(code) != 2 or code not in phonenumbers.SUPPORTED_REGIONS:
        raise ValidationError({field_name: [_("%(code)r is not an ISO 3166 country code.") % {"code": code}]})
    return code


def country_name(code: str) -> str:
    from django.utils.translation import get_language

    try:
        from phonenumbers import geocoder

        language = "zh" if (get_language() or "zh").startswith("zh") else "en"
        return geocoder._region_display_name(code, language) or code
    except Exception:
        return code


def _user_named(username: str, field_name: str) -> Any:
    username = (username or "").strip()
    user = get_user_model().objects.select_related("agency__division").filter(username=username).first()
    if not username or user is None or not user.is_active:
        raise ValidationError({field_name: [_("No active user %(name)r.") % {"name": username}]})
    return user


def leader_problem(user: Any, jurisdiction: str) -> str | None:
    """Why `user` may not lead a case group in `jurisdiction`, or None when they may."""
    if not user.is_active or user.agency_id is None or not user.agency.is_active:
        return _("The leader must be an active user of an active agency.")
    if not user.has_role(Role.CASE_LEADER):
        return _("The leader must hold the case-leader role.")
    if not user.agency.is_police:
        return _("The leader must belong to a public security agency.")
    if user.agency.division.level not in LEADER_LEVELS:
        return _("The leader's agency must be at county level or higher.")
    if not access.in_jurisdiction(user, jurisdiction):
        return _("The leader's agency must have jurisdiction over the case.")
    return None


def _member_problem(user: Any) -> str | None:
    if not user.is_active or user.agency_id is None or not user.is_police:
        return _("Case group members must be active police staff.")
    return None


def _case_for_write(actor: Any, case_id: Any, perm: str = "cases.change_case", purpose: str = "") -> Case:
    """The case locked for update; Refused (404/403, audited) when the actor may not work on it."""
    if not actor.has_perm(perm):
        raise Refused(
            PermissionDenied(),
            actor=actor,
            action=AuditAction.PERMISSION_DENIED,
            object_type=selectors.CASE_LABEL,
            object_id=str(case_id)[:64],
            reason=f"needs {perm}",
        )
    case = Case.objects.select_for_update().filter(pk=selectors.as_pk(case_id)).first()
    if case is None or not selectors.can_see_case(actor, case):
        raise Refused(
            Http404("Not found"),
            actor=actor,
            action=AuditAction.UPDATE,
            object_type=selectors.CASE_LABEL,
            object_id=str(case_id)[:64],
            reason="not found" if case is None else "outside jurisdiction",
        )
    return case


def _case_person_for_write(actor: Any, case_person_id: Any) -> CasePerson:
    found = CasePerson.objects.filter(pk=selectors.as_pk(case_person_id)).values_list("case_id", flat=True)
    case = _case_for_write(actor, found.first() if found else None)
    return CasePerson.objects.select_related("person").get(pk=selectors.as_pk(case_person_id), case=case)


def _audit(actor: Any, action: str, case: Case, **detail: Any) -> None:
    audit.record(actor=actor, action=action, obj=case, detail=detail or None)


def _leader_manages(actor: Any, case: Case) -> bool:
    return selectors.manages_group(actor, case)


def _next_number(jurisdiction: str, year: int) -> str:
    prefix = f"{jurisdiction}-{year}-"
    last = (
        Case.objects.filter(number__startswith=prefix)
        .order_by("-number")
        .values_list("number", flat=True)
        .first()
    )
    serial = int(last.rsplit("-", 1)[1]) + 1 if last else 1
    return f"{prefix}{serial:05d}"


def _child_victims_open(case: Case) -> int:
    return (
        CasePerson.objects.filter(case=case, role=CaseRole.VICTIM, is_child=True)
        .exclude(victim_status__in=[VictimStatus.RESCUED, VictimStatus.ACCOUNTED])
        .count()
    )


def _blockers(case: Case) -> str | None:
    """Why the case group may not be dissolved nor the case closed yet (一长三包)."""
    reasons = []
    if case.status == CaseStatus.OPEN:
        reasons.append(_("the case is not solved"))
    missing = _child_victims_open(case)
    if missing:
        reasons.append(_("%(n)d child victim(s) not yet rescued or accounted for") % {"n": missing})
    return "; ".join(reasons) or None


def _duty_done(case: Case, kind: DutyKind, actor: Any, note: str) -> bool:
    updated = CaseDuty.objects.filter(case=case, kind=kind, done_at__isnull=True).update(
        done_at=timezone.now(), done_by=actor if getattr(actor, "pk", None) else None, note=note[:NOTE_MAX]
    )
    if updated:
        _event(case, actor, EventKind.DUTY_DONE, str(DutyKind(kind).label))
    return bool(updated)


def _schedule_review(case: Case, after: date) -> CaseReview | None:
    if (
        case.status != CaseStatus.OPEN
        or CaseReview.objects.filter(case=case, status=TaskStatus.OPEN).exists()
    ):
        return None
    return CaseReview.objects.create(
        case=case, due_on=after + REVIEW_INTERVAL, assignee=selectors.leader_of(case)
    )


def _case_url(case: Case) -> str:
    from django.urls import reverse

    return reverse("cases:detail", args=[case.pk])


# ---- registration and the case group -------------------------------------------------------------------


@dataclass
class CaseData:
    case_type: str
    summary: str
    jurisdiction: str
    reported_on: date | None
    registered_on: date | None = None
    leader: str = ""  # username
    members: Sequence[str] = field(default_factory=list)  # usernames
    cross_border: bool = False
    countries: Sequence[str] = field(default_factory=list)


def _clean_countries(cross_border: bool, countries: Sequence[str]) -> list[str]:
    cleaned = sorted({clean_country(c) for c in countries if c and c.strip()})
    if "CN" in cleaned:
        raise ValidationError({"countries": [_("List the foreign countries involved, not China.")]})
    if len(cleaned) > 10:
        raise ValidationError({"countries": [_("At most 10 countries.")]})
    if cross_border and not cleaned:
        raise ValidationError({"countries": [_("A cross-border case names the countries involved.")]})
    if cleaned and not cross_border:
        raise ValidationError({"cross_border": [_("Mark the case cross-border to name other countries.")]})
    return cleaned


@service
def case_register(*, actor: Any, data: CaseData) -> Case:
    """Register a case. A child-trafficking case is refused without a qualified case-group leader."""
    if not actor.has_perm("cases.add_case"):
        raise Refused(
            PermissionDenied(),
            actor=actor,
            action=AuditAction.PERMISSION_DENIED,
            object_type=selectors.CASE_LABEL,
            reason="needs cases.add_case",
        )
    errors: dict[str, list[str]] = {}

    def check(fn: Callable[[], Any]) -> Any:
        try:
            return fn()
        except ValidationError as exc:
            for key, messages in exc.message_dict.items():
                errors.setdefault(key, []).extend(messages)
            return None

    case_type = check(lambda: _choice(data.case_type, CaseType, "case_type"))
    summary = check(lambda: _text(data.summary, "summary"))
    division = check(lambda: _division(data.jurisdiction, "jurisdiction"))
    if division is not None and not access.in_jurisdiction(actor, data.jurisdiction):
        errors.setdefault("jurisdiction", []).append(
            _("You can only register cases in your own jurisdiction.")
        )
    today = timezone.localdate()
    reported_on = check(lambda: _past_date(data.reported_on, "reported_on"))
    registered_on = check(lambda: _past_date(data.registered_on or today, "registered_on"))
    if reported_on and registered_on and registered_on < reported_on:
        errors.setdefault("registered_on", []).append(_("A case is registered on or after it was reported."))
    countries = check(lambda: _clean_countries(data.cross_border, data.countries)) or []
    leader = check(lambda: _user_named(data.leader, "leader")) if data.leader.strip() else None
    if leader is not None and division is not None:
        problem = leader_problem(leader, data.jurisdiction)
        if problem:
            errors.setdefault("leader", []).append(problem)
    if case_type in CHILD_CASE_TYPES and not data.leader.strip():
        errors.setdefault("leader", []).append(
            _("A child-trafficking case needs a case group led by a case leader at county level or higher.")
        )
    members = []
    for name in dict.fromkeys(n.strip() for n in data.members if n and n.strip()):
        member = check(partial(_user_named, name, "members"))
        if member is not None:
            problem = _member_problem(member)
            if problem:
                errors.setdefault("members", []).append(f"{name}: {problem}")
            elif leader is None or member.pk != leader.pk:
                members.append(member)
    if members and leader is None:
        errors.setdefault("leader", []).append(_("A case group needs a leader."))
    if errors:
        raise ValidationError(errors)
    assert registered_on is not None
    case = Case.objects.create(
        number=_next_number(data.jurisdiction, registered_on.year),
        case_type=case_type,
        summary=summary,
        jurisdiction=data.jurisdiction,
        agency=actor.agency,
        reported_on=reported_on,
        registered_on=registered_on,
        cross_border=data.cross_border,
        countries=countries,
        created_by=actor,
    )
    _event(case, actor, EventKind.REGISTERED, case.number)
    if leader is not None:
        group = CaseGroup.objects.create(case=case)
        CaseGroupMember.objects.create(group=group, user=leader, role=MemberRole.LEADER, added_by=actor)
        for member in members:
            CaseGroupMember.objects.create(group=group, user=member, added_by=actor)
        _event(case, actor, EventKind.GROUP_FORMED, _("leader: %(name)s") % {"name": leader})
    if case.is_child_case:
        CaseDuty.objects.bulk_create([CaseDuty(case=case, kind=k) for k in DutyKind.values])
    _schedule_review(case, registered_on)
    audit.record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=case,
        detail={
            "number": case.number,
            "type": case.case_type,
            "leader": leader.get_username() if leader else None,
            "members": [m.get_username() for m in members],
        },
    )
    if leader is not None:
        url = _case_url(case)
        notify(
            kind="case_leader",
            title=_("You lead the case group of %(number)s") % {"number": case.number},
            url=url,
            users=[leader],
            dedupe_key=f"case-leader-{case.pk}-{leader.pk}",
        )
    return case


def _division(code: str, field_name: str) -> Any:
    try:
        return division_require(code)
    except ValidationError as exc:
        raise ValidationError({field_name: exc.messages}) from exc


@service
def case_update(*, actor: Any, case_id: Any, summary: str, reported_on: date | None) -> Case:
    case = _case_for_write(actor, case_id)
    if case.status == CaseStatus.CLOSED:
        raise ValidationError(_("A closed case cannot be changed."))
    case.summary = _text(summary, "summary")
    reported = _past_date(reported_on, "reported_on")
    assert reported is not None
    if reported > case.registered_on:
        raise ValidationError({"reported_on": [_("A case is registered on or after it was reported.")]})
    case.reported_on = reported
    case.save(update_fields=["summary", "reported_on", "updated_at"])
    _event(case, actor, EventKind.UPDATED)
    _audit(actor, AuditAction.UPDATE, case)
    return case


def _group(case: Case) -> CaseGroup:
    group = CaseGroup.objects.select_for_update().filter(case=case).first()
    if group is None:
        group = CaseGroup.objects.create(case=case)
    if not group.is_active:
        raise ValidationError(_("The case group has been dissolved."))
    return group


@service
def group_member_add(*, actor: Any, case_id: Any, username: str) -> CaseGroupMember:
    """Add a member: they can open the case from any jurisdiction while the group lasts. Audited as a grant."""
    case = _case_for_write(actor, case_id)
    if not _leader_manages(actor, case):
        raise PermissionDenied(_("Only the case leader or the command centre manages the case group."))
    user = _user_named(username, "username")
    problem = _member_problem(user)
    if problem:
        raise ValidationError({"username": [problem]})
    group = _group(case)
    if not CaseGroupMember.objects.filter(
        group=group, role=MemberRole.LEADER, removed_at__isnull=True
    ).exists():
        raise ValidationError(_("Name the case group's leader first."))
    if CaseGroupMember.objects.filter(group=group, user=user, removed_at__isnull=True).exists():
        raise ValidationError({"username": [_("%(name)s is already in the case group.") % {"name": user}]})
    member = CaseGroupMember.objects.create(group=group, user=user, added_by=actor)
    _event(case, actor, EventKind.MEMBER_ADDED, str(user))
    audit.record(
        actor=actor,
        action=AuditAction.GRANT,
        obj=case,
        purpose="case group membership",
        detail={"member": user.get_username(), "agency": user.agency_id},
    )
    url = _case_url(case)
    notify(
        kind="case_group",
        title=_("You joined the case group of %(number)s") % {"number": case.number},
        url=url,
        users=[user],
    )
    return member


@service
def group_member_remove(*, actor: Any, case_id: Any, user_id: Any) -> None:
    case = _case_for_write(actor, case_id)
    if not _leader_manages(actor, case):
        raise PermissionDenied(_("Only the case leader or the command centre manages the case group."))
    group = _group(case)
    member = CaseGroupMember.objects.filter(
        group=group, user_id=selectors.as_pk(user_id), removed_at__isnull=True
    ).first()
    if member is None:
        raise ValidationError(_("That user is not in the case group."))
    if member.role == MemberRole.LEADER:
        raise ValidationError(_("The leader cannot leave the group; name a new leader instead."))
    member.removed_at, member.removed_by = timezone.now(), actor
    member.save(update_fields=["removed_at", "removed_by"])
    _event(case, actor, EventKind.MEMBER_REMOVED, str(member.user))
    audit.record(
        actor=actor,
        action=AuditAction.REVOKE,
        obj=case,
        purpose="case group membership",
        detail={"member": member.user.get_username()},
    )


@service
def group_leader_change(*, actor: Any, case_id: Any, username: str, reason: str) -> CaseGroupMember:
    """Name a (new) leader. The former leader stays in the group as a member."""
    case = _case_for_write(actor, case_id)
    if not _leader_manages(actor, case):
        raise PermissionDenied(_("Only the case leader or the command centre manages the case group."))
    reason = _text(reason, "reason", limit=NOTE_MAX)
    user = _user_named(username, "username")
    problem = leader_problem(user, case.jurisdiction)
    if problem:
        raise ValidationError({"username": [problem]})
    group = _group(case)
    current = CaseGroupMember.objects.filter(
        group=group, role=MemberRole.LEADER, removed_at__isnull=True
    ).first()
    if current is not None and current.user_id == user.pk:
        raise ValidationError({"username": [_("%(name)s already leads the group.") % {"name": user}]})
    if current is not None:
        current.role = MemberRole.MEMBER
        current.save(update_fields=["role"])
    existing = CaseGroupMember.objects.filter(group=group, user=user, removed_at__isnull=True).first()
    if existing is not None:
        existing.role = MemberRole.LEADER
        existing.save(update_fields=["role"])
        member = existing
    else:
        member = CaseGroupMember.objects.create(
            group=group, user=user, role=MemberRole.LEADER, added_by=actor
        )
    CaseReview.objects.filter(case=case, status=TaskStatus.OPEN).update(assignee=user)
    _event(case, actor, EventKind.LEADER_CHANGED, f"{user}: {reason}")
    audit.record(
        actor=actor,
        action=AuditAction.GRANT,
        obj=case,
        purpose=reason,
        detail={"leader": user.get_username(), "former": current.user.get_username() if current else None},
    )
    return member


@service
def group_dissolve(*, actor: Any, case_id: Any) -> CaseGroup:
    """Dissolve the case group: refused (with the reason, audited) until solved and every child accounted for."""
    case = _case_for_write(actor, case_id)
    if not _leader_manages(actor, case):
        raise PermissionDenied(_("Only the case leader or the command centre manages the case group."))
    group = CaseGroup.objects.select_for_update().filter(case=case).first()
    if group is None or not group.is_active:
        raise ValidationError(_("The case has no active case group."))
    blockers = _blockers(case)
    if blockers:
        message = _("The case group cannot be dissolved: %(reasons)s.") % {"reasons": blockers}
        raise Refused(
            ValidationError(message),
            actor=actor,
            action=AuditAction.UPDATE,
            case=case,
            reason=message,
            event=EventKind.DISSOLVE_REFUSED,
        )
    group.dissolved_at, group.dissolved_by = timezone.now(), actor
    group.save(update_fields=["dissolved_at", "dissolved_by"])
    _event(case, actor, EventKind.GROUP_DISSOLVED)
    _audit(actor, AuditAction.UPDATE, case, group="dissolved")
    return group


# ---- solving and closing ---------------------------------------------------------------------------------


@service
def case_solve(*, actor: Any, case_id: Any, solved_on: date | None, note: str = "") -> Case:
    case = _case_for_write(actor, case_id)
    if case.status != CaseStatus.OPEN:
        raise ValidationError(_("The case is already solved."))
    solved = _past_date(solved_on, "solved_on")
    assert solved is not None
    _not_before(solved, case.registered_on, "solved_on", _("the registration"))
    note = _text(note, "note", required=False, limit=NOTE_MAX)
    case.status, case.solved_on = CaseStatus.SOLVED, solved
    case.save(update_fields=["status", "solved_on", "updated_at"])
    CaseReview.objects.filter(case=case, status=TaskStatus.OPEN).update(status=TaskStatus.CANCELLED)
    _event(case, actor, EventKind.SOLVED, note)
    _duty_done(case, DutyKind.SOLVE, actor, note)
    _audit(actor, AuditAction.UPDATE, case, status=CaseStatus.SOLVED, solved_on=solved.isoformat())
    return case


@service
def case_close(*, actor: Any, case_id: Any, reason: str) -> Case:
    """Close the case: refused (with the reason, audited) until solved and every child victim accounted for."""
    case = _case_for_write(actor, case_id)
    if not _leader_manages(actor, case):
        raise PermissionDenied(_("Only the case leader or the command centre closes a case."))
    if case.status == CaseStatus.CLOSED:
        raise ValidationError(_("The case is already closed."))
    reason = _text(reason, "reason", limit=500)
    blockers = _blockers(case)
    if blockers:
        message = _("The case cannot be closed: %(reasons)s.") % {"reasons": blockers}
        raise Refused(
            ValidationError(message),
            actor=actor,
            action=AuditAction.UPDATE,
            case=case,
            reason=message,
            event=EventKind.CLOSE_REFUSED,
        )
    case.status, case.closed_on, case.close_reason = CaseStatus.CLOSED, timezone.localdate(), reason
    case.save(update_fields=["status", "closed_on", "close_reason", "updated_at"])
    group = CaseGroup.objects.filter(case=case, dissolved_at__isnull=True).first()
    if group is not None:
        group.dissolved_at, group.dissolved_by = timezone.now(), actor
        group.save(update_fields=["dissolved_at", "dissolved_by"])
        _event(case, actor, EventKind.GROUP_DISSOLVED)
    _event(case, actor, EventKind.CLOSED, reason)
    _audit(actor, AuditAction.UPDATE, case, status=CaseStatus.CLOSED)
    return case


@service
def duty_complete(*, actor: Any, case_id: Any, kind: str, note: str) -> CaseDuty:
    """The leader records a duty as fulfilled. Solving and rescuing follow the case; comforting is recorded."""
    case = _case_for_write(actor, case_id)
    _choice(kind, DutyKind, "kind")
    if not _leader_manages(actor, case):
        raise PermissionDenied(_("Only the case leader records the leader's duties."))
    note = _text(note, "note", limit=NOTE_MAX)
    duty = CaseDuty.objects.filter(case=case, kind=kind).first()
    if duty is None:
        raise ValidationError(_("This case has no such duty."))
    if duty.done_at is not None:
        raise ValidationError(_("This duty is already fulfilled."))
    if kind == DutyKind.SOLVE and case.status == CaseStatus.OPEN:
        raise ValidationError(_("The case is not solved yet."))
    if kind == DutyKind.RESCUE and (
        _child_victims_open(case)
        or not CasePerson.objects.filter(case=case, role=CaseRole.VICTIM, is_child=True).exists()
    ):
        raise ValidationError(_("Not every child victim on the case is rescued or accounted for."))
    _duty_done(case, DutyKind(kind), actor, note)
    _audit(actor, AuditAction.UPDATE, case, duty=kind)
    duty.refresh_from_db()
    return duty


@service
def review_complete(*, actor: Any, review_id: Any, note: str) -> CaseReview:
    """Hold the periodic review of an unsolved case; the next one falls due 30 days later."""
    review = (
        CaseReview.objects.select_for_update()
        .filter(pk=selectors.as_pk(review_id), status=TaskStatus.OPEN)
        .first()
    )
    case = _case_for_write(actor, review.case_id if review else None)
    assert review is not None
    if not (review.assignee_id == actor.pk or _leader_manages(actor, case)):
        raise PermissionDenied(_("Only the case leader or a higher-level case leader holds the review."))
    review.note = _text(note, "note")
    review.status, review.done_at, review.done_by = TaskStatus.DONE, timezone.now(), actor
    review.save(update_fields=["note", "status", "done_at", "done_by"])
    _event(case, actor, EventKind.REVIEW_DONE, review.note[:200])
    _schedule_review(case, timezone.localdate())
    _audit(actor, AuditAction.UPDATE, case, review=review.pk)
    return review


# ---- people on the case ------------------------------------------------------------------------------------


@service
def case_person_add(
    *,
    actor: Any,
    case_id: Any,
    role: str,
    person_id: Any = None,
    new_person: PersonData | None = None,
    note: str = "",
    is_child: bool | None = None,
    taken_on: date | None = None,
    taken_from: str = "",
    sold_to: str = "",
) -> CasePerson:
    """Put an existing person record (one the actor may see) or a new one on the case with a role."""
    case = _case_for_write(actor, case_id)
    if case.status == CaseStatus.CLOSED:
        raise ValidationError(_("A closed case cannot be changed."))
    _choice(role, CaseRole, "role")
    note = _text(note, "note", required=False, limit=NOTE_MAX)
    if (person_id is None) == (new_person is None):
        raise ValidationError({"person_id": [_("Pick an existing person or describe a new one.")]})
    victim = role == CaseRole.VICTIM
    if not victim and (taken_on or taken_from or sold_to):
        raise ValidationError({"role": [_("Where and when someone was taken applies to victims only.")]})
    for key, code in (("taken_from", taken_from), ("sold_to", sold_to)):
        if code:
            _division(code, key)
    if taken_on is not None:
        _past_date(taken_on, "taken_on")
    from homeward.people import selectors as people_selectors
    from homeward.people import services as people_services

    if new_person is not None:
        person = people_services.person_create(actor=actor, data=new_person)
    else:
        person = people_selectors.person_get(
            actor=actor, person_id=person_id, purpose=f"add to case {case.number}", audit_read=False
        )
    if CasePerson.objects.filter(case=case, person=person, role=role).exists():
        raise ValidationError({"person_id": [_("This person is already on the case in that role.")]})
    if is_child is None:
        is_child = victim and (case.is_child_case or _is_minor(person))
    case_person = CasePerson.objects.create(
        case=case,
        person=person,
        role=role,
        note=note,
        is_child=victim and is_child,
        victim_status=VictimStatus.MISSING if victim else "",
        taken_on=taken_on if victim else None,
        taken_from=taken_from if victim else "",
        sold_to=sold_to if victim else "",
        added_by=actor,
    )
    _event(case, actor, EventKind.PERSON_ADDED, str(CaseRole(role).label), case_person=case_person)
    _audit(actor, AuditAction.UPDATE, case, person_added=person.pk, role=role)
    return case_person


def _is_minor(person: Any) -> bool:
    today = timezone.localdate()
    if person.birth_date:
        return (today - person.birth_date).days < 18 * 365.25
    if person.birth_year_max:
        return today.year - person.birth_year_max < 18
    return False


@service
def victim_status_set(
    *, actor: Any, case_person_id: Any, status: str, on: date | None, note: str = ""
) -> CasePerson:
    """Record a victim rescued or otherwise accounted for; the rescue duty follows the case's child victims."""
    case_person = _case_person_for_write(actor, case_person_id)
    case = case_person.case
    if case_person.role != CaseRole.VICTIM:
        raise ValidationError(_("Only victims have a rescue status."))
    _choice(status, VictimStatus, "status")
    note = _text(note, "note", required=status == VictimStatus.ACCOUNTED, limit=NOTE_MAX)
    when = _past_date(on, "on", required=status != VictimStatus.MISSING)
    if when and case_person.taken_on:
        _not_before(when, case_person.taken_on, "on", _("the day the victim was taken"))
    case_person.victim_status = status
    case_person.status_on = when if status != VictimStatus.MISSING else None
    case_person.save(update_fields=["victim_status", "status_on"])
    _event(
        case,
        actor,
        EventKind.VICTIM_STATUS,
        f"{VictimStatus(status).label} {note}".strip(),
        case_person=case_person,
    )
    if case_person.is_child and status != VictimStatus.MISSING and not _child_victims_open(case):
        _duty_done(case, DutyKind.RESCUE, actor, note)
    _audit(actor, AuditAction.UPDATE, case, victim=case_person.person_id, status=status)
    return case_person


PLATE_CHARS = set("ABCDEFGHJKLMNPQRSTUVWXYZ0123456789")


def clean_plate(plate: str) -> str:
    """A Chinese plate: province character, letter, then 5-6 letters/digits (e.g. 川A12345, 川AD12345)."""
    plate = (plate or "").strip().upper().replace(" ", "").replace("·", "").replace("-", "")
    if not (7 <= len(plate) <= 8) or not ("\u4e00" <= plate[0] <= "\u9fff") or not plate[1].isalpha():
        raise ValidationError(
            {"plate": [_("%(plate)r is not a vehicle plate (e.g. 川A12345).") % {"plate": plate}]}
        )
    tail = plate[2:]
    if not all(c in PLATE_CHARS or "\u4e00" <= c <= "\u9fff" for c in tail):
        raise ValidationError(
            {"plate": [_("%(plate)r is not a vehicle plate (e.g. 川A12345).") % {"plate": plate}]}
        )
    return plate


@service
def vehicle_add(*, actor: Any, case_person_id: Any, plate: str, description: str = "") -> Vehicle:
    case_person = _case_person_for_write(actor, case_person_id)
    if case_person.role not in DEFENDANT_ROLES:
        raise ValidationError(_("Vehicles are recorded for suspects and buyers."))
    plate = clean_plate(plate)
    description = _text(description, "description", required=False, limit=200)
    if Vehicle.objects.filter(case_person=case_person, plate=plate).exists():
        raise ValidationError({"plate": [_("This vehicle is already recorded.")]})
    vehicle = Vehicle.objects.create(
        case_person=case_person, plate=plate, description=description, added_by=actor
    )
    _event(case_person.case, actor, EventKind.VEHICLE_ADDED, plate, case_person=case_person)
    _audit(actor, AuditAction.UPDATE, case_person.case, vehicle=plate)
    return vehicle


@service
def suspect_link_add(
    *, actor: Any, case_id: Any, source_id: Any, target_id: Any, relation: str, note: str = ""
) -> SuspectLink:
    case = _case_for_write(actor, case_id)
    _choice(relation, LinkRelation, "relation")
    note = _text(note, "note", required=False, limit=500)
    ends = {
        cp.pk: cp
        for cp in CasePerson.objects.filter(
            case=case,
            pk__in=[selectors.as_pk(source_id), selectors.as_pk(target_id)],
            role__in=DEFENDANT_ROLES,
        )
    }
    source, target = ends.get(selectors.as_pk(source_id)), ends.get(selectors.as_pk(target_id))
    if source is None or target is None:
        raise ValidationError(_("Link two suspects or buyers of this case."))
    if source.person_id == target.person_id:
        raise ValidationError(_("A suspect cannot be linked to themselves."))
    if SuspectLink.objects.filter(source=source, target=target, relation=relation).exists():
        raise ValidationError(_("This link is already recorded."))
    link = SuspectLink.objects.create(
        case=case, source=source, target=target, relation=relation, note=note, added_by=actor
    )
    _event(case, actor, EventKind.LINK_ADDED, f"{source.person_id} {relation} {target.person_id}")
    _audit(actor, AuditAction.UPDATE, case, link=[source.person_id, relation, target.person_id])
    return link


# ---- evidence and actions log ------------------------------------------------------------------------------


def clean_attachment(upload: UploadedFile) -> tuple[str, str, str]:
    """(safe file name, content type, sha256) of an upload; ValidationError when too large or not PDF/JPEG/PNG."""
    if upload.size is None or upload.size > ATTACHMENT_MAX_BYTES:
        raise ValidationError(
            {"files": [_("An attachment may be at most %(mb)d MB.") % {"mb": ATTACHMENT_MAX_BYTES // 2**20}]}
        )
    upload.seek(0)
    head = upload.read(16)
    content_type = next((t for magic, t in ATTACHMENT_TYPES.items() if head.startswith(magic)), None)
    if content_type is None:
        raise ValidationError({"files": [_("Attachments must be PDF, JPEG or PNG files.")]})
    upload.seek(0)
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    name = os.path.basename(upload.name or "attachment").strip()[:120] or "attachment"
    return name, content_type, digest.hexdigest()


@service
def entry_add(
    *,
    actor: Any,
    case_id: Any,
    kind: str,
    text: str,
    occurred_at: datetime | None = None,
    files: Sequence[UploadedFile] = (),
) -> CaseEntry:
    """Add to the evidence and actions log: who (the actor), when, what, and attachments."""
    case = _case_for_write(actor, case_id)
    if case.status == CaseStatus.CLOSED:
        raise ValidationError(_("A closed case cannot be changed."))
    _choice(kind, EntryKind, "kind")
    text = _text(text, "text")
    now = timezone.now()
    occurred = occurred_at or now
    if timezone.is_naive(occurred):
        occurred = timezone.make_aware(occurred)
    if occurred > now + timedelta(minutes=5):
        raise ValidationError({"occurred_at": [_("The time is in the future.")]})
    if len(files) > MAX_ATTACHMENTS:
        raise ValidationError({"files": [_("At most %(n)d attachments.") % {"n": MAX_ATTACHMENTS}]})
    cleaned = [(upload, *clean_attachment(upload)) for upload in files]
    entry = CaseEntry.objects.create(case=case, kind=kind, occurred_at=occurred, text=text, author=actor)
    for upload, name, content_type, digest in cleaned:
        attachment = CaseAttachment(
            entry=entry, name=name, content_type=content_type, size=upload.size or 0, sha256=digest
        )
        extension = content_type.split("/")[1]
        attachment.file.save(f"{digest[:16]}.{extension}", upload, save=False)
        attachment.save()
    _event(case, actor, EventKind.ENTRY_ADDED, str(EntryKind(kind).label), entry=entry)
    _audit(actor, AuditAction.UPDATE, case, entry=entry.pk, attachments=len(cleaned))
    return entry


# ---- links to tips, alerts, DNA and tracing matches ------------------------------------------------------


def _optional_module(name: str) -> Any:
    try:
        return import_module(name) if find_spec(name) is not None else None
    except ModuleNotFoundError:
        return None


def _by_id_selector(module_name: str, function: str, keyword: str) -> Callable[..., Any] | None:
    """`fn(actor, target_id)` through the owner's `<thing>_get(*, actor, <thing>_id, ...)`, without its read audit."""
    module = _optional_module(module_name)
    selector = getattr(module, function, None) if module is not None else None
    if selector is None:
        return None
    quiet = "audit_read" in inspect.signature(selector).parameters

    def get(actor: Any, target_id: str) -> Any:
        extra = {"audit_read": False} if quiet else {}
        return selector(actor=actor, **{keyword: target_id}, **extra)

    return get


def _confirmed_dna_match() -> Callable[..., Any] | None:
    """The dna app tells other apps only of confirmed matches: who confirmed and when, never profiles or LRs."""
    module = _optional_module("homeward.dna.selectors")
    lister = getattr(module, "confirmed_matches_for", None) if module is not None else None
    if lister is None:
        return None

    def get(actor: Any, target_id: str) -> Any:
        for match in lister(actor=actor, purpose="link to case"):
            if str(match.candidate_id) == target_id:
                return match
        raise Http404("Not found")

    return get


def _owner_selector(kind: str) -> Callable[..., Any] | None:
    """How to load a linked record through the app that owns it, or None while that app does not offer one."""
    if kind == LinkKind.TIP:
        return _by_id_selector("homeward.tips.selectors", "tip_get", "tip_id")
    if kind == LinkKind.ALERT:
        return _by_id_selector("homeward.alerts.selectors", "alert_get", "alert_id")
    if kind == LinkKind.DNA_MATCH:
        return _confirmed_dna_match()
    return _by_id_selector("homeward.tracing.selectors", "match_get", "match_id")


def _verify_link(actor: Any, kind: str, target_id: str) -> Any:
    """The linked record through its owner's selector, when that app provides one; None when it does not yet."""
    selector = _owner_selector(kind)
    if selector is None:
        return None
    try:
        return selector(actor, target_id)
    except (Http404, ObjectDoesNotExist, PermissionDenied, ValidationError, ValueError, TypeError) as exc:
        raise ValidationError(
            {
                "target_id": [
                    _("No %(kind)s %(id)s that you may see.")
                    % {"kind": LinkKind(kind).label, "id": target_id}
                ]
            }
        ) from exc


def _conclusion_of(record: Any) -> tuple[str, date | None]:
    by = next((getattr(record, a) for a in ("confirmed_by", "reviewed_by") if getattr(record, a, None)), "")
    at = next(
        (
            getattr(record, a)
            for a in ("confirmed_at", "reviewed_at", "confirmed_on")
            if getattr(record, a, None)
        ),
        None,
    )
    if isinstance(at, datetime):
        at = timezone.localdate(at)
    return (str(by)[:150] if by else ""), at


def _mark_tip_converted(actor: Any, tip_id: str, case: Case) -> bool:
    """Tell the tips app its tip led to this case. A tip already converted or closed stays as it is."""
    module = _optional_module("homeward.tips.services")
    mark = getattr(module, "tip_mark_converted", None) if module is not None else None
    if mark is None:
        return False
    try:
        mark(actor=actor, tip_id=tip_id, case_ref=case.number)  # its own savepoint: a refusal changes nothing
    except (ValidationError, PermissionDenied, Http404):
        return False
    return True


@service
def case_link_add(
    *,
    actor: Any,
    case_id: Any,
    kind: str,
    target_id: str,
    note: str = "",
    confirmed_by: str = "",
    confirmed_on: date | None = None,
) -> CaseLink:
    """Link a tip, alert, DNA match or tracing match. A DNA match keeps only who confirmed it and when."""
    case = _case_for_write(actor, case_id)
    _choice(kind, LinkKind, "kind")
    target_id = _text(str(target_id or ""), "target_id", limit=64)
    note = _text(note, "note", required=False, limit=500)
    confirmed_by = _text(confirmed_by, "confirmed_by", required=False, limit=150)
    record = _verify_link(actor, kind, target_id)
    if record is not None and kind in (LinkKind.DNA_MATCH, LinkKind.TRACING_MATCH):
        found_by, found_on = _conclusion_of(record)
        confirmed_by, confirmed_on = found_by or confirmed_by, found_on or confirmed_on
    if kind == LinkKind.DNA_MATCH and (not confirmed_by or confirmed_on is None):
        raise ValidationError(
            {
                "confirmed_by": [
                    _(
                        "A DNA match is linked once an examiner has confirmed it: name the examiner and the date."
                    )
                ]
            }
        )
    if confirmed_on is not None:
        _past_date(confirmed_on, "confirmed_on")
    if CaseLink.objects.filter(case=case, kind=kind, target_id=target_id).exists():
        raise ValidationError({"target_id": [_("This record is already linked.")]})
    link = CaseLink.objects.create(
        case=case,
        kind=kind,
        target_id=target_id,
        note=note,
        confirmed_by=confirmed_by,
        confirmed_on=confirmed_on,
        verified=record is not None,
        created_by=actor,
    )
    if kind == LinkKind.TIP and record is not None:
        _mark_tip_converted(actor, target_id, case)
    _event(case, actor, EventKind.LINKED, str(LinkKind(kind).label))
    _audit(actor, AuditAction.UPDATE, case, link=kind, target=target_id)
    return link


# ---- cross-border track ---------------------------------------------------------------------------------------


@service
def cross_border_set(*, actor: Any, case_id: Any, cross_border: bool, countries: Sequence[str]) -> Case:
    case = _case_for_write(actor, case_id)
    cleaned = _clean_countries(cross_border, countries)
    in_use = set(CooperationRequest.objects.filter(case=case).values_list("country", flat=True))
    if in_use - set(cleaned):
        raise ValidationError(
            {
                "countries": [
                    _("Cooperation requests exist with %(codes)s.") % {"codes": ", ".join(sorted(in_use))}
                ]
            }
        )
    case.cross_border, case.countries = cross_border, cleaned
    case.save(update_fields=["cross_border", "countries", "updated_at"])
    _event(case, actor, EventKind.CROSS_BORDER, ", ".join(cleaned))
    _audit(actor, AuditAction.UPDATE, case, cross_border=cross_border, countries=cleaned)
    return case


@service
def cooperation_request_create(
    *,
    actor: Any,
    case_id: Any,
    channel: str,
    country: str,
    counterpart: str,
    subject: str,
    body: str,
    sent_on: date | None = None,
) -> CooperationRequest:
    """Record a request to a foreign police liaison, the Interpol channel or an embassy (sent if dated)."""
    case = _case_for_write(actor, case_id)
    _choice(channel, Channel, "channel")
    if not case.cross_border:
        raise ValidationError(_("Mark the case cross-border before requesting international cooperation."))
    country = clean_country(country, "country")
    if country not in case.countries:
        raise ValidationError(
            {"country": [_("%(code)s is not among the case's countries.") % {"code": country}]}
        )
    request = CooperationRequest.objects.create(
        case=case,
        channel=channel,
        country=country,
        counterpart=_text(counterpart, "counterpart", limit=200),
        subject=_text(subject, "subject", limit=200),
        body=_text(body, "body"),
        status=CooperationStatus.SENT if sent_on else CooperationStatus.DRAFT,
        sent_on=_past_date(sent_on, "sent_on", required=False),
        created_by=actor,
    )
    _event(
        case, actor, EventKind.COOPERATION, f"{request.subject} → {request.counterpart} ({request.status})"
    )
    _audit(actor, AuditAction.UPDATE, case, cooperation=request.pk, status=request.status)
    return request


# Allowed moves of a cooperation request; "answered" is reached by recording a reply.
COOPERATION_MOVES: dict[str, set[str]] = {
    CooperationStatus.DRAFT: {CooperationStatus.SENT, CooperationStatus.CLOSED},
    CooperationStatus.SENT: {
        CooperationStatus.ACKNOWLEDGED,
        CooperationStatus.REFUSED,
        CooperationStatus.CLOSED,
    },
    CooperationStatus.ACKNOWLEDGED: {CooperationStatus.REFUSED, CooperationStatus.CLOSED},
    CooperationStatus.ANSWERED: {CooperationStatus.CLOSED},
    CooperationStatus.REFUSED: set(),
    CooperationStatus.CLOSED: set(),
}


def _request_for_write(actor: Any, request_id: Any) -> CooperationRequest:
    found = CooperationRequest.objects.filter(pk=selectors.as_pk(request_id)).values_list(
        "case_id", flat=True
    )
    case = _case_for_write(actor, found.first() if found else None)
    return CooperationRequest.objects.select_for_update().get(pk=selectors.as_pk(request_id), case=case)


@service
def cooperation_request_status(
    *, actor: Any, request_id: Any, status: str, on: date | None
) -> CooperationRequest:
    request = _request_for_write(actor, request_id)
    _choice(status, CooperationStatus, "status")
    if status not in COOPERATION_MOVES[request.status]:
        raise ValidationError(
            {
                "status": [
                    _("A request that is %(old)s cannot become %(new)s.")
                    % {"old": request.get_status_display(), "new": CooperationStatus(status).label}
                ]
            }
        )
    when = _past_date(on, "on")
    assert when is not None
    if status == CooperationStatus.SENT:
        request.sent_on = when
    else:
        _not_before(when, request.sent_on, "on", _("the day it was sent"))
    if status in (CooperationStatus.CLOSED, CooperationStatus.REFUSED):
        request.closed_on = when
    request.status = status
    request.save(update_fields=["status", "sent_on", "closed_on"])
    _event(request.case, actor, EventKind.COOPERATION, f"{request.subject}: {request.get_status_display()}")
    _audit(actor, AuditAction.UPDATE, request.case, cooperation=request.pk, status=status)
    return request


@service
def cooperation_reply_add(
    *, actor: Any, request_id: Any, received_on: date | None, text: str
) -> CooperationReply:
    request = _request_for_write(actor, request_id)
    if request.status not in (
        CooperationStatus.SENT,
        CooperationStatus.ACKNOWLEDGED,
        CooperationStatus.ANSWERED,
    ):
        raise ValidationError(_("Replies are recorded for requests that were sent and are still open."))
    when = _past_date(received_on, "received_on")
    assert when is not None
    _not_before(when, request.sent_on, "received_on", _("the day it was sent"))
    reply = CooperationReply.objects.create(
        request=request, received_on=when, text=_text(text, "text"), recorded_by=actor
    )
    request.status = CooperationStatus.ANSWERED
    request.save(update_fields=["status"])
    _event(request.case, actor, EventKind.COOPERATION, f"{request.subject}: {_('reply received')}")
    _audit(actor, AuditAction.UPDATE, request.case, cooperation=request.pk, reply=reply.pk)
    return reply


@service
def repatriation_record(
    *,
    actor: Any,
    case_person_id: Any,
    step: str,
    on: date | None = None,
    nationality: str = "",
    confirmed_by: str = "",
    document_kind: str = "",
    place: str = "",
    organisation: str = "",
) -> Repatriation:
    """Move a foreign victim's repatriation to its next step: identity, documents, handover arranged, handed over."""
    case_person = _case_person_for_write(actor, case_person_id)
    case = case_person.case
    _choice(step, RepatriationStep, "step")
    if case_person.role != CaseRole.VICTIM:
        raise ValidationError(_("Repatriation applies to victims."))
    if not case.cross_border:
        raise ValidationError(_("Mark the case cross-border before repatriating a victim."))
    track = Repatriation.objects.select_for_update().filter(case_person=case_person).first()
    if step == RepatriationStep.STARTED:
        if track is not None:
            raise ValidationError(_("The repatriation is already opened."))
        code = clean_country(nationality, "nationality")
        if code == "CN":
            raise ValidationError({"nationality": [_("Repatriation is for foreign victims.")]})
        track = Repatriation.objects.create(case_person=case_person, nationality=code)
    else:
        if track is None:
            raise ValidationError(_("Open the repatriation with the victim's nationality first."))
        current = REPATRIATION_ORDER.index(RepatriationStep(track.step))
        wanted = REPATRIATION_ORDER.index(RepatriationStep(step))
        if wanted != current + 1:
            raise ValidationError(
                {"step": [_("The next step is %(step)s.") % {"step": _next_step_label(current)}]}
            )
        when = on
        if step != RepatriationStep.SCHEDULED:
            when = _past_date(on, "on")
        elif on is None:
            raise ValidationError({"on": [_("A date is required.")]})
        assert when is not None
        if step == RepatriationStep.IDENTITY:
            track.identity_confirmed_on = when
            track.identity_confirmed_by = _text(confirmed_by, "confirmed_by", limit=200)
        elif step == RepatriationStep.DOCUMENTS:
            _not_before(when, track.identity_confirmed_on, "on", _("the identity confirmation"))
            track.documents_issued_on = when
            track.document_kind = _text(document_kind, "document_kind", limit=100)
        elif step == RepatriationStep.SCHEDULED:
            _not_before(when, track.documents_issued_on, "on", _("the travel documents"))
            track.handover_on = when
            track.handover_place = _text(place, "place", limit=200)
            track.receiving_organisation = _text(organisation, "organisation", limit=200)
        else:
            _not_before(when, track.documents_issued_on, "on", _("the travel documents"))
            track.handover_on, track.handed_over = when, True
        track.step = step
        track.save()
    _event(case, actor, EventKind.REPATRIATION, str(RepatriationStep(step).label), case_person=case_person)
    _audit(actor, AuditAction.UPDATE, case, repatriation=case_person.person_id, step=step)
    return track


def _next_step_label(current: int) -> str:
    if current + 1 >= len(REPATRIATION_ORDER):
        return str(_("none (the victim was handed over)"))
    return str(REPATRIATION_ORDER[current + 1].label)


# ---- judicial stages ------------------------------------------------------------------------------------------


@service
def judicial_advance(*, actor: Any, case_id: Any, stage: str, on: date | None) -> Case:
    """Transfer to the procuratorate, indictment, judgement: one stage after the other, once the case is solved."""
    case = _case_for_write(actor, case_id)
    _choice(stage, JudicialStage, "stage")
    if case.status == CaseStatus.OPEN:
        raise ValidationError(_("A case goes to the procuratorate once it is solved."))
    current = JUDICIAL_ORDER.index(JudicialStage(case.judicial_stage))
    wanted = JUDICIAL_ORDER.index(JudicialStage(stage))
    if wanted != current + 1:
        raise ValidationError(
            {"stage": [_("The case is at stage “%(stage)s”.") % {"stage": case.get_judicial_stage_display()}]}
        )
    when = _past_date(on, "on")
    assert when is not None
    previous = {
        JudicialStage.TRANSFERRED: case.solved_on,
        JudicialStage.INDICTED: case.transferred_on,
        JudicialStage.JUDGED: case.indicted_on,
    }[JudicialStage(stage)]
    _not_before(when, previous, "on", _("the previous stage"))
    date_field = {
        JudicialStage.TRANSFERRED: "transferred_on",
        JudicialStage.INDICTED: "indicted_on",
        JudicialStage.JUDGED: "judged_on",
    }[JudicialStage(stage)]
    setattr(case, date_field, when)
    case.judicial_stage = stage
    case.save(update_fields=["judicial_stage", date_field, "updated_at"])
    _event(case, actor, EventKind.JUDICIAL, str(JudicialStage(stage).label))
    _audit(actor, AuditAction.UPDATE, case, judicial_stage=stage)
    return case


TERM_PENALTIES = {Penalty.FIXED_TERM: (6, 300), Penalty.DETENTION: (1, 6), Penalty.SURVEILLANCE: (3, 24)}


@service
def sentence_record(
    *,
    actor: Any,
    case_person_id: Any,
    court: str,
    judged_on: date | None,
    offence: str,
    penalty: str,
    months: int | None = None,
    fine_yuan: int | None = None,
) -> Sentence:
    case_person = _case_person_for_write(actor, case_person_id)
    case = case_person.case
    if case_person.role not in DEFENDANT_ROLES:
        raise ValidationError(_("Sentences are recorded for suspects and buyers (the defendants)."))
    if case.judicial_stage not in (JudicialStage.INDICTED, JudicialStage.JUDGED):
        raise ValidationError(_("Sentences are recorded once the case has been indicted."))
    if Sentence.objects.filter(case_person=case_person).exists():
        raise ValidationError(_("A sentence is already recorded for this defendant."))
    _choice(offence, CaseType, "offence")
    _choice(penalty, Penalty, "penalty")
    when = _past_date(judged_on, "judged_on")
    assert when is not None
    _not_before(when, case.indicted_on, "judged_on", _("the indictment"))
    bounds = TERM_PENALTIES.get(Penalty(penalty))
    if bounds is not None:
        if months is None or not bounds[0] <= months <= bounds[1]:
            raise ValidationError(
                {
                    "months": [
                        _("This penalty runs %(lo)d to %(hi)d months.") % {"lo": bounds[0], "hi": bounds[1]}
                    ]
                }
            )
    elif months is not None:
        raise ValidationError({"months": [_("This penalty has no term in months.")]})
    if fine_yuan is not None and not 0 <= fine_yuan <= 100_000_000:
        raise ValidationError({"fine_yuan": [_("The fine is out of range.")]})
    sentence = Sentence.objects.create(
        case_person=case_person,
        court=_text(court, "court", limit=200),
        judged_on=when,
        offence=offence,
        penalty=penalty,
        months=months,
        fine_yuan=fine_yuan,
        recorded_by=actor,
    )
    if case.judicial_stage == JudicialStage.INDICTED:
        case.judicial_stage, case.judged_on = JudicialStage.JUDGED, when
        case.save(update_fields=["judicial_stage", "judged_on", "updated_at"])
        _event(case, actor, EventKind.JUDICIAL, str(JudicialStage.JUDGED.label))
    _event(case, actor, EventKind.SENTENCE, str(Penalty(penalty).label), case_person=case_person)
    _audit(actor, AuditAction.UPDATE, case, sentence=case_person.person_id, penalty=penalty)
    return sentence


# ---- supervision (挂牌督办) ------------------------------------------------------------------------------------


def _local_staff(code: str, cache: dict[str, list[Any]] | None = None) -> list[Any]:
    """Case leaders and command-centre officers of agencies at exactly division `code`."""
    if cache is not None and code in cache:
        return cache[code]
    users: dict[int, Any] = {}
    for role in ESCALATION_ROLES:
        for user in recipients_for_role(role=role, division_code=code):
            if user.agency.division_id == code and user.is_police:
                users[user.pk] = user
    found = list(users.values())
    if cache is not None:
        cache[code] = found
    return found


@service
def supervision_list(
    *,
    actor: Any,
    deadline: date | None,
    requirements: str,
    case_id: Any = None,
    region: str = "",
) -> Supervision:
    """A provincial or national agency lists a case or a region for supervision with a deadline and requirements."""
    if not actor.has_perm("cases.supervise"):
        raise Refused(
            PermissionDenied(_("Supervision is listed by provincial or national staff.")),
            actor=actor,
            action=AuditAction.PERMISSION_DENIED,
            object_type="cases.supervision",
            reason="needs cases.supervise",
        )
    if (case_id in (None, "")) == (not region):
        raise ValidationError({"case_id": [_("Supervise either a case or a region.")]})
    requirements = _text(requirements, "requirements")
    if deadline is None or deadline <= timezone.localdate():
        raise ValidationError({"deadline": [_("The deadline is a date after today.")]})
    case = None
    if case_id not in (None, ""):
        case = _case_for_write(actor, case_id, perm="cases.supervise")
        if case.status == CaseStatus.CLOSED:
            raise ValidationError({"case_id": [_("A closed case cannot be supervised.")]})
        if Supervision.objects.filter(case=case, status=SupervisionStatus.ACTIVE).exists():
            raise ValidationError({"case_id": [_("The case is already under supervision.")]})
        jurisdiction = case.jurisdiction
    else:
        _division(region, "region")
        if not access.in_jurisdiction(actor, region) or region == actor.jurisdiction:
            raise ValidationError({"region": [_("Supervise a region below your own jurisdiction.")]})
        if Supervision.objects.filter(region=region, status=SupervisionStatus.ACTIVE).exists():
            raise ValidationError({"region": [_("The region is already under supervision.")]})
        jurisdiction = region
    supervision = Supervision.objects.create(
        jurisdiction=jurisdiction,
        case=case,
        region="" if case else region,
        supervisor_agency=actor.agency,
        listed_by=actor,
        deadline=deadline,
        requirements=requirements,
    )
    if case is not None:
        _event(
            case,
            actor,
            EventKind.SUPERVISION,
            _("listed for supervision by %(agency)s until %(date)s")
            % {"agency": actor.agency, "date": deadline},
        )
    audit.record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=supervision,
        detail={"case": case.pk if case else None, "region": region or None},
    )
    recipients = _local_staff(jurisdiction)
    if case is not None and (leader := selectors.leader_of(case)) is not None:
        recipients.append(leader)
    url = _supervision_url(supervision)
    notify(
        kind="supervision",
        title=_("Listed for supervision by %(agency)s, deadline %(date)s")
        % {"agency": supervision.supervisor_agency, "date": deadline},
        body=requirements,
        url=url,
        users=recipients,
        dedupe_key=f"supervision-{supervision.pk}",
    )
    return supervision


def _supervision_url(supervision: Supervision) -> str:
    from django.urls import reverse

    return reverse("cases:supervision", args=[supervision.pk])


def _supervision_for_write(actor: Any, supervision_id: Any, perm: str) -> Supervision:
    if not actor.has_perm(perm):
        raise Refused(
            PermissionDenied(),
            actor=actor,
            action=AuditAction.PERMISSION_DENIED,
            object_type="cases.supervision",
            object_id=str(supervision_id)[:64],
            reason=f"needs {perm}",
        )
    found = Supervision.objects.select_for_update().filter(pk=selectors.as_pk(supervision_id)).first()
    visible = found is not None and (
        access.can_see(actor, found)
        or (actor.agency_id and found.supervisor_agency_id == actor.agency_id)
        or (found.case is not None and selectors.is_member(actor, found.case))
    )
    if found is None or not visible:
        raise Refused(
            Http404("Not found"),
            actor=actor,
            action=AuditAction.UPDATE,
            object_type="cases.supervision",
            object_id=str(supervision_id)[:64],
            reason="not found" if found is None else "outside jurisdiction",
        )
    return found


@service
def supervision_report_file(*, actor: Any, supervision_id: Any, text: str) -> SupervisionReport:
    """The local agency (or the case group) reports progress; the supervisor is notified."""
    supervision = _supervision_for_write(actor, supervision_id, "cases.report_supervision")
    local = access.in_jurisdiction(actor, supervision.jurisdiction) or (
        supervision.case is not None and selectors.is_member(actor, supervision.case)
    )
    if not local:
        raise PermissionDenied(_("Progress is reported by the supervised agency."))
    if supervision.status != SupervisionStatus.ACTIVE:
        raise ValidationError(_("Supervision has been lifted."))
    report = SupervisionReport.objects.create(
        supervision=supervision, text=_text(text, "text"), filed_by=actor
    )
    if supervision.case is not None:
        _event(supervision.case, actor, EventKind.SUPERVISION, _("progress reported to the supervisor"))
    audit.record(actor=actor, action=AuditAction.UPDATE, obj=supervision, detail={"report": report.pk})
    url, listed_by = _supervision_url(supervision), supervision.listed_by
    notify(
        kind="supervision_report",
        title=_("Progress report on supervised item %(id)d") % {"id": supervision.pk},
        url=url,
        users=[listed_by],
    )
    return report


@service
def supervision_lift(*, actor: Any, supervision_id: Any, reason: str) -> Supervision:
    supervision = _supervision_for_write(actor, supervision_id, "cases.supervise")
    supervisor_code = supervision.supervisor_agency.division_id
    if not (
        actor.agency_id == supervision.supervisor_agency_id or access.in_jurisdiction(actor, supervisor_code)
    ):
        raise PermissionDenied(_("Supervision is lifted by the agency that listed it or one above it."))
    if supervision.status != SupervisionStatus.ACTIVE:
        raise ValidationError(_("Supervision has already been lifted."))
    supervision.lift_reason = _text(reason, "reason", limit=NOTE_MAX)
    supervision.status, supervision.lifted_at, supervision.lifted_by = (
        SupervisionStatus.LIFTED,
        timezone.now(),
        actor,
    )
    supervision.save(update_fields=["lift_reason", "status", "lifted_at", "lifted_by", "updated_at"])
    if supervision.case is not None:
        _event(
            supervision.case,
            actor,
            EventKind.SUPERVISION,
            _("supervision lifted: %(reason)s") % {"reason": supervision.lift_reason},
        )
    audit.record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=supervision,
        purpose=supervision.lift_reason[:200],
        detail={"status": "lifted"},
    )
    return supervision


# ---- the periodic tick: reviews, escalation, supervision deadlines ------------------------------------------


@dataclass
class TickReport:
    reviews_created: int = 0
    reviews_due_notified: int = 0
    reviews_escalated: int = 0
    supervision_overdue: int = 0


def _escalation_target(case: Case, level: int, staff: dict[str, list[Any]]) -> str | None:
    """The division `level` steps above the case's agency that has someone to take the escalation."""
    above = list(reversed(ancestor_codes(case.agency.division_id)))[1:]
    staffed = [code for code in above if _local_staff(code, staff)]
    if not staffed:
        return None
    return staffed[min(level, len(staffed)) - 1]


TICK_CHUNK = 500


def _chunks(queryset: Any) -> Any:
    """Rows in chunks, each to be written in one transaction (one commit per chunk, a savepoint per row).

    The rows are read before any is written: SQLite does not isolate a cursor from writes on its connection.
    """
    rows = list(queryset)
    for start in range(0, len(rows), TICK_CHUNK):
        yield rows[start : start + TICK_CHUNK]


def cases_tick(*, now: datetime | None = None) -> TickReport:
    """Create due reviews, notify leaders, escalate missed reviews, mark supervision overdue. Idempotent."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    report = TickReport()
    staff: dict[str, list[Any]] = {}  # who sits at each division, looked up once per run
    unscheduled = Case.objects.filter(status=CaseStatus.OPEN).exclude(reviews__status=TaskStatus.OPEN)
    for chunk in _chunks(unscheduled.order_by("pk")):
        with transaction.atomic():
            for case in chunk:
                last = case.reviews.filter(status=TaskStatus.DONE).order_by("-done_at").first()
                after = timezone.localdate(last.done_at) if last and last.done_at else case.registered_on
                with transaction.atomic():
                    if _schedule_review(case, after) is not None:
                        report.reviews_created += 1
    open_reviews = CaseReview.objects.filter(
        status=TaskStatus.OPEN, case__status=CaseStatus.OPEN, due_on__lte=today
    ).select_related("case__agency", "assignee")
    for chunk in _chunks(open_reviews.order_by("pk")):
        with transaction.atomic():
            for review in chunk:
                with transaction.atomic():
                    report.reviews_due_notified += _notify_review_due(review, staff)
                    if review.due_on < today and _escalate(review, today, staff):
                        report.reviews_escalated += 1
    overdue = Supervision.objects.filter(
        status=SupervisionStatus.ACTIVE, deadline__lt=today, overdue_since__isnull=True
    ).select_related("case", "listed_by", "supervisor_agency")
    for supervision in overdue:
        with transaction.atomic():
            if Supervision.objects.filter(pk=supervision.pk, overdue_since__isnull=True).update(
                overdue_since=today
            ):
                report.supervision_overdue += 1
                _notify_overdue(supervision)
    return report


def _notify_review_due(review: CaseReview, staff: dict[str, list[Any]]) -> int:
    if review.due_notified_at is not None:
        return 0
    CaseReview.objects.filter(pk=review.pk).update(due_notified_at=timezone.now())
    case = review.case
    users = [review.assignee] if review.assignee else _local_staff(case.agency.division_id, staff)
    return len(
        notify(
            kind="case_review",
            title=_("Review of case %(number)s is due on %(date)s")
            % {"number": case.number, "date": review.due_on},
            url=_case_url(case),
            users=users,
            dedupe_key=f"case-review-due-{review.pk}",
        )
    )


def _escalate(review: CaseReview, today: date, staff: dict[str, list[Any]]) -> bool:
    """Escalate one level when the review is missed, one more for every further week it stays missed."""
    wanted = 1 + (today - review.due_on - timedelta(days=1)).days // ESCALATE_EVERY.days
    if wanted <= review.escalation_level:
        return False
    target = _escalation_target(review.case, wanted, staff)
    if target is None or target == review.escalated_to:
        return False
    updated = CaseReview.objects.filter(pk=review.pk, escalation_level=review.escalation_level).update(
        escalation_level=wanted, escalated_to=target, escalated_at=timezone.now()
    )
    if not updated:
        return False
    case = review.case
    _event(
        case,
        None,
        EventKind.REVIEW_ESCALATED,
        _("review due %(date)s escalated to %(code)s") % {"date": review.due_on, "code": target},
    )
    audit.record(
        actor=None,
        actor_label="cases_tick",
        action=AuditAction.UPDATE,
        obj=case,
        detail={"review": review.pk, "escalated_to": target, "level": wanted},
    )
    notify(
        kind="case_review_escalated",
        title=_("Missed review of case %(number)s (due %(date)s)")
        % {"number": case.number, "date": review.due_on},
        url=_case_url(case),
        users=_local_staff(target, staff),
        dedupe_key=f"case-review-escalated-{review.pk}-{wanted}",
    )
    return True


def _notify_overdue(supervision: Supervision) -> None:
    audit.record(
        actor=None,
        actor_label="cases_tick",
        action=AuditAction.UPDATE,
        obj=supervision,
        detail={"overdue_since": timezone.localdate().isoformat()},
    )
    if supervision.case is not None:
        _event(
            supervision.case,
            None,
            EventKind.SUPERVISION,
            _("supervision deadline %(date)s passed") % {"date": supervision.deadline},
        )
    notify(
        kind="supervision_overdue",
        title=_("Supervised item %(id)d is overdue (deadline %(date)s)")
        % {"id": supervision.pk, "date": supervision.deadline},
        url=_supervision_url(supervision),
        users=[supervision.listed_by, *_local_staff(supervision.jurisdiction)],
        dedupe_key=f"supervision-overdue-{supervision.pk}",
    )

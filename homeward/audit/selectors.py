"""Searching the audit log. Only auditors may, within their jurisdiction, and every search is itself audited."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet

from homeward.access.selectors import user_scope_prefix
from homeward.accounts.roles import Role
from homeward.audit import services
from homeward.audit.models import AuditAction, AuditEvent, AuditOutcome


@dataclass
class AuditQuery:
    actor: str = ""
    action: str = ""
    outcome: str = ""
    object_type: str = ""
    object_id: str = ""
    since: datetime | None = None
    until: datetime | None = None


def audit_search(*, actor: Any, query: AuditQuery, limit: int = 200) -> QuerySet[AuditEvent]:
    """Events for an auditor: those about records in their jurisdiction, or done by staff of their jurisdiction."""
    prefix = user_scope_prefix(actor)
    if prefix is None or not actor.has_role(Role.AUDITOR):
        services.record(
            actor=actor,
            action=AuditAction.PERMISSION_DENIED,
            object_type="audit.auditevent",
            outcome=AuditOutcome.DENIED,
        )
        raise PermissionDenied
    events = AuditEvent.objects.select_related("actor")
    if prefix:
        events = events.filter(
            Q(jurisdiction__startswith=prefix) | Q(actor__agency__division__code__startswith=prefix)
        )
    if query.actor:
        events = events.filter(actor_label__icontains=query.actor)
    if query.action:
        events = events.filter(action=query.action)
    if query.outcome:
        events = events.filter(outcome=query.outcome)
    if query.object_type:
        events = events.filter(object_type=query.object_type)
    if query.object_id:
        events = events.filter(object_id=query.object_id)
    if query.since:
        events = events.filter(at__gte=query.since)
    if query.until:
        events = events.filter(at__lt=query.until)
    services.record(
        actor=actor,
        action=AuditAction.SEARCH,
        object_type="audit.auditevent",
        detail={k: (v.isoformat() if isinstance(v, datetime) else v) for k, v in vars(query).items() if v},
    )
    return events.order_by("-id")[:limit]

"""The one place that decides whether a user may see a sensitive record.

A user sees records whose jurisdiction is their agency's division or below, plus records shared with them by a
grant in force. Everything else answers exactly like a missing record (Http404), and the attempt is audited.
"""

from __future__ import annotations

from typing import Any, TypeVar

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q, QuerySet
from django.http import Http404

from homeward.access.models import AccessGrant
from homeward.audit import services as audit
from homeward.audit.models import AuditAction, AuditOutcome

M = TypeVar("M", bound=models.Model)


def user_scope_prefix(user: Any) -> str | None:
    """None: the user sees no jurisdiction (no agency, inactive, anonymous)."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    return user.scope_prefix


def in_jurisdiction(user: Any, code: str) -> bool:
    prefix = user_scope_prefix(user)
    return prefix is not None and bool(code) and code.startswith(prefix)


def granted_object_ids(user: Any, model: type[models.Model]) -> QuerySet[AccessGrant, str]:
    content_type = ContentType.objects.get_for_model(model)
    return (
        AccessGrant.objects.in_force()
        .filter(grantee=user, content_type=content_type)
        .values_list("object_id", flat=True)
    )


def visible_to(user: Any, queryset: QuerySet[M], *, field: str = "jurisdiction") -> QuerySet[M]:
    """Filter a queryset of jurisdictional records to what `user` may see (scope or grant)."""
    prefix = user_scope_prefix(user)
    if prefix is None:
        return queryset.none()
    condition = Q(**{f"{field}__startswith": prefix}) if prefix else Q()
    if prefix:
        grant_ids = list(granted_object_ids(user, queryset.model))
        if grant_ids:
            pk_field = queryset.model._meta.pk
            assert pk_field is not None
            condition |= Q(pk__in=[pk_field.to_python(i) for i in grant_ids])
    return queryset.filter(condition)


def can_see(user: Any, obj: models.Model, *, field: str = "jurisdiction") -> bool:
    if in_jurisdiction(user, str(getattr(obj, field, "") or "")):
        return True
    if user_scope_prefix(user) is None:
        return False
    return str(obj.pk) in set(granted_object_ids(user, type(obj)))


def get_for_user(
    *,
    user: Any,
    queryset: QuerySet[M],
    pk: Any,
    action: str = AuditAction.READ,
    purpose: str = "",
    field: str = "jurisdiction",
    audit_read: bool = True,
) -> M:
    """Fetch one sensitive record for `user`, or raise Http404 for missing and out-of-scope alike.

    Successful reads are audited (unless the caller audits the surrounding write itself); refused reads always are.
    """
    model = queryset.model
    try:
        obj = queryset.get(pk=pk)
    except (model.DoesNotExist, ValueError, TypeError, models.ObjectDoesNotExist):  # type: ignore[attr-defined]
        obj = None
    if obj is None or not can_see(user, obj, field=field):
        audit.record(
            actor=user,
            action=action,
            object_type=model._meta.label_lower,
            object_id=str(pk)[:64],
            outcome=AuditOutcome.DENIED,
            purpose=purpose,
            detail={"reason": "not found" if obj is None else "outside jurisdiction"},
        )
        raise Http404("Not found")
    if audit_read:
        audit.record(actor=user, action=action, obj=obj, purpose=purpose)
    return obj

"""Granting and revoking time-limited access to one record."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from homeward.access.models import AccessGrant
from homeward.access.selectors import in_jurisdiction
from homeward.audit import services as audit
from homeward.audit.models import AuditAction, AuditOutcome

MAX_GRANT = timedelta(days=90)


def grant_create(
    *, actor: Any, obj: models.Model, grantee: Any, duration: timedelta, reason: str
) -> AccessGrant:
    """Share `obj` with `grantee` for `duration`. Only someone whose own jurisdiction holds the record may share it.

    The checks run before the transaction opens, so that a refusal's audit row is not rolled back with it.
    """
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("A reason is required to share a record."))
    if duration <= timedelta(0) or duration > MAX_GRANT:
        raise ValidationError(_("A grant lasts between one minute and 90 days."))
    if grantee.pk == actor.pk:
        raise ValidationError(_("You cannot grant access to yourself."))
    if not grantee.is_active or grantee.agency_id is None:
        raise ValidationError(_("The grantee must be an active user of an agency."))
    if not in_jurisdiction(actor, str(getattr(obj, "jurisdiction", ""))):
        audit.record(actor=actor, action=AuditAction.GRANT, obj=obj, outcome=AuditOutcome.DENIED)
        raise PermissionDenied(_("Only staff of the record's own jurisdiction can share it."))
    with transaction.atomic():
        return _grant_write(actor=actor, obj=obj, grantee=grantee, duration=duration, reason=reason)


def _grant_write(
    *, actor: Any, obj: models.Model, grantee: Any, duration: timedelta, reason: str
) -> AccessGrant:
    now = timezone.now()
    grant = AccessGrant.objects.create(
        content_type=ContentType.objects.get_for_model(obj),
        object_id=str(obj.pk),
        grantee=grantee,
        granted_by=actor,
        reason=reason,
        valid_from=now,
        expires_at=now + duration,
    )
    audit.record(
        actor=actor,
        action=AuditAction.GRANT,
        obj=obj,
        purpose=reason,
        detail={
            "grant_id": grant.pk,
            "grantee": grantee.get_username(),
            "expires_at": grant.expires_at.isoformat(),
        },
    )
    return grant


@transaction.atomic
def grant_revoke(*, actor: Any, grant_id: int) -> AccessGrant:
    grant = AccessGrant.objects.select_for_update().filter(pk=grant_id).first()
    if grant is None:
        raise ValidationError(_("No such grant."))
    target = grant.content_type.get_object_for_this_type(pk=grant.object_id)
    if grant.granted_by_id != actor.pk and not in_jurisdiction(
        actor, str(getattr(target, "jurisdiction", ""))
    ):
        raise PermissionDenied(_("Only the granting jurisdiction can revoke this grant."))
    if grant.revoked_at is None:
        grant.revoked_at = timezone.now()
        grant.revoked_by = actor
        grant.save(update_fields=["revoked_at", "revoked_by"])
        audit.record(actor=actor, action=AuditAction.REVOKE, obj=target, detail={"grant_id": grant.pk})
    return grant

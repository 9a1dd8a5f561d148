"""Logins, logouts and failed logins go to the audit trail."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from homeward.audit import services as audit
from homeward.audit.models import AuditAction, AuditOutcome


@receiver(user_logged_in)
def audit_login(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    audit.record(actor=user, action=AuditAction.LOGIN, obj=user)


@receiver(user_logged_out)
def audit_logout(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if user is not None:
        reason = getattr(request, "homeward_logout_reason", "user")
        audit.record(actor=user, action=AuditAction.LOGOUT, obj=user, detail={"reason": reason})


@receiver(user_login_failed)
def audit_login_failed(sender: Any, credentials: dict[str, Any], request: Any = None, **kwargs: Any) -> None:
    username = str(credentials.get("username", ""))[:150]
    audit.record(
        actor=None,
        actor_label=username or "anonymous",
        action=AuditAction.LOGIN_FAILED,
        object_type="accounts.user",
        outcome=AuditOutcome.FAILURE,
        detail={"reason": credentials.get("homeward_reason", "bad credentials")},
    )

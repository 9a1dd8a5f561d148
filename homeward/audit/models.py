"""The append-only, hash-chained audit log: who did what, when, from where, to which record, with what outcome."""

from __future__ import annotations

from typing import Any, NoReturn

from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditAction(models.TextChoices):
    CREATE = "create", _("create")
    READ = "read", _("read")
    UPDATE = "update", _("update")
    DELETE = "delete", _("delete")
    SEARCH = "search", _("search")
    EXPORT = "export", _("export")
    LOGIN = "login", _("login")
    LOGIN_FAILED = "login_failed", _("failed login")
    LOGOUT = "logout", _("logout")
    PERMISSION_DENIED = "permission_denied", _("permission denied")
    GRANT = "grant", _("grant")
    REVOKE = "revoke", _("revoke")


class AuditOutcome(models.TextChoices):
    SUCCESS = "success", _("success")
    DENIED = "denied", _("denied")
    FAILURE = "failure", _("failure")


class AppendOnlyError(RuntimeError):
    pass


class AuditEventQuerySet(models.QuerySet["AuditEvent"]):
    def update(self, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError("audit events cannot be updated")

    def delete(self) -> NoReturn:  # type: ignore[override]
        raise AppendOnlyError("audit events cannot be deleted")


class AuditEvent(models.Model):
    # The chain position, 1, 2, 3 ... (a deleted row leaves a gap). Writers leave seq, prev_hash and hash empty;
    # `audit.chain.chain_pending` fills them once, in commit order, right after the writer's commit.
    seq = models.BigIntegerField(unique=True, null=True, blank=True)
    at = models.DateTimeField(_("time"), db_index=True)
    actor = models.ForeignKey(
        "accounts.User",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("actor"),
    )
    actor_label = models.CharField(_("actor"), max_length=150, blank=True)
    agency_id_at_time = models.BigIntegerField(null=True, blank=True)
    ip = models.GenericIPAddressField(_("address"), null=True, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)
    channel = models.CharField(max_length=10, blank=True)
    request_id = models.CharField(max_length=32, blank=True)
    action = models.CharField(_("action"), max_length=20, choices=AuditAction.choices, db_index=True)
    object_type = models.CharField(_("record type"), max_length=60, blank=True, db_index=True)
    object_id = models.CharField(_("record id"), max_length=64, blank=True, db_index=True)
    jurisdiction = models.CharField(max_length=6, blank=True)
    outcome = models.CharField(_("outcome"), max_length=10, choices=AuditOutcome.choices)
    purpose = models.CharField(_("purpose"), max_length=200, blank=True)
    detail = models.JSONField(default=dict, blank=True)
    # NULL, not "", marks a row not chained yet: the trigger checks it, and many NULLs fit a unique column.
    prev_hash = models.CharField(max_length=64, null=True, blank=True)  # noqa: DJ001
    hash = models.CharField(max_length=64, unique=True, null=True, blank=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        # Newest first by insertion; `seq` is the chain position, empty for the few rows not chained yet.
        ordering = ["-id"]
        verbose_name = _("audit event")
        indexes = [
            models.Index(fields=["id"], condition=models.Q(seq__isnull=True), name="audit_event_pending")
        ]

    def __str__(self) -> str:
        return f"#{self.seq or '-'} {self.action} {self.object_type}:{self.object_id} {self.outcome}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AppendOnlyError("audit events cannot be updated")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:  # type: ignore[override]
        raise AppendOnlyError("audit events cannot be deleted")


class AuditCheckpoint(models.Model):
    """The chain head as seen by the last verification, so that rows cut from the end are noticed too."""

    verified_at = models.DateTimeField(auto_now_add=True)
    last_seq = models.BigIntegerField()
    last_hash = models.CharField(max_length=64)

    class Meta:
        ordering = ["-verified_at"]

    def __str__(self) -> str:
        return f"checkpoint at #{self.last_seq}"

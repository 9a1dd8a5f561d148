"""Explicit, time-limited sharing of one record with one user outside their jurisdiction."""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AccessGrantQuerySet(models.QuerySet["AccessGrant"]):
    def in_force(self) -> AccessGrantQuerySet:
        now = timezone.now()
        return self.filter(revoked_at__isnull=True, valid_from__lte=now, expires_at__gt=now)


class AccessGrant(models.Model):
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.CharField(max_length=64)
    grantee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="access_grants",
        verbose_name=_("grantee"),
    )
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("granted by")
    )
    reason = models.CharField(_("reason"), max_length=300)
    valid_from = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(_("expires"))
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = AccessGrantQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["grantee", "content_type", "object_id"])]

    def __str__(self) -> str:
        return f"{self.content_type.model}:{self.object_id} -> {self.grantee_id} until {self.expires_at:%Y-%m-%d %H:%M}"

    @property
    def in_force(self) -> bool:
        now = timezone.now()
        return self.revoked_at is None and self.valid_from <= now < self.expires_at

"""Agencies, staff users with roles, and API credentials (staff tokens and partner keys, hashed at rest)."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from homeward.accounts.roles import DNA_ROLES, POLICE_AGENCY_TYPES, POLICE_ROLES, AgencyType, Role
from homeward.regions.selectors import scope_prefix


class Agency(models.Model):
    name = models.CharField(_("name"), max_length=120)
    name_en = models.CharField(_("English name"), max_length=160, blank=True)
    type = models.CharField(_("type"), max_length=32, choices=AgencyType.choices)
    division = models.ForeignKey(
        "regions.Division", on_delete=models.PROTECT, related_name="agencies", verbose_name=_("division")
    )
    is_national = models.BooleanField(_("national body"), default=False)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["division_id", "name"]
        verbose_name = _("agency")
        verbose_name_plural = _("agencies")
        constraints = [
            models.UniqueConstraint(fields=["division", "name"], name="agency_unique_name_in_division")
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def jurisdiction(self) -> str:
        return self.division_id

    @property
    def is_police(self) -> bool:
        return self.type in POLICE_AGENCY_TYPES


class User(AbstractUser):
    """A staff member (or a partner platform's service account) of one agency."""

    agency = models.ForeignKey(
        Agency,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
        verbose_name=_("agency"),
    )
    roles = models.JSONField(_("roles"), default=list, blank=True)
    display_name = models.CharField(_("display name"), max_length=80, blank=True)
    phone = models.CharField(_("office phone"), max_length=32, blank=True)
    is_api_only = models.BooleanField(_("API only"), default=False)

    class Meta:
        ordering = ["username"]

    def __str__(self) -> str:
        return self.display_name or self.username

    def has_role(self, *roles: str) -> bool:
        return any(role in self.roles for role in roles)

    @property
    def jurisdiction(self) -> str | None:
        return self.agency.division_id if self.agency_id else None  # type: ignore[union-attr]

    @property
    def scope_prefix(self) -> str | None:
        code = self.jurisdiction
        return None if code is None else scope_prefix(code)

    @property
    def is_police(self) -> bool:
        return bool(self.agency_id and self.agency.is_police and self.has_role(*POLICE_ROLES))  # type: ignore[union-attr]

    @property
    def is_dna_staff(self) -> bool:
        return self.is_police and self.has_role(*DNA_ROLES)

    def role_labels(self) -> list[str]:
        labels = dict(Role.choices)
        return [str(labels.get(r, r)) for r in self.roles]


class ApiTokenKind(models.TextChoices):
    PERSONAL = "personal", _("personal token")
    PARTNER = "partner", _("partner key")


class ApiToken(models.Model):
    """A bearer credential. Only a SHA-256 of the secret is stored; the secret is shown once."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    kind = models.CharField(max_length=10, choices=ApiTokenKind.choices, default=ApiTokenKind.PERSONAL)
    name = models.CharField(_("name"), max_length=80)
    prefix = models.CharField(max_length=12, unique=True)
    secret_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    expires_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix})"

    @property
    def is_active(self) -> bool:
        now = timezone.now()
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > now)

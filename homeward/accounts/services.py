"""Writes of agencies, users, TOTP devices and API tokens. Each is audited in its own transaction."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from homeward.access.selectors import in_jurisdiction
from homeward.accounts.models import Agency, ApiToken, ApiTokenKind, User
from homeward.accounts.roles import ROLE_AGENCY_TYPES, AgencyType, Role
from homeward.audit import services as audit
from homeward.audit.models import AuditAction
from homeward.regions.selectors import division_require

TOKEN_PREFIX = "hw"  # noqa: S105 - a public marker of Homeward tokens, not a secret


def _require_admin(actor: Any, division_code: str) -> None:
    """System administrators manage agencies and users in their own jurisdiction and below."""
    if not (actor.has_role(Role.SYSADMIN) and in_jurisdiction(actor, division_code)):
        audit.record(actor=actor, action=AuditAction.PERMISSION_DENIED, object_type="accounts", detail={})
        raise PermissionDenied(_("Only a system administrator of this jurisdiction can do this."))


@transaction.atomic
def agency_create(
    *, actor: Any, name: str, type: str, division_code: str, name_en: str = "", is_national: bool = False
) -> Agency:
    division = division_require(division_code)
    if actor is not None:
        _require_admin(actor, division.code)
    if type not in AgencyType.values:
        raise ValidationError({"type": [_("Unknown agency type %(type)r.") % {"type": type}]})
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": [_("An agency needs a name.")]})
    if Agency.objects.filter(division=division, name=name).exists():
        raise ValidationError({"name": [_("An agency of this name already exists in this division.")]})
    agency = Agency.objects.create(
        name=name, name_en=name_en, type=type, division=division, is_national=is_national
    )
    audit.record(actor=actor, action=AuditAction.CREATE, obj=agency, actor_label="" if actor else "system")
    return agency


@transaction.atomic
def agency_update(*, actor: Any, agency_id: int, name: str, name_en: str, is_active: bool) -> Agency:
    agency = Agency.objects.select_for_update().get(pk=agency_id)
    _require_admin(actor, agency.division_id)
    agency.name = name.strip() or agency.name
    agency.name_en = name_en.strip()
    agency.is_active = is_active
    agency.save(update_fields=["name", "name_en", "is_active"])
    audit.record(actor=actor, action=AuditAction.UPDATE, obj=agency)
    return agency


def validate_roles(roles: list[str], agency: Agency) -> list[str]:
    errors = []
    for role in roles:
        if role not in Role.values:
            errors.append(_("Unknown role %(role)r.") % {"role": role})
            continue
        allowed = ROLE_AGENCY_TYPES.get(role)
        if allowed is not None and agency.type not in allowed:
            errors.append(
                _("The role %(role)s cannot be held by a %(type)s.")
                % {"role": Role(role).label, "type": AgencyType(agency.type).label}
            )
    if Role.CASE_LEADER in roles and agency.division_id == settings.NATIONAL_DIVISION_CODE:
        pass  # national police leaders qualify: "county level or higher"
    if errors:
        raise ValidationError({"roles": errors})
    return sorted(set(roles))


@dataclass
class NewUser:
    user: User
    totp_secret_hex: str
    totp_config_url: str


@transaction.atomic
def user_create(
    *,
    actor: Any,
    username: str,
    password: str | None,
    agency: Agency,
    roles: list[str],
    display_name: str = "",
    email: str = "",
    totp_key_hex: str | None = None,
    api_only: bool = False,
) -> NewUser:
    """Create a staff user with a TOTP device (or an API-only service account for a partner platform)."""
    if actor is not None:
        _require_admin(actor, agency.division_id)
    username = (username or "").strip()
    if not username or len(username) > 150:
        raise ValidationError({"username": [_("A username of 1 to 150 characters is required.")]})
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationError({"username": [_("This username is taken.")]})
    clean_roles = validate_roles(roles, agency)
    if not clean_roles:
        raise ValidationError({"roles": [_("A user needs at least one role.")]})
    user = User(
        username=username,
        agency=agency,
        roles=clean_roles,
        display_name=display_name,
        email=email,
        is_api_only=api_only,
    )
    if api_only or password is None:
        user.set_unusable_password()
    else:
        validate_password(password, user)
        user.set_password(password)
    user.save()
    device = TOTPDevice(user=user, name="default", confirmed=True)
    if totp_key_hex:
        device.key = totp_key_hex
    device.save()
    audit.record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=user,
        detail={"roles": clean_roles, "agency": agency.pk},
        actor_label="" if actor else "system",
    )
    return NewUser(user=user, totp_secret_hex=device.key, totp_config_url=device.config_url)


@transaction.atomic
def user_update(*, actor: Any, user_id: int, roles: list[str], display_name: str, is_active: bool) -> User:
    user = User.objects.select_for_update().select_related("agency").get(pk=user_id)
    if user.agency is None:
        raise PermissionDenied
    _require_admin(actor, user.agency.division_id)
    if user.pk == actor.pk and not is_active:
        raise ValidationError({"is_active": [_("You cannot deactivate yourself.")]})
    user.roles = validate_roles(roles, user.agency)
    user.display_name = display_name
    user.is_active = is_active
    user.save(update_fields=["roles", "display_name", "is_active"])
    audit.record(
        actor=actor, action=AuditAction.UPDATE, obj=user, detail={"roles": user.roles, "active": is_active}
    )
    return user


@transaction.atomic
def user_reset_totp(*, actor: Any, user_id: int) -> str:
    """A new TOTP secret for a user who lost their device; returns the otpauth:// URL to hand over."""
    user = User.objects.select_related("agency").get(pk=user_id)
    if user.agency is None:
        raise PermissionDenied
    _require_admin(actor, user.agency.division_id)
    TOTPDevice.objects.filter(user=user).delete()
    device = TOTPDevice.objects.create(user=user, name="default", confirmed=True)
    audit.record(actor=actor, action=AuditAction.UPDATE, obj=user, detail={"totp": "reset"})
    return str(device.config_url)


def _hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


@dataclass
class IssuedToken:
    token: ApiToken
    plaintext: str  # shown once, never stored


@transaction.atomic
def token_create(
    *, actor: Any, name: str, owner: User | None = None, kind: str = ApiTokenKind.PERSONAL, mfa_verified: bool
) -> IssuedToken:
    """Issue a bearer token. Staff tokens need an MFA-verified session; partner keys are issued by an administrator."""
    name = (name or "").strip()[:80]
    if not name:
        raise ValidationError({"name": [_("Give the token a name, e.g. the script that uses it.")]})
    if not mfa_verified:
        raise PermissionDenied(_("API tokens can only be created after logging in with a one-time code."))
    if kind == ApiTokenKind.PERSONAL:
        owner = actor
        expires_at = timezone.now() + settings.API_TOKEN_LIFETIME
        if actor.is_api_only:
            raise PermissionDenied
    else:
        if owner is None or not owner.is_api_only or not owner.has_role(Role.PARTNER_PLATFORM):
            raise ValidationError(
                {"owner": [_("Partner keys belong to a partner platform's service account.")]}
            )
        _require_admin(actor, owner.agency.division_id)  # type: ignore[union-attr]
        expires_at = None
    prefix = secrets.token_hex(4)
    secret = secrets.token_urlsafe(32)
    assert owner is not None
    token = ApiToken.objects.create(
        user=owner,
        kind=kind,
        name=name,
        prefix=prefix,
        secret_hash=_hash_secret(secret),
        created_by=actor,
        expires_at=expires_at,
    )
    audit.record(actor=actor, action=AuditAction.CREATE, obj=token, detail={"kind": kind, "owner": owner.pk})
    return IssuedToken(token=token, plaintext=f"{TOKEN_PREFIX}_{prefix}_{secret}")


@transaction.atomic
def token_revoke(*, actor: Any, token_id: int) -> ApiToken:
    token = ApiToken.objects.select_for_update(of=("self",)).select_related("user__agency").get(pk=token_id)
    if token.user_id != actor.pk:
        _require_admin(actor, token.user.agency.division_id if token.user.agency else "")
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit.record(actor=actor, action=AuditAction.REVOKE, obj=token)
    return token


def token_authenticate(raw: str) -> User | None:
    """The user a bearer token stands for, or None. Constant-time comparison of the hash."""
    parts = (raw or "").split("_", 2)  # the secret itself may contain "_"
    if len(parts) != 3 or parts[0] != TOKEN_PREFIX:
        return None
    token = ApiToken.objects.select_related("user__agency").filter(prefix=parts[1]).first()
    if token is None or not token.is_active or not token.user.is_active:
        return None
    if not secrets.compare_digest(token.secret_hash, _hash_secret(parts[2])):
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=1):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user

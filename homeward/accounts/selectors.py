"""Reads of agencies and users for administration: an administrator sees their jurisdiction and below."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from homeward.access.selectors import user_scope_prefix
from homeward.accounts.models import Agency, ApiToken, User


def agencies_visible(*, actor: Any) -> QuerySet[Agency]:
    prefix = user_scope_prefix(actor)
    if prefix is None:
        return Agency.objects.none()
    return Agency.objects.filter(division__code__startswith=prefix).select_related("division")


def users_visible(*, actor: Any) -> QuerySet[User]:
    prefix = user_scope_prefix(actor)
    if prefix is None:
        return User.objects.none()
    return User.objects.filter(agency__division__code__startswith=prefix).select_related("agency")


def user_get_for_admin(*, actor: Any, user_id: Any) -> User:
    user = users_visible(actor=actor).filter(pk=user_id).first() if str(user_id).isdigit() else None
    if user is None:
        raise Http404("Not found")
    return user


def tokens_of(*, user: Any) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(user=user)

"""What every staff page's navigation needs: the user's sections and unread notices."""

from __future__ import annotations

from functools import cache
from importlib import import_module
from importlib.util import find_spec
from types import ModuleType
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _

from homeward.accounts.roles import Role
from homeward.people.rules import PEOPLE_ROLES


@cache
def _optional_module(name: str) -> ModuleType | None:
    return import_module(name) if find_spec(name) is not None else None


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or getattr(user, "is_api_only", True):
        return {}
    from homeward.notifications.services import unread_count

    items = [(_("Home"), reverse("core:staff-home"))]
    if user.has_role(*PEOPLE_ROLES):
        items.append((_("People"), reverse("people:list")))
    if user.has_role(Role.AUDITOR):
        items.append((_("Audit log"), reverse("audit:search")))
    if user.has_role(Role.SYSADMIN):
        items.append((_("Agencies"), reverse("accounts:agencies")))
        items.append((_("Users"), reverse("accounts:users")))
    for app in settings.HOMEWARD_DOMAIN_APPS:
        nav = _optional_module(f"homeward.{app}.nav")
        if nav is not None:
            items.extend(nav.nav_items(user))
    items.append((_("API tokens"), reverse("accounts:tokens")))
    return {"nav_items": items, "unread_notices": unread_count(user)}

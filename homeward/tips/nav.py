"""Menu entries of the tips app."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from homeward.accounts.roles import Role
from homeward.tips.rules import TIP_VIEW_ROLES


def nav_items(user: Any) -> list[tuple[str, str]]:
    items: list[tuple[str, str]] = []
    if user.has_perm("tips.view_tip"):
        items.append((_("Tips"), reverse("tips:queue")))
    if user.has_role(Role.MANDATORY_REPORTER):
        items.append((_("Mandatory reports"), reverse("tips:reports")))
    return items


__all__ = ["TIP_VIEW_ROLES", "nav_items"]

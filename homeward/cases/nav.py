"""Menu entries of the cases app."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from homeward.cases.rules import CASE_VIEW_ROLES, SUPERVISOR_ROLES


def nav_items(user: Any) -> list[tuple[str, str]]:
    items = []
    if user.has_perm("cases.view_case"):
        items.append((_("Cases"), reverse("cases:list")))
    if user.has_role(*CASE_VIEW_ROLES, *SUPERVISOR_ROLES) and user.has_perm("cases.view_supervision"):
        items.append((_("Supervision"), reverse("cases:board")))
    return items

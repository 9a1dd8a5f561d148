"""Menu entry of the plan app for roles that work on the plan."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from homeward.plan.rules import PLAN_ROLES


def nav_items(user: Any) -> list[tuple[str, str]]:
    if not user.has_role(*PLAN_ROLES):
        return []
    return [(_("Action plan"), reverse("plan:home"))]

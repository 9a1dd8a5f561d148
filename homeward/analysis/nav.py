"""Menu entries of the analysis app."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from homeward.analysis.rules import VIEW_ROLES


def nav_items(user: Any) -> list[tuple[str, str]]:
    if not user.has_role(*VIEW_ROLES):
        return []
    return [
        (_("Situation analysis"), reverse("analysis:dashboard")),
        (_("Warnings"), reverse("analysis:warnings")),
    ]

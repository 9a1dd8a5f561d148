"""Menu entries of the screening app."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _


def nav_items(user: Any) -> list[tuple[str, str]]:
    items: list[tuple[str, str]] = []
    if user.has_perm("screening.view_post"):
        items.append((_("Online screening"), reverse("screening:queue")))
    if user.has_perm("screening.retrain") and not user.has_perm("screening.view_post"):
        items.append((_("Screening models"), reverse("screening:models")))
    return items

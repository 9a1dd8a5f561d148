"""Menu entries of the alerts app."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _


def nav_items(user: Any) -> list[tuple[str, str]]:
    items: list[tuple[str, str]] = []
    if user.has_perm("alerts.view_alert"):
        items.append((_("Alerts"), reverse("alerts:list")))
        items.append((_("Sightings"), reverse("alerts:queue")))
    if user.has_perm("alerts.manage_partner"):
        items.append((_("Alert partners"), reverse("alerts:partners")))
    return items

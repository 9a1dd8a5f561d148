"""Menu entries of the portal app, for staff who work on its pages."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _


def nav_items(user: Any) -> list[tuple[str, str]]:
    items: list[tuple[str, str]] = []
    if user.has_perm("portal.handle_registration"):
        items.append((_("Family-search registrations"), reverse("portal:registrations")))
    if user.has_perm("portal.manage_sampling_point"):
        items.append((_("DNA sampling points"), reverse("portal:points")))
    if user.has_perm("portal.write_guidance") or user.has_perm("portal.publish_guidance"):
        items.append((_("Guidance pages"), reverse("portal:guidance")))
    return items

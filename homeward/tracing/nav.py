"""Menu entries of the tracing app."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _


def nav_items(user: Any) -> list[tuple[str, str]]:
    items = []
    if user.has_perm("tracing.view_record"):
        items.append((_("Family tracing"), reverse("tracing:home")))
    if user.has_perm("tracing.verify_registration"):
        items.append((_("Family-search registrations"), reverse("tracing:registrations")))
    return items

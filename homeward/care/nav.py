"""Menu entries of the care app: civil-affairs caseworkers, care-institution workers and women's federations."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from homeward.care.selectors import CARE_ROLES


def nav_items(user: Any) -> list[tuple[str, str]]:
    if not user.has_role(*CARE_ROLES):
        return []
    return [(_("Victim care"), reverse("care:list")), (_("Follow-up visits"), reverse("care:followups"))]

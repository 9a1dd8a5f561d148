"""Menu entry of the dna app: police DNA staff only."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _


def nav_items(user: Any) -> list[tuple[str, str]]:
    if getattr(user, "is_dna_staff", False):
        return [(_("DNA database"), reverse("dna:home"))]
    return []

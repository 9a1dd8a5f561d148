"""Counts of the tips app for the plan and analysis apps (the contract is in `homeward.core.indicators`).

`events(name, prefix=, start=, end=)` yields one (division code of the place, time) pair per counted fact, for
tips whose jurisdiction starts with `prefix` and whose time falls in [start, end).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from django.utils.translation import gettext_lazy as _

from homeward.tips.selectors import indicator_events

INDICATORS = {
    "tips_received": _("Tips received from the public"),
    "mandatory_reports": _("Mandatory reports received"),
    "imminent_danger_tips": _("Tips reporting imminent danger"),
    "tips_acknowledged_late": _("Tips acknowledged after the deadline (or not yet, deadline passed)"),
    "tips_converted": _("Tips converted into cases"),
    "tips_transferred": _("Tips transferred to another jurisdiction"),
    "rewards_paid": _("Informant rewards paid"),
}


def events(name: str, *, prefix: str, start: datetime, end: datetime) -> Iterable[tuple[str, datetime]]:
    return indicator_events(name, prefix=prefix, start=start, end=end)

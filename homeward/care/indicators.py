"""Counts of the care app for the plan and analysis apps (contract: `homeward.core.indicators`)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, time, timedelta
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from homeward.care.models import CareRecord, FollowUp, Placement, Reunion

INDICATORS: dict[str, Any] = {
    "victims_assisted": _("Victims assisted"),
    "victims_placed": _("Victims placed"),
    "victims_reunited": _("Victims reunited"),
    "followups_on_time": _("Follow-up visits on time"),
}


def _dated(
    rows: Iterable[tuple[str, date | None]], start: datetime, end: datetime
) -> list[tuple[str, datetime]]:
    out = []
    for code, day in rows:
        if day is None:
            continue
        at = timezone.make_aware(datetime.combine(day, time.min))
        if start <= at < end:
            out.append((code, at))
    return out


def events(name: str, *, prefix: str, start: datetime, end: datetime) -> list[tuple[str, datetime]]:
    first, last = timezone.localdate(start), timezone.localdate(end)
    rows: Iterable[tuple[str, date | None]]
    if name == "victims_assisted":
        rows = CareRecord.objects.filter(
            jurisdiction__startswith=prefix, arrived_on__gte=first, arrived_on__lte=last
        ).values_list("jurisdiction", "arrived_on")
    elif name == "victims_placed":
        rows = Placement.objects.filter(
            record__jurisdiction__startswith=prefix, start_on__gte=first, start_on__lte=last
        ).values_list("record__jurisdiction", "start_on")
    elif name == "victims_reunited":
        rows = Reunion.objects.filter(
            record__jurisdiction__startswith=prefix, handed_over_on__gte=first, handed_over_on__lte=last
        ).values_list("record__jurisdiction", "handed_over_on")
    elif name == "followups_on_time":
        rows = [
            (code, done)
            for code, done, due in FollowUp.objects.filter(
                record__jurisdiction__startswith=prefix, done_on__gte=first, done_on__lte=last
            ).values_list("record__jurisdiction", "done_on", "due_on")
            if done is not None and done <= due + timedelta(days=7)
        ]
    else:
        return []
    return _dated(rows, start, end)

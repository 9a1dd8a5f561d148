"""Counts of the alerts app for the plan and analysis apps (see homeward.core.indicators)."""

from __future__ import annotations

from datetime import datetime

from django.utils.translation import gettext_lazy as _

from homeward.alerts.models import Alert, AlertStatus, Sighting

INDICATORS = {
    "alerts_released": _("Missing-child alerts released"),
    "alerts_found": _("Children found while an alert ran"),
    "alerts_false_reports": _("Alerts withdrawn as false reports"),
    "sightings": _("Public sightings received"),
}


def events(name: str, *, prefix: str, start: datetime, end: datetime) -> list[tuple[str, datetime]]:
    if name == "alerts_released":
        rows = Alert.objects.filter(
            jurisdiction__startswith=prefix, released_at__gte=start, released_at__lt=end
        )
        return list(rows.values_list("jurisdiction", "released_at"))
    if name in ("alerts_found", "alerts_false_reports"):
        status = AlertStatus.FOUND if name == "alerts_found" else AlertStatus.FALSE_REPORT
        rows = Alert.objects.filter(
            jurisdiction__startswith=prefix, status=status, closed_at__gte=start, closed_at__lt=end
        )
        return [(code, at) for code, at in rows.values_list("jurisdiction", "closed_at") if at is not None]
    if name == "sightings":
        sightings = Sighting.objects.filter(
            jurisdiction__startswith=prefix, created_at__gte=start, created_at__lt=end
        )
        return list(sightings.values_list("jurisdiction", "created_at"))
    return []

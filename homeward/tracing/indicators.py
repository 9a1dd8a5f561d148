"""Counts of the tracing app for the plan and analysis apps (contract: `homeward.core.indicators`)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.utils.translation import gettext_lazy as _

from homeward.tracing.models import Candidate, CandidateStatus, FoundPerson, MissingReport, ReportStatus

INDICATORS: dict[str, Any] = {
    "reports_filed": _("Missing-person reports filed"),
    "found_records": _("Found people registered"),
    "matches_confirmed": _("Tracing matches confirmed by DNA"),
}


def events(name: str, *, prefix: str, start: datetime, end: datetime) -> Iterable[tuple[str, datetime]]:
    if name == "reports_filed":
        rows = MissingReport.objects.exclude(status=ReportStatus.PENDING).filter(
            jurisdiction__startswith=prefix, created_at__gte=start, created_at__lt=end
        )
        return list(rows.values_list("jurisdiction", "created_at"))
    if name == "found_records":
        founds = FoundPerson.objects.exclude(status="pending").filter(
            jurisdiction__startswith=prefix, created_at__gte=start, created_at__lt=end
        )
        return list(founds.values_list("jurisdiction", "created_at"))
    if name == "matches_confirmed":
        matches = Candidate.objects.filter(
            status=CandidateStatus.CONFIRMED,
            jurisdiction__startswith=prefix,
            confirmed_at__gte=start,
            confirmed_at__lt=end,
        )
        return [
            (code, at) for code, at in matches.values_list("jurisdiction", "confirmed_at") if at is not None
        ]
    return []

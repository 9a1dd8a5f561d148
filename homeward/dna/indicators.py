"""Counts of the dna app for the plan and analysis apps (contract: `homeward.core.indicators`).

`searches_run`: finished database searches, dated when they finished, in the jurisdiction of the searched sample
(or of the laboratory that searched new families). `matches_confirmed`: countersigned matches, dated at the
countersignature, in the query child's jurisdiction. `children_cleared_for_registration`: children of unknown
origin and rescued children cleared for household registration.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from homeward.dna.models import Candidate, CandidateStatus, Sample, Search, SearchStatus

INDICATORS: dict[str, Any] = {
    "searches_run": _("DNA database searches run"),
    "matches_confirmed": _("DNA matches confirmed"),
    "children_cleared_for_registration": _(
        "Children cleared for household registration after DNA comparison"
    ),
}


def events(name: str, *, prefix: str, start: datetime, end: datetime) -> list[tuple[str, datetime]]:
    rows: QuerySet[Any]
    if name == "searches_run":
        rows = Search.objects.filter(status=SearchStatus.DONE, finished_at__gte=start, finished_at__lt=end)
        field = "finished_at"
    elif name == "matches_confirmed":
        rows = Candidate.objects.filter(
            status=CandidateStatus.CONFIRMED, countersigned_at__gte=start, countersigned_at__lt=end
        )
        field = "countersigned_at"
    elif name == "children_cleared_for_registration":
        rows = Sample.objects.filter(
            cleared_for_registration_at__gte=start, cleared_for_registration_at__lt=end
        )
        field = "cleared_for_registration_at"
    else:
        return []
    if prefix:
        rows = rows.filter(jurisdiction__startswith=prefix)
    return [(code, at) for code, at in rows.values_list("jurisdiction", field).order_by(field)]

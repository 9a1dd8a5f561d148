"""Redacted exports: the caseload CSV and stage statistics with small counts suppressed."""

from __future__ import annotations

import csv
import io
from typing import Any

from django.db import transaction

from homeward.audit import services as audit
from homeward.audit.models import AuditAction
from homeward.care.models import Stage
from homeward.care.selectors import care_record_list
from homeward.engines.hotspots import suppress

REDACTED = "***"


@transaction.atomic
def caseload_csv(*, actor: Any) -> str:
    """One row per visible record; names and ID numbers only on rows where the actor is the person's caseworker."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["record", "name", "id_number", "stage", "arrived_on", "institution", "caseworker"])
    count = 0
    for record in care_record_list(actor=actor, limit=10000):
        own = record.caseworker_id == actor.pk
        ids = [i.value for i in record.person.identifiers.all()]
        writer.writerow(
            [
                record.pk,
                record.person.primary_name if own else REDACTED,
                (ids[0] if ids else "") if own else REDACTED,
                record.stage,
                record.arrived_on.isoformat(),
                str(record.institution or ""),
                record.caseworker.get_username(),
            ]
        )
        count += 1
    audit.record(
        actor=actor, action=AuditAction.EXPORT, object_type="care.carerecord", detail={"rows": count}
    )
    return out.getvalue()


def stage_statistics(*, actor: Any) -> list[list[str]]:
    """Records per stage in the actor's view; counts under 5 (and what would reveal them) suppressed."""
    counts = dict.fromkeys(Stage.values, 0)
    for record in care_record_list(actor=actor, limit=100000):
        counts[record.stage] += 1
    return suppress(counts, threshold=5).to_rows()

"""Background re-matching (django-tasks). Tasks take ids and are idempotent: one candidate per pair, always."""

from __future__ import annotations

from django_tasks import task

from homeward.tracing import services


@task()
def rematch_found(found_id: int) -> None:
    """A new or changed found person against every open report nationwide."""
    services.found_rematch(found_id=found_id)


@task()
def rematch_report(report_id: int) -> None:
    """A new or changed report against every open found person."""
    services.report_rematch(report_id=report_id)

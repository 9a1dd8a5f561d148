"""Background work of the analysis app. Tasks take ids and are idempotent (see services)."""

from __future__ import annotations

from django_tasks import task


@task()
def run_hotspots(run_id: int) -> None:
    from homeward.analysis.services import hotspot_run_execute

    hotspot_run_execute(run_id=run_id)


@task()
def run_warning_scan(scan_id: int) -> None:
    from homeward.analysis.services import warning_scan_execute

    warning_scan_execute(scan_id=scan_id)

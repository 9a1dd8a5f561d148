"""The matcher's in-memory index of open missing-person reports, one per worker process, kept up to date.

Built once from the database, then brought up to date before each use by reading only the reports changed since
the last sync (with a window for transactions that committed late): changed reports replace their row, closed ones
leave. New fitted weights mean a rebuild. Nothing else in the app builds a `MatchIndex` of all reports.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.utils import timezone

from homeward.engines.linkage import DEFAULT_WEIGHTS, LinkageWeights, MatchIndex, RecordError
from homeward.tracing.adapters import missing_record
from homeward.tracing.models import MATCHABLE_REPORT, FittedWeights, MissingReport

LATE_COMMIT_WINDOW = timedelta(minutes=5)
_CHUNK = 2000


@dataclass
class WorkerIndex:
    weights_id: int | None
    index: MatchIndex
    versions: dict[int, int] = field(default_factory=dict)
    synced_at: datetime | None = None
    builds: int = 0


_STATE: dict[str, WorkerIndex] = {}
_LOCK = threading.Lock()


def active_weights() -> tuple[int | None, LinkageWeights]:
    row = FittedWeights.objects.filter(is_active=True).order_by("-created_at", "-pk").first()
    if row is None:
        return None, DEFAULT_WEIGHTS
    return row.pk, LinkageWeights.from_dict(row.weights)


def forget() -> None:
    """Drop the cached index (tests; a worker that wants a clean rebuild)."""
    with _LOCK:
        _STATE.clear()


def _apply(state: WorkerIndex, reports: list[MissingReport]) -> None:
    for report in reports:
        matchable = report.status in MATCHABLE_REPORT and report.person_id is not None
        if not matchable:
            if state.versions.pop(report.pk, None) is not None:
                state.index.remove(report.engine_id)
            continue
        if state.versions.get(report.pk) == report.version:
            continue
        try:
            record = missing_record(report)
        except RecordError:
            # Saved values are validated by the services; an unreadable old row is left out, not fatal.
            continue
        state.index.add(record)
        state.versions[report.pk] = report.version


def _changed_since(since: datetime | None) -> list[MissingReport]:
    rows = MissingReport.objects.select_related("person").prefetch_related("person__names").order_by("pk")
    if since is not None:
        rows = rows.filter(updated_at__gte=since - LATE_COMMIT_WINDOW)
    else:
        rows = rows.filter(status__in=MATCHABLE_REPORT, person__isnull=False)
    out: list[MissingReport] = []
    last = 0
    while True:
        chunk = list(rows.filter(pk__gt=last)[:_CHUNK])
        out.extend(chunk)
        if len(chunk) < _CHUNK:
            return out
        last = chunk[-1].pk


def report_index() -> MatchIndex:
    """The index of open reports, synced with the database now."""
    weights_id, weights = active_weights()
    with _LOCK:
        state = _STATE.get("reports")
        started = timezone.now()
        if state is None or state.weights_id != weights_id:
            state = WorkerIndex(weights_id, MatchIndex(weights), builds=(state.builds + 1 if state else 1))
            _apply(state, _changed_since(None))
        else:
            _apply(state, _changed_since(state.synced_at))
        state.synced_at = started
        _STATE["reports"] = state
        return state.index


def current_weights() -> LinkageWeights:
    return active_weights()[1]

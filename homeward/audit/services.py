"""Writing the audit trail. Every app records through `record(...)`, inside the transaction of the change.

Writers do not take a lock: `record` inserts the row without a chain position (seq, prev_hash and hash empty), so
audited writes run in parallel. Right after the writer's commit, `chain_pending` links the committed rows into the
hash chain in the order it finds them committed, under a lock held only for that short step; a periodic run
(`audit_tick`) chains anything a busy moment left behind. The database trigger lets a row be updated exactly once,
by that step, and only in its three chain columns.

One step links every committed pending row, whoever wrote it, so under load a process runs the after-commit step
at most once per `AUDIT_CHAIN_INTERVAL_MS` instead of after each of its commits: a commit that comes sooner leaves
its rows to the next step of any process (or to `audit_tick` when the writes stop).
"""

from __future__ import annotations

import logging
import math
import time
from typing import Any

from django.conf import settings
from django.db import connection, models, transaction
from django.utils import timezone

from homeward.audit import refusals
from homeward.audit.chain import GENESIS_HASH, HASHED_FIELDS, row_hash
from homeward.audit.models import AuditAction, AuditEvent, AuditOutcome
from homeward.core import context

log = logging.getLogger(__name__)

# Any constant works; it names the lock that serialises the chaining step on PostgreSQL.
_PG_LOCK_KEY = 7_214_400_413
CHAIN_BATCH = 2000
# A chaining step run after a request's commit stops after this many batches so that the request returns soon;
# whatever is left is chained by the next commit or the periodic run.
AFTER_COMMIT_BATCHES = 2


def _lock_chain(*, wait: bool) -> bool:
    """Take the chaining lock for the current transaction; False when `wait` is off and someone else holds it."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            if wait:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_PG_LOCK_KEY])
                return True
            cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [_PG_LOCK_KEY])
            row = cursor.fetchone()
            return bool(row and row[0])
    # SQLite runs write transactions one at a time (IMMEDIATE mode), which is the lock.
    return True


def _chain_batch(*, wait: bool, batch_size: int) -> int | None:
    """Chain up to `batch_size` committed pending rows; None when the lock was busy (and `wait` is off)."""
    with transaction.atomic():
        if not _lock_chain(wait=wait):
            return None
        head = (
            AuditEvent.objects.filter(seq__isnull=False).order_by("-seq").values_list("seq", "hash").first()
        )
        seq: int = (head[0] or 0) if head else 0
        prev_hash: str = (head[1] or GENESIS_HASH) if head else GENESIS_HASH
        names = [name for name in HASHED_FIELDS if name != "seq"]
        rows = list(
            AuditEvent.objects.filter(seq__isnull=True).order_by("id").values("id", *names)[:batch_size]
        )
        updates = []
        for row in rows:
            seq += 1
            row["seq"] = seq
            digest = row_hash(prev_hash, row)
            updates.append((seq, prev_hash, digest, row["id"]))
            prev_hash = digest
        if updates:
            with connection.cursor() as cursor:
                cursor.executemany(
                    "UPDATE audit_auditevent SET seq = %s, prev_hash = %s, hash = %s WHERE id = %s AND seq IS NULL",
                    updates,
                )
        return len(updates)


def chain_pending(*, wait: bool = True, batch_size: int = CHAIN_BATCH, max_batches: int | None = None) -> int:
    """Link committed rows that have no chain position yet into the chain, oldest insert first. Returns how many.

    With `wait=False` the step gives way when another process is chaining (that process, or the next step, picks
    these rows up). Rows of transactions still open are not visible and are chained after their commit."""
    total = 0
    batches = 0
    while max_batches is None or batches < max_batches:
        done = _chain_batch(wait=wait, batch_size=batch_size)
        batches += 1
        if not done:
            break
        total += done
        if done < batch_size:
            break
    return total


# When this process last ran the after-commit step (time.monotonic); threads of one process share it.
_last_after_commit = -math.inf
_clock = time.monotonic


def _chain_after_commit() -> None:
    global _last_after_commit
    interval = getattr(settings, "AUDIT_CHAIN_INTERVAL_MS", 0) / 1000
    now = _clock()
    if interval and now - _last_after_commit < interval:
        return  # a step ran moments ago; the next one (here or in another process) links these rows
    _last_after_commit = now
    try:
        chain_pending(wait=False, max_batches=AFTER_COMMIT_BATCHES)
    except Exception:  # the periodic run chains what this step could not; the caller's commit stands
        log.exception("chaining audit rows after commit failed; the periodic run will chain them")


def _schedule_chaining() -> None:
    if connection.in_atomic_block:
        if any(entry[1] is _chain_after_commit for entry in connection.run_on_commit):
            return
        transaction.on_commit(_chain_after_commit)
    else:
        _chain_after_commit()


def object_label(obj: models.Model) -> tuple[str, str]:
    return obj._meta.label_lower, str(obj.pk)


def record(
    *,
    actor: Any,
    action: str | AuditAction,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str | int = "",
    outcome: str | AuditOutcome = AuditOutcome.SUCCESS,
    purpose: str = "",
    detail: dict[str, Any] | None = None,
    actor_label: str = "",
) -> AuditEvent:
    """Append one audit row. `actor` may be None (the public, the system) with an `actor_label` to say who."""
    if str(action) == AuditAction.PERMISSION_DENIED:
        outcome = AuditOutcome.DENIED  # a refused permission is a denial, whatever the caller passed
    if obj is not None:
        object_type, object_id = object_label(obj)
    jurisdiction = str(getattr(obj, "jurisdiction", "") or "") if obj is not None else ""
    ctx = context.current()
    user = actor if getattr(actor, "pk", None) is not None else None
    fields: dict[str, Any] = {
        "at": timezone.now(),
        "actor_id": user.pk if user is not None else None,
        "actor_label": actor_label or (user.get_username() if user is not None else "anonymous"),
        "agency_id_at_time": getattr(user, "agency_id", None),
        "ip": ctx.ip,
        "user_agent": ctx.user_agent,
        "channel": ctx.channel,
        "request_id": ctx.request_id,
        "action": str(action),
        "object_type": object_type,
        "object_id": str(object_id),
        "jurisdiction": jurisdiction[:6],
        "outcome": str(outcome),
        "purpose": purpose[:200],
        "detail": detail or {},
    }
    return insert_row(fields)


def insert_row(fields: dict[str, Any]) -> AuditEvent:
    """Insert one row as `record` built it (also used to write a denial again after a rollback)."""
    refusals.note_denial(fields)
    event = AuditEvent(**fields)
    event.save(force_insert=True)
    _schedule_chaining()
    return event

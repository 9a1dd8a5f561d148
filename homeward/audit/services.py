"""Writing the audit trail. Every app records through `record(...)`, inside the transaction of the change."""

from __future__ import annotations

from typing import Any

from django.db import connection, models, transaction
from django.utils import timezone

from homeward.audit.chain import GENESIS_HASH, row_hash
from homeward.audit.models import AuditAction, AuditEvent, AuditOutcome
from homeward.core import context

# Any constant works; it names the lock that serialises chain appends on PostgreSQL.
_PG_LOCK_KEY = 7_214_400_413


def _lock_chain() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_PG_LOCK_KEY])
    # SQLite runs write transactions one at a time (IMMEDIATE mode), which is the lock.


def object_label(obj: models.Model) -> tuple[str, str]:
    return obj._meta.label_lower, str(obj.pk)


@transaction.atomic
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
    _lock_chain()
    last = AuditEvent.objects.order_by("-seq").values("seq", "hash").first()
    fields["seq"] = (last["seq"] + 1) if last else 1
    prev_hash = last["hash"] if last else GENESIS_HASH
    # Hash what the database will hand back: JSON round-trips and the timestamp at microsecond precision.
    event = AuditEvent(prev_hash=prev_hash, **fields)
    event.hash = row_hash(prev_hash, fields)
    event.save(force_insert=True)
    return event

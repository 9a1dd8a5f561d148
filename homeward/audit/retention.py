"""Audit retention: remove the oldest audit rows, never younger than the floor, and keep the chain verifiable.

Pruning removes a run of rows from the start of the chain, 1..N (or anchor+1..N after an earlier pruning). Before
deleting, it appends its own audit row (action `delete`, record type `audit.auditevent`) whose detail names the
last removed row's position and hash: the *anchor*. Verification starts from the newest such row's anchor instead
of the genesis hash, and because that row is itself part of the chain, the anchor cannot be changed unnoticed.

The database refuses deletions of audit rows (see migration 0002): on PostgreSQL the transaction sets
`homeward.audit_maintenance = 'on'` (SET LOCAL: it ends with the transaction); on SQLite, whose triggers have no
such switch, the transaction drops the delete triggers and re-creates them from their stored definition before it
commits (SQLite DDL is transactional and writers run one at a time, so no other writer ever sees them missing).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count, Max, Min
from django.utils import timezone

from homeward.audit import services
from homeward.audit.models import AuditAction, AuditEvent, AuditOutcome

PRUNE_OBJECT_TYPE = "audit.auditevent"
PRUNE_ACTOR = "system:prune_audit"


class RetentionError(Exception):
    """Pruning refused or failed; nothing was removed."""


@dataclass(frozen=True)
class Anchor:
    seq: int
    hash: str


@dataclass
class PrunePlan:
    cutoff: datetime
    older_than_days: int
    rows: int = 0
    first_seq: int | None = None
    last_seq: int | None = None
    anchor_hash: str = ""
    oldest_at: datetime | None = None
    newest_at: datetime | None = None


def floor_days() -> int:
    return int(getattr(settings, "AUDIT_RETENTION_DAYS", 365))


def current_anchor() -> Anchor | None:
    """Where the chain starts after pruning: the anchor named by the newest pruning row (None: genesis)."""
    row = (
        AuditEvent.objects.filter(
            action=AuditAction.DELETE, object_type=PRUNE_OBJECT_TYPE, outcome=AuditOutcome.SUCCESS
        )
        .order_by("-id")
        .values("detail")
        .first()
    )
    if row is None:
        return None
    detail: dict[str, Any] = row["detail"] or {}
    try:
        return Anchor(seq=int(detail["anchor_seq"]), hash=str(detail["anchor_hash"]))
    except (KeyError, TypeError, ValueError):
        return None


def plan(*, older_than_days: int, now: datetime | None = None) -> PrunePlan:
    """The rows a pruning would remove: the chained rows before the first one younger than the cutoff.

    The chain head (newest chained row) is always kept, so new rows keep linking to something."""
    cutoff = (now or timezone.now()) - timedelta(days=older_than_days)
    result = PrunePlan(cutoff=cutoff, older_than_days=older_than_days)
    chained = AuditEvent.objects.filter(seq__isnull=False)
    head = chained.order_by("-seq").values_list("seq", flat=True).first()
    if head is None:
        return result
    first_young = chained.filter(at__gte=cutoff).order_by("seq").values_list("seq", flat=True).first()
    keep_from = min(head, first_young) if first_young is not None else head
    stats = chained.filter(seq__lt=keep_from).aggregate(
        rows=Count("id"), first=Min("seq"), last=Max("seq"), oldest=Min("at"), newest=Max("at")
    )
    if not stats["rows"]:
        return result
    result.rows = stats["rows"]
    result.first_seq, result.last_seq = stats["first"], stats["last"]
    result.oldest_at, result.newest_at = stats["oldest"], stats["newest"]
    result.anchor_hash = str(chained.filter(seq=result.last_seq).values_list("hash", flat=True).get())
    return result


def _lock_chain() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [services._PG_LOCK_KEY])


def _delete_through(last_seq: int) -> int:
    """Delete chained rows up to `last_seq` past the append-only guard; the guard is back before commit."""
    sql = "DELETE FROM audit_auditevent WHERE seq IS NOT NULL AND seq <= %s"
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL homeward.audit_maintenance = 'on'")
            cursor.execute(sql, [last_seq])
            deleted = cursor.rowcount
            cursor.execute("SET LOCAL homeward.audit_maintenance = 'off'")
            return deleted
        if connection.vendor == "sqlite":
            cursor.execute(
                "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'audit_auditevent'"
            )
            guards = [(name, ddl) for name, ddl in cursor.fetchall() if "DELETE" in ddl.upper()]
            for name, _ddl in guards:
                cursor.execute(f'DROP TRIGGER "{name}"')
            cursor.execute(sql, [last_seq])
            deleted = cursor.rowcount
            for _name, ddl in guards:
                cursor.execute(ddl)
            return deleted
        raise RetentionError(f"pruning is not supported on {connection.vendor}")


def _verify() -> Any:
    from homeward.audit.verification import verify_chain

    return verify_chain()


def _chain_pending() -> None:
    chain = getattr(services, "chain_pending", None)
    if chain is not None:
        chain()


def prune(*, older_than_days: int, dry_run: bool = False, now: datetime | None = None) -> PrunePlan:
    """Remove audit rows older than `older_than_days` (never fewer days than the floor). Raises RetentionError."""
    floor = floor_days()
    if older_than_days < floor:
        raise RetentionError(
            f"refusing to prune rows younger than the retention floor: {older_than_days} days < "
            f"AUDIT_RETENTION_DAYS={floor}"
        )
    _chain_pending()
    before = _verify()
    if not before.ok:
        raise RetentionError(
            "the audit chain does not verify; pruning would destroy the evidence, nothing removed: "
            + "; ".join(before.problems[:5])
        )
    with transaction.atomic():
        _lock_chain()
        result = plan(older_than_days=older_than_days, now=now)
        if dry_run or not result.rows:
            return result
        assert result.last_seq is not None and result.first_seq is not None
        services.record(
            actor=None,
            actor_label=PRUNE_ACTOR,
            action=AuditAction.DELETE,
            object_type=PRUNE_OBJECT_TYPE,
            object_id=f"{result.first_seq}..{result.last_seq}",
            purpose=f"retention: rows older than {older_than_days} days",
            detail={
                "anchor_seq": result.last_seq,
                "anchor_hash": result.anchor_hash,
                "first_seq": result.first_seq,
                "rows": result.rows,
                "cutoff": result.cutoff.isoformat(),
                "older_than_days": older_than_days,
                "floor_days": floor,
            },
        )
        deleted = _delete_through(result.last_seq)
        if deleted != result.rows:
            raise RetentionError(f"expected to remove {result.rows} rows, the database removed {deleted}")
        during = _verify()
        if not during.ok:
            raise RetentionError(
                "the chain would not verify after pruning; rolled back: " + "; ".join(during.problems[:5])
            )
    _chain_pending()
    after = _verify()
    if not after.ok:
        raise RetentionError("the chain does not verify after pruning: " + "; ".join(after.problems[:5]))
    return result

"""Verification of the audit hash chain: finds altered, inserted and deleted rows.

Rows not chained yet (seq empty: written by a transaction that committed moments ago, before the chaining step
ran) are counted as pending, never as a break; `chain_pending` links them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from homeward.audit.chain import GENESIS_HASH, HASHED_FIELDS, row_hash
from homeward.audit.models import AuditCheckpoint, AuditEvent
from homeward.audit.retention import current_anchor


@dataclass
class ChainReport:
    rows: int = 0
    pending: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def verify_chain(*, batch_size: int = 5000) -> ChainReport:
    report = ChainReport()
    # After a pruning (audit/retention.py) the chain starts at the anchor its audit row names, not at genesis.
    anchor = current_anchor()
    prev_hash = anchor.hash if anchor else GENESIS_HASH
    expected_seq = anchor.seq + 1 if anchor else 1
    values = ("seq", "prev_hash", "hash", *[f for f in HASHED_FIELDS if f != "seq"])
    chained = AuditEvent.objects.filter(seq__isnull=False).order_by("seq").values(*values)
    if anchor is not None:
        chained = chained.filter(seq__gt=anchor.seq)
    for row in chained.iterator(chunk_size=batch_size):
        report.rows += 1
        seq = row["seq"]
        if seq != expected_seq:
            report.problems.append(f"rows {expected_seq}..{seq - 1} are missing (deleted)")
        if row["prev_hash"] != prev_hash:
            report.problems.append(f"row {seq}: does not link to the row before it")
        if row["hash"] is None or row_hash(row["prev_hash"], row) != row["hash"]:
            report.problems.append(f"row {seq}: contents were altered after it was written")
        prev_hash = row["hash"]
        expected_seq = seq + 1
    report.pending = AuditEvent.objects.filter(seq__isnull=True).count()
    half_chained = AuditEvent.objects.filter(seq__isnull=True).exclude(
        hash__isnull=True, prev_hash__isnull=True
    )
    for event_id in half_chained.values_list("id", flat=True)[:20]:
        report.problems.append(f"row id {event_id}: has a hash but no chain position (altered)")
    checkpoint = AuditCheckpoint.objects.first()
    if checkpoint is not None and (anchor is None or checkpoint.last_seq > anchor.seq):
        kept = AuditEvent.objects.filter(seq=checkpoint.last_seq).values_list("hash", flat=True).first()
        if kept is None:
            report.problems.append(
                f"row {checkpoint.last_seq}, the chain head at the last verification, is gone (rows cut from the end)"
            )
        elif kept != checkpoint.last_hash:
            report.problems.append(f"row {checkpoint.last_seq}: differs from the last verification")
    return report


def save_checkpoint() -> None:
    last = AuditEvent.objects.filter(seq__isnull=False).order_by("-seq").values_list("seq", "hash").first()
    if last and last[0] is not None and last[1] is not None:
        AuditCheckpoint.objects.create(last_seq=last[0], last_hash=last[1])

"""Audit retention: `prune_audit` removes only rows older than the floor and leaves a chain that still verifies."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from homeward.audit import retention, services
from homeward.audit.models import AuditAction, AuditCheckpoint, AuditEvent
from homeward.audit.verification import verify_chain

pytestmark = pytest.mark.django_db


def _chain_pending() -> None:
    chain = getattr(services, "chain_pending", None)
    if chain is not None:
        chain()


def _rows_at(when, n: int, label: str) -> None:
    with time_machine.travel(when, tick=False):
        for i in range(n):
            services.record(
                actor=None, actor_label=label, action=AuditAction.READ, object_type="x", object_id=str(i)
            )
    _chain_pending()


def _history(now):
    """Five rows written 500 days ago, three 400 days ago, two 100 days ago, two today."""
    _rows_at(now - timedelta(days=500), 5, "old")
    _rows_at(now - timedelta(days=400), 3, "older-than-a-year")
    _rows_at(now - timedelta(days=100), 2, "recent")
    _rows_at(now, 2, "today")


def _labels() -> list[str]:
    return list(AuditEvent.objects.order_by("id").values_list("actor_label", flat=True))


def test_prunes_only_rows_older_than_the_floor_and_the_chain_still_verifies(capsys):
    now = timezone.now()
    _history(now)
    before = AuditEvent.objects.count()
    call_command("prune_audit")  # default: the floor, 365 days
    out = capsys.readouterr().out
    assert "removed 8 audit rows" in out and "chain OK" in out
    labels = _labels()
    assert "old" not in labels and "older-than-a-year" not in labels
    assert labels.count("recent") == 2 and labels.count("today") == 2
    assert AuditEvent.objects.count() == before - 8 + 1  # its own audit row
    report = verify_chain()
    assert report.ok, report.problems
    call_command("verify_audit_chain")


def test_the_pruning_writes_its_own_audit_row_naming_the_anchor():
    now = timezone.now()
    _history(now)
    last_old = AuditEvent.objects.filter(actor_label="older-than-a-year").order_by("-seq").first()
    assert last_old is not None and last_old.seq is not None and last_old.hash is not None
    retention.prune(older_than_days=365)
    _chain_pending()
    row = AuditEvent.objects.get(action=AuditAction.DELETE, object_type="audit.auditevent")
    assert row.actor_label == retention.PRUNE_ACTOR
    assert row.detail["anchor_seq"] == last_old.seq and row.detail["anchor_hash"] == last_old.hash
    assert row.detail["rows"] == 8 and row.detail["floor_days"] == 365
    assert retention.current_anchor() == retention.Anchor(seq=last_old.seq, hash=last_old.hash)


def test_refuses_to_prune_younger_than_the_floor_even_if_asked(capsys):
    now = timezone.now()
    _history(now)
    before = AuditEvent.objects.count()
    with pytest.raises(CommandError, match="retention floor"):
        call_command("prune_audit", "--older-than", "30")
    assert AuditEvent.objects.count() == before


@pytest.mark.parametrize("bad", ["0", "-5", "a year"])
def test_bad_older_than_is_a_clear_error(bad):
    with pytest.raises(CommandError, match="older-than"):
        call_command("prune_audit", "--older-than", bad)


def test_a_longer_period_than_the_floor_prunes_less(settings):
    now = timezone.now()
    _history(now)
    call_command("prune_audit", "--older-than", "450")
    labels = _labels()
    assert "old" not in labels and labels.count("older-than-a-year") == 3
    assert verify_chain().ok


def test_the_floor_setting_is_respected(settings):
    settings.AUDIT_RETENTION_DAYS = 450
    now = timezone.now()
    _history(now)
    with pytest.raises(CommandError, match="AUDIT_RETENTION_DAYS=450"):
        call_command("prune_audit", "--older-than", "365")
    call_command("prune_audit")
    assert "old" not in _labels() and _labels().count("older-than-a-year") == 3


def test_dry_run_changes_nothing(capsys):
    now = timezone.now()
    _history(now)
    before = _labels()
    call_command("prune_audit", "--dry-run")
    assert "would remove 8 audit rows" in capsys.readouterr().out
    assert _labels() == before


def test_nothing_old_enough_prunes_nothing(capsys):
    _rows_at(timezone.now() - timedelta(days=10), 3, "young")
    call_command("prune_audit")
    assert "nothing to prune" in capsys.readouterr().out
    assert not AuditEvent.objects.filter(action=AuditAction.DELETE).exists()


def test_a_second_pruning_a_year_later_starts_from_the_first_anchor():
    now = timezone.now()
    _history(now)
    retention.prune(older_than_days=365)
    call_command("verify_audit_chain", "--checkpoint")
    later = now + timedelta(days=400)
    _rows_at(later, 2, "next-year")
    with time_machine.travel(later, tick=False):
        result = retention.prune(older_than_days=365)
    _chain_pending()
    # The first pruning's own row was older than a year by then: it went too, the second one names the new anchor.
    assert result.rows >= 5
    assert _labels().count("next-year") == 2 and "recent" not in _labels()
    assert AuditEvent.objects.filter(action=AuditAction.DELETE, object_type="audit.auditevent").count() == 1
    assert AuditCheckpoint.objects.exists()  # the checkpoint below the anchor does not count as rows cut
    report = verify_chain()
    assert report.ok, report.problems


def test_a_broken_chain_is_not_pruned():
    now = timezone.now()
    _history(now)
    victim = AuditEvent.objects.filter(actor_label="recent").order_by("seq").first()
    assert victim is not None
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("ALTER TABLE audit_auditevent DISABLE TRIGGER USER")
            cursor.execute("UPDATE audit_auditevent SET actor_label = 'forged' WHERE id = %s", [victim.pk])
            cursor.execute("ALTER TABLE audit_auditevent ENABLE TRIGGER USER")
        else:
            cursor.execute("DROP TRIGGER audit_event_no_update")
            cursor.execute("UPDATE audit_auditevent SET actor_label = 'forged' WHERE id = %s", [victim.pk])
    before = AuditEvent.objects.count()
    with pytest.raises(CommandError, match="does not verify"):
        call_command("prune_audit")
    assert AuditEvent.objects.count() == before


def test_a_forged_anchor_does_not_hide_deleted_rows():
    """Deleting old rows by hand is still caught: no pruning row in the chain vouches for the gap."""
    now = timezone.now()
    _history(now)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL homeward.audit_maintenance = 'on'")
            cursor.execute("DELETE FROM audit_auditevent WHERE actor_label = 'old'")
            cursor.execute("SET LOCAL homeward.audit_maintenance = 'off'")
        else:
            cursor.execute("DROP TRIGGER audit_event_no_delete")
            cursor.execute("DELETE FROM audit_auditevent WHERE actor_label = 'old'")
    assert not verify_chain().ok


def test_append_only_guard_is_back_after_pruning():
    now = timezone.now()
    _history(now)
    retention.prune(older_than_days=365)
    event = AuditEvent.objects.filter(seq__isnull=False).order_by("seq").first()
    assert event is not None
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("DELETE FROM audit_auditevent WHERE id = %s", [event.pk])
    assert AuditEvent.objects.filter(pk=event.pk).exists()

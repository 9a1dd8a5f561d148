"""The audit log: one row per audited action, append-only, and a hash chain that exposes tampering."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction

from conftest import COUNTY_A
from homeward.audit import services
from homeward.audit.models import AppendOnlyError, AuditAction, AuditEvent
from homeward.audit.verification import verify_chain
from homeward.people.selectors import person_get, person_list
from homeward.people.services import PersonData, person_update

pytestmark = pytest.mark.django_db


def _tamper(sql: str, params: list) -> None:
    """What an attacker with database access would do: bypass the trigger, then change rows."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # no pending FK checks may block ALTER TABLE
            cursor.execute("ALTER TABLE audit_auditevent DISABLE TRIGGER USER")
            cursor.execute(sql, params)
            cursor.execute("ALTER TABLE audit_auditevent ENABLE TRIGGER USER")
        else:
            cursor.execute("DROP TRIGGER audit_event_no_update")
            cursor.execute("DROP TRIGGER audit_event_no_delete")
            cursor.execute(sql, params)


def test_each_audited_action_writes_exactly_one_row(personas, person_in, audit_rows):
    actor = personas.investigator_a
    with audit_rows() as created:
        person = person_in(actor, COUNTY_A)
    with audit_rows() as read:
        person_get(actor=actor, person_id=person.pk)
    with audit_rows() as searched:
        list(person_list(actor=actor, query="陈"))
    with audit_rows() as updated:
        person_update(
            actor=actor,
            person_id=person.pk,
            data=PersonData(jurisdiction=COUNTY_A, names=[("陈明", "legal")]),
        )
    assert [e.action for e in created.new] == [AuditAction.CREATE]
    assert [e.action for e in read.new] == [AuditAction.READ]
    assert [e.action for e in searched.new] == [AuditAction.SEARCH]
    assert [e.action for e in updated.new] == [AuditAction.UPDATE]
    event = updated.new[0]
    assert event.actor == actor and event.object_type == "people.person" and event.object_id == str(person.pk)
    assert event.jurisdiction == COUNTY_A


def test_failed_write_leaves_no_audit_row_and_no_record(personas, audit_rows):
    from django.core.exceptions import ValidationError

    from homeward.people.models import Person
    from homeward.people.services import person_create

    with audit_rows() as rows, pytest.raises(ValidationError):
        person_create(actor=personas.investigator_a, data=PersonData(jurisdiction=COUNTY_A, phones=["12345"]))
    assert rows.new == [] and not Person.objects.exists()


def test_chain_verifies_when_untouched(personas, person_in, capsys):
    person_in(personas.investigator_a, COUNTY_A)
    call_command("verify_audit_chain", "--chain-first")
    out = capsys.readouterr().out
    assert "audit chain OK" in out and "0 pending" in out


def test_raw_sql_change_is_detected(personas, person_in):
    person_in(personas.investigator_a, COUNTY_A)
    services.record(actor=personas.investigator_a, action=AuditAction.READ, object_type="x", object_id="1")
    services.chain_pending()
    target = AuditEvent.objects.order_by("seq").first()
    assert target is not None
    _tamper("UPDATE audit_auditevent SET actor_label = %s WHERE seq = %s", ["someone-else", target.seq])
    with pytest.raises(CommandError, match="BROKEN"):
        call_command("verify_audit_chain")


def test_raw_sql_delete_in_the_middle_is_detected(personas, person_in):
    for _ in range(3):
        services.record(
            actor=personas.investigator_a, action=AuditAction.READ, object_type="x", object_id="1"
        )
    services.chain_pending()
    middle = AuditEvent.objects.order_by("seq")[1]
    _tamper("DELETE FROM audit_auditevent WHERE seq = %s", [middle.seq])
    with pytest.raises(CommandError, match="BROKEN"):
        call_command("verify_audit_chain")


def test_rows_cut_from_the_end_are_detected_after_a_checkpoint(personas):
    for _ in range(3):
        services.record(
            actor=personas.investigator_a, action=AuditAction.READ, object_type="x", object_id="1"
        )
    call_command("verify_audit_chain", "--chain-first", "--checkpoint")
    last = AuditEvent.objects.order_by("-seq").first()
    assert last is not None
    _tamper("DELETE FROM audit_auditevent WHERE seq = %s", [last.seq])
    with pytest.raises(CommandError, match="BROKEN"):
        call_command("verify_audit_chain")


def test_orm_cannot_update_or_delete(personas):
    event = services.record(
        actor=personas.investigator_a, action=AuditAction.READ, object_type="x", object_id="1"
    )
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=event.pk).update(actor_label="x")
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.all().delete()


def test_database_trigger_refuses_raw_update_and_delete(personas):
    event = services.record(
        actor=personas.investigator_a, action=AuditAction.READ, object_type="x", object_id="1"
    )
    for sql in (
        "UPDATE audit_auditevent SET actor_label = 'x' WHERE id = %s",
        "DELETE FROM audit_auditevent WHERE id = %s",
    ):
        with (
            pytest.raises(DatabaseError, match="append-only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(sql, [event.pk])
    assert AuditEvent.objects.get(pk=event.pk).actor_label == "inv_a"


def test_sequence_and_links(personas):
    first = services.record(actor=None, actor_label="system", action=AuditAction.CREATE, object_type="x")
    second = services.record(actor=None, actor_label="system", action=AuditAction.CREATE, object_type="x")
    services.chain_pending()
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.seq is not None and second.seq == first.seq + 1 and second.prev_hash == first.hash


def test_writers_leave_rows_pending_and_the_verifier_does_not_call_that_broken(personas):
    services.record(actor=None, actor_label="system", action=AuditAction.CREATE, object_type="x")
    services.chain_pending()
    pending = services.record(actor=None, actor_label="system", action=AuditAction.CREATE, object_type="x")
    assert (pending.seq, pending.prev_hash, pending.hash) == (None, None, None)
    report = verify_chain()
    assert report.ok and report.pending == 1
    assert services.chain_pending() == 1 and services.chain_pending() == 0
    pending.refresh_from_db()
    report = verify_chain()
    assert report.ok and report.pending == 0 and pending.seq == report.rows


def test_chaining_runs_right_after_the_writers_commit(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks, transaction.atomic():
        first = services.record(actor=None, actor_label="system", action=AuditAction.CREATE, object_type="x")
        second = services.record(actor=None, actor_label="system", action=AuditAction.CREATE, object_type="x")
        first.refresh_from_db()
        assert first.seq is None  # not before the commit
    assert len(callbacks) == 1  # one chaining step per transaction, however many rows it wrote
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.seq is not None and second.seq == first.seq + 1 and second.prev_hash == first.hash


def _write_and_commit(label: str) -> AuditEvent:
    """One audited write and what runs after its commit (the test's own transaction never commits)."""
    event = services.record(actor=None, actor_label=label, action=AuditAction.CREATE, object_type="x")
    services._chain_after_commit()
    event.refresh_from_db()
    return event


def test_under_load_a_process_chains_after_commit_at_most_once_per_interval(settings, monkeypatch):
    """Commits that follow a chaining step within AUDIT_CHAIN_INTERVAL_MS leave their rows to the next step, which
    links them with its own; nothing is lost and the chain verifies, pending rows included."""
    settings.AUDIT_CHAIN_INTERVAL_MS = 100
    clock = [1000.0]
    monkeypatch.setattr(services, "_clock", lambda: clock[0])
    monkeypatch.setattr(services, "_last_after_commit", float("-inf"))
    first = _write_and_commit("first")
    assert first.seq is not None  # the first commit chains at once
    clock[0] += 0.05
    second = _write_and_commit("second")
    clock[0] += 0.04
    third = _write_and_commit("third")
    assert second.seq is None and third.seq is None  # within the interval: left pending
    report = verify_chain()
    assert report.ok and report.pending == 2
    clock[0] += 0.02  # 110 ms after the last step
    fourth = _write_and_commit("fourth")
    second.refresh_from_db()
    third.refresh_from_db()
    assert [second.seq, third.seq, fourth.seq] == [first.seq + 1, first.seq + 2, first.seq + 3]
    report = verify_chain()
    assert report.ok and report.pending == 0


def test_rows_left_by_coalescing_are_chained_by_audit_tick(settings, monkeypatch):
    settings.AUDIT_CHAIN_INTERVAL_MS = 100
    monkeypatch.setattr(services, "_clock", lambda: 5.0)
    monkeypatch.setattr(services, "_last_after_commit", 4.99)  # a step ran 10 ms ago in this process
    last = _write_and_commit("last")
    assert last.seq is None and verify_chain().ok
    call_command("audit_tick", verbosity=0)
    last.refresh_from_db()
    assert last.seq is not None
    report = verify_chain()
    assert report.ok and report.pending == 0


def test_chain_follows_the_order_rows_become_visible_not_their_ids(personas):
    older = services.record(actor=None, actor_label="a", action=AuditAction.CREATE, object_type="x")
    services.chain_pending()
    newer_id = services.record(actor=None, actor_label="b", action=AuditAction.CREATE, object_type="x")
    services.chain_pending()
    older.refresh_from_db()
    newer_id.refresh_from_db()
    assert older.seq is not None and newer_id.seq == older.seq + 1
    assert verify_chain().ok


def test_trigger_lets_the_chaining_step_fill_a_pending_row_once_and_nothing_else(personas):
    pending = services.record(actor=None, actor_label="system", action=AuditAction.CREATE, object_type="x")
    refused = (
        # the chain columns together with another column
        (
            "UPDATE audit_auditevent SET seq = 999, prev_hash = 'a', hash = 'b', actor_label = 'x' WHERE id = %s"
        ),
        # only part of the chain columns
        ("UPDATE audit_auditevent SET hash = 'b' WHERE id = %s"),
        # any other column of a pending row
        ("UPDATE audit_auditevent SET detail = '{}' WHERE id = %s"),
    )
    for sql in refused:
        with (
            pytest.raises(DatabaseError, match="append-only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(sql, [pending.pk])
    services.chain_pending()
    pending.refresh_from_db()
    assert pending.seq is not None and pending.hash
    # once chained, even the chain columns are fixed
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(
            "UPDATE audit_auditevent SET seq = NULL, prev_hash = NULL, hash = NULL WHERE id = %s",
            [pending.pk],
        )
    assert verify_chain().ok


def test_a_chained_row_made_pending_again_is_detected(personas):
    for _ in range(3):
        services.record(actor=None, actor_label="system", action=AuditAction.CREATE, object_type="x")
    services.chain_pending()
    middle = AuditEvent.objects.order_by("seq")[1]
    _tamper("UPDATE audit_auditevent SET seq = NULL WHERE id = %s", [middle.pk])
    report = verify_chain()
    assert not report.ok


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite runs one write transaction at a time")
def test_audited_writes_do_not_wait_for_each_others_commit(personas):
    """A writer whose transaction is still open must not hold up another writer (the old design's lock did)."""
    import threading

    from django.db import connections

    services.record(actor=None, actor_label="open", action=AuditAction.CREATE, object_type="x")  # uncommitted
    outcome: dict[str, object] = {}

    def other_writer() -> None:
        try:
            with connection.cursor() as cursor:
                cursor.execute("SET lock_timeout = '5s'")
            event = services.record(
                actor=None, actor_label="other", action=AuditAction.CREATE, object_type="x"
            )
            outcome["written"] = event.pk
            with connection.cursor() as cursor:  # leave the test database as it was
                cursor.execute("SET homeward.audit_maintenance = 'on'")
                cursor.execute("DELETE FROM audit_auditevent WHERE id = %s", [event.pk])
                cursor.execute("SET homeward.audit_maintenance = 'off'")
        except Exception as exc:  # reported to the test thread below
            outcome["error"] = exc
        finally:
            connections.close_all()

    thread = threading.Thread(target=other_writer)
    thread.start()
    thread.join(timeout=30)
    assert not thread.is_alive()
    assert "error" not in outcome and outcome.get("written")


def test_auditor_searches_and_the_search_is_audited(personas, person_in, login, client, audit_rows):
    person_in(personas.investigator_a, COUNTY_A)
    login(personas.auditor_a)
    with audit_rows() as rows:
        response = client.get("/staff/audit/", {"action": "create", "object_type": "people.person"})
    assert response.status_code == 200
    assert "people.person" in response.content.decode()
    assert [(e.action, e.object_type) for e in rows.new] == [(AuditAction.SEARCH, "audit.auditevent")]
    api = client.get("/api/v1/audit/events", {"action": "create"})
    assert api.status_code == 200 and any(row["object_type"] == "people.person" for row in api.json())


def test_non_auditor_cannot_read_the_log(personas, login, client):
    login(personas.investigator_a)
    assert client.get("/staff/audit/").status_code == 403
    assert client.get("/api/v1/audit/events").status_code == 403


def test_auditor_of_another_county_does_not_see_county_a_events(
    personas, person_in, make_user, login, client
):
    from homeward.accounts.roles import Role

    person_in(personas.investigator_a, COUNTY_A)
    auditor_b = make_user("auditor_b", personas.police_b, [Role.AUDITOR])
    login(auditor_b)
    rows = client.get("/api/v1/audit/events", {"object_type": "people.person"}).json()
    assert rows == []

"""Refusals stay on record when the refused service's transaction rolls back (`homeward.audit.refusals`)."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404

from homeward.audit import services
from homeward.audit.models import AuditAction, AuditOutcome
from homeward.audit.refusals import Refused, kept_refusals, refusals_kept

pytestmark = pytest.mark.django_db


def _deny(label: str) -> None:
    services.record(
        actor=None, actor_label=label, action=AuditAction.READ, object_type="x", outcome=AuditOutcome.DENIED
    )


def test_a_plain_transaction_loses_the_denial_and_the_helper_keeps_it(audit_rows):
    with audit_rows() as plain, pytest.raises(Http404), transaction.atomic():
        _deny("plain")
        raise Http404
    assert plain.new == []  # the limit this helper exists for
    with audit_rows() as kept, pytest.raises(Http404), refusals_kept():
        services.record(actor=None, actor_label="work", action=AuditAction.UPDATE, object_type="x")
        _deny("kept")
        raise Http404
    # the work is rolled back, the denial is written again after the rollback
    assert [(e.actor_label, e.outcome) for e in kept.new] == [("kept", AuditOutcome.DENIED)]


def test_refused_writes_one_row_runs_then_and_raises_the_error(audit_rows):
    after: list[str] = []

    @kept_refusals
    def close(*, actor: object) -> None:
        services.record(actor=None, actor_label="work", action=AuditAction.UPDATE, object_type="x")
        raise Refused(
            ValidationError("not allowed"),
            actor=None,
            action=AuditAction.UPDATE,
            object_type="x.case",
            object_id=7,
            reason="unsolved",
            then=lambda: after.append("timeline"),
        )

    with audit_rows() as rows, pytest.raises(ValidationError):
        close(actor=None)
    assert [(e.object_type, e.object_id, e.outcome, e.detail) for e in rows.new] == [
        ("x.case", "7", AuditOutcome.DENIED, {"reason": "unsolved"})
    ]
    assert after == ["timeline"]


def test_describe_covers_a_refusal_that_recorded_nothing_but_not_one_that_did(audit_rows):
    def describe(func, exc, kwargs):
        return Refused(exc, actor=None, action=AuditAction.UPDATE, object_type="x", object_id=kwargs["pk"])

    @kept_refusals(describe=describe)
    def silent(*, pk: int) -> None:
        raise PermissionDenied

    @kept_refusals(describe=describe)
    def recorded(*, pk: int) -> None:
        _deny("inner")
        raise Http404

    with audit_rows() as rows, pytest.raises(PermissionDenied):
        silent(pk=3)
    assert [(e.object_id, e.outcome) for e in rows.new] == [("3", AuditOutcome.DENIED)]
    with audit_rows() as rows, pytest.raises(Http404):
        recorded(pk=4)
    assert [e.actor_label for e in rows.new] == ["inner"]  # exactly one row per refusal


def test_nested_blocks_write_each_denial_once_whether_the_outer_commits_or_not(audit_rows):
    with audit_rows() as outer_commits, refusals_kept(), pytest.raises(Http404), refusals_kept():
        _deny("inner")
        raise Http404
    assert [e.actor_label for e in outer_commits.new] == ["inner"]
    with audit_rows() as outer_fails, pytest.raises(RuntimeError), refusals_kept():
        with pytest.raises(Http404), refusals_kept():
            _deny("inner")
            raise Http404
        raise RuntimeError("the outer service fails later")
    assert [e.actor_label for e in outer_fails.new] == ["inner"]


def test_success_writes_nothing_twice(audit_rows):
    with audit_rows() as rows, refusals_kept():
        _deny("a denial the service handled itself")
    assert len(rows.new) == 1

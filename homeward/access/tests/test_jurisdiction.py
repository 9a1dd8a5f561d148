"""Jurisdiction: users see their division and below, plus grants; everything else is a 404 like a missing record."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from conftest import COUNTY_A, COUNTY_B
from homeward.access.models import AccessGrant
from homeward.access.services import grant_create, grant_revoke
from homeward.audit.models import AuditAction, AuditOutcome

pytestmark = pytest.mark.django_db


def test_county_b_user_gets_404_on_county_a_record_page(personas, person_in, login, client):
    person = person_in(personas.investigator_a, COUNTY_A)
    login(personas.investigator_b)
    assert client.get(f"/staff/people/{person.pk}/").status_code == 404
    missing = client.get("/staff/people/999999/")
    assert missing.status_code == 404


def test_county_b_user_gets_404_on_county_a_record_api_same_as_missing(personas, person_in, login, client):
    person = person_in(personas.investigator_a, COUNTY_A)
    login(personas.investigator_b)
    other = client.get(f"/api/v1/people/{person.pk}")
    missing = client.get("/api/v1/people/999999")
    assert other.status_code == missing.status_code == 404
    assert other.json() == missing.json() == {"detail": "Not found"}


def test_out_of_jurisdiction_attempt_is_audited_as_denied(personas, person_in, login, client, audit_rows):
    person = person_in(personas.investigator_a, COUNTY_A)
    login(personas.investigator_b)
    with audit_rows() as rows:
        client.get(f"/api/v1/people/{person.pk}")
    assert [(e.action, e.outcome, e.object_id) for e in rows.new] == [
        (AuditAction.READ, AuditOutcome.DENIED, str(person.pk))
    ]


def test_provincial_user_sees_both_counties(personas, person_in, login, client):
    a = person_in(personas.investigator_a, COUNTY_A, name="甲")
    b = person_in(personas.investigator_b, COUNTY_B, name="乙")
    login(personas.provincial)
    assert client.get(f"/staff/people/{a.pk}/").status_code == 200
    assert client.get(f"/api/v1/people/{b.pk}").status_code == 200
    listed = {row["id"] for row in client.get("/api/v1/people").json()}
    assert {a.pk, b.pk} <= listed


def test_list_shows_only_own_jurisdiction(personas, person_in, login, client):
    a = person_in(personas.investigator_a, COUNTY_A, name="甲")
    b = person_in(personas.investigator_b, COUNTY_B, name="乙")
    login(personas.investigator_b)
    listed = {row["id"] for row in client.get("/api/v1/people").json()}
    assert b.pk in listed and a.pk not in listed
    page = client.get("/staff/people/")
    assert "乙" in page.content.decode() and "甲" not in page.content.decode()


def test_other_province_sees_nothing_of_province(personas, person_in, login, client):
    a = person_in(personas.investigator_a, COUNTY_A)
    login(personas.investigator_other)
    assert client.get(f"/api/v1/people/{a.pk}").status_code == 404


def test_grant_opens_one_record_for_a_limited_time_and_is_audited(
    personas, person_in, login, client, audit_rows
):
    shared = person_in(personas.investigator_a, COUNTY_A, name="甲")
    not_shared = person_in(personas.investigator_a, COUNTY_A, name="丙")
    with audit_rows() as rows:
        grant = grant_create(
            actor=personas.investigator_a,
            obj=shared,
            grantee=personas.investigator_b,
            duration=timedelta(hours=2),
            reason="joint investigation",
        )
    assert [(e.action, e.object_id, e.purpose) for e in rows.new] == [
        (AuditAction.GRANT, str(shared.pk), "joint investigation")
    ]
    login(personas.investigator_b)
    assert client.get(f"/api/v1/people/{shared.pk}").status_code == 200
    assert client.get(f"/api/v1/people/{not_shared.pk}").status_code == 404
    listed = {row["id"] for row in client.get("/api/v1/people").json()}
    assert shared.pk in listed and not_shared.pk not in listed
    with time_machine.travel(grant.expires_at + timedelta(seconds=1)):
        login(personas.investigator_b)
        assert client.get(f"/api/v1/people/{shared.pk}").status_code == 404


def test_revoked_grant_closes_access(personas, person_in, login, client, audit_rows):
    shared = person_in(personas.investigator_a, COUNTY_A)
    grant = grant_create(
        actor=personas.investigator_a,
        obj=shared,
        grantee=personas.investigator_b,
        duration=timedelta(days=1),
        reason="check",
    )
    with audit_rows() as rows:
        grant_revoke(actor=personas.investigator_a, grant_id=grant.pk)
    assert [e.action for e in rows.new] == [AuditAction.REVOKE]
    login(personas.investigator_b)
    assert client.get(f"/api/v1/people/{shared.pk}").status_code == 404


def test_cannot_share_what_you_do_not_hold(personas, person_in, audit_rows):
    record = person_in(personas.investigator_a, COUNTY_A)
    with audit_rows() as rows, pytest.raises(PermissionDenied):
        grant_create(
            actor=personas.investigator_b,
            obj=record,
            grantee=personas.investigator_other,
            duration=timedelta(hours=1),
            reason="x",
        )
    assert not AccessGrant.objects.exists()
    assert [(e.action, e.outcome) for e in rows.new] == [(AuditAction.GRANT, AuditOutcome.DENIED)]


@pytest.mark.parametrize(
    "duration,reason", [(timedelta(0), "ok"), (timedelta(days=91), "ok"), (timedelta(hours=1), " ")]
)
def test_grant_needs_reason_and_bounded_duration(personas, person_in, duration, reason):
    record = person_in(personas.investigator_a, COUNTY_A)
    with pytest.raises(ValidationError):
        grant_create(
            actor=personas.investigator_a,
            obj=record,
            grantee=personas.investigator_b,
            duration=duration,
            reason=reason,
        )
    assert not AccessGrant.objects.exists()


def test_grant_via_api_and_page(personas, person_in, login, client):
    record = person_in(personas.investigator_a, COUNTY_A)
    login(personas.investigator_a)
    response = client.post(
        "/api/v1/grants",
        {
            "record_type": "people.person",
            "record_id": str(record.pk),
            "grantee": "inv_b",
            "hours": 3,
            "reason": "cross-county lead",
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    assert AccessGrant.objects.get().expires_at > timezone.now() + timedelta(hours=2, minutes=59)
    page = client.post(
        f"/staff/people/{record.pk}/share/", {"grantee": "inv_other", "hours": 1, "reason": "r"}
    )
    assert page.status_code == 302
    assert AccessGrant.objects.count() == 2


def test_user_without_people_role_is_refused(personas, person_in, login, client):
    record = person_in(personas.investigator_a, COUNTY_A)
    login(personas.reporter_a)
    assert client.get(f"/api/v1/people/{record.pk}").status_code == 403
    assert client.get("/staff/people/").status_code == 403


def test_refused_update_of_another_countys_person_is_audited(personas, person_in, audit_rows):
    from django.http import Http404

    from homeward.people.services import PersonData, person_update

    record = person_in(personas.investigator_a, COUNTY_A)
    with audit_rows() as rows, pytest.raises(Http404):
        person_update(
            actor=personas.investigator_b, person_id=record.pk, data=PersonData(jurisdiction=COUNTY_B)
        )
    assert [(e.outcome, e.object_id, e.purpose) for e in rows.new] == [
        (AuditOutcome.DENIED, str(record.pk), "update")
    ]

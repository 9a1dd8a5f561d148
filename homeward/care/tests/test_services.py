from __future__ import annotations

from datetime import date
from typing import Any

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.db import connection

from homeward.care import selectors, services
from homeward.care.models import FollowUp, ReunionState, Stage

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _today() -> Any:
    with time_machine.travel("2026-11-20 10:00:00+08:00", tick=False):
        yield


def test_create_audits_once_and_encrypts_at_rest(record_for: Any, care: Any, audit_rows: Any) -> None:
    with audit_rows() as rows:
        record = record_for()
    assert [r.action for r in rows.new if r.object_type == "care.carerecord"] == ["create"]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT abuse_details, health_notes, psych_notes FROM care_carerecord WHERE id=%s", [record.pk]
        )
        raw = cursor.fetchone()
    assert all(v.startswith("fernet:") for v in raw)
    assert "beaten" not in raw[0]
    again = selectors.care_record_get(actor=care.caseworker, record_id=record.pk)
    assert again.abuse_details == "beaten by the buyer"


def test_key_rotation_reencrypts(record_for: Any, settings: Any) -> None:
    from cryptography.fernet import Fernet

    from homeward.care import crypto

    record = record_for()
    new_key = Fernet.generate_key().decode()
    old_key = crypto._dev_key().decode()
    settings.CARE_FIELD_KEYS = [new_key, old_key]
    assert services.care_keys_rotate() == 1
    settings.CARE_FIELD_KEYS = [new_key]
    from homeward.care.models import CareRecord

    assert CareRecord.objects.get(pk=record.pk).psych_notes == "nightmares"


def test_bad_input_creates_nothing(care: Any, person_born: Any) -> None:
    person = person_born(care.caseworker, date(2010, 1, 1))
    with pytest.raises(ValidationError) as exc:
        services.care_record_create(
            actor=care.caseworker,
            data=services.CareData(
                person_id=person.pk, arrival="teleported", arrived_on=date(2030, 1, 1), needs=["x"]
            ),
        )
    assert {"arrival", "arrived_on", "needs"} <= set(exc.value.message_dict)
    with pytest.raises(PermissionDenied):
        services.care_record_create(
            actor=care.p.investigator_a,
            data=services.CareData(person_id=person.pk, arrival="rescued", arrived_on=date(2026, 1, 1)),
        )


def test_under_14_needs_guardian_consent(record_for: Any, care: Any) -> None:
    child = record_for(born=date(2015, 6, 1))
    with pytest.raises(ValidationError):
        services.consent_record(
            actor=care.caseworker, record_id=child.pk, purpose="services", given_by="self"
        )
    with pytest.raises(ValidationError):
        services.consent_record(
            actor=care.caseworker, record_id=child.pk, purpose="services", given_by="guardian"
        )
    consent = services.consent_record(
        actor=care.caseworker,
        record_id=child.pk,
        purpose="services",
        given_by="guardian",
        guardian_name="民政局监护",
    )
    assert consent.pk
    adult = record_for(born=date(1990, 1, 1))
    assert services.consent_record(
        actor=care.caseworker, record_id=adult.pk, purpose="services", given_by="self"
    )


def test_services_need_consent_and_vocational_only_16_plus(record_for: Any, care: Any) -> None:
    child = record_for(born=date(2012, 6, 1))
    with pytest.raises(ValidationError) as exc:
        services.service_record(
            actor=care.caseworker,
            record_id=child.pk,
            kind="medical",
            provider="华西医院",
            provided_on=date(2026, 11, 5),
        )
    assert "consent" in exc.value.message_dict
    services.consent_record(
        actor=care.caseworker,
        record_id=child.pk,
        purpose="services",
        given_by="guardian",
        guardian_name="张监护",
    )
    with pytest.raises(ValidationError) as exc:
        services.service_record(
            actor=care.caseworker,
            record_id=child.pk,
            kind="vocational",
            provider="技校",
            provided_on=date(2026, 11, 5),
        )
    assert "kind" in exc.value.message_dict
    service = services.service_record(
        actor=care.caseworker,
        record_id=child.pk,
        kind="school",
        provider="武侯实验小学",
        provided_on=date(2026, 11, 5),
    )
    assert service.pk
    older = record_for(born=date(2008, 1, 1))
    services.consent_record(actor=care.caseworker, record_id=older.pk, purpose="services", given_by="self")
    assert services.service_record(
        actor=care.caseworker,
        record_id=older.pk,
        kind="vocational",
        provider="技校",
        provided_on=date(2026, 11, 5),
    )


def _place_consent(care: Any, record: Any) -> None:
    services.consent_record(
        actor=care.caseworker,
        record_id=record.pk,
        purpose="placement",
        given_by="guardian",
        guardian_name="张监护",
    )


def _place(care: Any, record: Any) -> None:
    _place_consent(care, record)
    services.placement_start(actor=care.caseworker, record_id=record.pk, institution_id=care.home.pk)


def test_placement_capacity_and_followup_schedule(record_for: Any, care: Any) -> None:
    record = record_for(born=date(2015, 6, 1))
    with pytest.raises(ValidationError):
        services.placement_start(actor=care.caseworker, record_id=record.pk, institution_id=care.home.pk)
    _place(care, record)
    record.refresh_from_db()
    assert record.stage == Stage.PLACED and record.institution_id == care.home.pk
    dues = list(FollowUp.objects.filter(record=record).values_list("due_on", flat=True))
    assert dues[:5] == [
        date(2026, 12, 20),
        date(2027, 2, 20),
        date(2027, 5, 20),
        date(2027, 11, 20),
        date(2028, 11, 20),
    ]
    assert dues[-1] == date(2032, 11, 20)  # she turns 18 in June 2033: no visit after that
    _place(care, record_for(born=date(2014, 1, 1)))
    with pytest.raises(ValidationError, match="full"):
        _place(care, record_for(born=date(2013, 1, 1)))
    assert selectors.institutions_with_capacity(prefix="5101")[0]["free"] == 0


def test_reunion_refuses_buyer_family_and_places_long_term(record_for: Any, care: Any) -> None:
    record = record_for()
    reunion = services.reunion_start(
        actor=care.caseworker, person_id=record.person_id, family_note="DNA match"
    )
    assert services.reunion_start(actor=care.caseworker, person_id=record.person_id).pk == reunion.pk
    services.reunion_assess(actor=care.caseworker, record_id=record.pk, home_safe=True, family_involved=True)
    with pytest.raises(ValidationError, match="never handed"):
        services.reunion_handover(actor=care.caseworker, record_id=record.pk)
    services.reunion_refuse(
        actor=care.caseworker,
        record_id=record.pk,
        reason="family bought the child",
        institution_id=care.home.pk,
    )
    record.refresh_from_db()
    assert record.stage == Stage.LONG_TERM
    assert record.reunion.state == ReunionState.REFUSED


def test_reunion_handover_to_safe_family(record_for: Any, care: Any, audit_rows: Any) -> None:
    record = record_for()
    with pytest.raises(ValidationError):
        services.reunion_handover(actor=care.caseworker, record_id=record.pk)
    services.reunion_start(actor=care.caseworker, person_id=record.person_id)
    with pytest.raises(ValidationError, match="Assess"):
        services.reunion_handover(actor=care.caseworker, record_id=record.pk)
    services.reunion_assess(actor=care.caseworker, record_id=record.pk, home_safe=True, family_involved=False)
    with pytest.raises(ValidationError, match="meeting"):
        services.reunion_handover(actor=care.caseworker, record_id=record.pk)
    with pytest.raises(ValidationError, match="contact with the family"):
        services.reunion_meet(actor=care.caseworker, record_id=record.pk)
    services.consent_record(
        actor=care.caseworker, record_id=record.pk, purpose="reunion", given_by="guardian", guardian_name="张"
    )
    services.reunion_meet(actor=care.caseworker, record_id=record.pk)
    with audit_rows() as rows:
        services.reunion_handover(actor=care.caseworker, record_id=record.pk)
    assert len(rows.new) == 1
    record.refresh_from_db()
    assert record.stage == Stage.REUNITED and record.followups.count() >= 4


def test_missed_visit_escalates_once_when_clock_passes(
    record_for: Any, care: Any, audit_rows: Any, django_capture_on_commit_callbacks: Any
) -> None:
    from homeward.notifications.models import Notice

    record = record_for(born=date(1995, 1, 1))
    services.consent_record(actor=care.caseworker, record_id=record.pk, purpose="placement", given_by="self")
    services.placement_start(actor=care.caseworker, record_id=record.pk, institution_id=care.home.pk)
    first = record.followups.first()
    with time_machine.travel("2026-12-25 09:00:00+08:00", tick=False):
        call_command("care_tick")
    first.refresh_from_db()
    assert first.escalated_at is None  # due 20 December, within the week of grace
    with (
        time_machine.travel("2026-12-28 09:00:00+08:00", tick=False),
        audit_rows() as rows,
        django_capture_on_commit_callbacks(execute=True),
    ):
        call_command("care_tick")
        call_command("care_tick")
    first.refresh_from_db()
    assert first.escalated_at is not None
    assert len(rows.new) == 1
    assert Notice.objects.filter(recipient=care.caseworker).exists()


def test_followup_record(record_for: Any, care: Any) -> None:
    record = record_for(born=date(1995, 1, 1))
    services.consent_record(actor=care.caseworker, record_id=record.pk, purpose="placement", given_by="self")
    services.placement_start(actor=care.caseworker, record_id=record.pk, institution_id=care.home.pk)
    first = record.followups.first()
    services.followup_record(actor=care.caseworker, followup_id=first.pk, notes="ok", school_attending=True)
    with pytest.raises(ValidationError):
        services.followup_record(actor=care.caseworker, followup_id=first.pk, notes="again")
    with pytest.raises(ValidationError):
        services.followup_record(
            actor=care.caseworker, followup_id=record.followups.last().pk, notes="x" * 1001
        )


def test_placement_dates_and_long_term_only_by_civil_affairs(record_for: Any, care: Any) -> None:
    record = record_for()  # arrived 1 November
    _place_consent(care, record)
    for day in (date(2026, 10, 31), date(2026, 11, 21)):
        with pytest.raises(ValidationError) as exc:
            services.placement_start(
                actor=care.caseworker, record_id=record.pk, institution_id=care.home.pk, start_on=day
            )
        assert "start_on" in exc.value.message_dict
    services.placement_start(actor=care.caseworker, record_id=record.pk, institution_id=care.home.pk)
    with pytest.raises(
        ValidationError
    ) as exc:  # the institution's care worker sees the record, but does not decide
        services.placement_start(
            actor=care.carer, record_id=record.pk, institution_id=care.home.pk, long_term=True
        )
    assert "long_term" in exc.value.message_dict

"""Release, criteria, growing radius, edits, renewal, expiry and the jurisdiction rule for writes."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import Http404
from django.utils import timezone, translation

from homeward.alerts import services
from homeward.alerts.models import Alert, AlertMessage, AlertStatus, MessageKind
from homeward.alerts.tests.conftest import alert_data, png_upload
from homeward.people.models import Person

pytestmark = pytest.mark.django_db


def test_release_creates_person_alert_and_message_with_one_audit_row(cc, audit_rows):
    with audit_rows() as rows:
        alert = services.alert_release(actor=cc.a, data=alert_data())
    assert alert.status == AlertStatus.ACTIVE and alert.jurisdiction == "510107"
    assert alert.last_seen_division == "510107"  # derived from the map point
    assert alert.person.primary_name == "陈明明"
    assert [(r.object_type, r.action) for r in rows.new] == [
        ("people.person", "create"),
        ("alerts.alert", "create"),
    ]
    message = alert.messages.get()
    assert message.kind == MessageKind.ALERT and "陈明明" in message.xml
    assert alert.photos.count() == 1
    assert alert.events.get().actor == cc.a


def test_radius_grows_with_time_since_last_seen(cc):
    start = timezone.now().replace(microsecond=0)
    with time_machine.travel(start + timedelta(minutes=30), tick=False):
        alert = services.alert_release(actor=cc.a, data=alert_data(last_seen_at=start))
        assert alert.radius_km == 100
    expected = {
        timedelta(hours=1, minutes=30): 200,
        timedelta(hours=2, minutes=30): 300,
        timedelta(hours=5): 500,
    }
    for offset, radius in expected.items():
        with time_machine.travel(start + offset, tick=False):
            report = services.alerts_tick()
            assert report.grown == 1
            alert.refresh_from_db()
            assert alert.radius_km == radius
            latest = alert.messages.latest("seq")
            assert latest.kind == MessageKind.UPDATE and f"104.043000 {radius}<" in latest.xml
            assert services.alerts_tick().grown == 0  # idempotent within the band
    assert alert.messages.count() == 4


@pytest.mark.parametrize(
    ("late", "radius"), [(timedelta(hours=2), 200), (timedelta(hours=2, minutes=30), 300)]
)
def test_alert_filed_late_starts_at_the_right_radius(cc, late, radius):
    now = timezone.now().replace(microsecond=0)
    with time_machine.travel(now, tick=False):
        alert = services.alert_release(actor=cc.a, data=alert_data(last_seen_at=now - late))
    assert alert.radius_km == radius


def test_release_criteria_are_checked_and_nothing_is_written(cc, audit_rows):
    data = alert_data(police_confirmed=False, birth_date=timezone.localdate().replace(year=2000))
    with translation.override("en"), pytest.raises(ValidationError) as exc:
        services.alert_release(actor=cc.a, data=data)
    message = " ".join(exc.value.messages)
    assert "under 18" in message and "confirmed by police" in message
    assert not Alert.objects.exists() and not Person.objects.exists()
    criteria = {c.key: c.met for c in services.criteria_for(data)}
    assert criteria == {
        "under_18": False,
        "police_confirmed": False,
        "recognisable": True,
        "photo_or_description": True,
    }


def _big_png() -> SimpleUploadedFile:
    return SimpleUploadedFile("big.png", b"\x89PNG" + b"0" * (5 * 1024 * 1024 + 10), content_type="image/png")


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"name": ""}, "name"),
        ({"last_seen_lat": 51.5, "last_seen_lon": -0.12}, "last_seen_lat"),  # London
        ({"last_seen_lat": 20.0, "last_seen_lon": 125.0}, "last_seen_lat"),  # the Pacific, inside the box
        ({"last_seen_lat": 30.6, "last_seen_lon": None}, "last_seen_lat"),
        ({"last_seen_lat": None, "last_seen_lon": None, "last_seen_division": ""}, "last_seen_place"),
        (
            {"last_seen_lat": None, "last_seen_lon": None, "last_seen_division": "510199"},
            "last_seen_division",
        ),
        ({"last_seen_at": timezone.now() + timedelta(hours=1)}, "last_seen_at"),
        ({"last_seen_at": timezone.now() - timedelta(hours=80)}, "last_seen_at"),
        ({"photos": [SimpleUploadedFile("x.png", b"not an image", content_type="image/png")]}, "photos"),
        ({"photos": [_big_png()]}, "photos"),
        ({"photos": [png_upload() for _ in range(6)]}, "photos"),
        ({"description": "很" * 2001}, "description"),
        ({"height_cm": 500}, "height_cm"),
        ({"circumstances": "aliens"}, "circumstances"),
    ],
)
def test_bad_input_is_rejected_and_nothing_released(cc, overrides, field):
    with pytest.raises(ValidationError) as exc:
        services.alert_release(actor=cc.a, data=alert_data(**overrides))
    assert field in exc.value.message_dict
    assert not Alert.objects.exists() and not AlertMessage.objects.exists()


def test_address_with_division_code_gives_the_point(cc):
    alert = services.alert_release(
        actor=cc.a, data=alert_data(last_seen_lat=None, last_seen_lon=None, last_seen_division="510107")
    )
    assert 30 < alert.last_seen_lat < 31.2 and 103.5 < alert.last_seen_lon < 104.5


def test_only_command_centre_police_release(personas, audit_rows):
    with audit_rows() as rows, pytest.raises(PermissionDenied):
        services.alert_release(actor=personas.investigator_a, data=alert_data())
    assert [r.action for r in rows.new] == ["permission_denied"]


def test_another_countys_officer_cannot_edit_or_close(cc, released):
    alert = released()
    with pytest.raises(Http404):
        services.alert_update(actor=cc.b, alert_id=alert.pk, data=alert_data(clothing="绿色外套"))
    with pytest.raises(Http404):
        services.alert_close(actor=cc.b, alert_id=alert.pk, outcome="found")
    with pytest.raises(Http404):
        services.alert_renew(actor=cc.b, alert_id=alert.pk)
    alert.refresh_from_db()
    assert alert.version == 1 and alert.status == AlertStatus.ACTIVE
    # The province above may.
    services.alert_update(
        actor=cc.province, alert_id=alert.pk, data=alert_data(clothing="绿色外套", photos=[])
    )


def test_edit_sends_an_update_and_records_who(cc, released, audit_rows):
    alert = released()
    with audit_rows() as rows:
        services.alert_update(
            actor=cc.a,
            alert_id=alert.pk,
            data=alert_data(
                clothing="绿色外套", photos=[], last_seen_at=alert.last_seen_at + timedelta(seconds=20)
            ),
        )
    assert [(r.object_type, r.action, r.detail) for r in rows.new] == [
        ("alerts.alert", "update", {"fields": ["clothing"]})
    ]
    alert.refresh_from_db()
    latest = alert.messages.latest("seq")
    assert alert.version == 2 and latest.kind == MessageKind.UPDATE and "绿色外套" in latest.xml
    assert alert.events.first().actor == cc.a


def test_name_correction_goes_to_the_person_record(cc, released):
    alert = released()
    services.alert_update(actor=cc.a, alert_id=alert.pk, data=alert_data(name="陈明", photos=[]))
    alert.refresh_from_db()
    assert alert.person.primary_name == "陈明"
    assert "陈明（" in alert.messages.latest("seq").xml


def test_expiry_and_renewal(cc):
    start = timezone.now().replace(microsecond=0)
    with time_machine.travel(start, tick=False):
        alert = services.alert_release(
            actor=cc.a, data=alert_data(last_seen_at=start - timedelta(minutes=10))
        )
    assert alert.expires_at == alert.last_seen_at + timedelta(hours=72)
    with time_machine.travel(start + timedelta(hours=72), tick=False):
        assert services.alerts_tick().expired == 1
        alert.refresh_from_db()
        assert alert.status == AlertStatus.EXPIRED
        latest = alert.messages.latest("seq")
        assert latest.kind == MessageKind.CANCEL and "陈明明" not in latest.xml
        services.alert_renew(actor=cc.a, alert_id=alert.pk)
        alert.refresh_from_db()
        assert alert.status == AlertStatus.ACTIVE
        assert alert.expires_at == start + timedelta(hours=72 + 72)


def test_closed_alert_cannot_be_renewed_or_closed_again(cc, released):
    alert = released()
    services.alert_close(actor=cc.a, alert_id=alert.pk, outcome="found")
    with pytest.raises(ValidationError):
        services.alert_renew(actor=cc.a, alert_id=alert.pk)
    with pytest.raises(ValidationError):
        services.alert_close(actor=cc.a, alert_id=alert.pk, outcome="false_report")
    with pytest.raises(ValidationError):
        services.alert_close(actor=cc.a, alert_id=released().pk, outcome="maybe")

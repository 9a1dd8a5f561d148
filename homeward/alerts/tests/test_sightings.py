"""Public alert page and sightings: closure hides the child; sightings reach the queue; bad input and floods."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from homeward.alerts import services
from homeward.alerts.models import Sighting
from homeward.alerts.tests.conftest import png_bytes

pytestmark = pytest.mark.django_db


def _form(**overrides):
    values = {
        "seen_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        "lat": "30.66",
        "lon": "104.07",
        "place": "春熙路地铁站",
        "what_seen": "一个穿红色上衣的男孩跟着一名中年男子进了地铁站",
        "contact": "13900000000",
        "website": "",
    }
    values.update(overrides)
    return {k: v for k, v in values.items() if v is not None}


def test_public_page_then_closure_removes_photo_and_personal_data(cc, released, client):
    alert = released()
    photo = alert.photos.get()
    page = client.get(f"/alerts/{alert.public_id}/")
    text = page.content.decode()
    assert page.status_code == 200 and "陈明明" in text and "红色上衣" in text and "<svg" in text
    photo_url = f"/alerts/{alert.public_id}/photos/{photo.pk}/"
    assert photo_url in text
    image = client.get(photo_url)
    assert image.status_code == 200 and b"".join(image.streaming_content) == png_bytes()
    assert client.get(f"/alerts/{alert.public_id}/qr.svg").status_code == 200
    services.alert_close(actor=cc.a, alert_id=alert.pk, outcome="found")
    text = client.get(f"/alerts/{alert.public_id}/").content.decode()
    assert "陈明明" not in text and "红色上衣" not in text and "/photos/" not in text
    assert "找到" in text or "Found" in text
    assert client.get(photo_url).status_code == 404
    assert client.get(f"/alerts/{alert.public_id}/photos/99999/").status_code == 404
    assert client.get("/alerts/00000000-0000-0000-0000-000000000000/").status_code == 404


def test_sighting_lands_in_the_queue_newest_first(cc, released, client, login, audit_rows):
    alert = released()
    with audit_rows() as rows:
        response = client.post(f"/alerts/{alert.public_id}/sighting/", _form())
    assert response.status_code == 302 and response["Location"].endswith("/thanks/")
    assert [(r.object_type, r.actor_label) for r in rows.new] == [("alerts.sighting", "public")]
    client.post(
        f"/alerts/{alert.public_id}/sighting/",
        _form(lat="", lon="", place="天府广场东南角", photo=SimpleUploadedFile("s.png", png_bytes("blue"))),
    )
    first, second = Sighting.objects.order_by("created_at", "id")
    assert first.division == "510104" or first.division.startswith("5101")
    assert first.distance_km is not None and 0 < first.distance_km < 10 and second.photo
    login(cc.a)
    queue = client.get("/staff/alerts/queue/")
    text = queue.content.decode()
    assert text.index("天府广场东南角") < text.index("春熙路地铁站")
    rows_partial = client.get("/staff/alerts/queue/rows/", HTTP_HX_REQUEST="true")
    assert rows_partial.status_code == 200 and "<html" not in rows_partial.content.decode()
    assert client.get(f"/staff/alerts/sightings/{second.pk}/photo/").status_code == 200
    login(cc.b)
    assert "春熙路" not in client.get("/staff/alerts/queue/").content.decode()
    assert client.get(f"/staff/alerts/queue/?alert={alert.pk}").status_code == 404
    assert client.get(f"/staff/alerts/sightings/{second.pk}/photo/").status_code == 404


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"seen_at": (timezone.localtime() + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")}, "seen_at"),
        ({"seen_at": "yesterday-ish"}, "seen_at"),
        ({"what_seen": ""}, "what_seen"),
        ({"what_seen": "看" * 2001}, "what_seen"),
        ({"lat": "48.85", "lon": "2.35"}, "lat"),
        ({"lat": "", "lon": "", "place": ""}, "place"),
        ({"contact": "x" * 101}, "contact"),
        ({"photo": SimpleUploadedFile("s.png", b"<?php echo 1; ?>")}, "photo"),
    ],
)
def test_bad_sightings_are_rejected(released, client, overrides, field):
    alert = released()
    response = client.post(f"/alerts/{alert.public_id}/sighting/", _form(**overrides))
    assert response.status_code == 400
    assert response.context["form"].errors.get(field)
    assert not Sighting.objects.exists()


def test_rate_limit_per_address_and_honeypot(released, client, settings):
    settings.ALERTS_SIGHTING_RATE = "3/600"
    alert = released()
    url = f"/alerts/{alert.public_id}/sighting/"
    assert client.post(url, _form(website="http://spam.example")).status_code == 302
    assert not Sighting.objects.exists()  # the bot is thanked; nothing is written
    for _ in range(3):
        assert client.post(url, _form(), REMOTE_ADDR="203.0.113.5").status_code == 302
    assert client.post(url, _form(), REMOTE_ADDR="203.0.113.5").status_code == 429
    assert client.post(url, _form(), REMOTE_ADDR="203.0.113.6").status_code == 302
    assert Sighting.objects.count() == 4


def test_closed_alert_takes_no_sightings(cc, released, client):
    alert = released()
    services.alert_close(actor=cc.a, alert_id=alert.pk, outcome="false_report")
    response = client.post(f"/alerts/{alert.public_id}/sighting/", _form())
    assert response.status_code == 302 and not Sighting.objects.exists()


def test_review_marks_and_turns_into_a_lead(cc, released, client, login, audit_rows):
    alert = released()
    client.post(f"/alerts/{alert.public_id}/sighting/", _form())
    sighting = Sighting.objects.get()
    with audit_rows() as rows:
        services.sighting_review(
            actor=cc.a, sighting_id=sighting.pk, status="useful", follow_up="lead", note="派员核查"
        )
    # the lead is a real tip (audited by the tips app), and the review is audited by alerts
    assert [(r.object_type, r.action) for r in rows.new] == [
        ("tips.tip", "create"),
        ("alerts.sighting", "update"),
    ]
    sighting.refresh_from_db()
    assert sighting.status == "useful" and sighting.follow_up == "lead" and sighting.reviewed_by == cc.a
    assert sighting.tip_id is not None
    from django.core.exceptions import ValidationError
    from django.http import Http404

    with pytest.raises(ValidationError):
        services.sighting_review(actor=cc.a, sighting_id=sighting.pk, status="duplicate", follow_up="lead")
    with pytest.raises(Http404):
        services.sighting_review(actor=cc.b, sighting_id=sighting.pk, status="duplicate")
    login(cc.a)
    response = client.post(
        f"/staff/alerts/sightings/{sighting.pk}/review/", {"status": "duplicate", "follow_up": ""}
    )
    assert response.status_code == 302
    sighting.refresh_from_db()
    assert sighting.status == "duplicate"


def test_a_lead_is_a_tip_linked_to_the_sighting_and_the_alert_once(cc, released, client, login):
    from homeward.tips.models import Channel, Tip

    alert = released()
    client.post(f"/alerts/{alert.public_id}/sighting/", _form())
    sighting = Sighting.objects.get()
    services.sighting_review(
        actor=cc.a, sighting_id=sighting.pk, status="useful", follow_up="lead", note="派员核查"
    )
    sighting.refresh_from_db()
    tip = Tip.objects.get()
    assert (sighting.tip_id, sighting.tip_reference) == (tip.pk, tip.reference)
    assert tip.channel == Channel.STAFF and tip.alert_ref == str(alert.pk) and tip.reporter == cc.a
    assert tip.origin == {"app": "alerts", "alert": alert.pk, "sighting": sighting.pk}
    assert "红色上衣" in tip.description and "派员核查" in tip.description and tip.child_involved
    assert tip.informant_phone == "+8613900000000"  # the sighting's contact, kept as the tips app keeps it
    assert (tip.lat, tip.lon) == (sighting.lat, sighting.lon)
    # reviewing again does not make a second tip
    services.sighting_review(actor=cc.a, sighting_id=sighting.pk, status="useful", follow_up="lead")
    assert Tip.objects.count() == 1
    login(cc.a)
    rows = client.get("/staff/alerts/queue/rows/").content.decode()
    assert f"/staff/tips/{tip.pk}/" in rows and tip.reference in rows


@pytest.fixture
def case_leader(personas, make_user):
    from homeward.accounts.roles import Role

    return make_user("leader_a", personas.police_a, [Role.CASE_LEADER])


def _case_linking(alert, actor, leader, summary="一名8岁男童在武侯区走失，疑被拐带。"):
    from datetime import date

    from conftest import COUNTY_A
    from homeward.cases.services import CaseData, case_link_add, case_register

    today = timezone.localdate()
    case = case_register(
        actor=actor,
        data=CaseData(
            case_type="trafficking_children",
            summary=summary,
            jurisdiction=COUNTY_A,
            reported_on=today,
            registered_on=today,
            leader=leader.username,
        ),
    )
    assert isinstance(today, date)
    case_link_add(actor=actor, case_id=case.pk, kind="alert", target_id=str(alert.pk))
    return case


def test_a_case_action_is_an_entry_in_the_log_of_the_case_that_links_the_alert(
    cc, released, client, case_leader
):
    from django.core.exceptions import ValidationError

    from homeward.cases.models import CaseEntry

    alert = released()
    client.post(f"/alerts/{alert.public_id}/sighting/", _form())
    sighting = Sighting.objects.get()
    with pytest.raises(ValidationError) as no_case:
        services.sighting_review(
            actor=cc.a, sighting_id=sighting.pk, status="useful", follow_up="case_action"
        )
    assert "follow_up" in no_case.value.message_dict
    sighting.refresh_from_db()
    assert sighting.status == "new"  # nothing half-written
    case = _case_linking(alert, cc.a, case_leader)
    services.sighting_review(
        actor=cc.a, sighting_id=sighting.pk, status="useful", follow_up="case_action", note="调取地铁监控"
    )
    sighting.refresh_from_db()
    entry = CaseEntry.objects.get(case=case)
    assert (sighting.case_id, sighting.case_number, sighting.case_entry_id) == (
        case.pk,
        case.number,
        entry.pk,
    )
    assert entry.kind == "action" and entry.author == cc.a
    assert "红色上衣" in entry.text and "调取地铁监控" in entry.text and str(sighting.pk) in entry.text
    # once per sighting
    services.sighting_review(actor=cc.a, sighting_id=sighting.pk, status="useful", follow_up="case_action")
    assert CaseEntry.objects.filter(case=case).count() == 1


def test_with_several_linked_cases_the_officer_names_one(cc, released, client, case_leader):
    from django.core.exceptions import ValidationError

    from homeward.cases.models import CaseEntry

    alert = released()
    client.post(f"/alerts/{alert.public_id}/sighting/", _form())
    sighting = Sighting.objects.get()
    first = _case_linking(alert, cc.a, case_leader)
    second = _case_linking(alert, cc.a, case_leader, summary="同一名男童，另案调查的团伙。")
    for case_id in (None, 999999):
        with pytest.raises(ValidationError) as which:
            services.sighting_review(
                actor=cc.a, sighting_id=sighting.pk, status="useful", follow_up="case_action", case_id=case_id
            )
        assert "case_id" in which.value.message_dict
    assert not CaseEntry.objects.exists()
    services.sighting_review(
        actor=cc.a, sighting_id=sighting.pk, status="useful", follow_up="case_action", case_id=second.pk
    )
    assert list(CaseEntry.objects.values_list("case_id", flat=True)) == [second.pk]
    assert first.pk != second.pk

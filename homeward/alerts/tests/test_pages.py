"""Staff pages: file with a criteria check, detail, edit, close, renew, stats; other counties get 404."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from homeward.alerts import selectors, services
from homeward.alerts.models import Alert
from homeward.alerts.tests.conftest import png_upload

pytestmark = pytest.mark.django_db


def _post_data(**overrides):
    values = {
        "name": "李小花",
        "sex": "female",
        "birth_date": (timezone.localdate() - timedelta(days=365 * 6)).isoformat(),
        "height_cm": "110",
        "weight_kg": "",
        "clothing": "黄色连衣裙，粉色书包",
        "marks": "",
        "description": "",
        "description_en": "",
        "circumstances": "abduction",
        "last_seen_at": (timezone.localtime() - timedelta(minutes=40)).strftime("%Y-%m-%dT%H:%M"),
        "last_seen_lat": "",
        "last_seen_lon": "",
        "last_seen_place": "武侯祠大街",
        "last_seen_division": "510107",
        "suspect": "",
        "vehicle": "白色面包车，车牌川A·12345",
        "police_confirmed": "on",
        "contact_phone": "028-12345678",
    }
    values.update(overrides)
    return values


def test_check_criteria_then_release_through_the_page(cc, login, client):
    login(cc.a)
    assert client.get("/staff/alerts/new/").status_code == 200
    checked = client.post("/staff/alerts/new/", {**_post_data(police_confirmed=""), "action": "check"})
    text = checked.content.decode()
    assert checked.status_code == 200 and 'class="unmet"' in text and not Alert.objects.exists()
    released = client.post(
        "/staff/alerts/new/",
        {**_post_data(), "photos": [png_upload(), png_upload("b.png", "blue")], "action": "release"},
    )
    assert released.status_code == 302
    alert = Alert.objects.get()
    assert alert.photos.count() == 2 and alert.last_seen_division == "510107"
    detail = client.get(released["Location"]).content.decode()
    assert "李小花" in detail and "白色面包车" in detail and 'class="met"' in detail
    assert client.get(f"/staff/alerts/{alert.pk}/photos/{alert.photos.all()[0].pk}/").status_code == 200
    assert client.get(f"/staff/alerts/{alert.pk}/messages/1.xml").status_code == 200
    assert "李小花" in client.get("/staff/alerts/").content.decode()


def test_page_errors_are_shown_and_nothing_released(cc, login, client):
    login(cc.a)
    response = client.post(
        "/staff/alerts/new/",
        {**_post_data(last_seen_lat="-33.9", last_seen_lon="151.2", clothing="x" * 501), "action": "release"},
    )
    assert response.status_code == 200 and not Alert.objects.exists()
    assert response.context["form"].errors.keys() >= {"clothing"}
    response = client.post("/staff/alerts/new/", {**_post_data(last_seen_lat="-33.9", last_seen_lon="151.2")})
    assert "last_seen_lat" in response.context["form"].errors and not Alert.objects.exists()


def test_edit_close_and_renew_through_pages(cc, login, client, released):
    alert = released()
    login(cc.a)
    form = client.get(f"/staff/alerts/{alert.pk}/edit/")
    assert form.status_code == 200 and "陈明明" in form.content.decode()
    # The date picker keeps the birth date (a localised 2016/03/12 would show as an empty field).
    assert f'value="{alert.person.birth_date:%Y-%m-%d}"' in form.content.decode()
    initial = form.context["form"].initial
    data = {k: ("on" if v is True else "" if v in (None, False) else v) for k, v in initial.items()}
    data["clothing"] = "深蓝色校服"
    assert client.post(f"/staff/alerts/{alert.pk}/edit/", data).status_code == 302
    alert.refresh_from_db()
    assert alert.clothing == "深蓝色校服" and alert.version == 2
    assert client.post(f"/staff/alerts/{alert.pk}/renew/").status_code == 302
    assert client.post(f"/staff/alerts/{alert.pk}/photos/", {"image": png_upload()}).status_code == 302
    assert (
        client.post(
            f"/staff/alerts/{alert.pk}/close/", {"outcome": "found", "note": "在亲戚家找到"}
        ).status_code
        == 302
    )
    alert.refresh_from_db()
    assert alert.status == "found" and alert.closed_by == cc.a
    page = client.get(f"/staff/alerts/{alert.pk}/").content.decode()
    assert "cc_a" in page  # who did it is shown in the history


def test_other_county_gets_404_everywhere(cc, login, client, released):
    alert = released()
    photo = alert.photos.get()
    login(cc.b)
    for url in (
        f"/staff/alerts/{alert.pk}/",
        f"/staff/alerts/{alert.pk}/edit/",
        f"/staff/alerts/{alert.pk}/photos/{photo.pk}/",
        f"/staff/alerts/{alert.pk}/messages/1.xml",
        f"/api/v1/alerts/{alert.pk}",
        f"/api/v1/alerts/{alert.pk}/sightings",
        f"/api/v1/alerts/{alert.pk}/deliveries",
    ):
        assert client.get(url).status_code == 404, url
    for url in (f"/staff/alerts/{alert.pk}/close/", f"/staff/alerts/{alert.pk}/renew/"):
        assert client.post(url, {"outcome": "found"}).status_code == 404, url
    assert client.post(f"/staff/alerts/{alert.pk}/photos/", {"image": png_upload()}).status_code == 404
    alert.refresh_from_db()
    assert alert.status == "active" and alert.photos.count() == 1
    assert str(alert.pk) not in [str(a.pk) for a in selectors.alert_list(actor=cc.b)]


def test_roles(personas, login, client, released):
    alert = released()
    login(personas.investigator_a)
    assert client.get(f"/staff/alerts/{alert.pk}/").status_code == 200  # police may read
    assert client.get("/staff/alerts/new/").status_code == 403
    assert client.post(f"/staff/alerts/{alert.pk}/close/", {"outcome": "found"}).status_code == 403
    login(personas.caseworker_a)
    assert client.get("/staff/alerts/").status_code == 403


def test_statistics_page(cc, login, client, released):
    found = released()
    released()
    services.alert_close(actor=cc.a, alert_id=found.pk, outcome="found")
    login(cc.a)
    response = client.get("/staff/alerts/stats/?days=30")
    assert response.status_code == 200
    stats = response.context["stats"]
    assert stats.released == 2 and stats.found == 1 and stats.found_within_72h == 1 and stats.active == 1
    assert 19 < stats.minutes_to_release.median < 22
    login(cc.b)
    assert client.get("/staff/alerts/stats/").context["stats"].released == 0
    assert client.get("/staff/alerts/stats/?days=abc").status_code == 200


def test_demo_partner_endpoint_verifies_and_logs(cc, released, client, partner_agency, settings, make_user):
    from homeward.accounts.roles import Role

    admin = make_user("sys_nat", partner_agency, [Role.PARTNER_PLATFORM])
    assert admin
    settings.ALERTS_ALLOW_PRIVATE_TARGETS = True
    from homeward.alerts import conf
    from homeward.alerts.models import AlertPartner
    from homeward.engines.cap import generate_webhook_secret, sign_webhook

    secret = generate_webhook_secret()
    AlertPartner.objects.create(
        jurisdiction="000000",
        agency=partner_agency,
        name="demo",
        endpoint_url="http://127.0.0.1:8000/alerts/demo-partner/receive/",
        secret_enc=conf.encrypt_secret(secret),
    )
    body = b'{"type":"alert.released","data":{"alert":"x","msg_type":"Alert"}}'
    headers = sign_webhook(secret, "msg_1", timezone.now(), body)
    extra = {f"HTTP_{k.upper().replace('-', '_')}": v for k, v in headers.items()}
    ok = client.post("/alerts/demo-partner/receive/", body, content_type="application/json", **extra)
    assert ok.status_code == 204
    extra["HTTP_WEBHOOK_SIGNATURE"] = "v1,AAAA"
    assert (
        client.post(
            "/alerts/demo-partner/receive/", body, content_type="application/json", **extra
        ).status_code
        == 400
    )
    from homeward.alerts.models import DemoReceipt

    assert [r.verified for r in DemoReceipt.objects.order_by("id")] == [True, False]

"""The alerts API: release, read, edit, close, photos, sightings; bad input is 4xx JSON, never a 500."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from homeward.alerts.models import Alert
from homeward.alerts.tests.conftest import png_upload

pytestmark = pytest.mark.django_db


def _body(**overrides):
    body = {
        "name": "王小宝",
        "sex": "male",
        "birth_date": (timezone.localdate() - timedelta(days=365 * 4)).isoformat(),
        "height_cm": 100,
        "clothing": "绿色外套，黑色运动裤，蓝色凉鞋",
        "circumstances": "lost",
        "last_seen_at": (timezone.now() - timedelta(minutes=15)).isoformat(),
        "last_seen_lat": 30.65,
        "last_seen_lon": 104.05,
        "last_seen_place": "锦里",
        "police_confirmed": True,
    }
    body.update(overrides)
    return body


@pytest.fixture
def api(cc, login, client):
    login(cc.a)

    def call(method, url, body=None):
        data = body if isinstance(body, str | bytes) else json.dumps(body or {})
        return getattr(client, method)(url, data, content_type="application/json")

    return call


def test_release_read_edit_close(api, client):
    created = api("post", "/api/v1/alerts", _body())
    assert created.status_code == 201, created.content
    alert_id = created.json()["id"]
    assert created.json()["radius_km"] == 100 and created.json()["name"] == "王小宝"
    assert client.get(f"/api/v1/alerts/{alert_id}").json()["status"] == "active"
    assert any(a["id"] == alert_id for a in client.get("/api/v1/alerts?status=active").json())
    updated = api("put", f"/api/v1/alerts/{alert_id}", _body(clothing="红色外套，黑色运动裤，蓝色凉鞋"))
    assert updated.status_code == 200 and updated.json()["version"] == 2
    photo = client.post(f"/api/v1/alerts/{alert_id}/photos", {"image": png_upload()})
    assert photo.status_code == 201
    bad_photo = client.post(
        f"/api/v1/alerts/{alert_id}/photos", {"image": png_upload().__class__("x.png", b"nope")}
    )
    assert bad_photo.status_code == 400 and "detail" in bad_photo.json()
    deliveries = client.get(f"/api/v1/alerts/{alert_id}/deliveries")
    assert deliveries.status_code == 200
    closed = api("post", f"/api/v1/alerts/{alert_id}/close", {"outcome": "found"})
    assert closed.status_code == 200 and closed.json()["status"] == "found"
    assert api("post", f"/api/v1/alerts/{alert_id}/close", {"outcome": "found"}).status_code == 400
    assert api("post", f"/api/v1/alerts/{alert_id}/renew").status_code == 400


@pytest.mark.parametrize(
    ("body", "status"),
    [
        (_body(extra_field=1), 422),
        (_body(last_seen_at="not a time"), 422),
        (_body(sex="robot"), 422),
        (_body(clothing="x" * 501), 422),
        (_body(last_seen_lat=40.7, last_seen_lon=-74.0), 400),
        (_body(last_seen_at=(timezone.now() + timedelta(hours=2)).isoformat()), 400),
        (_body(police_confirmed=False), 400),
        (_body(last_seen_division="12"), 422),
        ("{not json", 400),
    ],
)
def test_bad_input(api, body, status):
    response = api("post", "/api/v1/alerts", body)
    assert response.status_code == status, response.content
    assert "detail" in response.json()
    assert not Alert.objects.exists()


def test_close_bad_outcome_and_missing(api):
    alert_id = api("post", "/api/v1/alerts", _body()).json()["id"]
    assert api("post", f"/api/v1/alerts/{alert_id}/close", {"outcome": "maybe"}).status_code == 422
    assert api("post", "/api/v1/alerts/999999/close", {"outcome": "found"}).status_code == 404


def test_sightings_api_and_review(api, client, cc, login):
    alert = Alert.objects.get(pk=api("post", "/api/v1/alerts", _body()).json()["id"])
    client.post(
        f"/alerts/{alert.public_id}/sighting/",
        {
            "seen_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
            "place": "锦里门口",
            "what_seen": "看到一个穿绿外套的小孩",
        },
    )
    login(cc.a)
    rows = client.get(f"/api/v1/alerts/{alert.pk}/sightings").json()
    assert len(rows) == 1 and rows[0]["place"] == "锦里门口"
    assert len(client.get("/api/v1/alerts/sightings").json()) == 1
    no_case = api(
        "post",
        f"/api/v1/alerts/sightings/{rows[0]['id']}/review",
        {"status": "useful", "follow_up": "case_action"},
    )
    assert no_case.status_code == 400 and "follow_up" in no_case.json()["detail"]
    reviewed = api(
        "post",
        f"/api/v1/alerts/sightings/{rows[0]['id']}/review",
        {"status": "useful", "follow_up": "lead"},
    )
    assert reviewed.status_code == 200 and reviewed.json()["follow_up"] == "lead"
    assert reviewed.json()["tip_id"] and len(reviewed.json()["tip_reference"]) == 14
    assert (
        api("post", f"/api/v1/alerts/sightings/{rows[0]['id']}/review", {"status": "nope"}).status_code == 422
    )
    login(cc.b)
    assert client.get("/api/v1/alerts/sightings").json() == []
    assert (
        api("post", f"/api/v1/alerts/sightings/{rows[0]['id']}/review", {"status": "useful"}).status_code
        == 404
    )

"""Database outage: 503 with a clear page (JSON under /api/), a tip sent meanwhile is refused and accepted after.

The failure is simulated by making the database layer raise; `make drill` stops a real PostgreSQL server.
"""

from __future__ import annotations

import uuid
from unittest import mock

import pytest
from django.db import InterfaceError, OperationalError
from django.test import Client

from homeward.tips.models import Tip

pytestmark = pytest.mark.django_db

DOWN = OperationalError("connection to server at 127.0.0.1, port 5432 failed: Connection refused")


TIP = {
    "category": "child_trade",
    "description": "A crying child pulled into a van at the bus station.",
    "address": "成都市武侯区",
}


def test_tip_sent_during_outage_is_refused_clearly_and_accepted_after(personas, client):
    form = {**TIP, "form_token": uuid.uuid4().hex}
    with mock.patch("homeward.tips.services.tip_submit_public", side_effect=DOWN):
        response = client.post("/tips/", form, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 503
    assert int(response["Retry-After"]) > 0
    page = response.content.decode()
    assert "NOT received" in page and "nothing was saved" in page and "110" in page
    assert not Tip.objects.exists()

    again = client.post("/tips/", form, HTTP_ACCEPT_LANGUAGE="en")
    assert again.status_code == 200
    assert Tip.objects.count() == 1


def test_outage_page_is_in_chinese_by_default_with_english_below(personas, client):
    form = {**TIP, "form_token": uuid.uuid4().hex}
    with mock.patch("homeward.tips.services.tip_submit_public", side_effect=DOWN):
        page = client.post("/tips/", form).content.decode()
    assert 'lang="zh-hans"' in page and "未收到" in page
    assert page.index("未收到") < page.index("NOT received")


def test_reading_a_page_during_outage_says_try_again_without_claiming_a_loss(client):
    with mock.patch(
        "homeward.tips.public_views.render", side_effect=InterfaceError("connection already closed")
    ):
        response = client.get("/tips/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 503
    page = response.content.decode()
    assert "try again" in page and "NOT received" not in page
    assert response["X-Frame-Options"] == "DENY" and "Content-Security-Policy" in response


def test_api_answers_json_detail(personas, client):
    payload = dict(TIP)
    with mock.patch("homeward.tips.services.tip_submit_public", side_effect=DOWN):
        response = client.post(
            "/api/v1/tips/public", payload, content_type="application/json", HTTP_ACCEPT_LANGUAGE="en"
        )
    assert response.status_code == 503 and response["Content-Type"] == "application/json"
    body = response.json()
    assert "NOT received" in body["detail"] and body["received"] is False
    assert int(response["Retry-After"]) == body["retry_after"]
    assert not Tip.objects.exists()


def test_api_answers_503_with_debug_on_too(personas, client, settings):
    settings.DEBUG = True  # Ninja answers unhandled errors itself (a 500 page) when DEBUG is on
    with mock.patch("homeward.tips.services.tip_submit_public", side_effect=DOWN):
        response = client.post("/api/v1/tips/public", dict(TIP), content_type="application/json")
    assert response.status_code == 503 and response.json()["received"] is False
    assert not Tip.objects.exists()


def test_session_store_failure_in_middleware_answers_503_not_500(personas, login):
    # The session is loaded by the middleware stack, before any view: Django turns that error into a 500 at the
    # middleware's layer; the outage middleware must still answer 503.
    client = Client(raise_request_exception=False)
    login(personas.investigator_a, client)
    with mock.patch("django.contrib.sessions.backends.db.SessionStore.load", side_effect=DOWN):
        response = client.get("/staff/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 503
    assert "Temporarily unavailable" in response.content.decode()
    assert client.get("/staff/").status_code == 200  # back without a restart


def test_other_errors_stay_500(client):
    client = Client(raise_request_exception=False)
    with mock.patch("homeward.tips.public_views.render", side_effect=ValueError("a bug")):
        assert client.get("/tips/").status_code == 500


def test_health_is_live_and_ready_checks_the_database(client):
    assert client.get("/healthz", HTTP_HOST="10.0.0.5").json() == {"status": "ok"}  # probes come by address
    assert client.get("/readyz").json() == {"status": "ok", "database": "ok"}
    with mock.patch("homeward.core.outage.connection.cursor", side_effect=DOWN):
        assert client.get("/healthz").status_code == 200
        ready = client.get("/readyz")
    assert ready.status_code == 503 and ready.json()["status"] == "unavailable"
    assert ready["X-Frame-Options"] == "DENY" and ready["Cache-Control"] == "no-store"
    assert "Retry-After" in ready


def test_persistent_connections_are_health_checked():
    from django.conf import settings

    assert settings.DATABASES["default"]["CONN_HEALTH_CHECKS"] is True


def test_probes_are_not_redirected_to_https(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    assert client.get("/healthz", HTTP_HOST="10.0.0.5").status_code == 200
    assert client.get("/readyz", HTTP_HOST="10.0.0.5").status_code == 200
    assert client.get("/tips/").status_code == 301

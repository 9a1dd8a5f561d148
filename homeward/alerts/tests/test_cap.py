"""CAP 1.2 messages: schema-valid (xmlschema), signed, verifiable with the published certificate; feed and API."""

from __future__ import annotations

import re

import pytest
from lxml import etree

from homeward.alerts import services
from homeward.engines.cap import CapSignatureError, validate_cap, verify_cap

pytestmark = pytest.mark.django_db

CAP = "{urn:oasis:names:tc:emergency:cap:1.2}"


def _all_messages(cc, released):
    alert = released(description_en="Boy, 8, red top, blue jeans.")
    services.alert_update(actor=cc.a, alert_id=alert.pk, data=_data(clothing="绿色外套"))
    services.alert_close(actor=cc.a, alert_id=alert.pk, outcome="found")
    return alert, list(alert.messages.order_by("seq"))


def _data(**kw):
    from homeward.alerts.tests.conftest import alert_data

    return alert_data(photos=[], **kw)


def test_release_update_and_closure_validate_and_verify(cc, released, client):
    _alert, messages = _all_messages(cc, released)
    assert [m.kind for m in messages] == ["alert", "update", "all_clear"]
    cert = client.get("/alerts/certificate.pem").content
    assert b"BEGIN CERTIFICATE" in cert
    for message in messages:
        document = message.xml.encode()
        validate_cap(document, backend="xmlschema")
        assert not re.search(r"\d\dZ<", message.xml), "CAP forbids Z in datetimes"
        root = etree.fromstring(verify_cap(document, cert))
        assert root.findtext(f"{CAP}identifier") == message.identifier
    release, update, closure = (etree.fromstring(m.xml.encode()) for m in messages)
    assert release.findtext(f"{CAP}msgType") == "Alert"
    assert [i.findtext(f"{CAP}language") for i in release.findall(f"{CAP}info")] == ["zh-CN", "en-US"]
    assert release.find(f"{CAP}info/{CAP}resource/{CAP}digest") is not None
    assert update.findtext(f"{CAP}msgType") == "Update"
    assert messages[0].identifier in update.findtext(f"{CAP}references")
    assert closure.findtext(f"{CAP}msgType") == "Update"
    assert {r.text for r in closure.iter(f"{CAP}responseType")} == {"AllClear"}
    for personal in ("陈明明", "红色上衣", "绿色外套", "照片", "<circle>", "resource"):
        assert personal not in messages[2].xml


def test_tampering_breaks_the_signature(cc, released, client):
    alert = released()
    cert = client.get("/alerts/certificate.pem").content
    tampered = alert.messages.get().xml.replace("陈明明", "王小明").encode()
    with pytest.raises(CapSignatureError):
        verify_cap(tampered, cert)


def test_false_report_is_a_cancel(cc, released):
    alert = released()
    services.alert_close(actor=cc.a, alert_id=alert.pk, outcome="false_report")
    closure = etree.fromstring(alert.messages.latest("seq").xml.encode())
    assert closure.findtext(f"{CAP}msgType") == "Cancel"
    validate_cap(etree.tostring(closure), backend="xmlschema")


def test_api_serves_latest_cap_and_hides_other_counties(cc, released, login, client):
    alert = released()
    login(cc.a)
    response = client.get(f"/api/v1/alerts/{alert.pk}/cap")
    assert response.status_code == 200 and response["Content-Type"].startswith("application/cap+xml")
    assert b"<msgType>Alert</msgType>" in response.content
    login(cc.b)
    assert client.get(f"/api/v1/alerts/{alert.pk}/cap").status_code == 404
    assert client.get("/api/v1/alerts/999999/cap").status_code == 404


def test_atom_feed_drops_personal_data_after_closure(cc, released, client):
    alert = released()
    feed = client.get("/alerts/cap.atom")
    assert feed.status_code == 200 and feed["Content-Type"].startswith("application/atom+xml")
    assert "陈明明" in feed.content.decode() and f"/alerts/{alert.public_id}/cap.xml" in feed.content.decode()
    services.alert_close(actor=cc.a, alert_id=alert.pk, outcome="found")
    text = client.get("/alerts/cap.atom").content.decode()
    assert "陈明明" not in text and "寻人警报已解除" in text
    cap = client.get(f"/alerts/{alert.public_id}/cap.xml").content.decode()
    assert "AllClear" in cap and "陈明明" not in cap


def test_certificate_page_publishes_the_fingerprint(client, db):
    response = client.get("/alerts/cap/")
    assert response.status_code == 200 and re.search(
        r"([0-9A-F]{2}:){31}[0-9A-F]{2}", response.content.decode()
    )

"""Partner deliveries: Standard Webhooks signatures, retry schedule, supersession, dead letters, rotation, SSRF."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from standardwebhooks import Webhook

from homeward.alerts import services
from homeward.alerts.models import Delivery, DeliveryState
from homeward.alerts.tests.conftest import alert_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def partner(cc, personas, partner_agency, make_user):
    from homeward.accounts.roles import Role

    admin = make_user("sys_national", _national_police(), [Role.SYSADMIN])

    def make(url, **kw):
        return services.partner_create(actor=admin, agency_id=partner_agency.pk, endpoint_url=url, **kw)

    make.admin = admin  # type: ignore[attr-defined]
    return make


def _national_police():
    from homeward.accounts.roles import AgencyType
    from homeward.accounts.services import agency_create

    return agency_create(actor=None, name="公安部", type=AgencyType.PUBLIC_SECURITY, division_code="000000")


def _send_pending():
    ids = list(Delivery.objects.filter(state=DeliveryState.PENDING).values_list("pk", flat=True))
    return services.deliveries_send(ids)


def test_release_reaches_partner_with_a_standard_webhooks_signature(cc, partner, receiver, released):
    endpoint = receiver()
    p, secret = partner(endpoint.url)
    assert secret.startswith("whsec_")
    alert = released()
    delivery = Delivery.objects.get()
    assert delivery.partner == p and delivery.state == DeliveryState.PENDING
    assert _send_pending() == {"sent": 1, "delivered": 1, "failed": 0}
    headers, body = endpoint.received[0]
    payload = Webhook(secret).verify(body, headers)  # the standardwebhooks library itself
    assert payload["type"] == "alert.released" and payload["data"]["alert"] == str(alert.public_id)
    assert "<msgType>Alert</msgType>" in payload["data"]["cap"]
    delivery.refresh_from_db()
    assert delivery.state == DeliveryState.DELIVERED and delivery.attempt_log.get().ok
    assert _send_pending() == {"sent": 0, "delivered": 0, "failed": 0}  # idempotent


def test_retries_follow_the_schedule_then_dead_letter_and_replay(
    cc, partner, receiver, released, login, client
):
    endpoint = receiver(status=503)
    p, _secret = partner(endpoint.url)
    start = timezone.now().replace(microsecond=0)
    with time_machine.travel(start, tick=False):
        alert = released(last_seen_at=start - timedelta(hours=71, minutes=50))
    delivery = Delivery.objects.get()
    offsets = [2, 12, 42, 102, 222, 522, 822]
    for attempt, _offset in enumerate(offsets, start=1):
        delivery.refresh_from_db()
        due = delivery.next_attempt_at
        with time_machine.travel(due, tick=False):
            assert services.deliveries_send([delivery.pk])["failed"] == 1
        delivery.refresh_from_db()
        assert delivery.attempts == attempt
        if delivery.state == DeliveryState.DEAD:
            break
        assert delivery.first_attempt_at is not None
        assert delivery.next_attempt_at == delivery.first_attempt_at + timedelta(seconds=offsets[attempt - 1])
    # The alert expires 10 minutes after release: 2 s, 12 s, 42 s, 102 s, 222 s, 522 s fit; 822 s does not.
    assert delivery.state == DeliveryState.DEAD and delivery.attempts == 7
    assert delivery.attempt_log.count() == 7 and {a.status_code for a in delivery.attempt_log.all()} == {503}
    # Every retry carries the same webhook-id so the partner can de-duplicate.
    assert {h["webhook-id"] for h, _ in endpoint.received} == {delivery.msg_id}
    login(cc.a)
    page = client.get("/staff/alerts/deliveries/dead/")
    assert page.status_code == 200 and p.name in page.content.decode()
    login(cc.b)
    assert client.post(f"/staff/alerts/deliveries/{delivery.pk}/replay/").status_code == 404
    login(cc.a)
    endpoint.status = 200
    assert client.post(f"/staff/alerts/deliveries/{delivery.pk}/replay/").status_code == 302
    delivery.refresh_from_db()
    assert delivery.state == DeliveryState.PENDING and delivery.replays == 1
    assert services.deliveries_send([delivery.pk])["delivered"] == 1
    with pytest.raises(ValidationError):
        services.delivery_replay(actor=cc.a, delivery_id=delivery.pk)
    assert alert.pk


def test_a_newer_version_supersedes_a_pending_older_one(cc, partner, receiver, released):
    endpoint = receiver()
    partner(endpoint.url)
    alert = released()
    services.alert_update(actor=cc.a, alert_id=alert.pk, data=alert_data(clothing="绿色外套", photos=[]))
    states = dict(Delivery.objects.values_list("message__seq", "state"))
    assert states == {1: DeliveryState.SUPERSEDED, 2: DeliveryState.PENDING}
    _send_pending()
    assert len(endpoint.received) == 1
    assert json.loads(endpoint.received[0][1])["type"] == "alert.updated"


def test_closure_goes_to_every_partner_that_heard_of_the_alert(cc, partner, receiver, released):
    endpoint = receiver()
    partner(endpoint.url)
    alert = released()
    _send_pending()
    services.alert_close(actor=cc.a, alert_id=alert.pk, outcome="found")
    _send_pending()
    payload = json.loads(endpoint.received[-1][1])
    assert payload["type"] == "alert.found" and "陈明明" not in endpoint.received[-1][1].decode()


def test_secret_rotation_keeps_both_signatures_valid(cc, partner, receiver, released):
    endpoint = receiver()
    p, old = partner(endpoint.url)
    new = services.partner_rotate_secret(actor=partner.admin, partner_id=p.pk)
    assert new != old
    released()
    _send_pending()
    headers, body = endpoint.received[0]
    assert len(headers["webhook-signature"].split(" ")) == 2
    Webhook(old).verify(body, headers)
    Webhook(new).verify(body, headers)
    with time_machine.travel(timezone.now() + timedelta(hours=25), tick=False):
        assert len(services.partner_secrets(p.__class__.objects.get(pk=p.pk))) == 1


def test_service_region_filters_partners(cc, partner, receiver, released):
    yunnan = receiver()
    sichuan = receiver()
    partner(yunnan.url, region_codes="530102")
    partner(sichuan.url, region_codes="510000")
    released()
    assert set(Delivery.objects.values_list("partner__endpoint_url", flat=True)) == {sichuan.url}


def test_ssrf_private_targets_refused_unless_allowed(cc, partner, receiver, released, settings):
    endpoint = receiver()
    settings.ALERTS_ALLOW_PRIVATE_TARGETS = False
    for url in (
        endpoint.url,
        "http://169.254.169.254/latest/meta-data",
        "ftp://example.com/x",
        "http://10.0.0.1/",
    ):
        with pytest.raises(ValidationError) as exc:
            partner(url)
        assert "endpoint_url" in exc.value.message_dict
    settings.ALERTS_ALLOW_PRIVATE_TARGETS = True
    partner(endpoint.url)
    released()
    settings.ALERTS_ALLOW_PRIVATE_TARGETS = False  # production settings at send time: refused, not sent
    assert _send_pending()["failed"] == 1
    assert "refused" in Delivery.objects.get().last_error and endpoint.received == []


def test_a_restarted_worker_loses_no_delivery(cc, partner, receiver, released):
    endpoint = receiver()
    partner(endpoint.url)
    released()
    delivery = Delivery.objects.get()
    # A worker claimed it and died mid-send: the lease runs out and the minute tick enqueues it again.
    Delivery.objects.filter(pk=delivery.pk).update(lease_until=timezone.now() + timedelta(seconds=30))
    before = DBTaskResult.objects.count()
    with time_machine.travel(timezone.now() + timedelta(minutes=2), tick=False):
        assert services.alerts_tick().requeued == 1
        assert DBTaskResult.objects.count() == before + 1
        assert _send_pending()["delivered"] == 1


def test_other_county_cannot_replay(cc, partner, receiver, released):
    endpoint = receiver(status=500)
    partner(endpoint.url)
    released()
    Delivery.objects.update(state=DeliveryState.DEAD)
    with pytest.raises(Http404):
        services.delivery_replay(actor=cc.b, delivery_id=Delivery.objects.get().pk)


def test_partner_pages_show_secret_once(cc, partner, login, client, partner_agency, receiver):
    login(partner.admin)
    response = client.post(
        "/staff/alerts/partners/",
        {
            "agency": partner_agency.pk,
            "name": "地图平台",
            "endpoint_url": receiver().url,
            "region_codes": "",
            "region_boxes": "",
        },
    )
    assert response.status_code == 200 and "whsec_" in response.content.decode()
    p = services.AlertPartner.objects.get()
    detail = client.get(f"/staff/alerts/partners/{p.pk}/")
    assert "whsec_" not in detail.content.decode()
    rotated = client.post(f"/staff/alerts/partners/{p.pk}/", {"action": "rotate"})
    assert "whsec_" in rotated.content.decode()
    bad = client.post(
        "/staff/alerts/partners/",
        {
            "agency": partner_agency.pk,
            "endpoint_url": "gopher://x",
            "region_codes": "999999",
            "region_boxes": "1,2",
        },
    )
    assert bad.status_code == 200 and services.AlertPartner.objects.count() == 1
    login(cc.a)
    assert client.get(f"/staff/alerts/partners/{p.pk}/").status_code == 404

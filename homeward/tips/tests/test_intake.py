"""Public intake: form and API, receipt, idempotency, routing by location, limits, spam, imminent danger."""

from __future__ import annotations

import io
import json

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from conftest import COUNTY_A, COUNTY_B, OTHER_COUNTY, PROVINCE
from homeward.audit.models import AuditAction
from homeward.notifications.models import Notice
from homeward.tips import routing
from homeward.tips.models import Tip, TipAttachment, TipKey
from homeward.tips.services import RateLimited, TipData, tip_submit_public
from homeward.tips.tests.conftest import POINT_A, POINT_B

pytestmark = pytest.mark.django_db

VALID = {
    "category": "child_trade",
    "description": "有人在微信群里出售婴儿，说可以送到家",
    "address": "成都市武侯区",
    "informant_phone": "13912345678",
}


def post(client, body, key="", **extra):
    headers = {"HTTP_IDEMPOTENCY_KEY": key} if key else {}
    data = body if isinstance(body, (str, bytes)) else json.dumps(body)
    return client.post("/api/v1/tips/public", data, content_type="application/json", **headers, **extra)


def test_api_submit_gives_receipt_and_routes_to_county_police(personas, client, audit_rows):
    with audit_rows() as rows:
        response = post(client, VALID, key="k-1")
    assert response.status_code == 201, response.content
    body = response.json()
    assert len(body["reference"]) == 14 and len(body["secret"]) == 16 and body["status"] == "received"
    tip = Tip.objects.get()
    assert tip.agency == personas.police_a and tip.jurisdiction == COUNTY_A and tip.division_code == COUNTY_A
    assert tip.secret_hash and body["secret"] not in tip.secret_hash
    assert tip.child_involved  # buying or selling a child involves a child
    assert [(r.action, r.object_id) for r in rows.new] == [(AuditAction.CREATE, str(tip.pk))]


def test_same_idempotency_key_creates_one_tip_and_same_receipt(personas, client):
    first = post(client, VALID, key="retry-me")
    second = post(client, VALID, key="retry-me")
    assert first.status_code == 201 and second.status_code == 200
    assert first.json()["reference"] == second.json()["reference"]
    assert first.json()["secret"] == second.json()["secret"]
    assert Tip.objects.count() == 1
    follow = client.post(
        "/api/v1/tips/public/follow-up",
        json.dumps({"reference": second.json()["reference"], "secret": second.json()["secret"]}),
        content_type="application/json",
    )
    assert follow.status_code == 200


def test_same_key_with_different_body_is_refused(personas, client):
    assert post(client, VALID, key="k").status_code == 201
    response = post(client, {**VALID, "description": "另一件事情完全不同的描述"}, key="k")
    assert response.status_code == 400 and "idempotency" in json.dumps(response.json())
    assert Tip.objects.count() == 1


def test_without_key_each_submission_is_a_tip(personas, client):
    post(client, VALID)
    post(client, VALID)
    assert Tip.objects.count() == 2


def test_form_token_makes_the_web_form_idempotent(personas, client):
    form = {**VALID, "form_token": "tok-123", "seen_at": "2026-01-02T10:30"}
    first = client.post("/tips/", form)
    again = client.post("/tips/", form)
    assert first.status_code == again.status_code == 200
    assert Tip.objects.count() == 1
    tip = Tip.objects.get()
    assert tip.reference in first.content.decode() and tip.reference in again.content.decode()
    assert tip.channel == "public_web"


def test_public_form_renders_and_shows_errors(db, client):
    page = client.get("/tips/")
    assert page.status_code == 200 and 'name="form_token"' in page.content.decode()
    bad = client.post("/tips/", {"category": "nonsense", "description": ""})
    assert bad.status_code == 400 and not Tip.objects.exists()


def test_unplaceable_address_is_a_form_error(personas, client):
    response = client.post("/tips/", {**VALID, "address": "就在那边的路口", "form_token": "x"})
    assert response.status_code == 400
    assert "成都市武侯区" in response.content.decode()  # the hint names an example
    assert not Tip.objects.exists()


@pytest.mark.parametrize(
    "body,status",
    [
        ("{not json", 400),
        ({**VALID, "colour": "blue"}, 422),
        ({**VALID, "category": "gossip"}, 422),
        ({**VALID, "description": ""}, 422),
        ({**VALID, "description": "x" * 5001}, 422),
        ({**VALID, "lat": 200, "lon": 10}, 422),
        ({**VALID, "division_code": "51A107"}, 422),
        ({**VALID, "division_code": "519999"}, 400),
        ({**VALID, "informant_phone": "12345"}, 400),
        ({**VALID, "involved_id_numbers": ["11010519491231002Y"]}, 400),
        ({**VALID, "lat": 30.6, "lon": None}, 400),
        ({**VALID, "lat": 51.5, "lon": -0.12}, 400),  # London
        ({**VALID, "seen_at": "2999-01-01T00:00:00"}, 400),
        ({**VALID, "seen_at": "yesterday"}, 422),
        ({**VALID, "involved_phones": ["13800138000"] * 11}, 422),
        ([1, 2], 422),
    ],
)
def test_bad_public_input_is_4xx_json_and_writes_nothing(personas, client, body, status):
    response = post(client, body)
    assert response.status_code == status, response.content
    assert "detail" in response.json()
    assert not Tip.objects.exists()


def test_bad_idempotency_key_is_400(personas, client):
    response = post(client, VALID, key="x" * 101)
    assert response.status_code == 400 and not Tip.objects.exists()


def test_oversize_body_is_413(personas, client):
    response = post(client, {**VALID, "padding": "y" * 2_000_000})
    assert response.status_code == 413 and not Tip.objects.exists()


def test_routing_by_map_point(personas, public_tip):
    tip = public_tip(address="", lat=POINT_B[0], lon=POINT_B[1]).tip
    assert (
        tip.division_code == COUNTY_B and tip.agency == personas.police_b and tip.location_source == "point"
    )
    tip = public_tip(address="", lat=POINT_A[0], lon=POINT_A[1]).tip
    assert tip.division_code == COUNTY_A and tip.agency == personas.police_a


def test_routing_by_code_and_retired_code(personas, public_tip):
    tip = public_tip(address="", division_code=OTHER_COUNTY).tip
    assert tip.agency == personas.police_other and tip.location_source == "code"
    assert routing.division_for_code("500228") == "500155"  # 梁平县 -> 梁平区


def test_county_without_police_goes_to_the_level_above(personas, public_tip):
    tip = public_tip(address="四川省成都市锦江区春熙路").tip
    assert tip.division_code == "510104"
    assert tip.agency == personas.police_province and tip.jurisdiction == PROVINCE


def test_routing_reuses_the_agency_it_found_for_a_while(personas, settings, monkeypatch):
    from homeward.accounts.roles import AgencyType
    from homeward.accounts.services import agency_create

    settings.TIPS_ROUTING_CACHE_SECONDS = 30
    clock = [100.0]
    monkeypatch.setattr(routing, "_clock", lambda: clock[0])
    monkeypatch.setattr(routing, "_police_cache", {})
    assert routing.police_agency_for("510104") == personas.police_province  # 锦江区 has no police of its own
    jinjiang = agency_create(
        actor=None, name="锦江公安分局", type=AgencyType.PUBLIC_SECURITY, division_code="510104"
    )
    clock[0] += 29
    assert routing.police_agency_for("510104") == personas.police_province  # within the time: the answer read
    assert routing.police_agency_for(COUNTY_A) == personas.police_a  # other places are looked up as before
    clock[0] += 2
    assert routing.police_agency_for("510104") == jinjiang  # then the directory is read again
    settings.TIPS_ROUTING_CACHE_SECONDS = 0
    jinjiang.is_active = False
    jinjiang.save(update_fields=["is_active"])
    assert routing.police_agency_for("510104") == personas.police_province


def test_address_parsing():
    assert routing.division_for_address("成都市武侯区人民南路") == COUNTY_A
    assert routing.division_for_address("云南昆明五华区") == OTHER_COUNTY
    assert routing.division_for_address("四川省") == "510000"
    assert routing.division_for_address("随便一个地方") is None


def test_rate_limit_per_address(personas, public_tip):
    for i in range(10):
        public_tip(description=f"第{i}条线索：看到可疑人员带着孩子", ip="203.0.113.9")
    with pytest.raises(RateLimited):
        public_tip(description="再来一条线索看到可疑人员", ip="203.0.113.9")
    public_tip(description="另一个地址的线索看到可疑人员", ip="203.0.113.10")
    assert Tip.objects.count() == 11
    assert all(len(t.source_hash) == 32 and "203" not in t.source_hash for t in Tip.objects.all())


def test_a_retry_is_answered_with_its_receipt_even_when_the_address_is_at_its_limit(personas, public_tip):
    for i in range(9):
        public_tip(description=f"第{i}条线索：看到可疑人员带着孩子", ip="203.0.113.9")
    first = public_tip(description="第十条线索：看到可疑人员带着孩子", key="tenth", ip="203.0.113.9")
    again = public_tip(description="第十条线索：看到可疑人员带着孩子", key="tenth", ip="203.0.113.9")
    assert first.created and not again.created
    assert (again.tip.pk, again.reference, again.secret) == (first.tip.pk, first.reference, first.secret)
    with pytest.raises(ValidationError, match="idempotency"):
        public_tip(description="换了内容的第十条线索看到可疑人员", key="tenth", ip="203.0.113.9")
    with pytest.raises(RateLimited):
        public_tip(description="第十一条线索：看到可疑人员", key="eleventh", ip="203.0.113.9")
    assert Tip.objects.count() == 10 and first.tip.events.count() == 1


def test_rate_limited_api_is_429(personas, client):
    for i in range(10):
        assert post(client, {**VALID, "description": f"线索{i}号看到有人贩卖儿童"}).status_code == 201
    response = post(client, {**VALID, "description": "第十一条线索"})
    assert response.status_code == 429 and "detail" in response.json()


def test_junk_sinks_below_real_tips(personas, public_tip, login, client):
    junk = public_tip(
        description="加微信 代开发票 http://spam.example.com 优惠 免费领取", category="other"
    ).tip
    real = public_tip(description="看到一个女人被人锁在屋里，说是买来的媳妇", category="woman_trafficked").tip
    assert junk.spam_score >= 0.7 > real.spam_score
    assert junk.priority < 0 < real.priority
    login(personas.investigator_a)
    ids = [row["id"] for row in client.get("/api/v1/tips/queue").json()]
    assert ids.index(real.pk) < ids.index(junk.pk)
    hidden = [row["id"] for row in client.get("/api/v1/tips/queue", {"include_spam": "false"}).json()]
    assert junk.pk not in hidden and real.pk in hidden


def test_imminent_danger_tops_the_queue_and_alerts_command_centre(
    personas, public_tip, command_a, login, client
):
    older = public_tip(description="有人在菜市场乞讨，孩子好像被控制", category="forced_labour").tip
    urgent = public_tip(description="一个小孩刚刚被人抱上一辆白色面包车", imminent_danger=True).tip
    assert urgent.priority > older.priority
    notice = Notice.objects.get(recipient=command_a)
    assert urgent.reference in notice.title and notice.url == f"/staff/tips/{urgent.pk}/"
    login(command_a)
    queue = client.get("/staff/tips/").content.decode()
    assert queue.index(urgent.reference) < queue.index(older.reference)
    detail = client.get(f"/staff/tips/{urgent.pk}/").content.decode()
    assert f"/staff/alerts/new/?tip={urgent.pk}" in detail
    assert (
        client.get(f"/api/v1/tips/{urgent.pk}").json()["start_alert_url"]
        == f"/staff/alerts/new/?tip={urgent.pk}"
    )


def test_keys_are_extracted_for_duplicate_search(personas, public_tip):
    tip = public_tip(
        description="男子电话13800138000，开川A12345的车",
        phone="13912345678",
        vehicles="白色面包车 川A 12345",
    ).tip
    keys = set(TipKey.objects.filter(tip=tip).values_list("kind", "value"))
    assert ("phone", "+8613800138000") in keys and ("phone", "+8613912345678") in keys
    assert ("plate", "川A12345") in keys


def png(size=(8, 8)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, "red").save(buffer, "PNG")
    return buffer.getvalue()


def test_photo_upload_on_public_form(personas, client):
    upload = SimpleUploadedFile("p.png", png(), content_type="image/png")
    response = client.post("/tips/", {**VALID, "form_token": "t1", "attachments": [upload]})
    assert response.status_code == 200
    attachment = TipAttachment.objects.get()
    assert attachment.content_type == "image/png"


def test_non_image_upload_is_refused(personas, client):
    fake = SimpleUploadedFile("p.png", b"<?php echo 1; ?>", content_type="image/png")
    response = client.post("/tips/", {**VALID, "form_token": "t2", "attachments": [fake]})
    assert response.status_code == 400
    assert not Tip.objects.exists() and not TipAttachment.objects.exists()


def test_too_many_files_refused(personas):
    files = [SimpleUploadedFile(f"{i}.png", png(), content_type="image/png") for i in range(6)]
    with pytest.raises(ValidationError):
        tip_submit_public(
            data=TipData(category="other", description="看到可疑的人在附近", address="成都市武侯区"),
            attachments=files,
        )
    assert not Tip.objects.exists()

"""Informant identity: visible only to the handling agency's investigators and auditors; masked in exports.
Photos and files are served only to users who may open the tip."""

from __future__ import annotations

import io
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from homeward.audit.models import AuditAction, AuditEvent
from homeward.tips.models import TipAttachment
from homeward.tips.services import TipData, tip_submit_public

pytestmark = pytest.mark.django_db

PHONE, NAME = "13912345678", "王小明"
E164 = "+8613912345678"


@pytest.fixture
def tip(personas, public_tip):
    return public_tip(phone=PHONE, name=NAME).tip


def test_handling_investigator_and_auditor_see_informant(personas, tip, login, client):
    for user in (personas.investigator_a, personas.auditor_a):
        login(user)
        assert E164 in client.get(f"/staff/tips/{tip.pk}/").content.decode()
        body = client.get(f"/api/v1/tips/{tip.pk}").json()
        assert body["informant_phone"] == E164 and body["informant_name"] == NAME and body["informant_shown"]
    event = AuditEvent.objects.filter(action=AuditAction.READ, object_id=str(tip.pk)).last()
    assert event is not None and event.detail == {"informant_shown": True}


def test_other_roles_and_levels_see_it_masked(personas, tip, command_a, login, client):
    for user in (personas.provincial, command_a):
        login(user)
        page = client.get(f"/staff/tips/{tip.pk}/").content.decode()
        assert page.count("13912345678") == 0 and NAME not in page
        body = client.get(f"/api/v1/tips/{tip.pk}").json()
        assert body["informant_phone"] == "+86139****5678" and not body["informant_shown"]
        assert PHONE not in json.dumps(body)


def test_phone_never_in_another_countys_view(personas, tip, login, client):
    login(personas.investigator_b)
    responses = [
        client.get(f"/staff/tips/{tip.pk}/"),
        client.get(f"/api/v1/tips/{tip.pk}"),
        client.get("/staff/tips/", {"scope": "all", "status": "all"}),
        client.get("/api/v1/tips/queue", {"scope": "all", "status": "all"}),
        client.get("/api/v1/tips/export", {"scope": "all", "status": "all"}),
        client.get("/staff/tips/export.csv", {"scope": "all", "status": "all"}),
    ]
    for response in responses:
        text = b"".join(response.streaming_content) if response.streaming else response.content
        assert b"13912345678" not in text and NAME.encode() not in text


def test_exports_mask_the_informant_even_for_the_handling_agency(personas, tip, login, client, audit_rows):
    login(personas.investigator_a)
    with audit_rows() as rows:
        csv_text = client.get("/staff/tips/export.csv").content.decode("utf-8-sig")
    assert tip.reference in csv_text
    assert "13912345678" not in csv_text and NAME not in csv_text
    assert "+86139****5678" in csv_text and "王**" in csv_text
    assert [r.action for r in rows.new] == [AuditAction.EXPORT]
    rows_json = client.get("/api/v1/tips/export").json()
    assert rows_json[0]["informant_phone"] == "+86139****5678"
    assert PHONE not in json.dumps(rows_json)


def test_csv_cells_do_not_start_formulas(personas, public_tip, login, client):
    public_tip(description='=HYPERLINK("http://x") 看到有人拐卖儿童')
    login(personas.investigator_a)
    text = client.get("/staff/tips/export.csv").content.decode("utf-8-sig")
    assert ",'=HYPERLINK" in text or "\"'=HYPERLINK" in text


def png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "blue").save(buffer, "PNG")
    return buffer.getvalue()


def test_photos_served_only_to_authorised_users(personas, login, client):
    upload = SimpleUploadedFile("p.png", png(), content_type="image/png")
    tip_submit_public(
        data=TipData(category="child_missing", description="照片里的孩子被带走了", address="成都市武侯区"),
        attachments=[upload],
    )
    attachment = TipAttachment.objects.get()
    assert client.get(f"/staff/tips/attachments/{attachment.pk}/").status_code == 302  # not logged in
    login(personas.investigator_a)
    served = client.get(f"/staff/tips/attachments/{attachment.pk}/")
    assert served.status_code == 200 and served["Content-Type"] == "image/png"
    assert served["Cache-Control"] == "private, no-store"
    login(personas.investigator_b)
    assert client.get(f"/staff/tips/attachments/{attachment.pk}/").status_code == 404
    assert client.get("/staff/tips/attachments/999999/").status_code == 404
    login(personas.caseworker_a)
    assert client.get(f"/staff/tips/attachments/{attachment.pk}/").status_code == 403

"""The anonymous informant: follow-up with receipt code and secret, questions from police, added information."""

from __future__ import annotations

import json

import pytest

from homeward.audit.models import AuditAction, AuditOutcome
from homeward.notifications.models import Notice
from homeward.tips import services
from homeward.tips.models import Tip

pytestmark = pytest.mark.django_db


def follow(client, reference, secret, path="/api/v1/tips/public/follow-up", **extra):
    return client.post(
        path, json.dumps({"reference": reference, "secret": secret, **extra}), content_type="application/json"
    )


def test_follow_up_with_receipt_shows_status_only(personas, public_tip, client):
    receipt = public_tip(phone="13912345678", name="张三")
    response = follow(client, receipt.reference, receipt.secret)
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "received" and body["reference"] == receipt.reference
    text = json.dumps(body, ensure_ascii=False)
    for secret_fact in ("武侯公安分局", "13912345678", "priority", "agency", "510107"):
        assert secret_fact not in text


def test_receipt_is_forgiving_about_case_and_dashes(personas, public_tip, client):
    receipt = public_tip()
    sloppy = receipt.reference.replace("-", " ").lower()
    assert follow(client, sloppy, receipt.secret.lower()).status_code == 200


def test_wrong_secret_answers_exactly_like_unknown_code(personas, public_tip, client, audit_rows):
    receipt = public_tip()
    with audit_rows() as rows:
        wrong = follow(client, receipt.reference, "ABCDABCDABCDABCD")
        unknown = follow(client, "ZZZZ-ZZZZ-ZZZZ", receipt.secret)
        malformed = follow(client, "nonsense", "x")
    assert wrong.status_code == unknown.status_code == malformed.status_code == 404
    assert wrong.content == unknown.content == malformed.content
    assert [(r.action, r.outcome, r.object_id) for r in rows.new] == [
        (AuditAction.READ, AuditOutcome.DENIED, "receipt")
    ] * 3


def test_wrong_secret_on_the_page_looks_like_unknown_code(personas, public_tip, client):
    receipt = public_tip()
    wrong = client.post("/tips/follow-up/", {"reference": receipt.reference, "secret": "ABCDABCDABCDABCD"})
    unknown = client.post("/tips/follow-up/", {"reference": "ZZZZ-ZZZZ-ZZZZ", "secret": receipt.secret})
    assert wrong.status_code == unknown.status_code == 400

    # The same message, and neither page tells whether the code exists.
    def error(response):
        return response.content.decode().split('class="errors" role="alert">')[1].split("</div>")[0]

    assert error(wrong) == error(unknown)
    assert "No tip matches" in error(wrong) or "没有与此回执码" in error(wrong)
    assert client.get("/tips/follow-up/status/").status_code == 302  # nothing opened


def test_question_reaches_anonymous_informant_and_answer_reaches_police(personas, public_tip, client, login):
    receipt = public_tip()
    tip = receipt.tip
    services.tip_acknowledge(actor=personas.investigator_a, tip_id=tip.pk)
    services.tip_request_info(actor=personas.investigator_a, tip_id=tip.pk, question="车是什么颜色？")
    page = client.post("/tips/follow-up/", {"reference": receipt.reference, "secret": receipt.secret})
    assert page.status_code == 302
    status = client.get("/tips/follow-up/status/").content.decode()
    assert "车是什么颜色？" in status
    assert client.post("/tips/follow-up/status/", {"text": "白色的面包车"}).status_code == 302
    tip.refresh_from_db()
    assert tip.status == "acknowledged"
    assert "白色的面包车" in client.get("/tips/follow-up/status/").content.decode()
    assert Notice.objects.filter(recipient=personas.investigator_a, kind="tips.informant_added").exists()
    login(personas.investigator_a)
    assert "白色的面包车" in client.get(f"/staff/tips/{tip.pk}/").content.decode()


def test_add_information_through_api(personas, public_tip, client, audit_rows):
    receipt = public_tip()
    with audit_rows() as rows:
        response = follow(
            client,
            receipt.reference,
            receipt.secret,
            path="/api/v1/tips/public/follow-up/add",
            text="补充：车牌川A12345",
        )
    assert response.status_code == 201
    assert [m["text"] for m in response.json()["messages"]] == ["补充：车牌川A12345"]
    # One row for opening the receipt, one for the change.
    assert [(r.action, r.outcome) for r in rows.new] == [
        (AuditAction.READ, "success"),
        (AuditAction.UPDATE, "success"),
    ]
    bad = follow(
        client, receipt.reference, "WRONGWRONGWRONG1", path="/api/v1/tips/public/follow-up/add", text="x"
    )
    assert bad.status_code == 404
    empty = follow(
        client, receipt.reference, receipt.secret, path="/api/v1/tips/public/follow-up/add", text=""
    )
    assert empty.status_code == 422


def test_public_statuses(personas, public_tip, client):
    receipt = public_tip()
    tip_id = receipt.tip.pk

    def status():
        return follow(client, receipt.reference, receipt.secret).json()["status"]

    assert status() == "received"
    services.tip_acknowledge(actor=personas.investigator_a, tip_id=tip_id)
    assert status() == "being_checked"
    services.tip_mark_converted(actor=personas.investigator_a, tip_id=tip_id, case_ref="C-2026-001")
    assert status() == "passed_to_police"
    other = public_tip(description="另一条：看到有人强迫儿童乞讨")
    services.tip_close(actor=personas.investigator_a, tip_id=other.tip.pk, reason="unfounded")
    assert follow(client, other.reference, other.secret).json()["status"] == "closed"


def test_followup_session_expires(personas, public_tip, client):
    import time_machine

    receipt = public_tip()
    client.post("/tips/follow-up/", {"reference": receipt.reference, "secret": receipt.secret})
    assert client.get("/tips/follow-up/status/").status_code == 200
    with time_machine.travel(Tip.objects.get().created_at.timestamp() + 3600, tick=False):
        assert client.get("/tips/follow-up/status/").status_code == 302


def test_followup_form_bad_input(db, client):
    assert client.post("/tips/follow-up/", {"reference": "x" * 50, "secret": ""}).status_code == 400
    response = client.post(
        "/api/v1/tips/public/follow-up", json.dumps({"reference": 1}), content_type="application/json"
    )
    assert response.status_code == 422

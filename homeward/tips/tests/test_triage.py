"""Triage: jurisdiction 404s, acknowledge, SLA escalation, transfers with acceptance, duplicates, merge, link."""

from __future__ import annotations

import json
from datetime import timedelta
from io import StringIO

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.utils import timezone

from conftest import COUNTY_A, COUNTY_B
from homeward.audit.models import AuditAction
from homeward.notifications.models import Notice
from homeward.tips import selectors, services
from homeward.tips.models import Tip, TipEvent, TipLink, TipTransfer
from homeward.tips.tests.conftest import POINT_A

pytestmark = pytest.mark.django_db


def test_county_b_gets_404_on_county_a_tip_pages_and_api(personas, public_tip, login, client):
    tip = public_tip().tip
    login(personas.investigator_b)
    for path in (f"/staff/tips/{tip.pk}/", "/staff/tips/999999/"):
        assert client.get(path).status_code == 404
    other = client.get(f"/api/v1/tips/{tip.pk}")
    missing = client.get("/api/v1/tips/999999")
    assert other.status_code == missing.status_code == 404 and other.json() == missing.json()
    for action in ("acknowledge", "close", "request-info"):
        assert (
            client.post(
                f"/staff/tips/{tip.pk}/{action}/", {"reason": "unfounded", "question": "?"}
            ).status_code
            == 404
        )
    assert client.post(f"/api/v1/tips/{tip.pk}/acknowledge").status_code == 404
    assert client.get(f"/api/v1/tips/{tip.pk}/related").status_code == 404
    assert tip.pk not in [r["id"] for r in client.get("/api/v1/tips/queue", {"scope": "all"}).json()]


def test_roles_without_tip_access_are_refused(personas, public_tip, login, client):
    tip = public_tip().tip
    login(personas.caseworker_a)
    assert client.get(f"/staff/tips/{tip.pk}/").status_code == 403
    assert client.get(f"/api/v1/tips/{tip.pk}").status_code == 403
    login(personas.auditor_a)
    assert client.get(f"/staff/tips/{tip.pk}/").status_code == 200
    assert client.post(f"/api/v1/tips/{tip.pk}/acknowledge").status_code == 403


def test_acknowledge_writes_one_audit_row_and_event(personas, public_tip, login, client, audit_rows):
    tip = public_tip().tip
    login(personas.investigator_a)
    with audit_rows() as rows:
        response = client.post(f"/api/v1/tips/{tip.pk}/acknowledge")
    assert response.status_code == 200 and response.json()["status"] == "acknowledged"
    assert [(r.action, r.object_id) for r in rows.new] == [(AuditAction.UPDATE, str(tip.pk))]
    assert TipEvent.objects.filter(tip=tip, kind="acknowledged").count() == 1
    assert client.post(f"/api/v1/tips/{tip.pk}/acknowledge").status_code == 400


def test_queue_page_and_detail_page(personas, public_tip, login, client):
    tip = public_tip().tip
    login(personas.investigator_a)
    assert tip.reference in client.get("/staff/tips/").content.decode()
    assert client.get("/staff/tips/", {"status": "bogus"}).status_code == 200
    page = client.get(f"/staff/tips/{tip.pk}/")
    assert page.status_code == 200 and tip.description in page.content.decode()
    assert client.post(f"/staff/tips/{tip.pk}/acknowledge/").status_code == 302
    assert Tip.objects.get(pk=tip.pk).acknowledged_at is not None


def test_sla_escalation_when_the_clock_passes_the_deadline(
    personas, public_tip, command_province, login, client, audit_rows
):
    tip = public_tip(description="看到有人强迫残疾人乞讨", category="forced_labour").tip
    assert abs(tip.ack_due_at - tip.created_at - services.SLA_DEFAULT[0]) < timedelta(seconds=5)
    out = StringIO()
    call_command("tips_tick", stdout=out)
    assert "escalated 0" in out.getvalue()
    with time_machine.travel(tip.ack_due_at + timedelta(minutes=1), tick=False), audit_rows() as rows:
        call_command("tips_tick", stdout=StringIO())
        call_command("tips_tick", stdout=StringIO())  # idempotent: once per missed deadline
    tip.refresh_from_db()
    assert tip.escalation_level == 1 and tip.escalated_to == personas.police_province
    assert [(r.action, r.actor_label) for r in rows.new] == [(AuditAction.UPDATE, "tips_tick")]
    assert Notice.objects.filter(recipient=command_province, kind="tips.escalated").count() == 1
    assert Notice.objects.filter(recipient=personas.investigator_a, kind="tips.escalated").exists()
    login(command_province)
    assert tip.pk in [r["id"] for r in client.get("/api/v1/tips/queue").json()]


def test_acknowledged_tip_escalates_on_missed_first_action(personas, public_tip):
    tip = public_tip(description="网上有人发帖出售婴儿", category="online_post").tip
    services.tip_acknowledge(actor=personas.investigator_a, tip_id=tip.pk)
    tip.refresh_from_db()
    assert tip.next_escalation_at == tip.action_due_at
    with time_machine.travel(tip.ack_due_at + timedelta(minutes=1), tick=False):
        assert services.tips_escalate_overdue() == 0
    with time_machine.travel(tip.action_due_at + timedelta(minutes=1), tick=False):
        assert services.tips_escalate_overdue() == 1
    services.tip_request_info(actor=personas.investigator_a, tip_id=tip.pk, question="具体网址是什么？")
    tip.refresh_from_db()
    assert tip.next_escalation_at is None and tip.first_action_at is not None


def test_imminent_tip_escalates_within_minutes(personas, public_tip):
    tip = public_tip(imminent_danger=True).tip
    with time_machine.travel(timezone.now() + timedelta(minutes=11), tick=False):
        assert services.tips_escalate_overdue() == 1
    tip.refresh_from_db()
    assert tip.escalation_level == 1 and tip.escalated_to == personas.police_province


def test_transfer_needs_acceptance_by_the_receiving_agency(personas, public_tip, login, client, audit_rows):
    tip = public_tip(phone="13912345678", name="李四").tip
    login(personas.investigator_a)
    bad = client.post(
        f"/api/v1/tips/{tip.pk}/transfer",
        json.dumps({"to_agency_id": personas.police_b.pk, "reason": ""}),
        content_type="application/json",
    )
    assert bad.status_code == 400
    to_school = client.post(
        f"/api/v1/tips/{tip.pk}/transfer",
        json.dumps({"to_agency_id": personas.school_a.pk, "reason": "嫌疑人住在金牛区"}),
        content_type="application/json",
    )
    assert to_school.status_code == 400
    with audit_rows() as rows:
        response = client.post(
            f"/api/v1/tips/{tip.pk}/transfer",
            json.dumps({"to_agency_id": personas.police_b.pk, "reason": "嫌疑人住在金牛区"}),
            content_type="application/json",
        )
    assert response.status_code == 201
    assert len(rows.new) == 1
    transfer = TipTransfer.objects.get()
    tip.refresh_from_db()
    assert tip.status == "transfer_pending" and tip.jurisdiction == COUNTY_A  # not moved until accepted
    assert Notice.objects.filter(recipient=personas.investigator_b, kind="tips.transfer").exists()
    # The receiving side sees the transfer, but not the tip itself or its informant, until it accepts.
    login(personas.investigator_b)
    assert client.get(f"/staff/tips/{tip.pk}/").status_code == 404
    page = client.get(f"/staff/tips/transfers/{transfer.pk}/").content.decode()
    assert "嫌疑人住在金牛区" in page and "13912345678" not in page and "李四" not in page
    # Only the receiving agency decides: the sender (and a provincial officer) cannot.
    with pytest.raises(PermissionDenied):
        services.tip_transfer_decide(actor=personas.investigator_a, transfer_id=transfer.pk, accept=True)
    with pytest.raises(PermissionDenied):
        services.tip_transfer_decide(actor=personas.provincial, transfer_id=transfer.pk, accept=True)
    with audit_rows() as rows:
        accepted = client.post(
            f"/api/v1/tips/transfers/{transfer.pk}/decide",
            json.dumps({"accept": True}),
            content_type="application/json",
        )
    assert accepted.status_code == 200 and accepted.json()["status"] == "accepted"
    assert len(rows.new) == 1
    tip.refresh_from_db()
    assert tip.agency == personas.police_b and tip.jurisdiction == COUNTY_B and tip.status == "acknowledged"
    detail = client.get(f"/staff/tips/{tip.pk}/").content.decode()
    assert "13912345678" in detail  # now the handling agency: its investigators see the informant
    # Both sides see the history; the sender no longer sees the tip itself.
    login(personas.investigator_a)
    assert client.get(f"/staff/tips/{tip.pk}/").status_code == 404
    history = client.get(f"/staff/tips/transfers/{transfer.pk}/").content.decode()
    assert "transfer" in history.lower() or "移送" in history
    assert client.get(f"/api/v1/tips/transfers/{transfer.pk}").json()["status"] == "accepted"
    # A third county sees neither.
    login(personas.investigator_other)
    assert client.get(f"/staff/tips/transfers/{transfer.pk}/").status_code == 404
    assert client.get(f"/api/v1/tips/transfers/{transfer.pk}").status_code == 404


def test_declined_transfer_needs_a_reason_and_returns_the_tip(personas, public_tip, login, client):
    tip = public_tip().tip
    transfer = services.tip_transfer_request(
        actor=personas.investigator_a, tip_id=tip.pk, to_agency_id=personas.police_b.pk, reason="地点在金牛区"
    )
    with pytest.raises(ValidationError):
        services.tip_transfer_decide(actor=personas.investigator_b, transfer_id=transfer.pk, accept=False)
    login(personas.investigator_b)
    response = client.post(
        f"/staff/tips/transfers/{transfer.pk}/decide/", {"accept": "no", "note": "核实后地点在武侯区"}
    )
    assert response.status_code == 302
    tip.refresh_from_db()
    assert tip.agency == personas.police_a and tip.status == "acknowledged"
    assert TipTransfer.objects.get().status == "declined"
    assert Notice.objects.filter(recipient=personas.investigator_a, kind="tips.transfer_decided").exists()


def test_duplicates_found_by_phone_place_and_text(personas, public_tip, login, client):
    first = public_tip(description="男子电话13800138000在学校门口给小孩糖吃然后带走", phone="13912345678").tip
    by_phone = public_tip(description="完全不同的描述内容，但是电话一样", involved_phones=["13800138000"]).tip
    by_text = public_tip(description="男子在学校门口给小孩糖吃然后带走了", address="成都市武侯区").tip
    unrelated = public_tip(description="工地上有人强迫工人劳动不给工钱", category="forced_labour").tip
    assert by_phone.repeat_count >= 1
    related = {r.tip.pk: r.reasons for r in selectors.tip_related(actor=personas.investigator_a, tip=first)}
    assert "phone" in related[by_phone.pk]
    assert "text" in related[by_text.pk]
    assert "text" not in related.get(unrelated.pk, [])
    # Same place and time window, by map point.
    a = public_tip(address="", lat=POINT_A[0], lon=POINT_A[1], description="看见一个女孩被拉上车").tip
    b = public_tip(
        address="", lat=POINT_A[0] + 0.001, lon=POINT_A[1], description="另外的人也看到了一个事情"
    ).tip
    assert (
        "place"
        in {r.tip.pk: r.reasons for r in selectors.tip_related(actor=personas.investigator_a, tip=a)}[b.pk]
    )
    login(personas.investigator_a)
    api = client.get(f"/api/v1/tips/{first.pk}/related").json()
    assert {r["id"] for r in api} >= {by_phone.pk, by_text.pk}
    # Another county does not see them as related.
    assert selectors.tip_related(actor=personas.investigator_b, tip=first) == []


def test_merge_keeps_the_original_and_links(personas, public_tip, login, client, audit_rows):
    main = public_tip(description="男子在学校门口带走小孩").tip
    dup = public_tip(description="学校门口有男子带走了小孩", phone="13912345678").tip
    before = {
        f: getattr(dup, f) for f in ("description", "informant_phone", "address", "category", "reference")
    }
    login(personas.investigator_a)
    with audit_rows() as rows:
        response = client.post(f"/staff/tips/{dup.pk}/merge/", {"other_tip": main.pk, "note": "同一事件"})
    assert response.status_code == 302
    assert len(rows.new) == 1
    dup.refresh_from_db()
    assert dup.status == "merged" and dup.merged_into == main
    assert {f: getattr(dup, f) for f in before} == before
    assert TipLink.objects.get().kind == "duplicate"
    assert TipEvent.objects.filter(tip=main, kind="merged").exists()
    assert dup.pk not in [r["id"] for r in client.get("/api/v1/tips/queue").json()]
    # The duplicate's informant follows the main tip's status.
    services.tip_mark_converted(actor=personas.investigator_a, tip_id=main.pk, case_ref="C-1")
    assert selectors.public_status(dup) == "passed_to_police"
    # Merging again, or into itself, is refused.
    assert (
        client.post(
            f"/api/v1/tips/{dup.pk}/merge",
            json.dumps({"other_tip_id": main.pk}),
            content_type="application/json",
        ).status_code
        == 400
    )
    assert (
        client.post(
            f"/api/v1/tips/{main.pk}/merge",
            json.dumps({"other_tip_id": main.pk}),
            content_type="application/json",
        ).status_code
        == 400
    )


def test_merge_across_counties_is_404(personas, public_tip):
    a = public_tip().tip
    b = public_tip(address="成都市金牛区", description="金牛区看到有人抱走小孩").tip
    with pytest.raises(Exception) as exc:
        services.tip_merge(actor=personas.investigator_a, tip_id=a.pk, into_tip_id=b.pk)
    assert exc.type.__name__ == "Http404"
    assert Tip.objects.get(pk=a.pk).status == "received"


def test_link_both_ways_once(personas, public_tip):
    a = public_tip().tip
    b = public_tip(description="又看到那个男的抱着孩子").tip
    services.tip_link(actor=personas.investigator_a, tip_id=a.pk, other_tip_id=b.pk, note="同一嫌疑人")
    with pytest.raises(ValidationError):
        services.tip_link(actor=personas.investigator_a, tip_id=b.pk, other_tip_id=a.pk)
    assert Tip.objects.get(pk=a.pk).status == "received"


def test_close_convert_and_alert(personas, public_tip, login, client):
    tip = public_tip().tip
    login(personas.investigator_a)
    assert (
        client.post(
            f"/api/v1/tips/{tip.pk}/close", json.dumps({"reason": "because"}), content_type="application/json"
        ).status_code
        == 422
    )
    assert (
        client.post(
            f"/api/v1/tips/{tip.pk}/alert", json.dumps({"alert_id": "abc"}), content_type="application/json"
        ).status_code
        == 422
    )
    assert (
        client.post(
            f"/api/v1/tips/{tip.pk}/alert", json.dumps({"alert_id": "42"}), content_type="application/json"
        ).status_code
        == 200
    )
    tip.refresh_from_db()
    assert tip.alert_ref == "42" and tip.first_action_at is not None
    converted = services.tip_mark_converted(
        actor=personas.investigator_a, tip_id=tip.pk, case_ref="510107-2026-0012"
    )
    event = TipEvent.objects.get(tip=tip, kind="converted")
    assert converted.status == "converted" and event.data == {"case_ref": "510107-2026-0012"}
    with pytest.raises(ValidationError):
        services.tip_close(actor=personas.investigator_a, tip_id=tip.pk, reason="unfounded")
    other = public_tip(description="另一条线索：看到可疑的人").tip
    assert (
        client.post(f"/staff/tips/{other.pk}/close/", {"reason": "unfounded", "note": "已核实"}).status_code
        == 302
    )
    assert Tip.objects.get(pk=other.pk).status == "closed"


def test_bad_action_input_on_pages(personas, public_tip, login, client):
    tip = public_tip().tip
    login(personas.investigator_a)
    for path, data in (
        ("close", {"reason": "nope"}),
        ("request-info", {"question": ""}),
        ("transfer", {"to_agency": "abc", "reason": ""}),
        ("merge", {"other_tip": "x"}),
        ("alert", {"alert_id": "x"}),
        ("convert", {"case_ref": ""}),
        ("reward", {"amount_yuan": "-1", "outcome": ""}),
    ):
        response = client.post(f"/staff/tips/{tip.pk}/{path}/", data)
        assert response.status_code == 302, path
    tip.refresh_from_db()
    assert tip.status == "received" and not TipTransfer.objects.exists()

"""Case pages and API: 404 outside jurisdiction and case group, form errors, JSON errors, the flows end to end."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import pytest

from conftest import COUNTY_A
from homeward.audit.models import AuditAction, AuditOutcome
from homeward.cases import services
from homeward.cases.models import Case, CaseEntry, CaseStatus

pytestmark = pytest.mark.django_db


def post_json(client, url, body):
    data = body if isinstance(body, str | bytes) else json.dumps(body)
    return client.post(url, data, content_type="application/json")


@pytest.fixture
def full_case(cast, child_case, person_in):
    """A child case with a victim, a suspect, a log entry with a PDF, a cooperation request and supervision."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    case = child_case(cross_border=True, countries=["VN"])
    victim = services.case_person_add(
        actor=cast.p.investigator_a,
        case_id=case.pk,
        role="victim",
        person_id=person_in(cast.p.investigator_a, COUNTY_A, name="陈明明").pk,
    )
    suspect = services.case_person_add(
        actor=cast.p.investigator_a,
        case_id=case.pk,
        role="suspect",
        person_id=person_in(cast.p.investigator_a, COUNTY_A, name="张三", phone="13900000000").pk,
    )
    entry = services.entry_add(
        actor=cast.p.investigator_a,
        case_id=case.pk,
        kind="evidence",
        text="调取车站监控",
        files=[SimpleUploadedFile("监控.pdf", b"%PDF-1.4 test", content_type="application/pdf")],
    )
    request = services.cooperation_request_create(
        actor=cast.p.investigator_a,
        case_id=case.pk,
        channel="interpol",
        country="VN",
        counterpart="国际刑警组织越南国家中心局",
        subject="协查嫌疑人出境记录",
        body="请协查。",
        sent_on=date(2026, 1, 20),
    )
    supervision = services.supervision_list(
        actor=cast.command_province, case_id=case.pk, deadline=date(2026, 3, 1), requirements="限期破案"
    )
    return {
        "case": case,
        "victim": victim,
        "suspect": suspect,
        "attachment": entry.attachments.get(),
        "request": request,
        "supervision": supervision,
    }


def urls_of(full: dict[str, Any]) -> list[str]:
    case = full["case"]
    return [
        f"/staff/cases/{case.pk}/",
        f"/staff/cases/{case.pk}/timeline/",
        f"/staff/cases/attachments/{full['attachment'].pk}/",
        f"/staff/cases/supervision/{full['supervision'].pk}/",
        f"/api/v1/cases/{case.pk}",
        f"/api/v1/cases/{case.pk}/timeline",
        f"/api/v1/cases/{case.pk}/cooperation",
        f"/api/v1/cases/supervision/{full['supervision'].pk}",
    ]


def test_owner_sees_every_page_and_county_b_gets_404_everywhere(cast, full_case, login, client):
    login(cast.p.investigator_a)
    for url in urls_of(full_case):
        assert client.get(url).status_code == 200, url
    page = client.get(f"/staff/cases/{full_case['case'].pk}/").content.decode()
    assert "陈明明" in page and "张三" in page and "协查嫌疑人出境记录" in page
    login(cast.p.investigator_b)
    for url in urls_of(full_case):
        assert client.get(url).status_code == 404, url
    assert client.get("/staff/cases/999999/").status_code == 404
    assert (
        client.get("/api/v1/cases/999999").json()
        == client.get(f"/api/v1/cases/{full_case['case'].pk}").json()
    )


def test_county_b_member_of_the_case_group_opens_the_case(cast, full_case, login, client, audit_rows):
    case = full_case["case"]
    login(cast.leader_a)
    response = post_json(client, f"/api/v1/cases/{case.pk}/members", {"username": "inv_b"})
    assert response.status_code == 201, response.content
    login(cast.p.investigator_b)
    with audit_rows() as rows:
        assert client.get(f"/staff/cases/{case.pk}/").status_code == 200
    assert [(e.action, e.detail.get("via")) for e in rows.new] == [
        (AuditAction.READ, "case group membership")
    ]
    assert client.get(f"/api/v1/cases/{case.pk}").status_code == 200
    assert client.get(f"/staff/cases/attachments/{full_case['attachment'].pk}/").status_code == 200
    assert case.pk in [row["id"] for row in client.get("/api/v1/cases").json()]
    login(cast.p.investigator_other)
    assert client.get(f"/staff/cases/{case.pk}/").status_code == 404


def test_attachment_is_served_as_a_download_without_caching(cast, full_case, login, client):
    login(cast.p.investigator_a)
    response = client.get(f"/staff/cases/attachments/{full_case['attachment'].pk}/")
    assert response["Content-Type"] == "application/pdf"
    assert response["Cache-Control"] == "private, no-store"
    assert "attachment" in response["Content-Disposition"]


def test_non_police_roles_get_403(cast, full_case, login, client):
    login(cast.p.caseworker_a)
    assert client.get("/staff/cases/").status_code == 403
    assert client.get(f"/api/v1/cases/{full_case['case'].pk}").status_code == 403


def test_register_through_the_page_with_form_errors_first(cast, login, client):
    login(cast.p.investigator_a)
    form = {
        "case_type": "trafficking_children",
        "summary": "女童在校门口被陌生人带走",
        "jurisdiction": COUNTY_A,
        "reported_on": "2026-01-30",
        "registered_on": "2026-01-31",
        "leader": "",
        "members": "",
        "countries": "",
    }
    response = client.post("/staff/cases/new/", form)
    assert response.status_code == 200
    assert "county level or higher" in response.content.decode() or "县级" in response.content.decode()
    assert not Case.objects.exists()
    response = client.post("/staff/cases/new/", {**form, "leader": "leader_a"})
    assert response.status_code == 302
    case = Case.objects.get()
    detail = client.get(response["Location"]).content.decode()
    assert case.number in detail


def test_register_page_proposes_today_in_the_format_a_date_picker_shows(cast, login, client):
    """A localised value (2026/11/29 in Chinese) would leave the browser's date picker empty."""
    from django.utils import timezone

    login(cast.p.investigator_a)
    page = client.get("/staff/cases/new/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert f'value="{timezone.localdate():%Y-%m-%d}"' in page


def test_actions_from_the_case_page(cast, full_case, login, client):
    case = full_case["case"]
    login(cast.leader_a)
    # closing an unsolved case: refused, message shown, audited
    response = client.post(f"/staff/cases/{case.pk}/close/", {"reason": "结案"}, follow=True)
    assert response.status_code == 200
    case.refresh_from_db()
    assert case.status == CaseStatus.OPEN
    messages = [str(m) for m in response.context["messages"]]
    assert any("child victim" in m or "儿童" in m for m in messages)
    response = client.post(f"/staff/cases/{case.pk}/solve/", {"solved_on": "2026-01-25", "note": "破案"})
    assert response.status_code == 302
    client.post(
        f"/staff/cases/{case.pk}/people/{full_case['victim'].pk}/status/",
        {"status": "rescued", "on": "2026-01-26"},
    )
    client.post(f"/staff/cases/{case.pk}/duties/comfort/", {"note": "走访慰问家属"})
    client.post(f"/staff/cases/{case.pk}/people/{full_case['suspect'].pk}/vehicles/", {"plate": "川A12345"})
    client.post(f"/staff/cases/{case.pk}/close/", {"reason": "结案"})
    case.refresh_from_db()
    assert case.status == CaseStatus.CLOSED
    timeline = client.get(f"/staff/cases/{case.pk}/timeline/").content.decode()
    assert "川A12345" in timeline


def test_bad_page_input_writes_nothing(cast, full_case, login, client):
    case = full_case["case"]
    login(cast.p.investigator_a)
    before = CaseEntry.objects.count()
    response = client.post(f"/staff/cases/{case.pk}/entries/", {"kind": "evidence", "text": ""}, follow=True)
    assert response.status_code == 200 and CaseEntry.objects.count() == before
    response = client.post(f"/staff/cases/{case.pk}/solve/", {"solved_on": "not a date"}, follow=True)
    assert [m.level_tag for m in response.context["messages"]] == ["error"]
    case.refresh_from_db()
    assert case.status == CaseStatus.OPEN
    assert client.get(f"/staff/cases/{case.pk}/solve/").status_code == 405


def test_log_entry_with_attachment_through_the_page(cast, full_case, login, client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    case = full_case["case"]
    login(cast.p.investigator_a)
    upload = SimpleUploadedFile("photo.png", b"\x89PNG\r\n\x1a\n0000", content_type="image/png")
    response = client.post(
        f"/staff/cases/{case.pk}/entries/",
        {"kind": "search", "text": "搜查出租屋", "occurred_at": "2026-01-28T14:00", "attachments": [upload]},
    )
    assert response.status_code == 302
    entry = CaseEntry.objects.get(text="搜查出租屋")
    assert entry.attachments.get().content_type == "image/png"
    page = client.get(f"/staff/cases/{case.pk}/timeline/").content.decode()
    assert "搜查出租屋" in page and "photo.png" in page


def test_supervision_board_turns_red_when_overdue(cast, full_case, login, client, clock):
    login(cast.command_province)
    page = client.get("/staff/cases/supervision/").content.decode()
    assert full_case["case"].number in page and 'class="overdue"' not in page
    clock.move_to("2026-03-02 09:00 +0800")
    login(cast.command_province)
    page = client.get("/staff/cases/supervision/").content.decode()
    assert 'class="overdue"' in page
    assert client.get("/api/v1/cases/supervision").json()[0]["overdue"] is True


def test_supervision_through_page_and_api(cast, full_case, login, client):
    supervision = full_case["supervision"]
    login(cast.leader_a)
    response = client.post(f"/staff/cases/supervision/{supervision.pk}/reports/", {"text": "已锁定嫌疑人"})
    assert response.status_code == 302
    response = client.post(f"/staff/cases/supervision/{supervision.pk}/lift/", {"reason": "x"})
    assert response.status_code == 403
    login(cast.command_province)
    response = post_json(client, f"/api/v1/cases/supervision/{supervision.pk}/lift", {"reason": ""})
    assert response.status_code == 422
    response = post_json(client, f"/api/v1/cases/supervision/{supervision.pk}/lift", {"reason": "已破案"})
    assert response.status_code == 200 and response.json()["status"] == "lifted"
    response = client.post(
        "/staff/cases/supervision/", {"region": "510106", "deadline": "2026-05-01", "requirements": "整治"}
    )
    assert response.status_code == 302
    response = client.post(
        "/staff/cases/supervision/", {"region": "530102", "deadline": "2026-05-01", "requirements": "x"}
    )
    assert response.status_code == 200 and "errors" in response.content.decode()


def test_person_on_two_cases_page_and_api(cast, full_case, login, client, child_case):
    other = child_case()
    person_id = full_case["suspect"].person_id
    services.case_person_add(actor=cast.p.investigator_a, case_id=other.pk, role="buyer", person_id=person_id)
    login(cast.p.investigator_a)
    rows = client.get(f"/api/v1/cases/people/{person_id}").json()
    assert {r["role"] for r in rows} == {"suspect", "buyer"}
    page = client.get(f"/staff/cases/people/{person_id}/").content.decode()
    assert full_case["case"].number in page and other.number in page
    login(cast.p.investigator_b)
    assert client.get(f"/api/v1/cases/people/{person_id}").status_code == 404
    assert client.get(f"/staff/cases/people/{person_id}/").status_code == 404


VALID = {
    "case_type": "trafficking_children",
    "summary": "男童被拐",
    "jurisdiction": COUNTY_A,
    "reported_on": "2026-01-20",
    "leader": "leader_a",
}


@pytest.mark.parametrize(
    "body,status",
    [
        ("{not json", 400),
        ({**VALID, "colour": "red"}, 422),
        ({**VALID, "case_type": "kidnap"}, 422),
        ({**VALID, "reported_on": "last week"}, 422),
        ({**VALID, "summary": ""}, 422),
        ({**VALID, "jurisdiction": "51A107"}, 422),
        ({**VALID, "members": "inv_b"}, 422),
        ({**VALID, "leader": ""}, 400),
        ({**VALID, "leader": "inv_a"}, 400),
        ({**VALID, "jurisdiction": "510106"}, 400),
        ({**VALID, "reported_on": "2030-01-01"}, 400),
        ({**VALID, "cross_border": True}, 400),
        ([1, 2], 422),
    ],
)
def test_api_registration_bad_input(cast, login, client, body, status):
    login(cast.p.investigator_a)
    response = post_json(client, "/api/v1/cases", body)
    assert response.status_code == status, response.content
    assert "detail" in response.json()
    assert not Case.objects.exists()


def test_api_register_and_flows(cast, login, client, audit_rows, person_in):
    login(cast.p.investigator_a)
    with audit_rows() as rows:
        response = post_json(client, "/api/v1/cases", {**VALID, "cross_border": True, "countries": ["VN"]})
    assert response.status_code == 201, response.content
    assert [e.action for e in rows.new] == [AuditAction.CREATE]
    case = response.json()
    assert case["members"][0]["username"] == "leader_a" and case["duties"] == {
        "solve": False,
        "rescue": False,
        "comfort": False,
    }
    cid = case["id"]
    person = person_in(cast.p.investigator_a, COUNTY_A)
    response = post_json(client, f"/api/v1/cases/{cid}/people", {"role": "victim", "person_id": person.pk})
    assert response.status_code == 201 and response.json()["is_child"] is True
    response = post_json(
        client,
        f"/api/v1/cases/{cid}/people",
        {
            "role": "suspect",
            "new_person": {
                "jurisdiction": COUNTY_A,
                "names": [{"name": "刘某", "kind": "legal"}],
                "phones": ["123"],
            },
        },
    )
    assert response.status_code == 400 and "phones" in json.dumps(response.json())
    response = post_json(
        client,
        f"/api/v1/cases/{cid}/cooperation",
        {
            "channel": "embassy",
            "country": "VN",
            "counterpart": "越南驻华使馆",
            "subject": "协查",
            "body": "请协助",
        },
    )
    assert response.status_code == 201 and response.json()["status"] == "draft"
    rid = response.json()["id"]
    assert (
        post_json(
            client, f"/api/v1/cases/{cid}/cooperation/{rid}/status", {"status": "sent", "on": "2026-01-22"}
        ).status_code
        == 200
    )
    reply = post_json(
        client, f"/api/v1/cases/{cid}/cooperation/{rid}/replies", {"received_on": "2026-01-21", "text": "x"}
    )
    assert reply.status_code == 400 and "detail" in reply.json()
    reply = post_json(
        client,
        f"/api/v1/cases/{cid}/cooperation/{rid}/replies",
        {"received_on": "2026-01-25", "text": "已核实"},
    )
    assert reply.status_code == 201
    assert client.get(f"/api/v1/cases/{cid}/cooperation").json()[0]["status"] == "answered"
    entry = post_json(client, f"/api/v1/cases/{cid}/entries", {"kind": "interview", "text": "询问报案人"})
    assert entry.status_code == 201 and entry.json()["entry_text"] == "询问报案人"
    link = post_json(
        client,
        f"/api/v1/cases/{cid}/links",
        {"kind": "dna_match", "target_id": "99", "confirmed_by": "dna_a", "confirmed_on": "2026-01-30"},
    )
    assert link.status_code in (201, 400)  # 400 once the dna app answers that match 99 does not exist


def test_api_close_refused_is_400_with_reason_and_audited(cast, child_case, login, client, audit_rows):
    case = child_case()
    login(cast.leader_a)
    with audit_rows() as rows:
        response = post_json(client, f"/api/v1/cases/{case.pk}/close", {"reason": "结案"})
    assert response.status_code == 400
    assert "not solved" in json.dumps(response.json()) or "尚未侦破" in json.dumps(
        response.json(), ensure_ascii=False
    )
    assert [(e.action, e.outcome) for e in rows.new] == [(AuditAction.UPDATE, AuditOutcome.DENIED)]
    response = post_json(client, f"/api/v1/cases/{case.pk}/dissolve", {})
    assert response.status_code == 400


def test_api_writes_on_another_countys_case_are_404(cast, child_case, login, client):
    case = child_case()
    login(cast.p.investigator_b)
    for url, body in (
        (f"/api/v1/cases/{case.pk}/entries", {"kind": "action", "text": "x"}),
        (f"/api/v1/cases/{case.pk}/solve", {"solved_on": "2026-01-20"}),
        (f"/api/v1/cases/{case.pk}/members", {"username": "inv_b"}),
    ):
        response = post_json(client, url, body)
        assert response.status_code == 404 and response.json() == {"detail": "Not found"}


def test_nav_items_by_role(cast):
    from homeward.cases.nav import nav_items

    assert [label for label, _ in nav_items(cast.p.investigator_a)] == ["案件", "督办"] or len(
        nav_items(cast.p.investigator_a)
    ) == 2
    assert nav_items(cast.p.caseworker_a) == []


def test_sub_records_addressed_under_another_case_are_404(cast, full_case, child_case, login, client):
    other = child_case()
    login(cast.p.investigator_a)
    victim, request = full_case["victim"], full_case["request"]
    response = post_json(
        client,
        f"/api/v1/cases/{other.pk}/people/{victim.pk}/status",
        {"status": "rescued", "on": "2026-01-30"},
    )
    assert response.status_code == 404
    response = post_json(
        client,
        f"/api/v1/cases/{other.pk}/cooperation/{request.pk}/status",
        {"status": "closed", "on": "2026-01-30"},
    )
    assert response.status_code == 404
    assert (
        client.post(
            f"/staff/cases/{other.pk}/people/{victim.pk}/vehicles/", {"plate": "川A12345"}
        ).status_code
        == 404
    )
    victim.refresh_from_db()
    assert victim.victim_status == "missing"

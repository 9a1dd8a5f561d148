"""Mandatory reports: a form per sector, a receipt and an acknowledgement deadline, the reporter sees only theirs."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from conftest import COUNTY_A
from homeward.accounts.roles import AgencyType, Role
from homeward.accounts.services import agency_create
from homeward.notifications.models import Notice
from homeward.tips import services
from homeward.tips.models import Tip

pytestmark = pytest.mark.django_db


@pytest.fixture
def hospital_reporter(personas, make_user):
    hospital = agency_create(
        actor=None, name="武侯人民医院", type=AgencyType.HOSPITAL, division_code=COUNTY_A
    )
    return make_user("rep_hosp", hospital, [Role.MANDATORY_REPORTER])


def test_sector_form_shows_the_sectors_fields(personas, hospital_reporter, login, client):
    login(hospital_reporter)
    page = client.get("/staff/tips/reports/new/").content.decode()
    assert "sector_mother_identity_failed" in page and "sector_certificate_for_baby_born_elsewhere" in page
    assert "sector_adult_with_child_not_theirs" not in page  # a hotel's field
    login(personas.reporter_a)  # a school
    page = client.get("/staff/tips/reports/new/").content.decode()
    assert "sector_stranger_collecting" in page and "sector_mother_identity_failed" not in page


def test_report_through_the_page_gets_receipt_and_deadline(personas, hospital_reporter, login, client):
    login(hospital_reporter)
    response = client.post(
        "/staff/tips/reports/new/",
        {
            "sector_mother_identity_failed": "on",
            "sector_ward": "产科",
            "category": "child_trade",
            "description": "产妇身份证与本人不符，孩子出生后被一对夫妇抱走",
            "form_token": "tok-1",
        },
    )
    assert response.status_code == 302
    tip = Tip.objects.get()
    assert tip.channel == "mandatory" and tip.sector == AgencyType.HOSPITAL
    assert tip.reporter == hospital_reporter and tip.agency == personas.police_a
    assert tip.location_source == "reporter" and tip.division_code == COUNTY_A
    assert tip.sector_details["mother_identity_failed"] is True and tip.sector_details["ward"] == "产科"
    assert abs(tip.ack_due_at - tip.created_at - services.SLA_CHILD[0]) < timedelta(seconds=5)
    assert Notice.objects.filter(recipient=personas.investigator_a, kind="tips.mandatory_report").exists()
    page = client.get(response["Location"]).content.decode()
    assert tip.reference in page and "产科" in page
    assert tip.reference in client.get("/staff/tips/reports/").content.decode()


def test_reporter_sees_acknowledgement_and_questions_but_only_own_reports(
    personas, hospital_reporter, login, client
):
    login(hospital_reporter)
    response = client.post(
        "/api/v1/tips/reports",
        json.dumps(
            {
                "category": "child_trade",
                "description": "有人来开出生证明，但孩子不是在本院出生的",
                "sector_details": {"certificate_for_baby_born_elsewhere": True},
            }
        ),
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY="r-1",
    )
    assert response.status_code == 201, response.content
    tip_id = response.json()["tip_id"]
    assert response.json()["acknowledge_by"]
    again = client.post(
        "/api/v1/tips/reports",
        json.dumps(
            {
                "category": "child_trade",
                "description": "有人来开出生证明，但孩子不是在本院出生的",
                "sector_details": {"certificate_for_baby_born_elsewhere": True},
            }
        ),
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY="r-1",
    )
    assert again.status_code == 200 and Tip.objects.count() == 1
    services.tip_acknowledge(actor=personas.investigator_a, tip_id=tip_id)
    services.tip_request_info(actor=personas.investigator_a, tip_id=tip_id, question="孩子现在在哪里？")
    assert Notice.objects.filter(recipient=hospital_reporter, kind="tips.acknowledged").exists()
    mine = client.get(f"/api/v1/tips/reports/{tip_id}").json()
    assert mine["acknowledged_at"] and mine["status"] == "being_checked"
    page = client.get(f"/staff/tips/reports/{tip_id}/").content.decode()
    assert "孩子现在在哪里？" in page
    assert client.post(f"/staff/tips/reports/{tip_id}/", {"text": "已被抱回老家"}).status_code == 302
    assert Tip.objects.get().status == "acknowledged"
    # The reporter cannot open the police view of the tip, and another reporter cannot open this report.
    assert client.get(f"/staff/tips/{tip_id}/").status_code == 403
    login(personas.reporter_a)
    assert client.get(f"/staff/tips/reports/{tip_id}/").status_code == 404
    assert client.get(f"/api/v1/tips/reports/{tip_id}").status_code == 404
    assert client.get("/api/v1/tips/reports").json() == []


@pytest.mark.parametrize(
    "body,status",
    [
        (
            {"category": "child_trade", "description": "x", "sector_details": {"room": "1"}},
            400,
        ),  # a hotel field
        ({"category": "child_trade", "description": "看到的事情", "sector_details": {"ward": "x" * 61}}, 400),
        ({"category": "child_trade", "description": "看到的事情", "sector_details": {"ward": ["a"]}}, 422),
        ({"category": "child_trade", "description": "看到的事情", "informant_phone": "1"}, 422),
        ({"category": "bogus", "description": "看到的事情"}, 422),
    ],
)
def test_bad_report_input(hospital_reporter, login, client, body, status):
    login(hospital_reporter)
    response = client.post("/api/v1/tips/reports", json.dumps(body), content_type="application/json")
    assert response.status_code == status, response.content
    assert not Tip.objects.exists()


def test_only_mandatory_reporters_of_a_sector_file_reports(personas, login, client):
    login(personas.investigator_a)
    assert client.get("/staff/tips/reports/new/").status_code == 403
    response = client.post(
        "/api/v1/tips/reports",
        json.dumps({"category": "other", "description": "看到的事情"}),
        content_type="application/json",
    )
    assert response.status_code == 403

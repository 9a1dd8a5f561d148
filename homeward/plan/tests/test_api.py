"""The plan API: measures and agencies as data; reports, indicators and listings with jurisdiction 404s."""

from __future__ import annotations

import json
from datetime import date

import pytest

from homeward.engines.plantext import AGENCY_GROUP
from homeward.plan.models import ProgressReport
from homeward.plan.tests.helpers import measure_led_by, open_report

pytestmark = pytest.mark.django_db


def post(client, url, body):
    data = body if isinstance(body, str) else json.dumps(body)
    return client.post(url, data, content_type="application/json")


def test_measures_list_every_measure_with_agencies(pp, login, client):
    login(pp.caseworker_a)
    rows = client.get("/api/v1/plan/measures").json()
    assert len(rows) == 92
    first = rows[0]
    assert set(first) >= {"id", "code", "pillar", "text", "lead_agencies", "cooperating_agencies"}
    assert first["code"] == "二.(一).2.(1)" and first["pillar"] == "二"
    by_code = {r["code"]: r for r in rows}
    sub = by_code["二.(二).2.(2).1"]
    assert sub["parent"] == "二.(二).2.(2)" and sub["kind"] == "sub_measure"
    assert all(r["lead_agencies"] for r in rows)
    assert any(AGENCY_GROUP in r["lead_agencies"] for r in rows)
    only = client.get("/api/v1/plan/measures", {"agency": "国家民委"}).json()
    assert only and all("国家民委" in r["lead_agencies"] + r["cooperating_agencies"] for r in only)
    assert client.get("/api/v1/plan/measures", {"section": "x" * 40}).status_code == 422


def test_agencies_with_what_they_lead_and_cooperate_on(pp, login, client):
    login(pp.caseworker_a)
    rows = {r["name"]: r for r in client.get("/api/v1/plan/agencies").json()}
    assert len(rows["公安部"]["leads"]) == 55
    assert len(rows["全国妇联"]["cooperates"]) >= 38
    assert rows[AGENCY_GROUP]["is_group"] and rows[AGENCY_GROUP]["agency_id"] is None
    assert rows["公安部"]["agency_id"] is not None


def test_api_needs_authentication(client, imported):
    assert client.get("/api/v1/plan/measures").status_code == 401


def test_report_api_cycle_and_county_b_404(pp, login, client):
    measure = measure_led_by("公安部", "全国妇联")
    login(pp.police_a)
    created = post(
        client,
        "/api/v1/plan/reports",
        {
            "measure_id": measure.pk,
            "period": "2025H1",
            "work_done": "开展专项行动",
            "figures": [{"name": "宣传场次", "value": "12"}],
        },
    )
    assert created.status_code == 201, created.content
    rid = created.json()["id"]
    assert created.json()["figures"][0]["name"] == "宣传场次"
    assert post(client, f"/api/v1/plan/reports/{rid}/submit", {}).status_code == 200
    login(pp.coord_a)
    assert (
        post(client, f"/api/v1/plan/reports/{rid}/return", {"comment": "请补充"}).json()["status"]
        == "returned"
    )
    login(pp.police_b)
    for url in (f"/api/v1/plan/reports/{rid}",):
        response = client.get(url)
        assert response.status_code == 404 and response.json() == {"detail": "Not found"}
    assert post(client, f"/api/v1/plan/reports/{rid}/submit", {}).status_code == 404
    assert client.get("/api/v1/plan/reports").json() == []
    login(pp.coord_b)
    assert post(client, f"/api/v1/plan/reports/{rid}/accept", {}).status_code == 404


@pytest.mark.parametrize(
    "body,status",
    [
        ("{not json", 400),
        ({"measure_id": "MEASURE", "period": "2025H1"}, 422),
        ({"period": "2025H1"}, 422),
        ({"measure_id": 1, "period": "2025H1", "colour": "blue"}, 422),
        ({"measure_id": 999999, "period": "2025H1"}, 400),
        ({"measure_id": "LED", "period": "2035H1"}, 400),
        ({"measure_id": "LED", "period": "2025H1", "progress": "dancing"}, 422),
        ({"measure_id": "LED", "period": "2025H1", "work_done": "x" * 10_001}, 422),
        ({"measure_id": "LED", "period": "2025H1", "figures": [{"name": "n", "value": "abc"}]}, 422),
        ({"measure_id": "NOT_LED", "period": "2025H1"}, 400),
    ],
)
def test_bad_report_input(pp, login, client, body, status):
    login(pp.police_a)
    if isinstance(body, dict) and body.get("measure_id") in ("LED", "NOT_LED"):
        body = {
            **body,
            "measure_id": (
                measure_led_by("公安部") if body["measure_id"] == "LED" else measure_led_by("国家民委")
            ).pk,
        }
    response = post(client, "/api/v1/plan/reports", body)
    assert response.status_code == status, response.content
    assert "detail" in response.json()
    assert not ProgressReport.objects.exists()


def test_cooperating_agency_contributes_over_the_api(pp, login, client):
    report = open_report(pp.police_a, measure_led_by("公安部", "全国妇联"))
    login(pp.women_officer_a)
    response = post(client, f"/api/v1/plan/reports/{report.pk}/contribution", {"text": "妇联开展了入户宣传"})
    assert response.status_code == 200
    assert any(c["text"] == "妇联开展了入户宣传" for c in response.json()["contributions"])
    assert post(client, f"/api/v1/plan/reports/{report.pk}/contribution", {"text": 5}).status_code == 422


def test_indicators_in_own_jurisdiction_only(pp, login, client):
    login(pp.police_a)
    ok = client.get(
        "/api/v1/plan/indicators", {"division": "510107", "start": "2025-01-01", "end": "2025-07-01"}
    )
    assert ok.status_code == 200
    keys = {r["key"]: r for r in ok.json()}
    assert keys["plan.activities_held"]["available"] and keys["plan.activities_held"]["value"] == 0
    assert (
        client.get(
            "/api/v1/plan/indicators", {"division": "510106", "start": "2025-01-01", "end": "2025-07-01"}
        ).status_code
        == 404
    )
    assert (
        client.get(
            "/api/v1/plan/indicators", {"division": "5101", "start": "2025-01-01", "end": "2025-07-01"}
        ).status_code
        == 422
    )
    assert (
        client.get(
            "/api/v1/plan/indicators", {"division": "510107", "start": "2025-07-01", "end": "2025-01-01"}
        ).status_code
        == 400
    )
    assert (
        client.get(
            "/api/v1/plan/indicators", {"division": "510107", "start": "soon", "end": "2025-01-01"}
        ).status_code
        == 422
    )


def test_listing_api_county_b_404(pp, login, client, time_machine):
    from homeward.plan.services import ListingData, listing_create

    time_machine.move_to("2025-05-01 09:00 +08:00")
    li = listing_create(
        actor=pp.coord_province,
        data=ListingData(
            kind="region", division_code="510107", title="重点整治", reason="高发", deadline=date(2025, 6, 1)
        ),
    )
    login(pp.coord_a)
    assert client.get(f"/api/v1/plan/supervision/{li.pk}").json()["state"] == "open"
    time_machine.move_to("2025-06-02 09:00 +08:00")
    login(pp.coord_province)
    assert [r["id"] for r in client.get("/api/v1/plan/supervision", {"state": "overdue"}).json()] == [li.pk]
    assert client.get("/api/v1/plan/supervision", {"state": "late"}).status_code == 422
    login(pp.coord_b)
    assert client.get(f"/api/v1/plan/supervision/{li.pk}").status_code == 404
    assert client.get("/api/v1/plan/supervision").json() == []


def test_our_measures_api(pp, login, client):
    login(pp.women_officer_a)
    body = client.get("/api/v1/plan/our-measures").json()
    assert body["line"] == "全国妇联"
    assert body["cooperates"] and all(
        "全国妇联" in m["cooperating_agencies"] or m["cooperating_agencies"] for m in body["cooperates"]
    )
    login(pp.coord_a)
    assert client.get("/api/v1/plan/our-measures").json()["line"] is None

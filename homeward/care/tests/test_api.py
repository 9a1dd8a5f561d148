from __future__ import annotations

from typing import Any

import pytest
import time_machine

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _today() -> Any:
    with time_machine.travel("2026-11-20 10:00:00+08:00", tick=False):
        yield


def test_api_read_confidential_and_404(
    record_for: Any, care: Any, login: Any, client: Any, audit_rows: Any
) -> None:
    record = record_for()
    login(care.caseworker)
    with audit_rows() as rows:
        body = client.get(f"/api/v1/care/{record.pk}").json()
    assert body["sensitive"]["abuse_details"] == "beaten by the buyer"
    assert len(rows.new) == 1
    assert "李小花" in client.get("/api/v1/care/export.csv").content.decode()
    login(care.colleague)
    assert client.get(f"/api/v1/care/{record.pk}").json()["sensitive"]["psych_notes"] == "confidential"
    login(care.caseworker_b)
    assert client.get(f"/api/v1/care/{record.pk}").status_code == 404
    assert client.get("/api/v1/care/999999").status_code == 404
    assert client.get("/api/v1/care").json() == []


def test_api_consent_input(record_for: Any, care: Any, login: Any, client: Any) -> None:
    record = record_for()
    login(care.caseworker)
    url = f"/api/v1/care/{record.pk}/consents"
    bad = client.post(url, {"purpose": "services", "given_by": "self"}, content_type="application/json")
    assert bad.status_code == 400 and "detail" in bad.json()
    extra = client.post(
        url, {"purpose": "services", "given_by": "guardian", "x": 1}, content_type="application/json"
    )
    assert extra.status_code == 422
    ok = client.post(
        url,
        {"purpose": "services", "given_by": "guardian", "guardian_name": "张监护"},
        content_type="application/json",
    )
    assert ok.status_code == 201
    login(care.caseworker_b)
    other = client.post(
        url,
        {"purpose": "services", "given_by": "guardian", "guardian_name": "张"},
        content_type="application/json",
    )
    assert other.status_code == 404


def _post(client: Any, url: str, body: Any = None) -> Any:
    return client.post(url, body or {}, content_type="application/json")


def test_api_workflow_placement_service_reunion_followup_withdrawal(
    record_for: Any, care: Any, login: Any, client: Any
) -> None:
    record = record_for()
    login(care.caseworker)
    base = f"/api/v1/care/{record.pk}"
    consent = _post(
        client,
        f"{base}/consents",
        {"purpose": "placement", "given_by": "guardian", "guardian_name": "张监护"},
    )
    assert consent.status_code == 201
    institutions = client.get("/api/v1/care/institutions").json()
    assert [(i["agency_id"], i["free"]) for i in institutions] == [(care.home.pk, 2)]
    assert _post(client, f"{base}/placements", {"institution_id": 999999}).status_code == 400
    placed = _post(client, f"{base}/placements", {"institution_id": care.home.pk})
    assert placed.status_code == 201 and placed.json()["end_on"] is None
    assert client.get("/api/v1/care/institutions").json()[0]["free"] == 1
    no_consent = _post(
        client, f"{base}/services", {"kind": "medical", "provider": "华西医院", "provided_on": "2026-11-19"}
    )
    assert no_consent.status_code == 400
    withdrawn = _post(client, f"{base}/consents/{consent.json()['id']}/withdraw")
    assert withdrawn.status_code == 200 and withdrawn.json()["withdrawn_on"] == "2026-11-20"
    assert _post(client, f"{base}/consents/{consent.json()['id']}/withdraw").status_code == 400
    assert _post(client, f"{base}/reunion/handover").status_code == 400  # not started
    assert _post(client, f"{base}/reunion", {"family_note": "DNA 比中"}).status_code == 201
    assert _post(client, f"{base}/reunion/assessment", {"home_safe": "maybe"}).status_code == 422
    assessed = _post(client, f"{base}/reunion/assessment", {"home_safe": True, "family_involved": True})
    assert assessed.json()["state"] == "meeting"
    refused = _post(client, f"{base}/reunion/handover")
    assert refused.status_code == 400 and "never handed" in refused.json()["detail"]
    done = _post(client, f"{base}/reunion/refusal", {"reason": "买方家庭", "institution_id": care.home.pk})
    assert done.json()["state"] == "refused"
    visits = client.get("/api/v1/care/followups").json()
    assert visits["overdue"] == [] and [v["due_on"] for v in visits["due"]] == ["2026-12-20"]
    first = record.followups.earliest("due_on")
    assert (
        _post(client, f"/api/v1/care/followups/{first.pk}", {"notes": ""}).json()["done_on"] == "2026-11-20"
    )
    assert _post(client, "/api/v1/care/followups/999999", {"notes": "x"}).status_code == 404
    login(care.caseworker_b)
    assert _post(client, f"{base}/reunion/handover").status_code == 404
    assert _post(client, f"/api/v1/care/followups/{first.pk}", {"notes": "x"}).status_code == 404

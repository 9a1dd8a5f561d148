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

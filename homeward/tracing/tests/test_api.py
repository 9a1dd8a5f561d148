"""The JSON API: county-B 404s, "contact" view without personal data, bad input as 4xx JSON."""

from __future__ import annotations

from typing import Any

import pytest

from homeward.tracing import services
from homeward.tracing.models import Candidate, MissingReport

pytestmark = pytest.mark.django_db


@pytest.fixture
def candidate(pair: Any) -> Candidate:
    services.found_rematch(found_id=pair[1].pk)
    return Candidate.objects.get()


def test_candidate_for_county_b_has_no_personal_data(candidate: Candidate, personas: Any, login: Any) -> None:
    body = login(personas.investigator_b).get(f"/api/v1/tracing/candidates/{candidate.pk}").json()
    assert body["report_id"] is None and body["contact"] == "武侯公安分局" and body["reasons"] == {}
    assert body["found_id"] == candidate.found_id


def test_other_county_404(candidate: Candidate, personas: Any, login: Any) -> None:
    client = login(personas.investigator_other)
    assert client.get(f"/api/v1/tracing/candidates/{candidate.pk}").status_code == 404
    assert client.get(f"/api/v1/tracing/reports/{candidate.report_id}/completeness").status_code == 404
    response = client.post(
        f"/api/v1/tracing/candidates/{candidate.pk}/decision",
        {"decision": "needs_dna"},
        content_type="application/json",
    )
    assert response.status_code == 404
    client = login(personas.investigator_b)
    assert client.get(f"/api/v1/tracing/reports/{candidate.report_id}/completeness").status_code == 404
    assert client.get("/api/v1/tracing/candidates").json()[0]["report_id"] is None


def test_report_create_and_bad_input(personas: Any, login: Any) -> None:
    client = login(personas.investigator_a)
    url = "/api/v1/tracing/reports"
    ok = client.post(
        url,
        {"person": {"name": "陈明明", "sex": "male"}, "nicknames": ["明明"]},
        content_type="application/json",
    )
    assert ok.status_code == 201
    assert client.post(url, {"bogus": 1}, content_type="application/json").status_code == 422
    assert (
        client.post(
            url, {"person": {"name": "x"}, "missing_division": "99999"}, content_type="application/json"
        ).status_code
        == 400
    )
    assert (
        client.post(
            url, {"person": {"name": "x"}, "height_cm": "tall"}, content_type="application/json"
        ).status_code
        == 422
    )
    assert client.post(url, {}, content_type="application/json").status_code == 400
    assert client.post(url, "{", content_type="application/json").status_code == 400
    assert MissingReport.objects.count() == 1
    completeness = client.get(f"/api/v1/tracing/reports/{ok.json()['id']}/completeness").json()
    assert 0 <= completeness["percent"] < 100 and completeness["to_add"]


def test_decision_api(candidate: Candidate, personas: Any, login: Any) -> None:
    client = login(personas.provincial)
    url = f"/api/v1/tracing/candidates/{candidate.pk}/decision"
    assert client.post(url, {"decision": "exclude"}, content_type="application/json").status_code == 400
    assert (
        client.post(url, {"decision": "exclude", "extra": 1}, content_type="application/json").status_code
        == 422
    )
    response = client.post(url, {"decision": "exclude", "reason": "不同人"}, content_type="application/json")
    assert response.status_code == 200 and response.json()["status"] == "excluded"
    assert (
        login(personas.investigator_b)
        .post(url, {"decision": "needs_dna"}, content_type="application/json")
        .status_code
        == 403
    )

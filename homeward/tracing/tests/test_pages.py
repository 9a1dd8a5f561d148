"""Pages: jurisdiction (county B sees county A's side only as "a possible match — contact ..."), 404s, bad input."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from homeward.tracing import services
from homeward.tracing.models import Candidate, CandidateStatus, MissingReport

from .conftest import COUNTY_A

pytestmark = pytest.mark.django_db


@pytest.fixture
def candidate(pair: Any) -> Candidate:
    _report, found = pair
    services.found_rematch(found_id=found.pk)
    return Candidate.objects.get()


def test_county_b_sees_county_a_report_only_as_contact(
    candidate: Candidate, personas: Any, login: Any
) -> None:
    client = login(personas.investigator_b)
    response = client.get(reverse("tracing:candidate", args=[candidate.pk]))
    text = response.content.decode()
    assert response.status_code == 200
    assert "武侯公安分局" in text  # contact county A
    for personal in ("陈明明", "陈建国", "李秀英", "13800138002", "左臂有一块疤", "豆腐"):
        assert personal not in text
    # its own side stays reachable
    assert reverse("tracing:found", args=[candidate.found_id]) in text
    with translation.override(response.headers.get("Content-Language", "zh-hans")):
        notice = translation.gettext("A possible match — contact %(agency)s.") % {"agency": "武侯公安分局"}
    assert notice in text


def test_county_a_sees_found_side_only_as_contact(candidate: Candidate, personas: Any, login: Any) -> None:
    client = login(personas.investigator_a)
    text = client.get(reverse("tracing:candidate", args=[candidate.pk])).content.decode()
    assert "金牛公安分局" in text and "陈铭铭" not in text and "爸爸叫陈建国" not in text


def test_provincial_sees_pair_side_by_side(candidate: Candidate, personas: Any, login: Any) -> None:
    client = login(personas.provincial)
    text = client.get(reverse("tracing:candidate", args=[candidate.pk])).content.decode()
    assert "陈明明" in text and "陈铭铭" in text
    assert "verdict-agree" in text and "verdict-missing" in text


def test_unrelated_county_gets_404(candidate: Candidate, personas: Any, login: Any) -> None:
    client = login(personas.investigator_other)
    assert client.get(reverse("tracing:candidate", args=[candidate.pk])).status_code == 404
    assert client.get(reverse("tracing:report", args=[candidate.report_id])).status_code == 404


def test_county_b_gets_404_on_county_a_report(candidate: Candidate, personas: Any, login: Any) -> None:
    client = login(personas.investigator_b)
    assert client.get(reverse("tracing:report", args=[candidate.report_id])).status_code == 404
    assert client.get(reverse("tracing:report-edit", args=[candidate.report_id])).status_code == 404
    client = login(personas.investigator_a)
    assert client.get(reverse("tracing:found", args=[candidate.found_id])).status_code == 404
    assert client.get(reverse("tracing:found-edit", args=[candidate.found_id])).status_code == 404


def test_report_page_shows_completeness_and_contact(candidate: Candidate, personas: Any, login: Any) -> None:
    text = (
        login(personas.investigator_a)
        .get(reverse("tracing:report", args=[candidate.report_id]))
        .content.decode()
    )
    assert "13800138002" in text and "%" in text


def test_family_contact_hidden_from_caseworker(personas: Any, login: Any, make_user: Any) -> None:
    from homeward.accounts.roles import Role

    from .conftest import person, report_data

    report = services.report_create(
        actor=personas.investigator_a, data=report_data(), person=person(COUNTY_A, "陈明明")
    )
    worker = personas.caseworker_a
    assert worker.has_perm("tracing.view_record") and not worker.has_perm("tracing.view_contact")
    text = login(worker).get(reverse("tracing:report", args=[report.pk])).content.decode()
    assert "13800138002" not in text
    assert Role.CASEWORKER in worker.roles


def test_decide_page_records_decision(candidate: Candidate, personas: Any, login: Any) -> None:
    client = login(personas.provincial)
    url = reverse("tracing:candidate-decide", args=[candidate.pk])
    assert client.post(url, {"decision": "exclude", "reason": ""}).status_code == 400
    assert client.post(url, {"decision": "bogus"}).status_code == 400
    response = client.post(url, {"decision": "needs_dna", "reason": ""})
    assert response.status_code == 302
    candidate.refresh_from_db()
    assert candidate.status == CandidateStatus.NEEDS_DNA
    assert login(personas.investigator_other).post(url, {"decision": "needs_dna"}).status_code == 404


def test_report_create_page_bad_input(personas: Any, login: Any) -> None:
    client = login(personas.investigator_a)
    future = (timezone.localdate() + timedelta(days=3)).isoformat()
    response = client.post(
        reverse("tracing:report-create"),
        {
            "name": "陈明明",
            "sex": "male",
            "missing_date": future,
            "missing_division": "999999",
            "height_cm": "9000",
        },
    )
    assert response.status_code == 200
    assert not MissingReport.objects.exists()
    response = client.post(reverse("tracing:report-create"), {"name": "x" * 61, "sex": "bogus"})
    assert response.status_code == 200 and not MissingReport.objects.exists()


def test_report_create_page_files_a_report(personas: Any, login: Any, audit_rows: Any) -> None:
    client = login(personas.investigator_a)
    response = client.post(
        reverse("tracing:report-create"),
        {
            "name": "陈明明",
            "sex": "male",
            "missing_date": "1998-06-01",
            "missing_division": "500228",
            "nicknames": "明明\n毛毛",
        },
    )
    assert response.status_code == 302
    report = MissingReport.objects.get()
    assert (
        report.nicknames == ["明明", "毛毛"] and report.missing_division == "500228"
    )  # a retired code is valid


def test_found_create_page_bad_input(personas: Any, login: Any) -> None:
    client = login(personas.caseworker_a)
    response = client.post(
        reverse("tracing:found-create"),
        {"name": "小草", "sex": "female", "kind": "street_child", "age_min": 9, "age_max": 5},
    )
    assert response.status_code == 200
    assert "age_max" in response.context["form"].errors


def test_reporter_has_no_tracing_pages(personas: Any, login: Any) -> None:
    assert login(personas.reporter_a).get(reverse("tracing:home")).status_code == 403


def test_home_lists(candidate: Candidate, personas: Any, login: Any) -> None:
    response = login(personas.investigator_b).get(reverse("tracing:home"))
    assert response.status_code == 200 and "武侯公安分局" in response.content.decode()


def test_report_create_audits_once(personas: Any, person_in: Any, audit_rows: Any) -> None:
    from .conftest import report_data

    subject = person_in(personas.investigator_a, COUNTY_A)
    with audit_rows() as rows:
        services.report_create(actor=personas.investigator_a, data=report_data(), person_id=subject.pk)
    assert len(rows.new) == 1


def test_report_for_a_person_of_another_county_is_refused(personas: Any, person_in: Any) -> None:
    from django.core.exceptions import ValidationError

    from .conftest import report_data

    subject = person_in(personas.investigator_b, "510106")
    with pytest.raises(ValidationError):
        services.report_create(actor=personas.investigator_a, data=report_data(), person_id=subject.pk)
    assert not MissingReport.objects.exists()


def test_missing_date_defaults(personas: Any) -> None:
    from .conftest import person, report_data

    report = services.report_create(
        actor=personas.investigator_a,
        data=report_data(missing_date=date(2001, 1, 1)),
        person=person(COUNTY_A, "王小"),
    )
    assert report.version == 1

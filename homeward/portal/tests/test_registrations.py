"""Family-search registration: from the public form to the right county's queue, the police's audited steps,
and the public status page that never shows match details."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from homeward.portal import services
from homeward.portal.models import FamilySearchRegistration, RegistrationStatus
from homeward.portal.tests.conftest import registration_post
from homeward.tracing.models import MissingReport, ReportStatus

pytestmark = pytest.mark.django_db


def test_registration_reaches_only_the_chosen_countys_queue(client, personas, login, registered):
    code, secret = registered()
    registration = FamilySearchRegistration.objects.get(receipt_code=code)
    assert registration.jurisdiction == "510107" and registration.status == RegistrationStatus.REGISTERED
    assert registration.tracing_registration.report is not None
    assert registration.tracing_registration.report.status == ReportStatus.PENDING
    assert len(secret) >= 12 and secret not in str(registration.tracing_registration.secret_hash)

    login(personas.investigator_a)
    assert code in client.get("/staff/portal/registrations/").content.decode()
    page = client.get(f"/staff/portal/registrations/{registration.pk}/").content.decode()
    assert "刘小宝" in page and "+8613800138123" in page
    login(personas.provincial)
    assert code in client.get("/staff/portal/registrations/").content.decode()
    login(personas.investigator_b)
    assert code not in client.get("/staff/portal/registrations/").content.decode()
    assert client.get(f"/staff/portal/registrations/{registration.pk}/").status_code == 404
    login(personas.caseworker_a)
    assert client.get("/staff/portal/registrations/").status_code == 403


def test_each_step_is_audited_and_the_public_sees_only_the_status(
    client, personas, login, registered, audit_rows
):
    code, secret = registered()
    registration = FamilySearchRegistration.objects.get(receipt_code=code)
    login(personas.investigator_a)
    base = f"/staff/portal/registrations/{registration.pk}"
    with audit_rows() as rows:
        assert client.post(f"{base}/verify/").status_code == 302
    assert any(r.object_type == "portal.familysearchregistration" for r in rows.new)
    report = MissingReport.objects.get(pk=registration.tracing_registration.report_id or 0)
    assert report.status == ReportStatus.OPEN and report.person is not None  # handed over to tracing

    assert client.post(f"{base}/dna/", {"accession": "bad accession!"}).status_code == 400
    with audit_rows() as rows:
        assert client.post(f"{base}/dna/", {"accession": "51-2026-0042"}).status_code == 302
    report.refresh_from_db()
    assert report.dna_accession == "51-2026-0042" and report.family_gave_dna
    assert {r.detail.get("to") for r in rows.new if r.object_type == "portal.familysearchregistration"} == {
        "dna_sampled"
    }
    assert client.post(f"{base}/compare/").status_code == 302
    assert client.post(f"{base}/match/").status_code == 302
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.POSSIBLE_MATCH

    client.logout()
    page = client.post(
        "/portal/family-search/status/", {"receipt_code": code, "secret": secret}, HTTP_ACCEPT_LANGUAGE="en"
    )
    text = page.content.decode()
    assert page.status_code == 200 and "contact the police" in page.context["result"].message
    assert all(reached for _label, reached in page.context["result"].steps)
    assert "刘小宝" not in text and "51-2026-0042" not in text and "13800138123" not in text


def test_wrong_secret_and_unknown_code_answer_alike(client, registered):
    code, _secret = registered()
    wrong = client.post("/portal/family-search/status/", {"receipt_code": code, "secret": "guess"})
    unknown = client.post("/portal/family-search/status/", {"receipt_code": "ZZZZZZZZZZ", "secret": "guess"})
    assert wrong.status_code == unknown.status_code == 404
    assert wrong.context["form"].non_field_errors() == unknown.context["form"].non_field_errors()


def test_reject_needs_a_reason_and_closes_the_pending_record(client, personas, login, registered):
    code, secret = registered()
    registration = FamilySearchRegistration.objects.get(receipt_code=code)
    login(personas.investigator_a)
    base = f"/staff/portal/registrations/{registration.pk}"
    assert client.post(f"{base}/reject/", {"reason": ""}).status_code == 400
    assert client.post(f"{base}/reject/", {"reason": "电话无法接通，登记人未到场核实"}).status_code == 302
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.CLOSED and registration.rejected
    report = registration.tracing_registration.report
    assert report is not None and report.status == ReportStatus.CLOSED
    assert client.post(f"{base}/verify/").status_code == 400  # no step after closing
    client.logout()
    result = client.post(
        "/portal/family-search/status/", {"receipt_code": code, "secret": secret}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert "could not accept" in result.context["result"].message


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"contact_phone": "12345"}, "contact_phone"),
        ({"consent_contact": ""}, "consent_contact"),
        ({"county": "510100"}, "county"),  # a city, not a county
        ({"county": "999999"}, "county"),
        ({"lost_year": "2010", "birth_year": "2012"}, "lost_year"),
        ({"kind": "other"}, "kind"),
        ({"story": "x" * 2001}, "story"),
    ],
)
def test_bad_input_is_a_form_error_and_writes_nothing(client, personas, overrides, field):
    response = client.post("/portal/family-search/", registration_post(**overrides))
    assert response.status_code == 400
    assert field in response.context["form"].errors or response.context["form"].non_field_errors()
    assert not FamilySearchRegistration.objects.exists()
    assert not MissingReport.objects.exists()


def test_honeypot_looks_like_success_and_writes_nothing(client, personas):
    response = client.post("/portal/family-search/", registration_post(website="http://spam.example"))
    assert response.status_code == 200 and response.context["receipt_code"] == ""
    assert not FamilySearchRegistration.objects.exists()


def test_registrations_are_rate_limited_per_address(client, personas):
    for _ in range(services.REGISTRATION_RATE[0]):
        assert client.post("/portal/family-search/", registration_post()).status_code == 200
    assert client.post("/portal/family-search/", registration_post()).status_code == 429
    assert FamilySearchRegistration.objects.count() == services.REGISTRATION_RATE[0]


def test_family_registration_keeps_every_remembered_detail(personas, registered):
    code, _secret = registered(remembered_places="家门口的石桥", remembered_names="外婆叫王桂芳")
    report = FamilySearchRegistration.objects.get(receipt_code=code).tracing_registration.report
    assert report is not None and report.nicknames == ["宝宝", "小宝"] and report.marks == ["左耳后有痣"]
    assert "家门口的石桥" in report.circumstances and "外婆叫王桂芳" in report.circumstances
    assert report.missing_date is not None and report.missing_date.year == 2016


def test_adult_registration_becomes_a_found_person_record(client, personas, registered):
    code, _secret = registered(kind="adult", remembered_places="大黄桷树\n火车站", nicknames="军军")
    inner = FamilySearchRegistration.objects.get(receipt_code=code).tracing_registration
    assert inner.found is not None and inner.report is None
    assert "大黄桷树" in inner.found.remembered_places and "军军" in inner.found.remembered_names


def test_dna_step_refused_without_consent(personas, registered):
    code, _secret = registered(consent_dna="")
    registration = FamilySearchRegistration.objects.get(receipt_code=code)
    services.registration_verify(actor=personas.investigator_a, registration_id=registration.pk)
    with pytest.raises(ValidationError):
        services.registration_dna_sampled(
            actor=personas.investigator_a, registration_id=registration.pk, accession="51-1"
        )

"""Public self-registration (the service the portal calls), status lookup, and the police verification queue."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404
from django.urls import reverse

from homeward.tracing import selectors, services
from homeward.tracing.models import Candidate, FoundPerson, Registration, RegistrationStatus

from .conftest import COUNTY_A, COUNTY_B, found_data, person, report_data

pytestmark = pytest.mark.django_db


def _register(**overrides: Any) -> tuple[Registration, str]:
    values: dict[str, Any] = {
        "kind": "found",
        "county": COUNTY_B,
        "name": "陈铭铭",
        "contact_phone": "13900139000",
        "sex": "male",
        "found": found_data(kind="adult_searching"),
    }
    values.update(overrides)
    return services.registration_create(data=services.RegistrationData(**values))


def test_registration_lifecycle(personas: Any, login: Any, audit_rows: Any) -> None:
    report = services.report_create(
        actor=personas.investigator_a, data=report_data(), person=person(COUNTY_A, "陈明明")
    )
    with audit_rows() as rows:
        registration, secret = _register()
    assert len(rows.new) == 1
    assert registration.secret_hash != secret and len(registration.receipt_code) == 10
    assert registration.found is not None and registration.found.person_id is None
    status = selectors.registration_status(receipt_code=registration.receipt_code, secret=secret)
    assert [reached for _, reached in status.steps] == [True, False, False, False, False]
    with pytest.raises(Http404):
        selectors.registration_status(receipt_code=registration.receipt_code, secret="wrong")
    with pytest.raises(Http404):
        selectors.registration_status(receipt_code="NOPE", secret=secret)
    # Pending records are not matched.
    services.found_rematch(found_id=registration.found.pk)
    assert not Candidate.objects.exists()
    # County A police cannot see county B's queue; county B verifies.
    assert registration not in selectors.registration_queue(actor=personas.investigator_a)
    client = login(personas.investigator_b)
    assert registration.receipt_code in client.get(reverse("tracing:registrations")).content.decode()
    assert (
        login(personas.investigator_a)
        .post(reverse("tracing:registration-verify", args=[registration.pk]), {"accept": "1"})
        .status_code
        == 404
    )
    client = login(personas.investigator_b)
    response = client.post(reverse("tracing:registration-verify", args=[registration.pk]), {"accept": "1"})
    assert response.status_code == 302
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.VERIFIED
    assert registration.found_id is not None
    found = FoundPerson.objects.get(pk=registration.found_id)
    assert found.person_id is not None and found.status == "open"
    services.found_rematch(found_id=found.pk)
    assert Candidate.objects.filter(report=report, found=found).exists()
    status = selectors.registration_status(receipt_code=registration.receipt_code.lower(), secret=secret)
    assert status.steps[1][1] and status.steps[4][1]  # verified, possible match


def test_registration_bad_input() -> None:
    with pytest.raises(ValidationError) as exc:
        _register(county="510100", name="", contact_phone="12", kind="other")
    assert {"county", "name", "contact_phone", "kind"} <= set(exc.value.message_dict)
    assert not Registration.objects.exists() and not FoundPerson.objects.exists()


def test_registration_needs_county_police(personas: Any) -> None:
    with pytest.raises(ValidationError):
        _register(county="530103")


def test_missing_kind_and_rejection(personas: Any, login: Any) -> None:
    registration, _secret = _register(
        kind="missing", county=COUNTY_A, name="陈明明", report=report_data(), found=None
    )
    client = login(personas.investigator_a)
    url = reverse("tracing:registration-verify", args=[registration.pk])
    assert client.post(url, {"accept": "0", "reason": ""}).status_code == 400
    assert client.post(url, {"accept": "0", "reason": "无法核实身份"}).status_code == 302
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.REJECTED
    with pytest.raises(ValidationError):
        services.registration_verify(
            actor=personas.investigator_a, registration_id=registration.pk, accept=True
        )

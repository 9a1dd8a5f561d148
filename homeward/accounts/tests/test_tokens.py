"""API tokens: created only after MFA, shown once, hashed at rest, revocable; partner keys scoped to their agency."""

from __future__ import annotations

import hashlib

import pytest

from conftest import COUNTY_A
from homeward.accounts.models import ApiToken, ApiTokenKind
from homeward.accounts.roles import AgencyType, Role
from homeward.accounts.services import agency_create, token_create, user_create

pytestmark = pytest.mark.django_db


def bearer(token: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def test_token_created_in_verified_session_works_and_is_hashed(personas, login, client, person_in):
    person_in(personas.investigator_a, COUNTY_A)
    login(personas.investigator_a)
    response = client.post("/api/v1/accounts/tokens", {"name": "script"}, content_type="application/json")
    assert response.status_code == 201
    plaintext = response.json()["token"]
    stored = ApiToken.objects.get()
    assert plaintext not in (stored.secret_hash, stored.prefix)
    assert stored.secret_hash == hashlib.sha256(plaintext.split("_", 2)[2].encode()).hexdigest()
    client.logout()
    me = client.get("/api/v1/accounts/me", **bearer(plaintext))
    assert me.status_code == 200 and me.json()["username"] == "inv_a"
    assert len(client.get("/api/v1/people", **bearer(plaintext)).json()) == 1


def test_token_cannot_mint_another_token(personas, login, client):
    issued = token_create(actor=personas.investigator_a, name="t", mfa_verified=True)
    client.logout()
    response = client.post(
        "/api/v1/accounts/tokens", {"name": "x"}, content_type="application/json", **bearer(issued.plaintext)
    )
    assert response.status_code == 403
    assert ApiToken.objects.count() == 1


def test_unverified_session_cannot_use_api(personas, client):
    client.force_login(personas.investigator_a)  # password only, no one-time code
    assert client.get("/api/v1/accounts/me").status_code == 401


def test_revoked_or_wrong_token_is_refused(personas, login, client):
    issued = token_create(actor=personas.investigator_a, name="t", mfa_verified=True)
    assert client.get("/api/v1/accounts/me", **bearer(issued.plaintext)).status_code == 200
    tampered = issued.plaintext[:-2] + ("aa" if not issued.plaintext.endswith("aa") else "bb")
    assert client.get("/api/v1/accounts/me", **bearer(tampered)).status_code == 401
    login(personas.investigator_a)
    assert client.delete(f"/api/v1/accounts/tokens/{issued.token.pk}").status_code == 204
    client.logout()
    assert client.get("/api/v1/accounts/me", **bearer(issued.plaintext)).status_code == 401


def test_tokens_page_shows_plaintext_once(personas, login, client):
    login(personas.investigator_a)
    created = client.post("/accounts/tokens/", {"name": "nightly export"})
    token = ApiToken.objects.get()
    assert f"hw_{token.prefix}_" in created.content.decode()
    again = client.get("/accounts/tokens/")
    assert f"hw_{token.prefix}_" not in again.content.decode() and "nightly export" in again.content.decode()


def test_partner_key_scoped_to_its_agency(personas, client):
    partner = agency_create(
        actor=None, name="合作平台", type=AgencyType.PARTNER_PLATFORM, division_code=COUNTY_A
    )
    service = user_create(
        actor=None,
        username="partner_a",
        password=None,
        agency=partner,
        roles=[Role.PARTNER_PLATFORM],
        api_only=True,
    ).user
    issued = token_create(
        actor=personas.sysadmin_a, name="feed", owner=service, kind=ApiTokenKind.PARTNER, mfa_verified=True
    )
    me = client.get("/api/v1/accounts/me", HTTP_X_API_KEY=issued.plaintext)
    assert (
        me.status_code == 200 and me.json()["agency"] == "合作平台" and me.json()["jurisdiction"] == COUNTY_A
    )
    # A partner platform holds no people role: personal data stays closed to it.
    assert client.get("/api/v1/people", HTTP_X_API_KEY=issued.plaintext).status_code == 403


def test_partner_key_issued_only_by_administrator_of_that_jurisdiction(personas):
    from django.core.exceptions import PermissionDenied

    partner = agency_create(
        actor=None, name="合作平台", type=AgencyType.PARTNER_PLATFORM, division_code="510106"
    )
    service = user_create(
        actor=None,
        username="partner_b",
        password=None,
        agency=partner,
        roles=[Role.PARTNER_PLATFORM],
        api_only=True,
    ).user
    with pytest.raises(PermissionDenied):
        token_create(
            actor=personas.sysadmin_a,
            name="feed",
            owner=service,
            kind=ApiTokenKind.PARTNER,
            mfa_verified=True,
        )

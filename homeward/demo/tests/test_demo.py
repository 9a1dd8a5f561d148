from __future__ import annotations

import pytest
from django.core.management import call_command

from homeward.accounts.models import Agency, User
from homeward.accounts.roles import Role
from homeward.people.models import Person

pytestmark = pytest.mark.django_db


def test_demo_load_is_idempotent_and_covers_every_role(capsys):
    call_command("load_demo")
    out = capsys.readouterr().out
    counts = (Agency.objects.count(), User.objects.count(), Person.objects.count())
    call_command("load_demo", "--quiet-logins")
    assert (Agency.objects.count(), User.objects.count(), Person.objects.count()) == counts
    assert "Homeward-demo-2026" in out and "investigator_wuhou" in out
    for county in ("wuhou", "jinniu", "wuhua"):
        for role in Role.values:
            if role == Role.PARTNER_PLATFORM:
                continue
            assert User.objects.filter(username=f"{role}_{county}").exists(), (role, county)
    assert User.objects.get(username="partner_demo").is_api_only
    assert Agency.objects.filter(name="公安部", division_id="000000").exists()
    assert Agency.objects.filter(division_id="000000").count() >= 36


def test_demo_user_logs_in_with_documented_password_and_totp(client):
    from django_otp.oath import totp

    from homeward.demo.data import DEMO_PASSWORD, demo_totp_key_hex

    call_command("load_demo", "--quiet-logins")
    code = f"{totp(bytes.fromhex(demo_totp_key_hex('investigator_wuhou'))):06d}"
    response = client.post(
        "/accounts/login/", {"username": "investigator_wuhou", "password": DEMO_PASSWORD, "otp_token": code}
    )
    assert response.status_code == 302 and response["Location"] == "/staff/"

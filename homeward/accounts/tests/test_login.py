"""Staff login: password and TOTP, lockout after 5 failures for 10 minutes, idle and absolute session limits."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone
from django_otp.oath import totp

from homeward.audit.models import AuditAction, AuditEvent

pytestmark = pytest.mark.django_db


def code(user) -> str:
    """The code the user's authenticator shows now (time_machine moves this clock too)."""
    return f"{totp(user.totp_key):06d}"


def post_login(client, user, password=None, otp=None):
    return client.post(
        "/accounts/login/",
        {
            "username": user.username,
            "password": password or user.test_password,
            "otp_token": otp or code(user),
        },
    )


def test_login_with_password_and_totp(personas, client):
    user = personas.investigator_a
    response = post_login(client, user)
    assert response.status_code == 302 and response["Location"] == "/staff/"
    home = client.get("/staff/")
    assert home.status_code == 200 and "inv_a" in home.content.decode()
    assert AuditEvent.objects.filter(action=AuditAction.LOGIN, actor=user).count() == 1


def test_login_page_renders_in_chinese_by_default(client, db):
    page = client.get("/accounts/login/")
    assert page.status_code == 200
    assert 'lang="zh-hans"' in page.content.decode()


@pytest.mark.parametrize("password,otp", [("wrong-password-1", None), (None, "000000")])
def test_wrong_password_or_code_is_refused_and_audited(personas, client, password, otp):
    user = personas.investigator_a
    wrong_otp = otp if otp is None or otp != code(user) else "111111"
    response = post_login(client, user, password=password, otp=wrong_otp)
    assert response.status_code == 200
    assert "wrong" in response.content.decode() or "错误" in response.content.decode()
    assert client.get("/staff/").status_code == 302
    assert AuditEvent.objects.filter(action=AuditAction.LOGIN_FAILED, actor_label=user.username).count() == 1


def test_lockout_after_five_failures_for_ten_minutes(personas, client):
    user = personas.investigator_a
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        for _ in range(5):
            post_login(client, user, password="wrong-password-1")
        locked = post_login(client, user)  # right password and code, but locked
        assert locked.status_code == 429
        assert client.get("/staff/").status_code == 302
    with time_machine.travel(start + timedelta(minutes=11), tick=False):
        assert post_login(client, user).status_code == 302


def test_attempts_while_locked_keep_the_lock(personas, client):
    """The lock lasts 10 minutes from the last failed attempt; trying again while locked restarts it."""
    user = personas.investigator_a
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        for _ in range(5):
            post_login(client, user, password="wrong-password-1")
    with time_machine.travel(start + timedelta(minutes=9), tick=False):
        assert post_login(client, user).status_code == 429
    with time_machine.travel(start + timedelta(minutes=18), tick=False):
        assert post_login(client, user).status_code == 429
    with time_machine.travel(start + timedelta(minutes=29), tick=False):
        assert post_login(client, user).status_code == 302


def test_wrong_totp_codes_count_towards_lockout(personas, client):
    user = personas.investigator_b
    for _ in range(5):
        post_login(client, user, otp="000000" if code(user) != "000000" else "111111")
    assert post_login(client, user).status_code == 429


def test_lockout_is_per_account(personas, client):
    for _ in range(5):
        post_login(client, personas.investigator_a, password="wrong-password-1")
    assert post_login(client, personas.investigator_b).status_code == 302


def test_idle_session_expires_after_30_minutes(personas, client):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        post_login(client, personas.investigator_a)
        assert client.get("/staff/").status_code == 200
    with time_machine.travel(start + timedelta(minutes=29), tick=False):
        assert client.get("/staff/").status_code == 200  # activity resets the idle clock
    with time_machine.travel(start + timedelta(minutes=58), tick=False):
        assert client.get("/staff/").status_code == 200
    with time_machine.travel(start + timedelta(minutes=89), tick=False):
        response = client.get("/staff/")
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    logout = AuditEvent.objects.filter(action=AuditAction.LOGOUT).get()
    assert logout.detail == {"reason": "idle timeout"}


def test_session_ends_after_12_hours_even_when_active(personas, client):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        post_login(client, personas.investigator_a)
    for minutes in range(20, 12 * 60, 20):
        with time_machine.travel(start + timedelta(minutes=minutes), tick=False):
            assert client.get("/staff/").status_code == 200
    with time_machine.travel(start + timedelta(hours=12, minutes=5), tick=False):
        assert client.get("/staff/").status_code == 302


def test_logout_is_post_only_and_audited(personas, client):
    post_login(client, personas.investigator_a)
    assert client.get("/accounts/logout/").status_code == 405
    assert client.post("/accounts/logout/").status_code == 302
    assert client.get("/staff/").status_code == 302
    assert AuditEvent.objects.filter(action=AuditAction.LOGOUT, actor=personas.investigator_a).count() == 1


def test_api_only_account_cannot_log_in_to_pages(personas, make_user, client, db):
    from homeward.accounts.roles import AgencyType, Role
    from homeward.accounts.services import agency_create, user_create

    partner = agency_create(
        actor=None, name="合作平台", type=AgencyType.PARTNER_PLATFORM, division_code="000000"
    )
    created = user_create(
        actor=None,
        username="partner",
        password=None,
        agency=partner,
        roles=[Role.PARTNER_PLATFORM],
        api_only=True,
    )
    response = client.post(
        "/accounts/login/",
        {
            "username": "partner",
            "password": "x" * 12,
            "otp_token": f"{totp(bytes.fromhex(created.totp_secret_hex)):06d}",
        },
    )
    assert response.status_code == 200 and client.get("/staff/").status_code == 302


def test_next_parameter_cannot_redirect_off_site(personas, client):
    user = personas.investigator_a
    response = client.post(
        "/accounts/login/?next=https://evil.example/",
        {"username": user.username, "password": user.test_password, "otp_token": code(user)},
    )
    assert response["Location"] == "/staff/"


def test_security_headers(client, db):
    response = client.get("/accounts/login/")
    assert response["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "csrfmiddlewaretoken" in response.content.decode()

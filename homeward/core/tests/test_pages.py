"""Public and staff pages: language switching, the public layout, and the health check."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


def test_public_home_in_chinese_and_english(client):
    zh = client.get("/").content.decode()
    assert 'lang="zh-hans"' in zh and "110" in zh
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    en = client.get("/").content.decode()
    assert 'lang="en"' in en and "Help bring missing children home" in en


def test_chinese_translation_is_used(client):
    page = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "一次性" in page or "验证码" in page


def test_staff_pages_need_login(client):
    for url in ("/staff/", "/staff/people/", "/staff/audit/", "/accounts/tokens/", "/accounts/admin/users/"):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/"), url


def test_health(client):
    assert client.get("/healthz").json() == {"status": "ok"}

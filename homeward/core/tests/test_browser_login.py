"""A staff member's first minute, in a real browser: log in with password and TOTP, switch language, log out."""

from __future__ import annotations

import pytest

from conftest import demo_code
from homeward.demo.data import DEMO_PASSWORD

pytestmark = pytest.mark.browser


def log_in(page, url: str, username: str, code: str) -> None:
    page.goto(f"{url}/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(DEMO_PASSWORD)
    page.get_by_label("动态验证码").fill(code)
    page.get_by_role("button", name="登录").click()


def test_login_with_totp_switch_language_and_log_out(e2e_server, page):
    page.goto(f"{e2e_server}/accounts/login/")
    assert page.locator("html").get_attribute("lang") == "zh-hans"
    log_in(page, e2e_server, "investigator_wuhou", demo_code("investigator_wuhou"))
    page.wait_for_url(f"{e2e_server}/staff/")
    assert "欢迎" in page.locator("h1").inner_text()
    page.locator("#lang-select").select_option("en")
    page.get_by_role("button", name="切换").click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text().startswith("Welcome")
    page.get_by_role("link", name="People").click()
    assert page.get_by_role("link", name="陈明明").first.is_visible()
    page.get_by_role("button", name="Log out").click()
    page.wait_for_url(f"{e2e_server}/accounts/login/")
    assert page.get_by_role("heading", name="Staff login").is_visible()


def test_wrong_code_shows_an_error_not_the_staff_page(e2e_server, page):
    right = demo_code("caseworker_jinniu")
    log_in(page, e2e_server, "caseworker_jinniu", "000000" if right != "000000" else "111111")
    assert page.get_by_role("alert").inner_text().strip() != ""
    assert page.url.endswith("/accounts/login/")

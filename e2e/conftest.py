"""Browser journeys of every staff role (issue 13), against Homeward as a user runs it.

One server per test session (the root conftest's `e2e_server`: runserver on a fresh SQLite database with the demo
data set), or the server named by E2E_SERVER_URL (e.g. `make run`'s http://127.0.0.1:8000 with the demo data).
Each demo user logs in once per session through the real login page (password + TOTP) and keeps their browser
context, so that a journey can hand work from one role to another. When a journey fails, every page it used is
saved to var/e2e-screenshots/<test>-<user>.png.

A TOTP code is good once per 30-second step: logins take their codes from the root conftest's `demo_code`, which
never hands out the same code twice in one session. The journeys also log in as other demo users than the core and
portal browser tests do (investigator_wuhou, investigator_jinniu).
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from conftest import demo_code
from homeward.demo.data import DEMO_PASSWORD

SCREENSHOTS = Path(__file__).resolve().parent.parent / "var" / "e2e-screenshots"
PAGES = pytest.StashKey[dict[str, Page]]()
AUDITOR = (
    "auditor_sichuan"  # sees every record and every officer of 四川省 (the demo counties 武侯区, 金牛区)
)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: Any) -> Any:
    report = yield
    if report.when == "call" and report.failed:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        for username, page in item.stash.get(PAGES, {}).items():
            try:
                page.screenshot(path=str(SCREENSHOTS / f"{item.name}-{username}.png"), full_page=True)
            except Exception as exc:  # a screenshot must not hide the test's own failure
                report.sections.append(("screenshot", f"{username}: {exc}"))
    return report


def log_in(page: Page, url: str, username: str) -> None:
    """Password + TOTP on the real login page (`demo_code` never hands out one code twice in a session)."""
    page.goto(f"{url}/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(DEMO_PASSWORD)
    page.get_by_label("动态验证码").fill(demo_code(username))
    with page.expect_navigation():
        page.get_by_role("button", name="登录").click()
    if page.url.endswith("/accounts/login/"):
        pytest.fail(f"{username} could not log in: {page.get_by_role('alert').all_inner_texts()}")
    expect(page.get_by_role("heading", level=1)).to_contain_text(username)


@pytest.fixture(scope="session")
def e2e_url(request: pytest.FixtureRequest) -> str:
    return os.environ.get("E2E_SERVER_URL", "").rstrip("/") or str(request.getfixturevalue("e2e_server"))


@pytest.fixture(scope="session")
def staff_contexts(browser: Browser, e2e_url: str) -> Iterator[dict[str, BrowserContext]]:
    contexts: dict[str, BrowserContext] = {}
    yield contexts
    for context in contexts.values():
        context.close()


@pytest.fixture
def staff(
    request: pytest.FixtureRequest, browser: Browser, e2e_url: str, staff_contexts: dict[str, BrowserContext]
) -> Callable[[str], Page]:
    """`staff("command_centre_wuhou")`: that demo user's page, logged in (once per session), in Chinese."""
    used = request.node.stash.setdefault(PAGES, {})

    def as_user(username: str) -> Page:
        if username not in staff_contexts:
            context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
            context.set_default_timeout(15_000)
            staff_contexts[username] = context
            log_in(context.new_page(), e2e_url, username)
        page = staff_contexts[username].pages[0]
        used[username] = page
        return page

    return as_user


@pytest.fixture
def audit_finds(staff: Callable[[str], Page], e2e_url: str) -> Callable[..., None]:
    """The auditor searches the audit log (through its search form) and finds the journey's actions."""

    def check(*, actor: str, object_type: str, object_id: str = "", action: str = "") -> None:
        page = staff(AUDITOR)
        page.goto(f"{e2e_url}/staff/audit/")
        page.get_by_label("操作人").fill(actor)
        page.get_by_label("记录类型").fill(object_type)
        page.get_by_label("记录编号").fill(object_id)
        if action:
            page.get_by_label("操作:", exact=True).select_option(action)
        with page.expect_navigation():
            page.get_by_role("button", name="检索").click()
        wanted = " ".join(filter(None, (object_type, object_id)))
        rows = page.get_by_role("row").filter(has_text=actor).filter(has_text=wanted)
        expect(rows.first).to_be_visible()

    return check


def record_id(page: Page, pattern: str) -> str:
    """The number in the page's address, e.g. record_id(page, r"/alerts/(\\d+)/")."""
    found = re.search(pattern, page.url)
    assert found, f"{page.url} does not match {pattern}"
    return found.group(1)


def query(**params: str) -> str:
    return "?" + urlencode(params)

"""The public journeys in a real browser (Debian chromium through Playwright), against the demo server:
see an alert and report a sighting; file a tip and follow it up; register for family search and see it reach the
county's queue; find the nearest DNA sampling point; read a guidance page and switch language; and axe-core on
every public page (no serious or critical violations)."""

from __future__ import annotations

import re
import urllib.request
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from conftest import demo_code
from homeward.alerts.geo import division_point
from homeward.demo.data import DEMO_PASSWORD

pytestmark = pytest.mark.browser

AXE = Path(__file__).parent / "vendor" / "axe.min.js"


def fetch(url: str) -> str:
    with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 - our own loopback server
        return response.read().decode()


def axe_violations(page: Any) -> list[str]:
    """Serious and critical axe-core violations of the page as loaded, one line each."""
    page.add_script_tag(content=AXE.read_text(encoding="utf-8"))
    result = page.evaluate(
        "() => axe.run(document, {resultTypes: ['violations']}).then(r => r.violations.map("
        "v => ({id: v.id, impact: v.impact, nodes: v.nodes.map(n => n.target.join(' ')).slice(0, 3)})))"
    )
    return [f"{v['id']} {v['impact']} {v['nodes']}" for v in result if v["impact"] in ("serious", "critical")]


def test_see_an_alert_and_report_a_sighting(e2e_server, page):
    page.goto(f"{e2e_server}/")
    first = page.locator("#near-list a").first
    name = first.inner_text()
    first.click()
    assert name in page.locator("h1").inner_text()
    seen = datetime.now(ZoneInfo("Asia/Shanghai")) - timedelta(minutes=5)
    page.fill("input[name=seen_at]", seen.strftime("%Y-%m-%dT%H:%M"))
    page.fill("input[name=place]", "人民南路四段公交站")
    page.fill(
        "textarea[name=what_seen]", "看到一个和照片很像的男孩，穿蓝色校服，和一个中年男人在一起往南走。"
    )
    page.locator("form[action$='/sighting/'] button[type=submit]").click()
    page.wait_for_url(re.compile(r"/thanks/$"))
    # A found child's page keeps only the thanks: no name, no photo, no form.
    links = set(re.findall(r"/alerts/[0-9a-f-]{36}/", fetch(f"{e2e_server}/alerts/cap.atom")))
    closed = [
        link
        for link in links
        if "Found" in fetch(f"{e2e_server}{link}") or "找到" in fetch(f"{e2e_server}{link}")
    ]
    assert closed, "the demo has a found child"
    page.goto(f"{e2e_server}{closed[0]}")
    assert page.locator(".banner.found").is_visible()
    assert page.locator("img").count() == 0 and page.locator("form[action$='/sighting/']").count() == 0
    assert "王浩然" not in page.content()


def test_file_a_tip_and_follow_it_up_with_the_receipt(e2e_server, page):
    page.goto(f"{e2e_server}/")
    page.locator(".hero a[href='/tips/']").click()
    page.select_option("select[name=category]", index=1)
    page.fill(
        "textarea[name=description]", "火车站广场有一名妇女带着三个孩子乞讨，孩子们不会说普通话，神情惊恐。"
    )
    page.fill("input[name=address]", "成都市金牛区 火车北站广场")
    page.locator("main form button[type=submit]").click()
    codes = page.locator("code.secret")
    reference, secret = codes.nth(0).inner_text(), codes.nth(1).inner_text()
    page.goto(f"{e2e_server}/tips/follow-up/")
    page.fill("input[name=reference]", reference)
    page.fill("input[name=secret]", secret)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(re.compile(r"/tips/follow-up/status/$"))
    assert reference in page.locator("h1").inner_text()


def test_register_for_family_search_and_reach_the_countys_queue(e2e_server, page):
    page.goto(f"{e2e_server}/portal/family-search/")
    page.check("input[name=kind][value=adult]")
    page.select_option("#reg-province", "510000")
    page.locator("#reg-city option").nth(1).wait_for(state="attached")
    page.select_option("#reg-city", "510100")
    page.locator("#reg-county option").nth(1).wait_for(state="attached")
    page.select_option("#reg-county", "510107")
    page.fill("input[name=name]", "赵一鸣")
    page.fill("input[name=birth_year]", "1988")
    page.fill("input[name=lost_year]", "1993")
    page.fill("textarea[name=remembered_places]", "村口有座石桥\n镇上有个糖厂")
    page.fill("input[name=dialect]", "四川话")
    page.fill("input[name=contact_phone]", "13900139001")
    page.check("input[name=consent_contact]")
    page.check("input[name=consent_dna]")
    page.locator("main form button[type=submit]").click()
    code = page.locator("#receipt-code").inner_text()
    secret = page.locator("#receipt-secret").inner_text()

    page.goto(f"{e2e_server}/portal/family-search/status/")
    page.fill("input[name=receipt_code]", code)
    page.fill("input[name=secret]", secret)
    page.locator("main form button[type=submit]").click()
    assert page.locator("ol.steps li.done").count() == 1
    assert "赵一鸣" not in page.content()

    for username, sees in (("investigator_jinniu", False), ("investigator_wuhou", True)):
        page.context.clear_cookies()
        page.goto(f"{e2e_server}/accounts/login/")
        page.fill("input[name=username]", username)
        page.fill("input[name=password]", DEMO_PASSWORD)
        page.fill("input[name=otp_token]", demo_code(username))
        page.locator("main form button[type=submit]").click()
        page.wait_for_url(f"{e2e_server}/staff/")
        page.goto(f"{e2e_server}/staff/portal/registrations/")
        assert (page.get_by_role("link", name=code).count() == 1) is sees, username
    page.get_by_role("link", name=code).click()
    assert "赵一鸣" in page.content()
    page.locator("form[action$='/verify/'] button").click()
    assert page.locator(".messages .success").is_visible()


def test_find_the_nearest_dna_sampling_point(e2e_server, browser):
    centre = division_point("530102")
    assert centre is not None
    context = browser.new_context(
        locale="zh-CN",
        geolocation={"latitude": centre[0] + 0.003, "longitude": centre[1] + 0.001},
        permissions=["geolocation"],
    )
    try:
        page = context.new_page()
        page.goto(f"{e2e_server}/")
        page.locator(".hero a[href='/portal/dna/']").click()
        page.locator("button.locate").click()
        page.wait_for_url(re.compile(r"lat=.*lon="))
        first = page.locator("li.point h2").first.inner_text()
        assert "五华区" in first, first
        page.select_option("#dna-province", "510000")
        page.locator("#dna-city option").nth(1).wait_for(state="attached")
        page.select_option("#dna-city", "510100")
        page.locator("form.filter button[type=submit]").click()
        names = page.locator("li.point h2").all_inner_texts()
        assert names and all("五华" not in n for n in names) and any("武侯" in n for n in names)
    finally:
        context.close()


def test_read_a_guidance_page_and_switch_language(e2e_server, page):
    page.goto(f"{e2e_server}/")
    page.locator("nav.public-nav a[href='/portal/learn/']").click()
    page.locator("main a[href='/portal/learn/what-the-law-says/']").click()
    assert page.locator("h1").inner_text() == "法律怎么规定"
    assert "第二百四十一条" in page.locator("article").inner_text()
    page.select_option("#lang-select", "en")
    page.locator("form.lang button").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("h1").inner_text() == "What the law says"


PUBLIC_PAGES = [
    "/",
    "/alerts/",
    "/tips/",
    "/tips/follow-up/",
    "/portal/family-search/",
    "/portal/family-search/status/",
    "/portal/dna/",
    "/portal/dna/?city=510100",
    "/portal/learn/",
    "/portal/learn/recognise-trafficking/",
    "/accounts/login/",
]


def test_public_pages_have_no_serious_accessibility_violations(e2e_server, browser):
    # axe-core is injected as an inline script, which the site's Content Security Policy rightly refuses.
    context = browser.new_context(locale="zh-CN", viewport={"width": 412, "height": 915}, bypass_csp=True)
    page = context.new_page()
    alert_pages = sorted(set(re.findall(r"/alerts/[0-9a-f-]{36}/", fetch(f"{e2e_server}/alerts/cap.atom"))))
    failures: dict[str, list[str]] = {}
    for language in ("zh-hans", "en"):
        page.context.add_cookies([{"name": "django_language", "value": language, "url": e2e_server}])
        for path in [*PUBLIC_PAGES, *alert_pages]:
            page.goto(f"{e2e_server}{path}")
            found = axe_violations(page)
            if found:
                failures[f"{language} {path}"] = found
    context.close()
    assert not failures, failures

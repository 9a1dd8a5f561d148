"""Command centre: file and release a missing-child alert, see it public, close it as found; the public page then
only thanks the public (no name, no photo)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from .conftest import record_id

pytestmark = pytest.mark.browser

CHILD = "周乐乐"


def test_command_centre_releases_an_alert_and_closes_it_as_found(e2e_url, staff, audit_finds):
    page = staff("command_centre_wuhou")
    page.goto(f"{e2e_url}/staff/alerts/")
    page.get_by_role("link", name="登记并发布警报").click()
    page.get_by_label("儿童姓名").fill(CHILD)
    page.get_by_label("性别").select_option("male")
    page.get_by_label("出生日期").fill("2019-05-01")
    page.get_by_label("身高（厘米）").fill("112")
    page.get_by_label("衣着").fill("红色外套，蓝色运动裤，白色球鞋")
    page.get_by_label("体貌特征").fill("右眉上有一颗小痣")
    # Beijing time, as the officer types it; an hour ago.
    seen = datetime.now(UTC) + timedelta(hours=8) - timedelta(hours=1)
    page.get_by_label("最后出现时间").fill(seen.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_label("纬度").fill("30.6420")
    page.get_by_label("经度").fill("104.0430")
    page.get_by_label("地址:", exact=True).fill("武侯区人民南路四段")
    page.get_by_label("地址所在行政区划代码").fill("510107")
    page.get_by_label("失踪已经公安机关核实").check()
    page.get_by_role("button", name="发布警报").click()

    expect(page.get_by_role("heading", level=1)).to_contain_text(CHILD)
    alert_id = record_id(page, r"/staff/alerts/(\d+)/$")
    public_path = urlsplit(page.get_by_role("link", name="公开页面").get_attribute("href") or "").path
    assert public_path.startswith("/alerts/")

    public = page.context.browser.new_page(locale="zh-CN")  # a member of the public: no staff session
    try:
        public.goto(f"{e2e_url}{public_path}")
        expect(public.get_by_role("heading", level=1)).to_contain_text(CHILD)

        page.get_by_role("link", name="编辑").click()  # the edit form keeps what was filed
        expect(page.get_by_label("出生日期")).to_have_value("2019-05-01")
        expect(page.get_by_label("最后出现时间")).to_have_value(seen.strftime("%Y-%m-%dT%H:%M"))
        page.go_back()
        page.get_by_label("结果").select_option("found")
        page.get_by_label("备注（不公开）").fill("在亲戚家找到，平安")
        page.get_by_role("button", name="关闭警报").click()
        expect(page.get_by_role("heading", level=1)).to_contain_text("已找到")

        public.reload()
        main = public.get_by_role("main")
        expect(main).to_contain_text("已找到——谢谢您")
        expect(main).not_to_contain_text(CHILD)
        expect(main).not_to_contain_text("红色外套")
        expect(main.get_by_role("img")).to_have_count(0)
        expect(main.get_by_role("button", name="发送给警方")).to_have_count(0)
    finally:
        public.close()

    audit_finds(actor="command_centre_wuhou", object_type="alerts.alert", object_id=alert_id, action="create")
    audit_finds(actor="command_centre_wuhou", object_type="alerts.alert", object_id=alert_id, action="update")

"""Action plan: the lead agency answers a returned progress report and submits it, the coordinator accepts it.
Online screening: an investigator reviews a cluster of seller posts and turns it into a tip."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from .conftest import record_id

pytestmark = pytest.mark.browser

TIP_REFERENCE = re.compile(r"^[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}$")


def test_lead_agency_submits_a_progress_report_and_the_coordinator_accepts_it(e2e_url, staff, audit_finds):
    page = staff("command_centre_wuhou")  # 武侯区公安分局 leads the measure; its report 2025H2 came back
    page.goto(f"{e2e_url}/staff/plan/")
    page.get_by_role("link", name="2025H2").first.click()
    report_id = record_id(page, r"/staff/plan/reports/(\d+)/$")
    expect(page.get_by_role("alert")).to_contain_text("请补充破案数")
    page.get_by_label("进展").select_option("on_track")
    page.get_by_label("工作开展情况").fill(
        "开展打击拐卖犯罪专项行动，破获拐卖儿童案件3起，解救儿童4名，工作台账已附。"
    )
    page.get_by_label("量化指标（填报）").fill(
        "开展专项排查 | 6 | 次\n破获拐卖案件 | 3 | 起\n解救儿童 | 4 | 名"
    )
    page.get_by_role("button", name="保存", exact=True).click()
    expect(page.get_by_role("main")).to_contain_text("解救儿童")
    page.get_by_role("button", name="报送报告").click()
    expect(page.get_by_role("main")).to_contain_text("已报送")
    expect(page.get_by_role("button", name="报送报告")).to_have_count(0)

    coordinator = staff("plan_coordinator_wuhou")
    coordinator.goto(f"{e2e_url}/staff/plan/reports/{report_id}/")
    coordinator.get_by_role("button", name="接收").click()
    expect(coordinator.get_by_role("main")).to_contain_text("已接收")

    audit_finds(actor="command_centre_wuhou", object_type="plan.progressreport", object_id=report_id)
    audit_finds(actor="plan_coordinator_wuhou", object_type="plan.progressreport", object_id=report_id)


def test_investigator_reviews_a_screening_cluster_into_a_tip(e2e_url, staff, audit_finds):
    page = staff("investigator_sichuan")  # the provincial investigator reviews every county's clusters
    page.goto(f"{e2e_url}/staff/screening/clusters/?status=open")
    page.get_by_role("main").get_by_role("link", name=re.compile(r"^C\d+$")).first.click()
    cluster_id = record_id(page, r"/staff/screening/clusters/(\d+)/$")
    page.get_by_label("拐卖", exact=True).check()
    page.get_by_label("备注").fill("多帖同一模板，出售婴儿，留同一微信号")
    page.get_by_role("button", name="保存标注").click()
    page.get_by_role("button", name=re.compile("线索")).click()
    expect(page.get_by_role("button", name=re.compile("线索"))).to_have_count(0)  # one tip per cluster
    tip_link = page.get_by_role("main").get_by_role("link", name=TIP_REFERENCE).first
    reference = tip_link.inner_text()
    tip_link.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(reference)

    audit_finds(actor="investigator_sichuan", object_type="screening.cluster", object_id=cluster_id)

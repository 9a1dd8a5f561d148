"""Tips and cases: the public reports, an investigator triages the tip into a case; a case leader registers a
child-trafficking case, which needs a qualified leader (a case leader at county level or higher)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import expect

from .conftest import record_id

pytestmark = pytest.mark.browser


def beijing_today() -> str:
    return (datetime.now(UTC) + timedelta(hours=8)).strftime("%Y-%m-%d")


def register_case(
    page, e2e_url: str, *, case_type: str, summary: str, leader: str, members: str = ""
) -> None:
    page.goto(f"{e2e_url}/staff/cases/")
    page.get_by_role("link", name="立案").click()
    page.get_by_label("类型").select_option(case_type)
    page.get_by_label("简要案情").fill(summary)
    page.get_by_label("报案日期").fill(beijing_today())
    expect(page.get_by_label("立案日期")).to_have_value(beijing_today())  # today, as the form proposes
    page.get_by_label("专案组组长（用户名）").fill(leader)
    page.get_by_label("专案组成员（用户名）").fill(members)
    page.get_by_role("button", name="保存").click()


def test_public_tip_is_triaged_into_a_case(e2e_url, staff, browser, audit_finds):
    public = browser.new_page(locale="zh-CN")
    try:
        public.goto(f"{e2e_url}/tips/")
        public.get_by_label("您看到了什么？").select_option("child_trade")
        public.get_by_label("涉及儿童").check()
        public.get_by_label("发生了什么").fill("茶馆里有人在打听哪里能买到男孩，说愿意出五万元，还留了电话。")
        public.get_by_label("地点（地址）").fill("金牛区茶店子路口的茶馆")
        public.get_by_label("行政区划代码（如果知道）").fill("510106")
        public.get_by_role("button", name="提交线索").click()
        reference = public.locator("code.secret").first.inner_text().strip()
    finally:
        public.close()
    assert reference

    page = staff("case_leader_jinniu")  # the county's case leader triages and opens the case
    page.goto(f"{e2e_url}/staff/tips/")
    page.get_by_role("link", name=reference).click()
    tip_id = record_id(page, r"/staff/tips/(\d+)/$")
    expect(page.get_by_role("heading", level=1)).to_contain_text(reference)
    page.get_by_role("button", name="签收").click()
    expect(page.get_by_role("button", name="签收")).to_have_count(0)

    register_case(
        page,
        e2e_url,
        case_type="buying",
        summary=f"群众线索 {reference}：有人在茶馆打听收买男孩。",
        leader="case_leader_jinniu",
        members="investigator_jinniu",
    )
    heading = page.get_by_role("heading", level=1)
    expect(heading).to_contain_text("510106-")
    case_number = next(word for word in heading.inner_text().split() if word.startswith("510106-"))
    case_id = record_id(page, r"/staff/cases/(\d+)/$")

    page.goto(f"{e2e_url}/staff/tips/{tip_id}/")
    page.locator("summary", has_text="已转为案件").click()
    page.get_by_label("案件编号").fill(case_number)
    page.get_by_role("button", name="记录", exact=True).click()
    expect(page.get_by_text("已记录线索转为案件。")).to_be_visible()
    expect(page.get_by_role("main")).to_contain_text(case_number)

    audit_finds(actor="case_leader_jinniu", object_type="tips.tip", object_id=tip_id, action="update")
    audit_finds(actor="case_leader_jinniu", object_type="cases.case", object_id=case_id, action="create")


def test_case_leader_registers_a_child_case_with_a_qualified_leader(e2e_url, staff, audit_finds):
    page = staff("case_leader_wuhou")
    summary = "武侯区某小区一名4岁男童被陌生女子抱走，监控显示其乘坐出租车向南离开。"
    register_case(page, e2e_url, case_type="trafficking_children", summary=summary, leader="")
    # No leader: refused, nothing written.
    expect(page.get_by_role("alert")).to_contain_text("由县级及以上公安机关的专案组长担任组长")

    register_case(
        page, e2e_url, case_type="trafficking_children", summary=summary, leader="investigator_wuhou"
    )
    expect(page.get_by_role("alert")).to_contain_text("组长必须具有专案组长角色")

    register_case(
        page,
        e2e_url,
        case_type="trafficking_children",
        summary=summary,
        leader="case_leader_wuhou",
        members="investigator_wuhou",
    )
    expect(page.get_by_role("heading", level=1)).to_contain_text("510107-")
    case_id = record_id(page, r"/staff/cases/(\d+)/$")
    main = page.get_by_role("main")
    expect(main).to_contain_text("case_leader_wuhou")
    expect(main).to_contain_text("investigator_wuhou")

    audit_finds(actor="case_leader_wuhou", object_type="cases.case", object_id=case_id, action="create")

"""Journeys of the staff roles the other e2e files leave out: a school files a mandatory report that the county's
police find in their tips queue; a women's federation officer writes a guidance page that another office publishes
for the public; a system administrator edits an officer of their county; a care worker records a service."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from conftest import demo_code
from homeward.demo.data import DEMO_PASSWORD

from .conftest import record_id

pytestmark = pytest.mark.browser

TIP_REFERENCE = re.compile(r"[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}")


@pytest.fixture
def visitor(browser: Browser) -> Iterator[Page]:
    """A page of someone who is not logged in, in Chinese."""
    context = browser.new_context(locale="zh-CN")
    yield context.new_page()
    context.close()


def submit_login(page: Page, url: str, username: str) -> None:
    page.goto(f"{url}/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(DEMO_PASSWORD)
    page.get_by_label("动态验证码").fill(demo_code(username))
    with page.expect_navigation():
        page.get_by_role("button", name="登录").click()


def test_school_files_a_mandatory_report_and_the_county_police_find_it(e2e_url, staff, audit_finds):
    school = staff("mandatory_reporter_wuhou")  # 武侯区实验小学
    school.goto(f"{e2e_url}/staff/tips/reports/new/")
    expect(school.get_by_role("heading", level=1)).to_contain_text("强制报告")
    school.get_by_label("学生缺课且家长无法说明原因").check()
    school.get_by_label("年级和班级").fill("三年级二班")
    school.get_by_label("涉及儿童").check()
    description = "三年级二班学生王某连续五天未到校，家长称孩子被亲戚接走，说不清去向。"
    school.get_by_label("发生了什么").fill(description)
    with school.expect_navigation():
        school.get_by_role("button", name="提交报告").click()
    tip_id = record_id(school, r"/staff/tips/reports/(\d+)/$")
    heading = school.get_by_role("heading", level=1)
    expect(heading).to_contain_text(TIP_REFERENCE)
    found = TIP_REFERENCE.search(heading.inner_text())
    assert found is not None
    reference = found.group(0)
    expect(school.get_by_role("main")).to_contain_text("三年级二班")

    school.goto(f"{e2e_url}/staff/tips/reports/")
    expect(school.get_by_role("heading", level=1)).to_contain_text("我的强制报告")
    row = school.get_by_role("row").filter(has=school.get_by_role("link", name=reference))
    expect(row.get_by_role("cell").nth(4)).to_have_text("—")  # not yet acknowledged by the police
    row.get_by_role("link", name=reference).click()
    expect(school.get_by_role("main")).to_contain_text(description)

    police = staff("command_centre_wuhou")
    police.goto(f"{e2e_url}/staff/tips/")
    police.get_by_role("main").get_by_role("link", name=reference).click()
    assert record_id(police, r"/staff/tips/(\d+)/$") == tip_id
    expect(police.get_by_role("heading", level=1)).to_contain_text(reference)
    expect(police.get_by_role("main")).to_contain_text(description)
    police.get_by_role("button", name="签收").click()
    expect(police.get_by_role("button", name="签收")).to_have_count(0)

    school.goto(f"{e2e_url}/staff/tips/reports/")
    expect(row.get_by_role("cell").nth(4)).to_have_text(re.compile(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}$"))

    audit_finds(actor="mandatory_reporter_wuhou", object_type="tips.tip", object_id=tip_id)


def test_womens_federation_writes_guidance_that_the_plan_office_publishes(
    e2e_url, staff, visitor, audit_finds
):
    writer = staff("womens_federation_officer_wuhou")  # 武侯区妇女联合会
    writer.goto(f"{e2e_url}/staff/portal/guidance/")
    writer.get_by_role("link", name="撰写页面").click()
    token = uuid.uuid4().hex[:8]  # the page's address is unique; the journey may run again on a kept server
    slug = f"safe-job-offers-{token}"
    title = f"外出务工如何识别虚假招工 {token}"
    writer.get_by_label("网址标识").fill(slug)
    writer.get_by_role("main").get_by_label("语言").select_option("zh-hans")
    writer.get_by_label("标题").fill(title)
    writer.get_by_label("摘要").fill("高薪、包吃住、先交押金的招工广告，多半是陷阱。")
    writer.get_by_label("正文").fill(
        "## 警惕高薪招工\n\n- 不交押金\n- 不交出身份证\n\n遇到可疑情况，请拨打 **110**。"
    )
    writer.get_by_role("button", name="保存草稿").click()
    expect(writer.get_by_role("heading", level=1)).to_contain_text(title)
    page_id = record_id(writer, r"/staff/portal/guidance/(\d+)/$")
    response = visitor.goto(f"{e2e_url}/portal/learn/{slug}/")
    assert response is not None and response.status == 404  # a draft is not public
    writer.get_by_role("button", name="提交审核").click()
    expect(writer.get_by_role("button", name="提交审核")).to_have_count(0)
    # the author cannot publish her own page
    expect(writer.get_by_role("button", name="发布", exact=True)).to_have_count(0)

    publisher = staff("plan_coordinator_wuhou")
    publisher.goto(f"{e2e_url}/staff/portal/guidance/")
    publisher.get_by_role("link", name=title).click()
    assert record_id(publisher, r"/staff/portal/guidance/(\d+)/$") == page_id
    publisher.get_by_role("button", name="发布", exact=True).click()
    expect(publisher.get_by_role("main")).to_contain_text("页面状态已更改")
    expect(publisher.get_by_role("button", name="发布", exact=True)).to_have_count(0)

    visitor.goto(f"{e2e_url}/portal/learn/{slug}/")
    expect(visitor.get_by_role("heading", level=1)).to_contain_text(title)
    expect(visitor.get_by_role("article")).to_contain_text("多半是陷阱")
    expect(visitor.get_by_role("article")).to_contain_text("不交出身份证")
    visitor.goto(f"{e2e_url}/portal/learn/")
    expect(visitor.get_by_role("link", name=title)).to_be_visible()

    audit_finds(actor="womens_federation_officer_wuhou", object_type="portal.guidancepage", object_id=page_id)
    audit_finds(actor="plan_coordinator_wuhou", object_type="portal.guidancepage", object_id=page_id)


def test_sysadmin_deactivates_and_reactivates_an_officer_of_their_county(
    e2e_url, staff, visitor, audit_finds
):
    admin = staff("sysadmin_wuhou")  # 武侯区公安分局
    admin.goto(f"{e2e_url}/accounts/admin/users/")
    expect(admin.get_by_role("heading", level=1)).to_contain_text("用户")
    admin.get_by_role("link", name="reporter_hotel_wuhou", exact=True).click()
    user_id = record_id(admin, r"/accounts/admin/users/(\d+)/$")
    expect(admin.get_by_role("heading", level=1)).to_contain_text("reporter_hotel_wuhou")
    admin.get_by_label("显示名称").fill("迎宾酒店 前台 李经理")
    admin.get_by_label("启用").uncheck()
    admin.get_by_role("button", name="保存", exact=True).click()
    expect(admin.get_by_role("main")).to_contain_text("用户已保存")
    row = admin.get_by_role("row").filter(
        has=admin.get_by_role("link", name="reporter_hotel_wuhou", exact=True)
    )
    expect(row).to_contain_text("迎宾酒店 前台 李经理")
    expect(row.get_by_role("cell").last).to_have_text("否")

    submit_login(visitor, e2e_url, "reporter_hotel_wuhou")  # a deactivated officer cannot log in
    expect(visitor.get_by_role("alert")).to_be_visible()
    assert visitor.url.endswith("/accounts/login/")

    admin.get_by_role("link", name="reporter_hotel_wuhou", exact=True).click()
    expect(admin.get_by_label("启用")).not_to_be_checked()
    admin.get_by_label("启用").check()
    admin.get_by_role("button", name="保存", exact=True).click()
    expect(admin.get_by_role("main")).to_contain_text("用户已保存")
    expect(row.get_by_role("cell").last).to_have_text("是")
    submit_login(
        visitor, e2e_url, "reporter_hotel_wuhou"
    )  # and can again once reactivated, under the new name
    assert not visitor.url.endswith("/accounts/login/")
    expect(visitor.get_by_role("heading", level=1)).to_contain_text("迎宾酒店 前台 李经理")

    audit_finds(actor="sysadmin_wuhou", object_type="accounts.user", object_id=user_id)


def test_care_worker_records_a_service_for_a_child_in_care(e2e_url, staff, audit_finds):
    care = staff("care_worker_wuhou")  # 武侯区儿童福利院
    care.goto(f"{e2e_url}/staff/care/")
    care.get_by_role("main").get_by_role("link", name=re.compile(r"^#\d+$")).first.click()
    record = record_id(care, r"/staff/care/(\d+)/$")
    care.get_by_role("link", name="登记服务").click()
    care.get_by_label("服务:", exact=True).select_option(label="心理疏导")
    care.get_by_label("提供方").fill("武侯区心理健康服务中心")
    outcome = f"每周一次心理辅导，情绪趋于稳定（{uuid.uuid4().hex[:6]}）"
    care.get_by_label("结果").fill(outcome)
    care.get_by_role("button", name="保存", exact=True).click()
    assert record_id(care, r"/staff/care/(\d+)/$") == record
    main = care.get_by_role("main")
    expect(main).to_contain_text("服务已登记")
    service = care.get_by_role("row").filter(has_text=outcome)
    expect(service).to_contain_text("心理疏导")
    expect(service).to_contain_text("武侯区心理健康服务中心")

    audit_finds(actor="care_worker_wuhou", object_type="care.carerecord", object_id=record)

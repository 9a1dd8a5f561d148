"""Family tracing and care: the provincial investigator (who sees both sides) reviews the strong candidate between
a 武侯区 missing-person report and a 金牛区 found person and asks for DNA; the samples' accessions are recorded on
both records; the DNA examiners confirm and countersign the parent–child match, which confirms the tracing match;
county users meanwhile see only "contact the other agency". The confirmation starts the reunion steps in care,
where the care worker records the family assessment, the meeting and the hand-over."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from .conftest import record_id
from .test_dna import confirm_and_countersign
from .test_tips_cases import beijing_today

pytestmark = pytest.mark.browser

# The demo's DNA match waiting for review: child DEMO-WH-Q001 and family DEMO-WH-F002 (father -F, mother -M).
CHILD_SAMPLE, FATHER_SAMPLE = "DEMO-WH-Q001", "DEMO-WH-F002-F"


def test_tracing_match_confirmed_by_dna_and_reunion_recorded(e2e_url, staff, audit_finds):
    officer = staff("investigator_sichuan")
    officer.goto(f"{e2e_url}/staff/tracing/")
    officer.get_by_role("link", name="MR-1 ↔ FP-1").click()
    candidate_id = record_id(officer, r"/staff/tracing/candidates/(\d+)/$")
    candidate_url = officer.url
    main = officer.get_by_role("main")
    expect(main).to_contain_text("陈明明")  # the report's child
    expect(main).to_contain_text("陈铭铭")  # the found young man
    officer.get_by_label("决定").select_option("needs_dna")
    officer.get_by_label("理由").fill("小名、父亲姓名、疤痕和河边卖豆腐的记忆一致，请两地采血比对。")
    officer.get_by_role("button", name="记录决定").click()
    expect(officer.get_by_role("main")).to_contain_text("两地采血比对")

    county = staff("case_leader_jinniu")  # the found person's county does not see the 武侯区 report
    county.goto(candidate_url)
    expect(county.get_by_role("main")).to_contain_text("武侯区公安分局")
    expect(county.get_by_role("main")).not_to_contain_text("李秀英")  # the mother's name on the report

    # Blood is taken on both sides; the officer records each sample's accession on its record.
    for link, accession in (("MR-1 陈明明", FATHER_SAMPLE), ("FP-1 陈铭铭", CHILD_SAMPLE)):
        officer.goto(f"{e2e_url}/staff/tracing/")
        officer.get_by_role("main").get_by_role("link", name=link).click()
        officer.goto(officer.url.rstrip("/") + "/edit/")
        officer.get_by_label(re.compile("DNA样本编号")).fill(accession)
        officer.get_by_role("button", name="保存").click()
        expect(officer.get_by_role("main")).to_contain_text(accession)

    dna_candidate = confirm_and_countersign(staff, e2e_url, family="DEMO-WH-F002")

    officer.goto(candidate_url)
    expect(officer.get_by_role("main")).to_contain_text("经DNA确认")
    expect(officer.get_by_role("button", name="记录决定")).to_have_count(0)

    # The confirmation started the reunion steps on the young man's care record in 金牛区.
    care = staff("caseworker_jinniu")  # civil affairs: runs the reunion and keeps the record afterwards
    care.goto(f"{e2e_url}/staff/care/")
    care.get_by_label("阶段").select_option("reunion")
    care.get_by_role("button", name="筛选").click()
    care.get_by_role("main").get_by_role("link", name=re.compile(r"^#\d+$")).first.click()
    record = record_id(care, r"/staff/care/(\d+)/$")
    expect(care.get_by_role("heading", level=1)).to_contain_text("团聚进行中")
    care.get_by_role("link", name="团聚程序").click()
    care.locator("input[name='assess-home_safe'][value='yes']").check()
    care.locator("input[name='assess-family_involved'][value='no']").check()
    care.get_by_role("button", name="登记评估").click()
    expect(care.get_by_text("家庭评估已登记。")).to_be_visible()
    care.get_by_label("见面日期").fill(beijing_today())
    care.get_by_role("button", name="登记见面").click()
    expect(care.get_by_text("见面已登记。")).to_be_visible()
    care.get_by_role("button", name="将儿童交给家属").click()
    expect(care.get_by_text("交接已登记：此人已回家。回访已排期。")).to_be_visible()
    care.goto(f"{e2e_url}/staff/care/{record}/")
    expect(care.get_by_role("heading", level=1)).to_contain_text("已团聚")

    audit_finds(actor="investigator_sichuan", object_type="tracing.candidate", object_id=candidate_id)
    audit_finds(actor="dna_lab_manager_wuhou", object_type="dna.candidate", object_id=dna_candidate)
    audit_finds(actor="caseworker_jinniu", object_type="care.carerecord", object_id=record)

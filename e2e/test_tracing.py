"""Family tracing: the provincial investigator (who sees both sides) reviews the strong candidate between a 武侯区
missing-person report and a 金牛区 found person and sends it to DNA comparison; county users see only "contact
the other agency". Confirmation itself comes from a countersigned DNA match (see test_dna.py); the reunion is
recorded by the care app, which has no staff pages yet (noted in the report of issue 13)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from .conftest import record_id

pytestmark = pytest.mark.browser


def test_provincial_investigator_reviews_a_tracing_candidate(e2e_url, staff, audit_finds):
    page = staff("investigator_sichuan")
    page.goto(f"{e2e_url}/staff/tracing/")
    page.get_by_role("link", name="MR-1 ↔ FP-1").click()
    candidate_id = record_id(page, r"/staff/tracing/candidates/(\d+)/$")
    main = page.get_by_role("main")
    expect(main).to_contain_text("陈明明")  # the report's child
    expect(main).to_contain_text("陈铭铭")  # the found young man
    page.get_by_label("决定").select_option("needs_dna")
    page.get_by_label("理由").fill("小名、父亲姓名、疤痕和河边卖豆腐的记忆一致，请两地采血比对。")
    page.get_by_role("button", name="记录决定").click()
    expect(page.get_by_role("main")).to_contain_text("两地采血比对")

    county = staff("investigator_jinniu")  # the found person's county does not see the 武侯区 report
    county.goto(f"{e2e_url}/staff/tracing/candidates/{candidate_id}/")
    expect(county.get_by_role("main")).to_contain_text("武侯区公安分局")
    expect(county.get_by_role("main")).not_to_contain_text("李秀英")  # the mother's name on the report

    audit_finds(actor="investigator_sichuan", object_type="tracing.candidate", object_id=candidate_id)

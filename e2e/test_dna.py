"""DNA examiners: import typed profiles from a GeneMapper export, then review a match — one examiner confirms, a
second (the laboratory manager) countersigns, as the database requires for every reported match."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
from playwright.sync_api import expect

from homeward.engines.kinship import FrequencyTable
from homeward.engines.kinship.simulate import Simulator

from .conftest import record_id

pytestmark = pytest.mark.browser


def genemapper_csv(accessions: list[str]) -> str:
    """A GeneMapper-style export (one row per sample and marker) of simulated, unrelated children."""
    table = FrequencyTable.bundled("nist1036-asian")
    sim = Simulator(table, sorted(table.loci)[:23], seed=13)
    lines = ["Sample Name,Panel,Marker,Dye,Allele 1,Allele 2,Allele 3"]
    for accession in accessions:
        profile = sim.founder("male")
        for locus, (a, b) in profile.genotypes.items():
            lines.append(f"{accession},Goldeneye25A,{locus},B,{a},{b if b != a else ''},")
        lines.append(f"{accession},Goldeneye25A,AMEL,B,X,Y,")
    return "\n".join(lines) + "\n"


def confirm_and_countersign(staff, e2e_url: str, *, family: str) -> str:
    """The examiner confirms the open candidate of `family`, the laboratory manager countersigns it."""
    examiner = staff("dna_examiner_wuhou")
    examiner.goto(f"{e2e_url}/staff/dna/candidates/")
    examiner.get_by_role("row").filter(has_text=family).get_by_role("link").first.click()
    candidate_id = record_id(examiner, r"/staff/dna/candidates/(\d+)/$")
    examiner.get_by_role("button", name="确认").click()
    expect(examiner.get_by_text("已确认，须由第二名检验人员复核签字。")).to_be_visible()
    expect(examiner.get_by_text("此比中是您本人确认的")).to_be_visible()  # no countersign button for them
    expect(examiner.get_by_role("button", name="复核签字")).to_have_count(0)

    manager = staff("dna_lab_manager_wuhou")
    manager.goto(f"{e2e_url}/staff/dna/candidates/{candidate_id}/")
    manager.get_by_role("button", name="复核签字").click()
    expect(manager.get_by_text("已复核签字：比中确认，已通知案件相关人员。")).to_be_visible()
    expect(manager.get_by_role("button", name="复核签字")).to_have_count(0)
    return candidate_id


def test_examiners_import_profiles_and_review_a_match_with_countersignature(
    e2e_url, staff, audit_finds, tmp_path: Path
):
    run = uuid.uuid4().hex[:6].upper()
    accessions = [f"E2E-{run}-Q1", f"E2E-{run}-Q2"]
    export = tmp_path / f"run-{run}.csv"
    export.write_text(genemapper_csv(accessions))

    examiner = staff("dna_examiner_wuhou")
    examiner.goto(f"{e2e_url}/staff/dna/")
    examiner.get_by_role("link", name="导入分型").first.click()
    examiner.get_by_label("文件（GeneMapper 导出的 CSV/TXT 或 JSON）").set_input_files(str(export))
    examiner.get_by_label("格式").select_option("csv")
    examiner.get_by_label("未登记的样本名登记为").select_option("child_unknown_origin")
    examiner.get_by_role("button", name="导入").click()
    batch_id = record_id(examiner, r"/staff/dna/import/(\d+)/$")
    main = examiner.get_by_role("main")
    for accession in accessions:
        expect(main).to_contain_text(accession)
    examiner.goto(f"{e2e_url}/staff/dna/samples/")
    expect(examiner.get_by_role("link", name=accessions[0])).to_be_visible()

    # The demo's rescued girl DEMO-WH-Q002 against family DEMO-WH-F007 (paternal grandparents and the mother).
    candidate_id = confirm_and_countersign(staff, e2e_url, family="DEMO-WH-F007")

    audit_finds(actor="dna_examiner_wuhou", object_type="dna.importbatch", object_id=batch_id)
    audit_finds(actor="dna_examiner_wuhou", object_type="dna.candidate", object_id=candidate_id)
    audit_finds(actor="dna_lab_manager_wuhou", object_type="dna.candidate", object_id=candidate_id)

"""Plan pages: the workflow through forms, every object page 404 for county B, bad input, downloads."""

from __future__ import annotations

import io
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from docx import Document
from openpyxl import load_workbook

from homeward.plan import services
from homeward.plan.models import (
    Activity,
    Assessment,
    EvaluationRound,
    EvidenceFile,
    ImplementationPlan,
    LocalAdoption,
    ProgressReport,
    ReportStatus,
    SupervisionListing,
)
from homeward.plan.services import ActivityData, AssessmentData, ListingData
from homeward.plan.tests.helpers import measure_led_by, open_report

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def world(pp, time_machine):
    """One of everything in county A."""
    time_machine.move_to("2025-11-20 10:00 +08:00")
    measure = measure_led_by("公安部", "全国妇联")
    report = open_report(pp.police_a, measure)
    plan = services.implementation_plan_save(
        actor=pp.police_a,
        data=services.ImplementationData(
            measure_id=measure.pk, year=2025, actions="开展行动", responsible_unit="刑侦大队"
        ),
    )
    activity = services.activity_create(
        actor=pp.police_a,
        data=ActivityData(kind="publicity", title="宣传", held_on=date(2025, 3, 1), count=100),
    )
    evidence = services.evidence_add(
        actor=pp.police_a,
        upload=SimpleUploadedFile("现场.pdf", PDF, content_type="application/pdf"),
        report_id=report.pk,
    )
    adoption = services.adoption_create(
        actor=pp.coord_a,
        data=services.AdoptionData(
            kind="implementing_rules",
            title="武侯区实施细则",
            adopted_on=date(2022, 3, 1),
            measures=[(measure.pk, "第三条")],
        ),
    )
    listing = services.listing_create(
        actor=pp.coord_province,
        data=ListingData(
            kind="region",
            division_code="510107",
            title="重点整治",
            reason="高发",
            deadline=date(2025, 12, 31),
        ),
    )
    assessment = services.assessment_create(
        actor=pp.coord_province,
        data=AssessmentData(year=2024, subject_kind="region", division_code="510107", score="80"),
    )
    round_a = services.evaluation_open(actor=pp.coord_a, kind="mid_term")
    services.evaluation_assemble(actor=pp.coord_a, round_id=round_a.pk)
    return {
        "measure": measure,
        "report": report,
        "plan": plan,
        "activity": activity,
        "evidence": evidence,
        "adoption": adoption,
        "listing": listing,
        "assessment": assessment,
        "round": round_a,
    }


def object_urls(w):
    return [
        f"/staff/plan/reports/{w['report'].pk}/",
        f"/staff/plan/implementation/{w['plan'].pk}/",
        f"/staff/plan/implementation/{w['plan'].pk}/edit/",
        f"/staff/plan/activities/{w['activity'].pk}/",
        f"/staff/plan/evidence/{w['evidence'].pk}/",
        f"/staff/plan/adoptions/{w['adoption'].pk}/",
        f"/staff/plan/supervision/{w['listing'].pk}/",
        f"/staff/plan/assessments/{w['assessment'].pk}/",
    ]


def test_county_b_gets_404_on_every_object_page(pp, world, login, client):
    login(pp.coord_b)
    for url in [
        *object_urls(world),
        f"/staff/plan/evaluations/{world['round'].pk}/",
        f"/staff/plan/evaluations/{world['round'].pk}/report.docx",
        f"/staff/plan/evaluations/{world['round'].pk}/report.xlsx",
    ]:
        assert client.get(url).status_code == 404, url
    login(pp.police_b)
    for url in object_urls(world):
        if "assessments" in url or "adoptions" in url or "supervision" in url:
            continue
        assert client.get(url).status_code == 404, url
    # POST actions too
    assert client.post(f"/staff/plan/reports/{world['report'].pk}/submit/").status_code == 404


def test_own_county_and_province_see_the_pages(pp, world, login, client):
    login(pp.police_a)
    for url in object_urls(world):
        if "assessments" in url:
            continue
        response = client.get(url)
        assert response.status_code == 200, url
    login(pp.coord_province)
    for url in object_urls(world):
        if "implementation" in url and "edit" in url:
            continue
        assert client.get(url).status_code == 200, url
    for url in (
        "/staff/plan/",
        "/staff/plan/measures/",
        f"/staff/plan/measures/{world['measure'].pk}/",
        "/staff/plan/coverage/",
        "/staff/plan/implementation/",
        "/staff/plan/adoptions/",
        "/staff/plan/reports/",
        "/staff/plan/activities/",
        "/staff/plan/evaluations/",
        "/staff/plan/supervision/",
        "/staff/plan/assessments/",
        "/plan/",
    ):
        assert client.get(url).status_code == 200, url


def test_evidence_download_and_bad_upload(pp, world, login, client):
    login(pp.coord_a)
    response = client.get(f"/staff/plan/evidence/{world['evidence'].pk}/")
    assert response.status_code == 200 and b"".join(response.streaming_content) == PDF
    assert response["Cache-Control"] == "private, no-store"
    login(pp.police_a)
    fake = SimpleUploadedFile("x.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    client.post(f"/staff/plan/reports/{world['report'].pk}/evidence/", {"file": fake})
    zip_as_exe = SimpleUploadedFile("x.exe", b"PK\x03\x04rest", content_type="application/octet-stream")
    client.post(f"/staff/plan/reports/{world['report'].pk}/evidence/", {"file": zip_as_exe})
    assert EvidenceFile.objects.count() == 1


def test_report_workflow_through_pages(pp, world, login, client):
    report = world["report"]
    login(pp.police_a)
    response = client.post(
        f"/staff/plan/reports/{report.pk}/edit/",
        {
            "progress": "on_track",
            "work_done": "解救被拐儿童2名",
            "problems": "",
            "figures": "宣传场次 | 12 | 场",
        },
    )
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.work_done == "解救被拐儿童2名"
    assert report.figures.filter(computed=False, name="宣传场次", value=12).exists()
    bad = client.post(
        f"/staff/plan/reports/{report.pk}/edit/", {"progress": "on_track", "figures": "x | abc"}
    )
    assert bad.status_code == 302
    assert client.post(f"/staff/plan/reports/{report.pk}/submit/").status_code == 302
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED
    login(pp.coord_a)
    page = client.get(f"/staff/plan/reports/{report.pk}/").content.decode()
    assert "report-return" not in page and f"/staff/plan/reports/{report.pk}/return/" in page
    client.post(f"/staff/plan/reports/{report.pk}/return/", {"comment": ""})
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED
    client.post(f"/staff/plan/reports/{report.pk}/return/", {"comment": "请补充证据"})
    report.refresh_from_db()
    assert report.status == ReportStatus.RETURNED
    login(pp.police_a)
    assert client.post(f"/staff/plan/reports/{report.pk}/return/", {"comment": "x"}).status_code == 403


def test_open_report_and_plan_from_pages_with_bad_input(pp, imported, login, client, time_machine):
    time_machine.move_to("2025-11-20 10:00 +08:00")
    measure = measure_led_by("公安部")
    login(pp.police_a)
    client.post("/staff/plan/reports/new/", {"measure": measure.pk, "period": "2099H9"})
    client.post("/staff/plan/reports/new/", {"measure": "abc", "period": "2025H1"})
    assert not ProgressReport.objects.exists()
    response = client.post("/staff/plan/reports/new/", {"measure": measure.pk, "period": "2025h1"})
    assert response.status_code == 302 and ProgressReport.objects.get().period == "2025H1"
    form = client.post(
        f"/staff/plan/implementation/new/?measure={measure.pk}",
        {
            "measure": measure.pk,
            "year": "2025",
            "actions": "",
            "responsible_unit": "",
            "status": "draft",
            "targets": "x | y",
        },
    )
    assert form.status_code == 200 and not ImplementationPlan.objects.exists()
    ok = client.post(
        "/staff/plan/implementation/new/",
        {
            "measure": measure.pk,
            "year": "2025",
            "actions": "行动",
            "responsible_unit": "刑侦大队",
            "status": "adopted",
            "budget_line": "反拐专项",
            "budget_amount": "50000",
            "targets": "解救人数 | 10 | 人 | cases.victims_rescued",
        },
    )
    assert ok.status_code == 302
    plan = ImplementationPlan.objects.get()
    assert plan.targets.get().indicator_key == "cases.victims_rescued"
    not_ours = measure_led_by("国家民委")
    if not not_ours.responsibilities.filter(name__in=["公安部", "国务院反拐部际联席会议各成员单位"]).exists():
        again = client.post(
            "/staff/plan/implementation/new/",
            {
                "measure": not_ours.pk,
                "year": "2025",
                "actions": "a",
                "responsible_unit": "b",
                "status": "draft",
            },
        )
        assert again.status_code == 200 and ImplementationPlan.objects.count() == 1


def test_activities_listings_assessments_rounds_through_pages(pp, imported, login, client, time_machine):
    time_machine.move_to("2025-11-20 10:00 +08:00")
    login(pp.women_officer_a)
    bad = client.post(
        "/staff/plan/activities/", {"kind": "publicity", "title": "", "held_on": "2030-01-01", "count": "-1"}
    )
    assert bad.status_code == 200 and not Activity.objects.exists()
    ok = client.post(
        "/staff/plan/activities/",
        {
            "kind": "training",
            "title": "培训",
            "held_on": "2025-05-01",
            "count": "30",
            "measure": "二.(一).2.(1)",
        },
    )
    assert ok.status_code == 302 and str(Activity.objects.get().measure).startswith("二.(一).2.(1) ")
    assert client.post("/staff/plan/supervision/", {"kind": "region"}).status_code == 403
    login(pp.coord_province)
    bad = client.post(
        "/staff/plan/supervision/",
        {
            "kind": "region",
            "division_code": "530102",
            "title": "t",
            "reason": "r",
            "deadline": "2026-01-01",
            "warning_days": "7",
        },
    )
    assert bad.status_code == 200 and not SupervisionListing.objects.exists()
    ok = client.post(
        "/staff/plan/supervision/",
        {
            "kind": "region",
            "division_code": "510107",
            "title": "t",
            "reason": "r",
            "deadline": "2026-01-01",
            "warning_days": "7",
        },
    )
    assert ok.status_code == 302
    bad = client.post(
        "/staff/plan/assessments/",
        {"year": "2024", "subject_kind": "region", "division_code": "", "score": "80"},
    )
    assert bad.status_code == 200 and not Assessment.objects.exists()
    ok = client.post(
        "/staff/plan/assessments/",
        {"year": "2024", "subject_kind": "region", "division_code": "510106", "score": "80"},
    )
    assert ok.status_code == 302
    a = Assessment.objects.get()
    client.post(f"/staff/plan/assessments/{a.pk}/finalise/")
    a.refresh_from_db()
    assert a.status == "draft"
    client.post(f"/staff/plan/assessments/{a.pk}/evidence/", {"kind": "note", "note": "发案数下降"})
    client.post(f"/staff/plan/assessments/{a.pk}/finalise/")
    a.refresh_from_db()
    assert a.status == "final"
    bad = client.post(
        "/staff/plan/evaluations/",
        {"kind": "final", "period_start": "2030-01-01", "period_end": "2021-01-01"},
    )
    assert bad.status_code == 200 and not EvaluationRound.objects.exists()
    ok = client.post("/staff/plan/evaluations/", {"kind": "final"})
    r = EvaluationRound.objects.get()
    client.post(f"/staff/plan/evaluations/{r.pk}/assemble/")
    item = r.items.filter(dimension="region").first()
    assert item is not None
    client.post(f"/staff/plan/evaluations/{r.pk}/score/", {"item": item.pk, "score": "150"})
    item.refresh_from_db()
    assert item.score is None
    client.post(f"/staff/plan/evaluations/{r.pk}/score/", {"item": item.pk, "score": "66"})
    item.refresh_from_db()
    assert item.score == 66
    docx = client.get(f"/staff/plan/evaluations/{r.pk}/report.docx")
    assert docx.status_code == 200 and docx["Content-Type"].startswith("application/vnd.openxmlformats")
    assert len(Document(io.BytesIO(docx.content)).tables) == 4
    xlsx = client.get(f"/staff/plan/evaluations/{r.pk}/report.xlsx")
    assert "regions" in load_workbook(io.BytesIO(xlsx.content)).sheetnames
    login(pp.police_a)
    assert client.get("/staff/plan/evaluations/").status_code == 403


def test_roles_without_plan_work_are_refused(personas, imported, login, client):
    login(personas.reporter_a)
    assert client.get("/staff/plan/").status_code == 403
    login(personas.auditor_a)
    assert client.get("/staff/plan/reports/").status_code == 403


def test_adoption_page_maps_measures(pp, imported, login, client):
    login(pp.coord_a)
    bad = client.post(
        "/staff/plan/adoptions/new/",
        {
            "kind": "yearly_plan",
            "title": "2025年度计划",
            "year": "2025",
            "adopted_on": "2025-01-10",
            "measures": "九.(九).9",
        },
    )
    assert bad.status_code == 200 and not LocalAdoption.objects.exists()
    ok = client.post(
        "/staff/plan/adoptions/new/",
        {
            "kind": "yearly_plan",
            "title": "2025年度计划",
            "year": "2025",
            "adopted_on": "2025-01-10",
            "measures": "二.(一).2.(1) | 第一条\n二.（二）.2.（1）",
        },
    )
    assert ok.status_code == 302
    adoption = LocalAdoption.objects.get()
    assert adoption.mapped.count() == 2
    coverage = client.get("/staff/plan/coverage/").content.decode()
    assert "2025年度计划" in coverage
    login(pp.coord_b)
    assert "2025年度计划" not in client.get("/staff/plan/coverage/").content.decode()

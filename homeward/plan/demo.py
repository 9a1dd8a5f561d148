"""Demo data of the plan app: the plan imported, local adoption in 武侯区, implementation plans, progress reports
(one accepted, one returned with comments, one draft in 金牛区), an activity, a mid-term evaluation round of 四川省,
a supervision listing of 金牛区 and an assessment of 武侯区. Idempotent: each item is made only if missing.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.utils import timezone

from homeward.plan import services
from homeward.plan.models import (
    Activity,
    Assessment,
    EvaluationRound,
    ImplementationPlan,
    LocalAdoption,
    Measure,
    MeasureAgency,
    ProgressReport,
    ReportStatus,
    Responsibility,
    SupervisionListing,
)

ADOPTION_TITLE = "武侯区贯彻落实《中国反对拐卖人口行动计划（2021—2030年）》实施方案"
LISTING_TITLE = "金牛区拐卖妇女儿童犯罪重点整治"
ACTIVITY_TITLE = "“反拐宣传进社区”主题宣传月"


def _user(username: str) -> Any:
    return get_user_model().objects.filter(username=username).first()


def _led_by(lead: str, cooperating: str = "", skip: int = 0) -> Measure:
    qs = Measure.objects.filter(responsibilities__name=lead, responsibilities__role=Responsibility.LEAD)
    if cooperating:
        ids = MeasureAgency.objects.filter(name=cooperating, role=Responsibility.COOPERATING).values(
            "measure_id"
        )
        qs = qs.filter(pk__in=ids)
    return qs.order_by("position")[skip]


def _report(actor: Any, measure: Measure, period: str, work_done: str) -> ProgressReport:
    found = ProgressReport.objects.filter(agency=actor.agency, measure=measure, period=period).first()
    if found:
        return found
    return services.report_create(
        actor=actor,
        measure_id=measure.pk,
        period=period,
        data=services.ReportData(
            work_done=work_done,
            problems="基层排查力量不足，需加强部门间信息共享。",
            figures=[services.FigureData(name="开展专项排查", value=6, unit="次")],
        ),
    )


def load(report: Any) -> None:
    imported = services.plan_import()
    police_a = _user("investigator_wuhou")
    police_b = _user("investigator_jinniu")
    women_a = _user("womens_federation_officer_wuhou")
    civil_a = _user("caseworker_wuhou")
    coord_a = _user("plan_coordinator_wuhou")
    coord_sc = _user("plan_coordinator_sichuan")
    if not all((police_a, police_b, women_a, civil_a, coord_a, coord_sc)):
        report.notes["plan"] = f"plan imported ({imported.created} measures new); demo users missing"
        return
    m1 = _led_by("公安部", "全国妇联")
    m2 = _led_by("公安部", skip=5)
    m_civil = _led_by("民政部")

    if not LocalAdoption.objects.filter(title=ADOPTION_TITLE).exists():
        services.adoption_create(
            actor=coord_a,
            data=services.AdoptionData(
                kind="implementing_rules",
                title=ADOPTION_TITLE,
                document_number="武侯反拐办〔2022〕1号",
                adopted_on=date(2022, 3, 15),
                summary="明确区级各成员单位职责分工，建立季度会商和半年报告制度。",
                measures=[(m1.pk, "第二条 预防"), (m2.pk, "第五条 打击"), (m_civil.pk, "第八条 救助安置")],
            ),
        )
    for actor, measure, unit in (
        (police_a, m1, "武侯区公安分局刑侦大队"),
        (civil_a, m_civil, "武侯区民政局社会事务科"),
    ):
        if not ImplementationPlan.objects.filter(agency=actor.agency, measure=measure, year=2025).exists():
            services.implementation_plan_save(
                actor=actor,
                data=services.ImplementationData(
                    measure_id=measure.pk,
                    year=2025,
                    actions="1. 开展重点人群排查；2. 建立部门联动台账；3. 每季度通报工作进展。",
                    responsible_unit=unit,
                    budget_line="反拐专项工作经费",
                    budget_amount="80000",
                    status="adopted",
                    targets=[services.TargetData(name="排查重点场所", target="40", unit="处")],
                ),
            )

    accepted = _report(police_a, m1, "2025H1", "开展“团圆”行动，排查出租屋、旅馆等重点场所38处。")
    if accepted.status in (ReportStatus.DRAFT, ReportStatus.RETURNED):
        if accepted.contributions.filter(agency=women_a.agency).exists():
            services.contribution_save(
                actor=women_a, report_id=accepted.pk, text="妇联组织反拐宣传进社区12场。"
            )
        services.report_submit(actor=police_a, report_id=accepted.pk)
    if accepted.status == ReportStatus.SUBMITTED or (
        ProgressReport.objects.filter(pk=accepted.pk, status=ReportStatus.SUBMITTED).exists()
    ):
        services.report_accept(actor=coord_a, report_id=accepted.pk)

    returned = _report(police_a, m2, "2025H2", "开展打击拐卖犯罪专项行动。")
    returned.refresh_from_db()
    if returned.status == ReportStatus.DRAFT:
        services.report_submit(actor=police_a, report_id=returned.pk)
        services.report_return(
            actor=coord_a, report_id=returned.pk, comment="请补充破案数、解救人数等量化指标，并附工作台账。"
        )
    _report(police_b, m1, "2025H2", "金牛区开展重点场所排查。")

    if not Activity.objects.filter(title=ACTIVITY_TITLE).exists():
        services.activity_create(
            actor=women_a,
            data=services.ActivityData(
                kind="publicity",
                title=ACTIVITY_TITLE,
                held_on=date(2025, 5, 20),
                count=1200,
                count_unit="人次",
                description="在辖区12个社区开展反拐宣传，发放宣传资料3000份。",
                measure_id=m1.pk,
            ),
        )

    if not EvaluationRound.objects.filter(jurisdiction="510000", kind="mid_term").exists():
        round_ = services.evaluation_open(
            actor=coord_sc, kind="mid_term", title="四川省反拐行动计划中期评估（2025）"
        )
        services.evaluation_assemble(actor=coord_sc, round_id=round_.pk)
        item = round_.items.filter(dimension="region", key="510107").first()
        if item is not None:
            services.evaluation_score(
                actor=coord_sc, round_id=round_.pk, item_id=item.pk, score="86", comment="工作扎实，台账完整"
            )

    if not SupervisionListing.objects.filter(title=LISTING_TITLE).exists():
        services.listing_create(
            actor=coord_sc,
            data=services.ListingData(
                kind="region",
                division_code="510106",
                title=LISTING_TITLE,
                reason="近两年拐卖妇女儿童案件发案数居全省前列。",
                requirements="三个月内完成重点场所排查和基层网格员培训，按月报送进展。",
                deadline=timezone.localdate() + timedelta(days=30),
            ),
        )

    if not Assessment.objects.filter(year=2025, subject_key="region:510107").exists():
        assessment = services.assessment_create(
            actor=coord_sc,
            data=services.AssessmentData(
                year=2025,
                subject_kind="region",
                division_code="510107",
                score="92",
                commendation="反拐工作先进集体",
                notes="平安中国建设考核反拐工作部分。",
            ),
        )
        services.assessment_evidence_add(
            actor=coord_sc,
            assessment_id=assessment.pk,
            data=services.EvidenceData(kind="report", ref_id=accepted.pk, points="30"),
        )
    report.notes["plan"] = (
        f"plan imported ({Measure.objects.count()} measures and sub-measures); "
        "武侯区 implementing rules, 2 implementation plans, 3 progress reports (1 accepted, 1 returned), "
        "1 activity, 四川省 mid-term evaluation, 金牛区 supervision listing, 武侯区 2025 assessment"
    )

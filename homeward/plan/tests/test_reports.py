"""Progress reports: the lead agency opens and submits, cooperating agencies add their parts, the coordinator
returns with comments or accepts; who sees what."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from homeward.notifications.models import Notice
from homeward.plan import selectors, services
from homeward.plan.models import ProgressReport, ReportStatus
from homeward.plan.services import ReportData
from homeward.plan.tests.helpers import measure_led_by, open_report

pytestmark = pytest.mark.django_db


@pytest.fixture
def measure(pp):
    return measure_led_by("公安部", "全国妇联")


def test_full_cycle_submit_return_resubmit_accept(pp, measure, audit_rows):
    report = open_report(pp.police_a, measure)
    assert report.status == ReportStatus.DRAFT and report.jurisdiction == "510107"
    assert pp.women_a in [c.agency for c in report.contributions.all()]
    with audit_rows() as rows:
        services.contribution_save(actor=pp.women_officer_a, report_id=report.pk, text="妇联开展了宣传")
    assert len(rows.new) == 1
    with audit_rows() as rows:
        services.report_submit(actor=pp.police_a, report_id=report.pk)
    assert len(rows.new) == 1 and rows.new[0].action == "update"
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED and report.submitted_by == pp.police_a
    told = set(
        Notice.objects.filter(kind="plan.report_submitted").values_list("recipient__username", flat=True)
    )
    assert {"coord_a", "coord_prov", "coord_nat"} <= told and "coord_b" not in told

    with pytest.raises(ValidationError):
        services.report_update(actor=pp.police_a, report_id=report.pk, data=ReportData(work_done="x"))
    with pytest.raises(ValidationError):
        services.report_return(actor=pp.coord_a, report_id=report.pk, comment="  ")
    with audit_rows() as rows:
        services.report_return(actor=pp.coord_a, report_id=report.pk, comment="请补充数据")
    assert len(rows.new) == 1
    report.refresh_from_db()
    assert report.status == ReportStatus.RETURNED and report.return_comment == "请补充数据"
    assert Notice.objects.filter(kind="plan.report_returned", recipient=pp.police_a).exists()
    services.report_update(actor=pp.police_a, report_id=report.pk, data=ReportData(work_done="补充：解救2人"))
    services.report_submit(actor=pp.police_a, report_id=report.pk)
    services.report_accept(actor=pp.coord_province, report_id=report.pk)
    report.refresh_from_db()
    assert report.status == ReportStatus.ACCEPTED
    assert [e.kind for e in report.events.all()] == [
        "created",
        "contribution",
        "submitted",
        "returned",
        "submitted",
        "accepted",
    ]
    with pytest.raises(ValidationError):
        services.report_return(actor=pp.coord_a, report_id=report.pk, comment="again")


def test_only_the_lead_agency_opens_and_submits(pp, measure):
    with pytest.raises(ValidationError):
        open_report(pp.women_officer_a, measure)  # 全国妇联 cooperates, does not lead
    report = open_report(pp.police_a, measure)
    with pytest.raises(PermissionDenied):
        services.report_submit(actor=pp.women_officer_a, report_id=report.pk)
    with pytest.raises(PermissionDenied):
        services.report_return(actor=pp.police_a, report_id=report.pk, comment="no")  # not a coordinator
    with pytest.raises(ValidationError):
        services.report_accept(actor=pp.coord_a, report_id=report.pk)  # still a draft


def test_submit_needs_what_was_done_and_one_report_per_period(pp, measure):
    report = open_report(pp.police_a, measure, work_done="")
    with pytest.raises(ValidationError):
        services.report_submit(actor=pp.police_a, report_id=report.pk)
    with pytest.raises(ValidationError):
        open_report(pp.police_a, measure)
    for bad in ("2019H1", "2025H3", "next year", ""):
        with pytest.raises(ValidationError):
            open_report(pp.police_a, measure, period=bad)
    assert ProgressReport.objects.count() == 1


@pytest.mark.parametrize(
    "period,start,end",
    [
        ("2025", "2025-01-01", "2026-01-01"),
        ("2025H2", "2025-07-01", "2026-01-01"),
        ("2024Q4", "2024-10-01", "2025-01-01"),
    ],
)
def test_periods(period, start, end):
    s, e = services.parse_period(period)
    assert (s.isoformat(), e.isoformat()) == (start, end)


def test_a_county_sees_its_own_and_is_seen_by_its_province(pp, measure):
    report = open_report(pp.police_a, measure)
    # own agency, the county office, the province (office and same-line police), the national office
    for user in (pp.police_a, pp.coord_a, pp.coord_province, pp.police_province, pp.coord_national):
        assert selectors.report_get(actor=user, report_id=report.pk).pk == report.pk
    assert report in selectors.report_list(actor=pp.coord_province)
    # the cooperating agency asked for its part
    assert selectors.report_get(actor=pp.women_officer_a, report_id=report.pk)
    # county B, another province, and an agency of county A not asked: 404 like a missing record
    for user in (pp.police_b, pp.coord_b, pp.coord_other):
        with pytest.raises(Http404):
            selectors.report_get(actor=user, report_id=report.pk)
        assert report not in selectors.report_list(actor=user)
    with pytest.raises(Http404):
        selectors.report_get(actor=pp.police_a, report_id=999999)


def test_contribution_only_by_asked_agencies_and_while_editable(pp, measure):
    report = open_report(pp.police_a, measure)
    with pytest.raises(PermissionDenied):
        services.contribution_save(actor=pp.police_a, report_id=report.pk, text="x")
    with pytest.raises(ValidationError):
        services.contribution_save(actor=pp.women_officer_a, report_id=report.pk, text="")
    with pytest.raises(ValidationError):
        services.contribution_save(actor=pp.women_officer_a, report_id=report.pk, text="x" * 10_001)
    services.report_submit(actor=pp.police_a, report_id=report.pk)
    with pytest.raises(ValidationError):
        services.contribution_save(actor=pp.women_officer_a, report_id=report.pk, text="late")


def test_our_measures(pp):
    ours = selectors.agency_measures(pp.police_a.agency)
    assert ours.line == "公安部"
    # 55 measures name 公安部 as lead, 4 more are led by 国务院反拐部际联席会议各成员单位 (of which it is one)
    assert len(ours.leads) == 59
    women = selectors.agency_measures(pp.women_a)
    assert women.line == "全国妇联" and len(women.cooperates) > 30
    assert selectors.agency_measures(pp.office_a).line is None

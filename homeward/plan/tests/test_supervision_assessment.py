"""Supervision listings overdue by the clock, seen by the level above; assessments traceable to evidence."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from homeward.notifications.models import Notice
from homeward.plan import selectors, services
from homeward.plan.models import AssessmentStatus, ListingStatus
from homeward.plan.services import AssessmentData, EvidenceData, ListingData
from homeward.plan.tests.helpers import measure_led_by, open_report

pytestmark = pytest.mark.django_db


def listing(actor, code="510107", deadline=date(2025, 6, 30), **kw):
    data = ListingData(
        kind="region", division_code=code, title="武侯区拐卖案件高发", reason="连续发案", deadline=deadline
    )
    for k, v in kw.items():
        setattr(data, k, v)
    return services.listing_create(actor=actor, data=data)


def test_overdue_by_clock_and_visible_to_the_level_above(pp, time_machine):
    time_machine.move_to("2025-05-01 09:00 +08:00")
    li = listing(pp.coord_province, warning_days=14)
    assert li.state == "open"
    assert Notice.objects.filter(kind="plan.listed", recipient=pp.coord_a).exists()
    assert selectors.listing_get(actor=pp.coord_a, listing_id=li.pk)  # the listed county sees it
    with pytest.raises(Http404):
        selectors.listing_get(actor=pp.coord_b, listing_id=li.pk)
    time_machine.move_to("2025-06-20 09:00 +08:00")
    assert selectors.listing_get(actor=pp.coord_a, listing_id=li.pk).state == "warning"
    assert services.supervision_check() == {"warned": 1, "overdue": 0}
    assert services.supervision_check() == {"warned": 0, "overdue": 0}  # idempotent
    time_machine.move_to("2025-06-30 23:00 +08:00")
    assert selectors.overdue_below(actor=pp.coord_province) == []
    time_machine.move_to("2025-07-01 00:30 +08:00")
    assert [x.pk for x in selectors.overdue_below(actor=pp.coord_province)] == [li.pk]
    assert [x.pk for x in selectors.overdue_below(actor=pp.coord_national)] == [li.pk]
    assert selectors.overdue_below(actor=pp.coord_a) == []  # its own level is not "below"
    assert [x.pk for x in selectors.listing_list(actor=pp.coord_a, state="overdue")] == [li.pk]
    result = services.supervision_check()
    assert result["overdue"] == 1
    told = set(
        Notice.objects.filter(kind="plan.listing_overdue").values_list("recipient__username", flat=True)
    )
    assert "coord_prov" in told and "coord_a" not in told
    services.listing_update_add(actor=pp.coord_a, listing_id=li.pk, text="已开展专项整治")
    with pytest.raises(PermissionDenied):
        services.listing_close(actor=pp.coord_a, listing_id=li.pk, status="resolved", note="done")
    services.listing_close(actor=pp.coord_province, listing_id=li.pk, status="resolved", note="整治完成")
    li.refresh_from_db()
    assert li.status == ListingStatus.RESOLVED and li.state == "resolved"


def test_listing_input_checked(pp, time_machine):
    time_machine.move_to("2025-05-01 09:00 +08:00")
    for kw in (
        {"code": "510000"},  # its own level
        {"code": "530102"},  # another province
        {"code": "519999"},  # unknown
        {"deadline": date(2025, 4, 1)},
        {"kind": "case"},  # a key case needs its reference
        {"warning_days": 999},
        {"title": ""},
    ):
        with pytest.raises(ValidationError):
            listing(pp.coord_province, **kw)
    with pytest.raises(PermissionDenied):
        listing(pp.police_province)


def test_assessment_traceable_veto_and_commendation(pp, time_machine, audit_rows):
    time_machine.move_to("2025-12-20 09:00 +08:00")
    measure = measure_led_by("公安部")
    report = open_report(pp.police_a, measure, "2025H1")
    other_report = open_report(pp.police_b, measure, "2025H1")
    a = services.assessment_create(
        actor=pp.coord_province,
        data=AssessmentData(
            year=2025, subject_kind="region", division_code="510107", score="88", commendation="表彰"
        ),
    )
    with pytest.raises(ValidationError):
        services.assessment_finalise(actor=pp.coord_province, assessment_id=a.pk)  # no evidence yet
    with pytest.raises(ValidationError):
        services.assessment_veto(actor=pp.coord_province, assessment_id=a.pk, reason="发案严重")
    with audit_rows() as rows:
        ev = services.assessment_evidence_add(
            actor=pp.coord_province,
            assessment_id=a.pk,
            data=EvidenceData(kind="report", ref_id=report.pk, points="10"),
        )
    assert len(rows.new) == 1 and ev.report == report
    with pytest.raises(ValidationError):  # county B's report is not about county A
        services.assessment_evidence_add(
            actor=pp.coord_province,
            assessment_id=a.pk,
            data=EvidenceData(kind="report", ref_id=other_report.pk),
        )
    ind_ev = services.assessment_evidence_add(
        actor=pp.coord_province,
        assessment_id=a.pk,
        data=EvidenceData(kind="indicator", indicator_key="plan.activities_held"),
    )
    assert ind_ev.indicator_value == 0
    with pytest.raises(ValidationError):
        services.assessment_evidence_add(
            actor=pp.coord_province,
            assessment_id=a.pk,
            data=EvidenceData(kind="indicator", indicator_key="x.y"),
        )
    services.assessment_veto(actor=pp.coord_province, assessment_id=a.pk, reason="发生重大拐卖案件，预防不力")
    services.assessment_finalise(actor=pp.coord_province, assessment_id=a.pk)
    a.refresh_from_db()
    assert a.status == AssessmentStatus.FINAL and a.veto and a.effective_score == 0
    with pytest.raises(ValidationError):
        services.assessment_evidence_add(
            actor=pp.coord_province, assessment_id=a.pk, data=EvidenceData(kind="note", note="late")
        )
    with pytest.raises(ValidationError):  # one per subject and year
        services.assessment_create(
            actor=pp.coord_province,
            data=AssessmentData(year=2025, subject_kind="region", division_code="510107", score="50"),
        )
    # seen by the assessed county's office and above; not by county B
    assert selectors.assessment_get(actor=pp.coord_a, assessment_id=a.pk)
    with pytest.raises(Http404):
        selectors.assessment_get(actor=pp.coord_b, assessment_id=a.pk)


def test_assessment_of_an_agency_and_bad_input(pp):
    a = services.assessment_create(
        actor=pp.coord_province,
        data=AssessmentData(year=2024, subject_kind="agency", agency_id=pp.police_a.agency_id, score="90"),
    )
    # the assessed agency sees its own score; a sister agency does not
    assert selectors.assessment_get(actor=pp.police_a, assessment_id=a.pk)
    with pytest.raises(Http404):
        selectors.assessment_get(actor=pp.women_officer_a, assessment_id=a.pk)
    for data in (
        AssessmentData(year=2019, subject_kind="region", division_code="510106", score="90"),
        AssessmentData(year=2024, subject_kind="region", division_code="510106", score="190"),
        AssessmentData(year=2024, subject_kind="region", division_code="530102", score="90"),
        AssessmentData(year=2024, subject_kind="agency", agency_id=pp.coord_province.agency_id, score="90"),
        AssessmentData(year=2024, subject_kind="planet", score="90"),
    ):
        with pytest.raises(ValidationError):
            services.assessment_create(actor=pp.coord_province, data=data)

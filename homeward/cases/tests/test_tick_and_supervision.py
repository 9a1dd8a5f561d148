"""Periodic reviews and their escalation, supervision deadlines, cross-border cooperation, judicial stages."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command

from conftest import COUNTY_A, COUNTY_B
from homeward.audit.models import AuditAction, AuditOutcome
from homeward.cases import selectors, services
from homeward.cases.models import (
    CaseReview,
    CooperationStatus,
    JudicialStage,
    RepatriationStep,
    SupervisionStatus,
    TaskStatus,
)
from homeward.notifications.models import Notice

pytestmark = pytest.mark.django_db


def tick(clock, when):
    clock.move_to(when)
    call_command("cases_tick", stdout=open("/dev/null", "w"))  # noqa: SIM115


def test_reviews_fall_due_then_escalate_level_by_level(cast, child_case, clock):
    case = child_case()  # registered 6 January: first review due 5 February
    review = case.reviews.get()
    assert review.assignee == cast.leader_a and review.due_on == date(2026, 2, 5)
    tick(clock, "2026-02-04 09:00 +0800")
    assert not Notice.objects.filter(kind="case_review").exists()
    tick(clock, "2026-02-05 09:00 +0800")
    assert Notice.objects.filter(kind="case_review", recipient=cast.leader_a).count() == 1
    tick(clock, "2026-02-05 18:00 +0800")  # idempotent the same day
    assert Notice.objects.filter(kind="case_review", recipient=cast.leader_a).count() == 1
    review.refresh_from_db()
    assert review.escalation_level == 0

    tick(
        clock, "2026-02-06 09:00 +0800"
    )  # missed: escalates to the level above (the province: no city bureau here)
    review.refresh_from_db()
    assert (review.escalation_level, review.escalated_to) == (1, "510000")
    assert Notice.objects.filter(kind="case_review_escalated", recipient=cast.command_province).count() == 1
    assert review in selectors.reviews_due_for(cast.command_province)
    tick(clock, "2026-02-07 09:00 +0800")
    assert Notice.objects.filter(kind="case_review_escalated").count() == 1

    services.review_complete(actor=cast.leader_a, review_id=review.pk, note="侦查进展：锁定两名嫌疑人")
    review.refresh_from_db()
    assert review.status == TaskStatus.DONE
    following = CaseReview.objects.get(case=case, status=TaskStatus.OPEN)
    assert following.due_on == date(2026, 3, 9)


def test_escalation_climbs_to_national_when_still_missed(cast, child_case, clock, make_user, personas):
    from homeward.accounts.services import agency_create

    ministry = agency_create(
        actor=None, name="公安部", type="public_security", division_code="000000", is_national=True
    )
    national = make_user("command_national", ministry, ["command_centre"])
    case = child_case()
    tick(clock, "2026-02-06 09:00 +0800")
    tick(clock, "2026-02-13 09:00 +0800")
    review = case.reviews.get()
    assert (review.escalation_level, review.escalated_to) == (2, "000000")
    assert Notice.objects.filter(kind="case_review_escalated", recipient=national).exists()


def test_tick_creates_missing_reviews_and_not_for_solved_cases(cast, child_case, clock):
    open_case = child_case()
    solved = child_case()
    services.case_solve(actor=cast.leader_a, case_id=solved.pk, solved_on=date(2026, 1, 30))
    CaseReview.objects.filter(case=open_case).delete()
    tick(clock, "2026-02-02 09:00 +0800")
    assert CaseReview.objects.filter(case=open_case, status=TaskStatus.OPEN).count() == 1
    assert not CaseReview.objects.filter(case=solved, status=TaskStatus.OPEN).exists()


def test_only_leader_or_higher_holds_the_review(cast, child_case):
    case = child_case()
    review = case.reviews.get()
    with pytest.raises(PermissionDenied):
        services.review_complete(actor=cast.p.investigator_a, review_id=review.pk, note="x")
    with pytest.raises(ValidationError):
        services.review_complete(actor=cast.leader_a, review_id=review.pk, note=" ")


def test_supervision_turns_overdue_when_the_clock_passes_the_deadline(cast, child_case, clock, audit_rows):
    case = child_case()
    with audit_rows() as rows:
        supervision = services.supervision_list(
            actor=cast.command_province, case_id=case.pk, deadline=date(2026, 3, 1), requirements="30日内破案"
        )
    assert [(e.action, e.object_type) for e in rows.new] == [(AuditAction.CREATE, "cases.supervision")]
    assert Notice.objects.filter(kind="supervision", recipient=cast.leader_a).exists()
    assert not selectors.is_overdue(supervision)
    services.supervision_report_file(
        actor=cast.leader_a, supervision_id=supervision.pk, text="已抓获一名嫌疑人"
    )
    assert Notice.objects.filter(kind="supervision_report", recipient=cast.command_province).exists()
    tick(clock, "2026-03-01 20:00 +0800")
    supervision.refresh_from_db()
    assert not selectors.is_overdue(supervision) and supervision.overdue_since is None
    tick(clock, "2026-03-02 08:00 +0800")
    supervision.refresh_from_db()
    assert selectors.is_overdue(supervision) and supervision.overdue_since == date(2026, 3, 2)
    assert Notice.objects.filter(kind="supervision_overdue", recipient=cast.command_province).count() == 1
    tick(clock, "2026-03-03 08:00 +0800")
    assert Notice.objects.filter(kind="supervision_overdue", recipient=cast.command_province).count() == 1
    with pytest.raises(ValidationError):
        services.supervision_lift(actor=cast.command_province, supervision_id=supervision.pk, reason="")
    services.supervision_lift(actor=cast.command_province, supervision_id=supervision.pk, reason="案件已破")
    supervision.refresh_from_db()
    assert supervision.status == SupervisionStatus.LIFTED and not selectors.is_overdue(supervision)


def test_region_supervision_and_who_may_list(cast, audit_rows):
    with audit_rows() as rows, pytest.raises(PermissionDenied):
        services.supervision_list(
            actor=cast.leader_a, region=COUNTY_A, deadline=date(2026, 4, 1), requirements="x"
        )
    assert [(e.action, e.outcome) for e in rows.new] == [(AuditAction.PERMISSION_DENIED, AuditOutcome.DENIED)]
    for kwargs, field in (
        ({"region": "530102"}, "region"),  # another province
        ({"region": "510000"}, "region"),  # the supervisor's own level
        ({"region": "519999"}, "region"),
        ({"region": COUNTY_B, "deadline": date(2026, 1, 1)}, "deadline"),
        ({"region": COUNTY_B, "requirements": ""}, "requirements"),
        ({}, "case_id"),
    ):
        values: dict[str, Any] = {"deadline": date(2026, 4, 1), "requirements": "整治", **kwargs}
        with pytest.raises(ValidationError) as exc:
            services.supervision_list(actor=cast.command_province, **values)
        assert field in exc.value.message_dict
    supervision = services.supervision_list(
        actor=cast.command_province,
        region=COUNTY_B,
        deadline=date(2026, 4, 1),
        requirements="整治拐卖高发区域",
    )
    assert supervision.jurisdiction == COUNTY_B
    assert supervision in selectors.supervision_board(actor=cast.leader_b)
    assert supervision not in selectors.supervision_board(actor=cast.leader_a)
    assert supervision in selectors.supervision_board(actor=cast.command_province)
    with pytest.raises(Exception) as not_found:
        services.supervision_report_file(actor=cast.leader_a, supervision_id=supervision.pk, text="x")
    assert not_found.typename == "Http404"


def cross_border_case(cast, child_case):
    case = child_case(cross_border=True, countries=["VN", "mm"])
    assert case.countries == ["MM", "VN"]
    return case


def test_cross_border_request_flow(cast, child_case, audit_rows):
    case = cross_border_case(cast, child_case)
    with pytest.raises(ValidationError):  # not a country of the case
        services.cooperation_request_create(
            actor=cast.p.investigator_a,
            case_id=case.pk,
            channel="interpol",
            country="TH",
            counterpart="x",
            subject="x",
            body="x",
        )
    with audit_rows() as rows:
        request = services.cooperation_request_create(
            actor=cast.p.investigator_a,
            case_id=case.pk,
            channel="liaison",
            country="VN",
            counterpart="越南公安部驻华联络官",
            subject="协查被拐妇女身份",
            body="请协助核实身份并安排接收。",
        )
    assert len(rows.new) == 1 and request.status == CooperationStatus.DRAFT
    with pytest.raises(ValidationError):  # a draft has no reply
        services.cooperation_reply_add(
            actor=cast.p.investigator_a, request_id=request.pk, received_on=date(2026, 1, 20), text="x"
        )
    services.cooperation_request_status(
        actor=cast.p.investigator_a, request_id=request.pk, status="sent", on=date(2026, 1, 15)
    )
    with pytest.raises(ValidationError):  # reply before sending
        services.cooperation_reply_add(
            actor=cast.p.investigator_a, request_id=request.pk, received_on=date(2026, 1, 10), text="x"
        )
    services.cooperation_reply_add(
        actor=cast.p.investigator_a, request_id=request.pk, received_on=date(2026, 1, 25), text="身份已核实"
    )
    request.refresh_from_db()
    assert request.status == CooperationStatus.ANSWERED
    with pytest.raises(ValidationError):
        services.cooperation_request_status(
            actor=cast.p.investigator_a, request_id=request.pk, status="sent", on=date(2026, 1, 26)
        )
    services.cooperation_request_status(
        actor=cast.p.investigator_a, request_id=request.pk, status="closed", on=date(2026, 1, 30)
    )
    with pytest.raises(ValidationError):
        services.cooperation_request_status(
            actor=cast.p.investigator_a, request_id=request.pk, status="acknowledged", on=date(2026, 1, 31)
        )
    with pytest.raises(ValidationError):  # cannot drop a country that has requests
        services.cross_border_set(
            actor=cast.p.investigator_a, case_id=case.pk, cross_border=True, countries=["MM"]
        )
    with pytest.raises(Exception) as exc:
        services.cooperation_request_status(
            actor=cast.p.investigator_b, request_id=request.pk, status="closed", on=date(2026, 1, 30)
        )
    assert exc.typename == "Http404"


def test_request_needs_a_cross_border_case(cast, child_case):
    case = child_case()
    with pytest.raises(ValidationError):
        services.cooperation_request_create(
            actor=cast.p.investigator_a,
            case_id=case.pk,
            channel="embassy",
            country="VN",
            counterpart="x",
            subject="x",
            body="x",
        )


def test_repatriation_track_in_order(cast, child_case, person_in):
    case = cross_border_case(cast, child_case)
    person = person_in(cast.p.investigator_a, COUNTY_A, name="阮氏花")
    victim = services.case_person_add(
        actor=cast.p.investigator_a, case_id=case.pk, role="victim", person_id=person.pk, is_child=False
    )
    record = services.repatriation_record
    actor = cast.p.investigator_a
    with pytest.raises(ValidationError):
        record(actor=actor, case_person_id=victim.pk, step="identity", on=date(2026, 1, 20), confirmed_by="x")
    with pytest.raises(ValidationError):
        record(actor=actor, case_person_id=victim.pk, step="started", nationality="CN")
    record(actor=actor, case_person_id=victim.pk, step="started", nationality="vn")
    with pytest.raises(ValidationError):  # skipping a step
        record(
            actor=actor,
            case_person_id=victim.pk,
            step="documents",
            on=date(2026, 1, 20),
            document_kind="旅行证",
        )
    record(
        actor=actor,
        case_person_id=victim.pk,
        step="identity",
        on=date(2026, 1, 20),
        confirmed_by="越南驻华大使馆",
    )
    with pytest.raises(ValidationError):  # documents before identity confirmation
        record(
            actor=actor,
            case_person_id=victim.pk,
            step="documents",
            on=date(2026, 1, 19),
            document_kind="旅行证",
        )
    record(
        actor=actor, case_person_id=victim.pk, step="documents", on=date(2026, 1, 22), document_kind="旅行证"
    )
    record(
        actor=actor,
        case_person_id=victim.pk,
        step="scheduled",
        on=date(2026, 2, 10),
        place="河口口岸",
        organisation="老街省公安厅",
    )
    with pytest.raises(ValidationError):  # the handover has not happened yet
        record(actor=actor, case_person_id=victim.pk, step="handed_over", on=date(2026, 2, 10))
    track = victim.repatriation
    track.refresh_from_db()
    assert track.step == RepatriationStep.SCHEDULED and track.nationality == "VN"


def test_judicial_stages_and_sentences(cast, child_case, person_in):
    case = child_case()
    suspect = services.case_person_add(
        actor=cast.p.investigator_a,
        case_id=case.pk,
        role="suspect",
        person_id=person_in(cast.p.investigator_a, COUNTY_A, name="张三").pk,
    )
    actor = cast.p.investigator_a
    with pytest.raises(ValidationError):  # not solved yet
        services.judicial_advance(actor=actor, case_id=case.pk, stage="transferred", on=date(2026, 1, 25))
    services.case_solve(actor=actor, case_id=case.pk, solved_on=date(2026, 1, 20))
    with pytest.raises(ValidationError):  # skipping the transfer
        services.judicial_advance(actor=actor, case_id=case.pk, stage="indicted", on=date(2026, 1, 25))
    with pytest.raises(ValidationError):  # before it was solved
        services.judicial_advance(actor=actor, case_id=case.pk, stage="transferred", on=date(2026, 1, 19))
    services.judicial_advance(actor=actor, case_id=case.pk, stage="transferred", on=date(2026, 1, 22))
    with pytest.raises(ValidationError):
        services.sentence_record(
            actor=actor,
            case_person_id=suspect.pk,
            court="x",
            judged_on=date(2026, 1, 30),
            offence="trafficking_children",
            penalty="fixed_term",
            months=120,
        )
    services.judicial_advance(actor=actor, case_id=case.pk, stage="indicted", on=date(2026, 1, 25))
    for bad in (
        {"penalty": "fixed_term", "months": None},
        {"penalty": "life", "months": 12},
        {"penalty": "hanging"},
    ):
        with pytest.raises(ValidationError):
            services.sentence_record(
                actor=actor,
                case_person_id=suspect.pk,
                court="成都市中级人民法院",
                judged_on=date(2026, 1, 30),
                offence="trafficking_children",
                **({"months": None} | bad),
            )
    services.sentence_record(
        actor=actor,
        case_person_id=suspect.pk,
        court="成都市中级人民法院",
        judged_on=date(2026, 1, 30),
        offence="trafficking_children",
        penalty="fixed_term",
        months=120,
        fine_yuan=50000,
    )
    case.refresh_from_db()
    assert case.judicial_stage == JudicialStage.JUDGED and case.judged_on == date(2026, 1, 30)
    stats = selectors.stage_statistics(actor=cast.p.provincial)
    assert {str(label): n for label, n in stats["stages"]}[str(JudicialStage.JUDGED.label)] == 1
    assert stats["penalties"] == {"fixed_term": 1}


def test_indicators_and_victim_flows(cast, child_case, person_in):
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from homeward.cases import indicators

    tz = ZoneInfo("Asia/Shanghai")
    start, end = datetime(2026, 1, 1, tzinfo=tz), datetime(2027, 1, 1, tzinfo=tz)
    case = child_case()
    from homeward.cases.tests.test_cases_services import add_child_victim

    victim = add_child_victim(cast, case)
    services.victim_status_set(
        actor=cast.leader_a, case_person_id=victim.pk, status="rescued", on=date(2026, 1, 21)
    )
    services.case_solve(actor=cast.leader_a, case_id=case.pk, solved_on=date(2026, 1, 20))

    def count(name: str, prefix: str) -> int:
        # Straight through this app's module: the registry would also import other apps' modules.
        assert name in indicators.INDICATORS
        return len(indicators.events(name, prefix=prefix, start=start, end=end))

    assert count("cases_registered", "51") == 1
    assert count("cases_registered", "53") == 0
    assert count("cases_registered_trafficking_children", "") == 1
    assert count("cases_registered_forced_labour", "") == 0
    assert count("cases_solved", "510107") == 1
    assert count("victims_rescued", "51") == count("child_victims_rescued", "") == 1
    assert count("cases_stage_judged", "") == 0
    assert (
        indicators.events("cases_solved", prefix="", start=start, end=datetime(2026, 1, 20, tzinfo=tz)) == []
    )
    assert indicators.victim_flows(prefix="53", start=start, end=end) == [(COUNTY_A, "530102", "2026")]
    assert indicators.victim_flows(prefix="44", start=start, end=end) == []
    assert indicators.victim_flows(prefix="", start=datetime(2025, 1, 1, tzinfo=tz), end=start) == []

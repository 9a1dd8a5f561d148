"""Registering cases, the case group under one leader, closing rules, people on cases, log and links."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from conftest import COUNTY_A, COUNTY_B
from homeward.audit.models import AuditAction, AuditOutcome
from homeward.cases import selectors, services
from homeward.cases.models import (
    Case,
    CaseDuty,
    CaseEvent,
    CaseGroupMember,
    CaseLink,
    CasePerson,
    CaseStatus,
    DutyKind,
    EventKind,
    VictimStatus,
)
from homeward.cases.services import CaseData, case_register
from homeward.people.models import NameKind, Sex
from homeward.people.services import PersonData

pytestmark = pytest.mark.django_db


def data(**overrides):
    values: dict[str, Any] = {
        "case_type": "trafficking_children",
        "summary": "男童被拐",
        "jurisdiction": COUNTY_A,
        "reported_on": date(2026, 1, 5),
        "registered_on": date(2026, 1, 6),
        "leader": "leader_a",
    }
    values.update(overrides)
    return CaseData(**values)


def test_child_case_registers_with_group_duties_review_and_one_audit_row(cast, audit_rows):
    with audit_rows() as rows:
        case = case_register(actor=cast.p.investigator_a, data=data(members=["inv_b"]))
    assert [(e.action, e.object_id) for e in rows.new] == [(AuditAction.CREATE, str(case.pk))]
    assert case.number == "510107-2026-00001" and case.status == CaseStatus.OPEN
    assert selectors.leader_of(case) == cast.leader_a
    assert {m.user.username for m in selectors.case_members(case)} == {"leader_a", "inv_b"}
    assert sorted(CaseDuty.objects.filter(case=case).values_list("kind", flat=True)) == sorted(
        DutyKind.values
    )
    assert case.reviews.get().due_on == date(2026, 2, 5)
    assert [e.kind for e in selectors.case_timeline(case)] == [EventKind.GROUP_FORMED, EventKind.REGISTERED]
    second = case_register(actor=cast.p.investigator_a, data=data())
    assert second.number == "510107-2026-00002"


@pytest.mark.parametrize(
    "leader,message",
    [
        ("", "needs a case group"),
        ("inv_a", "case-leader role"),  # an investigator, not a case leader
        ("leader_b", "jurisdiction over the case"),  # a case leader of another county
        ("nobody", "No active user"),
        ("caseworker_a", "case-leader role"),
    ],
)
def test_child_case_without_qualified_leader_is_refused(cast, leader, message):
    with pytest.raises(ValidationError) as exc:
        case_register(actor=cast.p.investigator_a, data=data(leader=leader))
    assert message in " ".join(exc.value.message_dict["leader"])
    assert not Case.objects.exists()


def test_leader_at_township_level_is_refused(cast, monkeypatch):
    monkeypatch.setattr(services, "LEADER_LEVELS", set())  # as if the leader's agency sat below county level
    with pytest.raises(ValidationError) as exc:
        case_register(actor=cast.p.investigator_a, data=data())
    assert "county level or higher" in str(exc.value)


def test_leader_who_is_not_police_is_refused(cast, make_user):
    from homeward.accounts.models import User

    civil_leader = make_user("civil_leader", cast.p.civil_a, ["caseworker"])
    User.objects.filter(pk=civil_leader.pk).update(roles=["case_leader"])
    with pytest.raises(ValidationError) as exc:
        case_register(actor=cast.p.investigator_a, data=data(leader="civil_leader"))
    assert "public security" in str(exc.value)


def test_provincial_case_leader_may_lead_a_county_case(cast, make_user):
    make_user("leader_prov", cast.p.police_province, ["case_leader"])
    case = case_register(actor=cast.p.investigator_a, data=data(leader="leader_prov"))
    assert selectors.leader_of(case).username == "leader_prov"


def test_other_case_types_may_register_without_group(cast):
    case = case_register(actor=cast.p.investigator_a, data=data(case_type="forced_labour", leader=""))
    assert not hasattr(case, "group") or case.group is None
    assert not CaseDuty.objects.filter(case=case).exists()


@pytest.mark.parametrize(
    "overrides,field",
    [
        ({"case_type": "kidnapping"}, "case_type"),
        ({"summary": "  "}, "summary"),
        ({"summary": "x" * 4001}, "summary"),
        ({"jurisdiction": "519999"}, "jurisdiction"),
        ({"jurisdiction": COUNTY_B}, "jurisdiction"),
        ({"reported_on": date(2027, 1, 1)}, "reported_on"),
        ({"reported_on": None}, "reported_on"),
        ({"registered_on": date(2026, 1, 1)}, "registered_on"),
        ({"cross_border": True, "countries": []}, "countries"),
        ({"cross_border": True, "countries": ["XX"]}, "countries"),
        ({"cross_border": True, "countries": ["CN"]}, "countries"),
        ({"cross_border": False, "countries": ["VN"]}, "cross_border"),
        ({"members": ["caseworker_a"]}, "members"),
    ],
)
def test_bad_registration_input_names_the_field(cast, overrides, field):
    with pytest.raises(ValidationError) as exc:
        case_register(actor=cast.p.investigator_a, data=data(**overrides))
    assert field in exc.value.message_dict
    assert not Case.objects.exists()


def test_roles_without_case_work_cannot_register_and_it_is_audited(cast, audit_rows):
    with audit_rows() as rows, pytest.raises(PermissionDenied):
        case_register(actor=cast.p.caseworker_a, data=data())
    assert [(e.action, e.outcome) for e in rows.new] == [(AuditAction.PERMISSION_DENIED, AuditOutcome.DENIED)]
    assert not Case.objects.exists()


def add_child_victim(cast, case, actor=None):
    return services.case_person_add(
        actor=actor or cast.p.investigator_a,
        case_id=case.pk,
        role="victim",
        new_person=PersonData(
            jurisdiction=COUNTY_A,
            sex=Sex.MALE,
            birth_date=date(2019, 4, 1),
            names=[("陈明明", NameKind.LEGAL)],
        ),
        taken_on=date(2026, 1, 4),
        taken_from=COUNTY_A,
        sold_to="530102",
    )


def test_closing_or_dissolving_unsolved_case_is_refused_with_reason_and_audited(cast, child_case, audit_rows):
    case = child_case()
    victim = add_child_victim(cast, case)
    for attempt, event_kind in (
        (
            lambda: services.case_close(actor=cast.leader_a, case_id=case.pk, reason="结案"),
            EventKind.CLOSE_REFUSED,
        ),
        (lambda: services.group_dissolve(actor=cast.leader_a, case_id=case.pk), EventKind.DISSOLVE_REFUSED),
    ):
        with audit_rows() as rows, pytest.raises(ValidationError) as exc:
            attempt()
        assert "not solved" in str(exc.value) and "1 child victim" in str(exc.value)
        assert [(e.action, e.outcome, e.object_id) for e in rows.new] == [
            (AuditAction.UPDATE, AuditOutcome.DENIED, str(case.pk))
        ]
        assert "not solved" in rows.new[0].detail["reason"]
        assert CaseEvent.objects.filter(case=case, kind=event_kind).count() == 1
    case.refresh_from_db()
    assert case.status == CaseStatus.OPEN and case.group.dissolved_at is None

    services.case_solve(actor=cast.leader_a, case_id=case.pk, solved_on=date(2026, 1, 20), note="抓获3人")
    with pytest.raises(ValidationError) as exc:
        services.case_close(actor=cast.leader_a, case_id=case.pk, reason="结案")
    assert "not solved" not in str(exc.value) and "child victim" in str(exc.value)

    services.victim_status_set(
        actor=cast.leader_a, case_person_id=victim.pk, status="rescued", on=date(2026, 1, 21)
    )
    duties = dict(CaseDuty.objects.filter(case=case).values_list("kind", "done_at"))
    assert duties[DutyKind.SOLVE] and duties[DutyKind.RESCUE] and not duties[DutyKind.COMFORT]
    with audit_rows() as rows:
        services.group_dissolve(actor=cast.leader_a, case_id=case.pk)
    assert [(e.action, e.outcome) for e in rows.new] == [(AuditAction.UPDATE, AuditOutcome.SUCCESS)]
    closed = services.case_close(actor=cast.leader_a, case_id=case.pk, reason="结案")
    assert closed.status == CaseStatus.CLOSED and closed.closed_on == date(2026, 2, 1)


def test_close_by_someone_else_is_forbidden(cast, child_case):
    case = child_case()
    services.case_solve(actor=cast.p.investigator_a, case_id=case.pk, solved_on=date(2026, 1, 20))
    with pytest.raises(PermissionDenied):
        services.case_close(actor=cast.p.investigator_a, case_id=case.pk, reason="x")
    services.case_close(actor=cast.command_a, case_id=case.pk, reason="结案")


def test_group_member_from_another_county_sees_and_works_on_the_case(cast, child_case, audit_rows):
    case = child_case()
    assert not selectors.can_see_case(cast.p.investigator_b, case)
    with audit_rows() as rows:
        services.group_member_add(actor=cast.leader_a, case_id=case.pk, username="inv_b")
    assert [(e.action, e.purpose) for e in rows.new] == [(AuditAction.GRANT, "case group membership")]
    got = selectors.case_get(actor=cast.p.investigator_b, case_id=case.pk)
    assert got == case
    assert case in selectors.case_list(actor=cast.p.investigator_b)
    services.entry_add(actor=cast.p.investigator_b, case_id=case.pk, kind="interview", text="询问证人王某")
    member = CaseGroupMember.objects.get(user=cast.p.investigator_b)
    with audit_rows() as rows:
        services.group_member_remove(actor=cast.leader_a, case_id=case.pk, user_id=member.user_id)
    assert [e.action for e in rows.new] == [AuditAction.REVOKE]
    with pytest.raises(Exception) as exc:
        selectors.case_get(actor=cast.p.investigator_b, case_id=case.pk)
    assert exc.typename == "Http404"


def test_non_member_of_another_county_gets_404_and_is_audited(cast, child_case, audit_rows):
    from django.http import Http404

    case = child_case()
    with audit_rows() as rows, pytest.raises(Http404):
        selectors.case_get(actor=cast.p.investigator_other, case_id=case.pk)
    assert [(e.outcome, e.object_id) for e in rows.new] == [(AuditOutcome.DENIED, str(case.pk))]
    with audit_rows() as rows, pytest.raises(Http404):
        services.entry_add(actor=cast.p.investigator_b, case_id=case.pk, kind="action", text="x")
    assert [(e.action, e.outcome) for e in rows.new] == [(AuditAction.UPDATE, AuditOutcome.DENIED)]
    assert not case.entries.exists()


def test_member_must_be_police_and_only_leader_manages(cast, child_case):
    case = child_case()
    with pytest.raises(ValidationError):
        services.group_member_add(actor=cast.leader_a, case_id=case.pk, username="caseworker_a")
    with pytest.raises(PermissionDenied):
        services.group_member_add(actor=cast.p.investigator_a, case_id=case.pk, username="inv_b")
    services.group_member_add(actor=cast.leader_a, case_id=case.pk, username="inv_b")
    with pytest.raises(ValidationError):
        services.group_member_add(actor=cast.leader_a, case_id=case.pk, username="inv_b")


def test_leader_change_keeps_a_qualified_leader(cast, child_case, make_user):
    case = child_case()
    with pytest.raises(ValidationError):
        services.group_leader_change(actor=cast.leader_a, case_id=case.pk, username="inv_a", reason="调整")
    second = make_user("leader_a2", cast.p.police_a, ["case_leader"])
    services.group_leader_change(actor=cast.leader_a, case_id=case.pk, username="leader_a2", reason="调整")
    assert selectors.leader_of(case) == second
    assert case.reviews.get().assignee == second
    roles = dict(CaseGroupMember.objects.filter(group__case=case).values_list("user__username", "role"))
    assert roles == {"leader_a": "member", "leader_a2": "leader"}


def test_person_on_two_cases_shows_both_only_to_who_may_see_both(cast, child_case, person_in):
    from datetime import timedelta

    from homeward.access.services import grant_create

    person = person_in(cast.p.investigator_a, COUNTY_A, name="张三")
    case_a = child_case()
    case_b = case_register(
        actor=cast.p.investigator_b, data=data(jurisdiction=COUNTY_B, leader="leader_b", case_type="buying")
    )
    services.case_person_add(
        actor=cast.p.investigator_a, case_id=case_a.pk, role="suspect", person_id=person.pk
    )
    grant_create(
        actor=cast.p.investigator_a,
        obj=person,
        grantee=cast.p.investigator_b,
        duration=timedelta(days=1),
        reason="并案侦查",
    )
    services.case_person_add(
        actor=cast.p.investigator_b, case_id=case_b.pk, role="buyer", person_id=person.pk
    )

    def seen(user):
        return {(r.case.number, r.role) for r in selectors.person_case_roles(actor=user, person_id=person.pk)}

    assert seen(cast.p.provincial) == {(case_a.number, "suspect"), (case_b.number, "buyer")}
    assert seen(cast.p.investigator_a) == {(case_a.number, "suspect")}
    assert seen(cast.p.investigator_b) == {(case_b.number, "buyer")}
    from django.http import Http404

    with pytest.raises(Http404):
        selectors.person_case_roles(actor=cast.p.investigator_other, person_id=person.pk)


def test_adding_a_person_the_actor_cannot_see_is_404(cast, child_case, person_in):
    from django.http import Http404

    stranger = person_in(cast.p.investigator_b, COUNTY_B, name="李四")
    case = child_case()
    with pytest.raises(Http404):
        services.case_person_add(
            actor=cast.p.investigator_a, case_id=case.pk, role="witness", person_id=stranger.pk
        )
    assert not CasePerson.objects.exists()


@pytest.mark.parametrize(
    "kwargs,field",
    [
        ({"role": "accomplice"}, "role"),
        ({"role": "witness", "taken_from": COUNTY_A}, "role"),
        ({"role": "victim", "taken_from": "999999"}, "taken_from"),
        ({"role": "victim", "taken_on": date(2030, 1, 1)}, "taken_on"),
        ({"role": "victim", "note": "x" * 1001}, "note"),
    ],
)
def test_bad_person_input(cast, child_case, person_in, kwargs, field):
    person = person_in(cast.p.investigator_a, COUNTY_A)
    case = child_case()
    with pytest.raises(ValidationError) as exc:
        services.case_person_add(actor=cast.p.investigator_a, case_id=case.pk, person_id=person.pk, **kwargs)
    assert field in exc.value.message_dict
    assert not CasePerson.objects.exists()


def test_new_person_with_bad_phone_writes_nothing(cast, child_case):
    case = child_case()
    with pytest.raises(ValidationError):
        services.case_person_add(
            actor=cast.p.investigator_a,
            case_id=case.pk,
            role="suspect",
            new_person=PersonData(jurisdiction=COUNTY_A, names=[("王五", NameKind.LEGAL)], phones=["123"]),
        )
    assert not CasePerson.objects.exists()
    from homeward.people.selectors import person_list

    assert list(person_list(actor=cast.p.investigator_a)) == []


def test_suspects_vehicles_and_gang_links(cast, child_case, person_in):
    case = child_case()
    a = services.case_person_add(
        actor=cast.p.investigator_a,
        case_id=case.pk,
        role="suspect",
        person_id=person_in(cast.p.investigator_a, COUNTY_A, name="张三").pk,
    )
    b = services.case_person_add(
        actor=cast.p.investigator_a,
        case_id=case.pk,
        role="suspect",
        person_id=person_in(cast.p.investigator_a, COUNTY_A, name="李四", phone="13900000000").pk,
    )
    vehicle = services.vehicle_add(
        actor=cast.p.investigator_a, case_person_id=a.pk, plate="川a 12345", description="白色面包车"
    )
    assert vehicle.plate == "川A12345"
    for plate in ("ABC", "1234567", "川A1234$"):
        with pytest.raises(ValidationError):
            services.vehicle_add(actor=cast.p.investigator_a, case_person_id=a.pk, plate=plate)
    services.suspect_link_add(
        actor=cast.p.investigator_a, case_id=case.pk, source_id=a.pk, target_id=b.pk, relation="organiser"
    )
    with pytest.raises(ValidationError):
        services.suspect_link_add(
            actor=cast.p.investigator_a,
            case_id=case.pk,
            source_id=a.pk,
            target_id=a.pk,
            relation="accomplice",
        )
    with pytest.raises(ValidationError):
        services.suspect_link_add(
            actor=cast.p.investigator_a, case_id=case.pk, source_id=a.pk, target_id=b.pk, relation="boss"
        )


def test_log_entry_with_attachment_and_bad_files(cast, child_case):
    from django.core.files.uploadedfile import SimpleUploadedFile

    case = child_case()
    pdf = SimpleUploadedFile("笔录.pdf", b"%PDF-1.4\n%test\n", content_type="application/pdf")
    entry = services.entry_add(
        actor=cast.p.investigator_a, case_id=case.pk, kind="evidence", text="调取监控", files=[pdf]
    )
    attachment = entry.attachments.get()
    assert attachment.content_type == "application/pdf" and attachment.name == "笔录.pdf"
    bad = SimpleUploadedFile("x.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    with pytest.raises(ValidationError):
        services.entry_add(
            actor=cast.p.investigator_a, case_id=case.pk, kind="evidence", text="x", files=[bad]
        )
    with pytest.raises(ValidationError):
        services.entry_add(actor=cast.p.investigator_a, case_id=case.pk, kind="gossip", text="x")
    assert case.entries.count() == 1


def test_dna_match_link_keeps_only_the_examiners_conclusion(cast, child_case, monkeypatch):
    monkeypatch.setattr(services, "_owner_selector", lambda kind: None)  # as before the other apps exist
    case = child_case()
    with pytest.raises(ValidationError):
        services.case_link_add(actor=cast.p.investigator_a, case_id=case.pk, kind="dna_match", target_id="17")
    link = services.case_link_add(
        actor=cast.p.investigator_a,
        case_id=case.pk,
        kind="dna_match",
        target_id="17",
        confirmed_by="dna_a",
        confirmed_on=date(2026, 1, 30),
    )
    assert link.confirmed_by == "dna_a" and not link.verified
    services.case_link_add(actor=cast.p.investigator_a, case_id=case.pk, kind="tip", target_id="T-1")
    with pytest.raises(ValidationError):
        services.case_link_add(actor=cast.p.investigator_a, case_id=case.pk, kind="tip", target_id="T-1")
    with pytest.raises(ValidationError):
        services.case_link_add(actor=cast.p.investigator_a, case_id=case.pk, kind="rumour", target_id="1")
    assert CaseLink.objects.count() == 2


def test_link_is_checked_through_the_owning_apps_selector_when_it_exists(cast, child_case, monkeypatch):
    from django.http import Http404

    case = child_case()
    calls = []

    def alert_get(actor, alert_id):
        calls.append(alert_id)
        if alert_id != "5":
            raise Http404
        return object()

    monkeypatch.setattr(services, "_owner_selector", lambda kind: alert_get if kind == "alert" else None)
    with pytest.raises(ValidationError):
        services.case_link_add(actor=cast.p.investigator_a, case_id=case.pk, kind="alert", target_id="6")
    link = services.case_link_add(actor=cast.p.investigator_a, case_id=case.pk, kind="alert", target_id="5")
    assert link.verified and calls == ["6", "5"]


def test_comfort_duty_is_recorded_by_the_leader(cast, child_case):
    case = child_case()
    with pytest.raises(PermissionDenied):
        services.duty_complete(actor=cast.p.investigator_a, case_id=case.pk, kind="comfort", note="家访")
    with pytest.raises(ValidationError):
        services.duty_complete(actor=cast.leader_a, case_id=case.pk, kind="comfort", note="")
    with pytest.raises(ValidationError):
        services.duty_complete(actor=cast.leader_a, case_id=case.pk, kind="solve", note="x")
    duty = services.duty_complete(
        actor=cast.leader_a, case_id=case.pk, kind="comfort", note="走访家属，送去慰问金"
    )
    assert duty.done_by == cast.leader_a


def test_victim_status_input(cast, child_case):
    case = child_case()
    victim = add_child_victim(cast, case)
    with pytest.raises(ValidationError):
        services.victim_status_set(
            actor=cast.leader_a, case_person_id=victim.pk, status="found", on=date(2026, 1, 20)
        )
    with pytest.raises(ValidationError):  # accounted for needs a note
        services.victim_status_set(
            actor=cast.leader_a, case_person_id=victim.pk, status="accounted", on=date(2026, 1, 20)
        )
    with pytest.raises(ValidationError):  # before the child was taken
        services.victim_status_set(
            actor=cast.leader_a, case_person_id=victim.pk, status="rescued", on=date(2026, 1, 1)
        )
    victim.refresh_from_db()
    assert victim.victim_status == VictimStatus.MISSING and victim.is_child


def test_confirmed_dna_match_from_the_dna_app_gives_examiner_and_date(cast, child_case, monkeypatch):
    from datetime import datetime
    from types import SimpleNamespace
    from zoneinfo import ZoneInfo

    match = SimpleNamespace(
        candidate_id=42,
        confirmed_by="dna_a",
        confirmed_at=datetime(2026, 1, 28, 15, tzinfo=ZoneInfo("Asia/Shanghai")),
    )
    fake = SimpleNamespace(confirmed_matches_for=lambda *, actor, purpose: [match])
    monkeypatch.setattr(
        services, "_optional_module", lambda name: fake if name == "homeward.dna.selectors" else None
    )
    case = child_case()
    with pytest.raises(ValidationError):
        services.case_link_add(actor=cast.p.investigator_a, case_id=case.pk, kind="dna_match", target_id="41")
    link = services.case_link_add(
        actor=cast.p.investigator_a, case_id=case.pk, kind="dna_match", target_id="42"
    )
    assert (link.confirmed_by, link.confirmed_on, link.verified) == ("dna_a", date(2026, 1, 28), True)

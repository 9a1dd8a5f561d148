from __future__ import annotations

from datetime import date
from typing import Any

import pytest
import time_machine

from homeward.care import services
from homeward.care.models import CareRecord, Consent, FollowUp, ReunionState, Stage
from homeward.people.models import Person

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _today() -> Any:
    with time_machine.travel("2026-11-20 10:00:00+08:00", tick=False):
        yield


def _consent(care: Any, record: Any, purpose: str = "placement") -> None:
    services.consent_record(
        actor=care.caseworker,
        record_id=record.pk,
        purpose=purpose,
        given_by="guardian",
        guardian_name="张监护",
    )


def test_list_and_detail_show_fields_per_role_and_audit(
    record_for: Any, care: Any, login: Any, client: Any, audit_rows: Any
) -> None:
    record = record_for()
    login(care.caseworker)
    page = client.get("/staff/care/").content.decode()
    assert f"/staff/care/{record.pk}/" in page and "李小花" in page
    with audit_rows() as rows:
        mine = client.get(f"/staff/care/{record.pk}/").content.decode()
    assert "beaten by the buyer" in mine and "nightmares" in mine
    assert [(r.action, r.object_id) for r in rows.new if r.action == "read"] == [("read", str(record.pk))]
    login(care.colleague)  # a supervisor in the same bureau: sees the record, not the sensitive notes
    theirs = client.get(f"/staff/care/{record.pk}/").content.decode()
    assert "beaten" not in theirs and "nightmares" not in theirs and "confidential" in theirs


def test_other_county_caseworker_and_police_get_404_or_403(
    record_for: Any, care: Any, login: Any, client: Any
) -> None:
    record = record_for()
    login(care.caseworker_b)
    for url in ("", "consent/", "placement/", "service/", "reunion/"):
        assert client.get(f"/staff/care/{record.pk}/{url}").status_code == 404
    assert client.get("/staff/care/999999/").status_code == 404
    assert "李小花" not in client.get("/staff/care/").content.decode()
    login(care.p.investigator_a)
    assert client.get(f"/staff/care/{record.pk}/").status_code == 403


def test_nav_entry_for_care_roles_only(care: Any, login: Any, client: Any) -> None:
    login(care.caseworker)
    assert 'href="/staff/care/"' in client.get("/staff/").content.decode()
    login(care.p.investigator_a)
    assert 'href="/staff/care/"' not in client.get("/staff/").content.decode()


def test_intake_creates_person_and_record_or_form_errors(
    care: Any, login: Any, client: Any, audit_rows: Any
) -> None:
    login(care.caseworker)
    before = Person.objects.count()
    bad = client.post(
        "/staff/care/new/",
        {
            "name": "王小草",
            "sex": "female",
            "nationality": "CN",
            "arrival": "teleported",
            "arrived_on": "2030-01-01",
        },
    )
    assert bad.status_code == 200 and "errors" in bad.content.decode()
    assert Person.objects.count() == before and not CareRecord.objects.exists()
    future = client.post(
        "/staff/care/new/",
        {
            "name": "王小草",
            "sex": "female",
            "birth_year": "2016",
            "nationality": "CN",
            "arrival": "found",
            "arrived_on": "2026-12-30",
        },
    )
    assert future.status_code == 200 and "future" in future.content.decode(), future.content.decode()[-3000:]
    assert Person.objects.count() == before  # the refused care record left no person behind
    ok = client.post(
        "/staff/care/new/",
        {
            "name": "王小草",
            "sex": "female",
            "birth_year": "2016",
            "nationality": "CN",
            "arrival": "found",
            "arrived_on": "2026-11-19",
            "needs": ["medical", "schooling"],
            "identity_unknown": "on",
            "psych_notes": "怕黑",
        },
    )
    record = CareRecord.objects.get()
    assert ok.status_code == 302 and ok["Location"] == f"/staff/care/{record.pk}/"
    assert record.identity_unknown and record.needs == ["medical", "schooling"]
    assert record.psych_notes == "怕黑"


def test_consent_page_guardian_rule_and_withdrawal(
    record_for: Any, care: Any, login: Any, client: Any
) -> None:
    record = record_for(born=date(2015, 6, 1))
    login(care.caseworker)
    url = f"/staff/care/{record.pk}/consent/"
    refused = client.post(url, {"purpose": "services", "given_by": "self", "given_on": "2026-11-20"})
    assert refused.status_code == 200 and "guardian" in refused.content.decode()
    assert not Consent.objects.exists()
    ok = client.post(
        url,
        {"purpose": "services", "given_by": "guardian", "guardian_name": "张监护", "given_on": "2026-11-20"},
    )
    assert ok.status_code == 302
    consent = Consent.objects.get()
    client.post(f"{url}{consent.pk}/withdraw/")
    consent.refresh_from_db()
    assert consent.withdrawn_on == date(2026, 11, 20)
    again = client.post(f"{url}{consent.pk}/withdraw/", follow=True)
    assert "already withdrawn" in again.content.decode()
    service = client.post(
        f"/staff/care/{record.pk}/service/",
        {"kind": "medical", "provider": "华西医院", "provided_on": "2026-11-20"},
    )
    assert service.status_code == 200 and "consent" in service.content.decode()  # withdrawn: no services


def test_placement_page_shows_capacity_and_refuses_when_full(
    record_for: Any, care: Any, login: Any, client: Any
) -> None:
    login(care.caseworker)
    records = [record_for(born=date(2014 - i, 1, 1)) for i in range(3)]
    for record in records:
        _consent(care, record)
    page = client.get(f"/staff/care/{records[0].pk}/placement/").content.decode()
    assert "武侯儿童福利院" in page and "2 of 2" in page
    for record in records[:2]:
        done = client.post(
            f"/staff/care/{record.pk}/placement/", {"institution": care.home.pk, "start_on": "2026-11-20"}
        )
        assert done.status_code == 302
    full = client.post(
        f"/staff/care/{records[2].pk}/placement/", {"institution": care.home.pk, "start_on": "2026-11-20"}
    )
    assert full.status_code == 200 and "full" in full.content.decode()
    assert CareRecord.objects.get(pk=records[2].pk).stage == Stage.RECEIVED
    junk = client.post(f"/staff/care/{records[2].pk}/placement/", {"institution": "abc", "start_on": "x"})
    assert junk.status_code == 200


def test_reunion_page_steps_and_buyer_family_refused(
    record_for: Any, care: Any, login: Any, client: Any, person_born: Any
) -> None:
    from homeward.cases.models import CasePerson, CaseRole

    record = record_for()
    _consent(care, record)
    services.placement_start(actor=care.caseworker, record_id=record.pk, institution_id=care.home.pk)
    buyer = person_born(care.p.investigator_a, date(1980, 1, 1), name="买家王")
    login(care.caseworker)
    url = f"/staff/care/{record.pk}/reunion/"
    assert "Start reunion" in client.get(url).content.decode()
    client.post(url, {"step": "start", "start-family_person_id": buyer.pk, "start-family_note": "DNA 比中"})
    record.refresh_from_db()
    assert record.stage == Stage.REUNION and record.reunion.family_person_id == buyer.pk
    CasePerson.objects.create(case=_a_case(care), person=buyer, role=CaseRole.BUYER)
    # The caseworker's assessment says the home is safe and the family not involved, but the case marks a buyer.
    client.post(url, {"step": "assess", "assess-home_safe": "yes", "assess-family_involved": "no"})
    page = client.get(url).content.decode()
    assert "never handed" in page and "Hand the child over" not in page
    refused = client.post(url, {"step": "handover"})
    assert refused.status_code == 200 and "never handed" in refused.content.decode()
    assert CareRecord.objects.get(pk=record.pk).stage == Stage.REUNION
    bad = client.post(url, {"step": "refuse", "refuse-reason": "", "refuse-institution": care.home.pk})
    assert bad.status_code == 200
    client.post(url, {"step": "refuse", "refuse-reason": "买方家庭", "refuse-institution": care.home.pk})
    record.refresh_from_db()
    assert record.stage == Stage.LONG_TERM and record.reunion.state == ReunionState.REFUSED
    assert client.post(url, {"step": "nonsense"}).status_code == 302


def _a_case(care: Any) -> Any:
    from homeward.cases.models import Case

    return Case.objects.create(
        jurisdiction="510107",
        agency=care.p.investigator_a.agency,
        number="A510107-2026-TEST",
        case_type="trafficking_children",
        summary="test",
        reported_on=date(2026, 11, 1),
        registered_on=date(2026, 11, 2),
    )


def test_reunion_page_safe_family_handover(record_for: Any, care: Any, login: Any, client: Any) -> None:
    record = record_for()
    login(care.caseworker)
    url = f"/staff/care/{record.pk}/reunion/"
    client.post(url, {"step": "start", "start-family_note": "DNA 比中，亲生父母"})
    missing = client.post(url, {"step": "assess", "assess-home_safe": "yes"})
    assert missing.status_code == 200 and "errors" in missing.content.decode()
    client.post(url, {"step": "assess", "assess-home_safe": "yes", "assess-family_involved": "no"})
    early = client.post(url, {"step": "handover"})
    assert "meeting" in early.content.decode()
    assert "Record the meeting" in client.get(url).content.decode()
    no_consent = client.post(url, {"step": "meet", "meet-met_on": "2026-11-20"})
    assert no_consent.status_code == 200 and "contact with the family" in no_consent.content.decode()
    _consent(care, record, "reunion")
    client.post(url, {"step": "meet", "meet-met_on": "2026-11-20"})
    assert client.post(url, {"step": "handover"}).status_code == 302
    record.refresh_from_db()
    assert record.stage == Stage.REUNITED and record.followups.exists()


def test_followup_lists_and_visit(record_for: Any, care: Any, login: Any, client: Any) -> None:
    record = record_for(born=date(1995, 1, 1), arrived_on=date(2026, 9, 1))
    services.consent_record(actor=care.caseworker, record_id=record.pk, purpose="placement", given_by="self")
    services.placement_start(
        actor=care.caseworker, record_id=record.pk, institution_id=care.home.pk, start_on=date(2026, 9, 10)
    )
    login(care.caseworker)
    page = client.get("/staff/care/followups/").content.decode()
    overdue, due = page.split('id="due"')
    assert "2026-10-10" in overdue and "2026-12-10" in due
    first = FollowUp.objects.filter(record=record).earliest("due_on")
    url = f"/staff/care/followups/{first.pk}/"
    assert client.post(url, {"notes": ""}).status_code == 200
    assert client.post(url, {"notes": "在校，状态稳定", "school_attending": "yes"}).status_code == 302
    first.refresh_from_db()
    assert first.done_on == date(2026, 11, 20) and first.school_attending is True
    login(care.caseworker_b)
    assert client.get(url).status_code == 404


def test_export_download_is_redacted_for_others(record_for: Any, care: Any, login: Any, client: Any) -> None:
    record_for()
    login(care.caseworker)
    own = client.get("/staff/care/export.csv")
    assert own["Content-Type"].startswith("text/csv") and "李小花" in own.content.decode()
    login(care.colleague)
    other = client.get("/staff/care/export.csv").content.decode()
    assert "李小花" not in other and "***" in other
    assert client.get("/staff/care/statistics/").status_code == 200


def test_household_task_page(record_for: Any, care: Any, login: Any, client: Any, settings: Any) -> None:
    from homeward.care.models import HouseholdTask

    settings.CARE_IDENTITY_PERIOD_DAYS = 30
    record = record_for(born=date(1995, 1, 1), arrived_on=date(2026, 9, 1))
    CareRecord.objects.filter(pk=record.pk).update(identity_unknown=True)
    services.consent_record(actor=care.caseworker, record_id=record.pk, purpose="placement", given_by="self")
    services.placement_start(
        actor=care.caseworker, record_id=record.pk, institution_id=care.home.pk, start_on=date(2026, 10, 1)
    )
    assert services.household_tasks_open() == 1
    task = HouseholdTask.objects.get()
    login(care.caseworker)
    assert "Application for household registration" in client.get("/staff/care/household/").content.decode()
    url = f"/staff/care/household/{task.pk}/"
    refused = client.post(url, {f"t{task.pk}-documents": ["photo"], f"t{task.pk}-done": "on"}, follow=True)
    assert "every document" in refused.content.decode()
    task.refresh_from_db()
    assert task.done_on is None
    client.post(url, {f"t{task.pk}-documents": ["photo", "application"]})
    task.refresh_from_db()
    assert [d["code"] for d in task.documents if d["done"]] == ["application", "photo"]


def test_pages_in_chinese(record_for: Any, care: Any, login: Any, client: Any, settings: Any) -> None:
    record = record_for()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    login(care.colleague)
    page = client.get(f"/staff/care/{record.pk}/").content.decode()
    assert "救助档案" in page and "保密" in page and "beaten" not in page
    assert "受害人救助" in client.get("/staff/care/").content.decode()
    login(care.caseworker)
    url = f"/staff/care/{record.pk}/reunion/"
    assert "开始团聚程序" in client.get(url).content.decode()


def test_share_gives_a_time_limited_grant_without_sensitive_notes(
    record_for: Any, care: Any, login: Any, client: Any
) -> None:
    record = record_for()
    login(care.caseworker)
    url = f"/staff/care/{record.pk}/share/"
    bad = client.post(url, {"grantee": "nobody", "days": "7", "reason": "transfer"})
    assert bad.status_code == 200 and "No active user" in bad.content.decode()
    assert client.post(url, {"grantee": "cw_b", "days": "400", "reason": "x"}).status_code == 200
    ok = client.post(url, {"grantee": "cw_b", "days": "7", "reason": "转至金牛区安置"})
    assert ok.status_code == 302
    login(care.caseworker_b)
    page = client.get(f"/staff/care/{record.pk}/")
    assert page.status_code == 200 and "beaten" not in page.content.decode()
    with time_machine.travel("2026-11-28 10:00:00+08:00", tick=False):
        login(care.caseworker_b)  # the idle session ended too
        assert client.get(f"/staff/care/{record.pk}/").status_code == 404  # the grant ran out
    services.consent_record(
        actor=care.caseworker,
        record_id=record.pk,
        purpose="placement",
        given_by="guardian",
        guardian_name="张",
    )
    services.placement_start(actor=care.caseworker, record_id=record.pk, institution_id=care.home.pk)
    login(care.carer)  # sees the record at her institution, but does not share it
    refused = client.post(url, {"grantee": "cw_b", "days": "7", "reason": "x"})
    assert refused.status_code == 200 and "supervisor" in refused.content.decode()

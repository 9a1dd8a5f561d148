"""The tracing hook, the periodic job (household tasks) and repatriation with the case's cross-border track."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.management import call_command

from homeward.care import services
from homeward.care.models import HouseholdTask, Stage

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _today() -> Any:
    with time_machine.travel("2026-11-20 10:00:00+08:00", tick=False):
        yield


def test_tracing_hook_starts_reunion_as_the_system_and_tells_the_caseworker(
    record_for: Any, care: Any, person_born: Any, audit_rows: Any, django_capture_on_commit_callbacks: Any
) -> None:
    from homeward.notifications.models import Notice

    record = record_for()
    parent = person_born(care.caseworker, date(1985, 3, 3), name="李父")
    with audit_rows() as rows, django_capture_on_commit_callbacks(execute=True):
        # exactly the call homeward.tracing.services._after_confirmation makes
        reunion = services.reunion_start(
            actor=None, person_id=record.person_id, family_person_id=parent.pk, tracing_match_id=42
        )
    assert reunion.family_person_id == parent.pk and reunion.tracing_match_id == "42"
    record.refresh_from_db()
    assert record.stage == Stage.REUNION
    assert [(r.actor_label, r.action) for r in rows.new] == [("tracing", "update")]
    assert Notice.objects.filter(recipient=care.caseworker, kind="care_reunion_started").exists()
    again = services.reunion_start(actor=None, person_id=record.person_id, tracing_match_id=42)
    assert again.pk == reunion.pk
    with pytest.raises(ValidationError):
        services.reunion_start(actor=None, person_id=parent.pk, tracing_match_id=43)  # no care record


def test_tracing_confirmation_reaches_care(record_for: Any, care: Any, monkeypatch: Any) -> None:
    """The tracing app looks the hook up by name: the function and its keywords must stay."""
    import inspect

    from homeward.tracing import services as tracing

    hook = tracing._optional("homeward.care.services", "reunion_start")
    assert hook is services.reunion_start
    assert {"actor", "person_id", "family_person_id", "tracing_match_id"} <= set(
        inspect.signature(hook).parameters
    )


def test_care_tick_opens_household_task_after_the_legal_period(
    record_for: Any, care: Any, settings: Any, audit_rows: Any
) -> None:
    settings.CARE_IDENTITY_PERIOD_DAYS = 60
    record = record_for(born=date(1995, 1, 1))
    known = record_for(born=date(1996, 1, 1))
    from homeward.care.models import CareRecord

    CareRecord.objects.filter(pk=record.pk).update(identity_unknown=True)
    for r in (record, known):
        services.consent_record(actor=care.caseworker, record_id=r.pk, purpose="placement", given_by="self")
        services.placement_start(actor=care.caseworker, record_id=r.pk, institution_id=care.home.pk)
    with time_machine.travel("2027-01-18 09:00:00+08:00", tick=False):
        call_command("care_tick")
    assert not HouseholdTask.objects.exists()  # 59 days
    with time_machine.travel("2027-01-19 09:00:00+08:00", tick=False), audit_rows() as rows:
        call_command("care_tick")
        call_command("care_tick")
    task = HouseholdTask.objects.get()
    assert task.record_id == record.pk and task.opened_on == date(2027, 1, 19)
    assert {d["code"] for d in task.documents} >= {"announcement", "police_inquiry", "application"}
    assert len([r for r in rows.new if r.actor_label == "care_tick"]) == 1


def test_repatriation_waits_for_the_case_track(record_for: Any, care: Any) -> None:
    from homeward.cases.models import Case, CasePerson, CaseRole, Repatriation

    record = record_for(born=date(1998, 7, 1))
    with pytest.raises(ValidationError, match="cross-border"):
        services.repatriation_complete(actor=care.caseworker, record_id=record.pk)
    case = Case.objects.create(
        jurisdiction="510107",
        agency=care.p.investigator_a.agency,
        number="A510107-2026-R1",
        case_type="trafficking_women",
        summary="跨国拐卖",
        reported_on=date(2026, 10, 1),
        registered_on=date(2026, 10, 2),
        cross_border=True,
    )
    from homeward.care.models import CareRecord

    CareRecord.objects.filter(pk=record.pk).update(cross_border=True, case=case)
    with pytest.raises(ValidationError, match="handover"):
        services.repatriation_complete(actor=care.caseworker, record_id=record.pk)
    victim = CasePerson.objects.create(case=case, person=record.person, role=CaseRole.VICTIM)
    track = Repatriation.objects.create(case_person=victim, nationality="VN")
    with pytest.raises(ValidationError):
        services.repatriation_complete(actor=care.caseworker, record_id=record.pk)
    track.handed_over, track.handover_on = True, date(2026, 11, 18)
    track.save()
    services.repatriation_complete(actor=care.caseworker, record_id=record.pk)
    record.refresh_from_db()
    assert record.stage == Stage.REPATRIATED and not record.followups.filter(done_on__isnull=True).exists()


def test_dna_confirmed_tracing_match_starts_the_care_reunion(
    care: Any, django_capture_on_commit_callbacks: Any, login: Any, client: Any
) -> None:
    """End to end through the tracing app: DNA confirms a report ↔ found pair, care's reunion starts with the
    report's person as the family, and the caseworker's reunion page offers the assessment."""
    from datetime import UTC, datetime

    from homeward.people.models import NameKind, Sex
    from homeward.people.services import PersonData
    from homeward.tracing import services as tracing

    officer = care.p.investigator_a
    report = tracing.report_create(
        actor=officer,
        data=tracing.ReportData(
            missing_date=date(2016, 5, 1), missing_division="510107", dna_accession="F-1"
        ),
        person=PersonData(jurisdiction="510107", sex=Sex.FEMALE, names=[("李小花", NameKind.LEGAL)]),
    )
    found = tracing.found_create(
        actor=officer,
        data=tracing.FoundData(age_min=8, age_max=12, found_division="510107", dna_accession="Q-1"),
        person=PersonData(jurisdiction="510107", sex=Sex.FEMALE, names=[("小花", NameKind.LEGAL)]),
    )
    assert found.person_id is not None
    record = services.care_record_create(
        actor=care.caseworker,
        data=services.CareData(person_id=found.person_id, arrival="rescued", arrived_on=date(2026, 11, 1)),
    )
    with django_capture_on_commit_callbacks(execute=True):
        confirmed = tracing.dna_match_confirmed(
            accession_a="F-1",
            accession_b="Q-1",
            examiner="dna_a",
            confirmed_at=datetime(2026, 11, 19, tzinfo=UTC),
        )
    record.refresh_from_db()
    assert record.stage == Stage.REUNION
    assert record.reunion.family_person_id == report.person_id
    assert record.reunion.tracing_match_id == str(confirmed[0].pk)
    login(care.caseworker)
    page = client.get(f"/staff/care/{record.pk}/reunion/").content.decode()
    assert "Record the assessment" in page and "Is the home safe?" in page

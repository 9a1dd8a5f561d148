"""Re-matching in both directions, idempotence, exclusion memory, notifications, hard rules through the app."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from homeward.notifications.models import Notice
from homeward.people.models import Sex
from homeward.tracing import selectors, services
from homeward.tracing.models import Candidate, CandidateStatus

from .conftest import COUNTY_A, COUNTY_B, found_data, person

pytestmark = pytest.mark.django_db


def test_found_rematch_stores_candidate_with_probability_and_reasons(pair: Any) -> None:
    report, found = pair
    outcome = services.found_rematch(found_id=found.pk)
    candidate = Candidate.objects.get(report=report, found=found)
    assert outcome.created == [candidate.pk]
    assert candidate.probability > selectors.STRONG
    assert candidate.reasons["surname"]["level"] == "exact"
    assert candidate.reasons["given_name"]["level"] == "pinyin"  # 陈明明 ~ 陈铭铭
    assert candidate.reasons["nickname"]["level"] == "exact"
    assert candidate.jurisdiction == COUNTY_B and candidate.report_jurisdiction == COUNTY_A


def test_rematch_is_idempotent_in_both_directions(pair: Any, audit_rows: Any) -> None:
    report, found = pair
    services.found_rematch(found_id=found.pk)
    services.report_rematch(report_id=report.pk)
    with audit_rows() as rows:
        services.found_rematch(found_id=found.pk)
        services.report_rematch(report_id=report.pk)
    assert Candidate.objects.filter(report=report, found=found).count() == 1
    assert rows.new == []  # nothing changed, nothing written


def test_report_direction_finds_existing_found_person(pair: Any) -> None:
    report, found = pair
    services.report_rematch(report_id=report.pk)
    assert Candidate.objects.filter(report=report, found=found).exists()


def test_new_records_are_matched_by_the_background_task(
    personas: Any, run_tasks: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        services.report_create(
            actor=personas.investigator_a,
            data=__import__("homeward.tracing.tests.conftest", fromlist=["report_data"]).report_data(),
            person=person(COUNTY_A, "陈明明", birth_date=date(2006, 2, 3)),
        )
        services.found_create(
            actor=personas.investigator_b, data=found_data(), person=person(COUNTY_B, "陈铭铭")
        )
    run_tasks()
    assert Candidate.objects.count() == 1
    # A retried task (both directions) adds no second candidate.
    from homeward.tracing import tasks

    candidate = Candidate.objects.get()
    tasks.rematch_found.call(candidate.found_id)
    tasks.rematch_report.call(candidate.report_id)
    assert Candidate.objects.count() == 1


def test_rematch_on_change(
    pair: Any, personas: Any, run_tasks: Any, django_capture_on_commit_callbacks: Any
) -> None:
    report, found = pair
    # Found before the child went missing: the hard rule rules the pair out.
    with django_capture_on_commit_callbacks(execute=True):
        services.found_update(
            actor=personas.investigator_b,
            found_id=found.pk,
            data=found_data(found_date=date(2009, 1, 1), age_min=2, age_max=4),
        )
    run_tasks()
    assert not Candidate.objects.filter(found=found).exists()
    with django_capture_on_commit_callbacks(execute=True):
        services.found_update(actor=personas.investigator_b, found_id=found.pk, data=found_data())
    run_tasks()
    assert Candidate.objects.filter(found=found, report=report).count() == 1


def test_changed_record_drops_a_pending_candidate_that_no_longer_fits(pair: Any, personas: Any) -> None:
    _report, found = pair
    services.found_rematch(found_id=found.pk)
    services.found_update(
        actor=personas.investigator_b, found_id=found.pk, data=found_data(age_min=40, age_max=45)
    )
    outcome = services.found_rematch(found_id=found.pk)
    assert outcome.removed and not Candidate.objects.filter(found=found).exists()


def test_sex_conflict_gives_no_candidate(personas: Any) -> None:
    from .conftest import report_data

    services.report_create(
        actor=personas.investigator_a,
        data=report_data(),
        person=person(COUNTY_A, "陈明明", birth_date=date(2006, 2, 3)),
    )
    found = services.found_create(
        actor=personas.investigator_b, data=found_data(), person=person(COUNTY_B, "陈铭铭", sex=Sex.FEMALE)
    )
    services.found_rematch(found_id=found.pk)
    assert not Candidate.objects.exists()


def test_exclusion_is_remembered(pair: Any, personas: Any, audit_rows: Any) -> None:
    report, found = pair
    services.found_rematch(found_id=found.pk)
    candidate = Candidate.objects.get()
    with audit_rows() as rows:
        services.candidate_decide(
            actor=personas.provincial,
            candidate_id=candidate.pk,
            decision="exclude",
            reason="DNA of the mother differs",
        )
    assert len(rows.new) == 1
    services.found_update(actor=personas.investigator_b, found_id=found.pk, data=found_data(dialect="成都话"))
    services.found_rematch(found_id=found.pk)
    services.report_rematch(report_id=report.pk)
    candidate.refresh_from_db()
    assert candidate.status == CandidateStatus.EXCLUDED
    assert Candidate.objects.count() == 1


def test_exclusion_needs_a_reason_and_confirmation_is_not_a_review_decision(pair: Any, personas: Any) -> None:
    from django.core.exceptions import ValidationError

    _report, found = pair
    services.found_rematch(found_id=found.pk)
    candidate = Candidate.objects.get()
    with pytest.raises(ValidationError):
        services.candidate_decide(
            actor=personas.provincial, candidate_id=candidate.pk, decision="exclude", reason=""
        )
    with pytest.raises(ValidationError):
        services.candidate_decide(actor=personas.provincial, candidate_id=candidate.pk, decision="confirmed")
    candidate.refresh_from_db()
    assert candidate.status == CandidateStatus.PENDING


def test_a_county_user_cannot_decide_without_seeing_both_records(pair: Any, personas: Any) -> None:
    from django.core.exceptions import PermissionDenied

    _report, found = pair
    services.found_rematch(found_id=found.pk)
    candidate = Candidate.objects.get()
    with pytest.raises(PermissionDenied):
        services.candidate_decide(
            actor=personas.investigator_b, candidate_id=candidate.pk, decision="needs_dna"
        )


def test_strong_candidate_notifies_handling_officers_once(pair: Any, personas: Any) -> None:
    _report, found = pair
    services.found_rematch(found_id=found.pk)
    services.found_update(actor=personas.investigator_b, found_id=found.pk, data=found_data(height_cm=165))
    services.found_rematch(found_id=found.pk)
    for user in (personas.investigator_a, personas.investigator_b):
        notices = Notice.objects.filter(recipient=user, kind="tracing_candidate")
        assert notices.count() == 1
        assert "陈" not in notices[0].title + notices[0].body  # no personal data in the notice
    assert not Notice.objects.filter(recipient=personas.investigator_other).exists()


def test_national_matching_across_provinces(personas: Any) -> None:
    from .conftest import report_data

    report = services.report_create(
        actor=personas.investigator_a,
        data=report_data(),
        person=person(COUNTY_A, "陈明明", birth_date=date(2006, 2, 3)),
    )
    found = services.found_create(
        actor=personas.investigator_other,
        data=found_data(found_division="530102"),
        person=person("530102", "王明"),
    )
    services.found_rematch(found_id=found.pk)
    assert Candidate.objects.filter(report=report, found=found).exists()

"""DNA confirmation (the hook the dna app calls), case links, weights re-estimation, indicators."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command

from homeward.tracing import dna_hooks, services
from homeward.tracing.indicators import INDICATORS, events
from homeward.tracing.models import Candidate, CandidateStatus, FoundStatus, ReportStatus

from .conftest import found_data, report_data

pytestmark = pytest.mark.django_db
AT = datetime(2025, 1, 2, 3, 4, tzinfo=UTC)


def _with_accessions(pair: Any, personas: Any) -> tuple[Any, Any]:
    report, found = pair
    report = services.report_update(
        actor=personas.investigator_a,
        report_id=report.pk,
        data=report_data(dna_accession="F-0001", family_gave_dna=True),
    )
    found = services.found_update(
        actor=personas.investigator_b, found_id=found.pk, data=found_data(dna_accession="Q-0001")
    )
    return report, found


def test_dna_confirmation_confirms_pair(pair: Any, personas: Any, audit_rows: Any) -> None:
    report, found = _with_accessions(pair, personas)
    services.found_rematch(found_id=found.pk)
    with audit_rows() as rows:
        confirmed = services.dna_match_confirmed(
            accession_a="Q-0001",
            accession_b="F-0001",
            examiner="dna_a",
            confirmed_at=AT,
            dna_candidate_id="7",
        )
    assert len(confirmed) == 1 and len(rows.new) == 1
    candidate = Candidate.objects.get()
    assert candidate.status == CandidateStatus.CONFIRMED and candidate.confirmed_by == "dna_a"
    report.refresh_from_db()
    found.refresh_from_db()
    assert report.status == ReportStatus.FOUND and found.status == FoundStatus.IDENTIFIED
    # Idempotent: the hook again changes nothing.
    assert (
        services.dna_match_confirmed(
            accession_a="F-0001", accession_b="Q-0001", examiner="dna_a", confirmed_at=AT
        )
        == []
    )


def test_dna_hook_receives_confirmed_match(pair: Any, personas: Any) -> None:
    _with_accessions(pair, personas)

    class Match:
        candidate_id = 9
        query_accession = "Q-0001"
        reference_accessions = ("F-0001", "F-0002")
        confirmed_by = "dna_a"
        countersigned_at = AT

    dna_hooks.match_confirmed(Match())
    assert Candidate.objects.get().status == CandidateStatus.CONFIRMED


def test_dna_confirms_even_an_excluded_pair(pair: Any, personas: Any) -> None:
    _report, found = _with_accessions(pair, personas)
    services.found_rematch(found_id=found.pk)
    candidate = Candidate.objects.get()
    services.candidate_decide(
        actor=personas.provincial, candidate_id=candidate.pk, decision="exclude", reason="looked wrong"
    )
    services.dna_match_confirmed(
        accession_a="Q-0001", accession_b="F-0001", examiner="dna_a", confirmed_at=AT
    )
    candidate.refresh_from_db()
    assert candidate.status == CandidateStatus.CONFIRMED


def test_unknown_accessions_do_nothing(pair: Any) -> None:
    assert services.dna_match_confirmed(accession_a="X", accession_b="Y", examiner="e", confirmed_at=AT) == []
    assert services.dna_match_confirmed(accession_a="X", accession_b="X", examiner="e", confirmed_at=AT) == []


def test_match_get_for_cases(pair: Any, personas: Any) -> None:
    from django.http import Http404

    from homeward.tracing.selectors import match_get

    _with_accessions(pair, personas)
    services.dna_match_confirmed(
        accession_a="Q-0001", accession_b="F-0001", examiner="dna_a", confirmed_at=AT
    )
    candidate = Candidate.objects.get()
    assert match_get(actor=personas.investigator_a, match_id=candidate.pk).confirmed_by == "dna_a"
    with pytest.raises(Http404):
        match_get(actor=personas.investigator_other, match_id=candidate.pk)


def test_fit_weights_command(pair: Any, personas: Any) -> None:
    with pytest.raises(CommandError):
        call_command("tracing_fit_weights")
    with pytest.raises(CommandError):
        call_command("tracing_fit_weights", "--min-pairs", "0")


def test_weights_refit_needs_reviewed_pairs() -> None:
    with pytest.raises(ValidationError):
        services.weights_refit(min_pairs=1)


def test_indicators(pair: Any, personas: Any) -> None:
    from django.utils import timezone

    _with_accessions(pair, personas)
    services.dna_match_confirmed(
        accession_a="Q-0001", accession_b="F-0001", examiner="dna_a", confirmed_at=timezone.now()
    )
    start, end = timezone.now() - timedelta(days=1), timezone.now() + timedelta(days=1)
    assert set(INDICATORS) == {"reports_filed", "found_records", "matches_confirmed"}
    assert [c for c, _ in events("reports_filed", prefix="510107", start=start, end=end)] == ["510107"]
    assert len(list(events("found_records", prefix="51", start=start, end=end))) == 1
    assert len(list(events("matches_confirmed", prefix="", start=start, end=end))) == 1
    assert list(events("reports_filed", prefix="53", start=start, end=end)) == []

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

import pytest
import time_machine
from django.http import Http404

from homeward.care import exports, indicators, selectors, services

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _today() -> Any:
    with time_machine.travel("2026-11-20 10:00:00+08:00", tick=False):
        yield


def test_other_county_and_police_get_404_and_denial_is_audited(
    record_for: Any, care: Any, audit_rows: Any
) -> None:
    record = record_for()
    for outsider in (care.caseworker_b, care.p.investigator_a, care.p.investigator_b):
        with audit_rows() as rows, pytest.raises(Http404):
            selectors.care_record_get(actor=outsider, record_id=record.pk)
        assert [(r.action, r.outcome) for r in rows.new] == [("read", "denied")]
    with pytest.raises(Http404):
        selectors.care_record_get(actor=care.caseworker, record_id=999999)
    with pytest.raises(Http404):
        selectors.care_record_get(actor=care.caseworker, record_id="abc")
    assert list(selectors.care_record_list(actor=care.caseworker_b)) == []


def test_field_confidentiality_per_role(record_for: Any, care: Any, audit_rows: Any) -> None:
    record = record_for()
    with audit_rows() as rows:
        mine = selectors.care_record_get(actor=care.caseworker, record_id=record.pk)
    assert len(rows.new) == 1
    assert selectors.sensitive_view(care.caseworker, mine)["abuse_details"] == "beaten by the buyer"
    supervisor = selectors.care_record_get(actor=care.colleague, record_id=record.pk)
    assert set(selectors.sensitive_view(care.colleague, supervisor).values()) == {"confidential"}
    with pytest.raises(Http404):  # not yet placed there
        selectors.care_record_get(actor=care.carer, record_id=record.pk)
    services.consent_record(
        actor=care.caseworker,
        record_id=record.pk,
        purpose="placement",
        given_by="guardian",
        guardian_name="张监护",
    )
    services.placement_start(actor=care.caseworker, record_id=record.pk, institution_id=care.home.pk)
    at_home = selectors.care_record_get(actor=care.carer, record_id=record.pk)
    assert selectors.sensitive_view(care.carer, at_home)["health_notes"] == "malnourished"


def test_grant_opens_the_record_for_its_term(record_for: Any, care: Any) -> None:
    from django.contrib.contenttypes.models import ContentType
    from django.utils import timezone

    from homeward.access.models import AccessGrant
    from homeward.care.models import CareRecord

    record = record_for()
    AccessGrant.objects.create(
        grantee=care.caseworker_b,
        content_type=ContentType.objects.get_for_model(CareRecord),
        object_id=str(record.pk),
        granted_by=care.caseworker,
        reason="transfer to Jinniu",
        expires_at=timezone.now() + timedelta(days=1),
    )
    got = selectors.care_record_get(actor=care.caseworker_b, record_id=record.pk)
    assert set(selectors.sensitive_view(care.caseworker_b, got).values()) == {"confidential"}


def test_caseload_export_is_redacted_for_non_caseworkers(record_for: Any, care: Any, audit_rows: Any) -> None:
    record_for()
    with audit_rows() as rows:
        own = exports.caseload_csv(actor=care.caseworker)
    assert "李小花" in own
    assert [r.action for r in rows.new if r.action == "export"] == ["export"]
    other = exports.caseload_csv(actor=care.colleague)
    assert "李小花" not in other and exports.REDACTED in other


def test_statistics_suppress_small_counts(record_for: Any, care: Any) -> None:
    record_for()
    table = exports.stage_statistics(actor=care.caseworker)
    flat = [cell for row in table[1:] for cell in row[1:]]
    assert "1" not in flat


def test_indicators(record_for: Any, care: Any) -> None:
    record_for()
    start = datetime.fromisoformat("2026-01-01T00:00:00+08:00")
    end = datetime.fromisoformat("2027-01-01T00:00:00+08:00")
    got = indicators.events("victims_assisted", prefix="5101", start=start, end=end)
    assert [code for code, _ in got] == ["510107"]
    assert indicators.events("victims_assisted", prefix="5301", start=start, end=end) == []
    assert indicators.events("nope", prefix="", start=start, end=end) == []
    assert date(2026, 11, 1)

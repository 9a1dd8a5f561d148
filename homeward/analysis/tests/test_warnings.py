"""Early warning: fires on an injected rise and not on stable counts; notifies the command centre; acknowledgement."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import numpy as np
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from conftest import COUNTY_A, COUNTY_B, PROVINCE
from homeward.analysis import selectors, services
from homeward.analysis.models import EarlyWarning, RunStatus, WarningStatus
from homeward.notifications.models import Notice

pytestmark = pytest.mark.django_db
WEEK = date(2026, 3, 2)  # the Monday of the tested week
FIRST = WEEK - timedelta(weeks=156)


def weekly_rows(code: str, spike: int = 0, seed: int = 11) -> list[tuple[str, datetime]]:
    rng = np.random.default_rng(seed)
    counts = rng.poisson(3.0, 157)
    counts[-1] += spike
    rows = []
    for week, n in enumerate(counts):
        monday = FIRST + timedelta(weeks=week)
        for i in range(int(n)):
            rows.append((code, datetime(monday.year, monday.month, monday.day, 2 + i % 8, tzinfo=UTC)))
    return rows


@pytest.fixture
def clock(time_machine):
    time_machine.move_to(datetime(2026, 3, 11, 2, tzinfo=UTC), tick=False)


def scan(actor, area=COUNTY_A, **kw):
    s = services.warning_scan_request(actor=actor, area_code=area, indicators=["tips.received"], **kw)
    return services.warning_scan_execute(scan_id=s.pk)


def test_injected_rise_raises_a_warning_for_the_command_centre(fake_sources, analysts, clock):
    fake_sources.add("tips", {"received": weekly_rows(COUNTY_A, spike=14)})
    done = scan(analysts.command_a)
    assert done.status == RunStatus.DONE and done.week_start == WEEK
    warning = EarlyWarning.objects.get()
    assert (warning.jurisdiction, warning.indicator, warning.week_start) == (COUNTY_A, "tips.received", WEEK)
    assert warning.observed > warning.threshold and warning.expected < 6
    assert warning.p_value < 0.01
    assert "prompt for human judgement" in warning.basis
    notices = Notice.objects.filter(kind="analysis.warning")
    # The county's command centre and those above it; not county B, not the investigator.
    assert {n.recipient for n in notices} == {analysts.command_a, analysts.command_province}
    assert "统计提示" in notices.filter(recipient=analysts.command_a).get().body


def test_stable_counts_raise_nothing(fake_sources, analysts, clock):
    fake_sources.add("tips", {"received": weekly_rows(COUNTY_A)})
    done = scan(analysts.command_a)
    assert done.status == RunStatus.DONE and done.assessed == 1
    assert not EarlyWarning.objects.exists()


def test_province_scan_notifies_up_the_chain_once(fake_sources, analysts, clock):
    fake_sources.add("tips", {"received": weekly_rows(COUNTY_A, spike=14)})
    first = scan(analysts.command_province, area=PROVINCE)
    regions = set(EarlyWarning.objects.values_list("jurisdiction", flat=True))
    assert COUNTY_A in regions and COUNTY_B not in regions
    assert first.raised == len(regions)
    count = Notice.objects.count()
    # A second scan of the same week raises nothing new and sends nothing.
    again = scan(analysts.command_province, area=PROVINCE)
    assert again.raised == 0 and Notice.objects.count() == count
    assert not Notice.objects.filter(recipient=analysts.command_b).exists()


def test_short_history_is_no_warning(fake_sources, analysts, clock):
    rows = [r for r in weekly_rows(COUNTY_A, spike=14) if r[1].date() > date(2025, 9, 1)]
    fake_sources.add("tips", {"received": rows})
    done = scan(analysts.command_a)
    assert done.short_history == 1 and not EarlyWarning.objects.exists()


def test_scan_request_validation(seeded, analysts, personas, clock):
    with pytest.raises(ValidationError):
        services.warning_scan_request(actor=analysts.command_a, area_code=COUNTY_A, indicators=["nope.none"])
    with pytest.raises(ValidationError):  # the week has not ended yet
        services.warning_scan_request(
            actor=analysts.command_a, area_code=COUNTY_A, indicators=[], week_start=date(2026, 3, 10)
        )
    with pytest.raises(Http404):
        services.warning_scan_request(actor=analysts.command_a, area_code=COUNTY_B, indicators=[])
    with pytest.raises(PermissionDenied):
        services.warning_scan_request(actor=personas.investigator_a, area_code=COUNTY_A, indicators=[])


@pytest.fixture
def warning(fake_sources, analysts, clock):
    fake_sources.add("tips", {"received": weekly_rows(COUNTY_A, spike=14)})
    scan(analysts.command_a)
    return EarlyWarning.objects.get()


def test_acknowledge_with_a_note(warning, analysts, audit_rows):
    with audit_rows() as rows:
        done = services.warning_acknowledge(
            actor=analysts.command_a, warning_id=warning.pk, note="核查原始线索：同一团伙多次举报，已移交。"
        )
    assert done.status == WarningStatus.ACKNOWLEDGED and done.acknowledged_by == analysts.command_a
    assert [(r.action, r.object_type) for r in rows.new] == [("update", "analysis.earlywarning")]
    with pytest.raises(ValidationError):  # only once
        services.warning_acknowledge(actor=analysts.command_a, warning_id=warning.pk, note="again")


def test_acknowledge_rules(warning, analysts, personas):
    with pytest.raises(ValidationError):
        services.warning_acknowledge(actor=analysts.command_a, warning_id=warning.pk, note="   ")
    with pytest.raises(ValidationError):
        services.warning_acknowledge(actor=analysts.command_a, warning_id=warning.pk, note="x" * 2001)
    with pytest.raises(Http404):
        services.warning_acknowledge(actor=analysts.command_b, warning_id=warning.pk, note="not mine")
    with pytest.raises(PermissionDenied):
        services.warning_acknowledge(actor=personas.investigator_a, warning_id=warning.pk, note="read only")
    warning.refresh_from_db()
    assert warning.status == WarningStatus.OPEN


def test_warning_pages(warning, analysts, client, login):
    login(analysts.command_a)
    page = client.get(f"/staff/analysis/warnings/{warning.pk}/")
    assert page.status_code == 200 and "不构成结论" in page.content.decode()
    assert client.get("/staff/analysis/warnings/").status_code == 200
    bad = client.post(f"/staff/analysis/warnings/{warning.pk}/acknowledge/", {"note": ""})
    assert bad.status_code == 400
    ok = client.post(f"/staff/analysis/warnings/{warning.pk}/acknowledge/", {"note": "已核查"})
    assert ok.status_code == 302
    warning.refresh_from_db()
    assert warning.note == "已核查"


def test_county_b_gets_404_for_the_warning(warning, analysts, client, login):
    login(analysts.command_b)
    assert client.get(f"/staff/analysis/warnings/{warning.pk}/").status_code == 404
    assert (
        client.post(f"/staff/analysis/warnings/{warning.pk}/acknowledge/", {"note": "x"}).status_code == 404
    )
    assert client.get(f"/api/v1/analysis/warnings/{warning.pk}").status_code == 404
    assert warning.pk not in [w.pk for w in selectors.warning_list(actor=analysts.command_b)]


def test_scan_form(seeded, analysts, client, login, clock):
    login(analysts.command_a)
    assert client.post("/staff/analysis/warnings/", {"area": COUNTY_A}).status_code == 302
    assert client.post("/staff/analysis/warnings/", {"area": "5101"}).status_code == 400
    assert (
        client.post("/staff/analysis/warnings/", {"area": COUNTY_A, "week_start": "2026-03-12"}).status_code
        == 400
    )


def test_weekly_command_scans_and_is_idempotent(fake_sources, analysts, clock):
    from io import StringIO

    from django.core.management import call_command
    from django.core.management.base import CommandError

    fake_sources.add("tips", {"received": weekly_rows(COUNTY_A, spike=14)})
    out = StringIO()
    call_command("analysis_scan", "--area", COUNTY_A, "--now", stdout=out)
    assert "1 warning(s)" in out.getvalue()
    assert EarlyWarning.objects.filter(jurisdiction=COUNTY_A).count() == 1
    out = StringIO()
    call_command("analysis_scan", "--area", COUNTY_A, "--now", stdout=out)
    assert out.getvalue() == ""  # the week was scanned already
    with pytest.raises(CommandError):
        call_command("analysis_scan", "--area", "519999")

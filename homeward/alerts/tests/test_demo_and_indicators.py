"""Demo data (active and closed alerts with sightings, a demo partner with receipts) and the indicators."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from homeward.alerts import demo, indicators
from homeward.alerts.models import Alert, DemoReceipt, Sighting

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_users(personas, make_user):
    from homeward.accounts.roles import AgencyType, Role
    from homeward.accounts.services import agency_create

    make_user("command_centre_wuhou", personas.police_a, [Role.COMMAND_CENTRE])
    make_user("command_centre_jinniu", personas.police_b, [Role.COMMAND_CENTRE])
    make_user("command_centre_wuhua", personas.police_other, [Role.COMMAND_CENTRE])
    agency_create(
        actor=None,
        name="团圆信息发布合作平台（演示）",
        type=AgencyType.PARTNER_PLATFORM,
        division_code="000000",
    )


class Report:
    def __init__(self):
        self.notes = {}


def test_demo_load_is_idempotent_and_shows_received_deliveries(demo_users, login, client, personas):
    report = Report()
    demo.load(report)
    assert "4 alerts" in report.notes["alerts"]
    statuses = sorted(Alert.objects.values_list("status", flat=True))
    assert statuses == ["active", "active", "false_report", "found"]
    assert Sighting.objects.count() == 4
    assert DemoReceipt.objects.count() >= 6 and all(r.verified for r in DemoReceipt.objects.all())
    demo.load(report)
    assert Alert.objects.count() == 4
    login(personas.investigator_a)
    page = client.get("/staff/alerts/demo-partner/")
    assert page.status_code == 200 and "alert.released" in page.content.decode()
    start, end = timezone.now() - timedelta(days=1), timezone.now() + timedelta(minutes=1)
    assert len(indicators.events("alerts_released", prefix="51", start=start, end=end)) == 3
    assert len(indicators.events("alerts_found", prefix="", start=start, end=end)) == 1
    assert len(indicators.events("sightings", prefix="510107", start=start, end=end)) == 3
    assert indicators.events("nothing", prefix="", start=start, end=end) == []

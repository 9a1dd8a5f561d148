"""The indicator registry: other apps' modules under the contract of homeward.core.indicators, the plan's own
facts, prefixes and periods, and "not available yet" for whatever is missing or broken."""

from __future__ import annotations

import importlib.machinery
import sys
import types
from datetime import date, datetime, time

import pytest
from django.utils import timezone

from homeward.core import indicators as contract
from homeward.plan import indicators as ind
from homeward.plan import services
from homeward.plan.services import ActivityData, activity_create
from homeward.plan.tests.helpers import measure_led_by, open_report

pytestmark = pytest.mark.django_db

# Seeded "alerts": (jurisdiction, day found, hours it took). The fake module answers as the alerts app is asked to.
FOUND = [
    ("510107", date(2025, 2, 1), 10.0),
    ("510107", date(2025, 6, 30), 30.0),
    ("510107", date(2025, 7, 1), 5.0),
    ("510106", date(2025, 3, 3), 50.0),
    ("530102", date(2025, 3, 3), 1.0),
]


def at(day: date) -> datetime:
    return datetime.combine(day, time(12), timezone.get_current_timezone())


@pytest.fixture
def fake_alerts(monkeypatch):
    name = "homeward.alerts.indicators"
    module = types.ModuleType(name)
    module.__spec__ = importlib.machinery.ModuleSpec(name, None)
    module.INDICATORS = {"alerts_found": "found", "alerts_released": "released"}  # type: ignore[attr-defined]

    def events(indicator, *, prefix, start, end):
        if indicator == "alerts_released":
            raise RuntimeError("bug in another app")
        return [
            (code, at(day)) for code, day, _h in FOUND if code.startswith(prefix) and start <= at(day) < end
        ]

    def values(indicator, *, prefix, start, end):
        return [
            (code, at(day), h) for code, day, h in FOUND if code.startswith(prefix) and start <= at(day) < end
        ]

    module.events = events  # type: ignore[attr-defined]
    module.values = values  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, name, module)
    return module


def values(prefix, start, end, keys):
    return {v.key: v for v in ind.compute(prefix, start, end, keys)}


H1 = (date(2025, 1, 1), date(2025, 7, 1))


def test_alerts_found_per_prefix_and_period(fake_alerts):
    keys = ["alerts.alerts_found"]
    assert values("510107", *H1, keys)["alerts.alerts_found"].value == 2  # 1 July is in the next half-year
    assert values("51", *H1, keys)["alerts.alerts_found"].value == 3
    assert values("", *H1, keys)["alerts.alerts_found"].value == 4
    assert values("510107", date(2025, 7, 1), date(2026, 1, 1), keys)["alerts.alerts_found"].value == 1
    # durations: the median of the app's values()
    assert values("510107", *H1, ["alerts.hours_to_find"])["alerts.hours_to_find"].value == 20.0


def test_missing_module_name_or_failure_is_not_available(fake_alerts):
    got = values("", date(2025, 1, 1), date(2026, 1, 1), ["alerts.alerts_released"])
    assert not got["alerts.alerts_released"].available and got["alerts.alerts_released"].note == "error"
    # a name the app does not list (here: the fake alerts module lists only two)
    unlisted = ind.compute_one(
        ind.IndicatorSpec("alerts.alerts_cancelled", "x"), "", date(2025, 1, 1), date(2026, 1, 1)
    )
    assert not unlisted.available
    missing = ind.compute_one(
        ind.IndicatorSpec("nosuchapp.things", "x"), "", date(2025, 1, 1), date(2026, 1, 1)
    )
    assert not missing.available and missing.note == "not available yet"
    assert ind.lookup("nosuchapp.things") is None
    # every registered indicator answers, available or not, without raising
    everything = ind.compute("", date(2021, 1, 1), date(2031, 1, 1))
    assert {v.key for v in everything} >= set(ind.BY_KEY)


def test_plan_activities_and_reports_counted_from_seeded_data(pp, time_machine):
    time_machine.move_to("2025-12-31 10:00 +08:00")
    for held, count in ((date(2025, 3, 1), 120), (date(2025, 6, 30), 30), (date(2025, 7, 1), 500)):
        activity_create(
            actor=pp.women_officer_a,
            data=ActivityData(
                kind="publicity", title="反拐宣传进社区", held_on=held, count=count, count_unit="人"
            ),
        )
    activity_create(
        actor=pp.police_b,
        data=ActivityData(kind="training", title="培训", held_on=date(2025, 3, 1), count=40),
    )
    report = open_report(pp.police_a, measure_led_by("公安部"))
    services.report_submit(actor=pp.police_a, report_id=report.pk)
    got = values("510107", *H1, ["plan.activities_held", "plan.activity_participants"])
    assert got["plan.activities_held"].value == 2
    assert got["plan.activity_participants"].value == 150
    assert values("51", *H1, ["plan.activities_held"])["plan.activities_held"].value == 3
    h2 = (date(2025, 7, 1), date(2026, 1, 1))
    assert (
        values("510107", *h2, ["plan.progress_reports_submitted"])["plan.progress_reports_submitted"].value
        == 1
    )
    assert (
        values("510106", *h2, ["plan.progress_reports_submitted"])["plan.progress_reports_submitted"].value
        == 0
    )
    # the plan's facts are visible to the analysis app through the contract
    assert contract.count("plan.activities_held", prefix="5101", start=at(H1[0]), end=at(H1[1])) == 3

"""The indicator registry: other apps' optional modules, the plan's own counts, prefixes and periods."""

from __future__ import annotations

import sys
import types
from datetime import date

import pytest

from homeward.plan import indicators as ind
from homeward.plan.services import ActivityData, activity_create

pytestmark = pytest.mark.django_db

# Seeded "alerts": (jurisdiction, day found). The fake module counts them the way the alerts app is asked to.
FOUND = [
    ("510107", date(2025, 2, 1)),
    ("510107", date(2025, 6, 30)),
    ("510107", date(2025, 7, 1)),
    ("510106", date(2025, 3, 3)),
    ("530102", date(2025, 3, 3)),
]


@pytest.fixture
def fake_alerts(monkeypatch):
    module = types.ModuleType("homeward.alerts.indicators")

    def alerts_found(prefix, start, end):
        return sum(1 for code, day in FOUND if code.startswith(prefix) and start <= day < end)

    def alerts_released(prefix, start, end):
        raise RuntimeError("bug in another app")

    module.alerts_found = alerts_found  # type: ignore[attr-defined]
    module.alerts_released = alerts_released  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "homeward.alerts.indicators", module)
    return module


def values(prefix, start, end, keys):
    return {v.key: v for v in ind.compute(prefix, start, end, keys)}


def test_alerts_found_per_prefix_and_period(fake_alerts):
    h1 = (date(2025, 1, 1), date(2025, 7, 1))
    keys = ["alerts.alerts_found"]
    assert values("510107", *h1, keys)["alerts.alerts_found"].value == 2  # 1 July is in the next half-year
    assert values("51", *h1, keys)["alerts.alerts_found"].value == 3
    assert values("", *h1, keys)["alerts.alerts_found"].value == 4
    assert values("510107", date(2025, 7, 1), date(2026, 1, 1), keys)["alerts.alerts_found"].value == 1


def test_missing_module_function_or_failure_is_not_available(fake_alerts):
    got = values(
        "", date(2025, 1, 1), date(2026, 1, 1), ["alerts.alerts_released", "alerts.median_hours_to_find"]
    )
    assert not got["alerts.alerts_released"].available and got["alerts.alerts_released"].note == "error"
    assert not got["alerts.median_hours_to_find"].available  # the module lacks the function
    missing = ind.compute_one(
        ind.IndicatorSpec("nosuchapp.things", "x"), "", date(2025, 1, 1), date(2026, 1, 1)
    )
    assert not missing.available and missing.note == "not available yet"
    assert ind.resolve("alerts._private") is None and ind.resolve("alerts") is None
    # every registered indicator answers, available or not, without raising
    assert len(ind.compute("", date(2021, 1, 1), date(2031, 1, 1))) == len(ind.REGISTRY)


def test_plan_activities_counted_from_seeded_data(pp, time_machine):
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
    h1 = (date(2025, 1, 1), date(2025, 7, 1))
    got = values("510107", *h1, ["plan.activities_held", "plan.activity_participants"])
    assert got["plan.activities_held"].value == 2
    assert got["plan.activity_participants"].value == 150
    assert values("51", *h1, ["plan.activities_held"])["plan.activities_held"].value == 3

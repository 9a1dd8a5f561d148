"""The indicator registry gathers `homeward.<app>.indicators` modules and tolerates apps without one."""

from __future__ import annotations

import sys
import types
from datetime import UTC, date, datetime

import pytest

from homeward.core import indicators


@pytest.fixture
def fake_app(monkeypatch):
    module = types.ModuleType("homeward.portal.indicators")
    module.INDICATORS = {"visits": "Visits"}  # type: ignore[attr-defined]
    rows = [
        ("510107", datetime(2026, 3, 2, 4, tzinfo=UTC)),
        ("510107", datetime(2026, 3, 4, tzinfo=UTC)),
        ("510106", datetime(2026, 3, 10, tzinfo=UTC)),
        ("530102", datetime(2026, 3, 11, tzinfo=UTC)),
    ]

    def events(name, *, prefix, start, end):
        assert name == "visits"
        return [(c, t) for c, t in rows if c.startswith(prefix) and start <= t < end]

    module.events = events  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "homeward.portal.indicators", module)
    monkeypatch.setattr(
        indicators, "find_spec", lambda name: True if name == "homeward.portal.indicators" else None
    )
    return module


def test_registry_counts_by_division_and_week(fake_app):
    start, end = datetime(2026, 3, 1, tzinfo=UTC), datetime(2026, 4, 1, tzinfo=UTC)
    assert [s.key for s in indicators.available()] == ["portal.visits"]
    assert indicators.count("portal.visits", prefix="51", start=start, end=end) == 3
    assert indicators.count_by_division("portal.visits", prefix="", start=start, end=end) == {
        "510107": 2,
        "510106": 1,
        "530102": 1,
    }
    weeks = indicators.count_by_week("portal.visits", prefix="51", start=start, end=end)
    assert weeks == {date(2026, 3, 2): 2, date(2026, 3, 9): 1}


def test_broken_module_is_skipped_not_fatal(fake_app, monkeypatch):
    def broken(name):
        if name == "homeward.alerts.indicators":
            raise SyntaxError("half-written module")
        return fake_app

    monkeypatch.setattr(indicators, "find_spec", lambda name: True)
    monkeypatch.setattr(indicators, "import_module", broken)
    assert [s.key for s in indicators.available()] == [
        f"{app}.visits" for app in indicators.settings.HOMEWARD_DOMAIN_APPS if app != "alerts"
    ]


def test_unknown_indicator_is_none_not_an_error(fake_app):
    start, end = datetime(2026, 3, 1, tzinfo=UTC), datetime(2026, 4, 1, tzinfo=UTC)
    assert indicators.count("alerts.nothing", prefix="", start=start, end=end) is None

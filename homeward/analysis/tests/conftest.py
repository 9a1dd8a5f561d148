"""Fake indicator sources (registered the way homeward/core/tests/test_indicators.py does) and analysis personas."""

from __future__ import annotations

import sys
import types
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest

from homeward.core import indicators


class FakeSources:
    """Register fake `homeward.<app>.indicators` modules; only they are visible while the fixture is active."""

    def __init__(self, monkeypatch: Any) -> None:
        self.monkeypatch = monkeypatch
        self.modules: dict[str, types.ModuleType] = {}
        monkeypatch.setattr(indicators, "find_spec", lambda name: True if name in self.modules else None)

    def add(
        self,
        app: str,
        rows: dict[str, list[tuple[str, datetime]]],
        labels: dict[str, str] | None = None,
        **extra: Callable[..., Any],
    ) -> types.ModuleType:
        name = f"homeward.{app}.indicators"
        module = types.ModuleType(name)
        module.INDICATORS = labels or {k: k.replace("_", " ") for k in rows}  # type: ignore[attr-defined]

        def events(
            indicator: str, *, prefix: str, start: datetime, end: datetime
        ) -> list[tuple[str, datetime]]:
            return [(c, t) for c, t in rows[indicator] if c.startswith(prefix) and start <= t < end]

        module.events = events  # type: ignore[attr-defined]
        for key, fn in extra.items():
            setattr(module, key, fn)
        self.modules[name] = module
        self.monkeypatch.setitem(sys.modules, name, module)
        return module


@pytest.fixture
def fake_sources(monkeypatch: Any) -> FakeSources:
    return FakeSources(monkeypatch)


def at(y: int, m: int, d: int, h: int = 4) -> datetime:
    return datetime(y, m, d, h, tzinfo=UTC)


# Hand-counted seed: March 2026 against March 2025, in 四川 (510000) and 云南 (530102).
TIPS = {
    "received": [
        ("510107", at(2026, 3, 2)),
        ("510107", at(2026, 3, 9)),
        ("510107", at(2026, 3, 30)),
        ("510106", at(2026, 3, 3)),
        ("510106", at(2026, 3, 17)),
        ("510000", at(2026, 3, 20)),  # a provincial agency's own tip
        ("530102", at(2026, 3, 5)),
        ("530102", at(2026, 3, 6)),
        ("510107", at(2025, 3, 10)),  # last year
        ("510107", at(2026, 4, 1, 17)),  # 2 April 01:00 Beijing time: outside March
    ],
    "mandatory_reports": [("510107", at(2026, 3, 12)), ("510106", at(2025, 3, 12))],
}
ALERTS = {"released": [("510107", at(2026, 3, 4)), ("510106", at(2026, 3, 4)), ("510106", at(2026, 3, 5))]}


@pytest.fixture
def seeded(fake_sources: FakeSources) -> FakeSources:
    fake_sources.add("tips", TIPS, {"received": "Tips received", "mandatory_reports": "Mandatory reports"})
    fake_sources.add("alerts", ALERTS, {"released": "Alerts released"})
    return fake_sources


@pytest.fixture
def analysts(personas: Any, make_user: Any) -> Any:
    from homeward.accounts.roles import Role

    ns = types.SimpleNamespace()
    ns.command_a = make_user("cc_a", personas.police_a, [Role.COMMAND_CENTRE])
    ns.command_b = make_user("cc_b", personas.police_b, [Role.COMMAND_CENTRE])
    ns.command_province = make_user("cc_prov", personas.police_province, [Role.COMMAND_CENTRE])
    ns.personas = personas
    return ns

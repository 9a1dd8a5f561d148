"""Case personas on top of the root ones: case leaders in counties A and B, a provincial command centre."""

from __future__ import annotations

from datetime import date
from types import SimpleNamespace
from typing import Any

import pytest

from conftest import COUNTY_A


@pytest.fixture
def cast(personas: Any, make_user: Any) -> SimpleNamespace:
    from homeward.accounts.roles import Role

    return SimpleNamespace(
        p=personas,
        leader_a=make_user("leader_a", personas.police_a, [Role.CASE_LEADER]),
        leader_b=make_user("leader_b", personas.police_b, [Role.CASE_LEADER]),
        command_a=make_user("command_a", personas.police_a, [Role.COMMAND_CENTRE]),
        command_province=make_user("command_prov", personas.police_province, [Role.COMMAND_CENTRE]),
    )


@pytest.fixture
def child_case(cast: SimpleNamespace) -> Any:
    """A registered child-trafficking case in county A led by leader_a."""
    from homeward.cases.services import CaseData, case_register

    def make(**overrides: Any) -> Any:
        data: dict[str, Any] = {
            "case_type": "trafficking_children",
            "summary": "一名6岁男童在菜市场走失，疑被拐卖。",
            "jurisdiction": COUNTY_A,
            "reported_on": date(2026, 1, 5),
            "registered_on": date(2026, 1, 6),
            "leader": "leader_a",
        }
        data.update(overrides)
        return case_register(actor=cast.p.investigator_a, data=CaseData(**data))

    return make


@pytest.fixture(autouse=True)
def clock() -> Any:
    """Every cases test runs on 1 February 2026, 10:00 in Beijing, unless it travels further itself."""
    import time_machine

    with time_machine.travel("2026-02-01 10:00 +0800", tick=False) as traveller:
        yield traveller


@pytest.fixture(autouse=True)
def english() -> Any:
    """Service messages are asserted in English (the source language); pages are checked in both."""
    from django.utils import translation

    with translation.override("en"):
        yield

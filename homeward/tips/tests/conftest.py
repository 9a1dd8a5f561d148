"""Helpers for the tips tests: a public tip in a county, a command-centre officer, a case leader."""

from __future__ import annotations

from typing import Any

import pytest

from homeward.accounts.roles import Role
from homeward.tips.services import TipData, tip_submit_public

# Points near the centroids of the persona counties.
POINT_A = (30.642, 104.043)  # 武侯区
POINT_B = (30.690, 104.052)  # 金牛区


@pytest.fixture
def public_tip(db: Any) -> Any:
    def make(
        *,
        address: str = "四川省成都市武侯区人民南路四段12号",
        description: str = "一名男子抱着一个哭闹的小孩，小孩一直喊不认识他",
        category: str = "child_missing",
        phone: str = "",
        name: str = "",
        key: str = "",
        ip: str | None = None,
        **extra: Any,
    ) -> Any:
        data = TipData(
            category=category,
            description=description,
            address=address,
            informant_phone=phone,
            informant_name=name,
            **extra,
        )
        return tip_submit_public(data=data, idempotency_key=key, source_ip=ip)

    return make


@pytest.fixture
def command_a(personas: Any, make_user: Any) -> Any:
    return make_user("cc_a", personas.police_a, [Role.COMMAND_CENTRE])


@pytest.fixture
def command_province(personas: Any, make_user: Any) -> Any:
    return make_user("cc_prov", personas.police_province, [Role.COMMAND_CENTRE])


@pytest.fixture
def leader_a(personas: Any, make_user: Any) -> Any:
    return make_user("leader_a", personas.police_a, [Role.CASE_LEADER])

"""Fixtures of the portal tests: the alerts app's fixtures (released alerts, command-centre officers), an empty
cache (rate limits), and a registration form that passes."""

from __future__ import annotations

from typing import Any

import pytest

from homeward.alerts.tests.conftest import _alert_settings, _clear_cache, cc, released  # noqa: F401


def registration_post(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "kind": "family",
        "province": "510000",
        "city": "510100",
        "county": "510107",
        "name": "刘小宝",
        "sex": "male",
        "birth_year": "2012",
        "lost_year": "2016",
        "lost_place": "武侯区某菜市场门口",
        "nicknames": "宝宝\n小宝",
        "dialect": "四川话",
        "marks": "左耳后有痣",
        "story": "妈妈买菜时走失",
        "contact_phone": "13800138123",
        "consent_contact": "on",
        "consent_dna": "on",
        "website": "",
    }
    data.update(overrides)
    return data


@pytest.fixture
def registered(client: Any, personas: Any) -> Any:
    """Register through the public page (the personas give county A its police); returns (code, secret)."""
    from homeward.portal.models import FamilySearchRegistration

    def register(**overrides: Any) -> tuple[str, str]:
        response = client.post("/portal/family-search/", registration_post(**overrides))
        assert response.status_code == 200, response.content.decode()[:2000]
        code = response.context["receipt_code"]
        assert FamilySearchRegistration.objects.filter(receipt_code=code).exists()
        return code, response.context["secret"]

    return register

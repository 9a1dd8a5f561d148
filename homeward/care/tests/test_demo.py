from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest

from homeward.accounts.roles import AgencyType, Role
from homeward.accounts.services import agency_create
from homeward.care import demo
from homeward.care.models import CareRecord, Stage

pytestmark = pytest.mark.django_db


def test_demo_is_idempotent(make_user: Any) -> None:
    civil = agency_create(
        actor=None, name="武侯区民政局", type=AgencyType.CIVIL_AFFAIRS, division_code="510107"
    )
    agency_create(
        actor=None, name="武侯区儿童福利院", type=AgencyType.WELFARE_INSTITUTION, division_code="510107"
    )
    make_user("caseworker_wuhou", civil, [Role.CASEWORKER])
    report = SimpleNamespace(notes={})
    demo.load(report)
    demo.load(report)
    stages = set(CareRecord.objects.values_list("stage", flat=True))
    assert CareRecord.objects.count() == 5
    assert {Stage.RECEIVED, Stage.PLACED, Stage.LONG_TERM, Stage.REUNITED} <= stages

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest
from django.utils import timezone

from homeward.accounts.roles import AgencyType, Role
from homeward.accounts.services import agency_create
from homeward.care import demo
from homeward.care.models import CareRecord, FollowUp, HouseholdTask, Institution, Stage

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
    assert CareRecord.objects.count() == 6
    assert {Stage.RECEIVED, Stage.PLACED, Stage.LONG_TERM, Stage.REUNITED} <= stages
    assert HouseholdTask.objects.count() == 1
    assert FollowUp.objects.filter(escalated_at__isnull=False).exists()  # an overdue visit, escalated
    today = timezone.localdate()
    assert FollowUp.objects.filter(done_on__isnull=True, due_on__gte=today).exists()  # and visits due
    assert Institution.objects.get(agency__name="武侯区儿童福利院").capacity == 12

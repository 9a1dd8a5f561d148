"""Fixtures of the plan app: the imported plan, plan coordinators and agencies at three levels."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from conftest import COUNTY_A, COUNTY_B, OTHER_COUNTY, PROVINCE


@pytest.fixture
def imported(db: Any) -> Any:
    from homeward.plan.services import plan_import

    return plan_import()


@dataclass
class PlanPeople:
    office_a: Any
    office_b: Any
    office_province: Any
    office_national: Any
    women_a: Any
    civil_a: Any
    coord_a: Any
    coord_b: Any
    coord_province: Any
    coord_national: Any
    coord_other: Any
    police_a: Any  # investigator_a of the root personas (武侯公安分局)
    police_b: Any
    police_province: Any
    women_officer_a: Any
    caseworker_a: Any


@pytest.fixture
def pp(imported: Any, personas: Any, make_user: Any) -> PlanPeople:
    from django.conf import settings

    from homeward.accounts.roles import AgencyType, Role
    from homeward.accounts.services import agency_create

    def agency(name: str, type_: str, code: str) -> Any:
        return agency_create(actor=None, name=name, type=type_, division_code=code)

    office_a = agency("武侯区反拐办", AgencyType.PLAN_OFFICE, COUNTY_A)
    office_b = agency("金牛区反拐办", AgencyType.PLAN_OFFICE, COUNTY_B)
    office_province = agency("四川省反拐办", AgencyType.PLAN_OFFICE, PROVINCE)
    office_other = agency("五华区反拐办", AgencyType.PLAN_OFFICE, OTHER_COUNTY)
    from homeward.accounts.models import Agency

    office_national = Agency.objects.get(
        division_id=settings.NATIONAL_DIVISION_CODE, name="国务院反拐部际联席会议办公室"
    )
    women_a = agency("武侯区妇联", AgencyType.WOMENS_FEDERATION, COUNTY_A)
    coord = Role.PLAN_COORDINATOR
    return PlanPeople(
        office_a=office_a,
        office_b=office_b,
        office_province=office_province,
        office_national=office_national,
        women_a=women_a,
        civil_a=personas.civil_a,
        coord_a=make_user("coord_a", office_a, [coord]),
        coord_b=make_user("coord_b", office_b, [coord]),
        coord_province=make_user("coord_prov", office_province, [coord]),
        coord_national=make_user("coord_nat", office_national, [coord]),
        coord_other=make_user("coord_other", office_other, [coord]),
        police_a=personas.investigator_a,
        police_b=personas.investigator_b,
        police_province=personas.provincial,
        women_officer_a=make_user("women_a", women_a, [Role.WOMENS_FEDERATION_OFFICER]),
        caseworker_a=personas.caseworker_a,
    )

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from homeward.accounts.roles import AgencyType, Role
from homeward.accounts.services import agency_create

COUNTY_A, COUNTY_B = "510107", "510106"


@pytest.fixture(autouse=True)
def _english(client: Any, settings: Any) -> Any:
    """Messages are asserted in English (the source language; the default is zh-hans). Pages and API answers are
    requested in English too, unless a test switches the cookie to zh-hans."""
    from django.utils import translation

    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def care(personas: Any, make_user: Any) -> Any:
    from types import SimpleNamespace

    from homeward.care.services import institution_set

    home = agency_create(
        actor=None, name="武侯儿童福利院", type=AgencyType.WELFARE_INSTITUTION, division_code=COUNTY_A
    )
    civil_b = agency_create(
        actor=None, name="金牛民政局", type=AgencyType.CIVIL_AFFAIRS, division_code=COUNTY_B
    )
    ns = SimpleNamespace(
        p=personas,
        home=home,
        caseworker=personas.caseworker_a,
        colleague=make_user("cw_a2", personas.civil_a, [Role.CASEWORKER]),
        carer=make_user("carer_a", home, [Role.CARE_WORKER]),
        caseworker_b=make_user("cw_b", civil_b, [Role.CASEWORKER]),
    )
    institution_set(actor=ns.caseworker, agency_id=home.pk, kind="child_welfare", capacity=2)
    return ns


@pytest.fixture
def person_born(db: Any) -> Any:
    from homeward.people.models import NameKind, Sex
    from homeward.people.services import PersonData, person_create

    def make(actor: Any, born: date | None, name: str = "李小花", code: str = COUNTY_A) -> Any:
        return person_create(
            actor=actor,
            data=PersonData(
                jurisdiction=code,
                sex=Sex.FEMALE,
                birth_date=born,
                names=[(name, NameKind.LEGAL)],
                resident_ids=[],
            ),
        )

    return make


@pytest.fixture
def record_for(care: Any, person_born: Any) -> Any:
    from homeward.care.services import CareData, care_record_create

    def make(born: date | None = date(2015, 6, 1), **kw: Any) -> Any:
        person = person_born(care.caseworker, born)
        data = CareData(
            person_id=person.pk,
            arrival="rescued",
            arrived_on=kw.pop("arrived_on", date(2026, 11, 1)),
            needs=["medical", "schooling"],
            abuse_details=kw.pop("abuse_details", "beaten by the buyer"),
            health_notes="malnourished",
            psych_notes="nightmares",
        )
        return care_record_create(actor=care.caseworker, data=data)

    return make

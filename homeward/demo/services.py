"""Loading the demo data set, idempotently. Refused where demo data is not allowed (production settings)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from functools import cache
from importlib import import_module
from importlib.util import find_spec

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction

from homeward.accounts.models import Agency, User
from homeward.accounts.roles import AgencyType, Role
from homeward.accounts.services import agency_create, user_create
from homeward.demo.data import (
    COUNTIES,
    COUNTY_AGENCIES,
    COUNTY_USERS,
    DEMO_PASSWORD,
    EXTRA_REPORTERS,
    PROVINCES,
    PROVINCIAL_USERS,
    demo_totp_base32,
    demo_totp_key_hex,
    username_for,
)
from homeward.engines.plantext import NATIONAL_AGENCIES
from homeward.people.models import NameKind, PersonIdentifier, Sex
from homeward.people.services import PersonData, person_create

# National bodies whose local counterparts hold police, civil-affairs or women's-federation roles.
NATIONAL_TYPE_OVERRIDES = {
    "公安部": AgencyType.PUBLIC_SECURITY,
    "民政部": AgencyType.CIVIL_AFFAIRS,
    "全国妇联": AgencyType.WOMENS_FEDERATION,
}
PLAN_TYPE_MAP = {
    "party_organ": AgencyType.PARTY_ORGAN,
    "court": AgencyType.JUDICIAL,
    "procuratorate": AgencyType.JUDICIAL,
    "ministry": AgencyType.STATE_COUNCIL_BODY,
    "commission": AgencyType.STATE_COUNCIL_BODY,
    "state_council_agency": AgencyType.STATE_COUNCIL_BODY,
    "national_administration": AgencyType.STATE_COUNCIL_BODY,
    "coordination_body": AgencyType.PLAN_OFFICE,
    "peoples_organisation": AgencyType.PEOPLES_ORGANISATION,
}


@dataclass
class DemoLogin:
    username: str
    roles: list[str]
    agency: str
    totp_base32: str


@dataclass
class DemoReport:
    logins: list[DemoLogin] = field(default_factory=list)
    created_users: int = 0
    created_agencies: int = 0
    created_people: int = 0
    # What each domain app's demo loader added, e.g. {"alerts": "3 alerts, 5 sightings"}.
    notes: dict[str, str] = field(default_factory=dict)


def national_agencies_load() -> int:
    """Every national body named in the action plan, as an agency at the national level. Idempotent."""
    created = 0
    for body in NATIONAL_AGENCIES:
        if Agency.objects.filter(division_id=settings.NATIONAL_DIVISION_CODE, name=body.name).exists():
            continue
        agency_type = NATIONAL_TYPE_OVERRIDES.get(body.name) or PLAN_TYPE_MAP.get(
            body.agency_type, AgencyType.OTHER
        )
        agency_create(
            actor=None,
            name=body.name,
            name_en=body.name_en,
            type=agency_type,
            division_code=settings.NATIONAL_DIVISION_CODE,
            is_national=True,
        )
        created += 1
    return created


def _agency(report: DemoReport, name: str, type_: str, code: str, national: bool = False) -> Agency:
    found = Agency.objects.filter(division_id=code, name=name).first()
    if found:
        return found
    report.created_agencies += 1
    return agency_create(actor=None, name=name, type=type_, division_code=code, is_national=national)


@cache
def _demo_password_hash() -> str:
    # Hashed once and shared, so that `make run` stays quick (PBKDF2 is slow on purpose); demo data only.
    return make_password(DEMO_PASSWORD)


def _user(
    report: DemoReport, username: str, agency: Agency, roles: list[str], api_only: bool = False
) -> None:
    if not User.objects.filter(username=username).exists():
        created = user_create(
            actor=None,
            username=username,
            password=None,
            agency=agency,
            roles=roles,
            display_name=username,
            totp_key_hex=demo_totp_key_hex(username),
            api_only=api_only,
        )
        if not api_only:
            created.user.password = _demo_password_hash()
            created.user.save(update_fields=["password"])
        report.created_users += 1
    if not api_only:
        report.logins.append(DemoLogin(username, roles, agency.name, demo_totp_base32(username)))


def resident_id(region: str, birth: date, serial: int) -> str:
    """A resident ID number with a correct GB 11643 check digit (demo data only)."""
    body = f"{region}{birth:%Y%m%d}{serial:03d}"
    weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    total = sum(int(d) * w for d, w in zip(body, weights, strict=True))
    return body + "10X98765432"[total % 11]


DEMO_PEOPLE = (
    ("陈明明", "明明", Sex.MALE, date(2016, 3, 12), "13800138001"),
    ("李小花", "花花", Sex.FEMALE, date(2012, 7, 2), "13912345678"),
    ("王芳", "", Sex.FEMALE, date(1995, 11, 20), "15108234567"),
)


@transaction.atomic
def demo_load() -> DemoReport:
    if not settings.HOMEWARD_ALLOW_DEMO:
        raise ImproperlyConfigured(
            "demo data cannot be loaded with these settings (HOMEWARD_ALLOW_DEMO is off)"
        )
    report = DemoReport()
    report.created_agencies += national_agencies_load()
    national = settings.NATIONAL_DIVISION_CODE
    mps = Agency.objects.get(division_id=national, name="公安部")
    office = _agency(report, "国务院反拐部际联席会议办公室", AgencyType.PLAN_OFFICE, national, national=True)
    _user(report, "investigator_national", mps, [Role.INVESTIGATOR])
    _user(report, "auditor_national", mps, [Role.AUDITOR])
    _user(report, "sysadmin_national", mps, [Role.SYSADMIN])
    _user(report, "plan_coordinator_national", office, [Role.PLAN_COORDINATOR])
    partner = _agency(
        report, "团圆信息发布合作平台（演示）", AgencyType.PARTNER_PLATFORM, national, national=True
    )
    _user(report, "partner_demo", partner, [Role.PARTNER_PLATFORM], api_only=True)
    for slug, code, name in PROVINCES:
        police = _agency(report, f"{name}公安厅", AgencyType.PUBLIC_SECURITY, code)
        plan = _agency(report, f"{name}反拐工作联席会议办公室", AgencyType.PLAN_OFFICE, code)
        for role in PROVINCIAL_USERS:
            _user(report, username_for(role, slug), plan if role == Role.PLAN_COORDINATOR else police, [role])
    for county in COUNTIES:
        agencies = {
            key: _agency(report, pattern.format(county=county.name), agency_type, county.code)
            for key, pattern, agency_type in COUNTY_AGENCIES
        }
        for role, key in COUNTY_USERS:
            _user(report, username_for(role, county.slug), agencies[key], [role])
        for prefix, key in EXTRA_REPORTERS:
            _user(report, f"{prefix}_{county.slug}", agencies[key], [Role.MANDATORY_REPORTER])
        investigator = User.objects.get(username=username_for(Role.INVESTIGATOR, county.slug))
        for serial, (name, nickname, sex, birth, phone) in enumerate(DEMO_PEOPLE, start=1):
            number = resident_id(county.code, birth, serial * 2 + (1 if sex == Sex.MALE else 0))
            if PersonIdentifier.objects.filter(value=number).exists():
                continue
            names = [(name, NameKind.LEGAL)] + ([(nickname, NameKind.NICKNAME)] if nickname else [])
            person_create(
                actor=investigator,
                data=PersonData(
                    jurisdiction=county.code,
                    sex=sex,
                    birth_date=birth,
                    names=names,
                    resident_ids=[number],
                    phones=[phone],
                ),
            )
            report.created_people += 1
    for app in settings.HOMEWARD_DOMAIN_APPS:
        module = f"homeward.{app}.demo"
        if find_spec(module) is not None:
            import_module(module).load(report)
    return report

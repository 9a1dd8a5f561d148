"""The demo data set: two provinces, three counties, every role, a few person records.

Fixed usernames and one demo password are documented in the README; TOTP secrets are derived from the
username so that a reload yields the same ones, and `make run` prints them.
"""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass

from homeward.accounts.roles import AgencyType, Role

DEMO_PASSWORD = "Homeward-demo-2026"  # noqa: S105 - documented demo credential, refused in production settings


def demo_totp_key_hex(username: str) -> str:
    return hashlib.sha1(f"homeward-demo:{username}".encode(), usedforsecurity=False).hexdigest()


def demo_totp_base32(username: str) -> str:
    return base64.b32encode(bytes.fromhex(demo_totp_key_hex(username))).decode()


@dataclass(frozen=True)
class DemoCounty:
    slug: str
    code: str
    name: str


COUNTY_A = DemoCounty("wuhou", "510107", "武侯区")  # 四川省 成都市
COUNTY_B = DemoCounty("jinniu", "510106", "金牛区")  # 四川省 成都市, same province as A
COUNTY_C = DemoCounty("wuhua", "530102", "五华区")  # 云南省 昆明市, another province
COUNTIES = (COUNTY_A, COUNTY_B, COUNTY_C)
PROVINCES = (("sichuan", "510000", "四川省"), ("yunnan", "530000", "云南省"))

# Local agencies of each county: (key, name pattern, type)
COUNTY_AGENCIES = (
    ("police", "{county}公安分局", AgencyType.PUBLIC_SECURITY),
    ("civil", "{county}民政局", AgencyType.CIVIL_AFFAIRS),
    ("women", "{county}妇女联合会", AgencyType.WOMENS_FEDERATION),
    ("welfare", "{county}儿童福利院", AgencyType.WELFARE_INSTITUTION),
    ("school", "{county}实验小学", AgencyType.SCHOOL),
    ("hospital", "{county}人民医院", AgencyType.HOSPITAL),
    ("hotel", "{county}迎宾酒店", AgencyType.HOTEL),
    ("plan", "{county}反拐工作联席会议办公室", AgencyType.PLAN_OFFICE),
)

# Every role, in every demo county, held at the agency that would hold it.
COUNTY_USERS = (
    (Role.INVESTIGATOR, "police"),
    (Role.COMMAND_CENTRE, "police"),
    (Role.CASE_LEADER, "police"),
    (Role.DNA_EXAMINER, "police"),
    (Role.DNA_LAB_MANAGER, "police"),
    (Role.CASEWORKER, "civil"),
    (Role.CARE_WORKER, "welfare"),
    (Role.WOMENS_FEDERATION_OFFICER, "women"),
    (Role.MANDATORY_REPORTER, "school"),
    (Role.PLAN_COORDINATOR, "plan"),
    (Role.AUDITOR, "police"),
    (Role.SYSADMIN, "police"),
)
EXTRA_REPORTERS = (("reporter_hospital", "hospital"), ("reporter_hotel", "hotel"))

# Provincial and national users: who sees more than one county.
PROVINCIAL_USERS = (
    Role.INVESTIGATOR,
    Role.COMMAND_CENTRE,
    Role.AUDITOR,
    Role.SYSADMIN,
    Role.PLAN_COORDINATOR,
)


def username_for(role: str, place: str) -> str:
    return f"{role}_{place}"

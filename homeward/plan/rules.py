"""Who works with the plan, and which national line a local agency belongs to.

Jurisdiction is decided by `homeward.access`; these rules decide roles. Every agency's staff (except mandatory
reporters, auditors, administrators and partner platforms) work on their own agency's plans, reports and
activities; plan coordinators (the joint-conference offices at national, provincial and county level) see all plan
work in their jurisdiction, return reports, run evaluations, supervision listings and assessments.
"""

from __future__ import annotations

from typing import Any

import rules

from homeward.accounts.roles import AgencyType, Role
from homeward.core.permissions import has_role

PLAN_COORDINATOR_ROLES = (Role.PLAN_COORDINATOR,)
PLAN_ROLES = (
    Role.PLAN_COORDINATOR,
    Role.INVESTIGATOR,
    Role.COMMAND_CENTRE,
    Role.CASE_LEADER,
    Role.DNA_LAB_MANAGER,
    Role.CASEWORKER,
    Role.CARE_WORKER,
    Role.WOMENS_FEDERATION_OFFICER,
)

# The national body a local agency answers to in the plan ("our measures" of a county police bureau are
# 公安部's). Plan offices are coordinators and have no line of their own.
LINE_BY_AGENCY_TYPE: dict[str, str] = {
    AgencyType.PUBLIC_SECURITY: "公安部",
    AgencyType.CIVIL_AFFAIRS: "民政部",
    AgencyType.WELFARE_INSTITUTION: "民政部",
    AgencyType.MARRIAGE_REGISTRY: "民政部",
    AgencyType.VILLAGE_COMMITTEE: "民政部",
    AgencyType.WOMENS_FEDERATION: "全国妇联",
    AgencyType.SCHOOL: "教育部",
    AgencyType.HOSPITAL: "国家卫生健康委",
    AgencyType.TRANSPORT: "交通运输部",
    AgencyType.JOB_AGENCY: "人力资源社会保障部",
    AgencyType.ENTERTAINMENT_VENUE: "文化和旅游部",
}


def agency_line(agency: Any) -> str | None:
    """The plan name an agency acts under: its own name if national, its national counterpart if local."""
    if agency is None:
        return None
    if agency.is_national:
        return str(agency.name)
    return LINE_BY_AGENCY_TYPE.get(agency.type)


def line_agency_types(line: str) -> list[str]:
    return [t for t, name in LINE_BY_AGENCY_TYPE.items() if name == line]


can_work_on_plan = has_role(*PLAN_ROLES)
is_plan_coordinator = has_role(*PLAN_COORDINATOR_ROLES)

rules.add_perm("plan.view", can_work_on_plan)
rules.add_perm("plan.write", can_work_on_plan)
rules.add_perm("plan.coordinate", is_plan_coordinator)

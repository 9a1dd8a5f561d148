"""Who may do what with cases. Jurisdiction and case-group membership are decided by `cases.selectors`."""

from __future__ import annotations

from typing import Any

import rules

from homeward.accounts.roles import Role
from homeward.core.permissions import has_role, is_police

# Police roles that work on cases; DNA staff read them (and see DNA match links in full).
CASE_WRITE_ROLES = (Role.INVESTIGATOR, Role.COMMAND_CENTRE, Role.CASE_LEADER)
CASE_VIEW_ROLES = (*CASE_WRITE_ROLES, Role.DNA_EXAMINER, Role.DNA_LAB_MANAGER)
# Who runs a case group: adds members, changes the leader, closes the case.
GROUP_MANAGER_ROLES = (Role.CASE_LEADER, Role.COMMAND_CENTRE)
# Supervision (挂牌督办) is listed by provincial or national staff holding one of these roles.
SUPERVISOR_ROLES = (Role.INVESTIGATOR, Role.COMMAND_CENTRE, Role.CASE_LEADER, Role.PLAN_COORDINATOR)


@rules.predicate
def is_provincial_or_national(user: Any) -> bool:
    prefix = getattr(user, "scope_prefix", None)
    return prefix is not None and len(prefix) <= 2


can_view_cases = has_role(*CASE_VIEW_ROLES) & is_police
can_work_cases = has_role(*CASE_WRITE_ROLES) & is_police

rules.add_perm("cases.view_case", can_view_cases)
rules.add_perm("cases.add_case", can_work_cases)
rules.add_perm("cases.change_case", can_work_cases)
rules.add_perm("cases.manage_group", has_role(*GROUP_MANAGER_ROLES) & is_police)
can_supervise = has_role(*SUPERVISOR_ROLES) & is_provincial_or_national
rules.add_perm("cases.supervise", can_supervise)
# The local agency files progress reports on supervision of its cases and regions.
rules.add_perm("cases.report_supervision", can_work_cases)
rules.add_perm("cases.view_supervision", can_view_cases | can_supervise)

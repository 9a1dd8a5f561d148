"""Who may do what with tips. Jurisdiction is decided separately, by `homeward.access`."""

from __future__ import annotations

from typing import Any

import rules

from homeward.accounts.roles import MANDATORY_REPORTER_TYPES, POLICE_AGENCY_TYPES, Role
from homeward.core.permissions import has_role

TIP_HANDLE_ROLES = (Role.INVESTIGATOR, Role.COMMAND_CENTRE, Role.CASE_LEADER)
TIP_VIEW_ROLES = (*TIP_HANDLE_ROLES, Role.AUDITOR)
# Who may see who told us: the handling agency's investigators and auditors, nobody else.
INFORMANT_IDENTITY_ROLES = (Role.INVESTIGATOR, Role.AUDITOR)
REWARD_PROPOSE_ROLES = (Role.INVESTIGATOR, Role.CASE_LEADER)
REWARD_APPROVE_ROLES = (Role.CASE_LEADER, Role.COMMAND_CENTRE)


@rules.predicate
def in_police_agency(user: Any) -> bool:
    agency = getattr(user, "agency", None)
    return bool(agency is not None and agency.type in POLICE_AGENCY_TYPES)


@rules.predicate
def in_reporting_sector(user: Any) -> bool:
    agency = getattr(user, "agency", None)
    return bool(agency is not None and agency.type in MANDATORY_REPORTER_TYPES)


rules.add_perm("tips.view_tip", has_role(*TIP_VIEW_ROLES) & in_police_agency)
rules.add_perm("tips.change_tip", has_role(*TIP_HANDLE_ROLES) & in_police_agency)
rules.add_perm("tips.export_tip", has_role(*TIP_VIEW_ROLES) & in_police_agency)
# A lead entered by police staff from another app (a confirmed online post, an alert sighting).
rules.add_perm("tips.submit_staff_tip", has_role(*TIP_HANDLE_ROLES) & in_police_agency)
rules.add_perm("tips.file_report", has_role(Role.MANDATORY_REPORTER) & in_reporting_sector)
rules.add_perm("tips.propose_reward", has_role(*REWARD_PROPOSE_ROLES) & in_police_agency)
rules.add_perm("tips.approve_reward", has_role(*REWARD_APPROVE_ROLES) & in_police_agency)
rules.add_perm("tips.pay_reward", has_role(*TIP_HANDLE_ROLES) & in_police_agency)


def may_see_informant(user: Any, tip: Any) -> bool:
    return bool(
        getattr(user, "is_authenticated", False)
        and user.agency_id is not None
        and tip.agency_id == user.agency_id
        and user.has_role(*INFORMANT_IDENTITY_ROLES)
    )

"""Who may use situation analysis. What they see is limited to their jurisdiction by the selectors.

Dashboards and stored results are aggregates, but they describe where trafficking happens, so they are for the
people who act on them: command centres, plan coordinators, investigators and case leaders (every police agency
is county level or higher), and auditors, who read them but start nothing. Runs are started by command centres and
plan coordinators; warnings are addressed to command centres, who acknowledge them.
"""

import rules

from homeward.accounts.roles import Role
from homeward.core.permissions import has_role

VIEW_ROLES = (Role.COMMAND_CENTRE, Role.PLAN_COORDINATOR, Role.INVESTIGATOR, Role.CASE_LEADER, Role.AUDITOR)
RUN_ROLES = (Role.COMMAND_CENTRE, Role.PLAN_COORDINATOR)
ACKNOWLEDGE_ROLES = (Role.COMMAND_CENTRE,)

rules.add_perm("analysis.view", has_role(*VIEW_ROLES))
rules.add_perm("analysis.export", has_role(*VIEW_ROLES))
rules.add_perm("analysis.run", has_role(*RUN_ROLES))
rules.add_perm("analysis.acknowledge", has_role(*ACKNOWLEDGE_ROLES))

"""Who may work on the portal's staff pages. Jurisdiction is decided separately, by `homeward.access`.

Police of a county (and above) handle family-search registrations and keep the DNA sampling points; police and the
women's federation write guidance pages; plan coordinators and system administrators publish them — and never a
page they wrote themselves (checked in the service).
"""

from __future__ import annotations

import rules

from homeward.accounts.roles import Role
from homeward.core.permissions import has_role, is_police

POLICE_PORTAL_ROLES = (Role.INVESTIGATOR, Role.COMMAND_CENTRE, Role.CASE_LEADER)
WRITER_ROLES = (*POLICE_PORTAL_ROLES, Role.WOMENS_FEDERATION_OFFICER, Role.PLAN_COORDINATOR)
PUBLISHER_ROLES = (Role.PLAN_COORDINATOR, Role.SYSADMIN)

police = has_role(*POLICE_PORTAL_ROLES) & is_police

rules.add_perm("portal.handle_registration", police)
rules.add_perm("portal.manage_sampling_point", police)
rules.add_perm("portal.write_guidance", has_role(*WRITER_ROLES))
rules.add_perm("portal.publish_guidance", has_role(*PUBLISHER_ROLES))

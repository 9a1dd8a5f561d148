"""Who may work with family-tracing records. Jurisdiction is decided separately, by `homeward.access`.

Police file and review missing-person reports; police and the civil-affairs, care and women's-federation staff who
meet found people register those. The family's contact is shown only to the police (`tracing.view_contact`).
"""

from __future__ import annotations

import rules

from homeward.accounts.roles import Role
from homeward.core.permissions import has_role, is_police

POLICE_TRACING_ROLES = (Role.INVESTIGATOR, Role.COMMAND_CENTRE, Role.CASE_LEADER)
FOUND_ROLES = (*POLICE_TRACING_ROLES, Role.CASEWORKER, Role.CARE_WORKER, Role.WOMENS_FEDERATION_OFFICER)
TRACING_ROLES = FOUND_ROLES
REVIEW_ROLES = (Role.INVESTIGATOR, Role.CASE_LEADER)

police = has_role(*POLICE_TRACING_ROLES) & is_police

rules.add_perm("tracing.view_record", has_role(*TRACING_ROLES))
rules.add_perm("tracing.add_report", police)
rules.add_perm("tracing.change_report", police)
rules.add_perm("tracing.view_contact", police)
rules.add_perm("tracing.add_found", has_role(*FOUND_ROLES))
rules.add_perm("tracing.change_found", has_role(*FOUND_ROLES))
rules.add_perm("tracing.review_candidate", has_role(*REVIEW_ROLES) & is_police)
rules.add_perm("tracing.verify_registration", police)

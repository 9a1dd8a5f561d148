"""Who may work with person records. Jurisdiction is decided separately, by `homeward.access`."""

import rules

from homeward.accounts.roles import Role
from homeward.core.permissions import has_role

PEOPLE_ROLES = (
    Role.INVESTIGATOR,
    Role.COMMAND_CENTRE,
    Role.CASE_LEADER,
    Role.CASEWORKER,
    Role.CARE_WORKER,
    Role.WOMENS_FEDERATION_OFFICER,
)

can_work_with_people = has_role(*PEOPLE_ROLES)

rules.add_perm("people.view_person", can_work_with_people)
rules.add_perm("people.add_person", can_work_with_people)
rules.add_perm("people.change_person", can_work_with_people)
rules.add_perm("people.share_person", has_role(Role.INVESTIGATOR, Role.CASE_LEADER, Role.CASEWORKER))

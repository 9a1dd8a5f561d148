"""Who may work with the DNA database: police DNA roles in police agencies only. Jurisdiction is decided
separately, by `homeward.access`.

The action plan forbids anyone but the police to collect these data, so every permission requires a police
agency, and anybody else is answered as if the DNA pages did not exist (404, see `selectors.require`).
"""

from __future__ import annotations

from typing import Any

import rules

from homeward.accounts.roles import Role
from homeward.core.permissions import has_role, is_police

DNA_STAFF_ROLES = (Role.DNA_EXAMINER, Role.DNA_LAB_MANAGER)
# Roles of tracing, care and cases that learn that a match was confirmed (never the profiles or LRs).
MATCH_INFO_ROLES = (
    Role.INVESTIGATOR,
    Role.CASE_LEADER,
    Role.COMMAND_CENTRE,
    Role.CASEWORKER,
    Role.CARE_WORKER,
    Role.DNA_EXAMINER,
    Role.DNA_LAB_MANAGER,
)


@rules.predicate
def is_dna_staff(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and getattr(user, "is_dna_staff", False))


dna_staff = has_role(*DNA_STAFF_ROLES) & is_police & is_dna_staff
examiner = has_role(Role.DNA_EXAMINER) & is_police

rules.add_perm("dna.view_profile", dna_staff)
rules.add_perm("dna.add_sample", dna_staff)
rules.add_perm("dna.search", dna_staff)
rules.add_perm("dna.export_profile", dna_staff)
rules.add_perm("dna.review_candidate", examiner)
rules.add_perm("dna.countersign_candidate", dna_staff)
rules.add_perm("dna.sign_off_search", examiner)
rules.add_perm("dna.clear_registration", examiner)
rules.add_perm("dna.manage_tables", has_role(Role.DNA_LAB_MANAGER) & is_police)
rules.add_perm("dna.withdraw_sample", has_role(Role.DNA_LAB_MANAGER) & is_police)
rules.add_perm("dna.view_match_info", has_role(*MATCH_INFO_ROLES))

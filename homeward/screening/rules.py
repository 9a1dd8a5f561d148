"""Who may do what in screening. Jurisdiction is decided separately, by `homeward.access`.

Reviewers are investigators of a public-security agency (the cyber-police units sit with them): every police
agency in Homeward is at county level or higher, so any investigator may review the posts of their jurisdiction.
Command-centre officers and case leaders may read the queue (they dispatch what it turns up) but not label.
Retraining changes the model every jurisdiction's queue is scored with, so it is kept to police investigators,
case leaders and command-centre officers of a provincial or national agency, and to plan coordinators.
Partner platforms (API only) may push posts, and nothing else.
"""

from __future__ import annotations

from typing import Any

import rules

from homeward.accounts.roles import POLICE_AGENCY_TYPES, Role
from homeward.core.permissions import has_role

REVIEW_ROLES = (Role.INVESTIGATOR,)
VIEW_ROLES = (Role.INVESTIGATOR, Role.COMMAND_CENTRE, Role.CASE_LEADER)
RETRAIN_POLICE_ROLES = (Role.INVESTIGATOR, Role.CASE_LEADER, Role.COMMAND_CENTRE)


@rules.predicate
def in_police_agency(user: Any) -> bool:
    agency = getattr(user, "agency", None)
    return bool(agency is not None and agency.type in POLICE_AGENCY_TYPES)


@rules.predicate
def at_province_or_above(user: Any) -> bool:
    prefix = getattr(user, "scope_prefix", None)
    return prefix is not None and len(prefix) <= 2


rules.add_perm("screening.view_post", has_role(*VIEW_ROLES) & in_police_agency)
rules.add_perm("screening.review_post", has_role(*REVIEW_ROLES) & in_police_agency)
rules.add_perm(
    "screening.ingest_post", (has_role(*REVIEW_ROLES) & in_police_agency) | has_role(Role.PARTNER_PLATFORM)
)
rules.add_perm(
    "screening.retrain",
    (has_role(*RETRAIN_POLICE_ROLES) & in_police_agency & at_province_or_above)
    | has_role(Role.PLAN_COORDINATOR),
)

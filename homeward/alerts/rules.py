"""Who may work with alerts. Jurisdiction is decided separately, by `homeward.access`.

Only command-centre officers of a police agency at county level or higher release, edit, renew and close alerts
and work the sighting queue; every police role may read alerts in its jurisdiction.
"""

from __future__ import annotations

from typing import Any

import rules

from homeward.accounts.roles import POLICE_ROLES, Role
from homeward.core.permissions import has_role

ALERT_VIEW_ROLES = tuple(sorted(POLICE_ROLES))
ALERT_MANAGE_ROLES = (Role.COMMAND_CENTRE,)
PARTNER_ROLES = (Role.COMMAND_CENTRE, Role.SYSADMIN)


@rules.predicate
def is_county_or_higher_police(user: Any) -> bool:
    # Every division in the register is a county or above, so a police agency anywhere in it qualifies;
    # township stations (nine-digit codes) cannot hold an agency here.
    agency = getattr(user, "agency", None)
    return bool(getattr(user, "is_authenticated", False) and agency is not None and agency.is_police)


can_view = has_role(*ALERT_VIEW_ROLES) & is_county_or_higher_police
can_manage = has_role(*ALERT_MANAGE_ROLES) & is_county_or_higher_police

rules.add_perm("alerts.view_alert", can_view)
rules.add_perm("alerts.release_alert", can_manage)
rules.add_perm("alerts.change_alert", can_manage)
rules.add_perm("alerts.review_sighting", can_manage)
rules.add_perm("alerts.manage_partner", has_role(*PARTNER_ROLES))

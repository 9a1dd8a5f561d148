"""The roles staff hold, and which kinds of agency may hold each."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class AgencyType(models.TextChoices):
    # National bodies named in the action plan
    PARTY_ORGAN = "party_organ", _("Party organ")
    STATE_COUNCIL_BODY = "state_council_body", _("State Council ministry or commission")
    JUDICIAL = "judicial", _("Court or procuratorate")
    PEOPLES_ORGANISATION = "peoples_organisation", _("People's organisation")
    PLAN_OFFICE = "plan_office", _("Anti-trafficking joint conference office")
    # Local agencies
    PUBLIC_SECURITY = "public_security", _("Public security bureau")
    CIVIL_AFFAIRS = "civil_affairs", _("Civil affairs bureau")
    WOMENS_FEDERATION = "womens_federation", _("Women's federation")
    WELFARE_INSTITUTION = "welfare_institution", _("Child welfare or rescue institution")
    SCHOOL = "school", _("School")
    HOSPITAL = "hospital", _("Hospital")
    HOTEL = "hotel", _("Hotel")
    TRANSPORT = "transport", _("Transport operator")
    MARRIAGE_REGISTRY = "marriage_registry", _("Marriage registry")
    JOB_AGENCY = "job_agency", _("Job agency")
    ENTERTAINMENT_VENUE = "entertainment_venue", _("Entertainment venue")
    VILLAGE_COMMITTEE = "village_committee", _("Village or residents' committee")
    PARTNER_PLATFORM = "partner_platform", _("Partner platform")
    OTHER = "other", _("Other")


POLICE_AGENCY_TYPES = frozenset({AgencyType.PUBLIC_SECURITY})
MANDATORY_REPORTER_TYPES = frozenset(
    {
        AgencyType.SCHOOL,
        AgencyType.HOSPITAL,
        AgencyType.HOTEL,
        AgencyType.TRANSPORT,
        AgencyType.MARRIAGE_REGISTRY,
        AgencyType.JOB_AGENCY,
        AgencyType.ENTERTAINMENT_VENUE,
        AgencyType.VILLAGE_COMMITTEE,
    }
)


class Role(models.TextChoices):
    INVESTIGATOR = "investigator", _("Investigator")
    COMMAND_CENTRE = "command_centre", _("Command-centre officer")
    CASE_LEADER = "case_leader", _("Case leader")
    DNA_EXAMINER = "dna_examiner", _("DNA examiner")
    DNA_LAB_MANAGER = "dna_lab_manager", _("DNA laboratory manager")
    CASEWORKER = "caseworker", _("Civil-affairs caseworker")
    CARE_WORKER = "care_worker", _("Care-institution worker")
    WOMENS_FEDERATION_OFFICER = "womens_federation_officer", _("Women's federation officer")
    MANDATORY_REPORTER = "mandatory_reporter", _("Mandatory reporter")
    PLAN_COORDINATOR = "plan_coordinator", _("Plan coordinator")
    AUDITOR = "auditor", _("Auditor")
    PARTNER_PLATFORM = "partner_platform", _("Partner platform (API only)")
    SYSADMIN = "sysadmin", _("System administrator")


POLICE_ROLES = frozenset(
    {Role.INVESTIGATOR, Role.COMMAND_CENTRE, Role.CASE_LEADER, Role.DNA_EXAMINER, Role.DNA_LAB_MANAGER}
)
DNA_ROLES = frozenset({Role.DNA_EXAMINER, Role.DNA_LAB_MANAGER})

# Which agency types may hold a role. A role missing here may be held by any agency type.
ROLE_AGENCY_TYPES: dict[str, frozenset[str]] = {
    **dict.fromkeys(POLICE_ROLES, POLICE_AGENCY_TYPES),
    Role.CASEWORKER: frozenset({AgencyType.CIVIL_AFFAIRS, AgencyType.STATE_COUNCIL_BODY}),
    Role.CARE_WORKER: frozenset({AgencyType.WELFARE_INSTITUTION, AgencyType.CIVIL_AFFAIRS}),
    Role.WOMENS_FEDERATION_OFFICER: frozenset(
        {AgencyType.WOMENS_FEDERATION, AgencyType.PEOPLES_ORGANISATION}
    ),
    Role.MANDATORY_REPORTER: MANDATORY_REPORTER_TYPES,
    Role.PARTNER_PLATFORM: frozenset({AgencyType.PARTNER_PLATFORM}),
}

"""The staff home page, which shows each role what it works on (the public home page is the portal's)."""

from __future__ import annotations

from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from homeward.accounts.roles import Role
from homeward.core.auth import staff_required, staff_user
from homeward.notifications.models import Notice
from homeward.regions.selectors import division_label

# What each role works on, shown on the staff home page. Later issues add their sections.
ROLE_WORK = {
    Role.INVESTIGATOR: _("Tips routed to your agency, your cases, person records in your jurisdiction."),
    Role.COMMAND_CENTRE: _("Missing-child alerts, sightings and urgent tips for your jurisdiction."),
    Role.CASE_LEADER: _("The case groups you lead: solve the case, rescue the child, comfort the family."),
    Role.DNA_EXAMINER: _("DNA profiles, database search candidates waiting for review."),
    Role.DNA_LAB_MANAGER: _("Laboratory work, frequency tables and countersignatures."),
    Role.CASEWORKER: _("Care records, placements, reunions and follow-up visits."),
    Role.CARE_WORKER: _("The people placed in your institution and their services."),
    Role.WOMENS_FEDERATION_OFFICER: _("Assistance to women and children, prevention work."),
    Role.MANDATORY_REPORTER: _("File a mandatory report and follow the reports you filed."),
    Role.PLAN_COORDINATOR: _("The action plan's measures, progress reports and evaluations."),
    Role.AUDITOR: _("Search the audit log of who read and changed what."),
    Role.SYSADMIN: _("Agencies and user accounts of your jurisdiction."),
}


@staff_required
@require_GET
def staff_home(request: HttpRequest) -> HttpResponse:
    user = staff_user(request)
    work = [
        (label, ROLE_WORK[role])
        for role, label in zip(user.roles, user.role_labels(), strict=True)
        if role in ROLE_WORK
    ]
    notices = Notice.objects.filter(recipient=user)[:10]
    return render(
        request,
        "core/staff_home.html",
        {"work": work, "notices": notices, "jurisdiction_label": division_label(user.jurisdiction or "")},
    )


@require_GET
def health(request: HttpRequest) -> HttpResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})

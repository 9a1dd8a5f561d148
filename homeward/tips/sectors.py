"""What each mandatory-reporting sector can know: the extra fields of its report form.

The sectors are the agency types in `accounts.roles.MANDATORY_REPORTER_TYPES`. A reporter files for their own
agency's sector; the fields below become checkboxes and short text fields on that sector's form and are stored in
`Tip.sector_details`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from homeward.accounts.roles import MANDATORY_REPORTER_TYPES, AgencyType
from homeward.tips.models import Category


@dataclass(frozen=True)
class SectorField:
    name: str
    label: str | Promise
    kind: str = "bool"  # bool or text
    max_length: int = 200


@dataclass(frozen=True)
class Sector:
    code: str
    default_category: str
    fields: tuple[SectorField, ...]
    child_sector: bool = False  # reports from this sector usually concern children


SECTORS: dict[str, Sector] = {
    AgencyType.HOSPITAL: Sector(
        AgencyType.HOSPITAL,
        Category.CHILD_TRADE,
        (
            SectorField("mother_identity_failed", _("The mother's identity check failed at delivery")),
            SectorField(
                "certificate_for_baby_born_elsewhere",
                _("A birth certificate was requested for a baby not born here"),
            ),
            SectorField("baby_handed_over", _("A newborn was handed to people who are not the parents")),
            SectorField("patient_signs_of_control", _("A patient seems controlled by a companion")),
            SectorField("ward", _("Department or ward"), "text", 60),
        ),
        child_sector=True,
    ),
    AgencyType.HOTEL: Sector(
        AgencyType.HOTEL,
        Category.CHILD_MISSING,
        (
            SectorField(
                "adult_with_child_not_theirs", _("An adult checked in with a child who is not theirs")
            ),
            SectorField("guest_documents_held", _("One guest holds the others' identity documents")),
            SectorField("many_guests_one_room", _("Many young guests in one room, managed by others")),
            SectorField("room", _("Room number"), "text", 20),
            SectorField("check_in_name", _("Name used at check-in"), "text", 60),
        ),
    ),
    AgencyType.SCHOOL: Sector(
        AgencyType.SCHOOL,
        Category.CHILD_MISSING,
        (
            SectorField("pupil_absent_unexplained", _("A pupil is absent and the family cannot explain it")),
            SectorField("stranger_collecting", _("A stranger tried to collect a pupil")),
            SectorField("pupil_says_sold", _("A pupil says they were bought, sold or given away")),
            SectorField("grade_class", _("Grade and class"), "text", 40),
        ),
        child_sector=True,
    ),
    AgencyType.TRANSPORT: Sector(
        AgencyType.TRANSPORT,
        Category.CHILD_MISSING,
        (
            SectorField("child_distressed_with_adult", _("A distressed child travelling with an adult")),
            SectorField("group_controlled", _("A group travelling under someone's control")),
            SectorField("tickets_bought_by_other", _("Tickets and documents held by one person")),
            SectorField("service", _("Train, bus or flight number"), "text", 30),
        ),
    ),
    AgencyType.MARRIAGE_REGISTRY: Sector(
        AgencyType.MARRIAGE_REGISTRY,
        Category.WOMAN_TRAFFICKED,
        (
            SectorField("suspected_trafficked_bride", _("Suspected trafficked or bought bride")),
            SectorField("bride_cannot_communicate", _("The bride cannot speak freely or understand")),
            SectorField("documents_inconsistent", _("Identity documents look false or inconsistent")),
            SectorField("foreign_bride", _("The bride is a foreign national")),
            SectorField("bride_nationality", _("The bride's nationality"), "text", 40),
        ),
    ),
    AgencyType.JOB_AGENCY: Sector(
        AgencyType.JOB_AGENCY,
        Category.FORCED_LABOUR,
        (
            SectorField("documents_withheld", _("An employer withholds workers' documents")),
            SectorField("debt_bondage", _("Workers owe fees or debts they cannot leave")),
            SectorField("overseas_offer", _("Suspicious overseas job offer")),
            SectorField("employer", _("Employer or recruiter"), "text", 100),
        ),
    ),
    AgencyType.ENTERTAINMENT_VENUE: Sector(
        AgencyType.ENTERTAINMENT_VENUE,
        Category.SEXUAL_EXPLOITATION,
        (
            SectorField("minor_working", _("A minor works or is offered here")),
            SectorField("not_free_to_leave", _("Workers are not free to leave")),
            SectorField("documents_held", _("Workers' documents are held by others")),
        ),
    ),
    AgencyType.VILLAGE_COMMITTEE: Sector(
        AgencyType.VILLAGE_COMMITTEE,
        Category.WOMAN_TRAFFICKED,
        (
            SectorField("bought_bride", _("A woman appears to have been bought as a bride")),
            SectorField("child_without_birth_record", _("A child appeared without a birth record")),
            SectorField("person_held", _("Someone is held against their will")),
            SectorField("begging_children", _("Children are made to beg or work")),
            SectorField("household", _("Household (group, house number)"), "text", 80),
        ),
    ),
}
assert set(SECTORS) == set(MANDATORY_REPORTER_TYPES)


def sector_for(agency_type: str) -> Sector | None:
    return SECTORS.get(agency_type)


def clean_sector_details(sector: Sector, raw: dict[str, Any]) -> dict[str, Any]:
    """Only the sector's own fields, with the right types; ValidationError for unknown fields or bad values."""
    known = {f.name: f for f in sector.fields}
    unknown = sorted(set(raw) - set(known))
    if unknown:
        raise ValidationError(
            {"sector_details": gettext("Unknown fields for this sector: %(f)s") % {"f": ", ".join(unknown)}}
        )
    clean: dict[str, Any] = {}
    for name, spec in known.items():
        value = raw.get(name)
        if spec.kind == "bool":
            if value is not None and not isinstance(value, bool):
                raise ValidationError(
                    {"sector_details": gettext("%(f)s must be true or false.") % {"f": name}}
                )
            clean[name] = bool(value)
        else:
            text = "" if value is None else value
            if not isinstance(text, str):
                raise ValidationError({"sector_details": gettext("%(f)s must be text.") % {"f": name}})
            text = text.strip()
            if len(text) > spec.max_length:
                raise ValidationError(
                    {
                        "sector_details": gettext("%(f)s is at most %(n)d characters.")
                        % {"f": name, "n": spec.max_length}
                    }
                )
            clean[name] = text
    return clean


def details_for_display(sector: Sector | None, details: dict[str, Any]) -> list[tuple[str, str]]:
    if sector is None:
        return []
    out: list[tuple[str, str]] = []
    for spec in sector.fields:
        value = details.get(spec.name)
        if spec.kind == "bool" and value:
            out.append((str(spec.label), gettext("yes")))
        elif spec.kind == "text" and value:
            out.append((str(spec.label), str(value)))
    return out

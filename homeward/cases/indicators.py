"""Counts of the cases app for the plan and analysis apps (contract: `homeward.core.indicators`).

Each fact is dated by the day it happened (registered, solved, closed, rescued, judicial stage reached), taken as
local midnight of that day, and placed in the case's jurisdiction.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, time
from typing import Any

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from homeward.cases.models import Case, CasePerson, CaseRole, CaseType, JudicialStage, VictimStatus

STAGE_FIELDS = {
    JudicialStage.TRANSFERRED: "transferred_on",
    JudicialStage.INDICTED: "indicted_on",
    JudicialStage.JUDGED: "judged_on",
}

INDICATORS: dict[str, Any] = {
    "cases_registered": _("Cases registered"),
    "cases_solved": _("Cases solved"),
    "cases_closed": _("Cases closed"),
    "victims_rescued": _("Victims rescued"),
    "child_victims_rescued": _("Child victims rescued"),
    "cross_border_cases_registered": _("Cross-border cases registered"),
    **{f"cases_registered_{value}": _("Cases registered: %s") % label for value, label in CaseType.choices},
    **{f"cases_stage_{stage.value}": _("Cases reaching stage: %s") % stage.label for stage in STAGE_FIELDS},
}


def _day_range(start: datetime, end: datetime) -> tuple[date, date]:
    return timezone.localdate(start), timezone.localdate(end)


def _at(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def _dated(
    rows: Iterable[tuple[str, date | None]], start: datetime, end: datetime
) -> list[tuple[str, datetime]]:
    out = []
    for code, day in rows:
        if day is None:
            continue
        at = _at(day)
        if start <= at < end:
            out.append((code, at))
    return out


def _cases(prefix: str) -> Any:
    return Case.objects.filter(jurisdiction__startswith=prefix) if prefix else Case.objects.all()


def events(name: str, *, prefix: str, start: datetime, end: datetime) -> list[tuple[str, datetime]]:
    first, last = _day_range(start, end)
    window = {"__gte": first, "__lte": last}

    def by_date(field: str, **filters: Any) -> list[tuple[str, datetime]]:
        rows = (
            _cases(prefix)
            .filter(**{f"{field}{k}": v for k, v in window.items()}, **filters)
            .values_list("jurisdiction", field)
        )
        return _dated(rows, start, end)

    if name == "cases_registered":
        return by_date("registered_on")
    if name == "cross_border_cases_registered":
        return by_date("registered_on", cross_border=True)
    if name.startswith("cases_registered_") and name[len("cases_registered_") :] in CaseType.values:
        return by_date("registered_on", case_type=name[len("cases_registered_") :])
    if name == "cases_solved":
        return by_date("solved_on")
    if name == "cases_closed":
        return by_date("closed_on")
    if name.startswith("cases_stage_"):
        stage = name[len("cases_stage_") :]
        field = STAGE_FIELDS.get(JudicialStage(stage)) if stage in JudicialStage.values else None
        return by_date(field) if field else []
    if name in ("victims_rescued", "child_victims_rescued"):
        victims = CasePerson.objects.filter(
            case__in=_cases(prefix),
            role=CaseRole.VICTIM,
            victim_status=VictimStatus.RESCUED,
            status_on__gte=first,
            status_on__lte=last,
        )
        if name == "child_victims_rescued":
            victims = victims.filter(is_child=True)
        return _dated(victims.values_list("case__jurisdiction", "status_on"), start, end)
    return []


def victim_flows(*, prefix: str, start: datetime, end: datetime) -> list[tuple[str, str, str]]:
    """(origin code where the victim was taken from, destination code where sold to, "YYYY") per victim.

    A victim counts when the case, the origin or the destination lies under `prefix`, and the day the victim
    was taken (or, when unknown, the case's registration) falls in [start, end).
    """
    first, last = _day_range(start, end)
    victims = CasePerson.objects.filter(role=CaseRole.VICTIM).exclude(taken_from="").exclude(sold_to="")
    if prefix:
        victims = victims.filter(
            Q(case__jurisdiction__startswith=prefix)
            | Q(taken_from__startswith=prefix)
            | Q(sold_to__startswith=prefix)
        )
    victims = victims.filter(
        Q(taken_on__gte=first, taken_on__lte=last)
        | Q(taken_on__isnull=True, case__registered_on__gte=first, case__registered_on__lte=last)
    )
    flows = []
    for origin, destination, taken_on, registered_on in victims.values_list(
        "taken_from", "sold_to", "taken_on", "case__registered_on"
    ).order_by("id"):
        day = taken_on or registered_on
        if start <= _at(day) < end:
            flows.append((origin, destination, f"{day.year:04d}"))
    return flows

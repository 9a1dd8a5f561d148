"""The areas a dashboard is drawn for: a division, the divisions one level below it, its counties and populations."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Q
from django.utils.translation import gettext as _

from homeward.regions.models import Division, DivisionLevel
from homeward.regions.selectors import ancestor_codes, scope_prefix


@dataclass(frozen=True)
class Area:
    code: str
    name: str
    level: str
    population: int | None

    @property
    def prefix(self) -> str:
        return scope_prefix(self.code)

    @property
    def is_county(self) -> bool:
        return self.level == DivisionLevel.COUNTY


def area_of(division: Division) -> Area:
    return Area(division.code, division.name, division.level, division.population)


def breadcrumbs(code: str) -> list[Area]:
    found = {d.code: d for d in Division.objects.filter(code__in=ancestor_codes(code))}
    return [area_of(found[c]) for c in ancestor_codes(code) if c in found]


def children(area: Area) -> list[Area]:
    """The divisions one level below (provinces for the nation, and so on); a county has none."""
    if area.is_county:
        return []
    return [area_of(d) for d in Division.objects.filter(parent_id=area.code).order_by("code")]


def counties(area: Area) -> list[Area]:
    """County-level units: counties, plus prefecture-level cities without counties (e.g. 东莞市 441900)."""
    qs = Division.objects.filter(
        Q(level=DivisionLevel.COUNTY) | Q(level=DivisionLevel.PREFECTURE, children__isnull=True)
    )
    if area.prefix:
        qs = qs.filter(code__startswith=area.prefix)
    return [area_of(d) for d in qs.order_by("code")]


def names(codes: list[str]) -> dict[str, str]:
    return dict(Division.objects.filter(code__in=codes).values_list("code", "name"))


def at_this_level_label(area: Area) -> str:
    return _("recorded at %(name)s level") % {"name": area.name}


def by_child(area: Area, by_code: Counter[str], kids: list[Area]) -> tuple[list[tuple[Area, int]], int]:
    """Counts rolled up to each child division, plus the count recorded at the area's own level (not below it)."""
    rows = []
    placed = 0
    for kid in kids:
        n = sum(v for code, v in by_code.items() if code.startswith(kid.prefix))
        placed += n
        rows.append((kid, n))
    return rows, sum(by_code.values()) - placed


def national() -> str:
    return str(settings.NATIONAL_DIVISION_CODE)

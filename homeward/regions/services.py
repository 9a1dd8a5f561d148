"""Loading the division tables from the shipped reference data (homeward/refdata)."""

from __future__ import annotations

import csv
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction

from homeward.refdata import divisions as refdivisions
from homeward.refdata.divisions import load_divisions
from homeward.regions.models import Division, DivisionCodePeriod, DivisionLevel


@dataclass
class LoadReport:
    divisions: int
    periods: int
    created: int
    updated: int


@transaction.atomic
def regions_load() -> LoadReport:
    """Idempotent: a second run changes nothing; a newer data release updates names, parents and figures."""
    index = load_divisions()
    existing = {d.code: d for d in Division.objects.all()}
    created = updated = 0
    national, was_created = Division.objects.update_or_create(
        code=settings.NATIONAL_DIVISION_CODE,
        defaults={"name": "全国", "level": DivisionLevel.COUNTRY, "parent": None, "province_code": ""},
    )
    created += int(was_created)
    # Parents before children: provinces, prefectures, counties.
    order = {"province": 0, "prefecture": 1, "county": 2}
    rows = sorted(index, key=lambda d: (order[d.level], d.code))
    to_create: list[Division] = []
    to_update: list[Division] = []
    for d in rows:
        values = {
            "name": d.name,
            "level": d.level,
            "parent_id": d.parent_code or national.code,
            "province_code": d.province_code,
            "lat": d.lat,
            "lon": d.lon,
            "population": d.population,
        }
        current = existing.get(d.code)
        if current is None:
            to_create.append(Division(code=d.code, **values))
        elif any(getattr(current, k) != v for k, v in values.items()):
            for k, v in values.items():
                setattr(current, k, v)
            to_update.append(current)
    for level in ("province", "prefecture", "county"):
        Division.objects.bulk_create([d for d in to_create if d.level == level], batch_size=1000)
    Division.objects.bulk_update(
        to_update,
        ["name", "level", "parent_id", "province_code", "lat", "lon", "population"],
        batch_size=1000,
    )
    created += len(to_create)
    updated += len(to_update)
    periods = _load_periods()
    return LoadReport(divisions=len(rows) + 1, periods=periods, created=created, updated=updated)


def _load_periods() -> int:
    with (refdivisions.DATA_DIR / "codes.csv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    # The history is reference data with no foreign keys pointing at it: replacing it whole keeps it exact.
    DivisionCodePeriod.objects.all().delete()
    DivisionCodePeriod.objects.bulk_create(
        [
            DivisionCodePeriod(
                code=r["code"],
                name=r["name"],
                level=r["level"],
                parent_code=r["parent_code"],
                valid_from=int(r["valid_from"]),
                valid_to=int(r["valid_to"]) if r["valid_to"] else None,
                current_codes=r["current_codes"],
            )
            for r in rows
        ],
        batch_size=2000,
    )
    return len(rows)

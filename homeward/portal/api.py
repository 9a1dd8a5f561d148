"""JSON API of the portal app, mounted at /api/v1/portal/: the public lists partners and apps may show.

Only public data: active alerts (as on the public pages) and active DNA sampling points."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router, Schema

from homeward.portal import selectors

router = Router(tags=["portal"])


class NearAlertOut(Schema):
    url: str
    name: str
    place: str
    last_seen_at: str
    distance_km: float | None


class SamplingPointOut(Schema):
    name: str
    county: str
    address: str
    hours: str
    phone: str
    what_to_bring: str
    distance_km: float | None


def _origin(lat: float | None, lon: float | None) -> tuple[float, float] | None:
    return selectors.clean_point(lat, lon)


@router.get("/alerts-near", response=list[NearAlertOut], auth=None)
def alerts_near(
    request: HttpRequest, region: str = "", lat: float | None = None, lon: float | None = None
) -> list[NearAlertOut]:
    chosen = selectors.chosen_division(region)
    rows = selectors.alerts_near(division=chosen.code if chosen else "", point=_origin(lat, lon))
    return [
        NearAlertOut(
            url=f"/alerts/{row.alert.public_id}/",
            name=row.alert.person.primary_name,
            place=row.alert.last_seen_place,
            last_seen_at=row.alert.last_seen_at.isoformat(),
            distance_km=None if row.distance_km is None else round(row.distance_km, 1),
        )
        for row in rows
    ]


@router.get("/sampling-points", response=list[SamplingPointOut], auth=None)
def sampling_points(
    request: HttpRequest, region: str = "", lat: float | None = None, lon: float | None = None
) -> list[SamplingPointOut]:
    chosen = selectors.chosen_division(region)
    rows = selectors.public_sampling_points(division=chosen.code if chosen else "", origin=_origin(lat, lon))
    return [
        SamplingPointOut(
            name=row.point.name,
            county=row.point.jurisdiction,
            address=row.point.address,
            hours=row.point.hours,
            phone=row.point.phone,
            what_to_bring=row.point.what_to_bring,
            distance_km=None if row.distance_km is None else round(row.distance_km, 1),
        )
        for row in rows
    ]

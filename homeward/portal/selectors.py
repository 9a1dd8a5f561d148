"""Reads of the portal: public lists (alerts near a place, sampling points, published guidance) and the staff's
access-checked reads of registrations, sampling points and guidance pages."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from homeward.access import selectors as access
from homeward.alerts.geo import division_point
from homeward.alerts.selectors import public_feed_alerts
from homeward.audit import services as audit
from homeward.audit.models import AuditAction
from homeward.engines.cap import haversine_km
from homeward.portal.models import (
    FamilySearchRegistration,
    GuidancePage,
    GuidanceStatus,
    RegistrationStatus,
    SamplingPoint,
)
from homeward.regions.models import Division, DivisionLevel
from homeward.regions.selectors import scope_prefix

NEAR_LIMIT = 20


def require(actor: Any, perm: str, what: str) -> None:
    """Refuse (audited) a user without the permission."""
    if not actor.has_perm(perm):
        audit.record(
            actor=actor, action=AuditAction.PERMISSION_DENIED, object_type=what, detail={"perm": perm}
        )
        raise PermissionDenied


# ---------------------------------------------------------------- places


def clean_point(lat: Any, lon: Any) -> tuple[float, float] | None:
    """A (lat, lon) from query parameters, or None when either is missing or not a place on Earth."""
    try:
        point = float(lat), float(lon)
    except (TypeError, ValueError):
        return None
    if not (-90.0 <= point[0] <= 90.0 and -180.0 <= point[1] <= 180.0) or any(np.isnan(point)):
        return None
    return point


def division_children(parent: str) -> list[Division]:
    """The divisions directly under a province or prefecture (for the cascading selects); [] for anything else."""
    if not (isinstance(parent, str) and len(parent) == 6 and parent.isdigit()):
        return []
    return list(Division.objects.filter(parent_id=parent).order_by("code"))


def provinces() -> list[Division]:
    return list(Division.objects.filter(level=DivisionLevel.PROVINCE).order_by("code"))


def chosen_division(code: Any) -> Division | None:
    """The division a visitor picked, or None for an empty or unknown code (public filters never fail)."""
    if not (isinstance(code, str) and len(code) == 6 and code.isdigit()):
        return None
    return Division.objects.select_related("parent__parent").filter(code=code).first()


def _distances(origin: tuple[float, float], points: list[tuple[float, float] | None]) -> list[float | None]:
    known = [(i, p) for i, p in enumerate(points) if p is not None]
    result: list[float | None] = [None] * len(points)
    if known:
        lats = np.array([p[0] for _i, p in known])
        lons = np.array([p[1] for _i, p in known])
        for (i, _p), d in zip(known, haversine_km(origin[0], origin[1], lats, lons), strict=True):
            result[i] = float(d)
    return result


def _by_distance(items: list[Any], distances: list[float | None]) -> list[tuple[Any, float | None]]:
    pairs = list(zip(items, distances, strict=True))
    pairs.sort(key=lambda pair: (pair[1] is None, pair[1] if pair[1] is not None else 0.0))
    return pairs


# ---------------------------------------------------------------- alerts on the home page


@dataclass(frozen=True)
class NearAlert:
    alert: Any
    distance_km: float | None


def alerts_near(
    *, division: str = "", point: tuple[float, float] | None = None, limit: int = NEAR_LIMIT
) -> list[NearAlert]:
    """Active alerts for the public: within a chosen division (all of them first), nearest first when the visitor
    shared a location, newest first otherwise. Closed and expired alerts never appear."""
    alerts = [alert for alert, _message in public_feed_alerts() if alert.is_active]
    if division:
        prefix = scope_prefix(division)
        alerts = [a for a in alerts if a.last_seen_division.startswith(prefix)]
    if point is None:
        return [NearAlert(a, None) for a in alerts[:limit]]
    distances = _distances(point, [(a.last_seen_lat, a.last_seen_lon) for a in alerts])
    return [NearAlert(a, d) for a, d in _by_distance(alerts, distances)[:limit]]


# ---------------------------------------------------------------- sampling points


@dataclass(frozen=True)
class NearPoint:
    point: SamplingPoint
    distance_km: float | None


def point_location(point: SamplingPoint) -> tuple[float, float] | None:
    """The point's own coordinates, or its county's centroid when none were entered."""
    if point.lat is not None and point.lon is not None:
        return point.lat, point.lon
    return division_point(point.jurisdiction)


def public_sampling_points(
    *, division: str = "", origin: tuple[float, float] | None = None, limit: int = 50
) -> list[NearPoint]:
    rows = SamplingPoint.objects.filter(is_active=True)
    if division:
        rows = rows.filter(jurisdiction__startswith=scope_prefix(division))
    points = list(rows.order_by("jurisdiction", "name")[:2000])
    if origin is None:
        return [NearPoint(p, None) for p in points[:limit]]
    distances = _distances(origin, [point_location(p) for p in points])
    return [NearPoint(p, d) for p, d in _by_distance(points, distances)[:limit]]


def sampling_point_list(*, actor: Any) -> QuerySet[SamplingPoint]:
    require(actor, "portal.manage_sampling_point", "portal.samplingpoint")
    return access.visible_to(actor, SamplingPoint.objects.all()).order_by("jurisdiction", "name")


def sampling_point_get(*, actor: Any, point_id: Any, audit_read: bool = True) -> SamplingPoint:
    require(actor, "portal.manage_sampling_point", "portal.samplingpoint")
    return access.get_for_user(
        user=actor, queryset=SamplingPoint.objects.all(), pk=point_id, audit_read=audit_read
    )


# ---------------------------------------------------------------- guidance


def published_guidance(*, language: str) -> list[GuidancePage]:
    return list(
        GuidancePage.objects.filter(status=GuidanceStatus.PUBLISHED, language=language).order_by("title")
    )


def published_page(*, slug: str, language: str) -> GuidancePage:
    """A published page in the visitor's language, or the same page in another language; else 404."""
    rows = GuidancePage.objects.filter(status=GuidanceStatus.PUBLISHED, slug=slug)
    page = rows.filter(language=language).first() or rows.order_by("language").first()
    if page is None:
        raise Http404("Not found")
    return page


def guidance_list(*, actor: Any) -> QuerySet[GuidancePage]:
    if not (actor.has_perm("portal.write_guidance") or actor.has_perm("portal.publish_guidance")):
        require(actor, "portal.write_guidance", "portal.guidancepage")
    return access.visible_to(actor, GuidancePage.objects.select_related("author", "published_by"))


def guidance_get(*, actor: Any, page_id: Any, audit_read: bool = True) -> GuidancePage:
    guidance_list(actor=actor)  # the role check
    return access.get_for_user(
        user=actor, queryset=GuidancePage.objects.all(), pk=page_id, audit_read=audit_read
    )


# ---------------------------------------------------------------- registrations


def registration_queue(*, actor: Any, status: str = "", limit: int = 200) -> list[FamilySearchRegistration]:
    """Registrations of the user's jurisdiction and below; open ones by default, oldest first."""
    require(actor, "portal.handle_registration", "portal.familysearchregistration")
    rows = access.visible_to(actor, FamilySearchRegistration.objects.select_related("tracing_registration"))
    if status in RegistrationStatus.values:
        rows = rows.filter(status=status)
    else:
        rows = rows.exclude(status=RegistrationStatus.CLOSED)
    return list(rows.order_by("created_at", "pk")[:limit])


def registration_get(
    *, actor: Any, registration_id: Any, audit_read: bool = True
) -> FamilySearchRegistration:
    require(actor, "portal.handle_registration", "portal.familysearchregistration")
    return access.get_for_user(
        user=actor,
        queryset=FamilySearchRegistration.objects.select_related(
            "tracing_registration", "tracing_registration__report", "tracing_registration__found"
        ),
        pk=registration_id,
        audit_read=audit_read,
    )


@dataclass(frozen=True)
class PublicStatus:
    receipt_code: str
    steps: tuple[tuple[str, bool], ...]  # (label, reached)
    message: str
    closed: bool


def registration_public_status(*, receipt_code: str, secret: str) -> PublicStatus:
    """What a registrant may learn with the receipt code and secret: the step reached and one sentence; never
    anything about a match. A wrong pair is Http404 (audited by tracing's check of the secret)."""
    from django.utils.translation import gettext as _

    from homeward.portal.models import STATUS_ORDER
    from homeward.tracing.selectors import registration_status

    inner = registration_status(receipt_code=receipt_code, secret=secret)  # raises Http404, audits either way
    registration = FamilySearchRegistration.objects.filter(receipt_code=inner.receipt_code).first()
    if registration is None:
        raise Http404("Not found")
    order = [str(status) for status in STATUS_ORDER]
    reached = order.index(registration.status) if registration.status in order else -1
    # tracing may know more than the portal's last step (a candidate found by the matcher): the further wins
    steps = tuple(
        (str(status.label), index <= reached or (index < len(inner.steps) and inner.steps[index][1]))
        for index, status in enumerate(STATUS_ORDER)
    )
    closed = registration.status == RegistrationStatus.CLOSED
    if closed and registration.rejected:
        message = _(
            "The police could not accept this registration. Please contact your local police station."
        )
    elif closed:
        message = _("This registration is closed. Please contact your local police station for details.")
    elif steps[-1][1]:
        message = _(
            "There may be a match. Please contact the police of the county you chose; take your receipt."
        )
    elif steps[2][1]:
        message = _("Your DNA sample is being compared with records nationwide.")
    elif steps[1][1]:
        message = _("The police have verified your registration. They will invite you to give a DNA sample.")
    else:
        message = _("Your registration is waiting for the police to verify it.")
    return PublicStatus(registration.receipt_code, steps, message, closed)

"""Reads of the alerts app. Staff reads go through the jurisdiction check and the audit trail; public reads see
only what the public page and the partner feed publish."""

from __future__ import annotations

import statistics
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Count, QuerySet
from django.http import Http404
from django.utils import timezone

from homeward.access import selectors as access
from homeward.alerts.models import (
    Alert,
    AlertMessage,
    AlertPartner,
    AlertPhoto,
    AlertStatus,
    Delivery,
    DeliveryState,
    DemoReceipt,
    Sighting,
)
from homeward.audit import services as audit
from homeward.audit.models import AuditAction

QUEUE_LIMIT = 100


def _require(actor: Any, perm: str, object_type: str = "alerts.alert") -> None:
    if not actor.has_perm(perm):
        audit.record(
            actor=actor, action=AuditAction.PERMISSION_DENIED, object_type=object_type, detail={"perm": perm}
        )
        raise PermissionDenied


def alert_get(*, actor: Any, alert_id: Any, purpose: str = "", audit_read: bool = True) -> Alert:
    """One alert for staff; Http404 when missing or outside the actor's jurisdiction and grants."""
    _require(actor, "alerts.view_alert")
    queryset = Alert.objects.select_related("person", "released_by__agency", "closed_by")
    return access.get_for_user(
        user=actor, queryset=queryset, pk=alert_id, purpose=purpose, audit_read=audit_read
    )


def alert_list(*, actor: Any, status: str = "", limit: int = 200) -> list[Alert]:
    _require(actor, "alerts.view_alert")
    alerts = access.visible_to(
        actor, Alert.objects.select_related("person").prefetch_related("person__names")
    )
    if status:
        alerts = alerts.filter(status=status)
    alerts = alerts.annotate(
        sighting_count=Count("sightings", distinct=True),
    )
    return list(alerts.order_by("-released_at")[:limit])


def alert_detail_extras(alert: Alert) -> dict[str, Any]:
    """The timeline, messages, photos and per-partner delivery log of an alert the caller already loaded."""
    deliveries = list(
        Delivery.objects.filter(alert=alert)
        .select_related("partner", "message")
        .prefetch_related("attempt_log")
        .order_by("partner__name", "-message__seq")
    )
    by_partner: dict[AlertPartner, list[Delivery]] = defaultdict(list)
    for delivery in deliveries:
        by_partner[delivery.partner].append(delivery)
    return {
        "events": list(alert.events.select_related("actor").all()[:100]),
        "messages": list(
            alert.messages.order_by("-seq").only("seq", "kind", "identifier", "sent", "radius_km")
        ),
        "photos": list(alert.photos.all()),
        "delivery_log": sorted(by_partner.items(), key=lambda item: item[0].name),
        "sighting_count": alert.sightings.count(),
    }


def alert_staff_photo(*, actor: Any, alert_id: Any, photo_id: Any) -> AlertPhoto:
    alert = alert_get(actor=actor, alert_id=alert_id, purpose="view photo")
    photo = alert.photos.filter(pk=photo_id).first() if str(photo_id).isdigit() else None
    if photo is None:
        raise Http404("Not found")
    return photo


def latest_message(alert: Alert) -> AlertMessage | None:
    return alert.messages.order_by("-seq").first()


def latest_cap_for(*, actor: Any, alert_id: Any) -> AlertMessage:
    """The latest CAP message of an alert: staff through the jurisdiction check; partner platforms, whose job is
    to publish alerts, for any alert (the message is public; a closed alert's carries no personal data)."""
    from homeward.accounts.roles import Role

    if getattr(actor, "is_authenticated", False) and actor.has_role(Role.PARTNER_PLATFORM):
        alert = Alert.objects.filter(pk=alert_id).first() if str(alert_id).isdigit() else None
        message = latest_message(alert) if alert is not None else None
        if message is None:
            raise Http404("Not found")
        audit.record(actor=actor, action=AuditAction.READ, obj=alert, purpose="partner CAP read")
        return message
    alert = alert_get(actor=actor, alert_id=alert_id, purpose="read CAP message")
    message = latest_message(alert)
    if message is None:
        raise Http404("Not found")
    return message


def message_get(*, actor: Any, alert_id: Any, seq: Any) -> AlertMessage:
    alert = alert_get(actor=actor, alert_id=alert_id, purpose="read CAP message")
    message = alert.messages.filter(seq=seq).first() if str(seq).isdigit() else None
    if message is None:
        raise Http404("Not found")
    return message


# ---------------------------------------------------------------------------------------------------
# Public reads: by the unguessable public id; closed alerts reveal nothing about the child.


def _uuid(value: Any) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(value))
    except ValueError:
        return None


def public_alert(public_id: Any) -> Alert:
    key = _uuid(public_id)
    alert = (
        Alert.objects.select_related("person", "released_by__agency").filter(public_id=key).first()
        if key
        else None
    )
    if alert is None:
        raise Http404("Not found")
    return alert


def public_photo(public_id: Any, photo_id: Any) -> AlertPhoto:
    """A photo of an active alert; 404 for closed or expired alerts exactly as for a missing photo."""
    alert = public_alert(public_id)
    photo = alert.photos.filter(pk=photo_id).first() if alert.is_active and str(photo_id).isdigit() else None
    if photo is None:
        raise Http404("Not found")
    return photo


def public_feed_alerts(*, closed_within: timedelta = timedelta(hours=48)) -> list[tuple[Alert, AlertMessage]]:
    """Active alerts, and alerts closed or expired lately (their latest message carries no personal data)."""
    since = timezone.now() - closed_within
    alerts = Alert.objects.filter(status=AlertStatus.ACTIVE) | Alert.objects.exclude(
        status=AlertStatus.ACTIVE
    ).filter(updated_at__gte=since)
    result = []
    for alert in alerts.select_related("person").order_by("-released_at")[:500]:
        message = latest_message(alert)
        if message is not None:
            result.append((alert, message))
    return result


# ---------------------------------------------------------------------------------------------------
# Sightings, deliveries, partners


def sighting_get(*, actor: Any, sighting_id: Any, purpose: str = "", audit_read: bool = True) -> Sighting:
    _require(actor, "alerts.view_alert", "alerts.sighting")
    return access.get_for_user(
        user=actor,
        queryset=Sighting.objects.select_related("alert"),
        pk=sighting_id,
        purpose=purpose,
        audit_read=audit_read,
    )


def sighting_queue(
    *, actor: Any, alert_id: Any = None, status: str = "", limit: int = QUEUE_LIMIT
) -> list[Sighting]:
    """Sightings newest first for the alerts the actor may see. Bounded, indexed: a flood cannot slow it."""
    _require(actor, "alerts.view_alert", "alerts.sighting")
    sightings = access.visible_to(actor, Sighting.objects.select_related("alert", "reviewed_by"))
    if alert_id is not None:
        alert = alert_get(actor=actor, alert_id=alert_id, purpose="sighting queue", audit_read=False)
        sightings = sightings.filter(alert=alert)
    if status:
        sightings = sightings.filter(status=status)
    rows = list(sightings.order_by("-created_at", "-id")[:limit])
    audit.record(
        actor=actor,
        action=AuditAction.READ,
        object_type="alerts.sighting",
        purpose="sighting queue",
        detail={"alert": str(alert_id or ""), "count": len(rows)},
    )
    return rows


def sighting_photo(*, actor: Any, sighting_id: Any) -> Sighting:
    sighting = sighting_get(actor=actor, sighting_id=sighting_id, purpose="view sighting photo")
    if not sighting.photo:
        raise Http404("Not found")
    return sighting


def dead_letters(*, actor: Any, limit: int = 200) -> list[Delivery]:
    _require(actor, "alerts.view_alert")
    alerts = access.visible_to(actor, Alert.objects.all())
    return list(
        Delivery.objects.filter(state=DeliveryState.DEAD, alert__in=alerts)
        .select_related("partner", "message", "alert")
        .order_by("-created_at")[:limit]
    )


def partner_list(*, actor: Any) -> QuerySet[AlertPartner]:
    _require(actor, "alerts.manage_partner", "alerts.alertpartner")
    return access.visible_to(actor, AlertPartner.objects.select_related("agency")).order_by("name")


def partner_get(*, actor: Any, partner_id: Any, audit_read: bool = True) -> AlertPartner:
    _require(actor, "alerts.manage_partner", "alerts.alertpartner")
    return access.get_for_user(
        user=actor,
        queryset=AlertPartner.objects.select_related("agency"),
        pk=partner_id,
        audit_read=audit_read,
    )


def partner_deliveries(partner: AlertPartner, limit: int = 100) -> list[Delivery]:
    return list(
        partner.deliveries.select_related("message", "alert")
        .prefetch_related("attempt_log")
        .order_by("-created_at")[:limit]
    )


def partner_agencies(*, actor: Any) -> list[Any]:
    from homeward.accounts.models import Agency
    from homeward.accounts.roles import AgencyType

    agencies = Agency.objects.filter(type=AgencyType.PARTNER_PLATFORM, is_active=True).order_by("name")
    return [a for a in agencies if access.in_jurisdiction(actor, a.division_id)]


def demo_partner() -> AlertPartner | None:
    return AlertPartner.objects.filter(endpoint_url__contains="/alerts/demo-partner/").order_by("pk").first()


def demo_receipts(limit: int = 100) -> list[DemoReceipt]:
    return list(DemoReceipt.objects.all()[:limit])


# ---------------------------------------------------------------------------------------------------
# Statistics per jurisdiction


@dataclass
class Spread:
    count: int = 0
    median: float | None = None
    p90: float | None = None


def spread(values: list[float]) -> Spread:
    if not values:
        return Spread()
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(0.9 * (len(ordered) - 1))))
    return Spread(count=len(ordered), median=statistics.median(ordered), p90=ordered[index])


@dataclass
class AlertStats:
    prefix: str
    start: datetime
    end: datetime
    released: int = 0
    found: int = 0
    false_reports: int = 0
    expired: int = 0
    active: int = 0
    found_within_72h: int = 0
    minutes_to_release: Spread = field(default_factory=Spread)
    hours_to_found: Spread = field(default_factory=Spread)
    sightings: int = 0
    sightings_per_alert: float = 0.0
    partner_latency: list[tuple[str, Spread, int, int]] = field(default_factory=list)


def alert_stats(*, actor: Any, start: datetime, end: datetime) -> AlertStats:
    """Figures for the actor's jurisdiction: releases, outcomes, speeds, sightings, partner delivery latency."""
    _require(actor, "alerts.view_alert")
    prefix = actor.scope_prefix or ""
    alerts = list(
        access.visible_to(actor, Alert.objects.all())
        .filter(released_at__gte=start, released_at__lt=end)
        .annotate(n_sightings=Count("sightings"))
    )
    stats = AlertStats(prefix=prefix, start=start, end=end, released=len(alerts))
    to_release, to_found = [], []
    for alert in alerts:
        to_release.append((alert.released_at - alert.last_seen_at).total_seconds() / 60)
        if alert.status == AlertStatus.FOUND and alert.closed_at:
            stats.found += 1
            to_found.append((alert.closed_at - alert.released_at).total_seconds() / 3600)
            if alert.closed_at - alert.last_seen_at <= timedelta(hours=72):
                stats.found_within_72h += 1
        elif alert.status == AlertStatus.FALSE_REPORT:
            stats.false_reports += 1
        elif alert.status == AlertStatus.EXPIRED:
            stats.expired += 1
        else:
            stats.active += 1
        stats.sightings += alert.n_sightings  # type: ignore[attr-defined]
    stats.minutes_to_release = spread(to_release)
    stats.hours_to_found = spread(to_found)
    stats.sightings_per_alert = round(stats.sightings / len(alerts), 2) if alerts else 0.0
    latency: dict[str, list[float]] = defaultdict(list)
    totals: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    deliveries = Delivery.objects.filter(alert__in=[a.pk for a in alerts]).select_related(
        "partner", "message"
    )
    for delivery in deliveries:
        name = delivery.partner.name
        totals[name][0] += 1
        if delivery.state == DeliveryState.DELIVERED and delivery.delivered_at:
            totals[name][1] += 1
            latency[name].append((delivery.delivered_at - delivery.message.sent).total_seconds())
    stats.partner_latency = [
        (name, spread(latency[name]), counts[0], counts[1]) for name, counts in sorted(totals.items())
    ]
    audit.record(
        actor=actor,
        action=AuditAction.READ,
        object_type="alerts.alert",
        purpose="statistics",
        detail={"prefix": prefix},
    )
    return stats

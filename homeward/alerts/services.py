"""Writes of the alerts app: release, edit, photos, growth, renewal, expiry, closure, partners, deliveries,
sightings.

Each validates everything first, then writes and audits in one transaction. Every change that partners must
hear about creates one signed CAP message and one delivery per partner; the deliveries are sent by tasks after
the commit (`transaction.on_commit`), so a rolled-back release never reaches anyone.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import partial, wraps
from typing import Any, TypeVar, cast

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Q
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from homeward.access import selectors as access
from homeward.accounts.models import Agency
from homeward.accounts.roles import AgencyType, Role
from homeward.alerts import cap, conf, geo, transport
from homeward.alerts.models import (
    Alert,
    AlertEvent,
    AlertEventKind,
    AlertMessage,
    AlertPartner,
    AlertPhoto,
    AlertStatus,
    Circumstance,
    Delivery,
    DeliveryAttempt,
    DeliveryState,
    DemoReceipt,
    FollowUp,
    MessageKind,
    Sighting,
    SightingStatus,
)
from homeward.alerts.selectors import alert_get, sighting_get
from homeward.audit import services as audit
from homeward.audit.models import AuditAction
from homeward.audit.refusals import kept_refusals
from homeward.core.ratelimit import count_attempt
from homeward.engines.cap import (
    RegionIndex,
    ServiceRegion,
    UnsafeURLError,
    WebhookError,
    check_outbound_url,
    generate_webhook_secret,
    next_attempt_at,
    next_radius_change,
    radius_km,
    renew_expiry,
    sign_webhook,
    verify_webhook,
)
from homeward.people.models import NameKind, Sex
from homeward.people.selectors import person_get
from homeward.people.services import PersonData, clean_image, person_create, person_update
from homeward.regions.selectors import division_require

F = TypeVar("F", bound=Callable[..., Any])
MAX_PHOTOS = 5
TEXT_LIMITS = {
    "name": 60,
    "clothing": 500,
    "marks": 500,
    "description": 2000,
    "description_en": 2000,
    "suspect": 1000,
    "vehicle": 500,
    "last_seen_place": 200,
    "contact_phone": 40,
}
CLOCK_SKEW = timedelta(minutes=2)
LEASE = timedelta(seconds=30)
FINAL_MESSAGE_HORIZON = timedelta(hours=24)
REPLAY_HORIZON = timedelta(hours=1)
STUCK_AFTER = timedelta(seconds=30)


def _deny(actor: Any, perm: str, object_type: str = "alerts.alert") -> None:
    if not actor.has_perm(perm):
        audit.record(
            actor=actor, action=AuditAction.PERMISSION_DENIED, object_type=object_type, detail={"perm": perm}
        )
        raise PermissionDenied(_("Only command-centre officers of a police agency can do this."))


def _guarded(perm: str, object_type: str = "alerts.alert") -> Callable[[F], F]:
    """Check the permission, and the jurisdiction of the alert or sighting named by the call, *before* the
    write transaction opens: a refusal's audit row must survive the rollback of the refused write."""

    def decorator(function: F) -> F:
        # One transaction; denials recorded inside (e.g. by another app's service it calls) survive a rollback.
        atomic = kept_refusals(function)

        @wraps(function)
        def wrapper(*, actor: Any, **kwargs: Any) -> Any:
            _deny(actor, perm, object_type)
            if "alert_id" in kwargs:
                alert_get(
                    actor=actor, alert_id=kwargs["alert_id"], purpose=function.__name__, audit_read=False
                )
            if "sighting_id" in kwargs:
                sighting_get(
                    actor=actor,
                    sighting_id=kwargs["sighting_id"],
                    purpose=function.__name__,
                    audit_read=False,
                )
            return atomic(actor=actor, **kwargs)

        return cast(F, wrapper)

    return decorator


# ---------------------------------------------------------------------------------------------------
# Release criteria and input checks


@dataclass
class AlertData:
    """What an officer files. Either `person_id` (an existing record) or the child's name, sex and birth date."""

    person_id: int | None = None
    name: str = ""
    sex: str = Sex.UNKNOWN
    birth_date: date | None = None
    height_cm: int | None = None
    weight_kg: int | None = None
    clothing: str = ""
    marks: str = ""
    description: str = ""
    description_en: str = ""
    circumstances: str = Circumstance.UNKNOWN
    suspect: str = ""
    vehicle: str = ""
    last_seen_at: datetime | None = None
    last_seen_lat: float | None = None
    last_seen_lon: float | None = None
    last_seen_place: str = ""
    last_seen_division: str = ""
    police_confirmed: bool = False
    contact_phone: str = "110"
    photos: Sequence[UploadedFile] = field(default_factory=list)


@dataclass(frozen=True)
class Criterion:
    key: str
    label: str
    met: bool


def release_criteria(
    *,
    birth_date: date | None,
    last_seen_at: datetime | None,
    police_confirmed: bool,
    name: str,
    sex: str,
    height_cm: int | None,
    clothing: str,
    marks: str,
    description: str,
    photo_count: int,
) -> list[Criterion]:
    """The four release criteria of the rapid-search mechanism, each met or not (shown to the officer)."""
    when = timezone.localdate(last_seen_at) if last_seen_at else timezone.localdate()
    under_18 = False
    if birth_date is not None:
        age = when.year - birth_date.year - ((when.month, when.day) < (birth_date.month, birth_date.day))
        under_18 = 0 <= age < 18
    recognisable = (
        bool(name.strip()) and sex != Sex.UNKNOWN and bool(height_cm or clothing.strip() or marks.strip())
    )
    described = photo_count > 0 or len((clothing + marks + description).strip()) >= 6
    return [
        Criterion("under_18", _("The child is under 18"), under_18),
        Criterion("police_confirmed", _("The disappearance is confirmed by police"), police_confirmed),
        Criterion(
            "recognisable",
            _("Enough description to recognise the child (name, sex, and height, clothing or marks)"),
            recognisable,
        ),
        Criterion("photo_or_description", _("A photo or a description"), described),
    ]


def criteria_for(data: AlertData, person: Any | None = None, existing_photos: int = 0) -> list[Criterion]:
    name, sex, birth = data.name, data.sex, data.birth_date
    if person is not None:
        name, sex, birth = person.primary_name, person.sex, person.birth_date
    return release_criteria(
        birth_date=birth,
        last_seen_at=data.last_seen_at,
        police_confirmed=data.police_confirmed,
        name=name,
        sex=sex,
        height_cm=data.height_cm,
        clothing=data.clothing,
        marks=data.marks,
        description=data.description,
        photo_count=len(data.photos) + existing_photos,
    )


def _check_place(data: AlertData, err: Any) -> tuple[float, float, str] | None:
    """(lat, lon, division) from a map point and/or an address with its division code."""
    lat, lon, code = data.last_seen_lat, data.last_seen_lon, (data.last_seen_division or "").strip()
    if (lat is None) != (lon is None):
        err("last_seen_lat", _("Give both latitude and longitude, or neither."))
        return None
    if code:
        try:
            division_require(code)
        except ValidationError as exc:
            err("last_seen_division", " ".join(exc.messages))
            return None
    if lat is not None and lon is not None:
        found = geo.nearest_county(lat, lon)
        if found is None:
            err(
                "last_seen_lat",
                _("The last-seen point (%(lat)s, %(lon)s) is outside China.") % {"lat": lat, "lon": lon},
            )
            return None
        return lat, lon, code or found[0]
    if not code:
        err(
            "last_seen_place",
            _("Give the last-seen place: a map point, or an address with its division code."),
        )
        return None
    if not data.last_seen_place.strip():
        err("last_seen_place", _("Give the address where the child was last seen."))
        return None
    point = geo.division_point(code)
    if point is None:
        err("last_seen_division", _("This division has no known location; give a map point."))
        return None
    return point[0], point[1], code


def _validate(
    actor: Any, data: AlertData, *, person: Any | None, for_edit: bool = False
) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}

    def err(key: str, message: str) -> None:
        errors.setdefault(key, []).append(message)

    for key, limit in TEXT_LIMITS.items():
        value = getattr(data, key)
        if isinstance(value, str) and len(value) > limit:
            err(key, _("At most %(n)d characters.") % {"n": limit})
    if person is None and not for_edit and not data.name.strip():
        err("name", _("The child's name is required."))
    if data.sex not in Sex.values:
        err("sex", _("Unknown sex %(sex)r.") % {"sex": data.sex})
    now = timezone.now()
    if data.birth_date and data.birth_date > timezone.localdate():
        err("birth_date", _("The date of birth is in the future."))
    if data.height_cm is not None and not 30 <= data.height_cm <= 220:
        err("height_cm", _("A height between 30 and 220 cm."))
    if data.weight_kg is not None and not 1 <= data.weight_kg <= 200:
        err("weight_kg", _("A weight between 1 and 200 kg."))
    if data.circumstances not in Circumstance.values:
        err("circumstances", _("Unknown circumstances %(c)r.") % {"c": data.circumstances})
    if data.last_seen_at is None:
        err("last_seen_at", _("When was the child last seen?"))
    elif data.last_seen_at > now + CLOCK_SKEW:
        err("last_seen_at", _("The last-seen time is in the future."))
    elif not for_edit and data.last_seen_at + conf.expiry() <= now:
        err(
            "last_seen_at",
            _(
                "A rapid alert is for a child last seen within %(h)d hours; file a missing-person report instead."
            )
            % {"h": int(conf.expiry().total_seconds() // 3600)},
        )
    if not data.contact_phone.strip():
        err("contact_phone", _("A public contact phone is required (e.g. 110)."))
    if len(data.photos) > MAX_PHOTOS:
        err("photos", _("At most %(n)d photos.") % {"n": MAX_PHOTOS})
    for upload in data.photos:
        try:
            clean_image(upload)
        except ValidationError as exc:
            err("photos", f"{getattr(upload, 'name', '')}: {' '.join(exc.messages)}")
    _check_place(data, err)
    return errors


# ---------------------------------------------------------------------------------------------------
# Messages and deliveries


def _sender_name(alert: Alert) -> str:
    user = alert.released_by
    agency = getattr(user, "agency", None)
    return str(agency.name) if agency is not None else "公安机关"


def _publish(alert: Alert, kind: str) -> AlertMessage:
    """Create the next signed CAP message of `alert` and a delivery per target partner (inside the caller's
    transaction); enqueue sending after the commit."""
    previous = list(alert.messages.order_by("seq"))
    seq = (previous[-1].seq + 1) if previous else 1
    fields = cap.build_message(alert, kind, seq, previous, _sender_name(alert))
    message = AlertMessage.objects.create(alert=alert, **fields)
    _fan_out(alert, message)
    return message


def _partner_regions(partners: list[AlertPartner]) -> list[ServiceRegion | None]:
    return [
        geo.service_region(parse_region_codes(p.region_codes), parse_region_boxes(p.region_boxes))
        for p in partners
    ]


def _fan_out(alert: Alert, message: AlertMessage) -> list[Delivery]:
    now = timezone.now()
    partners = list(AlertPartner.objects.filter(is_active=True).order_by("pk"))
    if not partners:
        return []
    earlier = set(Delivery.objects.filter(alert=alert).values_list("partner_id", flat=True))
    reached = RegionIndex(_partner_regions(partners)).reached(
        alert.last_seen_lat, alert.last_seen_lon, alert.radius_km
    )
    targets = [p for p, hit in zip(partners, reached, strict=True) if hit or p.pk in earlier]
    # A newer version supersedes whatever older message is still waiting for the same partner.
    Delivery.objects.filter(alert=alert, partner__in=targets, state=DeliveryState.PENDING).update(
        state=DeliveryState.SUPERSEDED, next_attempt_at=None
    )
    horizon = max(alert.expires_at, now + FINAL_MESSAGE_HORIZON) if message.is_final else alert.expires_at
    horizon = max(horizon, now + timedelta(minutes=1))
    deliveries = Delivery.objects.bulk_create(
        [
            Delivery(
                partner=p,
                message=message,
                alert=alert,
                msg_id=f"msg_{message.identifier}",
                created_at=now,
                next_attempt_at=now,
                horizon=horizon,
            )
            for p in targets
        ]
    )
    ids = [d.pk for d in deliveries]
    if ids:
        transaction.on_commit(partial(_enqueue_send, ids, None))
    return deliveries


def _enqueue_send(ids: list[int], run_after: datetime | None, priority: int = 50) -> None:
    """First deliveries go to the "deliveries" queue, retries to "default": with a worker per queue a slow
    partner's retry (up to the 10 s timeout) never holds up the first delivery of a new message."""
    from homeward.alerts.tasks import deliveries_send

    task = deliveries_send.using(priority=priority, queue_name="deliveries" if priority >= 50 else "default")
    if run_after is not None:
        task = task.using(run_after=run_after)
    task.enqueue(ids)


def _enqueue_radius_check(alert: Alert) -> None:
    change = next_radius_change(
        alert.last_seen_at, max(timezone.now(), alert.last_seen_at), conf.radius_schedule()
    )
    if change is None or change >= alert.expires_at:
        return
    from homeward.alerts.tasks import alert_radius_check

    run_after = change + timedelta(seconds=1)
    alert_id = alert.pk
    transaction.on_commit(lambda: alert_radius_check.using(run_after=run_after).enqueue(alert_id))


def _event(alert: Alert, kind: str, actor: Any, **detail: Any) -> None:
    AlertEvent.objects.create(
        alert=alert,
        kind=kind,
        at=timezone.now(),
        actor=actor if getattr(actor, "pk", None) else None,
        detail=detail,
    )


# ---------------------------------------------------------------------------------------------------
# Release, edit, photos, renewal, closure


def _save_photos(alert: Alert, actor: Any, uploads: Iterable[UploadedFile]) -> list[AlertPhoto]:
    saved = []
    for upload in uploads:
        content_type, digest = clean_image(upload)
        photo = AlertPhoto(
            alert=alert, content_type=content_type, sha256=digest, size=upload.size or 0, uploaded_by=actor
        )
        photo.image.save(f"{digest[:16]}.{content_type.split('/')[1]}", upload, save=False)
        photo.save()
        saved.append(photo)
    return saved


@_guarded("alerts.release_alert")
def alert_release(*, actor: Any, data: AlertData) -> Alert:
    """File and release an alert at once (no approval step). ValidationError lists what is missing."""
    person = None
    if data.person_id is not None:
        person = person_get(actor=actor, person_id=data.person_id, purpose="alert release", audit_read=False)
    errors = _validate(actor, data, person=person)
    if errors:
        raise ValidationError(errors)
    unmet = [c.label for c in criteria_for(data, person) if not c.met]
    if unmet:
        raise ValidationError(
            {"__all__": [_("Release criteria not met: %(list)s.") % {"list": "; ".join(unmet)}]}
        )
    place = _check_place(data, lambda *a: None)
    assert place is not None and data.last_seen_at is not None
    if person is None:
        person = person_create(
            actor=actor,
            data=PersonData(
                jurisdiction=actor.jurisdiction,
                sex=data.sex,
                birth_date=data.birth_date,
                names=[(data.name.strip(), NameKind.LEGAL)],
            ),
        )
    now = timezone.now()
    last_seen = min(data.last_seen_at, now)
    alert = Alert.objects.create(
        jurisdiction=actor.jurisdiction,
        person=person,
        height_cm=data.height_cm,
        weight_kg=data.weight_kg,
        clothing=data.clothing.strip(),
        marks=data.marks.strip(),
        description=data.description.strip(),
        description_en=data.description_en.strip(),
        circumstances=data.circumstances,
        suspect=data.suspect.strip(),
        vehicle=data.vehicle.strip(),
        last_seen_at=last_seen,
        last_seen_lat=place[0],
        last_seen_lon=place[1],
        last_seen_place=data.last_seen_place.strip(),
        last_seen_division=place[2],
        police_confirmed=data.police_confirmed,
        contact_phone=data.contact_phone.strip(),
        radius_km=radius_km(last_seen, now, conf.radius_schedule()),
        expires_at=last_seen + conf.expiry(),
        released_at=now,
        released_by=actor,
    )
    _save_photos(alert, actor, data.photos)
    _event(alert, AlertEventKind.RELEASED, actor, radius_km=alert.radius_km)
    _publish(alert, MessageKind.ALERT)
    audit.record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=alert,
        detail={"released": True, "radius_km": alert.radius_km},
    )
    _enqueue_radius_check(alert)
    return alert


EDITABLE = (
    "height_cm",
    "weight_kg",
    "clothing",
    "marks",
    "description",
    "description_en",
    "circumstances",
    "suspect",
    "vehicle",
    "last_seen_at",
    "last_seen_lat",
    "last_seen_lon",
    "last_seen_place",
    "last_seen_division",
    "police_confirmed",
    "contact_phone",
)


def _locked_alert(actor: Any, alert_id: Any, purpose: str) -> Alert:
    """The alert for a write: jurisdiction-checked (404 otherwise), then locked."""
    alert = alert_get(actor=actor, alert_id=alert_id, purpose=purpose, audit_read=False)
    return (
        Alert.objects.select_for_update(of=("self",))
        .select_related("person", "released_by__agency")
        .get(pk=alert.pk)
    )


@_guarded("alerts.change_alert")
def alert_update(*, actor: Any, alert_id: Any, data: AlertData) -> Alert:
    """Edit an active alert; partners get a CAP Update. The child's name, sex and birth date go to the person."""
    alert = _locked_alert(actor, alert_id, "edit")
    if not alert.is_active:
        raise ValidationError(_("Only an active alert can be edited."))
    errors = _validate(actor, data, person=alert.person, for_edit=True)
    if data.photos and alert.photos.count() + len(data.photos) > MAX_PHOTOS:
        errors.setdefault("photos", []).append(_("At most %(n)d photos.") % {"n": MAX_PHOTOS})
    if errors:
        raise ValidationError(errors)
    if not data.name.strip():
        data.name = alert.person.primary_name
    unmet = [c.label for c in criteria_for(data, existing_photos=alert.photos.count()) if not c.met]
    if unmet:
        raise ValidationError(
            {"__all__": [_("Release criteria not met: %(list)s.") % {"list": "; ".join(unmet)}]}
        )
    place = _check_place(data, lambda *a: None)
    assert place is not None and data.last_seen_at is not None
    person = alert.person
    person_changed = []
    if data.name.strip() and data.name.strip() != person.primary_name:
        person_changed.append("name")
    if data.sex != person.sex:
        person_changed.append("sex")
    if data.birth_date != person.birth_date:
        person_changed.append("birth_date")
    if person_changed:
        names = [(n.name, n.kind) for n in person.names.all() if n.kind != NameKind.LEGAL]
        person_update(
            actor=actor,
            person_id=person.pk,
            data=PersonData(
                jurisdiction=person.jurisdiction,
                sex=data.sex,
                birth_date=data.birth_date,
                birth_year_min=person.birth_year_min,
                birth_year_max=person.birth_year_max,
                names=[(data.name.strip() or person.primary_name, NameKind.LEGAL), *names],
                resident_ids=[i.value for i in person.identifiers.all()],
                phones=[p.number for p in person.phones.all()],
            ),
        )
        alert.person = person_get(actor=actor, person_id=person.pk, audit_read=False)
    new_values = {
        "height_cm": data.height_cm,
        "weight_kg": data.weight_kg,
        "clothing": data.clothing.strip(),
        "marks": data.marks.strip(),
        "description": data.description.strip(),
        "description_en": data.description_en.strip(),
        "circumstances": data.circumstances,
        "suspect": data.suspect.strip(),
        "vehicle": data.vehicle.strip(),
        # Forms give minutes: a time within the same minute as the stored one is not a correction.
        "last_seen_at": alert.last_seen_at
        if abs(data.last_seen_at - alert.last_seen_at) < timedelta(minutes=1)
        else min(data.last_seen_at, timezone.now()),
        "last_seen_lat": place[0],
        "last_seen_lon": place[1],
        "last_seen_place": data.last_seen_place.strip(),
        "last_seen_division": place[2],
        "police_confirmed": data.police_confirmed,
        "contact_phone": data.contact_phone.strip(),
    }
    changed = [k for k, v in new_values.items() if getattr(alert, k) != v]
    for key in changed:
        setattr(alert, key, new_values[key])
    if data.photos:
        _save_photos(alert, actor, data.photos)
        changed.append("photos")
    changed += person_changed
    if not changed:
        return alert
    now = timezone.now()
    if "last_seen_at" in changed:
        # A corrected last-seen time re-bases the radius and the expiry (never shortening a renewal).
        alert.radius_km = radius_km(alert.last_seen_at, now, conf.radius_schedule())
        alert.expires_at = max(alert.expires_at, alert.last_seen_at + conf.expiry())
    alert.version += 1
    alert.save()
    _event(alert, AlertEventKind.EDITED, actor, fields=changed)
    _publish(alert, MessageKind.UPDATE)
    audit.record(actor=actor, action=AuditAction.UPDATE, obj=alert, detail={"fields": changed})
    if "last_seen_at" in changed:
        _enqueue_radius_check(alert)
    return alert


@_guarded("alerts.change_alert")
def alert_photo_add(*, actor: Any, alert_id: Any, upload: UploadedFile) -> AlertPhoto:
    alert = _locked_alert(actor, alert_id, "add photo")
    if not alert.is_active:
        raise ValidationError(_("Only an active alert can be edited."))
    if alert.photos.count() >= MAX_PHOTOS:
        raise ValidationError(_("At most %(n)d photos.") % {"n": MAX_PHOTOS})
    (photo,) = _save_photos(alert, actor, [upload])
    alert.version += 1
    alert.save(update_fields=["version", "updated_at"])
    _event(alert, AlertEventKind.PHOTO_ADDED, actor, photo=photo.pk)
    _publish(alert, MessageKind.UPDATE)
    audit.record(actor=actor, action=AuditAction.UPDATE, obj=alert, detail={"photo_added": photo.pk})
    return photo


@_guarded("alerts.change_alert")
def alert_renew(*, actor: Any, alert_id: Any) -> Alert:
    """Extend an active or expired alert by the expiry period from now; an expired one is re-activated."""
    alert = _locked_alert(actor, alert_id, "renew")
    if alert.is_closed:
        raise ValidationError(_("A closed alert cannot be renewed."))
    now = timezone.now()
    previous = alert.expires_at
    alert.expires_at = renew_expiry(alert.expires_at, now, conf.expiry())
    reactivated = alert.status == AlertStatus.EXPIRED
    alert.status = AlertStatus.ACTIVE
    alert.radius_km = max(alert.radius_km, radius_km(alert.last_seen_at, now, conf.radius_schedule()))
    alert.version += 1
    alert.save()
    _event(
        alert, AlertEventKind.RENEWED, actor, expires_at=alert.expires_at.isoformat(), reactivated=reactivated
    )
    _publish(alert, MessageKind.ALERT if reactivated else MessageKind.UPDATE)
    audit.record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=alert,
        detail={"renewed": True, "from": previous.isoformat(), "to": alert.expires_at.isoformat()},
    )
    return alert


@_guarded("alerts.change_alert")
def alert_close(*, actor: Any, alert_id: Any, outcome: str, note: str = "") -> Alert:
    """Found or false report: partners get an all-clear (or cancel) without personal data, the public page and
    the photo URLs stop showing the child."""
    if outcome not in (AlertStatus.FOUND, AlertStatus.FALSE_REPORT):
        raise ValidationError({"outcome": [_("Say whether the child was found or the report was false.")]})
    if len(note) > 500:
        raise ValidationError({"note": [_("At most %(n)d characters.") % {"n": 500}]})
    alert = _locked_alert(actor, alert_id, "close")
    if alert.is_closed:
        raise ValidationError(_("This alert is already closed."))
    alert.status = outcome
    alert.closed_at = timezone.now()
    alert.closed_by = actor
    alert.close_note = note.strip()
    alert.version += 1
    alert.save()
    _event(alert, AlertEventKind.CLOSED, actor, outcome=outcome)
    _publish(alert, MessageKind.ALL_CLEAR if outcome == AlertStatus.FOUND else MessageKind.CANCEL)
    audit.record(actor=actor, action=AuditAction.UPDATE, obj=alert, detail={"closed": outcome})
    return alert


# ---------------------------------------------------------------------------------------------------
# Background: radius growth, expiry, stuck deliveries (run every minute by `manage.py alerts_tick`)


@transaction.atomic
def alert_radius_refresh(*, alert_id: int, now: datetime | None = None) -> bool:
    """Grow the radius of an active alert if its time has come; True when an Update went out. Idempotent."""
    now = now or timezone.now()
    alert = (
        Alert.objects.select_for_update(of=("self",))
        .select_related("person", "released_by__agency")
        .filter(pk=alert_id, status=AlertStatus.ACTIVE)
        .first()
    )
    if alert is None or alert.expires_at <= now or alert.last_seen_at > now:
        return False
    grown = radius_km(alert.last_seen_at, now, conf.radius_schedule())
    if grown <= alert.radius_km:
        return False
    previous = alert.radius_km
    alert.radius_km = grown
    alert.version += 1
    alert.save(update_fields=["radius_km", "version", "updated_at"])
    _event(alert, AlertEventKind.RADIUS_GREW, None, from_km=previous, to_km=grown)
    _publish(alert, MessageKind.UPDATE)
    audit.record(
        actor=None,
        actor_label="system",
        action=AuditAction.UPDATE,
        obj=alert,
        detail={"radius_km": grown, "from": previous},
    )
    _enqueue_radius_check(alert)
    return True


@transaction.atomic
def alert_expire(*, alert_id: int, now: datetime | None = None) -> bool:
    now = now or timezone.now()
    alert = (
        Alert.objects.select_for_update(of=("self",))
        .select_related("person", "released_by__agency")
        .filter(pk=alert_id, status=AlertStatus.ACTIVE, expires_at__lte=now)
        .first()
    )
    if alert is None:
        return False
    alert.status = AlertStatus.EXPIRED
    alert.version += 1
    alert.save(update_fields=["status", "version", "updated_at"])
    _event(alert, AlertEventKind.EXPIRED, None)
    _publish(alert, MessageKind.CANCEL)
    audit.record(
        actor=None, actor_label="system", action=AuditAction.UPDATE, obj=alert, detail={"expired": True}
    )
    return True


@dataclass
class TickReport:
    grown: int = 0
    expired: int = 0
    requeued: int = 0


def alerts_tick(*, now: datetime | None = None) -> TickReport:
    """One pass of the minute job: expire, grow radii, and re-enqueue deliveries a dead worker left behind."""
    now = now or timezone.now()
    report = TickReport()
    for alert_id in Alert.objects.filter(status=AlertStatus.ACTIVE, expires_at__lte=now).values_list(
        "pk", flat=True
    ):
        report.expired += alert_expire(alert_id=alert_id, now=now)
    for alert_id in Alert.objects.filter(status=AlertStatus.ACTIVE).values_list("pk", flat=True):
        report.grown += alert_radius_refresh(alert_id=alert_id, now=now)
    stuck = list(
        Delivery.objects.filter(state=DeliveryState.PENDING, next_attempt_at__lte=now - STUCK_AFTER)
        .filter(Q(lease_until__isnull=True) | Q(lease_until__lt=now))
        .values_list("pk", flat=True)[:5000]
    )
    for start in range(0, len(stuck), 200):
        _enqueue_send(stuck[start : start + 200], None, priority=0)
    report.requeued = len(stuck)
    return report


# ---------------------------------------------------------------------------------------------------
# Sending deliveries


def _claim(ids: Sequence[int], now: datetime) -> list[Delivery]:
    claimed = []
    for pk in sorted(set(ids)):
        got = (
            Delivery.objects.filter(pk=pk, state=DeliveryState.PENDING, next_attempt_at__lte=now)
            .filter(Q(lease_until__isnull=True) | Q(lease_until__lt=now))
            .update(lease_until=now + LEASE)
        )
        if got:
            claimed.append(pk)
    return list(Delivery.objects.filter(pk__in=claimed).select_related("partner", "message"))


def partner_secrets(partner: AlertPartner, now: datetime | None = None) -> list[str]:
    """The secrets that sign a delivery: the current one, and the previous one during a rotation."""
    now = now or timezone.now()
    secrets = [conf.decrypt_secret(partner.secret_enc)]
    if partner.previous_secret_enc and partner.previous_secret_until and partner.previous_secret_until > now:
        secrets.append(conf.decrypt_secret(partner.previous_secret_enc))
    return secrets


def _request_for(delivery: Delivery, now: datetime) -> transport.OutboundRequest:
    body = delivery.message.body.encode("utf-8")
    headers = sign_webhook(partner_secrets(delivery.partner, now), delivery.msg_id, now, body)
    return transport.OutboundRequest(
        key=delivery.pk, url=delivery.partner.endpoint_url, body=body, headers=headers
    )


@transaction.atomic
def delivery_record(*, result: transport.OutboundResult, now: datetime | None = None) -> Delivery:
    """Log one attempt and move the delivery on: delivered, retry at the next slot, or dead letter."""
    now = now or timezone.now()
    delivery = Delivery.objects.select_for_update().get(pk=result.key)
    delivery.attempts += 1
    if delivery.first_attempt_at is None:
        delivery.first_attempt_at = now - timedelta(milliseconds=result.duration_ms)
    DeliveryAttempt.objects.create(
        delivery=delivery,
        number=delivery.attempts,
        at=delivery.first_attempt_at
        if delivery.attempts == 1
        else now - timedelta(milliseconds=result.duration_ms),
        duration_ms=result.duration_ms,
        status_code=result.status,
        ok=result.ok,
        error=result.error,
    )
    delivery.last_status = result.status
    delivery.last_error = result.error
    delivery.lease_until = None
    if result.ok:
        delivery.state = DeliveryState.DELIVERED
        delivery.delivered_at = now
        delivery.next_attempt_at = None
    elif delivery.state == DeliveryState.PENDING:
        following = next_attempt_at(delivery.attempts, delivery.first_attempt_at, delivery.horizon)
        if following is None:
            delivery.state = DeliveryState.DEAD
            delivery.next_attempt_at = None
        else:
            delivery.next_attempt_at = following
    delivery.save()
    return delivery


def deliveries_send(delivery_ids: Sequence[int]) -> dict[str, int]:
    """Send the given deliveries that are due, all at once; record each result as it arrives; schedule retries.

    Idempotent: a delivery already sent, superseded, not yet due or being sent by another worker is skipped.
    """
    now = timezone.now()
    with transaction.atomic():
        batch = _claim(delivery_ids, now)
    requests = []
    for delivery in batch:
        try:
            requests.append(_request_for(delivery, now))
        except (WebhookError, ValueError) as exc:
            delivery_record(
                result=transport.OutboundResult(delivery.pk, False, None, f"signing: {exc}", 0, 0.0)
            )
    retries: dict[datetime, list[int]] = defaultdict(list)
    counts = {"sent": 0, "delivered": 0, "failed": 0}
    for result in transport.post_many(requests, allow_private=conf.allow_private_targets()):
        delivery = delivery_record(result=result)
        counts["sent"] += 1
        counts["delivered" if result.ok else "failed"] += 1
        if delivery.state == DeliveryState.PENDING and delivery.next_attempt_at is not None:
            retries[delivery.next_attempt_at.replace(microsecond=0)].append(delivery.pk)
    for when, ids in sorted(retries.items()):
        _enqueue_send(ids, when + timedelta(seconds=1), priority=10)
    return counts


@_guarded("alerts.change_alert")
def delivery_replay(*, actor: Any, delivery_id: int) -> Delivery:
    """Send a dead-lettered delivery again, on a fresh retry schedule."""
    delivery = Delivery.objects.select_related("alert").filter(pk=delivery_id).first()
    if delivery is None:
        raise Http404("Not found")
    alert_get(actor=actor, alert_id=delivery.alert_id, purpose="replay delivery", audit_read=False)
    delivery = Delivery.objects.select_for_update().get(pk=delivery.pk)
    if delivery.state != DeliveryState.DEAD:
        raise ValidationError(_("Only a dead-lettered delivery can be replayed."))
    newer = Delivery.objects.filter(
        alert_id=delivery.alert_id, partner_id=delivery.partner_id, message__seq__gt=delivery.message.seq
    ).exists()
    if newer:
        raise ValidationError(_("A newer message of this alert has replaced this one for the partner."))
    now = timezone.now()
    delivery.state = DeliveryState.PENDING
    delivery.attempts = 0
    delivery.first_attempt_at = None
    delivery.next_attempt_at = now
    delivery.horizon = max(delivery.horizon, now + REPLAY_HORIZON)
    delivery.replays += 1
    delivery.save()
    alert = Alert.objects.get(pk=delivery.alert_id)
    _event(alert, AlertEventKind.REPLAYED, actor, delivery=delivery.pk, partner=delivery.partner_id)
    audit.record(actor=actor, action=AuditAction.UPDATE, obj=delivery, detail={"replay": delivery.replays})
    transaction.on_commit(partial(_enqueue_send, [delivery.pk], None))
    return delivery


# ---------------------------------------------------------------------------------------------------
# Partners


_CODE_SPLIT = re.compile(r"[\s,，;；]+")


def parse_region_codes(text: str) -> list[str]:
    return [c for c in _CODE_SPLIT.split(text or "") if c]


def parse_region_boxes(text: str) -> list[tuple[float, float, float, float]]:
    boxes = []
    for line in (text or "").splitlines():
        line = line.strip()
        if not line:
            continue
        parts = [p for p in re.split(r"[\s,]+", line) if p]
        if len(parts) != 4:
            raise ValueError(line)
        a, b, c, d = (float(p) for p in parts)
        boxes.append((a, b, c, d))
    return boxes


def _validate_partner(url: str, codes_text: str, boxes_text: str) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    url = (url or "").strip()
    if not url or len(url) > 500:
        errors["endpoint_url"] = [_("An endpoint URL of at most 500 characters is required.")]
    else:
        try:
            check_outbound_url(url, conf.allow_private_targets())
        except UnsafeURLError as exc:
            errors["endpoint_url"] = [_("This URL cannot receive deliveries: %(why)s") % {"why": exc}]
    codes = parse_region_codes(codes_text)
    if len(codes) > 100:
        errors["region_codes"] = [_("At most 100 divisions.")]
    for code in codes:
        try:
            division_require(code)
        except ValidationError as exc:
            errors.setdefault("region_codes", []).append(" ".join(exc.messages))
    try:
        boxes = parse_region_boxes(boxes_text)
        ServiceRegion(boxes=boxes)  # type: ignore[arg-type]
        if len(boxes) > 50:
            raise ValueError("too many")
    except ValueError:
        errors["region_boxes"] = [
            _("One box per line: min_lat, min_lon, max_lat, max_lon in degrees (at most 50 boxes).")
        ]
    return errors


def _require_partner_admin(actor: Any, code: str) -> None:
    if not access.in_jurisdiction(actor, code):
        audit.record(
            actor=actor,
            action=AuditAction.PERMISSION_DENIED,
            object_type="alerts.alertpartner",
            detail={"code": code},
        )
        raise PermissionDenied(_("This partner platform is outside your jurisdiction."))


@_guarded("alerts.manage_partner", "alerts.alertpartner")
def partner_create(
    *,
    actor: Any,
    agency_id: int,
    endpoint_url: str,
    name: str = "",
    region_codes: str = "",
    region_boxes: str = "",
) -> tuple[AlertPartner, str]:
    """Register a partner endpoint. Returns the partner and its secret, which is shown only this once."""
    agency = Agency.objects.filter(pk=agency_id, type=AgencyType.PARTNER_PLATFORM, is_active=True).first()
    if agency is None:
        raise ValidationError({"agency": [_("Choose an active partner-platform agency.")]})
    _require_partner_admin(actor, agency.division_id)
    errors = _validate_partner(endpoint_url, region_codes, region_boxes)
    if len(name) > 120:
        errors["name"] = [_("At most %(n)d characters.") % {"n": 120}]
    if errors:
        raise ValidationError(errors)
    secret = generate_webhook_secret()
    partner = AlertPartner.objects.create(
        jurisdiction=agency.division_id,
        agency=agency,
        name=(name.strip() or agency.name)[:120],
        endpoint_url=endpoint_url.strip(),
        secret_enc=conf.encrypt_secret(secret),
        region_codes=" ".join(parse_region_codes(region_codes)),
        region_boxes=region_boxes.strip(),
        created_by=actor,
    )
    audit.record(actor=actor, action=AuditAction.CREATE, obj=partner, detail={"url": partner.endpoint_url})
    return partner, secret


@_guarded("alerts.manage_partner", "alerts.alertpartner")
def partner_update(
    *, actor: Any, partner_id: int, endpoint_url: str, region_codes: str, region_boxes: str, is_active: bool
) -> AlertPartner:
    partner = AlertPartner.objects.select_for_update().filter(pk=partner_id).first()
    if partner is None or not access.in_jurisdiction(actor, partner.jurisdiction):
        raise Http404("Not found")
    _require_partner_admin(actor, partner.jurisdiction)
    errors = _validate_partner(endpoint_url, region_codes, region_boxes)
    if errors:
        raise ValidationError(errors)
    partner.endpoint_url = endpoint_url.strip()
    partner.region_codes = " ".join(parse_region_codes(region_codes))
    partner.region_boxes = region_boxes.strip()
    partner.is_active = is_active
    partner.save()
    audit.record(actor=actor, action=AuditAction.UPDATE, obj=partner, detail={"url": partner.endpoint_url})
    return partner


@_guarded("alerts.manage_partner", "alerts.alertpartner")
def partner_rotate_secret(*, actor: Any, partner_id: int) -> str:
    """A new secret, shown once. The old one keeps signing alongside it for the rotation window."""
    partner = AlertPartner.objects.select_for_update().filter(pk=partner_id).first()
    if partner is None or not access.in_jurisdiction(actor, partner.jurisdiction):
        raise Http404("Not found")
    _require_partner_admin(actor, partner.jurisdiction)
    now = timezone.now()
    secret = generate_webhook_secret()
    partner.previous_secret_enc = partner.secret_enc
    partner.previous_secret_until = now + conf.rotation_window()
    partner.secret_enc = conf.encrypt_secret(secret)
    partner.secret_rotated_at = now
    partner.save()
    audit.record(actor=actor, action=AuditAction.UPDATE, obj=partner, detail={"secret_rotated": True})
    return secret


# ---------------------------------------------------------------------------------------------------
# Sightings from the public, and their review


@dataclass
class SightingData:
    seen_at: datetime | None = None
    lat: float | None = None
    lon: float | None = None
    place: str = ""
    what_seen: str = ""
    contact: str = ""
    photo: UploadedFile | None = None


def sighting_rate_check(address: str | None) -> None:
    """Raise RateLimited when this address has sent its allowance; count the attempt otherwise."""
    limit, window = conf.sighting_rate()
    count_attempt(bucket="alerts:sighting", address=address, limit=limit, window=window)


@transaction.atomic
def sighting_submit(*, alert_public_id: Any, data: SightingData, address: str | None) -> Sighting:
    """A public sighting. Rate limited per client address before anything is read or written."""
    sighting_rate_check(address)
    alert = Alert.objects.filter(public_id=alert_public_id).first() if _is_uuid(alert_public_id) else None
    if alert is None:
        raise Http404("Not found")
    if not alert.is_active:
        raise ValidationError(_("This alert is no longer active. Thank you."))
    errors: dict[str, list[str]] = {}

    def err(key: str, message: str) -> None:
        errors.setdefault(key, []).append(message)

    now = timezone.now()
    if data.seen_at is None:
        err("seen_at", _("When did you see the child?"))
    elif data.seen_at > now + CLOCK_SKEW:
        err("seen_at", _("This time is in the future."))
    elif data.seen_at < alert.last_seen_at - timedelta(days=1):
        err("seen_at", _("This is before the child went missing."))
    what = data.what_seen.strip()
    if not what:
        err("what_seen", _("Tell us what you saw."))
    elif len(what) > 2000:
        err("what_seen", _("At most %(n)d characters.") % {"n": 2000})
    if len(data.place) > 200:
        err("place", _("At most %(n)d characters.") % {"n": 200})
    if len(data.contact) > 100:
        err("contact", _("At most %(n)d characters.") % {"n": 100})
    division = ""
    distance = None
    if (data.lat is None) != (data.lon is None):
        err("lat", _("Give both latitude and longitude, or neither."))
    elif data.lat is not None and data.lon is not None:
        found = geo.nearest_county(data.lat, data.lon)
        if found is None:
            err("lat", _("This point is outside China."))
        else:
            division = found[0]
            distance = geo.distance_km(alert.last_seen_lat, alert.last_seen_lon, data.lat, data.lon)
    elif not data.place.strip():
        err("place", _("Where did you see the child? Give an address or a point on the map."))
    content_type = ""
    if data.photo is not None:
        try:
            content_type, _digest = clean_image(data.photo)
        except ValidationError as exc:
            err("photo", " ".join(exc.messages))
    if errors:
        raise ValidationError(errors)
    assert data.seen_at is not None
    sighting = Sighting(
        jurisdiction=alert.jurisdiction,
        alert=alert,
        seen_at=data.seen_at,
        lat=data.lat,
        lon=data.lon,
        place=data.place.strip(),
        division=division,
        what_seen=what,
        contact=data.contact.strip(),
        distance_km=distance,
        photo_content_type=content_type,
    )
    if data.photo is not None:
        sighting.photo.save(f"{_digest[:16]}.{content_type.split('/')[1]}", data.photo, save=False)
    sighting.save()
    audit.record(actor=None, actor_label="public", action=AuditAction.CREATE, obj=sighting)
    transaction.on_commit(partial(_notify_sighting, alert.pk, alert.jurisdiction))
    return sighting


def _notify_sighting(alert_id: int, jurisdiction: str) -> None:
    from django.urls import reverse

    from homeward.notifications.services import notify

    bucket = timezone.now().strftime("%Y%m%d%H")
    notify(
        kind="alert_sighting",
        title=_("New sightings for alert %(id)s") % {"id": alert_id},
        url=reverse("alerts:queue"),
        role=Role.COMMAND_CENTRE,
        division_code=jurisdiction,
        dedupe_key=f"alert-sighting-{alert_id}-{bucket}",
    )


def _is_uuid(value: Any) -> bool:
    import uuid

    try:
        uuid.UUID(str(value))
    except ValueError:
        return False
    return True


def _sighting_text(sighting: Sighting, note: str) -> str:
    lines = [
        _("Sighting %(id)s of missing-child alert %(alert)s, seen %(at)s.")
        % {
            "id": sighting.pk,
            "alert": sighting.alert_id,
            "at": timezone.localtime(sighting.seen_at).strftime("%Y-%m-%d %H:%M"),
        },
        _("What was seen: %(text)s") % {"text": sighting.what_seen[:2500]},
    ]
    if sighting.place:
        lines.append(_("Where: %(place)s") % {"place": sighting.place})
    if sighting.distance_km is not None:
        lines.append(_("%(km).1f km from the last-seen place.") % {"km": sighting.distance_km})
    if note.strip():
        lines.append(_("Reviewer's note: %(note)s") % {"note": note.strip()})
    return "\n".join(lines)


def _sighting_to_tip(actor: Any, sighting: Sighting, note: str) -> None:
    """A useful sighting becomes a tip in the tips app: routed to the county where the child was seen, attached
    to the alert, with the informant's contact kept as the tips app keeps informants'. Once per sighting."""
    from homeward.people.validators import clean_phone
    from homeward.tips.services import TipData, tip_submit_staff

    contact = sighting.contact.strip()
    try:
        phone = clean_phone(contact) if contact else ""
    except ValidationError:
        phone = ""
    receipt = tip_submit_staff(
        actor=actor,
        data=TipData(
            category="child_missing",
            description=_sighting_text(sighting, note),
            seen_at=min(sighting.seen_at, timezone.now()),
            address=sighting.place,
            lat=sighting.lat,
            lon=sighting.lon,
            division_code=sighting.division,
            informant_phone=phone,
            informant_name="" if phone else contact[:60],
            child_involved=True,
        ),
        idempotency_key=f"alerts-sighting-{sighting.pk}",
        alert_ref=str(sighting.alert_id),
        origin={"app": "alerts", "alert": sighting.alert_id, "sighting": sighting.pk},
    )
    sighting.tip_id, sighting.tip_reference = receipt.tip.pk, receipt.reference


def _sighting_to_case(actor: Any, sighting: Sighting, note: str, case_id: Any) -> None:
    """A useful sighting becomes an action in the log of the case that links the alert (the one named by
    `case_id` when several do). Once per sighting."""
    from homeward.cases.selectors import cases_linked_to
    from homeward.cases.services import entry_add

    linked = list(cases_linked_to(actor=actor, kind="alert", target_id=sighting.alert_id)[:20])
    if case_id not in (None, ""):
        case = next((c for c in linked if str(c.pk) == str(case_id)), None)
        if case is None:
            raise ValidationError(
                {"case_id": [_("That case does not link this alert, or you may not see it.")]}
            )
    elif len(linked) == 1:
        case = linked[0]
    elif not linked:
        raise ValidationError(
            {
                "follow_up": [
                    _(
                        "No case links this alert yet: link the alert from its case, or make the sighting a lead."
                    )
                ]
            }
        )
    else:
        raise ValidationError(
            {
                "case_id": [
                    _("Several cases link this alert: say which case (%(ids)s).")
                    % {"ids": ", ".join(str(c.pk) for c in linked)}
                ]
            }
        )
    entry = entry_add(
        actor=actor,
        case_id=case.pk,
        kind="action",
        text=_sighting_text(sighting, note),
        occurred_at=min(sighting.seen_at, timezone.now()),
    )
    sighting.case_id, sighting.case_number, sighting.case_entry_id = case.pk, case.number, entry.pk


@_guarded("alerts.review_sighting", "alerts.sighting")
def sighting_review(
    *,
    actor: Any,
    sighting_id: Any,
    status: str,
    follow_up: str = "",
    note: str = "",
    case_id: Any = None,
) -> Sighting:
    """Mark a sighting useful / not useful / duplicate, and optionally turn it into a lead (a tip in the tips app,
    attached to the alert) or a case action (an entry in the log of the case that links the alert)."""
    sighting = sighting_get(actor=actor, sighting_id=sighting_id, purpose="review", audit_read=False)
    errors: dict[str, list[str]] = {}
    if status not in SightingStatus.values or status == SightingStatus.NEW:
        errors["status"] = [_("Choose useful, not useful or duplicate.")]
    if follow_up not in FollowUp.values:
        errors["follow_up"] = [_("Unknown follow-up %(f)r.") % {"f": follow_up}]
    if follow_up and status != SightingStatus.USEFUL:
        errors.setdefault("follow_up", []).append(
            _("Only a useful sighting becomes a lead or a case action.")
        )
    if len(note) > 500:
        errors["note"] = [_("At most %(n)d characters.") % {"n": 500}]
    if errors:
        raise ValidationError(errors)
    sighting = Sighting.objects.select_for_update().get(pk=sighting.pk)
    sighting.status = status
    sighting.follow_up = follow_up
    sighting.follow_up_note = note.strip()
    sighting.reviewed_by = actor
    sighting.reviewed_at = timezone.now()
    if follow_up == FollowUp.LEAD and sighting.tip_id is None:
        _sighting_to_tip(actor, sighting, note)
    elif follow_up == FollowUp.CASE_ACTION and sighting.case_entry_id is None:
        _sighting_to_case(actor, sighting, note, case_id)
    sighting.save()
    audit.record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=sighting,
        detail={
            "status": status,
            "follow_up": follow_up,
            **({"tip": sighting.tip_id} if sighting.tip_id else {}),
            **({"case": sighting.case_id, "case_entry": sighting.case_entry_id} if sighting.case_id else {}),
        },
    )
    return sighting


# ---------------------------------------------------------------------------------------------------
# The demo partner endpoint: verifies and logs what it receives (no personal data kept).


def demo_receipt_record(*, secrets: Sequence[str], headers: dict[str, str], body: bytes) -> DemoReceipt:
    import json

    verified, error = False, "no demo partner registered" if not secrets else ""
    for secret in secrets:
        try:
            verify_webhook(secret, headers, body)
        except WebhookError as exc:
            error = str(exc)[:200]
        else:
            verified, error = True, ""
            break
    event_type = alert_ref = msg_type = ""
    try:
        payload = json.loads(body)
        event_type = str(payload.get("type", ""))[:32]
        alert_ref = str(payload.get("data", {}).get("alert", ""))[:64]
        msg_type = str(payload.get("data", {}).get("msg_type", ""))[:16]
    except (ValueError, AttributeError):
        error = error or "body is not JSON"
    return DemoReceipt.objects.create(
        webhook_id=headers.get("webhook-id", "")[:140],
        event_type=event_type,
        alert_ref=alert_ref,
        msg_type=msg_type,
        verified=verified,
        error=error,
        body_bytes=len(body),
    )

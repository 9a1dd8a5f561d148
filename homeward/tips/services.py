"""Writes of tips: intake (public and mandatory), triage actions, transfers, merges, rewards, SLA escalation.

Each service validates everything first, then writes, records the tip's timeline event and exactly one audit row
in one transaction; notices go out through `notifications.notify` in the same transaction.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import secrets
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from typing import Any, TypeVar

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

from homeward.access import selectors as access
from homeward.accounts.models import Agency
from homeward.accounts.roles import AgencyType, Role
from homeward.audit import services as audit
from homeward.audit.models import AuditAction, AuditOutcome
from homeward.audit.refusals import Refused, kept_refusals
from homeward.notifications.services import notify
from homeward.people.validators import clean_phone, clean_resident_id
from homeward.tips import routing, selectors
from homeward.tips.models import (
    CHILD_CATEGORIES,
    OPEN_STATUSES,
    Category,
    Channel,
    CloseReason,
    EventKind,
    LinkKind,
    Reward,
    RewardStatus,
    Status,
    Tip,
    TipAttachment,
    TipEvent,
    TipKey,
    TipKeyKind,
    TipLink,
    TipTransfer,
    TransferStatus,
)
from homeward.tips.sectors import clean_sector_details, sector_for
from homeward.tips.spam import SPAM_THRESHOLD, spam_score

# -- limits ---------------------------------------------------------------------------------------------------

MAX_DESCRIPTION = 5000
MAX_PEOPLE = 2000
MAX_VEHICLES = 1000
MAX_ATTACHMENTS = 5
MAX_FOLLOWUP_TEXT = 3000
MAX_IDEMPOTENCY_KEY = 100
# Public channel, per sender address: a burst of junk is refused, and what gets through sinks by spam score.
PUBLIC_RATE_PER_HOUR = getattr(settings, "TIPS_PUBLIC_RATE_PER_HOUR", 10)
PUBLIC_RATE_PER_DAY = getattr(settings, "TIPS_PUBLIC_RATE_PER_DAY", 30)
ALLOWED_FILE_TYPES = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}

# -- SLA: (acknowledge within, first action within) ------------------------------------------------------------

SLA_IMMINENT = (timedelta(minutes=10), timedelta(hours=1))
SLA_CHILD = (timedelta(hours=2), timedelta(hours=24))
SLA_MANDATORY = (timedelta(hours=12), timedelta(hours=72))
SLA_DEFAULT = (timedelta(hours=24), timedelta(days=7))
SLA_SPAM = (timedelta(days=3), timedelta(days=14))

CATEGORY_WEIGHT: dict[str, int] = {
    Category.CHILD_MISSING: 40,
    Category.CHILD_TRADE: 40,
    Category.ILLEGAL_ADOPTION: 30,
    Category.WOMAN_TRAFFICKED: 30,
    Category.SEXUAL_EXPLOITATION: 30,
    Category.FORCED_LABOUR: 25,
    Category.CROSS_BORDER: 25,
    Category.ONLINE_POST: 15,
    Category.OTHER: 10,
}
REPEAT_WINDOW = timedelta(days=90)
T = TypeVar("T")


class RateLimited(Exception):
    """Too many public submissions from one address; the API answers 429, the form shows an error."""


class _InsertConflict(Exception):
    """The tip's insert hit a unique index: its idempotency key was used before, or (rarely) its receipt code."""


@dataclass(frozen=True)
class Receipt:
    tip: Tip
    reference: str
    secret: str
    created: bool  # False: an idempotent retry returned the first submission


@dataclass
class TipData:
    category: str
    description: str
    seen_at: datetime | None = None
    address: str = ""
    lat: float | None = None
    lon: float | None = None
    division_code: str = ""
    people_involved: str = ""
    vehicles: str = ""
    involved_phones: list[str] = field(default_factory=list)
    involved_id_numbers: list[str] = field(default_factory=list)
    informant_name: str = ""
    informant_phone: str = ""
    imminent_danger: bool = False
    child_involved: bool = False


def _describe_refusal(func: Callable[..., Any], exc: BaseException, kwargs: dict[str, Any]) -> Refused:
    """The one `denied` row of a refused staff service (PermissionDenied, or Http404 for a record that is missing
    or not the actor's) that recorded no denial of its own."""
    target = next((kwargs[k] for k in ("tip_id", "transfer_id", "reward_id") if k in kwargs), "")
    return Refused(
        exc if isinstance(exc, Exception) else PermissionDenied(),
        actor=kwargs.get("actor"),
        action=AuditAction.UPDATE,
        object_type="tips.tip" if "tip_id" in kwargs else f"tips.{func.__name__.split('_')[0]}",
        object_id=str(target)[:64],
        detail={
            "service": func.__name__,
            "reason": "not found" if isinstance(exc, Http404) else str(exc)[:200],
        },
    )


# A staff service runs in one transaction; a refusal is written after the rollback (see `homeward.audit.refusals`).
refusals_audited = kept_refusals(describe=_describe_refusal)


# -- helpers --------------------------------------------------------------------------------------------------


def _now() -> datetime:
    return timezone.now()


def _keyed_hash(purpose: str, value: str) -> str:
    return hmac.new(settings.SECRET_KEY.encode(), f"{purpose}:{value}".encode(), hashlib.sha256).hexdigest()


def source_hash(ip: str | None) -> str:
    """A keyed hash of the sender's address: enough to count per address, without storing the address."""
    return _keyed_hash("tips-source", ip)[:32] if ip else ""


def _new_code(length: int) -> str:
    return "".join(secrets.choice(selectors.RECEIPT_ALPHABET) for _ in range(length))


def _secret_for_key(idempotency_hash: str) -> str:
    """The receipt secret of a keyed submission, derived so that a retry can hand back the same secret without
    the secret itself being stored anywhere."""
    digest = _keyed_hash("tips-receipt-secret", idempotency_hash)
    alphabet = selectors.RECEIPT_ALPHABET
    number = int(digest, 16)
    chars = []
    for _i in range(16):
        number, index = divmod(number, len(alphabet))
        chars.append(alphabet[index])
    return "".join(chars)


def _event(
    tip: Tip,
    kind: str,
    *,
    actor: Any = None,
    note: str = "",
    public: bool = False,
    data: dict[str, Any] | None = None,
) -> TipEvent:
    return TipEvent.objects.create(
        tip=tip,
        at=_now(),
        kind=kind,
        actor=actor if getattr(actor, "pk", None) else None,
        agency_id=getattr(actor, "agency_id", None),
        note=note,
        public=public,
        data=data or {},
    )


_PHONE_IN_TEXT = re.compile(r"(?<!\d)(?:\+?86[- ]?)?1[3-9]\d{9}(?!\d)")
_ID_IN_TEXT = re.compile(r"(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])")
_PLATE = re.compile(r"[京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼][A-Z][A-Z0-9]{5,6}")


def _keys_for(data: TipData) -> set[tuple[str, str]]:
    """Phones, ID numbers and plates in the tip, normalised, for finding related tips by an index."""
    keys: set[tuple[str, str]] = set()
    phones = list(data.involved_phones)
    if data.informant_phone:
        phones.append(data.informant_phone)
    phones += _PHONE_IN_TEXT.findall(data.people_involved + " " + data.description)
    for raw in phones:
        try:
            keys.add((TipKeyKind.PHONE, clean_phone(raw)))
        except ValidationError:
            continue
    ids = list(data.involved_id_numbers) + _ID_IN_TEXT.findall(data.people_involved + " " + data.description)
    for raw in ids:
        try:
            keys.add((TipKeyKind.ID_NUMBER, clean_resident_id(raw)))
        except ValidationError:
            continue
    for plate in _PLATE.findall((data.vehicles + " " + data.description).upper().replace(" ", "")):
        keys.add((TipKeyKind.PLATE, plate))
    return keys


def _validated(data: TipData) -> TipData:
    errors: dict[str, list[str]] = {}

    def err(key: str, message: str) -> None:
        errors.setdefault(key, []).append(message)

    if data.category not in Category.values:
        err("category", _("Choose what was seen."))
    description = (data.description or "").strip()
    if len(description) < 5:
        err("description", _("Describe what you saw (at least a few words)."))
    if len(description) > MAX_DESCRIPTION:
        err("description", _("At most %(n)d characters.") % {"n": MAX_DESCRIPTION})
    for key, limit in (("people_involved", MAX_PEOPLE), ("vehicles", MAX_VEHICLES), ("address", 300)):
        if len(getattr(data, key) or "") > limit:
            err(key, _("At most %(n)d characters.") % {"n": limit})
    if data.seen_at is not None and data.seen_at > _now() + timedelta(minutes=10):
        err("seen_at", _("The time is in the future."))
    if data.seen_at is not None and data.seen_at < _now() - timedelta(days=365 * 80):
        err("seen_at", _("The time is too far in the past."))
    for key, coord in (("lat", data.lat), ("lon", data.lon)):
        if coord is not None and (coord != coord or abs(coord) > 180):
            err(key, _("Not a coordinate."))
    name = (data.informant_name or "").strip()
    if len(name) > 60:
        err("informant_name", _("A name is at most 60 characters."))
    phone = ""
    if (data.informant_phone or "").strip():
        try:
            phone = clean_phone(data.informant_phone)
        except ValidationError as exc:
            err("informant_phone", " ".join(exc.messages))
    phones: list[str] = []
    for raw in data.involved_phones[:10]:
        if raw.strip():
            try:
                phones.append(clean_phone(raw))
            except ValidationError as exc:
                err("involved_phones", f"{raw}: {' '.join(exc.messages)}")
    ids: list[str] = []
    for raw in data.involved_id_numbers[:10]:
        if raw.strip():
            try:
                ids.append(clean_resident_id(raw))
            except ValidationError as exc:
                err("involved_id_numbers", f"{raw}: {' '.join(exc.messages)}")
    if len(data.involved_phones) > 10 or len(data.involved_id_numbers) > 10:
        err("involved_phones", _("At most 10 phones and 10 ID numbers."))
    if errors:
        raise ValidationError(errors)
    return TipData(
        category=data.category,
        description=description,
        seen_at=data.seen_at,
        address=(data.address or "").strip(),
        lat=data.lat,
        lon=data.lon,
        division_code=(data.division_code or "").strip(),
        people_involved=(data.people_involved or "").strip(),
        vehicles=(data.vehicles or "").strip(),
        involved_phones=phones,
        involved_id_numbers=ids,
        informant_name=name,
        informant_phone=phone,
        imminent_danger=bool(data.imminent_danger),
        child_involved=bool(data.child_involved) or data.category in CHILD_CATEGORIES,
    )


def _check_idempotency_key(key: str) -> None:
    if len(key) > MAX_IDEMPOTENCY_KEY or not key.isascii() or not key.isprintable():
        raise ValidationError(
            {"idempotency_key": _("An idempotency key is at most 100 printable ASCII characters.")}
        )


def _body_hash(data: TipData, extra: dict[str, Any] | None = None) -> str:
    payload = asdict(data)
    payload["seen_at"] = data.seen_at.isoformat() if data.seen_at else None
    payload["extra"] = extra or {}
    return hashlib.sha256(json.dumps(payload, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def _replay(idempotency_hash: str | None, body: str) -> Receipt | None:
    """The first receipt given for this idempotency key, or None (no key, or not used yet)."""
    if not idempotency_hash:
        return None
    existing = Tip.objects.filter(idempotency_hash=idempotency_hash).first()
    if existing is None:
        return None
    if existing.body_hash != body:
        raise ValidationError(
            {"idempotency_key": _("This idempotency key was already used for a different submission.")}
        )
    return Receipt(existing, existing.reference, _secret_for_key(idempotency_hash), created=False)


def _sla(data: TipData, *, mandatory: bool, spam: float) -> tuple[timedelta, timedelta]:
    if spam >= SPAM_THRESHOLD and not mandatory:
        return SLA_SPAM
    options = [SLA_DEFAULT]
    if data.imminent_danger:
        options.append(SLA_IMMINENT)
    if data.child_involved:
        options.append(SLA_CHILD)
    if mandatory:
        options.append(SLA_MANDATORY)
    return min(o[0] for o in options), min(o[1] for o in options)


def _priority(data: TipData, *, repeat: int, sector: str, spam: float) -> int:
    score = CATEGORY_WEIGHT.get(data.category, 10)
    if data.imminent_danger:
        score += 100
    if data.child_involved:
        score += 20
    score += min(30, 10 * repeat)
    if sector:
        score += 15
        found = sector_for(sector)
        if found is not None and found.child_sector:
            score += 5
    score -= round(spam * 100)
    if spam >= SPAM_THRESHOLD:
        score = min(score, -50)
    return score


def _repeats(keys: set[tuple[str, str]], place: str, data: TipData, now: datetime) -> int:
    """Earlier tips (90 days) sharing a phone, ID number or plate, or the same place within two days."""
    since = now - REPEAT_WINDOW
    ids: set[int] = set()
    if keys:
        condition = Q()
        for kind, value in keys:
            condition |= Q(kind=kind, value=value)
        ids.update(
            TipKey.objects.filter(condition, tip__created_at__gte=since).values_list("tip_id", flat=True)[:50]
        )
    if data.lat is not None and data.lon is not None:
        when = data.seen_at or now
        d = selectors.PLACE_RADIUS_DEG
        ids.update(
            Tip.objects.filter(
                division_code=place,
                lat__range=(data.lat - d, data.lat + d),
                lon__range=(data.lon - d, data.lon + d),
                created_at__gte=when - selectors.PLACE_WINDOW,
            ).values_list("id", flat=True)[:50]
        )
    return len(ids)


def clean_attachments(uploads: Sequence[UploadedFile]) -> list[tuple[UploadedFile, str, str]]:
    """(upload, content type, sha256) for photos and PDF files; ValidationError for anything else or too big."""
    if len(uploads) > MAX_ATTACHMENTS:
        raise ValidationError({"attachments": _("At most %(n)d files.") % {"n": MAX_ATTACHMENTS}})
    out: list[tuple[UploadedFile, str, str]] = []
    for upload in uploads:
        if upload.size is None or upload.size > settings.PHOTO_MAX_BYTES:
            raise ValidationError(
                {
                    "attachments": _("A file may be at most %(mb)d MB.")
                    % {"mb": settings.PHOTO_MAX_BYTES // (1024 * 1024)}
                }
            )
        upload.seek(0)
        head = upload.read(5)
        upload.seek(0)
        if head == b"%PDF-":
            content_type = "application/pdf"
        else:
            try:
                with Image.open(upload) as image:
                    image_format = image.format or ""
                    image.verify()
            except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
                raise ValidationError(
                    {"attachments": _("Files must be photos (JPEG, PNG, WebP) or PDF.")}
                ) from exc
            if image_format not in ALLOWED_FILE_TYPES:
                raise ValidationError({"attachments": _("Files must be photos (JPEG, PNG, WebP) or PDF.")})
            content_type = ALLOWED_FILE_TYPES[image_format]
        upload.seek(0)
        digest = hashlib.sha256(upload.read()).hexdigest()
        upload.seek(0)
        out.append((upload, content_type, digest))
    return out


def _save_attachments(tip: Tip, files: list[tuple[UploadedFile, str, str]]) -> list[TipAttachment]:
    saved = []
    for upload, content_type, digest in files:
        extension = content_type.split("/")[1]
        attachment = TipAttachment(
            tip=tip,
            content_type=content_type,
            sha256=digest,
            size=upload.size or 0,
            name=(upload.name or "")[:120],
        )
        attachment.file.save(f"{digest[:16]}.{extension}", upload, save=False)
        attachment.save()
        saved.append(attachment)
    return saved


def _users_of(agency_id: int | None, *roles: str) -> list[Any]:
    if agency_id is None:
        return []
    users = get_user_model().objects.filter(agency_id=agency_id, is_active=True)
    return [u for u in users if u.has_role(*roles)]


def _tip_url(tip: Tip) -> str:
    return reverse("tips:detail", args=[tip.pk])


# -- intake ---------------------------------------------------------------------------------------------------


def _intake(
    *,
    data: TipData,
    channel: str,
    idempotency_hash: str | None,
    body: str,
    source: str,
    reporter: Any = None,
    sector: str = "",
    sector_details: dict[str, Any] | None = None,
    files: list[tuple[UploadedFile, str, str]] | None = None,
    spam: float = 0.0,
    origin: dict[str, Any] | None = None,
    alert_ref: str = "",
    savepoint: bool = True,
) -> Receipt:
    """Route, prioritise and write a validated tip. With `savepoint` off, the tip's insert is the transaction's first
    write and a unique-index conflict raises `_InsertConflict` for the caller to roll back and answer (one savepoint
    fewer per tip); with it on, the conflict is answered here."""
    now = _now()
    fallback = reporter.agency.division_id if reporter is not None else ""
    place = routing.locate(
        lat=data.lat, lon=data.lon, address=data.address, division_code=data.division_code, fallback=fallback
    )
    agency = routing.police_agency_for(place.division_code)
    keys = _keys_for(data)
    repeat = _repeats(keys, place.division_code, data, now)
    ack, action = _sla(data, mandatory=channel == Channel.MANDATORY, spam=spam)
    secret = _secret_for_key(idempotency_hash) if idempotency_hash else _new_code(16)
    tip = Tip(
        jurisdiction=agency.division_id if agency is not None else place.division_code,
        secret_hash=selectors.secret_hash(secret),
        channel=channel,
        category=data.category,
        imminent_danger=data.imminent_danger,
        child_involved=data.child_involved,
        description=data.description,
        seen_at=data.seen_at,
        address=data.address,
        lat=data.lat,
        lon=data.lon,
        division_code=place.division_code,
        location_source=place.source,
        people_involved=data.people_involved,
        vehicles=data.vehicles,
        informant_name=data.informant_name,
        informant_phone=data.informant_phone,
        reporter=reporter,
        reporter_agency=reporter.agency if reporter is not None else None,
        sector=sector,
        sector_details=sector_details or {},
        agency=agency,
        priority=_priority(data, repeat=repeat, sector=sector, spam=spam),
        spam_score=spam,
        repeat_count=repeat,
        ack_due_at=now + ack,
        action_due_at=now + action,
        next_escalation_at=now + ack,
        idempotency_hash=idempotency_hash,
        body_hash=body,
        source_hash=source,
        origin=origin or {},
        alert_ref=alert_ref,
    )
    for _attempt in range(5):
        tip.reference = selectors.format_reference(_new_code(12))
        try:
            with transaction.atomic(savepoint=savepoint):
                tip.save(force_insert=True)
            break
        except IntegrityError as exc:
            if not savepoint:
                raise _InsertConflict from exc
            replay = _replay(idempotency_hash, body)
            if replay is not None:
                return replay  # the key was used before: a retry, or a concurrent copy that won the race
            tip.pk = None
    else:  # pragma: no cover - five receipt collisions in a 59-bit space
        raise RuntimeError("could not allocate a receipt code")
    TipKey.objects.bulk_create([TipKey(tip=tip, kind=k, value=v) for k, v in sorted(keys)])
    if files:
        _save_attachments(tip, files)
    _event(
        tip,
        EventKind.RECEIVED,
        actor=reporter,
        data={
            "channel": channel,
            "place": place.division_code,
            "place_source": place.source,
            "agency": agency.pk if agency else None,
            "priority": tip.priority,
            "spam_score": spam,
            **({"origin": origin} if origin else {}),
            **({"alert": alert_ref} if alert_ref else {}),
        },
    )
    audit.record(
        actor=reporter,
        actor_label="" if reporter is not None else "public",
        action=AuditAction.CREATE,
        obj=tip,
        detail={
            "channel": channel,
            "agency": agency.pk if agency else None,
            "imminent": data.imminent_danger,
        },
    )
    if data.imminent_danger and spam < SPAM_THRESHOLD:
        _alarm_command_centre(tip)
    elif channel == Channel.MANDATORY and agency is not None:
        notify(
            kind="tips.mandatory_report",
            title=_("Mandatory report %(ref)s: acknowledge by %(due)s")
            % {"ref": tip.reference, "due": timezone.localtime(tip.ack_due_at).strftime("%Y-%m-%d %H:%M")},
            url=_tip_url(tip),
            users=_users_of(agency.pk, Role.INVESTIGATOR, Role.COMMAND_CENTRE),
            dedupe_key=f"tip-{tip.pk}-received",
        )
    return Receipt(tip, tip.reference, secret, created=True)


def _alarm_command_centre(tip: Tip) -> None:
    """Imminent danger: the command centre (and investigators) of the handling agency hear of it at once; where
    the agency has no command centre, every command centre above the place does."""
    title = _("IMMINENT DANGER: tip %(ref)s — a missing-child alert may be needed") % {"ref": tip.reference}
    users = _users_of(tip.agency_id, Role.COMMAND_CENTRE, Role.INVESTIGATOR)
    has_centre = any(u.has_role(Role.COMMAND_CENTRE) for u in users)
    notify(
        kind="tips.imminent",
        title=title,
        body=tip.description[:500],
        url=_tip_url(tip),
        users=users,
        role=None if has_centre else Role.COMMAND_CENTRE,
        division_code=None if has_centre else tip.division_code,
        dedupe_key=f"tip-{tip.pk}-imminent",
    )


def tip_submit_public(
    *,
    data: TipData,
    channel: str = Channel.PUBLIC_WEB,
    idempotency_key: str = "",
    source_ip: str | None = None,
    attachments: Sequence[UploadedFile] = (),
) -> Receipt:
    """A tip from the public (no login). Retrying with the same idempotency key returns the first receipt."""
    if channel not in (Channel.PUBLIC_WEB, Channel.PUBLIC_API):
        raise ValidationError({"channel": _("Not a public channel.")})
    idempotency_key = (idempotency_key or "").strip()
    if idempotency_key:
        _check_idempotency_key(idempotency_key)
    clean = _validated(data)
    files = clean_attachments(attachments)
    body = _body_hash(clean, {"files": [digest for _u, _t, digest in files]})
    idempotency_hash = (
        hashlib.sha256(f"public:{idempotency_key}".encode()).hexdigest() if idempotency_key else None
    )
    # No look-up of the key before the insert: nearly every submission is new, and a retry is answered from the
    # key's unique index (the insert fails and `_intake` replays the first receipt), which also settles two copies
    # of one submission arriving at once.
    source = source_hash(source_ip)
    now = _now()
    recent = 0
    same_text = False
    if source:
        # One query for the three numbers: tips from this address today, in the last hour, with the same text.
        counts = Tip.objects.filter(source_hash=source, created_at__gte=now - timedelta(days=1)).aggregate(
            day=Count("id"),
            hour=Count("id", filter=Q(created_at__gte=now - timedelta(hours=1))),
            same=Count("id", filter=Q(description=clean.description)),
        )
        recent = counts["hour"]
        if recent >= PUBLIC_RATE_PER_HOUR or counts["day"] >= PUBLIC_RATE_PER_DAY:
            # A retry of a tip already received is answered with its receipt, not refused.
            replay = _replay(idempotency_hash, body)
            if replay is not None:
                return replay
            audit.record(
                actor=None,
                actor_label="public",
                action=AuditAction.CREATE,
                object_type="tips.tip",
                outcome=AuditOutcome.DENIED,
                detail={"reason": "rate limit", "source": source},
            )
            raise RateLimited(_("Too many tips from this address. Please try again later, or call 110."))
        same_text = counts["same"] > 0
    spam = spam_score(
        " ".join([clean.description, clean.people_involved]),
        recent_from_source=recent,
        same_text_from_source=same_text,
    )
    for _attempt in range(5):
        try:
            with transaction.atomic():
                return _intake(
                    data=clean,
                    channel=channel,
                    idempotency_hash=idempotency_hash,
                    body=body,
                    source=source,
                    files=files,
                    spam=spam,
                    savepoint=False,
                )
        except _InsertConflict:
            replay = _replay(idempotency_hash, body)
            if replay is not None:
                return replay  # the key was used before: a retry, or a concurrent copy that won the race
    raise RuntimeError("could not allocate a receipt code")  # five receipt collisions in a 59-bit space


@refusals_audited
def tip_submit_mandatory(
    *,
    actor: Any,
    data: TipData,
    sector_details: dict[str, Any],
    idempotency_key: str = "",
    attachments: Sequence[UploadedFile] = (),
) -> Receipt:
    """A mandatory report by a logged-in reporter of a school, hospital, hotel …, for their agency's sector.

    Where the reporter gives no place, the report is routed to the reporter's own county."""
    if not actor.has_perm("tips.file_report"):
        raise PermissionDenied
    sector = sector_for(actor.agency.type)
    if sector is None:  # pragma: no cover - the permission already requires a reporting sector
        raise PermissionDenied
    idempotency_key = (idempotency_key or "").strip()
    if idempotency_key:
        _check_idempotency_key(idempotency_key)
    details = clean_sector_details(sector, sector_details)
    clean = _validated(data)
    clean.informant_name = clean.informant_name or actor.display_name or actor.get_username()
    files = clean_attachments(attachments)
    body = _body_hash(clean, {"sector": details, "files": [d for _u, _t, d in files]})
    idempotency_hash = (
        hashlib.sha256(f"mandatory:{actor.pk}:{idempotency_key}".encode()).hexdigest()
        if idempotency_key
        else None
    )
    replay = _replay(idempotency_hash, body)
    if replay is not None:
        return replay
    return _intake(
        data=clean,
        channel=Channel.MANDATORY,
        idempotency_hash=idempotency_hash,
        body=body,
        source="",
        reporter=actor,
        sector=sector.code,
        sector_details=details,
        files=files,
    )


MAX_ORIGIN_KEYS = 8
_ORIGIN_KEY = re.compile(r"^[a-z][a-z0-9_]{0,19}$")


def _clean_origin(origin: dict[str, Any] | None) -> dict[str, Any]:
    if not origin:
        return {}
    if not isinstance(origin, dict) or len(origin) > MAX_ORIGIN_KEYS:
        raise ValidationError({"origin": _("Say where the tip came from in at most 8 short fields.")})
    clean: dict[str, Any] = {}
    for key, value in origin.items():
        if not isinstance(key, str) or not _ORIGIN_KEY.match(key):
            raise ValidationError({"origin": _("Say where the tip came from in at most 8 short fields.")})
        if isinstance(value, bool) or not isinstance(value, int | str) or len(str(value)) > 100:
            raise ValidationError({"origin": _("Say where the tip came from in at most 8 short fields.")})
        clean[key] = value
    return clean


@refusals_audited
def tip_submit_staff(
    *,
    actor: Any,
    data: TipData,
    idempotency_key: str,
    alert_ref: str = "",
    origin: dict[str, Any] | None = None,
) -> Receipt:
    """A lead entered by police staff, usually from another app (a screening reviewer's confirmed post, a command
    centre's alert sighting). Validated, routed to the county of its place (the actor's own county when it has
    none), prioritised, given SLA deadlines, keyed for duplicate search and audited like any tip.

    `idempotency_key` names the source record (e.g. "alerts-sighting-12"): asking again returns the first tip's
    receipt, whoever asks. `origin` records where the tip came from ({"app": "alerts", "sighting": 12});
    `alert_ref` attaches it to that missing-child alert at once. Refusals are audited."""
    if not actor.has_perm("tips.submit_staff_tip"):
        raise PermissionDenied
    idempotency_key = (idempotency_key or "").strip()
    if not idempotency_key:
        raise ValidationError({"idempotency_key": _("A staff tip needs a key naming where it came from.")})
    _check_idempotency_key(idempotency_key)
    alert_ref = (alert_ref or "").strip()
    if alert_ref and (not alert_ref.isdigit() or len(alert_ref) > 18):
        raise ValidationError({"alert_id": _("An alert number is digits only.")})
    clean_origin = _clean_origin(origin)
    idempotency_hash = hashlib.sha256(f"staff:{idempotency_key}".encode()).hexdigest()
    existing = Tip.objects.filter(idempotency_hash=idempotency_hash).first()
    if existing is not None:
        return Receipt(existing, existing.reference, _secret_for_key(idempotency_hash), created=False)
    clean = _validated(data)
    clean.informant_name = clean.informant_name or actor.display_name or actor.get_username()
    body = _body_hash(clean, {"staff": idempotency_key, "origin": clean_origin, "alert": alert_ref})
    return _intake(
        data=clean,
        channel=Channel.STAFF,
        idempotency_hash=idempotency_hash,
        body=body,
        source="",
        reporter=actor,
        origin=clean_origin,
        alert_ref=alert_ref,
    )


# -- the informant, after the receipt check -------------------------------------------------------------------


@transaction.atomic
def tip_informant_add(*, tip_id: int, text: str, attachments: Sequence[UploadedFile] = ()) -> TipEvent:
    """The informant adds information (or answers a question) through the receipt. The handling agency is told."""
    text = (text or "").strip()
    if not text and not attachments:
        raise ValidationError({"text": _("Write what you want to add.")})
    if len(text) > MAX_FOLLOWUP_TEXT:
        raise ValidationError({"text": _("At most %(n)d characters.") % {"n": MAX_FOLLOWUP_TEXT}})
    tip = Tip.objects.select_for_update().get(pk=tip_id)
    files = clean_attachments(attachments)
    if tip.attachments.count() + len(files) > 3 * MAX_ATTACHMENTS:
        raise ValidationError({"attachments": _("This tip has as many files as it can hold.")})
    saved = _save_attachments(tip, files)
    event = _event(
        tip, EventKind.INFORMANT_ADDED, note=text, public=True, data={"attachments": [a.pk for a in saved]}
    )
    if tip.status == Status.INFO_REQUESTED:
        tip.status = Status.ACKNOWLEDGED
        tip.save(update_fields=["status", "updated_at"])
    audit.record(
        actor=None,
        actor_label="informant",
        action=AuditAction.UPDATE,
        obj=tip,
        detail={"informant_added": True},
    )
    recipients = _users_of(tip.agency_id, Role.INVESTIGATOR)
    if tip.acknowledged_by_id:
        recipients = [u for u in recipients if u.pk == tip.acknowledged_by_id] or recipients
    notify(
        kind="tips.informant_added",
        title=_("The informant added information to tip %(ref)s") % {"ref": tip.reference},
        url=_tip_url(tip),
        users=recipients,
        dedupe_key=f"tip-{tip.pk}-added-{event.pk}",
    )
    return event


# -- triage actions -------------------------------------------------------------------------------------------


def _tip_for_change(actor: Any, tip_id: Any, purpose: str) -> Tip:
    if not actor.has_perm("tips.change_tip"):
        raise PermissionDenied
    tip = selectors.tip_get(actor=actor, tip_id=tip_id, purpose=purpose, audit_read=False)
    return Tip.objects.select_for_update(of=("self",)).select_related("agency").get(pk=tip.pk)


def _require_open(tip: Tip) -> None:
    if tip.status not in OPEN_STATUSES:
        raise ValidationError(
            _("This tip is %(status)s; it can no longer be changed.") % {"status": tip.status}
        )


def _first_action(tip: Tip, now: datetime) -> list[str]:
    """Mark the first action on a tip: the acknowledgement, if missing, goes with it; the SLA clock stops."""
    fields = []
    if tip.acknowledged_at is None:
        tip.acknowledged_at = now
        fields.append("acknowledged_at")
    if tip.first_action_at is None:
        tip.first_action_at = now
        fields.append("first_action_at")
    tip.next_escalation_at = None
    return [*fields, "next_escalation_at"]


@refusals_audited
def tip_acknowledge(*, actor: Any, tip_id: Any) -> Tip:
    tip = _tip_for_change(actor, tip_id, "acknowledge")
    _require_open(tip)
    if tip.acknowledged_at is not None:
        raise ValidationError(_("This tip was already acknowledged."))
    now = _now()
    tip.acknowledged_at = now
    tip.acknowledged_by = actor
    if tip.status == Status.RECEIVED:
        tip.status = Status.ACKNOWLEDGED
    tip.next_escalation_at = tip.action_due_at if tip.first_action_at is None else None
    tip.save(
        update_fields=["acknowledged_at", "acknowledged_by", "status", "next_escalation_at", "updated_at"]
    )
    _event(tip, EventKind.ACKNOWLEDGED, actor=actor, data={"late": now > tip.ack_due_at})
    audit.record(actor=actor, action=AuditAction.UPDATE, obj=tip, detail={"action": "acknowledge"})
    if tip.reporter_id:
        notify(
            kind="tips.acknowledged",
            title=_("Your report %(ref)s was acknowledged by the police") % {"ref": tip.reference},
            url=reverse("tips:report-detail", args=[tip.pk]),
            users=[tip.reporter],
            dedupe_key=f"tip-{tip.pk}-ack",
        )
    return tip


@refusals_audited
def tip_request_info(*, actor: Any, tip_id: Any, question: str) -> TipEvent:
    """Ask the informant for more. The question is shown on the receipt's follow-up page (and to a reporter)."""
    question = (question or "").strip()
    if not question:
        raise ValidationError({"question": _("Write the question for the informant.")})
    if len(question) > 1000:
        raise ValidationError({"question": _("At most %(n)d characters.") % {"n": 1000}})
    tip = _tip_for_change(actor, tip_id, "request information")
    _require_open(tip)
    if tip.status == Status.TRANSFER_PENDING:
        raise ValidationError(_("The tip is being transferred; wait for the receiving agency."))
    now = _now()
    fields = _first_action(tip, now)
    tip.status = Status.INFO_REQUESTED
    tip.save(update_fields=[*fields, "status", "updated_at"])
    event = _event(tip, EventKind.INFO_REQUESTED, actor=actor, note=question, public=True)
    audit.record(actor=actor, action=AuditAction.UPDATE, obj=tip, detail={"action": "request information"})
    if tip.reporter_id:
        notify(
            kind="tips.question",
            title=_("The police have a question about your report %(ref)s") % {"ref": tip.reference},
            url=reverse("tips:report-detail", args=[tip.pk]),
            users=[tip.reporter],
            dedupe_key=f"tip-{tip.pk}-question-{event.pk}",
        )
    return event


@refusals_audited
def tip_close(*, actor: Any, tip_id: Any, reason: str, note: str = "") -> Tip:
    if reason not in CloseReason.values:
        raise ValidationError({"reason": _("Choose a reason for closing.")})
    note = (note or "").strip()
    if len(note) > 1000:
        raise ValidationError({"note": _("At most %(n)d characters.") % {"n": 1000}})
    tip = _tip_for_change(actor, tip_id, "close")
    _require_open(tip)
    if tip.status == Status.TRANSFER_PENDING:
        raise ValidationError(_("The tip is being transferred; wait for the receiving agency."))
    now = _now()
    fields = _first_action(tip, now)
    tip.status = Status.CLOSED
    tip.close_reason = reason
    tip.closed_at = now
    tip.save(update_fields=[*fields, "status", "close_reason", "closed_at", "updated_at"])
    _event(tip, EventKind.CLOSED, actor=actor, note=note, data={"reason": reason})
    audit.record(
        actor=actor, action=AuditAction.UPDATE, obj=tip, detail={"action": "close", "reason": reason}
    )
    return tip


@refusals_audited
def tip_mark_converted(*, actor: Any, tip_id: Any, case_ref: str) -> Tip:
    """The hook for the cases app: the tip became (or joined) a case. The case reference goes into the history."""
    case_ref = (case_ref or "").strip()
    if not case_ref or len(case_ref) > 40:
        raise ValidationError({"case_ref": _("Give the case reference (at most 40 characters).")})
    tip = _tip_for_change(actor, tip_id, "convert to case")
    if tip.status not in OPEN_STATUSES or tip.status == Status.TRANSFER_PENDING:
        raise ValidationError(_("Only an open tip that is not being transferred can be converted."))
    now = _now()
    fields = _first_action(tip, now)
    tip.status = Status.CONVERTED
    tip.case_ref = case_ref
    tip.save(update_fields=[*fields, "status", "case_ref", "updated_at"])
    _event(tip, EventKind.CONVERTED, actor=actor, data={"case_ref": case_ref})
    audit.record(
        actor=actor, action=AuditAction.UPDATE, obj=tip, detail={"action": "convert", "case": case_ref}
    )
    return tip


@refusals_audited
def tip_attach_alert(*, actor: Any, tip_id: Any, alert_id: str) -> Tip:
    """Attach a tip to a missing-child alert. The alert id is kept as a reference: the alerts app checks it when
    the two are integrated (the tips app does not read the alerts app's tables)."""
    alert_id = (alert_id or "").strip()
    if not alert_id.isdigit() or len(alert_id) > 18:
        raise ValidationError({"alert_id": _("An alert number is digits only.")})
    tip = _tip_for_change(actor, tip_id, "attach to alert")
    _require_open(tip)
    now = _now()
    fields = _first_action(tip, now)
    if tip.status == Status.RECEIVED:
        tip.status = Status.ACKNOWLEDGED
        fields.append("status")
    tip.alert_ref = alert_id
    tip.save(update_fields=[*fields, "alert_ref", "updated_at"])
    _event(tip, EventKind.ALERT_LINKED, actor=actor, data={"alert": alert_id})
    audit.record(
        actor=actor, action=AuditAction.UPDATE, obj=tip, detail={"action": "attach alert", "alert": alert_id}
    )
    return tip


def _pair_for_change(actor: Any, tip_id: Any, other_id: Any, purpose: str) -> tuple[Tip, Tip]:
    if str(tip_id) == str(other_id):
        raise ValidationError(_("A tip cannot be linked to itself."))
    # Row locks in primary-key order, so that two merges of the same pair cannot deadlock.
    ordered = sorted([tip_id, other_id], key=lambda v: int(v) if str(v).isdigit() else 0)
    locked = {str(t.pk): t for t in (_tip_for_change(actor, i, purpose) for i in ordered)}
    return locked[str(tip_id)], locked[str(other_id)]


@refusals_audited
def tip_merge(*, actor: Any, tip_id: Any, into_tip_id: Any, note: str = "") -> Tip:
    """Merge a duplicate into the main tip. The duplicate keeps everything it said; it only points to the main
    tip and leaves the queue. Its informant's receipt shows the main tip's status."""
    duplicate, main = _pair_for_change(actor, tip_id, into_tip_id, "merge")
    _require_open(duplicate)
    if main.status == Status.MERGED:
        raise ValidationError(
            _("The main tip was itself merged; merge into %(ref)s instead.") % {"ref": main.pk}
        )
    if duplicate.status == Status.TRANSFER_PENDING or main.status == Status.TRANSFER_PENDING:
        raise ValidationError(_("The tip is being transferred; wait for the receiving agency."))
    now = _now()
    fields = _first_action(duplicate, now)
    duplicate.status = Status.MERGED
    duplicate.merged_into = main
    duplicate.save(update_fields=[*fields, "status", "merged_into", "updated_at"])
    TipLink.objects.update_or_create(
        from_tip=duplicate,
        to_tip=main,
        defaults={"kind": LinkKind.DUPLICATE, "note": note[:300], "created_by": actor},
    )
    _event(
        duplicate,
        EventKind.MERGED,
        actor=actor,
        note=note[:300],
        data={"into": main.pk, "ref": main.reference},
    )
    _event(
        main,
        EventKind.MERGED,
        actor=actor,
        note=note[:300],
        data={"from": duplicate.pk, "ref": duplicate.reference},
    )
    audit.record(
        actor=actor, action=AuditAction.UPDATE, obj=duplicate, detail={"action": "merge", "into": main.pk}
    )
    return duplicate


@refusals_audited
def tip_link(*, actor: Any, tip_id: Any, other_tip_id: Any, note: str = "") -> TipLink:
    first, second = _pair_for_change(actor, tip_id, other_tip_id, "link")
    if TipLink.objects.filter(Q(from_tip=first, to_tip=second) | Q(from_tip=second, to_tip=first)).exists():
        raise ValidationError(_("These tips are already linked."))
    link = TipLink.objects.create(
        from_tip=first, to_tip=second, kind=LinkKind.RELATED, note=note[:300], created_by=actor
    )
    _event(
        first,
        EventKind.LINKED,
        actor=actor,
        note=note[:300],
        data={"with": second.pk, "ref": second.reference},
    )
    _event(
        second,
        EventKind.LINKED,
        actor=actor,
        note=note[:300],
        data={"with": first.pk, "ref": first.reference},
    )
    audit.record(
        actor=actor, action=AuditAction.UPDATE, obj=first, detail={"action": "link", "with": second.pk}
    )
    return link


# -- transfers between jurisdictions (线索移送) ----------------------------------------------------------------


@refusals_audited
def tip_transfer_request(*, actor: Any, tip_id: Any, to_agency_id: Any, reason: str) -> TipTransfer:
    reason = (reason or "").strip()
    if len(reason) < 5:
        raise ValidationError({"reason": _("Give the reason for the transfer.")})
    if len(reason) > 1000:
        raise ValidationError({"reason": _("At most %(n)d characters.") % {"n": 1000}})
    to_agency = (
        Agency.objects.filter(pk=to_agency_id, is_active=True, type=AgencyType.PUBLIC_SECURITY).first()
        if str(to_agency_id).isdigit()
        else None
    )
    if to_agency is None:
        raise ValidationError({"to_agency": _("Choose an active police agency to transfer to.")})
    tip = _tip_for_change(actor, tip_id, "transfer")
    _require_open(tip)
    if tip.status == Status.TRANSFER_PENDING:
        raise ValidationError(_("A transfer of this tip is already waiting for acceptance."))
    if tip.agency_id == to_agency.pk:
        raise ValidationError({"to_agency": _("The tip is already with this agency.")})
    from_agency = tip.agency or actor.agency
    now = _now()
    fields = _first_action(tip, now)
    transfer = TipTransfer.objects.create(
        tip=tip,
        jurisdiction=tip.jurisdiction,
        from_agency=from_agency,
        to_agency=to_agency,
        to_jurisdiction=to_agency.division_id,
        reason=reason,
        requested_by=actor,
    )
    tip.status = Status.TRANSFER_PENDING
    tip.save(update_fields=[*fields, "status", "updated_at"])
    _event(
        tip,
        EventKind.TRANSFER_REQUESTED,
        actor=actor,
        note=reason,
        data={"to": to_agency.pk, "transfer": transfer.pk},
    )
    audit.record(
        actor=actor, action=AuditAction.UPDATE, obj=tip, detail={"action": "transfer", "to": to_agency.pk}
    )
    notify(
        kind="tips.transfer",
        title=_("Tip %(ref)s transferred to you by %(agency)s: accept or decline")
        % {"ref": tip.reference, "agency": from_agency.name},
        url=reverse("tips:transfer", args=[transfer.pk]),
        users=_users_of(to_agency.pk, Role.INVESTIGATOR, Role.COMMAND_CENTRE, Role.CASE_LEADER),
        dedupe_key=f"tip-transfer-{transfer.pk}",
    )
    return transfer


@refusals_audited
def tip_transfer_decide(*, actor: Any, transfer_id: Any, accept: bool, note: str = "") -> TipTransfer:
    """The receiving agency accepts (the tip, its deadlines and its informant move to it) or declines with a
    reason (the tip goes back to the sender)."""
    note = (note or "").strip()
    if not actor.has_perm("tips.change_tip"):
        raise PermissionDenied
    transfer = selectors.transfer_get(actor=actor, transfer_id=transfer_id, audit_read=False)
    transfer = TipTransfer.objects.select_for_update().select_related("to_agency").get(pk=transfer.pk)
    if actor.agency_id != transfer.to_agency_id:
        raise PermissionDenied(_("Only the receiving agency can accept or decline a transfer."))
    if transfer.status != TransferStatus.PENDING:
        raise ValidationError(_("This transfer was already decided."))
    if not accept and len(note) < 5:
        raise ValidationError({"note": _("Give the reason for declining.")})
    if len(note) > 1000:
        raise ValidationError({"note": _("At most %(n)d characters.") % {"n": 1000}})
    tip = Tip.objects.select_for_update().get(pk=transfer.tip_id)
    now = _now()
    transfer.status = TransferStatus.ACCEPTED if accept else TransferStatus.DECLINED
    transfer.decided_by = actor
    transfer.decided_at = now
    transfer.decision_note = note
    transfer.save(update_fields=["status", "decided_by", "decided_at", "decision_note", "updated_at"])
    if accept:
        to_agency = transfer.to_agency
        _ack, action = _sla_for_tip(tip)
        tip.agency = to_agency
        tip.jurisdiction = to_agency.division_id
        tip.status = Status.ACKNOWLEDGED
        tip.acknowledged_at = now
        tip.acknowledged_by = actor
        tip.first_action_at = None
        tip.action_due_at = now + action
        tip.next_escalation_at = tip.action_due_at
        tip.escalation_level = 0
        tip.escalated_to = None
        tip.save()
        _event(tip, EventKind.TRANSFER_ACCEPTED, actor=actor, note=note, data={"transfer": transfer.pk})
    else:
        tip.status = Status.ACKNOWLEDGED
        tip.save(update_fields=["status", "updated_at"])
        _event(tip, EventKind.TRANSFER_DECLINED, actor=actor, note=note, data={"transfer": transfer.pk})
    audit.record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=transfer,
        detail={"action": "accept" if accept else "decline", "tip": tip.pk},
    )
    notify(
        kind="tips.transfer_decided",
        title=(_("Transfer of tip %(ref)s accepted") if accept else _("Transfer of tip %(ref)s declined"))
        % {"ref": tip.reference},
        url=reverse("tips:transfer", args=[transfer.pk]),
        users=[transfer.requested_by],
        dedupe_key=f"tip-transfer-{transfer.pk}-decided",
    )
    return transfer


def _sla_for_tip(tip: Tip) -> tuple[timedelta, timedelta]:
    data = TipData(
        category=tip.category,
        description=tip.description,
        imminent_danger=tip.imminent_danger,
        child_involved=tip.child_involved,
    )
    return _sla(data, mandatory=tip.channel == Channel.MANDATORY, spam=tip.spam_score)


# -- SLA escalation ---------------------------------------------------------------------------------------------


def tips_escalate_overdue(*, now: datetime | None = None, limit: int = 1000) -> int:
    """Escalate every open tip whose deadline passed to the police one level up, and tell them. Idempotent: a
    tip escalates once per missed deadline, however often this runs. Returns how many escalated."""
    now = now or _now()
    due = list(
        Tip.objects.filter(next_escalation_at__lte=now, status__in=OPEN_STATUSES)
        .order_by("next_escalation_at", "id")
        .values_list("pk", flat=True)[:limit]
    )
    count = 0
    for tip_id in due:
        if _escalate_one(tip_id, now):
            count += 1
    return count


@transaction.atomic
def _escalate_one(tip_id: int, now: datetime) -> bool:
    tip = (
        Tip.objects.select_for_update(of=("self",))
        .filter(pk=tip_id, next_escalation_at__lte=now, status__in=OPEN_STATUSES)
        .select_related("agency", "escalated_to")
        .first()
    )
    if tip is None:
        return False
    base = tip.escalated_to or tip.agency
    target = routing.next_level_police(base) if base is not None else None
    missed = "acknowledge" if tip.acknowledged_at is None else "first action"
    window = (
        tip.ack_due_at - tip.created_at if tip.acknowledged_at is None else tip.action_due_at - tip.created_at
    )
    tip.escalation_level += 1
    if target is not None:
        tip.escalated_to = target
    # Keep going up while there is a level above; at the top, stop (the top has been told).
    above = routing.next_level_police(target) if target is not None else None
    tip.next_escalation_at = now + window if above is not None else None
    tip.save(update_fields=["escalation_level", "escalated_to", "next_escalation_at", "updated_at"])
    _event(
        tip,
        EventKind.ESCALATED,
        data={"level": tip.escalation_level, "missed": missed, "to": target.pk if target else None},
    )
    audit.record(
        actor=None,
        actor_label="tips_tick",
        action=AuditAction.UPDATE,
        obj=tip,
        detail={"action": "escalate", "level": tip.escalation_level, "missed": missed},
    )
    title = _("Tip %(ref)s missed its deadline to %(missed)s: escalated") % {
        "ref": tip.reference,
        "missed": _("acknowledge") if missed == "acknowledge" else _("take a first action"),
    }
    users = _users_of(tip.agency_id, Role.INVESTIGATOR, Role.CASE_LEADER)
    if target is not None:
        users += _users_of(target.pk, Role.COMMAND_CENTRE, Role.CASE_LEADER)
    notify(
        kind="tips.escalated",
        title=title,
        url=_tip_url(tip),
        users=users,
        role=Role.COMMAND_CENTRE if target is not None else None,
        division_code=target.division_id if target is not None else None,
        dedupe_key=f"tip-{tip.pk}-escalated-{tip.escalation_level}",
    )
    return True


# -- rewards ----------------------------------------------------------------------------------------------------


@refusals_audited
def reward_propose(*, actor: Any, tip_id: Any, amount_yuan: int, outcome: str) -> Reward:
    """An investigator proposes a reward for a tip that led to a rescue or an arrest."""
    if not actor.has_perm("tips.propose_reward"):
        raise PermissionDenied
    outcome = (outcome or "").strip()
    if not outcome:
        raise ValidationError({"outcome": _("Say what the tip led to (a rescue, an arrest).")})
    if len(outcome) > 300:
        raise ValidationError({"outcome": _("At most %(n)d characters.") % {"n": 300}})
    if not isinstance(amount_yuan, int) or not 1 <= amount_yuan <= 1_000_000:
        raise ValidationError({"amount_yuan": _("An amount between 1 and 1,000,000 yuan.")})
    tip = selectors.tip_get(actor=actor, tip_id=tip_id, purpose="propose reward", audit_read=False)
    if tip.channel == Channel.MANDATORY:
        raise ValidationError(_("Mandatory reports are a duty and are not rewarded."))
    if tip.rewards.exclude(status=RewardStatus.REJECTED).exists():
        raise ValidationError(_("A reward for this tip is already on record."))
    reward = Reward.objects.create(
        tip=tip, jurisdiction=tip.jurisdiction, amount_yuan=amount_yuan, outcome=outcome, proposed_by=actor
    )
    _event(
        tip,
        EventKind.REWARD,
        actor=actor,
        data={"reward": reward.pk, "step": "proposed", "amount": amount_yuan},
    )
    audit.record(
        actor=actor, action=AuditAction.CREATE, obj=reward, detail={"tip": tip.pk, "amount": amount_yuan}
    )
    approvers = [u for u in _users_of(tip.agency_id, Role.CASE_LEADER) if u.pk != actor.pk]
    notify(
        kind="tips.reward_proposed",
        title=_("Reward proposed for tip %(ref)s: approval needed") % {"ref": tip.reference},
        url=reverse("tips:rewards"),
        users=approvers,
        dedupe_key=f"reward-{reward.pk}-proposed",
    )
    return reward


@refusals_audited
def reward_decide(*, actor: Any, reward_id: Any, approve: bool, note: str = "") -> Reward:
    """A superior approves or rejects — never the person who proposed it."""
    if not actor.has_perm("tips.approve_reward"):
        raise PermissionDenied
    reward = selectors.reward_get(actor=actor, reward_id=reward_id, audit_read=False)
    reward = Reward.objects.select_for_update().get(pk=reward.pk)
    if reward.proposed_by_id == actor.pk:
        raise PermissionDenied(_("A reward is approved by someone other than the person who proposed it."))
    if reward.status != RewardStatus.PROPOSED:
        raise ValidationError(_("This reward was already decided."))
    note = (note or "").strip()[:300]
    if not approve and not note:
        raise ValidationError({"note": _("Give the reason for rejecting.")})
    reward.status = RewardStatus.APPROVED if approve else RewardStatus.REJECTED
    reward.decided_by = actor
    reward.decided_at = _now()
    reward.decision_note = note
    reward.save(update_fields=["status", "decided_by", "decided_at", "decision_note", "updated_at"])
    _event(reward.tip, EventKind.REWARD, actor=actor, data={"reward": reward.pk, "step": reward.status})
    audit.record(actor=actor, action=AuditAction.UPDATE, obj=reward, detail={"action": reward.status})
    return reward


@transaction.atomic
def reward_claim(*, tip_id: int, reward_id: Any) -> str:
    """The informant (after the receipt check) claims an approved reward. Returns a claim code, shown once, to be
    presented when collecting the payment."""
    reward = (
        Reward.objects.select_for_update().filter(pk=reward_id, tip_id=tip_id).first()
        if str(reward_id).isdigit()
        else None
    )
    if reward is None:
        raise ValidationError(_("No such reward for this tip."))
    if reward.status != RewardStatus.APPROVED:
        raise ValidationError(_("This reward cannot be claimed (not approved, or already claimed)."))
    code = _new_code(10)
    reward.status = RewardStatus.CLAIMED
    reward.claim_code_hash = selectors.secret_hash(code)
    reward.claimed_at = _now()
    reward.save(update_fields=["status", "claim_code_hash", "claimed_at", "updated_at"])
    _event(reward.tip, EventKind.REWARD, data={"reward": reward.pk, "step": "claimed"})
    audit.record(
        actor=None, actor_label="informant", action=AuditAction.UPDATE, obj=reward, detail={"action": "claim"}
    )
    return selectors.format_reference(code)


@refusals_audited
def reward_mark_paid(*, actor: Any, reward_id: Any, payment_ref: str, claim_code: str = "") -> Reward:
    """Record the payment. An anonymous informant must have claimed and show the claim code; a named informant
    may be paid once the reward is approved."""
    if not actor.has_perm("tips.pay_reward"):
        raise PermissionDenied
    payment_ref = (payment_ref or "").strip()
    if not payment_ref or len(payment_ref) > 60:
        raise ValidationError({"payment_ref": _("Give the payment reference (at most 60 characters).")})
    reward = selectors.reward_get(actor=actor, reward_id=reward_id, audit_read=False)
    reward = Reward.objects.select_for_update().select_related("tip").get(pk=reward.pk)
    if reward.status == RewardStatus.CLAIMED:
        if not hmac.compare_digest(selectors.secret_hash(claim_code), reward.claim_code_hash):
            raise PermissionDenied(_("The claim code does not match."))
    elif reward.status == RewardStatus.APPROVED:
        if reward.tip.is_anonymous:
            raise ValidationError(_("An anonymous informant must claim the reward with the receipt first."))
    else:
        raise ValidationError(_("Only an approved reward can be paid."))
    reward.status = RewardStatus.PAID
    reward.paid_by = actor
    reward.paid_at = _now()
    reward.payment_ref = payment_ref
    reward.save(update_fields=["status", "paid_by", "paid_at", "payment_ref", "updated_at"])
    _event(reward.tip, EventKind.REWARD, actor=actor, data={"reward": reward.pk, "step": "paid"})
    audit.record(actor=actor, action=AuditAction.UPDATE, obj=reward, detail={"action": "paid"})
    return reward


def user_may_act(actor: Any, tip: Tip) -> bool:
    """For pages: show the action buttons only to handlers who can see the tip."""
    return bool(actor.has_perm("tips.change_tip") and access.can_see(actor, tip))


def transfer_targets(*, actor: Any) -> list[Agency]:
    """Police agencies a tip can be transferred to (any active public-security agency but the actor's own)."""
    return list(
        Agency.objects.filter(type=AgencyType.PUBLIC_SECURITY, is_active=True)
        .exclude(pk=actor.agency_id)
        .order_by("division_id", "name")[:500]
    )

"""Reads of tips, always through the jurisdiction check (`homeward.access`) and the audit trail.

Also the informant's side: finding a tip by receipt code and secret, where a wrong secret answers exactly like an
unknown code.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import F, Q, QuerySet
from django.http import Http404
from django.utils import timezone
from rapidfuzz import fuzz

from homeward.access import selectors as access
from homeward.audit import services as audit
from homeward.audit.models import AuditAction, AuditOutcome
from homeward.tips.models import (
    OPEN_STATUSES,
    Channel,
    PublicStatus,
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
from homeward.tips.rules import may_see_informant

RECEIPT_ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ"
_NOT_CODE = re.compile(r"[^0-9A-Z]")


def _require(actor: Any, perm: str, object_type: str = "tips.tip") -> None:
    if not actor.has_perm(perm):
        audit.record(
            actor=actor,
            action=AuditAction.PERMISSION_DENIED,
            object_type=object_type,
            detail={"perm": perm},
        )
        raise PermissionDenied


# -- staff ---------------------------------------------------------------------------------------------------


def tip_get(*, actor: Any, tip_id: Any, purpose: str = "", audit_read: bool = True) -> Tip:
    """One tip for `actor`; Http404 when missing or outside the actor's jurisdiction and grants.

    The audit row of a successful read says whether the informant's identity was shown.
    """
    _require(actor, "tips.view_tip")
    queryset = Tip.objects.select_related("agency", "reporter_agency", "escalated_to", "merged_into")
    tip = access.get_for_user(user=actor, queryset=queryset, pk=tip_id, purpose=purpose, audit_read=False)
    if audit_read:
        audit.record(
            actor=actor,
            action=AuditAction.READ,
            obj=tip,
            purpose=purpose,
            detail={"informant_shown": may_see_informant(actor, tip)},
        )
    return tip


@dataclass
class QueueFilter:
    scope: str = "agency"  # agency: ours (handling or escalated to us); all: everything we can see
    status: str = "open"  # open, closed, all, or one Status value
    category: str = ""
    include_spam: bool = True
    limit: int = 200


def tip_queue(*, actor: Any, filters: QueueFilter | None = None) -> QuerySet[Tip]:
    """The agency's queue: imminent danger first, then priority, then the nearest deadline."""
    _require(actor, "tips.view_tip")
    filters = filters or QueueFilter()
    tips = access.visible_to(actor, Tip.objects.select_related("agency"))
    if filters.scope == "agency":
        tips = tips.filter(Q(agency_id=actor.agency_id) | Q(escalated_to_id=actor.agency_id))
    if filters.status == "open":
        tips = tips.filter(status__in=OPEN_STATUSES)
    elif filters.status == "closed":
        tips = tips.exclude(status__in=OPEN_STATUSES)
    elif filters.status in Status.values:
        tips = tips.filter(status=filters.status)
    if filters.category:
        tips = tips.filter(category=filters.category)
    if not filters.include_spam:
        from homeward.tips.spam import SPAM_THRESHOLD

        tips = tips.filter(spam_score__lt=SPAM_THRESHOLD)
    return tips.order_by("-imminent_danger", "-priority", "ack_due_at", "id")[
        : max(1, min(filters.limit, 1000))
    ]


def tip_events(*, tip: Tip) -> QuerySet[TipEvent]:
    """The timeline of a tip the caller already loaded through `tip_get`."""
    return tip.events.select_related("actor", "agency").order_by("at", "id")


def tip_attachments(*, tip: Tip) -> QuerySet[TipAttachment]:
    return tip.attachments.order_by("id")


def tip_attachment_get(*, actor: Any, attachment_id: Any) -> TipAttachment:
    """A photo or file of a tip, for a user who may open the tip; 404 otherwise, audited either way."""
    attachment = (
        TipAttachment.objects.filter(pk=attachment_id).first() if str(attachment_id).isdigit() else None
    )
    if attachment is None:
        audit.record(
            actor=actor,
            action=AuditAction.READ,
            object_type="tips.tipattachment",
            object_id=str(attachment_id)[:64],
            outcome=AuditOutcome.DENIED,
            detail={"reason": "not found"},
        )
        raise Http404("Not found")
    tip_get(actor=actor, tip_id=attachment.tip_id, purpose=f"view attachment {attachment.pk}")
    return attachment


def tip_links(*, tip: Tip) -> list[TipLink]:
    return list(
        TipLink.objects.filter(Q(from_tip=tip) | Q(to_tip=tip)).select_related(
            "from_tip", "to_tip", "created_by"
        )
    )


def tip_transfers(*, tip: Tip) -> QuerySet[TipTransfer]:
    return tip.transfers.select_related("from_agency", "to_agency", "requested_by", "decided_by")


def tip_rewards(*, tip: Tip) -> QuerySet[Reward]:
    return tip.rewards.select_related("proposed_by", "decided_by", "paid_by")


@dataclass
class Related:
    tip: Tip
    reasons: list[str] = field(default_factory=list)
    similarity: int = 0


def _normalised(text: str) -> str:
    # Digits are left out: phones and ID numbers are compared exactly through the keys instead.
    return re.sub(r"[\s\W_\d]+", "", text.lower())


def text_similarity(a: str, b: str) -> int:
    """0-100: whole-text similarity, or a slightly discounted containment when one text is much shorter."""
    if min(len(a), len(b)) < 8:
        return int(fuzz.ratio(a, b))
    return int(max(fuzz.ratio(a, b), 0.9 * fuzz.partial_ratio(a, b)))


TEXT_SIMILARITY = 70  # rapidfuzz ratio (0-100) from which two descriptions count as similar
PLACE_WINDOW = timedelta(hours=48)
PLACE_RADIUS_DEG = 0.01  # about 1 km


def tip_related(*, actor: Any, tip: Tip, limit: int = 20) -> list[Related]:
    """Possible duplicates and related tips the actor may see: same phone, ID number or plate; same place within
    two days; similar description in the same county within 30 days."""
    visible = access.visible_to(actor, Tip.objects.exclude(pk=tip.pk))
    found: dict[int, Related] = {}

    def add(other: Tip, reason: str) -> Related:
        entry = found.setdefault(other.pk, Related(other))
        if reason not in entry.reasons:
            entry.reasons.append(reason)
        return entry

    keys = list(tip.keys.values_list("kind", "value"))
    if keys:
        condition = Q()
        for kind, value in keys:
            condition |= Q(kind=kind, value=value)
        matches = list(TipKey.objects.filter(condition).exclude(tip_id=tip.pk)[:500])
        others = {t.pk: t for t in visible.filter(pk__in={k.tip_id for k in matches})}
        for key in matches:
            if key.tip_id in others:
                add(others[key.tip_id], key.kind)
    when = tip.seen_at or tip.created_at
    place = visible.filter(division_code=tip.division_code)
    window = Q(seen_at__range=(when - PLACE_WINDOW, when + PLACE_WINDOW)) | Q(
        seen_at__isnull=True, created_at__range=(when - PLACE_WINDOW, when + PLACE_WINDOW)
    )
    near = place.filter(window)
    if tip.lat is not None and tip.lon is not None:
        near = near.filter(
            Q(lat__range=(tip.lat - PLACE_RADIUS_DEG, tip.lat + PLACE_RADIUS_DEG))
            & Q(lon__range=(tip.lon - PLACE_RADIUS_DEG, tip.lon + PLACE_RADIUS_DEG))
            | Q(lat__isnull=True, address=tip.address)
        )
    elif tip.address:
        near = near.filter(address=tip.address)
    for other in near[:100]:
        add(other, "place")
    mine = _normalised(tip.description)
    if len(mine) >= 10:
        recent = place.filter(created_at__gte=tip.created_at - timedelta(days=30)).order_by("-created_at")[
            :300
        ]
        for other in recent:
            score = text_similarity(mine, _normalised(other.description))
            if score >= TEXT_SIMILARITY:
                add(other, "text").similarity = score
    ranked = sorted(found.values(), key=lambda r: (-len(r.reasons), -r.similarity, -r.tip.pk))
    return ranked[:limit]


MAX_KEY_MATCHES = 50


def normalise_key(kind: str, value: str) -> str | None:
    """The form a phone, ID number or plate is indexed under; None when it is not a valid one."""
    from django.core.exceptions import ValidationError

    from homeward.people.validators import clean_phone, clean_resident_id

    raw = (value or "").strip()
    if not raw or len(raw) > 40:
        return None
    try:
        if kind == TipKeyKind.PHONE:
            return clean_phone(raw)
        if kind == TipKeyKind.ID_NUMBER:
            return clean_resident_id(raw)
    except ValidationError:
        return None
    if kind == TipKeyKind.PLATE:
        plate = raw.upper().replace(" ", "").replace("·", "")
        return plate if 6 <= len(plate) <= 9 else None
    return None


def tips_with_key(*, actor: Any, kind: str, value: str, limit: int = MAX_KEY_MATCHES) -> QuerySet[Tip]:
    """Tips that hold a phone, ID number or vehicle plate (`kind`: phone, id_number, plate), newest first, only
    those `actor` may see (jurisdiction and grants); none for staff who may not view tips or for a value that is
    not a valid phone/ID/plate. A list, like the queue: the caller audits the read it serves, opening a tip is
    audited by `tip_get`."""
    if kind not in TipKeyKind.values:
        raise ValueError(f"unknown tip key kind {kind!r}")
    normalised = normalise_key(kind, value)
    if normalised is None or actor is None or not actor.has_perm("tips.view_tip"):
        return Tip.objects.none()
    ids = TipKey.objects.filter(kind=kind, value=normalised).values_list("tip_id", flat=True)
    visible = access.visible_to(actor, Tip.objects.filter(pk__in=ids))
    return visible.order_by("-created_at", "-pk")[:limit]


def tips_export(*, actor: Any, filters: QueueFilter | None = None) -> list[Tip]:
    """Tips for an exported list. One audit row; the caller masks the informant's identity in every row."""
    _require(actor, "tips.export_tip")
    tips = list(tip_queue(actor=actor, filters=filters))
    audit.record(
        actor=actor,
        action=AuditAction.EXPORT,
        object_type="tips.tip",
        detail={"count": len(tips), "filters": vars(filters) if filters else {}},
    )
    return tips


def transfers_for(*, actor: Any, direction: str = "incoming") -> QuerySet[TipTransfer]:
    """Transfers into or out of the actor's agency."""
    _require(actor, "tips.view_tip")
    transfers = TipTransfer.objects.select_related("tip", "from_agency", "to_agency", "requested_by")
    if direction == "incoming":
        return transfers.filter(to_agency_id=actor.agency_id)
    return transfers.filter(from_agency_id=actor.agency_id)


def transfer_get(*, actor: Any, transfer_id: Any, audit_read: bool = True) -> TipTransfer:
    """A transfer seen by either side (sending or receiving jurisdiction); 404 for anyone else."""
    _require(actor, "tips.view_tip")
    queryset = TipTransfer.objects.select_related(
        "tip", "from_agency", "to_agency", "requested_by", "decided_by"
    )
    visible = access.visible_to(actor, queryset) | access.visible_to(actor, queryset, field="to_jurisdiction")
    transfer = visible.filter(pk=transfer_id).first() if str(transfer_id).isdigit() else None
    if transfer is None:
        audit.record(
            actor=actor,
            action=AuditAction.READ,
            object_type="tips.tiptransfer",
            object_id=str(transfer_id)[:64],
            outcome=AuditOutcome.DENIED,
            detail={"reason": "not found or outside jurisdiction"},
        )
        raise Http404("Not found")
    if audit_read:
        audit.record(actor=actor, action=AuditAction.READ, obj=transfer)
    return transfer


def rewards_pending(*, actor: Any) -> QuerySet[Reward]:
    _require(actor, "tips.view_tip")
    return access.visible_to(actor, Reward.objects.select_related("tip", "proposed_by")).filter(
        status__in=[RewardStatus.PROPOSED, RewardStatus.APPROVED, RewardStatus.CLAIMED]
    )


def reward_get(*, actor: Any, reward_id: Any, audit_read: bool = True) -> Reward:
    _require(actor, "tips.view_tip")
    return access.get_for_user(
        user=actor,
        queryset=Reward.objects.select_related("tip", "proposed_by"),
        pk=reward_id,
        audit_read=audit_read,
    )


# -- mandatory reporters: their own reports only -----------------------------------------------------------


def my_reports(*, actor: Any) -> QuerySet[Tip]:
    _require(actor, "tips.file_report")
    return Tip.objects.filter(reporter=actor).order_by("-created_at")


def my_report_get(*, actor: Any, tip_id: Any, audit_read: bool = True) -> Tip:
    _require(actor, "tips.file_report")
    tip = Tip.objects.filter(pk=tip_id, reporter=actor).first() if str(tip_id).isdigit() else None
    if tip is None:
        audit.record(
            actor=actor,
            action=AuditAction.READ,
            object_type="tips.tip",
            object_id=str(tip_id)[:64],
            outcome=AuditOutcome.DENIED,
            detail={"reason": "not found or not the reporter's"},
        )
        raise Http404("Not found")
    if audit_read:
        audit.record(actor=actor, action=AuditAction.READ, obj=tip, purpose="reporter reads own report")
    return tip


# -- the informant -------------------------------------------------------------------------------------------


def normalise_code(raw: str) -> str:
    return _NOT_CODE.sub("", (raw or "").upper().replace("O", "0").replace("I", "1").replace("L", "1"))


def format_reference(code: str) -> str:
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))


def secret_hash(secret: str) -> str:
    return hashlib.sha256(("tips-secret:" + normalise_code(secret)).encode()).hexdigest()


_DUMMY_HASH = secret_hash("0" * 16)


def tip_for_informant(*, reference: str, secret: str) -> Tip:
    """The tip behind a receipt, or Http404 — the same for an unknown code and a wrong secret. Audited."""
    code = normalise_code(reference)
    tip = Tip.objects.filter(reference=format_reference(code)).first() if len(code) == 12 else None
    given = secret_hash(secret)
    # Compare against something even when the code is unknown, so timing does not tell the two apart.
    ok = hmac.compare_digest(given, tip.secret_hash if tip is not None else _DUMMY_HASH) and tip is not None
    if not ok or tip is None:
        audit.record(
            actor=None,
            actor_label="informant",
            action=AuditAction.READ,
            object_type="tips.tip",
            object_id="receipt",
            outcome=AuditOutcome.DENIED,
            detail={"reason": "unknown receipt or wrong secret"},
        )
        raise Http404("Not found")
    audit.record(actor=None, actor_label="informant", action=AuditAction.READ, obj=tip, purpose="follow-up")
    return tip


def informant_tip_by_id(tip_id: int) -> Tip:
    """The tip an informant already opened in this session (the session holds the id only after the check)."""
    tip = Tip.objects.filter(pk=tip_id).first()
    if tip is None:
        raise Http404("Not found")
    return tip


def public_status(tip: Tip) -> str:
    """What the informant is told: received, being checked, passed to police, closed. Nothing more."""
    seen: set[int] = set()
    while tip.status == Status.MERGED and tip.merged_into_id and tip.pk not in seen:
        seen.add(tip.pk)
        tip = Tip.objects.get(pk=tip.merged_into_id)
    if tip.status == Status.RECEIVED:
        return PublicStatus.RECEIVED
    if tip.status == Status.CONVERTED:
        return PublicStatus.PASSED_TO_POLICE
    if tip.status == Status.CLOSED:
        return PublicStatus.CLOSED
    return PublicStatus.BEING_CHECKED


def informant_view(tip: Tip) -> dict[str, Any]:
    """Everything the informant may see of their tip: status, questions from the police and their own additions,
    and any reward offered. Never notes, agencies, links or other investigation details."""
    events = tip.events.filter(public=True).order_by("at", "id")
    rewards = tip.rewards.filter(status__in=[RewardStatus.APPROVED, RewardStatus.CLAIMED, RewardStatus.PAID])
    status = public_status(tip)
    return {
        "reference": tip.reference,
        "status": status,
        "status_label": str(PublicStatus(status).label),
        "received_at": tip.created_at,
        "messages": [
            {"at": e.at, "from": "police" if e.kind == "info_requested" else "you", "text": e.note}
            for e in events
        ],
        "rewards": [
            {
                "id": r.pk,
                "amount_yuan": r.amount_yuan,
                "status": r.status,
                "claimed": r.claimed_at is not None,
            }
            for r in rewards
        ],
        "question_open": tip.status == Status.INFO_REQUESTED,
    }


def pending_transfer(tip: Tip) -> TipTransfer | None:
    return tip.transfers.filter(status=TransferStatus.PENDING).select_related("to_agency").first()


def overdue(tip: Tip) -> bool:
    now = timezone.now()
    if not tip.is_open:
        return False
    if tip.acknowledged_at is None:
        return tip.ack_due_at < now
    return tip.first_action_at is None and tip.action_due_at < now


# -- indicators ----------------------------------------------------------------------------------------------


def indicator_events(
    name: str, *, prefix: str, start: datetime, end: datetime
) -> Iterable[tuple[str, datetime]]:
    """The facts behind the indicators in `homeward.tips.indicators` (counting only; no personal data)."""
    tips = Tip.objects.filter(jurisdiction__startswith=prefix)
    if name == "tips_received":
        rows = tips.exclude(channel=Channel.MANDATORY).filter(created_at__gte=start, created_at__lt=end)
        return rows.values_list("division_code", "created_at")
    if name == "mandatory_reports":
        rows = tips.filter(channel=Channel.MANDATORY, created_at__gte=start, created_at__lt=end)
        return rows.values_list("division_code", "created_at")
    if name == "imminent_danger_tips":
        rows = tips.filter(imminent_danger=True, created_at__gte=start, created_at__lt=end)
        return rows.values_list("division_code", "created_at")
    if name == "tips_acknowledged_late":
        window = tips.filter(ack_due_at__gte=start, ack_due_at__lt=end).exclude(status=Status.MERGED)
        late = window.filter(acknowledged_at__gt=F("ack_due_at")) | window.filter(
            acknowledged_at__isnull=True
        )
        return late.values_list("division_code", "ack_due_at")
    if name == "tips_converted":
        rows = tips.filter(status=Status.CONVERTED, updated_at__gte=start, updated_at__lt=end)
        return rows.values_list("division_code", "updated_at")
    if name == "tips_transferred":
        transfers = TipTransfer.objects.filter(
            jurisdiction__startswith=prefix,
            status=TransferStatus.ACCEPTED,
            decided_at__gte=start,
            decided_at__lt=end,
        )
        return transfers.values_list("tip__division_code", "decided_at")  # type: ignore[return-value]
    if name == "rewards_paid":
        rewards = Reward.objects.filter(
            jurisdiction__startswith=prefix, status=RewardStatus.PAID, paid_at__gte=start, paid_at__lt=end
        )
        return rewards.values_list("tip__division_code", "paid_at")  # type: ignore[return-value]
    return []

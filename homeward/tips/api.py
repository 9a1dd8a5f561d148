"""JSON API of the tips app, mounted at /api/v1/tips/.

`/public/...` needs no login: submitting a tip (with an `Idempotency-Key` header), following it up with the
receipt code and secret, adding information, claiming a reward. Everything else is for staff and goes through
the same selectors and services as the pages.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status
from ninja.errors import HttpError

from homeward.core.middleware import client_ip
from homeward.core.schemas import StrictSchema
from homeward.tips import selectors, services
from homeward.tips.models import Category, Channel, CloseReason, Tip, TipTransfer
from homeward.tips.rules import may_see_informant
from homeward.tips.views import mask_name, mask_phone

router = Router(tags=["tips"])


class TipIn(StrictSchema):
    category: Category
    description: str = Field(min_length=1, max_length=services.MAX_DESCRIPTION)
    seen_at: datetime | None = None
    address: str = Field("", max_length=300)
    lat: float | None = Field(None, ge=-90, le=90)
    lon: float | None = Field(None, ge=-180, le=180)
    division_code: str = Field("", pattern=r"^(\d{6})?$")
    people_involved: str = Field("", max_length=services.MAX_PEOPLE)
    vehicles: str = Field("", max_length=services.MAX_VEHICLES)
    involved_phones: list[str] = Field(default_factory=list, max_length=10)
    involved_id_numbers: list[str] = Field(default_factory=list, max_length=10)
    imminent_danger: bool = False
    child_involved: bool = False

    def to_data(self) -> services.TipData:
        seen_at = self.seen_at
        if seen_at is not None and timezone.is_naive(seen_at):
            seen_at = timezone.make_aware(seen_at)
        return services.TipData(
            category=self.category,
            description=self.description,
            seen_at=seen_at,
            address=self.address,
            lat=self.lat,
            lon=self.lon,
            division_code=self.division_code,
            people_involved=self.people_involved,
            vehicles=self.vehicles,
            involved_phones=[p[:40] for p in self.involved_phones],
            involved_id_numbers=[i[:40] for i in self.involved_id_numbers],
            imminent_danger=self.imminent_danger,
            child_involved=self.child_involved,
        )


class PublicTipIn(TipIn):
    informant_name: str = Field("", max_length=60)
    informant_phone: str = Field("", max_length=20)

    def to_data(self) -> services.TipData:
        data = super().to_data()
        data.informant_name = self.informant_name
        data.informant_phone = self.informant_phone
        return data


class ReceiptOut(Schema):
    tip_id: int | None = None
    reference: str
    secret: str
    status: str
    acknowledge_by: datetime | None = None
    note: str = ""


class ReceiptIn(StrictSchema):
    reference: str = Field(max_length=20)
    secret: str = Field(max_length=30)


class AddInfoIn(ReceiptIn):
    text: str = Field(min_length=1, max_length=services.MAX_FOLLOWUP_TEXT)


class ClaimOut(Schema):
    claim_code: str


def _idempotency_key(request: HttpRequest) -> str:
    return request.headers.get("Idempotency-Key", "")


@router.post("/public", auth=None, response={200: ReceiptOut, 201: ReceiptOut})
def submit_public(request: HttpRequest, payload: PublicTipIn) -> Status[Any]:
    """Submit a tip. Send an `Idempotency-Key` header: a retry with the same key and body gets the same receipt
    (200) instead of a second tip (201 the first time). Too many tips from one address: 429."""
    try:
        receipt = services.tip_submit_public(
            data=payload.to_data(),
            channel=Channel.PUBLIC_API,
            idempotency_key=_idempotency_key(request),
            source_ip=client_ip(request),
        )
    except services.RateLimited as exc:
        raise HttpError(429, str(exc)) from exc
    return Status(
        201 if receipt.created else 200,
        {
            "reference": receipt.reference,
            "secret": receipt.secret,
            "status": selectors.public_status(receipt.tip),
            "note": "Keep the receipt code and the secret: the secret is not stored and cannot be shown again.",
        },
    )


@router.post("/public/follow-up", auth=None)
def follow_up(request: HttpRequest, payload: ReceiptIn) -> dict[str, Any]:
    """The informant's view of their tip. An unknown code and a wrong secret both answer 404 Not found."""
    tip = selectors.tip_for_informant(reference=payload.reference, secret=payload.secret)
    return selectors.informant_view(tip)


@router.post("/public/follow-up/add", auth=None, response={201: dict[str, Any]})
def follow_up_add(request: HttpRequest, payload: AddInfoIn) -> Status[Any]:
    tip = selectors.tip_for_informant(reference=payload.reference, secret=payload.secret)
    services.tip_informant_add(tip_id=tip.pk, text=payload.text)
    return Status(201, selectors.informant_view(tip))


@router.post("/public/rewards/{reward_id}/claim", auth=None, response=ClaimOut)
def claim_reward(request: HttpRequest, reward_id: int, payload: ReceiptIn) -> dict[str, str]:
    tip = selectors.tip_for_informant(reference=payload.reference, secret=payload.secret)
    return {"claim_code": services.reward_claim(tip_id=tip.pk, reward_id=reward_id)}


# -- mandatory reports ---------------------------------------------------------------------------------------


class ReportIn(TipIn):
    sector_details: dict[str, bool | str] = Field(default_factory=dict)


@router.post("/reports", response={200: ReceiptOut, 201: ReceiptOut})
def file_report(request: HttpRequest, payload: ReportIn) -> Status[Any]:
    receipt = services.tip_submit_mandatory(
        actor=request.user,
        data=payload.to_data(),
        sector_details=dict(payload.sector_details),
        idempotency_key=_idempotency_key(request),
    )
    return Status(
        201 if receipt.created else 200,
        {
            "tip_id": receipt.tip.pk,
            "reference": receipt.reference,
            "secret": receipt.secret,
            "status": selectors.public_status(receipt.tip),
            "acknowledge_by": receipt.tip.ack_due_at,
        },
    )


class ReportOut(Schema):
    id: int
    reference: str
    category: str
    created_at: datetime
    acknowledge_by: datetime
    acknowledged_at: datetime | None
    status: str


def _report_out(tip: Tip) -> dict[str, Any]:
    return {
        "id": tip.pk,
        "reference": tip.reference,
        "category": tip.category,
        "created_at": tip.created_at,
        "acknowledge_by": tip.ack_due_at,
        "acknowledged_at": tip.acknowledged_at,
        "status": selectors.public_status(tip),
    }


@router.get("/reports", response=list[ReportOut])
def my_reports(request: HttpRequest) -> list[dict[str, Any]]:
    return [_report_out(t) for t in selectors.my_reports(actor=request.user)[:200]]


@router.get("/reports/{tip_id}", response=ReportOut)
def my_report(request: HttpRequest, tip_id: int) -> dict[str, Any]:
    return _report_out(selectors.my_report_get(actor=request.user, tip_id=tip_id))


# -- staff ---------------------------------------------------------------------------------------------------


class QueueParams(Schema):
    scope: str = Field("agency", pattern=r"^(agency|all)$")
    status: str = Field("open", max_length=20)
    category: str = Field("", max_length=24)
    include_spam: bool = True
    limit: int = Field(200, ge=1, le=1000)


class TipSummary(Schema):
    id: int
    reference: str
    category: str
    status: str
    priority: int
    imminent_danger: bool
    spam_score: float
    division_code: str
    agency_id: int | None
    created_at: datetime
    ack_due_at: datetime
    escalation_level: int


def _tip_out(tip: Tip, user: Any) -> dict[str, Any]:
    shown = may_see_informant(user, tip)
    return {
        "id": tip.pk,
        "reference": tip.reference,
        "jurisdiction": tip.jurisdiction,
        "channel": tip.channel,
        "category": tip.category,
        "status": tip.status,
        "public_status": selectors.public_status(tip),
        "priority": tip.priority,
        "imminent_danger": tip.imminent_danger,
        "child_involved": tip.child_involved,
        "spam_score": tip.spam_score,
        "description": tip.description,
        "seen_at": tip.seen_at,
        "address": tip.address,
        "lat": tip.lat,
        "lon": tip.lon,
        "division_code": tip.division_code,
        "location_source": tip.location_source,
        "people_involved": tip.people_involved,
        "vehicles": tip.vehicles,
        "sector": tip.sector,
        "sector_details": tip.sector_details,
        "agency_id": tip.agency_id,
        "ack_due_at": tip.ack_due_at,
        "action_due_at": tip.action_due_at,
        "acknowledged_at": tip.acknowledged_at,
        "first_action_at": tip.first_action_at,
        "escalation_level": tip.escalation_level,
        "escalated_to_id": tip.escalated_to_id,
        "merged_into_id": tip.merged_into_id,
        "case_ref": tip.case_ref,
        "alert_ref": tip.alert_ref,
        "informant_name": tip.informant_name if shown else mask_name(tip.informant_name),
        "informant_phone": tip.informant_phone if shown else mask_phone(tip.informant_phone),
        "informant_shown": shown,
        "start_alert_url": f"/staff/alerts/new/?tip={tip.pk}" if tip.imminent_danger else "",
    }


@router.get("/queue", response=list[TipSummary])
def queue(request: HttpRequest, params: Query[QueueParams]) -> list[Tip]:
    filters = selectors.QueueFilter(
        scope=params.scope,
        status=params.status,
        category=params.category,
        include_spam=params.include_spam,
        limit=params.limit,
    )
    return list(selectors.tip_queue(actor=request.user, filters=filters))


@router.get("/export", response=list[dict[str, Any]])
def export(request: HttpRequest, params: Query[QueueParams]) -> list[dict[str, Any]]:
    """The queue as a list for export: the informant's name and phone are masked in every row."""
    filters = selectors.QueueFilter(
        scope=params.scope, status=params.status, category=params.category, limit=params.limit
    )
    rows = []
    for tip in selectors.tips_export(actor=request.user, filters=filters):
        row = _tip_out(tip, None)
        row["informant_name"] = mask_name(tip.informant_name)
        row["informant_phone"] = mask_phone(tip.informant_phone)
        rows.append(row)
    return rows


@router.get("/{tip_id}", response=dict[str, Any])
def get_tip(request: HttpRequest, tip_id: int) -> dict[str, Any]:
    tip = selectors.tip_get(actor=request.user, tip_id=tip_id, purpose="api read")
    out = _tip_out(tip, request.user)
    out["events"] = [
        {
            "at": e.at,
            "kind": e.kind,
            "agency_id": e.agency_id,
            "note": e.note,
            "public": e.public,
            "data": e.data,
        }
        for e in selectors.tip_events(tip=tip)
    ]
    return out


@router.get("/{tip_id}/related", response=list[dict[str, Any]])
def related(request: HttpRequest, tip_id: int) -> list[dict[str, Any]]:
    tip = selectors.tip_get(actor=request.user, tip_id=tip_id, purpose="find related")
    return [
        {"id": r.tip.pk, "reasons": r.reasons, "similarity": r.similarity, "category": r.tip.category}
        for r in selectors.tip_related(actor=request.user, tip=tip)
    ]


class QuestionIn(StrictSchema):
    question: str = Field(min_length=1, max_length=1000)


class CloseIn(StrictSchema):
    reason: CloseReason
    note: str = Field("", max_length=1000)


class TransferIn(StrictSchema):
    to_agency_id: int
    reason: str = Field(max_length=1000)


class OtherTipIn(StrictSchema):
    other_tip_id: int
    note: str = Field("", max_length=300)


class AlertIn(StrictSchema):
    alert_id: str = Field(pattern=r"^\d{1,18}$")


class ConvertIn(StrictSchema):
    case_ref: str = Field(min_length=1, max_length=40)


class DecideIn(StrictSchema):
    accept: bool
    note: str = Field("", max_length=1000)


class RewardIn(StrictSchema):
    amount_yuan: int = Field(ge=1, le=1_000_000)
    outcome: str = Field(min_length=1, max_length=300)


class PaymentIn(StrictSchema):
    payment_ref: str = Field(min_length=1, max_length=60)
    claim_code: str = Field("", max_length=20)


def _after(request: HttpRequest, tip_id: int) -> dict[str, Any]:
    return _tip_out(selectors.tip_get(actor=request.user, tip_id=tip_id, audit_read=False), request.user)


@router.post("/{tip_id}/acknowledge", response=dict[str, Any])
def acknowledge(request: HttpRequest, tip_id: int) -> dict[str, Any]:
    services.tip_acknowledge(actor=request.user, tip_id=tip_id)
    return _after(request, tip_id)


@router.post("/{tip_id}/request-info", response=dict[str, Any])
def request_info(request: HttpRequest, tip_id: int, payload: QuestionIn) -> dict[str, Any]:
    services.tip_request_info(actor=request.user, tip_id=tip_id, question=payload.question)
    return _after(request, tip_id)


@router.post("/{tip_id}/close", response=dict[str, Any])
def close(request: HttpRequest, tip_id: int, payload: CloseIn) -> dict[str, Any]:
    services.tip_close(actor=request.user, tip_id=tip_id, reason=payload.reason, note=payload.note)
    return _after(request, tip_id)


@router.post("/{tip_id}/merge", response=dict[str, Any])
def merge(request: HttpRequest, tip_id: int, payload: OtherTipIn) -> dict[str, Any]:
    services.tip_merge(actor=request.user, tip_id=tip_id, into_tip_id=payload.other_tip_id, note=payload.note)
    return _after(request, tip_id)


@router.post("/{tip_id}/link", response=dict[str, Any])
def link(request: HttpRequest, tip_id: int, payload: OtherTipIn) -> dict[str, Any]:
    services.tip_link(actor=request.user, tip_id=tip_id, other_tip_id=payload.other_tip_id, note=payload.note)
    return _after(request, tip_id)


@router.post("/{tip_id}/alert", response=dict[str, Any])
def attach_alert(request: HttpRequest, tip_id: int, payload: AlertIn) -> dict[str, Any]:
    services.tip_attach_alert(actor=request.user, tip_id=tip_id, alert_id=payload.alert_id)
    return _after(request, tip_id)


@router.post("/{tip_id}/convert", response=dict[str, Any])
def convert(request: HttpRequest, tip_id: int, payload: ConvertIn) -> dict[str, Any]:
    services.tip_mark_converted(actor=request.user, tip_id=tip_id, case_ref=payload.case_ref)
    return _after(request, tip_id)


class TransferOut(Schema):
    id: int
    tip_id: int
    from_agency_id: int
    to_agency_id: int
    reason: str
    status: str
    created_at: datetime
    decided_at: datetime | None
    decision_note: str


@router.post("/{tip_id}/transfer", response={201: TransferOut})
def transfer(request: HttpRequest, tip_id: int, payload: TransferIn) -> Status[Any]:
    return Status(
        201,
        services.tip_transfer_request(
            actor=request.user, tip_id=tip_id, to_agency_id=payload.to_agency_id, reason=payload.reason
        ),
    )


@router.get("/transfers/{transfer_id}", response=TransferOut)
def get_transfer(request: HttpRequest, transfer_id: int) -> TipTransfer:
    return selectors.transfer_get(actor=request.user, transfer_id=transfer_id)


@router.post("/transfers/{transfer_id}/decide", response=TransferOut)
def decide_transfer(request: HttpRequest, transfer_id: int, payload: DecideIn) -> TipTransfer:
    return services.tip_transfer_decide(
        actor=request.user, transfer_id=transfer_id, accept=payload.accept, note=payload.note
    )


class RewardOut(Schema):
    id: int
    tip_id: int
    amount_yuan: int
    outcome: str
    status: str
    proposed_by_id: int
    decided_by_id: int | None
    paid_at: datetime | None


@router.post("/{tip_id}/rewards", response={201: RewardOut})
def propose_reward(request: HttpRequest, tip_id: int, payload: RewardIn) -> Status[Any]:
    return Status(
        201,
        services.reward_propose(
            actor=request.user, tip_id=tip_id, amount_yuan=payload.amount_yuan, outcome=payload.outcome
        ),
    )


@router.post("/rewards/{reward_id}/decide", response=RewardOut)
def decide_reward(request: HttpRequest, reward_id: int, payload: DecideIn) -> Any:
    return services.reward_decide(
        actor=request.user, reward_id=reward_id, approve=payload.accept, note=payload.note
    )


@router.post("/rewards/{reward_id}/paid", response=RewardOut)
def reward_paid(request: HttpRequest, reward_id: int, payload: PaymentIn) -> Any:
    return services.reward_mark_paid(
        actor=request.user,
        reward_id=reward_id,
        payment_ref=payload.payment_ref,
        claim_code=payload.claim_code,
    )

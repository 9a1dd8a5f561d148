"""JSON API of the alerts app, mounted at /api/v1/alerts/."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from django.http import HttpRequest, HttpResponse
from ninja import Field, File, Query, Router, Schema, Status
from ninja.files import UploadedFile

from homeward.alerts import cap, selectors, services
from homeward.alerts.models import Alert, AlertStatus, Circumstance, Delivery, Sighting, SightingStatus
from homeward.core.schemas import StrictSchema
from homeward.engines.cap import CAP_MIME_TYPE
from homeward.people.models import Sex

router = Router(tags=["alerts"])


class AlertIn(StrictSchema):
    person_id: int | None = None
    name: str = Field("", max_length=60)
    sex: Sex = Sex.UNKNOWN
    birth_date: date | None = None
    height_cm: int | None = None
    weight_kg: int | None = None
    clothing: str = Field("", max_length=500)
    marks: str = Field("", max_length=500)
    description: str = Field("", max_length=2000)
    description_en: str = Field("", max_length=2000)
    circumstances: Circumstance = Circumstance.UNKNOWN
    suspect: str = Field("", max_length=1000)
    vehicle: str = Field("", max_length=500)
    last_seen_at: datetime
    last_seen_lat: float | None = None
    last_seen_lon: float | None = None
    last_seen_place: str = Field("", max_length=200)
    last_seen_division: str = Field("", pattern=r"^(\d{6})?$")
    police_confirmed: bool = False
    contact_phone: str = Field("110", max_length=40)

    def to_data(self) -> services.AlertData:
        values = self.model_dump()
        return services.AlertData(**values)


class AlertOut(Schema):
    id: int
    public_id: str
    jurisdiction: str
    status: str
    person_id: int
    name: str
    height_cm: int | None
    weight_kg: int | None
    clothing: str
    marks: str
    circumstances: str
    last_seen_at: datetime
    last_seen_lat: float
    last_seen_lon: float
    last_seen_place: str
    last_seen_division: str
    radius_km: float
    expires_at: datetime
    version: int
    released_at: datetime
    closed_at: datetime | None
    page_url: str
    cap_url: str

    @staticmethod
    def resolve_public_id(obj: Alert) -> str:
        return str(obj.public_id)

    @staticmethod
    def resolve_name(obj: Alert) -> str:
        return obj.person.primary_name

    @staticmethod
    def resolve_page_url(obj: Alert) -> str:
        return cap.page_url(obj)

    @staticmethod
    def resolve_cap_url(obj: Alert) -> str:
        return cap.public_cap_url(obj)


class AlertFilter(Schema):
    status: AlertStatus | None = None


class CloseIn(StrictSchema):
    outcome: Literal["found", "false_report"]
    note: str = Field("", max_length=500)


class SightingOut(Schema):
    id: int
    alert_id: int
    created_at: datetime
    seen_at: datetime
    lat: float | None
    lon: float | None
    place: str
    division: str
    what_seen: str
    contact: str
    distance_km: float | None
    status: str
    follow_up: str
    tip_id: int | None
    tip_reference: str
    case_id: int | None
    case_number: str


class ReviewIn(StrictSchema):
    status: Literal["useful", "not_useful", "duplicate"]
    follow_up: Literal["", "lead", "case_action"] = ""
    note: str = Field("", max_length=500)
    case_id: int | None = Field(None, ge=1)


class AttemptOut(Schema):
    number: int
    at: datetime
    duration_ms: int
    status_code: int | None
    ok: bool
    error: str


class DeliveryOut(Schema):
    id: int
    partner: str
    message_seq: int
    message_kind: str
    state: str
    attempts: int
    next_attempt_at: datetime | None
    delivered_at: datetime | None
    last_error: str
    log: list[AttemptOut]

    @staticmethod
    def resolve_partner(obj: Delivery) -> str:
        return obj.partner.name

    @staticmethod
    def resolve_message_seq(obj: Delivery) -> int:
        return obj.message.seq

    @staticmethod
    def resolve_message_kind(obj: Delivery) -> str:
        return obj.message.kind

    @staticmethod
    def resolve_log(obj: Delivery) -> list[Any]:
        return list(obj.attempt_log.all())


def _alert(request: HttpRequest, alert_id: int) -> Alert:
    return selectors.alert_get(actor=request.user, alert_id=alert_id, audit_read=False)


@router.get("", response=list[AlertOut])
def list_alerts(request: HttpRequest, filters: Query[AlertFilter]) -> Any:
    return selectors.alert_list(actor=request.user, status=filters.status or "")


@router.post("", response={201: AlertOut})
def release_alert(request: HttpRequest, payload: AlertIn) -> Status[Any]:
    alert = services.alert_release(actor=request.user, data=payload.to_data())
    return Status(201, _alert(request, alert.pk))


@router.get("/sightings", response=list[SightingOut])
def list_sightings(request: HttpRequest, status: SightingStatus | None = None) -> Any:
    return selectors.sighting_queue(actor=request.user, status=status or "")


@router.post("/sightings/{sighting_id}/review", response=SightingOut)
def review_sighting(request: HttpRequest, sighting_id: int, payload: ReviewIn) -> Sighting:
    return services.sighting_review(
        actor=request.user,
        sighting_id=sighting_id,
        status=payload.status,
        follow_up=payload.follow_up,
        note=payload.note,
        case_id=payload.case_id,
    )


@router.post("/deliveries/{delivery_id}/replay", response=DeliveryOut)
def replay_delivery(request: HttpRequest, delivery_id: int) -> Delivery:
    return services.delivery_replay(actor=request.user, delivery_id=delivery_id)


@router.get("/{alert_id}", response=AlertOut)
def get_alert(request: HttpRequest, alert_id: int) -> Alert:
    return selectors.alert_get(actor=request.user, alert_id=alert_id, purpose="api read")


@router.put("/{alert_id}", response=AlertOut)
def update_alert(request: HttpRequest, alert_id: int, payload: AlertIn) -> Alert:
    services.alert_update(actor=request.user, alert_id=alert_id, data=payload.to_data())
    return _alert(request, alert_id)


@router.post("/{alert_id}/photos", response={201: AlertOut})
def add_photo(request: HttpRequest, alert_id: int, image: File[UploadedFile]) -> Status[Any]:
    from django.conf import settings
    from django.core.exceptions import ValidationError

    if image.size is None or image.size > settings.PHOTO_MAX_BYTES:
        raise ValidationError(f"A photo may be at most {settings.PHOTO_MAX_BYTES // (1024 * 1024)} MB.")
    services.alert_photo_add(actor=request.user, alert_id=alert_id, upload=image)
    return Status(201, _alert(request, alert_id))


@router.post("/{alert_id}/close", response=AlertOut)
def close_alert(request: HttpRequest, alert_id: int, payload: CloseIn) -> Alert:
    services.alert_close(actor=request.user, alert_id=alert_id, outcome=payload.outcome, note=payload.note)
    return _alert(request, alert_id)


@router.post("/{alert_id}/renew", response=AlertOut)
def renew_alert(request: HttpRequest, alert_id: int) -> Alert:
    services.alert_renew(actor=request.user, alert_id=alert_id)
    return _alert(request, alert_id)


@router.get(
    "/{alert_id}/cap",
    response={200: None},
    openapi_extra={"responses": {200: {"content": {CAP_MIME_TYPE: {}}}}},
)
def latest_cap(request: HttpRequest, alert_id: int) -> HttpResponse:
    """The alert's latest signed CAP 1.2 message."""
    message = selectors.latest_cap_for(actor=request.user, alert_id=alert_id)
    return HttpResponse(message.xml.encode("utf-8"), content_type=f"{CAP_MIME_TYPE}; charset=utf-8")


@router.get("/{alert_id}/sightings", response=list[SightingOut])
def alert_sightings(request: HttpRequest, alert_id: int) -> Any:
    return selectors.sighting_queue(actor=request.user, alert_id=alert_id)


@router.get("/{alert_id}/deliveries", response=list[DeliveryOut])
def alert_deliveries(request: HttpRequest, alert_id: int) -> Any:
    alert = selectors.alert_get(actor=request.user, alert_id=alert_id, purpose="delivery log")
    return [d for _partner, ds in selectors.alert_detail_extras(alert)["delivery_log"] for d in ds]

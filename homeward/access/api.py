from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import Field, Router, Schema, Status

from homeward.access import services
from homeward.core.schemas import StrictSchema
from homeward.people.selectors import person_get

router = Router(tags=["access"])

# Record types that can be shared, and how to load one for the granting user (with the jurisdiction check).
SHAREABLE = {
    "people.person": lambda actor, pk: person_get(
        actor=actor, person_id=pk, purpose="share", audit_read=False
    )
}


class GrantIn(StrictSchema):
    record_type: str = Field(max_length=60)
    record_id: str = Field(max_length=64)
    grantee: str = Field(max_length=150)
    hours: int = Field(ge=1, le=24 * 90)
    reason: str = Field(min_length=1, max_length=300)


class GrantOut(Schema):
    id: int
    object_id: str
    grantee_id: int
    expires_at: datetime
    revoked_at: datetime | None


@router.post("", response={201: GrantOut})
def create_grant(request: HttpRequest, payload: GrantIn) -> Status[Any]:
    loader = SHAREABLE.get(payload.record_type)
    if loader is None:
        raise ValidationError({"record_type": [f"cannot share records of type {payload.record_type!r}"]})
    obj = loader(request.user, payload.record_id)
    grantee = get_user_model().objects.filter(username=payload.grantee, is_active=True).first()
    if grantee is None:
        raise ValidationError({"grantee": ["no active user with that username"]})
    grant = services.grant_create(
        actor=request.user,
        obj=obj,
        grantee=grantee,
        duration=timedelta(hours=payload.hours),
        reason=payload.reason,
    )
    return Status(201, grant)


@router.delete("/{grant_id}", response={204: None})
def revoke_grant(request: HttpRequest, grant_id: int) -> Status[Any]:
    services.grant_revoke(actor=request.user, grant_id=grant_id)
    return Status(204, None)

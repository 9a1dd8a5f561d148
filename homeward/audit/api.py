from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from homeward.audit.selectors import AuditQuery, audit_search

router = Router(tags=["audit"])


class AuditFilter(Schema):
    actor: str = Field("", max_length=150)
    action: str = Field("", max_length=20)
    outcome: str = Field("", max_length=10)
    object_type: str = Field("", max_length=60)
    object_id: str = Field("", max_length=64)
    since: datetime | None = None
    until: datetime | None = None


class AuditEventOut(Schema):
    seq: int | None  # the chain position; empty for a row written moments ago and not chained yet
    at: datetime
    actor_label: str
    ip: str | None
    action: str
    object_type: str
    object_id: str
    outcome: str
    purpose: str
    detail: dict[str, Any]
    hash: str | None


@router.get("/events", response=list[AuditEventOut])
def events(request: HttpRequest, filters: Query[AuditFilter]) -> Any:
    return list(audit_search(actor=request.user, query=AuditQuery(**filters.dict())))

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema, Status

from homeward.accounts import selectors, services
from homeward.core.schemas import StrictSchema

router = Router(tags=["accounts"])


class MeOut(Schema):
    username: str
    display_name: str
    agency: str | None
    jurisdiction: str | None
    roles: list[str]


class TokenIn(StrictSchema):
    name: str


class TokenOut(Schema):
    id: int
    name: str
    prefix: str
    created_at: datetime
    expires_at: datetime | None
    revoked_at: datetime | None


class IssuedTokenOut(TokenOut):
    token: str


@router.get("/me", response=MeOut)
def me(request: HttpRequest) -> dict[str, object]:
    user = request.user
    return {
        "username": user.get_username(),
        "display_name": user.display_name,  # type: ignore[union-attr]
        "agency": user.agency.name if user.agency else None,  # type: ignore[union-attr]
        "jurisdiction": user.jurisdiction,  # type: ignore[union-attr]
        "roles": user.roles,  # type: ignore[union-attr]
    }


@router.get("/tokens", response=list[TokenOut])
def list_tokens(request: HttpRequest) -> object:
    return list(selectors.tokens_of(user=request.user))


@router.post("/tokens", response={201: IssuedTokenOut})
def create_token(request: HttpRequest, payload: TokenIn) -> Status[Any]:
    # Only a browser session verified with the one-time code may mint tokens: a token cannot mint another.
    verified = not getattr(request, "homeward_token_auth", False) and request.user.is_verified()  # type: ignore[union-attr]
    issued = services.token_create(actor=request.user, name=payload.name, mfa_verified=verified)
    t = issued.token
    return Status(
        201,
        {
            "id": t.pk,
            "name": t.name,
            "prefix": t.prefix,
            "created_at": t.created_at,
            "expires_at": t.expires_at,
            "revoked_at": t.revoked_at,
            "token": issued.plaintext,
        },
    )


@router.delete("/tokens/{token_id}", response={204: None})
def revoke_token(request: HttpRequest, token_id: int) -> Status[Any]:
    token = selectors.tokens_of(user=request.user).filter(pk=token_id).first()
    if token is None:
        from django.http import Http404

        raise Http404
    services.token_revoke(actor=request.user, token_id=token.pk)
    return Status(204, None)

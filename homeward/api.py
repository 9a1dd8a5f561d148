"""The JSON API at /api/v1/: authentication, error format, and the routers of each app."""

from __future__ import annotations

from importlib import import_module
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, RequestDataTooBig, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.security import APIKeyHeader, HttpBearer, SessionAuth

from homeward.accounts.services import token_authenticate


def _token_user(request: HttpRequest, raw: str) -> Any:
    user = token_authenticate(raw)
    if user is not None:
        # A token is not a second factor: code that needs a verified session checks this flag.
        request.user = user
        request.homeward_token_auth = True  # type: ignore[attr-defined]
        user.is_verified = lambda: False  # type: ignore[attr-defined]
    return user


class BearerTokenAuth(HttpBearer):
    """Staff personal tokens and partner keys: `Authorization: Bearer hw_xxxxxxxx_...`."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        return _token_user(request, token)


class PartnerKeyAuth(APIKeyHeader):
    """Partner platforms may send their key as `X-API-Key` instead."""

    param_name = "X-API-Key"

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        return _token_user(request, key or "")


class VerifiedSessionAuth(SessionAuth):
    """A browser session counts only once the one-time code was given (CSRF-checked)."""

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = super().authenticate(request, key)
        if user is not None and user.is_verified() and not user.is_api_only:
            return user
        return None


api = NinjaAPI(
    title="Homeward API",
    version="1",
    urls_namespace="api",
    docs_url="/docs",
    openapi_url="/openapi.json",
    auth=[BearerTokenAuth(), PartnerKeyAuth(), VerifiedSessionAuth()],
)


def _detail(request: HttpRequest, status: int, detail: Any) -> HttpResponse:
    return api.create_response(request, {"detail": detail}, status=status)


@api.exception_handler(Http404)
def on_not_found(request: HttpRequest, exc: Exception) -> HttpResponse:
    return _detail(request, 404, "Not found")


@api.exception_handler(PermissionDenied)
def on_denied(request: HttpRequest, exc: Exception) -> HttpResponse:
    return _detail(request, 403, str(exc) or "You do not have permission to do this.")


@api.exception_handler(ValidationError)
def on_invalid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    detail: Any = exc.message_dict if hasattr(exc, "error_dict") else " ".join(exc.messages)
    return _detail(request, 400, detail)


@api.exception_handler(RequestDataTooBig)
def on_too_big(request: HttpRequest, exc: Exception) -> HttpResponse:
    return _detail(request, 413, "The request body is too large.")


@api.exception_handler(AuthenticationError)
def on_unauthenticated(request: HttpRequest, exc: Exception) -> HttpResponse:
    return _detail(request, 401, "Authentication required: a bearer token, an API key or a verified session.")


@api.exception_handler(NinjaValidationError)
def on_schema_error(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    return _detail(request, 422, exc.errors)


@api.exception_handler(HttpError)
def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    return _detail(request, exc.status_code, str(exc))


def _register_routers() -> None:
    from homeward.access.api import router as access_router
    from homeward.accounts.api import router as accounts_router
    from homeward.audit.api import router as audit_router
    from homeward.people.api import router as people_router
    from homeward.regions.api import router as regions_router

    api.add_router("/accounts", accounts_router)
    api.add_router("/regions", regions_router)
    api.add_router("/audit", audit_router)
    api.add_router("/grants", access_router)
    api.add_router("/people", people_router)
    for app in settings.HOMEWARD_DOMAIN_APPS:
        api.add_router(f"/{app}", import_module(f"homeward.{app}.api").router)


_register_routers()

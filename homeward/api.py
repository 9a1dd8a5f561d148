"""The JSON API at /api/v1/: authentication, error format, and the routers of each app."""

from __future__ import annotations

import re
from importlib import import_module
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, RequestDataTooBig, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.openapi.schema import REF_TEMPLATE, OpenAPISchema
from ninja.schema import NinjaGenerateJsonSchema
from ninja.security import APIKeyHeader, HttpBearer, SessionAuth

from homeward.accounts.services import token_authenticate
from homeward.core.outage import DATABASE_ERRORS, database_unavailable_response


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


# Every error answers {"detail": ...}: a message, or a list/dict of field errors (422 schema errors, 400 form-like).
ERROR_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {"detail": {"description": "A message, or the errors per field."}},
    "required": ["detail"],
}
ERROR_RESPONSES = {
    400: "Invalid input: the message or the errors per field say what to change.",
    404: "Not found, or not within your jurisdiction (the two are not told apart).",
    413: "The request body is too large.",
    414: "The URL is too long (the server refuses request lines over 4 KB).",
    422: "The request does not match the schema (type, format or range of a field).",
}
AUTH_ERROR_RESPONSES = {
    401: "Authentication required: a bearer token, an API key or a verified session.",
    403: "Your role may not do this (or the CSRF check of a browser session failed).",
}
PUBLIC_ERROR_RESPONSES = {429: "Too many requests from this address; try again later."}


class AppQualifiedJsonSchema(NinjaGenerateJsonSchema):
    """Component names carry the app: `dna.api.CandidateOut` is `DnaCandidateOut`, so two apps' schemas of the same
    class name no longer overwrite each other in the OpenAPI components (one app's answers checked against the
    other's schema)."""

    def get_defs_ref(self, core_mode_ref: Any) -> Any:
        defs_ref = super().get_defs_ref(core_mode_ref)
        match = re.match(r"homeward\.(\w+)\.[\w.]*?(\w+):\d+$", core_mode_ref[0])
        choices = self._prioritized_defsref_choices[defs_ref]
        if match:
            app, name = match.groups()
            qualified = "".join(part.title() for part in app.split("_")) + name
            choices[0:2] = [qualified, f"{qualified}-{choices[1].rsplit('-', 1)[-1]}"]  # type: ignore[list-item]
        return defs_ref


class AppQualifiedOpenAPISchema(OpenAPISchema):
    def _create_schema_from_model(
        self, model: Any, by_alias: bool = True, remove_level: bool = True, mode: Any = "validation"
    ) -> Any:
        if hasattr(model, "__ninja_flatten_map__"):
            return super()._create_schema_from_model(model, by_alias, remove_level, mode)
        schema = model.model_json_schema(
            ref_template=REF_TEMPLATE, by_alias=by_alias, schema_generator=AppQualifiedJsonSchema, mode=mode
        ).copy()
        if schema.get("$defs"):
            self.add_schema_definitions(schema.pop("$defs"))
        if remove_level and len(schema["properties"]) == 1:
            name, details = next(iter(schema["properties"].items()))
            return details, name in schema.get("required", {})
        return schema, True


class HomewardAPI(NinjaAPI):
    """Ninja API whose OpenAPI document names schemas per app and lists the error answers every operation gives."""

    def get_openapi_schema(
        self, *, path_prefix: str | None = None, path_params: dict[str, Any] | None = None
    ) -> Any:
        if path_prefix is None:
            path_prefix = self.get_root_path(path_params or {})
        schema = AppQualifiedOpenAPISchema(self, path_prefix)
        schema.setdefault("components", {}).setdefault("schemas", {})["ErrorDetail"] = ERROR_SCHEMA
        error = {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorDetail"}}}
        for operations in schema.get("paths", {}).values():
            for operation in operations.values():
                responses = operation.setdefault("responses", {})
                codes = dict(ERROR_RESPONSES)
                codes.update(AUTH_ERROR_RESPONSES if operation.get("security") else PUBLIC_ERROR_RESPONSES)
                for code, description in codes.items():
                    if code not in responses and str(code) not in responses:
                        responses[code] = {"description": description, "content": error}
        return schema


api = HomewardAPI(
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


def on_database_away(request: HttpRequest, exc: Exception) -> HttpResponse:
    """The database is away: 503 with "not received", as the outage middleware answers (with DEBUG on, Ninja would
    otherwise turn the error into its own 500 page)."""
    return database_unavailable_response(request)


# The same errors the outage middleware treats as "database away".
for _database_error in DATABASE_ERRORS:
    api.exception_handler(_database_error)(on_database_away)


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

"""Security walk: every URL pattern and every API operation refuses an anonymous caller, except the public ones
listed here; staff detail pages answer 404 to another jurisdiction, like a missing record.

A new URL or API operation that is not protected makes these tests fail: unknown public patterns are errors, not
skips. To publish a page, add it to PUBLIC_ROUTES / PUBLIC_OPERATIONS with the reason it is public.
"""

from __future__ import annotations

import re
import typing
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from homeward.api import api

pytestmark = pytest.mark.django_db

# Public pages: route -> why anyone may open it.
PUBLIC_ROUTES: dict[str, str] = {
    "": "public home (portal)",
    "healthz": "health check for the load balancer",
    "i18n/setlang/": "language switch",
    "accounts/login/": "staff login form",
    "accounts/logout/": "logging out (anonymous: nothing to end)",
    "alerts/": "active public alerts",
    "alerts/cap.atom": "CAP feed of active alerts",
    "alerts/cap/": "how partners consume the CAP feed",
    "alerts/certificate.pem": "the certificate that signs CAP messages",
    "alerts/demo-partner/receive/": "demo partner webhook receiver (signature-checked)",
    "alerts/<uuid:public_id>/": "a public alert page",
    "alerts/<uuid:public_id>/cap.xml": "a public alert as CAP",
    "alerts/<uuid:public_id>/qr.svg": "QR code of a public alert",
    "alerts/<uuid:public_id>/photos/<int:photo_id>/": "a public alert's photo",
    "alerts/<uuid:public_id>/sighting/": "report a sighting",
    "alerts/<uuid:public_id>/thanks/": "after a sighting",
    "tips/": "anonymous tip form",
    "tips/follow-up/": "tip follow-up with the receipt code",
    "tips/follow-up/status/": "tip status for the receipt holder",
    "tips/follow-up/rewards/<int:reward_id>/claim/": "reward claim by the receipt holder",
    "tips/follow-up/leave/": "end the follow-up session",
    "plan/": "the Action Plan's public measures",
    "portal/near/": "alerts near the visitor",
    "portal/divisions/": "division picker (public reference data)",
    "portal/family-search/": "family search registration form",
    "portal/family-search/status/": "registration status with the receipt code",
    "portal/dna/": "public DNA sampling points",
    "portal/learn/": "prevention guidance",
    "portal/learn/<slug:slug>/": "a guidance page",
}

# Public API operations: (method, path) -> why.
PUBLIC_OPERATIONS: dict[tuple[str, str], str] = {
    ("POST", "/api/v1/tips/public"): "anonymous tip submission",
    ("POST", "/api/v1/tips/public/follow-up"): "tip follow-up with the receipt code",
    ("POST", "/api/v1/tips/public/follow-up/add"): "add information to one's own tip",
    ("POST", "/api/v1/tips/public/rewards/{reward_id}/claim"): "reward claim with the receipt code",
    ("GET", "/api/v1/portal/alerts-near"): "public alerts near a point",
    ("GET", "/api/v1/portal/sampling-points"): "public DNA sampling points",
}

CONVERTER_VALUES = {"int": "987654", "str": "x", "slug": "x", "path": "x", "uuid": str(uuid.uuid4())}


def url_patterns() -> Iterator[tuple[str, str]]:
    """(route, name) of every Django URL pattern outside the API."""

    def walk(patterns: list[Any], prefix: str, namespace: str) -> Iterator[tuple[str, str]]:
        for p in patterns:
            if isinstance(p, URLResolver):
                route = prefix + str(p.pattern)
                if route.startswith("api/"):
                    continue  # the API is walked operation by operation below
                ns = namespace + (f"{p.namespace}:" if p.namespace else "")
                yield from walk(p.url_patterns, route, ns)
            elif isinstance(p, URLPattern):
                yield prefix + str(p.pattern), namespace + (p.name or "")

    return walk(get_resolver().url_patterns, "", "")


def concrete(route: str) -> str:
    def value(match: re.Match[str]) -> str:
        converter = match.group(1) or "str"
        return CONVERTER_VALUES.get(converter, "x")

    path = re.sub(r"<(?:(\w+):)?\w+>", value, route)
    if "^" in path or "(?P" in path:
        pytest.fail(f"regex URL pattern {route!r}: give it a path() route so the walk can build a URL")
    return "/" + path


ROUTES = sorted(set(url_patterns()))
STAFF_ROUTES = [(r, n) for r, n in ROUTES if r not in PUBLIC_ROUTES]


def refused(response: Any) -> bool:
    if response.status_code in (302, 301):
        return str(response["Location"]).startswith("/accounts/login/")
    return response.status_code in (401, 403, 404)


def test_the_walk_sees_every_app() -> None:
    """Guards the walk itself: the staff pages of every app are among the patterns walked."""
    from django.conf import settings

    staff_prefixes = {r.split("/")[1] for r, _n in STAFF_ROUTES if r.startswith("staff/")}
    assert set(settings.HOMEWARD_DOMAIN_APPS) - {"portal"} <= staff_prefixes | {"portal"}
    assert len(STAFF_ROUTES) > 100
    stale = set(PUBLIC_ROUTES) - {r for r, _n in ROUTES}
    assert not stale, f"PUBLIC_ROUTES lists routes that no longer exist: {sorted(stale)}"


@pytest.mark.parametrize(("route", "name"), STAFF_ROUTES, ids=[n or r for r, n in STAFF_ROUTES])
def test_anonymous_is_refused(client: Any, route: str, name: str) -> None:
    url = concrete(route)
    get = client.get(url)
    post = client.post(url, {})
    assert refused(get) or get.status_code == 405, (
        f"GET {url} answered {get.status_code} to an anonymous user"
    )
    assert refused(post) or post.status_code == 405, (
        f"POST {url} answered {post.status_code} to an anonymous user"
    )
    assert (get.status_code, post.status_code) != (405, 405), f"{url}: neither GET nor POST reached the view"


@pytest.mark.parametrize("route", sorted(PUBLIC_ROUTES))
def test_public_pages_answer_without_login(client: Any, route: str) -> None:
    """Public pages do not send visitors to the staff login (objects that do not exist may be 404)."""
    response = client.get(concrete(route))
    assert response.status_code < 500
    if response.status_code in (301, 302):
        assert not str(response["Location"]).startswith("/accounts/login/"), route


def api_operations() -> list[tuple[str, str]]:
    schema = api.get_openapi_schema()
    methods = {"get", "post", "put", "patch", "delete"}
    return sorted((m.upper(), path) for path, ops in schema["paths"].items() for m in ops if m in methods)


OPERATIONS = api_operations()


def test_public_operations_exist() -> None:
    stale = set(PUBLIC_OPERATIONS) - set(OPERATIONS)
    assert not stale, f"PUBLIC_OPERATIONS lists operations that no longer exist: {sorted(stale)}"
    assert len(OPERATIONS) > 100


@pytest.mark.parametrize(("method", "path"), OPERATIONS, ids=[f"{m} {p}" for m, p in OPERATIONS])
def test_api_refuses_anonymous(client: Any, method: str, path: str) -> None:
    url = re.sub(r"\{\w+\}", "1", path)
    response = client.generic(method, url, data=b"{}", content_type="application/json")
    if (method, path) in PUBLIC_OPERATIONS:
        assert response.status_code < 500, response.content[:300]
        return
    assert response.status_code == 401, f"{method} {url} answered {response.status_code} without credentials"


def api_models() -> set[type]:
    """The homeward schema classes the API operations take and give (nested ones too)."""
    from pydantic import BaseModel

    found: set[type] = set()

    def visit(annotation: Any) -> None:
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            if annotation in found:
                return
            found.add(annotation)
            for field in annotation.model_fields.values():
                visit(field.annotation)
            return
        for arg in typing.get_args(annotation):
            visit(arg)

    for _prefix, router in api._routers:
        for path_view in router.path_operations.values():
            for operation in path_view.operations:
                for model in (operation.response_models or {}).values():
                    visit(model)
                for model in operation.models:
                    if (
                        getattr(model, "__ninja_param_source__", None) == "body"
                    ):  # query models become parameters
                        visit(model)
    return {m for m in found if m.__module__.startswith("homeward.")}


def test_openapi_names_each_schema_once() -> None:
    """Two apps' classes of the same name (dna and tracing `CandidateOut`) each get their own component; before, one
    overwrote the other and clients (and `make fuzz`) checked dna answers against the tracing schema."""
    components = api.get_openapi_schema()["components"]["schemas"]
    names = {name.split("-")[0] for name in components}
    missing = []
    for model in api_models():
        app = model.__module__.split(".")[1]
        qualified = "".join(part.title() for part in app.split("_")) + model.__name__
        if qualified not in names:
            missing.append(f"{model.__module__}.{model.__name__}")
    assert not missing, f"schemas without their own component: {sorted(missing)}"
    dna = components.get("DnaCandidateOut") or components["DnaCandidateOut-Output"]
    tracing = components.get("TracingCandidateOut") or components["TracingCandidateOut-Output"]
    assert dna["properties"] != tracing["properties"]


def test_every_operation_documents_its_error_answers() -> None:
    schema = api.get_openapi_schema()
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            codes = {int(c) for c in operation["responses"]}
            expected = {400, 404, 422} | ({401, 403} if operation.get("security") else {429})
            assert expected <= codes, f"{method.upper()} {path} documents {sorted(codes)}"
    assert schema["components"]["schemas"]["ErrorDetail"]["required"] == ["detail"]

"""Middleware: who is calling from where (for the audit trail); the Permissions-Policy header."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from homeward.core import context


def client_ip(request: HttpRequest) -> str | None:
    # Behind the reverse proxy, the proxy sets X-Real-IP; REMOTE_ADDR is the proxy itself.
    return request.META.get("HTTP_X_REAL_IP") or request.META.get("REMOTE_ADDR")


class RequestContextMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        channel = "api" if request.path.startswith("/api/") else "web"
        ctx = context.RequestContext(
            ip=client_ip(request),
            user_agent=request.META.get("HTTP_USER_AGENT", "")[:300],
            request_id=context.new_request_id(),
            channel=channel,
        )
        with context.use(ctx):
            response = self.get_response(request)
        response["X-Request-ID"] = ctx.request_id
        return response


class PermissionsPolicyMiddleware:
    """Sends `Permissions-Policy` (settings.PERMISSIONS_POLICY): the public portal may ask for the visitor's location
    on its own pages; camera, microphone, payment and the like are off everywhere. Django has no setting for it."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        policy: dict[str, list[str]] = getattr(settings, "PERMISSIONS_POLICY", {})
        self.header = ", ".join(f"{feature}=({' '.join(allow)})" for feature, allow in policy.items())

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if self.header:
            response.headers.setdefault("Permissions-Policy", self.header)
        return response

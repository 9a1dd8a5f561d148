"""When the database is unreachable: answer 503 with a clear page (or JSON under /api/), never a 500.

Django turns an exception raised inside any middleware layer (the session loaded lazily by the authentication
middleware, say) into a 500 response at that layer, so catching around `get_response` is not enough. Two hooks
cover every path:

- `process_exception` answers for errors raised by a view (the usual case: a tip being saved);
- a `got_request_exception` receiver marks the request when a database error was turned into a 500 anywhere else,
  and the middleware, which sits near the top of the stack, replaces that 500 with the 503 page.

The middleware also answers the probes, before sessions, authentication and the host check (a load balancer probes
by address): `/healthz` (live: the process answers; never touches the database, so an outage does not get workers
restarted) and `/readyz` (ready: the database answers `SELECT 1`; 503 while it does not).

Nothing else here touches the database. Django opens a fresh connection on the next request (persistent connections are
health-checked first: CONN_HEALTH_CHECKS), so the application recovers without a restart when the database is back.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.signals import got_request_exception
from django.db import InterfaceError, OperationalError, connection
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

logger = logging.getLogger("homeward.outage")

DATABASE_ERRORS: tuple[type[Exception], ...] = (OperationalError, InterfaceError)
_MARK = "_homeward_database_unavailable"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})


def retry_after_seconds() -> int:
    return int(getattr(settings, "DATABASE_UNAVAILABLE_RETRY_AFTER", 30))


def is_database_error(exc: BaseException | None) -> bool:
    return isinstance(exc, DATABASE_ERRORS)


def database_unavailable_response(request: HttpRequest) -> HttpResponse:
    """The 503 answer: JSON `{"detail": ...}` for the API, a page in the visitor's language otherwise."""
    retry = retry_after_seconds()
    submitted = request.method not in SAFE_METHODS
    language = translation.get_language_from_request(request)
    with translation.override(language):
        if submitted:
            detail = _(
                "The service is temporarily unavailable. What you sent was NOT received and nothing was saved. "
                "Please try again in a few minutes."
            )
        else:
            detail = _("The service is temporarily unavailable. Please try again in a few minutes.")
        if request.path.startswith("/api/"):
            response: HttpResponse = JsonResponse(
                {"detail": detail, "retry_after": retry, "received": False if submitted else None}, status=503
            )
        else:
            html = render_to_string(
                "core/unavailable.html",
                {
                    "submitted": submitted,
                    "retry_after": retry,
                    "LANG": language,
                    # Both languages, the visitor's first: the page cannot offer the language switch.
                    "LANG_ORDER": [
                        language,
                        *[code for code, _name in settings.LANGUAGES if code != language],
                    ],
                },
            )
            response = HttpResponse(html, status=503, content_type="text/html; charset=utf-8")
    response["Retry-After"] = str(retry)
    response["Content-Language"] = language
    return _own_headers(response)


def _own_headers(response: HttpResponse) -> HttpResponse:
    # These answers skip the inner middleware (CSP, frame options), so they carry those headers themselves.
    response["Cache-Control"] = "no-store"
    response["Content-Security-Policy"] = "default-src 'self'; frame-ancestors 'none'; form-action 'self'"
    response["X-Frame-Options"] = "DENY"
    return response


@receiver(got_request_exception, dispatch_uid="homeward.core.outage.mark")
def _mark_database_error(sender: Any, request: HttpRequest | None = None, **kwargs: Any) -> None:
    # Sent from inside the `except` block that turns the exception into a 500, so exc_info is the error.
    if request is not None and is_database_error(sys.exc_info()[1]):
        setattr(request, _MARK, True)


def live() -> HttpResponse:
    return JsonResponse({"status": "ok"})


def ready() -> HttpResponse:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DATABASE_ERRORS as exc:
        logger.warning("readiness probe: database unavailable (%s)", type(exc).__name__)
        response = JsonResponse({"status": "unavailable", "database": type(exc).__name__}, status=503)
        response["Retry-After"] = str(retry_after_seconds())
        return response
    return JsonResponse({"status": "ok", "database": "ok"})


PROBES: dict[str, Callable[[], HttpResponse]] = {"/healthz": live, "/readyz": ready}


class DatabaseUnavailableMiddleware:
    """Put this right after SecurityMiddleware/WhiteNoise, before the session and authentication middleware."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        probe = PROBES.get(request.path_info)
        if probe is not None and request.method in ("GET", "HEAD"):
            return _own_headers(probe())
        response = self.get_response(request)
        if getattr(request, _MARK, False):
            return self._unavailable(request)
        return response

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if is_database_error(exception):
            return self._unavailable(request, exception)
        return None

    def _unavailable(self, request: HttpRequest, exception: BaseException | None = None) -> HttpResponse:
        logger.warning(
            "database unavailable: %s %s answered 503 (%s)",
            request.method,
            request.path,
            type(exception).__name__ if exception else "error in middleware",
        )
        return database_unavailable_response(request)

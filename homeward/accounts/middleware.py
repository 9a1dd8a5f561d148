"""Idle sessions end after SESSION_IDLE_TIMEOUT; every session ends after SESSION_ABSOLUTE_TIMEOUT."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

SESSION_LOGIN_AT = "homeward_login_at"
SESSION_LAST_SEEN = "homeward_last_seen"


class SessionTimeoutMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = timezone.now().timestamp()
            session = request.session
            login_at = session.get(SESSION_LOGIN_AT, now)
            last_seen = session.get(SESSION_LAST_SEEN, now)
            reason = None
            if now - last_seen > settings.SESSION_IDLE_TIMEOUT.total_seconds():
                reason = "idle timeout"
            elif now - login_at > settings.SESSION_ABSOLUTE_TIMEOUT.total_seconds():
                reason = "session too old"
            if reason:
                request.homeward_logout_reason = reason  # type: ignore[attr-defined]
                logout(request)
                messages.info(request, _("Your session ended. Please log in again."))
            else:
                session.setdefault(SESSION_LOGIN_AT, login_at)
                session[SESSION_LAST_SEEN] = now
        return self.get_response(request)

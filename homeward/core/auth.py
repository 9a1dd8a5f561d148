"""The gate for staff pages: logged in with password and one-time code, and not an API-only account."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse


def staff_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        user = request.user
        if not user.is_authenticated or not user.is_verified():  # type: ignore[union-attr]
            return redirect_to_login(request.get_full_path())
        if user.is_api_only or user.agency_id is None:  # type: ignore[union-attr]
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped


def role_required(*roles: str) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @staff_required
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not request.user.has_role(*roles):  # type: ignore[union-attr]
                from homeward.audit import services as audit
                from homeward.audit.models import AuditAction

                audit.record(
                    actor=request.user, action=AuditAction.PERMISSION_DENIED, object_type="page",
                    object_id=request.path[:64],
                )
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator

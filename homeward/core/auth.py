"""The gate for staff pages: logged in with password and one-time code, and not an API-only account."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.http.response import HttpResponseBase

from homeward.accounts.models import User

View = Callable[..., HttpResponseBase]


def is_verified(user: Any) -> bool:
    """True when the user logged in with a one-time code in this session (django-otp sets is_verified)."""
    check = getattr(user, "is_verified", None)
    return bool(check and check())


def staff_user(request: HttpRequest) -> User:
    """The logged-in staff user of a request that passed `staff_required`."""
    assert isinstance(request.user, User)
    return request.user


def staff_required(view: View) -> View:
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        user = request.user
        if not isinstance(user, User) or not is_verified(user):
            return redirect_to_login(request.get_full_path())
        if user.is_api_only or user.agency_id is None:
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped


def role_required(*roles: str) -> Callable[[View], View]:
    def decorator(view: View) -> View:
        @staff_required
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            if not staff_user(request).has_role(*roles):
                from homeward.audit import services as audit
                from homeward.audit.models import AuditAction

                audit.record(
                    actor=request.user,
                    action=AuditAction.PERMISSION_DENIED,
                    object_type="page",
                    object_id=request.path[:64],
                )
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator

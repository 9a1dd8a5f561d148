"""Login with password and one-time code, logout, personal API tokens, and agency/user administration."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth import authenticate, login, logout
from django.contrib.auth.signals import user_login_failed
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from homeward.accounts import selectors, services
from homeward.accounts.forms import AgencyForm, LoginForm, TokenForm, UserCreateForm, UserEditForm
from homeward.accounts.middleware import SESSION_LAST_SEEN, SESSION_LOGIN_AT
from homeward.accounts.roles import Role
from homeward.core.auth import role_required, staff_required
from homeward.core.forms import apply_validation_error


def lockout_response(
    request: HttpRequest, original_response: Any = None, credentials: Any = None
) -> HttpResponse:
    return render(request, "accounts/locked.html", status=429)


@require_http_methods(["GET", "POST"])
def login_view(request: HttpRequest) -> HttpResponse:
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = ""
    form = LoginForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        username = form.cleaned_data["username"]
        user = authenticate(request, username=username, password=form.cleaned_data["password"])
        if user is not None and (user.is_api_only or user.agency_id is None):  # type: ignore[attr-defined]
            user = None
        if user is not None:
            device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
            if device is not None and device.verify_token(form.cleaned_data["otp_token"]):
                login(request, user)
                otp_login(request, device)
                request.session[SESSION_LOGIN_AT] = request.session[SESSION_LAST_SEEN] = (
                    timezone.now().timestamp()
                )
                return redirect(next_url or "core:staff-home")
            # A right password with a wrong code counts as a failure towards the lockout.
            user_login_failed.send(
                sender=__name__,
                credentials={"username": username, "homeward_reason": "wrong one-time code"},
                request=request,
            )
        form.add_error(None, _("The username, password or one-time code is wrong."))
    return render(request, "accounts/login.html", {"form": form, "next": next_url}, status=200)


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    logout(request)
    messages.info(request, _("You have logged out."))
    return redirect("accounts:login")


@staff_required
@require_http_methods(["GET", "POST"])
def tokens_view(request: HttpRequest) -> HttpResponse:
    form = TokenForm(request.POST or None)
    issued = None
    if request.method == "POST" and form.is_valid():
        try:
            issued = services.token_create(
                actor=request.user,
                name=form.cleaned_data["name"],
                mfa_verified=request.user.is_verified(),  # type: ignore[union-attr]
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            form = TokenForm()
    tokens = selectors.tokens_of(user=request.user)
    return render(request, "accounts/tokens.html", {"form": form, "tokens": tokens, "issued": issued})


@staff_required
@require_POST
def token_revoke_view(request: HttpRequest, token_id: int) -> HttpResponse:
    token = selectors.tokens_of(user=request.user).filter(pk=token_id).first()
    if token is None:
        from django.http import Http404

        raise Http404
    services.token_revoke(actor=request.user, token_id=token.pk)
    messages.success(request, _("The token was revoked."))
    return redirect("accounts:tokens")


@role_required(Role.SYSADMIN)
@require_http_methods(["GET", "POST"])
def agencies_view(request: HttpRequest) -> HttpResponse:
    form = AgencyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.agency_create(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            apply_validation_error(form, exc, default_field="division_code")
        else:
            messages.success(request, _("The agency was created."))
            return redirect("accounts:agencies")
    agencies = selectors.agencies_visible(actor=request.user)
    return render(request, "accounts/agencies.html", {"form": form, "agencies": agencies})


@role_required(Role.SYSADMIN)
@require_http_methods(["GET", "POST"])
def users_view(request: HttpRequest) -> HttpResponse:
    agencies = selectors.agencies_visible(actor=request.user).filter(is_active=True)
    form = UserCreateForm(request.POST or None)
    agency_field = form.fields["agency"]
    assert isinstance(agency_field, forms.ChoiceField)
    agency_field.choices = [(a.pk, f"{a.name} ({a.jurisdiction})") for a in agencies]
    created = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            created = services.user_create(
                actor=request.user,
                username=data["username"],
                password=data["password"],
                agency=agencies.get(pk=data["agency"]),
                roles=data["roles"],
                display_name=data["display_name"],
                email=data["email"],
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
    users = selectors.users_visible(actor=request.user)
    return render(request, "accounts/users.html", {"form": form, "users": users, "created": created})


@role_required(Role.SYSADMIN)
@require_http_methods(["GET", "POST"])
def user_edit_view(request: HttpRequest, user_id: int) -> HttpResponse:
    target = selectors.user_get_for_admin(actor=request.user, user_id=user_id)
    initial = {"display_name": target.display_name, "roles": target.roles, "is_active": target.is_active}
    form = UserEditForm(request.POST or None, initial=initial)
    totp_url = None
    if request.method == "POST" and "reset_totp" in request.POST:
        totp_url = services.user_reset_totp(actor=request.user, user_id=target.pk)
        form = UserEditForm(initial=initial)
    elif request.method == "POST" and form.is_valid():
        try:
            services.user_update(actor=request.user, user_id=target.pk, **form.cleaned_data)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("The user was saved."))
            return redirect("accounts:users")
    return render(request, "accounts/user_edit.html", {"form": form, "target": target, "totp_url": totp_url})

"""Public pages (no login): the tip form, the receipt, and the informant's follow-up through the receipt."""

from __future__ import annotations

import time

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from homeward.core.forms import apply_validation_error
from homeward.core.middleware import client_ip
from homeward.tips import selectors, services
from homeward.tips.forms import AddInformationForm, ReceiptForm, TipForm
from homeward.tips.models import Channel

SESSION_KEY = "tips_followup"
FOLLOWUP_MINUTES = 30


@never_cache
@require_http_methods(["GET", "POST"])
def submit_view(request: HttpRequest) -> HttpResponse:
    form = TipForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            receipt = services.tip_submit_public(
                data=form.to_data(),
                channel=Channel.PUBLIC_WEB,
                idempotency_key=form.cleaned_data["form_token"],
                source_ip=client_ip(request),
                attachments=form.cleaned_data["attachments"],
            )
        except services.RateLimited as exc:
            form.add_error(None, str(exc))
            return render(request, "tips/public_form.html", {"form": form}, status=429)
        except ValidationError as exc:
            apply_validation_error(form, exc, default_field=None)
        else:
            # The secret is shown on this page only (never stored in clear); a reload re-sends the form token
            # and shows the same receipt.
            return render(
                request,
                "tips/public_receipt.html",
                {
                    "reference": receipt.reference,
                    "secret": receipt.secret,
                    "imminent": receipt.tip.imminent_danger,
                },
            )
    return render(request, "tips/public_form.html", {"form": form}, status=400 if form.is_bound else 200)


@never_cache
@require_http_methods(["GET", "POST"])
def followup_view(request: HttpRequest) -> HttpResponse:
    """Enter the receipt code and secret. A wrong secret and an unknown code get the same answer."""
    form = ReceiptForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        from django.http import Http404

        try:
            tip = selectors.tip_for_informant(
                reference=form.cleaned_data["reference"], secret=form.cleaned_data["secret"]
            )
        except Http404:
            form.add_error(None, _("No tip matches this receipt code and secret."))
        else:
            request.session.cycle_key()
            request.session[SESSION_KEY] = {"tip": tip.pk, "at": time.time()}
            return redirect("tips_public:status")
    return render(request, "tips/public_followup.html", {"form": form}, status=400 if form.errors else 200)


def _session_tip_id(request: HttpRequest) -> int | None:
    entry = request.session.get(SESSION_KEY)
    if not isinstance(entry, dict) or time.time() - float(entry.get("at", 0)) > FOLLOWUP_MINUTES * 60:
        request.session.pop(SESSION_KEY, None)
        return None
    return int(entry["tip"])


@never_cache
@require_http_methods(["GET", "POST"])
def status_view(request: HttpRequest) -> HttpResponse:
    tip_id = _session_tip_id(request)
    if tip_id is None:
        return redirect("tips_public:followup")
    tip = selectors.informant_tip_by_id(tip_id)
    form = AddInformationForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.tip_informant_add(
                tip_id=tip.pk, text=form.cleaned_data["text"], attachments=form.cleaned_data["attachments"]
            )
        except ValidationError as exc:
            apply_validation_error(form, exc, default_field="text")
        else:
            return redirect("tips_public:status")
    return render(
        request,
        "tips/public_status.html",
        {"view": selectors.informant_view(tip), "form": form, "claim_code": ""},
    )


@never_cache
@require_POST
def claim_view(request: HttpRequest, reward_id: int) -> HttpResponse:
    tip_id = _session_tip_id(request)
    if tip_id is None:
        return redirect("tips_public:followup")
    tip = selectors.informant_tip_by_id(tip_id)
    claim_code = ""
    error = ""
    try:
        claim_code = services.reward_claim(tip_id=tip.pk, reward_id=reward_id)
    except ValidationError as exc:
        error = " ".join(exc.messages)
    return render(
        request,
        "tips/public_status.html",
        {
            "view": selectors.informant_view(tip),
            "form": AddInformationForm(),
            "claim_code": claim_code,
            "claim_error": error,
        },
    )


@require_POST
def leave_view(request: HttpRequest) -> HttpResponse:
    request.session.pop(SESSION_KEY, None)
    return redirect("tips_public:followup")

"""Pages of the portal: the public home (`/`), family-search registration and status, DNA sampling points and
Learn pages (no login); the staff's registration queue, sampling points and guidance editor (/staff/portal/)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from homeward.core.auth import staff_required, staff_user
from homeward.core.forms import apply_validation_error
from homeward.core.middleware import client_ip
from homeward.core.ratelimit import RateLimited
from homeward.portal import selectors, services
from homeward.portal.forms import (
    AccessionForm,
    GuidanceForm,
    NoteForm,
    ReasonForm,
    RegistrationForm,
    SamplingPointForm,
    StatusForm,
)
from homeward.portal.markup import render_markup
from homeward.portal.models import GuidanceStatus, RegistrationStatus
from homeward.regions.selectors import division_label

# ---------------------------------------------------------------- public: shared bits


def _language() -> str:
    return "en" if (get_language() or "").startswith("en") else "zh-hans"


def _places(params: Any) -> dict[str, Any]:
    """The province → city → county selects from `params` (GET or POST): the most specific choice wins, and the
    lists below each chosen level are filled in, so the selects work without JavaScript too (one submit a level)."""
    chosen = None
    for key in ("county", "city", "province", "region"):
        chosen = selectors.chosen_division(params.get(key, ""))
        if chosen is not None:
            break
    by_level: dict[str, str] = {}
    walk = chosen
    while walk is not None and walk.level != "country":
        by_level[walk.level] = walk.code
        walk = walk.parent
    province, city, county = (by_level.get(k, "") for k in ("province", "prefecture", "county"))
    return {
        "chosen": chosen,
        "region": chosen.code if chosen is not None else "",
        "province": province,
        "city": city,
        "county": county,
        "provinces": selectors.provinces(),
        "cities": selectors.division_children(province) if province else [],
        "counties": selectors.division_children(city) if city else [],
    }


def _place_context(request: HttpRequest) -> dict[str, Any]:
    """The visitor's chosen place (GET) and shared location (GET `lat`, `lon`)."""
    return {
        **_places(request.GET),
        "origin": selectors.clean_point(request.GET.get("lat"), request.GET.get("lon")),
    }


@require_GET
def divisions_view(request: HttpRequest) -> JsonResponse:
    """Children of a province or prefecture for the cascading selects: [{code, name}]."""
    rows = selectors.division_children(request.GET.get("parent", ""))
    response = JsonResponse({"divisions": [{"code": d.code, "name": d.name} for d in rows]})
    response["Cache-Control"] = "public, max-age=86400"
    return response


# ---------------------------------------------------------------- public: home and alerts near


@require_GET
def home_view(request: HttpRequest) -> HttpResponse:
    place = _place_context(request)
    alerts = selectors.alerts_near(division=place["region"], point=place["origin"])
    guidance = selectors.published_guidance(language=_language())[:6]
    response = render(request, "portal/home.html", {**place, "alerts": alerts, "guidance": guidance})
    response["Cache-Control"] = "no-cache"  # a closed alert must leave the page at once
    return response


@require_GET
def alerts_near_view(request: HttpRequest) -> HttpResponse:
    """The home page's alert list as an HTML fragment, fetched by portal.js after the visitor shares a location."""
    place = _place_context(request)
    alerts = selectors.alerts_near(division=place["region"], point=place["origin"])
    response = render(request, "portal/_alerts.html", {"alerts": alerts, "origin": place["origin"]})
    response["Cache-Control"] = "no-cache"
    return response


# ---------------------------------------------------------------- public: family search


@never_cache
@require_http_methods(["GET", "POST"])
def register_view(request: HttpRequest) -> HttpResponse:
    form = RegistrationForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_bot():
            return render(request, "portal/register_done.html", {"receipt_code": "", "secret": ""})
        status = 400
        if form.is_valid():
            try:
                registration, secret = services.registration_submit(
                    data=form.to_data(), address=client_ip(request)
                )
            except RateLimited:
                form.add_error(
                    None, _("Too many registrations from your connection. Please try again later.")
                )
                status = 429
            except ValidationError as exc:
                apply_validation_error(form, exc)
            else:
                return render(
                    request,
                    "portal/register_done.html",
                    {
                        "receipt_code": registration.receipt_code,
                        "secret": secret,
                        "county": division_label(registration.jurisdiction),
                    },
                )
    return render(request, "portal/register.html", {"form": form, **_places(request.POST)}, status=status)


@never_cache
@require_http_methods(["GET", "POST"])
def status_view(request: HttpRequest) -> HttpResponse:
    """Receipt code + secret → the step reached. A wrong pair and an unknown code get the same answer."""
    form = StatusForm(request.POST or None)
    result = None
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                services.rate_check(
                    bucket="status",
                    address=client_ip(request),
                    limit=services.STATUS_RATE[0],
                    window=services.STATUS_RATE[1],
                )
                result = selectors.registration_public_status(
                    receipt_code=form.cleaned_data["receipt_code"], secret=form.cleaned_data["secret"]
                )
                status = 200
            except RateLimited:
                form.add_error(None, _("Too many attempts from your connection. Please try again later."))
                status = 429
            except Http404:
                form.add_error(None, _("No registration matches this receipt code and secret."))
                status = 404
    return render(request, "portal/status.html", {"form": form, "result": result}, status=status)


# ---------------------------------------------------------------- public: DNA sampling points and Learn


@require_GET
def sampling_points_view(request: HttpRequest) -> HttpResponse:
    place = _place_context(request)
    points = selectors.public_sampling_points(division=place["region"], origin=place["origin"])
    return render(request, "portal/sampling_points.html", {**place, "points": points})


@require_GET
def learn_list_view(request: HttpRequest) -> HttpResponse:
    return render(
        request, "portal/learn_list.html", {"pages": selectors.published_guidance(language=_language())}
    )


@require_GET
def learn_page_view(request: HttpRequest, slug: str) -> HttpResponse:
    page = selectors.published_page(slug=slug, language=_language())
    return render(request, "portal/learn_page.html", {"page": page, "body": render_markup(page.body)})


# ---------------------------------------------------------------- staff: registrations


def _refuse_without(request: HttpRequest, perm: str) -> None:
    if not staff_user(request).has_perm(perm):
        selectors.require(staff_user(request), perm, "page")


@staff_required
@require_GET
def registrations_view(request: HttpRequest) -> HttpResponse:
    _refuse_without(request, "portal.handle_registration")
    wanted = request.GET.get("status", "")
    rows = selectors.registration_queue(actor=staff_user(request), status=wanted)
    return render(
        request,
        "portal/staff_registrations.html",
        {"registrations": rows, "statuses": RegistrationStatus.choices, "wanted": wanted},
    )


def _registration_page(
    request: HttpRequest, registration: Any, status: int = 200, **forms: Any
) -> HttpResponse:
    inner = registration.tracing_registration
    return render(
        request,
        "portal/staff_registration.html",
        {
            "registration": registration,
            "inner": inner,
            "record": inner.report or inner.found,
            "county": division_label(registration.jurisdiction),
            "reason_form": forms.get("reason_form") or ReasonForm(),
            "accession_form": forms.get("accession_form") or AccessionForm(),
            "S": RegistrationStatus,
        },
        status=status,
    )


@staff_required
@require_GET
def registration_view(request: HttpRequest, registration_id: int) -> HttpResponse:
    _refuse_without(request, "portal.handle_registration")
    registration = selectors.registration_get(actor=staff_user(request), registration_id=registration_id)
    return _registration_page(request, registration)


ACTIONS = {"verify", "reject", "dna", "compare", "match", "close"}


@staff_required
@require_POST
def registration_action_view(request: HttpRequest, registration_id: int, action: str) -> HttpResponse:
    user = staff_user(request)
    _refuse_without(request, "portal.handle_registration")
    registration = selectors.registration_get(actor=user, registration_id=registration_id, audit_read=False)
    if action not in ACTIONS:
        raise Http404("Not found")
    reason_form = ReasonForm(request.POST if action in ("reject", "close") else None)
    accession_form = AccessionForm(request.POST if action == "dna" else None)
    try:
        if action == "verify":
            services.registration_verify(actor=user, registration_id=registration.pk)
        elif action == "compare":
            services.registration_compare(actor=user, registration_id=registration.pk)
        elif action == "match":
            services.registration_possible_match(actor=user, registration_id=registration.pk)
        elif action == "dna":
            services.registration_dna_sampled(
                actor=user, registration_id=registration.pk, accession=request.POST.get("accession", "")
            )
        elif action == "reject":
            services.registration_reject(
                actor=user, registration_id=registration.pk, reason=request.POST.get("reason", "")
            )
        else:
            services.registration_close(
                actor=user, registration_id=registration.pk, reason=request.POST.get("reason", "")
            )
    except ValidationError as exc:
        target = accession_form if action == "dna" else reason_form
        if target.is_bound:
            target.is_valid()
            apply_validation_error(target, exc)
        else:
            for message in exc.messages:
                messages.error(request, message)
        fresh = selectors.registration_get(actor=user, registration_id=registration.pk, audit_read=False)
        return _registration_page(
            request, fresh, status=400, reason_form=reason_form, accession_form=accession_form
        )
    messages.success(request, _("The registration was updated."))
    return redirect("portal:registration", registration_id=registration.pk)


# ---------------------------------------------------------------- staff: sampling points


@staff_required
@require_GET
def points_view(request: HttpRequest) -> HttpResponse:
    _refuse_without(request, "portal.manage_sampling_point")
    rows = selectors.sampling_point_list(actor=staff_user(request))
    return render(request, "portal/staff_points.html", {"points": rows})


@staff_required
@require_http_methods(["GET", "POST"])
def point_edit_view(request: HttpRequest, point_id: int | None = None) -> HttpResponse:
    user = staff_user(request)
    _refuse_without(request, "portal.manage_sampling_point")
    point = selectors.sampling_point_get(actor=user, point_id=point_id) if point_id is not None else None
    initial: dict[str, Any] = {"county": user.jurisdiction if len(user.jurisdiction or "") == 6 else ""}
    if point is not None:
        initial = {
            "county": point.jurisdiction, "name": point.name, "address": point.address, "hours": point.hours,
            "phone": point.phone, "what_to_bring": point.what_to_bring, "lat": point.lat, "lon": point.lon,
            "is_active": point.is_active,
        }  # fmt: skip
    form = SamplingPointForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            if point is None:
                services.sampling_point_create(actor=user, data=form.to_data())
            else:
                services.sampling_point_update(actor=user, point_id=point.pk, data=form.to_data())
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("The sampling point was saved."))
            return redirect("portal:points")
    return render(
        request,
        "portal/staff_point_form.html",
        {"form": form, "point": point},
        status=400 if form.is_bound and form.errors else 200,
    )


# ---------------------------------------------------------------- staff: guidance


@staff_required
@require_GET
def guidance_list_view(request: HttpRequest) -> HttpResponse:
    rows = selectors.guidance_list(actor=staff_user(request))
    return render(request, "portal/staff_guidance_list.html", {"pages": rows.order_by("status", "title")})


@staff_required
@require_http_methods(["GET", "POST"])
def guidance_edit_view(request: HttpRequest, page_id: int | None = None) -> HttpResponse:
    user = staff_user(request)
    if page_id is None:
        _refuse_without(request, "portal.write_guidance")
    page = selectors.guidance_get(actor=user, page_id=page_id) if page_id is not None else None
    initial: dict[str, Any] = {"language": _language()}
    if page is not None:
        initial = {f: getattr(page, f) for f in ("slug", "language", "title", "summary", "body")}
    form = GuidanceForm(request.POST or None, initial=initial)
    preview = render_markup(form.data.get("body", "") if form.is_bound else (page.body if page else ""))
    if request.method == "POST" and form.is_valid() and "preview" not in request.POST:
        try:
            if page is None:
                page = services.guidance_create(actor=user, data=form.to_data())
            else:
                page = services.guidance_update(actor=user, page_id=page.pk, data=form.to_data())
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("The page was saved as a draft."))
            return redirect("portal:guidance-edit", page_id=page.pk)
    return render(
        request,
        "portal/staff_guidance_form.html",
        {"form": form, "page": page, "preview": preview, "note_form": NoteForm(), "S": GuidanceStatus},
        status=400 if form.is_bound and form.errors else 200,
    )


@staff_required
@require_POST
def guidance_action_view(request: HttpRequest, page_id: int, action: str) -> HttpResponse:
    user = staff_user(request)
    try:
        if action == "submit":
            services.guidance_submit(actor=user, page_id=page_id)
        elif action == "publish":
            services.guidance_publish(actor=user, page_id=page_id)
        elif action == "return":
            services.guidance_return(actor=user, page_id=page_id, note=request.POST.get("note", ""))
        else:
            raise Http404("Not found")
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("The page's status changed."))
    return redirect("portal:guidance-edit", page_id=page_id)

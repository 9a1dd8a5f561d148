"""Pages of the alerts app: staff pages under /staff/alerts/, public pages under /alerts/."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import segno
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from homeward.alerts import cap, conf, selectors, services
from homeward.alerts.forms import (
    AlertForm,
    CloseForm,
    PartnerEditForm,
    PartnerForm,
    PhotoForm,
    ReviewForm,
    SightingForm,
)
from homeward.alerts.maps import Marker, svg_map
from homeward.alerts.models import AlertStatus, SightingStatus
from homeward.alerts.rules import ALERT_MANAGE_ROLES, ALERT_VIEW_ROLES, PARTNER_ROLES
from homeward.core import context
from homeward.core.auth import role_required
from homeward.core.forms import apply_validation_error
from homeward.core.ratelimit import RateLimited
from homeward.engines.cap import CAP_MIME_TYPE, AtomEntry, build_atom_feed, certificate_fingerprint
from homeward.regions.selectors import division_label

# ---------------------------------------------------------------------------------------------------
# Staff: alerts


@role_required(*ALERT_VIEW_ROLES)
@require_GET
def list_view(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", "")
    status = status if status in AlertStatus.values else ""
    alerts = selectors.alert_list(actor=request.user, status=status)
    return render(
        request, "alerts/list.html", {"alerts": alerts, "status": status, "statuses": AlertStatus.choices}
    )


@role_required(*ALERT_MANAGE_ROLES)
@require_http_methods(["GET", "POST"])
def create_view(request: HttpRequest) -> HttpResponse:
    form = AlertForm(request.POST or None, request.FILES or None)
    criteria: list[services.Criterion] = []
    if request.method == "POST" and form.is_valid():
        criteria = services.criteria_for(form.to_data())
        if request.POST.get("action") != "check":
            try:
                alert = services.alert_release(actor=request.user, data=form.to_data())
            except ValidationError as exc:
                apply_validation_error(form, exc)
            else:
                messages.success(request, _("The alert was released and is being sent to partners."))
                return redirect("alerts:detail", alert_id=alert.pk)
    return render(
        request,
        "alerts/form.html",
        {"form": form, "criteria": criteria, "map": svg_map(pick=True, title=_("Click the last-seen place"))},
    )


def _markers(alert: Any, sightings: list[Any]) -> list[Marker]:
    markers = [Marker(alert.last_seen_lat, alert.last_seen_lon, "last-seen", _("Last seen"))]
    for s in sightings:
        if s.lat is not None and s.lon is not None:
            kind = "useful" if s.status == SightingStatus.USEFUL else "sighting"
            markers.append(Marker(s.lat, s.lon, kind, timezone.localtime(s.seen_at).strftime("%m-%d %H:%M")))
    return markers


@role_required(*ALERT_VIEW_ROLES)
@require_GET
def detail_view(request: HttpRequest, alert_id: int) -> HttpResponse:
    alert = selectors.alert_get(actor=request.user, alert_id=alert_id, purpose="view alert")
    extras = selectors.alert_detail_extras(alert)
    sightings = selectors.sighting_queue(actor=request.user, alert_id=alert.pk, limit=50)
    criteria = services.release_criteria(
        birth_date=alert.person.birth_date,
        last_seen_at=alert.last_seen_at,
        police_confirmed=alert.police_confirmed,
        name=alert.person.primary_name,
        sex=alert.person.sex,
        height_cm=alert.height_cm,
        clothing=alert.clothing,
        marks=alert.marks,
        description=alert.description,
        photo_count=len(extras["photos"]),
    )
    return render(
        request,
        "alerts/detail.html",
        {
            "alert": alert,
            "criteria": criteria,
            "sightings": sightings,
            "close_form": CloseForm(),
            "photo_form": PhotoForm(),
            "page_url": cap.page_url(alert),
            "division": division_label(alert.last_seen_division),
            "can_manage": request.user.has_perm("alerts.change_alert"),
            "map": svg_map(
                center=(alert.last_seen_lat, alert.last_seen_lon),
                radius_km=alert.radius_km,
                markers=_markers(alert, sightings),
            ),
            **extras,
        },
    )


@role_required(*ALERT_MANAGE_ROLES)
@require_http_methods(["GET", "POST"])
def edit_view(request: HttpRequest, alert_id: int) -> HttpResponse:
    alert = selectors.alert_get(actor=request.user, alert_id=alert_id, purpose="edit", audit_read=False)
    form = AlertForm(
        request.POST or None, request.FILES or None, initial=AlertForm.initial_for(alert), editing=True
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.alert_update(actor=request.user, alert_id=alert.pk, data=form.to_data())
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("The alert was updated and partners are being told."))
            return redirect("alerts:detail", alert_id=alert.pk)
    return render(
        request,
        "alerts/form.html",
        {"form": form, "alert": alert, "map": svg_map(pick=True, title=_("Click the last-seen place"))},
    )


@role_required(*ALERT_MANAGE_ROLES)
@require_POST
def photo_add_view(request: HttpRequest, alert_id: int) -> HttpResponse:
    form = PhotoForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.alert_photo_add(actor=request.user, alert_id=alert_id, upload=form.cleaned_data["image"])
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("The photo was added."))
    else:
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
    return redirect("alerts:detail", alert_id=alert_id)


@role_required(*ALERT_VIEW_ROLES)
@require_GET
def staff_photo_view(request: HttpRequest, alert_id: int, photo_id: int) -> FileResponse:
    photo = selectors.alert_staff_photo(actor=request.user, alert_id=alert_id, photo_id=photo_id)
    response = FileResponse(photo.image.open("rb"), content_type=photo.content_type)
    response["Cache-Control"] = "private, no-store"
    return response


@role_required(*ALERT_MANAGE_ROLES)
@require_POST
def close_view(request: HttpRequest, alert_id: int) -> HttpResponse:
    form = CloseForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say whether the child was found or the report was false."))
        return redirect("alerts:detail", alert_id=alert_id)
    try:
        services.alert_close(
            actor=request.user,
            alert_id=alert_id,
            outcome=form.cleaned_data["outcome"],
            note=form.cleaned_data["note"],
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request, _("The alert was closed; partners are being told to drop the child's data.")
        )
    return redirect("alerts:detail", alert_id=alert_id)


@role_required(*ALERT_MANAGE_ROLES)
@require_POST
def renew_view(request: HttpRequest, alert_id: int) -> HttpResponse:
    try:
        alert = services.alert_renew(actor=request.user, alert_id=alert_id)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            _("The alert now runs until %(t)s.")
            % {"t": timezone.localtime(alert.expires_at).strftime("%Y-%m-%d %H:%M")},
        )
    return redirect("alerts:detail", alert_id=alert_id)


@role_required(*ALERT_VIEW_ROLES)
@require_GET
def message_view(request: HttpRequest, alert_id: int, seq: int) -> HttpResponse:
    message = selectors.message_get(actor=request.user, alert_id=alert_id, seq=seq)
    response = HttpResponse(message.xml.encode("utf-8"), content_type=f"{CAP_MIME_TYPE}; charset=utf-8")
    response["Cache-Control"] = "private, no-store"
    return response


# ---------------------------------------------------------------------------------------------------
# Staff: sighting queue


def _queue_context(request: HttpRequest) -> dict[str, Any]:
    alert_id = request.GET.get("alert") or None
    if alert_id is not None and not str(alert_id).isdigit():
        raise Http404("Not found")
    status = request.GET.get("status", "")
    status = status if status in SightingStatus.values else ""
    sightings = selectors.sighting_queue(actor=request.user, alert_id=alert_id, status=status)
    return {
        "sightings": sightings,
        "alert_id": alert_id or "",
        "status": status,
        "statuses": SightingStatus.choices,
        "review_form": ReviewForm(),
        "can_review": request.user.has_perm("alerts.review_sighting"),
        "refreshed_at": timezone.now(),
    }


@role_required(*ALERT_VIEW_ROLES)
@require_GET
def queue_view(request: HttpRequest) -> HttpResponse:
    return render(request, "alerts/queue.html", _queue_context(request))


@role_required(*ALERT_VIEW_ROLES)
@require_GET
def queue_rows_view(request: HttpRequest) -> HttpResponse:
    return render(request, "alerts/_queue_rows.html", _queue_context(request))


@role_required(*ALERT_MANAGE_ROLES)
@require_POST
def review_view(request: HttpRequest, sighting_id: int) -> HttpResponse:
    form = ReviewForm(request.POST)
    if form.is_valid():
        try:
            sighting = services.sighting_review(
                actor=request.user,
                sighting_id=sighting_id,
                status=form.cleaned_data["status"],
                follow_up=form.cleaned_data["follow_up"] or "",
                note=form.cleaned_data["note"],
                case_id=form.cleaned_data["case_id"],
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Sighting %(id)s was marked.") % {"id": sighting.pk})
    else:
        messages.error(request, _("Choose useful, not useful or duplicate."))
    back = request.POST.get("next", "")
    return redirect(back if back.startswith("/staff/alerts/") else "alerts:queue")


@role_required(*ALERT_VIEW_ROLES)
@require_GET
def sighting_photo_view(request: HttpRequest, sighting_id: int) -> FileResponse:
    sighting = selectors.sighting_photo(actor=request.user, sighting_id=sighting_id)
    response = FileResponse(sighting.photo.open("rb"), content_type=sighting.photo_content_type)
    response["Cache-Control"] = "private, no-store"
    return response


# ---------------------------------------------------------------------------------------------------
# Staff: deliveries, partners, statistics


@role_required(*ALERT_VIEW_ROLES)
@require_GET
def dead_letters_view(request: HttpRequest) -> HttpResponse:
    return render(
        request, "alerts/dead_letters.html", {"deliveries": selectors.dead_letters(actor=request.user)}
    )


@role_required(*ALERT_MANAGE_ROLES)
@require_POST
def replay_view(request: HttpRequest, delivery_id: int) -> HttpResponse:
    try:
        services.delivery_replay(actor=request.user, delivery_id=delivery_id)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The delivery will be sent again."))
    return redirect("alerts:dead-letters")


@role_required(*PARTNER_ROLES)
@require_http_methods(["GET", "POST"])
def partners_view(request: HttpRequest) -> HttpResponse:
    agencies = selectors.partner_agencies(actor=request.user)
    form = PartnerForm(request.POST or None, agencies=agencies)
    secret = None
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            _partner, secret = services.partner_create(
                actor=request.user,
                agency_id=d["agency"],
                endpoint_url=d["endpoint_url"],
                name=d["name"],
                region_codes=d["region_codes"],
                region_boxes=d["region_boxes"],
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(
                request, _("The partner endpoint was registered. Copy the secret now: it is shown once.")
            )
            form = PartnerForm(agencies=agencies)
    partners = selectors.partner_list(actor=request.user)
    return render(request, "alerts/partners.html", {"partners": partners, "form": form, "secret": secret})


@role_required(*PARTNER_ROLES)
@require_http_methods(["GET", "POST"])
def partner_view(request: HttpRequest, partner_id: int) -> HttpResponse:
    partner = selectors.partner_get(actor=request.user, partner_id=partner_id)
    secret = None
    form = PartnerEditForm(
        request.POST if request.POST.get("action") == "save" else None,
        initial={
            "endpoint_url": partner.endpoint_url,
            "region_codes": partner.region_codes,
            "region_boxes": partner.region_boxes,
            "is_active": partner.is_active,
        },
    )
    if request.method == "POST" and request.POST.get("action") == "rotate":
        secret = services.partner_rotate_secret(actor=request.user, partner_id=partner.pk)
        messages.success(
            request, _("A new secret was made. The old one keeps working for a while alongside it.")
        )
        partner = selectors.partner_get(actor=request.user, partner_id=partner_id, audit_read=False)
    elif request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.partner_update(
                actor=request.user,
                partner_id=partner.pk,
                endpoint_url=d["endpoint_url"],
                region_codes=d["region_codes"],
                region_boxes=d["region_boxes"],
                is_active=d["is_active"],
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("The partner endpoint was saved."))
            return redirect("alerts:partner", partner_id=partner.pk)
    return render(
        request,
        "alerts/partner.html",
        {
            "partner": partner,
            "form": form,
            "secret": secret,
            "deliveries": selectors.partner_deliveries(partner),
        },
    )


def _period(request: HttpRequest) -> tuple[datetime, datetime]:
    days = request.GET.get("days", "365")
    n = int(days) if days.isdigit() and 1 <= int(days) <= 3660 else 365
    end = timezone.now()
    return end - timedelta(days=n), end


@role_required(*ALERT_VIEW_ROLES)
@require_GET
def stats_view(request: HttpRequest) -> HttpResponse:
    start, end = _period(request)
    stats = selectors.alert_stats(actor=request.user, start=start, end=end)
    return render(request, "alerts/stats.html", {"stats": stats, "days": (end - start).days})


@role_required(*ALERT_VIEW_ROLES, *PARTNER_ROLES)
@require_GET
def demo_partner_view(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "alerts/demo_partner.html",
        {"receipts": selectors.demo_receipts(), "partner": selectors.demo_partner()},
    )


# ---------------------------------------------------------------------------------------------------
# Public pages (no login)


@require_GET
def public_list_view(request: HttpRequest) -> HttpResponse:
    alerts = [a for a, _m in selectors.public_feed_alerts() if a.is_active]
    return render(request, "alerts/public_list.html", {"alerts": alerts})


@require_GET
def public_page_view(request: HttpRequest, public_id: Any) -> HttpResponse:
    alert = selectors.public_alert(public_id)
    ctx: dict[str, Any] = {"alert": alert, "page_url": cap.page_url(alert)}
    if alert.is_active:
        ctx.update(
            {
                "name": cap.child_name(alert),
                "age": cap.child_age(alert),
                "description": cap.description_zh(alert),
                "photos": list(alert.photos.all()),
                "form": SightingForm(),
                "map": svg_map(
                    center=(alert.last_seen_lat, alert.last_seen_lon),
                    radius_km=min(alert.radius_km, 150),
                    markers=[Marker(alert.last_seen_lat, alert.last_seen_lon, "last-seen")],
                    pick=True,
                ),
                "qr": segno.make(cap.page_url(alert), error="m").svg_inline(scale=4),
                "division": division_label(alert.last_seen_division),
            }
        )
    response = render(request, "alerts/public_page.html", ctx)
    response["Cache-Control"] = "no-cache"
    return response


@require_POST
def public_sighting_view(request: HttpRequest, public_id: Any) -> HttpResponse:
    alert = selectors.public_alert(public_id)
    form = SightingForm(request.POST, request.FILES)
    if form.is_bot():
        # Look like success to the bot; write nothing.
        return redirect("alerts_public:thanks", public_id=alert.public_id)
    status = 200
    if form.is_valid():
        try:
            services.sighting_submit(
                alert_public_id=alert.public_id, data=form.to_data(), address=context.current().ip
            )
        except RateLimited:
            form.add_error(None, _("Too many reports from your connection. Please call 110 instead."))
            status = 429
        except ValidationError as exc:
            apply_validation_error(form, exc)
            status = 400
        else:
            return redirect("alerts_public:thanks", public_id=alert.public_id)
    else:
        status = 400
    if not alert.is_active:
        return redirect("alerts_public:page", public_id=alert.public_id)
    response = render(
        request,
        "alerts/public_page.html",
        {
            "alert": alert,
            "page_url": cap.page_url(alert),
            "name": cap.child_name(alert),
            "age": cap.child_age(alert),
            "description": cap.description_zh(alert),
            "photos": list(alert.photos.all()),
            "form": form,
            "map": svg_map(
                center=(alert.last_seen_lat, alert.last_seen_lon),
                radius_km=min(alert.radius_km, 150),
                markers=[Marker(alert.last_seen_lat, alert.last_seen_lon, "last-seen")],
                pick=True,
            ),
            "division": division_label(alert.last_seen_division),
        },
        status=status,
    )
    return response


@require_GET
def public_thanks_view(request: HttpRequest, public_id: Any) -> HttpResponse:
    alert = selectors.public_alert(public_id)
    return render(request, "alerts/public_thanks.html", {"alert": alert})


@require_GET
def public_photo_view(request: HttpRequest, public_id: Any, photo_id: int) -> FileResponse:
    photo = selectors.public_photo(public_id, photo_id)
    response = FileResponse(photo.image.open("rb"), content_type=photo.content_type)
    # Short cache: the photo must disappear soon after closure.
    response["Cache-Control"] = "public, max-age=60"
    return response


@require_GET
def public_qr_view(request: HttpRequest, public_id: Any) -> HttpResponse:
    alert = selectors.public_alert(public_id)
    svg = segno.make(cap.page_url(alert), error="m").svg_inline(scale=8)
    return HttpResponse(svg, content_type="image/svg+xml")


@require_GET
def public_cap_view(request: HttpRequest, public_id: Any) -> HttpResponse:
    alert = selectors.public_alert(public_id)
    message = selectors.latest_message(alert)
    if message is None:
        raise Http404("Not found")
    response = HttpResponse(message.xml.encode("utf-8"), content_type=f"{CAP_MIME_TYPE}; charset=utf-8")
    response["Cache-Control"] = "public, max-age=30"
    return response


@require_GET
def atom_view(request: HttpRequest) -> HttpResponse:
    entries = []
    latest = timezone.now() - timedelta(days=3650)
    for alert, message in selectors.public_feed_alerts():
        latest = max(latest, message.sent)
        if alert.is_active:
            title = f"紧急寻找失踪儿童：{cap.child_name(alert)}"
            summary = f"{division_label(alert.last_seen_division)}，半径{alert.radius_km:g}公里"
        else:
            title, summary = "寻人警报已解除", None
        entries.append(
            AtomEntry(
                entry_id=f"urn:uuid:{alert.public_id}",
                title=title,
                updated=message.sent,
                published=alert.released_at,
                cap_url=cap.public_cap_url(alert),
                summary=summary,
                page_url=cap.page_url(alert),
            )
        )
    feed = build_atom_feed(
        entries,
        feed_id=cap.absolute("/alerts/cap.atom"),
        title="Homeward 儿童失踪紧急寻人 CAP",
        updated=latest,
        self_url=cap.absolute("/alerts/cap.atom"),
    )
    response = HttpResponse(feed, content_type="application/atom+xml; charset=utf-8")
    response["Cache-Control"] = "public, max-age=30"
    return response


@require_GET
def certificate_view(request: HttpRequest) -> HttpResponse:
    pem = conf.certificate_pem()
    response = HttpResponse(pem, content_type="application/x-pem-file")
    response["X-Certificate-SHA256"] = certificate_fingerprint(pem)
    return response


@require_GET
def cap_info_view(request: HttpRequest) -> HttpResponse:
    pem = conf.certificate_pem()
    return render(
        request,
        "alerts/cap_info.html",
        {"fingerprint": certificate_fingerprint(pem), "pem": pem.decode("ascii")},
    )


@csrf_exempt
@require_POST
def demo_partner_receive_view(request: HttpRequest) -> HttpResponse:
    """The demo partner platform's webhook endpoint: verify the signature, log the receipt, answer 204."""
    from django.conf import settings

    if not getattr(settings, "HOMEWARD_ALLOW_DEMO", False):
        raise Http404("Not found")
    partner = selectors.demo_partner()
    secrets = services.partner_secrets(partner) if partner is not None else []
    headers = {k.lower(): v for k, v in request.headers.items()}
    receipt = services.demo_receipt_record(secrets=secrets, headers=headers, body=request.body)
    return HttpResponse(status=204 if receipt.verified else 400)

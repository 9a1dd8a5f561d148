"""Staff pages of situation analysis: dashboard, hotspot runs, early warnings, source–transit–destination flows."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from homeward.analysis import areas, exports, presenters, selectors, services, sources
from homeward.analysis.forms import AcknowledgeForm, DashboardForm, FlowsForm, HotspotRunForm, WarningScanForm
from homeward.analysis.models import RunStatus, WarningStatus
from homeward.analysis.rules import VIEW_ROLES
from homeward.core.auth import role_required, staff_user
from homeward.core.forms import apply_validation_error
from homeward.engines import hotspots as engine


def _csv(name: str, text: str) -> HttpResponse:
    response = HttpResponse(text, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "private, no-store"
    return response


def _query(**params: Any) -> str:
    return urlencode({k: v for k, v in params.items() if v not in (None, "")})


def _bad_request(request: HttpRequest, template: str, context: dict[str, Any]) -> HttpResponse:
    return render(request, template, context, status=400)


@role_required(*VIEW_ROLES)
@require_GET
def dashboard_view(request: HttpRequest) -> HttpResponse:
    user = staff_user(request)
    form = DashboardForm(request.GET)
    if not form.is_valid():
        return _bad_request(request, "analysis/dashboard.html", {"form": form, "board": None})
    data = form.cleaned_data
    try:
        board = selectors.dashboard_get(
            actor=user,
            area_code=data.get("area") or None,
            start=data.get("start"),
            end=data.get("end"),
            indicator=data.get("indicator") or "",
        )
    except ValidationError as exc:
        apply_validation_error(form, exc, default_field="area")
        return _bad_request(request, "analysis/dashboard.html", {"form": form, "board": None})
    base = {"start": board.period.start.isoformat(), "end": board.period.end.isoformat()}
    indicator = board.detail.spec.key if board.detail else ""

    def area_url(code: str) -> str:
        return reverse("analysis:dashboard") + "?" + _query(area=code, indicator=indicator, **base)

    def export_url(table: str) -> str:
        return (
            reverse("analysis:export")
            + "?"
            + _query(area=board.area.code, indicator=indicator, table=table, **base)
        )

    context = {
        "form": DashboardForm(initial={"area": board.area.code, **base, "indicator": indicator}),
        "board": board,
        "charts": presenters.dashboard_charts(board, area_url),
        "region_links": {
            r.area.code: area_url(r.area.code)
            for r in (board.detail.regions if board.detail else [])
            if r.area
        },
        "indicator_links": {
            s.key: reverse("analysis:dashboard")
            + "?"
            + _query(area=board.area.code, indicator=s.key, **base)
            + "#detail"
            for s in board.indicators
        },
        "exports": {t: export_url(t) for t in exports.TABLES},
        "crumb_links": [(a, area_url(a.code)) for a in board.crumbs],
        "child_links": [(a, area_url(a.code)) for a in board.children],
        "judgement_note": engine.HUMAN_JUDGEMENT_NOTE_ZH,
        "open_warnings": selectors.open_warning_count(user),
    }
    return render(request, "analysis/dashboard.html", context)


@role_required(*VIEW_ROLES)
@require_GET
def export_view(request: HttpRequest) -> HttpResponse:
    form = DashboardForm(request.GET)
    table = request.GET.get("table", "")[:20]
    if not form.is_valid() or table not in exports.TABLES:
        return HttpResponse(
            _("Give an area, a period, an indicator and a table."), status=400, content_type="text/plain"
        )
    try:
        name, text = exports.dashboard_export(
            actor=staff_user(request),
            area_code=form.cleaned_data["area"] or None,
            start=form.cleaned_data["start"],
            end=form.cleaned_data["end"],
            indicator=form.cleaned_data["indicator"],
            table=table,
        )
    except ValidationError as exc:
        return HttpResponse(" ".join(exc.messages), status=400, content_type="text/plain")
    return _csv(name, text)


# Hotspots -----------------------------------------------------------------------------------------------------


@role_required(*VIEW_ROLES)
@require_http_methods(["GET", "POST"])
def hotspot_list_view(request: HttpRequest) -> HttpResponse:
    user = staff_user(request)
    today = timezone.localdate()
    form = HotspotRunForm(
        request.POST or None,
        initial={"area": user.jurisdiction, "start": today.replace(day=1, month=1), "end": today},
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                run = services.hotspot_run_request(
                    actor=user,
                    area_code=form.cleaned_data["area"],
                    indicator=form.cleaned_data["indicator"],
                    start=form.cleaned_data["start"],
                    end=form.cleaned_data["end"],
                    permutations=form.cleaned_data["permutations"],
                )
            except ValidationError as exc:
                apply_validation_error(form, exc, default_field="area")
            else:
                messages.success(
                    request, _("The hotspot run was queued; the result appears here when it is done.")
                )
                return redirect("analysis:hotspot", run_id=run.pk)
        status = 400
    runs = selectors.hotspot_run_list(actor=user)
    return render(
        request,
        "analysis/hotspots.html",
        {
            "form": form,
            "runs": runs,
            "can_run": user.has_perm("analysis.run"),
            "has_source": bool(sources.available()),
        },
        status=status,
    )


@role_required(*VIEW_ROLES)
@require_GET
def hotspot_detail_view(request: HttpRequest, run_id: int) -> HttpResponse:
    user = staff_user(request)
    run = selectors.hotspot_run_get(actor=user, run_id=run_id, purpose="view result")
    names = areas.names([r["code"] for r in run.results] + [run.jurisdiction])
    results = sorted(
        ({**r, "name": names.get(r["code"], "")} for r in run.results),
        key=lambda r: (r["kind"] == "none", -r["z"]),
    )
    flagged = [r for r in results if r["kind"] != "none"]

    def area_url(code: str) -> str:
        return (
            reverse("analysis:dashboard")
            + "?"
            + _query(
                area=code,
                indicator=run.indicator,
                start=run.period_start.isoformat(),
                end=run.period_end.isoformat(),
            )
        )

    return render(
        request,
        "analysis/hotspot.html",
        {
            "run": run,
            "area_name": names.get(run.jurisdiction, run.jurisdiction),
            "map": presenters.hotspot_map(run, names, area_url)
            if run.status == RunStatus.DONE and results
            else None,
            "flagged": flagged,
            "results": results,
            "judgement_note": engine.HUMAN_JUDGEMENT_NOTE_ZH,
            "judgement_note_en": engine.HUMAN_JUDGEMENT_NOTE_EN,
        },
    )


@role_required(*VIEW_ROLES)
@require_GET
def hotspot_export_view(request: HttpRequest, run_id: int) -> HttpResponse:
    return _csv(*exports.hotspot_export(actor=staff_user(request), run_id=run_id))


# Early warning ------------------------------------------------------------------------------------------------


@role_required(*VIEW_ROLES)
@require_http_methods(["GET", "POST"])
def warning_list_view(request: HttpRequest) -> HttpResponse:
    user = staff_user(request)
    form = WarningScanForm(request.POST or None, initial={"area": user.jurisdiction})
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.warning_scan_request(
                    actor=user,
                    area_code=form.cleaned_data["area"],
                    indicators=form.cleaned_data["indicators"],
                    week_start=form.cleaned_data["week_start"],
                )
            except ValidationError as exc:
                apply_validation_error(form, exc, default_field="area")
            else:
                messages.success(request, _("The early-warning scan was queued."))
                return redirect("analysis:warnings")
        status = 400
    state = request.GET.get("status", "")
    state = state if state in WarningStatus.values else ""
    warnings = list(selectors.warning_list(actor=user, status=state))
    scans = list(selectors.warning_scan_list(actor=user))
    return render(
        request,
        "analysis/warnings.html",
        {
            "form": form,
            "warnings": warnings,
            "scans": scans,
            "status": state,
            "statuses": WarningStatus.choices,
            "can_run": user.has_perm("analysis.run"),
            "has_source": bool(sources.available()),
            "names": areas.names([w.jurisdiction for w in warnings] + [s.jurisdiction for s in scans]),
        },
        status=status,
    )


@role_required(*VIEW_ROLES)
@require_GET
def warning_detail_view(request: HttpRequest, warning_id: int) -> HttpResponse:
    user = staff_user(request)
    warning = selectors.warning_get(actor=user, warning_id=warning_id, purpose="view warning")
    return _warning_page(request, warning, AcknowledgeForm())


def _warning_page(
    request: HttpRequest, warning: Any, form: AcknowledgeForm, status: int = 200
) -> HttpResponse:
    user = staff_user(request)
    return render(
        request,
        "analysis/warning.html",
        {
            "warning": warning,
            "region": areas.breadcrumbs(warning.jurisdiction),
            "form": form,
            "can_acknowledge": user.has_perm("analysis.acknowledge") and warning.status == WarningStatus.OPEN,
            "judgement_note": engine.HUMAN_JUDGEMENT_NOTE_ZH,
            "judgement_note_en": engine.HUMAN_JUDGEMENT_NOTE_EN,
            "dashboard_url": reverse("analysis:dashboard")
            + "?"
            + _query(area=warning.jurisdiction, indicator=warning.indicator),
        },
        status=status,
    )


@role_required(*VIEW_ROLES)
@require_POST
def warning_acknowledge_view(request: HttpRequest, warning_id: int) -> HttpResponse:
    user = staff_user(request)
    form = AcknowledgeForm(request.POST)
    if form.is_valid():
        try:
            services.warning_acknowledge(actor=user, warning_id=warning_id, note=form.cleaned_data["note"])
        except ValidationError as exc:
            apply_validation_error(form, exc, default_field="note")
        else:
            messages.success(request, _("The warning was acknowledged."))
            return redirect("analysis:warning", warning_id=warning_id)
    warning = selectors.warning_get(
        actor=user, warning_id=warning_id, purpose="acknowledge", audit_read=False
    )
    return _warning_page(request, warning, form, status=400)


# Flows --------------------------------------------------------------------------------------------------------


@role_required(*VIEW_ROLES)
@require_GET
def flows_view(request: HttpRequest) -> HttpResponse:
    user = staff_user(request)
    form = FlowsForm(request.GET)
    if not form.is_valid():
        return _bad_request(request, "analysis/flows.html", {"form": form, "view": None})
    first, last = form.years()
    try:
        view = selectors.flows_get(
            actor=user, area_code=form.cleaned_data.get("area") or None, first_year=first, last_year=last
        )
    except ValidationError as exc:
        apply_validation_error(form, exc, default_field="first_year")
        return _bad_request(request, "analysis/flows.html", {"form": form, "view": None})
    rows = []
    if view.summary is not None:
        for o, d, n in view.summary.table():
            rows.append((view.names.get(o, o), view.names.get(d, d), n))
    return render(
        request,
        "analysis/flows.html",
        {
            "form": FlowsForm(initial={"area": view.area.code, "first_year": first, "last_year": last}),
            "view": view,
            "edges": rows,
            "bars": presenters.flow_bars(view.summary.provinces, view.names) if view.summary else None,
            "export_url": reverse("analysis:flows-export")
            + "?"
            + _query(area=view.area.code, first_year=first, last_year=last),
            "expected_function": f"homeward.{sources.FLOWS_APP}.indicators.{sources.FLOWS_FUNCTION}",
            "judgement_note": engine.HUMAN_JUDGEMENT_NOTE_ZH,
        },
    )


@role_required(*VIEW_ROLES)
@require_GET
def flows_export_view(request: HttpRequest) -> HttpResponse:
    form = FlowsForm(request.GET)
    if not form.is_valid():
        return HttpResponse(_("Give an area and the years."), status=400, content_type="text/plain")
    first, last = form.years()
    try:
        name, text = exports.flows_export(
            actor=staff_user(request),
            area_code=form.cleaned_data["area"] or None,
            first_year=first,
            last_year=last,
        )
    except ValidationError as exc:
        return HttpResponse(" ".join(exc.messages), status=400, content_type="text/plain")
    return _csv(name, text)

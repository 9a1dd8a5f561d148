"""Staff pages of the tracing app. Thin: parse, call one service or selector, render."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from homeward.core.auth import role_required, staff_user
from homeward.core.forms import apply_validation_error
from homeward.tracing import selectors, services
from homeward.tracing.forms import (
    DecisionForm,
    FoundCreateForm,
    FoundForm,
    ReportCreateForm,
    ReportForm,
    VerifyForm,
)
from homeward.tracing.models import CandidateStatus
from homeward.tracing.rules import FOUND_ROLES, POLICE_TRACING_ROLES, REVIEW_ROLES, TRACING_ROLES


@role_required(*TRACING_ROLES)
@require_GET
def home_view(request: HttpRequest) -> HttpResponse:
    user = staff_user(request)
    status = request.GET.get("status", "")
    if status not in CandidateStatus.values:
        status = ""
    candidates = selectors.candidate_list(actor=user, status=status, limit=100)
    views = [selectors.candidate_view(actor=user, candidate=c) for c in candidates]
    return render(
        request,
        "tracing/home.html",
        {
            "reports": selectors.report_list(actor=user, limit=50),
            "founds": selectors.found_list(actor=user, limit=50),
            "candidates": views,
            "status": status,
            "statuses": CandidateStatus.choices,
            "may_file_report": user.has_perm("tracing.add_report"),
        },
    )


def _save(request: HttpRequest, form: Any, call: Any, default_field: str | None = None) -> Any:
    try:
        return call()
    except ValidationError as exc:
        apply_validation_error(form, exc, default_field)
    return None


@role_required(*POLICE_TRACING_ROLES)
@require_http_methods(["GET", "POST"])
def report_create_view(request: HttpRequest) -> HttpResponse:
    user = staff_user(request)
    form = ReportCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        report = _save(
            request,
            form,
            lambda: services.report_create(
                actor=user,
                data=form.to_data(),
                person_id=form.cleaned_data.get("person_id"),
                person=form.person_data(user.jurisdiction or ""),
            ),
            "name",
        )
        if report is not None:
            messages.success(request, _("The report was filed; matching runs in the background."))
            return redirect("tracing:report", report_id=report.pk)
    return render(request, "tracing/form.html", {"form": form, "title": _("New missing-person report")})


@role_required(*TRACING_ROLES)
@require_GET
def report_view(request: HttpRequest, report_id: int) -> HttpResponse:
    user = staff_user(request)
    report = selectors.report_get(actor=user, report_id=report_id, purpose="view report")
    candidates = [selectors.candidate_view(actor=user, candidate=c) for c in report.candidates.all()]
    return render(
        request,
        "tracing/report.html",
        {
            "report": report,
            "completeness": selectors.record_completeness(report),
            "candidates": candidates,
            "show_contact": user.has_perm("tracing.view_contact"),
        },
    )


@role_required(*POLICE_TRACING_ROLES)
@require_http_methods(["GET", "POST"])
def report_edit_view(request: HttpRequest, report_id: int) -> HttpResponse:
    user = staff_user(request)
    report = selectors.report_get(actor=user, report_id=report_id, purpose="edit", audit_read=False)
    form = ReportForm(request.POST or None, initial=ReportForm.initial_from(report))
    if (
        request.method == "POST"
        and form.is_valid()
        and _save(
            request,
            form,
            lambda: services.report_update(actor=user, report_id=report.pk, data=form.to_data()),
        )
    ):
        messages.success(request, _("The report was updated; it is matched again."))
        return redirect("tracing:report", report_id=report.pk)
    return render(request, "tracing/form.html", {"form": form, "title": _("Edit missing-person report")})


@role_required(*FOUND_ROLES)
@require_http_methods(["GET", "POST"])
def found_create_view(request: HttpRequest) -> HttpResponse:
    user = staff_user(request)
    form = FoundCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        found = _save(
            request,
            form,
            lambda: services.found_create(
                actor=user,
                data=form.to_data(),
                person_id=form.cleaned_data.get("person_id"),
                person=form.person_data(user.jurisdiction or ""),
            ),
            "name",
        )
        if found is not None:
            messages.success(request, _("The record was saved; matching runs in the background."))
            return redirect("tracing:found", found_id=found.pk)
    return render(request, "tracing/form.html", {"form": form, "title": _("New found person")})


@role_required(*TRACING_ROLES)
@require_GET
def found_view(request: HttpRequest, found_id: int) -> HttpResponse:
    user = staff_user(request)
    found = selectors.found_get(actor=user, found_id=found_id, purpose="view found person")
    candidates = [selectors.candidate_view(actor=user, candidate=c) for c in found.candidates.all()]
    return render(
        request,
        "tracing/found.html",
        {"found": found, "completeness": selectors.record_completeness(found), "candidates": candidates},
    )


@role_required(*FOUND_ROLES)
@require_http_methods(["GET", "POST"])
def found_edit_view(request: HttpRequest, found_id: int) -> HttpResponse:
    user = staff_user(request)
    found = selectors.found_get(actor=user, found_id=found_id, purpose="edit", audit_read=False)
    form = FoundForm(request.POST or None, initial=FoundForm.initial_from(found))
    if (
        request.method == "POST"
        and form.is_valid()
        and _save(
            request, form, lambda: services.found_update(actor=user, found_id=found.pk, data=form.to_data())
        )
    ):
        messages.success(request, _("The record was updated; it is matched again."))
        return redirect("tracing:found", found_id=found.pk)
    return render(request, "tracing/form.html", {"form": form, "title": _("Edit found person")})


@role_required(*TRACING_ROLES)
@require_GET
def candidate_view(request: HttpRequest, candidate_id: int) -> HttpResponse:
    user = staff_user(request)
    candidate = selectors.candidate_get(actor=user, candidate_id=candidate_id, purpose="review")
    view = selectors.candidate_view(actor=user, candidate=candidate)
    return render(
        request,
        "tracing/candidate.html",
        {
            "view": view,
            "form": DecisionForm(),
            "may_decide": view.full
            and user.has_perm("tracing.review_candidate")
            and candidate.status in (CandidateStatus.PENDING, CandidateStatus.NEEDS_DNA),
        },
    )


@role_required(*REVIEW_ROLES)
@require_POST
def candidate_decide_view(request: HttpRequest, candidate_id: int) -> HttpResponse:
    user = staff_user(request)
    candidate = selectors.candidate_get(
        actor=user, candidate_id=candidate_id, purpose="review", audit_read=False
    )
    form = DecisionForm(request.POST)
    if form.is_valid():
        try:
            services.candidate_decide(
                actor=user,
                candidate_id=candidate.pk,
                decision=form.cleaned_data["decision"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as exc:
            apply_validation_error(form, exc, "reason")
        else:
            messages.success(request, _("The decision was recorded."))
            return redirect("tracing:candidate", candidate_id=candidate.pk)
    view = selectors.candidate_view(actor=user, candidate=candidate)
    return render(
        request, "tracing/candidate.html", {"view": view, "form": form, "may_decide": view.full}, status=400
    )


@role_required(*POLICE_TRACING_ROLES)
@require_GET
def registrations_view(request: HttpRequest) -> HttpResponse:
    user = staff_user(request)
    if not user.has_perm("tracing.verify_registration"):
        raise PermissionDenied
    return render(
        request,
        "tracing/registrations.html",
        {"registrations": selectors.registration_queue(actor=user), "form": VerifyForm()},
    )


@role_required(*POLICE_TRACING_ROLES)
@require_POST
def registration_verify_view(request: HttpRequest, registration_id: int) -> HttpResponse:
    user = staff_user(request)
    registration = selectors.registration_get(actor=user, registration_id=registration_id, audit_read=False)
    form = VerifyForm(request.POST)
    if form.is_valid():
        try:
            services.registration_verify(
                actor=user,
                registration_id=registration.pk,
                accept=form.cleaned_data["accept"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as exc:
            apply_validation_error(form, exc, "reason")
        else:
            messages.success(request, _("The registration was handled."))
            return redirect("tracing:registrations")
    return render(
        request,
        "tracing/registrations.html",
        {"registrations": selectors.registration_queue(actor=user), "form": form, "failed": registration},
        status=400,
    )

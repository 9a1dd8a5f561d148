"""Staff pages of the plan app. Thin: parse a form, call one service or selector, render."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from homeward.core.auth import role_required, staff_user
from homeward.core.forms import apply_validation_error
from homeward.plan import exports, forms, selectors, services
from homeward.plan import indicators as ind
from homeward.plan.models import Dimension, ReportStatus
from homeward.plan.rules import PLAN_COORDINATOR_ROLES, PLAN_ROLES

plan_page = role_required(*PLAN_ROLES)
coordinator_page = role_required(*PLAN_COORDINATOR_ROLES)


def _act(request: HttpRequest, action: Callable[[], Any], done: str) -> bool:
    """Run a POST action; a ValidationError becomes an error message instead of a 500."""
    try:
        action()
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return False
    messages.success(request, done)
    return True


# ---------------------------------------------------------------------------------------------------------
# Home, the plan, our measures


@plan_page
@require_GET
def home_view(request: HttpRequest) -> HttpResponse:
    user = staff_user(request)
    assert user.agency is not None
    context: dict[str, Any] = {
        "ours": selectors.agency_measures(user.agency),
        "my_reports": [
            r for r in selectors.report_list(actor=user, limit=100) if r.agency_id == user.agency_id
        ][:20],
        "asked": [
            r
            for r in selectors.report_list(actor=user, limit=200)
            if r.editable and any(c.agency_id == user.agency_id for c in r.contributions.all())
        ],
        "is_coordinator": selectors.is_coordinator(user),
    }
    if context["is_coordinator"]:
        context["to_review"] = [
            r
            for r in selectors.report_list(actor=user, status=ReportStatus.SUBMITTED)
            if r.agency_id != user.agency_id
        ]
        context["overdue_below"] = selectors.overdue_below(actor=user)
    context["warnings"] = selectors.listing_list(actor=user, state="warning")
    return render(request, "plan/home.html", context)


@plan_page
@require_GET
def measures_view(request: HttpRequest) -> HttpResponse:
    return render(request, "plan/measures.html", {"measures": selectors.measure_list()})


@plan_page
@require_GET
def measure_view(request: HttpRequest, measure_id: int) -> HttpResponse:
    user = staff_user(request)
    measure = selectors.measure_get(measure_id)
    return render(
        request,
        "plan/measure.html",
        {
            "measure": measure,
            "role": selectors.agency_role_on(user.agency, measure),
            "plans": selectors.implementation_plan_list(actor=user).filter(measure=measure),
            "reports": selectors.report_list(actor=user, measure_id=measure.pk),
            "report_form": forms.ReportCreateForm(initial={"measure": measure.pk}),
        },
    )


@plan_page
@require_GET
def coverage_view(request: HttpRequest) -> HttpResponse:
    year = request.GET.get("year", "")
    rows = selectors.coverage(actor=request.user, year=int(year) if year.isdigit() else None)
    return render(request, "plan/coverage.html", {"rows": rows, "year": year})


# ---------------------------------------------------------------------------------------------------------
# Implementation plans and local adoption


@plan_page
@require_GET
def implementation_list_view(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "plan/implementation_list.html",
        {"plans": selectors.implementation_plan_list(actor=request.user)},
    )


@plan_page
@require_http_methods(["GET", "POST"])
def implementation_edit_view(request: HttpRequest, plan_id: int | None = None) -> HttpResponse:
    plan = None
    if plan_id is not None:
        plan = selectors.implementation_plan_get(
            actor=request.user, plan_id=plan_id, purpose="edit", audit_read=False
        )
        initial = forms.ImplementationForm.initial_for(plan)
    else:
        measure_id = request.GET.get("measure", "")
        initial = {"measure": measure_id if measure_id.isdigit() else "", "year": timezone.localdate().year}
    form = forms.ImplementationForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.implementation_plan_save(
                actor=request.user, data=form.to_data(), plan_id=plan_id
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("The implementation plan was saved."))
            return redirect("plan:implementation", plan_id=saved.pk)
    measure_id = form["measure"].value()
    measure = (
        selectors.measure_list().filter(pk=measure_id).first() if str(measure_id or "").isdigit() else None
    )
    return render(request, "plan/implementation_form.html", {"form": form, "plan": plan, "measure": measure})


@plan_page
@require_GET
def implementation_view(request: HttpRequest, plan_id: int) -> HttpResponse:
    plan = selectors.implementation_plan_get(actor=request.user, plan_id=plan_id, purpose="view")
    mine = plan.agency_id == staff_user(request).agency_id
    return render(request, "plan/implementation.html", {"plan": plan, "mine": mine})


@plan_page
@require_GET
def adoption_list_view(request: HttpRequest) -> HttpResponse:
    return render(
        request, "plan/adoption_list.html", {"adoptions": selectors.adoption_list(actor=request.user)}
    )


@coordinator_page
@require_http_methods(["GET", "POST"])
def adoption_create_view(request: HttpRequest) -> HttpResponse:
    form = forms.AdoptionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            adoption = services.adoption_create(actor=request.user, data=form.to_data())
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("The local document was recorded."))
            return redirect("plan:adoption", adoption_id=adoption.pk)
    return render(
        request,
        "plan/form.html",
        {"form": form, "title": _("Record local implementing rules or a yearly plan")},
    )


@plan_page
@require_GET
def adoption_view(request: HttpRequest, adoption_id: int) -> HttpResponse:
    adoption = selectors.adoption_get(actor=request.user, adoption_id=adoption_id, purpose="view")
    return render(request, "plan/adoption.html", {"adoption": adoption})


# ---------------------------------------------------------------------------------------------------------
# Progress reports


@plan_page
@require_GET
def report_list_view(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", "")
    status = status if status in ReportStatus.values else ""
    reports = selectors.report_list(actor=request.user, status=status)
    return render(
        request,
        "plan/report_list.html",
        {"reports": reports, "status": status, "statuses": ReportStatus.choices},
    )


@plan_page
@require_POST
def report_create_view(request: HttpRequest) -> HttpResponse:
    form = forms.ReportCreateForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give a period such as 2025H1."))
        measure_id = request.POST.get("measure", "")
        return (
            redirect("plan:measure", measure_id=measure_id)
            if measure_id.isdigit()
            else redirect("plan:measures")
        )
    try:
        report = services.report_create(
            actor=request.user, measure_id=form.cleaned_data["measure"], period=form.cleaned_data["period"]
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("plan:measure", measure_id=form.cleaned_data["measure"])
    messages.success(request, _("The report was opened; cooperating agencies were asked for their parts."))
    return redirect("plan:report", report_id=report.pk)


@plan_page
@require_GET
def report_view(request: HttpRequest, report_id: int) -> HttpResponse:
    user = staff_user(request)
    report = selectors.report_get(actor=user, report_id=report_id, purpose="view")
    mine = report.agency_id == user.agency_id
    contribution = next((c for c in report.contributions.all() if c.agency_id == user.agency_id), None)
    return render(
        request,
        "plan/report.html",
        {
            "report": report,
            "mine": mine,
            "contribution": contribution,
            "can_review": selectors.is_coordinator(user) and report.status == ReportStatus.SUBMITTED,
            "edit_form": forms.ReportForm(initial=forms.ReportForm.initial_for(report)) if mine else None,
            "contribution_form": forms.ContributionForm(initial={"text": contribution.text})
            if contribution
            else None,
            "evidence_form": forms.EvidenceForm(),
            "comment_form": forms.CommentForm(),
        },
    )


@plan_page
@require_POST
def report_edit_view(request: HttpRequest, report_id: int) -> HttpResponse:
    form = forms.ReportForm(request.POST)
    if form.is_valid():
        _act(
            request,
            lambda: services.report_update(actor=request.user, report_id=report_id, data=form.to_data()),
            _("Saved."),
        )
    else:
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
    return redirect("plan:report", report_id=report_id)


@plan_page
@require_POST
def report_contribute_view(request: HttpRequest, report_id: int) -> HttpResponse:
    form = forms.ContributionForm(request.POST)
    if form.is_valid():
        _act(
            request,
            lambda: services.contribution_save(
                actor=request.user, report_id=report_id, text=form.cleaned_data["text"]
            ),
            _("Your part was saved."),
        )
    else:
        messages.error(request, _("Write your agency's part."))
    return redirect("plan:report", report_id=report_id)


@plan_page
@require_POST
def report_submit_view(request: HttpRequest, report_id: int) -> HttpResponse:
    _act(
        request,
        lambda: services.report_submit(actor=request.user, report_id=report_id),
        _("The report was submitted."),
    )
    return redirect("plan:report", report_id=report_id)


@coordinator_page
@require_POST
def report_return_view(request: HttpRequest, report_id: int) -> HttpResponse:
    form = forms.CommentForm(request.POST)
    if form.is_valid():
        _act(
            request,
            lambda: services.report_return(
                actor=request.user, report_id=report_id, comment=form.cleaned_data["comment"]
            ),
            _("The report was returned with your comments."),
        )
    else:
        messages.error(request, _("Say what the lead agency must change."))
    return redirect("plan:report", report_id=report_id)


@coordinator_page
@require_POST
def report_accept_view(request: HttpRequest, report_id: int) -> HttpResponse:
    _act(
        request,
        lambda: services.report_accept(actor=request.user, report_id=report_id),
        _("The report was accepted."),
    )
    return redirect("plan:report", report_id=report_id)


@plan_page
@require_POST
def report_evidence_view(request: HttpRequest, report_id: int) -> HttpResponse:
    form = forms.EvidenceForm(request.POST, request.FILES)
    if form.is_valid():
        _act(
            request,
            lambda: services.evidence_add(
                actor=request.user, upload=form.cleaned_data["file"], report_id=report_id
            ),
            _("The evidence file was added."),
        )
    else:
        messages.error(request, _("Choose a file to upload."))
    return redirect("plan:report", report_id=report_id)


@plan_page
@require_GET
def evidence_view(request: HttpRequest, evidence_id: int) -> FileResponse:
    evidence = selectors.evidence_get(actor=request.user, evidence_id=evidence_id)
    response = FileResponse(
        evidence.file.open("rb"),
        content_type=evidence.content_type,
        as_attachment=True,
        filename=evidence.name,
    )
    response["Cache-Control"] = "private, no-store"
    return response


# ---------------------------------------------------------------------------------------------------------
# Activities


@plan_page
@require_http_methods(["GET", "POST"])
def activity_list_view(request: HttpRequest) -> HttpResponse:
    form = forms.ActivityForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            activity = services.activity_create(actor=request.user, data=form.to_data())
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("The activity was recorded."))
            return redirect("plan:activity", activity_id=activity.pk)
    return render(
        request,
        "plan/activity_list.html",
        {"activities": selectors.activity_list(actor=request.user), "form": form},
    )


@plan_page
@require_http_methods(["GET", "POST"])
def activity_view(request: HttpRequest, activity_id: int) -> HttpResponse:
    activity = selectors.activity_get(
        actor=request.user, activity_id=activity_id, purpose="view", audit_read=request.method == "GET"
    )
    form = forms.EvidenceForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        if form.is_valid():
            if _act(
                request,
                lambda: services.evidence_add(
                    actor=request.user, upload=form.cleaned_data["file"], activity_id=activity_id
                ),
                _("The evidence file was added."),
            ):
                return redirect("plan:activity", activity_id=activity_id)
        else:
            messages.error(request, _("Choose a file to upload."))
    return render(
        request,
        "plan/activity.html",
        {"activity": activity, "form": form, "mine": activity.agency_id == staff_user(request).agency_id},  # type: ignore[union-attr]
    )


# ---------------------------------------------------------------------------------------------------------
# Evaluation


@coordinator_page
@require_http_methods(["GET", "POST"])
def evaluation_list_view(request: HttpRequest) -> HttpResponse:
    form = forms.RoundForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            round_ = services.evaluation_open(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("The evaluation round was opened."))
            return redirect("plan:evaluation", round_id=round_.pk)
    return render(
        request,
        "plan/evaluation_list.html",
        {"rounds": selectors.round_list(actor=request.user), "form": form},
    )


@coordinator_page
@require_GET
def evaluation_view(request: HttpRequest, round_id: int) -> HttpResponse:
    round_ = selectors.round_get(actor=request.user, round_id=round_id, purpose="view")
    items = list(round_.items.all())
    return render(
        request,
        "plan/evaluation.html",
        {
            "round": round_,
            "groups": [
                (label, [i for i in items if i.dimension == dim])
                for dim, label in (
                    (Dimension.REGION, _("By region")),
                    (Dimension.AGENCY, _("By agency")),
                    (Dimension.MEASURE, _("By measure")),
                )
            ],
        },
    )


@coordinator_page
@require_POST
def evaluation_assemble_view(request: HttpRequest, round_id: int) -> HttpResponse:
    _act(
        request,
        lambda: services.evaluation_assemble(actor=request.user, round_id=round_id),
        _("The round was assembled."),
    )
    return redirect("plan:evaluation", round_id=round_id)


@coordinator_page
@require_POST
def evaluation_score_view(request: HttpRequest, round_id: int) -> HttpResponse:
    form = forms.ScoreForm(request.POST)
    if form.is_valid():
        d = form.cleaned_data
        _act(
            request,
            lambda: services.evaluation_score(
                actor=request.user,
                round_id=round_id,
                item_id=d["item"],
                score=d["score"],
                comment=d["comment"],
            ),
            _("Score saved."),
        )
    else:
        messages.error(request, _("A score from 0 to 100."))
    return redirect("plan:evaluation", round_id=round_id)


@coordinator_page
@require_POST
def evaluation_close_view(request: HttpRequest, round_id: int) -> HttpResponse:
    _act(
        request,
        lambda: services.evaluation_close(actor=request.user, round_id=round_id),
        _("The round was closed."),
    )
    return redirect("plan:evaluation", round_id=round_id)


@coordinator_page
@require_GET
def evaluation_download_view(request: HttpRequest, round_id: int, fmt: str) -> HttpResponse:
    round_ = selectors.round_export(actor=request.user, round_id=round_id)
    if fmt == "docx":
        body, content_type = exports.round_docx(round_), exports.DOCX_TYPE
    else:
        body, content_type = exports.round_xlsx(round_), exports.XLSX_TYPE
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="evaluation-{round_.pk}.{fmt}"'
    response["Cache-Control"] = "private, no-store"
    return response


# ---------------------------------------------------------------------------------------------------------
# Supervision


@plan_page
@require_http_methods(["GET", "POST"])
def supervision_list_view(request: HttpRequest) -> HttpResponse:
    user = staff_user(request)
    form = forms.ListingForm(request.POST or None) if selectors.is_coordinator(user) else None
    if request.method == "POST":
        if form is None:
            selectors.require(user, "plan.coordinate")
        elif form.is_valid():
            try:
                listing = services.listing_create(actor=user, data=form.to_data())
            except ValidationError as exc:
                apply_validation_error(form, exc)
            else:
                messages.success(request, _("The listing was recorded and the region told."))
                return redirect("plan:listing", listing_id=listing.pk)
    state = request.GET.get("state", "")
    state = state if state in ("open", "warning", "overdue", "resolved", "withdrawn") else ""
    return render(
        request,
        "plan/supervision_list.html",
        {"listings": selectors.listing_list(actor=user, state=state), "form": form, "state": state},
    )


@plan_page
@require_GET
def listing_view(request: HttpRequest, listing_id: int) -> HttpResponse:
    user = staff_user(request)
    listing = selectors.listing_get(actor=user, listing_id=listing_id, purpose="view")
    return render(
        request,
        "plan/listing.html",
        {
            "listing": listing,
            "update_form": forms.ListingUpdateForm(),
            "close_form": forms.ListingCloseForm()
            if selectors.is_coordinator(user) and user.jurisdiction != listing.jurisdiction
            else None,
        },
    )


@plan_page
@require_POST
def listing_update_view(request: HttpRequest, listing_id: int) -> HttpResponse:
    form = forms.ListingUpdateForm(request.POST)
    if form.is_valid():
        _act(
            request,
            lambda: services.listing_update_add(
                actor=request.user, listing_id=listing_id, text=form.cleaned_data["text"]
            ),
            _("Progress recorded."),
        )
    else:
        messages.error(request, _("Write what was done."))
    return redirect("plan:listing", listing_id=listing_id)


@coordinator_page
@require_POST
def listing_close_view(request: HttpRequest, listing_id: int) -> HttpResponse:
    form = forms.ListingCloseForm(request.POST)
    if form.is_valid():
        _act(
            request,
            lambda: services.listing_close(actor=request.user, listing_id=listing_id, **form.cleaned_data),
            _("The listing was lifted."),
        )
    else:
        messages.error(request, _("Choose how to close it and write a note."))
    return redirect("plan:listing", listing_id=listing_id)


# ---------------------------------------------------------------------------------------------------------
# Assessment


@plan_page
@require_http_methods(["GET", "POST"])
def assessment_list_view(request: HttpRequest) -> HttpResponse:
    user = staff_user(request)
    form = forms.AssessmentForm(request.POST or None) if selectors.is_coordinator(user) else None
    if request.method == "POST":
        if form is None:
            selectors.require(user, "plan.coordinate")
        elif form.is_valid():
            try:
                assessment = services.assessment_create(actor=user, data=form.to_data())
            except ValidationError as exc:
                apply_validation_error(form, exc)
            else:
                messages.success(request, _("The assessment was drafted; attach its evidence."))
                return redirect("plan:assessment", assessment_id=assessment.pk)
    return render(
        request,
        "plan/assessment_list.html",
        {"assessments": selectors.assessment_list(actor=user), "form": form},
    )


@plan_page
@require_GET
def assessment_view(request: HttpRequest, assessment_id: int) -> HttpResponse:
    user = staff_user(request)
    assessment = selectors.assessment_get(actor=user, assessment_id=assessment_id, purpose="view")
    can_edit = assessment.assessed_by_agency_id == user.agency_id and assessment.status == "draft"
    return render(
        request,
        "plan/assessment.html",
        {
            "a": assessment,
            "can_edit": can_edit,
            "evidence_form": forms.AssessmentEvidenceForm() if can_edit else None,
            "veto_form": forms.VetoForm() if can_edit else None,
            "indicator_labels": {s.key: s.label for s in ind.REGISTRY},
        },
    )


@coordinator_page
@require_POST
def assessment_evidence_view(request: HttpRequest, assessment_id: int) -> HttpResponse:
    form = forms.AssessmentEvidenceForm(request.POST)
    if form.is_valid():
        _act(
            request,
            lambda: services.assessment_evidence_add(
                actor=request.user, assessment_id=assessment_id, data=form.to_data()
            ),
            _("Evidence attached."),
        )
    else:
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
    return redirect("plan:assessment", assessment_id=assessment_id)


@coordinator_page
@require_POST
def assessment_veto_view(request: HttpRequest, assessment_id: int) -> HttpResponse:
    form = forms.VetoForm(request.POST)
    if form.is_valid():
        _act(
            request,
            lambda: services.assessment_veto(
                actor=request.user, assessment_id=assessment_id, reason=form.cleaned_data["reason"]
            ),
            _("The one-vote veto was recorded."),
        )
    else:
        messages.error(request, _("Give the reason for the veto."))
    return redirect("plan:assessment", assessment_id=assessment_id)


@coordinator_page
@require_POST
def assessment_finalise_view(request: HttpRequest, assessment_id: int) -> HttpResponse:
    _act(
        request,
        lambda: services.assessment_finalise(actor=request.user, assessment_id=assessment_id),
        _("The assessment is final."),
    )
    return redirect("plan:assessment", assessment_id=assessment_id)

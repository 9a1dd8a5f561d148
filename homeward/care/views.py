"""Staff pages of the care app. Reads go through `care.selectors` (audited), writes through one service call each;
a refused write comes back as form errors on the same page."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms as django_forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from homeward.care import exports, forms, selectors, services
from homeward.care.models import CareRecord, FollowUp, HouseholdTask, Need, Reunion, ReunionState, Stage
from homeward.core.auth import role_required, staff_user
from homeward.core.forms import apply_validation_error

care_roles = role_required(*selectors.CARE_ROLES)


def _run(
    form: django_forms.Form, call: Callable[[dict[str, Any]], Any], default_field: str | None = None
) -> Any:
    """Validate the form, then call the service; the service's refusals become form errors. None when refused."""
    if not form.is_valid():
        return None
    try:
        return call(form.cleaned_data)
    except ValidationError as exc:
        apply_validation_error(form, exc, default_field)
        return None


def _form_page(
    request: HttpRequest,
    *,
    form: django_forms.Form,
    call: Callable[[dict[str, Any]], Any],
    done: Callable[[Any], str],
    back: str,
    template: str,
    context: dict[str, Any],
    default_field: str | None = None,
) -> HttpResponse:
    """A page with one form and one service call: success redirects with a message, refusals are form errors."""
    if request.method == "POST":
        result = _run(form, call, default_field)
        if result is not None:
            messages.success(request, done(result))
            return redirect(back)
    return render(request, template, {**context, "form": form})


def _institutions(user: Any) -> list[dict[str, Any]]:
    return selectors.institutions_with_capacity(prefix=user.scope_prefix or "")


# ---- lists ----------------------------------------------------------------------------------------------------


@care_roles
@require_GET
def list_view(request: HttpRequest) -> HttpResponse:
    user = staff_user(request)
    stage_form = forms.StageFilterForm(request.GET or None)
    stage = stage_form.cleaned_data["stage"] if stage_form.is_valid() else ""
    records = selectors.care_record_list(actor=user, stage=stage)
    visits = selectors.followups_for(actor=user, today=timezone.localdate())
    return render(
        request,
        "care/list.html",
        {
            "records": records,
            "stage_form": stage_form,
            "overdue": len(visits["overdue"]),
            "due": len(visits["due"]),
            "household": len(selectors.household_tasks_for(actor=user)),
        },
    )


@care_roles
@require_GET
def followups_view(request: HttpRequest) -> HttpResponse:
    visits = selectors.followups_for(actor=staff_user(request), today=timezone.localdate())
    return render(request, "care/followups.html", visits)


@care_roles
@require_GET
def household_view(request: HttpRequest) -> HttpResponse:
    tasks = selectors.household_tasks_for(actor=staff_user(request))
    rows = [
        {
            "task": task,
            "form": forms.HouseholdTaskForm(
                prefix=f"t{task.pk}",
                initial={"documents": [d["code"] for d in task.documents if d["done"]], "note": task.note},
            ),
        }
        for task in tasks
    ]
    return render(request, "care/household.html", {"rows": rows})


@care_roles
@require_POST
def household_task_view(request: HttpRequest, task_id: int) -> HttpResponse:
    user = staff_user(request)
    form = forms.HouseholdTaskForm(request.POST, prefix=f"t{task_id}")
    task = _run(
        form,
        lambda d: services.household_task_update(
            actor=user, task_id=task_id, documents=d["documents"], done=d["done"], note=d["note"]
        ),
        default_field="documents",
    )
    if task is None:
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
    else:
        messages.success(request, _("Household registration task updated."))
    return redirect("care:household")


@care_roles
@require_GET
def export_view(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(
        exports.caseload_csv(actor=staff_user(request)), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = 'attachment; filename="caseload.csv"'
    return response


@care_roles
@require_GET
def stats_view(request: HttpRequest) -> HttpResponse:
    table = exports.stage_statistics(actor=staff_user(request))
    labels = dict(Stage.choices)
    rows = [[str(labels.get(row[0], row[0])), *row[1:]] for row in table[1:]]
    return render(request, "care/stats.html", {"header": table[0], "rows": rows})


# ---- intake ---------------------------------------------------------------------------------------------------


def _intake(user: Any, data: dict[str, Any]) -> CareRecord:
    from homeward.people.models import NameKind
    from homeward.people.services import PersonData, person_create

    with transaction.atomic():  # a refused care record leaves no person behind
        person_id = data["person_id"]
        if not person_id:
            person = person_create(
                actor=user,
                data=PersonData(
                    jurisdiction=user.agency.jurisdiction,
                    sex=data["sex"],
                    birth_date=data["birth_date"],
                    birth_year_min=data["birth_year"],
                    birth_year_max=data["birth_year"],
                    names=[(data["name"], NameKind.LEGAL)] if data["name"] else [],
                    nationality=data["nationality"],
                ),
            )
            person_id = person.pk
        return services.care_record_create(
            actor=user,
            data=services.CareData(
                person_id=person_id,
                arrival=data["arrival"],
                arrived_on=data["arrived_on"],
                case_id=data["case_id"],
                needs=data["needs"],
                cross_border=data["cross_border"] or data["nationality"] != "CN",
                identity_unknown=data["identity_unknown"],
                abuse_details=data["abuse_details"],
                health_notes=data["health_notes"],
                psych_notes=data["psych_notes"],
            ),
        )


@care_roles
@require_http_methods(["GET", "POST"])
def intake_view(request: HttpRequest) -> HttpResponse:
    user = staff_user(request)
    form = forms.IntakeForm(request.POST or None, initial={"arrived_on": timezone.localdate()})
    if request.method == "POST":
        try:
            record = _run(form, lambda d: _intake(user, d))
        except Http404:
            form.add_error("person_id", _("No such person in your jurisdiction."))
            record = None
        if record is not None:
            messages.success(request, _("Care record #%(id)s opened.") % {"id": record.pk})
            return redirect("care:detail", record_id=record.pk)
    return render(request, "care/form.html", {"form": form, "title": _("Rescue intake")})


# ---- the record page ------------------------------------------------------------------------------------------


@care_roles
@require_GET
def detail_view(request: HttpRequest, record_id: int) -> HttpResponse:
    user = staff_user(request)
    record = selectors.care_record_get(actor=user, record_id=record_id, purpose="view care record")
    sensitive = selectors.sensitive_view(user, record)
    reunion = Reunion.objects.filter(record=record).select_related("family_person").first()
    return render(
        request,
        "care/detail.html",
        {
            "record": record,
            "sensitive": [
                (
                    getattr(record._meta.get_field(name), "verbose_name", name),
                    value,
                    value == str(selectors.CONFIDENTIAL),
                )
                for name, value in sensitive.items()
            ],
            "needs": [label for value, label in Need.choices if value in record.needs],
            "consents": record.consents.order_by("-given_on", "-id"),
            "placements": record.placements.select_related("institution").order_by("-start_on", "-id"),
            "services": record.services.order_by("-provided_on", "-id"),
            "reunion": reunion,
            "followups": record.followups.all(),
            "household": HouseholdTask.objects.filter(record=record).first(),
            "repatriation": selectors.repatriation_track(record) if record.cross_border else None,
            "today": timezone.localdate(),
            "supervisor": selectors.is_supervisor(user),
        },
    )


def _share(user: Any, record: CareRecord, data: dict[str, Any]) -> Any:
    try:
        return services.care_record_share(
            actor=user,
            record_id=record.pk,
            grantee_username=data["grantee"],
            days=data["days"],
            reason=data["reason"],
        )
    except PermissionDenied as exc:
        raise ValidationError(str(exc) or _("You cannot share this record.")) from exc


@care_roles
@require_http_methods(["GET", "POST"])
def share_view(request: HttpRequest, record_id: int) -> HttpResponse:
    user = staff_user(request)
    record = selectors.care_record_get(actor=user, record_id=record_id, purpose="share")
    return _form_page(
        request,
        form=forms.ShareForm(request.POST or None),
        call=lambda d: _share(user, record, d),
        done=lambda grant: _("The record was shared until %(until)s.") % {"until": grant.expires_at},
        back=reverse("care:detail", args=[record.pk]),
        template="care/form.html",
        context={"record": record, "title": _("Share for a limited time")},
        default_field="reason",
    )


@care_roles
@require_http_methods(["GET", "POST"])
def consent_view(request: HttpRequest, record_id: int) -> HttpResponse:
    user = staff_user(request)
    record = selectors.care_record_get(actor=user, record_id=record_id, purpose="consent")
    return _form_page(
        request,
        form=forms.ConsentForm(request.POST or None, initial={"given_on": timezone.localdate()}),
        call=lambda d: services.consent_record(
            actor=user,
            record_id=record.pk,
            purpose=d["purpose"],
            given_by=d["given_by"],
            guardian_name=d["guardian_name"],
            given_on=d["given_on"],
        ),
        done=lambda _consent: _("Consent recorded."),
        back=reverse("care:consent", args=[record.pk]),
        template="care/consent.html",
        context={"record": record, "consents": record.consents.order_by("-given_on", "-id")},
    )


@care_roles
@require_POST
def consent_withdraw_view(request: HttpRequest, record_id: int, consent_id: int) -> HttpResponse:
    try:
        services.consent_withdraw(actor=staff_user(request), record_id=record_id, consent_id=consent_id)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Consent withdrawn."))
    return redirect("care:consent", record_id=record_id)


@care_roles
@require_http_methods(["GET", "POST"])
def placement_view(request: HttpRequest, record_id: int) -> HttpResponse:
    user = staff_user(request)
    record = selectors.care_record_get(actor=user, record_id=record_id, purpose="placement")
    institutions = _institutions(user)
    return _form_page(
        request,
        form=forms.PlacementForm(
            request.POST or None, institutions=institutions, initial={"start_on": timezone.localdate()}
        ),
        call=lambda d: services.placement_start(
            actor=user,
            record_id=record.pk,
            institution_id=d["institution"],
            start_on=d["start_on"],
            long_term=d["long_term"],
        ),
        done=lambda _placement: _("Placement recorded; follow-up visits scheduled."),
        back=reverse("care:detail", args=[record.pk]),
        template="care/placement.html",
        context={"record": record, "institutions": institutions},
        default_field="institution",
    )


@care_roles
@require_http_methods(["GET", "POST"])
def service_view(request: HttpRequest, record_id: int) -> HttpResponse:
    user = staff_user(request)
    record = selectors.care_record_get(actor=user, record_id=record_id, purpose="service")
    return _form_page(
        request,
        form=forms.ServiceForm(request.POST or None, initial={"provided_on": timezone.localdate()}),
        call=lambda d: services.service_record(
            actor=user,
            record_id=record.pk,
            kind=d["kind"],
            provider=d["provider"],
            provided_on=d["provided_on"],
            outcome=d["outcome"],
        ),
        done=lambda _service: _("Service recorded."),
        back=reverse("care:detail", args=[record.pk]),
        template="care/form.html",
        context={"record": record, "title": _("Record a service")},
        default_field="kind",
    )


REUNION_STEPS = ("start", "assess", "meet", "handover", "refuse")


@care_roles
@require_http_methods(["GET", "POST"])
def reunion_view(request: HttpRequest, record_id: int) -> HttpResponse:
    user = staff_user(request)
    record = selectors.care_record_get(actor=user, record_id=record_id, purpose="reunion")
    institutions = _institutions(user)
    step = request.POST.get("step", "") if request.method == "POST" else ""
    data = request.POST if request.method == "POST" else None
    page_forms: dict[str, django_forms.Form] = {
        "start": forms.ReunionStartForm(data if step == "start" else None, prefix="start"),
        "assess": forms.ReunionAssessForm(data if step == "assess" else None, prefix="assess"),
        "meet": forms.ReunionMeetForm(
            data if step == "meet" else None, prefix="meet", initial={"met_on": timezone.localdate()}
        ),
        "handover": django_forms.Form(data if step == "handover" else None, prefix="handover"),
        "refuse": forms.ReunionRefuseForm(
            data if step == "refuse" else None, prefix="refuse", institutions=institutions
        ),
    }
    calls: dict[str, Callable[[dict[str, Any]], Any]] = {
        "start": lambda d: services.reunion_start(
            actor=user,
            record_id=record.pk,
            family_note=d["family_note"],
            family_person_id=d["family_person_id"],
            source="care page",
        ),
        "assess": lambda d: services.reunion_assess(
            actor=user, record_id=record.pk, home_safe=d["home_safe"], family_involved=d["family_involved"]
        ),
        "meet": lambda d: services.reunion_meet(actor=user, record_id=record.pk, met_on=d["met_on"]),
        "handover": lambda d: services.reunion_handover(actor=user, record_id=record.pk),
        "refuse": lambda d: services.reunion_refuse(
            actor=user, record_id=record.pk, reason=d["reason"], institution_id=d["institution"]
        ),
    }
    done = {
        "start": _("Reunion started."),
        "assess": _("Family assessment recorded."),
        "meet": _("Meeting recorded."),
        "handover": _("Handover recorded: the person is home. Follow-up visits are scheduled."),
        "refuse": _("Reunion refused; long-term placement recorded."),
    }
    if request.method == "POST":
        if step not in REUNION_STEPS:
            messages.error(request, _("Unknown step."))
            return redirect("care:reunion", record_id=record.pk)
        form = page_forms[step]
        try:
            result = _run(form, calls[step])
        except Http404:
            form.add_error(None, _("No such person."))
            result = None
        if result is not None:
            messages.success(request, done[step])
            return redirect("care:reunion", record_id=record.pk)
    reunion = Reunion.objects.filter(record=record).select_related("family_person").first()
    return render(
        request,
        "care/reunion.html",
        {
            "record": record,
            "reunion": reunion,
            "forms": page_forms,
            "finished": reunion is not None
            and reunion.state in (ReunionState.HANDED_OVER, ReunionState.REFUSED),
            "buyer": reunion is not None and services.family_is_buyer(reunion),
        },
    )


@care_roles
@require_http_methods(["GET", "POST"])
def followup_view(request: HttpRequest, followup_id: int) -> HttpResponse:
    user = staff_user(request)
    followup = FollowUp.objects.filter(pk=followup_id).first()
    if followup is None:
        raise Http404("Not found")
    record = selectors.care_record_get(actor=user, record_id=followup.record_id, purpose="follow-up visit")
    return _form_page(
        request,
        form=forms.FollowUpForm(request.POST or None),
        call=lambda d: services.followup_record(
            actor=user,
            followup_id=followup.pk,
            notes=d["notes"],
            school_attending=d["school_attending"],
            risks=d["risks"],
        ),
        done=lambda _visit: _("Visit recorded."),
        back=reverse("care:detail", args=[record.pk]),
        template="care/followup.html",
        context={"record": record, "followup": followup},
    )


@care_roles
@require_POST
def repatriated_view(request: HttpRequest, record_id: int) -> HttpResponse:
    try:
        services.repatriation_complete(actor=staff_user(request), record_id=record_id)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Repatriation recorded: care ends here."))
    return redirect("care:detail", record_id=record_id)

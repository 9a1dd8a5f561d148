"""Staff pages for cases. Every read goes through `cases.selectors`, every write through one service call."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms as django_forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from homeward.cases import forms, selectors, services
from homeward.cases.models import DEFENDANT_ROLES, CaseLink, CaseRole, CaseStatus, CaseType, LinkKind
from homeward.cases.rules import CASE_VIEW_ROLES, SUPERVISOR_ROLES
from homeward.core.auth import role_required, staff_user
from homeward.core.forms import apply_validation_error

view_roles = role_required(*CASE_VIEW_ROLES)
board_roles = role_required(*CASE_VIEW_ROLES, *SUPERVISOR_ROLES)


def _errors_text(form: django_forms.Form) -> str:
    parts = []
    for name, errors in form.errors.items():
        label = form.fields[name].label if name in form.fields else ""
        text = " ".join(str(e) for e in errors)
        parts.append(f"{label}: {text}" if label else text)
    return "; ".join(parts)


def _validation_text(exc: ValidationError) -> str:
    if hasattr(exc, "error_dict"):
        return "; ".join(" ".join(messages_) for messages_ in exc.message_dict.values())
    return " ".join(exc.messages)


def _act(
    request: HttpRequest,
    form: django_forms.Form,
    call: Callable[[dict[str, Any]], Any],
    back: str,
    done: str,
) -> HttpResponse:
    """Run one service call from a small form on an object page; errors come back as a message on that page."""
    if not form.is_valid():
        messages.error(request, _errors_text(form))
    else:
        try:
            call(form.cleaned_data)
        except ValidationError as exc:
            messages.error(request, _validation_text(exc))
        else:
            messages.success(request, done)
    return redirect(back)


def _detail_url(case_id: Any, anchor: str = "") -> str:
    return reverse("cases:detail", args=[case_id]) + (f"#{anchor}" if anchor else "")


# ---- lists and registration -------------------------------------------------------------------------------


@view_roles
@require_GET
def list_view(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "")[:100]
    status = request.GET.get("status", "")[:10]
    case_type = request.GET.get("type", "")[:24]
    cases = selectors.case_list(actor=request.user, query=query, status=status, case_type=case_type)
    return render(
        request,
        "cases/list.html",
        {
            "cases": cases,
            "q": query,
            "status": status,
            "type": case_type,
            "statuses": CaseStatus.choices,
            "types": CaseType.choices,
            "reviews": selectors.reviews_due_for(request.user),
        },
    )


@view_roles
@require_http_methods(["GET", "POST"])
def create_view(request: HttpRequest) -> HttpResponse:
    user = staff_user(request)
    form = forms.CaseForm(
        request.POST or None,
        initial={"jurisdiction": user.jurisdiction, "registered_on": timezone.localdate()},
    )
    if request.method == "POST" and form.is_valid():
        try:
            case = services.case_register(actor=user, data=form.to_data())
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("Case %(number)s was registered.") % {"number": case.number})
            return redirect("cases:detail", case_id=case.pk)
    return render(request, "cases/form.html", {"form": form, "title": _("Register a case")})


# ---- the case page ---------------------------------------------------------------------------------------------


def link_lines(links: list[CaseLink], user: Any) -> list[dict[str, Any]]:
    """What a reader may see of each link: DNA matches show only who confirmed them and when, except to DNA staff."""
    lines = []
    for link in links:
        if link.kind == LinkKind.DNA_MATCH:
            text = _("A DNA match was confirmed by %(examiner)s on %(date)s.") % {
                "examiner": link.confirmed_by,
                "date": link.confirmed_on,
            }
            reference = link.target_id if user.is_dna_staff else ""
        elif link.kind == LinkKind.TRACING_MATCH and link.confirmed_by:
            text = _("A tracing match was confirmed by %(examiner)s on %(date)s.") % {
                "examiner": link.confirmed_by,
                "date": link.confirmed_on or "",
            }
            reference = link.target_id
        else:
            text = str(link.get_kind_display())
            reference = link.target_id
        lines.append({"link": link, "text": text, "reference": reference})
    return lines


@view_roles
@require_GET
def detail_view(request: HttpRequest, case_id: int) -> HttpResponse:
    user = staff_user(request)
    case = selectors.case_get(actor=user, case_id=case_id, purpose="view case")
    people = selectors.case_people(case)
    defendants = [
        (cp.pk, cp.person.primary_name or f"#{cp.person_id}") for cp in people if cp.role in DEFENDANT_ROLES
    ]
    supervisor = user.has_perm("cases.supervise")
    context = {
        "case": case,
        "group": selectors.case_group(case),
        "members": selectors.case_members(case),
        "is_leader": selectors.is_leader(user, case),
        "can_manage": selectors.manages_group(user, case),
        "can_write": user.has_perm("cases.change_case"),
        "duties": selectors.case_duties(case),
        "reviews": list(case.reviews.order_by("-due_on")[:5]),
        "victims": [cp for cp in people if cp.role == CaseRole.VICTIM],
        "defendants": [cp for cp in people if cp.role in DEFENDANT_ROLES],
        "others": [cp for cp in people if cp.role not in DEFENDANT_ROLES and cp.role != CaseRole.VICTIM],
        "suspect_links": list(case.suspect_links.select_related("source__person", "target__person")),
        "links": link_lines(list(case.links.all()), user),
        "requests": selectors.case_requests(case),
        "countries": [(c, services.country_name(c)) for c in case.countries],
        "supervisions": list(case.supervisions.select_related("supervisor_agency").order_by("-created_at")),
        "forms": {
            "edit": forms.EditForm(initial={"summary": case.summary, "reported_on": case.reported_on}),
            "member": forms.MemberForm(),
            "leader": forms.LeaderForm(),
            "solve": forms.SolveForm(initial={"solved_on": timezone.localdate()}),
            "close": forms.ReasonForm(),
            "note": forms.NoteForm(),
            "person": forms.PersonAddForm(initial={"person_jurisdiction": user.jurisdiction}),
            "victim": forms.VictimStatusForm(),
            "vehicle": forms.VehicleForm(),
            "suspect_link": forms.SuspectLinkForm(defendants=defendants),
            "link": forms.LinkForm(),
            "cross_border": forms.CrossBorderForm(
                initial={"cross_border": case.cross_border, "countries": ", ".join(case.countries)}
            ),
            "cooperation": forms.CooperationForm(),
            "cooperation_status": forms.CooperationStatusForm(),
            "reply": forms.ReplyForm(),
            "repatriation": forms.RepatriationForm(),
            "judicial": forms.JudicialForm(),
            "sentence": forms.SentenceForm(),
            "supervision": forms.SupervisionForm(initial={"case_id": case.pk}) if supervisor else None,
        },
    }
    return render(request, "cases/detail.html", context)


@view_roles
@require_GET
def timeline_view(request: HttpRequest, case_id: int) -> HttpResponse:
    case = selectors.case_get(actor=request.user, case_id=case_id, purpose="view timeline")
    return render(
        request,
        "cases/timeline.html",
        {"case": case, "events": selectors.case_timeline(case), "entry_form": forms.EntryForm()},
    )


@view_roles
@require_GET
def attachment_view(request: HttpRequest, attachment_id: int) -> FileResponse:
    attachment = selectors.attachment_get(actor=request.user, attachment_id=attachment_id)
    response = FileResponse(
        attachment.file.open("rb"),
        content_type=attachment.content_type,
        as_attachment=True,
        filename=attachment.name,
    )
    response["Cache-Control"] = "private, no-store"
    return response


@view_roles
@require_GET
def person_cases_view(request: HttpRequest, person_id: int) -> HttpResponse:
    roles = selectors.person_case_roles(actor=request.user, person_id=person_id)
    return render(request, "cases/person_cases.html", {"roles": roles, "person_id": person_id})


@view_roles
@require_GET
def stats_view(request: HttpRequest) -> HttpResponse:
    return render(request, "cases/stats.html", {"stats": selectors.stage_statistics(actor=request.user)})


# ---- actions on a case --------------------------------------------------------------------------------------


def _post(
    form_class: type[django_forms.Form], anchor: str, done: str, call: Callable[..., Any]
) -> Callable[..., HttpResponseBase]:
    """A POST-only view for one small form on the case page: `call(user, case_id or object id, data)`."""

    @view_roles
    @require_POST
    def view(request: HttpRequest, pk: int, back: int | None = None) -> HttpResponse:
        form = form_class(request.POST, request.FILES)
        target = _detail_url(back if back is not None else pk, anchor)
        return _act(request, form, lambda d: call(request.user, pk, d), target, done)

    return view


edit_view = _post(
    forms.EditForm,
    "facts",
    _("The case was saved."),
    lambda u, pk, d: services.case_update(
        actor=u, case_id=pk, summary=d["summary"], reported_on=d["reported_on"]
    ),
)
member_add_view = _post(
    forms.MemberForm,
    "group",
    _("The member was added to the case group."),
    lambda u, pk, d: services.group_member_add(actor=u, case_id=pk, username=d["username"]),
)
leader_view = _post(
    forms.LeaderForm,
    "group",
    _("The case group has a new leader."),
    lambda u, pk, d: services.group_leader_change(
        actor=u, case_id=pk, username=d["username"], reason=d["reason"]
    ),
)
solve_view = _post(
    forms.SolveForm,
    "facts",
    _("The case is recorded as solved."),
    lambda u, pk, d: services.case_solve(actor=u, case_id=pk, solved_on=d["solved_on"], note=d["note"]),
)
close_view = _post(
    forms.ReasonForm,
    "facts",
    _("The case was closed."),
    lambda u, pk, d: services.case_close(actor=u, case_id=pk, reason=d["reason"]),
)
link_view = _post(
    forms.LinkForm,
    "links",
    _("The record was linked."),
    lambda u, pk, d: services.case_link_add(actor=u, case_id=pk, **d),
)
cross_border_view = _post(
    forms.CrossBorderForm,
    "cross-border",
    _("The cross-border track was saved."),
    lambda u, pk, d: services.cross_border_set(
        actor=u, case_id=pk, cross_border=d["cross_border"], countries=forms._split(d["countries"])
    ),
)
cooperation_view = _post(
    forms.CooperationForm,
    "cross-border",
    _("The cooperation request was recorded."),
    lambda u, pk, d: services.cooperation_request_create(actor=u, case_id=pk, **d),
)
judicial_view = _post(
    forms.JudicialForm,
    "judicial",
    _("The judicial stage was recorded."),
    lambda u, pk, d: services.judicial_advance(actor=u, case_id=pk, stage=d["stage"], on=d["on"]),
)


@view_roles
@require_POST
def member_remove_view(request: HttpRequest, pk: int, user_id: int) -> HttpResponse:
    return _act(
        request,
        django_forms.Form(request.POST),
        lambda d: services.group_member_remove(actor=request.user, case_id=pk, user_id=user_id),
        _detail_url(pk, "group"),
        _("The member left the case group."),
    )


@view_roles
@require_POST
def dissolve_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(
        request,
        django_forms.Form(request.POST),
        lambda d: services.group_dissolve(actor=request.user, case_id=pk),
        _detail_url(pk, "group"),
        _("The case group was dissolved."),
    )


@view_roles
@require_POST
def duty_view(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    return _act(
        request,
        forms.NoteForm(request.POST),
        lambda d: services.duty_complete(actor=request.user, case_id=pk, kind=kind, note=d["note"]),
        _detail_url(pk, "duties"),
        _("The duty is recorded as fulfilled."),
    )


@view_roles
@require_POST
def person_add_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = staff_user(request)
    form = forms.PersonAddForm(request.POST)

    def call(d: dict[str, Any]) -> Any:
        return services.case_person_add(
            actor=user,
            case_id=pk,
            role=d["role"],
            person_id=d["person_id"],
            new_person=form.new_person(user.jurisdiction or ""),
            note=d["note"],
            is_child=d["is_child"] or None,
            taken_on=d["taken_on"],
            taken_from=d["taken_from"],
            sold_to=d["sold_to"],
        )

    return _act(request, form, call, _detail_url(pk, "people"), _("The person was added to the case."))


@view_roles
@require_POST
def entry_add_view(request: HttpRequest, pk: int) -> HttpResponse:
    form = forms.EntryForm(request.POST, request.FILES)
    target = reverse("cases:timeline", args=[pk])
    return _act(
        request,
        form,
        lambda d: services.entry_add(
            actor=request.user,
            case_id=pk,
            kind=d["kind"],
            text=d["text"],
            occurred_at=d["occurred_at"],
            files=d["attachments"],
        ),
        target,
        _("The log entry was added."),
    )


@view_roles
@require_POST
def suspect_link_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(
        request,
        forms.SuspectLinkForm(request.POST),
        lambda d: services.suspect_link_add(
            actor=request.user,
            case_id=pk,
            source_id=d["source"],
            target_id=d["target"],
            relation=d["relation"],
            note=d["note"],
        ),
        _detail_url(pk, "suspects"),
        _("The suspects were linked."),
    )


def _case_person_post(
    form_class: type[django_forms.Form], anchor: str, done: str, call: Callable[..., Any]
) -> Callable[..., HttpResponseBase]:
    @view_roles
    @require_POST
    def view(request: HttpRequest, pk: int, case_person_id: int) -> HttpResponse:
        selectors.require_same_case(pk, case_person_id=case_person_id)
        form = form_class(request.POST)
        return _act(
            request, form, lambda d: call(request.user, case_person_id, d), _detail_url(pk, anchor), done
        )

    return view


victim_status_view = _case_person_post(
    forms.VictimStatusForm,
    "people",
    _("The victim's status was saved."),
    lambda u, cp, d: services.victim_status_set(actor=u, case_person_id=cp, **d),
)
vehicle_view = _case_person_post(
    forms.VehicleForm,
    "suspects",
    _("The vehicle was recorded."),
    lambda u, cp, d: services.vehicle_add(actor=u, case_person_id=cp, **d),
)
repatriation_view = _case_person_post(
    forms.RepatriationForm,
    "cross-border",
    _("The repatriation step was recorded."),
    lambda u, cp, d: services.repatriation_record(actor=u, case_person_id=cp, **d),
)
sentence_view = _case_person_post(
    forms.SentenceForm,
    "judicial",
    _("The sentence was recorded."),
    lambda u, cp, d: services.sentence_record(actor=u, case_person_id=cp, **d),
)


@view_roles
@require_POST
def cooperation_status_view(request: HttpRequest, pk: int, request_id: int) -> HttpResponse:
    selectors.require_same_case(pk, request_id=request_id)
    return _act(
        request,
        forms.CooperationStatusForm(request.POST),
        lambda d: services.cooperation_request_status(actor=request.user, request_id=request_id, **d),
        _detail_url(pk, "cross-border"),
        _("The request's status was saved."),
    )


@view_roles
@require_POST
def cooperation_reply_view(request: HttpRequest, pk: int, request_id: int) -> HttpResponse:
    selectors.require_same_case(pk, request_id=request_id)
    return _act(
        request,
        forms.ReplyForm(request.POST),
        lambda d: services.cooperation_reply_add(actor=request.user, request_id=request_id, **d),
        _detail_url(pk, "cross-border"),
        _("The reply was recorded."),
    )


@view_roles
@require_POST
def review_view(request: HttpRequest, review_id: int) -> HttpResponse:
    form = forms.NoteForm(request.POST)
    back = request.POST.get("next", "")
    target = back if back.startswith("/staff/cases/") else reverse("cases:list")
    return _act(
        request,
        form,
        lambda d: services.review_complete(actor=request.user, review_id=review_id, note=d["note"]),
        target,
        _("The review was recorded."),
    )


# ---- supervision ------------------------------------------------------------------------------------------------


@board_roles
@require_http_methods(["GET", "POST"])
def board_view(request: HttpRequest) -> HttpResponse:
    user = staff_user(request)
    form = forms.SupervisionForm(request.POST or None) if user.has_perm("cases.supervise") else None
    if request.method == "POST":
        if form is None:
            selectors.require(user, "cases.supervise", object_type="cases.supervision")
        elif form.is_valid():
            d = form.cleaned_data
            try:
                supervision = services.supervision_list(
                    actor=user,
                    case_id=d["case_id"],
                    region=d["region"],
                    deadline=d["deadline"],
                    requirements=d["requirements"],
                )
            except ValidationError as exc:
                if d["case_id"]:
                    messages.error(request, _validation_text(exc))
                    return redirect(_detail_url(d["case_id"], "supervision"))
                apply_validation_error(form, exc)
            else:
                messages.success(request, _("Listed for supervision."))
                return redirect("cases:supervision", supervision_id=supervision.pk)
        elif form.cleaned_data.get("case_id"):  # the form on a case page
            messages.error(request, _errors_text(form))
            return redirect(_detail_url(form.cleaned_data["case_id"], "supervision"))
    include_lifted = request.GET.get("all") == "1"
    items = selectors.supervision_board(actor=user, include_lifted=include_lifted)
    rows = [{"item": s, "overdue": selectors.is_overdue(s)} for s in items]
    return render(request, "cases/board.html", {"rows": rows, "form": form, "include_lifted": include_lifted})


@board_roles
@require_GET
def supervision_view(request: HttpRequest, supervision_id: int) -> HttpResponse:
    user = staff_user(request)
    supervision = selectors.supervision_get(actor=user, supervision_id=supervision_id)
    return render(
        request,
        "cases/supervision.html",
        {
            "s": supervision,
            "overdue": selectors.is_overdue(supervision),
            "reports": list(supervision.reports.select_related("filed_by")),
            "report_form": forms.ReportForm(),
            "lift_form": forms.ReasonForm() if user.has_perm("cases.supervise") else None,
        },
    )


@board_roles
@require_POST
def supervision_report_view(request: HttpRequest, supervision_id: int) -> HttpResponse:
    return _act(
        request,
        forms.ReportForm(request.POST),
        lambda d: services.supervision_report_file(
            actor=request.user, supervision_id=supervision_id, text=d["text"]
        ),
        reverse("cases:supervision", args=[supervision_id]),
        _("The progress report was filed."),
    )


@board_roles
@require_POST
def supervision_lift_view(request: HttpRequest, supervision_id: int) -> HttpResponse:
    return _act(
        request,
        forms.ReasonForm(request.POST),
        lambda d: services.supervision_lift(
            actor=request.user, supervision_id=supervision_id, reason=d["reason"]
        ),
        reverse("cases:supervision", args=[supervision_id]),
        _("Supervision was lifted."),
    )

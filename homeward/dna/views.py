"""Staff pages of the DNA database. Everyone but police DNA staff gets a 404 on every page."""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from homeward.core.auth import staff_required
from homeward.core.forms import apply_validation_error
from homeward.dna import selectors, services
from homeward.dna.forms import (
    FamilyForm,
    FreePurposeForm,
    ImportForm,
    NoteForm,
    PurposeForm,
    ReasonForm,
    SampleForm,
    TableForm,
)
from homeward.dna.models import CandidateStatus, Category

View = Callable[..., HttpResponseBase]


def dna_staff(view: View) -> View:
    """Logged in with a one-time code, and police DNA staff — otherwise the page does not exist (404, audited)."""

    @staff_required
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        selectors.require(request.user, "dna.view_profile", what="page")
        return view(request, *args, **kwargs)

    return wrapped


def _error(request: HttpRequest, exc: ValidationError) -> None:
    messages.error(request, " ".join(exc.messages))


@dna_staff
@require_GET
def home_view(request: HttpRequest) -> HttpResponse:
    context = selectors.dashboard(actor=request.user)
    context["searches"] = selectors.search_list(actor=request.user, limit=15)
    return render(request, "dna/home.html", context)


# ---------------------------------------------------------------- samples


@dna_staff
@require_GET
def samples_view(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "")[:40]
    category = request.GET.get("category", "")
    category = category if category in Category.values else ""
    samples = selectors.sample_list(actor=request.user, query=query, category=category)
    return render(
        request,
        "dna/samples.html",
        {"samples": samples, "q": query, "category": category, "categories": Category.choices},
    )


def _family_choices(user: Any) -> list[tuple[int, str]]:
    return [(f.pk, f.reference) for f in selectors.family_list(actor=user)]


@dna_staff
@require_http_methods(["GET", "POST"])
def sample_create_view(request: HttpRequest) -> HttpResponse:
    initial = {"family": request.GET.get("family", "")}
    form = SampleForm(request.POST or None, initial=initial, families=_family_choices(request.user))
    if request.method == "POST" and form.is_valid():
        try:
            sample = services.sample_register(actor=request.user, data=form.to_data())
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("The sample was registered."))
            return redirect("dna:sample", sample_id=sample.pk)
    return render(request, "dna/sample_form.html", {"form": form})


@dna_staff
@require_GET
def sample_view(request: HttpRequest, sample_id: int) -> HttpResponse:
    sample = selectors.sample_get(actor=request.user, sample_id=sample_id, purpose="view sample")
    return render(
        request,
        "dna/sample.html",
        {
            "sample": sample,
            "purpose_form": PurposeForm(),
            "search_form": FreePurposeForm(),
            "withdraw_form": ReasonForm(),
            "searches": sample.searches.order_by("-created_at")[:10],
            "duplicates": selectors.duplicates_of(sample),
            "blockers": selectors.registration_blockers(sample),
        },
    )


@dna_staff
@require_GET
def profile_view(request: HttpRequest, sample_id: int) -> HttpResponse:
    form = PurposeForm(request.GET)
    if not form.is_valid():
        messages.error(request, _("Choose why you need to see the profile."))
        return redirect("dna:sample", sample_id=sample_id)
    view = selectors.profile_get(
        actor=request.user, sample_id=sample_id, purpose=form.cleaned_data["purpose"]
    )
    return render(request, "dna/profile.html", {"view": view, "purpose": form.cleaned_data["purpose"]})


@dna_staff
@require_GET
def export_view(request: HttpRequest, sample_id: int) -> HttpResponse:
    form = PurposeForm(request.GET)
    if not form.is_valid():
        messages.error(request, _("Choose why you export the profile."))
        return redirect("dna:sample", sample_id=sample_id)
    data = selectors.profile_export(
        actor=request.user, sample_id=sample_id, purpose=form.cleaned_data["purpose"]
    )
    response = HttpResponse(json.dumps(data, ensure_ascii=False, indent=2), content_type="application/json")
    response["Content-Disposition"] = f'attachment; filename="{data["samples"][0]["accession"]}.json"'
    response["Cache-Control"] = "private, no-store"
    return response


@dna_staff
@require_POST
def sample_search_view(request: HttpRequest, sample_id: int) -> HttpResponse:
    form = FreePurposeForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say why you search (at least 3 characters)."))
        return redirect("dna:sample", sample_id=sample_id)
    try:
        search = services.search_request(
            actor=request.user, sample_id=sample_id, purpose=form.cleaned_data["purpose"]
        )
    except ValidationError as exc:
        _error(request, exc)
        return redirect("dna:sample", sample_id=sample_id)
    messages.success(request, _("The search was queued."))
    return redirect("dna:search", search_id=search.pk)


@dna_staff
@require_POST
def sample_clear_view(request: HttpRequest, sample_id: int) -> HttpResponse:
    try:
        services.sample_clear_for_registration(actor=request.user, sample_id=sample_id)
    except ValidationError as exc:
        _error(request, exc)
    else:
        messages.success(request, _("The child is cleared for household registration."))
    return redirect("dna:sample", sample_id=sample_id)


@dna_staff
@require_POST
def sample_withdraw_view(request: HttpRequest, sample_id: int) -> HttpResponse:
    try:
        services.sample_withdraw(
            actor=request.user, sample_id=sample_id, reason=request.POST.get("reason", "")[:500]
        )
    except ValidationError as exc:
        _error(request, exc)
    else:
        messages.success(request, _("The sample was withdrawn from the database."))
    return redirect("dna:sample", sample_id=sample_id)


# ---------------------------------------------------------------- families


@dna_staff
@require_GET
def families_view(request: HttpRequest) -> HttpResponse:
    return render(request, "dna/families.html", {"families": selectors.family_list(actor=request.user)})


@dna_staff
@require_http_methods(["GET", "POST"])
def family_create_view(request: HttpRequest) -> HttpResponse:
    form = FamilyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            family = services.family_create(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("The family was registered."))
            return redirect("dna:family", family_id=family.pk)
    return render(request, "dna/family_form.html", {"form": form})


@dna_staff
@require_GET
def family_view(request: HttpRequest, family_id: int) -> HttpResponse:
    family = selectors.family_get(actor=request.user, family_id=family_id, purpose="view family")
    return render(
        request,
        "dna/family.html",
        {"family": family, "members": selectors.family_members(family), "search_form": FreePurposeForm()},
    )


@dna_staff
@require_POST
def family_search_view(request: HttpRequest, family_id: int) -> HttpResponse:
    form = FreePurposeForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say why you search (at least 3 characters)."))
        return redirect("dna:family", family_id=family_id)
    search = services.search_request(
        actor=request.user, family_id=family_id, purpose=form.cleaned_data["purpose"]
    )
    messages.success(request, _("The search was queued."))
    return redirect("dna:search", search_id=search.pk)


# ---------------------------------------------------------------- searches and candidates


@dna_staff
@require_GET
def search_view(request: HttpRequest, search_id: int) -> HttpResponse:
    search = selectors.search_get(actor=request.user, search_id=search_id)
    return render(
        request,
        "dna/search.html",
        {
            "search": search,
            "candidates": selectors.search_candidates(search),
            "leads": selectors.search_leads(search),
            "note_form": NoteForm(),
        },
    )


@dna_staff
@require_POST
def search_sign_off_view(request: HttpRequest, search_id: int) -> HttpResponse:
    try:
        services.search_sign_off(
            actor=request.user, search_id=search_id, note=request.POST.get("note", "")[:500]
        )
    except ValidationError as exc:
        _error(request, exc)
    else:
        messages.success(request, _("The search result was signed off."))
    return redirect("dna:search", search_id=search_id)


@dna_staff
@require_GET
def candidates_view(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", "open")
    status = status if status in ("open", *CandidateStatus.values) else "open"
    return render(
        request,
        "dna/candidates.html",
        {
            "candidates": selectors.candidate_queue(actor=request.user, status=status),
            "status": status,
            "statuses": [("open", _("open")), *CandidateStatus.choices],
        },
    )


@dna_staff
@require_GET
def candidate_view(request: HttpRequest, candidate_id: int) -> HttpResponse:
    candidate = selectors.candidate_get(
        actor=request.user, candidate_id=candidate_id, purpose="candidate review"
    )
    references, rows = selectors.candidate_table(candidate)
    return render(
        request,
        "dna/candidate.html",
        {
            "c": candidate,
            "references": references,
            "rows": rows,
            "reviews": candidate.reviews.select_related("examiner"),
            "note_form": NoteForm(),
            "reason_form": ReasonForm(),
            # The examiner who confirmed may not countersign: the page says so instead of offering the button.
            "confirmed_by_me": candidate.confirmed_by_id == request.user.pk,
        },
    )


@dna_staff
@require_POST
def candidate_decide_view(request: HttpRequest, candidate_id: int, decision: str) -> HttpResponse:
    actor = request.user
    try:
        if decision == "confirm":
            services.candidate_confirm(
                actor=actor, candidate_id=candidate_id, note=request.POST.get("note", "")[:600]
            )
            messages.success(request, _("Confirmed. A second examiner must countersign."))
        elif decision == "countersign":
            services.candidate_countersign(
                actor=actor, candidate_id=candidate_id, note=request.POST.get("note", "")[:600]
            )
            messages.success(request, _("Countersigned: the match is confirmed and the case is told."))
        elif decision == "reject":
            services.candidate_reject(
                actor=actor, candidate_id=candidate_id, reason=request.POST.get("reason", "")[:600]
            )
            messages.success(request, _("The candidate was rejected."))
        else:
            raise Http404("Not found")
    except ValidationError as exc:
        _error(request, exc)
    return redirect("dna:candidate", candidate_id=candidate_id)


# ---------------------------------------------------------------- import, tables, duplicates


@dna_staff
@require_http_methods(["GET", "POST"])
def import_view(request: HttpRequest) -> HttpResponse:
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        if upload.size > services.conf.MAX_IMPORT_BYTES:
            form.add_error("file", _("The file is larger than 20 MB."))
        else:
            try:
                batch = services.profiles_import(
                    actor=request.user, content=upload.read(), options=form.to_options()
                )
            except ValidationError as exc:
                apply_validation_error(form, exc, default_field="file")
            else:
                return redirect("dna:import-detail", batch_id=batch.pk)
    return render(request, "dna/import.html", {"form": form})


@dna_staff
@require_GET
def import_detail_view(request: HttpRequest, batch_id: int) -> HttpResponse:
    return render(
        request,
        "dna/import_detail.html",
        {"batch": selectors.import_get(actor=request.user, batch_id=batch_id)},
    )


@dna_staff
@require_http_methods(["GET", "POST"])
def tables_view(request: HttpRequest) -> HttpResponse:
    form = TableForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        upload = d["file"]
        try:
            if upload.size > 2 * 1024 * 1024:
                raise ValidationError({"file": [_("A frequency table is at most 2 MB.")]})
            try:
                text = upload.read().decode("utf-8-sig")
            except UnicodeDecodeError:
                raise ValidationError({"file": [_("The file is not UTF-8 text.")]}) from None
            services.frequency_table_load(
                actor=request.user,
                name=d["name"],
                version=d["version"],
                csv_text=text,
                sample_size=d["sample_size"],
                min_freq=d["min_freq"],
                population=d["population"],
                activate=d["activate"],
            )
        except ValidationError as exc:
            apply_validation_error(form, exc, default_field="file")
        else:
            messages.success(request, _("The frequency table was loaded."))
            return redirect("dna:tables")
    return render(
        request, "dna/tables.html", {"tables": selectors.table_list(actor=request.user), "form": form}
    )


@dna_staff
@require_POST
def table_activate_view(request: HttpRequest, table_id: int) -> HttpResponse:
    try:
        services.frequency_table_activate(actor=request.user, table_id=table_id)
    except ValidationError as exc:
        _error(request, exc)
    return redirect("dna:tables")


@dna_staff
@require_GET
def duplicates_view(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "dna/duplicates.html",
        {"flags": selectors.open_duplicates(actor=request.user), "form": ReasonForm()},
    )


@dna_staff
@require_POST
def duplicate_resolve_view(request: HttpRequest, flag_id: int) -> HttpResponse:
    try:
        services.duplicate_resolve(
            actor=request.user, flag_id=flag_id, resolution=request.POST.get("reason", "")[:500]
        )
    except ValidationError as exc:
        _error(request, exc)
    return redirect("dna:duplicates")

"""Staff pages for person records. Every read goes through the people selectors (jurisdiction + audit)."""

from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from homeward.access import services as access_services
from homeward.core.auth import role_required
from homeward.core.forms import apply_validation_error
from homeward.people import selectors, services
from homeward.people.forms import PersonForm, PhotoForm, ShareForm
from homeward.people.rules import PEOPLE_ROLES


@role_required(*PEOPLE_ROLES)
@require_GET
def list_view(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "")[:100]
    people = selectors.person_list(actor=request.user, query=query)
    return render(request, "people/list.html", {"people": people, "q": query})


@role_required(*PEOPLE_ROLES)
@require_http_methods(["GET", "POST"])
def create_view(request: HttpRequest) -> HttpResponse:
    form = PersonForm(request.POST or None, initial={"jurisdiction": request.user.jurisdiction})  # type: ignore[union-attr]
    if request.method == "POST" and form.is_valid():
        try:
            person = services.person_create(actor=request.user, data=form.to_data())
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("The person record was created."))
            return redirect("people:detail", person_id=person.pk)
    return render(request, "people/form.html", {"form": form})


@role_required(*PEOPLE_ROLES)
@require_GET
def detail_view(request: HttpRequest, person_id: int) -> HttpResponse:
    person = selectors.person_get(actor=request.user, person_id=person_id, purpose="view record")
    return render(
        request,
        "people/detail.html",
        {"person": person, "photo_form": PhotoForm(), "share_form": ShareForm()},
    )


@role_required(*PEOPLE_ROLES)
@require_http_methods(["GET", "POST"])
def edit_view(request: HttpRequest, person_id: int) -> HttpResponse:
    person = selectors.person_get(actor=request.user, person_id=person_id, purpose="edit", audit_read=False)
    form = PersonForm(request.POST or None, initial=PersonForm.initial_for(person))
    if request.method == "POST" and form.is_valid():
        try:
            services.person_update(actor=request.user, person_id=person.pk, data=form.to_data())
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("The person record was saved."))
            return redirect("people:detail", person_id=person.pk)
    return render(request, "people/form.html", {"form": form, "person": person})


@role_required(*PEOPLE_ROLES)
@require_http_methods(["POST"])
def photo_add_view(request: HttpRequest, person_id: int) -> HttpResponse:
    form = PhotoForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.person_photo_add(
                actor=request.user,
                person_id=person_id,
                upload=form.cleaned_data["image"],
                caption=form.cleaned_data["caption"],
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("The photo was added."))
    else:
        messages.error(request, _("Choose a photo to upload."))
    return redirect("people:detail", person_id=person_id)


@role_required(*PEOPLE_ROLES)
@require_GET
def photo_view(request: HttpRequest, photo_id: int) -> FileResponse:
    photo = selectors.person_photo_get(actor=request.user, photo_id=photo_id)
    response = FileResponse(photo.image.open("rb"), content_type=photo.content_type)
    response["Cache-Control"] = "private, no-store"
    return response


@role_required(*PEOPLE_ROLES)
@require_http_methods(["POST"])
def share_view(request: HttpRequest, person_id: int) -> HttpResponse:
    person = selectors.person_get(actor=request.user, person_id=person_id, purpose="share", audit_read=False)
    form = ShareForm(request.POST)
    if not request.user.has_perm("people.share_person"):
        raise PermissionDenied
    if form.is_valid():
        grantee = (
            get_user_model().objects.filter(username=form.cleaned_data["grantee"], is_active=True).first()
        )
        if grantee is None:
            messages.error(request, _("No active user with that username."))
        else:
            try:
                access_services.grant_create(
                    actor=request.user,
                    obj=person,
                    grantee=grantee,
                    duration=timedelta(hours=form.cleaned_data["hours"]),
                    reason=form.cleaned_data["reason"],
                )
            except (ValidationError, PermissionDenied) as exc:
                messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
            else:
                messages.success(request, _("The record was shared."))
    else:
        messages.error(request, _("Give a username, a duration and a reason."))
    return redirect("people:detail", person_id=person.pk)

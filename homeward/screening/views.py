"""Staff pages: the review queue, a post and a cluster (with the template view), labels, tips, ingest by file
and by hand, lead search, and the risk model versions."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from homeward.core.auth import role_required, staff_user
from homeward.core.forms import apply_validation_error
from homeward.screening import selectors, services
from homeward.screening.forms import LabelForm, LeadSearchForm, ManualPostForm, QueueFilterForm, UploadForm
from homeward.screening.rules import RETRAIN_POLICE_ROLES, REVIEW_ROLES, VIEW_ROLES
from homeward.screening.services import PostInput

PAGE = 100


@role_required(*VIEW_ROLES)
@require_GET
def queue_view(request: HttpRequest) -> HttpResponse:
    form = QueueFilterForm(request.GET or None)
    filters = selectors.QueueFilter()
    if form.is_valid():
        filters = selectors.QueueFilter(
            status=form.cleaned_data["status"] or "open",
            category=form.cleaned_data["category"],
            min_risk=form.cleaned_data["min_risk"],
        )
    posts = list(selectors.post_queue(actor=staff_user(request), filters=filters)[:PAGE])
    masked = selectors.masked_leads(posts)
    rows = [(p, masked[p.pk]) for p in posts]
    return render(request, "screening/queue.html", {"form": form, "rows": rows, "page": PAGE})


def _post_context(request: HttpRequest, post: Any, label_form: LabelForm | None = None) -> dict[str, Any]:
    leads = selectors.leads_for(actor=staff_user(request), posts=[post])
    return {
        "post": post,
        "leads": leads,
        "pieces": selectors.highlighted(post, leads),
        "label_form": label_form or LabelForm(initial={"category": post.category}),
        "may_review": staff_user(request).has_perm("screening.review_post"),
    }


@role_required(*VIEW_ROLES)
@require_GET
def post_view(request: HttpRequest, post_id: int) -> HttpResponse:
    post = selectors.post_get(actor=staff_user(request), post_id=post_id)
    return render(request, "screening/post.html", _post_context(request, post))


@role_required(*REVIEW_ROLES)
@require_POST
def post_label_view(request: HttpRequest, post_id: int) -> HttpResponse:
    form = LabelForm(request.POST)
    if form.is_valid():
        try:
            services.post_label(actor=staff_user(request), post_id=post_id, **form.cleaned_data)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("Label saved."))
            return redirect("screening:post", post_id=post_id)
    post = selectors.post_get(actor=staff_user(request), post_id=post_id)
    return render(request, "screening/post.html", _post_context(request, post, form), status=400)


@role_required(*REVIEW_ROLES)
@require_POST
def post_tip_view(request: HttpRequest, post_id: int) -> HttpResponse:
    try:
        post = services.post_tip_create(actor=staff_user(request), post_id=post_id)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Tip %(ref)s created and routed.") % {"ref": post.tip_reference})
    return redirect("screening:post", post_id=post_id)


@role_required(*VIEW_ROLES)
@require_GET
def clusters_view(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", "open")
    if status not in ("open", "labelled", "all"):
        status = "open"
    clusters = list(selectors.cluster_list(actor=staff_user(request), status=status)[:PAGE])
    rows = [(c, selectors.masked_template(c)) for c in clusters]
    return render(request, "screening/clusters.html", {"rows": rows, "status": status})


def _cluster_context(
    request: HttpRequest, cluster: Any, label_form: LabelForm | None = None
) -> dict[str, Any]:
    user = staff_user(request)
    posts = selectors.cluster_posts(actor=user, cluster=cluster)
    template = cluster.template or {}
    ids = template.get("post_ids", [])
    slots = template.get("slots", [])
    constants = template.get("constants", [])
    # One row per post of the template: what it has in each slot that changes.
    changing = [i for i, slot in enumerate(slots) if any(slot)]
    rows = [(pid, [slots[i][j] for i in changing]) for j, pid in enumerate(ids)]
    return {
        "cluster": cluster,
        "posts": posts,
        "constants": constants,
        "rendered": template.get("rendered", ""),
        "slot_numbers": changing,
        "template_rows": rows,
        "leads": selectors.leads_for(actor=user, posts=posts),
        "label_form": label_form or LabelForm(initial={"category": cluster.category}),
        "may_review": user.has_perm("screening.review_post"),
    }


@role_required(*VIEW_ROLES)
@require_GET
def cluster_view(request: HttpRequest, cluster_id: int) -> HttpResponse:
    cluster = selectors.cluster_get(actor=staff_user(request), cluster_id=cluster_id)
    return render(request, "screening/cluster.html", _cluster_context(request, cluster))


@role_required(*REVIEW_ROLES)
@require_POST
def cluster_label_view(request: HttpRequest, cluster_id: int) -> HttpResponse:
    form = LabelForm(request.POST)
    if form.is_valid():
        try:
            services.cluster_label(actor=staff_user(request), cluster_id=cluster_id, **form.cleaned_data)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("Label saved for every post of the cluster."))
            return redirect("screening:cluster", cluster_id=cluster_id)
    cluster = selectors.cluster_get(actor=staff_user(request), cluster_id=cluster_id)
    return render(request, "screening/cluster.html", _cluster_context(request, cluster, form), status=400)


@role_required(*REVIEW_ROLES)
@require_POST
def cluster_tip_view(request: HttpRequest, cluster_id: int) -> HttpResponse:
    try:
        cluster = services.cluster_tip_create(actor=staff_user(request), cluster_id=cluster_id)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Tip %(ref)s created and routed.") % {"ref": cluster.tip_reference})
    return redirect("screening:cluster", cluster_id=cluster_id)


@role_required(*REVIEW_ROLES)
@require_http_methods(["GET", "POST"])
def upload_view(request: HttpRequest) -> HttpResponse:
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            if upload.size > services.MAX_UPLOAD_BYTES:
                raise ValidationError(_("The file is larger than 5 MB."))
            items, errors, read = services.parse_upload(name=upload.name or "", content=upload.read())
            batch = services.posts_ingest(
                actor=staff_user(request),
                source="upload",
                items=items,
                errors=errors,
                received=read,
                filename=upload.name or "",
            )
        except ValidationError as exc:
            apply_validation_error(form, exc, "file")
        else:
            return redirect("screening:batch", batch_id=batch.pk)
    return render(request, "screening/upload.html", {"form": form}, status=400 if form.errors else 200)


@role_required(*REVIEW_ROLES)
@require_http_methods(["GET", "POST"])
def manual_view(request: HttpRequest) -> HttpResponse:
    form = ManualPostForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            post = services.post_create_manual(
                actor=staff_user(request),
                data=PostInput(
                    text=data["text"].strip(),
                    external_id=data["external_id"].strip(),
                    platform=data["platform"].strip(),
                    author=data["author"].strip(),
                    url=data["url"],
                    posted_at=data["posted_at"],
                ),
            )
        except ValidationError as exc:
            apply_validation_error(form, exc, "text")
        else:
            messages.success(request, _("Post saved; it is being screened."))
            return redirect("screening:post", post_id=post.pk)
    return render(request, "screening/manual.html", {"form": form}, status=400 if form.errors else 200)


@role_required(*REVIEW_ROLES)
@require_GET
def batch_view(request: HttpRequest, batch_id: int) -> HttpResponse:
    batch = selectors.batch_get(actor=staff_user(request), batch_id=batch_id)
    return render(request, "screening/batch.html", {"batch": batch, **selectors.batch_progress(batch)})


@role_required(*VIEW_ROLES)
@require_GET
def lead_search_view(request: HttpRequest) -> HttpResponse:
    form = LeadSearchForm(request.GET or None)
    rows: list[Any] | None = None
    if form.is_valid():
        try:
            posts = selectors.lead_search(actor=staff_user(request), **form.cleaned_data)
        except ValidationError as exc:
            apply_validation_error(form, exc, "value")
        else:
            masked = selectors.masked_leads(posts)
            rows = [(p, masked[p.pk]) for p in posts]
    return render(request, "screening/leads.html", {"form": form, "rows": rows})


@role_required(*RETRAIN_POLICE_ROLES, "plan_coordinator")
@require_http_methods(["GET", "POST"])
def models_view(request: HttpRequest) -> HttpResponse:
    user = staff_user(request)
    if request.method == "POST":
        try:
            version = services.model_retrain(actor=user)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Model version %(v)d trained and in use.") % {"v": version.version})
        return redirect("screening:models")
    return render(
        request,
        "screening/models.html",
        {
            "versions": selectors.model_versions(),
            "labels": selectors.label_counts(),
            "may_retrain": user.has_perm("screening.retrain"),
        },
    )

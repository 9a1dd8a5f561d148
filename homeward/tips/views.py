"""Staff pages: the agency's queue, a tip with its actions, transfers, rewards, and mandatory reports."""

from __future__ import annotations

import csv
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from homeward.accounts.roles import Role
from homeward.core.auth import role_required
from homeward.core.forms import apply_validation_error
from homeward.tips import selectors, services
from homeward.tips.forms import (
    AlertForm,
    CloseForm,
    ConvertForm,
    DecideForm,
    MandatoryReportForm,
    OtherTipForm,
    PaymentForm,
    QuestionForm,
    QueueFilterForm,
    RewardForm,
    TransferForm,
)
from homeward.tips.models import Tip
from homeward.tips.rules import TIP_HANDLE_ROLES, TIP_VIEW_ROLES, may_see_informant
from homeward.tips.sectors import details_for_display, sector_for

RELATED_REASONS = {
    "phone": _("same phone"),
    "id_number": _("same ID number"),
    "plate": _("same vehicle plate"),
    "place": _("same place and time"),
    "text": _("similar text"),
}


def mask_phone(phone: str) -> str:
    """+8613800138001 -> +86138****8001: enough to tell numbers apart, not to call them."""
    if len(phone) < 8:
        return "****" if phone else ""
    return phone[: len(phone) - 8] + "****" + phone[-4:]


def mask_name(name: str) -> str:
    return (name[0] + "*" * (len(name) - 1)) if name else ""


@role_required(*TIP_VIEW_ROLES)
@require_GET
def queue_view(request: HttpRequest) -> HttpResponse:
    form = QueueFilterForm(request.GET or None)
    filters = _filters(form)
    tips = list(selectors.tip_queue(actor=request.user, filters=filters))
    rows = [(t, selectors.overdue(t)) for t in tips]
    return render(request, "tips/queue.html", {"rows": rows, "form": form, "query": request.GET.urlencode()})


def _filters(form: QueueFilterForm) -> selectors.QueueFilter:
    if form.is_bound and form.is_valid():
        d = form.cleaned_data
        return selectors.QueueFilter(
            scope=d["scope"] or "agency",
            status=d["status"] or "open",
            category=d["category"],
            include_spam=not d["hide_spam"],
        )
    return selectors.QueueFilter()


@role_required(*TIP_VIEW_ROLES)
@require_GET
def export_view(request: HttpRequest) -> HttpResponse:
    """The queue as CSV. The informant's name and phone are always masked in exports."""
    filters = _filters(QueueFilterForm(request.GET or None))
    filters.limit = 1000
    tips = selectors.tips_export(actor=request.user, filters=filters)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="tips.csv"'
    response["Cache-Control"] = "private, no-store"
    response.write("\ufeff")  # so that spreadsheet programs read UTF-8
    writer = csv.writer(response)
    writer.writerow(
        ["id", "receipt", "received", "category", "status", "priority", "imminent", "place", "agency",
         "ack_due", "acknowledged", "informant_name", "informant_phone", "description"]
    )  # fmt: skip
    for t in tips:
        writer.writerow(
            [
                t.pk,
                t.reference,
                timezone.localtime(t.created_at).isoformat(timespec="minutes"),
                t.category,
                t.status,
                t.priority,
                int(t.imminent_danger),
                t.division_code,
                t.agency.name if t.agency else "",
                timezone.localtime(t.ack_due_at).isoformat(timespec="minutes"),
                timezone.localtime(t.acknowledged_at).isoformat(timespec="minutes")
                if t.acknowledged_at
                else "",
                mask_name(t.informant_name),
                mask_phone(t.informant_phone),
                _csv_safe(t.description[:500]),
            ]
        )
    return response


def _csv_safe(text: str) -> str:
    # A cell starting with = + - @ is a formula in spreadsheet programs; the public wrote this text.
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text


@role_required(*TIP_VIEW_ROLES)
@require_GET
def detail_view(request: HttpRequest, tip_id: int) -> HttpResponse:
    tip = selectors.tip_get(actor=request.user, tip_id=tip_id, purpose="view tip")
    user = request.user
    can_act = services.user_may_act(user, tip)
    related = selectors.tip_related(actor=user, tip=tip) if can_act else []
    context: dict[str, Any] = {
        "tip": tip,
        "show_informant": may_see_informant(user, tip),
        "masked_phone": mask_phone(tip.informant_phone),
        "masked_name": mask_name(tip.informant_name),
        "sector_details": details_for_display(sector_for(tip.sector), tip.sector_details),
        "events": selectors.tip_events(tip=tip),
        "attachments": selectors.tip_attachments(tip=tip),
        "links": selectors.tip_links(tip=tip),
        "transfers": selectors.tip_transfers(tip=tip),
        "rewards": selectors.tip_rewards(tip=tip),
        "related": [(r, [RELATED_REASONS.get(x, x) for x in r.reasons]) for r in related],
        "overdue": selectors.overdue(tip),
        "public_status": selectors.public_status(tip),
        "can_act": can_act,
        "can_propose_reward": user.has_perm("tips.propose_reward"),  # type: ignore[union-attr]
        "question_form": QuestionForm(),
        "close_form": CloseForm(),
        "transfer_form": TransferForm(agencies=services.transfer_targets(actor=user)) if can_act else None,
        "other_form": OtherTipForm(),
        "alert_form": AlertForm(),
        "convert_form": ConvertForm(),
        "reward_form": RewardForm(),
    }
    return render(request, "tips/detail.html", context)


def _action(
    request: HttpRequest, tip_id: int, form: Any, call: Callable[[dict[str, Any]], Any], done: str
) -> HttpResponse:
    """Run one action from a POSTed form; errors come back as messages on the tip page."""
    if form is not None and not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect("tips:detail", tip_id=tip_id)
    try:
        call(form.cleaned_data if form is not None else {})
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, done)
    return redirect("tips:detail", tip_id=tip_id)


@role_required(*TIP_HANDLE_ROLES)
@require_POST
def acknowledge_view(request: HttpRequest, tip_id: int) -> HttpResponse:
    return _action(
        request,
        tip_id,
        None,
        lambda d: services.tip_acknowledge(actor=request.user, tip_id=tip_id),
        _("The tip was acknowledged."),
    )


@role_required(*TIP_HANDLE_ROLES)
@require_POST
def request_info_view(request: HttpRequest, tip_id: int) -> HttpResponse:
    return _action(
        request,
        tip_id,
        QuestionForm(request.POST),
        lambda d: services.tip_request_info(actor=request.user, tip_id=tip_id, question=d["question"]),
        _("The question was sent to the informant."),
    )


@role_required(*TIP_HANDLE_ROLES)
@require_POST
def close_view(request: HttpRequest, tip_id: int) -> HttpResponse:
    return _action(
        request,
        tip_id,
        CloseForm(request.POST),
        lambda d: services.tip_close(actor=request.user, tip_id=tip_id, reason=d["reason"], note=d["note"]),
        _("The tip was closed."),
    )


@role_required(*TIP_HANDLE_ROLES)
@require_POST
def transfer_view(request: HttpRequest, tip_id: int) -> HttpResponse:
    form = TransferForm(request.POST, agencies=services.transfer_targets(actor=request.user))
    return _action(
        request,
        tip_id,
        form,
        lambda d: services.tip_transfer_request(
            actor=request.user, tip_id=tip_id, to_agency_id=d["to_agency"], reason=d["reason"]
        ),
        _("The transfer was sent; the receiving agency must accept it."),
    )


@role_required(*TIP_HANDLE_ROLES)
@require_POST
def merge_view(request: HttpRequest, tip_id: int) -> HttpResponse:
    return _action(
        request,
        tip_id,
        OtherTipForm(request.POST),
        lambda d: services.tip_merge(
            actor=request.user, tip_id=tip_id, into_tip_id=d["other_tip"], note=d["note"]
        ),
        _("The tip was merged; both tips keep what they said."),
    )


@role_required(*TIP_HANDLE_ROLES)
@require_POST
def link_view(request: HttpRequest, tip_id: int) -> HttpResponse:
    return _action(
        request,
        tip_id,
        OtherTipForm(request.POST),
        lambda d: services.tip_link(
            actor=request.user, tip_id=tip_id, other_tip_id=d["other_tip"], note=d["note"]
        ),
        _("The tips were linked."),
    )


@role_required(*TIP_HANDLE_ROLES)
@require_POST
def alert_view(request: HttpRequest, tip_id: int) -> HttpResponse:
    return _action(
        request,
        tip_id,
        AlertForm(request.POST),
        lambda d: services.tip_attach_alert(actor=request.user, tip_id=tip_id, alert_id=d["alert_id"]),
        _("The tip was attached to the alert."),
    )


@role_required(*TIP_HANDLE_ROLES)
@require_POST
def convert_view(request: HttpRequest, tip_id: int) -> HttpResponse:
    return _action(
        request,
        tip_id,
        ConvertForm(request.POST),
        lambda d: services.tip_mark_converted(actor=request.user, tip_id=tip_id, case_ref=d["case_ref"]),
        _("The tip was recorded as converted into a case."),
    )


@role_required(Role.INVESTIGATOR, Role.CASE_LEADER)
@require_POST
def reward_propose_view(request: HttpRequest, tip_id: int) -> HttpResponse:
    return _action(
        request,
        tip_id,
        RewardForm(request.POST),
        lambda d: services.reward_propose(
            actor=request.user, tip_id=tip_id, amount_yuan=d["amount_yuan"], outcome=d["outcome"]
        ),
        _("The reward was proposed; a superior must approve it."),
    )


@role_required(*TIP_VIEW_ROLES)
@require_GET
def attachment_view(request: HttpRequest, attachment_id: int) -> FileResponse:
    attachment = selectors.tip_attachment_get(actor=request.user, attachment_id=attachment_id)
    response = FileResponse(attachment.file.open("rb"), content_type=attachment.content_type)
    response["Cache-Control"] = "private, no-store"
    response["Content-Disposition"] = f'inline; filename="tip-{attachment.tip_id}-{attachment.pk}"'
    return response


# -- transfers ---------------------------------------------------------------------------------------------------


@role_required(*TIP_VIEW_ROLES)
@require_GET
def transfers_view(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "tips/transfers.html",
        {
            "incoming": selectors.transfers_for(actor=request.user, direction="incoming")[:200],
            "outgoing": selectors.transfers_for(actor=request.user, direction="outgoing")[:200],
        },
    )


@role_required(*TIP_VIEW_ROLES)
@require_GET
def transfer_detail_view(request: HttpRequest, transfer_id: int) -> HttpResponse:
    transfer = selectors.transfer_get(actor=request.user, transfer_id=transfer_id)
    tip: Tip = transfer.tip
    return render(
        request,
        "tips/transfer.html",
        {
            "transfer": transfer,
            "tip": tip,
            "events": selectors.tip_events(tip=tip),
            "can_decide": transfer.status == "pending"
            and request.user.agency_id == transfer.to_agency_id  # type: ignore[union-attr]
            and request.user.has_perm("tips.change_tip"),  # type: ignore[union-attr]
            "form": DecideForm(),
        },
    )


@role_required(*TIP_HANDLE_ROLES)
@require_POST
def transfer_decide_view(request: HttpRequest, transfer_id: int) -> HttpResponse:
    form = DecideForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose accept or decline."))
        return redirect("tips:transfer", transfer_id=transfer_id)
    try:
        transfer = services.tip_transfer_decide(
            actor=request.user,
            transfer_id=transfer_id,
            accept=form.cleaned_data["accept"],
            note=form.cleaned_data["note"],
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("tips:transfer", transfer_id=transfer_id)
    except PermissionDenied as exc:
        messages.error(request, str(exc) or _("You may not decide this transfer."))
        return redirect("tips:transfer", transfer_id=transfer_id)
    if transfer.status == "accepted":
        messages.success(request, _("The tip is now yours."))
        return redirect("tips:detail", tip_id=transfer.tip_id)
    messages.success(request, _("The transfer was declined."))
    return redirect("tips:transfers")


# -- rewards -----------------------------------------------------------------------------------------------------


@role_required(*TIP_VIEW_ROLES)
@require_GET
def rewards_view(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "tips/rewards.html",
        {
            "rewards": selectors.rewards_pending(actor=request.user)[:200],
            "decide_form": DecideForm(),
            "payment_form": PaymentForm(),
        },
    )


@role_required(Role.CASE_LEADER, Role.COMMAND_CENTRE)
@require_POST
def reward_decide_view(request: HttpRequest, reward_id: int) -> HttpResponse:
    form = DecideForm(request.POST)
    if form.is_valid():
        try:
            services.reward_decide(
                actor=request.user,
                reward_id=reward_id,
                approve=form.cleaned_data["accept"],
                note=form.cleaned_data["note"],
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        except PermissionDenied as exc:
            messages.error(request, str(exc) or _("You may not decide this reward."))
        else:
            messages.success(request, _("The decision was recorded."))
    else:
        messages.error(request, _("Choose approve or reject."))
    return redirect("tips:rewards")


@role_required(*TIP_HANDLE_ROLES)
@require_POST
def reward_paid_view(request: HttpRequest, reward_id: int) -> HttpResponse:
    form = PaymentForm(request.POST)
    if form.is_valid():
        try:
            services.reward_mark_paid(
                actor=request.user,
                reward_id=reward_id,
                payment_ref=form.cleaned_data["payment_ref"],
                claim_code=form.cleaned_data["claim_code"],
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("The payment was recorded."))
    else:
        messages.error(request, _("Give the payment reference."))
    return redirect("tips:rewards")


# -- mandatory reports -------------------------------------------------------------------------------------------


@role_required(Role.MANDATORY_REPORTER)
@require_GET
def reports_view(request: HttpRequest) -> HttpResponse:
    reports = selectors.my_reports(actor=request.user)[:200]
    rows = [(t, selectors.public_status(t)) for t in reports]
    return render(request, "tips/reports.html", {"rows": rows})


@role_required(Role.MANDATORY_REPORTER)
@require_http_methods(["GET", "POST"])
def report_create_view(request: HttpRequest) -> HttpResponse:
    user = request.user
    sector = sector_for(user.agency.type)  # type: ignore[union-attr]
    if sector is None or not user.has_perm("tips.file_report"):  # type: ignore[union-attr]
        raise PermissionDenied
    form = MandatoryReportForm(request.POST or None, request.FILES or None, sector=sector)
    if request.method == "POST" and form.is_valid():
        try:
            receipt = services.tip_submit_mandatory(
                actor=user,
                data=form.to_data(),
                sector_details=form.sector_details(),
                idempotency_key=form.cleaned_data["form_token"],
                attachments=form.cleaned_data["attachments"],
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(
                request,
                _("Report %(ref)s received. The police must acknowledge it by %(due)s.")
                % {
                    "ref": receipt.reference,
                    "due": timezone.localtime(receipt.tip.ack_due_at).strftime("%Y-%m-%d %H:%M"),
                },
            )
            return redirect("tips:report-detail", tip_id=receipt.tip.pk)
    return render(request, "tips/report_form.html", {"form": form, "sector": user.agency.get_type_display()})  # type: ignore[union-attr]


@role_required(Role.MANDATORY_REPORTER)
@require_http_methods(["GET", "POST"])
def report_detail_view(request: HttpRequest, tip_id: int) -> HttpResponse:
    # A POST is audited by the service that writes; only reading the page is a read.
    tip = selectors.my_report_get(actor=request.user, tip_id=tip_id, audit_read=request.method == "GET")
    if request.method == "POST":
        text = request.POST.get("text", "")
        try:
            services.tip_informant_add(tip_id=tip.pk, text=text)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Your information was added."))
        return redirect("tips:report-detail", tip_id=tip.pk)
    return render(
        request,
        "tips/report_detail.html",
        {
            "tip": tip,
            "view": selectors.informant_view(tip),
            "sector_details": details_for_display(sector_for(tip.sector), tip.sector_details),
        },
    )

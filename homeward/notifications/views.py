from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from homeward.core.auth import staff_required, staff_user
from homeward.notifications.models import Notice
from homeward.notifications.services import notice_mark_read


@staff_required
@require_GET
def list_view(request: HttpRequest) -> HttpResponse:
    notices = Notice.objects.filter(recipient=staff_user(request))[:100]
    return render(request, "notifications/list.html", {"notices": notices})


@staff_required
@require_POST
def read_view(request: HttpRequest, notice_id: int) -> HttpResponse:
    notice_mark_read(actor=request.user, notice_id=notice_id)
    return redirect("notifications:list")
